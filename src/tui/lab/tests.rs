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
    // The row's "crashed" is decided on the kind of ending.
    assert_eq!(
        lab.workers[0].ended,
        Some(WorkerEnd::Crashed(crate::lab::Exit::Signal(9)))
    );
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
fn settings_stay_in_bounds_and_keep_earlier_results() {
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
    assert_eq!(lab.measured.len(), 1, "another variant's results stay");
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
    lab.open_for(lesson, 0);
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

/// One finished run of `config` with `workers`, as its own batch.
fn finish(lab: &mut LabView, config: &LabConfig, workers: usize, wall_ms: u64) {
    lab.starting(false);
    lab.apply(LabEvent::RunStarted {
        config: config.with_workers(workers),
        started: Instant::now(),
    });
    lab.apply(LabEvent::RunFinished(Box::new(RunResult {
        config: config.with_workers(workers),
        ..result(workers, wall_ms)
    })));
}

#[test]
fn a_changed_chunk_keeps_the_earlier_chunks_rows_beside_its_own() {
    let mut lab = LabView::new(4);
    lab.config.repeat = 1;
    lab.config.tasks = 8192;
    let chunk1 = lab.config.clone();
    finish(&mut lab, &chunk1, 1, 1000);
    finish(&mut lab, &chunk1, 2, 800);
    for _ in 0..10 {
        lab.scale_chunk(true);
    }
    assert_eq!(lab.config.chunksize, 1024);
    let chunk1024 = lab.config.clone();
    finish(&mut lab, &chunk1024, 1, 600);
    finish(&mut lab, &chunk1024, 2, 300);
    let tables = lab.tables();
    let labels: Vec<&str> = tables.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["chunk 1", "chunk 1024"]);
    // Each variant's speedup is against its own one-worker point.
    assert_eq!(tables[0].rows[1].speedup, Some(1000.0 / 800.0));
    assert_eq!(tables[1].rows[1].speedup, Some(2.0));
    assert_eq!(lab.rows().len(), 4);
}

#[test]
fn switching_engine_keeps_the_other_engines_results() {
    let mut lab = LabView::new(4);
    lab.config.repeat = 1;
    let pool = lab.config.clone();
    finish(&mut lab, &pool, 1, 2000);
    while lab.config.engine != Engine::Forklab {
        lab.cycle_engine();
    }
    let own = LabConfig {
        task_size: 90_000,
        ..lab.config.clone()
    };
    finish(&mut lab, &own, 1, 1500);
    finish(&mut lab, &own, 2, 800);
    let tables = lab.tables();
    assert_eq!(tables.len(), 2, "{tables:?}");
    assert!(tables[0].label.starts_with("Pool"), "{}", tables[0].label);
    assert!(
        tables[1].label.starts_with("forklab"),
        "{}",
        tables[1].label
    );
}

#[test]
fn repeats_count_per_variant_and_a_new_batch_replaces_only_its_own_point() {
    let mut lab = LabView::new(4);
    lab.config.repeat = 3;
    let a = lab.config.clone();
    lab.starting(false);
    for wall in [1200, 1000, 1100] {
        lab.apply(LabEvent::RunStarted {
            config: a.with_workers(1),
            started: Instant::now(),
        });
        lab.apply(LabEvent::RunFinished(Box::new(RunResult {
            config: a.with_workers(1),
            ..result(1, wall)
        })));
    }
    let b = LabConfig {
        chunksize: 4,
        ..a.clone()
    };
    finish(&mut lab, &b, 1, 900);
    assert_eq!(lab.tables()[0].rows[0].wall, Duration::from_millis(1000));
    assert_eq!(lab.tables()[0].rows[0].runs, 3, "best of 3 kept");
    // chunk 4 again: its own earlier run gives way, chunk 1's stay.
    finish(&mut lab, &b, 1, 950);
    let tables = lab.tables();
    assert_eq!(tables[0].rows[0].runs, 3);
    assert_eq!(tables[1].rows[0].wall, Duration::from_millis(950));
}

#[test]
fn variants_are_budgeted_the_oldest_giving_way() {
    let mut lab = LabView::new(4);
    lab.config.repeat = 1;
    let extra = 3;
    for chunk in 0..variants::MAX_VARIANTS + extra {
        let config = LabConfig {
            chunksize: 1 << chunk,
            tasks: 8192,
            ..lab.config.clone()
        };
        finish(&mut lab, &config, 1, 1000);
        finish(&mut lab, &config, 2, 500);
    }
    let tables = lab.tables();
    assert_eq!(tables.len(), variants::MAX_VARIANTS);
    assert_eq!(lab.dropped, extra);
    assert_eq!(lab.measured.len(), 2 * variants::MAX_VARIANTS);
    // The newest stay.
    assert_eq!(
        tables.last().unwrap().variant.chunksize,
        1 << (variants::MAX_VARIANTS + extra - 1)
    );
}

#[test]
fn each_declared_experiment_opens_and_another_starts_a_fresh_table() {
    let set = crate::lesson::LessonSet::embedded();
    let lesson = set
        .lessons
        .iter()
        .find(|l| l.meta.experiments.len() > 1)
        .expect("a lesson declares two experiments");
    let mut lab = LabView::new(4);
    lab.open_for(lesson, 0);
    assert_eq!(lab.experiment_of(lesson), Some(0));
    let first = LabConfig {
        repeat: 1,
        ..lab.config.clone()
    };
    finish(&mut lab, &first, 1, 1000);
    assert!(!lab.running);
    lab.open_for(lesson, 1);
    assert_eq!(lab.experiment_of(lesson), Some(1));
    let (_, e) = lab.experiment.as_ref().unwrap();
    assert_eq!(lab.config.chunksize, e.chunksize);
    assert!(lab.measured.is_empty(), "another experiment, a fresh table");
    assert_eq!(lab.dropped, 0);
}
