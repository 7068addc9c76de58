//! The class server on loopback: many learners at once, each on its own
//! 127.0.0.x (all of 127.0.0.0/8 is loopback on Linux), hostile requests,
//! a client holding hundreds of connections, a code guesser, caps, a
//! full disk, a restart, and a teacher who vanishes. Every wait is on a
//! condition with a deadline; nothing asserts a duration.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use forklab::class::client::{Client, ClientError};
use forklab::class::limits::{self, BODY_BYTES, HEAD_BYTES, ServerLimits};
use forklab::class::payload::{Machine, Point, Report};
use forklab::class::{ClassEvent, Refusal, Server, ServerConfig, http, store};

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

/// 127.0.0.`n`: a learner's or an attacker's own address.
fn from(n: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, n])
}

fn start(limits: ServerLimits) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new(local(), dir.path().join("class.jsonl"));
    config.limits = limits;
    let (server, _) = Server::start(config, "ABC234", |_| {}).unwrap();
    (server, dir)
}

/// What the server answered a raw request: status, Retry-After, body.
#[derive(Debug)]
struct Raw {
    status: u16,
    retry_after: Option<u64>,
    body: String,
}

/// Sends raw bytes from `source` and reads the whole answer.
fn raw(addr: SocketAddr, source: IpAddr, bytes: &[u8]) -> Raw {
    let mut stream = http::connect(addr, Some(source), Duration::from_secs(10)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).to_string();
    let header = |name: &str| {
        answer
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
    };
    Raw {
        status: answer
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
        retry_after: header("Retry-After:"),
        body: answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default(),
    }
}

fn post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn join_body(code: &str, nickname: &str) -> String {
    format!(
        r#"{{"code":"{code}","nickname":"{nickname}","machine":{{"cores":2,"cpu_model":"x","os":"y"}}}}"#
    )
}

