//! `update`: the only place the reader's state changes. Each concern
//! has a file; an action goes to the first that takes it.

mod class;
mod course;
mod lab;
mod live;
mod overlay;
mod practice;
mod presenter;
mod python;
mod quiz;
mod reader;
mod replay;
mod search;

use super::action::{Action, Effect};
use super::state::State;

pub use replay::READ_ONLY;
pub use replay::speed_label;

/// One concern's part of `update`: applies the action, or hands it back.
type Part = fn(&mut State, Action, &mut Vec<Effect>) -> Option<Action>;

/// The concerns, in the order they are asked.
const PARTS: &[Part] = &[
    app,
    replay::update,
    live::update,
    reader::update,
    // Before python: it hands practice runs' events on to it.
    practice::update,
    python::update,
    lab::update,
    overlay::update,
    presenter::update,
    search::update,
    quiz::update,
    class::update,
    course::update,
];

/// Applies one action to the state; returns the side effects it needs.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    if action.is_from_user() {
        state.notice = None;
        if !matches!(action, Action::Quit) {
            state.confirm_quit = false;
        }
    }
    let mut pending = Some(action);
    for part in PARTS {
        if let Some(action) = pending.take() {
            pending = part(state, action, &mut effects);
        }
    }
    debug_assert!(pending.is_none(), "no part of update takes {pending:?}");
    state.settle();
    if state.progress_dirty {
        state.progress_dirty = false;
        effects.push(Effect::SaveProgress(state.progress.clone()));
    }
    // Whatever changed the refresh (a key, a run starting or ending), the
    // sampler hears of it here, once.
    let wanted = state.wanted_sampling();
    if wanted != state.sampling {
        state.sampling = wanted;
        effects.push(Effect::SetInterval(wanted));
    }
    effects
}

/// The app as a whole: starting, notices, quitting.
fn app(state: &mut State, action: Action, _effects: &mut Vec<Effect>) -> Option<Action> {
    match action {
        Action::Started(notices) => {
            if let Some(last) = notices.into_iter().last() {
                state.notice = Some(last);
            }
        }
        Action::Notice(text) => state.notice = Some(text),
        Action::Shutdown => state.quit = true,
        Action::Quit => {
            if !state.children_running() || state.confirm_quit {
                state.quit = true;
            } else {
                state.confirm_quit = true;
                state.notice = Some(format!(
                    "Processes forklab started are running: {} again stops them and quits",
                    super::keymap::key_for(|a| matches!(a, Action::Quit))
                ));
            }
        }
        other => return Some(other),
    }
    None
}

/// `250 ms`, `1 s`, `2 s`.
pub fn interval_label(interval: std::time::Duration) -> String {
    if interval.as_millis() < 1000 {
        format!("{} ms", interval.as_millis())
    } else {
        format!("{} s", interval.as_secs_f32())
    }
}
