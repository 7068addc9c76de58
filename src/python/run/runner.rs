//! The run's own thread: starts the guard, reads its pipes until the end
//! and turns what it reads into [`PyEvent`]s.

use std::io::{PipeReader, PipeWriter, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{EndCause, Exited, MAX_OUTPUT_BYTES, Output, PyEvent, RunRequest, Started, Stream};
use crate::os::contain::Contained;
use crate::os::process::{self, Exit};
use crate::python::START_METHOD_VAR;
use crate::python::guard::Report;
use crate::sanitize::Decoder;

/// How long the guard has to end a run after being asked, before forklab
/// kills the guard and the script's group itself.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// How long output may still arrive after the guard has ended.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

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
            .args(limit_flags(request.limits))
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
        match request.start_method.filter(|_| request.force_start_method) {
            Some(method) => cmd.env(super::request::FORCE_START_METHOD_VAR, method.as_str()),
            None => cmd.env_remove(super::request::FORCE_START_METHOD_VAR),
        };
        match &request.hold {
            Some(socket) => cmd.env(super::request::HOLD_VAR, socket),
            None => cmd.env_remove(super::request::HOLD_VAR),
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

    /// Reads the guard's status and the script's output until both end
    /// (or stop coming), then reaps the guard and says how the run ended.
    fn watch(mut self, emit: &dyn Fn(PyEvent)) {
        let mut seen = Seen::new(emit, self.guard.id());
        let mut buf = vec![0u8; 64 * 1024];
        let mut poll_errors = 0;
        loop {
            let now = Instant::now();
            if !self.status.open && !self.outputs.iter().any(|c| c.open) {
                break;
            }
            if seen
                .status_closed_at
                .is_some_and(|t| now >= t + DRAIN_LIMIT)
            {
                break;
            }
            self.keep_time(&mut seen, now);
            let Some(ready) = self.poll(&seen, now) else {
                // Cannot wait for the pipes: stop the run, and give up on
                // it if waiting keeps failing.
                seen.ask_guard_to_stop();
                poll_errors += 1;
                if poll_errors > 50 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            if ready[0] {
                self.read_status(&mut seen, &mut buf);
            }
            for stream in [Stream::Stdout, Stream::Stderr] {
                if ready[1 + stream as usize] {
                    self.read_output(&mut seen, stream, &mut buf);
                }
            }
            if ready[3] {
                // A byte from stop(), or the end: the PyRun was dropped.
                let _ = self.wake.read(&mut buf);
                if seen.cause == EndCause::Finished {
                    seen.cause = EndCause::Stopped;
                    seen.ask_guard_to_stop();
                }
            }
        }
        self.finish(seen);
    }

    /// The time limit (the guard asked to stop), and the grace after
    /// which forklab kills the guard and the script's group itself.
    fn keep_time(&self, seen: &mut Seen, now: Instant) {
        if seen.cause == EndCause::Finished && now >= self.deadline() {
            seen.cause = EndCause::TimedOut;
            (seen.emit)(PyEvent::TimedOut {
                limit: self.request.timeout,
            });
            seen.ask_guard_to_stop();
        }
        if seen.kill_at.is_some_and(|t| now >= t) {
            seen.kill_at = None;
            let _ = process::signal_process(seen.guard_pid, process::SIGKILL);
            if let Some(started) = &seen.started {
                let _ = process::signal_group(started.pgid, process::SIGKILL);
            }
        }
    }

    fn deadline(&self) -> Instant {
        self.t0 + self.request.timeout
    }

    /// Waits for the open pipes (status, stdout, stderr, wake) until the
    /// next deadline; which are readable, or `None` if polling failed.
    fn poll(&self, seen: &Seen, now: Instant) -> Option<[bool; 4]> {
        let mut wakeups = vec![seen.status_closed_at.map(|t| t + DRAIN_LIMIT), seen.kill_at];
        if seen.cause == EndCause::Finished {
            wakeups.push(Some(self.deadline()));
        }
        let timeout = wakeups
            .into_iter()
            .flatten()
            .min()
            .map(|t| t.saturating_duration_since(now));
        let channels = [&self.status, &self.outputs[0], &self.outputs[1], &self.wake];
        let open: Vec<usize> = (0..channels.len()).filter(|&i| channels[i].open).collect();
        let fds: Vec<BorrowedFd<'_>> = open.iter().map(|&i| channels[i].reader.as_fd()).collect();
        let readable = process::poll_readable(&fds, timeout).ok()?;
        let mut ready = [false; 4];
        for (i, r) in open.into_iter().zip(readable) {
            ready[i] = r;
        }
        Some(ready)
    }

    /// The guard's status lines: the script started (its held output then
    /// sent), what contained it, how it ended.
    fn read_status(&mut self, seen: &mut Seen, buf: &mut [u8]) {
        match self.status.read(buf) {
            Some(n) => seen
                .status_text
                .push_str(&String::from_utf8_lossy(&buf[..n])),
            None => seen.status_closed_at = Some(Instant::now()),
        }
        while let Some(end) = seen.status_text.find('\n') {
            let line: String = seen.status_text.drain(..=end).collect();
            match Report::parse(&line) {
                Some(Report::Started(pid)) if seen.started.is_none() => {
                    let event = Started {
                        pid,
                        pgid: pid,
                        guard_pid: seen.guard_pid,
                        python: self.request.interpreter.path.clone(),
                        python_version: self.request.interpreter.version.clone(),
                        start_method: self.request.effective_start_method(),
                        start_method_chosen: self.request.start_method.is_some(),
                        workdir: self.request.workdir(),
                        command: self.request.command_line(),
                    };
                    (seen.emit)(PyEvent::Started(event.clone()));
                    seen.started = Some(event);
                    for output in seen.held.drain(..) {
                        (seen.emit)(PyEvent::Output(output));
                    }
                }
                Some(Report::Contained(held)) => seen.contained = Some(held),
                Some(other @ (Report::Ended(_) | Report::Error(_))) => seen.report = Some(other),
                _ => {}
            }
        }
    }

    /// What the script wrote on `stream`, decoded into pieces of lines.
    fn read_output(&mut self, seen: &mut Seen, stream: Stream, buf: &mut [u8]) {
        let i = stream as usize;
        let offset = self.t0.elapsed();
        let pieces = match self.outputs[i].read(buf) {
            Some(n) => seen.decoders[i].feed(&buf[..n]),
            None => seen.decoders[i].finish().into_iter().collect(),
        };
        for piece in pieces {
            seen.deliver(Output {
                stream,
                offset,
                text: piece.text,
                line_end: piece.line_end,
            });
        }
    }

    /// The end: lines left open ended, the guard reaped, and `Exited`, or
    /// `Failed` if the script never started.
    fn finish(mut self, mut seen: Seen) {
        // Close every stream that is still open (someone outside the family
        // kept a pipe end), and end the lines left open.
        for (i, stream) in [Stream::Stdout, Stream::Stderr].into_iter().enumerate() {
            if self.outputs[i].open
                && let Some(piece) = seen.decoders[i].finish()
            {
                seen.deliver(Output {
                    stream,
                    offset: self.t0.elapsed(),
                    text: piece.text,
                    line_end: piece.line_end,
                });
            }
        }
        drop(self.outputs);
        drop(self.status);
        let guard_status = process::reap(&mut self.guard, Instant::now() + STOP_GRACE);
        let elapsed = self.t0.elapsed();
        if seen.started.is_none() {
            (seen.emit)(PyEvent::Failed(never_started(
                &self.request,
                &seen,
                guard_status,
            )));
            return;
        };
        let status = match seen.report {
            Some(Report::Ended(exit)) => exit,
            _ => guard_status,
        };
        (seen.emit)(PyEvent::Exited(Exited {
            status,
            expected: seen.cause == EndCause::Finished
                && status == Exit::Code(self.request.expected_exit()),
            expect_exit: self.request.expected_exit(),
            elapsed,
            cause: seen.cause,
            contained: seen.contained,
        }));
    }
}

/// Why a script never started: the guard's error, or how it ended, with
/// what was printed.
fn never_started(request: &RunRequest, seen: &Seen, guard_status: Exit) -> String {
    let said: String = seen
        .held
        .iter()
        .map(|o| o.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let why = match &seen.report {
        Some(Report::Error(message)) => crate::sanitize::text(message).into_owned(),
        _ => format!("the guard ended ({guard_status}) before Python started"),
    };
    format!(
        "cannot run {}: {why}{}",
        request.command_line(),
        if said.trim().is_empty() || said.contains(&why) {
            String::new()
        } else {
            format!(" ({})", said.trim())
        }
    )
}

/// What the runner has read of a run so far, and where its stopping is.
struct Seen<'e> {
    emit: &'e dyn Fn(PyEvent),
    guard_pid: u32,
    decoders: [Decoder; 2],
    /// The status pipe's text not yet a whole line.
    status_text: String,
    started: Option<Started>,
    /// Output read before `Started`, sent right after it.
    held: Vec<Output>,
    /// How the guard said the script ended, or why it could not start.
    report: Option<Report>,
    contained: Option<Contained>,
    cause: EndCause,
    /// When forklab kills the guard itself, once it was asked to stop.
    kill_at: Option<Instant>,
    stop_asked: bool,
    status_closed_at: Option<Instant>,
    output_bytes: usize,
}

impl<'e> Seen<'e> {
    fn new(emit: &'e dyn Fn(PyEvent), guard_pid: u32) -> Self {
        Seen {
            emit,
            guard_pid,
            decoders: [Decoder::new(), Decoder::new()],
            status_text: String::new(),
            started: None,
            held: Vec::new(),
            report: None,
            contained: None,
            cause: EndCause::Finished,
            kill_at: None,
            stop_asked: false,
            status_closed_at: None,
            output_bytes: 0,
        }
    }

    /// One piece of output: sent (held until `Started`), or past
    /// [`MAX_OUTPUT_BYTES`] one `OutputLimit` and nothing more.
    fn deliver(&mut self, output: Output) {
        if self.output_bytes > MAX_OUTPUT_BYTES {
            return;
        }
        self.output_bytes += output.text.len();
        if self.output_bytes > MAX_OUTPUT_BYTES {
            (self.emit)(PyEvent::OutputLimit {
                limit: MAX_OUTPUT_BYTES,
            });
        } else if self.started.is_some() {
            (self.emit)(PyEvent::Output(output));
        } else {
            self.held.push(output);
        }
    }

    /// SIGTERM to the guard (once), and a deadline after which forklab
    /// kills the guard and the script's group itself.
    fn ask_guard_to_stop(&mut self) {
        if !self.stop_asked {
            self.stop_asked = true;
            // The guard is not reaped before the end of the run: its pid is ours.
            let _ = process::signal_process(self.guard_pid, process::SIGTERM);
            self.kill_at = Some(Instant::now() + STOP_GRACE);
        }
    }
}

/// The guard's flags for the family's limits.
fn limit_flags(limits: Option<crate::os::contain::Limits>) -> Vec<String> {
    limits.map_or_else(Vec::new, |l| {
        vec![
            "--max-processes".into(),
            l.processes.to_string(),
            "--max-memory".into(),
            l.memory.to_string(),
        ]
    })
}

/// `PYTHONPATH` with forklab's `site` folder first.
fn python_path(site: &Path) -> std::ffi::OsString {
    let mut paths = vec![site.to_path_buf()];
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(paths).unwrap_or_else(|_| site.as_os_str().to_owned())
}
