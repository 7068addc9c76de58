//! The lab's experiments list and its variants side by side: what a
//! class sees after choosing an experiment and changing its settings.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::{Action, State, screen, update};
use crate::lab::{Engine, LabConfig, LabEvent, RunResult, Workload};
use crate::progress::Progress;
use crate::tui::action as msg;
use crate::tui::keymap::action_for;
use crate::tui::state::{Mode, Overlay};
use std::time::Duration;

/// forklab on the embedded course, at the first lesson declaring two
/// experiments (lesson 2-5's chunk experiments).
fn at_two_experiments(width: u16, height: u16) -> State {
    let set = crate::lesson::LessonSet::embedded();
    let at = set
        .lessons
        .iter()
        .position(|l| l.meta.experiments.len() > 1)
        .expect("a lesson declares two experiments");
    let mut s = State::with_cores(set, Progress::default(), Rect::new(0, 0, width, height), 2);
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    go_to(&mut s, at);
    s
}

/// The lesson `at`, chosen in the table of contents.
fn go_to(s: &mut State, at: usize) {
    s.overlay = Overlay::Contents { selected: at };
    update(s, Action::Overlay(msg::overlay::Msg::Confirm));
    assert_eq!(s.current, at);
}

/// A key pressed, through the one key table.
fn press(s: &mut State, code: KeyCode) {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(action) = action_for(&s.places(), &event) {
        update(s, action);
    }
}

#[test]
fn l_lists_the_lessons_experiments_and_each_opens() {
    let mut s = at_two_experiments(80, 24);
    press(&mut s, KeyCode::Char('L'));
    assert_eq!(s.overlay, Overlay::Experiments { selected: 0 });
    assert_eq!(s.mode, Mode::Lesson);
    let f = format!("{:?}", screen(&s).backend());
    assert!(f.contains("1  Many small tasks"), "{f}");
    assert!(f.contains("2  The same tasks in chunks of 2048"), "{f}");
    snap!("lab_experiments_list_80x24", screen(&s).backend());
    // A digit opens that one.
    press(&mut s, KeyCode::Char('2'));
    assert_eq!(s.overlay, Overlay::None);
    assert_eq!(s.mode, Mode::Lab);
    assert_eq!(s.lab.experiment.as_ref().unwrap().1.id, "big-chunks");
    assert_eq!(s.lab.config.chunksize, 2048);
    // Back to the lesson, L again: the list opens at the one set up.
    press(&mut s, KeyCode::Char('L'));
    press(&mut s, KeyCode::Char('L'));
    assert_eq!(s.overlay, Overlay::Experiments { selected: 1 });
    // j k and Enter, as in every list.
    press(&mut s, KeyCode::Char('k'));
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.mode, Mode::Lab);
    assert_eq!(s.lab.experiment.as_ref().unwrap().1.id, "tiny-chunks");
    assert_eq!(s.lab.config.chunksize, 1);
    // Esc closes the list and leaves the lab as it was.
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('L'));
    press(&mut s, KeyCode::Esc);
    assert_eq!((s.overlay.clone(), s.mode), (Overlay::None, Mode::Lesson));
}

#[test]
fn another_experiment_waits_for_the_run_to_stop_and_says_so() {
    let mut s = at_two_experiments(80, 24);
    press(&mut s, KeyCode::Char('L'));
    press(&mut s, KeyCode::Char('1'));
    s.lab.running = true;
    press(&mut s, KeyCode::Char('L'));
    press(&mut s, KeyCode::Char('L'));
    press(&mut s, KeyCode::Char('2'));
    assert_eq!(s.lab.experiment.as_ref().unwrap().1.id, "tiny-chunks");
    let notice = s.notice.clone().unwrap_or_default();
    assert!(notice.contains("stops it"), "{notice}");
}

