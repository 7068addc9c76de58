//! `forklab guard -- PROGRAM ARGS...`: keeps a Python run's whole process
//! family on a leash.
//!
//! The parent-death signal alone is not enough: pool workers made by `fork`
//! are grandchildren of forklab and hold the output pipes, so they would
//! outlive a killed forklab and hang forever. The guard (forklab's binary
//! re-executed, with the parent-death signal set to SIGTERM) starts PROGRAM
//! in a process group of its own and becomes a child subreaper, so every
//! orphan of the run stays below it. Where there is no subreaper (the
//! portable backend), PROGRAM carries a [`Tag`] in its environment
//! instead, and the guard waits for and kills every process carrying it.
//! It kills the group and every descendant with SIGKILL when
//! - PROGRAM ends (after [`GRACE`], so helpers that exit on their own can),
//! - it receives SIGTERM, SIGHUP, SIGINT or SIGQUIT (forklab's stop, or
//!   forklab's death),
//! - given limits (`--max-processes`, `--max-memory`), the family goes
//!   past one: PROGRAM runs in a [`Cage`] (a cgroup the kernel holds to
//!   the limits, else rlimits and sampling), checked every few
//!   milliseconds,
//!
//! then reaps them all, removes the run's working directory and reports
//! PROGRAM's status on the status pipe (after a `contained` line saying
//! what held the family, which limit it passed and its peaks) and as its
//! own exit status.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::os::contain::{Breach, Cage, Contained, Limits, Tag};
use crate::os::process::{self, Exit};

/// How long the rest of the family may take to exit once PROGRAM has ended.
pub const GRACE: Duration = Duration::from_millis(500);

/// How long killed processes may take to disappear before the guard gives
/// up waiting (a process stuck in the kernel cannot be killed at once).
const KILL_LIMIT: Duration = Duration::from_secs(5);

/// The prefix of the temporary directories the guard may remove.
pub const WORKDIR_PREFIX: &str = "forklab-run-";

/// The guard's command line, as parsed by the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardOptions {
    /// A pipe inherited from forklab for [`Report`] lines.
    pub status_fd: Option<i32>,
    /// A `forklab-run-*` directory under the temporary folder to remove at the end.
    pub cleanup: Option<PathBuf>,
    /// PROGRAM and its arguments.
    pub program: Vec<OsString>,
    /// Hard limits on the family (`None`: none beyond the guard's own).
    pub limits: Option<Limits>,
}

/// One line the guard writes on its status pipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// PROGRAM runs with this pid (also its process group id).
    Started(u32),
    /// PROGRAM ended so (`exited N` or `signaled N` on the pipe).
    Ended(Exit),
    /// What held the family, written just before `Ended`.
    Contained(Contained),
    /// Something went wrong in the guard.
    Error(String),
}

impl Report {
    /// The line on the pipe, newline included.
    pub fn line(&self) -> String {
        match self {
            Report::Started(pid) => format!("started {pid}\n"),
            Report::Ended(Exit::Code(code)) => format!("exited {code}\n"),
            Report::Ended(Exit::Signal(signal)) => format!("signaled {signal}\n"),
            Report::Contained(contained) => format!("contained {}\n", contained.to_words()),
            Report::Error(message) => format!("error {}\n", message.replace('\n', " ")),
        }
    }

    /// Reads a line written by [`Report::line`]; `None` for anything else.
    pub fn parse(line: &str) -> Option<Report> {
        let (word, rest) = line.trim_end_matches('\n').split_once(' ')?;
        match word {
            "started" => rest.parse().ok().map(Report::Started),
            "exited" => rest.parse().ok().map(|c| Report::Ended(Exit::Code(c))),
            "signaled" => rest.parse().ok().map(|s| Report::Ended(Exit::Signal(s))),
            "error" => Some(Report::Error(rest.to_string())),
            "contained" => Contained::from_words(rest).map(Report::Contained),
            _ => None,
        }
    }
}

/// Runs the guard; returns PROGRAM's exit status (128 + N if a signal N
/// killed it, 127 if it could not be started).
pub fn run(options: GuardOptions) -> ExitCode {
    let mut status = StatusPipe::open(options.status_fd);
    let report = guard(&options.program, options.limits, &mut status);
    if let Some(dir) = &options.cleanup {
        remove_workdir(dir);
    }
    if let Report::Error(message) = &report {
        eprintln!("forklab guard: {message}");
    }
    status.send(&report);
    ExitCode::from(match report {
        Report::Ended(exit) => exit.shell_status(),
        Report::Started(_) | Report::Contained(_) | Report::Error(_) => 127,
    })
}

