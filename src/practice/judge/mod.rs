//! Judging a learner's file: the exercise's checks in order, each with a
//! verdict and one line the learner can act on. The first failure ends the
//! judging (the checks after it are reported as not run), as in rustlings:
//! one thing to fix at a time, and a broken starter is judged in one run.
//! A timing check that other programs kept from judging says "cannot
//! judge now" and the judging goes on: the file fails only on evidence.
//!
//! - `output`: `exit`, `output` and the `result:` lines' comparison.
//! - `process`: workers, who did the work, the start method that really
//!   ran, leftovers (from forklab's samples, `practice::evidence`).
//! - `timing`: `cores` and `speedup`, from CPU time and overlap where the
//!   wall time cannot say.

mod output;
mod process;
mod timing;

use std::cell::Cell;
use std::sync::Mutex;

use super::observe::{Context, Fault, Observed, Script, observe};
use super::verdict::{Event, Outcome, Overall, Report, Verdict, compare_results};
use crate::lesson::{Check, Exercise};
use crate::python::StartMethod;

pub use crate::practice::verdict::load_words;
use output::{describe_end, exit_verdict, output_verdict};

/// How many timed runs the speedup check makes of each script.
pub const SPEED_RUNS: usize = 3;

/// A short description of a check, for the check list.
pub fn label(check: &Check, cores: usize) -> String {
    match check {
        Check::Exit { code } => format!("exits with status {code}"),
        Check::Output { contains, regex } => {
            let mut what: Vec<String> = contains.iter().map(|c| format!("{c:?}")).collect();
            what.extend(regex.iter().map(|r| format!("/{r}/")));
            format!("prints {}", what.join(", "))
        }
        Check::SameResult {} => "same result as the reference".into(),
        Check::Hidden {} => super::hidden::LABEL.into(),
        Check::Code {
            must_call, forbid, ..
        } => super::code::label(must_call, forbid),
        Check::StartMethods { methods } => format!("works under {}", methods.join(", ")),
        Check::Workers { at_least } => format!("at least {at_least} worker processes"),
        Check::Work { share } => format!(
            "workers do at least {:.0}% of the work",
            100.0 * share.unwrap_or(Check::DEFAULT_WORK_SHARE)
        ),
        Check::Cores { at_least } => {
            format!(
                "workers busy on {} cores at once",
                (*at_least).min(cores.max(1))
            )
        }
        Check::NoLeftovers {} => "leaves no process behind".into(),
        Check::Speedup { at_least, .. } => {
            format!("{:.2}× faster than serial", speed_target(*at_least, cores))
        }
    }
}

/// The speedup asked of a machine with `cores` cores: the exercise's
/// target, but never more than three quarters of the cores (so a 2-core
/// laptop is asked at most 1.5×).
pub fn speed_target(at_least: f64, cores: usize) -> f64 {
    at_least.min(0.75 * cores as f64).max(1.0)
}

/// Judges `source` (the learner's file, as read; its path, for the
/// output, in `shown_as`) against `exercise`. `on_event` sees every run
/// and verdict as it happens; the report is complete even if it is
/// cancelled (the first check then fails with the reason).
pub fn judge(
    ctx: Context,
    exercise: &Exercise,
    source: &[u8],
    shown_as: Option<&str>,
    on_event: &dyn Fn(Event),
) -> Report {
    judge_with(ctx, exercise, source, shown_as, &Memo::default(), on_event)
}

/// What one judgement keeps for the next ones of the same exercise: the
/// reference solution's run (it does not change between saves).
#[derive(Debug, Default)]
pub struct Memo {
    solution: Mutex<Option<Observed>>,
}

/// [`judge`], reusing what `memo` kept from earlier judgements.
pub fn judge_with(
    ctx: Context,
    exercise: &Exercise,
    source: &[u8],
    shown_as: Option<&str>,
    memo: &Memo,
    on_event: &dyn Fn(Event),
) -> Report {
    let judge = Judge {
        ctx,
        exercise,
        source,
        shown_as,
        on_event,
        memo,
        load: Cell::new(None),
    };
    let main = judge.run("your file", source, None);
    let mut verdicts = Vec::new();
    let mut failed = false;
    for (i, check) in exercise.checks.iter().enumerate() {
        let label = label(check, ctx.cores);
        let (outcome, reason) = if failed {
            (
                Outcome::Skipped,
                "not run: fix the check above first".to_string(),
            )
        } else if let Some(fault) = main.fault.as_ref().filter(|_| i == 0) {
            crate::practice::stopped::fault_verdict(&main, fault)
        } else {
            judge.check(check, &main)
        };
        failed |= outcome == Outcome::Failed;
        let verdict = Verdict {
            kind: check.kind().to_string(),
            label,
            outcome,
            reason,
        };
        on_event(Event::Verdict(verdict.clone()));
        verdicts.push(verdict);
    }
    let verdict = Overall::of(&verdicts);
    let reason = [Outcome::Failed, Outcome::CannotJudge]
        .into_iter()
        .find_map(|o| verdicts.iter().find(|v| v.outcome == o))
        .map_or_else(
            || "every check passed".to_string(),
            |v| format!("{}: {}", v.label, v.reason),
        );
    Report {
        exercise: exercise.id.clone(),
        file: shown_as.map(str::to_string),
        verdict,
        reason,
        passed: verdict == Overall::Pass,
        load: judge.load.get(),
        verdicts,
        output: main
            .transcript
            .lines()
            .iter()
            .map(|l| l.text.clone())
            .collect(),
        python: ctx.interpreter.version.clone(),
        seconds: main.elapsed.as_secs_f64(),
        contained: main.contained.map(|c| c.describe()),
    }
}

