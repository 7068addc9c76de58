//! The master side of the worker pool, like `multiprocessing.Pool`: starts
//! N copies of this binary as workers, hands out chunks of tasks as workers
//! free up, checks every answer, and reports each step as a [`LabEvent`].
//!
//! One thread does it all with `poll(2)` over the workers' pipes, so there
//! is no thread per worker and every wait has a deadline. Workers die with
//! the master (parent-death signal, stdin end-of-file, a failed write), and
//! the master kills and reaps them on every way out: success, error,
//! cancel, panic.
//!
//! The parent-death signal fires when the *thread* that started a worker
//! ends, so a run's workers belong to the thread that runs it ([`start`]'s
//! own thread, or [`run`]'s caller).

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::ops::Range;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::protocol::{FromWorker, MAX_LINE, Work};
use super::workload::{TaskKind, Workload, count_primes, sieve_counts, task_range};

/// Environment variable carrying the master's pid to its workers, so a
/// worker whose master died before it could set its parent-death signal
/// exits at once.
pub const MASTER_PID_ENV: &str = "FORKLAB_MASTER_PID";

/// Most workers one run may ask for.
pub const MAX_WORKERS: usize = 1024;
/// Most tasks one run may have.
pub const MAX_TASKS: usize = 1_000_000;
/// Default limit on a whole run.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// How long a worker whose stdin was closed may take to exit before it is
/// killed.
const GRACE: Duration = Duration::from_secs(2);
/// How much of a worker's stderr is kept to explain a crash.
const STDERR_TAIL: usize = 2048;

/// The cores this process may run on (its affinity), at least 1.
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One experiment run: how many workers do what.
#[derive(Debug, Clone, PartialEq)]
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
    pub engine: super::engine::Engine,
    /// How workers start; `None`: the engine's default.
    pub start_method: Option<crate::python::StartMethod>,
    /// The python engine's pool: `multiprocessing.Pool` or `ProcessPoolExecutor`.
    pub api: super::engine::PoolApi,
    /// The python engine's interpreter; `None`: looked for at the run.
    pub python: Option<std::sync::Arc<crate::python::Interpreter>>,
    /// Runs per measured point; the fastest counts, the others give the spread.
    pub repeat: usize,
    /// Size the tasks by measurement before the first run, so that one
    /// worker takes about 1.5 s here (`engine::calibrate`).
    pub calibrate: bool,
    /// The dask engine's scheduler, `tcp://HOST:PORT`; `None`: a
    /// LocalCluster of `workers` processes started for the run.
    pub scheduler: Option<String>,
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
            engine: super::engine::Engine::Forklab,
            start_method: None,
            api: super::engine::PoolApi::Pool,
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

    /// Every limit, with a message a learner can act on.
    pub fn validate(&self) -> Result<(), LabError> {
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
        if !(0.0..=super::workload::MAX_SERIAL_FRACTION).contains(&f) {
            return invalid(format!(
                "serial fraction {f}: choose from 0 to {}",
                super::workload::MAX_SERIAL_FRACTION
            ));
        }
        if let Err(m) = self.workload.check_task_size(self.task_size, self.tasks) {
            return invalid(m);
        }
        if let Some(k) = self.cpus {
            let cores = available_cores();
            if k == 0 || k > cores {
                return invalid(format!(
                    "--cpus {k}: choose from 1 to {cores}, the cores this machine lets forklab use"
                ));
            }
        }
        if self.deadline.is_zero() {
            return invalid("the deadline must be longer than 0 s".into());
        }
        if !(1..=super::engine::MAX_REPEAT).contains(&self.repeat) {
            return invalid(format!(
                "{} runs per point: choose from 1 to {}",
                self.repeat,
                super::engine::MAX_REPEAT
            ));
        }
        super::engine::check(self).map_err(LabError::Invalid)
    }
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig::new(Workload::Cpu)
    }
}

/// How a worker process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Exited by itself with this status.
    Code(i32),
    /// Ended by this signal (9 when killed).
    Signal(i32),
}

impl From<ExitStatus> for Exit {
    fn from(status: ExitStatus) -> Exit {
        match (status.code(), status.signal()) {
            (Some(code), _) => Exit::Code(code),
            (None, Some(signal)) => Exit::Signal(signal),
            (None, None) => Exit::Code(-1),
        }
    }
}

/// How the process pane shows a worker's end.
impl From<Exit> for crate::monitor::family::Ending {
    fn from(exit: Exit) -> Self {
        match exit {
            Exit::Code(code) => Self::Code(code),
            Exit::Signal(signal) => Self::Signal(signal),
        }
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Code(code) => write!(f, "exited with status {code}"),
            Exit::Signal(signal) => {
                write!(f, "killed by signal {signal}")?;
                match signal_name(*signal) {
                    Some(name) => write!(f, " ({name})"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The usual name of a signal number, for messages.
pub fn signal_name(signal: i32) -> Option<&'static str> {
    Some(match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGUSR1 => "SIGUSR1",
        libc::SIGUSR2 => "SIGUSR2",
        _ => return None,
    })
}

/// A worker lost before the job was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crash {
    pub worker: usize,
    pub pid: u32,
    pub exit: Exit,
    /// Since the run started.
    pub at: Duration,
    /// Its unfinished tasks, put back at the front of the queue.
    pub requeued: Range<usize>,
    /// It died before saying it was ready.
    pub before_ready: bool,
    /// The end of what it wrote on stderr (a panic message, say).
    pub stderr: String,
}

impl fmt::Display for Crash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Numbered from 1 for people, as the TUI and the process list do.
        write!(
            f,
            "worker {} (pid {}) {}",
            self.worker + 1,
            self.pid,
            self.exit
        )?;
        if self.before_ready {
            write!(f, " before it was ready")?;
        }
        match self.requeued.len() {
            0 => {}
            1 => write!(f, "; task {} re-queued", self.requeued.start)?,
            n => write!(
                f,
                "; {n} tasks ({}..{}) re-queued",
                self.requeued.start, self.requeued.end
            )?,
        }
        if let Some(line) = self.stderr.lines().rev().find(|l| !l.trim().is_empty()) {
            write!(f, ": {}", line.trim())?;
        }
        Ok(())
    }
}

