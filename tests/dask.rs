//! The lab's dask engine for real: a scheduler and two workers started as
//! separate processes on 127.0.0.1, a LocalCluster the driver starts, and
//! the faults: a worker killed mid-run, the scheduler gone mid-sweep, an
//! address nobody answers, a Python without Dask, kill -9 of forklab.
//! Dask is required under CI (see `support/dask.rs`).

#[path = "support/dask.rs"]
mod dask;
#[path = "support/python.rs"]
mod python;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use forklab::lab::{self, Engine, LabConfig, LabError, LabEvent, RunResult, Workload};
use forklab::python::Interpreter;

fn config(python: &Interpreter, workload: Workload, scheduler: Option<&str>) -> LabConfig {
    LabConfig {
        workers: 2,
        tasks: 8,
        task_size: if workload == Workload::Sleep { 20 } else { 300 },
        engine: Engine::Dask,
        python: Some(Arc::new(python.clone())),
        worker_exe: dask::exe(),
        deadline: Duration::from_secs(120),
        scheduler: scheduler.map(|s| Arc::new(s.to_string())),
        ..LabConfig::new(workload)
    }
}

fn run_collecting(config: &LabConfig) -> (Result<RunResult, LabError>, Vec<LabEvent>) {
    let events = Mutex::new(Vec::new());
    let result = lab::run(config, |e| events.lock().unwrap().push(e));
    (result, events.into_inner().unwrap())
}

/// The forklab engine's answer to the same job: the one to agree with.
fn forklab_answer(config: &LabConfig) -> u64 {
    let config = LabConfig {
        engine: Engine::Forklab,
        python: None,
        scheduler: None,
        ..config.clone()
    };
    lab::run(&config, |_| {}).unwrap().answer
}

#[test]
fn a_sweep_on_a_scheduler_with_two_worker_processes_gives_the_forklab_answer() {
    let Some(python) = dask::dask_python_or_skip("dask engine on a scheduler") else {
        return;
    };
    let cluster = dask::Cluster::start(&python, 2);
    let workers = cluster.worker_pids();
    assert_eq!(workers.len(), 2, "{}", cluster.logs());
    for chunksize in [1, 3] {
        let base = LabConfig {
            chunksize,
            ..config(&python, Workload::Cpu, Some(&cluster.address))
        };
        let want = forklab_answer(&base);
        for n in [1, 2] {
            let config = base.with_workers(n);
            let (result, events) = run_collecting(&config);
            let result = result.unwrap_or_else(|e| panic!("{e}\n{}", cluster.logs()));
            assert_eq!(result.answer, want);
            assert_eq!(result.tasks_done.iter().sum::<usize>(), config.tasks);
            assert!(result.ran.contains("Dask"), "{}", result.ran);
            assert_eq!(result.method, format!("scheduler {}", cluster.address));
            // The run's workers are the cluster's worker processes.
            assert_eq!(result.pids.len(), n);
            for pid in &result.pids {
                assert!(workers.contains(pid), "{pid} not in {workers:?}");
            }
            let finished: Vec<usize> = events
                .iter()
                .filter_map(|e| match e {
                    LabEvent::TaskFinished { task, .. } => Some(*task),
                    _ => None,
                })
                .collect();
            let mut sorted = finished.clone();
            sorted.sort();
            assert_eq!(sorted, (0..config.tasks).collect::<Vec<_>>());
            assert!(matches!(events.first(), Some(LabEvent::RunStarted { .. })));
            assert!(matches!(events.last(), Some(LabEvent::RunFinished(_))));
        }
    }
    // The scheduler's view: both workers, on this host, one thread each.
    let config = LabConfig {
        workload: Workload::Sleep,
        task_size: 200,
        tasks: 8,
        ..config(&python, Workload::Sleep, Some(&cluster.address))
    };
    let (result, events) = run_collecting(&config);
    result.unwrap();
    let seen = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::Cluster(w) => Some(w),
            _ => None,
        })
        .next_back()
        .expect("cluster events during a run of 0.8 s");
    assert_eq!(seen.len(), 2, "{seen:?}");
    for w in seen {
        assert_eq!((w.host.as_str(), w.nthreads), ("127.0.0.1", 1), "{w:?}");
        assert!(w.address.starts_with("tcp://127.0.0.1:"), "{w:?}");
        assert!(w.used > 0, "{w:?}");
    }
}