#[test]
fn a_lesson_with_one_experiment_opens_it_at_once() {
    let mut s = at_two_experiments(80, 24);
    let one = s
        .lessons
        .lessons
        .iter()
        .position(|l| l.meta.experiments.len() == 1)
        .unwrap();
    go_to(&mut s, one);
    press(&mut s, KeyCode::Char('L'));
    assert_eq!(s.overlay, Overlay::None);
    assert_eq!(s.mode, Mode::Lab);
}

#[test]
fn the_labs_help_says_what_a_star_means() {
    let mut s = at_two_experiments(120, 40);
    press(&mut s, KeyCode::Char('L'));
    press(&mut s, KeyCode::Char('1'));
    press(&mut s, KeyCode::Char('?'));
    let f = format!("{:?}", screen(&s).backend());
    assert!(f.contains("* = machine was busy"), "{f}");
}

/// A result of `config` with `workers`, on a busy machine when `busy`.
fn finished(s: &mut State, config: &LabConfig, workers: usize, wall_ms: u64, busy: bool) {
    let config = config.with_workers(workers);
    update(s, Action::Lab(msg::lab::Msg::Run));
    for event in [
        LabEvent::RunStarted {
            config: config.clone(),
            started: std::time::Instant::now(),
        },
        LabEvent::RunFinished(Box::new(RunResult {
            config,
            startup: Duration::from_millis(9),
            wall: Duration::from_millis(wall_ms),
            answer: 1,
            pids: vec![7; workers],
            tasks_done: vec![1; workers],
            outside_load: Some(if busy { 0.9 } else { 0.0 }),
            ..RunResult::default()
        })),
    ] {
        update(s, Action::Lab(msg::lab::Msg::Event(Box::new(event))));
    }
}

/// Lesson 2-5's first experiment run with chunk 1, then chunk 1024 (keys
/// `}`), then forklab's own workers (`E`): every variant kept.
fn three_variants(width: u16, height: u16) -> State {
    let mut s = at_two_experiments(width, height);
    press(&mut s, KeyCode::Char('L'));
    press(&mut s, KeyCode::Char('1'));
    update(
        &mut s,
        Action::Python(msg::python::Msg::Found(Ok(super::some_python()))),
    );
    s.lab.config.repeat = 1;
    s.lab.config.worker_exe = "forklab".into();
    let chunk1 = s.lab.config.clone();
    for (workers, ms) in [(1, 2400), (2, 1500), (4, 1450)] {
        finished(&mut s, &chunk1, workers, ms, workers == 4);
    }
    for _ in 0..10 {
        press(&mut s, KeyCode::Char('}'));
    }
    let chunk1024 = s.lab.config.clone();
    assert_eq!(chunk1024.chunksize, 1024);
    for (workers, ms) in [(1, 900), (2, 470), (4, 460)] {
        finished(&mut s, &chunk1024, workers, ms, false);
    }
    while s.lab.config.engine != Engine::Forklab {
        press(&mut s, KeyCode::Char('E'));
    }
    let own = s.lab.config.clone();
    for (workers, ms) in [(1, 300), (2, 160)] {
        finished(&mut s, &own, workers, ms, false);
    }
    s
}

#[test]
fn variants_side_by_side_in_one_table_and_chart() {
    for (width, height) in [(80, 24), (120, 40), (200, 60)] {
        let s = three_variants(width, height);
        let f = format!("{:?}", screen(&s).backend());
        assert_eq!(s.lab.tables().len(), 3, "{width}x{height}");
        if height >= 40 {
            for label in [
                "Pool · chunk 1 ",
                "Pool · chunk 1024",
                "forklab · chunk 1024",
            ] {
                assert!(f.contains(label), "{width}x{height}: {label}\n{f}");
            }
            assert!(f.contains("1.60×") && f.contains("1.91×"), "{f}");
            assert!(f.contains("* measured while"), "{f}");
        }
    }
    snap!(
        "lab_variants_120x40",
        screen(&three_variants(120, 40)).backend()
    );
    snap!(
        "lab_variants_80x24",
        screen(&three_variants(80, 24)).backend()
    );
}