fn guard(program: &[OsString], limits: Option<Limits>, status: &mut StatusPipe) -> Report {
    let Some((name, args)) = program.split_first() else {
        return Report::Error("no program given: forklab guard -- PROGRAM [ARGS...]".into());
    };
    if let Err(e) = crate::os::become_subreaper() {
        return Report::Error(format!(
            "cannot become the reaper of the run's processes: {e}"
        ));
    }
    let signals = match Signals::register() {
        Ok(signals) => signals,
        Err(e) => return Report::Error(format!("cannot watch signals: {e}")),
    };
    let mut cage = limits.map(|limits| Cage::new(limits, std::process::id()));
    let mut tag = Tag::where_needed();
    let spawn = |cage: &Option<Cage>| {
        let mut cmd = Command::new(name);
        cmd.args(args).process_group(0);
        if let Some(tag) = &tag {
            tag.mark(&mut cmd);
        }
        crate::os::die_with_parent(&mut cmd, process::SIGKILL);
        if let Some(cage) = cage {
            cage.prepare(&mut cmd);
        }
        cmd.spawn()
    };
    let mut spawned = spawn(&cage);
    if let (Err(e), Some(held)) = (&spawned, &mut cage)
        && held.kind() != crate::os::contain::Kind::Rlimits
    {
        // The child could not join the cgroup (or could not start at all:
        // then it fails again, and says why).
        held.fall_back(format!("cannot join the cgroup: {e}"));
        spawned = spawn(&cage);
    }
    let child = match spawned {
        Ok(child) => child,
        Err(e) => {
            return Report::Error(format!("cannot start {}: {e}", Path::new(name).display()));
        }
    };
    let pid = child.id();
    // The child is reaped below with waitpid(-1), not through `child`.
    drop(child);
    status.send(&Report::Started(pid));
    if let Some(cage) = &cage {
        cage.favour_watcher(pid);
    }
    let (report, breach) = watch(pid, &signals, cage.as_mut(), tag.as_mut());
    if let Some(cage) = cage {
        status.send(&Report::Contained(cage.finish(breach)));
    }
    report
}

/// Waits for PROGRAM and the rest of its family; kills them when it is
/// time. Also says which limit of the cage, if any, the family passed.
fn watch(
    pid: u32,
    signals: &Signals,
    mut cage: Option<&mut Cage>,
    mut tag: Option<&mut Tag>,
) -> (Report, Option<Breach>) {
    let mut status: Option<Exit> = None;
    let mut breach: Option<Breach> = None;
    let mut grace_until: Option<Instant> = None;
    let mut killing_since: Option<Instant> = None;
    let mut last_kill = Instant::now();
    loop {
        // Without a subreaper, PROGRAM's orphans are found by their group
        // and, once it is empty, by their tag.
        let children_left =
            reap_all(pid, &mut status) || tag.as_deref_mut().is_some_and(|t| t.any_left(pid));
        let now = Instant::now();
        if status.is_some() && grace_until.is_none() {
            grace_until = Some(now + GRACE);
        }
        if !children_left {
            break;
        }
        if killing_since.is_none()
            && let Some(cage) = cage.as_deref_mut()
        {
            breach = cage.check();
        }
        let kill_now = killing_since.is_none()
            && (breach.is_some() || signals.termination() || grace_until.is_some_and(|t| now >= t));
        if kill_now {
            killing_since = Some(now);
            last_kill = now;
            kill_family(pid, cage.as_deref(), tag.as_deref_mut());
        } else if let Some(since) = killing_since {
            if now - since > KILL_LIMIT {
                break;
            }
            if now - last_kill >= Duration::from_millis(100) {
                // A process may have forked between the kills.
                last_kill = now;
                kill_family(pid, cage.as_deref(), tag.as_deref_mut());
            }
        }
        let timeout = match (killing_since, grace_until) {
            (Some(_), _) => Duration::from_millis(100),
            (None, Some(until)) => until.saturating_duration_since(now),
            (None, None) => Duration::from_secs(10),
        };
        let timeout = match (&cage, killing_since) {
            (Some(cage), None) => timeout.min(cage.check_every()),
            _ => timeout,
        };
        signals.wait(timeout);
    }
    // The family may have ended between two checks, killed by the kernel
    // at a limit (an OOM kill ends a one-process family at once): its
    // counters still say so, and that is the reason, not a bare SIGKILL.
    if breach.is_none()
        && killing_since.is_none()
        && let Some(cage) = cage
    {
        breach = cage.check();
    }
    let report = match status {
        Some(exit) => Report::Ended(exit),
        None => Report::Error(format!(
            "process {pid} did not end within {} s of SIGKILL",
            KILL_LIMIT.as_secs()
        )),
    };
    (report, breach)
}

/// Reaps every child that has ended (PROGRAM's status goes to `status`);
/// returns whether any child is left.
fn reap_all(program: u32, status: &mut Option<Exit>) -> bool {
    let (ended, left) = process::reap_ended();
    if let Some((_, exit)) = ended.into_iter().find(|(pid, _)| *pid == program) {
        *status = Some(exit);
    }
    left
}

