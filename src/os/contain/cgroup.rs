//! A cgroup of forklab's own for one family: v2 under the nearest
//! delegated ancestor of this process's cgroup, else the v1 `pids` and
//! `memory` controllers under this process's own v1 cgroups.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::{Breach, GROUP_PREFIX, Kind, Limits};
use crate::os::process;

/// How long removing a cgroup may wait for its processes to go.
const EMPTY_LIMIT: Duration = Duration::from_secs(2);

/// One family's cgroup: one directory (v2), or one per controller (v1).
pub(super) struct Group {
    kind: Kind,
    /// v2: the one directory. v1: the `pids` directory, then `memory`'s.
    dirs: Vec<PathBuf>,
    /// Each directory's `cgroup.procs`, open for the child to write "0" to.
    procs: Vec<File>,
}

/// Where a hierarchy is mounted, and which of this process's cgroups in it.
struct Hierarchy {
    mount: PathBuf,
    /// The mount's root inside the hierarchy (`/` unless bind-mounted).
    root: String,
    /// This process's cgroup in it, from `/proc/self/cgroup`.
    own: String,
}

impl Hierarchy {
    /// The directory of this process's cgroup.
    fn own_dir(&self) -> PathBuf {
        let inside = self
            .own
            .strip_prefix(self.root.trim_end_matches('/'))
            .unwrap_or(&self.own);
        self.mount.join(inside.trim_start_matches('/'))
    }
}

/// The cgroup hierarchies of this process: `(fstype, super options, mount,
/// root)` from mountinfo, matched with `/proc/self/cgroup`.
fn hierarchies() -> Vec<(bool, Vec<String>, Hierarchy)> {
    let (Ok(mounts), Ok(own)) = (
        std::fs::read_to_string("/proc/self/mountinfo"),
        std::fs::read_to_string("/proc/self/cgroup"),
    ) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for line in mounts.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let left: Vec<&str> = left.split(' ').collect();
        let right: Vec<&str> = right.split(' ').collect();
        let (Some(root), Some(mount), Some(fstype), Some(options)) =
            (left.get(3), left.get(4), right.first(), right.get(2))
        else {
            continue;
        };
        let v2 = *fstype == "cgroup2";
        if !v2 && *fstype != "cgroup" {
            continue;
        }
        let options: Vec<String> = options.split(',').map(str::to_string).collect();
        // `/proc/self/cgroup`: "ID:controllers:path"; v2's controllers are empty.
        let path = own.lines().find_map(|l| {
            let mut parts = l.splitn(3, ':');
            let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
            let matches = if v2 {
                controllers.is_empty()
            } else {
                !controllers.is_empty()
                    && controllers
                        .split(',')
                        .all(|c| options.iter().any(|o| o == c))
            };
            matches.then(|| path.to_string())
        });
        if let Some(own) = path {
            found.push((
                v2,
                options,
                Hierarchy {
                    mount: PathBuf::from(mount),
                    root: root.to_string(),
                    own,
                },
            ));
        }
    }
    found
}

fn read(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok()
}

fn write(dir: &Path, file: &str, value: &str) -> io::Result<()> {
    std::fs::write(dir.join(file), value)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.join(file).display())))
}

/// A number read from a cgroup file (`None`: absent or not a number).
fn number(dir: &Path, file: &str) -> Option<u64> {
    read(dir, file)?.trim().parse().ok()
}

/// The value of `key` in a flat keyed file (`pids.events`, `memory.events`,
/// `memory.oom_control`): lines of "key value".
fn keyed(dir: &Path, file: &str, key: &str) -> Option<u64> {
    read(dir, file)?.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok())?
    })
}

fn writable(path: &Path) -> bool {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_ok()
}

