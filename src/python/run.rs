//! One run of a Python script: a temporary working directory with copies of
//! the script and its data, the guard and the interpreter started without
//! a shell, and everything that happens reported as [`PyEvent`]s.
//!
//! Every run reports, in this order: `Started` (unless it fails first), any
//! number of `Output`s (and at most one `OutputLimit` and one `TimedOut`),
//! then exactly one `Exited` or `Failed`; or, when a module the example
//! requires is missing, only `Skipped`.

use std::io::{PipeReader, PipeWriter, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::guard::{Report, WORKDIR_PREFIX};
use super::interpreter::Interpreter;
use super::sanitize::Decoder;
use super::{START_METHOD_VAR, StartMethod};
use crate::lesson::{Example, LessonSet};
use crate::os::process::{self, Exit};

/// The time limit of an example that names none: generous, because a
/// learner may run a CPU-bound example with many workers on few cores.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Output kept per run; past it the rest is read and dropped, so a script
/// printing in a loop cannot eat all memory.
pub const MAX_OUTPUT_BYTES: usize = 64 << 20;

/// How long the guard has to end a run after being asked, before forklab
/// kills the guard and the script's group itself.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// How long output may still arrive after the guard has ended.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// Loaded by every Python process of the run (through `PYTHONPATH`): makes
/// stdout and stderr line-buffered, as in a terminal. `-u` alone makes
/// `print` write the text and the newline separately, so lines printed at
/// the same time by several workers would be cut into each other. Then it
/// hands over to the `sitecustomize` it hides, if any.
const SITECUSTOMIZE: &str = r#"import os, sys
for _stream in (sys.stdout, sys.stderr):
    try:
        _stream.reconfigure(line_buffering=True, write_through=False)
    except Exception:
        pass
try:
    import importlib.machinery, importlib.util
    _here = os.path.dirname(os.path.abspath(__file__))
    _rest = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    _spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
    if _spec is not None and _spec.loader is not None:
        _module = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_module)
except Exception:
    pass
"#;

/// What to run: built by [`RunRequest::for_example`] (or
/// [`RunRequest::for_script`]), then adjusted through its public fields.
#[derive(Debug)]
pub struct RunRequest {
    pub interpreter: Interpreter,
    /// The script's file name inside the working directory.
    pub script: String,
    /// Command-line arguments after the script's name.
    pub args: Vec<String>,
    /// `None`: the interpreter's default, and `FORKLAB_START_METHOD` unset.
    pub start_method: Option<StartMethod>,
    pub timeout: Duration,
    /// The exit status the lesson expects.
    pub expect_exit: i32,
    /// Where the lesson expects another status under one start method.
    pub expect_exit_by_method: Vec<(StartMethod, i32)>,
    /// Modules the script needs beyond the standard library; when one is
    /// missing the run reports [`PyEvent::Skipped`] instead of starting.
    pub requires: Vec<String>,
    /// forklab's own program, re-executed as the guard; `None` means this
    /// executable. (Tests that use the library give the forklab binary.)
    pub launcher: Option<PathBuf>,
    /// Holds `work/` (the script's working directory) and `site/` (the
    /// `sitecustomize` above); removed after the run.
    root: tempfile::TempDir,
}

