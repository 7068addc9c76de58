//! The processes a run produced, as seen by sampling `/proc`: who is the
//! master, who are its workers, which helpers Python started. Samples keep
//! every process ever seen, so short-lived workers are not forgotten.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::monitor::ProcessInfo;
use crate::monitor::role::{classify, refine};

pub use crate::monitor::role::Role;

/// The role of `entry` in a run whose guard and master are given;
/// `parent` is `entry`'s parent, when known. The pids settle the guard and
/// the master; command lines settle the rest.
pub fn role_of(entry: &ProcessInfo, parent: Option<&ProcessInfo>, guard: u32, master: u32) -> Role {
    if entry.pid == guard {
        return Role::Guard;
    }
    if entry.pid == master {
        return Role::Master;
    }
    let parent = parent.map(|p| (&*p.name, &*p.command));
    match refine(classify(&entry.name, &entry.command, parent), entry.serves) {
        // Only the script is the master; another first Python is its child.
        Role::Master => Role::Worker,
        Role::Forklab | Role::Guard | Role::Busy => Role::Other,
        role => role,
    }
}

/// A process of the run, with what the samples saw of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenProcess {
    pub pid: u32,
    pub ppid: u32,
    /// The kernel's short name.
    pub name: String,
    /// The command line (made safe to show).
    pub cmdline: String,
    pub role: Role,
    /// Offsets since the run started of the first and last sample showing it.
    pub first_seen: Duration,
    pub last_seen: Duration,
    /// Every core a sample saw it on.
    pub cores: BTreeSet<usize>,
}

/// Every process seen in a run's family, in order of first sighting.
#[derive(Debug, Clone, Default)]
pub struct FamilyLog {
    guard: u32,
    master: u32,
    processes: Vec<SeenProcess>,
    samples: usize,
}

impl FamilyLog {
    /// A log for the run whose guard and master (script) pids are given.
    pub fn new(guard: u32, master: u32) -> FamilyLog {
        FamilyLog {
            guard,
            master,
            ..FamilyLog::default()
        }
    }

    /// Adds one sample of the family (the processes of a
    /// [`crate::monitor::live::FamilySampler`] rooted at the guard).
    pub fn record(&mut self, at: Duration, sample: &[ProcessInfo]) {
        self.samples += 1;
        for entry in sample {
            let parent = sample.iter().find(|p| p.pid == entry.ppid);
            let role = role_of(entry, parent, self.guard, self.master);
            let cmdline = crate::sanitize::line(&entry.command).into_owned();
            match self.processes.iter_mut().find(|p| p.pid == entry.pid) {
                Some(seen) => {
                    seen.last_seen = at;
                    seen.cores.extend(entry.core);
                    // An ending process loses its command line (the
                    // sample then shows its bare name): keep the one seen.
                    if entry.state != 'Z' && entry.command != entry.name {
                        // What a worker (or server) is, is what it is now:
                        // a process first seen as a forked copy of its
                        // parent may exec into the tracker, the forkserver
                        // or a spawned worker; a Manager's server is known
                        // once it listens (a spawned one only after
                        // starting up); a forkserver's child holds the
                        // server's listening socket for its first moments
                        // and is a worker once it closes it.
                        if matches!(seen.role, Role::Worker | Role::Manager) {
                            seen.role = role;
                        }
                        seen.cmdline = cmdline;
                    }
                }
                None => self.processes.push(SeenProcess {
                    pid: entry.pid,
                    ppid: entry.ppid,
                    name: crate::sanitize::line(&entry.name).into_owned(),
                    cmdline,
                    role,
                    first_seen: at,
                    last_seen: at,
                    cores: entry.core.into_iter().collect(),
                }),
            }
        }
    }

    /// Every process seen, in order of first sighting.
    pub fn processes(&self) -> &[SeenProcess] {
        &self.processes
    }

    /// How many samples were recorded.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The script's pid.
    pub fn master(&self) -> u32 {
        self.master
    }

    /// The guard's pid: the root to sample from.
    pub fn guard(&self) -> u32 {
        self.guard
    }

    /// Python workers whose parent is the script's process.
    pub fn workers_of_master(&self) -> impl Iterator<Item = &SeenProcess> {
        self.processes
            .iter()
            .filter(|p| p.role == Role::Worker && p.ppid == self.master)
    }

    /// The processes as a tree, parents before their children, each with
    /// its depth (0 for the guard or any process whose parent was not seen).
    pub fn tree(&self) -> Vec<(usize, &SeenProcess)> {
        let mut out = Vec::with_capacity(self.processes.len());
        let known = |pid: u32| self.processes.iter().any(|p| p.pid == pid);
        let roots = self
            .processes
            .iter()
            .filter(|p| !known(p.ppid) || p.ppid == p.pid);
        for root in roots {
            self.add_subtree(root, 0, &mut out);
        }
        out
    }

