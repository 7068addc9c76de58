//! forklab under faults, in a real pseudo-terminal: a panic inside the
//! running TUI, the terminal resized over and over while the lab runs, and
//! the terminal closed (SIGHUP) or SIGTERM while busy copies, lab workers
//! and a Python script's whole family run. Every time: the terminal is
//! restored and no child is left.

#[path = "support/python.rs"]
mod python;
mod support;

use support::{Session, children_of, fixture_lessons, wait_all_gone};

/// The leave-alternate-screen sequence crossterm writes on restore.
const LEAVE_ALTERNATE: &[u8] = b"\x1b[?1049l";
const ENTER_ALTERNATE: &[u8] = b"\x1b[?1049h";
/// F12, the test-only panic key when FORKLAB_TEST_PANIC_KEY is set.
const F12: &str = "\x1b[24~";

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Every process under forklab now (the whole family, any depth).
fn descendants(forklab: u32) -> Vec<u32> {
    forklab::os::family_of(forklab)
        .into_iter()
        .map(|p| p.pid)
        .filter(|&p| p != forklab)
        .collect()
}

/// Starts the lab's sleep workload with two workers (long enough to be
/// interrupted) and returns their pids once they run.
fn start_lab(s: &mut Session, forklab: u32) -> Vec<u32> {
    s.send("L");
    s.wait_text("Lab · your own experiment");
    s.send("w+>>>>");
    s.wait_text("sleep: 1024 tasks");
    // forklab's own workers (E: python Pool, ProcessPoolExecutor,
    // ThreadPool, ThreadPoolExecutor, forklab); the python engine's faults
    // are tested in tests/lab_python.rs.
    s.send("EEEE");
    s.wait_text("engine forklab");
    s.send("r");
    children_of(forklab, " worker ", 2)
}

/// Starts one busy copy per core and returns their pids once they run.
fn start_busy(s: &mut Session, forklab: u32) -> Vec<u32> {
    s.send("B");
    children_of(forklab, " busy", cores())
}

#[test]
fn a_panic_restores_the_terminal_and_stops_every_child() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start_with_env(
        &["--lessons", &lessons],
        120,
        40,
        home.path(),
        &[("FORKLAB_TEST_PANIC_KEY", "1")],
    );
    let forklab = s.pid();
    s.wait_text("A tiny course");
    assert!(s.raw_mode() && s.alternate_screen());
    let mut children = start_busy(&mut s, forklab);
    children.extend(start_lab(&mut s, forklab));
    children.extend(descendants(forklab));
    s.send(F12);
    let status = s.wait_exit();
    s.wait_output_end();
    assert_ne!(status, 0, "a panic is a failure");
    let out = s.output();
    let leave = last(&out, LEAVE_ALTERNATE).expect("the alternate screen was never left");
    assert!(
        last(&out, ENTER_ALTERNATE).is_some_and(|enter| enter < leave),
        "the alternate screen was entered again after leaving it"
    );
    assert!(!s.alternate_screen(), "still on the alternate screen");
    assert!(!s.raw_mode(), "the terminal was left in raw mode");
    // The message comes after the restore, on the normal screen.
    let tail = String::from_utf8_lossy(&out[leave..]);
    assert!(
        tail.contains("test panic"),
        "no panic message after restore:\n{tail}"
    );
    let left = wait_all_gone(&children);
    assert!(left.is_empty(), "children outlived the panic: {left:?}");
}

#[test]
fn resizing_rapidly_while_the_lab_runs_is_harmless() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(&["--lessons", &fixture_lessons()], 160, 48, home.path());
    let forklab = s.pid();
    s.open_lab_with_two_workers();
    s.send("EEEE");
    s.wait_text("engine forklab");
    s.send("r");
    let workers = children_of(forklab, " worker ", 2);
    // Sizes from too small to draw to wide, back and forth, faster than
    // frames are drawn (each resize is drawn at once, like a key).
    let sizes = [
        (20, 5),
        (200, 60),
        (80, 24),
        (1, 1),
        (121, 37),
        (60, 10),
        (250, 80),
        (79, 23),
    ];
    for round in 0..60 {
        let (cols, rows) = sizes[round % sizes.len()];
        s.resize(cols, rows);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(s.running(), "forklab died while resized:\n{}", s.screen());
    s.resize(160, 48);
    // Still drawn at the final size, and the run ends on its own.
    s.wait_text("Lab · your own experiment");
    s.wait_text("Done: change the workers");
    s.wait_for("the result row", |screen| {
        screen
            .lines()
            .any(|l| l.starts_with("│     2") && l.contains("×3"))
    });
    let left = wait_all_gone(&workers);
    assert!(left.is_empty(), "workers outlived the run: {left:?}");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    s.wait_output_end();
    assert!(!s.alternate_screen() && !s.raw_mode());
}

