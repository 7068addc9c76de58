//! The answers a run must give, worked out before any worker exists (so
//! the check costs the measurement nothing) by a different method than
//! the workers use: a segmented sieve against their trial division.

use std::ops::Range;
use std::time::Instant;

use super::workload::{TaskKind, sieve_counts, task_range};
use super::{CancelToken, LabConfig, LabError};

/// What the answers must be.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// Primes in each task's range, and in the serial parts before/after.
    Primes { tasks: Vec<u64>, serial: [u64; 2] },
    /// Sleep tasks: at least this many ms waited.
    AtLeast(u64),
}

impl Expected {
    /// Works the answers out; gives up on cancel or at `until`.
    pub fn for_config(
        config: &LabConfig,
        cancel: &CancelToken,
        until: Instant,
    ) -> Result<Expected, LabError> {
        let stop = || cancel.is_cancelled() || Instant::now() >= until;
        let size = config.task_size;
        match config.workload.task_kind() {
            TaskKind::Sleep => Ok(Expected::AtLeast(size)),
            TaskKind::Primes => {
                let all = task_range(size, 0).start..task_range(size, config.tasks as u64 - 1).end;
                let tasks = sieve_counts(all, size, &stop);
                let serial = serial_ranges(config);
                let before = sieve_counts(serial[0].clone(), u64::MAX, &stop);
                let after = sieve_counts(serial[1].clone(), u64::MAX, &stop);
                match (tasks, before, after) {
                    (Some(tasks), Some(before), Some(after)) => Ok(Expected::Primes {
                        tasks,
                        serial: [
                            before.first().copied().unwrap_or(0),
                            after.first().copied().unwrap_or(0),
                        ],
                    }),
                    _ if cancel.is_cancelled() => Err(LabError::Cancelled),
                    _ => Err(LabError::Deadline {
                        limit: config.deadline,
                        done: 0,
                        tasks: config.tasks,
                    }),
                }
            }
        }
    }

    /// `None` when `value` is right for `task`, else what it should be.
    pub fn wrong(&self, task: usize, value: u64) -> Option<String> {
        match self {
            Expected::Primes { tasks, .. } => match tasks.get(task) {
                Some(want) if *want == value => None,
                Some(want) => Some(want.to_string()),
                None => Some(format!("no task {task}")),
            },
            Expected::AtLeast(ms) => (value < *ms).then(|| format!("at least {ms} (ms waited)")),
        }
    }

    /// The right count for a serial part (0 before, 1 after).
    pub fn serial(&self, part: usize) -> u64 {
        match self {
            Expected::Primes { serial, .. } => serial[part.min(1)],
            Expected::AtLeast(_) => 0,
        }
    }
}

/// The numbers of the amdahl serial part: before, after.
pub fn serial_ranges(config: &LabConfig) -> [Range<u64>; 2] {
    let numbers = config
        .workload
        .serial_numbers(config.tasks, config.task_size);
    let start = task_range(config.task_size, config.tasks as u64).start;
    let middle = start + numbers / 2;
    [start..middle, middle..start + numbers]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Workload;

    #[test]
    fn expected_answers_flag_wrong_ones() {
        let config = LabConfig {
            tasks: 3,
            task_size: 100,
            ..LabConfig::new(Workload::Cpu)
        };
        let far = Instant::now() + std::time::Duration::from_secs(60);
        let e = Expected::for_config(&config, &CancelToken::new(), far).unwrap();
        let Expected::Primes { tasks, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(tasks.len(), 3);
        assert_eq!(e.wrong(1, tasks[1]), None);
        assert_eq!(e.wrong(1, tasks[1] + 1), Some(tasks[1].to_string()));
        assert!(e.wrong(7, 0).is_some());
        let sleep = Expected::AtLeast(50);
        assert_eq!(sleep.wrong(0, 50), None);
        assert!(sleep.wrong(0, 49).is_some());
    }
}
