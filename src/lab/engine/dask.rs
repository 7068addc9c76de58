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
//! state four times a second ([`ClusterWorker`]), workers lost and joined,
//! and the scheduler's task-stream totals at the end. Answers are checked
//! as they arrive and again as a whole.

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::PoolEngine;
use super::driver::{Clock, monotonic_ns};
use super::python::{keep_tail, wait_exit};
use super::verify::{Expected, serial_ranges};
use crate::lab::pool::{
    CancelToken, Crash, Exit, LabConfig, LabError, LabEvent, RunResult, SerialPart,
};
use crate::lab::workload::TaskKind;
use crate::python::{Interpreter, PyEvent, RunRequest, StartMethod, Stream};

/// The driver, shipped inside forklab.
pub const DRIVER: &str = include_str!("../../../assets/lab/dask_driver.py");
/// Its file name in the run's working directory (what `ps` shows).
pub const DRIVER_NAME: &str = "forklab_dask_driver.py";
/// How long the driver may try to reach a scheduler.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a stopped driver may take to be gone (the guard kills it).
const STOP_LIMIT: Duration = Duration::from_secs(10);
const MAX_LINE: usize = 16 << 20;
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

/// One worker of the cluster as the last `cluster` event saw it: the
/// cluster pane's row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
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
        let python = match &config.python {
            Some(p) => (**p).clone(),
            None => Interpreter::find(None).map_err(|e| {
                LabError::Invalid(format!(
                    "the dask engine needs Python with Dask: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ))
            })?,
        };
        let until = started + config.deadline;
        let expected = Expected::for_config(config, cancel, until)?;
        let mut request = RunRequest::for_script(DRIVER_NAME, DRIVER.as_bytes(), python.clone())
            .map_err(LabError::Io)?;
        request.args = driver_args(config);
        request.timeout = config.deadline + STOP_LIMIT;
        request.launcher = Some(config.worker_exe.clone());
        let (tx, rx) = mpsc::channel();
        let clock = Clock::new(started);
        let run = crate::python::start(request, move |event| {
            let _ = tx.send(event);
        });
        let mut driver = Driver {
            config,
            sink,
            clock,
            expected,
            python,
            master: 0,
            dask: String::new(),
            scheduler: String::new(),
            local: true,
            workers: Vec::new(),
            by_addr: HashMap::new(),
            asked: None,
            all: None,
            serial_start: None,
            serial: Duration::ZERO,
            serial_answer: 0,
            done: 0,
            finished: None,
            failure: None,
            crashes: Vec::new(),
            partial: [Vec::new(), Vec::new()],
            stderr_tail: String::new(),
        };
        let outcome = driver.watch(&rx, cancel, until);
        let exited = if outcome.is_err() {
            run.stop();
            wait_exit(&rx)
        } else {
            None
        };
        run.wait();
        driver.finish(outcome, exited)
    }
}

