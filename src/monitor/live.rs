//! The live sampler: sysinfo for usage and memory, the platform layer
//! (`crate::os::platform`) for the family tree and the core each process
//! last ran on.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

use super::{ProcessInfo, Sample, Sampler, Shares};
use crate::os;

/// Samples this machine, following the process family rooted at `root`.
pub struct LiveSampler {
    system: System,
    root: u32,
    /// Each family member's CPU time (ms) at the last tick, and when: its
    /// usage is the difference. Only the family is kept (gone ones drop).
    last_cpu: HashMap<u32, (u64, Instant)>,
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
            last_cpu: HashMap::new(),
            shares_rows: 0,
        })
    }

    /// Percent of one core `entry` used since the last tick (0 the first
    /// time it is seen, or when its pid now names another process).
    fn usage(&self, entry: &os::ProcEntry, now: Instant) -> f32 {
        let (Some(cpu), Some(&(before, then))) = (entry.cpu_ms, self.last_cpu.get(&entry.pid))
        else {
            return 0.0;
        };
        let wall = now.duration_since(then).as_secs_f64();
        if cpu < before || wall <= 0.0 {
            return 0.0;
        }
        ((cpu - before) as f64 / 1000.0 / wall * 100.0) as f32
    }
}

impl Sampler for LiveSampler {
    fn sample(&mut self) -> Sample {
        self.system.refresh_cpu_usage();
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        let family = family_tree(self.root);
        let now = Instant::now();
        let mut seen = HashMap::with_capacity(family.len());
        let processes = family
            .into_iter()
            .enumerate()
            .map(|(row, entry)| {
                let shares = if row < self.shares_rows {
                    read_shares(entry.pid)
                } else {
                    Shares::default()
                };
                let cpu = self.usage(&entry, now);
                if let Some(ms) = entry.cpu_ms {
                    seen.insert(entry.pid, (ms, now));
                }
                ProcessInfo {
                    cpu,
                    memory: entry.resident.unwrap_or(0),
                    shares,
                    ..process_info(entry)
                }
            })
            .collect();
        self.last_cpu = seen;
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

    /// Usage is the difference of the CPU time read with each process:
    /// a child that spins shows it, within a deadline (however busy the
    /// machine, a spinning child gets some CPU in 10 s).
    #[test]
    fn a_spinning_child_shows_its_usage_and_memory() {
        let mut sampler = LiveSampler::new(std::process::id()).unwrap();
        let mut child = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut seen = None;
        while seen.is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
            seen = sampler
                .sample()
                .processes
                .into_iter()
                .find(|p| p.pid == child.id() && p.cpu > 0.0);
        }
        let _ = child.kill();
        let _ = child.wait();
        let spinning = seen.expect("the spinning child's usage within 10 s");
        assert!(
            spinning.cpu <= 100.0 * 1.5,
            "{}% for one thread",
            spinning.cpu
        );
        assert!(spinning.memory > 0, "resident memory read with it");
    }
}
