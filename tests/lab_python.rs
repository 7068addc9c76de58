//! The lab's python engine for real: a multiprocessing pool run by the
//! machine's Python, its events, its answers checked, its start methods,
//! and every way it can go wrong leaving nothing behind.

#[path = "support/python.rs"]
mod python;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use forklab::lab::{self, Engine, LabConfig, LabError, LabEvent, PoolApi, RunResult, Workload};
use forklab::python::Interpreter;

fn exe() -> PathBuf {
    env!("CARGO_BIN_EXE_forklab").into()
}

fn config(python: &Interpreter, workload: Workload) -> LabConfig {
    LabConfig {
        workers: 2,
        tasks: 6,
        task_size: if workload == Workload::Sleep { 10 } else { 300 },
        engine: Engine::Python,
        python: Some(std::sync::Arc::new(python.clone())),
        worker_exe: exe(),
        deadline: Duration::from_secs(60),
        ..LabConfig::new(workload)
    }
}

fn run_collecting(config: &LabConfig) -> (Result<RunResult, LabError>, Vec<LabEvent>) {
    let events = Mutex::new(Vec::new());
    let result = lab::run(config, |e| events.lock().unwrap().push(e));
    (result, events.into_inner().unwrap())
}

/// Every pid a run's events named.
fn pids_of(events: &[LabEvent]) -> Vec<u32> {
    let mut pids: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::WorkerSpawned { pid, .. } => Some(*pid),
            _ => None,
        })
        .collect();
    pids.sort();
    pids.dedup();
    pids
}

/// The same events, in the same order, as the forklab engine sends.
fn assert_a_whole_run(config: &LabConfig, result: &RunResult, events: &[LabEvent]) {
    assert!(matches!(events.first(), Some(LabEvent::RunStarted { .. })));
    assert!(matches!(events.last(), Some(LabEvent::RunFinished(_))));
    let count = |f: &dyn Fn(&LabEvent) -> bool| events.iter().filter(|e| f(e)).count();
    assert_eq!(
        count(&|e| matches!(e, LabEvent::WorkerSpawned { .. })),
        config.workers
    );
    assert_eq!(
        count(&|e| matches!(e, LabEvent::WorkerReady { .. })),
        config.workers
    );
    assert_eq!(count(&|e| matches!(e, LabEvent::AllReady { .. })), 1);
    assert_eq!(
        count(&|e| matches!(e, LabEvent::TaskStarted { .. })),
        config.tasks
    );
    assert_eq!(
        count(&|e| matches!(e, LabEvent::TaskFinished { .. })),
        config.tasks
    );
    assert_eq!(
        count(&|e| matches!(
            e,
            LabEvent::WorkerExited {
                exit: lab::Exit::Code(0),
                ..
            }
        )),
        config.workers
    );
    // Times on the run's own clock: ready before all ready, tasks after.
    let all_ready = events
        .iter()
        .find_map(|e| match e {
            LabEvent::AllReady { at } => Some(*at),
            _ => None,
        })
        .unwrap();
    for e in events {
        match e {
            LabEvent::WorkerReady { at, .. } => assert!(*at <= all_ready),
            LabEvent::TaskStarted { at, worker, .. } => {
                assert!(*at >= all_ready, "a task before all were ready");
                assert!(*worker < config.workers);
            }
            _ => {}
        }
    }
    assert_eq!(result.pids.len(), config.workers);
    assert_eq!(result.tasks_done.iter().sum::<usize>(), config.tasks);
    assert!(result.wall > Duration::ZERO && result.startup > Duration::ZERO);
    assert!(result.ran.starts_with("Python "), "{}", result.ran);
}

#[test]
fn a_python_pool_gives_the_forklab_answer_with_every_start_method() {
    let Some(python) = python::python_or_skip("python engine start methods") else {
        return;
    };
    let forklab = lab::run(
        &LabConfig {
            engine: Engine::Forklab,
            ..config(&python, Workload::Cpu)
        },
        |_| {},
    )
    .unwrap();
    for method in python.start_methods.clone() {
        let config = LabConfig {
            start_method: Some(method),
            ..config(&python, Workload::Cpu)
        };
        let (result, events) = run_collecting(&config);
        let result = result.unwrap_or_else(|e| panic!("{method}: {e}"));
        assert_a_whole_run(&config, &result, &events);
        assert_eq!(result.method, method.as_str());
        assert_eq!(result.answer, forklab.answer, "{method}");
        for pid in pids_of(&events) {
            assert!(
                !python::alive(pid),
                "{method}: worker {pid} outlived its run"
            );
        }
    }
}