impl RunRequest {
    /// Copies the example's script and data into a new working directory.
    pub fn for_example(
        set: &LessonSet,
        example: &Example,
        interpreter: Interpreter,
    ) -> Result<RunRequest, String> {
        let contents = set.read_file(&example.file).ok_or_else(|| {
            format!(
                "example {:?}: file {:?} not found",
                example.id, example.file
            )
        })?;
        let name = Path::new(&example.file)
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("example {:?}: {:?} names no file", example.id, example.file))?;
        let mut request = RunRequest::for_script(name, &contents, interpreter)?;
        for data in &example.data {
            set.copy_asset(data, &request.workdir())
                .map_err(|e| format!("example {:?}: data {data:?}: {e}", example.id))?;
        }
        request.args = example.args.clone();
        request.expect_exit = example.expect_exit;
        request.expect_exit_by_method = StartMethod::ALL
            .into_iter()
            .filter_map(|m| {
                let exit = example.by_method.get(m.as_str())?.expect_exit?;
                Some((m, exit))
            })
            .collect();
        request.requires = example.requires.clone();
        request.timeout = example.timeout.map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        Ok(request)
    }

    /// A working directory holding one script, `name`, with `contents`.
    pub fn for_script(
        name: &str,
        contents: &[u8],
        interpreter: Interpreter,
    ) -> Result<RunRequest, String> {
        let plain = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0']);
        if !plain {
            return Err(format!("{name:?} is not a plain file name"));
        }
        let root = tempfile::Builder::new()
            .prefix(WORKDIR_PREFIX)
            .tempdir()
            .map_err(|e| format!("cannot create a temporary working directory: {e}"))?;
        let (work, site) = (root.path().join("work"), root.path().join("site"));
        let prepared = std::fs::create_dir(&work)
            .and_then(|()| std::fs::create_dir(&site))
            .and_then(|()| std::fs::write(site.join("sitecustomize.py"), SITECUSTOMIZE));
        prepared.map_err(|e| format!("cannot prepare {}: {e}", root.path().display()))?;
        std::fs::write(work.join(name), contents)
            .map_err(|e| format!("cannot copy {name} to {}: {e}", work.display()))?;
        Ok(RunRequest {
            interpreter,
            script: name.to_string(),
            args: Vec::new(),
            start_method: None,
            timeout: DEFAULT_TIMEOUT,
            expect_exit: 0,
            expect_exit_by_method: Vec::new(),
            requires: Vec::new(),
            launcher: None,
            root,
        })
    }

    /// The temporary directory the script runs in (removed after the run).
    pub fn workdir(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// What runs, for display: `python3 -u script.py ARGS`.
    pub fn command_line(&self) -> String {
        let mut words = vec![
            self.interpreter.path.display().to_string(),
            "-u".into(),
            self.script.clone(),
        ];
        words.extend(self.args.iter().cloned());
        super::sanitize::sanitize(&words.join(" "))
    }

    /// The start method that will run.
    pub fn effective_start_method(&self) -> StartMethod {
        self.start_method
            .unwrap_or(self.interpreter.default_start_method)
    }

    /// The exit status the lesson expects under the method that will run.
    pub fn expected_exit(&self) -> i32 {
        let method = self.effective_start_method();
        self.expect_exit_by_method
            .iter()
            .find(|(m, _)| *m == method)
            .map_or(self.expect_exit, |(_, exit)| *exit)
    }
}

/// Which output stream a piece of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Stdout = 0,
    Stderr = 1,
}

/// Something that happened in a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PyEvent {
    Started(Started),
    Output(Output),
    /// [`MAX_OUTPUT_BYTES`] were reached; further output is dropped.
    OutputLimit {
        limit: usize,
    },
    /// The time limit passed; the run is being stopped (`Exited` follows).
    TimedOut {
        limit: Duration,
    },
    Exited(Exited),
    /// forklab could not run the script (not the script failing).
    Failed(String),
    /// Not run: the interpreter lacks modules the example requires. The
    /// only event of such a run.
    Skipped {
        missing: Vec<String>,
    },
}

impl PyEvent {
    /// What the learner reads for a skipped run: `skipped: needs dask`.
    /// (Module and package names differ, so it names no install command;
    /// the lesson does.)
    pub fn skipped_message(missing: &[String]) -> String {
        format!(
            "skipped: needs {}, which this Python cannot import",
            missing.join(", ")
        )
    }
}

/// The script is running.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Started {
    /// The script's own process (the Python master).
    pub pid: u32,
    /// Its process group (the same number: the master leads its group).
    pub pgid: u32,
    /// The guard: the root of the run's process family.
    pub guard_pid: u32,
    pub python: PathBuf,
    /// The interpreter's exact version, e.g. `3.11.7`.
    pub python_version: String,
    /// The start method that runs.
    pub start_method: StartMethod,
    /// False when none was chosen and `start_method` is the default.
    pub start_method_chosen: bool,
    pub workdir: PathBuf,
    /// What runs, for display.
    pub command: String,
}

/// A piece of output, safe to draw. `line_end` false means the line goes
/// on in a later `Output` of the same stream ([`super::Transcript`] joins them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Output {
    pub stream: Stream,
    /// Since the run started.
    pub offset: Duration,
    pub text: String,
    pub line_end: bool,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndCause {
    /// The script ended by itself.
    Finished,
    /// [`PyRun::stop`] (or dropping the [`PyRun`]).
    Stopped,
    /// The time limit passed.
    TimedOut,
}

/// The run is over; no process of it is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Exited {
    pub status: Exit,
    /// The script ended by itself with the status the lesson expects (an
    /// exception the lesson demonstrates is an expected outcome).
    pub expected: bool,
    pub expect_exit: i32,
    pub elapsed: Duration,
    pub cause: EndCause,
}

type Sink = Arc<Mutex<Box<dyn Fn(PyEvent) + Send>>>;

