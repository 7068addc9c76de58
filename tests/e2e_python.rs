//! The lessons' Python examples run from the reader: output, the process
//! family, harmless escape sequences, nothing left after `kill -9`.

#[path = "support/python.rs"]
mod python;
mod support;

use std::time::{Duration, Instant};

use support::{Session, alive, fixture_lessons};

/// Opens the squares lesson and runs its `index`-th example.
fn run_example(s: &mut Session, index: usize) {
    s.wait_text("A tiny course");
    s.send("n");
    s.wait_text("Squares with a worker pool");
    s.send("e");
    s.wait_text("Run an example");
    s.send(&"j".repeat(index));
    s.send("\r");
}

#[test]
fn an_example_runs_and_its_processes_show_under_forklab() {
    if python::python_or_skip("an_example_runs").is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 160, 48, home.path());
    let forklab = s.pid();
    run_example(&mut s, 1);
    // The script's master runs under forklab's guard, its workers under it.
    let deadline = Instant::now() + Duration::from_secs(15);
    let (master, workers) = loop {
        let family = forklab::os::family_of(forklab);
        let guard = family
            .iter()
            .find(|p| p.ppid == forklab && p.cmdline.contains(" guard "));
        let master = guard.and_then(|g| {
            family
                .iter()
                .find(|p| p.ppid == g.pid && p.cmdline.contains("slow_pool.py"))
        });
        let workers = master.map_or(0, |m| family.iter().filter(|p| p.ppid == m.pid).count());
        if workers >= 2 || Instant::now() > deadline {
            break (master.map(|m| m.pid), workers);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let master = master.expect("the script's master under forklab's guard");
    assert!(workers >= 2, "only {workers} workers seen");
    let pid = master.to_string();
    s.wait_for(
        "the master and its workers, named, in the pane",
        move |screen| {
            let lines: Vec<&str> = screen.lines().collect();
            lines
                .iter()
                .any(|l| l.contains(&pid) && l.contains("└ master slow_pool.py"))
                && lines
                    .iter()
                    .any(|l| l.contains(&pid) && l.contains("└ worker slow_pool.py"))
        },
    );
    s.wait_text("naps: 28");
    s.wait_text("exit status 0");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn escape_sequences_are_shown_not_executed() {
    if python::python_or_skip("escape_sequences_tui").is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 100, 30, home.path());
    run_example(&mut s, 2);
    s.wait_text("plain line after");
    let screen = s.screen();
    assert!(screen.contains("␛[2J␛[H␛[31mred?␛[0m"), "{screen}");
    assert!(
        screen.lines().next().unwrap().contains("forklab │ Squares"),
        "the header survived:\n{screen}"
    );
    assert!(
        screen.contains("The master hands each worker a number"),
        "the lesson survived:\n{screen}"
    );
    assert!(
        screen.contains("␛]0;owned"),
        "the window title sequence is shown as text:\n{screen}"
    );
    s.wait_text("exit status 0");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn killing_forklab_leaves_no_python_behind() {
    if python::python_or_skip("killing_forklab_tui").is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 160, 48, home.path());
    let forklab = s.pid();
    run_example(&mut s, 1);
    // Wait until the pool's workers exist.
    let deadline = Instant::now() + Duration::from_secs(15);
    let pythons = loop {
        let pythons: Vec<u32> = forklab::os::family_of(forklab)
            .iter()
            .filter(|p| p.cmdline.contains("slow_pool.py"))
            .map(|p| p.pid)
            .collect();
        if pythons.len() >= 3 || Instant::now() > deadline {
            break pythons;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(pythons.len() >= 3, "the pool never started: {pythons:?}");
    forklab::os::signal_process(forklab, libc::SIGKILL).unwrap();
    let deadline = Instant::now() + support::DEADLINE;
    while pythons.iter().any(|p| alive(*p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left: Vec<&u32> = pythons.iter().filter(|p| alive(**p)).collect();
    assert!(
        left.is_empty(),
        "python processes outlived forklab: {left:?}"
    );
}

#[test]
fn a_missing_python_is_explained_and_the_rest_keeps_working() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(
        &[
            "--lessons",
            &fixture_lessons(),
            "--python",
            "/no/such/python3",
        ],
        120,
        40,
        home.path(),
    );
    run_example(&mut s, 0);
    s.wait_text("could not run");
    s.wait_text("/no/such/python3");
    s.send("n");
    s.wait_text("Timings");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
