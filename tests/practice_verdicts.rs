//! Verdicts a teacher can grade with, on the shipped course with real
//! Python: every reference solution passes while two CPU hogs keep the
//! cores busy (or answers "cannot judge now" for a timing check, never
//! fails), every starter fails, and every cheat in tests/fixtures/cheats
//! fails for its kind's reason. `FORKLAB_SOAK=N` judges each solution N
//! times (scripts/practice-soak.sh uses 20; CI the default, 1).

#[path = "support/hogs.rs"]
mod hogs;
#[path = "support/python.rs"]
mod python;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use forklab::lesson::{Check, Exercise, LessonSet};
use forklab::practice::selfcheck::is_timing;
use forklab::practice::{self, Context};
use forklab::practice::{Outcome, Overall, Report};
use forklab::python::{Interpreter, StartMethod};
use hogs::Hogs;
use std::time::Duration;

/// The tests of this file judge in turn: each measures the machine.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn judge(set: &LessonSet, python: &Interpreter, exercise: &Exercise, source: &[u8]) -> Report {
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
    practice::judge(ctx, exercise, source, None, &|_| {})
}

fn soak() -> usize {
    std::env::var("FORKLAB_SOAK")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// A verdict a correct solution may get: pass, or "cannot judge now" on
/// timing checks only.
fn acceptable(report: &Report) -> Result<(), String> {
    let wrong: Vec<String> = report
        .verdicts
        .iter()
        .filter(|v| match v.outcome {
            Outcome::Failed => true,
            Outcome::CannotJudge => !is_timing(&v.kind),
            _ => false,
        })
        .map(|v| format!("{} ({:?}): {}", v.kind, v.outcome, v.reason))
        .collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    }
}

#[test]
fn solutions_pass_beside_two_cpu_hogs_and_starters_fail() {
    let Some(python) = python::python_or_skip("solutions_pass_beside_two_cpu_hogs") else {
        return;
    };
    let _turn = one_at_a_time();
    let set = LessonSet::embedded();
    let _hogs = Hogs::start(2);
    let rounds = soak();
    let mut failures = Vec::new();
    let mut counts = Vec::new();
    for (_, exercise) in practice::exercises(&set) {
        let solution = set.read_file(&exercise.solution).expect("the solution");
        let (mut passed, mut unsure) = (0, 0);
        for round in 1..=rounds {
            let report = judge(&set, &python, exercise, &solution);
            match (acceptable(&report), report.verdict) {
                (Err(why), _) => failures.push(format!("{} round {round}: {why}", exercise.id)),
                (Ok(()), Overall::Pass) => passed += 1,
                (Ok(()), _) => unsure += 1,
            }
        }
        counts.push(format!(
            "{}: {passed} passed, {unsure} cannot judge, of {rounds}",
            exercise.id
        ));
        let starter = set.read_file(&exercise.file).expect("the starter");
        let report = judge(&set, &python, exercise, &starter);
        if report.verdict != Overall::Fail {
            failures.push(format!(
                "{}: the starter does not fail: {}",
                exercise.id, report.reason
            ));
        }
    }
    eprintln!("beside two CPU hogs:\n  {}", counts.join("\n  "));
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Workers that live a millisecond are all seen, under every start method,
/// while two hogs keep the cores busy: each waits on the hold socket until
/// forklab has sampled it (without it, a 25 ms sampler misses most).
#[test]
fn every_short_lived_worker_is_seen_beside_two_cpu_hogs() {
    let Some(python) = python::python_or_skip("every_short_lived_worker_is_seen") else {
        return;
    };
    let _turn = one_at_a_time();
    let set = LessonSet::embedded();
    let _hogs = Hogs::start(2);
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
    let source = b"import multiprocessing as mp\n\
        if __name__ == '__main__':\n\
        \x20   for _ in range(12):\n\
        \x20       p = mp.Process(target=int)\n\
        \x20       p.start()\n\
        \x20       p.join()\n";
    for method in StartMethod::ALL {
        if !python.supports(method) {
            continue;
        }
        let script = practice::observe::Script {
            name: "short.py".into(),
            contents: source.to_vec(),
            args: Vec::new(),
            data: Vec::new(),
            start_method: Some(method),
            timeout: Duration::from_secs(60),
            shown_as: None,
        };
        let observed = practice::observe::observe(ctx, &script, &|_| {});
        assert_eq!(observed.fault, None, "{method}: {:?}", observed.transcript);
        assert_eq!(observed.workers(), 12, "{method}: workers seen");
    }
}

/// What a cheat of each kind must fail: the checks that may catch it
/// first, and words its reason must have.
fn expected(kind: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match kind {
        "serial" | "threads" => (
            &["workers", "work", "start-methods", "code", "cores"],
            &["worker", "Pool", "Process", "master"],
        ),
        "master" | "idle" => (
            &["work", "cores", "speedup"],
            &["master", "at once", "CPU time"],
        ),
        "pinned" | "ignored" => (&["start-methods"], &["forklab set"]),
        _ => return None,
    })
}

