//! What a judgement says, shared by the judge and the checks it calls
//! (`hidden`, `code`, `evidence`'s descriptions): a check's [`Outcome`],
//! a file's [`Overall`] verdict and [`Report`], the [`Event`]s seen while
//! judging, and the words they are told in. It imports no other part of
//! `practice`, so the checks and the judge depend on it one way.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::python::PyEvent;

/// How a check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Failed,
    /// A timing check other programs kept from judging: the cores were
    /// too busy for the evidence to say either way.
    CannotJudge,
    /// Not judged: nothing to judge on this machine (one core), or an
    /// earlier check failed.
    Skipped,
}

impl Outcome {
    /// ✓, ✗, ? or –.
    pub fn mark(self) -> char {
        match self {
            Outcome::Passed => '✓',
            Outcome::Failed => '✗',
            Outcome::CannotJudge => '?',
            Outcome::Skipped => '–',
        }
    }
}

/// The verdict on a whole file: pass, fail, or cannot judge now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Overall {
    Pass,
    Fail,
    /// No check failed, but a timing check could not be judged.
    CannotJudge,
}

impl Overall {
    /// Fail if any check failed, else cannot judge if any could not be
    /// judged, else pass.
    pub fn of(verdicts: &[Verdict]) -> Overall {
        let any = |o: Outcome| verdicts.iter().any(|v| v.outcome == o);
        if any(Outcome::Failed) {
            Overall::Fail
        } else if any(Outcome::CannotJudge) {
            Overall::CannotJudge
        } else {
            Overall::Pass
        }
    }

    /// The exit status of `practice check`: 0, 1 or 3.
    pub fn status(self) -> u8 {
        use crate::commands::status;
        match self {
            Overall::Pass => status::OK,
            Overall::Fail => status::FAILED,
            Overall::CannotJudge => status::CANNOT_JUDGE,
        }
    }

    /// "passed", "failed", "cannot judge now".
    pub fn words(self) -> &'static str {
        match self {
            Overall::Pass => "passed",
            Overall::Fail => "failed",
            Overall::CannotJudge => "cannot judge now",
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
    /// The file judged, as the learner named it (`None`: the course's own).
    pub file: Option<String>,
    pub verdict: Overall,
    /// Why: the first failed check's reason, else the first that could not
    /// be judged, else that every check passed.
    pub reason: String,
    /// True only for [`Overall::Pass`].
    pub passed: bool,
    /// The most other programs used of the machine during any run of the
    /// judgement (0 to 1), as the lab measures it; `None`: unknown.
    pub load: Option<f64>,
    pub verdicts: Vec<Verdict>,
    /// The output of the main run (both streams, made safe to print).
    pub output: Vec<String>,
    /// The Python that ran it.
    pub python: String,
    /// Wall time of the main run, in seconds.
    pub seconds: f64,
    /// What held the main run's processes ("kernel cgroup v1: at most 64
    /// processes, 6 GiB", or rlimits and sampling); `None`: it never ran.
    pub contained: Option<String>,
}

/// "1 worker", "2 workers", "3 processes".
pub fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "process") => format!("{n} processes"),
        _ => format!("{n} {word}s"),
    }
}

/// `text` cut to `max` characters, with `…` where it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
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

/// "other programs used 63% of the machine".
pub fn load_words(load: Option<f64>) -> String {
    match load {
        Some(share) => format!("other programs used {:.0}% of the machine", 100.0 * share),
        None => "the machine's load is unknown".into(),
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
    fn the_overall_verdict_puts_fail_before_cannot_judge() {
        let v = |outcome| Verdict {
            kind: "cores".into(),
            label: String::new(),
            outcome,
            reason: "why".into(),
        };
        use Outcome::*;
        assert_eq!(Overall::of(&[v(Passed), v(Skipped)]), Overall::Pass);
        assert_eq!(
            Overall::of(&[v(Passed), v(CannotJudge)]),
            Overall::CannotJudge
        );
        assert_eq!(Overall::of(&[v(CannotJudge), v(Failed)]), Overall::Fail);
        assert_eq!(Overall::Fail.status(), crate::commands::status::FAILED);
        assert_eq!(
            Overall::CannotJudge.status(),
            crate::commands::status::CANNOT_JUDGE
        );
    }
}
