//! Worker-lab costs, measured in one run so the figures compare:
//!
//! 1. Start-up: time from asking for N workers until all are ready (exec
//!    per worker, and the fork server: one exec, then a fork per worker),
//!    beside
//!    starting N bare copies of the same binary (`forklab --version`, in
//!    parallel) and Python's `multiprocessing.Pool(N)` (fork and spawn)
//!    until every worker has run its initializer and said so through a
//!    pipe: the same point as forklab's "all ready". Timed inside Python.
//! 2. Parallel efficiency of the `cpu` workload with one worker per core
//!    against one worker.
//!
//! Run: `cargo bench --bench lab_startup` (prints figures; asserts nothing).
//! Set `LAB_BENCH_QUICK=1` for fewer repetitions.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use forklab::lab::{LabConfig, Workload, run};
use forklab::os::usable_cores;
use forklab::python::StartMethod;

const COUNTS: [usize; 7] = [1, 2, 4, 8, 16, 32, 64];

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_forklab"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Asking for `n` workers until all said `ready` (the pool's own figure),
/// each exec'd, or forked by the fork server.
fn lab_startup(n: usize, method: Option<StartMethod>) -> f64 {
    let config = LabConfig {
        workers: n,
        tasks: n,
        task_size: 0,
        worker_exe: exe(),
        start_method: method,
        ..LabConfig::new(Workload::Sleep)
    };
    match run(&config, |_| {}) {
        Ok(result) => ms(result.startup),
        Err(e) => {
            eprintln!("lab run with {n} workers failed: {e}");
            f64::NAN
        }
    }
}

/// `n` copies of `forklab --version` started together, until all exited.
fn bare_reexec(n: usize) -> f64 {
    let start = Instant::now();
    let children: Vec<_> = (0..n)
        .filter_map(|_| {
            Command::new(exe())
                .arg("--version")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .ok()
        })
        .collect();
    let started = children.len();
    for mut child in children {
        let _ = child.wait();
    }
    if started < n {
        return f64::NAN;
    }
    ms(start.elapsed())
}

/// From `Pool(n)` until every worker has started and written its pid to
/// a pipe (a `SimpleQueue`, no feeder thread): forklab's "all ready".
const PYTHON: &str = r#"
import os, sys, time, multiprocessing as mp

def ready(queue):
    queue.put(os.getpid())

if __name__ == "__main__":
    method, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ctx = mp.get_context(method)
    for _ in range(reps):
        queue = ctx.SimpleQueue()
        t = time.perf_counter()
        pool = ctx.Pool(n, initializer=ready, initargs=(queue,))
        pids = {queue.get() for _ in range(n)}
        took = time.perf_counter() - t
        assert len(pids) == n, pids
        print(took, flush=True)
        pool.terminate()
        pool.join()
"#;

/// Median ms of `reps` `multiprocessing.Pool(n)` start-ups, or `None`
/// without Python.
fn python_pool(python: &Path, method: &str, n: usize, reps: usize) -> Option<f64> {
    // A file, not `-c`: spawn's children re-import the main module.
    let dir = tempfile::tempdir().ok()?;
    let script = dir.path().join("pool_ready.py");
    std::fs::write(&script, PYTHON).ok()?;
    let out = Command::new(python)
        .arg(&script)
        .args([method, &n.to_string(), &reps.to_string()])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "Python {method} with {n} workers failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let times: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse::<f64>().ok())
        .map(|s| s * 1000.0)
        .collect();
    (!times.is_empty()).then(|| median(times))
}

