//! The `t` popup: the table of contents, grouped by part, with what the
//! learner has read.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::keymap::{self, Where};
use super::super::state::State;
use super::popup::{frame_box, window_start};
use crate::lesson::Lesson;

pub fn draw(state: &State, selected: usize, frame: &mut Frame, screen: Rect) {
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_row = 0;
    let mut part = None;
    let title_width = state
        .lessons
        .lessons
        .iter()
        .map(|l| l.meta.title.chars().count() + if l.is_overview() { 3 } else { 5 })
        .max()
        .unwrap_or(20);
    for (index, lesson) in state.lessons.lessons.iter().enumerate() {
        if part != Some(lesson.meta.part) {
            part = Some(lesson.meta.part);
            if !lesson.is_overview() {
                lines.push(Line::styled(
                    state.lessons.part_title(lesson.meta.part),
                    state.theme.key(),
                ));
            }
        }
        let read = if state.progress.is_read(&lesson.meta.id) {
            "✓"
        } else {
            " "
        };
        let here = if index == state.current { "▸" } else { " " };
        let indent = if lesson.is_overview() { "" } else { "  " };
        let quiz = marks(state, lesson);
        let text = format!("{here}{read} {indent}{}", lesson.meta.title);
        let text = format!("{text:<title_width$}");
        let style = match (index == selected, lesson.is_overview()) {
            (true, _) => state.theme.selected(),
            (false, true) => state.theme.key(),
            (false, false) => ratatui::style::Style::new(),
        };
        if index == selected {
            selected_row = lines.len();
        }
        lines.push(Line::from(vec![
            Span::styled(text, style),
            Span::styled(quiz, state.theme.dim()),
        ]));
    }
    let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let (title, hints) = title_and_hints(state);
    let inner = frame_box(
        frame,
        screen,
        width.max(40).max(title.chars().count() as u16 + 6),
        lines.len() as u16 + 2,
        &title,
        &keymap::hint_line(&hints),
        &state.theme,
    );
    let start = window_start(selected_row, inner.height as usize, lines.len());
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(start)
        .take(inner.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

/// What the learner has done in a lesson: `  quiz 2/3  lab ✓  exercise ✓✗`.
fn marks(state: &State, lesson: &Lesson) -> String {
    let questions = lesson.meta.questions.len();
    let answered = state.progress.answered(&lesson.meta.id);
    let quiz = if questions == 0 {
        String::new()
    } else {
        format!("  quiz {answered}/{questions}")
    };
    let quiz = if lesson.meta.experiments.is_empty() {
        quiz
    } else if state.progress.ran_experiment(&lesson.meta.id) {
        format!("{quiz}  lab ✓")
    } else {
        format!("{quiz}  lab")
    };
    if lesson.meta.exercises.is_empty() {
        quiz
    } else {
        let marks: String = lesson
            .meta
            .exercises
            .iter()
            .map(|e| super::practice::mark(state.progress.exercise(&e.id).state))
            .collect();
        format!("{quiz}  exercise {marks}")
    }
}

/// The popup's title (with packs installed, the open course, and the
/// keys to change it in the footer) and its footer's hints.
fn title_and_hints(state: &State) -> (String, Vec<keymap::Hint>) {
    let mut hints = keymap::hints(Where::List);
    let title = match state.courses.get(state.course) {
        Some(course) if state.courses.len() > 1 => {
            hints.extend(keymap::hints(Where::Contents));
            format!(
                "Contents: {} ({}/{})",
                course.title,
                state.course + 1,
                state.courses.len()
            )
        }
        _ => "Contents".to_string(),
    };
    (title, hints)
}
