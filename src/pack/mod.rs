//! Teacher packs: a folder of lessons with a `pack.toml`, made with
//! `forklab pack new`, installed with `forklab pack add` into the data
//! folder, listed and removed. A pack comes from the internet, so
//! installing treats it as hostile (see [`install`]); once installed it is
//! an ordinary lesson folder, read through the same guarded
//! [`LessonSet`](crate::lesson::LessonSet) as `--lessons DIR`.
//!
//! Layout of the data folder:
//! ```text
//! DATA/packs/NAME/pack.toml, *.md, examples/, assets/   installed packs
//! DATA/progress/packs/NAME.toml                         progress per pack
//! DATA/packs/.adding-PID-XXXXXX/                        a `pack add` at work
//! ```

pub mod archive;
pub mod folder;
pub mod install;
pub mod limits;
pub mod manifest;
pub mod scaffold;
pub mod staging;

use std::path::{Path, PathBuf};

use crate::lesson::{LessonSet, Origin};
pub use manifest::Manifest;

/// The widest a course's title is shown (a pack's title is one line,
/// however long its `pack.toml` makes it).
const TITLE_WIDTH: usize = 80;

pub use crate::paths::{installed_name, packs_dir};

/// Why a pack cannot be found, removed or added: a caller tells what is
/// the teacher's to fix by asking again (a wrong name, `--replace`
/// missing: a usage error) from a failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no data folder: set FORKLAB_HOME or HOME")]
    NoDataFolder,
    #[error("{0:?} is not a pack name (lowercase letters, digits and dashes)")]
    BadName(String),
    #[error("no pack {name:?} installed; installed: {}", installed_words(.installed))]
    NotInstalled {
        name: String,
        installed: Vec<String>,
    },
    #[error("cannot remove {}: {source}", .dir.display())]
    Remove {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// `pack add` of a name already installed, without `--replace`.
    #[error(
        "pack {name:?} is already installed{}; add --replace to install version {} over it",
        version_words(.installed.as_deref()),
        limits::shown(.version)
    )]
    AlreadyInstalled {
        name: String,
        /// The installed version, when its `pack.toml` says.
        installed: Option<String>,
        /// The version that was to be installed.
        version: String,
    },
    /// A signal stopped `pack add`: nothing was installed.
    #[error("{}", staging::INTERRUPTED)]
    Interrupted,
    /// `pack add` refused the pack (its contents, limits, `pack.toml` or
    /// `check`) or could not write it: nothing was installed.
    #[error("{0}")]
    NotAdded(String),
}

impl Error {
    /// The teacher's to fix by asking again: a wrong name (not a name,
    /// no such pack) or a pack already installed without `--replace`.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::BadName(_) | Error::NotInstalled { .. } | Error::AlreadyInstalled { .. }
        )
    }
}

/// A step of `pack add` refusing, in its own words.
impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::NotAdded(message)
    }
}

fn version_words(installed: Option<&str>) -> String {
    installed.map_or(String::new(), |v| {
        format!(" (version {})", limits::shown(v))
    })
}

fn installed_words(names: &[String]) -> String {
    if names.is_empty() {
        "none (add one with `forklab pack add PATH`)".to_string()
    } else {
        names.join(", ")
    }
}

/// The data folder, or why there is none.
pub fn data_dir() -> Result<PathBuf, Error> {
    crate::paths::data_dir().ok_or(Error::NoDataFolder)
}

/// One installed pack.
#[derive(Debug, Clone)]
pub struct Installed {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub lessons: usize,
}

/// The installed packs, by name; a damaged one is reported, not fatal.
pub fn list(data: &Path) -> (Vec<Installed>, Vec<String>) {
    let mut packs = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(packs_dir(data)) else {
        return (packs, problems);
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        match Manifest::read(&dir) {
            Ok(manifest) => {
                let lessons = LessonSet::from_dir(&dir).map_or(0, |s| s.len());
                packs.push(Installed {
                    dir,
                    manifest,
                    lessons,
                });
            }
            Err(e) => problems.push(format!("{}: {e}", dir.display())),
        }
    }
    (packs, problems)
}

/// The folder of the installed pack `name`.
pub fn find(data: &Path, name: &str) -> Result<PathBuf, Error> {
    if !manifest::is_valid_name(name) {
        return Err(Error::BadName(name.to_string()));
    }
    let dir = packs_dir(data).join(name);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        _ => {
            let (packs, _) = list(data);
            Err(Error::NotInstalled {
                name: name.to_string(),
                installed: packs.into_iter().map(|p| p.manifest.name).collect(),
            })
        }
    }
}

