//! Themes and the presenter's aids: the keys shown in a corner, zoom.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// The next theme (`config::ThemeName::ALL`, in order).
    CycleTheme,
    /// Show or hide the last keys pressed, in a corner.
    ToggleKeys,
    /// A key was pressed while the keys are shown: its name.
    KeyShown(String),
    /// The focused pane alone, or every pane again.
    ToggleZoom,
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::CycleTheme | Msg::ToggleKeys | Msg::ToggleZoom => true,
            Msg::KeyShown(_) => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::CycleTheme | Msg::ToggleKeys | Msg::KeyShown(_) | Msg::ToggleZoom => false,
        }
    }
}
