//! The forklab engine: forklab's own `forklab worker` processes, like
//! `multiprocessing.Pool`: the master starts N copies of this binary as
//! workers, hands out chunks of tasks as workers free up, checks every
//! answer, and reports each step as a [`LabEvent`]. By default each worker
//! is a fresh exec of this binary (start method `exec`, like Python's
//! spawn without an interpreter to start); with `forkserver`, one small
//! server exec'd once forks them all ([`forkserver`]).
//!
//! One thread does it all with `poll(2)` over the workers' pipes, so there
//! is no thread per worker and every wait has a deadline. Workers die with
//! the master (parent-death signal, stdin end-of-file, a failed write), and
//! the master kills and reaps them on every way out: success, error,
//! cancel, panic.
//!
//! The parent-death signal fires when the *thread* that started a worker
//! ends, so a run's workers belong to the thread that runs it
//! (`lab::start`'s own thread, or `lab::run`'s caller).
//!
//! The parts: `master` (the loop) and `slot` (one worker as the master
//! sees it), private to this engine; [`protocol`] (the line protocol over
//! each worker's stdin/stdout), [`worker`] (the `forklab worker` process)
//! and [`forkserver`] (the `forklab forkserver` process).

pub mod forkserver;
mod master;
pub mod protocol;
mod slot;
#[cfg(test)]
mod tests;
pub mod worker;

use std::time::Instant;

use super::PoolEngine;
use crate::lab::{CancelToken, LabConfig, LabError, LabEvent, RunResult};
use crate::python::StartMethod;
use master::Master;

/// Environment variable carrying the master's pid to its workers, so a
/// worker whose master died before it could set its parent-death signal
/// exits at once.
pub const MASTER_PID_ENV: &str = "FORKLAB_MASTER_PID";

/// The name of this engine's default start method (`None` in a config):
/// each worker a fresh exec of forklab. Python has no such method, so it
/// is not a `StartMethod`; the command line's `--start-method exec` is
/// tested against it (`lab::tests::names`).
pub const EXEC: &str = "exec";

pub struct ForklabEngine;

impl PoolEngine for ForklabEngine {
    fn start_methods(&self) -> &'static [StartMethod] {
        &[StartMethod::Spawn, StartMethod::Forkserver]
    }

    /// Forklab's own workers, after `RunStarted`.
    fn run(
        &self,
        config: &LabConfig,
        cancel: &CancelToken,
        sink: &dyn Fn(LabEvent),
        started: Instant,
    ) -> Result<RunResult, LabError> {
        let mut master = Master::new(config, cancel, sink, started)?;
        let result = master.run();
        if result.is_err() {
            master.kill_all(true);
        }
        result
    }
}
