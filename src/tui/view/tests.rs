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
        super::processes::draw(&Theme::default(), &family, f, area)
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
        super::processes::draw(&Theme::default(), &family, f, area)
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
