//! The worker lab from the reader: a real Python pool under forklab (the
//! default engine), a verified result in the table, nothing left running
//! afterwards.

#[path = "support/python.rs"]
mod python;
mod support;

use std::time::{Duration, Instant};

use support::{DEADLINE, Session, alive, fixture_lessons};

/// Waits (with a deadline) until `count` lab workers run under `forklab`
/// and returns their pids.
fn workers_of(forklab: u32, count: usize) -> Vec<u32> {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let workers: Vec<u32> = forklab::os::family_of(forklab)
            .into_iter()
            .filter(|p| p.ppid == forklab && p.cmdline.contains(" worker "))
            .map(|p| p.pid)
            .collect();
        if workers.len() == count {
            return workers;
        }
        assert!(
            Instant::now() < deadline,
            "{count} workers never ran under forklab: {workers:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The lab's Python processes under forklab: the driver and its workers.
fn python_pool(forklab: u32) -> Vec<u32> {
    forklab::os::family_of(forklab)
        .into_iter()
        .filter(|p| {
            p.cmdline.contains("forklab_lab_driver.py") || p.cmdline.contains("multiprocessing")
        })
        .map(|p| p.pid)
        .collect()
}

#[test]
fn the_lab_runs_real_workers_and_tabulates_the_result() {
    if python::python_or_skip("lab e2e").is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 160, 48, home.path());
    let forklab = s.pid();
    s.open_lab_with_two_workers();
    s.send("r");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut workers = Vec::new();
    // The driver and its two workers (and a helper, by start method).
    while workers.len() < 3 && Instant::now() < deadline {
        workers = python_pool(forklab);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        workers.len() >= 3,
        "a python pool under forklab: {workers:?}"
    );
    // The process pane names the pool's master and workers, as for examples.
    s.wait_for("the pool in the process pane", |screen| {
        screen.contains("master") && screen.contains("└ worker")
    });
    s.wait_text("engine python (Python 3.");
    s.wait_for("the result row", |screen| {
        screen
            .lines()
            .any(|l| l.starts_with("│     2") && l.contains("×3"))
    });
    s.wait_text("Done: change the workers");
    s.send("L");
    s.wait_text("This fixture has");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(
        workers.iter().all(|w| !alive(*w)),
        "workers outlived the run"
    );
}

#[test]
fn stopping_a_run_stops_every_worker_and_quitting_asks_first() {
    if python::python_or_skip("lab e2e stop").is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 160, 48, home.path());
    let forklab = s.pid();
    s.wait_text("A tiny course");
    s.send("L");
    s.wait_text("Lab · your own experiment");
    // Sleep workload on 1 worker: 3 runs of about 1.5 s, long enough to
    // stop in the middle.
    s.send("w>>>>");
    s.wait_text("sleep: 1024 tasks");
    s.send("r");
    s.wait_text("running:");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut workers = Vec::new();
    while workers.len() < 2 && Instant::now() < deadline {
        workers = python_pool(forklab);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(workers.len() >= 2, "the driver and its worker: {workers:?}");
    s.send("q");
    s.wait_text("q again");
    s.send("x");
    s.wait_text("cancelled");
    let deadline = Instant::now() + DEADLINE;
    while workers.iter().any(|w| alive(*w)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(workers.iter().all(|w| !alive(*w)), "x left workers running");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn without_python_the_lab_runs_forklabs_own_workers_and_says_so() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(
        &[
            "--lessons",
            &fixture_lessons(),
            "--python",
            "/no/such/python3",
        ],
        160,
        48,
        home.path(),
    );
    let forklab = s.pid();
    s.open_lab_with_two_workers();
    s.send("r");
    let workers = workers_of(forklab, 2);
    s.wait_text("engine forklab");
    s.wait_text("no working Python for the python engine");
    s.wait_for("the result row", |screen| {
        screen
            .lines()
            .any(|l| l.starts_with("│     2") && l.contains("×3"))
    });
    s.send("L");
    s.wait_text("This fixture has");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(
        workers.iter().all(|w| !alive(*w)),
        "workers outlived the run"
    );
}

/// `forklab run` takes every engine's Python from the one resolution of
/// the settings: the config file's `python` when no flag or variable
/// names one, `--python` over it.
#[test]
fn forklab_run_uses_the_config_files_python_for_every_engine() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "python = \"/no/such/python-from-the-file\"\n").unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_forklab"))
            .env("FORKLAB_HOME", home.path())
            .env("FORKLAB_CONFIG", &config)
            .env_remove("FORKLAB_PYTHON")
            .env_remove("FORKLAB_DASK_SCHEDULER")
            .args(["run", "--workers", "1", "--tasks", "2"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    for engine in ["python", "dask"] {
        let err = run(&["--engine", engine]);
        assert!(
            err.contains("/no/such/python-from-the-file"),
            "{engine}: {err}"
        );
        let err = run(&[
            "--engine",
            engine,
            "--python",
            "/no/such/python-from-the-flag",
        ]);
        assert!(
            err.contains("/no/such/python-from-the-flag"),
            "{engine}: {err}"
        );
    }
}

/// A course of one lesson declaring two experiments: the same small CPU
/// tasks in chunks of 1 and of 16.
fn two_experiments_course(dir: &std::path::Path) {
    let experiment = |id: &str, title: &str, chunk: usize| {
        format!(
            "[[experiments]]\nid = \"{id}\"\ntitle = \"{title}\"\nworkload = \"cpu\"\nworkers = [1, 2]\ntasks = 64\ntask_size = 2000\nchunksize = {chunk}\n\n"
        )
    };
    let text = format!(
        "+++\nid = \"chunks\"\ntitle = \"Part 1: Chunks\"\npart = 1\norder = 0\nsummary = \"Two experiments.\"\n\n{}{}+++\n# Chunks\n\nPress `L` for two lab experiments.\n",
        experiment("one-by-one", "One task per chunk", 1),
        experiment("by-sixteen", "Sixteen tasks per chunk", 16),
    );
    std::fs::write(dir.join("1-0-chunks.md"), text).unwrap();
}

/// `L` on a lesson with two experiments lists them; a digit opens one;
/// a sweep, another chunk (`{`), a sweep again: both chunks' rows stay in
/// one table, each under its heading. forklab's own workers run (no
/// Python needed), and none is left afterwards.
#[test]
fn each_experiment_is_reachable_and_variants_stay_side_by_side() {
    let home = tempfile::tempdir().unwrap();
    let lessons = tempfile::tempdir().unwrap();
    two_experiments_course(lessons.path());
    let lessons = lessons.path().to_str().unwrap().to_string();
    let mut s = Session::start(
        &["--lessons", &lessons, "--python", "/no/such/python3"],
        120,
        40,
        home.path(),
    );
    let forklab = s.pid();
    s.wait_text("Press L for two lab experiments");
    s.send("L");
    s.wait_text("Lab experiments");
    s.wait_text("2  Sixteen tasks per chunk");
    s.send("2");
    s.wait_text("Lab · Sixteen tasks per chunk");
    s.wait_text("chunk 16");
    s.send("s");
    s.wait_for("the sweep's two rows", |screen| {
        screen.lines().any(|l| l.starts_with("│     1"))
            && screen.lines().any(|l| l.starts_with("│     2"))
            && !screen.contains("running")
    });
    s.send("{");
    s.wait_text("chunk 8 ·");
    s.send("s");
    // The experiment's counts for the other chunk too: 1 and 2 workers.
    s.wait_for("both chunks' rows under their headings", |screen| {
        let rows = screen
            .lines()
            .filter(|l| l.starts_with("│     1") || l.starts_with("│     2"))
            .count();
        screen.contains("● chunk 16")
            && screen.contains("● chunk 8")
            && rows == 4
            && !screen.contains("running")
    });
    assert!(!s.screen().lines().any(|l| l.starts_with("│     3")));
    // Back to the lesson and the other experiment: a fresh table.
    s.send("L");
    s.wait_text("Press L for two lab experiments");
    s.send("L");
    s.wait_text("Lab experiments");
    s.send("k\r");
    s.wait_text("Lab · One task per chunk");
    s.wait_for("a fresh table", |screen| !screen.contains("● chunk"));
    let workers: Vec<u32> = forklab::os::family_of(forklab)
        .into_iter()
        .filter(|p| p.cmdline.contains(" worker "))
        .map(|p| p.pid)
        .collect();
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(support::wait_all_gone(&workers).is_empty());
}
