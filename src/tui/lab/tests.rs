//! The lab screen's model, driven by events as a run sends them.

use super::*;
use crate::lab::LabEvent;
use std::time::Instant;

fn result(workers: usize, wall_ms: u64) -> RunResult {
    RunResult {
        config: LabConfig {
            workers,
            ..LabConfig::new(Workload::Cpu)
        },
        startup: Duration::from_millis(3),
        wall: Duration::from_millis(wall_ms),
        serial: Duration::ZERO,
        answer: 100,
        pids: vec![1; workers],
        tasks_done: vec![1; workers],
        crashes: Vec::new(),
        ..RunResult::default()
    }
}

#[test]
fn a_crashed_workers_bar_stops_where_it_died() {
    let mut lab = LabView::new(4);
    lab.apply(LabEvent::RunStarted {
        config: lab.config.clone(),
        started: Instant::now(),
    });
    lab.apply(LabEvent::WorkerSpawned {
        worker: 0,
        pid: 42,
        at: Duration::ZERO,
    });
    lab.apply(LabEvent::TaskStarted {
        worker: 0,
        pid: 42,
        task: 3,
        at: Duration::from_millis(10),
    });
    lab.apply(LabEvent::WorkerCrashed(crate::lab::Crash {
        worker: 0,
        pid: 42,
        exit: crate::lab::Exit::Signal(9),
        at: Duration::from_millis(50),
        requeued: 3..4,
        before_ready: false,
        stderr: String::new(),
    }));
    assert_eq!(lab.bars[0].end, Some(Duration::from_millis(50)));
    assert_eq!(lab.workers[0].task, None);
    assert!(
        lab.message
            .as_deref()
            .unwrap()
            .starts_with("worker 1 (pid 42) killed")
    );
}

#[test]
fn a_guess_in_a_sweep_goes_to_the_run_it_was_made_for() {
    let mut lab = LabView::new(4);
    lab.config.workers = 2;
    lab.guess = "0,4".into();
    lab.starting(true);
    for workers in [1, 2, 4] {
        lab.apply(LabEvent::RunFinished(Box::new(result(
            workers,
            900 / workers as u64,
        ))));
    }
    let guesses: Vec<_> = lab.measured.iter().map(|m| m.guess).collect();
    assert_eq!(guesses, [None, Some(0.4), None]);
}

