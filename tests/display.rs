//! Every display path of outside text, given each trick character of
//! `forklab::sanitize::TRICKS`: what reaches the learner's or the
//! teacher's terminal shows it visibly (`␛`, `⟨U+202E⟩`) and holds no raw
//! control, bidi or zero-width character. (The class view and a replay
//! are drawn in src/tui's own tests; the sanitizer's table is in
//! src/sanitize/tests.rs.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use forklab::class::{Client, Machine};
use forklab::sanitize::{self, TRICKS};

const DEADLINE: Duration = Duration::from_secs(30);

fn machine() -> Machine {
    Machine {
        cores: 2,
        cpu_model: "cpu".into(),
        os: "Linux".into(),
        python: None,
    }
}

/// A hostile or mistyped class server: answers every request with a 400
/// whose reason is `reason`.
fn refusing_server(reason: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            stream.set_read_timeout(Some(DEADLINE)).unwrap();
            // The request: headers, then as much body as they announce.
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let answer = serde_json::json!({ "error": reason }).to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    address
}

#[test]
fn a_servers_error_text_reaches_the_learner_visibly() {
    for (name, raw, shown) in TRICKS {
        let address = refusing_server(raw);
        let mut client = Client::new(&address, "ABC234", "ana", machine()).unwrap();
        let error = client.join().expect_err("the server refuses").to_string();
        assert!(sanitize::is_safe(&error), "{name}: raw in {error:?}");
        assert!(error.contains(shown), "{name}: {shown:?} not in {error:?}");
    }
}

/// Lines of a child's stdout, read on a thread so every wait has a deadline.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let (send, lines) = mpsc::channel();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                return;
            }
        }
    });
    lines
}

fn next_line(lines: &mpsc::Receiver<String>, starting: &str, until: Instant) -> String {
    loop {
        let left = until.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no line starting {starting:?} in time"));
        if line.starts_with(starting) {
            return line;
        }
    }
}

/// Kills the server however the test ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn class_serve_log_and_class_open_show_hostile_names_visibly() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args([
            "class",
            "serve",
            "--no-tui",
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
        ])
        .arg("--file")
        .arg(&file)
        .env("FORKLAB_HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let server = Killed(child);
    let until = Instant::now() + DEADLINE;
    let code = next_line(&lines, "class code: ", until)["class code: ".len()..].to_string();
    let listening = next_line(&lines, "listening on ", until);
    let address = listening["listening on ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    // The server refuses C0 and C1 controls in a name; the rest gets in.
    let mut joined = Vec::new();
    for (name, raw, _) in TRICKS {
        let mut client = Client::new(&address, &code, raw, machine()).unwrap();
        // The server keeps a name trimmed of white space (U+2029 is).
        let shown = sanitize::line(raw.trim()).into_owned();
        if client.join().is_ok() {
            joined.push((name, shown.clone()));
            let line = next_line(&lines, "joined: ", until);
            assert!(sanitize::is_safe(&line), "{name}: raw in {line:?}");
            assert!(line.contains(&shown), "{name}: {shown:?} not in {line:?}");
        }
    }
    for must in ["RLO", "LRI", "ZWJ", "BOM", "line separator", "wide CJK"] {
        assert!(
            joined.iter().any(|(name, _)| **name == must),
            "{must} refused at join: the test shows nothing for it"
        );
    }
    drop(server);
    let open = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["class", "open"])
        .arg(&file)
        .env("FORKLAB_HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8(open.stdout).unwrap();
    assert!(open.status.success(), "{text}");
    assert!(sanitize::is_safe(&text), "raw in {text:?}");
    // One line per participant, each name shown as the sanitizer shows it.
    assert_eq!(text.lines().count(), joined.len() + 1, "{text}");
    for (name, shown) in joined {
        assert!(text.contains(&shown), "{name}: {shown:?} not in {text}");
    }
}

#[test]
fn pack_list_shows_a_hostile_title_visibly() {
    let home = tempfile::tempdir().unwrap();
    let forklab = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(env!("CARGO_BIN_EXE_forklab"))
            .args(args)
            .env("FORKLAB_HOME", home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {text}");
        text
    };
    let pack = home.path().join("hostile");
    forklab(&["pack".as_ref(), "new".as_ref(), pack.as_os_str()]);
    // TOML's escapes put each trick in the title.
    let raw: String = TRICKS.iter().map(|(_, raw, _)| *raw).take(3).collect();
    let escaped: String = TRICKS
        .iter()
        .flat_map(|(_, raw, _)| raw.chars())
        .map(|c| format!("\\U{:08X}", c as u32))
        .collect();
    let manifest = pack.join("pack.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let old = text.lines().find(|l| l.starts_with("title")).unwrap();
    std::fs::write(
        &manifest,
        text.replace(old, &format!("title = \"{escaped}\"")),
    )
    .unwrap();
    forklab(&["pack".as_ref(), "add".as_ref(), pack.as_os_str()]);
    let list = forklab(&["pack".as_ref(), "list".as_ref()]);
    assert!(sanitize::is_safe(&list), "raw in {list:?}");
    let shown = sanitize::line(&raw);
    let start: String = shown.chars().take(20).collect();
    assert!(list.contains(&start), "{start:?} not in {list}");
}

#[test]
fn trace_check_shows_a_hostile_header_visibly() {
    let dir = tempfile::tempdir().unwrap();
    let all: String = TRICKS.iter().map(|(_, raw, _)| *raw).collect();
    let header = serde_json::json!({"forklab_trace": 1, "machine": {"cores": 2,
        "model": all, "os": all, "python": all, "forklab": all, "recorded": all}});
    let file = dir.path().join("hostile.jsonl");
    std::fs::write(&file, format!("{header}\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["trace", "check"])
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(sanitize::is_safe(&text), "raw in {text:?}");
    assert!(text.contains("a␛[2Jb␛]0;pwned␇x"), "{text}");
}
