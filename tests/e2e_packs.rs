//! Teacher packs end to end: made with `pack new`, installed with
//! `pack add`, opened in the reader by switching course in the contents,
//! with progress kept per pack and escape sequences in a lesson shown,
//! never obeyed.

mod support;

use assert_cmd::Command;
use support::Session;

fn forklab(home: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("forklab").unwrap();
    cmd.env("FORKLAB_HOME", home);
    cmd
}

/// A new pack whose lesson holds an escape sequence that would clear the
/// screen if it reached the terminal.
fn install_pack(home: &std::path::Path, work: &std::path::Path) {
    let dir = work.join("class-pack");
    forklab(home)
        .args(["pack", "new"])
        .arg(&dir)
        .assert()
        .success();
    let lesson = dir.join("1-0-first-pool.md");
    let text = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(
        &lesson,
        text.replace("# A first pool", "# A first pool\n\nDanger \u{1b}[2J here."),
    )
    .unwrap();
    let out = forklab(home).args(["check"]).arg(&dir).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("warning: control character U+001B"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    let archive = work.join("class-pack.tar.gz");
    let file = std::fs::File::create(&archive).unwrap();
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::default(),
    ));
    tar.append_dir_all("class-pack", &dir).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    let out = forklab(home)
        .args(["pack", "add"])
        .arg(&archive)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("installed class-pack 0.1.0: 1 lesson(s)"),
        "{stdout}"
    );
    let out = forklab(home).args(["pack", "list"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("class-pack"));
}

#[test]
fn a_pack_is_made_installed_and_read_with_its_own_progress() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    install_pack(home.path(), work.path());

    // Headless output escapes the sequence too.
    let out = forklab(home.path())
        .args(["--pack", "class-pack", "lessons", "show", "first-pool"])
        .assert()
        .success();
    let shown = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(shown.contains("Danger ␛[2J here."), "{shown}");
    assert!(!shown.contains('\u{1b}'));

    let mut s = Session::start(&[], 100, 30, home.path());
    s.wait_text("Start here");
    s.send("t");
    s.wait_text("Contents: Built-in course (1/2)");
    s.send("\t");
    s.wait_text("Contents: My first forklab pack (pack) (2/2)");
    s.send("\r");
    s.wait_for("the pack's lesson", |screen| {
        screen.contains("Danger ␛[2J here.") && !screen.contains("Contents")
    });
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    let progress = home.path().join("progress/packs/class-pack.toml");
    let text = std::fs::read_to_string(&progress).unwrap();
    assert!(text.contains("current = \"first-pool\""), "{text}");
    // The built-in course's progress file does not know the pack's lesson.
    let main = std::fs::read_to_string(home.path().join("progress.toml")).unwrap_or_default();
    assert!(!main.contains("first-pool"), "{main}");

    // --pack opens straight into the pack, where the learner left it.
    let mut s = Session::start(&["--pack", "class-pack"], 100, 30, home.path());
    s.wait_text("Danger ␛[2J here.");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    forklab(home.path())
        .args(["pack", "remove", "class-pack"])
        .assert()
        .success();
    assert!(!home.path().join("packs/class-pack").exists());
    assert!(progress.exists(), "removing a pack keeps its progress");
}

#[test]
fn check_reports_a_bad_manifest_and_add_refuses_the_pack() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("p");
    forklab(home.path())
        .args(["pack", "new"])
        .arg(&dir)
        .assert()
        .success();
    let manifest = std::fs::read_to_string(dir.join("pack.toml")).unwrap();
    std::fs::write(
        dir.join("pack.toml"),
        format!("{manifest}colour = \"red\"\n"),
    )
    .unwrap();
    let out = forklab(home.path())
        .arg("check")
        .arg(&dir)
        .assert()
        .failure();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("pack.toml:9: unknown field `colour`"),
        "{stdout}"
    );
    let out = forklab(home.path())
        .args(["pack", "add"])
        .arg(&dir)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("unknown field `colour`"), "{stderr}");
    assert!(!home.path().join("packs/p").exists());
}
