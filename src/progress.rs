//! What the learner has done, kept in a small human-readable TOML file that
//! is written atomically and never trusted blindly.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The learner's progress. Unknown keys are ignored so that older versions
/// of forklab can read files written by newer ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The lesson open when forklab last ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Lessons read to the end.
    #[serde(default)]
    pub read: BTreeSet<String>,
    /// Per lesson, how each question was answered: "right", "wrong" or ""
    /// (not yet), in the lesson's order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, Vec<String>>,
    /// Lesson experiments run in the lab, as `lesson-id/experiment-id`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub experiments: BTreeSet<String>,
    /// Guesses made before lab runs, each beside what the run measured,
    /// oldest first: "predict, then run" remembered across sessions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guesses: Vec<Guess>,
    /// The learner's exercise folder (`forklab practice init`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice_dir: Option<PathBuf>,
    /// Per exercise id, how the learner is doing.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

/// Where the learner stands on one exercise.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    /// The last check's outcome.
    #[serde(default)]
    pub state: ExerciseState,
    /// Passed at least once (the solution is then shown without asking).
    #[serde(default)]
    pub solved: bool,
    /// How many hints were shown (they are shown in order).
    #[serde(default)]
    pub hints_shown: usize,
    /// The reference solution was shown before the exercise was solved.
    #[serde(default)]
    pub solution_revealed: bool,
    /// What the learner predicted before the first run, if asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction: Option<String>,
    /// How many times the file was checked.
    #[serde(default)]
    pub checks: u32,
}

/// The last check's outcome for an exercise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExerciseState {
    #[default]
    NotStarted,
    Failing,
    Passed,
}

impl ExerciseState {
    /// For lists: "not started", "failing", "passed".
    pub fn as_str(self) -> &'static str {
        match self {
            ExerciseState::NotStarted => "not started",
            ExerciseState::Failing => "failing",
            ExerciseState::Passed => "passed",
        }
    }
}

/// How many guesses the file keeps; older ones are dropped.
pub const KEEP_GUESSES: usize = 50;

/// One guess of a lab run's wall time, and the time measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guess {
    /// `lesson-id/experiment-id`, or `own` for the learner's own set-up.
    pub experiment: String,
    pub workers: usize,
    /// Seconds.
    pub guess: f64,
    /// Seconds.
    pub measured: f64,
}

impl Progress {
    /// Records that a lesson was read to its end; true if that is news.
    pub fn mark_read(&mut self, id: &str) -> bool {
        self.read.insert(id.to_string())
    }

    pub fn is_read(&self, id: &str) -> bool {
        self.read.contains(id)
    }

    /// Records the answer to question `index` of a lesson.
    pub fn record_answer(&mut self, lesson: &str, index: usize, word: &str) {
        let answers = self.answers.entry(lesson.to_string()).or_default();
        if answers.len() <= index {
            answers.resize(index + 1, String::new());
        }
        answers[index] = word.to_string();
    }

    /// Whether any experiment of a lesson was run.
    pub fn ran_experiment(&self, lesson: &str) -> bool {
        self.experiments
            .iter()
            .any(|e| e.split('/').next() == Some(lesson))
    }

    /// Keeps a guess and its measurement, forgetting the oldest beyond
    /// [`KEEP_GUESSES`].
    pub fn record_guess(&mut self, guess: Guess) {
        self.guesses.push(guess);
        let extra = self.guesses.len().saturating_sub(KEEP_GUESSES);
        self.guesses.drain(..extra);
    }

    /// The guesses made for one experiment, newest first.
    pub fn guesses_for<'a>(&'a self, experiment: &'a str) -> impl Iterator<Item = &'a Guess> {
        self.guesses
            .iter()
            .rev()
            .filter(move |g| g.experiment == experiment)
    }

    /// An exercise's record (a default one if it was never touched).
    pub fn exercise(&self, id: &str) -> ExerciseProgress {
        self.exercises.get(id).cloned().unwrap_or_default()
    }

    /// Records a check of the learner's file.
    pub fn record_check(&mut self, id: &str, passed: bool) {
        let record = self.exercises.entry(id.to_string()).or_default();
        record.checks = record.checks.saturating_add(1);
        record.state = if passed {
            ExerciseState::Passed
        } else {
            ExerciseState::Failing
        };
        record.solved |= passed;
    }

    /// Counts one more hint shown, up to `available`; returns the index of
    /// the hint to show (the last one again once all were shown).
    pub fn next_hint(&mut self, id: &str, available: usize) -> Option<usize> {
        if available == 0 {
            return None;
        }
        let record = self.exercises.entry(id.to_string()).or_default();
        let index = record.hints_shown.min(available - 1);
        record.hints_shown = (record.hints_shown + 1).min(available);
        Some(index)
    }

