//! The master side of the worker pool, like `multiprocessing.Pool`: starts
//! N copies of this binary as workers, hands out chunks of tasks as workers
//! free up, checks every answer, and reports each step as a [`LabEvent`].
//!
//! One thread does it all with `poll(2)` over the workers' pipes, so there
//! is no thread per worker and every wait has a deadline. Workers die with
//! the master (parent-death signal, stdin end-of-file, a failed write), and
//! the master kills and reaps them on every way out: success, error,
//! cancel, panic.
//!
//! The parent-death signal fires when the *thread* that started a worker
//! ends, so a run's workers belong to the thread that runs it ([`start`]'s
//! own thread, or [`run`]'s caller).

//! The parts: [`config`] (what a run does, and its limits), [`error`] (why
//! a run failed, crashes), [`event`] (what a run reports, its result),
//! [`handle`] (threads, cancel, the entry points) and `master` (the loop).

mod config;
mod error;
mod event;
mod handle;
mod master;
mod slot;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use crate::os::process::{Exit, signal_name};
pub use config::LabConfig;
pub use error::{Crash, LabError};
pub use event::{LabEvent, RunResult, SerialPart};
pub(crate) use handle::run_master;
pub(crate) use handle::spawn_lab;
pub use handle::{CancelToken, LabHandle, execute, run, start};

/// Environment variable carrying the master's pid to its workers, so a
/// worker whose master died before it could set its parent-death signal
/// exits at once.
pub const MASTER_PID_ENV: &str = "FORKLAB_MASTER_PID";

/// Most workers one run may ask for.
pub const MAX_WORKERS: usize = 1024;
/// Most tasks one run may have.
pub const MAX_TASKS: usize = 1_000_000;
/// Default limit on a whole run.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

/// The cores this process may run on (its affinity), at least 1.
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
