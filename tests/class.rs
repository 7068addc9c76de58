//! The class server on loopback: many learners at once, each on its own
//! 127.0.0.x (all of 127.0.0.0/8 is loopback on Linux), hostile requests,
//! a client holding hundreds of connections, a code guesser, caps, and a
//! teacher who vanishes (restarts and full disks: tests/class_file.rs).
//! Every wait is on a condition with a deadline; nothing asserts a
//! duration.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
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
    // A JSON string "eve" (random tokens may hold the letters e, v, e).
    assert!(!lines.contains("\"eve\""), "a refused join was stored");
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
