//! The class server under a classroom's load with attackers beside it,
//! on loopback (each learner and attacker on its own 127.x.y.z: all of
//! 127.0.0.0/8 is loopback on Linux). A real `forklab class serve
//! --no-tui` runs as its own process, so its memory is its own.
//!
//! - 200 learners join and send 10 results each, all at once, each
//!   result resent under its id until answered (a 429 says when);
//! - two holders keep 300 idle connections each, reopening any dropped;
//! - two guessers send wrong class codes as fast as they are answered;
//! - a flooder sends results as fast as it can, and garbage between.
//!
//! Prints results/s, submit latency (median, p95, worst), the server's
//! peak memory (VmHWM) and what each attacker got; checks that every
//! learner's results are stored once and every attack was refused, and
//! says so. Asserts no timing. Bounded: 300 threads, 120 s.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use forklab::class::client::{Client, ClientError};
use forklab::class::http;
use forklab::class::payload::{Machine, Point, Report};

const LEARNERS: u8 = 200;
const RESULTS: usize = 10;
const HELD: usize = 300;
/// The whole run ends by then, finished or not.
const DEADLINE: Duration = Duration::from_secs(120);

fn ip(a: u8, b: u8, c: u8) -> IpAddr {
    IpAddr::from([127, a, b, c])
}

fn report() -> Report {
    Report {
        engine: "forklab".into(),
        workload: "cpu".into(),
        tasks: 64,
        chunksize: 1,
        points: (1..=8)
            .map(|w| Point {
                workers: w,
                wall_ms: 1000.0 / f64::from(w),
                speedup: Some(f64::from(w)),
            })
            .collect(),
    }
}

fn machine() -> Machine {
    Machine {
        cores: 8,
        cpu_model: "bench".into(),
        os: "Linux".into(),
        python: None,
    }
}

/// The teacher's server, its stdout read on a thread.
struct Teacher {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Teacher {
    fn start(file: &std::path::Path) -> Teacher {
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
            .expect("forklab class serve");
        let stdout = child.stdout.take().expect("its stdout");
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
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => panic!("the class server never printed {what:?}"),
            }
        }
    }

    /// Peak resident memory so far, from /proc/PID/status.
    fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Teacher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One learner: joins, then sends each result until it is answered.
/// Returns each submit's latency (the last, answered try).
fn learner(addr: SocketAddr, code: String, n: u8, stop: Instant) -> Result<Vec<Duration>, String> {
    let mut client = Client::new(&addr.to_string(), &code, &format!("l{n}"), machine())
        .map_err(|e| e.to_string())?
        .from_source(ip(1, 0, n));
    let wait = |e: &ClientError| match e {
        ClientError::Unreachable(_) => Some(Duration::from_millis(200)),
        ClientError::Refused {
            status: 429,
            retry_after,
            ..
        } => Some(Duration::from_secs(retry_after.unwrap_or(1))),
        ClientError::Refused { .. } => None,
    };
    loop {
        match client.join() {
            Ok(()) => break,
            Err(e) => match wait(&e) {
                Some(pause) if Instant::now() + pause < stop => std::thread::sleep(pause),
                _ => return Err(format!("l{n} could not join: {e}")),
            },
        }
    }
    let report = report();
    let mut latencies = Vec::new();
    for r in 0..RESULTS {
        let id = format!("l{n}-r{r}");
        loop {
            let t = Instant::now();
            match client.submit(&id, &report) {
                Ok(_) => {
                    latencies.push(t.elapsed());
                    break;
                }
                Err(e) => match wait(&e) {
                    Some(pause) if Instant::now() + pause < stop => std::thread::sleep(pause),
                    _ => return Err(format!("l{n} result {r}: {e}")),
                },
            }
        }
    }
    Ok(latencies)
}

