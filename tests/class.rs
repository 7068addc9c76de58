//! The class server on 127.0.0.1: many learners at once, hostile
//! requests, a restart, and a teacher who vanishes. Nothing here depends
//! on timing beyond the deadlines the server and client enforce.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use forklab::class::client::{Client, ClientError};
use forklab::class::payload::{Machine, Point, Report};
use forklab::class::{ClassEvent, Refusal, Server, ServerConfig, store};

fn machine(cores: u32) -> Machine {
    Machine {
        cores,
        cpu_model: "Test CPU".into(),
        os: "Linux".into(),
        python: Some("3.12.4".into()),
    }
}

fn report(workers: u32) -> Report {
    Report {
        engine: "forklab".into(),
        workload: "cpu".into(),
        tasks: 64,
        chunksize: 1,
        points: (1..=workers)
            .map(|w| Point {
                workers: w,
                wall_ms: 1000.0 / f64::from(w),
                speedup: Some(f64::from(w)),
            })
            .collect(),
    }
}

fn local() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Sends raw bytes and returns the status line's code (0 when the
/// server closed without one).
fn raw(addr: SocketAddr, bytes: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn fifty_learners_twenty_results_each_are_stored_exactly_once_despite_hostile_requests() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    let mut config = ServerConfig::new(local(), path.clone());
    config.read_deadline = Duration::from_millis(800);
    let (events, received) = mpsc::channel();
    let (server, _) = Server::start(config, "LOADTS", move |e| {
        let _ = events.send(e);
    })
    .unwrap();
    let addr = server.addr();

    // A slow-loris client: headers that never end, held open during the load.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"POST /submit HTTP/1.1\r\nContent-Length: 90\r\n")
        .unwrap();

    let learners: Vec<_> = (0..50)
        .map(|n| {
            std::thread::spawn(move || {
                let address = addr.to_string();
                let mut client = Client::new(
                    &address,
                    "loadts",
                    &format!("learner {n}"),
                    machine(2 + n % 15),
                )
                .unwrap();
                let mut stored = 0;
                for r in 0..20 {
                    let id = format!("n{n}-r{r}");
                    if client.submit(&id, &report(1 + r % 4)).unwrap() {
                        stored += 1;
                    }
                    // A resend of the same result is answered but not stored again.
                    if r == 7 {
                        assert!(!client.submit(&id, &report(1)).unwrap());
                    }
                }
                stored
            })
        })
        .collect();

    // Hostile requests while the learners send.
    let body =
        br#"{"code":"WRONG1","nickname":"eve","machine":{"cores":2,"cpu_model":"x","os":"y"}}"#;
    let wrong = format!(
        "POST /join HTTP/1.1\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        String::from_utf8_lossy(body)
    );
    assert_eq!(raw(addr, wrong.as_bytes()), 403);
    assert_eq!(
        raw(
            addr,
            b"POST /join HTTP/1.1\r\nContent-Length: 8\r\n\r\nnot json"
        ),
        400
    );
    assert_eq!(
        raw(
            addr,
            b"POST /submit HTTP/1.1\r\nContent-Length: 100000\r\n\r\n"
        ),
        413
    );
    assert_eq!(raw(addr, b"GET /class.jsonl HTTP/1.1\r\n\r\n"), 404);
    assert_eq!(raw(addr, b"\x16\x03\x01 not http at all\r\n\r\n"), 400);

    let stored: usize = learners.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(stored, 1000);

    // The slow client was cut off with 408 and did no harm.
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");

    let refused: std::collections::HashMap<Refusal, u64> = server.refused().into_iter().collect();
    assert_eq!(refused[&Refusal::WrongCode], 1);
    assert_eq!(refused[&Refusal::Malformed], 2);
    assert_eq!(refused[&Refusal::TooLarge], 1);
    assert_eq!(refused[&Refusal::NotFound], 1);
    assert_eq!(refused[&Refusal::Slow], 1);
    drop(server);

    // Every result is in the file exactly once, and the events said so.
    let (roster, torn) = store::read(&path).unwrap();
    assert_eq!(torn, None);
    assert_eq!(roster.participants.len(), 50);
    assert_eq!(roster.results(), 1000);
    assert!(roster.participants.iter().all(|p| p.reports.len() == 20));
    let lines = std::fs::read_to_string(&path).unwrap();
    assert_eq!(lines.matches("\"kind\":\"result\"").count(), 1000);
    assert!(!lines.contains("eve"), "a refused join was stored");
    let stored_events = received
        .try_iter()
        .filter(|e| matches!(e, ClassEvent::Stored { .. }))
        .count();
    assert_eq!(stored_events, 1000);
}

#[test]
fn a_learner_whose_teacher_vanished_gets_an_error_not_a_hang() {
    // Nobody listens on this port any more.
    let closed = TcpListener::bind(local()).unwrap().local_addr().unwrap();
    let mut client = Client::new(&closed.to_string(), "ABCDEF", "ana", machine(4)).unwrap();
    assert!(matches!(
        client.submit("r1", &report(2)),
        Err(ClientError::Unreachable(_))
    ));

    // A server that accepts and then never answers: the client's own
    // timeout ends the wait, while the server still holds the connection.
    let silent = TcpListener::bind(local()).unwrap();
    let addr = silent.local_addr().unwrap();
    let (done, client_returned) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().take(1).collect();
        let _ = client_returned.recv_timeout(Duration::from_secs(60));
        drop(held);
    });
    let mut client = Client::new(&addr.to_string(), "ABCDEF", "ana", machine(4)).unwrap();
    let result = client.join();
    let _ = done.send(());
    match result {
        Err(ClientError::Unreachable(why)) => assert!(why.contains("in time"), "{why}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    holder.join().unwrap();
}

/// A real `forklab class serve --no-tui`, its stdout read line by line.
struct Teacher {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Teacher {
    fn start(file: &Path) -> Teacher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_forklab"))
            .args([
                "class",
                "serve",
                "--no-tui",
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--file",
            ])
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Teacher { child, lines }
    }

    fn line_with(&self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => panic!("the class server never printed {what:?}"),
            }
        }
    }
}

impl Drop for Teacher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_server_killed_and_restarted_loses_nothing_and_keeps_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.jsonl");
    let teacher = Teacher::start(&file);
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.line_with("listening on")["listening on ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    for r in 0..5 {
        ana.submit(&format!("r{r}"), &report(4)).unwrap();
    }
    teacher.line_with("result: ana");
    drop(teacher); // SIGKILL: no chance to tidy up

    let teacher = Teacher::start(&file);
    assert_eq!(
        teacher.line_with("class code:"),
        format!("class code: {code}")
    );
    let address = teacher.line_with("listening on")["listening on ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let reopened = teacher.line_with("reopened:");
    assert!(reopened.contains("1 participants, 5 results"), "{reopened}");
    // The same learner goes on, on the new port: a resent id stays single.
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    ana.submit("r5", &report(4)).unwrap();
    teacher.line_with("result: ana");
    drop(teacher);
    let (roster, _) = store::read(&file).unwrap();
    assert_eq!(roster.results(), 6);
    assert_eq!(roster.code, code);
}
