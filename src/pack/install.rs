//! `forklab pack add PATH`: a pack from a folder or a `.tar.gz`, copied
//! into `DATA/packs/NAME` and nowhere else.
//!
//! Everything is written into a staging folder inside `DATA/packs` first,
//! by forklab itself (never `tar`'s own unpacking): each name is checked
//! (relative, no `..`, no control characters), links and devices are
//! refused ([`super::archive`], [`super::folder`]), and counts and sizes
//! are checked against [`Limits`] before anything is read, so a bomb
//! stops at a cap. The staged pack must have a valid `pack.toml` and pass
//! `forklab check` before it is renamed into place (swapped atomically
//! with the old one on `--replace`). On any error or interrupt the
//! staging folder is removed ([`Staging`]) and nothing else has changed;
//! one left by a killed run is removed by the next `pack add`.

use std::path::{Path, PathBuf};

use super::Error;
pub use super::limits::Limits;
use super::limits::{Budget, size_text};
use super::manifest::Manifest;
pub use super::staging::Interrupt;
use super::staging::{self, Staging};
use crate::lesson::{LessonSet, LoadError};
use crate::sanitize;

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
    /// Staging folders left by killed runs, removed first.
    pub cleaned: Vec<PathBuf>,
}

/// Installs the pack at `source` (a folder, or a `.tar.gz`/`.tgz` file)
/// into `data/packs/NAME`. With `replace`, an installed pack of the same
/// name is swapped for the new one; without, that is an error.
/// The message alone: for the fuzzer and the tests, which read it.
pub fn add(source: &Path, data: &Path, replace: bool, limits: Limits) -> Result<Added, String> {
    add_until(source, data, replace, limits, &Interrupt::never()).map_err(|e| e.to_string())
}

/// [`add`], giving up with nothing left behind once `interrupt` is set;
/// the kind says whether to ask again ([`Error::AlreadyInstalled`]),
/// or whether a signal stopped it ([`Error::Interrupted`]).
pub fn add_until(
    source: &Path,
    data: &Path,
    replace: bool,
    limits: Limits,
    interrupt: &Interrupt,
) -> Result<Added, Error> {
    match install(source, data, replace, limits, interrupt) {
        // However deep the step that saw the signal, the kind is the flag's.
        Err(Error::NotAdded(_)) if interrupt.is_set() => Err(Error::Interrupted),
        done => done,
    }
}