#[test]
fn the_default_method_the_executor_amdahl_and_sleep_run_too() {
    let Some(python) = python::python_or_skip("python engine variants") else {
        return;
    };
    let amdahl = Workload::Amdahl {
        serial_fraction: 0.5,
    };
    for (workload, api) in [
        (Workload::Cpu, PoolApi::Executor),
        (amdahl, PoolApi::Pool),
        (Workload::Sleep, PoolApi::Pool),
    ] {
        let config = LabConfig {
            api,
            ..config(&python, workload)
        };
        let (result, events) = run_collecting(&config);
        let result = result.unwrap_or_else(|e| panic!("{workload:?} {api:?}: {e}"));
        assert_a_whole_run(&config, &result, &events);
        assert_eq!(result.method, python.default_start_method.as_str());
        if api == PoolApi::Executor {
            assert!(
                result.ran.contains("ProcessPoolExecutor, GIL"),
                "{}",
                result.ran
            );
        }
        if workload == amdahl {
            assert!(result.serial > Duration::ZERO);
            let serial = events
                .iter()
                .filter(|e| matches!(e, LabEvent::SerialFinished { .. }))
                .count();
            assert_eq!(serial, 2);
        }
        if workload == Workload::Sleep {
            assert!(result.answer >= 6 * 10, "{}", result.answer);
        }
    }
}

/// Runs `config` on a lab thread; `act` sees each event and may act
/// (kill a worker, cancel). Returns the events, last one included.
fn run_acting(
    config: LabConfig,
    act: impl Fn(&LabEvent, &lab::LabHandle) + Send + 'static,
) -> Vec<LabEvent> {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = lab::start(config, move |e| {
        let _ = tx.send(e);
    });
    let handle = Arc::new(handle);
    let mut events = Vec::new();
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let left = until.saturating_duration_since(Instant::now());
        let e = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no last event in 60 s: {events:?}"));
        act(&e, &handle);
        let last = matches!(e, LabEvent::RunFinished(_) | LabEvent::RunFailed(_));
        events.push(e);
        if last {
            break;
        }
    }
    handle.wait();
    events
}

#[test]
fn a_worker_killed_mid_run_ends_the_run_with_a_message_and_nothing_left() {
    let Some(python) = python::python_or_skip("python engine worker killed") else {
        return;
    };
    for (api, needle) in [
        (PoolApi::Pool, "ended mid-run"),
        (PoolApi::Executor, "BrokenProcessPool"),
    ] {
        worker_killed(&python, api, needle);
    }
}

fn worker_killed(python: &Interpreter, api: PoolApi, needle: &str) {
    let config = LabConfig {
        tasks: 8,
        task_size: 2_000,
        api,
        ..config(python, Workload::Sleep)
    };
    let killed = Arc::new(Mutex::new(None));
    let k = killed.clone();
    let events = run_acting(config, move |e, _| {
        if let LabEvent::TaskStarted { pid, .. } = e {
            let mut k = k.lock().unwrap();
            if k.is_none() {
                forklab::os::signal_process(*pid, libc::SIGKILL).unwrap();
                *k = Some(*pid);
            }
        }
    });
    let victim = killed.lock().unwrap().expect("a task started");
    // The executor ends the other workers too: find the victim's report.
    let crash = events.iter().find_map(|e| match e {
        LabEvent::WorkerCrashed(c) if c.pid == victim => Some(c.clone()),
        _ => None,
    });
    let crash = crash.unwrap_or_else(|| panic!("{api:?}: no crash reported: {events:#?}"));
    assert_eq!(crash.exit, lab::Exit::Signal(9));
    let Some(LabEvent::RunFailed(error)) = events.last() else {
        panic!("{events:?}")
    };
    let message = error.to_string();
    assert!(message.contains(needle), "{api:?}: {message}");
    let left = python::wait_all_gone(&pids_of(&events), Duration::from_secs(5));
    assert!(left.is_empty(), "left running: {left:?}");
}