/// The driver's command line for a config.
fn driver_args(config: &LabConfig) -> Vec<String> {
    let mut args = vec![
        "--workers".into(),
        config.workers.to_string(),
        "--tasks".into(),
        config.tasks.to_string(),
        "--size".into(),
        config.task_size.to_string(),
        "--chunksize".into(),
        config.chunksize.to_string(),
        "--kind".into(),
        config.workload.task_kind().name().into(),
        "--connect-timeout".into(),
        CONNECT_TIMEOUT.as_secs().to_string(),
    ];
    if let Some(addr) = &config.scheduler {
        args.push("--scheduler".into());
        args.push(addr.to_string());
    }
    if config.workload.task_kind() == TaskKind::Primes {
        let [before, after] = serial_ranges(config);
        for (flag, range) in [("--serial-before", before), ("--serial-after", after)] {
            if !range.is_empty() {
                args.push(flag.into());
                args.push(format!("{}:{}", range.start, range.end));
            }
        }
    }
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

/// One line of the driver.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "e")]
enum Line {
    #[serde(rename = "hello")]
    Hello {
        pid: u32,
        dask: String,
        scheduler: String,
        local: bool,
    },
    #[serde(rename = "asked")]
    Asked { t: u64 },
    #[serde(rename = "worker")]
    Worker { a: String, pid: u32, t: u64 },
    #[serde(rename = "joined")]
    Joined { a: String, pid: u32, t: u64 },
    #[serde(rename = "all")]
    All { t: u64 },
    #[serde(rename = "ss")]
    SerialStart { part: String, t: u64 },
    #[serde(rename = "se")]
    SerialEnd { part: String, v: u64, t: u64 },
    #[serde(rename = "s")]
    Start { a: String, i: usize, t: u64 },
    #[serde(rename = "d")]
    Done { a: String, i: usize, v: u64, t: u64 },
    #[serde(rename = "cluster")]
    Cluster { w: Vec<ClusterWorker> },
    #[serde(rename = "lost")]
    Lost {
        a: String,
        t: u64,
        running: Vec<usize>,
    },
    #[serde(rename = "stream")]
    Stream {
        n: usize,
        compute: f64,
        transfer: f64,
    },
    #[serde(rename = "done")]
    Finished { t0: u64, t1: u64, v: Vec<u64> },
    #[serde(rename = "error")]
    Error { kind: String, message: String },
    #[serde(rename = "rate")]
    Rate { n: f64 },
}

struct Worker {
    pid: u32,
    done: usize,
    ended: bool,
}

struct Driver<'a> {
    config: &'a LabConfig,
    sink: &'a dyn Fn(LabEvent),
    clock: Clock,
    expected: Expected,
    python: Interpreter,
    master: u32,
    dask: String,
    scheduler: String,
    local: bool,
    workers: Vec<Worker>,
    by_addr: HashMap<String, usize>,
    asked: Option<u64>,
    all: Option<u64>,
    serial_start: Option<u64>,
    serial: Duration,
    serial_answer: u64,
    done: usize,
    finished: Option<(u64, u64, Vec<u64>)>,
    /// The driver's own error: (kind, message).
    failure: Option<(String, String)>,
    crashes: Vec<Crash>,
    partial: [Vec<u8>; 2],
    stderr_tail: String,
}

