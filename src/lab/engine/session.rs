//! A driver's session, the same for the python and dask engines:
//! launching it under the guard, reading its output, handling the lines
//! both drivers print (`driver::Shared`), checking answers, and ending the
//! run with its result or the reason it has none. Each engine adds only
//! its own lines and messages (a [`Watch`] over a [`Run`]).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::driver::{Clock, Parsed, Shared, monotonic_ns};
use crate::lab::verify::{Expected, serial_ranges};
use crate::lab::workload::TaskKind;
use crate::lab::{CancelToken, Crash, Exit, LabConfig, LabError, LabEvent, RunResult, SerialPart};
use crate::python::{Exited, Interpreter, PyEvent, RunRequest, Stream};

/// How long a stopped driver may take to be gone (the guard kills it).
const STOP_LIMIT: Duration = Duration::from_secs(10);
/// Longest stdout line kept from a driver (the final list of results
/// of a large map is the longest).
const MAX_LINE: usize = 16 << 20;

/// How an engine names its run in messages.
pub(super) struct Words {
    /// "Python": "the Python run ended without a word".
    pub name: &'static str,
    /// What runs: "cannot run the Python pool".
    pub runs: &'static str,
    /// What prints lines: "the Python driver printed ...".
    pub driver: &'static str,
    /// What returns the results: "map returned 3 results for 4 tasks".
    pub returned: &'static str,
    /// What ended too early: "the Python pool's master (pid 7) ended ...".
    pub master: &'static str,
}

/// The learner's Python for a run, or why there is none.
pub(super) fn interpreter(config: &LabConfig, needs: &str) -> Result<Interpreter, LabError> {
    match &config.python {
        Some(p) => Ok((**p).clone()),
        None => Interpreter::find(None).map_err(|e| {
            LabError::Invalid(format!(
                "{needs}: {}",
                e.to_string().lines().next().unwrap_or_default()
            ))
        }),
    }
}

/// A driver's run request: its file, arguments, time limit and launcher.
pub(super) fn request(
    name: &str,
    driver: &str,
    python: &Interpreter,
    config: &LabConfig,
    args: Vec<String>,
) -> Result<RunRequest, LabError> {
    let mut request =
        RunRequest::for_script(name, driver.as_bytes(), python.clone()).map_err(LabError::Io)?;
    request.args = args;
    // A backstop: the run's deadline ends it first.
    request.timeout = config.deadline + STOP_LIMIT;
    request.launcher = Some(config.worker_exe.clone());
    Ok(request)
}

/// The arguments both drivers take first: the run's tasks.
pub(super) fn task_args(config: &LabConfig) -> Vec<String> {
    vec![
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
    ]
}

/// The master's serial parts, for a workload that has them.
pub(super) fn serial_args(config: &LabConfig, args: &mut Vec<String>) {
    if config.workload.task_kind() == TaskKind::Primes {
        let [before, after] = serial_ranges(config);
        for (flag, range) in [("--serial-before", before), ("--serial-after", after)] {
            if !range.is_empty() {
                args.push(flag.into());
                args.push(format!("{}:{}", range.start, range.end));
            }
        }
    }
}

/// A worker process as the driver reported it.
pub(super) struct Worker {
    pub pid: u32,
    pub ready: bool,
    pub current: Option<usize>,
    pub done: usize,
    pub ended: bool,
}

impl Worker {
    pub(super) fn new(pid: u32) -> Worker {
        Worker {
            pid,
            ready: false,
            current: None,
            done: 0,
            ended: false,
        }
    }
}

/// What both engines keep of a run while watching its driver.
pub(super) struct Run<'a> {
    pub config: &'a LabConfig,
    sink: &'a dyn Fn(LabEvent),
    pub clock: Clock,
    pub expected: Expected,
    pub python: Interpreter,
    words: Words,
    pub master: u32,
    pub workers: Vec<Worker>,
    pub asked: Option<u64>,
    pub all: Option<u64>,
    serial_start: Option<u64>,
    serial: Duration,
    serial_answer: u64,
    pub done: usize,
    /// (t0, t1, values) once the driver's tasks all returned.
    finished: Option<(u64, u64, Vec<u64>)>,
    /// The driver's own error: (kind, message).
    pub failure: Option<(String, String)>,
    pub crashes: Vec<Crash>,
    partial: [Vec<u8>; 2],
    stderr_tail: String,
}

