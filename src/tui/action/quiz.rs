//! The questions at the end of a lesson.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// A digit (or `.`) for the open question.
    Key(char),
    Backspace,
    /// Enter: confirm the open question's answer.
    Confirm,
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::Key(_) | Msg::Backspace | Msg::Confirm => true,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::Key(_) | Msg::Backspace | Msg::Confirm => false,
        }
    }
}
