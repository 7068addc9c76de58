//! The python engine: a real `multiprocessing.Pool` (or
//! `ProcessPoolExecutor`), built by `assets/lab/driver.py` with the
//! learner's Python, under the same guard as the lessons' examples (so
//! a stop, a deadline or forklab's death leaves no Python process).
//!
//! The driver prints one JSON event per line (see the driver's docstring);
//! its times are `time.monotonic_ns()`, the clock behind [`Instant`] on
//! Linux, so they land on the run's own timeline. Every task's answer is
//! checked as it arrives, and the list `map` returned is checked again.

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::PoolEngine;
use super::driver::{Clock, Line, exit_of, monotonic_ns};
use super::verify::{Expected, serial_ranges};
use crate::lab::pool::{
    CancelToken, Crash, Exit, LabConfig, LabError, LabEvent, RunResult, SerialPart,
};
use crate::lab::workload::TaskKind;
use crate::python::{Interpreter, PyEvent, RunRequest, StartMethod, Stream};

/// The driver, shipped inside forklab.
pub const DRIVER: &str = include_str!("../../../assets/lab/driver.py");
/// Its file name in the run's working directory (what `ps` shows).
pub const DRIVER_NAME: &str = "forklab_lab_driver.py";
/// How long a stopped driver may take to be gone (the guard kills it).
const STOP_LIMIT: Duration = Duration::from_secs(10);
/// Longest stdout line kept from the driver (the final list of results
/// of a large map is the longest).
const MAX_LINE: usize = 16 << 20;

pub struct PythonEngine;

impl PoolEngine for PythonEngine {
    fn start_methods(&self) -> &'static [StartMethod] {
        &StartMethod::ALL
    }

    fn check(&self, config: &LabConfig) -> Result<(), String> {
        if let (Some(m), Some(python)) = (config.start_method, &config.python)
            && !python.supports(m)
        {
            return Err(format!(
                "Python {} has no start method {m} here",
                python.version
            ));
        }
        Ok(())
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
                    "the python engine needs Python: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ))
            })?,
        };
        if let Some(m) = config.start_method
            && !python.supports(m)
        {
            return Err(LabError::Invalid(format!(
                "Python {} has no start method {m} here",
                python.version
            )));
        }
        let until = started + config.deadline;
        let expected = Expected::for_config(config, cancel, until)?;
        let mut request = RunRequest::for_script(DRIVER_NAME, DRIVER.as_bytes(), python.clone())
            .map_err(LabError::Io)?;
        request.args = driver_args(config);
        request.start_method = config.start_method;
        // A backstop: the deadline below ends the run first.
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
            method: String::new(),
            api: String::new(),
            workers: Vec::new(),
            by_pid: HashMap::new(),
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
        // Stopped early: the run is over only when the guard says so.
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
        "--method".into(),
        config.start_method.map_or("default", |m| m.as_str()).into(),
        "--api".into(),
        config.api.name().into(),
    ];
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

struct Worker {
    pid: u32,
    ready: bool,
    current: Option<usize>,
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
    method: String,
    api: String,
    workers: Vec<Worker>,
    by_pid: HashMap<u32, usize>,
    asked: Option<u64>,
    all: Option<u64>,
    serial_start: Option<u64>,
    serial: Duration,
    serial_answer: u64,
    done: usize,
    /// (t0, t1, values) once `map` returned.
    finished: Option<(u64, u64, Vec<u64>)>,
    /// The driver's own error message.
    failure: Option<String>,
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

