//! The worker lab: forklab as the master of a real pool of worker
//! processes (copies of itself), like Python's `multiprocessing.Pool`.
//! Knows nothing of the terminal UI: the TUI and `forklab run` both drive
//! it through [`start`]/[`run`] and the [`LabEvent`]s they send.
//!
//! - [`protocol`]: the line protocol over each worker's stdin/stdout.
//! - [`workload`]: what the tasks compute, and how answers are checked.
//! - [`worker`]: the `forklab worker` process.
//! - [`pool`]: the master: spawn, dispatch, verify, report, clean up.
//! - [`measure`]: speedup, efficiency, Amdahl's law, sweeps.
//! - [`experiment`]: experiments declared in lesson front matter.

pub mod engine;
pub mod experiment;
pub mod forkserver;
pub mod measure;
pub mod pool;
pub mod protocol;
pub mod worker;
pub mod workload;

pub use engine::{Engine, PoolApi};
pub use experiment::{Experiment, ExperimentError};
pub use measure::{Row, amdahl_speedup, rows, start_sweep, sweep, sweep_counts};
pub use pool::{
    CancelToken, Crash, Exit, LabConfig, LabError, LabEvent, LabHandle, MAX_TASKS, MAX_WORKERS,
    RunResult, SerialPart, available_cores, run, start,
};
pub use workload::Workload;
