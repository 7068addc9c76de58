//! The python engine's threads API: `ThreadPool` and `ThreadPoolExecutor`
//! run the lab's tasks on threads of the driver's one process, give the
//! same answers as processes, and say which GIL ran them.

#[path = "support/python.rs"]
mod python;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use forklab::lab::{self, Engine, LabConfig, LabError, LabEvent, PoolApi, Workload};
use forklab::python::{Interpreter, StartMethod};

fn config(python: &Interpreter, workload: Workload, api: PoolApi) -> LabConfig {
    LabConfig {
        workers: 2,
        tasks: 8,
        // Sleep tasks long enough that the threads are still there when
        // their ids arrive (the test reads /proc for each).
        task_size: if workload == Workload::Sleep {
            250
        } else {
            300
        },
        engine: Engine::Python,
        api,
        python: Some(std::sync::Arc::new(python.clone())),
        worker_exe: PathBuf::from(env!("CARGO_BIN_EXE_forklab")),
        deadline: Duration::from_secs(120),
        ..LabConfig::new(workload)
    }
}

/// `Tgid:` of a task in /proc: the process a thread id belongs to.
fn process_of(tid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn thread_pools_run_the_tasks_on_threads_of_one_process() {
    let Some(python) = python::python_or_skip("the threads API") else {
        return;
    };
    let processes = lab::run(&config(&python, Workload::Cpu, PoolApi::Pool), |_| {}).unwrap();
    for api in [PoolApi::ThreadPool, PoolApi::ThreadExecutor] {
        for workload in [Workload::Cpu, Workload::Sleep] {
            let config = config(&python, workload, api);
            // Each worker id, and the process it was a thread of when the
            // id arrived (the pool's threads live until the run ends).
            let seen = Mutex::new(Vec::new());
            let result = lab::run(&config, |e| {
                if let LabEvent::WorkerSpawned { pid, .. } = e {
                    seen.lock().unwrap().push((pid, process_of(pid)));
                }
            })
            .unwrap_or_else(|e| panic!("{api:?} {workload:?}: {e}"));
            let seen = seen.into_inner().unwrap();
            assert_eq!(seen.len(), 2, "{api:?}: {seen:?}");
            let owners: BTreeSet<Option<u32>> = seen.iter().map(|(_, p)| *p).collect();
            assert_eq!(owners.len(), 1, "{api:?}: two processes: {seen:?}");
            let owner = owners.into_iter().next().flatten();
            let owner = owner.unwrap_or_else(|| panic!("{api:?}: a thread gone early: {seen:?}"));
            for (tid, _) in &seen {
                assert_ne!(*tid, owner, "{api:?}: a worker is the process itself");
            }
            assert_eq!(result.method, "threads");
            assert!(
                result
                    .ran
                    .contains(&format!("{}, {}", api.class(), python.gil.describe())),
                "{}",
                result.ran
            );
            assert_eq!(result.tasks_done.iter().sum::<usize>(), 8);
            if workload == Workload::Cpu {
                assert_eq!(result.answer, processes.answer, "{api:?}");
            }
        }
    }
}

#[test]
fn threads_take_no_start_method() {
    let Some(python) = python::python_or_skip("the threads API") else {
        return;
    };
    let config = LabConfig {
        start_method: Some(StartMethod::Spawn),
        ..config(&python, Workload::Cpu, PoolApi::ThreadPool)
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let result: Result<_, LabError> = lab::run(&config, move |e| {
        let _ = tx.send(e);
    });
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("ThreadPool starts no processes"),
        "{message}"
    );
    // Refused before anything started.
    assert!(
        !rx.try_iter()
            .any(|e| matches!(e, LabEvent::WorkerSpawned { .. })),
    );
}
