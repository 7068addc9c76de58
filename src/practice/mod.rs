//! Practice: the learner writes the parallel code and forklab checks it,
//! not only what it prints but how it ran: the workers it made, the cores
//! they used at once, what outlived it, how much faster than serial it was.
//! Knows nothing of the terminal UI: `forklab practice` and the TUI share it.
//!
//! - [`workspace`]: the learner's folder of starter files (`practice init`).
//! - [`observe`]: one run of a script through the Python runner, with its
//!   process family sampled and the limits a learner's script must keep
//!   (time, processes, output).
//! - [`judge`]: an exercise's checks, in order, each a [`Verdict`].
//! - [`live`]: the loop: watch the file, judge it again on every save.
//! - [`selfcheck`]: every reference solution passes, every starter fails
//!   (`forklab check`, and the test suite).
//!
//! The learner's file is only ever read: runs use a copy in a temporary
//! folder, so a script that deletes or rewrites itself changes nothing.

pub mod judge;
pub mod live;
pub mod observe;
pub mod selfcheck;
pub mod workspace;

pub use judge::{Event, Outcome, Report, Verdict, judge};
pub use observe::{Context, Fault, Observed};
pub use workspace::Workspace;

use crate::lesson::{Exercise, Lesson, LessonSet};

/// The cores this process may run on (its affinity), at least 1: what the
/// `cores` and `speedup` checks scale to.
pub fn usable_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The one-minute load average per usable core, when the system says
/// (Linux): above 1, timings mean little, and the speedup check says so.
pub fn load_per_core() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let load: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(load / usable_cores() as f64)
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
