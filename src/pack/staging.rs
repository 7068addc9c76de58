//! The staging folder `pack add` writes into, and what makes it go away.
//!
//! Named `DATA/packs/.adding-PID-XXXXXX` so that a later `pack add` can
//! tell a folder left by a killed run (its process is gone) from one that
//! a run beside it is still filling. [`Staging`] removes its folder when
//! dropped: on a refusal, an error, or an interrupt that [`Interrupt`]
//! turned into an error. Only `kill -9` (or a power cut) skips the drop;
//! [`remove_stale`] then cleans up at the next `pack add`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The prefix of every staging folder; `pack list` skips dot-names.
const PREFIX: &str = ".adding-";

/// A staging folder, removed with everything in it when dropped.
pub struct Staging {
    dir: tempfile::TempDir,
}

impl Staging {
    /// Makes `packs/.adding-PID-XXXXXX`.
    pub fn new(packs: &Path) -> Result<Staging, String> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(packs)
            .map_err(|e| format!("cannot create a staging folder in {}: {e}", packs.display()))?;
        Ok(Staging { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Removes staging folders whose `pack add` is gone (killed with
/// `kill -9`, or a forklab from before the process id was in the name).
/// Returns the folders removed.
pub fn remove_stale(packs: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(packs) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let owner = rest
            .split_once('-')
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        if owner.is_some_and(is_running) {
            continue;
        }
        if std::fs::remove_dir_all(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// Whether a process with this id runs on this machine (not a zombie).
fn is_running(pid: u32) -> bool {
    pid == std::process::id()
        || crate::os::proc_entry(pid).is_some_and(|p| p.state != 'Z' && p.state != 'X')
}

/// SIGINT, SIGTERM and SIGHUP turned into a flag that `pack add` checks
/// between reads, so it stops with an error and its [`Staging`] is
/// dropped. A second signal ends forklab at once (the next `pack add`
/// removes what it left).
pub struct Interrupt {
    flag: Arc<AtomicBool>,
}

impl Interrupt {
    /// A flag nothing sets: for tests and library callers.
    pub fn never() -> Interrupt {
        Interrupt {
            flag: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A flag already set, as if a signal had come.
    #[cfg(test)]
    pub fn raised() -> Interrupt {
        Interrupt {
            flag: Arc::new(AtomicBool::new(true)),
        }
    }

    /// A flag the termination signals set.
    pub fn on_signals() -> Interrupt {
        let flag = Arc::new(AtomicBool::new(false));
        use crate::os::process::{SIGHUP, SIGINT, SIGTERM};
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            let _ = signal_hook::flag::register_conditional_shutdown(
                signal,
                128 + signal,
                flag.clone(),
            );
            let _ = signal_hook::flag::register(signal, flag.clone());
        }
        Interrupt { flag }
    }

    /// An error once a signal came.
    pub fn check(&self) -> Result<(), String> {
        if self.flag.load(Ordering::Relaxed) {
            Err(INTERRUPTED.to_string())
        } else {
            Ok(())
        }
    }

    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

/// What an interrupted `pack add` says.
pub const INTERRUPTED: &str = "interrupted: nothing was installed";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_of_gone_runs_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let mine = Staging::new(tmp.path()).unwrap();
        // No process has id 0x7fff_fff0 (above pid_max's largest value).
        let dead = tmp.path().join(format!("{PREFIX}{}-abc", 0x7fff_fff0u32));
        let old = tmp.path().join(format!("{PREFIX}xyz"));
        let pack = tmp.path().join("a-pack");
        for dir in [&dead, &old, &pack] {
            std::fs::create_dir_all(dir.join("inner")).unwrap();
        }
        let mut removed = remove_stale(tmp.path());
        removed.sort();
        assert_eq!(removed, [dead.clone(), old.clone()]);
        assert!(mine.path().exists() && pack.exists());
        let path = mine.path().to_path_buf();
        drop(mine);
        assert!(!path.exists());
    }
}
