//! The process pane's memory key: RSS, or each process's USS and PSS,
//! read by the sampler only for the rows shown while the key is on.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use super::{Action, Effect, live_state, live_state_and_next, screen, update};
use crate::monitor::Sampler;
use crate::monitor::scripted::ScriptedSampler;
use crate::tui::action as msg;
use crate::tui::keymap;
use crate::tui::state::{State, process_rows};

/// What `M` does on the live screen, through the key table.
fn press_m(s: &mut State) -> Vec<Effect> {
    let event = Event::Key(KeyEvent::new(KeyCode::Char('M'), KeyModifiers::NONE));
    let action = keymap::action_for(&s.places(), &event).expect("M is bound");
    assert!(matches!(action, Action::Live(msg::live::Msg::ToggleShares)));
    update(s, action)
}

fn shares_asked(effects: &[Effect]) -> Option<usize> {
    effects.iter().find_map(|e| match e {
        Effect::ReadShares(rows) => Some(*rows),
        _ => None,
    })
}

/// The pane after `M`, the sampler told as the runtime tells it.
fn with_shares(width: u16, height: u16, cores: usize, processes: usize) -> State {
    let (mut s, next) = live_state_and_next(width, height, cores, processes);
    let rows = shares_asked(&press_m(&mut s)).expect("the sampler is told");
    assert_eq!(rows, process_rows(s.areas().processes));
    assert!(rows > 0, "the pane is drawn at {width}x{height}");
    let mut sampler = ScriptedSampler::new(cores, processes);
    sampler.read_shares(rows);
    update(
        &mut s,
        Action::Live(msg::live::Msg::Sampled(Box::new(sampler.sample()), next)),
    );
    s
}

#[test]
fn memory_columns_80x24() {
    let s = with_shares(80, 24, 2, 6);
    let text = format!("{:?}", screen(&s).backend());
    assert!(text.contains("USS") && text.contains("PSS") && !text.contains("MEM"));
    snap!("memory_columns_80x24", screen(&s).backend());
}

#[test]
fn memory_columns_120x40() {
    let s = with_shares(120, 40, 16, 6);
    let text = format!("{:?}", screen(&s).backend());
    // The scripted sampler leaves every fifth row unknown: shown as such.
    assert!(text.contains('—'), "{text}");
    snap!("memory_columns_120x40", screen(&s).backend());
}

#[test]
fn the_key_turns_reading_off_again_and_a_replay_reads_nothing() {
    let mut s = live_state(120, 40, 16, 6);
    assert_eq!(s.wanted_shares_rows(), 0, "off by default: nothing read");
    assert!(shares_asked(&press_m(&mut s)).is_some_and(|r| r > 0));
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("PSS")));
    assert_eq!(shares_asked(&press_m(&mut s)), Some(0));
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("RSS")));
    // Cores full screen: the pane is not drawn, so nothing is read.
    press_m(&mut s);
    let effects = update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
    assert_eq!(shares_asked(&effects), Some(0));
}

#[test]
fn the_help_names_the_memory_key() {
    let mut s = live_state(120, 40, 16, 6);
    update(&mut s, Action::Overlay(msg::overlay::Msg::ToggleHelp));
    let row = "process memory: RSS / USS and PSS (smaps)";
    let mut text = format!("{:?}", screen(&s).backend());
    for _ in 0..40 {
        if text.contains(row) {
            break;
        }
        update(&mut s, Action::Overlay(msg::overlay::Msg::HelpScroll(1)));
        text = format!("{:?}", screen(&s).backend());
    }
    let line = text
        .lines()
        .find(|l| l.contains(row))
        .unwrap_or_else(|| panic!("no memory row in the help:\n{text}"));
    assert!(line.contains(" M "), "{line}");
}
