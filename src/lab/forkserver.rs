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
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use super::pool::Exit;

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
            .env(super::pool::MASTER_PID_ENV, std::process::id().to_string())
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
            self.socket.as_raw_fd(),
            &(number as u32).to_le_bytes(),
            &[
                stdin_r.as_raw_fd(),
                stdout_w.as_raw_fd(),
                stderr_w.as_raw_fd(),
            ],
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
            let mut fds = [libc::pollfd {
                fd: self.socket.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            let ms = wait.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
            // SAFETY: one valid pollfd we own.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, ms) };
            if n == 0 {
                return Ok(None);
            }
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
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
        let status = i32::from_le_bytes([msg[5], msg[6], msg[7], msg[8]]);
        self.ended.insert(pid, exit_of_status(status));
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
                    return Exit::Signal(libc::SIGKILL);
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
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGKILL);
    }
}

fn exit_of_status(status: i32) -> Exit {
    if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    }
}

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two descriptors into the array we own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both are fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Space for a control message carrying `n` descriptors.
fn cmsg_space(n: usize) -> usize {
    // SAFETY: CMSG_SPACE only computes a size.
    unsafe { libc::CMSG_SPACE((n * std::mem::size_of::<RawFd>()) as u32) as usize }
}

fn send_fds(socket: RawFd, payload: &[u8], fds: &[RawFd]) -> std::io::Result<()> {
    let mut iov = libc::iovec {
        iov_base: payload.as_ptr() as *mut libc::c_void,
        iov_len: payload.len(),
    };
    let mut control = vec![0u8; cmsg_space(fds.len())];
    // SAFETY: msghdr is plain data; every pointer set below points into
    // buffers that live until sendmsg returns.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = control.len() as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of_val(fds) as u32) as _;
        std::ptr::copy_nonoverlapping(
            fds.as_ptr() as *const u8,
            libc::CMSG_DATA(cmsg),
            std::mem::size_of_val(fds),
        );
        loop {
            if libc::sendmsg(socket, &msg, libc::MSG_NOSIGNAL) >= 0 {
                return Ok(());
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// Receives a payload of up to 4 bytes and exactly three descriptors;
/// `Ok(None)` at end of file.
fn recv_fds(socket: RawFd) -> std::io::Result<Option<(u32, [OwnedFd; 3])>> {
    let mut payload = [0u8; 4];
    let mut iov = libc::iovec {
        iov_base: payload.as_mut_ptr() as *mut libc::c_void,
        iov_len: payload.len(),
    };
    let mut control = vec![0u8; cmsg_space(3)];
    // SAFETY: as in `send_fds`; the received descriptors are taken into
    // OwnedFds at once, so none leaks.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = control.len() as _;
        let n = loop {
            let n = libc::recvmsg(socket, &mut msg, libc::MSG_CMSG_CLOEXEC);
            if n >= 0 {
                break n;
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        };
        if n == 0 {
            return Ok(None);
        }
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null()
            || (*cmsg).cmsg_type != libc::SCM_RIGHTS
            || (*cmsg).cmsg_len as usize
                != libc::CMSG_LEN(3 * std::mem::size_of::<RawFd>() as u32) as usize
        {
            return Err(std::io::Error::other("a request without three descriptors"));
        }
        let mut raw = [0 as RawFd; 3];
        std::ptr::copy_nonoverlapping(
            libc::CMSG_DATA(cmsg),
            raw.as_mut_ptr() as *mut u8,
            std::mem::size_of_val(&raw),
        );
        let fds = raw.map(|fd| OwnedFd::from_raw_fd(fd));
        Ok(Some((u32::from_le_bytes(payload), fds)))
    }
}

/// Entry point of the hidden `forklab forkserver` subcommand. Single
/// threaded (it forks), with the socket on stdin.
pub fn main() -> ExitCode {
    crate::os::die_with_my_parent(libc::SIGKILL);
    let master = std::env::var(super::pool::MASTER_PID_ENV)
        .ok()
        .and_then(|pid| pid.parse::<u32>().ok());
    if master.is_some_and(|pid| pid != std::os::unix::process::parent_id()) {
        return ExitCode::FAILURE;
    }
    let socket = 0;
    let mut children: Vec<u32> = Vec::new();
    // SAFETY: fd 0 is the socket the master gave us; we own it from here.
    let mut out = unsafe { UnixStream::from_raw_fd(socket) };
    let result = serve(&mut out, &mut children);
    for &pid in &children {
        kill(pid);
    }
    let until = Instant::now() + Duration::from_secs(2);
    while !children.is_empty() && Instant::now() < until {
        reap_into(&mut children, None);
        std::thread::sleep(Duration::from_micros(500));
    }
    std::mem::forget(out);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// Reaps ended children, telling the master when it can.
fn reap_into(children: &mut Vec<u32>, mut master: Option<&mut UnixStream>) {
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes the status into our variable.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return;
        }
        children.retain(|&c| c != pid as u32);
        if let Some(m) = master.as_deref_mut() {
            let mut msg = vec![b'X'];
            msg.extend_from_slice(&(pid as u32).to_le_bytes());
            msg.extend_from_slice(&status.to_le_bytes());
            let _ = m.write_all(&msg);
        }
    }
}

fn serve(socket: &mut UnixStream, children: &mut Vec<u32>) -> std::io::Result<()> {
    let fd = socket.as_raw_fd();
    loop {
        reap_into(children, Some(socket));
        let mut fds = [libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        }];
        // SAFETY: one valid pollfd we own.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, REAP_EVERY.as_millis() as i32) };
        if n <= 0 {
            continue;
        }
        let Some((_number, [stdin, stdout, stderr])) = recv_fds(fd)? else {
            return Ok(());
        };
        // SAFETY: this process is single-threaded, so the child may run
        // any code; it never returns from this branch.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if pid == 0 {
            worker_child(fd, stdin, stdout, stderr);
        }
        drop((stdin, stdout, stderr));
        children.push(pid as u32);
        let mut msg = vec![b'P'];
        msg.extend_from_slice(&(pid as u32).to_le_bytes());
        socket.write_all(&msg)?;
    }
}

/// In the forked child: the pipes become stdin/stdout/stderr, then the
/// worker's loop, then exit without running the server's destructors.
fn worker_child(socket: RawFd, stdin: OwnedFd, stdout: OwnedFd, stderr: OwnedFd) -> ! {
    // SAFETY: plain descriptor calls in a single-threaded child.
    unsafe {
        libc::close(socket);
        libc::dup2(stdin.as_raw_fd(), 0);
        libc::dup2(stdout.as_raw_fd(), 1);
        libc::dup2(stderr.as_raw_fd(), 2);
    }
    drop((stdin, stdout, stderr));
    crate::os::die_with_my_parent(libc::SIGKILL);
    let code = {
        let input = std::io::stdin().lock();
        let output = std::io::stdout().lock();
        match super::worker::serve(input, output, std::process::id()) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    };
    // SAFETY: _exit ends the child at once, as a forked child should.
    unsafe { libc::_exit(code) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_statuses_read_as_exits() {
        assert_eq!(exit_of_status(0), Exit::Code(0));
        assert_eq!(exit_of_status(3 << 8), Exit::Code(3));
        assert_eq!(exit_of_status(9), Exit::Signal(9));
    }
}
