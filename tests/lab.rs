//! The worker lab with real processes: the test binary plays the master
//! (or runs `forklab run` as a child) and `forklab worker`s do the tasks.
//! Every wait polls with a deadline; no sleep is an assertion.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::Command as AssertCommand;
use forklab::lab::measure::{rows, sweep};
use forklab::lab::start;
use forklab::lab::workload::{count_primes, task_range};
use forklab::lab::{Exit, LabConfig, LabError, LabEvent, RunResult, SerialPart, Workload, run};
use forklab::os;

const DEADLINE: Duration = Duration::from_secs(30);

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_forklab"))
}

fn config(workload: Workload, workers: usize, tasks: usize, task_size: u64) -> LabConfig {
    LabConfig {
        workers,
        tasks,
        task_size,
        worker_exe: exe(),
        deadline: DEADLINE,
        ..LabConfig::new(workload)
    }
}

/// A process that still runs (a zombie has already died).
fn alive(pid: u32) -> bool {
    os::proc_entry(pid).is_some_and(|p| p.state != 'Z')
}

/// Polls `done` every 10 ms until it holds, or fails after `limit`.
fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The events of a run started with `start`, received with deadlines.
struct Events {
    rx: mpsc::Receiver<LabEvent>,
    seen: Vec<LabEvent>,
}

impl Events {
    fn new() -> (impl Fn(LabEvent) + Send + 'static, Events) {
        let (tx, rx) = mpsc::channel();
        let sink = move |e| {
            let _ = tx.send(e);
        };
        (
            sink,
            Events {
                rx,
                seen: Vec::new(),
            },
        )
    }

    /// Waits for the first event (from now on) matching `pred`.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&LabEvent) -> bool) -> LabEvent {
        let until = Instant::now() + DEADLINE;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(event) => {
                    self.seen.push(event.clone());
                    if pred(&event) {
                        return event;
                    }
                }
                Err(e) => panic!("no {what} ({e:?}); events so far: {:#?}", self.seen),
            }
        }
    }

    fn end(&mut self) -> LabEvent {
        self.wait_for("end of run", |e| {
            matches!(e, LabEvent::RunFinished(_) | LabEvent::RunFailed(_))
        })
    }

    fn pids(&self) -> Vec<u32> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                LabEvent::WorkerSpawned { pid, .. } => Some(*pid),
                _ => None,
            })
            .collect()
    }
}

/// Runs to the end, keeping every event.
fn run_logged(config: &LabConfig) -> (Result<RunResult, LabError>, Vec<LabEvent>) {
    let events = std::sync::Mutex::new(Vec::new());
    let result = run(config, |e| events.lock().unwrap().push(e));
    (result, events.into_inner().unwrap())
}

fn primes_in(tasks: u64, size: u64, extra: u64) -> u64 {
    count_primes(task_range(size, 0).start..task_range(size, tasks).start + extra)
}

#[test]
fn cpu_runs_give_the_verified_prime_count_and_a_full_event_log() {
    let cfg = LabConfig {
        chunksize: 3,
        ..config(Workload::Cpu, 2, 13, 300)
    };
    let (result, events) = run_logged(&cfg);
    let result = result.unwrap();
    assert_eq!(result.answer, primes_in(13, 300, 0));
    assert_eq!(result.tasks_done.iter().sum::<usize>(), 13);
    assert_eq!(result.pids.len(), 2);
    assert!(result.crashes.is_empty());
    assert!(matches!(events.first(), Some(LabEvent::RunStarted { .. })));
    assert!(matches!(events.last(), Some(LabEvent::RunFinished(_))));
    let mut finished: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::TaskFinished { task, .. } => Some(*task),
            _ => None,
        })
        .collect();
    finished.sort();
    assert_eq!(finished, (0..13).collect::<Vec<_>>());
    let started = events
        .iter()
        .filter(|e| matches!(e, LabEvent::TaskStarted { .. }))
        .count();
    assert_eq!(started, 13);
    let ready = events
        .iter()
        .position(|e| matches!(e, LabEvent::AllReady { .. }))
        .unwrap();
    let first_task = events
        .iter()
        .position(|e| matches!(e, LabEvent::TaskStarted { .. }))
        .unwrap();
    assert!(ready < first_task);
    let exits: Vec<Exit> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::WorkerExited { exit, .. } => Some(*exit),
            _ => None,
        })
        .collect();
    assert_eq!(exits, vec![Exit::Code(0), Exit::Code(0)]);
    for pid in result.pids {
        assert!(os::proc_entry(pid).is_none(), "worker {pid} was not reaped");
    }
}