/// The pids listed in a cgroup's `cgroup.procs`.
fn members(dir: &Path) -> Vec<u32> {
    read(dir, "cgroup.procs")
        .map(|t| {
            t.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Removes forklab cgroups in `parent` whose owner is gone (a guard killed
/// before it could clean up), or that carry `ours` (the pid is ours now,
/// so their owner is gone too): their processes are killed first.
fn remove_stale(parent: &Path, ours: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = name.to_str().and_then(|n| n.strip_prefix(GROUP_PREFIX)) else {
            continue;
        };
        let Ok(pid) = owner.parse::<u32>() else {
            continue;
        };
        let gone = !Path::new(&format!("/proc/{pid}")).exists();
        if gone || name.to_str() == Some(ours) {
            empty_and_remove(&[entry.path()], Instant::now() + EMPTY_LIMIT / 4);
        }
    }
}

/// SIGKILL to every process in `dirs`, a few rounds (one may fork between
/// the reading and the killing).
fn kill_members(dirs: &[PathBuf]) {
    for _ in 0..20 {
        let pids: Vec<u32> = dirs.iter().flat_map(|d| members(d)).collect();
        if pids.is_empty() {
            return;
        }
        for pid in pids {
            let _ = process::signal_process(pid, process::SIGKILL);
        }
    }
}

/// Kills what is in `dirs` and removes them, waiting until `until` for
/// the processes to go (a cgroup cannot be removed before).
fn empty_and_remove(dirs: &[PathBuf], until: Instant) -> bool {
    for dir in dirs {
        if dir.join("cgroup.kill").exists() {
            let _ = write(dir, "cgroup.kill", "1");
        }
    }
    kill_members(dirs);
    process::wait_for(until, || {
        kill_members(dirs);
        dirs.iter().all(|d| match std::fs::remove_dir(d) {
            Ok(()) => true,
            Err(e) => e.kind() == io::ErrorKind::NotFound,
        })
    })
}

impl Group {
    /// A new cgroup named `name` with `limits`, v2 first, then v1; `Err`
    /// says why neither could be made.
    pub(super) fn create(limits: Limits, name: &str) -> Result<Group, String> {
        let found = hierarchies();
        let v2 = found.iter().find(|(v2, _, _)| *v2).map(|(_, _, h)| h);
        let v2_error = match v2 {
            Some(h) => match Group::create_v2(h, limits, name) {
                Ok(group) => return Ok(group),
                Err(e) => e,
            },
            None => "no cgroup v2".to_string(),
        };
        let v1 = |controller: &str| {
            found
                .iter()
                .find(|(v2, options, _)| !v2 && options.iter().any(|o| o == controller))
                .map(|(_, _, h)| h)
        };
        match (v1("pids"), v1("memory")) {
            (Some(pids), Some(memory)) => Group::create_v1(pids, memory, limits, name)
                .map_err(|e| format!("cgroup v2: {v2_error}; cgroup v1: {e}")),
            _ => Err(format!(
                "cgroup v2: {v2_error}; no cgroup v1 pids and memory controllers"
            )),
        }
    }

    /// Under the nearest ancestor of this process's cgroup (itself
    /// included) that hands `pids` and `memory` to its children and that
    /// this process may write to: the delegated subtree.
    fn create_v2(h: &Hierarchy, limits: Limits, name: &str) -> Result<Group, String> {
        let mut dir = h.own_dir();
        let parent = loop {
            let enabled = read(&dir, "cgroup.subtree_control").unwrap_or_default();
            let has = |c: &str| enabled.split_whitespace().any(|e| e == c);
            if has("pids") && has("memory") && writable(&dir) && writable(&dir.join("cgroup.procs"))
            {
                break dir;
            }
            if dir == h.mount || !dir.pop() || !dir.starts_with(&h.mount) {
                return Err("no delegated cgroup with pids and memory".into());
            }
        };
        remove_stale(&parent, name);
        let dir = parent.join(name);
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let group = Group {
            kind: Kind::CgroupV2,
            dirs: vec![dir.clone()],
            procs: Vec::new(),
        };
        let set = || -> io::Result<()> {
            write(&dir, "pids.max", &limits.processes.to_string())?;
            write(&dir, "memory.max", &limits.memory.to_string())?;
            // No swapping out past the limit, and an OOM kills the family.
            let _ = write(&dir, "memory.swap.max", "0");
            let _ = write(&dir, "memory.oom.group", "1");
            Ok(())
        };
        group.finish_setup(set)
    }

    fn create_v1(
        pids: &Hierarchy,
        memory: &Hierarchy,
        limits: Limits,
        name: &str,
    ) -> Result<Group, String> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for parent in [pids.own_dir(), memory.own_dir()] {
            let dir = parent.join(name);
            if dirs.contains(&dir) {
                continue; // pids and memory mounted together
            }
            remove_stale(&parent, name);
            if let Err(e) = std::fs::create_dir(&dir) {
                Group {
                    kind: Kind::CgroupV1,
                    dirs,
                    procs: Vec::new(),
                }
                .remove();
                return Err(format!("{}: {e}", dir.display()));
            }
            dirs.push(dir);
        }
        let group = Group {
            kind: Kind::CgroupV1,
            dirs,
            procs: Vec::new(),
        };
        let (pids_dir, memory_dir) = (group.pids_dir().to_owned(), group.memory_dir().to_owned());
        let set = || -> io::Result<()> {
            write(&pids_dir, "pids.max", &limits.processes.to_string())?;
            write(
                &memory_dir,
                "memory.limit_in_bytes",
                &limits.memory.to_string(),
            )?;
            // Memory and swap together, where swap is accounted.
            let _ = write(
                &memory_dir,
                "memory.memsw.limit_in_bytes",
                &limits.memory.to_string(),
            );
            Ok(())
        };
        group.finish_setup(set)
    }

    /// Sets the limits and opens each `cgroup.procs`; on failure the
    /// group is removed and the error said.
    fn finish_setup(mut self, set: impl FnOnce() -> io::Result<()>) -> Result<Group, String> {
        let opened = set().and_then(|()| {
            self.dirs
                .iter()
                .map(|d| OpenOptions::new().write(true).open(d.join("cgroup.procs")))
                .collect::<io::Result<Vec<File>>>()
        });
        match opened {
            Ok(procs) => {
                self.procs = procs;
                Ok(self)
            }
            Err(e) => {
                self.remove();
                Err(e.to_string())
            }
        }
    }

    pub(super) fn kind(&self) -> Kind {
        self.kind
    }

    #[cfg(test)]
    pub(super) fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn pids_dir(&self) -> &Path {
        &self.dirs[0]
    }

    fn memory_dir(&self) -> &Path {
        &self.dirs[self.dirs.len() - 1]
    }

    /// Between fork and exec, the child writes "0" (itself) to every
    /// `cgroup.procs`; a failure fails the spawn.
    pub(super) fn join_on_exec(&self, cmd: &mut Command) {
        let fds: Vec<i32> = self.procs.iter().map(|f| f.as_raw_fd()).collect();
        // SAFETY: only write(2), async-signal-safe, on descriptors this
        // Group keeps open until after the spawn; nothing allocates.
        unsafe {
            cmd.pre_exec(move || {
                for &fd in &fds {
                    rustix::io::write(BorrowedFd::borrow_raw(fd), b"0")?;
                }
                Ok(())
            });
        }
    }

    /// The breach the kernel counted, and the processes and memory now.
    pub(super) fn check(&self) -> (Option<Breach>, u64, u64) {
        let (pids, memory) = (self.pids_dir(), self.memory_dir());
        let oom_kills = match self.kind {
            Kind::CgroupV2 => keyed(memory, "memory.events", "oom_kill"),
            // Kernels before 4.13 do not count OOM kills: the kernel still
            // holds the limit, but the reason is not told (`failcnt` also
            // counts page cache reclaimed at the limit, which is no fault).
            _ => keyed(memory, "memory.oom_control", "oom_kill"),
        };
        let refused_forks = keyed(pids, "pids.events", "max");
        let breach = if oom_kills.unwrap_or(0) > 0 {
            Some(Breach::Memory)
        } else if refused_forks.unwrap_or(0) > 0 {
            Some(Breach::Processes)
        } else {
            None
        };
        let usage = match self.kind {
            Kind::CgroupV2 => "memory.current",
            _ => "memory.usage_in_bytes",
        };
        (
            breach,
            number(pids, "pids.current").unwrap_or(0),
            number(memory, usage).unwrap_or(0),
        )
    }

    /// The kernel's own peaks, where it keeps them (0 where not).
    pub(super) fn peaks(&self) -> (u64, u64) {
        let memory = match self.kind {
            Kind::CgroupV2 => "memory.peak",
            _ => "memory.max_usage_in_bytes",
        };
        (
            number(self.pids_dir(), "pids.peak").unwrap_or(0),
            number(self.memory_dir(), memory).unwrap_or(0),
        )
    }

    pub(super) fn kill_all(&self) {
        if self.kind == Kind::CgroupV2 && write(&self.dirs[0], "cgroup.kill", "1").is_ok() {
            return;
        }
        kill_members(&self.dirs);
    }

    /// Kills what is left in it, waits (with a limit) and removes it.
    pub(super) fn remove(mut self) {
        self.procs.clear();
        let dirs = std::mem::take(&mut self.dirs);
        empty_and_remove(&dirs, Instant::now() + EMPTY_LIMIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_files_are_read_by_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("memory.oom_control"),
            "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("pids.events"), "max 0\n").unwrap();
        assert_eq!(keyed(dir.path(), "memory.oom_control", "oom_kill"), Some(3));
        assert_eq!(keyed(dir.path(), "pids.events", "max"), Some(0));
        assert_eq!(keyed(dir.path(), "pids.events", "other"), None);
    }

    #[test]
    fn a_bind_mounted_hierarchy_finds_its_own_directory() {
        let h = Hierarchy {
            mount: PathBuf::from("/sys/fs/cgroup/memory"),
            root: "/".into(),
            own: "/process_api/abc".into(),
        };
        assert_eq!(
            h.own_dir(),
            PathBuf::from("/sys/fs/cgroup/memory/process_api/abc")
        );
        let inner = Hierarchy {
            root: "/process_api".into(),
            ..h
        };
        assert_eq!(inner.own_dir(), PathBuf::from("/sys/fs/cgroup/memory/abc"));
    }
}
