//! Hard limits on a process family's size and memory, enforced by the
//! kernel where it can be: the only place that knows cgroups and rlimits.
//!
//! A [`Cage`] is made for one child (and everything it starts):
//! - a cgroup of its own when this process may create one: cgroup v2 under
//!   a delegated subtree (`pids.max`, `memory.max`, `memory.oom.group`), or
//!   the v1 `pids` and `memory` controllers (`pids.max`,
//!   `memory.limit_in_bytes`), made under this process's own cgroups. The
//!   child joins it between fork and exec, so nothing it runs is outside.
//!   The kernel refuses the fork past the cap and OOM-kills at the limit;
//!   [`Cage::check`] reads the kernel's own counters (`pids.events` max,
//!   `oom_kill`) to say which limit was hit;
//! - otherwise rlimits (`RLIMIT_DATA` per process, `RLIMIT_NPROC` unless
//!   root, who ignores it) and the family sampled every few milliseconds
//!   ([`sample`]), which finds a family past the cap or the limit.
//!
//! Where no subreaper adopts a family's orphans (the portable backend), a
//! [`Tag`] finds the family at the end by an environment token, wherever
//! its members went.
//!
//! The caller kills the family when [`Cage::check`] reports a breach. The
//! cgroup is always removed: by [`Cage::finish`], by `Drop` (errors,
//! panics), and a stale one left by a killed owner is removed the next
//! time a cage is made beside it. `FORKLAB_CONTAIN=rlimit` forces the
//! fallback (to test it, or where a cgroup misbehaves).

mod cgroup;
mod sample;
mod tag;

pub use tag::{TAG_VAR, Tag};

use std::process::Command;
use std::time::Duration;

use cgroup::Group;
use sample::Sampler;

/// `FORKLAB_CONTAIN`: `rlimit` forces rlimits and sampling; anything else
/// (or nothing) takes a cgroup where one may be made.
pub const MODE_VAR: &str = "FORKLAB_CONTAIN";

/// The prefix of the cgroups forklab makes (`forklab-PID`, PID the owner's).
pub const GROUP_PREFIX: &str = "forklab-";

/// What a family may hold at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Processes (the kernel's cgroup counts their threads too).
    pub processes: u64,
    /// Bytes of memory.
    pub memory: u64,
}

/// Which containment holds a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    CgroupV2,
    CgroupV1,
    /// Rlimits and sampling: no cgroup could be made here.
    Rlimits,
}

impl Kind {
    /// As the status line writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CgroupV2 => "cgroup-v2",
            Kind::CgroupV1 => "cgroup-v1",
            Kind::Rlimits => "rlimits",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        [Kind::CgroupV2, Kind::CgroupV1, Kind::Rlimits]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// The limit a family went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Breach {
    Processes,
    Memory,
}

impl Breach {
    pub fn as_str(self) -> &'static str {
        match self {
            Breach::Processes => "processes",
            Breach::Memory => "memory",
        }
    }

    pub fn parse(text: &str) -> Option<Breach> {
        [Breach::Processes, Breach::Memory]
            .into_iter()
            .find(|b| b.as_str() == text)
    }
}

/// How a family was contained and what it reached: carried in a run's
/// result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contained {
    pub kind: Kind,
    pub limits: Limits,
    /// The limit the family went past, as the kernel's counters (or, for
    /// rlimits, the sampler) saw it; the family was then stopped.
    pub breach: Option<Breach>,
    /// The most processes it held at once (the kernel's `pids.peak` with a
    /// cgroup, else the samples).
    pub peak_processes: u64,
    /// The most memory it used at once, in bytes (the cgroup's own peak,
    /// else the samples).
    pub peak_memory: u64,
}

impl Contained {
    /// One short line: "kernel cgroup v1: at most 64 processes, 6 GiB".
    pub fn describe(&self) -> String {
        let limits = format!(
            "at most {} processes, {}",
            self.limits.processes,
            size(self.limits.memory)
        );
        match self.kind {
            Kind::CgroupV2 => format!("kernel cgroup v2: {limits}"),
            Kind::CgroupV1 => format!("kernel cgroup v1: {limits}"),
            Kind::Rlimits => format!("rlimits + sampling (no cgroup here): {limits}"),
        }
    }

    /// The words of the guard's status line after `contained`.
    pub fn to_words(&self) -> String {
        format!(
            "{} {} {} {} {} {}",
            self.kind.as_str(),
            self.limits.processes,
            self.limits.memory,
            self.breach.map_or("-", Breach::as_str),
            self.peak_processes,
            self.peak_memory
        )
    }

