//! The popups: help, contents, links, the lists' highlight, text.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    ToggleHelp,
    /// Scroll the help popup on a short screen.
    HelpScroll(isize),
    OpenContents,
    OpenLinks,
    Close,
    /// Move the highlight in a list popup.
    Move(isize),
    First,
    Last,
    /// Enter in a list: the list's own message for the row highlighted
    /// (open a lesson, follow a link, run an example, open an exercise),
    /// which is then applied, and refused in a replay, as that message.
    Confirm,
    /// Scroll a text popup (hint, solution).
    TextScroll(isize),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::ToggleHelp
            | Msg::HelpScroll(_)
            | Msg::OpenContents
            | Msg::OpenLinks
            | Msg::Close
            | Msg::Move(_)
            | Msg::First
            | Msg::Last
            | Msg::Confirm
            | Msg::TextScroll(_) => true,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::ToggleHelp
            | Msg::HelpScroll(_)
            | Msg::OpenContents
            | Msg::OpenLinks
            | Msg::Close
            | Msg::Move(_)
            | Msg::First
            | Msg::Last
            | Msg::Confirm
            | Msg::TextScroll(_) => false,
        }
    }
}