impl Driver<'_> {
    fn emit(&self, event: LabEvent) {
        (self.sink)(event);
    }

    fn protocol(&self, message: String) -> LabError {
        LabError::Protocol {
            pid: self.master,
            message,
        }
    }

    fn watch(
        &mut self,
        rx: &mpsc::Receiver<PyEvent>,
        cancel: &CancelToken,
        until: Instant,
    ) -> Result<Option<crate::python::Exited>, LabError> {
        loop {
            if cancel.is_cancelled() {
                return Err(LabError::Cancelled);
            }
            let now = Instant::now();
            if now >= until {
                return Err(LabError::Deadline {
                    limit: self.config.deadline,
                    done: self.done,
                    tasks: self.config.tasks,
                });
            }
            let event = match rx.recv_timeout((until - now).min(Duration::from_millis(50))) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(LabError::Engine("the Dask run ended without a word".into()));
                }
            };
            match event {
                PyEvent::Output(out) => {
                    let stream = out.stream;
                    let idx = stream as usize;
                    self.partial[idx].extend_from_slice(out.text.as_bytes());
                    if !out.line_end {
                        if self.partial[idx].len() > MAX_LINE {
                            return Err(self.protocol("a line that never ends".into()));
                        }
                        continue;
                    }
                    let line = String::from_utf8_lossy(&std::mem::take(&mut self.partial[idx]))
                        .into_owned();
                    match stream {
                        Stream::Stdout => self.line(&line)?,
                        Stream::Stderr => keep_tail(&mut self.stderr_tail, &line),
                    }
                }
                PyEvent::Exited(exited) => return Ok(Some(exited)),
                PyEvent::Failed(message) => {
                    return Err(LabError::Engine(format!(
                        "cannot run the Dask driver: {message}"
                    )));
                }
                // Not asked for (the driver says itself what it lacks).
                PyEvent::Skipped { missing } => {
                    return Err(LabError::Engine(format!(
                        "the Dask driver did not run: missing {}",
                        missing.join(", ")
                    )));
                }
                PyEvent::Started(_) | PyEvent::OutputLimit { .. } | PyEvent::TimedOut { .. } => {}
            }
        }
    }

    /// A worker the run uses: a row of its own, numbered in arrival order.
    fn add_worker(&mut self, address: String, pid: u32, t: u64) -> Result<usize, LabError> {
        if let Some(&i) = self.by_addr.get(&address) {
            return Ok(i);
        }
        if self.workers.len() >= 2 * self.config.workers.max(1) + 8 {
            return Err(self.protocol(format!(
                "more Dask workers than the run can show ({address})"
            )));
        }
        let i = self.workers.len();
        self.workers.push(Worker {
            pid,
            done: 0,
            ended: false,
        });
        self.by_addr.insert(address, i);
        let at = self.clock.at(t);
        self.emit(LabEvent::WorkerSpawned { worker: i, pid, at });
        self.emit(LabEvent::WorkerReady { worker: i, pid, at });
        Ok(i)
    }

    fn known(&self, address: &str) -> Result<usize, LabError> {
        self.by_addr.get(address).copied().ok_or_else(|| {
            self.protocol(format!("a task ran on {address}, not a worker of the run"))
        })
    }

    fn line(&mut self, text: &str) -> Result<(), LabError> {
        let text = text.trim_end();
        if text.is_empty() {
            return Ok(());
        }
        let line: Line = serde_json::from_str(text).map_err(|_| {
            let shown: String = text.chars().take(80).collect();
            self.protocol(format!(
                "the Dask driver printed something that is not an event: {shown:?}"
            ))
        })?;
        match line {
            Line::Hello {
                pid,
                dask,
                scheduler,
                local,
            } => {
                self.master = pid;
                self.dask = dask;
                self.scheduler = scheduler;
                self.local = local;
            }
            Line::Asked { t } => self.asked = Some(t),
            Line::Worker { a, pid, t } => {
                self.add_worker(a, pid, t)?;
            }
            Line::Joined { a, pid, t } => {
                let i = self.add_worker(a.clone(), pid, t)?;
                self.emit(LabEvent::Notice(format!(
                    "Dask worker {a} (pid {pid}) joined the cluster as worker {}",
                    i + 1
                )));
            }
            Line::All { t } => {
                self.all = Some(t);
                self.emit(LabEvent::AllReady {
                    at: self.clock.at(t),
                });
            }
            Line::SerialStart { part, t } => {
                self.serial_start = Some(t);
                self.emit(LabEvent::SerialStarted {
                    part: serial_part(&part),
                    at: self.clock.at(t),
                });
            }
            Line::SerialEnd { part, v, t } => {
                let which = serial_part(&part);
                let want = self
                    .expected
                    .serial(usize::from(which == SerialPart::After));
                if v != want {
                    return Err(LabError::WrongAnswer {
                        task: self.config.tasks,
                        pid: self.master,
                        got: v,
                        expected: format!("{want} (the master's serial part)"),
                    });
                }
                if let Some(t0) = self.serial_start.take() {
                    self.serial += Duration::from_nanos(t.saturating_sub(t0));
                }
                self.serial_answer += v;
                self.emit(LabEvent::SerialFinished {
                    part: which,
                    at: self.clock.at(t),
                });
            }
            Line::Start { a, i, t } => {
                let w = self.known(&a)?;
                if i >= self.config.tasks {
                    return Err(self.protocol(format!("{a} started task {i}, past the last")));
                }
                let pid = self.workers[w].pid;
                self.emit(LabEvent::TaskStarted {
                    worker: w,
                    pid,
                    task: i,
                    at: self.clock.at(t),
                });
            }
            Line::Done { a, i, v, t } => {
                let w = self.known(&a)?;
                let pid = self.workers[w].pid;
                if let Some(expected) = self.expected.wrong(i, v) {
                    return Err(LabError::WrongAnswer {
                        task: i,
                        pid,
                        got: v,
                        expected,
                    });
                }
                self.workers[w].done += 1;
                self.done += 1;
                self.emit(LabEvent::TaskFinished {
                    worker: w,
                    pid,
                    task: i,
                    value: v,
                    at: self.clock.at(t),
                });
            }
            Line::Cluster { w } => self.emit(LabEvent::Cluster(w)),
            Line::Lost { a, t, running } => {
                let w = self.known(&a)?;
                let worker = &mut self.workers[w];
                worker.ended = true;
                // A range when the tasks follow each other (the crash line
                // names it); the text names them all.
                let requeued = match (running.iter().min(), running.iter().max()) {
                    (Some(&lo), Some(&hi)) if hi + 1 - lo == running.len() => lo..hi + 1,
                    _ => 0..0,
                };
                let named = running
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let crash = Crash {
                    worker: w,
                    pid: worker.pid,
                    // The scheduler cannot say how a worker ended, only that
                    // it is gone; a worker on this machine was killed.
                    exit: Exit::Signal(libc::SIGKILL),
                    at: self.clock.at(t),
                    requeued,
                    before_ready: false,
                    stderr: if running.is_empty() {
                        format!("the Dask scheduler lost worker {a}")
                    } else {
                        format!(
                            "the Dask scheduler lost worker {a}; Dask runs its unfinished task{} {named} on the workers left",
                            if running.len() == 1 { "" } else { "s" }
                        )
                    },
                };
                self.crashes.push(crash.clone());
                self.emit(LabEvent::WorkerCrashed(crash));
            }
            // The scheduler's record: a Dask task that ran twice was on
            // a worker lost before its result was read.
            Line::Stream { n, .. } => {
                let chunks = self.config.tasks.div_ceil(self.config.chunksize.max(1));
                if n > chunks {
                    self.emit(LabEvent::Notice(format!(
                        "the scheduler's task stream shows {n} Dask task runs for {chunks} tasks: {} ran again after a worker was lost",
                        n - chunks
                    )));
                }
            }
            Line::Finished { t0, t1, v } => {
                if v.len() != self.config.tasks {
                    return Err(self.protocol(format!(
                        "Dask returned {} results for {} tasks",
                        v.len(),
                        self.config.tasks
                    )));
                }
                if let Some((task, (got, expected))) = v
                    .iter()
                    .enumerate()
                    .find_map(|(i, &got)| self.expected.wrong(i, got).map(|e| (i, (got, e))))
                {
                    return Err(LabError::WrongAnswer {
                        task,
                        pid: self.master,
                        got,
                        expected,
                    });
                }
                self.finished = Some((t0, t1, v));
            }
            Line::Error { kind, message } => self.failure = Some((kind, message)),
            Line::Rate { .. } => {}
        }
        Ok(())
    }

    /// Workers not reported as lost leave the run with it: a local
    /// cluster is closed (or killed with the driver); a remote cluster's
    /// workers stay up, which is theirs to decide.
    fn report_ended(&mut self, exit: Exit) {
        let at = self.clock.at(monotonic_ns());
        for (i, w) in self.workers.iter_mut().enumerate() {
            if !w.ended {
                w.ended = true;
                (self.sink)(LabEvent::WorkerExited {
                    worker: i,
                    pid: w.pid,
                    exit,
                    at,
                });
            }
        }
    }

    fn finish(
        mut self,
        outcome: Result<Option<crate::python::Exited>, LabError>,
        exited: Option<crate::python::Exited>,
    ) -> Result<RunResult, LabError> {
        let exited = match outcome {
            Err(e) => {
                self.report_ended(Exit::Signal(libc::SIGKILL));
                return Err(e);
            }
            Ok(first) => first.or(exited),
        };
        let status = exited.map(|e| e.status);
        let clean = status == Some(Exit::Code(0));
        if let (true, Some((t0, t1, values))) = (clean, self.finished.take()) {
            self.report_ended(Exit::Code(0));
            let startup = match (self.asked, self.all) {
                (Some(a), Some(b)) => Duration::from_nanos(b.saturating_sub(a)),
                _ => Duration::ZERO,
            };
            return Ok(RunResult {
                config: self.config.clone(),
                startup,
                wall: Duration::from_nanos(t1.saturating_sub(t0)),
                serial: self.serial,
                answer: values.iter().sum::<u64>() + self.serial_answer,
                pids: self.workers.iter().map(|w| w.pid).collect(),
                tasks_done: self.workers.iter().map(|w| w.done).collect(),
                crashes: self.crashes.clone(),
                ran: format!("Python {} Dask {}", self.python.version, self.dask),
                method: if self.local {
                    "LocalCluster".into()
                } else {
                    format!("scheduler {}", self.scheduler)
                },
                outside_load: None,
            });
        }
        self.report_ended(Exit::Signal(libc::SIGKILL));
        if let Some((kind, message)) = self.failure.take() {
            return Err(LabError::Engine(match kind.as_str() {
                "nodask" => format!("the dask engine needs Dask: {message}"),
                _ => format!("the Dask run failed: {message}"),
            }));
        }
        if status == Some(Exit::Code(NO_DASK)) {
            return Err(LabError::Engine(format!(
                "the dask engine needs Dask; {}",
                install_hint(&self.python.path)
            )));
        }
        let how = status.map_or_else(|| "was lost".to_string(), |s| format!("ended with {s}"));
        let why = self
            .stderr_tail
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(": {}", l.trim()))
            .unwrap_or_default();
        Err(LabError::Engine(format!(
            "the Dask driver (pid {}) {how} before the run finished{why}",
            self.master
        )))
    }
}

