//! The `?` popup: every key, from the keymap's table. As many columns (up
//! to three) as it takes to fit the screen; one that scrolls with `j` `k`
//! when even three do not.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::keymap::{Section, Where, sections_from};
use super::super::theme::Theme;
use super::popup::frame_box;
use crate::lesson::render::{Role, Tone};

/// The widest key column; longer keys get a line of their own.
const KEY_COLUMN: usize = 16;

/// Space between columns.
const GAP: u16 = 2;

/// The lines of some sections, wrapped to `width` columns.
fn section_lines(
    t: &Theme,
    sections: &[Section],
    key_width: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let indent = key_width + 4;
    for section in sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(
            section.heading.to_string(),
            t.tone(Tone {
                role: Role::Heading(2),
                ..Default::default()
            }),
        ));
        for row in &section.rows {
            let keys = row.keys_text();
            let help = wrap(row.help, width.saturating_sub(indent).max(10));
            let mut help = help.into_iter();
            if keys.chars().count() > key_width {
                lines.push(Line::styled(format!("  {keys}"), t.key()));
            } else {
                let first = help.next().unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<key_width$}  "), t.key()),
                    Span::raw(first),
                ]));
            }
            for more in help {
                lines.push(Line::raw(format!("{:indent$}{more}", "")));
            }
        }
    }
    lines
}

/// Splits text into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Splits the sections into `n` columns (1 to 3) with the shortest
/// longest column, measured as drawn.
fn split(
    t: &Theme,
    sections: &[Section],
    n: usize,
    key_width: usize,
    width: usize,
) -> Vec<Vec<Line<'static>>> {
    let len = sections.len();
    let lines =
        |range: std::ops::Range<usize>| section_lines(t, &sections[range], key_width, width);
    let mut cuts: Vec<Vec<usize>> = Vec::new();
    match n {
        1 => cuts.push(vec![]),
        2 => cuts.extend((1..len).map(|a| vec![a])),
        _ => {
            for a in 1..len {
                cuts.extend((a + 1..len).map(|b| vec![a, b]));
            }
        }
    }
    cuts.into_iter()
        .map(|cut| {
            let bounds: Vec<usize> = std::iter::once(0).chain(cut).chain([len]).collect();
            bounds
                .windows(2)
                .map(|w| lines(w[0]..w[1]))
                .collect::<Vec<_>>()
        })
        .min_by_key(|columns| columns.iter().map(Vec::len).max().unwrap_or(0))
        .unwrap_or_default()
}

/// The help, opened at `from`: the keys of where the learner was first.
pub fn draw(
    t: &Theme,
    from: Where,
    scroll: usize,
    replaying: bool,
    frame: &mut Frame,
    screen: Rect,
) {
    // A replay's keys only while replaying: they do nothing otherwise.
    let replay = Where::Replay.heading();
    let sections: Vec<Section> = sections_from(from)
        .into_iter()
        .filter(|s| replaying || s.heading != replay)
        .collect();
    let key_width = sections
        .iter()
        .flat_map(|s| s.rows.iter())
        .map(|r| r.keys_text().chars().count())
        .filter(|&w| w <= KEY_COLUMN)
        .max()
        .unwrap_or(0);
    let natural = sections
        .iter()
        .flat_map(|s| s.rows.iter())
        .map(|r| key_width + 4 + r.help.chars().count())
        .max()
        .unwrap_or(20);
    let room_w = screen.width.saturating_sub(4);
    let room_h = screen.height.saturating_sub(4) as usize;
    for n in 1..=3u16 {
        let width = (room_w.saturating_sub(GAP * (n - 1)) / n).min(natural as u16);
        if (width as usize) < key_width + 4 + 16 {
            break;
        }
        let columns = split(t, &sections, n as usize, key_width, width as usize);
        let height = columns.iter().map(Vec::len).max().unwrap_or(0);
        if height <= room_h {
            let inner = frame_box(
                frame,
                screen,
                n * width + GAP * (n - 1) + 2,
                height as u16 + 2,
                "Keys",
                "any key closes",
                t,
            );
            for (i, lines) in columns.into_iter().enumerate() {
                let x = inner.x + i as u16 * (width + GAP);
                let area = Rect::new(
                    x,
                    inner.y,
                    width.min(inner.right().saturating_sub(x)),
                    inner.height,
                );
                frame.render_widget(Paragraph::new(lines), area);
            }
            return;
        }
    }
    let width = room_w.min(natural as u16);
    let all = section_lines(t, &sections, key_width, width as usize);
    let inner = frame_box(
        frame,
        screen,
        width + 2,
        all.len() as u16 + 2,
        "Keys",
        "j k scroll · other keys close",
        t,
    );
    let start = scroll.min(all.len().saturating_sub(inner.height as usize));
    frame.render_widget(
        Paragraph::new(all.into_iter().skip(start).collect::<Vec<_>>()),
        inner,
    );
}
