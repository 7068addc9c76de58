//! The class: the teacher's view of the room, and the learner's link.

use super::super::class::{ClassLink, ClassView, LinkStatus};
use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// The class view opens (teacher: `class serve` or `class open`).
    Opened(Box<ClassView>),
    /// A learner joined, a result arrived, a request was refused.
    Event(crate::class::ClassEvent),
    /// Move among the participants.
    Move(isize),
    Sort,
    Hide,
    Freeze,
    /// The learner's link to a class (`--join`) opens, or says how it went.
    Linked(ClassLink),
    Link(LinkStatus),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::Move(_) | Msg::Sort | Msg::Hide | Msg::Freeze => true,
            Msg::Opened(_) | Msg::Event(_) | Msg::Linked(_) | Msg::Link(_) => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::Opened(_)
            | Msg::Event(_)
            | Msg::Move(_)
            | Msg::Sort
            | Msg::Hide
            | Msg::Freeze
            | Msg::Linked(_)
            | Msg::Link(_) => false,
        }
    }
}