struct Judge<'a> {
    ctx: Context<'a>,
    exercise: &'a Exercise,
    source: &'a [u8],
    shown_as: Option<&'a str>,
    on_event: &'a dyn Fn(Event),
    /// The reference solution's run, made once when a check needs it.
    memo: &'a Memo,
    /// The most other programs used of the machine in any run so far.
    load: Cell<Option<f64>>,
}

impl Judge<'_> {
    /// One run of `contents`; the learner's own file keeps its name, the
    /// course's scripts get theirs (so the process pane tells them apart).
    fn run(&self, label: &str, contents: &[u8], method: Option<StartMethod>) -> Observed {
        self.run_as(label, self.exercise.file_name(), contents, method)
    }

    fn run_as(
        &self,
        label: &str,
        name: &str,
        contents: &[u8],
        method: Option<StartMethod>,
    ) -> Observed {
        (self.on_event)(Event::Run {
            label: label.to_string(),
        });
        let script = Script {
            name: name.to_string(),
            contents: contents.to_vec(),
            args: self.exercise.args.clone(),
            data: self.exercise.data.clone(),
            start_method: method,
            timeout: self.exercise.timeout(),
            shown_as: if std::ptr::eq(contents, self.source) {
                self.shown_as.map(str::to_string)
            } else {
                None
            },
        };
        let observed = observe(self.ctx, &script, &|event| {
            (self.on_event)(Event::Py(event.clone()))
        });
        self.load
            .set(timing::max_load(self.load.get(), observed.load));
        observed
    }

    /// The reference solution's `result:` lines, or why there are none.
    /// The reference solution's results, or the verdict to give instead
    /// (a course without its solution, a solution that failed or was
    /// kept from its end by other programs).
    fn expected_results(&self) -> Result<Vec<String>, (Outcome, String)> {
        let mut cached = self.memo.solution.lock().unwrap_or_else(|e| e.into_inner());
        if cached.is_none() {
            let solution = self
                .ctx
                .set
                .read_file(&self.exercise.solution)
                .ok_or_else(|| {
                    (
                        Outcome::Failed,
                        format!(
                            "the reference solution {:?} is missing from the course",
                            self.exercise.solution
                        ),
                    )
                })?;
            let name = format!("reference_{}", self.exercise.file_name());
            *cached = Some(self.run_as("the reference solution", &name, &solution, None));
        }
        let observed = cached.clone().expect("filled above");
        if observed.fault == Some(Fault::Cancelled) {
            *cached = None;
        }
        let observed = &observed;
        if let Some(fault) = &observed.fault {
            let (outcome, reason) = crate::practice::stopped::fault_verdict(observed, fault);
            return Err((
                outcome,
                format!("the reference solution could not run: {reason}"),
            ));
        }
        if !observed.ended_well() {
            return Err((
                Outcome::Failed,
                format!(
                    "the reference solution failed ({}): the course has a bug",
                    describe_end(observed)
                ),
            ));
        }
        Ok(observed.results())
    }

    fn check(&self, check: &Check, main: &Observed) -> (Outcome, String) {
        let cores = self.ctx.cores;
        match check {
            Check::Exit { code } => exit_verdict(main, *code),
            Check::Output { contains, regex } => output_verdict(main, contains, regex),
            Check::SameResult {} => self.same_result(main),
            Check::Hidden {} => super::hidden::verdict(
                self.ctx,
                self.exercise,
                self.source,
                self.shown_as,
                self.on_event,
            ),
            Check::Code {
                must_call,
                forbid,
                why,
            } => super::code::verdict(self.ctx, self.source, must_call, forbid, why.as_deref()),
            Check::StartMethods { methods } => self.start_methods(methods),
            Check::Workers { at_least } => process::workers_verdict(main, *at_least),
            Check::Work { share } => process::work_verdict(main, *share),
            Check::Cores { at_least } => timing::cores_verdict(main, *at_least, cores),
            Check::NoLeftovers {} => process::leftovers_verdict(main),
            Check::Speedup { serial, at_least } => self.speedup(serial, *at_least),
        }
    }

    fn same_result(&self, main: &Observed) -> (Outcome, String) {
        let expected = match self.expected_results() {
            Ok(expected) => expected,
            Err(verdict) => return verdict,
        };
        compare_results(&main.results(), &expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_scale_to_the_cores() {
        assert_eq!(speed_target(1.5, 2), 1.5);
        assert_eq!(speed_target(3.0, 2), 1.5);
        assert_eq!(speed_target(3.0, 16), 3.0);
        assert_eq!(speed_target(1.2, 1), 1.0);
        assert_eq!(
            label(&Check::Cores { at_least: 4 }, 2),
            "workers busy on 2 cores at once"
        );
    }
}