/// A lesson folder with one example whose pool of two naps for a minute.
fn napping_lessons() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("examples")).unwrap();
    std::fs::write(
        dir.path().join("1-0-naps.md"),
        "+++\nid = \"naps\"\ntitle = \"Long naps\"\npart = 1\norder = 0\n\n\
         [[examples]]\nid = \"nap\"\nfile = \"examples/nap.py\"\ntitle = \"A pool that naps\"\n+++\n\
         # Long naps\n\nA pool of two workers sleeps for a minute.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("examples/nap.py"),
        "import multiprocessing, time\n\n\
         def nap(x):\n    time.sleep(60)\n    return x\n\n\
         if __name__ == \"__main__\":\n    with multiprocessing.Pool(2) as pool:\n        \
         result = pool.map_async(nap, range(2), chunksize=1)\n        \
         print(\"pool napping\", flush=True)\n        result.get()\n",
    )
    .unwrap();
    dir
}

/// Python's processes under forklab's guard: the master and its workers.
fn python_family(forklab: u32) -> Vec<u32> {
    forklab::os::family_of(forklab)
        .into_iter()
        .filter(|p| p.cmdline.contains("nap.py") || p.cmdline.contains("multiprocessing"))
        .map(|p| p.pid)
        .collect()
}

/// Starts busy copies, the lab and (where Python is) a napping pool, then
/// ends forklab with `end`; checks that every child is gone and the
/// terminal was restored (where it still exists).
fn every_child_stops_when(test: &str, end: impl FnOnce(&mut Session), terminal_kept: bool) {
    let home = tempfile::tempdir().unwrap();
    let lessons = napping_lessons();
    let lessons_arg = lessons.path().to_str().unwrap().to_string();
    let mut s = Session::start(&["--lessons", &lessons_arg], 160, 48, home.path());
    let forklab = s.pid();
    s.wait_text("Long naps");
    let mut children = Vec::new();
    if python::python_or_skip(test).is_some() {
        s.send("e");
        s.wait_text("Run an example");
        s.send("\r");
        s.wait_text("pool napping");
        let start = std::time::Instant::now();
        while python_family(forklab).len() < 3 {
            assert!(
                start.elapsed() < support::DEADLINE,
                "the pool never started: {:?}",
                python_family(forklab)
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        children.extend(python_family(forklab));
    }
    children.extend(start_busy(&mut s, forklab));
    children.extend(start_lab(&mut s, forklab));
    children.extend(descendants(forklab));
    children.sort_unstable();
    children.dedup();
    // Busy copies and lab workers at least (and Python's where it ran).
    assert!(children.len() >= cores() + 2, "{children:?}");
    end(&mut s);
    s.wait_exit();
    let left = wait_all_gone(&children);
    let survivors: Vec<_> = left
        .iter()
        .filter_map(|&p| forklab::os::proc_entry(p))
        .collect();
    assert!(
        left.is_empty(),
        "{test}: children outlived forklab: {survivors:#?}"
    );
    if terminal_kept {
        s.wait_output_end();
        assert!(
            !s.alternate_screen(),
            "{test}: still on the alternate screen"
        );
        assert!(!s.raw_mode(), "{test}: the terminal was left in raw mode");
    }
}

#[test]
fn sigterm_stops_every_child_and_restores_the_terminal() {
    every_child_stops_when(
        "sigterm",
        |s| forklab::os::signal_process(s.pid(), libc::SIGTERM).unwrap(),
        true,
    );
}

#[test]
fn closing_the_terminal_stops_every_child() {
    // The terminal goes away: forklab gets SIGHUP and can write no more.
    every_child_stops_when("sighup", Session::hang_up, false);
}

#[test]
fn sighup_stops_every_child_and_restores_the_terminal() {
    every_child_stops_when(
        "sighup_signal",
        |s| forklab::os::signal_process(s.pid(), libc::SIGHUP).unwrap(),
        true,
    );
}