#[test]
fn events_build_rows_bars_and_results() {
    let mut lab = LabView::new(4);
    lab.config.workers = 2;
    lab.config.repeat = 1;
    lab.guess = "1.5".into();
    lab.starting(false);
    assert!(lab.guess.is_empty(), "the box empties for the next guess");
    lab.apply(LabEvent::RunStarted {
        config: LabConfig {
            workers: 2,
            ..lab.config.clone()
        },
        started: Instant::now(),
    });
    lab.apply(LabEvent::WorkerSpawned {
        worker: 1,
        pid: 42,
        at: Duration::from_millis(1),
    });
    lab.apply(LabEvent::TaskStarted {
        worker: 1,
        pid: 42,
        task: 7,
        at: Duration::from_millis(5),
    });
    assert_eq!(lab.workers[1].task, Some(7));
    lab.apply(LabEvent::TaskFinished {
        worker: 1,
        pid: 42,
        task: 7,
        value: 3,
        at: Duration::from_millis(9),
    });
    assert_eq!(lab.workers[1].done, 1);
    assert_eq!(lab.bars[0].end, Some(Duration::from_millis(9)));
    lab.apply(LabEvent::RunFinished(Box::new(result(2, 900))));
    assert!(!lab.running);
    assert_eq!(lab.measured[0].guess, Some(1.5));
    lab.apply(LabEvent::RunFinished(Box::new(result(1, 1800))));
    let rows = lab.rows();
    assert_eq!(rows[0].workers, 1);
    assert!((rows[1].speedup.unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn repeated_runs_of_a_point_stay_together_until_the_next_run() {
    let mut lab = LabView::new(2);
    lab.starting(false);
    for (i, wall) in [1000, 900, 950].into_iter().enumerate() {
        lab.apply(LabEvent::RunStarted {
            config: LabConfig {
                repeat: 3,
                ..result(1, wall).config
            },
            started: Instant::now(),
        });
        assert!(lab.running);
        lab.apply(LabEvent::RunFinished(Box::new(result(1, wall))));
        // Running until the point's last repeat is in.
        assert_eq!(lab.running, i < 2, "after run {}", i + 1);
        assert_eq!(lab.point_done(1), i == 2);
    }
    assert_eq!(lab.measured.len(), 3);
    let rows = lab.rows();
    assert_eq!(
        (rows[0].wall, rows[0].runs),
        (Duration::from_millis(900), 3)
    );
    // A new run of the same workers replaces them; other counts stay.
    lab.starting(false);
    lab.apply(LabEvent::RunFinished(Box::new(result(2, 500))));
    lab.starting(false);
    lab.apply(LabEvent::RunFinished(Box::new(result(1, 990))));
    assert_eq!(lab.measured.len(), 2);
    assert_eq!(lab.rows()[0].wall, Duration::from_millis(990));
}

#[test]
fn engine_start_method_and_repeats_cycle() {
    let mut lab = LabView::new(2);
    assert_eq!((lab.config.engine, lab.config.repeat), (Engine::Python, 3));
    lab.cycle_start_method();
    assert_eq!(
        lab.config.start_method,
        Some(crate::python::StartMethod::Fork)
    );
    lab.cycle_engine();
    assert_eq!(lab.config.api, PoolApi::Executor);
    assert_eq!(
        lab.config.start_method,
        Some(crate::python::StartMethod::Fork)
    );
    // Threads start no processes: no start method, and m offers none.
    lab.cycle_engine();
    assert_eq!(
        (lab.config.api, lab.config.start_method),
        (PoolApi::ThreadPool, None)
    );
    lab.cycle_start_method();
    assert_eq!(lab.config.start_method, None);
    lab.cycle_engine();
    assert_eq!(lab.config.api, PoolApi::ThreadExecutor);
    lab.cycle_engine();
    assert_eq!(
        (lab.config.engine, lab.config.start_method),
        (Engine::Forklab, None)
    );
    lab.cycle_start_method();
    lab.cycle_start_method();
    assert_eq!(
        lab.config.start_method,
        Some(crate::python::StartMethod::Forkserver)
    );
    lab.cycle_start_method();
    assert_eq!(lab.config.start_method, None);
    lab.cycle_engine();
    assert_eq!(lab.config.engine, Engine::Dask);
    lab.cycle_engine();
    assert_eq!(
        (lab.config.engine, lab.config.api),
        (Engine::Python, PoolApi::Pool)
    );
    lab.cycle_repeat();
    assert_eq!(lab.config.repeat, 5);
}

#[test]
fn settings_stay_in_bounds_and_reset_results() {
    let mut lab = LabView::new(4);
    lab.set_workers(0);
    assert_eq!(lab.config.workers, 1);
    lab.set_workers(100_000);
    assert_eq!(lab.config.workers, max_workers(lab.cores));
    lab.measured.push(Measured {
        result: result(1, 10),
        guess: None,
        batch: 0,
    });
    lab.scale_tasks(true);
    assert_eq!(lab.config.tasks, 128);
    lab.config.tasks = 8192;
    lab.scale_tasks(true);
    assert_eq!(lab.config.tasks, 16_384, "doubling never shrinks");
    assert!(lab.measured.is_empty());
    lab.cycle_workload();
    assert_eq!(lab.config.workload, Workload::Sleep);
    for _ in 0..20 {
        lab.scale_chunk(true);
    }
    assert_eq!(lab.config.chunksize, lab.config.tasks);
}

#[test]
fn an_experiments_fixed_task_size_survives_every_engine() {
    let lessons = crate::lesson::LessonSet::embedded();
    let lesson = lessons
        .lessons
        .iter()
        .find(|l| l.meta.id == "async-maps")
        .expect("lesson 2-5");
    let mut lab = LabView::new(4);
    lab.open_for(lesson);
    let fixed = lab.config.clone();
    assert!(!fixed.calibrate, "the chunk experiment fixes its tasks");
    // A run settles the settings (as the lab thread sends them back).
    lab.starting(false);
    lab.apply(LabEvent::RunStarted {
        config: fixed.clone(),
        started: Instant::now(),
    });
    // Twice round: four Python APIs, forklab, Dask.
    for _ in 0..12 {
        lab.cycle_engine();
        assert!(!lab.config.calibrate, "{:?}", lab.config.engine);
        assert_eq!(lab.config.task_size, fixed.task_size);
    }
    assert_eq!(
        (lab.config.engine, lab.config.api),
        (Engine::Python, PoolApi::Pool)
    );
    // Settings of the learner's own are sized by measurement.
    lab.cycle_workload();
    lab.cycle_engine();
    assert!(lab.config.calibrate);
}
