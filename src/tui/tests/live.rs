//! The live panes: cores, processes, the projector view, refresh and busy copies.

use crate::tui::action as msg;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Action, live_state, screen, state, update, view};

#[test]
fn live_panes_2_cores_80x24() {
    let s = live_state(80, 24, 2, 3);
    snap!("live_panes_2_cores_80x24", screen(&s).backend());
}

#[test]
fn live_panes_16_cores_120x40() {
    let s = live_state(120, 40, 16, 6);
    snap!("live_panes_16_cores_120x40", screen(&s).backend());
}

#[test]
fn live_panes_128_cores_200x60() {
    let s = live_state(200, 60, 128, 20);
    snap!("live_panes_128_cores_200x60", screen(&s).backend());
}

#[test]
fn live_panes_128_cores_80x24() {
    let s = live_state(80, 24, 128, 3);
    snap!("live_panes_128_cores_80x24", screen(&s).backend());
}

#[test]
fn live_panes_16_cores_80x24() {
    let s = live_state(80, 24, 16, 1);
    snap!("live_panes_16_cores_80x24", screen(&s).backend());
}

#[test]
fn a_killed_worker_lingers_with_how_it_ended() {
    use crate::monitor::Sampler;
    let mut s = live_state(120, 40, 2, 3);
    let mut sampler = crate::monitor::scripted::ScriptedSampler::new(2, 3);
    let mut sample = sampler.sample();
    let gone = sample.processes.pop().unwrap();
    update(
        &mut s,
        Action::Live(msg::live::Msg::Sampled(
            Box::new(sample),
            std::time::Instant::now(),
        )),
    );
    update(
        &mut s,
        Action::Live(msg::live::Msg::ChildEnded {
            pid: gone.pid,
            ending: crate::os::process::Exit::Signal(9),
        }),
    );
    let terminal = screen(&s);
    let text = format!("{:?}", terminal.backend());
    let row = text
        .lines()
        .find(|l| l.contains(&gone.pid.to_string()))
        .expect("the ended worker is still listed");
    assert!(
        row.contains(" X sig 9 ") && row.contains("└ worker 2"),
        "{row}"
    );
}

#[test]
fn projector_view_2_and_128_cores() {
    let mut s = live_state(120, 40, 2, 3);
    update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
    snap!("projector_2", screen(&s).backend());
    let mut s = live_state(200, 60, 128, 3);
    update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
    snap!("projector_128", screen(&s).backend());
    update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
    assert!(!s.projector);
}

#[test]
fn refresh_interval_stays_between_250ms_and_5s() {
    let mut s = state(80, 24);
    assert_eq!(s.interval(), std::time::Duration::from_secs(1));
    for _ in 0..10 {
        update(&mut s, Action::Live(msg::live::Msg::FasterRefresh));
    }
    assert_eq!(s.interval(), std::time::Duration::from_millis(250));
    let effects = update(&mut s, Action::Live(msg::live::Msg::SlowerRefresh));
    assert_eq!(
        effects,
        vec![super::Effect::SetInterval(
            std::time::Duration::from_millis(500)
        )]
    );
    for _ in 0..10 {
        update(&mut s, Action::Live(msg::live::Msg::SlowerRefresh));
    }
    assert_eq!(s.interval(), std::time::Duration::from_secs(5));
}

#[test]
fn quitting_with_busy_copies_asks_once() {
    let mut s = state(80, 24);
    assert_eq!(
        update(&mut s, Action::Live(msg::live::Msg::ToggleBusy)),
        vec![super::Effect::StartBusy(s.cores)]
    );
    update(
        &mut s,
        Action::Live(msg::live::Msg::BusyStarted(Ok(vec![10, 11]))),
    );
    update(&mut s, Action::App(msg::app::Msg::Quit));
    assert!(!s.quit);
    assert!(s.notice.as_deref().unwrap().contains("q again"));
    update(&mut s, Action::App(msg::app::Msg::Quit));
    assert!(s.quit);
}

/// The terminal can change size between the resize event and the draw
/// (found by tests/e2e_faults.rs resizing rapidly): a frame of another size
/// than the state last heard of is drawn to its own size, never past it.
#[test]
fn a_frame_of_another_size_than_the_state_knows_is_drawn_within_it() {
    for (width, height) in [(200, 60), (120, 40), (80, 24)] {
        let mut s = live_state(width, height, 16, 6);
        for mode in [super::state::Mode::Lesson, super::state::Mode::Lab] {
            s.mode = mode;
            for (w, h) in [(79, 23), (60, 20), (30, 12), (20, 5), (1, 1), (250, 80)] {
                let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                terminal.draw(|f| view(&s, f)).unwrap();
            }
        }
    }
}
