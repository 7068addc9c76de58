//! `forklab pack add PATH`: a pack from a folder or a `.tar.gz`, copied
//! into `DATA/packs/NAME` and nowhere else.
//!
//! Everything is written into a staging folder inside `DATA/packs` first,
//! by forklab itself (never `tar`'s own unpacking): each name is checked
//! (relative, no `..`, no control characters), links and devices are
//! refused, and counts and sizes are capped while reading, so an archive
//! bomb stops at the cap. The staged pack must have a valid `pack.toml`
//! and pass `forklab check` before it is renamed into place; on any error
//! the staging folder is removed and nothing else has changed.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use super::manifest::Manifest;
use crate::lesson::LessonSet;
use crate::lesson::contain::{self, PathError};
use crate::sanitize;

/// Caps on what one pack may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Size of a `.tar.gz` on disk.
    pub archive_bytes: u64,
    /// Bytes of all files together, once unpacked.
    pub total_bytes: u64,
    /// Files and folders.
    pub entries: usize,
    /// One file.
    pub file_bytes: u64,
    /// Folders within folders.
    pub depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            archive_bytes: 64 << 20,
            total_bytes: 256 << 20,
            entries: 10_000,
            file_bytes: crate::lesson::set::MAX_FILE_BYTES,
            depth: 16,
        }
    }
}

/// A pack that was installed.
#[derive(Debug)]
pub struct Added {
    pub manifest: Manifest,
    pub dir: PathBuf,
    pub lessons: usize,
    /// `check` warnings (control characters...), to show the teacher.
    pub warnings: Vec<String>,
    /// The version replaced, with `--replace`.
    pub replaced: Option<String>,
}

/// Installs the pack at `source` (a folder, or a `.tar.gz`/`.tgz` file)
/// into `data/packs/NAME`. With `replace`, an installed pack of the same
/// name is swapped for the new one; without, that is an error.
pub fn add(source: &Path, data: &Path, replace: bool, limits: Limits) -> Result<Added, String> {
    let packs = super::packs_dir(data);
    std::fs::create_dir_all(&packs)
        .map_err(|e| format!("cannot create {}: {e}", packs.display()))?;
    if std::fs::symlink_metadata(&packs).is_ok_and(|m| !m.is_dir()) {
        return Err(format!("{} is not a folder", packs.display()));
    }
    let staging = tempfile::Builder::new()
        .prefix(".adding-")
        .tempdir_in(&packs)
        .map_err(|e| format!("cannot create a staging folder in {}: {e}", packs.display()))?;
    let unpacked = staging.path().join("pack");
    let meta = std::fs::symlink_metadata(source)
        .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let mut budget = Budget::new(limits);
    if meta.is_dir() {
        std::fs::create_dir(&unpacked).map_err(|e| e.to_string())?;
        let root = source
            .canonicalize()
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        copy_folder(&root, &root, &unpacked, 0, &mut budget)?;
    } else if is_archive(source) {
        if !meta.is_file() {
            return Err(format!("{} is not a regular file", source.display()));
        }
        if meta.len() > limits.archive_bytes {
            return Err(format!(
                "{} is {} MB; a pack archive may be at most {} MB",
                source.display(),
                meta.len() >> 20,
                limits.archive_bytes >> 20
            ));
        }
        std::fs::create_dir(&unpacked).map_err(|e| e.to_string())?;
        unpack(source, &unpacked, &mut budget)?;
    } else {
        return Err(format!(
            "{} is neither a folder nor a .tar.gz archive",
            source.display()
        ));
    }
    let root = pack_root(&unpacked)?;
    let manifest = Manifest::read(&root)?;
    manifest.supported()?;
    let set = LessonSet::from_dir(&root).map_err(|e| format!("cannot read the pack: {e}"))?;
    let problems = crate::lesson::check::check(&set);
    if !problems.is_empty() {
        let shown: Vec<String> = problems
            .iter()
            .take(20)
            .map(|p| format!("  {}", sanitize::line(&p.to_string())))
            .collect();
        let more = problems.len().saturating_sub(shown.len());
        return Err(format!(
            "pack {:?} has {} problem(s); nothing was installed:\n{}{}",
            manifest.name,
            problems.len(),
            shown.join("\n"),
            if more > 0 {
                format!("\n  ... and {more} more (see `forklab check DIR`)")
            } else {
                String::new()
            }
        ));
    }
    let warnings = crate::lesson::check::warnings(&set)
        .iter()
        .map(|w| sanitize::line(&w.to_string()).into_owned())
        .collect();
    let lessons = set.len();
    let dest = packs.join(&manifest.name);
    let mut replaced = None;
    if std::fs::symlink_metadata(&dest).is_ok() {
        let old = Manifest::read(&dest).map(|m| m.version).unwrap_or_default();
        if !replace {
            return Err(format!(
                "pack {:?} is already installed (version {old}); add --replace to install version {} over it",
                manifest.name, manifest.version
            ));
        }
        std::fs::rename(&dest, staging.path().join("old"))
            .map_err(|e| format!("cannot move the old pack aside: {e}"))?;
        replaced = Some(old);
    }
    std::fs::rename(&root, &dest)
        .map_err(|e| format!("cannot install into {}: {e}", dest.display()))?;
    Ok(Added {
        manifest,
        dir: dest,
        lessons,
        warnings,
        replaced,
    })
}

fn is_archive(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase());
    name.is_some_and(|n| n.ends_with(".tar.gz") || n.ends_with(".tgz"))
}

