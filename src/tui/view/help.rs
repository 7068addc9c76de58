//! The `?` popup: every key, from the keymap's own table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::keymap::HELP;
use super::super::theme;
use super::popup::frame_box;

pub fn draw(frame: &mut Frame, screen: Rect) {
    let key_width = HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter())
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    for (section, keys) in HELP {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(
            *section,
            theme::tone(crate::lesson::render::Tone {
                role: crate::lesson::render::Role::Heading(2),
                ..Default::default()
            }),
        ));
        for (key, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<key_width$}  "), theme::key()),
                Span::raw(*what),
            ]));
        }
    }
    let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let inner = frame_box(
        frame,
        screen,
        width,
        lines.len() as u16 + 2,
        "Keys",
        "any key closes",
    );
    frame.render_widget(Paragraph::new(lines), inner);
}
