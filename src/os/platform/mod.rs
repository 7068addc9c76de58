//! The platform layer: every reading of processes and of the machine that
//! only one operating system offers goes through here, answered by one of
//! two backends.
//!
//! - [`procfs`]: Linux `/proc` (the default on Linux): quick family walks
//!   through `/proc/PID/task/*/children`, the core each process last ran
//!   on, a Manager's socket, proportional memory, the machine's busy time.
//! - [`portable`]: sysinfo and `getrusage` (the only backend elsewhere;
//!   `FORKLAB_BACKEND=portable` forces it on Linux): the same facts where
//!   a portable interface gives them, `None` (shown as unknown) where not.
//!
//! The Linux-only process controls (parent-death signal, subreaper, CPU
//! affinity, cgroups) stay in [`crate::os`] behind `cfg`s; whether the
//! guard has a subreaper is [`has_subreaper`].

mod portable;
mod procfs;
mod smaps;

use std::sync::OnceLock;

pub use procfs::{listening_pymp_socket, parse_last_core};
pub use smaps::Rollup;

/// The environment variable that picks the backend.
pub const BACKEND_VAR: &str = "FORKLAB_BACKEND";

/// Which backend answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Procfs,
    Portable,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Procfs => "procfs",
            Backend::Portable => "portable",
        }
    }
}

/// The backend chosen, and why another was not (a value of
/// `FORKLAB_BACKEND` not understood, or procfs asked for where there is
/// none), for `forklab config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub backend: Backend,
    pub note: Option<String>,
}

/// The backend for this process, read once.
pub fn choice() -> &'static Choice {
    static CHOICE: OnceLock<Choice> = OnceLock::new();
    CHOICE.get_or_init(|| choose(std::env::var(BACKEND_VAR).ok().as_deref()))
}

fn backend() -> Backend {
    choice().backend
}

/// What `FORKLAB_BACKEND=value` picks here.
fn choose(value: Option<&str>) -> Choice {
    let native = if cfg!(target_os = "linux") {
        Backend::Procfs
    } else {
        Backend::Portable
    };
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    let asked = match value {
        None => {
            return Choice {
                backend: native,
                note: None,
            };
        }
        Some(v) if v.eq_ignore_ascii_case("portable") => Backend::Portable,
        Some(v) if v.eq_ignore_ascii_case("procfs") => Backend::Procfs,
        Some(v) => {
            return Choice {
                backend: native,
                note: Some(format!(
                    "{BACKEND_VAR}={} is not a backend (procfs or portable)",
                    crate::sanitize::line(v)
                )),
            };
        }
    };
    if asked == Backend::Procfs && native != Backend::Procfs {
        return Choice {
            backend: native,
            note: Some(format!("{BACKEND_VAR}=procfs needs Linux")),
        };
    }
    Choice {
        backend: asked,
        note: None,
    }
}

/// One process: enough to draw a family tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcEntry {
    pub pid: u32,
    pub ppid: u32,
    /// The system's short name (Linux: at most 15 characters).
    pub name: String,
    /// The command line, arguments joined by spaces (empty for zombies).
    pub cmdline: String,
    /// One-letter state: R running, S sleeping, Z zombie, ...
    pub state: char,
    /// Where the OS says; `None` (unknown) where it does not.
    pub last_core: Option<usize>,
    /// Listens on a `multiprocessing` socket (a Manager's server does);
    /// `false` where that cannot be seen.
    pub serves: bool,
    /// CPU time used so far (user + system) in milliseconds, read with
    /// the rest: what the sampler's usage figures are differences of.
    pub cpu_ms: Option<u64>,
    /// Resident memory in bytes.
    pub resident: Option<u64>,
}

/// Reads one process; `None` if it is gone.
pub fn proc_entry(pid: u32) -> Option<ProcEntry> {
    match backend() {
        Backend::Procfs => procfs::proc_entry(pid),
        Backend::Portable => portable::proc_entry(pid),
    }
}

