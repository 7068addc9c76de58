//! Practice with real Python: a fixture exercise whose solution passes and
//! whose starter fails, every fault a learner's script can make (each with
//! a clear reason and nothing left running), the shipped course's
//! exercises checked against themselves, and the headless commands.

#[path = "support/python.rs"]
mod python;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use forklab::lesson::{Exercise, LessonSet};
use forklab::practice::observe::{Fault, Observed, Script, observe};
use forklab::practice::selfcheck::selfcheck;
use forklab::practice::{self, Context};
use forklab::practice::{Event, Outcome, Report};
use forklab::python::{Interpreter, PyEvent};

/// Judgements read cores and timings, so the tests that run Python take
/// turns: a fork bomb next door is not the learner's doing.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/practice")
}

fn fixture() -> LessonSet {
    LessonSet::from_dir(&fixture_dir()).expect("fixture lessons")
}

fn exercise<'a>(set: &'a LessonSet, id: &str) -> &'a Exercise {
    practice::find(set, id).unwrap().1
}

/// Judges `source`, collecting the pids of every run's guard and master,
/// then asserts none of them is left once the judging is over.
fn judge_checked(
    set: &LessonSet,
    python: &Interpreter,
    exercise: &Exercise,
    source: &[u8],
) -> Report {
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
    let pids = pids.into_inner().unwrap();
    assert!(!pids.is_empty(), "no run started: {report:#?}");
    let left = python::wait_all_gone(&pids, Duration::from_secs(5));
    assert!(left.is_empty(), "processes left running: {left:?}");
    report
}

/// One run through `observe`, asserting that every process it saw is gone.
fn observe_checked(python: &Interpreter, source: &str, timeout: Duration) -> Observed {
    let set = fixture();
    let launcher = python::launcher();
    let cancel = AtomicBool::new(false);
    let ctx = Context {
        set: &set,
        interpreter: python,
        launcher: Some(&launcher),
        cancel: &cancel,
        cores: forklab::os::usable_cores(),
        seed: None,
    };
    let script = Script {
        name: "mine.py".into(),
        contents: source.as_bytes().to_vec(),
        args: vec![],
        data: vec![],
        start_method: None,
        timeout,
        shown_as: None,
    };
    let observed = observe(ctx, &script, &|_| {});
    let pids: Vec<u32> = observed.family.processes().iter().map(|p| p.pid).collect();
    let left = python::wait_all_gone(&pids, Duration::from_secs(5));
    assert!(left.is_empty(), "processes left running: {left:?}");
    observed
}

fn outcomes(report: &Report) -> Vec<Outcome> {
    report.verdicts.iter().map(|v| v.outcome).collect()
}

#[test]
fn the_fixture_solution_passes_and_its_starter_fails() {
    let Some(python) = python::python_or_skip("the_fixture_solution_passes_and_its_starter_fails")
    else {
        return;
    };
    let _turn = one_at_a_time();
    let set = fixture();
    let exercise = exercise(&set, "pool-squares");
    let solution = set.read_file(&exercise.solution).unwrap();
    let report = judge_checked(&set, &python, exercise, &solution);
    assert!(report.passed, "{report:#?}");
    assert_eq!(outcomes(&report), [Outcome::Passed; 6], "{report:#?}");
    assert!(
        report.verdicts[3].reason.contains("forked from the master"),
        "{report:#?}"
    );
    // The evidence of each method, from the processes themselves.
    let methods = &report.verdicts[4].reason;
    assert!(
        methods.starts_with("passed under fork (") && methods.contains("started by spawn"),
        "{report:#?}"
    );

    let starter = set.read_file(&exercise.file).unwrap();
    let report = judge_checked(&set, &python, exercise, &starter);
    assert!(!report.passed);
    assert_eq!(
        outcomes(&report),
        [
            Outcome::Failed,
            Outcome::Skipped,
            Outcome::Skipped,
            Outcome::Skipped,
            Outcome::Skipped,
            Outcome::Skipped
        ]
    );
    let reason = &report.verdicts[0].reason;
    assert!(
        reason.contains("NotImplementedError: TODO") && reason.contains("a TODO is left"),
        "{reason}"
    );
}

