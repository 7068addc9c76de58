//! Practice: the learner writes the parallel code and forklab checks it,
//! not only what it prints but how it ran: the workers it made, the cores
//! they used at once, what outlived it, how much faster than serial it was.
//! Knows nothing of the terminal UI: `forklab practice` and the TUI share it.
//!
//! - [`workspace`]: the learner's folder of starter files (`practice init`).
//! - [`observe`]: one run of a script through the Python runner, with its
//!   process family sampled and the limits a learner's script must keep
//!   (time, processes, output).
//! - [`hold`]: the socket each new worker waits on until forklab has
//!   sampled it, so that no worker is too short-lived to be seen.
//! - [`verdict`]: what a judgement says ([`Outcome`], [`Verdict`],
//!   [`Report`], [`Event`]) and its words; imports no other part.
//! - [`judge`]: an exercise's checks, in order, each a [`Verdict`].
//! - [`hidden`]: the `hidden` check: inputs the learner has not seen,
//!   made from a seed, compared with the reference solution's results.
//! - [`code`]: the `code` check: what the code is made of, read with
//!   Python's own `ast` (`assets/practice/code_reader.py`).
//! - [`live`]: the loop: watch the file, judge it again on every save.
//! - [`selfcheck`]: every reference solution passes, every starter fails
//!   (`forklab check`, and the test suite).
//!
//! The learner's file is only ever read: runs use a copy in a temporary
//! folder, so a script that deletes or rewrites itself changes nothing.

pub mod code;
pub mod evidence;
pub mod hidden;
pub mod hold;
pub mod judge;
pub mod live;
pub mod observe;
pub mod selfcheck;
pub mod stopped;
pub mod verdict;
pub mod workspace;

pub use judge::judge;
pub use observe::{Context, Fault, Observed};
pub use verdict::{Event, Outcome, Overall, Report, Verdict};
pub use workspace::Workspace;

use crate::lesson::{Exercise, Lesson, LessonSet};

/// The one-minute load average per usable core, when the system says
/// (Linux): above 1, timings mean little, and the speedup check says so.
pub fn load_per_core() -> Option<f64> {
    Some(crate::os::load_average()? / crate::os::usable_cores() as f64)
}

/// Every exercise of the set, in course order, with its lesson.
pub fn exercises(set: &LessonSet) -> impl Iterator<Item = (&Lesson, &Exercise)> {
    set.lessons
        .iter()
        .flat_map(|l| l.meta.exercises.iter().map(move |e| (l, e)))
}

/// Why an exercise cannot be checked. A caller decides on the kind: a
/// wrong id or the learner's file gone is the learner's to fix (a usage
/// error, `commands::status`); a course that lacks a file it names failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No exercise has this id; the ids there are, to pick from.
    #[error("no exercise {:?}; exercises are: {}", crate::sanitize::text(.id), id_words(.known))]
    Unknown { id: String, known: Vec<String> },
    /// The learner's file is not there: `practice init` writes it again.
    #[error(
        "{} is not there (deleted or moved?): `forklab practice init` writes missing starters again",
        .path.display()
    )]
    Missing { path: std::path::PathBuf },
    /// The learner's file is there but cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The course names a file it does not hold (a malformed course).
    #[error("the {what} {file:?} is missing from the course")]
    NotInCourse { what: &'static str, file: String },
}

impl Error {
    /// The learner can fix it (another id, `practice init`), as opposed
    /// to a course that is broken.
    pub fn is_learners(&self) -> bool {
        !matches!(self, Error::NotInCourse { .. })
    }
}

fn id_words(ids: &[String]) -> String {
    if ids.is_empty() {
        "(none)".to_string()
    } else {
        ids.join(", ")
    }
}

/// The exercise with this id, or [`Error::Unknown`] with the ids there are.
pub fn find<'a>(set: &'a LessonSet, id: &str) -> Result<(&'a Lesson, &'a Exercise), Error> {
    exercises(set)
        .find(|(_, e)| e.id == id)
        .ok_or_else(|| Error::Unknown {
            id: id.to_string(),
            known: exercises(set).map(|(_, e)| e.id.clone()).collect(),
        })
}

/// Records a finished judgement in the learner's progress, the same way
/// for the TUI, `practice watch` and `practice check` (with or without
/// `--file`): a pass or a fail counts; "cannot judge now" changes nothing.
pub fn record(progress: &mut crate::progress::Progress, report: &Report) {
    match report.verdict {
        Overall::Pass => progress.record_check(&report.exercise, true),
        Overall::Fail => progress.record_check(&report.exercise, false),
        Overall::CannotJudge => {}
    }
}

/// The next hint of an exercise, as the TUI and `practice hint` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    /// From 0.
    pub index: usize,
    pub total: usize,
    pub text: String,
    /// Every hint had been shown before: this is the last one again.
    pub again: bool,
}

impl Hint {
    /// Counts one more hint in `progress`; `None` when the exercise has none.
    pub fn next(progress: &mut crate::progress::Progress, exercise: &Exercise) -> Option<Hint> {
        let total = exercise.hints.len();
        let again = progress.exercise(&exercise.id).hints_shown >= total;
        let index = progress.next_hint(&exercise.id, total)?;
        Some(Hint {
            index,
            total,
            text: exercise.hints.get(index)?.clone(),
            again,
        })
    }

    /// "Hint 2 of 3".
    pub fn heading(&self) -> String {
        format!("Hint {} of {}", self.index + 1, self.total)
    }

    /// Said under the last hint: there are no more, and what is left.
    pub fn after(&self, solution_key: &str) -> Option<String> {
        (self.index + 1 == self.total).then(|| {
            format!(
                "{}: no more hints. The reference solution ({solution_key}) is the next step.",
                if self.again {
                    "That was already the last hint"
                } else {
                    "That was the last hint"
                }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::status;

    #[test]
    fn a_wrong_id_or_a_missing_file_is_the_learners_to_fix_a_broken_course_is_not() {
        let set = LessonSet::embedded();
        let unknown = find(&set, "no-such").unwrap_err();
        assert!(matches!(unknown, Error::Unknown { .. }), "{unknown:?}");
        assert!(
            unknown
                .to_string()
                .starts_with("no exercise \"no-such\"; exercises are: "),
            "{unknown}"
        );
        assert_eq!(status::Error::from(unknown).status(), status::USAGE);
        let dir = tempfile::tempdir().unwrap();
        let missing = workspace::read_file(&dir.path().join("gone.py")).unwrap_err();
        assert!(matches!(missing, Error::Missing { .. }), "{missing:?}");
        assert!(
            missing
                .to_string()
                .contains("`forklab practice init` writes")
        );
        assert_eq!(status::Error::from(missing).status(), status::USAGE);
        // A folder where the file should be: there, but not readable as one.
        let unreadable = workspace::read_file(dir.path()).unwrap_err();
        assert!(
            matches!(unreadable, Error::Unreadable { .. }),
            "{unreadable:?}"
        );
        assert_eq!(status::Error::from(unreadable).status(), status::USAGE);
        let broken = Error::NotInCourse {
            what: "solution",
            file: "gone.py".into(),
        };
        assert_eq!(
            broken.to_string(),
            "the solution \"gone.py\" is missing from the course"
        );
        assert_eq!(status::Error::from(broken).status(), status::FAILED);
    }
}
