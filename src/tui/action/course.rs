//! Switching the reader between courses: the built-in one and packs.

use super::{LoadedCourse, Message};

#[derive(Debug, Clone)]
pub enum Msg {
    /// The courses the contents can switch between, and which is open.
    Found(Vec<crate::pack::Course>, usize),
    /// Tab / Shift-Tab in the contents: the next or previous course.
    Switch(isize),
    /// The course asked for, or which one could not be read and why.
    Loaded(Result<Box<LoadedCourse>, (usize, crate::lesson::LoadError)>),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::Switch(_) => true,
            Msg::Found(..) | Msg::Loaded(_) => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::Found(..) | Msg::Switch(_) | Msg::Loaded(_) => false,
        }
    }
}