#[test]
fn a_worker_killed_mid_run_is_shown_lost_and_dask_reruns_its_tasks() {
    let Some(python) = dask::dask_python_or_skip("dask engine worker killed") else {
        return;
    };
    let cluster = dask::Cluster::start(&python, 2);
    let config = LabConfig {
        tasks: 40,
        task_size: 100,
        ..config(&python, Workload::Sleep, Some(&cluster.address))
    };
    let killed = Mutex::new(None);
    let events = Mutex::new(Vec::new());
    let result = lab::run(&config, |e| {
        // After the first answer: kill the worker that gave it.
        if let LabEvent::TaskFinished { pid, .. } = &e {
            let mut k = killed.lock().unwrap();
            if k.is_none() {
                forklab::os::signal_process(*pid, libc::SIGKILL).unwrap();
                *k = Some(*pid);
            }
        }
        events.lock().unwrap().push(e);
    });
    let result = result.unwrap_or_else(|e| panic!("{e}\n{}", cluster.logs()));
    let victim = killed.lock().unwrap().expect("a task finished");
    // Every answer checked (each sleep at least its 100 ms), all 40
    // tasks, though a worker died.
    assert!(result.answer >= 40 * 100, "{}", result.answer);
    assert_eq!(result.tasks_done.iter().sum::<usize>(), config.tasks);
    assert_eq!(result.crashes.len(), 1, "{:?}", result.crashes);
    assert_eq!(result.crashes[0].pid, victim);
    let events = events.into_inner().unwrap();
    let crash = events
        .iter()
        .find_map(|e| match e {
            LabEvent::WorkerCrashed(c) => Some(c.to_string()),
            _ => None,
        })
        .expect("the loss is reported");
    assert!(
        crash.contains("the Dask scheduler lost worker tcp://127.0.0.1:"),
        "{crash}"
    );
    // The other worker (or the nanny's new one) did the rest.
    let after: Vec<u32> = events
        .iter()
        .skip_while(|e| !matches!(e, LabEvent::WorkerCrashed(_)))
        .filter_map(|e| match e {
            LabEvent::TaskFinished { pid, .. } => Some(*pid),
            _ => None,
        })
        .collect();
    assert!(!after.is_empty() && !after.contains(&victim), "{after:?}");
}

