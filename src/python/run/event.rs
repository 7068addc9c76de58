//! What a run reports, in order, to its sink.

use std::path::PathBuf;
use std::time::Duration;

use crate::os::process::Exit;
use crate::python::StartMethod;

/// Which output stream a piece of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Stdout = 0,
    Stderr = 1,
}

/// Something that happened in a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PyEvent {
    Started(Started),
    Output(Output),
    /// [`MAX_OUTPUT_BYTES`](super::MAX_OUTPUT_BYTES) were reached; further output is dropped.
    OutputLimit {
        limit: usize,
    },
    /// The time limit passed; the run is being stopped (`Exited` follows).
    TimedOut {
        limit: Duration,
    },
    Exited(Exited),
    /// forklab could not run the script (not the script failing).
    Failed(String),
    /// Not run: the interpreter lacks modules the example requires. The
    /// only event of such a run.
    Skipped {
        missing: Vec<String>,
    },
}

impl PyEvent {
    /// What the learner reads for a skipped run: `skipped: needs dask`.
    /// (Module and package names differ, so it names no install command;
    /// the lesson does.)
    pub fn skipped_message(missing: &[String]) -> String {
        format!(
            "skipped: needs {}, which this Python cannot import",
            missing.join(", ")
        )
    }
}

/// The script is running.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Started {
    /// The script's own process (the Python master).
    pub pid: u32,
    /// Its process group (the same number: the master leads its group).
    pub pgid: u32,
    /// The guard: the root of the run's process family.
    pub guard_pid: u32,
    pub python: PathBuf,
    /// The interpreter's exact version, e.g. `3.11.7`.
    pub python_version: String,
    /// The start method that runs.
    pub start_method: StartMethod,
    /// False when none was chosen and `start_method` is the default.
    pub start_method_chosen: bool,
    pub workdir: PathBuf,
    /// What runs, for display.
    pub command: String,
}

/// A piece of output, safe to draw. `line_end` false means the line goes
/// on in a later `Output` of the same stream ([`crate::python::Transcript`] joins them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Output {
    pub stream: Stream,
    /// Since the run started.
    pub offset: Duration,
    pub text: String,
    pub line_end: bool,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndCause {
    /// The script ended by itself.
    Finished,
    /// [`PyRun::stop`](super::PyRun::stop) (or dropping the [`PyRun`](super::PyRun)).
    Stopped,
    /// The time limit passed.
    TimedOut,
}

/// The run is over; no process of it is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Exited {
    pub status: Exit,
    /// The script ended by itself with the status the lesson expects (an
    /// exception the lesson demonstrates is an expected outcome).
    pub expected: bool,
    pub expect_exit: i32,
    pub elapsed: Duration,
    pub cause: EndCause,
    /// What held the run's family (a cgroup, or rlimits and sampling), the
    /// limit it passed if any, and its peaks; `None` for a run without
    /// limits (the lab's drivers) or one recorded before them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contained: Option<crate::os::contain::Contained>,
}
