//! Where forklab keeps its files: the data folder, the installed packs
//! and the progress files. One place for the layout, so `pack` and
//! `progress` both read it and neither reads the other.

use std::path::{Path, PathBuf};

use crate::lesson::{LessonSet, Origin};

/// forklab's data folder: `FORKLAB_HOME` if set (tests, classrooms),
/// else the XDG data directory.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os("FORKLAB_HOME") {
        Some(home) if !home.is_empty() => Some(PathBuf::from(home)),
        _ => Some(
            directories::ProjectDirs::from("", "", "forklab")?
                .data_dir()
                .to_path_buf(),
        ),
    }
}

/// Where the `R` key's recordings go when no file was named: `traces/`
/// inside the data folder.
pub fn traces_dir(data: &Path) -> PathBuf {
    data.join("traces")
}

/// The folder holding installed packs, inside the data folder.
pub fn packs_dir(data: &Path) -> PathBuf {
    data.join("packs")
}

/// The progress of the built-in course and of `--lessons` folders.
pub fn progress_file(data: &Path) -> PathBuf {
    data.join("progress.toml")
}

/// An installed pack's progress: outside the pack's folder, so replacing
/// or removing the pack keeps it.
pub fn pack_progress_file(data: &Path, name: &str) -> PathBuf {
    data.join("progress/packs").join(format!("{name}.toml"))
}

/// A pack's name, which is its folder's name in the packs folder.
pub fn is_valid_pack_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && crate::lesson::parse::is_valid_id(name)
        && !name.starts_with('-')
}

/// The pack's name when `set` is an installed pack (its folder is
/// `DATA/packs/NAME`), so its progress is kept apart.
pub fn installed_name(set: &LessonSet) -> Option<String> {
    let Origin::Dir(dir) = &set.origin else {
        return None;
    };
    let data = data_dir()?;
    let packs = packs_dir(&data).canonicalize().ok()?;
    let dir = dir.canonicalize().ok()?;
    (dir.parent()? == packs)
        .then(|| dir.file_name()?.to_str().map(str::to_string))
        .flatten()
        .filter(|n| is_valid_pack_name(n))
}
