//! A course's exercises checked against themselves, as rustlings' `dev
//! check` does: every reference solution must pass its own checks and
//! every starter must fail them (or the learner would have nothing to do).

use super::judge::judge;
use super::observe::Context;
use super::verdict::{Outcome, Overall, Report};
use crate::lesson::{LessonSet, Problem};

/// Checks whose verdicts depend on how busy the machine is.
pub fn is_timing(kind: &str) -> bool {
    matches!(kind, "speedup" | "cores")
}

/// How one exercise fared.
#[derive(Debug, Clone)]
pub struct Outcomes {
    pub exercise: String,
    pub solution: Report,
    pub starter: Report,
}

/// Judges every exercise's solution and starter; `on_exercise` is told
/// each id before its runs (for a progress line). Problems name the
/// exercise's line in its lesson. A solution failing a timing check
/// ([`is_timing`]) is judged up to twice more; one that a busy machine
/// kept from being judged ("cannot judge now") is a warning.
pub fn selfcheck(
    ctx: Context,
    set: &LessonSet,
    on_exercise: &dyn Fn(&str),
    on_warning: &dyn Fn(&str),
) -> (Vec<Problem>, Vec<Outcomes>) {
    let mut problems = Vec::new();
    let mut outcomes = Vec::new();
    for (lesson, exercise) in super::exercises(set) {
        on_exercise(&exercise.id);
        let mut problem = |message: String| {
            problems.push(Problem {
                file: lesson.file.clone(),
                line: lesson.front_line_of(&format!("\"{}\"", exercise.id)),
                message: format!("exercise {:?}: {message}", exercise.id),
            })
        };
        let (Some(solution_source), Some(starter)) = (
            set.read_file(&exercise.solution),
            set.read_file(&exercise.file),
        ) else {
            continue; // `lesson::check` reports the missing file.
        };
        let failed_timing = |report: &Report| {
            report
                .verdicts
                .iter()
                .any(|v| v.outcome == Outcome::Failed && is_timing(&v.kind))
        };
        let mut solution = judge(ctx, exercise, &solution_source, None, &|_| {});
        // Timings vary from run to run (other programs, a VM's stolen
        // time): a timing failure gets up to two more judgements.
        for _ in 0..2 {
            if solution.passed || !failed_timing(&solution) {
                break;
            }
            solution = judge(ctx, exercise, &solution_source, None, &|_| {});
        }
        let failed = solution
            .verdicts
            .iter()
            .enumerate()
            .find(|(_, v)| v.outcome == Outcome::Failed);
        let unsure = solution
            .verdicts
            .iter()
            .enumerate()
            .find(|(_, v)| v.outcome == Outcome::CannotJudge);
        if let Some((i, verdict)) = failed {
            problem(format!(
                "the reference solution fails check {} ({}): {}",
                i + 1,
                verdict.kind,
                verdict.reason
            ));
        } else if let Some((i, verdict)) = unsure {
            on_warning(&format!(
                "{}: exercise {:?}: check {} ({}) of the reference solution cannot be judged on this busy machine: {}",
                lesson.file,
                exercise.id,
                i + 1,
                verdict.kind,
                verdict.reason
            ));
        }
        let starter = judge(ctx, exercise, &starter, None, &|_| {});
        if starter.verdict != Overall::Fail {
            problem(format!(
                "the starter does not fail ({}): it leaves nothing to do",
                starter.reason
            ));
        }
        outcomes.push(Outcomes {
            exercise: exercise.id.clone(),
            solution,
            starter,
        });
    }
    (problems, outcomes)
}
