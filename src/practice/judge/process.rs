//! Checks on the processes a run made, from forklab's own samples: the
//! workers, who did the work, the start method that really ran, what
//! outlived the script, and why a run that never ended did not.

use super::Judge;
use super::output::{exit_verdict, output_verdict};
use crate::lesson::Check;
use crate::practice::evidence::{MethodEvidence, Shares};
use crate::practice::observe::{Fault, Observed};
use crate::practice::stopped::{fault_verdict, said_main_reran};
use crate::practice::verdict::{Outcome, plural};
use crate::python::{Role, StartMethod};

/// Runs of the file under one start method when no worker was seen: a
/// worker that lives 20 ms can fall between two samples.
const METHOD_TRIES: usize = 3;

/// CPU seconds of work below which nobody can be said to have done it.
pub const MIN_WORK: f64 = 0.05;

pub fn workers_verdict(main: &Observed, at_least: usize) -> (Outcome, String) {
    let seen = main.workers();
    let how = MethodEvidence::of(&main.family).describe();
    if seen >= at_least {
        (Outcome::Passed, how)
    } else {
        (
            Outcome::Failed,
            format!(
                "{} seen, {at_least} wanted: start the work in a pool (or processes) from the master; threads are not processes",
                plural(seen, "worker")
            ),
        )
    }
}

pub fn work_verdict(main: &Observed, share: Option<f64>) -> (Outcome, String) {
    shares_verdict(&main.cpu.shares(&main.family), share)
}

/// Whether the workers did at least `share` of the work forklab saw.
fn shares_verdict(shares: &Shares, share: Option<f64>) -> (Outcome, String) {
    let wanted = share.unwrap_or(Check::DEFAULT_WORK_SHARE);
    let got = shares.worker_share();
    let shown = shares.describe();
    // Below this, samples 25 ms apart can miss a short worker's whole
    // life: no evidence either way, so never a fail (nor a pass).
    if shares.total() < MIN_WORK {
        return (
            Outcome::CannotJudge,
            format!(
                "{shown}: too little CPU time to tell who did the work (under {MIN_WORK} s, the master's start-up aside), so forklab cannot judge it; the workers must compute the answer"
            ),
        );
    }
    if shares.worker_count > 0 && got >= wanted {
        return (Outcome::Passed, shown);
    }
    let advice = if shares.worker_count == 0 {
        "no worker process ran: the master did all of it (threads count as the master)"
    } else if shares.workers < 0.25 * shares.computed() {
        "the master did the work itself and the workers mostly waited: give the computation to the workers (pool.map(f, inputs)), not only the results to pass on"
    } else {
        "the master still does much of the work: leave it only to split the input and combine the answers"
    };
    (
        Outcome::Failed,
        format!(
            "{shown}; the workers should do at least {:.0}%: {advice}",
            100.0 * wanted
        ),
    )
}

pub fn leftovers_verdict(main: &Observed) -> (Outcome, String) {
    // Python's own helpers end by themselves once the master's pipes
    // close, later on a busy machine: only the script's processes count.
    let leftovers: Vec<_> = main
        .leftovers
        .iter()
        .filter(|(_, role, _)| !matches!(role, Role::Tracker | Role::Forkserver))
        .collect();
    if leftovers.is_empty() {
        return (Outcome::Passed, "nothing outlived the script".into());
    }
    let names: Vec<String> = leftovers
        .iter()
        .take(3)
        .map(|(pid, role, _)| format!("{} {pid}", role.as_str()))
        .collect();
    (
        Outcome::Failed,
        format!(
            "{} outlived the script ({}) and forklab stopped them: close and join what you start (`with Pool(...) as pool:`)",
            plural(leftovers.len(), "process"),
            names.join(", ")
        ),
    )
}

/// Signs that workers ran the script's top level again: Python's own
/// errors for it, or a hang (a pool that keeps replacing dying workers).
fn reruns_main(observed: &Observed) -> bool {
    matches!(observed.fault, Some(Fault::TimedOut(_))) || said_main_reran(observed)
}

/// Whether the workers of `observed` show `method`, and in any case what
/// they show ("3 workers started by spawn").
fn method_verdict(observed: &Observed, method: StartMethod) -> Result<String, String> {
    let evidence = MethodEvidence::of(&observed.family);
    let shown = evidence.describe();
    if evidence.shows(method) {
        return Ok(shown);
    }
    if evidence.workers() == 0 {
        return Err(format!(
            "no worker process was seen under {method}: the work must run in processes that multiprocessing starts"
        ));
    }
    let server = if method == StartMethod::Forkserver && !evidence.server {
        " and no forkserver ran"
    } else {
        ""
    };
    Err(format!(
        "forklab set {method}, but {shown}{server}: does the script choose its own start method (set_start_method, get_context, a fixed ctx)? Leave the choice to whoever runs it"
    ))
}

