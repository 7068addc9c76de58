//! The live sampler: sysinfo for usage and memory, the platform layer
//! (`crate::os::platform`) for the family tree and the core each process
//! last ran on.

use std::collections::BTreeSet;

use sysinfo::{
    CpuRefreshKind, MemoryRefreshKind, Pid, ProcessRefreshKind, ProcessesToUpdate, RefreshKind,
    System,
};

use super::{ProcessInfo, Sample, Sampler, Shares};
use crate::os;

/// Samples this machine, following the process family rooted at `root`.
pub struct LiveSampler {
    system: System,
    root: u32,
    /// Pids of the family at the last tick, refreshed again so that dead
    /// ones are dropped from sysinfo's table.
    last_family: Vec<Pid>,
    /// How many of the family's first processes get their [`Shares`] read.
    shares_rows: usize,
}

impl LiveSampler {
    /// Watches `root` (normally forklab itself) and its descendants.
    pub fn new(root: u32) -> Result<LiveSampler, String> {
        let kind = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_usage())
            .with_memory(MemoryRefreshKind::nothing().with_ram());
        let system = System::new_with_specifics(kind)
            .map_err(|e| format!("cannot read system statistics: {e}"))?;
        Ok(LiveSampler {
            system,
            root,
            last_family: Vec::new(),
            shares_rows: 0,
        })
    }
}

impl Sampler for LiveSampler {
    fn sample(&mut self) -> Sample {
        self.system.refresh_cpu_usage();
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        let family = family_tree(self.root);
        let pids: Vec<Pid> = family.iter().map(|p| Pid::from_u32(p.pid)).collect();
        let mut refresh: Vec<Pid> = pids
            .iter()
            .chain(self.last_family.iter())
            .copied()
            .collect();
        refresh.sort_unstable();
        refresh.dedup();
        self.system.refresh_processes_specifics(
            ProcessesToUpdate::Some(&refresh),
            true,
            ProcessRefreshKind::nothing()
                .with_cpu()
                .with_memory()
                .without_tasks(),
        );
        self.last_family = pids;
        let processes = family
            .into_iter()
            .enumerate()
            .map(|(row, entry)| {
                let process = self.system.process(Pid::from_u32(entry.pid));
                let shares = if row < self.shares_rows {
                    read_shares(entry.pid)
                } else {
                    Shares::default()
                };
                ProcessInfo {
                    cpu: process.map_or(0.0, |p| p.cpu_usage()),
                    memory: process.map_or(0, |p| p.memory()),
                    shares,
                    ..process_info(entry)
                }
            })
            .collect();
        Sample {
            cores: self.system.cpus().iter().map(|c| c.usage()).collect(),
            total: self.system.global_cpu_usage(),
            memory_used: self.system.used_memory(),
            memory_total: self.system.total_memory(),
            load: System::load_average()
                .ok()
                .map(|l| [l.one, l.five, l.fifteen]),
            processes,
        }
    }

    fn read_shares(&mut self, rows: usize) {
        self.shares_rows = rows;
    }
}

/// USS and PSS from the platform (unknown where it cannot say).
pub fn read_shares(pid: u32) -> Shares {
    let rollup = os::platform::memory_rollup(pid);
    Shares {
        uss: rollup.and_then(|r| r.uss()),
        pss: rollup.and_then(|r| r.pss),
    }
}

/// Samples only a process family (no usage, no memory): what a headless
/// command needs to see which processes a run made, cheap enough to run
/// every few milliseconds. `Sample::processes` is all it fills.
pub struct FamilySampler {
    root: u32,
}

impl FamilySampler {
    /// Follows `root` and its descendants.
    pub fn new(root: u32) -> FamilySampler {
        FamilySampler { root }
    }
}

impl Sampler for FamilySampler {
    fn sample(&mut self) -> Sample {
        Sample {
            processes: family_tree(self.root)
                .into_iter()
                .map(process_info)
                .collect(),
            ..Sample::default()
        }
    }
}

/// A `/proc` entry as the panes show it (usage and memory left at 0).
fn process_info(entry: os::ProcEntry) -> ProcessInfo {
    ProcessInfo {
        pid: entry.pid,
        ppid: entry.ppid,
        command: if entry.cmdline.is_empty() {
            entry.name.as_str().into()
        } else {
            entry.cmdline.into()
        },
        name: entry.name.into(),
        state: entry.state,
        cpu: 0.0,
        memory: 0,
        core: entry.last_core,
        serves: entry.serves,
        shares: Shares::default(),
    }
}

/// `root` and its descendants, parents before children, found through
/// the children the system lists (Linux: each thread's `children` file):
/// no scan of the whole process table. Falls back to a full scan where the
/// system does not list them.
pub fn family_tree(root: u32) -> Vec<os::ProcEntry> {
    let Some(first) = os::proc_entry(root) else {
        return Vec::new();
    };
    let mut family = vec![first];
    let mut seen = BTreeSet::from([root]);
    let mut i = 0;
    while i < family.len() {
        let Some(children) = os::children_of(family[i].pid) else {
            return os::family_of(root);
        };
        for pid in children {
            if seen.insert(pid)
                && let Some(entry) = os::proc_entry(pid)
            {
                family.push(entry);
            }
        }
        i += 1;
    }
    family
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_every_core_and_a_child_process() {
        let mut sampler = LiveSampler::new(std::process::id()).unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let sample = sampler.sample();
        let _ = child.kill();
        let _ = child.wait();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(sample.cores.len() >= cores);
        assert!(sample.memory_total > 0 && sample.memory_used <= sample.memory_total);
        assert_eq!(sample.processes[0].pid, std::process::id());
        let sleep = sample
            .processes
            .iter()
            .find(|p| p.pid == child.id())
            .expect("child in the family");
        assert_eq!(sleep.ppid, std::process::id());
        assert_eq!(
            sleep.core.is_some(),
            os::last_core(std::process::id()).is_some()
        );
    }
}
