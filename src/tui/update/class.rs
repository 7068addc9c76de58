//! The class: the teacher's view of the room, and the learner's link.

use super::super::action::{Action, Effect};
use super::super::class::LinkStatus;
use super::super::state::{Mode, State};

/// Applies the action if it is this concern's; hands it back otherwise.
pub(super) fn update(
    state: &mut State,
    action: Action,
    _effects: &mut Vec<Effect>,
) -> Option<Action> {
    match action {
        Action::ClassOpened(view) => {
            state.class = Some(*view);
            state.mode = Mode::Class;
        }
        Action::Class(event) => {
            if let Some(class) = &mut state.class {
                class.apply(event);
            }
        }
        Action::ClassMove(by) => {
            if let Some(class) = &mut state.class {
                class.move_selection(by);
            }
        }
        Action::ClassSort => {
            if let Some(class) = &mut state.class {
                class.sort = class.sort.next();
                class.selected = 0;
            }
        }
        Action::ClassHide => {
            if let Some(class) = &mut state.class {
                class.toggle_hidden();
            }
        }
        Action::ClassFreeze => {
            if let Some(class) = &mut state.class {
                class.toggle_frozen();
            }
        }
        Action::ClassLinked(link) => state.class_link = Some(link),
        Action::ClassLink(status) => {
            if let Some(link) = &mut state.class_link {
                if let LinkStatus::Sent(n) = status {
                    link.sent = n;
                }
                link.status = status;
            }
        }
        other => return Some(other),
    }
    None
}
