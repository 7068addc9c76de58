//! The `?` popup: every key, from the keymap's own table. Two columns when
//! the screen is wide enough, else one that scrolls with `j` `k`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::keymap::HELP;
use super::super::theme;
use super::popup::frame_box;
use crate::lesson::render::{Role, Tone};

/// The lines of some help sections.
fn section_lines(sections: &[(&str, &[(&str, &str)])], key_width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (section, keys) in sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(
            section.to_string(),
            theme::tone(Tone {
                role: Role::Heading(2),
                ..Default::default()
            }),
        ));
        for (key, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<key_width$}  "), theme::key()),
                Span::raw(what.to_string()),
            ]));
        }
    }
    lines
}

pub fn draw(scroll: usize, frame: &mut Frame, screen: Rect) {
    let key_width = HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter())
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let all = section_lines(HELP, key_width);
    let width = all.iter().map(Line::width).max().unwrap_or(20) as u16;
    // Split where the two halves are closest in length.
    let total: usize = HELP.iter().map(|(_, k)| k.len() + 2).sum();
    let mut split = 0;
    let mut acc = 0;
    for (i, (_, keys)) in HELP.iter().enumerate() {
        if acc + keys.len() + 2 > total / 2 + 1 && i > 0 {
            break;
        }
        acc += keys.len() + 2;
        split = i + 1;
    }
    let (left, right) = (
        section_lines(&HELP[..split], key_width),
        section_lines(&HELP[split..], key_width),
    );
    let two_columns = all.len() as u16 + 2 > screen.height.saturating_sub(2)
        && 2 * width + 7 <= screen.width.saturating_sub(2);
    if two_columns {
        let height = left.len().max(right.len()) as u16 + 2;
        let inner = frame_box(
            frame,
            screen,
            2 * width + 7,
            height,
            "Keys",
            "any key closes",
        );
        let [l, _, r] = Layout::horizontal([
            Constraint::Length(width + 1),
            Constraint::Length(2),
            Constraint::Fill(1),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(left), l);
        frame.render_widget(Paragraph::new(right), r);
    } else {
        let footer = if all.len() as u16 + 2 > screen.height.saturating_sub(2) {
            "j k scroll · other keys close"
        } else {
            "any key closes"
        };
        let inner = frame_box(
            frame,
            screen,
            width + 4,
            all.len() as u16 + 2,
            "Keys",
            footer,
        );
        let start = scroll.min(all.len().saturating_sub(inner.height as usize));
        frame.render_widget(
            Paragraph::new(all.into_iter().skip(start).collect::<Vec<_>>()),
            inner,
        );
    }
}
