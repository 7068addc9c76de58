//! What a run does, which engine runs it, and the limits checked before
//! it starts. The engines' own checks are added by `engine`
//! ([`LabConfig::validate`] lives there, beside them).

use std::path::PathBuf;
use std::time::Duration;

use super::LabError;
use super::workload::{self, Workload};
use crate::os::usable_cores;

/// Most workers one run may ask for.
pub const MAX_WORKERS: usize = 1024;
/// Most tasks one run may have.
pub const MAX_TASKS: usize = 1_000_000;
/// Default limit on a whole run.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// Most runs per measured point.
pub const MAX_REPEAT: usize = 20;
/// Runs per point the lab and `forklab run` make unless told otherwise.
pub const DEFAULT_REPEAT: usize = 3;

/// What runs a lab's pool. Each has an implementation in `engine`
/// (`engine::imp`), which also says the start methods it offers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// forklab's own `forklab worker` processes.
    #[default]
    Forklab,
    /// A real Python pool, run by the learner's Python.
    Python,
    /// Dask tasks on a Dask cluster (a LocalCluster or a scheduler's).
    Dask,
}

impl Engine {
    /// Every engine, in the order help texts list them: the one list of
    /// engines (the command line and docs are tested against it,
    /// `lab::tests::names`).
    pub const ALL: [Engine; 3] = [Engine::Python, Engine::Forklab, Engine::Dask];

    /// Every engine's name as a message offers them: "python, forklab or dask".
    pub fn choices() -> String {
        let names: Vec<&str> = Engine::ALL.iter().map(|e| e.name()).collect();
        match names.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// The name used on the command line, in settings and in traces.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Forklab => "forklab",
            Engine::Python => "python",
            Engine::Dask => "dask",
        }
    }

    pub fn from_name(name: &str) -> Result<Engine, String> {
        Engine::ALL
            .into_iter()
            .find(|e| e.name() == name.trim())
            .ok_or_else(|| format!("unknown engine {name:?}: choose {}", Engine::choices()))
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The python engine's pool API: two pools of processes, and the same
/// two of threads, to show the GIL (threads in one interpreter take turns
/// running Python code unless it is a free-threaded build).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PoolApi {
    /// `multiprocessing.Pool.map`.
    #[default]
    Pool,
    /// `concurrent.futures.ProcessPoolExecutor.map`.
    Executor,
    /// `multiprocessing.pool.ThreadPool.map`: `Pool`'s methods, threads.
    ThreadPool,
    /// `concurrent.futures.ThreadPoolExecutor.map`.
    ThreadExecutor,
}

impl PoolApi {
    /// Each API in the order the lab's engine key cycles through them.
    pub const ALL: [PoolApi; 4] = [
        PoolApi::Pool,
        PoolApi::Executor,
        PoolApi::ThreadPool,
        PoolApi::ThreadExecutor,
    ];

