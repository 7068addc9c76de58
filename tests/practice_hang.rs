//! Soak of the hang at exit once seen judging `every-core/idle.py` (a
//! `Pool(2)` never closed, left to Python's exit): the script observed as a
//! practice run, again and again, under each start method, beside two CPU
//! hogs. Ignored (it takes minutes); `scripts/hang-soak.sh` runs it and
//! prints hangs per runs. A run still going after `DUMP_AFTER` has its
//! family dumped (py-spy, wchan, fds) into `target/hang-dumps/` before the
//! time limit stops it.

#[path = "support/hogs.rs"]
mod hogs;
#[path = "support/python.rs"]
mod python;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use forklab::lesson::LessonSet;
use forklab::practice::observe::{Script, observe};
use forklab::practice::{Context, Fault};
use forklab::python::{PyEvent, StartMethod};
use hogs::Hogs;

/// A run still going this long after it started is dumped (alone it ends
/// in about 1 s, beside two hogs in under 5).
const DUMP_AFTER: Duration = Duration::from_secs(12);

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a person debugging the hang needs of each process of the family.
fn dump_family(guard: u32, into: &Path) -> String {
    let py_spy = std::env::var("FORKLAB_PY_SPY").unwrap_or_else(|_| "py-spy".into());
    let mut text = String::new();
    let mut pids = vec![guard];
    pids.extend(forklab::os::descendants(guard));
    for pid in pids {
        let read = |what: &str| {
            std::fs::read_to_string(format!("/proc/{pid}/{what}"))
                .unwrap_or_else(|e| format!("({e})"))
        };
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .map(|dir| {
                let mut fds: Vec<String> = dir
                    .flatten()
                    .map(|e| {
                        let target = std::fs::read_link(e.path())
                            .map(|t| t.display().to_string())
                            .unwrap_or_default();
                        format!("{} -> {target}", e.file_name().to_string_lossy())
                    })
                    .collect();
                fds.sort();
                fds.join("\n    ")
            })
            .unwrap_or_default();
        let spy = Command::new(&py_spy)
            .args(["dump", "--locals", "--pid", &pid.to_string()])
            .output()
            .map(|o| {
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                )
            })
            .unwrap_or_else(|e| format!("(py-spy: {e})"));
        text.push_str(&format!(
            "==== pid {pid}: {}\nstat: {}wchan: {}\nstack:\n{}fds:\n    {fds}\npy-spy:\n{spy}\n",
            read("cmdline").replace('\0', " "),
            read("stat"),
            read("wchan"),
            read("stack"),
        ));
    }
    let _ = std::fs::create_dir_all(into.parent().unwrap_or(Path::new(".")));
    let _ = std::fs::write(into, &text);
    text
}

#[test]
#[ignore = "a soak of minutes: scripts/hang-soak.sh"]
fn idle_pool_never_hangs_at_exit() {
    let Some(python) = python::python_or_skip("idle_pool_never_hangs_at_exit") else {
        return;
    };
    let runs: usize = env_or("FORKLAB_HANG_RUNS", 30);
    let hogs: usize = env_or("FORKLAB_HANG_HOGS", 2);
    let file = std::env::var("FORKLAB_HANG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cheats/every-core/idle.py")
        });
    let contents = std::fs::read(&file).expect("the script to soak");
    let dumps = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/hang-dumps");
    let set = LessonSet::embedded();
    let launcher = python::launcher();
    let cancel = AtomicBool::new(false);
    let ctx = Context {
        set: &set,
        interpreter: &python,
        launcher: Some(&launcher),
        cancel: &cancel,
        cores: forklab::os::usable_cores(),
        seed: None,
    };
    let _hogs = Hogs::start(hogs);
    // The guard of the run in progress (0: none), watched by the dumper.
    let guard = Arc::new(AtomicU32::new(0));
    let started_at = Arc::new(Mutex::new(Instant::now()));
    let done = Arc::new(AtomicBool::new(false));
    let dumper = {
        let (guard, started_at, done) = (guard.clone(), started_at.clone(), done.clone());
        let dumps = dumps.clone();
        std::thread::spawn(move || {
            let mut dumped = 0;
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
                let pid = guard.load(Ordering::SeqCst);
                let age = started_at.lock().unwrap().elapsed();
                if pid != 0 && pid != dumped && age >= DUMP_AFTER {
                    dumped = pid;
                    let into = dumps.join(format!("guard-{pid}.txt"));
                    let text = dump_family(pid, &into);
                    eprintln!(
                        "HUNG run (guard {pid}), dumped to {}:\n{text}",
                        into.display()
                    );
                }
            }
        })
    };
    let methods: Vec<Option<StartMethod>> = std::iter::once(None)
        .chain(
            StartMethod::ALL
                .into_iter()
                .filter(|m| python.supports(*m))
                .map(Some),
        )
        .collect();
    let args: [&[&str]; 3] = [&[], &["6000000"], &["12000000"]];
    let mut hangs = Vec::new();
    let mut total = 0;
    let t0 = Instant::now();
    for round in 0..runs {
        for method in &methods {
            let script = Script {
                name: "every_core.py".into(),
                contents: contents.clone(),
                args: args[round % args.len()]
                    .iter()
                    .map(|a| a.to_string())
                    .collect(),
                data: Vec::new(),
                start_method: *method,
                timeout: Duration::from_secs(30),
                shown_as: None,
            };
            let observed = observe(ctx, &script, &|event| {
                if let PyEvent::Started(s) = event {
                    *started_at.lock().unwrap() = Instant::now();
                    guard.store(s.guard_pid, Ordering::SeqCst);
                }
            });
            guard.store(0, Ordering::SeqCst);
            total += 1;
            let name = method.map_or("default", |m| m.as_str());
            if let Some(fault @ Fault::TimedOut(_)) = &observed.fault {
                let why = forklab::practice::stopped::fault_reason(&observed, fault);
                eprintln!("HANG {total}: {name} {:?}: {why}", script.args);
                hangs.push(format!("{name} {:?}", script.args));
            } else if !observed.ended_well() {
                eprintln!(
                    "run {total} ({name}) ended badly: {:?} {:?} {:?}",
                    observed.status,
                    observed.fault,
                    observed.last_error()
                );
            }
        }
        eprintln!(
            "after round {}: {total} runs, {} hangs, {:.0} s",
            round + 1,
            hangs.len(),
            t0.elapsed().as_secs_f64()
        );
    }
    done.store(true, Ordering::SeqCst);
    let _ = dumper.join();
    println!(
        "hangs: {} in {total} runs ({} per method, {hogs} hogs): {hangs:?}",
        hangs.len(),
        runs
    );
    assert!(hangs.is_empty(), "{} hangs in {total} runs", hangs.len());
}
