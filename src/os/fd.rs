//! Descriptor calls whose Linux forms (atomic close-on-exec, no-signal
//! flags, a socket's peer) macOS lacks: one place that knows the difference.

use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;

use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketType};

/// A pipe whose two ends close when this process runs another program.
pub fn pipe_cloexec() -> io::Result<(OwnedFd, OwnedFd)> {
    #[cfg(not(target_vendor = "apple"))]
    let ends = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    #[cfg(target_vendor = "apple")]
    let ends = {
        // No pipe2 here: flagged at once, before anything is spawned from
        // this thread.
        let (reader, writer) = rustix::pipe::pipe()?;
        super::process::set_cloexec(&reader, true)?;
        super::process::set_cloexec(&writer, true)?;
        (reader, writer)
    };
    Ok(ends)
}

/// A socket that closes when this process runs another program.
pub fn socket_cloexec(family: AddressFamily, kind: SocketType) -> io::Result<OwnedFd> {
    #[cfg(not(target_vendor = "apple"))]
    let fd = rustix::net::socket_with(family, kind, rustix::net::SocketFlags::CLOEXEC, None)?;
    #[cfg(target_vendor = "apple")]
    let fd = {
        let fd = rustix::net::socket(family, kind, None)?;
        super::process::set_cloexec(&fd, true)?;
        fd
    };
    Ok(fd)
}

/// `sendmsg` flags: no SIGPIPE on a closed peer where the flag exists
/// (Rust ignores SIGPIPE anyway; macOS has no such flag).
pub const SEND_NO_SIGNAL: SendFlags = NO_SIGNAL;

/// `recvmsg` flags: received descriptors close on exec where the flag
/// exists. (The fork server only forks after receiving, never execs.)
pub const RECV_CLOEXEC: RecvFlags = CMSG_CLOEXEC;

#[cfg(not(target_vendor = "apple"))]
const NO_SIGNAL: SendFlags = SendFlags::NOSIGNAL;
#[cfg(target_vendor = "apple")]
const NO_SIGNAL: SendFlags = SendFlags::empty();
#[cfg(not(target_vendor = "apple"))]
const CMSG_CLOEXEC: RecvFlags = RecvFlags::CMSG_CLOEXEC;
#[cfg(target_vendor = "apple")]
const CMSG_CLOEXEC: RecvFlags = RecvFlags::empty();

/// Flushes the file system holding `folder` to disk: `syncfs` on Linux,
/// a whole `sync` elsewhere.
pub fn sync_filesystem(folder: &File) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    rustix::fs::syncfs(folder)?;
    #[cfg(not(target_os = "linux"))]
    {
        let _ = folder;
        rustix::fs::sync();
    }
    Ok(())
}

/// The pid of the process that connected `socket`, as the kernel saw it
/// (`SO_PEERCRED`); `None` where the platform does not say (macOS here).
pub fn peer_pid(socket: &std::os::unix::net::UnixStream) -> Option<u32> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let cred = rustix::net::sockopt::socket_peercred(socket).ok()?;
        u32::try_from(cred.pid.as_raw_nonzero().get()).ok()
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = socket;
        None
    }
}
