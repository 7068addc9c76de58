//! Moving through the lessons: lesson to lesson, scrolling, answers,
//! clicks, a new terminal size, code colours.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    NextLesson,
    PreviousLesson,
    /// Scroll by lines (negative: up).
    Scroll(isize),
    /// Scroll by pages (negative: up).
    Page(isize),
    Top,
    Bottom,
    /// Show or hide the lesson's worked answers.
    ToggleAnswers,
    /// A mouse click at a screen position.
    Click {
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// The background highlighter coloured the course's Python code.
    Highlighted(std::sync::Arc<crate::lesson::highlight::Highlights>),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::NextLesson
            | Msg::PreviousLesson
            | Msg::Scroll(_)
            | Msg::Page(_)
            | Msg::Top
            | Msg::Bottom
            | Msg::ToggleAnswers
            | Msg::Click { .. } => true,
            Msg::Resize { .. } | Msg::Highlighted(_) => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::NextLesson
            | Msg::PreviousLesson
            | Msg::Scroll(_)
            | Msg::Page(_)
            | Msg::Top
            | Msg::Bottom
            | Msg::ToggleAnswers
            | Msg::Click { .. }
            | Msg::Resize { .. }
            | Msg::Highlighted(_) => false,
        }
    }
}
