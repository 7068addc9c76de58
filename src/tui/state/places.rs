//! Which of the keymap's places apply to what is on screen: the state
//! says, the keymap only looks bindings up (it reads no state).

use super::super::keymap::{MAIN, Where};
use super::{Focus, Mode, Overlay, State};

impl State {
    /// The places whose bindings apply to what is on screen, first match
    /// wins.
    pub fn places(&self) -> Vec<Where> {
        use Where::*;
        if self.search.input.is_some() {
            return vec![Always, SearchInput];
        }
        match &self.overlay {
            Overlay::Examples {
                editing: Some(_), ..
            } => return vec![Always, ExampleArgs],
            Overlay::Examples { .. } => return vec![Always, Examples, List, Everywhere],
            Overlay::Contents { .. } => return vec![Always, Contents, List, Everywhere],
            Overlay::Links { .. } => return vec![Always, Links, List, Everywhere],
            Overlay::Help => return vec![Always, Everywhere, Help],
            Overlay::Exercises { .. } => return vec![Always, Exercises, List, Everywhere],
            Overlay::Experiments { .. } => return vec![Always, Experiments, List, Everywhere],
            Overlay::Ask(_) => return vec![Always, Ask, Everywhere],
            Overlay::Predict { .. } => return vec![Always, PredictInput],
            Overlay::Text { .. } => return vec![Always, Everywhere, TextPopup],
            Overlay::None => {}
        }
        if self.mode == Mode::Class {
            return vec![Always, Class, Everywhere];
        }
        let mut places = vec![Always];
        if self.replay.is_some() {
            places.push(Replay);
        }
        if self.mode == Mode::Lab {
            places.push(Lab);
        }
        if self.search.active() {
            places.push(Search);
        }
        places.extend(MAIN);
        places
    }

    /// Where the learner is, for the help to open at: the popup, the
    /// mode (lab, replay, class, search), else the focused pane.
    pub fn place(&self) -> Where {
        let first = self
            .places()
            .into_iter()
            .find(|w| !matches!(w, Where::Always | Where::Everywhere | Where::Help));
        match first {
            Some(Where::Lesson) if self.focus == Focus::Output => Where::Python,
            Some(place) => place,
            None => Where::Everywhere,
        }
    }
}
