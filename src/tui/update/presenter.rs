//! Themes and the presenter's aids: the keys shown in a corner, zoom.

use super::super::action::{Action, Effect};
use super::super::keymap;
use super::super::state::{Presenter, State};

/// Applies the action if it is this concern's; hands it back otherwise.
pub(super) fn update(
    state: &mut State,
    action: Action,
    _effects: &mut Vec<Effect>,
) -> Option<Action> {
    match action {
        Action::CycleTheme => {
            state.theme.name = state.theme.name.next();
            let key = keymap::key_for(|a| matches!(a, Action::CycleTheme));
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
        Action::ToggleKeys => {
            let p = &mut state.presenter;
            p.show_keys = !p.show_keys;
            p.keys.clear();
        }
        Action::KeyShown(name) => {
            let keys = &mut state.presenter.keys;
            if state.presenter.show_keys {
                keys.push_back(name);
                while keys.len() > Presenter::KEPT {
                    keys.pop_front();
                }
            }
        }
        Action::ToggleZoom => {
            state.presenter.zoom = !state.presenter.zoom;
            // The lesson's column changes width: wrap it again.
            state.rerender();
        }
        other => return Some(other),
    }
    None
}
