//! Where each pane goes. Shared by `update` (which needs the lesson width to
//! wrap text) and the views, so both always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the screen shows a message instead of a squashed layout.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// Lines of text longer than this are hard to read, even on a wide screen.
pub const MAX_TEXT_WIDTH: u16 = 100;
/// Columns left blank each side of the lesson text.
pub const MARGIN: u16 = 2;

/// The screen's regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub lesson: Rect,
    /// The lesson's text column inside `lesson`.
    pub text: Rect,
    pub status: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub fn areas(area: Rect) -> Areas {
    let [header, lesson, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let inner = lesson.width.saturating_sub(2 * MARGIN).max(1);
    let width = inner.min(MAX_TEXT_WIDTH);
    let text = Rect {
        x: lesson.x + MARGIN.min(lesson.width / 2),
        y: lesson.y + 1.min(lesson.height),
        width,
        height: lesson.height.saturating_sub(1),
    };
    Areas {
        header,
        lesson,
        text,
        status,
    }
}
