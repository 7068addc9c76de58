//! The learner's own folder of exercise files: written once from the
//! starters, never overwritten, then only read by forklab.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::lesson::{Exercise, LessonSet};

/// The folder `practice init` makes when given none, in the current folder.
pub const DEFAULT_DIR: &str = "forklab-exercises";

/// The learner's exercise folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub dir: PathBuf,
}

/// What `init` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Init {
    /// Starter files written.
    pub written: Vec<PathBuf>,
    /// Files that were there already and were left as they are.
    pub kept: Vec<PathBuf>,
}

impl Workspace {
    pub fn at(dir: impl Into<PathBuf>) -> Workspace {
        Workspace { dir: dir.into() }
    }

    /// The folder recorded in progress if it still exists, else
    /// `./forklab-exercises` if it exists.
    pub fn locate(recorded: Option<&Path>) -> Option<Workspace> {
        recorded
            .filter(|d| d.is_dir())
            .map(Path::to_path_buf)
            .or_else(|| Some(PathBuf::from(DEFAULT_DIR)).filter(|d| d.is_dir()))
            .map(Workspace::at)
    }

    /// Where an exercise's file lives in the folder.
    pub fn file_of(&self, exercise: &Exercise) -> PathBuf {
        self.dir.join(exercise.file_name())
    }

    /// Writes every starter that is not there yet. A file that exists
    /// (even an empty one, even a link) is never touched.
    pub fn init(&self, set: &LessonSet) -> Result<Init, String> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let mut init = Init::default();
        for (_, exercise) in super::exercises(set) {
            let path = self.file_of(exercise);
            if path.symlink_metadata().is_ok() {
                init.kept.push(path);
                continue;
            }
            let contents = set.read_file(&exercise.file).ok_or_else(|| {
                format!(
                    "exercise {:?}: the starter {:?} is missing from the course",
                    exercise.id, exercise.file
                )
            })?;
            let written = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .and_then(|mut f| f.write_all(&contents));
            match written {
                Ok(()) => init.written.push(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => init.kept.push(path),
                Err(e) => return Err(format!("cannot write {}: {e}", path.display())),
            }
        }
        Ok(init)
    }

    /// Reads the learner's file for an exercise, with a message saying how
    /// to get it back when it is gone.
    pub fn read(&self, exercise: &Exercise) -> Result<Vec<u8>, String> {
        read_file(&self.file_of(exercise))
    }
}

/// Reads a file to check, with a clear message when it cannot be read.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "{} is not there (deleted or moved?): `forklab practice init` writes missing starters again",
            path.display()
        ),
        _ => format!("cannot read {}: {e}", path.display()),
    })
}
