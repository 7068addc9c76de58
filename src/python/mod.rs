//! Running the lessons' real Python scripts with the learner's own Python,
//! and watching the processes they make. Knows nothing of the terminal UI:
//! the TUI and `forklab example run` share all of it.
//!
//! The process tree of one run:
//!
//! ```text
//! forklab                      (TUI or `forklab example run`)
//! └─ forklab guard -- python3 -u script.py ARGS    own process group; dies with forklab
//!    └─ python3 -u script.py ARGS                  the master; its own process group
//!       ├─ worker, worker, ...                     fork/spawn children of the master
//!       ├─ resource tracker                        (spawn, forkserver)
//!       └─ forkserver ─ worker, ...                (forkserver)
//! ```
//!
//! The guard ([`guard`]) is forklab's own binary re-executed. It is a child
//! subreaper, so orphans stay in its subtree; when the master ends, when
//! forklab asks it to stop (SIGTERM), or when forklab dies (the parent-death
//! signal), it kills the master's group and every descendant, reaps them,
//! removes the temporary working directory and reports over a status pipe.
//!
//! The script runs with `python -u SCRIPT ARGS` (no shell) in `work/` of a
//! temporary `forklab-run-*` folder holding copies of the script and its
//! data; `site/sitecustomize.py` beside it (on `PYTHONPATH`) hands the OS
//! whole lines only, so lines printed at once by several workers stay whole.
//!
//! To run an example: [`Interpreter::find`] once (it runs Python, so do it
//! off the UI thread and keep the result), then [`RunRequest::for_example`],
//! then [`start`] with a sink for [`PyEvent`]s. [`Transcript`] turns the
//! output into lines; [`FamilyLog`] records the processes found by sampling
//! `crate::os::family_of(started.guard_pid)`.
//!
//! ```no_run
//! use forklab::lesson::LessonSet;
//! use forklab::python::{self, Interpreter, PyEvent, RunRequest, StartMethod, Transcript};
//!
//! let set = LessonSet::embedded();
//! let example = &set.lessons[set.index_of("pool").unwrap()].meta.examples[0];
//! let interpreter = Interpreter::find(None).map_err(|e| e.to_string())?;
//! let mut request = RunRequest::for_example(&set, example, interpreter)?;
//! request.start_method = Some(StartMethod::Spawn);
//! request.args = vec!["4".into(), "12".into()];
//! let (tx, rx) = std::sync::mpsc::channel();
//! let run = python::start(request, move |event| {
//!     let _ = tx.send(event);
//! });
//! let mut transcript = Transcript::new();
//! for event in rx {
//!     match event {
//!         PyEvent::Output(output) => {
//!             transcript.push(&output);
//!         }
//!         PyEvent::Exited(exited) => {
//!             println!("{} (expected: {})", exited.status, exited.expected);
//!             break;
//!         }
//!         PyEvent::Failed(message) => return Err(message),
//!         _ => {}
//!     }
//! }
//! run.wait();
//! # Ok::<(), String>(())
//! ```

pub mod family;
pub mod guard;
pub mod interpreter;
pub mod run;
pub mod transcript;

/// How a script ended: the one exit-status type, re-exported.
pub use crate::os::process::Exit;
pub use family::{FamilyLog, Role, SeenProcess};
pub use interpreter::{FindError, Interpreter};
pub use run::{
    DEFAULT_TIMEOUT, EndCause, Exited, Output, PyEvent, PyRun, RunRequest, Started, Stream, start,
};
pub use transcript::Transcript;

/// How `multiprocessing` starts a worker. Passed to the scripts in the
/// environment variable [`START_METHOD_VAR`]; the examples hand it to
/// `multiprocessing.set_start_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartMethod {
    /// A copy of the master, made by `fork()`: fast, inherits everything.
    Fork,
    /// A fresh interpreter that imports the script.
    Spawn,
    /// Copies of a clean helper process started early on.
    Forkserver,
}

/// The environment variable the examples read their start method from.
pub const START_METHOD_VAR: &str = "FORKLAB_START_METHOD";

impl StartMethod {
    /// In the order a picker offers them.
    pub const ALL: [StartMethod; 3] = [
        StartMethod::Fork,
        StartMethod::Spawn,
        StartMethod::Forkserver,
    ];

    /// The name Python uses.
    pub fn as_str(self) -> &'static str {
        match self {
            StartMethod::Fork => "fork",
            StartMethod::Spawn => "spawn",
            StartMethod::Forkserver => "forkserver",
        }
    }
}

impl std::fmt::Display for StartMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for StartMethod {
    type Err = String;

    /// Accepts Python's names, ignoring case and surrounding spaces.
    fn from_str(s: &str) -> Result<StartMethod, String> {
        let wanted = s.trim();
        StartMethod::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = StartMethod::ALL.iter().map(|m| m.as_str()).collect();
                let (last, rest) = names.split_last().unwrap_or((&"", &[]));
                format!(
                    "unknown start method {:?}: choose {} or {last}",
                    crate::sanitize::line(s),
                    rest.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_methods_parse_by_python_name() {
        assert_eq!("fork".parse(), Ok(StartMethod::Fork));
        assert_eq!(" Spawn\n".parse(), Ok(StartMethod::Spawn));
        assert_eq!("FORKSERVER".parse(), Ok(StartMethod::Forkserver));
        for method in StartMethod::ALL {
            assert_eq!(method.to_string().parse(), Ok(method));
        }
        let err = "threads".parse::<StartMethod>().unwrap_err();
        assert!(
            err.contains("\"threads\"") && err.contains("fork, spawn or forkserver"),
            "{err}"
        );
        assert!("".parse::<StartMethod>().is_err());
        assert!("\x1b[2J".parse::<StartMethod>().unwrap_err().contains('␛'));
    }
}