/// The folder holding `pack.toml`: the top, or its only folder (archives
/// often wrap everything in `NAME-1.0/`).
fn pack_root(unpacked: &Path) -> Result<PathBuf, String> {
    if unpacked.join("pack.toml").exists() {
        return Ok(unpacked.to_path_buf());
    }
    let entries: Vec<_> = std::fs::read_dir(unpacked)
        .map_err(|e| e.to_string())?
        .flatten()
        .collect();
    if let [only] = &entries[..]
        && only.file_type().is_ok_and(|t| t.is_dir())
        && only.path().join("pack.toml").exists()
    {
        return Ok(only.path());
    }
    Err("no pack.toml at the top of the pack (make one with `forklab pack new DIR`)".into())
}

/// What is left of the limits while copying.
struct Budget {
    limits: Limits,
    entries: usize,
    bytes: u64,
}

impl Budget {
    fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            entries: 0,
            bytes: 0,
        }
    }

    fn entry(&mut self, name: &str) -> Result<(), String> {
        self.entries += 1;
        if self.entries > self.limits.entries {
            return Err(format!(
                "more than {} files and folders (at {}): too many for a pack",
                self.limits.entries,
                sanitize::line(name)
            ));
        }
        Ok(())
    }

    /// Copies at most what the limits allow, counting it.
    fn copy(&mut self, name: &str, from: &mut dyn Read, to: &Path) -> Result<(), String> {
        let file_room = self.limits.file_bytes;
        let total_room = self.limits.total_bytes.saturating_sub(self.bytes);
        let room = file_room.min(total_room);
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(to)
            .map_err(|e| format!("{}: {e}", sanitize::line(name)))?;
        let copied = std::io::copy(&mut from.take(room + 1), &mut out)
            .map_err(|e| format!("{}: {e}", sanitize::line(name)))?;
        if copied > room {
            return Err(if room == file_room {
                format!(
                    "{} is larger than {} MB, the most a pack file may hold",
                    sanitize::line(name),
                    file_room >> 20
                )
            } else {
                format!(
                    "the pack unpacks to more than {} MB (at {}): refused",
                    self.limits.total_bytes >> 20,
                    sanitize::line(name)
                )
            });
        }
        out.flush().map_err(|e| e.to_string())?;
        self.bytes += copied;
        Ok(())
    }
}

/// Copies a teacher's folder: regular files and folders; links only when
/// they stay inside the folder (their target is copied); no devices.
fn copy_folder(
    root: &Path,
    from: &Path,
    to: &Path,
    depth: usize,
    budget: &mut Budget,
) -> Result<(), String> {
    if depth > budget.limits.depth {
        return Err(format!(
            "{} is nested more than {} folders deep",
            sanitize::line(&from.display().to_string()),
            budget.limits.depth
        ));
    }
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        budget.entry(&shown)?;
        let file_name = entry.file_name();
        if file_name.to_string_lossy().chars().any(char::is_control) {
            return Err(format!(
                "{}: control character in a file name",
                sanitize::line(&shown)
            ));
        }
        let source = contain::stays_inside(root, &path).map_err(|e| match e {
            PathError::Outside { .. } => format!(
                "{} is a link leading outside the pack: packs may only link inside themselves",
                sanitize::line(&shown)
            ),
            e => format!("{} {e}", sanitize::line(&shown)),
        })?;
        let dest = to.join(&file_name);
        if source.is_dir() {
            std::fs::create_dir(&dest).map_err(|e| format!("{}: {e}", sanitize::line(&shown)))?;
            copy_folder(root, &source, &dest, depth + 1, budget)?;
        } else {
            let mut file = std::fs::File::open(&source)
                .map_err(|e| format!("{}: {e}", sanitize::line(&shown)))?;
            budget.copy(&shown, &mut file, &dest)?;
        }
    }
    Ok(())
}

/// Unpacks a `.tar.gz` entry by entry, writing only plain files and folders.
fn unpack(archive: &Path, to: &Path, budget: &mut Budget) -> Result<(), String> {
    let file = std::fs::File::open(archive)
        .map_err(|e| format!("cannot read {}: {e}", archive.display()))?;
    let damaged = |e: std::io::Error| {
        format!(
            "{} is not a readable .tar.gz archive: {e}",
            archive.display()
        )
    };
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)));
    for entry in tar.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8(raw)
            .map_err(|_| "an entry's name is not UTF-8: refused".to_string())?;
        let kind = entry.header().entry_type();
        let relative = match contain::check_name(&name) {
            Ok(p) => p.to_path_buf(),
            // `./` at the top of many archives.
            Err(PathError::Empty) if kind.is_dir() => continue,
            Err(e) => {
                return Err(format!(
                    "archive entry {:?} {e}: refused",
                    sanitize::line(&name)
                ));
            }
        };
        budget.entry(&name)?;
        let depth = relative
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .count();
        if depth > budget.limits.depth {
            return Err(format!(
                "archive entry {:?} is nested more than {} folders deep",
                sanitize::line(&name),
                budget.limits.depth
            ));
        }
        let dest = to.join(&relative);
        if kind.is_dir() {
            std::fs::create_dir_all(&dest)
                .map_err(|e| format!("{}: {e}", sanitize::line(&name)))?;
        } else if kind.is_file() || kind == tar::EntryType::Continuous {
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", sanitize::line(&name)))?;
            }
            budget.copy(&name, &mut entry, &dest)?;
        } else if kind.is_symlink() || kind.is_hard_link() {
            return Err(format!(
                "archive entry {:?} is a link: packs may not hold links",
                sanitize::line(&name)
            ));
        } else if kind.is_character_special() || kind.is_block_special() || kind.is_fifo() {
            return Err(format!(
                "archive entry {:?} is a device or a pipe: refused",
                sanitize::line(&name)
            ));
        } else {
            return Err(format!(
                "archive entry {:?} is of a kind packs may not hold",
                sanitize::line(&name)
            ));
        }
    }
    Ok(())
}
