//! The app as a whole: starting, notices, quitting.

use super::super::action::app::Msg;
use super::super::keymap;
use super::super::state::State;
use super::Next;

pub(super) fn update(state: &mut State, msg: Msg) -> Next {
    match msg {
        Msg::Started(notices) => {
            if let Some(last) = notices.into_iter().last() {
                state.notice = Some(last);
            }
        }
        Msg::Notice(text) => state.notice = Some(text),
        Msg::Shutdown => state.quit = true,
        Msg::Quit => {
            if !state.children_running() || state.confirm_quit {
                state.quit = true;
            } else {
                state.confirm_quit = true;
                state.notice = Some(format!(
                    "Processes forklab started are running: {} again stops them and quits",
                    keymap::key_for(|a| matches!(a, super::super::Action::App(Msg::Quit)))
                ));
            }
        }
    }
    None
}
