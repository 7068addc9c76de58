//! What a run reports as it goes, and what a finished run gives.

use std::time::{Duration, Instant};

use super::workload::TaskKind;
use super::{Crash, LabConfig, LabError};
use crate::os::process::Exit;

/// The serial part of `amdahl` the master does, before or after the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SerialPart {
    Before,
    After,
}

/// Everything a run does, in order, for a view or a log. `at` counts from
/// the run's `RunStarted::started`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabEvent {
    /// The first event of a run; a view resets its rows here.
    RunStarted {
        config: LabConfig,
        /// Not in traces: a replay starts its own clock.
        #[serde(skip, default = "Instant::now")]
        started: Instant,
    },
    /// A worker process exists (worker numbers count from 0).
    WorkerSpawned {
        worker: usize,
        pid: u32,
        at: Duration,
    },
    /// A worker said `ready`.
    WorkerReady {
        worker: usize,
        pid: u32,
        at: Duration,
    },
    /// Every worker is ready: the measured wall time starts here.
    AllReady {
        at: Duration,
    },
    /// The master works alone (amdahl): a bar of its own on the timeline.
    SerialStarted {
        part: SerialPart,
        at: Duration,
    },
    SerialFinished {
        part: SerialPart,
        at: Duration,
    },
    /// A worker began a task: the start of a timeline bar.
    TaskStarted {
        worker: usize,
        pid: u32,
        task: usize,
        at: Duration,
    },
    /// A verified answer: the end of a timeline bar.
    TaskFinished {
        worker: usize,
        pid: u32,
        task: usize,
        value: u64,
        at: Duration,
    },
    /// A worker ended at the end of the run, or was stopped by a cancel
    /// or a failure.
    WorkerExited {
        worker: usize,
        pid: u32,
        exit: Exit,
        at: Duration,
    },
    /// A worker died mid-run; its tasks went back to the queue.
    WorkerCrashed(Crash),
    /// The last event of a successful run.
    RunFinished(Box<RunResult>),
    /// The last event of a failed or cancelled run.
    RunFailed(LabError),
    /// After all runs of a sweep, in order (see `measure::start_sweep`).
    SweepFinished(Vec<RunResult>),
    /// Something to tell before a run (another engine used, say).
    Notice(String),
    /// The dask engine's cluster as the scheduler sees it, one row per
    /// worker (every worker, used by the run or not).
    Cluster(Vec<ClusterWorker>),
}

/// A finished, verified run.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct RunResult {
    pub config: LabConfig,
    /// From asking for the workers until all were ready.
    pub startup: Duration,
    /// The measured time: from all ready to the last answer, serial parts
    /// included. Speedups compare this.
    pub wall: Duration,
    /// The master's serial work (amdahl), part of `wall`.
    pub serial: Duration,
    /// The verified total: primes counted, or ms waited.
    pub answer: u64,
    /// Each worker's pid, by worker number.
    pub pids: Vec<u32>,
    /// Tasks each worker finished, by worker number.
    pub tasks_done: Vec<usize>,
    /// Workers lost on the way (their tasks were redone by others).
    pub crashes: Vec<Crash>,
    /// What ran, e.g. `forklab` or `Python 3.11.7 Pool`.
    #[serde(default)]
    pub ran: String,
    /// The start method that ran (`exec`, `fork`, `spawn`, `forkserver`).
    #[serde(default)]
    pub method: String,
    /// Share of the machine's cores other programs kept busy during the
    /// run (0 to 1), when it could be read.
    #[serde(default)]
    pub outside_load: Option<f64>,
}

impl RunResult {
    /// The answer with its unit, e.g. "3,215 primes".
    pub fn answer_text(&self) -> String {
        match self.config.workload.task_kind() {
            TaskKind::Primes => format!("{} primes", self.answer),
            TaskKind::Sleep => format!("{} ms waited", self.answer),
        }
    }
}

/// One worker of a Dask cluster as the dask engine's last `cluster`
/// reading saw it: the cluster pane's row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterWorker {
    /// Its address, `tcp://host:port`.
    #[serde(rename = "a")]
    pub address: String,
    /// Its process id on its host, when the run used it (else 0).
    #[serde(default)]
    pub pid: u32,
    pub host: String,
    pub nthreads: usize,
    /// Its memory limit, bytes (0: none).
    pub mem: u64,
    /// Memory in use, bytes.
    pub used: u64,
    /// CPU use, percent of one core.
    pub cpu: f64,
    /// Lab tasks' Dask tasks the scheduler has assigned to it.
    pub running: usize,
}
