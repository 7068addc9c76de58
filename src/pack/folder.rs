//! A teacher's folder copied into the staging folder: regular files and
//! folders; symbolic links only when they stay inside the folder (their
//! target is copied); no devices or pipes.
//!
//! Hard links: a file with more than one name is copied by content, after
//! the same checks as any file, only when every one of its names lies
//! inside the pack (its link count equals the names met while copying).
//! A file that shares its content with a name outside the pack (a hard
//! link to `~/.ssh/id_rsa` made in the folder, whoever owns it) is
//! refused: the link count says it is shared, and with whom cannot be
//! told. Ownership alone refuses nothing: a file of another user with one
//! name is the teacher's file like any other.

use std::collections::{BTreeSet, HashMap};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::limits::{Budget, shown};
use super::staging::Interrupt;
use crate::lesson::contain::{self, PathError};

/// Copies the folder `root` into `to` (which must exist), within the
/// budget.
pub fn copy(
    root: &Path,
    to: &Path,
    budget: &mut Budget,
    interrupt: &Interrupt,
) -> Result<(), String> {
    let mut walk = Walk {
        root,
        budget,
        interrupt,
        shared: HashMap::new(),
    };
    walk.folder(root, to, 0)?;
    walk.shared_only_inside()
}

/// A file with several names: its link count, the names met inside.
struct Shared {
    links: u64,
    shown: String,
    names: BTreeSet<PathBuf>,
}

struct Walk<'a> {
    root: &'a Path,
    budget: &'a mut Budget,
    interrupt: &'a Interrupt,
    /// By (device, inode).
    shared: HashMap<(u64, u64), Shared>,
}

impl Walk<'_> {
    fn folder(&mut self, from: &Path, to: &Path, depth: usize) -> Result<(), String> {
        if depth > self.budget.limits.depth {
            return Err(format!(
                "{} is nested more than {} folders deep",
                shown(&self.relative(from)),
                self.budget.limits.depth
            ));
        }
        let mut entries: Vec<_> = std::fs::read_dir(from)
            .map_err(|e| format!("cannot read {}: {e}", shown(&from.display().to_string())))?
            .flatten()
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            self.interrupt.check()?;
            let path = entry.path();
            let name = self.relative(&path);
            self.budget.entry(&name)?;
            if entry
                .file_name()
                .to_string_lossy()
                .chars()
                .any(char::is_control)
            {
                return Err(format!(
                    "{}: control character in a file name",
                    shown(&name)
                ));
            }
            let source = contain::stays_inside(self.root, &path).map_err(|e| match e {
                PathError::Outside { .. } => format!(
                    "{} is a link leading outside the pack: packs may only link inside themselves",
                    shown(&name)
                ),
                e => format!("{} {e}", shown(&name)),
            })?;
            let dest = to.join(entry.file_name());
            if source.is_dir() {
                std::fs::create_dir(&dest).map_err(|e| format!("{}: {e}", shown(&name)))?;
                self.folder(&source, &dest, depth + 1)?;
            } else {
                self.file(&name, &source, &dest)?;
            }
        }
        Ok(())
    }

    /// Copies one file, judged by what was opened (not by its name, which
    /// could be swapped for a pipe or a link in between).
    fn file(&mut self, name: &str, source: &Path, dest: &Path) -> Result<(), String> {
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags.bits() as i32)
            .open(source)
            .map_err(|e| format!("{}: {e}", shown(name)))?;
        let meta = file
            .metadata()
            .map_err(|e| format!("{}: {e}", shown(name)))?;
        if !meta.is_file() {
            return Err(format!(
                "{} is not a regular file or folder (a device, pipe or socket): refused",
                shown(name)
            ));
        }
        if meta.nlink() > 1 {
            self.shared
                .entry((meta.dev(), meta.ino()))
                .or_insert_with(|| Shared {
                    links: meta.nlink(),
                    shown: shown(name),
                    names: BTreeSet::new(),
                })
                .names
                .insert(source.to_path_buf());
        }
        self.budget
            .copy(name, meta.len(), &mut file, dest, self.interrupt)
    }

    /// Refuses the pack if a file has a name outside it.
    fn shared_only_inside(&self) -> Result<(), String> {
        let mut outside: Vec<&Shared> = self
            .shared
            .values()
            .filter(|s| (s.names.len() as u64) < s.links)
            .collect();
        outside.sort_by(|a, b| a.shown.cmp(&b.shown));
        match outside.first() {
            None => Ok(()),
            Some(s) => Err(format!(
                "{} is a hard link: it has {} names and only {} inside the pack, so it shares \
                 its content with a file elsewhere; copy it (cp FILE FILE.new && mv FILE.new FILE) \
                 if it is yours{}",
                s.shown,
                s.links,
                s.names.len(),
                if outside.len() > 1 {
                    format!(" ({} more such files)", outside.len() - 1)
                } else {
                    String::new()
                }
            )),
        }
    }

    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}