#[test]
fn the_scheduler_gone_mid_sweep_ends_it_with_a_message_and_a_partial_table() {
    let Some(python) = dask::dask_python_or_skip("dask engine scheduler gone") else {
        return;
    };
    let mut cluster = dask::Cluster::start(&python, 2);
    let mut forklab = Command::new(dask::exe())
        .args(["run", "--engine", "dask", "--scheduler", &cluster.address])
        .args(["--workers", "1,2", "--repeat", "1", "--workload", "sleep"])
        .args(["--tasks", "30", "--task-size", "100", "--json"])
        .env("FORKLAB_PYTHON", &python.path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The second run's driver (a new process) means the first run is done.
    let until = Instant::now() + Duration::from_secs(90);
    let mut first = None;
    loop {
        let drivers: Vec<u32> = forklab::os::family_of(forklab.id())
            .into_iter()
            .filter(|p| p.cmdline.contains("forklab_dask_driver.py"))
            .map(|p| p.pid)
            .collect();
        match (first, drivers.first()) {
            (None, Some(&d)) => first = Some(d),
            (Some(f), Some(&d)) if d != f => break,
            _ => {}
        }
        if Instant::now() > until {
            let _ = forklab.kill();
            panic!("no second run within 90 s\n{}", cluster.logs());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    cluster.kill_scheduler();
    let out = forklab.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect(&stdout);
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{stdout}");
    assert_eq!(runs[0]["workers"], 1, "{stdout}");
    let partial = doc["partial"].as_str().expect(&stdout);
    assert!(partial.contains("scheduler"), "{partial}");
    assert!(stderr.contains("the results above are partial"), "{stderr}");
}

#[test]
fn a_scheduler_nobody_answers_is_named_in_the_message() {
    let Some(python) = dask::dask_python_or_skip("dask engine unreachable") else {
        return;
    };
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("tcp://127.0.0.1:{port}");
    let (result, events) = run_collecting(&config(&python, Workload::Cpu, Some(&address)));
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains(&format!(
            "cannot reach the Dask scheduler at {address} within 3 s"
        )),
        "{message}"
    );
    assert!(matches!(events.last(), Some(LabEvent::RunFailed(_))));
}

#[test]
fn without_dask_the_engine_says_how_to_install_it_and_the_others_still_run() {
    let Some(python) = python::python_or_skip("dask engine without Dask") else {
        return;
    };
    // The same Python, with a `dask` that cannot be imported first on its path.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dask")).unwrap();
    std::fs::write(
        dir.path().join("dask/__init__.py"),
        "raise ImportError(\"No module named 'dask'\")\n",
    )
    .unwrap();
    let wrapper = dir.path().join("python3");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nPYTHONPATH={} exec {} \"$@\"\n",
            dir.path().display(),
            python.path.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hidden = Interpreter {
        path: wrapper,
        ..python.clone()
    };
    assert!(!forklab::lab::engine::dask::has_dask(&hidden));
    let (result, _) = run_collecting(&config(&hidden, Workload::Cpu, None));
    let message = result.unwrap_err().to_string();
    assert!(message.contains("the dask engine needs Dask"), "{message}");
    assert!(
        message.contains("pip install 'dask[distributed]'"),
        "{message}"
    );
    // The python and forklab engines do not care.
    for engine in [Engine::Python, Engine::Forklab] {
        let c = LabConfig {
            engine,
            python: (engine == Engine::Python).then(|| Arc::new(python.clone())),
            ..config(&hidden, Workload::Cpu, None)
        };
        let r = lab::run(&c, |_| {}).unwrap_or_else(|e| panic!("{engine}: {e}"));
        assert_eq!(r.tasks_done.iter().sum::<usize>(), c.tasks);
    }
}

#[test]
fn a_local_cluster_runs_and_kill_9_of_forklab_leaves_nothing() {
    let Some(python) = dask::dask_python_or_skip("dask engine LocalCluster") else {
        return;
    };
    // A whole run: the cluster is started, used and closed.
    let config = config(&python, Workload::Cpu, None);
    let (result, events) = run_collecting(&config);
    let result = result.unwrap();
    assert_eq!(result.answer, forklab_answer(&config));
    assert_eq!(result.method, "LocalCluster");
    let pids: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            LabEvent::WorkerSpawned { pid, .. } => Some(*pid),
            _ => None,
        })
        .collect();
    assert_eq!(pids.len(), 2);
    let left = python::wait_all_gone(&pids, Duration::from_secs(10));
    assert!(left.is_empty(), "LocalCluster workers left: {left:?}");

    // forklab killed mid-run: the guard takes the driver and the cluster.
    let mut master = Command::new(dask::exe())
        .args(["run", "--engine", "dask", "--repeat", "1", "--workers", "2"])
        .args([
            "--tasks",
            "100",
            "--workload",
            "sleep",
            "--task-size",
            "1000",
        ])
        .env("FORKLAB_PYTHON", &python.path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    let family = loop {
        let family = forklab::os::family_of(master.id());
        let workers = family
            .iter()
            .filter(|p| p.cmdline.contains("spawn_main"))
            .count();
        if workers >= 2 {
            break family
                .into_iter()
                .map(|p| p.pid)
                .filter(|&p| p != master.id())
                .collect::<Vec<u32>>();
        }
        if Instant::now() > until {
            let _ = master.kill();
            let _ = master.wait();
            panic!("the LocalCluster's workers did not appear: {family:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    forklab::os::signal_process(master.id(), libc::SIGKILL).unwrap();
    let _ = master.wait();
    let left = python::wait_all_gone(&family, Duration::from_secs(10));
    assert!(left.is_empty(), "left running after kill -9: {left:?}");
}

#[test]
fn forklab_run_checks_the_scheduler_argument_before_any_run() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--scheduler", "tcp://127.0.0.1:8786"],
            "--scheduler is for the dask engine",
        ),
        (
            &["--engine", "dask", "--scheduler", "node7"],
            "tcp://HOST:PORT",
        ),
        (
            &["--engine", "dask", "--scheduler", "http://h:1"],
            "tcp://HOST:PORT",
        ),
    ];
    for (args, needle) in cases {
        let out = Command::new(dask::exe())
            .arg("run")
            .args(args)
            .args(["--workers", "1", "--tasks", "2", "--task-size", "10"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
