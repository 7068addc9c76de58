//! The fallback where no cgroup may be made: rlimits the kernel enforces
//! per process, and the family sampled often enough to stop a fork bomb
//! or a memory hog soon after it passes the cap.
//!
//! - `RLIMIT_DATA` (private writable memory, per process) at the limit
//!   plus a slack, so that the sampler, not an allocation failure, is what
//!   usually stops a hog (and says why).
//! - `RLIMIT_NPROC` (the user's tasks, threads included) at what the user
//!   runs now plus one and a half times the cap (room for the family's
//!   threads), unless root, whom the kernel does not hold to it.
//! - Every [`EVERY`] the system's task count (`/proc/loadavg`, one small
//!   read, where the platform has one); the family is walked when it grew by half the cap, when the
//!   family was already large, and every tenth time. The count is judged
//!   first and alone: nothing else is read of a family past the cap.
//!   Memory is the family's anonymous resident memory (`statm`, counters
//!   the kernel reads without a lock), and when that looks past the limit
//!   its proportional share (`smaps_rollup`, which counts pages shared
//!   after a fork once) on a thread of its own: it waits for each
//!   process's memory lock, which a process forking in a loop holds
//!   nearly all the time, and the count must not wait with it.

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use rustix::process::{Resource, Rlimit};

use super::{Breach, Limits};
use crate::os::platform;

/// How often the family is looked at.
pub(super) const EVERY: Duration = Duration::from_millis(5);

/// Walk the whole family at least every this many looks.
const WALK_EVERY: u32 = 10;

pub(super) struct Sampler {
    limits: Limits,
    /// The process whose descendants are the family (itself excluded).
    root: u32,
    /// The system's task count when the cage was made (`None`: no cheap
    /// count here; the family is walked every [`WALK_EVERY`] looks).
    baseline: Option<u64>,
    looks: u32,
    last_processes: u64,
    last_memory: u64,
    /// The proportional share being measured on its own thread.
    measuring: Option<Receiver<u64>>,
    /// `RLIMIT_DATA` for the child.
    data: Rlimit,
    /// `RLIMIT_NPROC` for the child (`None`: root, who ignores it).
    nproc: Option<Rlimit>,
}

/// A limit of `value`, the hard limit no higher than it and no higher than
/// it is now (an ordinary user may only lower it).
fn lowered(resource: Resource, value: u64) -> Rlimit {
    let now = rustix::process::getrlimit(resource);
    let value = now.maximum.map_or(value, |m| m.min(value));
    Rlimit {
        current: Some(value),
        maximum: Some(value),
    }
}

impl Sampler {
    pub(super) fn new(limits: Limits, root: u32) -> Sampler {
        let slack = (limits.memory / 4).max(64 << 20);
        let root_user = rustix::process::getuid().is_root();
        let cap = limits.processes.max(1);
        let nproc =
            (!root_user).then(|| lowered(Resource::Nproc, platform::user_tasks() + cap + cap / 2));
        Sampler {
            limits,
            root,
            baseline: platform::system_tasks(),
            looks: 0,
            last_processes: 0,
            last_memory: 0,
            measuring: None,
            data: lowered(Resource::Data, limits.memory.saturating_add(slack)),
            nproc,
        }
    }

    /// Sets the child's rlimits between fork and exec.
    pub(super) fn limit_on_exec(&self, cmd: &mut Command) {
        let (data, nproc) = (self.data, self.nproc);
        // SAFETY: only setrlimit(2), async-signal-safe, on copied values.
        unsafe {
            cmd.pre_exec(move || {
                rustix::process::setrlimit(Resource::Data, data)?;
                if let Some(nproc) = nproc {
                    rustix::process::setrlimit(Resource::Nproc, nproc)?;
                }
                Ok(())
            });
        }
    }

    /// A breach seen now, and the family's processes and memory (as last
    /// walked).
    pub(super) fn check(&mut self) -> (Option<Breach>, u64, u64) {
        self.looks = self.looks.wrapping_add(1);
        let cap = self.limits.processes;
        let grew = self
            .baseline
            .zip(platform::system_tasks())
            .is_some_and(|(then, now)| now.saturating_sub(then) > cap / 2);
        let large = self.last_processes > cap / 2 || self.last_memory > self.limits.memory / 2;
        if !(grew || large || self.looks.is_multiple_of(WALK_EVERY)) {
            return (None, self.last_processes, self.last_memory);
        }
        let family = platform::descendants(self.root);
        let processes = family.len() as u64;
        self.last_processes = processes;
        if processes > cap {
            return (Some(Breach::Processes), processes, self.last_memory);
        }
        let anonymous: u64 = family
            .iter()
            .map(|&pid| platform::private_memory(pid))
            .sum();
        if anonymous <= self.limits.memory {
            // A fair upper bound: pages shared after a fork count twice.
            self.last_memory = anonymous;
            return (None, processes, anonymous);
        }
        match self.proportional_share(family) {
            Some(share) if share > self.limits.memory => {
                self.last_memory = share;
                (Some(Breach::Memory), processes, share)
            }
            Some(share) => {
                self.last_memory = share;
                (None, processes, share)
            }
            None => (None, processes, self.last_memory),
        }
    }

    /// The family's proportional share of memory, when the thread that
    /// measures it has finished; starts one if none is measuring.
    fn proportional_share(&mut self, family: Vec<u32>) -> Option<u64> {
        if let Some(measuring) = &self.measuring {
            return match measuring.try_recv() {
                Ok(share) => {
                    self.measuring = None;
                    Some(share)
                }
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => {
                    self.measuring = None;
                    None
                }
            };
        }
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("forklab-pss".into())
            .spawn(move || {
                let _ = tx.send(
                    family
                        .iter()
                        .map(|&pid| platform::proportional_memory(pid))
                        .sum(),
                );
            });
        if spawned.is_ok() {
            self.measuring = Some(rx);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sampler_counts_a_child_and_sees_a_small_cap_passed() {
        let limits = Limits {
            processes: 1,
            memory: 1 << 40,
        };
        let mut sampler = Sampler::new(limits, std::process::id());
        let mut children: Vec<_> = (0..2)
            .map(|_| Command::new("sleep").arg("5").spawn().unwrap())
            .collect();
        let mut seen = None;
        for _ in 0..WALK_EVERY {
            seen = seen.or(sampler.check().0);
        }
        for child in &mut children {
            let _ = child.kill();
            let _ = child.wait();
        }
        assert_eq!(seen, Some(Breach::Processes));
    }
}
