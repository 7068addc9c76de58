//! The hold socket: each process `multiprocessing` starts in a practice
//! run connects to it as its `run()` starts and ends (the run's
//! `sitecustomize`, [`HOLD_VAR`](crate::python::run::request::HOLD_VAR))
//! and waits for one byte, which forklab sends once it has sampled the
//! family. A worker that lives a millisecond is seen as surely as one that
//! lives a minute, on an idle machine or a loaded one. The evidence is
//! still what forklab reads in `/proc`: a script that undoes the hold is
//! only seen less, never more.
//!
//! A hold can delay a process, never keep it: it waits 2 s at most in all
//! (forklab stopped, slow or gone), and inside Python's own bootstrap, so a
//! signal that ends a held process ends it as it would in `run()`. The
//! master connects once too, without waiting, when its code has ended and
//! Python's exit begins: told apart by the pid the kernel gives
//! ([`from_master`]), it dates a run that then hangs in Python's exit.

use std::io::Write as _;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Connections sampled at once in one run; later ones are answered at once
/// (a script that connects in a loop only keeps its own processes waiting).
pub const MAX_HOLDS: usize = 4096;

/// A listening socket in a private temporary folder, and the thread that
/// hands each connection to `on_connect`.
pub struct HoldSocket {
    path: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl HoldSocket {
    /// `None` when no socket can be made: the run is then only sampled.
    pub fn open(on_connect: impl Fn(UnixStream) -> bool + Send + 'static) -> Option<HoldSocket> {
        let dir = tempfile::Builder::new()
            .prefix("forklab-hold-")
            .tempdir()
            .ok()?;
        let path = dir.path().join("hold");
        let listener = UnixListener::bind(&path).ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("forklab-hold".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stopped.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream
                        && !on_connect(stream)
                    {
                        break;
                    }
                }
            })
            .ok()?;
        Some(HoldSocket {
            path,
            stop,
            thread: Some(thread),
            _dir: dir,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether `stream` was connected by `master` (the script's own process,
/// which never waits on the socket: it says its code has ended). Unknown
/// where the platform does not give a socket's peer: then `false`.
pub fn from_master(stream: &UnixStream, master: Option<u32>) -> bool {
    master.is_some() && crate::os::fd::peer_pid(stream) == master
}

/// Lets one held process go on.
pub fn release(mut stream: UnixStream) {
    let _ = stream.write_all(b".");
}

impl Drop for HoldSocket {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the thread from `accept`; it sees `stop` and ends.
        let woke = UnixStream::connect(&self.path).is_ok();
        if let Some(thread) = self.thread.take()
            && woke
        {
            let _ = thread.join();
        }
    }
}
