//! The app as a whole: starting, notices, quitting.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// The event loop is up: what it has to say about setting up (a
    /// damaged progress file, no live readings...).
    Started(Vec<String>),
    /// Something the learner should read, from outside `update` (a save
    /// that failed).
    Notice(String),
    /// `q`: quit, or ask once while children run.
    Quit,
    /// Quit now: the terminal closed or a signal came.
    Shutdown,
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::Quit => true,
            Msg::Started(_) | Msg::Notice(_) | Msg::Shutdown => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::Started(_) | Msg::Notice(_) | Msg::Quit | Msg::Shutdown => false,
        }
    }
}
