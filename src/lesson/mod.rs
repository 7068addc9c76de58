//! Lessons: parsing, validating and rendering the course. Knows nothing of
//! the terminal UI, so the headless commands reuse all of it.

pub mod check;
pub mod contain;
pub mod highlight;
pub mod model;
pub mod parse;
pub mod quiz;
pub mod render;
pub mod set;

pub use model::{Check, Example, Exercise, FrontMatter, Lesson, MethodExpect, Problem};
pub use set::{LessonSet, LoadError, Origin};
