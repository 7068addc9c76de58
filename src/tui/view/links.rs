//! The `f` popup: the current lesson's links, to follow with the keyboard.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::action::Action;
use super::super::keymap::{self, Hint, Where};
use super::super::state::State;
use super::popup::{frame_box, window_start};

pub fn draw(state: &State, selected: usize, frame: &mut Frame, screen: Rect) {
    let lines: Vec<Line> = state
        .doc
        .links
        .iter()
        .enumerate()
        .map(|(i, target)| {
            let text = match state.lessons.index_of_link(target) {
                Some(lesson) => format!("→ {}", state.lessons.lessons[lesson].meta.title),
                None => format!("↗ {}", crate::sanitize::line(target)),
            };
            let style = if i == selected {
                state.theme.selected()
            } else {
                ratatui::style::Style::new()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let inner = frame_box(
        frame,
        screen,
        width.max(40),
        lines.len() as u16 + 2,
        "Links",
        &links_footer(),
        &state.theme,
    );
    let start = window_start(selected, inner.height as usize, lines.len());
    frame.render_widget(
        Paragraph::new(
            lines
                .into_iter()
                .skip(start)
                .take(inner.height as usize)
                .collect::<Vec<_>>(),
        ),
        inner,
    );
}

/// The list's keys, with Enter following a link.
fn links_footer() -> String {
    let hints: Vec<Hint> = keymap::hints(Where::List)
        .into_iter()
        .map(|h| {
            match keymap::hint_for(|a| {
                matches!(
                    a,
                    Action::Overlay(crate::tui::action::overlay::Msg::Confirm)
                )
            }) {
                Some(open) if open == h => Hint {
                    word: "follow",
                    ..h
                },
                _ => h,
            }
        })
        .collect();
    keymap::hint_line(&hints)
}
