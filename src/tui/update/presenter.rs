//! Themes and the presenter's aids: the keys shown in a corner, zoom.

use super::super::action::Action;
use super::super::action::presenter::Msg;
use super::super::keymap;
use super::super::state::{Presenter, State};
use super::Next;

pub(super) fn update(state: &mut State, msg: Msg) -> Next {
    match msg {
        Msg::CycleTheme => {
            state.theme.name = state.theme.name.next();
            let key = keymap::key_for(|a| matches!(a, Action::Presenter(Msg::CycleTheme)));
            state.notice = Some(if state.theme.colour {
                format!(
                    "Theme: {0} ({key} for the next one; forklab config set theme {0} keeps it)",
                    state.theme.name
                )
            } else {
                format!(
                    "Theme: {}, drawn without colours because NO_COLOR is set",
                    state.theme.name
                )
            });
        }
        Msg::ToggleKeys => {
            let p = &mut state.presenter;
            p.show_keys = !p.show_keys;
            p.keys.clear();
        }
        Msg::KeyShown(name) => {
            let keys = &mut state.presenter.keys;
            if state.presenter.show_keys {
                keys.push_back(name);
                while keys.len() > Presenter::KEPT {
                    keys.pop_front();
                }
            }
        }
        Msg::ToggleZoom => {
            state.presenter.zoom = !state.presenter.zoom;
            // The lesson's column changes width: wrap it again.
            state.rerender();
        }
    }
    None
}
