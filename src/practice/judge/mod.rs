//! Judging a learner's file: the exercise's checks in order, each with a
//! verdict and one line the learner can act on. The first failure ends the
//! judging (the checks after it are reported as not run), as in rustlings:
//! one thing to fix at a time, and a broken starter is judged in one run.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

use super::observe::{Context, Fault, Observed, Script, observe};
use crate::lesson::{Check, Exercise};
use crate::os::process::Exit;
use crate::python::{PyEvent, StartMethod};

/// How many timed runs the speedup check makes of each script.
pub const SPEED_RUNS: usize = 3;

/// How a check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Failed,
    /// Not judged: nothing to judge on this machine (one core), or an
    /// earlier check failed.
    Skipped,
}

impl Outcome {
    /// ✓, ✗ or –.
    pub fn mark(self) -> char {
        match self {
            Outcome::Passed => '✓',
            Outcome::Failed => '✗',
            Outcome::Skipped => '–',
        }
    }
}

/// The verdict on one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The check's kind, as in the front matter.
    pub kind: String,
    /// What it asks, in a few words ("at least 2 workers").
    pub label: String,
    pub outcome: Outcome,
    /// One line: what was seen, and on failure what to do.
    pub reason: String,
}

/// Something that happens while a file is judged, in order.
#[derive(Debug, Clone)]
pub enum Event {
    /// A run begins; `label` says which ("your file", "the reference
    /// solution", "your file under spawn", "speed run 2 of 3").
    Run { label: String },
    /// An event of that run (for the live output and process panes).
    Py(PyEvent),
    /// A check was decided.
    Verdict(Verdict),
}

