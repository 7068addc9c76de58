//! A framed box over the screen, shared by every popup.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};

use super::super::theme::Theme;

/// Clears a centred box of at most `width`×`height` and draws its frame;
/// returns the inside.
pub fn frame_box(
    frame: &mut Frame,
    screen: Rect,
    width: u16,
    height: u16,
    title: &str,
    footer: &str,
    t: &Theme,
) -> Rect {
    let width = width.min(screen.width.saturating_sub(2)).max(10);
    let height = height.min(screen.height.saturating_sub(2)).max(3);
    let area = Rect {
        x: screen.x + (screen.width.saturating_sub(width)) / 2,
        y: screen.y + (screen.height.saturating_sub(height)) / 2,
        width: width.min(screen.width),
        height: height.min(screen.height),
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.key())
        .title(Line::styled(format!(" {title} "), t.key()))
        .title_bottom(Line::styled(format!(" {footer} "), t.dim()).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block.style(t.base()), area);
    inner
}

/// The first row to show so that `selected` stays visible in `height` rows.
pub fn window_start(selected: usize, height: usize, len: usize) -> usize {
    if len <= height {
        0
    } else {
        selected.saturating_sub(height / 2).min(len - height)
    }
}
