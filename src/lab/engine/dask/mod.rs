//! The dask engine: the lab's tasks as Dask tasks on a Dask cluster,
//! run by `assets/lab/dask_driver.py` with the learner's Python under the
//! same guard as the python engine (a stop, a deadline or forklab's death
//! leaves nothing running, a `LocalCluster` the driver started included).
//!
//! With no scheduler address the driver starts a `LocalCluster` of
//! `workers` processes, one thread each; with one, it joins that cluster
//! and uses its first `workers` workers (by address), so a sweep varies
//! the number of Dask workers used. Each Dask task is one chunk of lab
//! tasks; the driver reports every lab task's worker and times (read on
//! the worker, turned into this machine's monotonic clock), the cluster's
//! state four times a second ([`crate::lab::ClusterWorker`]), workers lost and joined,
//! and the scheduler's task-stream totals at the end. Answers are checked
//! as they arrive and again as a whole.
//!
//! The driver's lines are in `line`, reading them in `watch`.

mod line;
mod watch;

use std::time::{Duration, Instant};

use super::PoolEngine;
use super::session::{self, Run, Words};
use crate::lab::verify::Expected;
use crate::lab::{CancelToken, LabConfig, LabError, LabEvent, RunResult};
use crate::python::{Interpreter, StartMethod};
use watch::Driver;

/// The driver, shipped inside forklab: the drivers' shared part
/// (`assets/lab/common.py`) in front of its own.
pub const DRIVER: &str = concat!(
    include_str!("../../../../assets/lab/common.py"),
    include_str!("../../../../assets/lab/dask_driver.py")
);
/// Its file name in the run's working directory (what `ps` shows).
pub const DRIVER_NAME: &str = "forklab_dask_driver.py";
/// How long the driver may try to reach a scheduler.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The driver's exit status when Dask is not installed.
const NO_DASK: i32 = 4;

/// How to install Dask for `python`, for messages.
pub fn install_hint(python: &std::path::Path) -> String {
    format!(
        "install it with: {} -m pip install 'dask[distributed]' (best in a virtual environment: python3 -m venv ~/dask-venv && ~/dask-venv/bin/pip install 'dask[distributed]', then --python ~/dask-venv/bin/python or FORKLAB_PYTHON)",
        python.display()
    )
}

pub struct DaskEngine;

impl PoolEngine for DaskEngine {
    fn start_methods(&self) -> &'static [StartMethod] {
        &[]
    }

    fn check(&self, config: &LabConfig) -> Result<(), String> {
        if config.start_method.is_some() {
            return Err("the dask engine has no start methods: Dask starts its own workers".into());
        }
        match &config.scheduler {
            Some(addr) => parse_scheduler(addr).map(|_| ()),
            None => Ok(()),
        }
    }

    fn run(
        &self,
        config: &LabConfig,
        cancel: &CancelToken,
        sink: &dyn Fn(LabEvent),
        started: Instant,
    ) -> Result<RunResult, LabError> {
        let python = session::interpreter(config, "the dask engine needs Python with Dask")?;
        let until = started + config.deadline;
        let expected = Expected::for_config(config, cancel, until)?;
        let request = session::request(DRIVER_NAME, DRIVER, &python, config, driver_args(config))?;
        let words = Words {
            name: "Dask",
            runs: "the Dask driver",
            driver: "the Dask driver",
            returned: "Dask",
            master: "the Dask driver",
        };
        let run = Run::new(config, sink, started, expected, python, words);
        session::launch(request, Driver::new(run), cancel, until)
    }
}

/// The driver's command line for a config.
fn driver_args(config: &LabConfig) -> Vec<String> {
    let mut args = session::task_args(config);
    args.extend([
        "--connect-timeout".into(),
        CONNECT_TIMEOUT.as_secs().to_string(),
    ]);
    if let Some(addr) = &config.scheduler {
        args.push("--scheduler".into());
        args.push(addr.to_string());
    }
    session::serial_args(config, &mut args);
    args
}

/// The variable naming a scheduler for the lab and `forklab run` when
/// none is given on the command line (over the config file's
/// `dask_scheduler`; see `config`).
pub const SCHEDULER_VAR: &str = "FORKLAB_DASK_SCHEDULER";

/// A scheduler address as `--scheduler` takes it: `tcp://HOST:PORT`
/// (or `HOST:PORT`, made `tcp://`).
pub fn parse_scheduler(text: &str) -> Result<String, String> {
    let text = text.trim();
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("tcp", text),
    };
    if !matches!(scheme, "tcp" | "tls" | "ws" | "wss") {
        return Err(format!(
            "{text:?}: a Dask scheduler address is tcp://HOST:PORT (or tls://)"
        ));
    }
    let ok = rest
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
    if !ok {
        return Err(format!(
            "{text:?}: a Dask scheduler address is tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
        ));
    }
    Ok(format!("{scheme}://{rest}"))
}

/// Whether `python` can import Dask's distributed scheduler.
pub fn has_dask(python: &Interpreter) -> bool {
    std::process::Command::new(&python.path)
        .args(["-c", "import distributed"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests;
