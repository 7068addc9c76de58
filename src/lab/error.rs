//! Why a run gave no result, and the workers lost on the way.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

use crate::os::process::Exit;

/// A worker lost before the job was done.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Crash {
    pub worker: usize,
    pub pid: u32,
    pub exit: Exit,
    /// Since the run started.
    pub at: Duration,
    /// Its unfinished tasks, put back at the front of the queue.
    pub requeued: Range<usize>,
    /// It died before saying it was ready.
    pub before_ready: bool,
    /// The end of what it wrote on stderr (a panic message, say).
    pub stderr: String,
}

impl fmt::Display for Crash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Numbered from 1 for people, as the TUI and the process list do.
        write!(
            f,
            "worker {} (pid {}) {}",
            self.worker + 1,
            self.pid,
            self.exit.phrase()
        )?;
        if self.before_ready {
            write!(f, " before it was ready")?;
        }
        match self.requeued.len() {
            0 => {}
            1 => write!(f, "; task {} re-queued", self.requeued.start)?,
            n => write!(
                f,
                "; {n} tasks ({}..{}) re-queued",
                self.requeued.start, self.requeued.end
            )?,
        }
        if let Some(line) = self.stderr.lines().rev().find(|l| !l.trim().is_empty()) {
            // A worker's own words: shown, never obeyed.
            write!(f, ": {}", crate::sanitize::line(line.trim()))?;
        }
        Ok(())
    }
}

/// Why a run did not give a result. Cloneable so it can travel in events.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabError {
    /// A setting out of range: the run did not start.
    #[error("{0}")]
    Invalid(String),
    #[error("cannot start the worker {}: {message}", .exe.display())]
    Spawn { exe: PathBuf, message: String },
    #[error("{}", no_workers_message(*.tasks_left, *.tasks, .crashes))]
    NoWorkersLeft {
        tasks_left: usize,
        tasks: usize,
        crashes: Vec<Crash>,
    },
    #[error(
        "task {task}: worker pid {pid} answered {got}, but the right answer is {expected}; a wrong result is no speedup, so the run is void"
    )]
    WrongAnswer {
        task: usize,
        pid: u32,
        got: u64,
        expected: String,
    },
    #[error("worker pid {pid} broke the protocol: {message}")]
    Protocol { pid: u32, message: String },
    #[error("worker pid {pid} reported an error{}: {message}", .task.map(|t| format!(" on task {t}")).unwrap_or_default())]
    WorkerError {
        pid: u32,
        task: Option<usize>,
        message: String,
    },
    #[error(
        "the run passed its deadline of {} s with {done} of {tasks} tasks done; its workers were stopped",
        .limit.as_secs_f64()
    )]
    Deadline {
        limit: Duration,
        done: usize,
        tasks: usize,
    },
    #[error("cancelled")]
    Cancelled,
    /// What an engine reports in its own words (a Python pool's error).
    #[error("{0}")]
    Engine(String),
    #[error("{0}")]
    Io(String),
    #[error("internal error in the lab: {0}")]
    Internal(String),
}

fn no_workers_message(tasks_left: usize, tasks: usize, crashes: &[Crash]) -> String {
    let mut m = format!("no worker left, with {tasks_left} of {tasks} tasks unfinished");
    for crash in crashes.iter().take(3) {
        m.push_str(&format!("\n  {crash}"));
    }
    if crashes.len() > 3 {
        m.push_str(&format!("\n  and {} more", crashes.len() - 3));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workers_stderr_is_shown_visibly() {
        for (name, raw, shown) in crate::sanitize::TRICKS {
            if raw.contains('\n') {
                continue;
            }
            let crash = Crash {
                worker: 1,
                pid: 7,
                exit: Exit::Code(1),
                at: Duration::ZERO,
                requeued: 0..0,
                before_ready: false,
                stderr: format!("x {raw} end\n"),
            };
            let text = crash.to_string();
            assert!(crate::sanitize::is_safe(&text), "{name}: {text:?}");
            assert!(text.contains(shown), "{name}: {text:?}");
        }
    }
}
