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
//! To run an example: [`Interpreter::find`] once, then
//! [`RunRequest::for_example`], then [`start`] with a sink for [`PyEvent`]s;
//! [`Transcript`] collects the output lines, [`FamilyLog`] the processes.

pub mod family;
pub mod guard;
pub mod interpreter;
pub mod run;
pub mod sanitize;
pub mod transcript;

pub use family::{FamilyLog, Role, SeenProcess};
pub use interpreter::{FindError, Interpreter};
pub use run::{
    DEFAULT_TIMEOUT, EndCause, ExitKind, Exited, Output, PyEvent, PyRun, RunRequest, Started,
    Stream, start,
};
pub use transcript::Transcript;

/// How `multiprocessing` starts a worker. Passed to the scripts in the
/// environment variable [`START_METHOD_VAR`]; the examples hand it to
/// `multiprocessing.set_start_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
                format!(
                    "unknown start method {:?}: choose fork, spawn or forkserver",
                    sanitize::sanitize(s)
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
