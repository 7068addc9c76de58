//! The lessons' Python examples as the reader sees them: the search for
//! Python, the run (waiting, going or ended) and the learner's choices.

use std::collections::BTreeMap;
use std::time::Instant;

use super::super::action::RunPlan;
use crate::python::{Exited, StartMethod, Started, Transcript};

/// How a Python run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    Exited(Exited),
    /// forklab could not run it (no Python, a missing file...).
    Failed(String),
    /// Not run: the Python lacks a module the example requires.
    Skipped(String),
}

/// A Python example run, as the output pane shows it.
#[derive(Debug, Clone)]
pub struct ExampleRun {
    /// Tells this run's events from a previous run's.
    pub number: u64,
    pub title: String,
    /// Script and arguments, for the pane's title.
    pub command: String,
    pub started: Option<Started>,
    pub started_at: Instant,
    pub transcript: Transcript,
    pub timed_out: bool,
    pub end: Option<RunEnd>,
    /// First transcript line shown; `None` follows the newest output.
    pub scroll: Option<usize>,
    /// The pane is hidden (`o` shows it again).
    pub hidden: bool,
}

impl ExampleRun {
    /// A run that has just been asked for.
    pub fn new(number: u64, title: String, command: String, started_at: Instant) -> ExampleRun {
        ExampleRun {
            number,
            title,
            command,
            started: None,
            started_at,
            transcript: Default::default(),
            timed_out: false,
            end: None,
            scroll: None,
            hidden: false,
        }
    }

    pub fn running(&self) -> bool {
        self.end.is_none()
    }
}

/// Python, looked for in the background when the examples popup first
/// opens (it runs Python, so it never holds up a frame).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum PythonProbe {
    #[default]
    NotLooked,
    Looking,
    Found(Result<crate::python::Interpreter, String>),
}

/// Everything about running the lessons' examples.
#[derive(Debug, Clone, Default)]
pub struct Python {
    pub probe: PythonProbe,
    /// A run chosen while Python was still being looked for.
    pub waiting: Option<RunPlan>,
    /// The latest run (kept after it ends, until another starts).
    pub run: Option<ExampleRun>,
    pub runs_started: u64,
    /// The start method for runs; `None`: the interpreter's default.
    pub start_method: Option<StartMethod>,
    /// Arguments the learner set, per `lesson-id/example-id`.
    pub example_args: BTreeMap<String, Vec<String>>,
}
