//! One worker as the master sees it: its process, its pipes, what it is
//! doing, and the end of what it wrote on stderr.

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::os::fd::AsFd;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::os::process;

/// How much of a worker's stderr is kept to explain a crash.
const STDERR_TAIL: usize = 2048;

/// One worker as the master sees it.
pub(super) struct Slot {
    pub(super) pid: u32,
    /// `None` once reaped.
    pub(super) child: Option<Proc>,
    pub(super) stdin: Option<File>,
    pub(super) stdout: Option<File>,
    pub(super) stderr: Option<File>,
    /// Bytes of a line not yet complete.
    pub(super) partial: Vec<u8>,
    pub(super) stderr_tail: Vec<u8>,
    pub(super) ready: bool,
    /// Its chunk's unfinished tasks (empty when idle); they run in order.
    pub(super) chunk: Range<usize>,
    pub(super) current: Option<usize>,
    pub(super) done: usize,
}

/// A worker process: exec'd by the master, or forked by the fork server
/// (then the server reaps it and reports its end).
pub(super) enum Proc {
    Exec(Child),
    Forked(u32),
}

impl Proc {
    pub(super) fn kill(&mut self) {
        match self {
            Proc::Exec(child) => {
                let _ = child.kill();
            }
            Proc::Forked(pid) => super::forkserver::kill(*pid),
        }
    }
}

/// A child's pipe as a plain file, whichever way the worker started.
fn file<T: Into<std::os::fd::OwnedFd>>(pipe: Option<T>) -> Option<File> {
    pipe.map(|p| File::from(p.into()))
}

#[derive(Clone, Copy)]
pub(super) enum Stream {
    Out,
    Err,
}

impl Slot {
    /// A worker just spawned, its pipes taken from `child`.
    pub(super) fn new(mut child: Child) -> Slot {
        Slot {
            pid: child.id(),
            stdin: file(child.stdin.take()),
            stdout: file(child.stdout.take()),
            stderr: file(child.stderr.take()),
            child: Some(Proc::Exec(child)),
            partial: Vec::new(),
            stderr_tail: Vec::new(),
            ready: false,
            chunk: 0..0,
            current: None,
            done: 0,
        }
    }

    /// A worker the fork server forked.
    pub(super) fn forked(forked: super::forkserver::Forked) -> Slot {
        Slot {
            pid: forked.pid,
            stdin: Some(forked.stdin),
            stdout: Some(forked.stdout),
            stderr: Some(forked.stderr),
            child: Some(Proc::Forked(forked.pid)),
            partial: Vec::new(),
            stderr_tail: Vec::new(),
            ready: false,
            chunk: 0..0,
            current: None,
            done: 0,
        }
    }

    /// Reads what is there on stderr, keeping its tail.
    pub(super) fn read_stderr(&mut self) {
        let Some(err) = self.stderr.as_mut() else {
            return;
        };
        let mut buf = [0u8; 4096];
        match err.read(&mut buf) {
            Ok(0) => self.stderr = None,
            Ok(n) => keep_tail(&mut self.stderr_tail, &buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => self.stderr = None,
        }
    }

    /// Reads what a dead worker left on stderr, then closes it.
    pub(super) fn drain_stderr(&mut self) {
        if let Some(mut err) = self.stderr.take() {
            drain(&mut err, &mut self.stderr_tail);
        }
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
fn drain(err: &mut File, tail: &mut Vec<u8>) {
    let until = Instant::now() + Duration::from_millis(200);
    let mut buf = [0u8; 4096];
    loop {
        let now = Instant::now();
        if now >= until {
            return;
        }
        let ready = process::poll_readable(&[err.as_fd()], Some(until - now));
        if !ready.is_ok_and(|r| r[0]) {
            return;
        }
        match err.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => keep_tail(tail, &buf[..n]),
        }
    }
}
