//! One observed run of an exercise script: the Python runner does the
//! running (guard, time limit, sanitised output); this adds what the checks
//! need to see (the process family sampled while it runs, how many cores it
//! used at once, what outlived the script) and the limits a learner's
//! script must not pass (too many processes, too much output).

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::evidence::CpuLog;
use crate::lab::load::LoadWatch;
use crate::lesson::LessonSet;
use crate::monitor::live::FamilySampler;
use crate::monitor::{ProcessInfo, Sampler as _};
use crate::os::contain::{Breach, Contained, Limits};
use crate::os::process::Exit;
use crate::python::{
    EndCause, FamilyLog, Interpreter, PyEvent, PyRun, Role, RunRequest, StartMethod, Stream,
    Transcript,
};

/// How often the family is sampled: often enough to see short-lived
/// workers and which cores run at the same moment.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(25);

/// Output a learner's script may print before it is stopped.
pub const MAX_OUTPUT: usize = 1 << 20;

/// A process still alive this long after the script ended outlived it
/// (the guard stops the rest of the family half a second after the end).
pub const LEFTOVER_AFTER: Duration = Duration::from_millis(200);

pub use crate::config::process_cap;

/// What to run.
#[derive(Debug, Clone)]
pub struct Script {
    /// The file name the script gets in its working directory.
    pub name: String,
    pub contents: Vec<u8>,
    pub args: Vec<String>,
    /// Names under `assets/` copied next to the script.
    pub data: Vec<String>,
    pub start_method: Option<StartMethod>,
    pub timeout: Duration,
    /// The path to show instead of the temporary copy's in the output (a
    /// traceback then names the learner's own file).
    pub shown_as: Option<String>,
}

/// Everything the runs of one check need in common.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub set: &'a LessonSet,
    pub interpreter: &'a Interpreter,
    /// forklab's own program for the guard (`None`: this executable).
    pub launcher: Option<&'a PathBuf>,
    /// Set from outside to stop the current run and all that follow.
    pub cancel: &'a AtomicBool,
    /// Cores this process may use (the checks scale to it).
    pub cores: usize,
    /// The seed of the `hidden` check's inputs, to replay a verdict
    /// (`practice check --seed N`); `None`: a fresh one each time.
    pub seed: Option<u64>,
}

/// Why a run was stopped before it could be judged.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// forklab could not run it (no such interpreter, a bad file name...).
    Failed(String),
    TimedOut(Duration),
    /// More output than [`MAX_OUTPUT`].
    Flood(usize),
    /// More processes at once than the cap (the kernel refused a fork past
    /// it, or the samples saw more).
    ForkBomb {
        seen: usize,
        cap: usize,
    },
    /// More memory than the limit, in bytes (the kernel's OOM killer in
    /// the run's cgroup, or the samples saw more).
    MemoryHog {
        limit: u64,
    },
    /// The learner saved again, or left.
    Cancelled,
}