/// Waits for `what` to hold, up to `deadline` seconds.
fn wait_until(what: &str, seconds: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !done() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn fifty_learners_twenty_results_each_are_stored_exactly_once_despite_hostile_requests() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    let config = ServerConfig::new(local(), path.clone());
    let (events, received) = mpsc::channel();
    let (server, _) = Server::start(config, "LOADTS", move |e| {
        let _ = events.send(e);
    })
    .unwrap();
    let addr = server.addr();

    // A slow-loris client: headers that never end, held open during the load.
    let mut slow = http::connect(addr, Some(from(250)), Duration::from_secs(5)).unwrap();
    slow.write_all(b"POST /submit HTTP/1.1\r\nContent-Length: 90\r\n")
        .unwrap();

    let learners: Vec<_> = (0..50u8)
        .map(|n| {
            std::thread::spawn(move || {
                let mut client = Client::new(
                    &addr.to_string(),
                    "loadts",
                    &format!("learner {n}"),
                    machine(2 + u32::from(n) % 15),
                )
                .unwrap()
                .from_source(from(10 + n));
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

    // Hostile requests while the learners send, each from its own address.
    let wrong = raw(addr, from(200), &post("/join", &join_body("WRONG1", "eve")));
    assert_eq!((wrong.status, wrong.retry_after), (403, Some(1)));
    assert_eq!(raw(addr, from(201), &post("/join", "not json")).status, 400);
    let huge = b"POST /submit HTTP/1.1\r\nContent-Length: 100000\r\n\r\n";
    assert_eq!(raw(addr, from(202), huge).status, 413);
    assert_eq!(
        raw(addr, from(203), b"GET /class.jsonl HTTP/1.1\r\n\r\n").status,
        404
    );
    let tls = b"\x16\x03\x01 not http at all\r\n\r\n";
    assert_eq!(raw(addr, from(204), tls).status, 400);

    let stored: usize = learners.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(stored, 1000);

    // The slow client was cut off with 408 and did no harm.
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");

    let refused: HashMap<Refusal, u64> = server.refused().into_iter().collect();
    assert_eq!(refused[&Refusal::WrongCode], 1);
    assert_eq!(refused[&Refusal::Malformed], 2);
    assert_eq!(refused[&Refusal::TooLarge], 1);
    assert_eq!(refused[&Refusal::NotFound], 1);
    assert_eq!(refused[&Refusal::Slow], 1);
    drop(server);

    // Every result is in the file exactly once, and the events said so.
    let (roster, damage) = store::read(&path).unwrap();
    assert!(damage.is_empty(), "{damage:?}");
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

/// One client on `source` holding `count` connections open, reopening
/// each the server closes, until `stop`.
fn hold_connections(addr: SocketAddr, source: IpAddr, count: usize, stop: Arc<AtomicBool>) {
    let open = || {
        let s = http::connect(addr, Some(source), Duration::from_secs(2)).ok()?;
        s.set_nonblocking(true).ok()?;
        Some(s)
    };
    let mut held: Vec<Option<TcpStream>> = (0..count).map(|_| open()).collect();
    while !stop.load(Ordering::SeqCst) {
        for slot in &mut held {
            let mut byte = [0u8; 64];
            let closed = match slot {
                Some(s) => {
                    !matches!(s.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                }
                None => true,
            };
            if closed {
                *slot = open();
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn three_hundred_held_connections_from_one_address_do_not_shut_out_fifty_learners() {
    let (server, _dir) = start(ServerLimits::default());
    let addr = server.addr();
    let stop = Arc::new(AtomicBool::new(false));
    let holder = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || hold_connections(addr, from(2), 300, stop))
    };
    let crowded = |server: &Server| {
        server
            .refused()
            .iter()
            .find(|(why, _)| *why == Refusal::Crowded)
            .map_or(0, |(_, n)| *n)
    };
    // The holder has all its address may hold, and is refused the rest.
    wait_until("the holder to hold 8 and be refused", 30, || {
        server.connections() == 8 && crowded(&server) > 0
    });
    // Its idle connections are let go at the header deadline, and it
    // takes them again at once.
    let slow = |server: &Server| {
        server
            .refused()
            .iter()
            .find(|(why, _)| *why == Refusal::Slow)
            .map_or(0, |(_, n)| *n)
    };
    wait_until("the held connections to be let go and retaken", 30, || {
        slow(&server) >= 8 && server.connections() == 8
    });
    let learners: Vec<_> = (0..50u8)
        .map(|n| {
            std::thread::spawn(move || {
                let mut client =
                    Client::new(&addr.to_string(), "ABC234", &format!("l{n}"), machine(4))
                        .unwrap()
                        .from_source(from(100 + n));
                // A learner's own retry when the machine is too busy to
                // answer in 3 s; a refusal is never retried.
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    match client.join() {
                        Ok(()) => return Ok(()),
                        Err(ClientError::Unreachable(_)) if Instant::now() < deadline => {}
                        Err(e) => return Err(e.to_string()),
                    }
                }
            })
        })
        .collect();
    let joined: Vec<_> = learners.into_iter().map(|t| t.join().unwrap()).collect();
    // The holder is still at it while the last learner joins.
    assert!(!holder.is_finished());
    stop.store(true, Ordering::SeqCst);
    holder.join().unwrap();
    assert!(joined.iter().all(Result::is_ok), "{joined:?}");
    assert_eq!(server.roster().participants.len(), 50);
    let refused: HashMap<Refusal, u64> = server.refused().into_iter().collect();
    assert!(refused[&Refusal::Crowded] > 0, "{refused:?}");
    assert_eq!(refused[&Refusal::Busy], 0, "{refused:?}");
}

#[test]
fn a_code_guessing_client_gets_429s_and_a_rising_delay() {
    let (server, _dir) = start(ServerLimits::default());
    let addr = server.addr();
    let guess = |code: &str| raw(addr, from(3), &post("/join", &join_body(code, "eve")));
    let (mut waits, mut held_off) = (Vec::new(), 0);
    let mut last = Instant::now();
    for n in 0..4 {
        // Wait out the last delay: guesses meanwhile get 429, unchecked.
        let mut answer = guess(&format!("GUESS{n}"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while answer.status == 429 {
            assert!(Instant::now() < deadline, "the wait never ended");
            assert!(answer.body.contains("wait"), "{answer:?}");
            assert!(answer.retry_after.is_some_and(|s| s <= 8), "{answer:?}");
            held_off += 1;
            std::thread::sleep(Duration::from_millis(100));
            answer = guess(&format!("GUESS{n}"));
        }
        assert_eq!(answer.status, 403, "{answer:?}");
        assert!(answer.body.contains("wrong class code"), "{answer:?}");
        waits.push(answer.retry_after.unwrap());
        last = Instant::now();
    }
    assert_eq!(waits, [1, 2, 4, 8]);
    assert!(held_off > 0, "no guess was held off");
    // Even the right code waits (unless the machine stalled past the wait).
    let right = guess("ABC234");
    match right.status {
        429 => assert!(right.retry_after.is_some_and(|s| s <= 8), "{right:?}"),
        200 => assert!(last.elapsed() >= Duration::from_secs(7), "{right:?}"),
        _ => panic!("{right:?}"),
    }
    // Another address joins at once while the guesser waits.
    let other = raw(addr, from(4), &post("/join", &join_body("ABC234", "ana")));
    assert_eq!(other.status, 200, "{other:?}");
    let refused: HashMap<Refusal, u64> = server.refused().into_iter().collect();
    assert_eq!(refused[&Refusal::WrongCode], 4);
    assert!(refused[&Refusal::Guessing] >= held_off, "{refused:?}");
    let joined = if right.status == 200 { 2 } else { 1 };
    assert_eq!(server.roster().participants.len(), joined);
}

#[test]
fn content_length_and_header_limits_are_refused_with_their_own_words() {
    let (server, _dir) = start(ServerLimits::default());
    let addr = server.addr();
    let body = join_body("ABC234", "ana");
    let with = |headers: &str, body: &str| {
        format!("POST /join HTTP/1.1\r\n{headers}\r\n\r\n{body}").into_bytes()
    };
    let cases: [(&str, String, u16, &str); 6] = [
        (
            "two lengths",
            format!("Content-Length: {0}\r\nContent-Length: {0}", body.len()),
            400,
            "twice",
        ),
        (
            "a signed length",
            format!("Content-Length: +{}", body.len()),
            400,
            "digits",
        ),
        (
            "chunked",
            "Transfer-Encoding: chunked".into(),
            400,
            "Transfer-Encoding",
        ),
        (
            "a body too big",
            format!("Content-Length: {}", BODY_BYTES.get() + 1),
            413,
            "4096 bytes",
        ),
        (
            "headers too big",
            format!("X-Pad: {}", "a".repeat(HEAD_BYTES.usize())),
            431,
            "8192 bytes",
        ),
        (
            "bytes after the body",
            format!("Content-Length: {}", body.len() - 1),
            400,
            "after the body",
        ),
    ];
    for (n, (what, headers, status, says)) in cases.iter().enumerate() {
        let answer = raw(addr, from(20 + n as u8), &with(headers, &body));
        assert_eq!(answer.status, *status, "{what}: {answer:?}");
        assert!(answer.body.contains(says), "{what}: {answer:?}");
    }
    let answer = raw(
        addr,
        from(30),
        &with(&format!("X-Pad: {}", "a".repeat(9000)), ""),
    );
    assert!(answer.body.contains(&HEAD_BYTES.message()), "{answer:?}");
    // A head of exactly the limit is read.
    let start = "POST /join HTTP/1.1\r\nContent-Length: 0\r\nX: ";
    let pad = "a".repeat(HEAD_BYTES.usize() - start.len() - 4);
    let exact = raw(addr, from(31), format!("{start}{pad}\r\n\r\n").as_bytes());
    assert_eq!(
        exact.status, 400,
        "read, then refused as not JSON: {exact:?}"
    );
    assert_eq!(server.roster().participants.len(), 0);
}

#[test]
fn caps_per_address_learner_and_class_refuse_with_the_limit() {
    let limits = ServerLimits {
        learners_per_address: limits::LEARNERS_PER_ADDRESS.with(2),
        results_per_learner: limits::RESULTS_PER_LEARNER.with(3),
        results_per_class: limits::RESULTS_PER_CLASS.with(5),
        ..ServerLimits::default()
    };
    let (server, _dir) = start(limits);
    let address = server.addr().to_string();
    let client = |nickname: &str, n: u8| {
        Client::new(&address, "ABC234", nickname, machine(4))
            .unwrap()
            .from_source(from(n))
    };
    let (mut ana, mut bo) = (client("ana", 5), client("bo", 5));
    ana.join().unwrap();
    bo.join().unwrap();
    // Joining again under the same nickname is the same learner.
    let mut ana_again = client("ana", 5);
    ana_again.join().unwrap();
    assert_eq!(server.roster().participants.len(), 2);
    let refused = client("cy", 5).join().unwrap_err().to_string();
    assert!(
        refused.contains("2 learners have joined from your address"),
        "{refused}"
    );
    for r in 0..3 {
        assert!(ana.submit(&format!("r{r}"), &report(2)).unwrap());
    }
    let full = ana.submit("r3", &report(2)).unwrap_err().to_string();
    assert!(full.contains("you have stored 3 results"), "{full}");
    // A resend of a stored result is still answered.
    assert!(!ana_again.submit("r0", &report(2)).unwrap());
    assert!(bo.submit("b0", &report(2)).unwrap());
    assert!(bo.submit("b1", &report(2)).unwrap());
    let class = bo.submit("b2", &report(2)).unwrap_err().to_string();
    assert!(class.contains("the class has stored 5 results"), "{class}");
    assert_eq!(server.roster().results(), 5);
    // Numbers nobody measured are refused with the reason, before the caps.
    let mut made_up = report(2);
    made_up.points[1].speedup = Some(99_999.0);
    let body = serde_json::json!({
        "code": "ABC234", "participant": "x", "id": "z", "report": made_up
    });
    let answer = raw(server.addr(), from(6), &post("/submit", &body.to_string()));
    assert_eq!(answer.status, 422, "{answer:?}");
    assert!(answer.body.contains("exceeds its workers"), "{answer:?}");
}

#[test]
fn the_readme_lists_every_limit_as_the_server_keeps_it() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = limits::readme_table();
    assert!(
        readme.contains(&table),
        "the README's class section should hold this table:\n{table}"
    );
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

    /// Every line printed so far, without waiting.
    fn printed(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    fn address(&self) -> String {
        self.line_with("listening on")["listening on ".len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
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
    let address = teacher.address();
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
    let address = teacher.address();
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

#[test]
fn a_nickname_with_tricks_is_shown_inert_in_the_teachers_log() {
    let dir = tempfile::tempdir().unwrap();
    let teacher = Teacher::start(&dir.path().join("class.jsonl"));
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.address();
    let mut machine = machine(4);
    machine.cpu_model = "Intel\u{2066}\u{202e}x\u{200b}".into();
    let mut eve = Client::new(&address, &code, "\u{202e}eve\u{200b}x", machine).unwrap();
    eve.join().unwrap();
    let joined = teacher.line_with("joined:");
    assert!(joined.contains("⟨U+202E⟩eve⟨U+200B⟩x"), "{joined}");
    assert!(
        joined.contains("Intel⟨U+2066⟩⟨U+202E⟩x⟨U+200B⟩"),
        "{joined}"
    );
    assert!(!joined.contains(['\u{202e}', '\u{200b}', '\u{2066}']));
}

/// Limits the file size of a running process (`prlimit(2)`): its next
/// write past `bytes` fails part way, as on a full disk.
fn limit_file_size(pid: u32, bytes: u64) {
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: prlimit(2) on a child we started, with a valid struct and
    // no old value asked for.
    let done = unsafe {
        libc::prlimit(
            pid as libc::pid_t,
            libc::RLIMIT_FSIZE,
            &limit,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(done, 0, "prlimit: {}", std::io::Error::last_os_error());
}

#[test]
fn a_write_that_fails_part_way_loses_no_acknowledged_result_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.jsonl");
    let teacher = Teacher::start(&file);
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.address();
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    ana.submit("r0", &report(4)).unwrap();
    teacher.line_with("result: ana");
    // Room for one more result and a half: the third write is torn.
    let size = std::fs::metadata(&file).unwrap().len();
    let one = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .len() as u64
        + 1;
    limit_file_size(teacher.child.id(), size + one * 3 / 2);
    let mut acknowledged = vec!["r0".to_string()];
    let mut refused = Vec::new();
    for r in 1..6 {
        let id = format!("r{r}");
        match ana.submit(&id, &report(4)) {
            Ok(true) => acknowledged.push(id.clone()),
            Ok(false) => panic!("{id} was new"),
            Err(e) => refused.push(e.to_string()),
        }
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bytes.last(), Some(&b'\n'), "half a line left after {r}");
    }
    assert_eq!(acknowledged, ["r0", "r1"]);
    assert_eq!(refused.len(), 4, "{refused:?}");
    let path = dir.path().display().to_string();
    for why in &refused {
        assert!(
            why.contains("(503)") && why.contains("cannot be written"),
            "{why}"
        );
        assert!(!why.contains(&path), "a path in the answer: {why}");
    }
    // The teacher is told why.
    let log = teacher.line_with("refused: cannot write the class file");
    assert!(log.contains("File too large"), "{log}");
    drop(teacher);

    let teacher = Teacher::start(&file);
    let address = teacher.address();
    let reopened = teacher.line_with("reopened:");
    assert!(reopened.contains("1 participants, 2 results"), "{reopened}");
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    assert!(ana.submit("r9", &report(4)).unwrap());
    teacher.line_with("result: ana");
    let printed = teacher.printed();
    assert!(
        printed.iter().all(|l| !l.contains("left out")),
        "{printed:?}"
    );
    drop(teacher);
    let (roster, damage) = store::read(&file).unwrap();
    assert!(damage.is_empty(), "{damage:?}");
    let first = &roster.participants[0].token;
    assert!(acknowledged.iter().all(|id| roster.has_result(first, id)));
    // After a restart the same learner joins anew.
    assert!(roster.has_result(&roster.participants[1].token, "r9"));
    assert_eq!(roster.results(), 3);
}

/// A tmpfs of `size` mounted on a fresh folder, unmounted on drop;
/// `None` (the reason printed) where mounting is not allowed.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(SmallDisk { dir }),
            Ok(out) => {
                let why = String::from_utf8_lossy(&out.stderr);
                eprintln!("SKIPPED: cannot mount a tmpfs here (needs root): {why}");
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount: {e}");
                None
            }
        }
    }

    fn resize(&self, size: &str) {
        let done = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(done.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_loses_no_acknowledged_result_after_a_restart() {
    // The same as above on a real full disk (ENOSPC) where the test may
    // mount one; the file-size limit above runs everywhere.
    let Some(disk) = SmallDisk::mount("8k") else {
        return;
    };
    let file = disk.dir.path().join("class.jsonl");
    let teacher = Teacher::start(&file);
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.address();
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    let (mut acknowledged, mut refused) = (Vec::new(), 0);
    for r in 0..100 {
        let id = format!("r{r:02}");
        match ana.submit(&id, &report(4)) {
            Ok(true) => acknowledged.push(id.clone()),
            Ok(false) => panic!("{id} was new"),
            Err(e) => {
                assert!(e.to_string().contains("(503)"), "{e}");
                refused += 1;
            }
        }
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bytes.last(), Some(&b'\n'), "half a line left after {id}");
        if refused == 3 {
            break;
        }
    }
    assert_eq!(refused, 3, "the disk never filled");
    assert!(!acknowledged.is_empty());
    let log = teacher.line_with("refused: cannot write the class file");
    assert!(log.contains("No space left"), "{log}");
    drop(teacher);

    // Restarted once there is room again: every acknowledged result is
    // there, nothing is left out, and results are stored again.
    disk.resize("64k");
    let teacher = Teacher::start(&file);
    let address = teacher.address();
    let reopened = teacher.line_with("reopened:");
    let expected = format!("1 participants, {} results", acknowledged.len());
    assert!(reopened.contains(&expected), "{reopened}");
    let mut bo = Client::new(&address, &code, "bo", machine(8)).unwrap();
    assert!(bo.submit("b0", &report(4)).unwrap());
    teacher.line_with("result: bo");
    assert!(teacher.printed().iter().all(|l| !l.contains("left out")));
    drop(teacher);
    let (roster, damage) = store::read(&file).unwrap();
    assert!(damage.is_empty(), "{damage:?}");
    let ana = &roster.participants[0].token;
    assert!(acknowledged.iter().all(|id| roster.has_result(ana, id)));
    assert_eq!(roster.results(), acknowledged.len() + 1);
}
