//! The processes forklab starts, handled once: how a process ended
//! ([`Exit`], the only exit-status type), the names of signals (the only
//! table), reaping with a deadline (the only such loop), and the calls it
//! needs (`poll`, `fcntl`, `setrlimit`, `kill`, `waitpid`) through rustix
//! rather than raw libc.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::process::{Pid, Resource, Rlimit, WaitOptions, WaitStatus};

pub use rustix::process::Signal;

/// Signal numbers forklab sends or expects, as the `i32`s that exit
/// statuses carry.
pub const SIGHUP: i32 = Signal::HUP.as_raw();
pub const SIGINT: i32 = Signal::INT.as_raw();
pub const SIGQUIT: i32 = Signal::QUIT.as_raw();
pub const SIGKILL: i32 = Signal::KILL.as_raw();
pub const SIGSEGV: i32 = Signal::SEGV.as_raw();
pub const SIGTERM: i32 = Signal::TERM.as_raw();
pub const SIGCHLD: i32 = Signal::CHILD.as_raw();

/// How long a killed child may take to be reaped before forklab stops
/// waiting for it (it may be in uninterruptible sleep; the kernel finishes
/// it later).
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// How a process ended: the one exit-status type of forklab (lab workers,
/// busy copies, Python scripts, the process pane).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exit {
    /// Exited by itself with this status.
    Code(i32),
    /// Ended by this signal (9 when killed).
    Signal(i32),
}

impl Exit {
    /// What a process that had to be killed shows.
    pub const KILLED: Exit = Exit::Signal(SIGKILL);

    /// From a raw `waitpid` status; `None` if it did not end (stopped,
    /// continued).
    pub fn from_wait_status(status: WaitStatus) -> Option<Exit> {
        if let Some(code) = status.exit_status() {
            Some(Exit::Code(code))
        } else {
            status.terminating_signal().map(Exit::Signal)
        }
    }

    /// The status a shell would show: the code, or 128 + the signal.
    pub fn shell_status(self) -> u8 {
        match self {
            Exit::Code(code) => code.clamp(0, 255) as u8,
            Exit::Signal(signal) => (128 + signal).clamp(0, 255) as u8,
        }
    }

    /// As a sentence about the process: "exited with status 3",
    /// "killed by signal 9 (SIGKILL)".
    pub fn phrase(self) -> String {
        match self {
            Exit::Code(code) => format!("exited with status {code}"),
            Exit::Signal(_) => self.to_string(),
        }
    }

