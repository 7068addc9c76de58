//! The popup choosing one of the lesson's lab experiments (`L` on a
//! lesson that declares several): each with its number, its title and
//! what it runs; the one the lab is set up for is marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::super::keymap::{self, Where};
use super::super::state::State;
use super::popup::frame_box;
use crate::lab::Experiment;

pub fn draw(state: &State, selected: usize, frame: &mut Frame, screen: Rect) {
    let t = &state.theme;
    let lesson = state.lesson();
    let current = state.lab.experiment_of(lesson);
    let mut lines: Vec<Line> = Vec::new();
    for (i, e) in Experiment::all_from(&lesson.meta.experiments)
        .iter()
        .enumerate()
    {
        let mark = if current == Some(i) { "●" } else { " " };
        let (title, what) = match e {
            Ok(e) => (
                crate::sanitize::field(&e.title, 60).into_owned(),
                format!(
                    "{} · {} tasks · chunk {} · workers {}",
                    e.workload.name(),
                    e.tasks,
                    e.chunksize,
                    e.workers
                        .iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            // `forklab check` names the fault; the list says it is there.
            Err(err) => (
                "(cannot be opened)".to_string(),
                crate::sanitize::field(&err.message, 60).into_owned(),
            ),
        };
        let style = if i == selected {
            t.selected()
        } else {
            t.base()
        };
        lines.push(Line::styled(format!(" {mark} {}  {title} ", i + 1), style));
        lines.push(Line::styled(format!("      {what}"), t.dim()));
    }
    let mut hints: Vec<keymap::Hint> = keymap::hints(Where::List)
        .into_iter()
        .filter(|h| matches!(h.word, "move" | "open" | "close"))
        .collect();
    // The digits that pick one: as many as there are experiments.
    hints.extend(
        keymap::hints(Where::Experiments)
            .into_iter()
            .map(|h| keymap::Hint {
                keys: vec![format!("1-{}", lesson.meta.experiments.len().min(9))],
                ..h
            }),
    );
    let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let inner = frame_box(
        frame,
        screen,
        width.max(44),
        lines.len() as u16 + 2,
        "Lab experiments",
        &keymap::hint_line(&hints),
        t,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