impl Judge<'_> {
    pub(super) fn start_methods(&self, methods: &[String]) -> (Outcome, String) {
        let mut passed = Vec::new();
        let mut missing = Vec::new();
        for name in methods {
            let Ok(method) = name.parse::<StartMethod>() else {
                return (
                    Outcome::Failed,
                    format!("the course names an unknown start method {name:?}"),
                );
            };
            if !self.ctx.interpreter.supports(method) {
                missing.push(name.as_str());
                continue;
            }
            match self.under(method) {
                Ok(shown) => passed.push(format!("{method} ({shown})")),
                Err((outcome, reason)) => return (outcome, format!("under {method}: {reason}")),
            }
        }
        if passed.is_empty() {
            return (
                Outcome::Skipped,
                format!("this Python offers none of {}", missing.join(", ")),
            );
        }
        let mut reason = format!("passed under {}", passed.join(", "));
        if !missing.is_empty() {
            reason.push_str(&format!(" ({} not offered here)", missing.join(", ")));
        }
        (Outcome::Passed, reason)
    }

    /// Runs the file with `method` set by forklab: the checks on its
    /// output must pass, and its workers must show the method ran.
    fn under(&self, method: StartMethod) -> Result<String, (Outcome, String)> {
        let mut tries = 0;
        loop {
            tries += 1;
            let label = match tries {
                1 => format!("your file under {method}"),
                n => format!("your file under {method}, run {n} (no worker seen yet)"),
            };
            let observed = self.run(&label, self.source, Some(method));
            if let Some((outcome, mut reason)) = self.output_failure(&observed) {
                if outcome == Outcome::Failed
                    && method != StartMethod::Fork
                    && reruns_main(&observed)
                {
                    reason.push_str(&format!(
                        " ({method} workers import your file and run its top level again: keep what starts processes under `if __name__ == \"__main__\":`)"
                    ));
                }
                return Err((outcome, reason));
            }
            let unseen = observed.workers() == 0;
            match method_verdict(&observed, method) {
                Err(_) if unseen && tries < METHOD_TRIES => continue,
                Err(reason) if unseen => {
                    return Err((
                        Outcome::Failed,
                        format!("{reason} (in {METHOD_TRIES} runs)"),
                    ));
                }
                other => return other.map_err(|reason| (Outcome::Failed, reason)),
            }
        }
    }

    /// The first failing (or unjudgeable) exit, output or same-result
    /// check of a run.
    fn output_failure(&self, observed: &Observed) -> Option<(Outcome, String)> {
        if let Some(fault) = &observed.fault {
            return Some(fault_verdict(observed, fault));
        }
        self.exercise.checks.iter().find_map(|check| {
            let (outcome, reason) = match check {
                Check::Exit { code } => exit_verdict(observed, *code),
                Check::Output { contains, regex } => output_verdict(observed, contains, regex),
                Check::SameResult {} => self.same_result(observed),
                _ => return None,
            };
            matches!(outcome, Outcome::Failed | Outcome::CannotJudge).then_some((outcome, reason))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(master: f64, workers: f64, worker_count: usize) -> Shares {
        Shares {
            master,
            workers,
            helpers: 0.0,
            worker_count,
        }
    }

    #[test]
    fn too_little_work_cannot_be_judged_never_fails() {
        // A short worker between two samples: nothing seen either way.
        for (master, workers, count) in [(0.0, 0.0, 0), (0.02, 0.0, 0), (0.01, 0.03, 2)] {
            let (outcome, why) = shares_verdict(&shares(master, workers, count), None);
            assert_eq!(outcome, Outcome::CannotJudge, "{why}");
            assert!(why.contains("cannot judge"), "{why}");
        }
    }

    #[test]
    fn enough_work_is_judged_by_the_workers_share() {
        assert_eq!(
            shares_verdict(&shares(0.05, 0.9, 2), None).0,
            Outcome::Passed
        );
        let (outcome, why) = shares_verdict(&shares(0.9, 0.05, 2), None);
        assert_eq!(outcome, Outcome::Failed, "{why}");
        assert_eq!(
            shares_verdict(&shares(0.9, 0.0, 0), None).0,
            Outcome::Failed
        );
    }
}