#[test]
fn cancel_stops_the_python_pool_and_leaves_nothing() {
    let Some(python) = python::python_or_skip("python engine cancel") else {
        return;
    };
    let config = LabConfig {
        tasks: 8,
        task_size: 5_000,
        ..config(&python, Workload::Sleep)
    };
    let asked = Instant::now();
    let events = run_acting(config, |e, handle| {
        if matches!(e, LabEvent::TaskStarted { .. }) {
            handle.request_cancel();
        }
    });
    assert!(
        asked.elapsed() < Duration::from_secs(20),
        "a cancel does not wait for 5 s tasks"
    );
    assert!(
        matches!(
            events.last(),
            Some(LabEvent::RunFailed(LabError::Cancelled))
        ),
        "{:?}",
        events.last()
    );
    let pids = pids_of(&events);
    assert_eq!(pids.len(), 2);
    let left = python::wait_all_gone(&pids, Duration::from_secs(5));
    assert!(left.is_empty(), "left running: {left:?}");
}

/// A stand-in for Python: a shell script run as `SCRIPT -u driver.py ARGS`.
fn fake_python(dir: &tempfile::TempDir, body: &str, real: &Interpreter) -> Interpreter {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.path().join("python3");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    Interpreter {
        path,
        ..real.clone()
    }
}

#[test]
fn a_driver_that_dies_hangs_or_prints_garbage_ends_the_run_with_a_message() {
    let Some(python) = python::python_or_skip("python engine faults") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let cases = [
        (
            "echo 'Traceback: boom' >&2; exit 3",
            Duration::from_secs(30),
            "ended with exit status 3 before the run finished: Traceback: boom",
        ),
        (
            "echo 'this is not json'; sleep 60",
            Duration::from_secs(30),
            "not an event: \"this is not json\"",
        ),
        (
            "sleep 60",
            Duration::from_secs(2),
            "passed its deadline of 2 s",
        ),
    ];
    for (body, deadline, needle) in cases {
        let body = format!("echo $$ > {}; {body}", pidfile.display());
        let config = LabConfig {
            python: Some(std::sync::Arc::new(fake_python(&dir, &body, &python))),
            deadline,
            ..config(&python, Workload::Cpu)
        };
        let asked = Instant::now();
        let (result, events) = run_collecting(&config);
        let message = result.unwrap_err().to_string();
        assert!(message.contains(needle), "{body}: {message}");
        assert!(asked.elapsed() < Duration::from_secs(25), "{body}");
        assert!(matches!(events.last(), Some(LabEvent::RunFailed(_))));
        let pid: u32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let left = python::wait_all_gone(&[pid], Duration::from_secs(5));
        assert!(left.is_empty(), "{body}: the driver is still running");
    }
}

#[test]
fn kill_9_of_forklab_mid_run_leaves_no_python_process() {
    if python::python_or_skip("python engine kill -9").is_none() {
        return;
    }
    let mut master = Command::new(exe())
        .args([
            "run",
            "--engine",
            "python",
            "--repeat",
            "1",
            "--workers",
            "2",
        ])
        .args([
            "--tasks",
            "100",
            "--workload",
            "sleep",
            "--task-size",
            "1000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    // The guard, the driver and its two workers (and any helper).
    let family = loop {
        let family: Vec<u32> = forklab::os::family_of(master.id())
            .into_iter()
            .filter(|p| p.pid != master.id())
            .map(|p| p.pid)
            .collect();
        let workers = forklab::os::family_of(master.id())
            .iter()
            .filter(|p| p.cmdline.contains("forklab_lab_driver.py") || p.name.starts_with("python"))
            .count();
        if workers >= 3 {
            break family;
        }
        if Instant::now() > until {
            let _ = master.kill();
            let _ = master.wait();
            panic!("the python pool did not appear: {family:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let family: Vec<u32> = family
        .into_iter()
        .chain(
            forklab::os::family_of(master.id())
                .into_iter()
                .map(|p| p.pid)
                .filter(|&p| p != master.id()),
        )
        .collect();
    forklab::os::signal_process(master.id(), libc::SIGKILL).unwrap();
    let _ = master.wait();
    let left = python::wait_all_gone(&family, Duration::from_secs(5));
    assert!(left.is_empty(), "left running after kill -9: {left:?}");
}

#[test]
fn without_python_forklab_run_falls_back_to_its_own_workers_and_says_so() {
    let out = Command::new(exe())
        .args(["run", "--repeat", "1", "--workers", "1", "--tasks", "2"])
        .args(["--task-size", "100"])
        .env("FORKLAB_PYTHON", "/no/such/python3")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the lab uses forklab's own workers: no working Python"),
        "{stderr}"
    );
    assert!(stdout.contains("engine forklab"), "{stdout}");
    // Asked for by name, a missing Python is a usage error.
    let out = Command::new(exe())
        .args(["run", "--engine", "python", "--workers", "1"])
        .env("FORKLAB_PYTHON", "/no/such/python3")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the python engine needs Python"));
}
