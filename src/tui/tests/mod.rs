//! Whole-screen snapshots of the reader over ratatui's `TestBackend`, one
//! file per area; the shared fixtures and states are here.

/// Asserts a snapshot under the name it had before these tests were split
/// by area (`forklab__tui__tests__NAME`), whichever submodule asserts it,
/// so the recorded screens still match.
macro_rules! snap {
    ($name:literal, $value:expr) => {
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(concat!("forklab__tui__tests__", $name), $value);
        })
    };
}

mod keymap;
mod lab;
mod lab_variants;
mod live;
mod memory;
mod practice;
mod python;
mod reader;
mod themes;

use crate::tui::action as msg;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::update::update_now as update;
use super::{Action, Effect, RunPlan, State, state, view};
use crate::lesson::LessonSet;
use crate::progress::Progress;

fn fixture() -> LessonSet {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons");
    let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    set
}

/// The reader as the event loop starts it (its first save done).
fn state(width: u16, height: u16) -> State {
    let mut s = State::new(
        fixture(),
        Progress::default(),
        Rect::new(0, 0, width, height),
    );
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    s
}

fn screen(state: &State) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(state.screen.width, state.screen.height)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    terminal
}

fn live_state(width: u16, height: u16, cores: usize, processes: usize) -> State {
    live_state_and_next(width, height, cores, processes).0
}

/// [`live_state`] and when its next sample is due: a second after its
/// last, so a test's next sample moves the sparklines by exactly that,
/// not by however long the test took to get there (seconds under qemu).
fn live_state_and_next(
    width: u16,
    height: u16,
    cores: usize,
    processes: usize,
) -> (State, std::time::Instant) {
    use crate::monitor::Sampler;
    let mut s = state(width, height);
    let mut sampler = crate::monitor::scripted::ScriptedSampler::new(cores, processes);
    // A sample a second, ending now, so the sparklines span 30 s.
    let t0 = std::time::Instant::now() - std::time::Duration::from_secs(30);
    for i in 0..30 {
        let at = t0 + std::time::Duration::from_secs(i);
        update(
            &mut s,
            Action::Live(msg::live::Msg::Sampled(Box::new(sampler.sample()), at)),
        );
    }
    (s, t0 + std::time::Duration::from_secs(30))
}

/// An interpreter as the search reports one (nothing runs it here).
fn some_python() -> crate::python::Interpreter {
    use crate::python::StartMethod;
    crate::python::Interpreter {
        path: "python3".into(),
        found: "python3".into(),
        source: crate::python::interpreter::Source::Path,
        version: "3.11.9".into(),
        version_info: (3, 11, 9),
        default_start_method: StartMethod::Fork,
        start_methods: StartMethod::ALL.to_vec(),
        gil: crate::python::interpreter::Gil::default(),
    }
}

fn lab_state(width: u16, height: u16) -> State {
    use crate::lab::Workload;
    use crate::lab::{LabConfig, LabEvent, RunResult};
    use std::time::Duration;
    let mut s = live_state(width, height, 2, 3);
    s.lab.cores = 2;
    update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
    update(
        &mut s,
        Action::Python(msg::python::Msg::Found(Ok(some_python()))),
    );
    // One run per point (# twice: 3, 5, 1), so each result ends its point.
    update(&mut s, Action::Lab(msg::lab::Msg::Repeat));
    update(&mut s, Action::Lab(msg::lab::Msg::Repeat));
    assert_eq!(s.lab.config.repeat, 1);
    update(&mut s, Action::Lab(msg::lab::Msg::Workers(1)));
    for c in "1.2".chars() {
        update(&mut s, Action::Lab(msg::lab::Msg::Guess(c)));
    }
    let result = |workers: usize, ms: u64| RunResult {
        config: LabConfig {
            workers,
            worker_exe: "forklab".into(),
            ..LabConfig::new(Workload::Cpu)
        },
        startup: Duration::from_millis(4),
        wall: Duration::from_millis(ms),
        serial: Duration::ZERO,
        answer: 5,
        pids: vec![7; workers],
        tasks_done: vec![1; workers],
        crashes: Vec::new(),
        ..RunResult::default()
    };
    s.lab.measured.push(super::lab::Measured {
        result: result(1, 2000),
        guess: None,
        batch: 0,
    });
    let effects = update(&mut s, Action::Lab(msg::lab::Msg::Run));
    assert!(matches!(
        effects.as_slice(),
        [super::Effect::RunLab(c), super::Effect::SetInterval(_)] if c.workers == 2
    ));
    let ms = Duration::from_millis;
    let config = LabConfig {
        workers: 2,
        ..s.lab.config.clone()
    };
    update(
        &mut s,
        Action::Lab(msg::lab::Msg::Event(Box::new(LabEvent::RunStarted {
            config,
            started: std::time::Instant::now(),
        }))),
    );
    for (worker, pid) in [(0, 101), (1, 102)] {
        update(
            &mut s,
            Action::Lab(msg::lab::Msg::Event(Box::new(LabEvent::WorkerSpawned {
                worker,
                pid,
                at: ms(1),
            }))),
        );
    }
    for task in 0..8 {
        let worker = task % 2;
        let pid = 101 + worker as u32;
        update(
            &mut s,
            Action::Lab(msg::lab::Msg::Event(Box::new(LabEvent::TaskStarted {
                worker,
                pid,
                task,
                at: ms(10 + 120 * (task / 2) as u64),
            }))),
        );
        update(
            &mut s,
            Action::Lab(msg::lab::Msg::Event(Box::new(LabEvent::TaskFinished {
                worker,
                pid,
                task,
                value: 1,
                at: ms(125 + 120 * (task / 2) as u64),
            }))),
        );
    }
    update(
        &mut s,
        Action::Lab(msg::lab::Msg::Event(Box::new(LabEvent::RunFinished(
            Box::new(result(2, 1020)),
        )))),
    );
    s
}
