//! The panes on their own, drawn into a buffer: what a class must be able
//! to read at every size.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::super::keymap::{self, Where};
use super::super::theme::Theme;
use crate::monitor::ProcessInfo;
use crate::monitor::family::Family;

/// The buffer's rows as text.
fn rows(backend: &TestBackend) -> Vec<String> {
    let buffer = backend.buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

fn draw(width: u16, height: u16, paint: impl FnOnce(&mut ratatui::Frame, Rect)) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|f| {
            let area = f.area();
            paint(f, area)
        })
        .expect("drawn");
    rows(terminal.backend())
}

fn process(pid: u32, ppid: u32, command: &str) -> ProcessInfo {
    let name = command.split(' ').next().unwrap_or_default();
    ProcessInfo {
        pid,
        ppid,
        name: name.into(),
        command: command.into(),
        state: 'R',
        cpu: 99.0,
        memory: 10 << 20,
        core: Some(1),
        serves: false,
        shares: Default::default(),
    }
}

/// A sweep's first workers ended, the next point's just started.
fn family_after_a_sweep() -> Family {
    let t0 = Instant::now();
    let mut family = Family::default();
    let forklab = process(1000, 1, "forklab");
    let master = process(1001, 1000, "/usr/bin/python3 -u pool_collatz.py 4");
    let old: Vec<ProcessInfo> = (0..4)
        .map(|i| process(1100 + i, 1001, "/usr/bin/python3 -u pool_collatz.py 4"))
        .collect();
    let mut first = vec![forklab.clone(), master.clone()];
    first.extend(old);
    family.update(&first, t0);
    let new: Vec<ProcessInfo> = (0..2)
        .map(|i| process(1200 + i, 1001, "/usr/bin/python3 -u pool_collatz.py 4"))
        .collect();
    let mut second = vec![forklab, master];
    second.extend(new);
    family.update(&second, t0 + Duration::from_secs(1));
    family
}

#[test]
fn live_processes_come_before_ended_ones_when_rows_are_short() {
    let family = family_after_a_sweep();
    assert_eq!(family.members.len(), 8);
    // Five rows inside: the four live ones and a count of the rest.
    let screen = draw(80, 8, |f, area| {
        super::processes::draw(&Theme::default(), &family, false, f, area)
    });
    let text = screen.join("\n");
    assert!(text.contains("1201"), "the newest worker is shown:\n{text}");
    assert!(text.contains("… and 4 more"), "{text}");
    // Every row is whole: a pid, then a name.
    for row in &screen[2..7] {
        assert!(
            row.contains("master")
                || row.contains("worker")
                || row.contains("forklab")
                || row.contains("more"),
            "{row}"
        );
    }
}

#[test]
fn the_command_keeps_its_name_in_a_narrow_pane() {
    let family = family_after_a_sweep();
    // The side pane at 120x40 is 48 wide.
    let screen = draw(48, 14, |f, area| {
        super::processes::draw(&Theme::default(), &family, false, f, area)
    });
    let text = screen.join("\n");
    assert!(text.contains("master pool_collatz.py 4"), "{text}");
    assert!(text.contains("CPU%"), "{text}");
}

