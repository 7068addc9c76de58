//! The real binary in a pseudo-terminal: reading, moving around, quitting,
//! and coming back to the same place.

mod support;

use support::{Session, fixture_lessons};

#[test]
fn read_navigate_help_and_quit() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 80, 24, home.path());
    s.wait_text("A tiny course");
    assert!(s.alternate_screen());

    s.send("n");
    s.wait_text("Squares with a worker pool");

    s.send("t");
    s.wait_text("Contents");
    s.send("j");
    s.send("\r");
    s.wait_for("the tables lesson", |screen| {
        screen.contains("Timings") && !screen.contains("Contents")
    });

    s.send("?");
    s.wait_text("╭ Keys");
    s.send("x");
    s.wait_for("help to close", |screen| !screen.contains("╭ Keys"));

    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    s.wait_output_end();
    assert!(
        !s.alternate_screen(),
        "the alternate screen must be left on exit"
    );
}

#[test]
fn comes_back_where_the_learner_left_off() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 80, 24, home.path());
    s.wait_text("A tiny course");
    s.send("n");
    s.wait_text("Squares with a worker pool");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let saved = std::fs::read_to_string(home.path().join("progress.toml")).unwrap();
    assert!(saved.contains("current = \"squares\""), "{saved}");

    let mut again = Session::start(&["--lessons", &lessons], 80, 24, home.path());
    again.wait_text("Squares with a worker pool");
    again.send("\x03");
    assert_eq!(again.wait_exit(), 0);

    let mut reset = Session::start(
        &["--lessons", &lessons, "--reset-progress"],
        80,
        24,
        home.path(),
    );
    reset.wait_text("forklab │ Part 1: A tiny course");
    reset.send("q");
    assert_eq!(reset.wait_exit(), 0);
}

#[test]
fn a_corrupt_progress_file_is_reported_and_set_aside() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("progress.toml"), "current = [[[ not toml").unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 100, 24, home.path());
    s.wait_text("Progress file was damaged");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let names: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("progress.toml.corrupt-")),
        "{names:?}"
    );
}

#[test]
fn search_finds_text_in_another_lesson() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 80, 24, home.path());
    s.wait_text("A tiny course");
    s.send("/halve\r");
    s.wait_text("Two workers halve the time");
    s.wait_text("match 1 of 1");
    s.send("\x1b");
    s.wait_for("the search to end", |screen| {
        !screen.contains("match 1 of 1")
    });
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_tiny_terminal_gets_a_message_not_a_broken_screen() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 30, 8, home.path());
    s.wait_text("at least 40×10");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_broken_lesson_is_skipped_and_reported() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture_lessons()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.path().join("9-9-broken.md"), "+++\nid = \"broken\"\n").unwrap();
    let mut s = Session::start(
        &["--lessons", dir.path().to_str().unwrap()],
        100,
        24,
        home.path(),
    );
    s.wait_text("1 lesson file(s) could not be loaded");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