#[test]
fn sleep_runs_overlap_their_waits() {
    let cfg = config(Workload::Sleep, 4, 8, 300);
    let (result, events) = run_logged(&cfg);
    let result = result.unwrap();
    assert!(result.answer >= 8 * 300, "{}", result.answer);
    // Overlap is told by the event order, not by a wall time: at some
    // point several workers were inside a wait at once.
    let (mut in_flight, mut most) = (0i32, 0i32);
    for event in &events {
        match event {
            LabEvent::TaskStarted { .. } => in_flight += 1,
            LabEvent::TaskFinished { .. } => in_flight -= 1,
            _ => {}
        }
        most = most.max(in_flight);
    }
    assert!(most >= 2, "the waits never overlapped: {events:#?}");
    let busy = result.tasks_done.iter().filter(|&&n| n > 0).count();
    assert!(busy >= 2, "{:?}", result.tasks_done);
}

#[test]
fn amdahl_runs_do_a_verified_serial_part_around_the_tasks() {
    let w = Workload::Amdahl {
        serial_fraction: 0.3,
    };
    let cfg = config(w, 2, 8, 200);
    let serial = w.serial_numbers(8, 200);
    assert!(serial > 0);
    let (result, events) = run_logged(&cfg);
    let result = result.unwrap();
    assert_eq!(result.answer, primes_in(8, 200, serial));
    assert!(result.serial > Duration::ZERO && result.serial <= result.wall);
    let pos = |pred: &dyn Fn(&LabEvent) -> bool| events.iter().position(pred).unwrap();
    let before = pos(&|e| {
        matches!(
            e,
            LabEvent::SerialFinished {
                part: SerialPart::Before,
                ..
            }
        )
    });
    let after = pos(&|e| {
        matches!(
            e,
            LabEvent::SerialStarted {
                part: SerialPart::After,
                ..
            }
        )
    });
    let first_task = pos(&|e| matches!(e, LabEvent::TaskStarted { .. }));
    let last_task = events
        .iter()
        .rposition(|e| matches!(e, LabEvent::TaskFinished { .. }))
        .unwrap();
    assert!(before < first_task && last_task < after);
}

#[test]
fn a_sweep_runs_each_count_and_compares_with_one_worker() {
    let cfg = config(Workload::Sleep, 1, 4, 50);
    let (sink, mut events) = Events::new();
    let results = sweep(&cfg, &[1, 2], sink).unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1].config.workers, 2);
    let table = rows(&results);
    assert_eq!(table[0].speedup, Some(1.0));
    // The speedup is measured, not asserted (speed lives in benches/):
    // it is the ratio of the two verified wall times.
    let expected = results[0].wall.as_secs_f64() / results[1].wall.as_secs_f64();
    assert!(
        (table[1].speedup.unwrap() - expected).abs() < 1e-9,
        "{table:?}"
    );
    assert!(results.iter().all(|r| r.answer >= 4 * 50), "{results:?}");
    events.wait_for(
        "sweep end",
        |e| matches!(e, LabEvent::SweepFinished(r) if r.len() == 2),
    );
}