    fn add_subtree<'a>(
        &'a self,
        process: &'a SeenProcess,
        depth: usize,
        out: &mut Vec<(usize, &'a SeenProcess)>,
    ) {
        if out.iter().any(|(_, p)| p.pid == process.pid) {
            return;
        }
        out.push((depth, process));
        for child in self
            .processes
            .iter()
            .filter(|c| c.ppid == process.pid && c.pid != process.pid)
        {
            self.add_subtree(child, depth + 1, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(pid: u32, ppid: u32, name: &str, cmdline: &str, core: usize) -> ProcessInfo {
        ProcessInfo {
            pid,
            ppid,
            name: name.into(),
            command: cmdline.into(),
            state: 'S',
            cpu: 0.0,
            memory: 0,
            core: Some(core),
            serves: false,
            shares: Default::default(),
        }
    }

    #[test]
    fn roles_under_each_start_method() {
        let guard = entry(10, 1, "forklab", "forklab guard -- python3 -u s.py", 0);
        let master = entry(11, 10, "python3", "python3 -u s.py", 0);
        let forked = entry(12, 11, "python3", "python3 -u s.py", 1);
        let spawned = entry(
            13,
            11,
            "python3.11",
            "/usr/bin/python3.11 -c from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7) --multiprocessing-fork",
            0,
        );
        let tracker = entry(
            14,
            11,
            "python3",
            "python3 -c from multiprocessing.resource_tracker import main;main(4)",
            0,
        );
        let server = entry(
            15,
            11,
            "python3",
            "python3 -c from multiprocessing.forkserver import main; main(8, 9)",
            1,
        );
        let served = entry(
            16,
            15,
            "python3",
            "python3 -c from multiprocessing.forkserver import main; main(8, 9)",
            1,
        );
        let shell = entry(
            17,
            11,
            "bash",
            "bash /root/.pyenv/libexec/pyenv-version-name",
            1,
        );
        let all = [
            &guard, &master, &forked, &spawned, &tracker, &server, &served, &shell,
        ];
        let role = |e: &ProcessInfo| {
            let parent = all.iter().find(|p| p.pid == e.ppid).copied();
            role_of(e, parent, 10, 11)
        };
        assert_eq!(role(&guard), Role::Guard);
        assert_eq!(role(&master), Role::Master);
        assert_eq!(role(&forked), Role::Worker);
        assert_eq!(role(&spawned), Role::Worker);
        assert_eq!(role(&tracker), Role::Tracker);
        assert_eq!(role(&server), Role::Forkserver);
        assert_eq!(role(&served), Role::Worker);
        assert_eq!(role(&shell), Role::Other);
    }

    #[test]
    fn the_log_keeps_every_process_and_its_cores() {
        let mut log = FamilyLog::new(10, 11);
        let guard = entry(10, 1, "forklab", "forklab guard", 0);
        let master = entry(11, 10, "python3", "python3 -u s.py", 0);
        let w1 = entry(12, 11, "python3", "python3 -u s.py", 1);
        let w2 = entry(13, 11, "python3", "python3 -u s.py", 0);
        log.record(
            Duration::from_millis(50),
            &[guard.clone(), master.clone(), w1.clone()],
        );
        let mut w1_moved = w1.clone();
        w1_moved.core = Some(0);
        log.record(Duration::from_millis(100), &[guard, master, w1_moved, w2]);
        // Leaving, the guard has no command line left: its name is shown.
        let leaving = entry(10, 1, "forklab", "forklab", 0);
        log.record(Duration::from_millis(150), &[leaving]);
        log.record(Duration::from_millis(200), &[]);
        assert_eq!(log.samples(), 4);
        assert_eq!(log.processes()[0].cmdline, "forklab guard");
        assert_eq!(log.processes().len(), 4);
        assert_eq!(log.workers_of_master().count(), 2);
        let w1 = &log.processes()[2];
        assert_eq!(w1.cores.iter().copied().collect::<Vec<_>>(), [0, 1]);
        assert_eq!(
            (w1.first_seen.as_millis(), w1.last_seen.as_millis()),
            (50, 100)
        );
        let tree: Vec<(usize, u32)> = log.tree().iter().map(|(d, p)| (*d, p.pid)).collect();
        assert_eq!(tree, [(0, 10), (1, 11), (2, 12), (2, 13)]);
    }
}
