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
    /// Data the exercises read (the corpus), copied now; data already
    /// there is kept whole and not listed.
    pub data: Vec<PathBuf>,
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

    /// Writes every starter and data folder that is not there yet. A file
    /// that exists (even an empty one, even a link) is never touched.
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
        // The data the exercises read (the corpus), so a learner can run
        // a script with plain `python3` too; kept whole when there.
        let mut data: Vec<&str> = super::exercises(set)
            .flat_map(|(_, e)| e.data.iter().map(String::as_str))
            .collect();
        data.sort_unstable();
        data.dedup();
        for name in data {
            let path = self.dir.join(name);
            if path.symlink_metadata().is_ok() {
                continue;
            }
            set.copy_asset(name, &self.dir)
                .map_err(|e| format!("cannot copy the data {name:?}: {e}"))?;
            init.data.push(path);
        }
        Ok(init)
    }

    /// Reads the learner's file for an exercise; a missing one is told
    /// apart ([`super::Error::Missing`]: `practice init` writes it again).
    pub fn read(&self, exercise: &Exercise) -> Result<Vec<u8>, super::Error> {
        read_file(&self.file_of(exercise))
    }
}

/// Reads a file to check: missing, or unreadable, by kind.
pub fn read_file(path: &Path) -> Result<Vec<u8>, super::Error> {
    std::fs::read(path).map_err(|source| {
        let path = path.to_path_buf();
        match source.kind() {
            std::io::ErrorKind::NotFound => super::Error::Missing { path },
            _ => super::Error::Unreadable { path, source },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_the_starters_and_the_corpus_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::at(dir.path().join("mine"));
        let set = LessonSet::embedded();
        let first = workspace.init(&set).unwrap();
        assert!(first.kept.is_empty());
        assert_eq!(
            first.written.len(),
            crate::practice::exercises(&set).count()
        );
        let corpus = workspace.dir.join("corpus");
        assert_eq!(first.data, std::slice::from_ref(&corpus));
        let texts = std::fs::read_dir(&corpus).unwrap().count();
        assert!(texts >= 7, "{texts} files in the corpus");

        // The learner's edits to a starter and to the data stay.
        let ants = corpus.join("ants.txt");
        std::fs::write(&ants, "my own ants\n").unwrap();
        std::fs::remove_file(corpus.join("river.txt")).unwrap();
        let again = workspace.init(&set).unwrap();
        assert!(again.written.is_empty() && again.data.is_empty());
        assert_eq!(std::fs::read_to_string(&ants).unwrap(), "my own ants\n");
        assert!(
            !corpus.join("river.txt").exists(),
            "data kept whole, not refilled"
        );
    }
}
