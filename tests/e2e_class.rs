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
    // Printed, but not sent: a script notices (`status::NOT_SENT`).
    assert_eq!(
        refused.status.code(),
        Some(forklab::commands::status::NOT_SENT.into())
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not sent to the class"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

/// A server that answers every request with `status` and `error`, as a
/// hostile or mistyped address might.
fn lying_server(status: u16, error: &str) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body = serde_json::json!({ "ok": false, "error": error }).to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let mut request = [0u8; 8192];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} No\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    addr
}

#[test]
fn a_servers_error_text_reaches_the_learners_terminal_inert() {
    let home = tempfile::tempdir().unwrap();
    let tricks = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}evil\u{2028}x";
    let addr = lying_server(403, tricks);
    let learner = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["run", "--workers", "1", "--tasks", "2", "--join"])
        .arg(addr.to_string())
        .args(["ABC234", "--nickname", "ana"])
        .env("FORKLAB_HOME", home.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&learner.stderr);
    assert!(said.contains("not sent to the class"), "{said}");
    assert!(said.contains("␛]0;pwned␇␛[2J"), "{said}");
    assert!(said.contains("⟨U+202E⟩evil⟨U+2028⟩x"), "{said}");
    for raw in ['\u{1b}', '\u{7}', '\u{202e}', '\u{2028}'] {
        assert!(
            !said.contains(raw),
            "{raw:?} reached the terminal: {said:?}"
        );
    }
}
