//! The `code` check: what the learner's code is made of, read with
//! Python's own `ast` by the learner's own Python (so every syntax that
//! Python accepts is read as that Python reads it). The reader,
//! `assets/practice/code_reader.py`, never runs the code: it parses it and
//! answers with the names called and the constructs used, by line, in one
//! bounded JSON line. Each failure quotes the line it is about.

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::observe::Context;
use super::verdict::Outcome;
use crate::lesson::Check;
use crate::os::process::{self, Exit};

/// The reader, run with `python -I -S -c`.
const READER: &str = include_str!("../../assets/practice/code_reader.py");

/// How long the reader may take (parsing a 16 MB file takes about a second).
pub const READ_LIMIT: Duration = Duration::from_secs(10);

/// The most the reader may answer: its output is bounded (500 names, 3
/// lines each), so more means something else is talking.
pub const MAX_ANSWER: u64 = 256 << 10;

/// How a reason names each construct `forbid` may give.
fn words_for(construct: &str) -> &str {
    match construct {
        "def" => "`def`",
        "lambda" => "`lambda`",
        "class" => "`class`",
        "for" => "`for` loop",
        "while" => "`while` loop",
        "comprehension" => "comprehension",
        "loop" => "loop",
        _ => "construct",
    }
}

/// The reader's kinds a `forbid` word stands for.
fn covers(word: &str) -> &'static [&'static str] {
    Check::CONSTRUCTS
        .iter()
        .find(|(w, _)| *w == word)
        .map_or(&[], |(_, kinds)| kinds)
}

/// The check list's line: "calls `map`; no `for`".
pub fn label(must_call: &[String], forbid: &[String]) -> String {
    let mut parts = Vec::new();
    if !must_call.is_empty() {
        let names: Vec<String> = must_call.iter().map(|n| alternatives(n)).collect();
        parts.push(format!("calls {}", names.join(", ")));
    }
    if !forbid.is_empty() {
        let words: Vec<String> = forbid.iter().map(|w| format!("`{w}`")).collect();
        parts.push(format!("no {}", words.join(", ")));
    }
    format!("code: {}", parts.join("; "))
}

/// "`map` or `imap`" for `map|imap`.
fn alternatives(names: &str) -> String {
    let names: Vec<String> = names.split('|').map(|n| format!("`{n}`")).collect();
    names.join(" or ")
}

