//! Cheats against the shipped exercises: every file
//! `tests/fixtures/cheats/<exercise-id>/<kind>.py` is judged as a learner's
//! file for that exercise, and must fail, caught by the check its kind
//! names, with a reason saying why. A new kind of cheat is one row of
//! [`KINDS`] and one file per exercise it applies to.
//!
//! Needs Python: skipped visibly without it, and failing under CI.

#[path = "support/python.rs"]
mod python;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use forklab::lesson::LessonSet;
use forklab::practice::{self, Context};
use forklab::practice::{Event, Outcome, Report};
use forklab::python::{Interpreter, PyEvent};

/// Kind of cheat (the file's name) -> the check that must catch it, and a
/// fragment of the reason it must give.
const KINDS: &[(&str, &str, &str)] = &[
    // Prints the answer for the shown input, or ignores the input given.
    ("hard-coded", "hidden", practice::hidden::WRONG_FOR_ANOTHER),
    // Right answers from a construct the exercise forbids.
    ("forbidden", "code", "— this exercise asks"),
    // Right answers without the call the exercise is about.
    ("no-call", "code", "no call to"),
];

/// Kinds judged by tests/practice_verdicts.rs (the process evidence):
/// skipped here, so each cheat is judged once; any other kind without a
/// row in [`KINDS`] fails the test.
const JUDGED_ELSEWHERE: &[&str] = &["serial", "threads", "master", "idle", "pinned", "ignored"];

fn cheats_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cheats")
}

/// Every cheat file: (exercise id, kind, path), sorted.
fn cheats() -> Vec<(String, String, PathBuf)> {
    let mut found = Vec::new();
    for folder in std::fs::read_dir(cheats_dir()).expect("tests/fixtures/cheats") {
        let folder = folder.unwrap().path();
        let id = folder.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&folder).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "py") {
                let kind = path.file_stem().unwrap().to_string_lossy().into_owned();
                found.push((id.clone(), kind, path));
            }
        }
    }
    found.sort();
    found
}

/// Judges `source`, then asserts that no process of any run is left.
fn judge(set: &LessonSet, python: &Interpreter, id: &str, source: &[u8]) -> Report {
    let exercise = practice::find(set, id).unwrap().1;
    let launcher = python::launcher();
    let cancel = AtomicBool::new(false);
    let ctx = Context {
        set,
        interpreter: python,
        launcher: Some(&launcher),
        cancel: &cancel,
        cores: forklab::os::usable_cores(),
        seed: None,
    };
    let pids = Mutex::new(Vec::new());
    let report = practice::judge(ctx, exercise, source, None, &|event| {
        if let Event::Py(PyEvent::Started(started)) = event {
            pids.lock()
                .unwrap()
                .extend([started.guard_pid, started.pid]);
        }
    });
    let left = python::wait_all_gone(&pids.into_inner().unwrap(), Duration::from_secs(5));
    assert!(left.is_empty(), "{id}: processes left running: {left:?}");
    report
}

#[test]
fn every_cheat_fails_for_its_reason() {
    let Some(python) = python::python_or_skip("every_cheat_fails_for_its_reason") else {
        return;
    };
    let set = LessonSet::embedded();
    let cheats = cheats();
    let mut wrong = Vec::new();
    let mut exercises = std::collections::BTreeSet::new();
    for (id, kind, path) in &cheats {
        if JUDGED_ELSEWHERE.contains(&kind.as_str()) {
            continue;
        }
        let Some((_, check, fragment)) = KINDS.iter().find(|(k, _, _)| k == kind) else {
            wrong.push(format!(
                "{}: no row for the kind {kind:?} in KINDS",
                path.display()
            ));
            continue;
        };
        if practice::find(&set, id).is_err() {
            wrong.push(format!("{}: no exercise {id:?}", path.display()));
            continue;
        }
        exercises.insert(id.as_str());
        let source = std::fs::read(path).unwrap();
        let report = judge(&set, &python, id, &source);
        let failed = report
            .verdicts
            .iter()
            .find(|v| v.outcome == Outcome::Failed);
        eprintln!(
            "{id}/{kind}: {}",
            failed.map_or("PASSED".to_string(), |v| format!(
                "{}: {}",
                v.kind, v.reason
            ))
        );
        match failed {
            Some(v) if v.kind == *check && v.reason.contains(fragment) => {}
            Some(v) => wrong.push(format!(
                "{id}/{kind}: failed check {:?} ({}), {check:?} with {fragment:?} wanted",
                v.kind, v.reason
            )),
            None => wrong.push(format!("{id}/{kind}: passed every check: {report:#?}")),
        }
    }
    // Every shipped exercise has at least its hard-coded cheat.
    for (_, exercise) in practice::exercises(&set) {
        if !cheats
            .iter()
            .any(|(id, kind, _)| *id == exercise.id && kind == "hard-coded")
        {
            wrong.push(format!("{}: no hard-coded.py cheat", exercise.id));
        }
    }
    let judged = cheats
        .iter()
        .filter(|(_, kind, _)| !JUDGED_ELSEWHERE.contains(&kind.as_str()))
        .count();
    assert!(
        wrong.is_empty(),
        "{judged} cheats judged for {} exercises:\n{}",
        exercises.len(),
        wrong.join("\n")
    );
}

