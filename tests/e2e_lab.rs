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
