//! The lesson pane: the rendered lesson, scrolled, with search hits marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState};

use crate::lesson::render::{self, Doc};

use super::super::theme::Theme;

/// What the lesson pane draws: the rendered lesson, where it is
/// scrolled to, and the search's matches on it.
pub struct LessonPane<'a> {
    pub theme: &'a Theme,
    pub doc: &'a Doc,
    /// The first line shown, and the last it may be.
    pub scroll: usize,
    pub max_scroll: usize,
    /// The search's query, lowercase, while a search is on.
    pub query: Option<String>,
    /// The line of the current match, if it is in this lesson.
    pub current_hit: Option<usize>,
}

impl LessonPane<'_> {
    /// The lesson in `text` (inside `area`), a scrollbar at `area`'s edge.
    pub fn draw(&self, frame: &mut Frame, area: Rect, text: Rect) {
        let lines: Vec<Line> = self
            .doc
            .lines()
            .enumerate()
            .skip(self.scroll)
            .take(text.height as usize)
            .map(|(i, line)| {
                styled(
                    self.theme,
                    line,
                    self.query.as_deref(),
                    self.current_hit == Some(i),
                )
            })
            .collect();
        super::draw_lines(frame, text, &lines);
        if self.doc.len() > text.height as usize {
            let mut bar = ScrollbarState::new(self.max_scroll).position(self.scroll);
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
