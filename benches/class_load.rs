//! The class server under a classroom's load, on 127.0.0.1: 50 learners
//! join and send 20 results each, all at once. Prints throughput and the
//! latency of one submit (median, 95th percentile, worst). Asserts nothing.

use std::time::{Duration, Instant};

use forklab::class::client::Client;
use forklab::class::payload::{Machine, Point, Report};
use forklab::class::{Server, ServerConfig};

const LEARNERS: usize = 50;
const RESULTS: usize = 20;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = ServerConfig::new(
        "127.0.0.1:0".parse().expect("an address"),
        dir.path().join("class.jsonl"),
    );
    let (server, _) = Server::start(config, "BENCH2", |_| {}).expect("a class server");
    let address = server.addr().to_string();
    let report = Report {
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
    };
    let started = Instant::now();
    let threads: Vec<_> = (0..LEARNERS)
        .map(|n| {
            let address = address.clone();
            let report = report.clone();
            std::thread::spawn(move || {
                let machine = Machine {
                    cores: 4,
                    cpu_model: "bench".into(),
                    os: "Linux".into(),
                    python: None,
                };
                let mut client =
                    Client::new(&address, "BENCH2", &format!("l{n}"), machine).expect("an address");
                client.join().expect("joined");
                (0..RESULTS)
                    .map(|r| {
                        let t = Instant::now();
                        client
                            .submit(&format!("{n}-{r}"), &report)
                            .expect("submitted");
                        t.elapsed()
                    })
                    .collect::<Vec<Duration>>()
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("a learner thread"))
        .collect();
    let total = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    let stored = server.roster().results();
    println!(
        "class load: {LEARNERS} learners x {RESULTS} results = {stored} stored in {:.2} s ({:.0} results/s, joins included)",
        total.as_secs_f64(),
        stored as f64 / total.as_secs_f64()
    );
    println!(
        "submit latency: median {:.2} ms, p95 {:.2} ms, worst {:.2} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
}