/// Every process on the system.
pub fn all_processes() -> Vec<ProcEntry> {
    match backend() {
        Backend::Procfs => procfs::all_processes(),
        Backend::Portable => portable::all_processes(),
    }
}

/// `root` and all its descendants, parents before children (threads are
/// not processes here), from one look at every process.
pub fn family_of(root: u32) -> Vec<ProcEntry> {
    let all = all_processes();
    let mut family: Vec<ProcEntry> = all.iter().filter(|p| p.pid == root).cloned().collect();
    let mut i = 0;
    while i < family.len() {
        let parent = family[i].pid;
        family.extend(
            all.iter()
                .filter(|p| p.ppid == parent && p.pid != root)
                .cloned(),
        );
        i += 1;
    }
    family
}

/// The pids of every descendant of `root` (not `root` itself): with
/// procfs only the family's own entries are read, so it stays quick while
/// a fork bomb fills the system; elsewhere one look at every process's
/// parent (the lightest reading sysinfo has).
pub fn descendants(root: u32) -> Vec<u32> {
    match backend() {
        Backend::Procfs => procfs::descendants(root).unwrap_or_else(|| {
            family_of(root)
                .into_iter()
                .map(|p| p.pid)
                .filter(|&p| p != root)
                .collect()
        }),
        Backend::Portable => tree_below(root, &portable::parents()),
    }
}

/// `root`'s descendants as Linux's `/proc` lists them, whatever the
/// backend (`None` elsewhere): for tests that measure a family without
/// the slower backend under test.
pub fn descendants_by_procfs(root: u32) -> Option<Vec<u32>> {
    procfs::descendants(root)
}

/// The descendants of `root` among `(pid, parent)` pairs, parents first.
fn tree_below(root: u32, all: &[(u32, u32)]) -> Vec<u32> {
    let mut family = vec![root];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(
            all.iter()
                .filter(|&&(pid, ppid)| ppid == parent && pid != root)
                .map(|&(pid, _)| pid),
        );
        i += 1;
    }
    family.remove(0);
    family
}

/// The live processes whose environment variable `var` holds `token` in
/// its comma-separated list: how a guard without a subreaper finds the
/// family it tagged, wherever its members went (another process group,
/// another session, adopted by init). Both backends read it through
/// sysinfo, which reads another process's environment on Linux and macOS.
pub fn carrying(var: &str, token: &str) -> Vec<u32> {
    portable::carrying(var, token)
}

/// The children of `pid` where the system lists them without a scan of
/// every process; `None` where it does not (then use [`family_of`]).
pub fn children_of(pid: u32) -> Option<Vec<u32>> {
    match backend() {
        Backend::Procfs => procfs::children_of(pid),
        Backend::Portable => None,
    }
}

/// The core a process last ran on; `None` where the OS does not say.
pub fn last_core(pid: u32) -> Option<usize> {
    match backend() {
        Backend::Procfs => procfs::last_core(pid),
        Backend::Portable => None,
    }
}

/// Whether `pid` listens on a Unix socket that `multiprocessing` made
/// (what a Manager's server does); `false` where that cannot be seen.
pub fn serves_multiprocessing(pid: u32) -> bool {
    match backend() {
        Backend::Procfs => procfs::serves_multiprocessing(pid),
        Backend::Portable => false,
    }
}

/// CPU seconds (user + system) `pid` has used.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    match backend() {
        Backend::Procfs => procfs::cpu_seconds(pid),
        Backend::Portable => portable::cpu_seconds(pid),
    }
}

/// Whether `pid` sleeps in `wait(2)`; `None` where the OS does not say.
pub fn waits_for_child(pid: u32) -> Option<bool> {
    match backend() {
        Backend::Procfs => procfs::waits_for_child(pid),
        Backend::Portable => None,
    }
}

/// The one-minute load average, where the system keeps one.
pub fn load_average() -> Option<f64> {
    match backend() {
        Backend::Procfs => procfs::load_average(),
        Backend::Portable => portable::load_average(),
    }
}

/// Seconds every core spent busy since boot; `None` where unknown.
pub fn machine_busy_seconds() -> Option<f64> {
    match backend() {
        Backend::Procfs => procfs::machine_busy_seconds(),
        Backend::Portable => None,
    }
}

