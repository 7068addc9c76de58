//! The practice loop in a pseudo-terminal: the learner opens an exercise,
//! and each save of the file (the test plays the editor) is checked live,
//! ✗ then ✓, without a key press; nothing is left running.

#[path = "support/python.rs"]
mod python;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::Session;

fn fixture() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/practice").to_string()
}

/// forklab's children that are alive.
fn live_children(pid: u32) -> Vec<u32> {
    forklab::os::family_of(pid)
        .into_iter()
        .filter(|p| p.pid != pid && p.state != 'Z')
        .map(|p| p.pid)
        .collect()
}

#[test]
fn each_save_is_checked_live_wrong_then_right() {
    let Some(_python) = python::python_or_skip("each_save_is_checked_live_wrong_then_right") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("exercises");
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["--lessons", &fixture(), "practice", "init"])
        .arg(&folder)
        .env("FORKLAB_HOME", home.path())
        .output()
        .unwrap();
    assert!(init.status.success(), "{init:?}");
    let file = folder.join("pool_squares.py");
    let starter = std::fs::read_to_string(&file).unwrap();

    // No editor at all, then one that fails: each is said, the TUI stays,
    // and the file is watched anyway.
    // SAFETY: this test binary runs one test, and no thread reads the
    // environment while it is changed.
    unsafe {
        std::env::remove_var("EDITOR");
        std::env::remove_var("VISUAL");
    }
    let mut s = Session::start(&["--lessons", &fixture()], 100, 32, home.path());
    s.wait_text("Fixture body");
    s.send("E");
    s.wait_text("Exercises");
    s.send("\r");
    s.wait_text("Predict first");
    s.send("2\r");
    s.wait_text("No editor: set $VISUAL or $EDITOR");
    assert!(
        s.screen().contains("save the file to check it"),
        "{}",
        s.screen()
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    // SAFETY: as above, no other thread reads the environment now.
    unsafe { std::env::set_var("EDITOR", "false") };
    let mut s = Session::start(&["--lessons", &fixture()], 100, 32, home.path());
    s.wait_text("Fixture body");
    s.send("E");
    s.wait_text("Exercises");
    s.send("\r");
    s.wait_text("The editor \"false\" ended with exit status 1");
    assert!(
        s.alternate_screen() && s.screen().contains("Practice ·"),
        "{}",
        s.screen()
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    // The editor: a program that ends at once, so the test writes the file.
    // SAFETY: as above, no other thread reads the environment now.
    unsafe { std::env::set_var("EDITOR", "true") };
    let mut s = Session::start(&["--lessons", &fixture()], 100, 32, home.path());
    s.wait_text("Fixture body");
    s.send("E");
    s.wait_text("Exercises");
    s.send("\r");
    // The prediction was made in the first session: not asked again.
    s.wait_text("save the file to check it");
    assert!(s.screen().contains("you predicted: 2"), "{}", s.screen());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), starter);

    write(&file, "print('result: 5')\n");
    s.wait_text("✗ not yet");
    assert!(
        s.screen().contains("✗ same result as the reference"),
        "{}",
        s.screen()
    );

    let solution = Path::new(&fixture()).join("exercises/solutions/pool_squares.py");
    write(&file, &std::fs::read_to_string(solution).unwrap());
    s.wait_for("every check to pass", |screen| {
        screen.contains("✓ every check passes")
    });
    assert!(
        s.screen().contains("✓ leaves no process behind"),
        "{}",
        s.screen()
    );

    // Nothing of the runs is left: forklab's only children were theirs.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !live_children(s.pid()).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        live_children(s.pid()),
        Vec::<u32>::new(),
        "processes left running"
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let progress = std::fs::read_to_string(home.path().join("progress.toml")).unwrap();
    assert!(
        progress.contains("[exercises.pool-squares]") && progress.contains("state = \"passed\""),
        "{progress}"
    );
}

/// Writes the way an editor saves: a new file renamed over the old one.
fn write(path: &Path, text: &str) {
    let tmp = path.with_extension("py.tmp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
