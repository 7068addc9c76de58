//! The popups: help, contents, links, and the lists' highlight.

use super::super::action::{Action, Effect};
use super::super::state::{Overlay, State};
use super::{python, reader};

/// Applies the action if it is this concern's; hands it back otherwise.
pub(super) fn update(
    state: &mut State,
    action: Action,
    effects: &mut Vec<Effect>,
) -> Option<Action> {
    match action {
        Action::HelpScroll(by) => {
            state.help_scroll = (state.help_scroll as isize + by).clamp(0, 200) as usize;
        }
        Action::ToggleHelp => {
            state.help_scroll = 0;
            state.overlay = if state.overlay == Overlay::Help {
                Overlay::None
            } else {
                Overlay::Help
            };
        }
        Action::OpenContents => {
            state.overlay = Overlay::Contents {
                selected: state.current,
            }
        }
        Action::OpenLinks => {
            if state.doc.links.is_empty() {
                state.notice = Some("This lesson has no links".into());
            } else {
                state.overlay = Overlay::Links { selected: 0 };
            }
        }
        Action::CloseOverlay => state.overlay = Overlay::None,
        Action::MenuMove(by) => move_selection(state, |selected, len| {
            (selected as isize + by).clamp(0, len as isize - 1) as usize
        }),
        Action::MenuFirst => move_selection(state, |_, _| 0),
        Action::MenuLast => move_selection(state, |_, len| len - 1),
        Action::MenuConfirm => match state.overlay.clone() {
            Overlay::Examples { selected, .. } => {
                state.overlay = Overlay::None;
                python::run_chosen(state, selected, effects);
            }
            Overlay::Contents { selected } => {
                state.overlay = Overlay::None;
                reader::go_to(state, selected, 0);
            }
            Overlay::Links { selected } => {
                state.overlay = Overlay::None;
                if let Some(target) = state.doc.links.get(selected).cloned() {
                    reader::follow(state, &target);
                }
            }
            _ => {}
        },
        other => return Some(other),
    }
    None
}

fn move_selection(state: &mut State, to: impl Fn(usize, usize) -> usize) {
    // The example menu moves over the examples it lists (worked answers
    // may be held back); `selected` stays an index into all of them.
    let listed = state.menu_examples();
    let exercises = state.lesson().meta.exercises.len();
    match &mut state.overlay {
        Overlay::Examples {
            selected,
            editing: None,
        } => {
            let at = listed.iter().position(|i| i == selected).unwrap_or(0);
            if let Some(&next) = listed.get(to(at, listed.len())) {
                *selected = next;
            }
        }
        Overlay::Contents { selected } => *selected = to(*selected, state.lessons.len()),
        Overlay::Links { selected } => *selected = to(*selected, state.doc.links.len()),
        Overlay::Exercises { selected } => *selected = to(*selected, exercises),
        _ => {}
    }
}
