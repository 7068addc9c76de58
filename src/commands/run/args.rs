//! The arguments of `forklab run`, each checked with a message that says
//! its limits, and the lab config they make.

use std::time::Duration;

use clap::ValueEnum;

use crate::lab::{DEFAULT_REPEAT, MAX_REPEAT};
use crate::lab::{Engine, LabConfig, LabError, MAX_TASKS, MAX_WORKERS, PoolApi, Workload};
use crate::os::usable_cores;
use crate::python::StartMethod;

/// Arguments of `forklab run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Worker counts to run in turn, e.g. 1,2,4 [default: 1 to twice the cores]
    #[arg(long, value_name = "N,...", value_delimiter = ',', value_parser = parse_workers)]
    pub workers: Vec<usize>,
    /// Tasks in the job
    #[arg(long, default_value_t = 64, value_parser = parse_tasks)]
    pub tasks: usize,
    /// What each task does: count primes, sleep, or count primes around a serial part
    #[arg(long, value_enum, default_value_t = WorkloadArg::Cpu)]
    pub workload: WorkloadArg,
    /// Numbers per task (cpu, amdahl) or ms per task (sleep) [default: measured: calibrated on this machine before the sweep]
    #[arg(long, value_name = "N")]
    pub task_size: Option<u64>,
    /// Tasks handed to a worker at once, like Pool.map's chunksize
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_chunksize)]
    pub chunksize: usize,
    /// Run the workers on the first K cores only
    #[arg(long, value_name = "K", value_parser = parse_cpus)]
    pub cpus: Option<usize>,
    /// Share of the one-worker time the master works alone (amdahl only) [default: 0.2]
    #[arg(long, value_name = "F")]
    pub serial_fraction: Option<f64>,
    /// Give up (and stop the workers) after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub deadline: u64,
    /// What runs the pool [default: python when a working Python is found, else forklab]
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// How workers start: fork, spawn or forkserver (python engine); exec or forkserver (forklab engine) [default: the engine's: Python's own, exec for forklab]
    #[arg(long, value_enum, value_name = "METHOD")]
    pub start_method: Option<StartMethodArg>,
    /// The python engine's pool: Pool or ProcessPoolExecutor (processes), or the same two of threads (ThreadPool, ThreadPoolExecutor), which share one GIL
    #[arg(long, value_enum, default_value_t = ApiArg::Pool)]
    pub api: ApiArg,
    /// Runs per worker count; the table shows the fastest and the spread
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REPEAT, value_parser = parse_repeat)]
    pub repeat: usize,
    /// The dask engine's scheduler, tcp://HOST:PORT [default: $FORKLAB_DASK_SCHEDULER, else the config file's dask_scheduler, else a LocalCluster for each run]
    #[arg(long, value_name = "ADDR", value_parser = parse_scheduler)]
    pub scheduler: Option<String>,
    /// Print the table as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the table as CSV
    #[arg(long)]
    pub csv: bool,
}

/// The engines, as the command line spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// A real Python multiprocessing pool (or ProcessPoolExecutor, --api)
    Python,
    /// forklab's own worker processes, no Python needed
    Forklab,
    /// A Dask cluster: a LocalCluster per run, or the one at --scheduler
    Dask,
}

/// The start methods, as the command line spells them: Python's three,
/// and the forklab engine's `exec` (each worker a fresh forklab, as its
/// header and errors say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StartMethodArg {
    /// Python: a copy of the master made by fork()
    Fork,
    /// Python: a fresh interpreter that imports the script
    Spawn,
    /// Python and forklab: copies forked by a clean server started once
    Forkserver,
    /// forklab: each worker a fresh exec of forklab (its default)
    Exec,
}

/// What `--start-method` means for `engine`, or why that engine has no
/// such method. The forklab engine's `exec` is its default (`None`).
pub fn start_method_for(
    engine: Engine,
    method: Option<StartMethodArg>,
) -> Result<Option<StartMethod>, String> {
    use StartMethodArg as M;
    match (engine, method) {
        (_, None) => Ok(None),
        (Engine::Forklab, Some(M::Exec)) => Ok(None),
        (Engine::Forklab, Some(M::Forkserver)) => Ok(Some(StartMethod::Forkserver)),
        (Engine::Forklab, Some(m @ (M::Fork | M::Spawn))) => Err(format!(
            "the forklab engine starts its workers by exec (each a fresh forklab, its default) \
             or forkserver; {} is Python's: add --engine python, or choose exec or forkserver",
            m.name()
        )),
        (_, Some(M::Exec)) => Err(format!(
            "exec is the forklab engine's start method (add --engine forklab); \
             the {engine} engine's are fork, spawn and forkserver"
        )),
        (_, Some(M::Fork)) => Ok(Some(StartMethod::Fork)),
        (_, Some(M::Spawn)) => Ok(Some(StartMethod::Spawn)),
        (_, Some(M::Forkserver)) => Ok(Some(StartMethod::Forkserver)),
    }
}

