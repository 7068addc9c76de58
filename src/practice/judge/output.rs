//! Checks on what a run printed and how it ended: `exit`, `output`,
//! `same-result`'s comparison.

use std::collections::BTreeMap;

use super::{Outcome, plural};
use crate::practice::observe::Observed;
use crate::python::Stream;

/// How a run ended, in words, with the error it printed last.
pub fn describe_end(observed: &Observed) -> String {
    let status = match observed.status {
        Some(status) => status.to_string(),
        None => "it never started".to_string(),
    };
    match observed.last_error() {
        Some(error) => format!("{status}: {}", shorten(error, 160)),
        None => status,
    }
}

pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

pub fn exit_verdict(observed: &Observed, code: i32) -> (Outcome, String) {
    if observed.status == Some(crate::os::process::Exit::Code(code)) {
        return (Outcome::Passed, format!("exit status {code}"));
    }
    let mut reason = describe_end(observed);
    let stderr = observed.lines(Stream::Stderr).collect::<Vec<_>>();
    if stderr.iter().any(|l| l.contains("SyntaxError")) {
        reason.push_str(" (is the file Python, and does it parse?)");
    } else if stderr.iter().any(|l| l.contains("NotImplementedError")) {
        reason.push_str(" (a TODO is left)");
    }
    (Outcome::Failed, reason)
}

pub fn output_verdict(
    observed: &Observed,
    contains: &[String],
    regex: &[String],
) -> (Outcome, String) {
    let stdout: Vec<&str> = observed.lines(Stream::Stdout).collect();
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
}
