//! The popups: help, contents, links, and the lists' highlight.

use super::super::action::overlay::Msg;
use super::super::action::{Action, lab, practice, python};
use super::super::state::{Overlay, State};
use super::{Next, reader};

pub(super) fn update(state: &mut State, msg: Msg) -> Next {
    match msg {
        Msg::HelpScroll(by) => {
            state.help_scroll = (state.help_scroll as isize + by).clamp(0, 200) as usize;
        }
        Msg::ToggleHelp => {
            state.help_scroll = 0;
            state.overlay = if state.overlay == Overlay::Help {
                Overlay::None
            } else {
                // The help opens at the keys of where the learner is.
                state.help_from = state.place();
                Overlay::Help
            };
        }
        Msg::OpenContents => {
            state.overlay = Overlay::Contents {
                selected: state.current,
            }
        }
        Msg::OpenLinks => {
            if state.doc.links.is_empty() {
                state.notice = Some("This lesson has no links".into());
            } else {
                state.overlay = Overlay::Links { selected: 0 };
            }
        }
        Msg::Close => state.overlay = Overlay::None,
        Msg::Move(by) => move_selection(state, |selected, len| {
            (selected as isize + by).clamp(0, len as isize - 1) as usize
        }),
        Msg::First => move_selection(state, |_, _| 0),
        Msg::Last => move_selection(state, |_, len| len - 1),
        Msg::TextScroll(by) => {
            if let Overlay::Text { scroll, lines, .. } = &mut state.overlay {
                *scroll = (*scroll as isize + by).clamp(0, lines.len() as isize) as usize;
            }
        }
        // The row's own message, applied (and refused in a replay) as such.
        Msg::Confirm => match state.overlay.clone() {
            Overlay::Examples { .. } => return Some(Action::Python(python::Msg::RunSelected)),
            Overlay::Exercises { .. } => {
                return Some(Action::Practice(practice::Msg::OpenSelected));
            }
            Overlay::Experiments { .. } => return Some(Action::Lab(lab::Msg::OpenSelected)),
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
            Overlay::None
            | Overlay::Help
            | Overlay::Ask(_)
            | Overlay::Predict { .. }
            | Overlay::Text { .. } => {}
        },
    }
    None
}

fn move_selection(state: &mut State, to: impl Fn(usize, usize) -> usize) {
    // The example menu moves over the examples it lists (worked answers
    // may be held back); `selected` stays an index into all of them.
    let listed = state.menu_examples();
    let exercises = state.lesson().meta.exercises.len();
    let experiments = state.lesson().meta.experiments.len();
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
        Overlay::Experiments { selected } => *selected = to(*selected, experiments),
        _ => {}
    }
}