    /// Reads [`Contained::to_words`]; `None` for anything else.
    pub fn from_words(text: &str) -> Option<Contained> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let [kind, processes, memory, breach, peak_processes, peak_memory] = words[..] else {
            return None;
        };
        Some(Contained {
            kind: Kind::parse(kind)?,
            limits: Limits {
                processes: processes.parse().ok()?,
                memory: memory.parse().ok()?,
            },
            breach: match breach {
                "-" => None,
                other => Some(Breach::parse(other)?),
            },
            peak_processes: peak_processes.parse().ok()?,
            peak_memory: peak_memory.parse().ok()?,
        })
    }
}

/// A size as people read it: "6 GiB", "1.5 GiB", "256 MiB".
pub fn size(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    if bytes >= GIB {
        let tenths = (bytes * 10 + GIB / 2) / GIB;
        if tenths.is_multiple_of(10) {
            format!("{} GiB", tenths / 10)
        } else {
            format!("{}.{} GiB", tenths / 10, tenths % 10)
        }
    } else if bytes >= MIB {
        format!("{} MiB", (bytes + MIB / 2) / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The watcher's niceness without a cgroup (from 0: about nine times the
/// weight of an ordinary process).
const WATCHER_NICE: i32 = -10;

/// The family's niceness when root may not favour the watcher.
const FAMILY_NICE: i32 = 19;

/// Whether the environment forces the fallback.
fn forced_rlimits() -> bool {
    std::env::var(MODE_VAR).is_ok_and(|v| v.trim().eq_ignore_ascii_case("rlimit"))
}

/// The containment of one family. Made before the child is spawned,
/// [`Cage::prepare`]d into its `Command`, checked while it runs, finished
/// after it.
pub struct Cage {
    limits: Limits,
    group: Option<Group>,
    sampler: Sampler,
    /// Why no cgroup holds the family (for `forklab guard`'s diagnostics).
    fallback: Option<String>,
    peak_processes: u64,
    peak_memory: u64,
}

impl Cage {
    /// A cage for the descendants of `root` (the process that will spawn
    /// the child, which stays outside): a cgroup if one may be made here,
    /// else rlimits and sampling.
    pub fn new(limits: Limits, root: u32) -> Cage {
        let made = if forced_rlimits() {
            Err(format!("{MODE_VAR}=rlimit"))
        } else if crate::os::platform::choice().backend != crate::os::platform::Backend::Procfs {
            Err("no cgroups with the portable backend".to_string())
        } else {
            Group::create(limits, &format!("{GROUP_PREFIX}{root}"))
        };
        let (group, fallback) = match made {
            Ok(group) => (Some(group), None),
            Err(why) => (None, Some(why)),
        };
        Cage {
            limits,
            group,
            sampler: Sampler::new(limits, root),
            fallback,
            peak_processes: 0,
            peak_memory: 0,
        }
    }

    /// Gives up the cgroup (when the child could not join it) for rlimits.
    pub fn fall_back(&mut self, why: String) {
        if let Some(group) = self.group.take() {
            group.remove();
        }
        self.fallback = Some(why);
    }

    pub fn kind(&self) -> Kind {
        self.group.as_ref().map_or(Kind::Rlimits, Group::kind)
    }

    /// Why no cgroup holds the family, if none does.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.fallback.as_deref()
    }

    /// Makes the child that `cmd` starts join the cage before it runs
    /// anything (a cgroup's `cgroup.procs`, or its rlimits). If joining the
    /// cgroup fails, the spawn fails: call [`Cage::fall_back`] and spawn again.
    pub fn prepare(&self, cmd: &mut Command) {
        match &self.group {
            Some(group) => group.join_on_exec(cmd),
            None => self.sampler.limit_on_exec(cmd),
        }
    }

    /// Called by the watcher (the process that checks) once the child
    /// runs, leading its process group `child_group`: without a cgroup, it
    /// raises its own priority where it may (root), so that a fork bomb
    /// filling the cores cannot keep it from looking. The child was started
    /// before, at the usual priority. Root without that privilege (a
    /// container), whom RLIMIT_NPROC does not hold either, lowers the
    /// child's group a little instead (any process may).
    pub fn favour_watcher(&self, child_group: u32) {
        if self.group.is_some() {
            return;
        }
        #[cfg(target_os = "linux")]
        let real_time = {
            // A real-time watcher runs the moment it wakes, however many
            // processes spin. It sleeps between looks; the kernel keeps
            // real-time tasks to 95% of a core should it ever spin.
            let param = libc::sched_param { sched_priority: 1 };
            // SAFETY: sched_setscheduler(2) on this process with a valid,
            // initialised parameter; it fails harmlessly without privilege.
            unsafe {
                libc::sched_setscheduler(0, libc::SCHED_FIFO | libc::SCHED_RESET_ON_FORK, &param)
                    == 0
            }
        };
        #[cfg(not(target_os = "linux"))]
        let real_time = false;
        let niced = rustix::process::setpriority_process(None, WATCHER_NICE).is_ok();
        if !real_time
            && !niced
            && rustix::process::getuid().is_root()
            && let Some(group) = rustix::process::Pid::from_raw(child_group as i32)
        {
            let _ = rustix::process::setpriority_pgrp(Some(group), FAMILY_NICE);
        }
    }

    /// How long the caller may wait between two [`Cage::check`]s.
    pub fn check_every(&self) -> Duration {
        match self.group {
            Some(_) => Duration::from_millis(20),
            None => sample::EVERY,
        }
    }

    /// The limit the family has gone past, if any (then the caller kills it).
    pub fn check(&mut self) -> Option<Breach> {
        let (breach, processes, memory) = match &self.group {
            Some(group) => group.check(),
            None => self.sampler.check(),
        };
        self.peak_processes = self.peak_processes.max(processes);
        self.peak_memory = self.peak_memory.max(memory);
        breach
    }

    /// Kills every process in the cgroup (the caller kills the family it
    /// knows as well: with rlimits that is all there is).
    pub fn kill_all(&self) {
        if let Some(group) = &self.group {
            group.kill_all();
        }
    }

    /// What held the family and what it reached; the cgroup is removed.
    pub fn finish(mut self, breach: Option<Breach>) -> Contained {
        let kind = self.kind();
        if let Some(group) = &self.group {
            let (processes, memory) = group.peaks();
            self.peak_processes = self.peak_processes.max(processes);
            self.peak_memory = self.peak_memory.max(memory);
        }
        Contained {
            kind,
            limits: self.limits,
            breach,
            peak_processes: self.peak_processes,
            peak_memory: self.peak_memory,
        }
        // `self` drops here: the cgroup goes.
    }
}

impl Drop for Cage {
    fn drop(&mut self) {
        if let Some(group) = self.group.take() {
            group.remove();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pid that was just used and is gone (a child already reaped).
    fn dead_pid() -> u32 {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn group_dirs(cage: &Cage) -> Vec<std::path::PathBuf> {
        cage.group
            .as_ref()
            .map(|g| g.dirs().to_vec())
            .unwrap_or_default()
    }

    #[test]
    fn a_cgroup_is_removed_after_use_and_a_stale_one_the_next_time() {
        let limits = Limits {
            processes: 8,
            memory: 64 << 20,
        };
        let crashed = Cage::new(limits, dead_pid());
        if let Some(why) = crashed.fallback_reason() {
            // Only where forklab may make a cgroup; elsewhere the fallback
            // holds, and this says visibly that the part did not run.
            eprintln!("SKIPPED the cgroup part: no cgroup may be made here ({why})");
            return;
        }
        let stale = group_dirs(&crashed);
        assert!(stale.iter().all(|d| d.is_dir()), "{stale:?}");
        // Its owner "crashed": nothing removed it.
        std::mem::forget(crashed);
        let cage = Cage::new(limits, std::process::id());
        assert!(
            stale.iter().all(|d| !d.exists()),
            "a stale cgroup was left: {stale:?}"
        );
        let mine = group_dirs(&cage);
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        cage.prepare(&mut cmd);
        let mut child = cmd.spawn().unwrap();
        let contained = cage.finish(None);
        assert!(mine.iter().all(|d| !d.exists()), "{mine:?}");
        // Removing the cgroup killed what was in it.
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(crate::os::process::SIGKILL)
        );
        assert_ne!(contained.kind, Kind::Rlimits);
        assert!(contained.peak_processes >= 1, "{contained:?}");
    }

    #[test]
    fn sizes_read_like_people_say_them() {
        assert_eq!(size(6 << 30), "6 GiB");
        assert_eq!(size(3 << 29), "1.5 GiB");
        assert_eq!(size(256 << 20), "256 MiB");
        assert_eq!(size(512), "512 bytes");
    }

    #[test]
    fn the_status_words_round_trip() {
        let contained = Contained {
            kind: Kind::CgroupV1,
            limits: Limits {
                processes: 64,
                memory: 6 << 30,
            },
            breach: Some(Breach::Memory),
            peak_processes: 12,
            peak_memory: 1 << 30,
        };
        assert_eq!(
            Contained::from_words(&contained.to_words()),
            Some(contained)
        );
        let calm = Contained {
            breach: None,
            kind: Kind::Rlimits,
            ..contained
        };
        assert_eq!(Contained::from_words(&calm.to_words()), Some(calm));
        assert_eq!(Contained::from_words("cgroup-v1 64"), None);
        assert_eq!(
            contained.describe(),
            "kernel cgroup v1: at most 64 processes, 6 GiB"
        );
        assert_eq!(
            calm.describe(),
            "rlimits + sampling (no cgroup here): at most 64 processes, 6 GiB"
        );
    }
}