    /// As the driver's `--api` and `forklab run --api` spell it.
    pub fn name(self) -> &'static str {
        match self {
            PoolApi::Pool => "pool",
            PoolApi::Executor => "executor",
            PoolApi::ThreadPool => "thread-pool",
            PoolApi::ThreadExecutor => "thread-executor",
        }
    }

    /// The Python class that runs the tasks, for headers and results.
    pub fn class(self) -> &'static str {
        match self {
            PoolApi::Pool => "Pool",
            PoolApi::Executor => "ProcessPoolExecutor",
            PoolApi::ThreadPool => "ThreadPool",
            PoolApi::ThreadExecutor => "ThreadPoolExecutor",
        }
    }

    /// Its workers are threads of the driver's one process: no start
    /// method, and their ids are thread ids.
    pub fn threads(self) -> bool {
        matches!(self, PoolApi::ThreadPool | PoolApi::ThreadExecutor)
    }

    /// The API a driver named in its `hello` line.
    pub fn from_name(name: &str) -> Option<PoolApi> {
        PoolApi::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// One experiment run: how many workers do what.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct LabConfig {
    /// Worker processes to start (1 to [`MAX_WORKERS`]).
    pub workers: usize,
    /// Tasks in the job (1 to [`MAX_TASKS`]).
    pub tasks: usize,
    /// Numbers per task (`cpu`, `amdahl`) or ms per task (`sleep`).
    pub task_size: u64,
    /// Tasks handed out at once, as `Pool.map`'s `chunksize`.
    pub chunksize: usize,
    pub workload: Workload,
    /// Restrict the workers to the first K cores (Linux affinity).
    pub cpus: Option<usize>,
    /// The binary run as `WORKER_EXE worker`: normally this one. Tests
    /// must set `env!("CARGO_BIN_EXE_forklab")`: in a test, this binary is
    /// the test harness, which would take `worker` as a test filter.
    pub worker_exe: PathBuf,
    /// The whole run, start-up included, must end within this.
    pub deadline: Duration,
    /// What runs the pool: forklab's own workers or a real Python pool.
    /// (Defaults on the new fields: traces written before them still load.)
    #[serde(default)]
    pub engine: Engine,
    /// How workers start; `None`: the engine's default.
    #[serde(default)]
    pub start_method: Option<crate::python::StartMethod>,
    /// The python engine's pool: `multiprocessing.Pool` or `ProcessPoolExecutor`.
    #[serde(default)]
    pub api: PoolApi,
    /// The python engine's interpreter; `None`: looked for at the run.
    /// Not in traces: a replay runs nothing.
    #[serde(skip)]
    pub python: Option<std::sync::Arc<crate::python::Interpreter>>,
    /// Runs per measured point; the fastest counts, the others give the spread.
    #[serde(default = "one")]
    pub repeat: usize,
    /// Size the tasks by measurement before the first run, so that one
    /// worker takes about 1.5 s here (`engine::calibrate`).
    #[serde(default)]
    pub calibrate: bool,
    /// The dask engine's scheduler, `tcp://HOST:PORT`; `None`: a
    /// LocalCluster of `workers` processes started for the run.
    #[serde(default)]
    pub scheduler: Option<std::sync::Arc<String>>,
}

fn one() -> usize {
    1
}

impl LabConfig {
    /// A config with the course's defaults: one worker, 64 tasks of the
    /// workload's default size, chunks of 1, this binary as the worker.
    pub fn new(workload: Workload) -> LabConfig {
        LabConfig {
            workers: 1,
            tasks: 64,
            task_size: workload.default_task_size(),
            chunksize: 1,
            workload,
            cpus: None,
            worker_exe: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("forklab")),
            deadline: DEFAULT_DEADLINE,
            engine: Engine::Forklab,
            start_method: None,
            api: PoolApi::Pool,
            python: None,
            repeat: 1,
            calibrate: false,
            scheduler: None,
        }
    }

    /// The same config with another worker count (for sweeps).
    pub fn with_workers(&self, workers: usize) -> LabConfig {
        LabConfig {
            workers,
            ..self.clone()
        }
    }

    /// Every engine-neutral limit, with a message a learner can act on
    /// (`validate` adds the engine's own checks).
    pub fn check_limits(&self) -> Result<(), LabError> {
        let invalid = |m: String| Err(LabError::Invalid(m));
        if !(1..=MAX_WORKERS).contains(&self.workers) {
            return invalid(format!(
                "{} workers: choose from 1 to {MAX_WORKERS}",
                self.workers
            ));
        }
        if !(1..=MAX_TASKS).contains(&self.tasks) {
            return invalid(format!(
                "{} tasks: choose from 1 to {MAX_TASKS}",
                self.tasks
            ));
        }
        if self.chunksize == 0 {
            return invalid("chunk size 0: a chunk holds at least 1 task".into());
        }
        let f = self.workload.serial_fraction();
        if !(0.0..=workload::MAX_SERIAL_FRACTION).contains(&f) {
            return invalid(format!(
                "serial fraction {f}: choose from 0 to {}",
                workload::MAX_SERIAL_FRACTION
            ));
        }
        if let Err(m) = self.workload.check_task_size(self.task_size, self.tasks) {
            return invalid(m);
        }
        if let Some(k) = self.cpus {
            let cores = usable_cores();
            if k == 0 || k > cores {
                return invalid(format!(
                    "--cpus {k}: choose from 1 to {cores}, the cores this machine lets forklab use"
                ));
            }
        }
        if self.deadline.is_zero() {
            return invalid("the deadline must be longer than 0 s".into());
        }
        if !(1..=MAX_REPEAT).contains(&self.repeat) {
            return invalid(format!(
                "{} runs per point: choose from 1 to {MAX_REPEAT}",
                self.repeat,
            ));
        }
        Ok(())
    }
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig::new(Workload::Cpu)
    }
}