impl StartMethodArg {
    /// The name as typed.
    fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// The python engine's pool APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiArg {
    /// multiprocessing.Pool: worker processes
    Pool,
    /// concurrent.futures.ProcessPoolExecutor: worker processes
    Executor,
    /// multiprocessing.pool.ThreadPool: threads in one process, one GIL
    ThreadPool,
    /// concurrent.futures.ThreadPoolExecutor: threads in one process, one GIL
    ThreadExecutor,
}

fn parse_scheduler(text: &str) -> Result<String, String> {
    crate::lab::engine::dask::parse_scheduler(text)
}

fn parse_repeat(s: &str) -> Result<usize, String> {
    parse_count(s, "runs per point", MAX_REPEAT)
}

/// The workloads, as the command line spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkloadArg {
    Cpu,
    Sleep,
    Amdahl,
}

fn parse_count(s: &str, what: &str, max: usize) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number of {what}"))?;
    if n == 0 || n > max {
        return Err(format!("{n} {what}: choose from 1 to {max}"));
    }
    Ok(n)
}

fn parse_workers(s: &str) -> Result<usize, String> {
    parse_count(s, "workers", MAX_WORKERS)
}

fn parse_tasks(s: &str) -> Result<usize, String> {
    parse_count(s, "tasks", MAX_TASKS)
}

fn parse_chunksize(s: &str) -> Result<usize, String> {
    parse_count(s, "tasks per chunk", MAX_TASKS)
}

fn parse_cpus(s: &str) -> Result<usize, String> {
    let cores = usable_cores();
    let k = parse_count(s, "cores", usize::MAX)?;
    if k > cores {
        return Err(format!(
            "{k} cores: this machine lets forklab use {cores}, so choose from 1 to {cores}"
        ));
    }
    Ok(k)
}

impl RunArgs {
    /// The run config for the first worker count, or why it is invalid.
    /// The engine is the one asked for (python when none is: see [`run`]).
    pub fn config(&self) -> Result<LabConfig, LabError> {
        let name = self
            .workload
            .to_possible_value()
            .map_or_else(|| "cpu".to_string(), |v| v.get_name().to_string());
        let workload =
            Workload::from_name(&name, self.serial_fraction).map_err(LabError::Invalid)?;
        let engine = match self.engine {
            Some(EngineArg::Forklab) => Engine::Forklab,
            Some(EngineArg::Dask) => Engine::Dask,
            None | Some(EngineArg::Python) => Engine::Python,
        };
        let start_method =
            start_method_for(engine, self.start_method).map_err(LabError::Invalid)?;
        let config = LabConfig {
            workers: self.workers.first().copied().unwrap_or(1),
            tasks: self.tasks,
            task_size: self
                .task_size
                .unwrap_or_else(|| workload.default_task_size()),
            chunksize: self.chunksize,
            workload,
            cpus: self.cpus,
            deadline: Duration::from_secs(self.deadline),
            engine,
            start_method,
            api: match self.api {
                ApiArg::Pool => PoolApi::Pool,
                ApiArg::Executor => PoolApi::Executor,
                ApiArg::ThreadPool => PoolApi::ThreadPool,
                ApiArg::ThreadExecutor => PoolApi::ThreadExecutor,
            },
            repeat: self.repeat,
            scheduler: self.scheduler.clone().map(std::sync::Arc::new),
            ..LabConfig::new(workload)
        };
        if config.api != PoolApi::Pool && config.engine != Engine::Python {
            return Err(LabError::Invalid(format!(
                "--api {} is for the python engine: add --engine python",
                config.api.name()
            )));
        }
        if config.scheduler.is_some() && config.engine != Engine::Dask {
            return Err(LabError::Invalid(
                "--scheduler is for the dask engine: add --engine dask".into(),
            ));
        }
        // The python engine's checks need its interpreter: see `run`.
        if config.engine == Engine::Forklab {
            config.validate()?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_parsers_explain_their_limits() {
        assert_eq!(parse_workers("4"), Ok(4));
        assert!(parse_workers("0").unwrap_err().contains("1 to 1024"));
        assert!(parse_workers("1025").unwrap_err().contains("1 to 1024"));
        assert!(
            parse_workers("x")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(
            parse_cpus(&(usable_cores() + 1).to_string())
                .unwrap_err()
                .contains("this machine")
        );
        assert_eq!(parse_cpus("1"), Ok(1));
    }
}
