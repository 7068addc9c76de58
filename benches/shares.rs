//! What the process pane's USS and PSS cost: one `smaps_rollup` read per
//! process shown, per sample. Reads them for real Python processes (a
//! fresh interpreter, and forked children of one holding a big list) and
//! for this process, and times a whole live sample of a family of
//! `CHILDREN + 1` with the reading off and on.
//!
//! Run: `cargo bench --bench shares` (prints figures; asserts nothing).
//! CPU of an idle forklab with it on: `scripts/idle-cost.sh`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use forklab::monitor::Sampler;
use forklab::monitor::live::{LiveSampler, read_shares};

const CHILDREN: usize = 8;
const ROUNDS: u32 = 200;

/// A Python parent holding 300 000 small lists that forks `CHILDREN`
/// children, all waiting on stdin.
const FORKS: &str = r#"
import os, sys
big = [[i] for i in range(300_000)]
for _ in range(int(sys.argv[1])):
    if os.fork() == 0:
        sys.stdin.read()
        os._exit(0)
print("ready", flush=True)
sys.stdin.read()
"#;

fn mean_us(pids: &[u32]) -> f64 {
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for &pid in pids {
            std::hint::black_box(read_shares(pid));
        }
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(ROUNDS) / pids.len() as f64
}

fn sample_ms(sampler: &mut LiveSampler, rows: usize) -> f64 {
    sampler.read_shares(rows);
    let mut total = Duration::ZERO;
    for _ in 0..20 {
        let start = Instant::now();
        std::hint::black_box(sampler.sample());
        total += start.elapsed();
    }
    total.as_secs_f64() * 1e3 / 20.0
}

fn main() {
    let me = std::process::id();
    if forklab::os::platform::memory_rollup(me).is_none() {
        println!("no smaps_rollup here (backend or system): nothing to measure");
        return;
    }
    let mut parent: Child = Command::new("python3")
        .args(["-c", FORKS, &CHILDREN.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 on PATH");
    let mut line = String::new();
    let _ = std::io::BufRead::read_line(
        &mut std::io::BufReader::new(parent.stdout.take().expect("piped")),
        &mut line,
    );
    let family: Vec<u32> = forklab::monitor::live::family_tree(me)
        .into_iter()
        .map(|p| p.pid)
        .collect();
    let children: Vec<u32> = family
        .iter()
        .copied()
        .filter(|&p| p != me && p != parent.id())
        .collect();
    println!("smaps_rollup read and parsed, mean of {ROUNDS} rounds:");
    println!(
        "  this process (the bench):        {:7.1} µs",
        mean_us(&[me])
    );
    println!(
        "  Python parent (big list):        {:7.1} µs",
        mean_us(&[parent.id()])
    );
    println!(
        "  its {} forked children:          {:7.1} µs per process",
        children.len(),
        mean_us(&children)
    );
    let mut sampler = LiveSampler::new(me).expect("a sampler");
    let _ = sampler.sample();
    let off = sample_ms(&mut sampler, 0);
    let on = sample_ms(&mut sampler, usize::MAX);
    println!(
        "a live sample of the family ({} processes): {off:.2} ms with RSS, {on:.2} ms with USS and PSS (+{:.1} µs per process)",
        family.len(),
        (on - off) * 1e3 / family.len() as f64
    );
    drop(parent.stdin.take());
    let _ = parent.wait();
}