fn serial_part(name: &str) -> SerialPart {
    if name == "after" {
        SerialPart::After
    } else {
        SerialPart::Before
    }
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
mod tests {
    use super::*;
    use crate::lab::Workload;

    #[test]
    fn driver_lines_parse_and_garbage_does_not() {
        let l: Line =
            serde_json::from_str(r#"{"e":"d","a":"tcp://10.0.0.2:4000","i":3,"v":94,"t":12}"#)
                .unwrap();
        assert_eq!(
            l,
            Line::Done {
                a: "tcp://10.0.0.2:4000".into(),
                i: 3,
                v: 94,
                t: 12
            }
        );
        let l: Line = serde_json::from_str(
            r#"{"e":"cluster","w":[{"a":"tcp://h:1","running":2,"host":"h","nthreads":4,"mem":100,"used":50,"cpu":99.5}],"t":1}"#,
        )
        .unwrap();
        let Line::Cluster { w } = l else {
            panic!("not a cluster line")
        };
        assert_eq!(
            (w[0].host.as_str(), w[0].nthreads, w[0].running),
            ("h", 4, 2)
        );
        let l: Line =
            serde_json::from_str(r#"{"e":"lost","a":"tcp://h:1","t":5,"running":[4,5]}"#).unwrap();
        assert_eq!(
            l,
            Line::Lost {
                a: "tcp://h:1".into(),
                t: 5,
                running: vec![4, 5]
            }
        );
        assert!(serde_json::from_str::<Line>("Traceback (most recent call last):").is_err());
        assert!(serde_json::from_str::<Line>(r#"{"e":"nope"}"#).is_err());
    }

    #[test]
    fn driver_arguments_carry_the_config_and_the_scheduler() {
        let config = LabConfig {
            workers: 3,
            tasks: 10,
            task_size: 100,
            chunksize: 2,
            scheduler: Some(std::sync::Arc::new("tcp://127.0.0.1:8786".into())),
            ..LabConfig::new(Workload::Cpu)
        };
        let args = driver_args(&config).join(" ");
        assert!(
            args.starts_with(
                "--workers 3 --tasks 10 --size 100 --chunksize 2 --kind primes --connect-timeout 3 --scheduler tcp://127.0.0.1:8786"
            ),
            "{args}"
        );
        let local = driver_args(&LabConfig::new(Workload::Sleep)).join(" ");
        assert!(!local.contains("--scheduler"), "{local}");
        assert!(local.contains("--kind sleep"), "{local}");
    }

    #[test]
    fn scheduler_addresses_are_checked() {
        assert_eq!(
            parse_scheduler("127.0.0.1:8786").unwrap(),
            "tcp://127.0.0.1:8786"
        );
        assert_eq!(
            parse_scheduler(" tcp://node7:8786 ").unwrap(),
            "tcp://node7:8786"
        );
        assert!(parse_scheduler("tls://h:1").is_ok());
        for bad in [
            "",
            "node7",
            "tcp://node7",
            "tcp://:8786",
            "http://h:1",
            "h:0",
            "h:99999",
        ] {
            let e = parse_scheduler(bad).unwrap_err();
            assert!(e.contains("tcp://HOST:PORT"), "{bad}: {e}");
        }
    }
}
