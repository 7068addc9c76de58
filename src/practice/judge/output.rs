//! Checks on what a run printed and how it ended: `exit`, `output`,
//! `same-result`'s comparison.

use crate::practice::observe::Observed;
use crate::practice::verdict::{Outcome, shorten};
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