/// SIGKILL to PROGRAM's group, to everything in the cage's cgroup, to
/// every process carrying the tag and its group, then to every descendant
/// of the guard that left them (a process may call `setsid` or `setpgid`).
fn kill_family(pgid: u32, cage: Option<&Cage>, tag: Option<&mut Tag>) {
    let _ = process::signal_group(pgid, process::SIGKILL);
    if let Some(cage) = cage {
        cage.kill_all();
    }
    if let Some(tag) = tag {
        tag.kill();
    }
    for pid in crate::os::descendants(std::process::id()) {
        let _ = process::signal_process(pid, process::SIGKILL);
    }
}

/// Removes the run's working directory, but only one that looks like it:
/// a `forklab-run-*` folder directly in the temporary directory.
fn remove_workdir(dir: &Path) {
    let (Ok(dir), Ok(tmp)) = (dir.canonicalize(), std::env::temp_dir().canonicalize()) else {
        return;
    };
    let named_right = dir
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(WORKDIR_PREFIX));
    if named_right && dir.parent() == Some(tmp.as_path()) {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The write end of forklab's status pipe (nothing if absent or invalid).
struct StatusPipe(Option<File>);

impl StatusPipe {
    fn open(fd: Option<i32>) -> StatusPipe {
        StatusPipe(fd.filter(|&fd| fd > 2).and_then(|fd| {
            // SAFETY: the borrow lasts one fcntl, harmless on any number: it
            // fails on a closed descriptor, and then the descriptor is not used.
            let valid = process::set_cloexec(unsafe { BorrowedFd::borrow_raw(fd) }, true).is_ok();
            // SAFETY: the descriptor is open and nothing else in this process
            // owns it: forklab passed it for the guard alone.
            valid.then(|| unsafe { File::from_raw_fd(fd) })
        }))
    }

    fn send(&mut self, report: &Report) {
        if let Some(file) = &mut self.0 {
            let _ = file.write_all(report.line().as_bytes());
        }
    }
}

/// The signals the guard reacts to, turned into a wake-up socket so that
/// waiting needs no polling.
struct Signals {
    wake: UnixStream,
    _wake_writer: UnixStream,
    termination: Arc<AtomicUsize>,
}

impl Signals {
    const TERMINATION: [i32; 4] = [
        process::SIGTERM,
        process::SIGHUP,
        process::SIGINT,
        process::SIGQUIT,
    ];

    fn register() -> std::io::Result<Signals> {
        let (wake, writer) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        let termination = Arc::new(AtomicUsize::new(0));
        for signal in Self::TERMINATION {
            signal_hook::flag::register_usize(signal, termination.clone(), signal as usize)?;
        }
        for signal in Self::TERMINATION.into_iter().chain([process::SIGCHLD]) {
            signal_hook::low_level::pipe::register_raw(signal, writer.as_raw_fd())?;
        }
        Ok(Signals {
            wake,
            _wake_writer: writer,
            termination,
        })
    }

    /// Whether a termination signal has arrived.
    fn termination(&self) -> bool {
        self.termination.load(Ordering::SeqCst) != 0
    }

    /// Sleeps until a signal arrives or `timeout` passes.
    fn wait(&self, timeout: Duration) {
        let _ = process::poll_readable(&[self.wake.as_fd()], Some(timeout));
        let mut drain = [0u8; 64];
        while matches!((&self.wake).read(&mut drain), Ok(n) if n > 0) {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_round_trip() {
        for report in [
            Report::Started(42),
            Report::Ended(Exit::Code(0)),
            Report::Ended(Exit::Code(-1)),
            Report::Ended(Exit::KILLED),
            Report::Error("cannot start x: no such file".into()),
            Report::Contained(Contained {
                kind: crate::os::contain::Kind::CgroupV2,
                limits: Limits {
                    processes: 32,
                    memory: 256 << 20,
                },
                breach: Some(Breach::Processes),
                peak_processes: 32,
                peak_memory: 1 << 20,
            }),
        ] {
            assert_eq!(Report::parse(&report.line()), Some(report));
        }
        assert_eq!(Report::parse("started x\n"), None);
        assert_eq!(Report::parse("hello\n"), None);
        assert_eq!(
            Report::Error("two\nlines".into()).line(),
            "error two lines\n"
        );
    }

    #[test]
    fn removes_only_its_own_kind_of_directory() {
        let own = tempfile::Builder::new()
            .prefix(WORKDIR_PREFIX)
            .tempdir()
            .unwrap();
        let other = tempfile::Builder::new()
            .prefix("someone-else-")
            .tempdir()
            .unwrap();
        let nested = own.path().join(format!("{WORKDIR_PREFIX}inner"));
        std::fs::create_dir(&nested).unwrap();
        remove_workdir(other.path());
        remove_workdir(&nested);
        assert!(other.path().exists() && nested.exists());
        remove_workdir(own.path());
        assert!(!own.path().exists());
    }
}