/// The hint's items, split back.
fn items(hint: &str) -> Vec<String> {
    hint.trim()
        .split(" · ")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn the_lab_hint_is_whole_items_that_fit() {
    let all: Vec<String> = keymap::hints(Where::Lab)
        .iter()
        .map(|h| format!("{} {}", h.keys_joined(" "), h.word))
        .collect();
    for replay in [false, true] {
        for width in 20..=200u16 {
            let hint = super::lab::keys_hint(width, replay);
            assert!(
                hint.chars().count() + 3 <= width as usize,
                "{width}: {hint:?}"
            );
            for item in items(&hint) {
                assert!(all.contains(&item), "{width}: {item:?} in {hint:?}");
            }
        }
    }
    // Drawn in the lab's frame at 120x40 (72 columns): the last item whole.
    let lab = super::super::lab::LabView::new(2);
    let screen = draw(72, 20, |f, area| {
        super::lab::draw(&Theme::default(), &lab, &[], false, f, area)
    });
    let bottom = screen.last().expect("a bottom row");
    assert!(bottom.ends_with(" ╯"), "{bottom}");
    let hint = bottom.trim_start_matches(['╰', '─']).trim_end_matches('╯');
    assert_eq!(hint, super::lab::keys_hint(72, false), "{bottom}");
}

#[test]
fn a_replay_hints_only_keys_that_work_in_a_replay() {
    let acting: Vec<String> = keymap::hints(Where::Lab)
        .iter()
        .filter(|h| h.acts)
        .map(|h| format!("{} {}", h.keys_joined(" "), h.word))
        .collect();
    assert!(!acting.is_empty());
    for width in [48, 72, 80, 200] {
        let hint = super::lab::keys_hint(width, true);
        for item in items(&hint) {
            assert!(!acting.contains(&item), "{width}: {item} acts");
        }
    }
}

mod lab {
    use std::time::{Duration, Instant};

    use super::draw;
    use crate::lab::{Engine, Workload};
    use crate::lab::{LabConfig, LabEvent, RunResult};
    use crate::tui::lab::LabView;
    use crate::tui::theme::Theme;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// One run of `config` with `workers`, each worker doing one task,
    /// `load` of the machine busy with other programs.
    fn run(lab: &mut LabView, config: &LabConfig, workers: usize, wall: u64, load: f64) {
        let config = config.with_workers(workers);
        lab.starting(false);
        lab.apply(LabEvent::RunStarted {
            config: config.clone(),
            started: Instant::now(),
        });
        for w in 0..workers {
            let pid = 100 + w as u32;
            lab.apply(LabEvent::WorkerSpawned {
                worker: w,
                pid,
                at: ms(1),
            });
            lab.apply(LabEvent::TaskStarted {
                worker: w,
                pid,
                task: w,
                at: ms(5),
            });
            lab.apply(LabEvent::TaskFinished {
                worker: w,
                pid,
                task: w,
                value: 1,
                at: ms(wall),
            });
        }
        lab.apply(LabEvent::RunFinished(Box::new(RunResult {
            config,
            startup: ms(4),
            wall: ms(wall),
            pids: vec![1; workers],
            tasks_done: vec![1; workers],
            outside_load: Some(load),
            ..RunResult::default()
        })));
    }

    fn config() -> LabConfig {
        LabConfig {
            engine: Engine::Forklab,
            repeat: 1,
            tasks: 4,
            ..LabConfig::new(Workload::Cpu)
        }
    }

    fn screen(lab: &LabView, width: u16, height: u16) -> String {
        draw(width, height, |f, area| {
            super::super::lab::draw(&Theme::default(), lab, &[], false, f, area)
        })
        .join("\n")
    }

    #[test]
    fn a_busy_mark_is_explained_under_the_table() {
        let mut lab = LabView::new(2);
        run(&mut lab, &config(), 1, 2000, 0.0);
        let quiet = screen(&lab, 80, 22);
        assert!(!quiet.contains("* measured while"), "{quiet}");
        run(&mut lab, &config(), 2, 1100, 0.9);
        let text = screen(&lab, 80, 22);
        assert!(text.contains("     2*"), "{text}");
        assert!(text.contains(super::super::lab::BUSY_LEGEND[0]), "{text}");
    }

    #[test]
    fn the_header_states_the_task_size_only_once_it_is_known() {
        let mut lab = LabView::new(2);
        lab.config.calibrate = true;
        let text = screen(&lab, 100, 16);
        assert!(text.contains("64 tasks sized at the first run"), "{text}");
        assert!(!text.contains("numbers"), "{text}");
        lab.config.calibrate = false;
        lab.config.tasks = 8192;
        lab.config.task_size = 1;
        let text = screen(&lab, 100, 16);
        assert!(text.contains("8192 tasks of 1 number "), "{text}");
    }

    #[test]
    fn the_previous_runs_timeline_stays_beside_the_new_one() {
        let mut lab = LabView::new(2);
        let chunky = LabConfig {
            chunksize: 4,
            ..config()
        };
        run(&mut lab, &config(), 2, 900, 0.0);
        // The learner changes the chunk, then runs: the previous run is
        // named by the settings it ran with.
        lab.config.chunksize = 4;
        run(&mut lab, &chunky, 2, 700, 0.0);
        for (width, height) in [(78, 22), (128, 40)] {
            let text = screen(&lab, width, height);
            assert!(
                text.contains("Before: 2 workers · 4 tasks · chunk 1 · engine forklab"),
                "{width}x{height}\n{text}"
            );
            assert_eq!(text.matches("worker  pid").count(), 2, "{text}");
        }
    }

    #[test]
    fn the_speedup_chart_has_a_legend_and_labels_the_cores() {
        let mut lab = LabView::new(2);
        for (workers, wall) in [(1, 2000), (2, 1000), (3, 1000), (4, 1000)] {
            run(&mut lab, &config(), workers, wall, 0.0);
        }
        // The small chart of a 120x40 lab pane.
        let text = draw(70, 14, |f, area| {
            super::super::lab::speedup_chart(&Theme::default(), &lab, f, area)
        });
        let all = text.join("\n");
        assert!(all.contains("measured") && all.contains("ideal"), "{all}");
        assert!(all.contains("2 cores"), "{all}");
        let labels = text.last().expect("the label row");
        let words: Vec<&str> = labels.split_whitespace().collect();
        assert_eq!(words, ["0", "2", "4"], "{all}");
    }
}
