//! `update`: the only place the reader's state changes. Each concern has
//! a file applying its own messages (`Action::Lab(msg)` to `lab::update`),
//! matching every one of them: a new message that no part applies does
//! not compile.

mod app;
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

use std::time::Instant;

use super::action::replay::READ_ONLY;
use super::action::{Action, Effect, Message};
use super::state::State;

pub use replay::speed_label;

/// What a concern's update hands on: a message for another concern (a
/// practice run's Python events, the list's confirmed row), applied next
/// as if it had come on its own, read-only check included.
type Next = Option<Action>;

/// The most hand-offs one action may make: each concern hands on at most
/// once, so more is a loop (a bug), stopped rather than spun.
const MAX_HANDOFFS: usize = 4;

/// Applies one action to the state at `now` (the event loop reads the
/// clock once per event); returns the side effects it needs.
pub fn update(state: &mut State, action: Action, now: Instant) -> Vec<Effect> {
    let mut effects = Vec::new();
    if action.is_from_user() {
        state.notice = None;
        if !matches!(action, Action::App(super::action::app::Msg::Quit)) {
            state.confirm_quit = false;
        }
    }
    let mut next = Some(action);
    for _ in 0..=MAX_HANDOFFS {
        let Some(action) = next.take() else { break };
        next = apply(state, action, now, &mut effects);
    }
    debug_assert!(next.is_none(), "a hand-off loop ends with {next:?}");
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
    // Likewise the rows whose USS and PSS it reads (a toggle, a resize).
    let rows = state.wanted_shares_rows();
    if rows != state.shares_rows {
        state.shares_rows = rows;
        effects.push(Effect::ReadShares(rows));
    }
    effects
}

/// One message to its concern. In a replay a message that acts is
/// refused here, whatever key, popup or hand-off it came from.
fn apply(state: &mut State, action: Action, now: Instant, effects: &mut Vec<Effect>) -> Next {
    if state.replay.is_some() && action.acts() {
        state.notice = Some(READ_ONLY.into());
        return None;
    }
    match action {
        Action::App(msg) => app::update(state, msg),
        Action::Reader(msg) => reader::update(state, msg),
        Action::Search(msg) => search::update(state, msg),
        Action::Quiz(msg) => quiz::update(state, msg),
        Action::Course(msg) => course::update(state, msg, effects),
        Action::Overlay(msg) => overlay::update(state, msg),
        Action::Live(msg) => live::update(state, msg, effects),
        Action::Python(msg) => python::update(state, msg, now, effects),
        Action::Lab(msg) => lab::update(state, msg, effects),
        Action::Practice(msg) => practice::update(state, msg, now, effects),
        Action::Replay(msg) => replay::update(state, msg, effects),
        Action::Presenter(msg) => presenter::update(state, msg),
        Action::Class(msg) => class::update(state, msg),
    }
}

/// `update` as the event loop calls it, the clock read now (for tests).
#[cfg(test)]
pub fn update_now(state: &mut State, action: Action) -> Vec<Effect> {
    update(state, action, Instant::now())
}
