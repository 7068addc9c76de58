//! The class: the teacher's view of the room, and the learner's link.

use super::super::action::class::Msg;
use super::super::class::LinkStatus;
use super::super::state::{Mode, State};
use super::Next;

pub(super) fn update(state: &mut State, msg: Msg) -> Next {
    match msg {
        Msg::Opened(view) => {
            state.class = Some(*view);
            state.mode = Mode::Class;
        }
        Msg::Event(event) => {
            if let Some(class) = &mut state.class {
                class.apply(event);
            }
        }
        Msg::Move(by) => {
            if let Some(class) = &mut state.class {
                class.move_selection(by);
            }
        }
        Msg::Sort => {
            if let Some(class) = &mut state.class {
                class.sort = class.sort.next();
                class.selected = 0;
            }
        }
        Msg::Hide => {
            if let Some(class) = &mut state.class {
                class.toggle_hidden();
            }
        }
        Msg::Freeze => {
            if let Some(class) = &mut state.class {
                class.toggle_frozen();
            }
        }
        Msg::Linked(link) => state.class_link = Some(link),
        Msg::Link(status) => {
            if let Some(link) = &mut state.class_link {
                if let LinkStatus::Sent(n) = status {
                    link.sent = n;
                }
                link.status = status;
            }
        }
    }
    None
}
