//! Watching the driver: its lines become the lab's events, its end the
//! run's result or the reason it has none.

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::line::Line;
use super::{MAX_LINE, NO_DASK, install_hint};
use crate::lab::engine::driver::{Clock, monotonic_ns};
use crate::lab::engine::python::keep_tail;
use crate::lab::engine::verify::Expected;
use crate::lab::pool::{
    CancelToken, Crash, Exit, LabConfig, LabError, LabEvent, RunResult, SerialPart,
};
use crate::python::{Interpreter, PyEvent, Stream};

struct Worker {
    pid: u32,
    done: usize,
    ended: bool,
}

pub(super) struct Driver<'a> {
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

impl<'a> Driver<'a> {
    /// A driver not heard from yet.
    pub(super) fn new(
        config: &'a LabConfig,
        sink: &'a dyn Fn(LabEvent),
        clock: Clock,
        expected: Expected,
        python: Interpreter,
    ) -> Driver<'a> {
        Driver {
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
        }
    }

    fn emit(&self, event: LabEvent) {
        (self.sink)(event);
    }

    fn protocol(&self, message: String) -> LabError {
        LabError::Protocol {
            pid: self.master,
            message,
        }
    }

    pub(super) fn watch(
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

    pub(super) fn finish(
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
