//! A run on its own thread, and the entry points ([`start`], [`run`],
//! [`execute`]): the API's one door into the engines.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::engine;
use super::{CancelToken, LabConfig, LabError, LabEvent, RunResult};

/// A lab running on its own thread. Dropping it cancels the run.
pub struct LabHandle {
    token: CancelToken,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl LabHandle {
    /// Stops the run: kills every worker and waits until all are reaped.
    /// The sink gets `WorkerExited` for each, then `RunFailed(Cancelled)`.
    pub fn cancel(&self) {
        self.token.cancel();
        self.wait();
    }

    /// Asks the run to stop without waiting (for a UI thread); the sink
    /// still gets the final events.
    pub fn request_cancel(&self) {
        self.token.cancel();
    }

    /// True once the run's last event has been sent.
    pub fn is_finished(&self) -> bool {
        self.thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_none_or(|t| t.is_finished())
    }

    /// Blocks until the run has ended (its own deadline bounds this).
    pub fn wait(&self) {
        let thread = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

impl Drop for LabHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Runs `job` on a lab thread with its own cancel token. A panic becomes a
/// `RunFailed` event, so a view waiting for the last event never hangs.
pub(crate) fn spawn_lab<J, S>(job: J, sink: S) -> LabHandle
where
    J: FnOnce(&CancelToken, &dyn Fn(LabEvent)) + Send + 'static,
    S: Fn(LabEvent) + Send + 'static,
{
    let token = CancelToken::new();
    let sink = Arc::new(Mutex::new(Some(sink)));
    let (thread_token, thread_sink) = (token.clone(), sink.clone());
    let spawned = std::thread::Builder::new()
        .name("forklab-lab".into())
        .spawn(move || {
            let Some(sink) = thread_sink.lock().unwrap_or_else(|e| e.into_inner()).take() else {
                return;
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| job(&thread_token, &sink)));
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into());
                sink(LabEvent::RunFailed(LabError::Internal(message)));
            }
        });
    let thread = match spawned {
        Ok(thread) => Some(thread),
        Err(e) => {
            if let Some(sink) = sink.lock().unwrap_or_else(|e| e.into_inner()).take() {
                sink(LabEvent::RunFailed(LabError::Io(format!(
                    "cannot start the lab thread: {e}"
                ))));
            }
            None
        }
    };
    LabHandle {
        token,
        thread: Mutex::new(thread),
    }
}

/// Starts a run on its own thread and returns at once; every step goes to
/// `sink`, ending with `RunFinished` or `RunFailed`.
pub fn start(config: LabConfig, sink: impl Fn(LabEvent) + Send + 'static) -> LabHandle {
    spawn_lab(
        move |token, sink| {
            let _ = engine::point(&config, token, sink);
        },
        sink,
    )
}

/// Runs to the end on this thread (headless use); `sink` gets the same
/// events as with [`start`].
pub fn run(config: &LabConfig, sink: impl Fn(LabEvent)) -> Result<RunResult, LabError> {
    execute(config, &CancelToken::new(), &sink)
}

/// One run with a cancel token: the shared core of [`start`], [`run`] and
/// the sweeps, whatever the engine. Sends `RunStarted` first and
/// `RunFinished`/`RunFailed` last.
pub fn execute(
    config: &LabConfig,
    cancel: &CancelToken,
    sink: &dyn Fn(LabEvent),
) -> Result<RunResult, LabError> {
    engine::execute(config, cancel, sink)
}