    /// Records that the solution was shown; before solving, that counts.
    pub fn reveal_solution(&mut self, id: &str) {
        let record = self.exercises.entry(id.to_string()).or_default();
        if !record.solved {
            record.solution_revealed = true;
        }
    }

    /// How many of a lesson's questions have an answer.
    pub fn answered(&self, lesson: &str) -> usize {
        self.answers
            .get(lesson)
            .map_or(0, |a| a.iter().filter(|w| !w.is_empty()).count())
    }
}

/// How loading went; a damaged file never stops forklab.
#[derive(Debug, PartialEq)]
pub enum Loaded {
    /// No file yet: a new learner.
    Fresh(Progress),
    Found(Progress),
    /// The file was damaged: forklab starts fresh, and the file is kept
    /// aside at `moved_to`, or, when it could not be moved (`None`), left
    /// where it is and never saved over ([`Loaded::may_save`]).
    Recovered {
        progress: Progress,
        moved_to: Option<PathBuf>,
        damage: Damage,
    },
}

/// What was wrong with a progress file that exists.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Damage {
    /// It could not be read (a folder in its place, an I/O error).
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// It was read but is not progress (not UTF-8, not TOML, wrong types).
    #[error("{0}")]
    Corrupt(String),
}

impl Loaded {
    pub fn progress(&self) -> &Progress {
        match self {
            Loaded::Fresh(p) | Loaded::Found(p) | Loaded::Recovered { progress: p, .. } => p,
        }
    }

    /// Whether saving may write the file: not over a damaged file that
    /// could not be moved aside, which would lose it.
    pub fn may_save(&self) -> bool {
        !matches!(self, Loaded::Recovered { moved_to: None, .. })
    }

    /// A line for the status bar when something needs saying.
    pub fn notice(&self) -> Option<String> {
        match self {
            Loaded::Recovered {
                moved_to: Some(moved_to),
                damage,
                ..
            } => Some(format!(
                "Progress file was damaged ({damage}); moved to {} and starting fresh",
                moved_to.display()
            )),
            Loaded::Recovered {
                moved_to: None,
                damage,
                ..
            } => Some(format!(
                "Progress file was damaged ({damage}) and could not be moved aside: left as it is; progress will not be saved"
            )),
            _ => None,
        }
    }
}

/// The progress file on disk.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
}

impl Store {
    /// `FORKLAB_HOME` if set (tests, classrooms), else the XDG data directory.
    pub fn locate() -> Option<Store> {
        Some(Store::at(crate::paths::progress_file(
            &crate::paths::data_dir()?,
        )))
    }

    /// The progress of a lesson set: an installed pack keeps its own file
    /// (`progress/packs/NAME.toml`, outside the pack's folder, so replacing
    /// or removing the pack keeps it); the built-in course and `--lessons`
    /// folders share `progress.toml` as before.
    pub fn for_set(set: &crate::lesson::LessonSet) -> Option<Store> {
        match crate::paths::installed_name(set) {
            Some(name) => Some(Store::at(crate::paths::pack_progress_file(
                &crate::paths::data_dir()?,
                &name,
            ))),
            None => Store::locate(),
        }
    }

    pub fn at(path: PathBuf) -> Store {
        Store { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file; a damaged one is moved aside, never deleted.
    pub fn load(&self) -> Loaded {
        let text = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded::Fresh(Progress::default());
            }
            Err(e) => return self.recover(Damage::Unreadable(e.to_string())),
        };
        let parsed = std::str::from_utf8(&text)
            .map_err(|e| e.to_string())
            .and_then(|t| toml::from_str::<Progress>(t).map_err(|e| e.message().to_string()));
        match parsed {
            Ok(progress) => Loaded::Found(progress),
            Err(reason) => self.recover(Damage::Corrupt(reason)),
        }
    }

    fn recover(&self, damage: Damage) -> Loaded {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let aside = self.path.with_extension(format!("toml.corrupt-{stamp}"));
        Loaded::Recovered {
            progress: Progress::default(),
            moved_to: std::fs::rename(&self.path, &aside).ok().map(|()| aside),
            damage,
        }
    }