/// A running script. Dropping it stops the run (without waiting).
#[derive(Debug)]
pub struct PyRun {
    wake: Option<PipeWriter>,
    thread: Option<JoinHandle<()>>,
}

impl PyRun {
    /// Asks the run to stop: the guard kills the script's whole family.
    /// Returns at once; `Exited` with [`EndCause::Stopped`] follows.
    pub fn stop(&self) {
        if let Some(wake) = &self.wake {
            let _ = (&*wake).write(&[1]);
        }
    }

    /// Whether the run is over (its last event was sent).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Waits until the run is over.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.wake = None;
    }
}

impl Drop for PyRun {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop();
        }
    }
}

/// Starts a run in the background; `sink` receives its events, in order,
/// from the run's own thread.
pub fn start(request: RunRequest, sink: impl Fn(PyEvent) + Send + 'static) -> PyRun {
    let sink: Sink = Arc::new(Mutex::new(Box::new(sink)));
    let fail = |sink: &Sink, message: String| {
        if let Ok(sink) = sink.lock() {
            sink(PyEvent::Failed(message));
        }
        PyRun {
            wake: None,
            thread: None,
        }
    };
    let (wake_reader, wake_writer) = match std::io::pipe() {
        Ok(pair) => pair,
        Err(e) => return fail(&sink, format!("cannot create a pipe: {e}")),
    };
    if let Err(e) = process::set_nonblocking(&wake_writer) {
        return fail(&sink, format!("cannot set up a pipe: {e}"));
    }
    let thread_sink = sink.clone();
    let spawned = std::thread::Builder::new()
        .name("forklab-python".into())
        .spawn(move || {
            let emit = |event: PyEvent| {
                if let Ok(sink) = thread_sink.lock() {
                    sink(event);
                }
            };
            if !request.requires.is_empty() {
                match request.interpreter.missing_modules(&request.requires) {
                    Ok(missing) if !missing.is_empty() => {
                        return emit(PyEvent::Skipped { missing });
                    }
                    Ok(_) => {}
                    Err(message) => return emit(PyEvent::Failed(message)),
                }
            }
            match Runner::launch(request, wake_reader) {
                Ok(runner) => runner.watch(&emit),
                Err(message) => emit(PyEvent::Failed(message)),
            }
        });
    match spawned {
        Ok(thread) => PyRun {
            wake: Some(wake_writer),
            thread: Some(thread),
        },
        Err(e) => fail(&sink, format!("cannot start a thread: {e}")),
    }
}

/// A pipe the runner reads and polls.
trait Source: Read + AsFd + Send {}
impl<T: Read + AsFd + Send> Source for T {}

/// One input the runner watches.
struct Channel {
    reader: Box<dyn Source>,
    open: bool,
}

impl Channel {
    fn new(reader: impl Source + 'static) -> Channel {
        Channel {
            reader: Box::new(reader),
            open: true,
        }
    }