#[test]
fn a_wrong_answer_a_serial_loop_and_a_missing_guard_get_their_reasons() {
    let Some(python) = python::python_or_skip("a_missing_guard_and_a_wrong_answer") else {
        return;
    };
    let _turn = one_at_a_time();
    let set = fixture();
    let exercise = exercise(&set, "pool-squares");
    let solution = String::from_utf8(set.read_file(&exercise.solution).unwrap()).unwrap();

    let wrong = solution.replace("sum(squares)", "sum(squares) + 1");
    let report = judge_checked(&set, &python, exercise, wrong.as_bytes());
    assert_eq!(report.verdicts[2].outcome, Outcome::Failed, "{report:#?}");
    assert!(
        report.verdicts[2]
            .reason
            .starts_with("result line 1: \"result: 2646701\""),
        "{report:#?}"
    );

    let serial = solution.replace(
        "with multiprocessing.Pool(2) as pool:\n        squares = pool.map(square, range(n), chunksize=10)",
        "squares = list(map(square, range(n)))",
    );
    assert_ne!(serial, solution);
    let report = judge_checked(&set, &python, exercise, serial.as_bytes());
    assert_eq!(report.verdicts[3].outcome, Outcome::Failed, "{report:#?}");
    assert!(
        report.verdicts[3]
            .reason
            .starts_with("0 workers seen, 2 wanted"),
        "{report:#?}"
    );

    if !python.supports(forklab::python::StartMethod::Spawn) {
        return;
    }
    // Without the `__main__` guard, fork works and spawn does not.
    let mut short = exercise.clone();
    short.timeout = Some(4);
    let unguarded = "import multiprocessing, os, sys, time\n\ndef square(x):\n    time.sleep(0.002)\n    return x * x\n\nmethod = os.environ.get('FORKLAB_START_METHOD')\nif method:\n    multiprocessing.set_start_method(method)\nwith multiprocessing.Pool(2) as pool:\n    squares = pool.map(square, range(int(sys.argv[1])), chunksize=10)\nprint(f'result: {sum(squares)}')\n";
    let report = judge_checked(&set, &python, &short, unguarded.as_bytes());
    if python.default_start_method == forklab::python::StartMethod::Fork {
        assert_eq!(report.verdicts[4].outcome, Outcome::Failed, "{report:#?}");
        let reason = &report.verdicts[4].reason;
        assert!(
            reason.starts_with("under spawn:") && reason.contains("if __name__"),
            "{reason}"
        );
    } else {
        assert_eq!(report.verdicts[0].outcome, Outcome::Failed, "{report:#?}");
    }
}

#[test]
fn a_hang_is_stopped_at_the_time_limit() {
    let Some(python) = python::python_or_skip("a_hang_is_stopped_at_the_time_limit") else {
        return;
    };
    let _turn = one_at_a_time();
    let set = fixture();
    let mut hang = exercise(&set, "pool-squares").clone();
    hang.timeout = Some(1);
    let source = "import multiprocessing, time\n\ndef wait(x):\n    time.sleep(3600)\n\nif __name__ == '__main__':\n    with multiprocessing.Pool(2) as pool:\n        pool.map(wait, range(2))\n";
    let report = judge_checked(&set, &python, &hang, source.as_bytes());
    assert_eq!(report.verdicts[0].outcome, Outcome::Failed);
    assert!(
        report.verdicts[0]
            .reason
            .starts_with("still running after 1 s, so forklab stopped it"),
        "{report:#?}"
    );
    assert!(
        report.verdicts[1..]
            .iter()
            .all(|v| v.outcome == Outcome::Skipped)
    );
}