#[test]
fn killing_one_worker_mid_run_is_reported_and_its_tasks_are_redone() {
    let cfg = LabConfig {
        chunksize: 4,
        ..config(Workload::Sleep, 2, 24, 40)
    };
    let (sink, mut events) = Events::new();
    let handle = start(cfg, sink);
    let victim = match events.wait_for("a task start", |e| {
        matches!(e, LabEvent::TaskStarted { .. })
    }) {
        LabEvent::TaskStarted { pid, .. } => pid,
        _ => unreachable!(),
    };
    os::signal_process(victim, libc::SIGKILL).unwrap();
    let crash = match events.wait_for("the crash report", |e| {
        matches!(e, LabEvent::WorkerCrashed(_))
    }) {
        LabEvent::WorkerCrashed(crash) => crash,
        _ => unreachable!(),
    };
    assert_eq!(crash.pid, victim);
    assert_eq!(crash.exit, Exit::Signal(libc::SIGKILL));
    assert!(!crash.requeued.is_empty(), "{crash}");
    assert!(
        crash.to_string().contains("killed by signal 9 (SIGKILL)"),
        "{crash}"
    );
    let LabEvent::RunFinished(result) = events.end() else {
        panic!("the run failed: {:#?}", events.seen);
    };
    assert_eq!(result.crashes.len(), 1);
    assert_eq!(result.tasks_done.iter().sum::<usize>(), 24);
    assert!(result.answer >= 24 * 40);
    handle.wait();
}

#[test]
fn when_every_worker_dies_the_run_fails_with_their_pids() {
    let cfg = config(Workload::Sleep, 2, 100, 200);
    let (sink, mut events) = Events::new();
    let _handle = start(cfg, sink);
    events.wait_for("all ready", |e| matches!(e, LabEvent::AllReady { .. }));
    let pids = events.pids();
    for &pid in &pids {
        os::signal_process(pid, libc::SIGKILL).unwrap();
    }
    let LabEvent::RunFailed(err) = events.end() else {
        panic!("the run did not fail: {:#?}", events.seen);
    };
    assert!(matches!(err, LabError::NoWorkersLeft { .. }), "{err}");
    let text = err.to_string();
    for pid in pids {
        assert!(
            text.contains(&format!("pid {pid}) killed by signal 9")),
            "{text}"
        );
    }
}

#[test]
fn cancel_stops_and_reaps_every_worker() {
    let cfg = config(Workload::Sleep, 3, 1000, 500);
    let (sink, mut events) = Events::new();
    let handle = start(cfg, sink);
    events.wait_for("a task start", |e| {
        matches!(e, LabEvent::TaskStarted { .. })
    });
    let pids = events.pids();
    assert_eq!(pids.len(), 3);
    handle.cancel();
    // `cancel` returns once every worker is reaped: no timing needed.
    assert!(handle.is_finished());
    for &pid in &pids {
        // Reaped, not just dead: no zombie is left either.
        assert!(os::proc_entry(pid).is_none(), "worker {pid} still in /proc");
    }
    let LabEvent::RunFailed(LabError::Cancelled) = events.end() else {
        panic!("no cancel reported: {:#?}", events.seen);
    };
    let killed = events
        .seen
        .iter()
        .filter(|e| {
            matches!(
                e,
                LabEvent::WorkerExited {
                    exit: Exit::Signal(9),
                    ..
                }
            )
        })
        .count();
    assert_eq!(killed, 3);
}

#[test]
fn dropping_the_handle_cancels_too() {
    let cfg = config(Workload::Sleep, 2, 1000, 500);
    let (sink, mut events) = Events::new();
    let handle = start(cfg, sink);
    events.wait_for("all ready", |e| matches!(e, LabEvent::AllReady { .. }));
    let pids = events.pids();
    drop(handle);
    for pid in pids {
        assert!(os::proc_entry(pid).is_none(), "worker {pid} left behind");
    }
}