impl<'a> Run<'a> {
    /// A run whose driver is about to start: its clock starts now.
    pub(super) fn new(
        config: &'a LabConfig,
        sink: &'a dyn Fn(LabEvent),
        started: Instant,
        expected: Expected,
        python: Interpreter,
        words: Words,
    ) -> Run<'a> {
        Run {
            config,
            sink,
            clock: Clock::new(started),
            expected,
            python,
            words,
            master: 0,
            workers: Vec::new(),
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

    pub(super) fn emit(&self, event: LabEvent) {
        (self.sink)(event);
    }

    pub(super) fn protocol(&self, message: String) -> LabError {
        LabError::Protocol {
            pid: self.master,
            message,
        }
    }

    /// One stdout line: nothing if blank, else a line of either kind.
    pub(super) fn parse<L: DeserializeOwned>(
        &self,
        text: &str,
    ) -> Result<Option<Parsed<L>>, LabError> {
        let text = text.trim_end();
        if text.is_empty() {
            return Ok(None);
        }
        serde_json::from_str(text).map(Some).map_err(|_| {
            let shown: String = text.chars().take(80).collect();
            self.protocol(format!(
                "{} printed something that is not an event: {shown:?}",
                self.words.driver
            ))
        })
    }

    /// A line both drivers print.
    pub(super) fn shared(&mut self, line: Shared) -> Result<(), LabError> {
        match line {
            Shared::Asked { t } => self.asked = Some(t),
            Shared::All { t } => {
                self.all = Some(t);
                self.emit(LabEvent::AllReady {
                    at: self.clock.at(t),
                });
            }
            Shared::SerialStart { part, t } => {
                self.serial_start = Some(t);
                self.emit(LabEvent::SerialStarted {
                    part: serial_part(&part),
                    at: self.clock.at(t),
                });
            }
            Shared::SerialEnd { part, v, t } => {
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
            Shared::Finished { t0, t1, v } => {
                if v.len() != self.config.tasks {
                    return Err(self.protocol(format!(
                        "{} returned {} results for {} tasks",
                        self.words.returned,
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
            Shared::Error { kind, message } => self.failure = Some((kind, message)),
            Shared::Rate { .. } => {}
        }
        Ok(())
    }

    /// A task's answer arrived from worker `w`: checked, then counted.
    pub(super) fn task_done(&mut self, w: usize, i: usize, v: u64, t: u64) -> Result<(), LabError> {
        let pid = self.workers[w].pid;
        if let Some(expected) = self.expected.wrong(i, v) {
            return Err(LabError::WrongAnswer {
                task: i,
                pid,
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
            pid,
            task: i,
            value: v,
            at: self.clock.at(t),
        });
        Ok(())
    }

    /// Workers not yet reported as ended leave the run with `exit`.
    pub(super) fn report_ended(&mut self, exit: Exit) {
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

    /// The driver's exit status once the run is over; on a stop, its
    /// workers were killed with it.
    fn status(
        &mut self,
        outcome: Result<Option<Exited>, LabError>,
        exited: Option<Exited>,
    ) -> Result<Option<Exit>, LabError> {
        match outcome {
            Err(e) => {
                self.report_ended(Exit::KILLED);
                Err(e)
            }
            Ok(first) => Ok(first.or(exited).map(|e| e.status)),
        }
    }

    /// Whether the driver reported its tasks' results.
    pub(super) fn has_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// The run's result if the driver ended cleanly after its tasks.
    pub(super) fn result(
        &mut self,
        status: Option<Exit>,
        ran: String,
        method: String,
    ) -> Option<RunResult> {
        if status != Some(Exit::Code(0)) {
            return None;
        }
        let (t0, t1, values) = self.finished.take()?;
        let startup = match (self.asked, self.all) {
            (Some(a), Some(b)) => Duration::from_nanos(b.saturating_sub(a)),
            _ => Duration::ZERO,
        };
        Some(RunResult {
            config: self.config.clone(),
            startup,
            wall: Duration::from_nanos(t1.saturating_sub(t0)),
            serial: self.serial,
            answer: values.iter().sum::<u64>() + self.serial_answer,
            pids: self.workers.iter().map(|w| w.pid).collect(),
            tasks_done: self.workers.iter().map(|w| w.done).collect(),
            crashes: self.crashes.clone(),
            ran,
            method,
            outside_load: None,
        })
    }

    /// The driver ended before the run finished: how, and its last
    /// words on stderr.
    pub(super) fn lost(&self, status: Option<Exit>) -> LabError {
        let how = status.map_or_else(|| "was lost".to_string(), |s| format!("ended with {s}"));
        let why = self
            .stderr_tail
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(": {}", l.trim()))
            .unwrap_or_default();
        LabError::Engine(format!(
            "{} (pid {}) {how} before the run finished{why}",
            self.words.master, self.master
        ))
    }
}

/// An engine's reader of its driver's stdout lines: the shared ones go
/// to its [`Run`], its own to `own`.
pub(super) trait Watch<'a> {
    /// The engine's own lines.
    type Line: DeserializeOwned;

    fn run(&mut self) -> &mut Run<'a>;

    fn own(&mut self, line: Self::Line) -> Result<(), LabError>;

    /// The run's end once the driver exited with `status` (`None`: lost).
    fn finish(self, status: Option<Exit>) -> Result<RunResult, LabError>;

    fn line(&mut self, text: &str) -> Result<(), LabError> {
        match self.run().parse(text)? {
            None => Ok(()),
            Some(Parsed::Shared(line)) => self.run().shared(line),
            Some(Parsed::Own(line)) => self.own(line),
        }
    }
}

/// Starts the driver under the guard, watches it to its end, and
/// gives the run's result or the reason it has none.
pub(super) fn launch<'a>(
    request: RunRequest,
    mut driver: impl Watch<'a>,
    cancel: &CancelToken,
    until: Instant,
) -> Result<RunResult, LabError> {
    let (tx, rx) = mpsc::channel();
    let run = crate::python::start(request, move |event| {
        let _ = tx.send(event);
    });
    let outcome = watch(&mut driver, &rx, cancel, until);
    // Stopped early: the run is over only when the guard says so.
    let exited = if outcome.is_err() {
        run.stop();
        wait_exit(&rx)
    } else {
        None
    };
    run.wait();
    let status = driver.run().status(outcome, exited)?;
    driver.finish(status)
}

/// Reads the run's events until the driver ends (`Ok`) or the run
/// must be stopped (`Err`: cancel, deadline, a wrong answer, garbage).
fn watch<'a>(
    driver: &mut impl Watch<'a>,
    rx: &mpsc::Receiver<PyEvent>,
    cancel: &CancelToken,
    until: Instant,
) -> Result<Option<Exited>, LabError> {
    loop {
        if cancel.is_cancelled() {
            return Err(LabError::Cancelled);
        }
        let now = Instant::now();
        let run = driver.run();
        if now >= until {
            return Err(LabError::Deadline {
                limit: run.config.deadline,
                done: run.done,
                tasks: run.config.tasks,
            });
        }
        let event = match rx.recv_timeout((until - now).min(Duration::from_millis(50))) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(LabError::Engine(format!(
                    "the {} run ended without a word",
                    run.words.name
                )));
            }
        };
        match event {
            PyEvent::Output(out) => {
                let stream = out.stream;
                let idx = stream as usize;
                run.partial[idx].extend_from_slice(out.text.as_bytes());
                if !out.line_end {
                    if run.partial[idx].len() > MAX_LINE {
                        return Err(run.protocol("a line that never ends".into()));
                    }
                    continue;
                }
                let line =
                    String::from_utf8_lossy(&std::mem::take(&mut run.partial[idx])).into_owned();
                match stream {
                    Stream::Stdout => driver.line(&line)?,
                    Stream::Stderr => keep_tail(&mut run.stderr_tail, &line),
                }
            }
            PyEvent::Exited(exited) => return Ok(Some(exited)),
            PyEvent::Failed(message) => {
                return Err(LabError::Engine(format!(
                    "cannot run {}: {message}",
                    run.words.runs
                )));
            }
            // The python driver needs the standard library only; the Dask
            // driver says itself what it lacks.
            PyEvent::Skipped { missing } => {
                return Err(LabError::Engine(format!(
                    "{} did not run: missing {}",
                    run.words.runs,
                    missing.join(", ")
                )));
            }
            PyEvent::Started(_) | PyEvent::OutputLimit { .. } | PyEvent::TimedOut { .. } => {}
        }
    }
}

/// After a stop: the guard's last word, bounded in time.
fn wait_exit(rx: &mpsc::Receiver<PyEvent>) -> Option<Exited> {
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

fn keep_tail(tail: &mut String, line: &str) {
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