/// Why a run did not give a result. Cloneable so it can travel in events.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LabError {
    /// A setting out of range: the run did not start.
    #[error("{0}")]
    Invalid(String),
    #[error("cannot start the worker {}: {message}", .exe.display())]
    Spawn { exe: PathBuf, message: String },
    #[error("{}", no_workers_message(*.tasks_left, *.tasks, .crashes))]
    NoWorkersLeft {
        tasks_left: usize,
        tasks: usize,
        crashes: Vec<Crash>,
    },
    #[error(
        "task {task}: worker pid {pid} answered {got}, but the right answer is {expected}; a wrong result is no speedup, so the run is void"
    )]
    WrongAnswer {
        task: usize,
        pid: u32,
        got: u64,
        expected: String,
    },
    #[error("worker pid {pid} broke the protocol: {message}")]
    Protocol { pid: u32, message: String },
    #[error("worker pid {pid} reported an error{}: {message}", .task.map(|t| format!(" on task {t}")).unwrap_or_default())]
    WorkerError {
        pid: u32,
        task: Option<usize>,
        message: String,
    },
    #[error(
        "the run passed its deadline of {} s with {done} of {tasks} tasks done; its workers were stopped",
        .limit.as_secs_f64()
    )]
    Deadline {
        limit: Duration,
        done: usize,
        tasks: usize,
    },
    #[error("cancelled")]
    Cancelled,
    /// What an engine reports in its own words (a Python pool's error).
    #[error("{0}")]
    Engine(String),
    #[error("{0}")]
    Io(String),
    #[error("internal error in the lab: {0}")]
    Internal(String),
}

fn no_workers_message(tasks_left: usize, tasks: usize, crashes: &[Crash]) -> String {
    let mut m = format!("no worker left, with {tasks_left} of {tasks} tasks unfinished");
    for crash in crashes.iter().take(3) {
        m.push_str(&format!("\n  {crash}"));
    }
    if crashes.len() > 3 {
        m.push_str(&format!("\n  and {} more", crashes.len() - 3));
    }
    m
}

/// The serial part of `amdahl` the master does, before or after the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SerialPart {
    Before,
    After,
}

/// Everything a run does, in order, for a view or a log. `at` counts from
/// the run's `RunStarted::started`.
#[derive(Debug, Clone, PartialEq)]
pub enum LabEvent {
    /// The first event of a run; a view resets its rows here.
    RunStarted {
        config: LabConfig,
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
    RunFinished(RunResult),
    /// The last event of a failed or cancelled run.
    RunFailed(LabError),
    /// After all runs of a sweep, in order (see `measure::start_sweep`).
    SweepFinished(Vec<RunResult>),
    /// Something to tell before a run (another engine used, say).
    Notice(String),
    /// The dask engine's cluster as the scheduler sees it, one row per
    /// worker (every worker, used by the run or not).
    Cluster(Vec<super::engine::dask::ClusterWorker>),
}

/// A finished, verified run.
#[derive(Debug, Clone, PartialEq, Default)]
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
    pub ran: String,
    /// The start method that ran (`exec`, `fork`, `spawn`, `forkserver`).
    pub method: String,
    /// Share of the machine's cores other programs kept busy during the
    /// run (0 to 1), when it could be read.
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

/// Shared between a running lab and whoever may stop it.
#[derive(Debug, Clone)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Debug)]
struct CancelInner {
    flag: AtomicBool,
    /// Written on cancel so that the master's `poll` wakes at once.
    wake: Option<(UnixStream, UnixStream)>,
}

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> CancelToken {
        let wake = UnixStream::pair()
            .ok()
            .filter(|(w, r)| w.set_nonblocking(true).is_ok() && r.set_nonblocking(true).is_ok());
        CancelToken {
            inner: Arc::new(CancelInner {
                flag: AtomicBool::new(false),
                wake,
            }),
        }
    }

    /// Asks the run to stop; returns at once.
    pub fn cancel(&self) {
        self.inner.flag.store(true, Ordering::SeqCst);
        if let Some((w, _)) = &self.inner.wake {
            let _ = (&*w).write(&[1]);
        }
    }

