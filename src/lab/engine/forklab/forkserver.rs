//! The forklab engine's `forkserver` start method: one small,
//! single-threaded `forklab forkserver` process, exec'd once per run,
//! forks every worker on request. A fork of a small process costs tens
//! of microseconds where an exec of the binary costs about a millisecond,
//! as Python's forkserver saves an interpreter start per worker.
//!
//! The master talks to the server over a Unix socket (the server's stdin):
//! - master -> server: the worker's number (4 bytes) with three
//!   descriptors attached (`SCM_RIGHTS`): the worker's stdin, stdout and
//!   stderr;
//! - server -> master: `P` + pid (5 bytes) for each worker forked, and
//!   `X` + pid + wait status (9 bytes) for each worker reaped.
//!
//! The workers are the server's children, so it reaps them and reports
//! how each ended. Everything dies together: the server has a
//! parent-death signal on the master and kills its workers when the
//! socket closes; each worker has one on the server.

use std::collections::HashMap;
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, SendAncillaryBuffer, SendAncillaryMessage,
};
use rustix::process::WaitOptions;

use crate::os::process::Exit;
use crate::os::process::{self, SIGKILL};

/// How often the server looks for ended workers when nothing arrives.
const REAP_EVERY: Duration = Duration::from_millis(5);
/// How long the master waits for the server to answer a request.
const ANSWER_LIMIT: Duration = Duration::from_secs(5);

/// A worker forked by the server: its pid and the master's ends of its pipes.
pub struct Forked {
    pub pid: u32,
    pub stdin: std::fs::File,
    pub stdout: std::fs::File,
    pub stderr: std::fs::File,
}

enum Message {
    Forked(u32),
    Ended,
    Incomplete,
}

/// The master's side of a running fork server.
pub struct ForkServer {
    child: Child,
    socket: UnixStream,
    /// Wait statuses reported but not yet asked for, by pid.
    ended: HashMap<u32, Exit>,
    /// Bytes of a message not yet complete.
    partial: Vec<u8>,
    /// The master's pipe ends of workers asked for, oldest first.
    pending: std::collections::VecDeque<[OwnedFd; 3]>,
}

impl ForkServer {
    /// Starts `exe forkserver` (once per run).
    pub fn start(exe: &Path) -> std::io::Result<ForkServer> {
        let (ours, theirs) = UnixStream::pair()?;
        let child = Command::new(exe)
            .arg("forkserver")
            .env(super::MASTER_PID_ENV, std::process::id().to_string())
            .stdin(Stdio::from(OwnedFd::from(theirs)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        Ok(ForkServer {
            child,
            socket: ours,
            ended: HashMap::new(),
            partial: Vec::new(),
            pending: std::collections::VecDeque::new(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks for worker `number`: three pipes, their far ends sent along.
    /// Requests can be sent ahead ([`ForkServer::take_next`] takes the answers
    /// in order), so the server forks while the master sends the rest.
    pub fn request(&mut self, number: usize) -> std::io::Result<()> {
        let (stdin_r, stdin_w) = pipe()?;
        let (stdout_r, stdout_w) = pipe()?;
        let (stderr_r, stderr_w) = pipe()?;
        send_fds(
            &self.socket,
            &(number as u32).to_le_bytes(),
            &[stdin_r.as_fd(), stdout_w.as_fd(), stderr_w.as_fd()],
        )?;
        self.pending.push_back([stdin_w, stdout_r, stderr_r]);
        Ok(())
    }

    /// The oldest requested worker, once forked.
    pub fn take_next(&mut self) -> std::io::Result<Forked> {
        let Some([stdin, stdout, stderr]) = self.pending.pop_front() else {
            return Err(std::io::Error::other("no worker was asked for"));
        };
        let pid = self
            .read_message(Some(Instant::now() + ANSWER_LIMIT))?
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the fork server did not answer",
                )
            })?;
        Ok(Forked {
            pid,
            stdin: stdin.into(),
            stdout: stdout.into(),
            stderr: stderr.into(),
        })
    }

    /// [`ForkServer::request`] then [`ForkServer::take_next`].
    pub fn spawn(&mut self, number: usize) -> std::io::Result<Forked> {
        self.request(number)?;
        self.take_next()
    }

    /// Reads messages (waiting until `until`, or only what is there with
    /// `None`) until a fork's pid arrives; records exits on the way.
    fn read_message(&mut self, until: Option<Instant>) -> std::io::Result<Option<u32>> {
        loop {
            loop {
                match self.take_message() {
                    Message::Forked(pid) => return Ok(Some(pid)),
                    Message::Ended => continue,
                    Message::Incomplete => break,
                }
            }
            let wait = match until {
                Some(t) => t.saturating_duration_since(Instant::now()),
                None => Duration::ZERO,
            };
            if !process::poll_readable(&[self.socket.as_fd()], Some(wait))?[0] {
                return Ok(None);
            }
            let mut buf = [0u8; 512];
            let got = (&self.socket).read(&mut buf)?;
            if got == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the fork server ended",
                ));
            }
            self.partial.extend_from_slice(&buf[..got]);
        }
    }

