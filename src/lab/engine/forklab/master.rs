//! The master loop: spawn the workers, wait until all are ready, hand out
//! chunks as workers free up, verify every answer, re-queue a crashed
//! worker's tasks, and reap every worker on every way out.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::ops::Range;
use std::os::fd::AsFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::MASTER_PID_ENV;
use super::forkserver::ForkServer;
use super::protocol::{FromWorker, MAX_LINE, Work};
use super::slot::{Proc, Slot, Stream};
use crate::lab::verify::{Expected, serial_ranges};
use crate::lab::workload::count_primes;
use crate::lab::{CancelToken, Crash, LabConfig, LabError, LabEvent, RunResult, SerialPart};
use crate::os::process::{self, Exit};

/// How long a worker whose stdin was closed may take to exit before it is
/// killed.
const GRACE: Duration = Duration::from_secs(2);

pub(super) struct Master<'a> {
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
    server: Option<ForkServer>,
}

impl<'a> Master<'a> {
    /// Works out the expected answers (before any worker exists, so the
    /// check costs the measurement nothing).
    pub(super) fn new(
        config: &'a LabConfig,
        cancel: &'a CancelToken,
        sink: &'a dyn Fn(LabEvent),
        started: Instant,
    ) -> Result<Master<'a>, LabError> {
        let until = started + config.deadline;
        let expected = Expected::for_config(config, cancel, until)?;
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