impl Fault {
    /// One line the learner can act on.
    pub fn reason(&self) -> String {
        match self {
            Fault::Failed(message) => message.clone(),
            Fault::TimedOut(limit) => format!(
                "still running after {} s, so forklab stopped it: does a worker wait forever (a queue never filled, a join before the results are read)?",
                limit.as_secs()
            ),
            Fault::Flood(bytes) => format!(
                "printed more than {} KiB, so forklab stopped it: print the results, not every step",
                bytes >> 10
            ),
            Fault::ForkBomb { seen, cap } => format!(
                "hit the limit of {cap} processes at once ({seen} seen), so forklab stopped them all: start a fixed number of workers, and only under `if __name__ == \"__main__\":`"
            ),
            Fault::MemoryHog { limit } => format!(
                "used more than {} of memory (the limit), so forklab stopped it: keep only what the result needs, or raise the limit (--max-memory)",
                crate::os::contain::size(*limit)
            ),
            Fault::Cancelled => {
                "stopped before the end (the file changed, or forklab is leaving)".into()
            }
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// How the script ended (`None` if it never started).
    pub status: Option<Exit>,
    pub fault: Option<Fault>,
    pub elapsed: Duration,
    pub transcript: Transcript,
    pub family: FamilyLog,
    /// The most distinct cores seen running the family's processes in one sample.
    pub cores_at_once: usize,
    /// The most processes the family held in one sample (the guard aside).
    pub most_processes: usize,
    /// Per process seen running (state R), the cores it was seen running on.
    pub busy: BTreeMap<u32, BTreeSet<usize>>,
    /// What held the family (a cgroup, or rlimits and sampling), the limit
    /// it passed and its peaks, from the guard (`None`: it never started).
    pub contained: Option<Contained>,
    /// Processes seen alive [`LEFTOVER_AFTER`] past the script's end:
    /// pid, role and command line.
    pub leftovers: Vec<(u32, Role, String)>,
    /// The CPU time of each process, read at each sample.
    pub cpu: CpuLog,
    /// The most distinct cores seen running workers in one sample.
    pub workers_at_once: usize,
    /// Whether the platform said which core any process last ran on
    /// (the portable backend does not): without it, `workers_at_once`
    /// is no evidence of workers not running at once.
    pub cores_known: bool,
    /// Other programs' share of the machine during the run (0 to 1),
    /// measured as the lab does; `None` where it cannot be read.
    pub load: Option<f64>,
    /// At the last sample the master was waiting for this child of its
    /// own to end (`join`, or Python joining a non-daemon process at exit).
    pub waiting_for: Option<u32>,
    /// When the master said its code had ended (Python's exit began,
    /// through the hold socket) and the family's CPU seconds then.
    pub code_ended: Option<(Duration, f64)>,
}

impl Observed {
    /// The lines printed on one stream.
    pub fn lines(&self, stream: Stream) -> impl Iterator<Item = &str> {
        self.transcript
            .lines()
            .iter()
            .filter(move |l| l.stream == stream)
            .map(|l| l.text.as_str())
    }

    /// The `result:` lines of standard output, trimmed.
    pub fn results(&self) -> Vec<String> {
        self.lines(Stream::Stdout)
            .filter(|l| l.trim_start().starts_with("result:"))
            .map(|l| l.trim().to_string())
            .collect()
    }

    /// The last line of standard error that says something: usually the
    /// exception of a traceback.
    pub fn last_error(&self) -> Option<&str> {
        self.lines(Stream::Stderr)
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('^') && !l.starts_with('~'))
            .last()
    }

    /// Worker processes seen.
    pub fn workers(&self) -> usize {
        super::evidence::workers(&self.family).count()
    }

    /// Workers seen running, and the cores they were seen running on. On a
    /// busy machine two workers may not get two cores at the same moment,
    /// but each still runs somewhere: this counts both.
    pub fn busy_workers(&self) -> (usize, BTreeSet<usize>) {
        let mut workers = 0;
        let mut cores = BTreeSet::new();
        for process in self.family.processes() {
            if process.role == Role::Worker
                && let Some(seen) = self.busy.get(&process.pid)
            {
                workers += 1;
                cores.extend(seen);
            }
        }
        (workers, cores)
    }

    /// The script ended by itself with status 0.
    pub fn ended_well(&self) -> bool {
        self.fault.is_none() && self.status == Some(Exit::Code(0))
    }
}

/// Runs `script` to its end; `on_event` sees every event as it comes (the
/// live panes). Never leaves a process behind: the guard stops the family.
pub fn observe(ctx: Context, script: &Script, on_event: &dyn Fn(&PyEvent)) -> Observed {
    let faulted = |fault| Observed {
        fault: Some(fault),
        ..Observed::default()
    };
    if ctx.cancel.load(Ordering::SeqCst) {
        return faulted(Fault::Cancelled);
    }
    let limits = crate::config::limits();
    let mut request = match request_for(ctx, script, limits) {
        Ok(request) => request,
        Err(fault) => return faulted(fault),
    };
    let (tx, rx) = mpsc::channel();
    let held = tx.clone();
    let hold = super::hold::HoldSocket::open(move |stream| held.send(Msg::Hold(stream)).is_ok());
    request.hold = hold.as_ref().map(|h| h.path().to_path_buf());
    let load = LoadWatch::start();
    let run = crate::python::start(request, move |event| {
        let _ = tx.send(Msg::Py(event));
    });
    let mut watch = Watch::new(script, &run, limits.processes as usize);
    watch.watch(ctx.cancel, &rx, on_event);
    let Watch {
        mut observed,
        holds,
        leftovers,
        ..
    } = watch;
    drop((hold, holds));
    run.wait();
    observed.load = load.and_then(|watch| watch.outside_share());
    observed.leftovers = observed
        .family
        .processes()
        .iter()
        .filter(|p| leftovers.contains(&p.pid))
        .map(|p| (p.pid, p.role, p.cmdline.clone()))
        .collect();
    observed
}

/// The runner's request for `script`: its copy and data in a temporary
/// folder, its arguments, start method, time limit and `limits`.
fn request_for(ctx: Context, script: &Script, limits: Limits) -> Result<RunRequest, Fault> {
    let mut request =
        RunRequest::for_script(&script.name, &script.contents, ctx.interpreter.clone())
            .map_err(Fault::Failed)?;
    for name in &script.data {
        ctx.set
            .copy_asset(name, &request.workdir())
            .map_err(|e| Fault::Failed(format!("data {name:?}: {e}")))?;
    }
    request.args = script.args.clone();
    request.start_method = script.start_method;
    request.force_start_method = script.start_method.is_some();
    request.timeout = script.timeout;
    request.launcher = ctx.launcher.cloned();
    request.limits = Some(limits);
    Ok(request)
}

/// The observing loop and what it has seen of the run so far.
struct Watch<'a> {
    script: &'a Script,
    run: &'a PyRun,
    /// The most processes the family may hold at once.
    cap: usize,
    observed: Observed,
    t0: Instant,
    /// The guard's and the master's pids, once the run started.
    master: Option<(u32, u32)>,
    master_ended: Option<Duration>,
    leftovers: BTreeSet<u32>,
    output_bytes: usize,
    next_sample: Instant,
    stopping: bool,
    /// The temporary copy's path, shown as `script.shown_as` in the output.
    copy_path: Option<String>,
    /// New processes waiting on the hold socket for the next sample.
    holds: Vec<UnixStream>,
    holds_taken: usize,
}