/// A non-daemon process that never ends keeps the script alive after its
/// last line (Python joins it at exit): the reason says so.
#[test]
fn a_non_daemon_child_keeping_the_script_alive_is_explained() {
    let Some(python) = python::python_or_skip("a_non_daemon_child_keeping_the_script_alive") else {
        return;
    };
    let _turn = one_at_a_time();
    let set = fixture();
    let mut stuck = exercise(&set, "pool-squares").clone();
    // Room for a loaded machine to start Python and reach the join at
    // exit: the reason needs a sample of the master waiting there.
    stuck.timeout = Some(8);
    let source = "import multiprocessing, time\n\nif __name__ == '__main__':\n    p = multiprocessing.Process(target=time.sleep, args=(3600,))\n    p.start()\n    print('result: 1')\n";
    let report = judge_checked(&set, &python, &stuck, source.as_bytes());
    assert_eq!(report.verdicts[0].outcome, Outcome::Failed);
    let reason = &report.verdicts[0].reason;
    // Only procfs tells that a process sleeps in wait(2) (its wchan):
    // elsewhere the reason is the general one for a run that never ended.
    if forklab::os::platform::choice().backend == forklab::os::platform::Backend::Portable {
        assert!(reason.starts_with("still running after 8 s"), "{report:#?}");
        eprintln!(
            "SKIPPED the daemon advice: FORKLAB_BACKEND=portable cannot see the master waiting for its child"
        );
        return;
    }
    assert!(
        reason.contains("the master was waiting for its worker") && reason.contains("daemon"),
        "{report:#?}"
    );
}

#[test]
fn a_fork_bomb_is_stopped_with_its_whole_family() {
    let Some(python) = python::python_or_skip("a_fork_bomb_is_stopped") else {
        return;
    };
    let _turn = one_at_a_time();
    // Bounded, so that a broken cap cannot take the machine down: 2^8
    // processes that each wait half a minute.
    let source = "import os, time\nfor _ in range(8):\n    os.fork()\ntime.sleep(30)\n";
    let observed = observe_checked(&python, source, Duration::from_secs(20));
    let cap = forklab::practice::observe::process_cap(forklab::os::usable_cores());
    match &observed.fault {
        Some(Fault::ForkBomb { seen, cap: limit }) => {
            // A cgroup's cap refuses the fork past it: then the peak is the cap.
            assert!(*seen >= cap && *limit == cap, "{:?}", observed.fault);
        }
        other => panic!("expected the process cap to stop it, got {other:?}"),
    }
    let reason = observed.fault.as_ref().unwrap().reason();
    assert!(reason.contains("stopped them all"), "{reason}");
    assert!(observed.elapsed < Duration::from_secs(20), "{observed:?}");
}

#[test]
fn a_flood_of_output_is_stopped() {
    let Some(python) = python::python_or_skip("a_flood_of_output_is_stopped") else {
        return;
    };
    let _turn = one_at_a_time();
    let observed = observe_checked(
        &python,
        "while True:\n    print('x' * 1000)\n",
        Duration::from_secs(20),
    );
    assert!(
        matches!(observed.fault, Some(Fault::Flood(_))),
        "{:?}",
        observed.fault
    );
    let kept: usize = observed
        .transcript
        .lines()
        .iter()
        .map(|l| l.text.len() + 1)
        .sum();
    assert!(kept <= forklab::practice::observe::MAX_OUTPUT, "{kept}");
    assert!(
        observed
            .fault
            .unwrap()
            .reason()
            .contains("printed more than 1024 KiB")
    );
}

#[test]
fn escape_sequences_are_shown_not_obeyed() {
    let Some(python) = python::python_or_skip("escape_sequences_are_shown_not_obeyed") else {
        return;
    };
    let _turn = one_at_a_time();
    let observed = observe_checked(
        &python,
        "import sys\nprint('\\x1b[2J\\x1b]0;pwned\\x07result: 1')\nsys.stderr.write('\\x1b[31mred\\n')\n",
        Duration::from_secs(20),
    );
    assert!(observed.ended_well(), "{observed:?}");
    for line in observed.transcript.lines() {
        assert!(
            !line.text.contains('\x1b') && !line.text.contains('\x07'),
            "{line:?}"
        );
    }
    assert_eq!(observed.transcript.lines().len(), 2, "{observed:?}");
}