    pub(super) fn run(&mut self) -> Result<RunResult, LabError> {
        ensure_fd_limit(self.config.workers)?;
        let asked = Instant::now();
        if self.config.start_method == Some(crate::python::StartMethod::Forkserver) {
            self.start_server()?;
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
                crate::python::StartMethod::Forkserver.as_str()
            } else {
                super::EXEC
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
        let exe = self.config.worker_exe.clone();
        let slot = if let Some(server) = &mut self.server {
            let forked = server.take_next().map_err(|e| LabError::Spawn {
                exe: exe.clone(),
                message: format!("the fork server: {e}"),
            })?;
            Slot::forked(forked)
        } else {
            let mut cmd = Command::new(&exe);
            cmd.arg("worker")
                .arg((worker + 1).to_string())
                .env(MASTER_PID_ENV, std::process::id().to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let child = cmd.spawn().map_err(|e| LabError::Spawn {
                exe: exe.clone(),
                message: e.to_string(),
            })?;
            Slot::new(child)
        };
        let pid = slot.pid;
        self.slots.push(slot);
        // Before it is handed any task: tasks go out only once all are ready.
        if let Some(cores) = self.config.cpus
            && let Err(e) = crate::os::set_affinity(pid, cores)
        {
            return Err(LabError::Spawn {
                exe,
                message: format!("cannot restrict it to {cores} cores: {e}"),
            });
        }
        if let Some(stdin) = &self.slots[worker].stdin
            && let Err(e) = process::set_nonblocking(stdin)
        {
            return Err(LabError::Io(format!(
                "cannot set up the pipe to a worker: {e}"
            )));
        }
        self.emit(LabEvent::WorkerSpawned {
            worker,
            pid,
            at: self.at(),
        });
        Ok(())
    }

    /// Starts the fork server and sends it every request at once, so it
    /// forks while the rest arrive (start method forkserver).
    fn start_server(&mut self) -> Result<(), LabError> {
        let exe = &self.config.worker_exe;
        let spawn_error = |e: std::io::Error| LabError::Spawn {
            exe: exe.clone(),
            message: format!("the fork server: {e}"),
        };
        let mut server = ForkServer::start(exe).map_err(spawn_error)?;
        for worker in 0..self.config.workers {
            server.request(worker + 1).map_err(spawn_error)?;
        }
        self.server = Some(server);
        Ok(())
    }

    /// Waits for a worker's end until `until`, killing it then.
    fn reap(&mut self, proc: Proc, until: Instant) -> Exit {
        match proc {
            Proc::Exec(mut child) => process::reap(&mut child, until),
            Proc::Forked(pid) => match &mut self.server {
                Some(server) => server.reap(pid, until),
                None => Exit::KILLED,
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
        if count != self.expected.serial(index) {
            return Err(LabError::Internal(format!(
                "the master's serial part counted {count} primes, the sieve {}",
                self.expected.serial(index)
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
        let mut owners = Vec::with_capacity(self.slots.len() * 2 + 1);
        let mut timeout = self.until - now;
        match self.cancel.wake_fd() {
            Some(_) => owners.push(None),
            None => timeout = timeout.min(Duration::from_millis(50)),
        }
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.stdout.is_some() {
                owners.push(Some((i, Stream::Out)));
            }
            if slot.stderr.is_some() {
                owners.push(Some((i, Stream::Err)));
            }
        }
        let ready = {
            let fds: Vec<_> = self
                .cancel
                .wake_fd()
                .into_iter()
                .chain(self.slots.iter().flat_map(|slot| {
                    let out = slot.stdout.as_ref().map(|o| o.as_fd());
                    let err = slot.stderr.as_ref().map(|e| e.as_fd());
                    out.into_iter().chain(err)
                }))
                .collect();
            process::poll_readable(&fds, Some(timeout))
                .map_err(|e| LabError::Io(format!("poll: {e}")))?
        };
        for (ready, owner) in ready.into_iter().zip(owners) {
            if !ready {
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
                if let Some(expected) = self.expected.wrong(task, value) {
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
        self.slots[i].read_stderr();
    }

    /// A worker's stdout ended: it exited (or is about to). Reap it, and
    /// unless the job is over, report a crash and re-queue its tasks.
    fn worker_gone(&mut self, i: usize) {
        let at = self.at();
        let closing = self.closing;
        let proc = self.slots[i].child.take();
        let exit = proc.map_or(Exit::Code(0), |proc| {
            self.reap(proc, Instant::now() + GRACE)
        });
        let slot = &mut self.slots[i];
        slot.stdout = None;
        slot.stdin = None;
        slot.drain_stderr();
        let pid = slot.pid;
        if closing {
            self.exited(i, exit, at);
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
        self.end_all(false, true);
    }

    /// Kills every live worker at once, then reaps them all.
    pub(super) fn kill_all(&mut self, report: bool) {
        self.end_all(true, report);
    }

    /// Closes every stdin (and kills, if asked), then reaps every worker
    /// within one grace period, reporting each end if asked.
    fn end_all(&mut self, kill: bool, report: bool) {
        for slot in &mut self.slots {
            slot.stdin = None;
            if kill && let Some(proc) = &mut slot.child {
                proc.kill();
            }
        }
        let until = Instant::now() + GRACE;
        for i in 0..self.slots.len() {
            let Some(proc) = self.slots[i].child.take() else {
                continue;
            };
            let exit = self.reap(proc, until);
            let slot = &mut self.slots[i];
            slot.stdout = None;
            slot.stderr = None;
            if report {
                self.exited(i, exit, self.at());
            }
        }
    }

    fn exited(&self, worker: usize, exit: Exit, at: Duration) {
        self.emit(LabEvent::WorkerExited {
            worker,
            pid: self.slots[worker].pid,
            exit,
            at,
        });
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

/// The next chunk: up to `size` tasks from the front of the queue.
pub(super) fn take_chunk(queue: &mut VecDeque<Range<usize>>, size: usize) -> Option<Range<usize>> {
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

/// Each worker costs the master three pipe ends: raise the soft limit on
/// open files if it is too low (up to the hard limit), or say why not.
fn ensure_fd_limit(workers: usize) -> Result<(), LabError> {
    let needed = workers as u64 * 3 + 64;
    process::ensure_open_files(needed).map_err(|e| match e {
        process::OpenFilesError::HardLimit(max) => LabError::Invalid(format!(
            "{workers} workers need about {needed} open files, but this system allows {max} (see `ulimit -n`)"
        )),
        process::OpenFilesError::Raise(e) => {
            LabError::Io(format!("{workers} workers need about {needed} open files: {e}"))
        }
    })
}