    /// True once [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::SeqCst)
    }

    fn wake_fd(&self) -> Option<RawFd> {
        self.inner.wake.as_ref().map(|(_, r)| r.as_raw_fd())
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

/// A lab running on its own thread. Dropping it cancels the run.
pub struct LabHandle {
    token: CancelToken,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl LabHandle {
    /// Stops the run: kills every worker and waits until all are reaped.
    /// The sink gets `WorkerExited` for each, then `RunFailed(Cancelled)`.
    pub fn cancel(&self) {
        self.token.cancel();
        self.wait();
    }

    /// Asks the run to stop without waiting (for a UI thread); the sink
    /// still gets the final events.
    pub fn request_cancel(&self) {
        self.token.cancel();
    }

    /// True once the run's last event has been sent.
    pub fn is_finished(&self) -> bool {
        self.thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_none_or(|t| t.is_finished())
    }

    /// Blocks until the run has ended (its own deadline bounds this).
    pub fn wait(&self) {
        let thread = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

impl Drop for LabHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Runs `job` on a lab thread with its own cancel token. A panic becomes a
/// `RunFailed` event, so a view waiting for the last event never hangs.
pub(crate) fn spawn_lab<J, S>(job: J, sink: S) -> LabHandle
where
    J: FnOnce(&CancelToken, &dyn Fn(LabEvent)) + Send + 'static,
    S: Fn(LabEvent) + Send + 'static,
{
    let token = CancelToken::new();
    let sink = Arc::new(Mutex::new(Some(sink)));
    let (thread_token, thread_sink) = (token.clone(), sink.clone());
    let spawned = std::thread::Builder::new()
        .name("forklab-lab".into())
        .spawn(move || {
            let Some(sink) = thread_sink.lock().unwrap_or_else(|e| e.into_inner()).take() else {
                return;
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| job(&thread_token, &sink)));
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into());
                sink(LabEvent::RunFailed(LabError::Internal(message)));
            }
        });
    let thread = match spawned {
        Ok(thread) => Some(thread),
        Err(e) => {
            if let Some(sink) = sink.lock().unwrap_or_else(|e| e.into_inner()).take() {
                sink(LabEvent::RunFailed(LabError::Io(format!(
                    "cannot start the lab thread: {e}"
                ))));
            }
            None
        }
    };
    LabHandle {
        token,
        thread: Mutex::new(thread),
    }
}

/// Starts a run on its own thread and returns at once; every step goes to
/// `sink`, ending with `RunFinished` or `RunFailed`.
pub fn start(config: LabConfig, sink: impl Fn(LabEvent) + Send + 'static) -> LabHandle {
    spawn_lab(
        move |token, sink| {
            let _ = super::engine::point(&config, token, sink);
        },
        sink,
    )
}

/// Runs to the end on this thread (headless use); `sink` gets the same
/// events as with [`start`].
pub fn run(config: &LabConfig, sink: impl Fn(LabEvent)) -> Result<RunResult, LabError> {
    execute(config, &CancelToken::new(), &sink)
}

/// One run with a cancel token: the shared core of [`start`], [`run`] and
/// the sweeps, whatever the engine. Sends `RunStarted` first and
/// `RunFinished`/`RunFailed` last.
pub fn execute(
    config: &LabConfig,
    cancel: &CancelToken,
    sink: &dyn Fn(LabEvent),
) -> Result<RunResult, LabError> {
    super::engine::execute(config, cancel, sink)
}

/// The forklab engine's run: forklab's own workers, after `RunStarted`.
pub(crate) fn run_master(
    config: &LabConfig,
    cancel: &CancelToken,
    sink: &dyn Fn(LabEvent),
    started: Instant,
) -> Result<RunResult, LabError> {
    let mut master = Master::new(config, cancel, sink, started)?;
    let result = master.run();
    if result.is_err() {
        master.kill_all(true);
    }
    result
}

/// What the answers must be.
enum Expected {
    /// Primes in each task's range, and in the serial parts before/after.
    Primes { tasks: Vec<u64>, serial: [u64; 2] },
    /// Sleep tasks: at least this many ms waited.
    AtLeast(u64),
}

/// One worker as the master sees it.
struct Slot {
    pid: u32,
    /// `None` once reaped.
    child: Option<Proc>,
    stdin: Option<File>,
    stdout: Option<File>,
    stderr: Option<File>,
    /// Bytes of a line not yet complete.
    partial: Vec<u8>,
    stderr_tail: Vec<u8>,
    ready: bool,
    /// Its chunk's unfinished tasks (empty when idle); they run in order.
    chunk: Range<usize>,
    current: Option<usize>,
    done: usize,
}

/// A worker process: exec'd by the master, or forked by the fork server.
enum Proc {
    Exec(Child),
    Forked(u32),
}

/// A child's pipe as a plain file, whichever way the worker started.
fn file<T: Into<std::os::fd::OwnedFd>>(pipe: Option<T>) -> Option<File> {
    pipe.map(|p| File::from(p.into()))
}

#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

struct Master<'a> {
    config: &'a LabConfig,
    cancel: &'a CancelToken,
    sink: &'a dyn Fn(LabEvent),
    started: Instant,
    until: Instant,
    slots: Vec<Slot>,
    queue: VecDeque<Range<usize>>,
    expected: Expected,
    values: Vec<Option<u64>>,
    done: usize,
    crashes: Vec<Crash>,
    /// The job is done and stdins are closed: exits are normal now.
    closing: bool,
    /// The fork server (start method forkserver), started by the run.
    server: Option<super::forkserver::ForkServer>,
}