fn cell(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "-".to_string(), |v| format!("{v:.1}"))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let quick = std::env::var_os("LAB_BENCH_QUICK").is_some();
    let reps = if quick { 3 } else { 9 };
    let cores = usable_cores();
    println!(
        "forklab worker lab, {cores} cores, load average {}",
        load_average()
    );
    let python = match forklab::python::Interpreter::find(None) {
        Ok(python) => {
            println!("Python {} at {}", python.version, python.path.display());
            Some(python.path)
        }
        Err(e) => {
            println!("no Python columns: {e}");
            None
        }
    };
    println!("\nStart-up: asking for N workers until all are ready (median of {reps}, ms)");
    println!(
        "{:>4}  {:>10}  {:>12}  {:>8}  {:>11}  {:>11}  {:>12}",
        "N", "forklab", "bare re-exec", "ratio", "forkserver", "python fork", "python spawn"
    );
    let mut forkserver_64 = f64::NAN;
    let mut worst_ratio: f64 = 0.0;
    let mut beats_fork = true;
    for n in COUNTS {
        // Warm the page cache and interleave so drift hits both alike.
        let _ = bare_reexec(n);
        let _ = lab_startup(n, None);
        let served = Some(StartMethod::Forkserver);
        let (mut lab, mut bare, mut forked) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..reps {
            lab.push(lab_startup(n, None));
            bare.push(bare_reexec(n));
            forked.push(lab_startup(n, served));
        }
        let (lab, bare, forked) = (median(lab), median(bare), median(forked));
        if n == 64 {
            forkserver_64 = forked;
        }
        let ratio = lab / bare;
        worst_ratio = worst_ratio.max(ratio);
        let fork = python
            .as_deref()
            .and_then(|p| python_pool(p, "fork", n, reps));
        let spawn_reps = if n >= 16 || quick { 3 } else { reps };
        let spawn = python
            .as_deref()
            .and_then(|p| python_pool(p, "spawn", n, spawn_reps));
        if fork.is_some_and(|f| lab >= f) {
            beats_fork = false;
        }
        println!(
            "{n:>4}  {:>10.1}  {:>12.1}  {:>7.2}x  {:>11.1}  {:>11}  {:>12}",
            lab,
            bare,
            ratio,
            forked,
            cell(fork),
            cell(spawn)
        );
    }
    println!(
        "worst forklab / bare re-exec: {worst_ratio:.2}x (target at most 1.20x: {}); faster than Python's fork at every N: {}",
        if worst_ratio <= 1.2 { "met" } else { "NOT met" },
        if beats_fork { "yes" } else { "no" }
    );
    println!(
        "forklab forkserver, 64 workers all ready: {forkserver_64:.1} ms (target at most 10 ms: {})",
        if forkserver_64 <= 10.0 {
            "met"
        } else {
            "NOT met"
        }
    );

    efficiency(cores, quick);
}

/// Wall time of the cpu workload with 1 worker and with one per core.
fn efficiency(cores: usize, quick: bool) {
    let base = LabConfig {
        tasks: 64,
        task_size: 12_000,
        worker_exe: exe(),
        ..LabConfig::new(Workload::Cpu)
    };
    let rounds = if quick { 1 } else { 5 };
    let (mut one, mut many) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for (workers, into) in [(1, &mut one), (cores, &mut many)] {
            match run(&base.with_workers(workers), |_| {}) {
                Ok(r) => into.push(r.wall.as_secs_f64()),
                Err(e) => {
                    eprintln!("cpu run with {workers} workers failed: {e}");
                    return;
                }
            }
        }
    }
    // Best of each: interference from other programs only ever adds time.
    let t1 = one.iter().copied().fold(f64::INFINITY, f64::min);
    let tn = many.iter().copied().fold(f64::INFINITY, f64::min);
    let speedup = t1 / tn;
    let efficiency = speedup / cores as f64;
    println!(
        "\nParallel efficiency, cpu workload ({} tasks of {} numbers, best of {rounds}; load average now {}):",
        base.tasks,
        base.task_size,
        load_average()
    );
    println!(
        "  1 worker {:.3} s, {cores} workers {:.3} s: speedup {speedup:.3}x, efficiency {:.1}% (target at least 98%: {})",
        t1,
        tn,
        efficiency * 100.0,
        if efficiency >= 0.98 { "met" } else { "NOT met" }
    );
}
