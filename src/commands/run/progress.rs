//! The live progress line of `forklab run` and its crash reports.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::time::{Duration, Instant};

use crate::lab::LabEvent;

/// A one-line progress display on stderr (only on a terminal), and crash
/// reports (always: a lost worker matters even in a log).
pub(super) struct Progress {
    terminal: bool,
    workers: Cell<usize>,
    tasks: Cell<usize>,
    done: Cell<usize>,
    last: RefCell<Option<Instant>>,
}

impl Progress {
    pub(super) fn new(terminal: bool) -> Progress {
        Progress {
            terminal,
            workers: Cell::new(0),
            tasks: Cell::new(0),
            done: Cell::new(0),
            last: RefCell::new(None),
        }
    }

    pub(super) fn show(&self, event: &LabEvent) {
        let mut err = std::io::stderr().lock();
        match event {
            LabEvent::RunStarted { config, .. } => {
                self.workers.set(config.workers);
                self.tasks.set(config.tasks);
                self.done.set(0);
                *self.last.borrow_mut() = None;
                self.line(&mut err, "starting");
            }
            LabEvent::AllReady { .. } => self.line(&mut err, "running"),
            LabEvent::TaskFinished { .. } => {
                self.done.set(self.done.get() + 1);
                let now = Instant::now();
                let due = self
                    .last
                    .borrow()
                    .is_none_or(|t| now - t >= Duration::from_millis(50));
                if due {
                    *self.last.borrow_mut() = Some(now);
                    self.line(&mut err, "running");
                }
            }
            LabEvent::Notice(notice) => {
                if self.terminal {
                    let _ = write!(err, "\r\x1b[K");
                }
                let _ = writeln!(err, "forklab run: {}", crate::sanitize::line(notice));
            }
            LabEvent::WorkerCrashed(crash) => {
                if self.terminal {
                    let _ = write!(err, "\r\x1b[K");
                }
                let _ = writeln!(
                    err,
                    "forklab run: {}",
                    crate::sanitize::line(&crash.to_string())
                );
            }
            LabEvent::RunFinished(_) | LabEvent::RunFailed(_) if self.terminal => {
                let _ = write!(err, "\r\x1b[K");
            }
            _ => {}
        }
        let _ = err.flush();
    }

    fn line(&self, err: &mut impl Write, what: &str) {
        if self.terminal {
            let _ = write!(
                err,
                "\r\x1b[K{} worker{}: {what}, {}/{} tasks",
                self.workers.get(),
                if self.workers.get() == 1 { "" } else { "s" },
                self.done.get(),
                self.tasks.get()
            );
        }
    }
}
