//! The master <-> worker line protocol, over the worker's stdin and stdout.
//! One message per line, space-separated words, so a person can read a
//! worker's conversation (or type one: `forklab worker`).
//!
//! Master to worker (one chunk at a time, like `Pool.map`'s chunks):
//! - `work FIRST COUNT KIND SIZE`: run tasks FIRST..FIRST+COUNT in order;
//!   KIND is `primes` or `sleep`, SIZE the task size. A chunk is always a
//!   range of task numbers, so a message stays short whatever the
//!   chunk size, and a write never fills the pipe.
//!
//! Worker to master:
//! - `ready PID`: started and waiting for work.
//! - `start TASK`: began a task (progress, for the timeline).
//! - `done TASK VALUE`: the task's answer.
//! - `error TASK MESSAGE` or `error - MESSAGE`: could not do it.
//!
//! Closing the worker's stdin tells it to exit.

use std::fmt;

use crate::lab::workload::TaskKind;

/// Longest line either side accepts: a longer one is a protocol error, so a
/// confused peer cannot make the other buffer without end.
pub const MAX_LINE: usize = 4096;

/// A chunk of tasks for one worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    pub first: u64,
    pub count: u64,
    pub kind: TaskKind,
    pub size: u64,
}

impl Work {
    /// The task numbers of the chunk, in the order they run.
    pub fn tasks(&self) -> std::ops::Range<u64> {
        self.first..self.first.saturating_add(self.count)
    }
}

/// A message from a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromWorker {
    /// `ready PID`
    Ready { pid: u32 },
    /// `start TASK`
    Started { task: u64 },
    /// `done TASK VALUE`
    Done { task: u64, value: u64 },
    /// `error TASK MESSAGE`, or `error - MESSAGE` when no task is at fault.
    Error { task: Option<u64>, message: String },
}

/// A line that is not a message. Carries the line (shortened) for the
/// error text the learner or developer sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    pub line: String,
    pub expected: &'static str,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed line {:?}: expected {}",
            self.line, self.expected
        )
    }
}

impl std::error::Error for ProtocolError {}

fn malformed(line: &str, expected: &'static str) -> ProtocolError {
    let line = line.trim_end_matches(['\n', '\r']);
    let mut shown: String = line.chars().take(80).collect();
    if shown.len() < line.len() {
        shown.push('…');
    }
    ProtocolError {
        line: shown,
        expected,
    }
}

const WORK_SHAPE: &str = "`work FIRST COUNT primes|sleep SIZE`";
const REPLY_SHAPE: &str = "`ready PID`, `start TASK`, `done TASK VALUE` or `error TASK|- MESSAGE`";

impl fmt::Display for Work {
    /// The line without its newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "work {} {} {} {}",
            self.first,
            self.count,
            self.kind.name(),
            self.size
        )
    }
}

impl Work {
    /// Parses a master's line (without or with its line ending).
    pub fn parse(line: &str) -> Result<Work, ProtocolError> {
        let bad = || malformed(line, WORK_SHAPE);
        let words: Vec<&str> = line.split_ascii_whitespace().collect();
        let ["work", first, count, kind, size] = words[..] else {
            return Err(bad());
        };
        Ok(Work {
            first: first.parse().map_err(|_| bad())?,
            count: count.parse().map_err(|_| bad())?,
            kind: TaskKind::from_name(kind).ok_or_else(bad)?,
            size: size.parse().map_err(|_| bad())?,
        })
    }
}

impl fmt::Display for FromWorker {
    /// The line without its newline; line breaks in a message become spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FromWorker::Ready { pid } => write!(f, "ready {pid}"),
            FromWorker::Started { task } => write!(f, "start {task}"),
            FromWorker::Done { task, value } => write!(f, "done {task} {value}"),
            FromWorker::Error { task, message } => {
                let message: String = message
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .take(MAX_LINE / 2)
                    .collect();
                match task {
                    Some(task) => write!(f, "error {task} {message}"),
                    None => write!(f, "error - {message}"),
                }
            }
        }
    }
}

impl FromWorker {
    /// Parses a worker's line (without or with its line ending).
    pub fn parse(line: &str) -> Result<FromWorker, ProtocolError> {
        let bad = || malformed(line, REPLY_SHAPE);
        let line = line.trim_end_matches(['\n', '\r']);
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let number = |s: &str| s.parse::<u64>().map_err(|_| bad());
        match word {
            "ready" => Ok(FromWorker::Ready {
                pid: rest.parse().map_err(|_| bad())?,
            }),
            "start" => Ok(FromWorker::Started {
                task: number(rest)?,
            }),
            "done" => {
                let (task, value) = rest.split_once(' ').ok_or_else(bad)?;
                Ok(FromWorker::Done {
                    task: number(task)?,
                    value: number(value)?,
                })
            }
            "error" => {
                let (task, message) = rest.split_once(' ').unwrap_or((rest, ""));
                let task = match task {
                    "-" => None,
                    t => Some(number(t)?),
                };
                Ok(FromWorker::Error {
                    task,
                    message: message.to_string(),
                })
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_round_trips() {
        let work = Work {
            first: 12,
            count: 4,
            kind: TaskKind::Primes,
            size: 4000,
        };
        assert_eq!(work.to_string(), "work 12 4 primes 4000");
        assert_eq!(Work::parse(&work.to_string()), Ok(work));
        assert_eq!(Work::parse("work 12 4 primes 4000\n"), Ok(work));
        assert_eq!(work.tasks(), 12..16);
        let sleep = Work {
            kind: TaskKind::Sleep,
            ..work
        };
        assert_eq!(Work::parse("work 12 4 sleep 4000"), Ok(sleep));
    }

    #[test]
    fn replies_round_trip() {
        for msg in [
            FromWorker::Ready { pid: 4242 },
            FromWorker::Started { task: 0 },
            FromWorker::Done {
                task: 7,
                value: u64::MAX,
            },
            FromWorker::Error {
                task: Some(3),
                message: "no such thing".into(),
            },
            FromWorker::Error {
                task: None,
                message: "bad line".into(),
            },
        ] {
            let line = msg.to_string();
            assert!(!line.contains('\n'));
            assert_eq!(FromWorker::parse(&line), Ok(msg.clone()), "{line}");
            assert_eq!(FromWorker::parse(&format!("{line}\r\n")), Ok(msg));
        }
    }

    #[test]
    fn error_messages_stay_on_one_line() {
        let msg = FromWorker::Error {
            task: None,
            message: "two\nlines\r".into(),
        };
        assert_eq!(msg.to_string(), "error - two lines ");
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for line in [
            "",
            "work",
            "work 1 2 primes",
            "work 1 2 primes 3 4",
            "work -1 2 primes 3",
            "work 1 2 fly 3",
            "work a b c d",
            "ready",
            "ready me",
            "ready 99999999999",
            "start",
            "start 1 2",
            "done 1",
            "done 1 x",
            "done x 1",
            "error x oops",
            "hello world",
            "DONE 1 2",
            "\u{0}\u{ffff}",
        ] {
            let err = if line.starts_with("work") || line.is_empty() {
                Work::parse(line).unwrap_err()
            } else {
                FromWorker::parse(line).unwrap_err()
            };
            assert!(err.to_string().contains("expected"), "{line:?}: {err}");
        }
        assert!(FromWorker::parse("").is_err());
        assert!(Work::parse("done 1 2").is_err());
    }

    #[test]
    fn long_lines_are_shortened_in_errors() {
        let line = "x".repeat(1000);
        let err = FromWorker::parse(&line).unwrap_err();
        assert!(err.line.chars().count() <= 81);
    }
}