fn cheats_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cheats")
}

/// The exercise as the course has it, with `workers` and `work` checks
/// added where its front matter lacks them (`forklab check` warns about
/// that): a cheat must fail the checks this test is about.
fn with_evidence(exercise: &Exercise) -> Exercise {
    let mut exercise = exercise.clone();
    let has = |e: &Exercise, kind: &str| e.checks.iter().any(|c| c.kind() == kind);
    if !has(&exercise, "workers") {
        exercise.checks.push(Check::Workers { at_least: 2 });
    }
    if !has(&exercise, "work") {
        exercise.checks.push(Check::Work { share: None });
    }
    exercise
}

#[test]
fn every_cheat_fails_for_its_reason() {
    let Some(python) = python::python_or_skip("every_cheat_fails_for_its_reason") else {
        return;
    };
    let _turn = one_at_a_time();
    let set = LessonSet::embedded();
    let mut judged = 0;
    let mut wrong = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(cheats_dir())
        .expect("tests/fixtures/cheats")
        .flatten()
        .map(|e| e.path())
        .collect();
    folders.sort();
    for folder in folders {
        let id = folder.file_name().unwrap().to_string_lossy().into_owned();
        let exercise = match practice::find(&set, &id) {
            Ok((_, exercise)) => exercise,
            Err(message) => panic!("cheats for an exercise the course lacks: {message}"),
        };
        let mut files: Vec<_> = std::fs::read_dir(&folder).unwrap().flatten().collect();
        files.sort_by_key(|f| f.path());
        for file in files {
            let path = file.path();
            let kind = path.file_stem().unwrap().to_string_lossy().into_owned();
            let Some((checks, words)) = expected(&kind) else {
                continue; // Another helper's kind (hard-coded, forbidden).
            };
            let source = std::fs::read(&path).unwrap();
            let mut report = judge(&set, &python, &with_evidence(exercise), &source);
            // A Pool left open (every-core/idle.py's) can hang Python's
            // exit: CPython's `_terminate_pool` waits for ever on a lock a
            // worker held when it was terminated (python/cpython#96995; seen
            // once in CI; in none of 1040 soak runs under forklab and 360
            // outside: scripts/hang-soak.sh, which forces it outside too).
            // forklab names that hang; such a run gets one more try, said
            // aloud. Any other time-out, or a second one, fails.
            if report.reason.contains("Python's exit never did") {
                eprintln!("RETRIED {id}/{kind}.py once: {}", report.reason);
                report = judge(&set, &python, &with_evidence(exercise), &source);
            }
            judged += 1;
            let failed = report
                .verdicts
                .iter()
                .find(|v| v.outcome == Outcome::Failed);
            let right = failed.is_some_and(|v| {
                checks.contains(&v.kind.as_str()) && words.iter().any(|w| v.reason.contains(w))
            });
            if report.verdict != Overall::Fail || !right {
                wrong.push(format!(
                    "{id}/{kind}.py: {} ({})",
                    report.verdict.words(),
                    report.reason
                ));
            }
        }
    }
    assert!(judged > 0, "no cheat of this test's kinds was found");
    assert!(wrong.is_empty(), "{wrong:#?}");
}
