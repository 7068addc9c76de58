//! The worker lab from the reader: real workers under forklab, a verified
//! result in the table, nothing left running afterwards.

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

#[test]
fn the_lab_runs_real_workers_and_tabulates_the_result() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 160, 48, home.path());
    let forklab = s.pid();
    s.wait_text("A tiny course");
    s.send("L");
    s.wait_text("Lab · your own experiment");
    // Two workers, more tasks so the run lasts long enough to be seen.
    s.send("+>>");
    s.wait_text("2 workers · cpu: count primes, 256 tasks");
    s.send("r");
    let workers = workers_of(forklab, 2);
    s.wait_for("the result row", |screen| {
        screen
            .lines()
            .any(|l| l.contains("      2 ") && l.contains(" s "))
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
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 160, 48, home.path());
    let forklab = s.pid();
    s.wait_text("A tiny course");
    s.send("L");
    s.wait_text("Lab · your own experiment");
    // Sleep workload, long enough to stop in the middle.
    s.send("w+>>>>");
    s.wait_text("sleep: 1024 tasks");
    s.send("r");
    s.wait_text("running:");
    // "running:" is drawn on the key press, before any worker exists:
    // wait for the real workers.
    let workers = workers_of(forklab, 2);
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