impl<'a> Watch<'a> {
    fn new(script: &'a Script, run: &'a PyRun, cap: usize) -> Self {
        Watch {
            script,
            run,
            cap,
            observed: Observed::default(),
            t0: Instant::now(),
            master: None,
            master_ended: None,
            leftovers: BTreeSet::new(),
            output_bytes: 0,
            next_sample: Instant::now(),
            stopping: false,
            copy_path: None,
            holds: Vec::new(),
            holds_taken: 0,
        }
    }

    /// Stops the run once, for the first `fault` seen.
    fn stop(&mut self, fault: Fault) {
        if !self.stopping {
            self.stopping = true;
            self.observed.fault.get_or_insert(fault);
            self.run.stop();
        }
    }

    /// Samples the family and hears the runner until the run ends.
    fn watch(
        &mut self,
        cancel: &AtomicBool,
        rx: &mpsc::Receiver<Msg>,
        on_event: &dyn Fn(&PyEvent),
    ) {
        loop {
            if cancel.load(Ordering::SeqCst) {
                self.stop(Fault::Cancelled);
            }
            if let Some((guard, pid)) = self.master
                && Instant::now() >= self.next_sample
            {
                self.sample(guard, pid);
            }
            let wait = match self.master {
                Some(_) => self.next_sample.saturating_duration_since(Instant::now()),
                None => Duration::from_millis(100),
            };
            let event = match rx.recv_timeout(wait) {
                Ok(Msg::Py(event)) => self.shown(event),
                Ok(Msg::Hold(stream)) => {
                    self.hold(stream);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    self.observed
                        .fault
                        .get_or_insert(Fault::Failed("the run ended without a result".into()));
                    return;
                }
            };
            on_event(&event);
            if self.ended(event) {
                return;
            }
        }
    }

    /// One sample of the family: processes, cores, CPU time, leftovers,
    /// the process cap; the held processes are let go once seen.
    fn sample(&mut self, guard: u32, pid: u32) {
        self.next_sample = Instant::now() + SAMPLE_EVERY;
        let at = self.t0.elapsed();
        let family = FamilySampler::new(guard).sample().processes;
        let observed = &mut self.observed;
        observed.family.record(at, &family);
        let alive: Vec<_> = family
            .iter()
            .filter(|p| p.pid != guard && p.state != 'Z')
            .collect();
        account(observed, at, pid, &alive);
        observed.most_processes = observed.most_processes.max(alive.len());
        let mut running = BTreeSet::new();
        for p in alive.iter().filter(|p| p.state == 'R') {
            if let Some(core) = p.core {
                running.insert(core);
                observed.busy.entry(p.pid).or_default().insert(core);
            }
        }
        observed.cores_at_once = observed.cores_at_once.max(running.len());
        self.holds.drain(..).for_each(super::hold::release);
        if self.master_ended.is_none() && !alive.iter().any(|p| p.pid == pid) {
            self.master_ended = Some(at);
        }
        if self
            .master_ended
            .is_some_and(|end| at >= end + LEFTOVER_AFTER)
        {
            self.leftovers.extend(alive.iter().map(|p| p.pid));
        }
        if alive.len() > self.cap {
            let (seen, cap) = (alive.len(), self.cap);
            self.stop(Fault::ForkBomb { seen, cap });
        }
    }

    /// A new process waits to be seen: sample now (past the cap of holds,
    /// it goes at once). The master's own knock dates the end of its code.
    fn hold(&mut self, stream: UnixStream) {
        if super::hold::from_master(&stream, self.master.map(|(_, pid)| pid)) {
            let cpu = self.observed.cpu.total();
            let at = self.t0.elapsed();
            self.observed.code_ended.get_or_insert((at, cpu));
            return;
        }
        self.holds_taken += 1;
        if self.holds_taken > super::hold::MAX_HOLDS {
            super::hold::release(stream);
        } else {
            self.holds.push(stream);
            self.next_sample = Instant::now();
        }
    }