/// The judgement of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub exercise: String,
    pub passed: bool,
    pub verdicts: Vec<Verdict>,
    /// The output of the main run (both streams, made safe to print).
    pub output: Vec<String>,
    /// The Python that ran it.
    pub python: String,
    /// Wall time of the main run, in seconds.
    pub seconds: f64,
}

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
        Check::StartMethods { methods } => format!("works under {}", methods.join(", ")),
        Check::Workers { at_least } => format!("at least {at_least} worker processes"),
        Check::Cores { at_least } => {
            format!("workers busy on {} cores", (*at_least).min(cores.max(1)))
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
            (Outcome::Failed, fault.reason())
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
    Report {
        exercise: exercise.id.clone(),
        passed: !failed,
        verdicts,
        output: main
            .transcript
            .lines()
            .iter()
            .map(|l| l.text.clone())
            .collect(),
        python: ctx.interpreter.version.clone(),
        seconds: main.elapsed.as_secs_f64(),
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
        observe(self.ctx, &script, &|event| {
            (self.on_event)(Event::Py(event.clone()))
        })
    }

    /// The reference solution's `result:` lines, or why there are none.
    fn expected_results(&self) -> Result<Vec<String>, String> {
        let mut cached = self.memo.solution.lock().unwrap_or_else(|e| e.into_inner());
        if cached.is_none() {
            let solution = self
                .ctx
                .set
                .read_file(&self.exercise.solution)
                .ok_or_else(|| {
                    format!(
                        "the reference solution {:?} is missing from the course",
                        self.exercise.solution
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
            return Err(format!(
                "the reference solution could not run: {}",
                fault.reason()
            ));
        }
        if !observed.ended_well() {
            return Err(format!(
                "the reference solution failed ({}): the course has a bug",
                describe_end(observed)
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
            Check::StartMethods { methods } => self.start_methods(methods),
            Check::Workers { at_least } => {
                let seen = main.workers();
                if seen >= *at_least {
                    (Outcome::Passed, format!("{} seen", plural(seen, "worker")))
                } else {
                    (
                        Outcome::Failed,
                        format!(
                            "{} seen, {at_least} wanted: start the work in a pool (or processes) from the master",
                            plural(seen, "worker")
                        ),
                    )
                }
            }
            Check::Cores { at_least } => {
                if cores < 2 {
                    return (
                        Outcome::Skipped,
                        "this machine lets forklab use 1 core: nothing to spread the work over"
                            .into(),
                    );
                }
                let target = (*at_least).min(cores);
                let (workers, used) = main.busy_workers();
                let seen = used.len().min(workers);
                if seen >= target {
                    (
                        Outcome::Passed,
                        format!(
                            "{} busy on {} (at most {} at the same moment)",
                            plural(workers, "worker"),
                            plural(used.len(), "core"),
                            main.cores_at_once
                        ),
                    )
                } else {
                    (
                        Outcome::Failed,
                        format!(
                            "{} seen busy on {}, {target} cores wanted: give every worker a share of the work{}",
                            plural(workers, "worker"),
                            plural(used.len(), "core"),
                            if main.elapsed < Duration::from_millis(200) {
                                " (the run was too short to see much)"
                            } else {
                                ""
                            }
                        ),
                    )
                }
            }
            Check::NoLeftovers {} => {
                if main.leftovers.is_empty() {
                    return (Outcome::Passed, "nothing outlived the script".into());
                }
                let names: Vec<String> = main
                    .leftovers
                    .iter()
                    .take(3)
                    .map(|(pid, role, _)| format!("{} {pid}", role.as_str()))
                    .collect();
                (
                    Outcome::Failed,
                    format!(
                        "{} outlived the script ({}) and forklab stopped them: close and join what you start (`with Pool(...) as pool:`)",
                        plural(main.leftovers.len(), "process"),
                        names.join(", ")
                    ),
                )
            }
            Check::Speedup { serial, at_least } => self.speedup(serial, *at_least),
        }
    }

    fn same_result(&self, main: &Observed) -> (Outcome, String) {
        let expected = match self.expected_results() {
            Ok(expected) => expected,
            Err(message) => return (Outcome::Failed, message),
        };
        compare_results(&main.results(), &expected)
    }

    fn start_methods(&self, methods: &[String]) -> (Outcome, String) {
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
            let observed = self.run(
                &format!("your file under {method}"),
                self.source,
                Some(method),
            );
            let failed = observed.fault.as_ref().map(Fault::reason).or_else(|| {
                self.exercise.checks.iter().find_map(|check| {
                    let (outcome, reason) = match check {
                        Check::Exit { code } => exit_verdict(&observed, *code),
                        Check::Output { contains, regex } => {
                            output_verdict(&observed, contains, regex)
                        }
                        Check::SameResult {} => self.same_result(&observed),
                        _ => return None,
                    };
                    (outcome == Outcome::Failed).then_some(reason)
                })
            });
            if let Some(mut reason) = failed {
                if method != StartMethod::Fork && reruns_main(&observed) {
                    reason.push_str(&format!(
                        " ({method} workers import your file and run its top level again: keep what starts processes under `if __name__ == \"__main__\":`)"
                    ));
                }
                return (Outcome::Failed, format!("under {method}: {reason}"));
            }
            passed.push(name.as_str());
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

    fn speedup(&self, serial: &str, at_least: f64) -> (Outcome, String) {
        let cores = self.ctx.cores;
        if cores < 2 {
            return (
                Outcome::Skipped,
                "this machine lets forklab use 1 core: no speedup to measure".into(),
            );
        }
        let Some(serial_source) = self.ctx.set.read_file(serial) else {
            return (
                Outcome::Failed,
                format!("the serial script {serial:?} is missing from the course"),
            );
        };
        let serial_name = serial.rsplit('/').next().unwrap_or(serial);
        let mut best = [Duration::MAX; 2];
        for round in 1..=SPEED_RUNS {
            for (i, (who, name, source)) in [
                ("the serial script", serial_name, &serial_source[..]),
                ("your file", self.exercise.file_name(), self.source),
            ]
            .into_iter()
            .enumerate()
            {
                let observed = self.run_as(
                    &format!("speed: {who}, run {round} of {SPEED_RUNS}"),
                    name,
                    source,
                    None,
                );
                if let Some(fault) = &observed.fault {
                    return (Outcome::Failed, format!("{who}: {}", fault.reason()));
                }
                if !observed.ended_well() {
                    return (
                        Outcome::Failed,
                        format!("{who} failed on a timed run: {}", describe_end(&observed)),
                    );
                }
                best[i] = best[i].min(observed.elapsed);
            }
        }
        let [serial_best, own_best] = best;
        let speedup = serial_best.as_secs_f64() / own_best.as_secs_f64().max(1e-6);
        let target = speed_target(at_least, cores);
        let figures = format!(
            "{speedup:.2}× (best of {SPEED_RUNS}: {:.2} s against the serial {:.2} s)",
            own_best.as_secs_f64(),
            serial_best.as_secs_f64()
        );
        if speedup >= target {
            (Outcome::Passed, figures)
        } else {
            let advice = match super::load_per_core() {
                Some(load) if load > 1.0 => format!(
                    "the machine is busy (load {:.1} on {cores} cores), so timings mean little: check again when it is quieter",
                    load * cores as f64
                ),
                _ => "fewer, bigger tasks cost less to send".to_string(),
            };
            (
                Outcome::Failed,
                format!("{figures}; {target:.2}× wanted on {cores} cores: {advice}"),
            )
        }
    }
}

/// Signs that workers ran the script's top level again: Python's own
/// errors for it, or a hang (a pool that keeps replacing dying workers).
fn reruns_main(observed: &Observed) -> bool {
    matches!(observed.fault, Some(Fault::TimedOut(_)))
        || observed.lines(crate::python::Stream::Stderr).any(|l| {
            l.contains("bootstrapping phase")
                || l.contains("context has already been set")
                || l.contains("freeze_support")
        })
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "process") => format!("{n} processes"),
        _ => format!("{n} {word}s"),
    }
}

/// How a run ended, in words, with the error it printed last.
fn describe_end(observed: &Observed) -> String {
    let status = match observed.status {
        Some(status) => status.to_string(),
        None => "it never started".to_string(),
    };
    match observed.last_error() {
        Some(error) => format!("{status}: {}", shorten(error, 160)),
        None => status,
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

fn exit_verdict(observed: &Observed, code: i32) -> (Outcome, String) {
    if observed.status == Some(Exit::Code(code)) {
        return (Outcome::Passed, format!("exit status {code}"));
    }
    let mut reason = describe_end(observed);
    let stderr = observed
        .lines(crate::python::Stream::Stderr)
        .collect::<Vec<_>>();
    if stderr.iter().any(|l| l.contains("SyntaxError")) {
        reason.push_str(" (is the file Python, and does it parse?)");
    } else if stderr.iter().any(|l| l.contains("NotImplementedError")) {
        reason.push_str(" (a TODO is left)");
    }
    (Outcome::Failed, reason)
}

fn output_verdict(observed: &Observed, contains: &[String], regex: &[String]) -> (Outcome, String) {
    let stdout: Vec<&str> = observed.lines(crate::python::Stream::Stdout).collect();
    for wanted in contains {
        if !stdout.iter().any(|l| l.contains(wanted.as_str())) {
            return (
                Outcome::Failed,
                format!("the output lacks {wanted:?}{}", nothing_printed(&stdout)),
            );
        }
    }
    for pattern in regex {
        let re = match regex_lite::Regex::new(pattern) {
            Ok(re) => re,
            Err(e) => {
                return (
                    Outcome::Failed,
                    format!("the course's regex {pattern:?}: {e}"),
                );
            }
        };
        if !stdout.iter().any(|l| re.is_match(l)) {
            return (
                Outcome::Failed,
                format!(
                    "no line of the output matches /{pattern}/{}",
                    nothing_printed(&stdout)
                ),
            );
        }
    }
    (Outcome::Passed, "the output has what it needs".into())
}

fn nothing_printed(stdout: &[&str]) -> &'static str {
    if stdout.is_empty() {
        " (nothing was printed)"
    } else {
        ""
    }
}

/// Compares `result:` lines, naming the first difference.
pub fn compare_results(got: &[String], expected: &[String]) -> (Outcome, String) {
    if got == expected {
        return (
            Outcome::Passed,
            format!(
                "{}, the same as the reference",
                plural(got.len(), "result line")
            ),
        );
    }
    if got.is_empty() {
        return (
            Outcome::Failed,
            format!(
                "no `result:` line printed; the reference prints {}",
                plural(expected.len(), "line")
            ),
        );
    }
    fn counts(lines: &[String]) -> BTreeMap<&str, usize> {
        let mut map: BTreeMap<&str, usize> = BTreeMap::new();
        for line in lines {
            *map.entry(line.as_str()).or_default() += 1;
        }
        map
    }
    if counts(got) == counts(expected) {
        return (
            Outcome::Failed,
            "the same results in another order: keep the order of the input (map does, imap_unordered does not)".into(),
        );
    }
    let at = got
        .iter()
        .zip(expected)
        .position(|(g, e)| g != e)
        .unwrap_or(got.len().min(expected.len()));
    match (got.get(at), expected.get(at)) {
        (Some(g), Some(e)) => (
            Outcome::Failed,
            format!(
                "result line {}: {:?}, the reference has {:?}",
                at + 1,
                shorten(g, 60),
                shorten(e, 60)
            ),
        ),
        _ => (
            Outcome::Failed,
            format!(
                "{} printed, the reference prints {}",
                plural(got.len(), "result line"),
                expected.len()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn results_are_compared_with_a_reason() {
        let expected = lines(&["result: 1", "result: 4"]);
        assert_eq!(compare_results(&expected, &expected).0, Outcome::Passed);
        let (outcome, reason) = compare_results(&[], &expected);
        assert_eq!(outcome, Outcome::Failed);
        assert!(reason.contains("no `result:` line"), "{reason}");
        let (_, reason) = compare_results(&lines(&["result: 4", "result: 1"]), &expected);
        assert!(reason.contains("another order"), "{reason}");
        let (_, reason) = compare_results(&lines(&["result: 1", "result: 5"]), &expected);
        assert!(
            reason.starts_with("result line 2: \"result: 5\""),
            "{reason}"
        );
        let (_, reason) = compare_results(&lines(&["result: 1"]), &expected);
        assert!(reason.contains("1 result line printed"), "{reason}");
    }

    #[test]
    fn targets_scale_to_the_cores() {
        assert_eq!(speed_target(1.5, 2), 1.5);
        assert_eq!(speed_target(3.0, 2), 1.5);
        assert_eq!(speed_target(3.0, 16), 3.0);
        assert_eq!(speed_target(1.2, 1), 1.0);
        assert_eq!(
            label(&Check::Cores { at_least: 4 }, 2),
            "workers busy on 2 cores"
        );
    }
}
