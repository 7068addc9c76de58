//! Unit tests of the forklab engine's parts and the config's checks; real
//! runs are in tests/lab.rs.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Mutex;
use std::time::Duration;

use super::master::take_chunk;
use crate::lab::verify::serial_ranges;
use crate::lab::workload::{Workload, task_range};
use crate::lab::{Crash, Exit, LabConfig, LabError, LabEvent, MAX_WORKERS, run};
use crate::os::usable_cores;

#[test]
fn chunks_come_from_the_front_and_requeued_tasks_go_first() {
    let mut queue: VecDeque<Range<usize>> = std::iter::once(0..10).collect();
    assert_eq!(take_chunk(&mut queue, 4), Some(0..4));
    assert_eq!(take_chunk(&mut queue, 4), Some(4..8));
    queue.push_front(2..4);
    assert_eq!(take_chunk(&mut queue, 4), Some(2..4));
    assert_eq!(take_chunk(&mut queue, 4), Some(8..10));
    assert_eq!(take_chunk(&mut queue, 4), None);
    let mut queue = VecDeque::from([3..3, 5..6]);
    assert_eq!(take_chunk(&mut queue, 1), Some(5..6));
}

#[test]
fn configs_are_checked_with_clear_messages() {
    let ok = LabConfig::new(Workload::Cpu);
    assert_eq!(ok.validate(), Ok(()));
    let msg = |c: LabConfig| c.validate().unwrap_err().to_string();
    // The engine's own checks are part of `validate`.
    assert!(
        msg(LabConfig {
            start_method: Some(crate::python::StartMethod::Fork),
            ..ok.clone()
        })
        .contains("no start method fork")
    );
    assert!(msg(ok.with_workers(0)).contains("0 workers"));
    assert!(msg(ok.with_workers(MAX_WORKERS + 1)).contains("1 to 1024"));
    assert!(
        msg(LabConfig {
            tasks: 0,
            ..ok.clone()
        })
        .contains("0 tasks")
    );
    assert!(
        msg(LabConfig {
            chunksize: 0,
            ..ok.clone()
        })
        .contains("chunk")
    );
    assert!(
        msg(LabConfig {
            task_size: 0,
            ..ok.clone()
        })
        .contains("task size 0")
    );
    let too_many = usable_cores() + 1;
    assert!(
        msg(LabConfig {
            cpus: Some(too_many),
            ..ok.clone()
        })
        .contains("--cpus")
    );
    assert!(
        msg(LabConfig {
            cpus: Some(0),
            ..ok.clone()
        })
        .contains("--cpus 0")
    );
    let amdahl = LabConfig::new(Workload::Amdahl {
        serial_fraction: 1.0,
    });
    assert!(msg(amdahl).contains("serial fraction"));
}

#[test]
fn exits_and_crashes_read_well() {
    let crash = Crash {
        worker: 1,
        pid: 42,
        exit: Exit::Signal(crate::os::process::SIGSEGV),
        at: Duration::ZERO,
        requeued: 4..7,
        before_ready: false,
        stderr: "thread 'main' panicked\nboom\n\n".into(),
    };
    assert_eq!(
        crash.to_string(),
        "worker 2 (pid 42) killed by signal 11 (SIGSEGV); 3 tasks (4..7) re-queued: boom"
    );
    let err = LabError::NoWorkersLeft {
        tasks_left: 3,
        tasks: 8,
        crashes: vec![crash],
    };
    assert!(
        err.to_string()
            .starts_with("no worker left, with 3 of 8 tasks unfinished\n  worker 2 (pid 42)")
    );
}

#[test]
fn serial_ranges_follow_the_tasks_and_split_in_two() {
    let config = LabConfig {
        tasks: 4,
        task_size: 10,
        ..LabConfig::new(Workload::Amdahl {
            serial_fraction: 0.5,
        })
    };
    let [before, after] = serial_ranges(&config);
    assert_eq!(before.start, task_range(10, 3).end);
    assert_eq!(before.end, after.start);
    assert_eq!(after.end - before.start, 40);
    let [none, none2] = serial_ranges(&LabConfig::new(Workload::Cpu));
    assert!(none.is_empty() && none2.is_empty());
}

#[test]
fn a_missing_worker_binary_is_a_clear_error_not_a_hang() {
    // glibc's posix_spawn hands an exec error back through memory it
    // shares with the child (CLONE_VM); qemu-user forks instead, so the
    // error is lost and the worker seems to start, then exits with 127.
    if crate::os::skip_under_emulator(
        "a_missing_worker_binary_is_a_clear_error_not_a_hang",
        "it loses posix_spawn's exec error (the worker exits 127 instead)",
    ) {
        return;
    }
    let config = LabConfig {
        worker_exe: "/nonexistent/forklab".into(),
        tasks: 2,
        task_size: 10,
        ..LabConfig::new(Workload::Cpu)
    };
    let events = Mutex::new(Vec::new());
    let err = run(&config, |e| events.lock().unwrap().push(e)).unwrap_err();
    assert!(
        err.to_string()
            .contains("cannot start the worker /nonexistent/forklab"),
        "{err}"
    );
    let events = events.into_inner().unwrap();
    assert!(matches!(events.first(), Some(LabEvent::RunStarted { .. })));
    assert!(matches!(
        events.last(),
        Some(LabEvent::RunFailed(LabError::Spawn { .. }))
    ));
}

#[test]
fn a_program_that_is_not_a_worker_is_named_in_the_error() {
    for (exe, needle) in [
        ("/bin/false", "exited with status 1 before it was ready"),
        ("/bin/echo", "is /bin/echo a forklab binary?"),
    ] {
        let config = LabConfig {
            worker_exe: exe.into(),
            workers: 2,
            tasks: 2,
            task_size: 10,
            deadline: Duration::from_secs(20),
            ..LabConfig::new(Workload::Cpu)
        };
        let err = run(&config, |_| {}).unwrap_err();
        assert!(err.to_string().contains(needle), "{exe}: {err}");
    }
}
