//! The header line (where am I) and the status bar (what can I do).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::state::State;
use super::super::theme;

pub fn header(state: &State, frame: &mut Frame, area: Rect) {
    let lesson = state.lesson();
    let read = if state.progress.is_read(&lesson.meta.id) {
        " ✓"
    } else {
        ""
    };
    let left = format!(" forklab │ {}{read}", lesson.meta.title);
    let right = if lesson.is_overview() {
        format!("{}/{} ", state.current + 1, state.lessons.len())
    } else {
        let part = state.lessons.part_title(lesson.meta.part);
        format!("{part} · {}/{} ", state.current + 1, state.lessons.len())
    };
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(right.chars().count() as u16),
    ])
    .areas(area);
    let fits = (area.width as usize) > left.chars().count() + right.chars().count();
    frame.render_widget(Paragraph::new(left).style(theme::header()), l);
    if fits {
        frame.render_widget(Paragraph::new(right).style(theme::header()), r);
    } else {
        frame.render_widget(Paragraph::new("").style(theme::header()), r);
    }
}

pub fn status_bar(state: &State, frame: &mut Frame, area: Rect) {
    let position = format!(" {} ", state.position_label());
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(position.len() as u16),
    ])
    .areas(area);
    let left: Line = if let Some(input) = &state.search.input {
        Line::from(vec![
            Span::styled(" Search all lessons: ", theme::key()),
            Span::raw(format!("{input}▏")),
        ])
    } else if let Some(notice) = &state.notice {
        Line::from(Span::styled(format!(" {notice}"), theme::notice()))
    } else if state.search.active() {
        Line::from(vec![
            Span::raw(format!(
                " \"{}\": match {} of {}  ",
                state.search.query,
                state.search.index + 1,
                state.search.hits.len()
            )),
            Span::styled("n", theme::key()),
            Span::raw(" next  "),
            Span::styled("N", theme::key()),
            Span::raw(" previous  "),
            Span::styled("Esc", theme::key()),
            Span::raw(" end search"),
        ])
    } else {
        let mut spans = vec![Span::raw(" ")];
        for (key, what) in [
            ("n/p", "lesson"),
            ("j/k", "scroll"),
            ("t", "contents"),
            ("/", "search"),
            ("?", "help"),
            ("q", "quit"),
        ] {
            spans.push(Span::styled(key, theme::key()));
            spans.push(Span::raw(format!(" {what}  ")));
        }
        if state.doc.has_answers {
            spans.insert(spans.len() - 6, Span::styled("a", theme::key()));
            spans.insert(spans.len() - 6, Span::raw(" answers  "));
        }
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(left).style(theme::status()), l);
    frame.render_widget(Paragraph::new(position).style(theme::status()), r);
}