    /// Reads the run's events until the driver ends (`Ok`) or the run
    /// must be stopped (`Err`: cancel, deadline, a wrong answer, garbage).
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
                    return Err(LabError::Engine(
                        "the Python run ended without a word".into(),
                    ));
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
                        "cannot run the Python pool: {message}"
                    )));
                }
                // The driver needs the standard library only.
                PyEvent::Skipped { missing } => {
                    return Err(LabError::Engine(format!(
                        "the Python pool did not run: missing {}",
                        missing.join(", ")
                    )));
                }
                PyEvent::Started(_) | PyEvent::OutputLimit { .. } | PyEvent::TimedOut { .. } => {}
            }
        }
    }

    fn worker(&mut self, pid: u32, t: u64) -> Result<usize, LabError> {
        if let Some(&i) = self.by_pid.get(&pid) {
            return Ok(i);
        }
        // After the start, Pool replaces a worker that died: the new one
        // gets a row of its own (the driver reports the death next).
        let limit = if self.all.is_some() {
            2 * self.config.workers
        } else {
            self.config.workers
        };
        if self.workers.len() >= limit {
            return Err(self.protocol(format!(
                "more worker processes than the {} asked for (pid {pid})",
                self.config.workers
            )));
        }
        let i = self.workers.len();
        self.workers.push(Worker {
            pid,
            ready: false,
            current: None,
            done: 0,
            ended: false,
        });
        self.by_pid.insert(pid, i);
        self.emit(LabEvent::WorkerSpawned {
            worker: i,
            pid,
            at: self.clock.at(t),
        });
        Ok(i)
    }

    fn known(&self, pid: u32) -> Result<usize, LabError> {
        self.by_pid
            .get(&pid)
            .copied()
            .ok_or_else(|| self.protocol(format!("an event from pid {pid}, not a worker")))
    }

    fn line(&mut self, text: &str) -> Result<(), LabError> {
        let text = text.trim_end();
        if text.is_empty() {
            return Ok(());
        }
        let line: Line = serde_json::from_str(text).map_err(|_| {
            let shown: String = text.chars().take(80).collect();
            self.protocol(format!(
                "the Python driver printed something that is not an event: {shown:?}"
            ))
        })?;
        match line {
            Line::Hello {
                pid,
                python: _,
                method,
                api,
            } => {
                self.master = pid;
                self.method = method;
                self.api = api;
            }
            Line::Asked { t } => self.asked = Some(t),
            Line::Spawned { pids, t } => {
                for pid in pids {
                    self.worker(pid, t)?;
                }
            }
            Line::Ready { pid, t } => {
                let i = self.worker(pid, t)?;
                if !self.workers[i].ready {
                    self.workers[i].ready = true;
                    self.emit(LabEvent::WorkerReady {
                        worker: i,
                        pid,
                        at: self.clock.at(t),
                    });
                }
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
            Line::Start { p, i, t } => {
                let w = self.known(p)?;
                if i >= self.config.tasks {
                    return Err(self.protocol(format!("pid {p} started task {i}, past the last")));
                }
                self.workers[w].current = Some(i);
                self.emit(LabEvent::TaskStarted {
                    worker: w,
                    pid: p,
                    task: i,
                    at: self.clock.at(t),
                });
            }
            Line::Done { p, i, v, t } => {
                let w = self.known(p)?;
                if self.workers[w].current != Some(i) {
                    return Err(
                        self.protocol(format!("pid {p} finished task {i} without starting it"))
                    );
                }
                if let Some(expected) = self.expected.wrong(i, v) {
                    return Err(LabError::WrongAnswer {
                        task: i,
                        pid: p,
                        got: v,
                        expected,
                    });
                }
                let worker = &mut self.workers[w];
                worker.current = None;
                worker.done += 1;
                self.done += 1;
                self.emit(LabEvent::TaskFinished {
                    worker: w,
                    pid: p,
                    task: i,
                    value: v,
                    at: self.clock.at(t),
                });
            }
            Line::Died { pid, code } => {
                let w = self.known(pid)?;
                let worker = &mut self.workers[w];
                worker.ended = true;
                let task = worker.current.take();
                let crash = Crash {
                    worker: w,
                    pid,
                    exit: exit_of(code),
                    at: self.clock.at(monotonic_ns()),
                    requeued: task.map_or(0..0, |t| t..t + 1),
                    before_ready: !worker.ready,
                    stderr: String::new(),
                };
                self.crashes.push(crash.clone());
                self.emit(LabEvent::WorkerCrashed(crash));
            }
            Line::Exited { pid, code, t } => {
                let w = self.known(pid)?;
                self.workers[w].ended = true;
                self.emit(LabEvent::WorkerExited {
                    worker: w,
                    pid,
                    exit: exit_of(code),
                    at: self.clock.at(t),
                });
            }
            Line::Finished { t0, t1, v } => {
                if v.len() != self.config.tasks {
                    return Err(self.protocol(format!(
                        "map returned {} results for {} tasks",
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
            Line::Error { message } => self.failure = Some(message),
            Line::Rate { .. } => {}
        }
        Ok(())
    }

    /// Workers not yet reported as ended were killed with the driver.
    fn report_killed(&mut self) {
        let at = self.clock.at(monotonic_ns());
        for (i, w) in self.workers.iter_mut().enumerate() {
            if !w.ended {
                w.ended = true;
                (self.sink)(LabEvent::WorkerExited {
                    worker: i,
                    pid: w.pid,
                    exit: Exit::KILLED,
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
                self.report_killed();
                return Err(e);
            }
            Ok(first) => first.or(exited),
        };
        let status = exited.map(|e| e.status);
        let clean = status == Some(Exit::Code(0));
        if let (true, Some((t0, t1, values))) = (clean, self.finished.take()) {
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
                ran: format!(
                    "Python {} {}",
                    self.python.version,
                    if self.api == "executor" {
                        "ProcessPoolExecutor"
                    } else {
                        "Pool"
                    }
                ),
                method: self.method.clone(),
                outside_load: None,
            });
        }
        self.report_killed();
        if let Some(message) = self.failure.take() {
            return Err(LabError::Engine(format!(
                "the Python pool failed: {message}"
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
            "the Python pool's master (pid {}) {how} before the run finished{why}",
            self.master
        )))
    }
}

/// After a stop: the guard's last word, bounded in time.
pub(super) fn wait_exit(rx: &mpsc::Receiver<PyEvent>) -> Option<crate::python::Exited> {
    let until = Instant::now() + STOP_LIMIT;
    loop {
        let left = until.checked_duration_since(Instant::now())?;
        match rx.recv_timeout(left) {
            Ok(PyEvent::Exited(exited)) => return Some(exited),
            Ok(PyEvent::Failed(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn serial_part(name: &str) -> SerialPart {
    if name == "after" {
        SerialPart::After
    } else {
        SerialPart::Before
    }
}

pub(super) fn keep_tail(tail: &mut String, line: &str) {
    tail.push_str(line);
    tail.push('\n');
    if tail.len() > 4096 {
        let cut = tail.len() - 4096;
        let cut = (cut..tail.len())
            .find(|&i| tail.is_char_boundary(i))
            .unwrap_or(tail.len());
        tail.drain(..cut);
    }
}

/// Numbers per second one Python process counts (the driver's
/// `--calibrate`), run under the guard like a lab run.
pub fn numbers_per_second(python: &Interpreter, launcher: &std::path::Path) -> Result<f64, String> {
    let mut request = RunRequest::for_script(DRIVER_NAME, DRIVER.as_bytes(), python.clone())?;
    request.args = vec!["--calibrate".into(), "0.15".into()];
    request.timeout = Duration::from_secs(30);
    request.launcher = Some(launcher.to_path_buf());
    let (tx, rx) = mpsc::channel();
    let run = crate::python::start(request, move |e| {
        let _ = tx.send(e);
    });
    let mut out = String::new();
    let mut rate = None;
    for event in rx {
        match event {
            PyEvent::Output(o) if o.stream == Stream::Stdout => {
                out.push_str(&o.text);
                if o.line_end {
                    if let Ok(Line::Rate { n }) = serde_json::from_str(out.trim()) {
                        rate = Some(n);
                    }
                    out.clear();
                }
            }
            PyEvent::Exited(_) => break,
            PyEvent::Failed(m) => return Err(m),
            _ => {}
        }
    }
    run.wait();
    rate.filter(|r| *r > 0.0)
        .ok_or_else(|| "the Python driver did not report its speed".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Workload;

    #[test]
    fn driver_arguments_carry_the_config() {
        let config = LabConfig {
            workers: 3,
            tasks: 10,
            task_size: 100,
            chunksize: 2,
            start_method: Some(StartMethod::Spawn),
            ..LabConfig::new(Workload::Amdahl {
                serial_fraction: 0.5,
            })
        };
        let args = driver_args(&config).join(" ");
        assert!(
            args.starts_with(
                "--workers 3 --tasks 10 --size 100 --chunksize 2 --kind primes --method spawn --api pool"
            ),
            "{args}"
        );
        assert!(
            args.contains("--serial-before 1000001000:1000001500"),
            "{args}"
        );
        assert!(
            args.contains("--serial-after 1000001500:1000002000"),
            "{args}"
        );
    }
}