    /// The next complete message, if there is one.
    fn take_message(&mut self) -> Message {
        let len = match self.partial.first() {
            Some(b'P') => 5,
            Some(b'X') => 9,
            _ => return Message::Incomplete,
        };
        if self.partial.len() < len {
            return Message::Incomplete;
        }
        let msg: Vec<u8> = self.partial.drain(..len).collect();
        let pid = u32::from_le_bytes([msg[1], msg[2], msg[3], msg[4]]);
        if msg[0] == b'P' {
            return Message::Forked(pid);
        }
        let code = i32::from_le_bytes([msg[5], msg[6], msg[7], msg[8]]);
        self.ended.insert(pid, exit_of_code(code));
        Message::Ended
    }

    /// How worker `pid` ended, if the server has reported it.
    pub fn try_wait(&mut self, pid: u32) -> Option<Exit> {
        while let Ok(Some(_)) = self.read_message(None) {}
        self.ended.remove(&pid)
    }

    /// Waits for `pid`'s end until `until`, then kills it and waits a
    /// little more; never blocks without a limit.
    pub fn reap(&mut self, pid: u32, until: Instant) -> Exit {
        let mut killed = false;
        let mut hard = until;
        loop {
            if let Some(exit) = self.try_wait(pid) {
                return exit;
            }
            let now = Instant::now();
            if now >= hard {
                if killed {
                    return Exit::KILLED;
                }
                kill(pid);
                killed = true;
                hard = now + Duration::from_secs(2);
            }
            let _ = self.read_message(Some(now + REAP_EVERY.min(hard - now)));
        }
    }
}

impl Drop for ForkServer {
    /// Closing the socket tells the server to kill its workers and exit.
    fn drop(&mut self) {
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
        let until = Instant::now() + Duration::from_secs(2);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) if Instant::now() >= until => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return;
                }
                Ok(None) => std::thread::sleep(Duration::from_micros(200)),
            }
        }
    }
}

/// Sends SIGKILL to a worker.
pub fn kill(pid: u32) {
    let _ = process::signal_process(pid, SIGKILL);
}

/// An end as one number on the wire: the exit code, or minus the signal.
fn code_of(exit: Exit) -> i32 {
    match exit {
        Exit::Code(code) => code,
        Exit::Signal(signal) => -signal,
    }
}

fn exit_of_code(code: i32) -> Exit {
    if code < 0 {
        Exit::Signal(-code)
    } else {
        Exit::Code(code)
    }
}

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    crate::os::fd::pipe_cloexec()
}