    /// The event with the temporary copy's path shown as the learner's.
    fn shown(&self, event: PyEvent) -> PyEvent {
        match (event, &self.copy_path, &self.script.shown_as) {
            (PyEvent::Output(mut output), Some(copy), Some(shown)) => {
                output.text = output.text.replace(copy.as_str(), shown);
                PyEvent::Output(output)
            }
            (event, _, _) => event,
        }
    }

    /// Takes in one of the runner's events; true once the run has ended.
    fn ended(&mut self, event: PyEvent) -> bool {
        match event {
            PyEvent::Started(started) => {
                self.copy_path = Some(
                    started
                        .workdir
                        .join(&self.script.name)
                        .to_string_lossy()
                        .into_owned(),
                );
                self.master = Some((started.guard_pid, started.pid));
                self.observed.family = FamilyLog::new(started.guard_pid, started.pid);
                self.next_sample = Instant::now();
            }
            PyEvent::Output(output) => {
                self.output_bytes += output.text.len() + usize::from(output.line_end);
                if self.output_bytes > MAX_OUTPUT {
                    self.stop(Fault::Flood(MAX_OUTPUT));
                } else {
                    self.observed.transcript.push(&output);
                }
            }
            PyEvent::OutputLimit { limit } => self.stop(Fault::Flood(limit)),
            PyEvent::TimedOut { limit } => {
                self.observed.fault.get_or_insert(Fault::TimedOut(limit));
            }
            PyEvent::Exited(exited) => {
                let observed = &mut self.observed;
                observed.status = Some(exited.status);
                observed.elapsed = exited.elapsed;
                observed.contained = exited.contained;
                if let Some(fault) = exited.contained.and_then(|c| breach_fault(&c, observed))
                    && observed.fault != Some(Fault::Cancelled)
                {
                    // The limit is why it ended, whatever else was seen.
                    observed.fault = Some(fault);
                }
                if exited.cause == EndCause::TimedOut {
                    observed
                        .fault
                        .get_or_insert(Fault::TimedOut(self.script.timeout));
                }
                return true;
            }
            PyEvent::Failed(message) => {
                self.observed.fault.get_or_insert(Fault::Failed(message));
                return true;
            }
            PyEvent::Skipped { missing } => {
                self.observed
                    .fault
                    .get_or_insert(Fault::Failed(PyEvent::skipped_message(&missing)));
                return true;
            }
        }
        false
    }
}

/// What the observing loop hears: the runner's events, and processes
/// waiting on the hold socket to be seen.
enum Msg {
    Py(PyEvent),
    Hold(UnixStream),
}

/// The evidence a sample adds beyond the family's log: each process's CPU
/// time, and whether the master waits for a child that is still there.
fn account(observed: &mut Observed, at: Duration, master: u32, alive: &[&ProcessInfo]) {
    let pids: Vec<u32> = alive.iter().map(|p| p.pid).collect();
    observed.cpu.record(at, &observed.family, &pids);
    let waiting =
        alive.iter().any(|p| p.pid == master) && crate::os::waits_for_child(master) == Some(true);
    let role = |pid: u32| {
        observed
            .family
            .processes()
            .iter()
            .find(|p| p.pid == pid)
            .map(|p| p.role)
    };
    let worker = |pid: u32| matches!(role(pid), Some(Role::Worker | Role::Manager));
    let running: BTreeSet<usize> = alive
        .iter()
        .filter(|p| p.state == 'R' && role(p.pid) == Some(Role::Worker))
        .filter_map(|p| p.core)
        .collect();
    // Kept from the last sample that saw the master alive (the one before
    // a time limit stops it).
    if alive.iter().any(|p| p.pid == master && p.state != 'Z') {
        observed.waiting_for = alive
            .iter()
            .find(|p| waiting && p.ppid == master && worker(p.pid))
            .map(|p| p.pid);
    }
    observed.workers_at_once = observed.workers_at_once.max(running.len());
    observed.cores_known |= alive.iter().any(|p| p.core.is_some());
}

/// The fault for a limit the guard saw the family pass.
fn breach_fault(contained: &Contained, observed: &Observed) -> Option<Fault> {
    match contained.breach? {
        Breach::Processes => Some(Fault::ForkBomb {
            seen: (contained.peak_processes as usize).max(observed.most_processes),
            cap: contained.limits.processes as usize,
        }),
        Breach::Memory => Some(Fault::MemoryHog {
            limit: contained.limits.memory,
        }),
    }
}
