//! Teacher packs end to end: made with `pack new`, installed with
//! `pack add`, opened in the reader by switching course in the contents,
//! with progress kept per pack and escape sequences in a lesson shown,
//! never obeyed; an interrupted or killed `pack add` leaves nothing.

mod support;

use std::time::{Duration, Instant};

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

/// A pack whose copy takes a while: 15 files of 16 MB (sparse, so cheap
/// to make) in `zbig/`, copied last.
fn slow_pack(home: &std::path::Path, work: &std::path::Path) -> std::path::PathBuf {
    let dir = work.join("slow-pack");
    forklab(home)
        .args(["pack", "new"])
        .arg(&dir)
        .assert()
        .success();
    std::fs::create_dir(dir.join("zbig")).unwrap();
    for i in 0..15 {
        let file = std::fs::File::create(dir.join(format!("zbig/{i:02}.bin"))).unwrap();
        file.set_len(16 << 20).unwrap();
    }
    dir
}

/// The staging folders in `home/packs`.
fn staging(home: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(home.join("packs")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".adding-"))
        .map(|e| e.path())
        .collect()
}

/// Polls `done` in short naps until it holds or `until` passes.
fn wait_for(until: Instant, mut done: impl FnMut() -> bool) -> bool {
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Starts `pack add DIR` and waits until it is copying the big files.
fn add_caught_mid_way(home: &std::path::Path, dir: &std::path::Path) -> std::process::Child {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["pack", "add"])
        .arg(dir)
        .env("FORKLAB_HOME", home)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    let copying = wait_for(until, || {
        staging(home)
            .iter()
            .any(|s| std::fs::read_dir(s.join("pack/zbig")).is_ok_and(|mut d| d.next().is_some()))
    });
    if !copying {
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        panic!(
            "pack add was never seen copying: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    child
}

fn ended(child: std::process::Child) -> (Option<i32>, String) {
    let pid = child.id();
    let (done, ended) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let Ok(out) = ended.recv_timeout(Duration::from_secs(60)) else {
        let _ = forklab::os::process::signal_process(pid, forklab::os::process::SIGKILL);
        panic!("pack add did not end within 60 s");
    };
    waiter.join().unwrap();
    let out = out.unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_interrupted_pack_add_leaves_nothing() {
    use forklab::os::process::{SIGINT, SIGTERM, signal_process};
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = slow_pack(home.path(), work.path());
    for signal in [SIGINT, SIGTERM] {
        let child = add_caught_mid_way(home.path(), &dir);
        signal_process(child.id(), signal).unwrap();
        let (code, stderr) = ended(child);
        assert_eq!(code, Some(1), "signal {signal}: {stderr}");
        assert!(
            stderr.contains("interrupted: nothing was installed"),
            "signal {signal}: {stderr}"
        );
        assert_eq!(staging(home.path()), Vec::<std::path::PathBuf>::new());
        assert!(!home.path().join("packs/slow-pack").exists());
    }
}

#[test]
fn a_killed_pack_add_is_cleaned_up_by_the_next_one() {
    use forklab::os::process::{SIGKILL, signal_process};
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = slow_pack(home.path(), work.path());
    let child = add_caught_mid_way(home.path(), &dir);
    signal_process(child.id(), SIGKILL).unwrap();
    let (code, _) = ended(child);
    assert_eq!(code, None, "killed");
    let left = staging(home.path());
    assert_eq!(left.len(), 1, "kill -9 leaves its staging folder");

    let good = work.path().join("good");
    forklab(home.path())
        .args(["pack", "new"])
        .arg(&good)
        .assert()
        .success();
    let out = forklab(home.path())
        .args(["pack", "add"])
        .arg(&good)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains(&format!(
            "removed {}, left by an interrupted pack add",
            left[0].display()
        )),
        "{stdout}"
    );
    assert!(staging(home.path()).is_empty());
    assert!(home.path().join("packs/good").is_dir());
}