#[test]
fn a_variant_not_fitting_is_counted_not_lost() {
    let mut s = three_variants(80, 24);
    for _ in 0..2 {
        press(&mut s, KeyCode::Char('{'));
        let config = s.lab.config.clone();
        for (workers, ms) in [(1, 300), (2, 160)] {
            finished(&mut s, &config, workers, ms, false);
        }
    }
    assert_eq!(s.lab.tables().len(), 5);
    let f = format!("{:?}", screen(&s).backend());
    // 80x24 has no room for all five: the newest show, the rest counted.
    assert!(f.contains("… 2 earlier settings not shown"), "{f}");
    assert!(f.contains("forklab · chunk 256"), "{f}");
    assert!(!f.contains("Pool · chunk 1 "), "{f}");
}

#[test]
fn the_class_is_sent_the_variant_measured_last() {
    let s = three_variants(120, 40);
    let results = s.lab.current_results();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.config.engine == Engine::Forklab));
    let _ = Workload::Cpu;
}

/// A recorded sweep of chunk 1 and one of chunk 64 on an 8-core machine,
/// each task size measured there.
fn two_variant_trace() -> crate::trace::Trace {
    use crate::trace::{Machine, Record, Recorder, Trace};
    let start = std::time::Instant::now();
    let machine = Machine {
        cores: 8,
        model: None,
        os: None,
        python: None,
        forklab: "0.1.0".into(),
        recorded: "2026-12-01T16:40:00Z".into(),
    };
    let mut rec = Recorder::new(Vec::new(), machine, start).unwrap();
    let mut t = 0;
    for (chunk, walls) in [(1, [3000, 1800]), (64, [1000, 520])] {
        rec.record(start, Record::LabBegan { sweep: true }).unwrap();
        for (workers, wall) in [1, 2].into_iter().zip(walls) {
            t += 2000;
            let config = LabConfig {
                tasks: 8192,
                chunksize: chunk,
                task_size: 7000,
                worker_exe: "forklab".into(),
                ..LabConfig::new(Workload::Cpu)
            }
            .with_workers(workers);
            let event = LabEvent::RunFinished(Box::new(RunResult {
                config,
                wall: Duration::from_millis(wall),
                answer: 1,
                pids: vec![1; workers],
                tasks_done: vec![1; workers],
                ..RunResult::default()
            }));
            rec.record(start + Duration::from_millis(t), Record::Lab { event })
                .unwrap();
        }
    }
    Trace::read(&rec.finish().unwrap()[..]).unwrap()
}

/// `--compare` with a trace of two variants: each has its heading and
/// rows, and this machine's runs of the same chunk sit beside them
/// although its measured task size differs.
#[test]
fn compare_matches_variants_by_their_settings() {
    let recorded = crate::tui::lab::Recorded::from_trace(&two_variant_trace()).unwrap();
    assert_eq!(recorded.tables().len(), 2);
    let mut s = State::with_cores(
        super::fixture(),
        Progress::default(),
        Rect::new(0, 0, 120, 40),
        2,
    );
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    update(
        &mut s,
        Action::Lab(msg::lab::Msg::Compare(Box::new(recorded))),
    );
    update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
    let here = LabConfig {
        tasks: 8192,
        chunksize: 64,
        task_size: 3000,
        repeat: 1,
        worker_exe: "forklab".into(),
        ..LabConfig::new(Workload::Cpu)
    };
    for (workers, ms) in [(1, 1500), (2, 800)] {
        finished(&mut s, &here, workers, ms, false);
    }
    let f = format!("{:?}", screen(&s).backend());
    assert!(f.contains("recorded 8-core machine"), "{f}");
    assert!(f.contains("chunk 1 ") && f.contains("chunk 64"), "{f}");
    // chunk 64: 1.92× there, 1.88× here, on one row.
    let row = f
        .lines()
        .find(|l| l.contains("1.92×"))
        .unwrap_or_else(|| panic!("{f}"));
    assert!(row.contains("1.88×"), "{row}");
    snap!("lab_compare_variants_120x40", screen(&s).backend());
}
