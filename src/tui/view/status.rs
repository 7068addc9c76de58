//! The header line (where am I) and the status bar (what can I do).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::state::{Mode, State};
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
    // The part's name only when the lesson's title has room.
    let right = if (area.width as usize) > left.chars().count() + right.chars().count() {
        right
    } else {
        format!("{}/{} ", state.current + 1, state.lessons.len())
    };
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(right.chars().count() as u16),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(left).style(theme::header()), l);
    frame.render_widget(Paragraph::new(right).style(theme::header()), r);
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
        let running = state.run.as_ref().is_some_and(|r| r.running());
        let scroll = if state.focus == super::super::state::Focus::Output {
            "output"
        } else {
            "scroll"
        };
        let mut hints: Vec<(&str, &str)> =
            vec![("n/p", "lesson"), ("j/k", scroll), ("t", "contents")];
        if state.mode == Mode::Lab {
            hints = vec![
                ("+/-", "workers"),
                ("r", "run"),
                ("s", "sweep"),
                ("x", "stop"),
                ("L", "lesson"),
            ];
        } else if running {
            hints.push(("x", "stop script"));
        } else if !state.lesson().meta.examples.is_empty() {
            hints.push(("e", "run example"));
        }
        if state.doc.has_answers && state.mode == Mode::Lesson {
            hints.push(("a", "answers"));
        }
        hints.extend([("/", "search"), ("?", "help"), ("q", "quit")]);
        // Drop the least needed hints until the rest fit.
        let room = l.width as usize;
        let width =
            |h: &[(&str, &str)]| h.iter().map(|(k, w)| k.len() + w.len() + 3).sum::<usize>() + 1;
        for drop in ["contents", "search", "answers", "lesson"] {
            if width(&hints) > room {
                hints.retain(|(_, w)| *w != drop);
            }
        }
        let mut spans = vec![Span::raw(" ")];
        for (key, what) in hints {
            spans.push(Span::styled(key, theme::key()));
            spans.push(Span::raw(format!(" {what}  ")));
        }
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(left).style(theme::status()), l);
    frame.render_widget(Paragraph::new(position).style(theme::status()), r);
}