#[test]
fn not_python_and_a_self_deleting_script_leave_the_learners_file_alone() {
    let Some(python) = python::python_or_skip("not_python_and_a_self_deleting_script") else {
        return;
    };
    let _turn = one_at_a_time();
    let set = fixture();
    let exercise = exercise(&set, "pool-squares");
    for source in [
        &b"This is a shopping list, not a program.\n- eggs\n"[..],
        &b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe"[..],
    ] {
        let report = judge_checked(&set, &python, exercise, source);
        let reason = &report.verdicts[0].reason;
        assert_eq!(report.verdicts[0].outcome, Outcome::Failed);
        assert!(
            reason.contains("SyntaxError") && reason.contains("is the file Python"),
            "{reason}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("pool_squares.py");
    let source = "import os\nos.remove(__file__)\nprint('result: 1')\n";
    std::fs::write(&mine, source).unwrap();
    let output = forklab(dir.path())
        .args(["practice", "check", "pool-squares", "--file"])
        .arg(&mine)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), source);
}

fn forklab(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklab"));
    cmd.arg("--lessons")
        .arg(fixture_dir())
        .env("FORKLAB_HOME", home.join("home"))
        .current_dir(home);
    cmd
}

#[test]
fn practice_commands_init_check_hint_and_solution() {
    let Some(_python) = python::python_or_skip("practice_commands_init_check_hint_and_solution")
    else {
        return;
    };
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = forklab(dir.path()).args(args).output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, _, err) = run(&["practice", "check", "pool-squares"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("practice init"), "{err}");

    let (code, out, _) = run(&["practice", "init"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("2 starter file(s) written"), "{out}");
    let mine = dir.path().join("forklab-exercises/pool_squares.py");
    std::fs::write(&mine, "print('my own work')\n").unwrap();
    let (_, out, _) = run(&["practice", "init"]);
    assert!(
        out.contains("0 starter file(s) written, 2 already there"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&mine).unwrap(),
        "print('my own work')\n"
    );

    let (code, out, _) = run(&["practice", "check", "pool-squares"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("✓ exits with status 0") && out.contains("✗ prints"),
        "{out}"
    );

    let (code, _, err) = run(&["practice", "solution", "pool-squares"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--yes"), "{err}");
    let (code, out, _) = run(&["practice", "hint", "pool-squares"]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("Hint 1 of 2:"), "{out}");
    // The last hint says so, and so does asking again.
    let (_, out, _) = run(&["practice", "hint", "pool-squares"]);
    assert!(
        out.starts_with("Hint 2 of 2:") && out.contains("That was the last hint: no more hints"),
        "{out}"
    );
    let (_, out, _) = run(&["practice", "hint", "pool-squares"]);
    assert!(out.contains("That was already the last hint"), "{out}");

    // `--file` records the verdict in progress, as the TUI does.
    let elsewhere = dir.path().join("elsewhere.py");
    std::fs::copy(
        fixture_dir().join("exercises/solutions/pool_squares.py"),
        &elsewhere,
    )
    .unwrap();
    let (code, out, _) = run(&[
        "practice",
        "check",
        "pool-squares",
        "--file",
        "elsewhere.py",
    ]);
    assert_eq!(code, Some(0), "{out}");
    let (_, out, _) = run(&["practice", "list"]);
    let row = out.lines().find(|l| l.contains("pool-squares")).unwrap();
    assert!(row.contains("passed"), "{out}");

    let solution = fixture_dir().join("exercises/solutions/pool_squares.py");
    std::fs::copy(&solution, &mine).unwrap();
    let (code, out, _) = run(&["practice", "check", "pool-squares", "--json"]);
    assert_eq!(code, Some(0), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["passed"], true);
    assert_eq!(json["verdict"], "pass");
    assert_eq!(json["reason"], "every check passed");
    assert!(
        json["file"].as_str().unwrap().ends_with("pool_squares.py"),
        "{out}"
    );
    assert!(json["load"].is_number() || json["load"].is_null(), "{out}");
    assert_eq!(json["verdicts"].as_array().unwrap().len(), 6);
    assert_eq!(json["verdicts"][3]["outcome"], "passed");

    let (code, out, _) = run(&["practice", "solution", "pool-squares"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("multiprocessing.Pool(2)"), "{out}");
    let (_, out, _) = run(&["practice", "list"]);
    let row = out.lines().find(|l| l.contains("pool-squares")).unwrap();
    assert!(row.contains("passed") && row.contains("2/2"), "{out}");
    assert!(!row.contains("solution seen"), "{out}");

    std::fs::remove_file(&mine).unwrap();
    let (code, _, err) = run(&["practice", "check", "pool-squares"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not there"), "{err}");
    let (code, _, err) = run(&["practice", "check", "no-such-exercise"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("exercises are: pool-squares, pool-speed"),
        "{err}"
    );
}

/// The fixture's and the shipped course's exercises against themselves:
/// every solution passes, every starter fails.
#[test]
fn every_solution_passes_and_every_starter_fails() {
    let Some(python) = python::python_or_skip("every_solution_passes_and_every_starter_fails")
    else {
        return;
    };
    let _turn = one_at_a_time();
    let launcher = python::launcher();
    let cancel = AtomicBool::new(false);
    for set in [fixture(), LessonSet::embedded()] {
        let ctx = Context {
            set: &set,
            interpreter: &python,
            launcher: Some(&launcher),
            cancel: &cancel,
            cores: forklab::os::usable_cores(),
            seed: None,
        };
        let (problems, outcomes) = selfcheck(ctx, &set, &|_| {}, &|warning| {
            eprintln!("WARNING (not counted): {warning}");
        });
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(
            outcomes.len(),
            practice::exercises(&set).count(),
            "every exercise was run"
        );
    }
}

/// The loop: a save during a run stops that run (nothing of it is left)
/// and the new text is judged; a save that changes nothing is not judged.
#[test]
fn each_save_is_judged_and_stops_the_run_before_it() {
    use forklab::practice::live::{Live, LiveEvent, LiveSetup};
    let Some(python) = python::python_or_skip("each_save_is_judged_and_stops_the_run_before_it")
    else {
        return;
    };
    let _turn = one_at_a_time();
    let set = fixture();
    let exercise = exercise(&set, "pool-squares").clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(exercise.file_name());
    let hang = "import multiprocessing, time\n\ndef nap(x):\n    time.sleep(60)\n\nif __name__ == '__main__':\n    with multiprocessing.Pool(2) as pool:\n        pool.map(nap, range(2))\n";
    std::fs::write(&path, hang).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let live = Live::start(
        LiveSetup {
            set: set.clone(),
            exercise: exercise.clone(),
            path: path.clone(),
            interpreter: Some(python.clone()),
            python_choice: None,
            launcher: Some(python::launcher()),
            cores: forklab::os::usable_cores(),
        },
        true,
        move |event| {
            let _ = tx.send(event);
        },
    );
    let next = || {
        rx.recv_timeout(Duration::from_secs(60))
            .expect("an event within a minute")
    };
    let mut pids = Vec::new();
    // Wait until the hanging script's workers exist.
    loop {
        match next() {
            LiveEvent::Judge {
                event: Event::Py(PyEvent::Started(started)),
                generation,
            } => {
                assert_eq!(generation, 1);
                pids.extend([started.guard_pid, started.pid]);
                break;
            }
            LiveEvent::Done { report, .. } => panic!("judged too soon: {report:#?}"),
            _ => {}
        }
    }
    let solution = set.read_file(&exercise.solution).unwrap();
    // Saved the way many editors do: a new file renamed over the old one.
    let tmp = dir.path().join(".pool_squares.py.swp");
    std::fs::write(&tmp, &solution).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    let report = loop {
        match next() {
            LiveEvent::Judge {
                event: Event::Py(PyEvent::Started(started)),
                ..
            } => pids.extend([started.guard_pid, started.pid]),
            LiveEvent::Done { generation, report } => {
                assert_eq!(generation, 2, "the hanging judgement never finished");
                break report;
            }
            _ => {}
        }
    };
    assert!(report.passed, "{report:#?}");
    // Touching the file changes nothing: no new judgement.
    std::fs::write(&path, &solution).unwrap();
    assert!(
        rx.recv_timeout(Duration::from_millis(500)).is_err(),
        "an unchanged file was judged again"
    );
    live.stop();
    let left = python::wait_all_gone(&pids, Duration::from_secs(5));
    assert!(left.is_empty(), "processes left running: {left:?}");
}
