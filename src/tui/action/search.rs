//! Search across all lessons: typing the query, moving between matches.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    Start,
    Type(char),
    Backspace,
    Submit,
    Next,
    Previous,
    End,
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::Start
            | Msg::Type(_)
            | Msg::Backspace
            | Msg::Submit
            | Msg::Next
            | Msg::Previous
            | Msg::End => true,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::Start
            | Msg::Type(_)
            | Msg::Backspace
            | Msg::Submit
            | Msg::Next
            | Msg::Previous
            | Msg::End => false,
        }
    }
}