    /// Writes atomically: a temporary file in the same folder, then rename.
    pub fn save(&self, progress: &Progress) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let text = format!(
            "# forklab progress: safe to edit or delete\n{}",
            toml::to_string(progress).map_err(std::io::Error::other)?
        );
        let tmp = dir.join(format!(".progress.toml.{}.tmp", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// `--reset-progress`: start over (the old file is kept aside).
    pub fn reset(&self) -> std::io::Result<()> {
        match std::fs::rename(&self.path, self.path.with_extension("toml.old")) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("sub/progress.toml"));
        assert_eq!(store.load(), Loaded::Fresh(Progress::default()));
        let mut p = Progress {
            current: Some("pool".into()),
            ..Progress::default()
        };
        assert!(p.mark_read("start"));
        assert!(!p.mark_read("start"));
        store.save(&p).unwrap();
        assert_eq!(store.load(), Loaded::Found(p));
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("current = \"pool\""), "{text}");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.toml");
        std::fs::write(&path, "current = [unclosed\n\u{0}").unwrap();
        let store = Store::at(path.clone());
        let loaded = store.load();
        let Loaded::Recovered {
            progress, moved_to, ..
        } = &loaded
        else {
            panic!("expected recovery, got {loaded:?}");
        };
        assert_eq!(progress, &Progress::default());
        assert!(!path.exists());
        assert!(
            std::fs::read(moved_to.as_ref().unwrap())
                .unwrap()
                .starts_with(b"current = [unclosed")
        );
        assert!(loaded.notice().unwrap().contains("damaged"));
        assert_eq!(store.load(), Loaded::Fresh(Progress::default()));
    }

    #[test]
    fn a_damaged_file_that_cannot_be_moved_aside_is_never_saved_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.toml");
        std::fs::write(&path, "read = 3\n").unwrap();
        // Every name it could be moved to is taken by a folder that is
        // not empty, so the rename fails (even for root).
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        for stamp in now..now + 30 {
            let taken = dir.path().join(format!("progress.toml.corrupt-{stamp}"));
            std::fs::create_dir_all(taken.join("x")).unwrap();
        }
        let loaded = Store::at(path.clone()).load();
        assert!(
            matches!(
                &loaded,
                Loaded::Recovered {
                    moved_to: None,
                    damage: Damage::Corrupt(_),
                    ..
                }
            ),
            "{loaded:?}"
        );
        assert!(!loaded.may_save());
        assert!(loaded.notice().unwrap().contains("will not be saved"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "read = 3\n");

        // A folder in the file's place is unreadable, and moved aside.
        let other = dir.path().join("other.toml");
        std::fs::create_dir(&other).unwrap();
        let loaded = Store::at(other).load();
        let Loaded::Recovered {
            moved_to: Some(aside),
            damage: Damage::Unreadable(_),
            ..
        } = &loaded
        else {
            panic!("expected an unreadable file moved aside, got {loaded:?}");
        };
        assert!(aside.is_dir() && loaded.may_save());
        assert!(
            loaded
                .notice()
                .unwrap()
                .starts_with("Progress file was damaged (unreadable: ")
        );
    }

    #[test]
    fn wrong_types_count_as_corrupt_and_unknown_keys_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("progress.toml"));
        std::fs::write(store.path(), "read = 3\n").unwrap();
        assert!(matches!(store.load(), Loaded::Recovered { .. }));
        std::fs::write(store.path(), "read = [\"a\"]\nfuture_key = 1\n").unwrap();
        assert!(matches!(store.load(), Loaded::Found(p) if p.is_read("a")));
    }

    #[test]
    fn guesses_are_kept_newest_last_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("progress.toml"));
        let mut p = Progress::default();
        for i in 0..KEEP_GUESSES + 5 {
            p.record_guess(Guess {
                experiment: if i % 2 == 0 { "pool/two" } else { "own" }.into(),
                workers: i,
                guess: 1.5,
                measured: 1.25,
            });
        }
        assert_eq!(p.guesses.len(), KEEP_GUESSES);
        assert_eq!(p.guesses_for("pool/two").next().unwrap().workers, 54);
        store.save(&p).unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("[[guesses]]"), "{text}");
        assert_eq!(store.load(), Loaded::Found(p));
    }

    #[test]
    fn exercise_records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("progress.toml"));
        let mut p = Progress {
            practice_dir: Some("/home/me/forklab-exercises".into()),
            ..Progress::default()
        };
        assert_eq!(p.next_hint("sq", 2), Some(0));
        assert_eq!(p.next_hint("sq", 2), Some(1));
        assert_eq!(p.next_hint("sq", 2), Some(1));
        assert_eq!(p.next_hint("sq", 0), None);
        p.record_check("sq", false);
        p.reveal_solution("sq");
        p.record_check("sq", true);
        p.record_check("sq", false);
        p.reveal_solution("pool");
        let sq = p.exercise("sq");
        assert_eq!(
            (
                sq.state,
                sq.solved,
                sq.hints_shown,
                sq.solution_revealed,
                sq.checks
            ),
            (ExerciseState::Failing, true, 2, true, 3)
        );
        assert!(p.exercise("pool").solution_revealed);
        assert_eq!(p.exercise("other"), ExerciseProgress::default());
        store.save(&p).unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("state = \"failing\""), "{text}");
        assert_eq!(store.load(), Loaded::Found(p));
    }

    #[test]
    fn reset_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("progress.toml"));
        store.reset().unwrap();
        store.save(&Progress::default()).unwrap();
        store.reset().unwrap();
        assert!(!store.path().exists());
        assert!(dir.path().join("progress.toml.old").exists());
    }
}