/// What the reader answers.
#[derive(Debug, Default, Deserialize)]
struct Answer {
    #[serde(default)]
    calls: BTreeMap<String, Vec<usize>>,
    #[serde(default)]
    constructs: BTreeMap<String, Vec<usize>>,
    #[serde(default)]
    syntax: Option<Syntax>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Syntax {
    line: usize,
    msg: String,
}

/// Judges `source` against a `code` check.
pub fn verdict(
    ctx: Context,
    source: &[u8],
    must_call: &[String],
    forbid: &[String],
    why: Option<&str>,
) -> (Outcome, String) {
    let answer = match read(ctx, source) {
        Ok(answer) => answer,
        Err(message) => {
            return (
                Outcome::CannotJudge,
                format!("cannot read your code now: {message}"),
            );
        }
    };
    judge(&answer, source, must_call, forbid, why)
}

/// The verdict on what the reader found.
fn judge(
    answer: &Answer,
    source: &[u8],
    must_call: &[String],
    forbid: &[String],
    why: Option<&str>,
) -> (Outcome, String) {
    if let Some(syntax) = &answer.syntax {
        let at = if syntax.line > 0 {
            format!("line {}: ", syntax.line)
        } else {
            String::new()
        };
        let quoted = quote(source, syntax.line)
            .map(|q| format!(" (`{q}`)"))
            .unwrap_or_default();
        return (
            Outcome::Failed,
            format!(
                "{at}Python cannot read this: {}{quoted}",
                crate::sanitize::field(&syntax.msg, 120)
            ),
        );
    }
    if let Some(error) = &answer.error {
        return (
            Outcome::CannotJudge,
            format!(
                "cannot read your code now: {}",
                crate::sanitize::field(error, 160)
            ),
        );
    }
    for word in forbid {
        let lines = covers(word)
            .iter()
            .filter_map(|kind| answer.constructs.get(*kind))
            .flatten()
            .copied()
            .min();
        if let Some(line) = lines {
            let what = words_for(word);
            let reason = why.map_or_else(
                || format!("this exercise asks you to do without a {what}"),
                |why| crate::sanitize::line(why).into_owned(),
            );
            let quoted = quote(source, line)
                .map(|q| format!("`{q}` "))
                .unwrap_or_default();
            return (Outcome::Failed, format!("line {line}: {quoted}— {reason}"));
        }
    }
    for names in must_call {
        let found = names
            .split('|')
            .any(|n| answer.calls.get(n).is_some_and(|l| !l.is_empty()));
        if !found {
            let reason = why.map_or_else(
                || "this exercise asks you to use it".to_string(),
                |why| crate::sanitize::line(why).into_owned(),
            );
            return (
                Outcome::Failed,
                format!("no call to {} in your file — {reason}", alternatives(names)),
            );
        }
    }
    // Where each call was found: the evidence, as the failures give theirs.
    let mut seen = Vec::new();
    if !must_call.is_empty() {
        let found: Vec<String> = must_call
            .iter()
            .filter_map(|names| {
                names
                    .split('|')
                    .filter_map(|n| Some((n, *answer.calls.get(n)?.iter().min()?)))
                    .min_by_key(|(_, line)| *line)
                    .map(|(n, line)| format!("`{n}` on line {line}"))
            })
            .collect();
        seen.push(format!("calls {}", found.join(", ")));
    }
    if !forbid.is_empty() {
        let words: Vec<String> = forbid.iter().map(|w| words_for(w).to_string()).collect();
        seen.push(format!("has no {}", words.join(", no ")));
    }
    (Outcome::Passed, seen.join("; "))
}

/// Line `line` (from 1) of `source`, trimmed and made safe to show.
fn quote(source: &[u8], line: usize) -> Option<String> {
    let text = source.split(|&b| b == b'\n').nth(line.checked_sub(1)?)?;
    let text = String::from_utf8_lossy(text);
    let text = text.trim();
    (!text.is_empty()).then(|| crate::sanitize::field(text, 60).into_owned())
}

/// Runs the reader on `source` with the learner's Python, under
/// [`READ_LIMIT`], its answer at most [`MAX_ANSWER`] bytes.
fn read(ctx: Context, source: &[u8]) -> Result<Answer, String> {
    // The source goes in through a file: no pipe to keep filled.
    let mut input = tempfile::tempfile().map_err(|e| format!("a temporary file: {e}"))?;
    input
        .write_all(source)
        .and_then(|()| input.rewind())
        .map_err(|e| format!("a temporary file: {e}"))?;
    let mut cmd = Command::new(&ctx.interpreter.path);
    cmd.args(["-I", "-S", "-B", "-c", READER])
        .stdin(Stdio::from(input))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    crate::os::die_with_parent(&mut cmd, process::SIGKILL);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("{}: {e}", ctx.interpreter.path.display()))?;
    let stdout = child.stdout.take().ok_or("no output pipe")?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = stdout.take(MAX_ANSWER + 1).read_to_end(&mut out);
        read.map(|_| out)
    });
    let exit = process::reap(&mut child, Instant::now() + READ_LIMIT);
    // The child has ended (or was killed): its pipe is closed.
    let out = reader
        .join()
        .map_err(|_| "the reader's thread failed".to_string())?
        .map_err(|e| format!("reading its answer: {e}"))?;
    if exit != Exit::Code(0) {
        return Err(format!(
            "Python's ast reader {} (after {} s at most)",
            exit.phrase(),
            READ_LIMIT.as_secs()
        ));
    }
    if out.len() as u64 > MAX_ANSWER {
        return Err("the ast reader answered too much".into());
    }
    serde_json::from_slice(&out).map_err(|e| format!("the ast reader's answer: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> Answer {
        serde_json::from_str(json).unwrap()
    }

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_forbidden_construct_is_quoted_with_its_line() {
        let source = b"import sys\n\nfor word in words:\n    print(word)\n";
        let a = answer(r#"{"calls": {"print": [4]}, "constructs": {"for": [3]}}"#);
        let (outcome, reason) = judge(
            &a,
            source,
            &[],
            &words(&["loop"]),
            Some("this exercise asks for map, not a loop"),
        );
        assert_eq!(outcome, Outcome::Failed);
        assert_eq!(
            reason,
            "line 3: `for word in words:` — this exercise asks for map, not a loop"
        );
        let (outcome, _) = judge(&a, source, &[], &words(&["def", "while"]), None);
        assert_eq!(outcome, Outcome::Passed);
    }

    #[test]
    fn a_missing_call_is_named_and_alternatives_count() {
        let a = answer(r#"{"calls": {"imap": [7]}, "constructs": {}}"#);
        let (outcome, reason) = judge(&a, b"", &words(&["reduce"]), &[], None);
        assert_eq!(outcome, Outcome::Failed);
        assert!(reason.starts_with("no call to `reduce`"), "{reason}");
        let (outcome, reason) = judge(&a, b"", &words(&["map|imap"]), &[], None);
        assert_eq!(outcome, Outcome::Passed, "{reason}");
        assert_eq!(reason, "calls `imap` on line 7");
        let (_, reason) = judge(&a, b"", &[], &words(&["def", "loop"]), None);
        assert_eq!(reason, "has no `def`, no loop");
    }

    #[test]
    fn a_syntax_error_is_a_reason_with_its_line() {
        let a = answer(r#"{"syntax": {"line": 2, "msg": "invalid syntax"}}"#);
        let (outcome, reason) = judge(&a, b"x = 1\ndef f(:\n", &[], &words(&["def"]), None);
        assert_eq!(outcome, Outcome::Failed);
        assert_eq!(
            reason,
            "line 2: Python cannot read this: invalid syntax (`def f(:`)"
        );
    }

    #[test]
    fn fields_are_checked() {
        assert!(Check::code_problems(&[], &[]).len() == 1);
        assert!(Check::code_problems(&words(&["map|imap", "Pool"]), &words(&["loop"])).is_empty());
        let p = Check::code_problems(&words(&["pool.map"]), &words(&["goto"]));
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[1].contains("not one of def, lambda"), "{p:?}");
        for (word, _) in Check::CONSTRUCTS {
            assert!(words_for(word).contains(word), "{word}");
        }
    }

    #[test]
    fn labels_say_what_is_asked() {
        assert_eq!(
            label(&words(&["map|imap", "Pool"]), &words(&["for"])),
            "code: calls `map` or `imap`, `Pool`; no `for`"
        );
    }
}