impl<'a> Master<'a> {
    /// Works out the expected answers (before any worker exists, so the
    /// check costs the measurement nothing).
    fn new(
        config: &'a LabConfig,
        cancel: &'a CancelToken,
        sink: &'a dyn Fn(LabEvent),
        started: Instant,
    ) -> Result<Master<'a>, LabError> {
        let until = started + config.deadline;
        let stop = || cancel.is_cancelled() || Instant::now() >= until;
        let size = config.task_size;
        let expected = match config.workload.task_kind() {
            TaskKind::Sleep => Expected::AtLeast(size),
            TaskKind::Primes => {
                let all = task_range(size, 0).start..task_range(size, config.tasks as u64 - 1).end;
                let tasks = sieve_counts(all, size, &stop);
                let serial = serial_ranges(config);
                let before = sieve_counts(serial[0].clone(), u64::MAX, &stop);
                let after = sieve_counts(serial[1].clone(), u64::MAX, &stop);
                match (tasks, before, after) {
                    (Some(tasks), Some(before), Some(after)) => Expected::Primes {
                        tasks,
                        serial: [
                            before.first().copied().unwrap_or(0),
                            after.first().copied().unwrap_or(0),
                        ],
                    },
                    _ if cancel.is_cancelled() => return Err(LabError::Cancelled),
                    _ => {
                        return Err(LabError::Deadline {
                            limit: config.deadline,
                            done: 0,
                            tasks: config.tasks,
                        });
                    }
                }
            }
        };
        Ok(Master {
            config,
            cancel,
            sink,
            started,
            until,
            slots: Vec::with_capacity(config.workers),
            queue: std::iter::once(0..config.tasks).collect(),
            expected,
            values: vec![None; config.tasks],
            done: 0,
            crashes: Vec::new(),
            closing: false,
            server: None,
        })
    }

    fn at(&self) -> Duration {
        self.started.elapsed()
    }

    fn emit(&self, event: LabEvent) {
        (self.sink)(event);
    }

    fn run(&mut self) -> Result<RunResult, LabError> {
        ensure_fd_limit(self.config.workers)?;
        let asked = Instant::now();
        if self.config.start_method == Some(crate::python::StartMethod::Forkserver) {
            let server =
                super::forkserver::ForkServer::start(&self.config.worker_exe).map_err(|e| {
                    LabError::Spawn {
                        exe: self.config.worker_exe.clone(),
                        message: format!("cannot start the fork server: {e}"),
                    }
                })?;
            self.server = Some(server);
        }
        // All requests at once: the server forks while the rest arrive.
        if let Some(server) = &mut self.server {
            for worker in 0..self.config.workers {
                server.request(worker + 1).map_err(|e| LabError::Spawn {
                    exe: self.config.worker_exe.clone(),
                    message: format!("the fork server: {e}"),
                })?;
            }
        }
        for worker in 0..self.config.workers {
            self.spawn(worker)?;
        }
        self.wait_ready()?;
        let startup = asked.elapsed();
        self.emit(LabEvent::AllReady { at: self.at() });
        let work_start = Instant::now();
        let mut answer = 0;
        let mut serial = Duration::ZERO;
        let has_serial = self.config.workload.serial_fraction() > 0.0;
        if has_serial {
            let t = Instant::now();
            answer += self.serial(SerialPart::Before)?;
            serial += t.elapsed();
        }
        self.parallel()?;
        if has_serial {
            let t = Instant::now();
            answer += self.serial(SerialPart::After)?;
            serial += t.elapsed();
        }
        let wall = work_start.elapsed();
        answer += self.values.iter().map(|v| v.unwrap_or(0)).sum::<u64>();
        self.shut_down();
        Ok(RunResult {
            config: self.config.clone(),
            startup,
            wall,
            serial,
            answer,
            pids: self.slots.iter().map(|s| s.pid).collect(),
            tasks_done: self.slots.iter().map(|s| s.done).collect(),
            crashes: self.crashes.clone(),
            ran: "forklab".into(),
            method: if self.server.is_some() {
                "forkserver"
            } else {
                "exec"
            }
            .into(),
            outside_load: None,
        })
    }

    /// Starts one worker with `posix_spawn` (no `pre_exec` hook, which would
    /// force a `fork` whose cost grows with the master's memory: 15 ms per
    /// worker for a 200 MB master). The worker sets its own parent-death
    /// signal first thing and checks that its parent is still the master
    /// (see [`MASTER_PID_ENV`]); a master dying earlier closes the pipes,
    /// so the worker's first write fails and it exits.
    fn spawn(&mut self, worker: usize) -> Result<(), LabError> {
        let exe = &self.config.worker_exe;
        let (proc, pid, stdin, stdout, stderr) = if let Some(server) = &mut self.server {
            let forked = server.take_next().map_err(|e| LabError::Spawn {
                exe: exe.clone(),
                message: format!("the fork server: {e}"),
            })?;
            let pid = forked.pid;
            (
                Proc::Forked(pid),
                pid,
                Some(forked.stdin),
                Some(forked.stdout),
                Some(forked.stderr),
            )
        } else {
            let mut cmd = Command::new(exe);
            cmd.arg("worker")
                .arg((worker + 1).to_string())
                .env(MASTER_PID_ENV, std::process::id().to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().map_err(|e| LabError::Spawn {
                exe: exe.clone(),
                message: e.to_string(),
            })?;
            let pid = child.id();
            let (stdin, stdout, stderr) = (
                file(child.stdin.take()),
                file(child.stdout.take()),
                file(child.stderr.take()),
            );
            (Proc::Exec(child), pid, stdin, stdout, stderr)
        };
        // Before it is handed any task: tasks go out only once all are ready.
        if let Some(cores) = self.config.cpus
            && let Err(e) = crate::os::set_affinity(pid, cores)
        {
            let exe = exe.clone();
            self.kill_proc(&proc);
            let _ = self.reap_proc(proc, Instant::now() + GRACE);
            return Err(LabError::Spawn {
                exe,
                message: format!("cannot restrict it to {cores} cores: {e}"),
            });
        }
        if let Some(stdin) = &stdin {
            set_nonblocking(stdin.as_raw_fd());
        }
        self.slots.push(Slot {
            pid,
            stdin,
            stdout,
            stderr,
            child: Some(proc),
            partial: Vec::new(),
            stderr_tail: Vec::new(),
            ready: false,
            chunk: 0..0,
            current: None,
            done: 0,
        });
        self.emit(LabEvent::WorkerSpawned {
            worker,
            pid,
            at: self.at(),
        });
        Ok(())
    }

    fn kill_proc(&self, proc: &Proc) {
        match proc {
            Proc::Exec(child) => {
                // SAFETY: kill has no memory-safety preconditions; the
                // child is not reaped yet, so its pid is still its own.
                unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGKILL) };
            }
            Proc::Forked(pid) => super::forkserver::kill(*pid),
        }
    }

    fn reap_proc(&mut self, proc: Proc, until: Instant) -> Exit {
        match proc {
            Proc::Exec(mut child) => reap(&mut child, until),
            Proc::Forked(pid) => match &mut self.server {
                Some(server) => server.reap(pid, until),
                None => Exit::Signal(libc::SIGKILL),
            },
        }
    }

    fn alive(&self) -> impl Iterator<Item = &Slot> {
        self.slots.iter().filter(|s| s.child.is_some())
    }

    fn wait_ready(&mut self) -> Result<(), LabError> {
        loop {
            if self.alive().next().is_none() {
                return Err(self.no_workers_left());
            }
            if self.alive().all(|s| s.ready) {
                return Ok(());
            }
            self.pump()?;
        }
    }

    fn parallel(&mut self) -> Result<(), LabError> {
        loop {
            self.dispatch();
            if self.done == self.config.tasks {
                return Ok(());
            }
            // Workers whose stdin broke are dying: pump until their stdout
            // ends too, so the error can say how each one died.
            if self.alive().next().is_none() {
                return Err(self.no_workers_left());
            }
            self.pump()?;
        }
    }

    /// The master's own share of `amdahl`: half the serial numbers before
    /// the tasks, half after. Checks cancel and deadline between slices.
    fn serial(&mut self, part: SerialPart) -> Result<u64, LabError> {
        self.emit(LabEvent::SerialStarted {
            part,
            at: self.at(),
        });
        let index = match part {
            SerialPart::Before => 0,
            SerialPart::After => 1,
        };
        let range = serial_ranges(self.config)[index].clone();
        let slice = self.config.task_size.max(1);
        let mut count = 0;
        let mut low = range.start;
        while low < range.end {
            if self.cancel.is_cancelled() {
                return Err(LabError::Cancelled);
            }
            if Instant::now() >= self.until {
                return Err(self.deadline_error());
            }
            let high = low.saturating_add(slice).min(range.end);
            count += count_primes(low..high);
            low = high;
        }
        if let Expected::Primes { serial, .. } = &self.expected
            && count != serial[index]
        {
            return Err(LabError::Internal(format!(
                "the master's serial part counted {count} primes, the sieve {}",
                serial[index]
            )));
        }
        self.emit(LabEvent::SerialFinished {
            part,
            at: self.at(),
        });
        Ok(count)
    }

    /// Hands a chunk to every idle ready worker while tasks are queued.
    fn dispatch(&mut self) {
        let kind = self.config.workload.task_kind();
        for i in 0..self.slots.len() {
            if self.queue.is_empty() {
                return;
            }
            let slot = &self.slots[i];
            if !slot.ready || !slot.chunk.is_empty() || slot.child.is_none() {
                continue;
            }
            let Some(chunk) = take_chunk(&mut self.queue, self.config.chunksize) else {
                return;
            };
            let work = Work {
                first: chunk.start as u64,
                count: chunk.len() as u64,
                kind,
                size: self.config.task_size,
            };
            let slot = &mut self.slots[i];
            // One short write (atomic on a pipe, under PIPE_BUF) to a
            // non-blocking pipe: a worker that stops reading cannot stall us.
            let line = format!("{work}\n");
            let sent = slot
                .stdin
                .as_mut()
                .is_some_and(|stdin| stdin.write(line.as_bytes()).ok() == Some(line.len()));
            if sent {
                slot.chunk = chunk;
            } else {
                // Its stdin is broken: it is dying; its stdout's end will
                // report it. The chunk goes to someone else.
                slot.stdin = None;
                self.queue.push_front(chunk);
            }
        }
    }

    /// Waits for output from any worker (or a cancel, or the deadline) and
    /// handles all of it.
    fn pump(&mut self) -> Result<(), LabError> {
        if self.cancel.is_cancelled() {
            return Err(LabError::Cancelled);
        }
        let now = Instant::now();
        if now >= self.until {
            return Err(self.deadline_error());
        }
        let mut fds = Vec::with_capacity(self.slots.len() * 2 + 1);
        let mut owners = Vec::with_capacity(fds.capacity());
        let mut timeout = self.until - now;
        match self.cancel.wake_fd() {
            Some(fd) => {
                fds.push(pollfd(fd));
                owners.push(None);
            }
            None => timeout = timeout.min(Duration::from_millis(50)),
        }
        for (i, slot) in self.slots.iter().enumerate() {
            if let Some(out) = &slot.stdout {
                fds.push(pollfd(out.as_raw_fd()));
                owners.push(Some((i, Stream::Out)));
            }
            if let Some(err) = &slot.stderr {
                fds.push(pollfd(err.as_raw_fd()));
                owners.push(Some((i, Stream::Err)));
            }
        }
        poll(&mut fds, timeout).map_err(|e| LabError::Io(format!("poll: {e}")))?;
        for (fd, owner) in fds.iter().zip(owners) {
            if fd.revents == 0 {
                continue;
            }
            match owner {
                None => return Err(LabError::Cancelled),
                Some((i, Stream::Out)) => self.read_stdout(i)?,
                Some((i, Stream::Err)) => self.read_stderr(i),
            }
        }
        Ok(())
    }

    fn read_stdout(&mut self, i: usize) -> Result<(), LabError> {
        let mut buf = [0u8; 8192];
        let slot = &mut self.slots[i];
        let Some(out) = slot.stdout.as_mut() else {
            return Ok(());
        };
        let n = match out.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(()),
            Err(_) => 0,
        };
        if n == 0 {
            self.worker_gone(i);
            return Ok(());
        }
        slot.partial.extend_from_slice(&buf[..n]);
        let mut lines = Vec::new();
        while let Some(end) = slot.partial.iter().position(|&b| b == b'\n') {
            lines.push(slot.partial.drain(..=end).collect::<Vec<u8>>());
        }
        let pid = slot.pid;
        if slot.partial.len() > MAX_LINE {
            return Err(LabError::Protocol {
                pid,
                message: format!("a line longer than {MAX_LINE} bytes"),
            });
        }
        for line in lines {
            let message = std::str::from_utf8(&line)
                .map_err(|_| "a line that is not UTF-8".to_string())
                .and_then(|text| FromWorker::parse(text).map_err(|e| e.to_string()));
            match message {
                Ok(message) => self.handle(i, message)?,
                Err(message) => {
                    return Err(LabError::Protocol {
                        pid,
                        message: format!(
                            "{message} (is {} a forklab binary?)",
                            self.config.worker_exe.display()
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    fn handle(&mut self, i: usize, message: FromWorker) -> Result<(), LabError> {
        let at = self.at();
        let slot = &mut self.slots[i];
        let pid = slot.pid;
        let unexpected = |what: String| LabError::Protocol { pid, message: what };
        match message {
            FromWorker::Ready { .. } => {
                if slot.ready {
                    return Err(unexpected("said `ready` twice".into()));
                }
                slot.ready = true;
                self.emit(LabEvent::WorkerReady { worker: i, pid, at });
            }
            FromWorker::Started { task } => {
                let task = task as usize;
                if slot.current.is_some() || slot.chunk.is_empty() || slot.chunk.start != task {
                    return Err(unexpected(format!(
                        "started task {task}, but its next task is {:?}",
                        slot.chunk.clone().next()
                    )));
                }
                slot.current = Some(task);
                self.emit(LabEvent::TaskStarted {
                    worker: i,
                    pid,
                    task,
                    at,
                });
            }
            FromWorker::Done { task, value } => {
                let task = task as usize;
                if slot.current != Some(task) {
                    return Err(unexpected(format!(
                        "finished task {task}, but it was running {:?}",
                        slot.current
                    )));
                }
                let wrong = match &self.expected {
                    Expected::Primes { tasks, .. } => {
                        (value != tasks[task]).then(|| tasks[task].to_string())
                    }
                    Expected::AtLeast(ms) => {
                        (value < *ms).then(|| format!("at least {ms} (ms waited)"))
                    }
                };
                if let Some(expected) = wrong {
                    return Err(LabError::WrongAnswer {
                        task,
                        pid,
                        got: value,
                        expected,
                    });
                }
                slot.current = None;
                slot.chunk.start += 1;
                slot.done += 1;
                self.values[task] = Some(value);
                self.done += 1;
                self.emit(LabEvent::TaskFinished {
                    worker: i,
                    pid,
                    task,
                    value,
                    at,
                });
            }
            FromWorker::Error { task, message } => {
                return Err(LabError::WorkerError {
                    pid,
                    task: task.map(|t| t as usize),
                    message,
                });
            }
        }
        Ok(())
    }

    fn read_stderr(&mut self, i: usize) {
        let slot = &mut self.slots[i];
        let Some(err) = slot.stderr.as_mut() else {
            return;
        };
        let mut buf = [0u8; 4096];
        match err.read(&mut buf) {
            Ok(0) => slot.stderr = None,
            Ok(n) => keep_tail(&mut slot.stderr_tail, &buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => slot.stderr = None,
        }
    }

    /// A worker's stdout ended: it exited (or is about to). Reap it, and
    /// unless the job is over, report a crash and re-queue its tasks.
    fn worker_gone(&mut self, i: usize) {
        let at = self.at();
        let closing = self.closing;
        let proc = self.slots[i].child.take();
        let exit = proc.map_or(Exit::Code(0), |proc| {
            self.reap_proc(proc, Instant::now() + GRACE)
        });
        let slot = &mut self.slots[i];
        slot.stdout = None;
        slot.stdin = None;
        if let Some(mut err) = slot.stderr.take() {
            drain_stderr(&mut err, &mut slot.stderr_tail);
        }
        let pid = slot.pid;
        if closing {
            self.emit(LabEvent::WorkerExited {
                worker: i,
                pid,
                exit,
                at,
            });
            return;
        }
        let requeued = std::mem::replace(&mut slot.chunk, 0..0);
        slot.current = None;
        if !requeued.is_empty() {
            self.queue.push_front(requeued.clone());
        }
        let crash = Crash {
            worker: i,
            pid,
            exit,
            at,
            requeued,
            before_ready: !slot.ready,
            stderr: String::from_utf8_lossy(&slot.stderr_tail).into_owned(),
        };
        self.crashes.push(crash.clone());
        self.emit(LabEvent::WorkerCrashed(crash));
    }

    /// The job is done: close every stdin so the workers exit, then reap
    /// them, killing any that take longer than the grace period.
    fn shut_down(&mut self) {
        self.closing = true;
        for slot in &mut self.slots {
            slot.stdin = None;
        }
        let until = Instant::now() + GRACE;
        for i in 0..self.slots.len() {
            let Some(proc) = self.slots[i].child.take() else {
                continue;
            };
            let exit = self.reap_proc(proc, until);
            let slot = &mut self.slots[i];
            slot.stdout = None;
            slot.stderr = None;
            let pid = slot.pid;
            self.emit(LabEvent::WorkerExited {
                worker: i,
                pid,
                exit,
                at: self.at(),
            });
        }
    }

    /// Kills every live worker at once, then reaps them all.
    fn kill_all(&mut self, report: bool) {
        for slot in &mut self.slots {
            slot.stdin = None;
        }
        for slot in &self.slots {
            if let Some(proc) = &slot.child {
                self.kill_proc(proc);
            }
        }
        let until = Instant::now() + GRACE;
        for i in 0..self.slots.len() {
            let Some(proc) = self.slots[i].child.take() else {
                continue;
            };
            let exit = self.reap_proc(proc, until);
            let slot = &mut self.slots[i];
            slot.stdout = None;
            slot.stderr = None;
            let pid = slot.pid;
            if report {
                self.emit(LabEvent::WorkerExited {
                    worker: i,
                    pid,
                    exit,
                    at: self.at(),
                });
            }
        }
    }

    fn no_workers_left(&self) -> LabError {
        LabError::NoWorkersLeft {
            tasks_left: self.config.tasks - self.done,
            tasks: self.config.tasks,
            crashes: self.crashes.clone(),
        }
    }

    fn deadline_error(&self) -> LabError {
        LabError::Deadline {
            limit: self.config.deadline,
            done: self.done,
            tasks: self.config.tasks,
        }
    }
}

impl Drop for Master<'_> {
    /// The last line of defence (a panic mid-run): no worker outlives us.
    fn drop(&mut self) {
        self.kill_all(false);
    }
}

/// The numbers of the amdahl serial part: before, after.
fn serial_ranges(config: &LabConfig) -> [Range<u64>; 2] {
    let numbers = config
        .workload
        .serial_numbers(config.tasks, config.task_size);
    let start = task_range(config.task_size, config.tasks as u64).start;
    let middle = start + numbers / 2;
    [start..middle, middle..start + numbers]
}

/// The next chunk: up to `size` tasks from the front of the queue.
fn take_chunk(queue: &mut VecDeque<Range<usize>>, size: usize) -> Option<Range<usize>> {
    let front = queue.pop_front()?;
    if front.len() > size {
        let chunk = front.start..front.start + size;
        queue.push_front(chunk.end..front.end);
        Some(chunk)
    } else if front.is_empty() {
        take_chunk(queue, size)
    } else {
        Some(front)
    }
}

fn keep_tail(tail: &mut Vec<u8>, bytes: &[u8]) {
    tail.extend_from_slice(bytes);
    if tail.len() > STDERR_TAIL {
        tail.drain(..tail.len() - STDERR_TAIL);
    }
}

/// Reads what a dead worker left on stderr; bounded in time, since a
/// grandchild could in principle hold the pipe open.
fn drain_stderr(err: &mut File, tail: &mut Vec<u8>) {
    let until = Instant::now() + Duration::from_millis(200);
    let mut buf = [0u8; 4096];
    loop {
        let now = Instant::now();
        if now >= until {
            return;
        }
        let mut fds = [pollfd(err.as_raw_fd())];
        if poll(&mut fds, until - now).unwrap_or(0) == 0 {
            return;
        }
        match err.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => keep_tail(tail, &buf[..n]),
        }
    }
}

/// Waits for a child to exit until `until`, then kills it and waits a
/// little more. Never blocks without a limit.
fn reap(child: &mut Child, until: Instant) -> Exit {
    let mut pause = Duration::from_micros(50);
    let mut killed = false;
    let mut hard_until = until;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.into(),
            Ok(None) => {}
            Err(_) => return Exit::Signal(libc::SIGKILL),
        }
        let now = Instant::now();
        if now >= hard_until {
            if killed {
                // Unkillable for now (uninterruptible sleep): give up
                // waiting rather than hang; the kernel will finish it.
                return Exit::Signal(libc::SIGKILL);
            }
            let _ = child.kill();
            killed = true;
            hard_until = now + GRACE;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

/// Only our end of the pipe: the worker's end stays blocking.
fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on a descriptor we own, with integer arguments.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

fn pollfd(fd: RawFd) -> libc::pollfd {
    libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }
}

/// `poll(2)`, retried on EINTR; the timeout is rounded up to a whole ms so
/// that a short wait does not spin.
fn poll(fds: &mut [libc::pollfd], timeout: Duration) -> std::io::Result<usize> {
    let ms = timeout.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
    loop {
        // SAFETY: `fds` is a valid, exclusively borrowed slice of pollfd.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Each worker costs the master three pipe ends: raise the soft limit on
/// open files if it is too low (up to the hard limit), or say why not.
fn ensure_fd_limit(workers: usize) -> Result<(), LabError> {
    let needed = (workers as libc::rlim_t) * 3 + 64;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Ok(());
    }
    if limit.rlim_cur >= needed {
        return Ok(());
    }
    if limit.rlim_max < needed {
        return Err(LabError::Invalid(format!(
            "{workers} workers need about {needed} open files, but this system allows {} (see `ulimit -n`)",
            limit.rlim_max
        )));
    }
    let raised = libc::rlimit {
        rlim_cur: needed,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: setrlimit reads the struct we own.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
        return Err(LabError::Io(format!(
            "{workers} workers need about {needed} open files: {}",
            std::io::Error::last_os_error()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_from_the_front_and_requeued_tasks_go_first() {
        let mut queue: VecDeque<Range<usize>> = std::iter::once(0..10).collect();
        assert_eq!(take_chunk(&mut queue, 4), Some(0..4));
        assert_eq!(take_chunk(&mut queue, 4), Some(4..8));
        queue.push_front(2..4);
        assert_eq!(take_chunk(&mut queue, 4), Some(2..4));
        assert_eq!(take_chunk(&mut queue, 4), Some(8..10));
        assert_eq!(take_chunk(&mut queue, 4), None);
        let mut queue = VecDeque::from([3..3, 5..6]);
        assert_eq!(take_chunk(&mut queue, 1), Some(5..6));
    }

    #[test]
    fn configs_are_checked_with_clear_messages() {
        let ok = LabConfig::new(Workload::Cpu);
        assert_eq!(ok.validate(), Ok(()));
        let msg = |c: LabConfig| c.validate().unwrap_err().to_string();
        assert!(msg(ok.with_workers(0)).contains("0 workers"));
        assert!(msg(ok.with_workers(MAX_WORKERS + 1)).contains("1 to 1024"));
        assert!(
            msg(LabConfig {
                tasks: 0,
                ..ok.clone()
            })
            .contains("0 tasks")
        );
        assert!(
            msg(LabConfig {
                chunksize: 0,
                ..ok.clone()
            })
            .contains("chunk")
        );
        assert!(
            msg(LabConfig {
                task_size: 0,
                ..ok.clone()
            })
            .contains("task size 0")
        );
        let too_many = available_cores() + 1;
        assert!(
            msg(LabConfig {
                cpus: Some(too_many),
                ..ok.clone()
            })
            .contains("--cpus")
        );
        assert!(
            msg(LabConfig {
                cpus: Some(0),
                ..ok.clone()
            })
            .contains("--cpus 0")
        );
        let amdahl = LabConfig::new(Workload::Amdahl {
            serial_fraction: 1.0,
        });
        assert!(msg(amdahl).contains("serial fraction"));
    }

    #[test]
    fn exits_and_crashes_read_well() {
        assert_eq!(Exit::Signal(9).to_string(), "killed by signal 9 (SIGKILL)");
        assert_eq!(Exit::Code(3).to_string(), "exited with status 3");
        let crash = Crash {
            worker: 1,
            pid: 42,
            exit: Exit::Signal(libc::SIGSEGV),
            at: Duration::ZERO,
            requeued: 4..7,
            before_ready: false,
            stderr: "thread 'main' panicked\nboom\n\n".into(),
        };
        assert_eq!(
            crash.to_string(),
            "worker 2 (pid 42) killed by signal 11 (SIGSEGV); 3 tasks (4..7) re-queued: boom"
        );
        let err = LabError::NoWorkersLeft {
            tasks_left: 3,
            tasks: 8,
            crashes: vec![crash],
        };
        assert!(
            err.to_string()
                .starts_with("no worker left, with 3 of 8 tasks unfinished\n  worker 2 (pid 42)")
        );
    }

    #[test]
    fn serial_ranges_follow_the_tasks_and_split_in_two() {
        let config = LabConfig {
            tasks: 4,
            task_size: 10,
            ..LabConfig::new(Workload::Amdahl {
                serial_fraction: 0.5,
            })
        };
        let [before, after] = serial_ranges(&config);
        assert_eq!(before.start, task_range(10, 3).end);
        assert_eq!(before.end, after.start);
        assert_eq!(after.end - before.start, 40);
        let [none, none2] = serial_ranges(&LabConfig::new(Workload::Cpu));
        assert!(none.is_empty() && none2.is_empty());
    }

    #[test]
    fn a_missing_worker_binary_is_a_clear_error_not_a_hang() {
        let config = LabConfig {
            worker_exe: "/nonexistent/forklab".into(),
            tasks: 2,
            task_size: 10,
            ..LabConfig::new(Workload::Cpu)
        };
        let events = Mutex::new(Vec::new());
        let err = run(&config, |e| events.lock().unwrap().push(e)).unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot start the worker /nonexistent/forklab"),
            "{err}"
        );
        let events = events.into_inner().unwrap();
        assert!(matches!(events.first(), Some(LabEvent::RunStarted { .. })));
        assert!(matches!(
            events.last(),
            Some(LabEvent::RunFailed(LabError::Spawn { .. }))
        ));
    }

    #[test]
    fn a_program_that_is_not_a_worker_is_named_in_the_error() {
        for (exe, needle) in [
            ("/bin/false", "exited with status 1 before it was ready"),
            ("/bin/echo", "is /bin/echo a forklab binary?"),
        ] {
            let config = LabConfig {
                worker_exe: exe.into(),
                workers: 2,
                tasks: 2,
                task_size: 10,
                deadline: Duration::from_secs(20),
                ..LabConfig::new(Workload::Cpu)
            };
            let err = run(&config, |_| {}).unwrap_err();
            assert!(err.to_string().contains(needle), "{exe}: {err}");
        }
    }
}