    /// Short, for a narrow column: "exit 0", "exit130", "sig 9".
    pub fn short(self) -> String {
        match self {
            Exit::Code(c) if (0..10).contains(&c) => format!("exit {c}"),
            Exit::Code(c) => format!("exit{c}"),
            Exit::Signal(s) => format!("sig {s}"),
        }
    }
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

/// "exit status 1", "killed by signal 9 (SIGKILL)", as a shell says it.
impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Exit::Code(code) => write!(f, "exit status {code}"),
            Exit::Signal(signal) => {
                write!(f, "killed by signal {signal}")?;
                match signal_name(signal) {
                    Some(name) => write!(f, " ({name})"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The usual name of a signal number, for messages.
pub fn signal_name(signal: i32) -> Option<&'static str> {
    let signal = Signal::from_named_raw(signal)?;
    Some(match signal {
        Signal::HUP => "SIGHUP",
        Signal::INT => "SIGINT",
        Signal::QUIT => "SIGQUIT",
        Signal::ILL => "SIGILL",
        Signal::TRAP => "SIGTRAP",
        Signal::ABORT => "SIGABRT",
        Signal::BUS => "SIGBUS",
        Signal::FPE => "SIGFPE",
        Signal::KILL => "SIGKILL",
        Signal::USR1 => "SIGUSR1",
        Signal::SEGV => "SIGSEGV",
        Signal::USR2 => "SIGUSR2",
        Signal::PIPE => "SIGPIPE",
        Signal::ALARM => "SIGALRM",
        Signal::TERM => "SIGTERM",
        Signal::CHILD => "SIGCHLD",
        Signal::XCPU => "SIGXCPU",
        Signal::XFSZ => "SIGXFSZ",
        _ => return None,
    })
}

/// Waits for `child` to end until `until`: `Ok(None)` if it still runs
/// then (it is left running). The one waiting loop of forklab: short naps
/// that grow to 5 ms, so a quick child is seen at once and a slow one
/// costs nothing.
pub fn wait_until(child: &mut Child, until: Instant) -> io::Result<Option<Exit>> {
    let mut exit = None;
    wait_for(until, || {
        exit = child.try_wait().map(|s| s.map(Exit::from)).transpose();
        exit.is_some()
    });
    exit.transpose()
}

/// Waits until `done()` is true or `until` passes, with the naps of
/// [`wait_until`]; returns whether it became true.
pub fn wait_for(until: Instant, mut done: impl FnMut() -> bool) -> bool {
    let mut pause = Duration::from_micros(50);
    loop {
        if done() {
            return true;
        }
        let now = Instant::now();
        if now >= until {
            return false;
        }
        std::thread::sleep(pause.min(until - now));
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

/// Waits for `child` until `until`, then kills it and waits up to
/// [`KILL_GRACE`] more. Never blocks without a limit: a child that cannot
/// be reaped even then (uninterruptible sleep; the kernel finishes it
/// later) counts as killed.
pub fn reap(child: &mut Child, until: Instant) -> Exit {
    match wait_until(child, until) {
        Ok(Some(exit)) => return exit,
        Ok(None) => {}
        Err(_) => return Exit::KILLED,
    }
    let _ = child.kill();
    match wait_until(child, Instant::now() + KILL_GRACE) {
        Ok(Some(exit)) => exit,
        _ => Exit::KILLED,
    }
}

/// Reaps every child that has ended (forklab's own, or the orphans a
/// subreaper inherited) without blocking: `(pid, how)` for each, and
/// whether any child is left.
pub fn reap_ended() -> (Vec<(u32, Exit)>, bool) {
    let mut ended = Vec::new();
    loop {
        match rustix::process::wait(WaitOptions::NOHANG) {
            Ok(Some((pid, status))) => {
                if let Some(exit) = Exit::from_wait_status(status) {
                    ended.push((pid.as_raw_nonzero().get() as u32, exit));
                }
            }
            Ok(None) => return (ended, true),
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return (ended, false),
        }
    }
}

fn pid(pid: u32) -> io::Result<Pid> {
    Pid::from_raw(pid as i32).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))
}

fn signal(signal: i32) -> io::Result<Signal> {
    Signal::from_named_raw(signal).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))
}

/// Sends a signal to one process.
pub fn signal_process(target: u32, sig: i32) -> io::Result<()> {
    Ok(rustix::process::kill_process(pid(target)?, signal(sig)?)?)
}

/// Sends a signal to every process of a process group.
pub fn signal_group(pgid: u32, sig: i32) -> io::Result<()> {
    Ok(rustix::process::kill_process_group(
        pid(pgid)?,
        signal(sig)?,
    )?)
}

/// Whether process group `pgid` has a member left (a zombie counts until
/// its parent reaps it).
pub fn group_alive(pgid: u32) -> bool {
    pid(pgid).is_ok_and(|group| {
        !matches!(
            rustix::process::test_kill_process_group(group),
            Err(rustix::io::Errno::SRCH)
        )
    })
}

/// Makes reads and writes on our end of a pipe return at once (the other
/// end, in the child, stays blocking).
pub fn set_nonblocking(fd: impl AsFd) -> io::Result<()> {
    let flags = rustix::fs::fcntl_getfl(&fd)?;
    Ok(rustix::fs::fcntl_setfl(
        &fd,
        flags | rustix::fs::OFlags::NONBLOCK,
    )?)
}

/// Whether `fd` is closed when this process runs another program.
pub fn set_cloexec(fd: impl AsFd, close: bool) -> io::Result<()> {
    let flags = if close {
        rustix::io::FdFlags::CLOEXEC
    } else {
        rustix::io::FdFlags::empty()
    };
    Ok(rustix::io::fcntl_setfd(fd, flags)?)
}

/// `poll(2)` for reading on `fds`, retried on EINTR: which of them are
/// readable (or closed) within `timeout` (`None`: no limit).
pub fn poll_readable(fds: &[BorrowedFd<'_>], timeout: Option<Duration>) -> io::Result<Vec<bool>> {
    let mut polled: Vec<PollFd<'_>> = fds
        .iter()
        .map(|fd| PollFd::new(fd, PollFlags::IN))
        .collect();
    let until = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        let spec = until.map(|until| {
            let left = until.saturating_duration_since(Instant::now());
            Timespec {
                tv_sec: left.as_secs().min(i64::MAX as u64) as i64,
                tv_nsec: left.subsec_nanos().into(),
            }
        });
        match rustix::event::poll(&mut polled, spec.as_ref()) {
            Ok(_) => return Ok(polled.iter().map(|p| !p.revents().is_empty()).collect()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// The limit on open files, raised to at least `needed` if the hard
/// limit allows. `Err` says what the hard limit is, or why raising failed.
pub fn ensure_open_files(needed: u64) -> Result<(), OpenFilesError> {
    let limit = rustix::process::getrlimit(Resource::Nofile);
    if limit.current.is_none_or(|current| current >= needed) {
        return Ok(());
    }
    if let Some(maximum) = limit.maximum
        && maximum < needed
    {
        return Err(OpenFilesError::HardLimit(maximum));
    }
    rustix::process::setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(needed),
            maximum: limit.maximum,
        },
    )
    .map_err(|e| OpenFilesError::Raise(e.into()))
}

/// Why [`ensure_open_files`] could not give enough open files.
#[derive(Debug)]
pub enum OpenFilesError {
    /// The hard limit is this, lower than needed.
    HardLimit(u64),
    Raise(io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exits_read_like_a_shell() {
        assert_eq!(Exit::Code(1).to_string(), "exit status 1");
        assert_eq!(Exit::Code(3).phrase(), "exited with status 3");
        assert_eq!(Exit::KILLED.to_string(), "killed by signal 9 (SIGKILL)");
        assert_eq!(Exit::KILLED.phrase(), "killed by signal 9 (SIGKILL)");
        assert_eq!(Exit::Signal(64).to_string(), "killed by signal 64");
        assert_eq!(Exit::KILLED.shell_status(), 137);
        assert_eq!(Exit::Code(3).shell_status(), 3);
        assert_eq!(Exit::Code(130).short(), "exit130");
        assert_eq!(Exit::Signal(15).short(), "sig 15");
        assert_eq!(signal_name(SIGSEGV), Some("SIGSEGV"));
        assert_eq!(signal_name(0), None);
    }

    #[test]
    fn a_child_that_overstays_is_killed_and_reaped() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        assert_eq!(reap(&mut child, Instant::now()), Exit::KILLED);
        assert!(child.try_wait().is_err() || child.try_wait().unwrap().is_some());
        let mut quick = std::process::Command::new("sh")
            .args(["-c", "exit 4"])
            .spawn()
            .unwrap();
        assert_eq!(
            reap(&mut quick, Instant::now() + Duration::from_secs(20)),
            Exit::Code(4)
        );
    }

    #[test]
    fn a_group_is_alive_until_its_last_member_is_reaped() {
        use std::os::unix::process::CommandExt;
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .unwrap();
        // posix_spawn returns once the child leads its group (CLONE_VFORK);
        // qemu-user forks instead and returns at once: wait for it.
        let leader = pid(child.id()).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while rustix::process::getpgid(Some(leader)) != Ok(leader)
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        let alive = group_alive(child.id());
        let _ = child.kill();
        let _ = child.wait();
        assert!(alive);
        assert!(!group_alive(child.id()));
    }

    #[test]
    fn poll_sees_a_readable_pipe_and_times_out_on_an_empty_one() {
        let (reader, writer) = std::io::pipe().unwrap();
        let (idle, _idle_writer) = std::io::pipe().unwrap();
        set_nonblocking(&reader).unwrap();
        std::io::Write::write_all(&mut &writer, b"x").unwrap();
        let ready = poll_readable(
            &[reader.as_fd(), idle.as_fd()],
            Some(Duration::from_millis(1)),
        )
        .unwrap();
        assert_eq!(ready, vec![true, false]);
    }
}