/// The same seed makes the same hidden inputs: a verdict can be replayed.
#[test]
fn a_seed_replays_the_same_inputs() {
    let Some(python) = python::python_or_skip("a_seed_replays_the_same_inputs") else {
        return;
    };
    let set = LessonSet::embedded();
    let exercise = practice::find(&set, "function-table").unwrap().1;
    let source = std::fs::read(cheats_dir().join("function-table/hard-coded.py")).unwrap();
    let launcher = python::launcher();
    let cancel = AtomicBool::new(false);
    let reason = |seed| {
        let ctx = Context {
            set: &set,
            interpreter: &python,
            launcher: Some(&launcher),
            cancel: &cancel,
            cores: forklab::os::usable_cores(),
            seed: Some(seed),
        };
        let (_, reason) = practice::hidden::verdict(ctx, exercise, &source, None, &|_| {});
        reason
    };
    let first = reason(4242);
    assert!(first.contains("seed 4242"), "{first}");
    assert!(
        first.contains("--seed 4242` replays it"),
        "the verdict says how to replay it: {first}"
    );
    assert_eq!(first, reason(4242));
    assert_ne!(first, reason(4243));
}

/// The code check reads with Python's `ast` and never runs the file: a
/// syntax error is a reason with its line, a file that would write
/// something writes nothing, and nesting too deep for the parser is a
/// reason too, not a crash.
#[test]
fn the_code_check_reads_without_running() {
    let Some(python) = python::python_or_skip("the_code_check_reads_without_running") else {
        return;
    };
    let set = LessonSet::embedded();
    let launcher = python::launcher();
    let cancel = AtomicBool::new(false);
    let ctx = Context {
        set: &set,
        interpreter: &python,
        launcher: Some(&launcher),
        cancel: &cancel,
        cores: forklab::os::usable_cores(),
        seed: None,
    };
    let words = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let verdict = |source: &[u8], must_call: &[&str], forbid: &[&str]| {
        practice::code::verdict(ctx, source, &words(must_call), &words(forbid), None)
    };

    let (outcome, reason) = verdict(b"x = 1\ndef f(:\n    pass\n", &[], &["def"]);
    assert_eq!(outcome, Outcome::Failed);
    assert!(
        reason.starts_with("line 2: Python cannot read this") && reason.contains("`def f(:`"),
        "{reason}"
    );

    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let source = format!(
        "open({:?}, 'w').write('ran')\nfor x in map(str, [1]):\n    pass\n",
        marker.display().to_string()
    );
    let (outcome, reason) = verdict(source.as_bytes(), &["map"], &["loop"]);
    assert_eq!(outcome, Outcome::Failed);
    assert_eq!(
        reason,
        "line 2: `for x in map(str, [1]):` — this exercise asks you to do without a loop"
    );
    assert!(!marker.exists(), "the code check ran the file");

    let (outcome, reason) = verdict(
        b"from functools import reduce as fold\nfold(max, [1])\n",
        &["reduce"],
        &[],
    );
    assert_eq!(outcome, Outcome::Passed, "{reason}");

    let deep = format!("x = {}1{}\n", "(".repeat(400), ")".repeat(400));
    let (outcome, reason) = verdict(deep.as_bytes(), &["map"], &[]);
    assert_ne!(outcome, Outcome::Passed, "{reason}");
    assert!(
        reason.contains("Python cannot read this") || reason.contains("cannot read your code"),
        "{reason}"
    );
}
