//! The forklab engine: forklab's own `forklab worker` processes. By
//! default each is a fresh exec of this binary (start method `exec`, like
//! Python's spawn without an interpreter to start); with `forkserver`,
//! one small server exec'd once forks them all (`lab::forkserver`).
//! See `lab::pool`.

use std::time::Instant;

use super::PoolEngine;
use crate::lab::pool::{CancelToken, LabConfig, LabError, LabEvent, RunResult, run_master};
use crate::python::StartMethod;

pub struct ForklabEngine;

impl PoolEngine for ForklabEngine {
    fn start_methods(&self) -> &'static [StartMethod] {
        &[StartMethod::Spawn, StartMethod::Forkserver]
    }

    fn run(
        &self,
        config: &LabConfig,
        cancel: &CancelToken,
        sink: &dyn Fn(LabEvent),
        started: Instant,
    ) -> Result<RunResult, LabError> {
        run_master(config, cancel, sink, started)
    }
}
