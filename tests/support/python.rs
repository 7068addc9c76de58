//! Shared by the tests that run real Python: find it (or say loudly that
//! the test is skipped), run a request to its end, look at processes.

#![allow(dead_code)]

use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use forklab::python::{Exited, Interpreter, PyEvent, RunRequest, Started, Transcript};

/// The machine's Python, or `None` after printing that `test` is skipped.
/// Under CI (`CI=true`) or with `FORKLAB_REQUIRE_PYTHON=1`, a missing
/// Python fails the test instead.
pub fn python_or_skip(test: &str) -> Option<Interpreter> {
    match Interpreter::find(None) {
        Ok(python) => Some(python),
        Err(e) => {
            let required = std::env::var("FORKLAB_REQUIRE_PYTHON").is_ok_and(|v| v == "1")
                || std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !required,
                "{test}: Python is required here (CI or FORKLAB_REQUIRE_PYTHON=1):\n{e}"
            );
            // Written past the test harness's capture, so it shows even on success.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: no usable Python 3 found, so this test did not run.\n{e}"
            );
            None
        }
    }
}

/// Everything one run reported.
#[derive(Debug, Default)]
pub struct Outcome {
    pub started: Option<Started>,
    pub transcript: Transcript,
    pub exited: Option<Exited>,
    pub failed: Option<String>,
    /// The modules a skipped run lacked.
    pub skipped: Option<Vec<String>>,
    pub timed_out: bool,
    pub events: Vec<PyEvent>,
}

impl Outcome {
    pub fn text(&self) -> String {
        self.transcript.text()
    }
}

/// The forklab binary, re-executed as the guard by runs started here.
pub fn launcher() -> std::path::PathBuf {
    env!("CARGO_BIN_EXE_forklab").into()
}

/// Runs `request` to its end (at most `limit`), collecting its events.
pub fn run_to_end(mut request: RunRequest, limit: Duration) -> Outcome {
    if request.launcher.is_none() {
        request.launcher = Some(launcher());
    }
    let (tx, rx) = mpsc::channel();
    let run = forklab::python::start(request, move |e| {
        let _ = tx.send(e);
    });
    let deadline = Instant::now() + limit;
    let mut outcome = Outcome::default();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(event) = rx.recv_timeout(left) else {
            run.stop();
            panic!("the run did not end within {limit:?}: {outcome:#?}");
        };
        outcome.events.push(event.clone());
        match event {
            PyEvent::Started(s) => outcome.started = Some(s),
            PyEvent::Output(o) => {
                outcome.transcript.push(&o);
            }
            PyEvent::TimedOut { .. } => outcome.timed_out = true,
            PyEvent::OutputLimit { .. } => {}
            PyEvent::Exited(e) => {
                outcome.exited = Some(e);
                break;
            }
            PyEvent::Failed(m) => {
                outcome.failed = Some(m);
                break;
            }
            PyEvent::Skipped { missing } => {
                outcome.skipped = Some(missing);
                break;
            }
        }
    }
    run.wait();
    outcome
}

/// Whether a process is alive (a zombie counts as dead).
pub fn alive(pid: u32) -> bool {
    forklab::os::proc_entry(pid).is_some_and(|p| p.state != 'Z')
}

/// Polls until none of `pids` is alive or `limit` passes; returns those left.
pub fn wait_all_gone(pids: &[u32], limit: Duration) -> Vec<u32> {
    let deadline = Instant::now() + limit;
    loop {
        let left: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