fn install(
    source: &Path,
    data: &Path,
    replace: bool,
    limits: Limits,
    interrupt: &Interrupt,
) -> Result<Added, Error> {
    let packs = super::packs_dir(data);
    std::fs::create_dir_all(&packs)
        .map_err(|e| format!("cannot create {}: {e}", packs.display()))?;
    if std::fs::symlink_metadata(&packs).is_ok_and(|m| !m.is_dir()) {
        return Err(format!("{} is not a folder", packs.display()).into());
    }
    let cleaned = staging::remove_stale(&packs);
    let staging = Staging::new(&packs)?;
    let unpacked = staging.path().join("pack");
    std::fs::create_dir(&unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    stage(source, &unpacked, limits, interrupt)?;
    interrupt.check()?;
    let root = pack_root(&unpacked)?;
    let manifest = Manifest::read(&root).map_err(|e| e.to_string())?;
    manifest.supported()?;
    let set = LessonSet::from_dir(&root).map_err(|e| match e {
        LoadError::Missing { source, .. } | LoadError::Unreadable { source, .. } => {
            format!("cannot read the pack: {source}")
        }
        e => e.to_string(),
    })?;
    refuse_problems(&set, &manifest)?;
    let warnings = crate::lesson::check::warnings(&set)
        .iter()
        .map(|w| sanitize::line(&w.to_string()).into_owned())
        .collect();
    let lessons = set.len();
    drop(set);
    interrupt.check()?;
    let dest = packs.join(&manifest.name);
    durable(&root)?;
    let replaced = put_in_place(&root, &dest, &manifest, replace, staging.path())?;
    durable(&packs)?;
    Ok(Added {
        manifest,
        dir: dest,
        lessons,
        warnings,
        replaced,
        cleaned,
    })
}

/// Copies a folder or unpacks an archive into `unpacked`.
fn stage(
    source: &Path,
    unpacked: &Path,
    limits: Limits,
    interrupt: &Interrupt,
) -> Result<(), String> {
    // The path the user named may be a link (`packs/current`): followed.
    let meta =
        std::fs::metadata(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let mut budget = Budget::new(limits);
    if meta.is_dir() {
        let root = source
            .canonicalize()
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        return super::folder::copy(&root, unpacked, &mut budget, interrupt);
    }
    if !is_archive(source) {
        return Err(format!(
            "{} is neither a folder nor a .tar.gz archive",
            source.display()
        ));
    }
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", source.display()));
    }
    if meta.len() > limits.archive_bytes {
        return Err(format!(
            "{} is {}; a pack archive may be at most {}",
            source.display(),
            size_text(meta.len()),
            size_text(limits.archive_bytes)
        ));
    }
    let file = std::fs::File::open(source)
        .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    super::archive::unpack(file, unpacked, &mut budget, interrupt)
        .map_err(|e| format!("{}: {e}", source.display()))
}

/// Refuses a pack that `check` finds problems in, listing the first 20.
fn refuse_problems(set: &LessonSet, manifest: &Manifest) -> Result<(), String> {
    let problems = crate::lesson::check::check(set);
    if problems.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = problems
        .iter()
        .take(20)
        .map(|p| format!("  {}", sanitize::field(&p.to_string(), 300)))
        .collect();
    let more = problems.len().saturating_sub(listed.len());
    Err(format!(
        "pack {:?} has {} problem(s); nothing was installed:\n{}{}",
        manifest.name,
        problems.len(),
        listed.join("\n"),
        if more > 0 {
            format!("\n  ... and {more} more (see `forklab check DIR`)")
        } else {
            String::new()
        }
    ))
}

/// Flushes the file system holding `dir` to disk: the staged files before
/// the rename, the rename before "installed" is printed (a crash just
/// after would otherwise leave a pack of empty files).
fn durable(dir: &Path) -> Result<(), String> {
    std::fs::File::open(dir)
        .and_then(|folder| crate::os::fd::sync_filesystem(&folder))
        .map_err(|e| format!("cannot write {} to disk: {e}", dir.display()))
}

/// Renames the staged pack to `dest`. An installed pack is swapped with
/// the new one in one step (`RENAME_EXCHANGE`), so a kill at any moment
/// leaves the old or the new pack, never none; the old one ends in the
/// staging folder, removed with it. Returns the version replaced.
fn put_in_place(
    root: &Path,
    dest: &Path,
    manifest: &Manifest,
    replace: bool,
    staging: &Path,
) -> Result<Option<String>, Error> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    let failed = |e: &dyn std::fmt::Display| format!("cannot install into {}: {e}", dest.display());
    if std::fs::symlink_metadata(dest).is_err() {
        return match renameat_with(CWD, root, CWD, dest, RenameFlags::NOREPLACE) {
            Ok(()) => Ok(None),
            // Another `pack add` of the same name got there first.
            Err(rustix::io::Errno::EXIST) => Err(already(manifest, None)),
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => std::fs::rename(root, dest)
                .map(|()| None)
                .map_err(|e| failed(&e).into()),
            Err(e) => Err(failed(&e).into()),
        };
    }
    let old = Manifest::read(dest).map(|m| m.version).unwrap_or_default();
    if !replace {
        return Err(already(manifest, Some(&old)));
    }
    match renameat_with(CWD, root, CWD, dest, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(Some(old)),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
            // A file system without the exchange: two renames, the old
            // pack put back if the second fails.
            let aside = staging.join("old");
            std::fs::rename(dest, &aside)
                .map_err(|e| format!("cannot move the old pack aside: {e}"))?;
            if let Err(e) = std::fs::rename(root, dest) {
                let _ = std::fs::rename(&aside, dest);
                return Err(failed(&e).into());
            }
            Ok(Some(old))
        }
        Err(e) => Err(failed(&e).into()),
    }
}

fn already(manifest: &Manifest, old: Option<&str>) -> Error {
    Error::AlreadyInstalled {
        name: manifest.name.clone(),
        installed: old.map(str::to_string),
        version: manifest.version.clone(),
    }
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
        .take(2)
        .collect();
    if let [only] = &entries[..]
        && only.file_type().is_ok_and(|t| t.is_dir())
        && only.path().join("pack.toml").exists()
    {
        return Ok(only.path());
    }
    Err("no pack.toml at the top of the pack (make one with `forklab pack new DIR`)".into())
}