fn send_fds(socket: &UnixStream, payload: &[u8], fds: &[BorrowedFd<'_>]) -> std::io::Result<()> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(3))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(fds)) {
        return Err(std::io::Error::other(
            "too many descriptors for one request",
        ));
    }
    loop {
        match rustix::net::sendmsg(
            socket,
            &[IoSlice::new(payload)],
            &mut control,
            crate::os::fd::SEND_NO_SIGNAL,
        ) {
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Receives a 4-byte payload with exactly three descriptors; `Ok(None)`
/// at end of file.
fn recv_fds(socket: &UnixStream) -> std::io::Result<Option<(u32, [OwnedFd; 3])>> {
    let mut payload = [0u8; 4];
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(3))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let got = loop {
        match rustix::net::recvmsg(
            socket,
            &mut [IoSliceMut::new(&mut payload)],
            &mut control,
            crate::os::fd::RECV_CLOEXEC,
        ) {
            Ok(got) => break got,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    };
    if got.bytes == 0 {
        return Ok(None);
    }
    let mut fds: Vec<OwnedFd> = Vec::new();
    for message in control.drain() {
        if let RecvAncillaryMessage::ScmRights(received) = message {
            fds.extend(received);
        }
    }
    let fds: [OwnedFd; 3] = fds
        .try_into()
        .map_err(|_| std::io::Error::other("a request without three descriptors"))?;
    Ok(Some((u32::from_le_bytes(payload), fds)))
}

/// Entry point of the hidden `forklab forkserver` subcommand. Single
/// threaded (it forks), with the socket on stdin.
pub fn main() -> ExitCode {
    crate::os::die_with_my_parent(SIGKILL);
    let master = std::env::var(super::MASTER_PID_ENV)
        .ok()
        .and_then(|pid| pid.parse::<u32>().ok());
    if master.is_some_and(|pid| pid != std::os::unix::process::parent_id()) {
        return ExitCode::FAILURE;
    }
    // SAFETY: fd 0 is the socket the master gave us, and nothing else in
    // this process uses it; we own it from here.
    let mut socket = unsafe { UnixStream::from_raw_fd(0) };
    let mut children: Vec<u32> = Vec::new();
    let result = serve(&mut socket, &mut children);
    // The master is gone or done: no worker outlives the server.
    for &pid in &children {
        kill(pid);
    }
    let until = Instant::now() + Duration::from_secs(2);
    while !children.is_empty() && Instant::now() < until {
        reap_into(&mut children, None);
        std::thread::sleep(Duration::from_micros(500));
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// Reaps ended children, telling the master when it can.
fn reap_into(children: &mut Vec<u32>, mut master: Option<&mut UnixStream>) {
    while let Ok(Some((pid, status))) = rustix::process::waitpid(None, WaitOptions::NOHANG) {
        let pid = pid.as_raw_nonzero().get() as u32;
        children.retain(|&c| c != pid);
        let Some(exit) = Exit::from_wait_status(status) else {
            continue;
        };
        if let Some(m) = master.as_deref_mut() {
            let mut msg = vec![b'X'];
            msg.extend_from_slice(&pid.to_le_bytes());
            msg.extend_from_slice(&code_of(exit).to_le_bytes());
            let _ = m.write_all(&msg);
        }
    }
}

fn serve(socket: &mut UnixStream, children: &mut Vec<u32>) -> std::io::Result<()> {
    loop {
        reap_into(children, Some(socket));
        if !process::poll_readable(&[socket.as_fd()], Some(REAP_EVERY))?[0] {
            continue;
        }
        let Some((_number, [stdin, stdout, stderr])) = recv_fds(socket)? else {
            return Ok(());
        };
        // SAFETY: this process is single-threaded (no lock can be held by
        // another thread at the fork), and the child never returns here.
        match unsafe { libc::fork() } {
            -1 => return Err(std::io::Error::last_os_error()),
            0 => worker_child(socket, stdin, stdout, stderr),
            pid => {
                drop((stdin, stdout, stderr));
                let pid = pid as u32;
                children.push(pid);
                let mut msg = vec![b'P'];
                msg.extend_from_slice(&pid.to_le_bytes());
                socket.write_all(&msg)?;
            }
        }
    }
}

/// In the forked child: the pipes become stdin/stdout/stderr, then the
/// worker's loop, then exit at once.
fn worker_child(socket: &UnixStream, stdin: OwnedFd, stdout: OwnedFd, stderr: OwnedFd) -> ! {
    let _ = socket;
    let wired = rustix::stdio::dup2_stdin(&stdin)
        .and_then(|()| rustix::stdio::dup2_stdout(&stdout))
        .and_then(|()| rustix::stdio::dup2_stderr(&stderr));
    drop((stdin, stdout, stderr));
    if wired.is_err() {
        std::process::exit(1);
    }
    crate::os::die_with_my_parent(SIGKILL);
    let code = {
        let input = std::io::stdin().lock();
        let output = std::io::stdout().lock();
        match super::worker::serve(input, output, std::process::id()) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    };
    // Nothing of the server's is buffered: a plain exit is safe here.
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_cross_the_wire_as_one_number() {
        for exit in [Exit::Code(0), Exit::Code(3), Exit::Signal(9)] {
            assert_eq!(exit_of_code(code_of(exit)), exit);
        }
    }
}