/// The cores the system counts, at least 1.
pub fn online_cores() -> usize {
    let counted = match backend() {
        Backend::Procfs => procfs::online_cores(),
        Backend::Portable => portable::online_cores(),
    };
    counted.unwrap_or(1).max(1)
}

/// CPU seconds of this process and of its reaped descendants.
pub fn family_cpu_seconds() -> f64 {
    let seconds = match backend() {
        Backend::Procfs => procfs::family_cpu_seconds(),
        Backend::Portable => portable::family_cpu_seconds(),
    };
    seconds.unwrap_or(0.0)
}

/// This process's peak resident memory in kB, from its exec on.
pub fn peak_memory_kb() -> Option<u64> {
    match backend() {
        Backend::Procfs => procfs::peak_memory_kb(),
        Backend::Portable => portable::peak_memory_kb(),
    }
}

/// The processor's model name, where the system gives one.
pub fn cpu_model() -> Option<String> {
    match backend() {
        Backend::Procfs => procfs::cpu_model(),
        Backend::Portable => portable::cpu_model(),
    }
}

/// The system's task count, one cheap reading to notice a fork bomb;
/// `None` where there is no cheap one.
pub fn system_tasks() -> Option<u64> {
    match backend() {
        Backend::Procfs => procfs::system_tasks(),
        Backend::Portable => None,
    }
}

/// The tasks `RLIMIT_NPROC` counts for this real user now.
pub fn user_tasks() -> u64 {
    let uid = rustix::process::getuid().as_raw();
    match backend() {
        Backend::Procfs => procfs::user_tasks(uid),
        Backend::Portable => portable::user_tasks(uid),
    }
}

/// A process's private resident bytes (procfs: anonymous pages; portable:
/// resident pages, an upper bound).
pub fn private_memory(pid: u32) -> u64 {
    match backend() {
        Backend::Procfs => procfs::private_memory(pid),
        Backend::Portable => portable::resident_memory(pid),
    }
}

/// A process's proportional share of memory (pages shared after a fork
/// counted once); portable: resident pages, the same upper bound as
/// [`private_memory`].
pub fn proportional_memory(pid: u32) -> u64 {
    match backend() {
        Backend::Procfs => procfs::proportional_memory(pid),
        Backend::Portable => portable::resident_memory(pid),
    }
}

/// A process's memory from `smaps_rollup` (USS, PSS), read within a
/// budget; `None` where unknown: the portable backend has no such
/// reading, and a process that ended or is not ours cannot be read.
/// Costly (the kernel walks every mapping): read only when asked.
pub fn memory_rollup(pid: u32) -> Option<Rollup> {
    match backend() {
        Backend::Procfs => smaps::read(pid),
        Backend::Portable => None,
    }
}

/// Whether this process may adopt its orphaned descendants (Linux's child
/// subreaper, with procfs). Without one, a guard holds a family by its
/// process group and waits for the group to empty.
pub fn has_subreaper() -> bool {
    cfg!(target_os = "linux") && backend() == Backend::Procfs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_picks_a_backend_or_says_why_not() {
        let native = choose(None).backend;
        assert_eq!(native == Backend::Procfs, cfg!(target_os = "linux"));
        assert_eq!(choose(Some(" Portable ")).backend, Backend::Portable);
        assert_eq!(choose(Some("")), choose(None));
        let odd = choose(Some("mach\x1b"));
        assert_eq!(odd.backend, native);
        let note = odd.note.expect("named");
        assert!(
            note.contains("not a backend") && !note.contains('\x1b'),
            "{note}"
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn both_backends_see_this_process_and_its_parent() {
        let me = std::process::id();
        let parent = rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get() as u32);
        for entry in [procfs::proc_entry(me), portable::proc_entry(me)] {
            let entry = entry.expect("this process");
            assert_eq!((entry.pid, entry.ppid), (me, parent));
            assert!(!entry.cmdline.is_empty());
        }
    }
}