/// Holds `HELD` connections from `source`, reopening any the server
/// drops, until `stop`. Returns how many it opened in all.
fn holder(addr: SocketAddr, source: IpAddr, stop: Arc<AtomicBool>) -> u64 {
    let mut opened = 0;
    let mut open = || {
        opened += 1;
        let s = http::connect(addr, Some(source), Duration::from_secs(2)).ok()?;
        s.set_nonblocking(true).ok()?;
        Some(s)
    };
    let mut held: Vec<Option<TcpStream>> = (0..HELD).map(|_| open()).collect();
    while !stop.load(Ordering::SeqCst) {
        for slot in &mut held {
            let mut byte = [0u8; 64];
            let alive = matches!(slot, Some(s) if matches!(s.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock));
            if !alive {
                *slot = open();
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    opened
}

/// Sends `bytes` from `source`; the status of the answer (0 for none).
fn send(addr: SocketAddr, source: IpAddr, bytes: &[u8]) -> u16 {
    let Ok(mut stream) = http::connect(addr, Some(source), Duration::from_secs(3)) else {
        return 0;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends requests made by `make` from `source` until `stop`, counting
/// the answers by status.
fn attacker(
    addr: SocketAddr,
    source: IpAddr,
    stop: Arc<AtomicBool>,
    make: impl Fn(u64) -> Vec<u8>,
) -> HashMap<u16, u64> {
    let mut got = HashMap::new();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        *got.entry(send(addr, source, &make(n))).or_insert(0) += 1;
        n += 1;
    }
    got
}

/// One flooding thread: results under fresh ids and garbage, from
/// 127.4.0.1, until `stop`; the answers counted by status.
fn flood(
    addr: SocketAddr,
    code: &str,
    thread: u64,
    joined: &AtomicU64,
    stop: &AtomicBool,
) -> HashMap<u16, u64> {
    let mut client = Client::new(&addr.to_string(), code, "flood", machine())
        .expect("an address")
        .from_source(ip(4, 0, 1));
    let mut got = HashMap::new();
    if client.join().is_ok() {
        joined.fetch_add(1, Ordering::SeqCst);
    }
    let report = report();
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let status = match client.submit(&format!("f{thread}-{n}"), &report) {
            Ok(_) => 200,
            Err(ClientError::Refused { status, .. }) => status,
            Err(ClientError::Unreachable(_)) => 0,
        };
        *got.entry(status).or_insert(0) += 1;
        let garbage = if n.is_multiple_of(2) {
            post("/submit", "{\"code\":")
        } else {
            b"POST /submit HTTP/1.1\r\nContent-Length: 999999\r\n\r\n".to_vec()
        };
        *got.entry(send(addr, ip(4, 0, 1), &garbage)).or_insert(0) += 1;
        n += 1;
    }
    got
}

fn main() {
    // Held connections, learners' and the attackers' own, with room.
    if let Err(e) = forklab::os::process::ensure_open_files(4096) {
        println!("class load: skipped, too few open files allowed: {e:?}");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("class.jsonl");
    let teacher = Teacher::start(&file);
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let addr: SocketAddr = teacher.line_with("listening on")["listening on ".len()..]
        .split_whitespace()
        .next()
        .and_then(|a| a.parse().ok())
        .expect("an address");
    let stop = Arc::new(AtomicBool::new(false));
    let ends = Instant::now() + DEADLINE;

    let holders: Vec<_> = (0..2)
        .map(|h| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || holder(addr, ip(2, 0, h + 1), stop))
        })
        .collect();
    let guess = |n: u64| {
        let body = format!(
            r#"{{"code":"G{n:05}","nickname":"eve","machine":{{"cores":2,"cpu_model":"x","os":"y"}}}}"#
        );
        post("/join", &body)
    };
    let mut attackers = Vec::new();
    for g in 0..2 {
        let stop = Arc::clone(&stop);
        attackers.push((
            format!("guesser {}", g + 1),
            std::thread::spawn(move || attacker(addr, ip(3, 0, g + 1), stop, guess)),
        ));
    }
    // The flooders: four threads on one address, joined for real (the
    // same nickname from the same address is one learner), sending
    // results and garbage as fast as they are answered.
    let flood_joined = Arc::new(AtomicU64::new(0));
    for f in 0..4 {
        let (stop, code) = (Arc::clone(&stop), code.clone());
        let joined = Arc::clone(&flood_joined);
        attackers.push((
            format!("flooder {}", f + 1),
            std::thread::spawn(move || flood(addr, &code, f, &joined, &stop)),
        ));
    }

    let started = Instant::now();
    let learners: Vec<_> = (1..=LEARNERS)
        .map(|n| {
            let code = code.clone();
            std::thread::spawn(move || learner(addr, code, n, ends))
        })
        .collect();
    let outcomes: Vec<_> = learners
        .into_iter()
        .map(|t| {
            t.join()
                .unwrap_or_else(|_| Err("a learner panicked".into()))
        })
        .collect();
    let took = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    let opened: Vec<u64> = holders.into_iter().map(|h| h.join().unwrap_or(0)).collect();
    let attacks: Vec<(String, HashMap<u16, u64>)> = attackers
        .into_iter()
        .map(|(name, t)| (name, t.join().unwrap_or_default()))
        .collect();
    let peak = teacher.peak_kib();
    drop(teacher);

    let failed: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    let mut latencies: Vec<Duration> = outcomes.iter().flatten().flatten().copied().collect();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len().max(1) - 1) as f64 * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    let (roster, damage) = forklab::class::store::read(&file).expect("the class file");
    let learners_stored = roster
        .participants
        .iter()
        .filter(|p| p.nickname.starts_with('l'))
        .filter(|p| p.reports.len() == RESULTS)
        .count();
    let flood_stored = roster
        .participants
        .iter()
        .filter(|p| p.nickname == "flood")
        .map(|p| p.reports.len())
        .sum::<usize>();
    let stored = learners_stored * RESULTS;

    println!(
        "class load: {LEARNERS} learners x {RESULTS} results beside 2 holders x {HELD} connections, 2 guessers, 4 flooding threads on one address"
    );
    println!(
        "  {stored} learner results stored in {:.2} s ({:.0} results/s, joins and retries included)",
        took.as_secs_f64(),
        stored as f64 / took.as_secs_f64()
    );
    println!(
        "  submit latency: median {:.1} ms, p95 {:.1} ms, worst {:.1} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
    println!(
        "  server peak memory (VmHWM): {:.1} MiB",
        peak as f64 / 1024.0
    );
    println!("  holders opened {opened:?} connections in all");
    for (name, got) in &attacks {
        let mut got: Vec<_> = got.iter().collect();
        got.sort();
        println!("  {name}: answers by status {got:?}");
    }
    // What must hold: every learner stored exactly RESULTS, no guess let
    // in, the flooder held to its bucket, the file whole.
    let guessed_in = attacks
        .iter()
        .filter(|(name, _)| name.starts_with("guesser"))
        .any(|(_, got)| got.contains_key(&200));
    let flood_cap = 40.0 + 10.0 * took.as_secs_f64() + 1.0;
    let mut wrong = Vec::new();
    if !failed.is_empty() {
        wrong.push(format!(
            "{} learners failed: {:?}",
            failed.len(),
            &failed[..failed.len().min(3)]
        ));
    }
    if learners_stored != usize::from(LEARNERS) || roster.results() != stored + flood_stored {
        wrong.push(format!(
            "stored {} results for {learners_stored} learners",
            roster.results()
        ));
    }
    if guessed_in {
        wrong.push("a guessed code was let in".into());
    }
    if flood_stored as f64 > flood_cap || flood_joined.load(Ordering::SeqCst) == 0 {
        wrong.push(format!(
            "the flooders stored {flood_stored} (their bucket allows {flood_cap:.0})"
        ));
    }
    if !damage.is_empty() {
        wrong.push(format!(
            "the class file is damaged: {:?}",
            damage.describe()
        ));
    }
    if wrong.is_empty() {
        println!("  check: every learner's {RESULTS} results stored once; every attack refused");
    } else {
        println!("  CHECK FAILED: {}", wrong.join("; "));
        std::process::exit(1);
    }
}