#[test]
fn the_deadline_stops_a_run_that_takes_too_long() {
    let cfg = LabConfig {
        deadline: Duration::from_millis(700),
        ..config(Workload::Sleep, 2, 10, 10_000)
    };
    let (result, events) = run_logged(&cfg);
    let err = result.unwrap_err();
    assert!(
        matches!(
            err,
            LabError::Deadline {
                done: 0,
                tasks: 10,
                ..
            }
        ),
        "{err}"
    );
    for event in events {
        if let LabEvent::WorkerSpawned { pid, .. } = event {
            assert!(os::proc_entry(pid).is_none());
        }
    }
}

/// Starts `forklab run` with `args`, waits until its `workers` workers
/// exist, and returns the child and their pids.
fn headless_master(args: &[&str], workers: usize) -> (std::process::Child, Vec<u32>) {
    let mut master = Command::new(exe())
        .args(["run", "--engine", "forklab", "--repeat", "1"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let pids = loop {
        let pids: Vec<u32> = os::family_of(master.id())
            .into_iter()
            .filter(|p| p.ppid == master.id() && p.cmdline.contains(" worker "))
            .map(|p| p.pid)
            .collect();
        if pids.len() == workers {
            break pids;
        }
        if start.elapsed() > DEADLINE {
            let _ = master.kill();
            let _ = master.wait();
            panic!("only {} of {workers} workers appeared", pids.len());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (master, pids)
}

fn master_death_leaves_no_worker(signal: i32, args: &[&str]) {
    let (mut master, pids) = headless_master(args, 3);
    os::signal_process(master.id(), signal).unwrap();
    let _ = master.wait();
    wait_until("the workers to die with their master", DEADLINE, || {
        pids.iter().all(|&pid| !alive(pid))
    });
}

#[test]
fn after_kill_9_of_the_master_no_worker_is_left() {
    let waiting = [
        "--workers",
        "3",
        "--tasks",
        "1000",
        "--workload",
        "sleep",
        "--task-size",
        "1000",
    ];
    master_death_leaves_no_worker(libc::SIGKILL, &waiting);
    // Busy workers too, in the middle of a long task.
    let busy = [
        "--workers",
        "3",
        "--tasks",
        "3",
        "--workload",
        "cpu",
        "--task-size",
        "1000000",
    ];
    master_death_leaves_no_worker(libc::SIGKILL, &busy);
}

#[test]
fn after_sigterm_of_the_master_no_worker_is_left() {
    let waiting = [
        "--workers",
        "3",
        "--tasks",
        "1000",
        "--workload",
        "sleep",
        "--task-size",
        "1000",
    ];
    master_death_leaves_no_worker(libc::SIGTERM, &waiting);
}

#[test]
fn a_worker_exits_when_its_stdin_ends() {
    let mut worker = Command::new(exe())
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(worker.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    assert_eq!(line, format!("ready {}\n", worker.id()));
    drop(worker.stdin.take());
    let mut status = None;
    wait_until("the worker to exit", DEADLINE, || {
        status = worker.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success());
}

fn forklab_run(args: &[&str]) -> std::process::Output {
    AssertCommand::new(exe())
        .arg("run")
        .args(args)
        .timeout(DEADLINE)
        .output()
        .unwrap()
}

#[test]
fn invalid_arguments_exit_with_status_2_and_say_why() {
    let too_many_cores = (forklab::os::usable_cores() + 1).to_string();
    for (args, needle) in [
        (vec!["--workers", "0"], "0 workers"),
        (vec!["--workers", "1,2000"], "1 to 1024"),
        (
            vec!["--workload", "gpu"],
            "possible values: cpu, sleep, amdahl",
        ),
        (vec!["--cpus", too_many_cores.as_str()], "choose from 1 to"),
        (vec!["--tasks", "0"], "0 tasks"),
        (vec!["--chunksize", "0"], "choose from 1"),
        (vec!["--task-size", "0"], "task size 0"),
        (vec!["--serial-fraction", "0.5"], "amdahl"),
        (
            vec!["--workload", "amdahl", "--serial-fraction", "1"],
            "serial fraction",
        ),
        (vec!["--json", "--csv"], "cannot be used with"),
    ] {
        let out = forklab_run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn run_prints_a_table_csv_or_json() {
    let base = [
        "--engine",
        "forklab",
        "--repeat",
        "1",
        "--workers",
        "1,2",
        "--tasks",
        "4",
        "--workload",
        "sleep",
        "--task-size",
        "1",
    ];
    let out = forklab_run(&base);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stderr is not a terminal here: no progress line.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("sleep workload: 4 tasks of 1 ms"),
        "{text}"
    );
    assert!(lines[1].starts_with("engine forklab"), "{text}");
    assert!(
        lines[2].contains("workers") && lines[2].contains("speedup"),
        "{text}"
    );
    assert!(
        lines[3].trim_start().starts_with("1") && lines[3].contains("1.00x"),
        "{text}"
    );
    assert!(lines[4].trim_start().starts_with("2"), "{text}");
    assert!(lines[5].contains("ms waited, verified"), "{text}");

    let csv = String::from_utf8(forklab_run(&[&base[..], &["--csv"]].concat()).stdout).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.starts_with("workers,wall_s,speedup"));

    let json = String::from_utf8(forklab_run(&[&base[..], &["--json"]].concat()).stdout).unwrap();
    assert!(
        json.contains("\"workload\": \"sleep\"") && json.contains("\"workers\": 2"),
        "{json}"
    );
}

#[test]
fn check_reports_bad_experiments_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("1-0-lab.md"),
        "+++\nid = \"lab\"\ntitle = \"Lab\"\npart = 1\norder = 0\n\n[[experiments]]\nid = \"x\"\ntitle = \"X\"\nworkload = \"cpu\"\ntasks = 0\n+++\nBody.\n",
    )
    .unwrap();
    let out = AssertCommand::new(exe())
        .arg("check")
        .arg(dir.path())
        .env("FORKLAB_HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "1-0-lab.md:11: experiment \"x\": `tasks` must be a whole number of at least 1"
        ),
        "{text}"
    );
}

#[test]
fn cpus_pins_every_worker_before_any_task() {
    let cfg = LabConfig {
        cpus: Some(1),
        ..config(Workload::Sleep, 2, 1000, 500)
    };
    let (sink, mut events) = Events::new();
    let handle = start(cfg, sink);
    events.wait_for("all ready", |e| matches!(e, LabEvent::AllReady { .. }));
    for pid in events.pids() {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        assert!(
            status.contains("Cpus_allowed_list:\t0\n"),
            "worker {pid}:\n{status}"
        );
    }
    handle.cancel();
}

#[test]
fn a_worker_whose_master_is_gone_exits_at_once() {
    let out = Command::new(exe())
        .arg("worker")
        .env(forklab::lab::engine::forklab::MASTER_PID_ENV, "1")
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

/// A fake worker: a shell script speaking (or breaking) the protocol.
/// Returned with its folder, which must outlive the run.
fn fake_worker(body: &str) -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fake-worker");
    std::fs::write(
        &path,
        format!("#!/bin/sh\n[ \"$1\" = probe ] && exit 0\necho \"ready $$\"\n{body}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Another test's fork may briefly hold the file open for writing
    // ("text file busy"): wait until it can run.
    wait_until("the script to be runnable", DEADLINE, || {
        Command::new(&path)
            .arg("probe")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    (dir, path)
}

fn run_fake(body: &str, workers: usize) -> LabError {
    let (_dir, path) = fake_worker(body);
    let cfg = LabConfig {
        worker_exe: path,
        ..config(Workload::Cpu, workers, 4, 100)
    };
    let (result, events) = run_logged(&cfg);
    for event in &events {
        if let LabEvent::WorkerSpawned { pid, .. } = event {
            assert!(
                os::proc_entry(*pid).is_none(),
                "fake worker {pid} left behind"
            );
        }
    }
    result.unwrap_err()
}

#[test]
fn a_wrong_answer_voids_the_run() {
    let err = run_fake(
        "while read -r word first rest; do echo \"start $first\"; echo \"done $first 999999\"; done",
        1,
    );
    assert!(
        matches!(
            err,
            LabError::WrongAnswer {
                task: 0,
                got: 999_999,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("no speedup"), "{err}");
}

#[test]
fn a_protocol_breach_or_a_worker_error_is_reported_not_hung_on() {
    let err = run_fake("read -r line; echo \"start 41\"; exec sleep 30", 1);
    assert!(err.to_string().contains("started task 41"), "{err}");
    let err = run_fake(
        "read -r line; echo \"error 0 disk on fire\"; exec sleep 30",
        1,
    );
    assert!(
        matches!(err, LabError::WorkerError { task: Some(0), .. }),
        "{err}"
    );
    assert!(err.to_string().contains("disk on fire"), "{err}");
}

#[test]
fn a_panicking_worker_is_reported_with_its_last_words() {
    let err = run_fake(
        "read -r line; echo \"thread 'main' panicked at boom\" >&2; exit 101",
        2,
    );
    let text = err.to_string();
    assert!(matches!(err, LabError::NoWorkersLeft { .. }), "{text}");
    assert!(
        text.contains("exited with status 101") && text.contains("panicked at boom"),
        "{text}"
    );
}

#[test]
fn the_forkserver_start_method_forks_verified_workers_and_cleans_up() {
    let exec = run(&config(Workload::Cpu, 3, 12, 500), |_| {}).unwrap();
    let forked_cfg = LabConfig {
        start_method: Some(forklab::python::StartMethod::Forkserver),
        ..config(Workload::Cpu, 3, 12, 500)
    };
    let (result, events) = run_logged(&forked_cfg);
    let result = result.unwrap();
    assert_eq!(result.answer, exec.answer);
    assert_eq!(result.method, "forkserver");
    assert_eq!(exec.method, "exec");
    let pids: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::WorkerExited {
                pid,
                exit: Exit::Code(0),
                ..
            } => Some(*pid),
            _ => None,
        })
        .collect();
    assert_eq!(pids.len(), 3, "{events:#?}");
    // The workers are the fork server's children, not the master's.
    for pid in &pids {
        assert!(os::proc_entry(*pid).is_none(), "worker {pid} left behind");
    }
    // A forked worker killed mid-run: its tasks are redone, the answer holds.
    let cfg = LabConfig {
        chunksize: 4,
        start_method: Some(forklab::python::StartMethod::Forkserver),
        ..config(Workload::Sleep, 2, 24, 40)
    };
    let (sink, mut events) = Events::new();
    let handle = start(cfg, sink);
    let LabEvent::TaskStarted { pid: victim, .. } = events.wait_for("a task start", |e| {
        matches!(e, LabEvent::TaskStarted { .. })
    }) else {
        unreachable!()
    };
    os::signal_process(victim, libc::SIGKILL).unwrap();
    let LabEvent::RunFinished(result) = events.end() else {
        panic!("the run failed: {:#?}", events.seen);
    };
    assert_eq!(result.crashes.len(), 1);
    assert_eq!(result.crashes[0].exit, Exit::Signal(libc::SIGKILL));
    assert_eq!(result.tasks_done.iter().sum::<usize>(), 24);
    handle.wait();
    // Cancel: every forked worker is killed and reaped.
    let cfg = LabConfig {
        start_method: Some(forklab::python::StartMethod::Forkserver),
        ..config(Workload::Sleep, 3, 1000, 500)
    };
    let (sink, mut events) = Events::new();
    let handle = start(cfg, sink);
    events.wait_for("a task start", |e| {
        matches!(e, LabEvent::TaskStarted { .. })
    });
    let pids = events.pids();
    handle.cancel();
    for &pid in &pids {
        assert!(os::proc_entry(pid).is_none(), "worker {pid} still in /proc");
    }
}