/// Removes an installed pack (its progress is kept).
pub fn remove(data: &Path, name: &str) -> Result<PathBuf, Error> {
    let dir = find(data, name)?;
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(dir),
        Err(source) => Err(Error::Remove { dir, source }),
    }
}

/// A course the reader can switch to: the built-in one, an installed
/// pack, or the folder given with `--lessons`.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    pub title: String,
    pub origin: Origin,
}

impl Course {
    /// Reads the course's lessons (a pack is read like any lesson folder);
    /// the reader words the kind of failure in its notice.
    pub fn load(&self) -> Result<LessonSet, crate::lesson::LoadError> {
        match &self.origin {
            Origin::Embedded => LessonSet::open(None),
            Origin::Dir(dir) => LessonSet::open(Some(dir)),
        }
    }
}

/// The built-in course, every installed pack, and the current folder if it
/// is neither; with the index of `current` among them.
pub fn courses(current: &Origin) -> (Vec<Course>, usize) {
    let mut courses = vec![Course {
        title: "Built-in course".into(),
        origin: Origin::Embedded,
    }];
    if let Some(data) = crate::paths::data_dir() {
        for pack in list(&data).0 {
            courses.push(Course {
                title: format!(
                    "{} (pack)",
                    crate::sanitize::field(pack.manifest.title(), TITLE_WIDTH)
                ),
                origin: Origin::Dir(pack.dir),
            });
        }
    }
    let same = |a: &Origin, b: &Origin| match (a, b) {
        (Origin::Embedded, Origin::Embedded) => true,
        (Origin::Dir(a), Origin::Dir(b)) => {
            a == b
                || a.canonicalize()
                    .ok()
                    .is_some_and(|a| b.canonicalize().ok() == Some(a))
        }
        _ => false,
    };
    let index = match courses.iter().position(|c| same(&c.origin, current)) {
        Some(i) => i,
        None => {
            let Origin::Dir(dir) = current else {
                unreachable!("the built-in course is always first")
            };
            courses.push(Course {
                title: format!(
                    "Folder {}",
                    crate::sanitize::field(&dir.display().to_string(), TITLE_WIDTH)
                ),
                origin: current.clone(),
            });
            courses.len() - 1
        }
    };
    (courses, index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::status;

    #[test]
    fn a_wrong_pack_name_is_a_usage_error_a_failed_removal_is_not() {
        let data = tempfile::tempdir().unwrap();
        let bad = find(data.path(), "Not A Name").unwrap_err();
        assert!(matches!(bad, Error::BadName(_)), "{bad}");
        assert_eq!(status::Error::from(bad).status(), status::USAGE);
        let absent = find(data.path(), "absent").unwrap_err();
        assert!(
            absent.to_string().contains("installed: none (add one"),
            "{absent}"
        );
        assert_eq!(status::Error::from(absent).status(), status::USAGE);
        let failed = Error::Remove {
            dir: data.path().join("x"),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(status::Error::from(failed).status(), status::FAILED);
    }

    #[test]
    fn adding_again_without_replace_is_a_usage_error_an_interrupted_add_is_not() {
        use install::{Interrupt, Limits, add_until};
        let tmp = tempfile::tempdir().unwrap();
        let source = tmp.path().join("source");
        scaffold::create(&source).unwrap();
        let data = tmp.path().join("data");
        add_until(
            &source,
            &data,
            false,
            Limits::default(),
            &Interrupt::never(),
        )
        .unwrap();
        let again = add_until(
            &source,
            &data,
            false,
            Limits::default(),
            &Interrupt::never(),
        )
        .unwrap_err();
        assert!(matches!(again, Error::AlreadyInstalled { .. }), "{again:?}");
        assert!(
            again
                .to_string()
                .contains(" is already installed (version "),
            "{again}"
        );
        assert_eq!(status::Error::from(again).status(), status::USAGE);
        let stopped = add_until(
            &source,
            &data,
            true,
            Limits::default(),
            &Interrupt::raised(),
        )
        .unwrap_err();
        assert!(matches!(stopped, Error::Interrupted), "{stopped:?}");
        assert_eq!(stopped.to_string(), "interrupted: nothing was installed");
        assert_eq!(status::Error::from(stopped).status(), status::FAILED);
    }
}
