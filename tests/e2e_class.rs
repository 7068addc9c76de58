//! The class view in a pseudo-terminal: a learner's headless run reaches
//! the teacher's screen, the keys sort and freeze, and `q` stops the server.

#[path = "support/python.rs"]
mod python;
mod support;

use std::process::Command;

use support::Session;

#[test]
fn a_learners_run_appears_on_the_teachers_class_view() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("class.jsonl");
    let file_arg = file.to_str().unwrap();
    let mut teacher = Session::start(
        &[
            "class",
            "serve",
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--file",
            file_arg,
        ],
        120,
        40,
        home.path(),
    );
    teacher.wait_text("join with: forklab --join 127.0.0.1:");
    let screen = teacher.screen();
    let join = screen
        .lines()
        .find_map(|l| l.split("join with: forklab --join ").nth(1))
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let (address, code) = (&join[0], &join[1]);

    let learner = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args([
            "run",
            "--workers",
            "1,2",
            "--tasks",
            "8",
            "--join",
            address,
            code,
        ])
        .args(["--nickname", "ana"])
        .env("FORKLAB_HOME", home.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&learner.stderr);
    assert!(learner.status.success(), "{said}");
    assert!(said.contains("sent to the class"), "{said}");

    teacher.wait_text("ana");
    teacher.wait_text("1 joined · 1 results");

    // A learner in the reader joins too, naming the Python its lab uses.
    let python = python::python_or_skip("a reader joining names its Python");
    let mut reader = Session::start(
        &["--join", address, code, "--nickname", "bea"],
        100,
        30,
        home.path(),
    );
    reader.wait_text("class: joined");
    teacher.wait_text("2 joined");
    reader.send("q");
    assert_eq!(reader.wait_exit(), 0);
    teacher.send("z");
    teacher.wait_text("FROZEN");
    teacher.send("o");
    teacher.wait_text("sorted by name");
    teacher.send("q");
    assert_eq!(teacher.wait_exit(), 0);

    // The server stopped with the class; its file holds the result.
    let (roster, _) = forklab::class::store::read(&file).unwrap();
    assert_eq!(roster.results(), 1);
    assert_eq!(roster.participants[0].nickname, "ana");
    let bea = &roster.participants[1];
    assert_eq!(bea.nickname, "bea");
    assert_eq!(bea.machine.python, python.map(|p| p.version));
    let refused = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args([
            "run",
            "--workers",
            "1",
            "--tasks",
            "2",
            "--join",
            address,
            code,
        ])
        .env("FORKLAB_HOME", home.path())
        .output()
        .unwrap();
    assert!(refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not sent to the class"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
