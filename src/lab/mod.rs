//! The worker lab: a real pool of worker processes doing timed, checked
//! work, like Python's `multiprocessing.Pool`. Knows nothing of the
//! terminal UI: the TUI and `forklab run` both drive it through
//! [`start`]/[`run`] and the [`LabEvent`]s they send.
//!
//! The engine-neutral API, whatever runs the pool:
//! - [`config`]: what a run does ([`LabConfig`]), which [`Engine`] runs
//!   it, and the limits checked before it starts.
//! - [`events`]: what a run reports as it goes ([`LabEvent`]) and gives
//!   at the end ([`RunResult`]).
//! - [`error`]: why a run gave no result ([`LabError`]), workers lost.
//! - [`cancel`] and [`handle`]: stopping a run; a run on its own thread,
//!   and the entry points.
//! - [`verify`]: the answers a run must give, worked out independently.
//! - [`workload`]: what the tasks compute. [`load`]: the machine's
//!   outside load during a run.
//! - [`measure`]: speedup, efficiency, Amdahl's law, sweeps.
//! - [`experiment`]: experiments declared in lesson front matter.
//!
//! [`engine`]: what runs the pool (forklab's own workers, a Python pool,
//! Dask). Engines use the API above; the API reaches the engines only
//! through `engine::point`/`engine::execute` and `LabConfig::validate`.

pub mod cancel;
pub mod config;
pub mod engine;
pub mod error;
pub mod events;
pub mod experiment;
pub mod handle;
pub mod load;
pub mod measure;
#[cfg(test)]
mod tests;
pub mod verify;
pub mod workload;

pub use crate::os::process::Exit;
pub use cancel::CancelToken;
pub use config::{
    DEFAULT_DEADLINE, DEFAULT_REPEAT, Engine, LabConfig, MAX_REPEAT, MAX_TASKS, MAX_WORKERS,
    PoolApi,
};
pub use error::{Crash, LabError};
pub use events::{ClusterWorker, LabEvent, RunResult, SerialPart};
pub use experiment::{Experiment, ExperimentError};
pub use handle::{LabHandle, execute, run, start};
pub use measure::{Row, amdahl_speedup, rows, start_sweep, sweep, sweep_counts};
pub use workload::{Workload, WorkloadError};
