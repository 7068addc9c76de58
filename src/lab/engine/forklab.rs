//! The forklab engine: forklab's own `forklab worker` processes, each a
//! fresh exec of this binary (start method `exec`, like Python's spawn
//! but without an interpreter to start). See `lab::pool`.

use std::time::Instant;

use super::PoolEngine;
use crate::lab::pool::{CancelToken, LabConfig, LabError, LabEvent, RunResult, run_master};
use crate::python::StartMethod;

pub struct ForklabEngine;

impl PoolEngine for ForklabEngine {
    fn start_methods(&self) -> &'static [StartMethod] {
        &[StartMethod::Spawn]
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