    /// Reads what is there; `None` at the end (or on an error).
    fn read(&mut self, buf: &mut [u8]) -> Option<usize> {
        loop {
            match self.reader.read(buf) {
                Ok(0) => break,
                Ok(n) => return Some(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Some(0),
                Err(_) => break,
            }
        }
        self.open = false;
        None
    }
}

/// The run's own thread: it started the guard, so the guard's parent-death
/// signal fires if forklab dies, and it reads everything until the end.
struct Runner {
    request: RunRequest,
    guard: Child,
    t0: Instant,
    status: Channel,
    outputs: [Channel; 2],
    wake: Channel,
}

impl Runner {
    fn launch(request: RunRequest, wake: PipeReader) -> Result<Runner, String> {
        if let Some(method) = request.start_method
            && !request.interpreter.supports(method)
        {
            let offered: Vec<&str> = request
                .interpreter
                .start_methods
                .iter()
                .map(|m| m.as_str())
                .collect();
            return Err(format!(
                "Python {} does not offer the start method {method} here (it offers {})",
                request.interpreter.version,
                offered.join(", ")
            ));
        }
        let launcher = match &request.launcher {
            Some(path) => path.clone(),
            None => std::env::current_exe().map_err(|e| {
                format!("cannot find forklab's own program to start the guard: {e}")
            })?,
        };
        let (status_reader, status_writer) =
            std::io::pipe().map_err(|e| format!("cannot create a pipe: {e}"))?;
        let status_fd = status_writer.as_raw_fd();
        let mut cmd = Command::new(&launcher);
        cmd.arg("guard")
            .arg("--status-fd")
            .arg(status_fd.to_string())
            .arg("--cleanup")
            .arg(request.root.path())
            .arg("--")
            .arg(&request.interpreter.path)
            .arg("-u")
            .arg(&request.script)
            .args(&request.args)
            .current_dir(request.workdir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONIOENCODING", "utf-8")
            .env("PYTHONPATH", python_path(&request.root.path().join("site")));
        match request.start_method {
            Some(method) => cmd.env(START_METHOD_VAR, method.as_str()),
            None => cmd.env_remove(START_METHOD_VAR),
        };
        // SAFETY: only fcntl, async-signal-safe, between fork and exec, on
        // a descriptor that stays open until the spawn returns.
        unsafe {
            cmd.pre_exec(move || {
                // The status pipe is the one descriptor the guard inherits.
                process::set_cloexec(BorrowedFd::borrow_raw(status_fd), false)
            });
        }
        crate::os::die_with_parent(&mut cmd, process::SIGTERM);
        let t0 = Instant::now();
        let mut guard = cmd
            .spawn()
            .map_err(|e| format!("cannot start {} guard: {e}", launcher.display()))?;
        drop(status_writer);
        let (Some(stdout), Some(stderr)) = (guard.stdout.take(), guard.stderr.take()) else {
            process::reap(&mut guard, Instant::now());
            return Err("the guard's output pipes are missing".into());
        };
        Ok(Runner {
            request,
            guard,
            t0,
            status: Channel::new(status_reader),
            outputs: [Channel::new(stdout), Channel::new(stderr)],
            wake: Channel::new(wake),
        })
    }

    fn watch(mut self, emit: &dyn Fn(PyEvent)) {
        let guard_pid = self.guard.id();
        let mut decoders = [Decoder::new(), Decoder::new()];
        let mut status_text = String::new();
        let mut started: Option<Started> = None;
        let mut held: Vec<Output> = Vec::new();
        let mut report: Option<Report> = None;
        let mut cause = EndCause::Finished;
        let deadline = self.t0 + self.request.timeout;
        let mut kill_at: Option<Instant> = None;
        let mut stop_asked = false;
        let mut poll_errors = 0;
        let mut status_closed_at: Option<Instant> = None;
        let mut output_bytes = 0usize;
        let mut buf = vec![0u8; 64 * 1024];

        let mut deliver = |output: Output, started: &Option<Started>, held: &mut Vec<Output>| {
            if output_bytes > MAX_OUTPUT_BYTES {
                return;
            }
            output_bytes += output.text.len();
            if output_bytes > MAX_OUTPUT_BYTES {
                emit(PyEvent::OutputLimit {
                    limit: MAX_OUTPUT_BYTES,
                });
            } else if started.is_some() {
                emit(PyEvent::Output(output));
            } else {
                held.push(output);
            }
        };

        loop {
            let now = Instant::now();
            if !self.status.open && !self.outputs.iter().any(|c| c.open) {
                break;
            }
            if status_closed_at.is_some_and(|t| now >= t + DRAIN_LIMIT) {
                break;
            }
            let mut ask_stop = false;
            if cause == EndCause::Finished && now >= deadline {
                cause = EndCause::TimedOut;
                emit(PyEvent::TimedOut {
                    limit: self.request.timeout,
                });
                ask_stop = true;
            }
            if ask_stop {
                ask_guard_to_stop(guard_pid, &mut stop_asked, &mut kill_at);
            }
            if kill_at.is_some_and(|t| now >= t) {
                kill_at = None;
                let _ = process::signal_process(guard_pid, process::SIGKILL);
                if let Some(started) = &started {
                    let _ = process::signal_group(started.pgid, process::SIGKILL);
                }
            }

            let mut wakeups = vec![status_closed_at.map(|t| t + DRAIN_LIMIT), kill_at];
            if cause == EndCause::Finished {
                wakeups.push(Some(deadline));
            }
            let timeout = wakeups
                .into_iter()
                .flatten()
                .min()
                .map(|t| t.saturating_duration_since(now));
            let mut ready = [false; 4];
            let polled = {
                let channels = [&self.status, &self.outputs[0], &self.outputs[1], &self.wake];
                let open: Vec<usize> = (0..channels.len()).filter(|&i| channels[i].open).collect();
                let fds: Vec<BorrowedFd<'_>> =
                    open.iter().map(|&i| channels[i].reader.as_fd()).collect();
                process::poll_readable(&fds, timeout).map(|r| {
                    for (i, r) in open.into_iter().zip(r) {
                        ready[i] = r;
                    }
                })
            };
            if polled.is_err() {
                // Cannot wait for the pipes: stop the run, and give up on
                // it if waiting keeps failing.
                ask_stop = true;
                poll_errors += 1;
                if poll_errors > 50 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let readable = |i: usize| ready[i];

            if readable(0) {
                match self.status.read(&mut buf) {
                    Some(n) => status_text.push_str(&String::from_utf8_lossy(&buf[..n])),
                    None => status_closed_at = Some(Instant::now()),
                }
                while let Some(end) = status_text.find('\n') {
                    let line: String = status_text.drain(..=end).collect();
                    match Report::parse(&line) {
                        Some(Report::Started(pid)) if started.is_none() => {
                            let event = Started {
                                pid,
                                pgid: pid,
                                guard_pid,
                                python: self.request.interpreter.path.clone(),
                                python_version: self.request.interpreter.version.clone(),
                                start_method: self.request.effective_start_method(),
                                start_method_chosen: self.request.start_method.is_some(),
                                workdir: self.request.workdir(),
                                command: self.request.command_line(),
                            };
                            emit(PyEvent::Started(event.clone()));
                            started = Some(event);
                            for output in held.drain(..) {
                                emit(PyEvent::Output(output));
                            }
                        }
                        Some(other @ (Report::Ended(_) | Report::Error(_))) => report = Some(other),
                        _ => {}
                    }
                }
            }
            for stream in [Stream::Stdout, Stream::Stderr] {
                let i = stream as usize;
                if !readable(1 + i) {
                    continue;
                }
                let offset = self.t0.elapsed();
                let pieces = match self.outputs[i].read(&mut buf) {
                    Some(n) => decoders[i].feed(&buf[..n]),
                    None => decoders[i].finish().into_iter().collect(),
                };
                for piece in pieces {
                    let output = Output {
                        stream,
                        offset,
                        text: piece.text,
                        line_end: piece.line_end,
                    };
                    deliver(output, &started, &mut held);
                }
            }
            if readable(3) {
                // A byte from stop(), or the end: the PyRun was dropped.
                let _ = self.wake.read(&mut buf);
                if cause == EndCause::Finished {
                    cause = EndCause::Stopped;
                    ask_stop = true;
                }
            }
            if ask_stop {
                ask_guard_to_stop(guard_pid, &mut stop_asked, &mut kill_at);
            }
        }

        // Close every stream that is still open (someone outside the family
        // kept a pipe end), and end the lines left open.
        for (i, stream) in [Stream::Stdout, Stream::Stderr].into_iter().enumerate() {
            if self.outputs[i].open
                && let Some(piece) = decoders[i].finish()
            {
                let output = Output {
                    stream,
                    offset: self.t0.elapsed(),
                    text: piece.text,
                    line_end: piece.line_end,
                };
                deliver(output, &started, &mut held);
            }
        }
        drop(self.outputs);
        drop(self.status);
        let guard_status = process::reap(&mut self.guard, Instant::now() + STOP_GRACE);
        let elapsed = self.t0.elapsed();

        if started.is_none() {
            let said: String = held
                .iter()
                .map(|o| o.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let why = match report {
                Some(Report::Error(message)) => super::sanitize::sanitize(&message),
                _ => format!("the guard ended ({guard_status}) before Python started"),
            };
            emit(PyEvent::Failed(format!(
                "cannot run {}: {why}{}",
                self.request.command_line(),
                if said.trim().is_empty() || said.contains(&why) {
                    String::new()
                } else {
                    format!(" ({})", said.trim())
                }
            )));
            return;
        };
        let status = match report {
            Some(Report::Ended(exit)) => exit,
            _ => guard_status,
        };
        emit(PyEvent::Exited(Exited {
            status,
            expected: cause == EndCause::Finished
                && status == Exit::Code(self.request.expected_exit()),
            expect_exit: self.request.expected_exit(),
            elapsed,
            cause,
        }));
    }
}

/// SIGTERM to the guard (once), and a deadline after which forklab kills
/// the guard and the script's group itself.
fn ask_guard_to_stop(guard_pid: u32, asked: &mut bool, kill_at: &mut Option<Instant>) {
    if !*asked {
        *asked = true;
        // The guard is not reaped before the end of the run: its pid is ours.
        let _ = process::signal_process(guard_pid, process::SIGTERM);
        *kill_at = Some(Instant::now() + STOP_GRACE);
    }
}

/// `PYTHONPATH` with forklab's `site` folder first.
fn python_path(site: &Path) -> std::ffi::OsString {
    let mut paths = vec![site.to_path_buf()];
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(paths).unwrap_or_else(|_| site.as_os_str().to_owned())
}
