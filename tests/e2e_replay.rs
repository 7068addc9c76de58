//! Recording and replaying, with the real binary in a pseudo-terminal: a
//! Python example and a lab run are recorded, then replayed, and the panes
//! the events drew (lesson, output, lab) are compared with the live ones.
//! The header and the status bar differ by design (replay title, position
//! bar), and the cores and process panes follow samples, so they are left out.

#[path = "support/python.rs"]
mod python;
mod support;

use assert_cmd::Command;
use support::{Session, fixture_lessons};

/// The main column of a screen (left of the cores pane), without the
/// header and the status bar.
fn main_column(screen: &str, width: usize) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    lines[1..lines.len().saturating_sub(1)]
        .iter()
        .map(|l| {
            l.chars()
                .take(width)
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// The main column once it has stopped changing (a frame can reach the
/// terminal in pieces): the same twice, 50 ms apart, within the deadline.
fn settled(s: &Session, width: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + support::DEADLINE;
    let mut last = main_column(&s.screen(), width);
    loop {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let now = main_column(&s.screen(), width);
        if now == last {
            return now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the screen never settled"
        );
        last = now;
    }
}

/// Waits until the replay's main column is what live drew.
fn wait_same(r: &mut Session, width: usize, live: &[String], what: &str) {
    let live = without_hints(live.to_vec());
    r.wait_for(what, move |screen| {
        without_hints(main_column(screen, width)) == live
    });
}

/// The lab's bottom border carries its key hints, and a replay's hints
/// leave out the keys it refuses: the border is compared as a border.
fn without_hints(mut lines: Vec<String>) -> Vec<String> {
    if let Some(border) = lines.iter_mut().rev().find(|l| l.starts_with('╰')) {
        *border = "╰ (hints)".into();
    }
    lines
}

/// Where the cores pane starts, from the live screen.
fn cores_column(screen: &str) -> usize {
    screen
        .lines()
        .find_map(|l| l.find("╭ Cores").map(|byte| l[..byte].chars().count()))
        .unwrap_or_else(|| panic!("no cores pane on screen:\n{screen}"))
}

#[test]
fn a_recorded_example_and_lab_run_replay_as_they_were_drawn() {
    if python::python_or_skip("replay_e2e").is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let trace = home.path().join("class.trace.jsonl.gz");
    let trace_arg = trace.to_str().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(
        &["record", trace_arg, "--", "--lessons", &lessons],
        160,
        48,
        home.path(),
    );
    s.wait_text("● REC");
    s.wait_text("A tiny course");
    s.send("n");
    s.wait_text("Squares with a worker pool");
    s.send("e");
    s.wait_text("Run an example");
    s.send("\r");
    s.wait_text("exit status 0");
    s.wait_text("385");
    // The cores pane appears with the first sample, which a busy machine
    // may deliver after the script's output.
    s.wait_text("╭ Cores");
    let width = cores_column(&s.screen());
    let live_lesson = settled(&s, width);
    s.send("L");
    s.wait_text("Lab · your own experiment");
    // One run per point (# twice: 3, 5, 1) keeps the trace short.
    s.send("##");
    s.wait_text("best of 1");
    s.send("r");
    s.wait_text("Done: change the workers");
    s.wait_for("the result row", |screen| {
        screen.lines().any(|l| l.contains("1.00×"))
    });
    let live_lab = settled(&s, width);
    assert!(
        live_lab.iter().any(|l| l.contains("wall time")),
        "{live_lab:#?}"
    );
    assert!(
        live_lesson.iter().any(|l| l.contains("385")),
        "{live_lesson:#?}"
    );
    assert!(
        live_lesson.iter().any(|l| l.contains("exit status 0")),
        "{live_lesson:#?}"
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(trace.exists(), "no trace written");

    let mut r = Session::start(
        &["replay", trace_arg, "--lessons", &lessons],
        160,
        48,
        home.path(),
    );
    r.wait_text("replay: ");
    r.wait_text("recorded on");
    // Fast to the end: 8x.
    r.send(">>>>");
    r.wait_for("the end of the trace", |screen| screen.contains("■ 8x"));
    // Where the recording ended: the squares lesson's lab, as drawn live.
    r.wait_text("Lab · your own experiment");
    wait_same(&mut r, width, &live_lab, "the lab as drawn live");
    // Under it, the lesson with its output.
    r.send("L");
    r.wait_text("385");
    assert_eq!(
        main_column(&r.screen(), width),
        live_lesson,
        "lesson and output pane"
    );
    r.send("L");
    r.wait_text("Lab · your own experiment");
    // Read only: nothing runs.
    r.send("r");
    r.wait_text("replay: read only");
    // Back to the start and forward again: the same lab.
    // Back to the start, paused (so the start stays on screen), then on.
    r.send(" ");
    r.send("\u{1b}[D".repeat(40).as_str());
    r.wait_for("the start, paused", |screen| {
        screen.contains("‖ 8x") && screen.contains(" 0:00/")
    });
    r.send(" ");
    r.wait_for("the end again", |screen| screen.contains("■ 8x"));
    assert_eq!(
        without_hints(main_column(&r.screen(), width)),
        without_hints(live_lab),
        "the lab, replayed again"
    );
    r.send("q");
    assert_eq!(r.wait_exit(), 0);
}

#[test]
fn an_unwritable_trace_is_said_and_the_session_goes_on() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(
        &[
            "record",
            "/nonexistent-dir/t.jsonl.gz",
            "--lessons",
            &fixture_lessons(),
        ],
        120,
        40,
        home.path(),
    );
    s.wait_text("Cannot record: /nonexistent-dir/t.jsonl.gz: No such file or directory");
    s.wait_text("The session goes on");
    s.send("n");
    s.wait_text("Squares with a worker pool");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_full_disk_stops_the_recording_and_the_session_goes_on() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("SKIPPED a_full_disk_stops_the_recording: no /dev/full here");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(
        &["record", "/dev/full", "--lessons", &fixture_lessons()],
        120,
        40,
        home.path(),
    );
    s.wait_text("● REC");
    // Samples are flushed every 8: at 250 ms, two seconds in.
    s.send("]]");
    s.wait_text("Recording stopped: cannot write /dev/full");
    s.wait_text("No space left on device");
    s.wait_text("The session goes on");
    s.wait_for("the REC mark gone", |screen| !screen.contains("● REC"));
    s.send("n");
    s.wait_text("Squares with a worker pool");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn bad_traces_are_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty", b"", "the file is empty"),
        ("text", b"hello\n", "line 1: not a forklab trace"),
        (
            "newer",
            br#"{"forklab_trace":99,"machine":{}}"#,
            "line 1: trace format version 99 is newer",
        ),
        (
            "corrupt",
            b"{\"forklab_trace\":1,\"machine\":{\"cores\":2,\"model\":null,\"os\":null,\"python\":null,\"forklab\":\"0\",\"recorded\":\"x\"}}\n{\"t\":1,\"k\":\"nope\"}\n",
            "line 2: not a trace record",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_forklab"))
            .args(["replay", path.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["replay", "/no/such/trace"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot replay /no/such/trace"));
}

#[test]
fn compare_needs_a_trace_with_lab_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("samples-only.trace.jsonl.gz");
    let bytes = forklab::trace::scripted(2, 3, 4, std::time::Duration::from_millis(250));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["--compare", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the trace has no finished lab run to compare with"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["--compare", path.to_str().unwrap(), "lessons"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--compare goes with the reader alone"));
}

/// `R` with no file named records into the data folder's `traces/`, and
/// the notice gives the whole path.
#[test]
fn the_record_key_saves_in_the_data_folder_and_names_the_whole_path() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 160, 48, home.path());
    s.wait_text("A tiny course");
    s.send("R");
    s.wait_text("● REC");
    let traces = home.path().join("traces");
    let shown = format!("Recording a trace to {}/forklab-", traces.display());
    s.wait_for("the whole path in the notice", |screen| {
        screen.replace('\n', "").contains(&shown)
    });
    s.send("R");
    s.wait_for("the recording to end", |screen| !screen.contains("● REC"));
    let files: Vec<_> = std::fs::read_dir(&traces)
        .unwrap()
        .flatten()
        .map(|f| f.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with(".trace.jsonl.gz"), "{files:?}");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

/// The lesson's first rows at 80x24 (below them a process pane may come
/// and go with the samples), without the scroll bar, which follows the
/// lesson's height on screen.
fn lesson_rows(screen: &str) -> Vec<String> {
    (screen.lines().skip(1).take(9))
        .map(|l| {
            l.chars()
                .take(76)
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Recorded on one lesson, scrolled into it; replayed by someone whose
/// own reader is on another lesson: the replay shows the recorded lesson
/// at the recorded place. No Python needed.
#[test]
fn a_replay_shows_the_lesson_the_recording_was_on() {
    let home = tempfile::tempdir().unwrap();
    let trace = home.path().join("lesson.trace.jsonl.gz");
    let trace_arg = trace.to_str().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(
        &["record", trace_arg, "--", "--lessons", &lessons],
        80,
        24,
        home.path(),
    );
    s.wait_text("● REC");
    s.wait_text("A tiny course");
    s.send("n");
    s.wait_text("Squares with a worker pool");
    s.send("jjjjj");
    s.wait_for("the lesson scrolled to its code", |screen| {
        lesson_rows(screen)
            .iter()
            .take(4)
            .any(|l| l.contains("def square(x)"))
    });
    let live = lesson_rows(&s.screen());
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    // Another reader, whose own place is the course's first lesson.
    let viewer = tempfile::tempdir().unwrap();
    let mut r = Session::start(
        &["replay", trace_arg, "--lessons", &lessons],
        80,
        24,
        viewer.path(),
    );
    r.wait_text("replay: ");
    r.wait_for("the recorded lesson at the recorded place", |screen| {
        lesson_rows(screen) == live
    });
    // The header names the lesson (cut with … beside a replay's title at 80).
    assert!(r.screen().contains("Squares wit"), "{}", r.screen());
    r.send("q");
    assert_eq!(r.wait_exit(), 0);
}
