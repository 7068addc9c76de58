//! The presenter's corner: the last keys pressed, so an audience can
//! follow what the teacher does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::super::action::Action;
use super::super::keymap;
use super::super::state::State;

/// Draws the box at the right end of the rows just above `status`.
pub fn draw(state: &State, frame: &mut Frame, status: Rect) {
    let t = &state.theme;
    let keys: Vec<&str> = state.presenter.keys.iter().map(String::as_str).collect();
    let text = if keys.is_empty() {
        "…".to_string()
    } else {
        keys.join("  ")
    };
    let hide = keymap::key_for(|a| {
        matches!(
            a,
            Action::Presenter(crate::tui::action::presenter::Msg::ToggleKeys)
        )
    });
    let title = format!(" keys · {hide} hides ");
    let width = (text.chars().count().max(title.chars().count()) + 4) as u16;
    let width = width.min(status.width);
    if status.y < 3 || width < 8 {
        return;
    }
    let area = Rect {
        x: status.right() - width,
        y: status.y - 3,
        width,
        height: 3,
    };
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(t.key())
        .title(Line::styled(title, t.dim()))
        .style(t.base());
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(Line::styled(format!(" {text}"), t.key())).block(block),
        area,
    );
}
