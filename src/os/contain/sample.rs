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
//!   read); the family is walked when it grew by half the cap, when the
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
use crate::os::procfs;

/// How often the family is looked at.
pub(super) const EVERY: Duration = Duration::from_millis(5);

/// Walk the whole family at least every this many looks.
const WALK_EVERY: u32 = 10;

pub(super) struct Sampler {
    limits: Limits,
    /// The process whose descendants are the family (itself excluded).
    root: u32,
    /// The system's task count when the cage was made.
    baseline: u64,
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

/// The number of tasks on the system: the fourth field of `/proc/loadavg`
/// ("running/total").
fn system_tasks() -> u64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| {
            let field = t.split_whitespace().nth(3)?;
            field.split_once('/')?.1.parse().ok()
        })
        .unwrap_or(0)
}

/// The tasks (threads) this real user runs now: what `RLIMIT_NPROC` counts.
fn user_tasks() -> u64 {
    let uid = rustix::process::getuid().as_raw();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("status")).ok())
        .filter(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next()?.parse::<u32>().ok())
                == Some(uid)
        })
        .map(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(1)
        })
        .sum()
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

/// Anonymous resident bytes of a process (`statm`: resident minus shared).
fn anonymous(pid: u32, page: u64) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/statm"))
        .ok()
        .and_then(|t| {
            let mut f = t.split_whitespace().skip(1);
            let resident: u64 = f.next()?.parse().ok()?;
            let shared: u64 = f.next()?.parse().ok()?;
            Some(resident.saturating_sub(shared) * page)
        })
        .unwrap_or(0)
}

/// A process's proportional share of anonymous and shared memory, bytes
/// (`Pss_Anon` + `Pss_Shmem`, or `Pss` on kernels before 5.8).
fn proportional(pid: u32) -> u64 {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
        return 0;
    };
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let kb: u64 = l
                .strip_prefix(name)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()?;
            Some(kb * 1024)
        })
    };
    match (field("Pss_Anon:"), field("Pss_Shmem:")) {
        (Some(anon), shmem) => anon + shmem.unwrap_or(0),
        (None, _) => field("Pss:").unwrap_or(0),
    }
}

impl Sampler {
    pub(super) fn new(limits: Limits, root: u32) -> Sampler {
        let slack = (limits.memory / 4).max(64 << 20);
        let root_user = rustix::process::getuid().is_root();
        let cap = limits.processes.max(1);
        let nproc = (!root_user).then(|| lowered(Resource::Nproc, user_tasks() + cap + cap / 2));
        Sampler {
            limits,
            root,
            baseline: system_tasks(),
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
        let grew = system_tasks().saturating_sub(self.baseline) > cap / 2;
        let large = self.last_processes > cap / 2 || self.last_memory > self.limits.memory / 2;
        if !(grew || large || self.looks.is_multiple_of(WALK_EVERY)) {
            return (None, self.last_processes, self.last_memory);
        }
        let family = procfs::descendants(self.root);
        let processes = family.len() as u64;
        self.last_processes = processes;
        if processes > cap {
            return (Some(Breach::Processes), processes, self.last_memory);
        }
        let page = rustix::param::page_size() as u64;
        let anonymous: u64 = family.iter().map(|&pid| anonymous(pid, page)).sum();
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
                let _ = tx.send(family.iter().map(|&pid| proportional(pid)).sum());
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
    fn this_process_has_memory_and_the_system_has_tasks() {
        let page = rustix::param::page_size() as u64;
        assert!(anonymous(std::process::id(), page) > 0);
        assert!(proportional(std::process::id()) > 0);
        assert!(system_tasks() > 0);
        assert!(user_tasks() > 0);
    }

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
