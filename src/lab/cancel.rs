//! Stopping a run: a token shared between a running lab and whoever may
//! stop it, which also wakes an engine's `poll` at once.

use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Shared between a running lab and whoever may stop it.
#[derive(Debug, Clone)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Debug)]
struct CancelInner {
    flag: AtomicBool,
    /// Written on cancel so that the master's `poll` wakes at once.
    wake: Option<(UnixStream, UnixStream)>,
}

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> CancelToken {
        let wake = UnixStream::pair()
            .ok()
            .filter(|(w, r)| w.set_nonblocking(true).is_ok() && r.set_nonblocking(true).is_ok());
        CancelToken {
            inner: Arc::new(CancelInner {
                flag: AtomicBool::new(false),
                wake,
            }),
        }
    }

    /// Asks the run to stop; returns at once.
    pub fn cancel(&self) {
        self.inner.flag.store(true, Ordering::SeqCst);
        if let Some((w, _)) = &self.inner.wake {
            let _ = (&*w).write(&[1]);
        }
    }

    /// True once [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::SeqCst)
    }

    /// Readable once cancelled, for an engine's `poll`.
    pub(crate) fn wake_fd(&self) -> Option<BorrowedFd<'_>> {
        self.inner.wake.as_ref().map(|(_, r)| r.as_fd())
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}
