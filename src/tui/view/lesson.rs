//! The lesson pane: the rendered lesson, scrolled, with search hits marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState};

use crate::lesson::render;

use super::super::state::State;
use super::super::theme::Theme;

pub fn draw(state: &State, frame: &mut Frame, area: Rect, text: Rect) {
    let query = state
        .search
        .active()
        .then(|| state.search.query.to_ascii_lowercase());
    let current_hit = state
        .search
        .hits
        .get(state.search.index)
        .filter(|h| h.lesson == state.current)
        .map(|h| h.line);
    let lines: Vec<Line> = state
        .doc
        .lines()
        .enumerate()
        .skip(state.scroll)
        .take(text.height as usize)
        .map(|(i, line)| styled(&state.theme, line, query.as_deref(), current_hit == Some(i)))
        .collect();
    super::draw_lines(frame, text, &lines);
    if state.doc.len() > text.height as usize {
        let mut bar = ScrollbarState::new(state.max_scroll()).position(state.scroll);
        let track = Rect {
            y: text.y,
            height: text.height,
            ..area
        };
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None),
            track,
            &mut bar,
        );
    }
}

/// Converts a rendered line to a ratatui line, marking matches of the query.
fn styled<'a>(
    t: &Theme,
    line: render::LineRef<'a>,
    query: Option<&str>,
    current: bool,
) -> Line<'a> {
    let spans: Vec<Span> = match query {
        Some(q) if line.plain().to_ascii_lowercase().contains(q) => {
            let plain = line.plain().to_ascii_lowercase();
            let marks: Vec<(usize, usize)> = plain
                .match_indices(q)
                .map(|(s, m)| (s, s + m.len()))
                .collect();
            let mut out = Vec::new();
            let mut offset = 0;
            for span in line.spans() {
                let base = t.tone(span.tone);
                let end = offset + span.text.len();
                let mut cut = offset;
                let mut pieces = Vec::new();
                for &(s, e) in &marks {
                    let (s, e) = (s.max(offset), e.min(end));
                    if s < e {
                        pieces.push((cut, s, false));
                        pieces.push((s, e, true));
                        cut = e;
                    }
                }
                pieces.push((cut, end, false));
                for (s, e, hit) in pieces {
                    if s < e {
                        let style = if hit { t.search_hit() } else { base };
                        let style = if hit && current {
                            style.add_modifier(ratatui::style::Modifier::BOLD)
                        } else {
                            style
                        };
                        out.push(Span::styled(
                            span.text[s - offset..e - offset].to_string(),
                            style,
                        ));
                    }
                }
                offset = end;
            }
            out
        }
        _ => line
            .spans()
            .map(|s| Span::styled(s.text, t.tone(s.tone)))
            .collect(),
    };
    Line::from(spans)
}
