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

/// The exercise with this id, or a message listing the ids there are.
pub fn find<'a>(set: &'a LessonSet, id: &str) -> Result<(&'a Lesson, &'a Exercise), String> {
    exercises(set).find(|(_, e)| e.id == id).ok_or_else(|| {
        let ids: Vec<&str> = exercises(set).map(|(_, e)| e.id.as_str()).collect();
        format!(
            "no exercise {:?}; exercises are: {}",
            crate::sanitize::text(id),
            if ids.is_empty() {
                "(none)".to_string()
            } else {
                ids.join(", ")
            }
        )
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
