//! Practice on screen: the check list pane (in the output pane's place,
//! with the run's last lines under it) and the popups around it: choosing
//! an exercise, a yes-or-no question, the prediction, a hint or solution.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::super::action::Action;
use super::super::keymap::{self, Where};
use super::super::state::{Ask, State, Working};
use super::super::theme::Theme;
use super::popup::{frame_box, window_start};
use crate::practice::{Outcome, Overall};
use crate::progress::ExerciseState;

/// ✓ passed, ✗ failing, · not started: an exercise in the contents.
pub fn mark(state: ExerciseState) -> char {
    match state {
        ExerciseState::Passed => '✓',
        ExerciseState::Failing => '✗',
        ExerciseState::NotStarted => '·',
    }
}

/// The check list pane, in the output pane's area.
pub fn pane(state: &State, working: &Working, frame: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let t = &state.theme;
    let exercise = &state.lessons.lessons[working.lesson].meta.exercises[working.exercise];
    let ending = match (&working.problem, &working.running, working.verdict) {
        (Some(_), _, _) => Line::styled(" cannot check ", t.bad()),
        (None, Some(run), _) => Line::styled(format!(" checking: {run}… "), t.key()),
        (None, None, Some(Overall::Pass)) => Line::styled(" ✓ every check passes ", t.good()),
        (None, None, Some(Overall::Fail)) => {
            Line::styled(" ✗ not yet: fix the first ✗ and save ", t.bad())
        }
        (None, None, Some(Overall::CannotJudge)) => Line::styled(
            " ? cannot judge now: the machine is busy; save again later ",
            t.unsure(),
        ),
        (None, None, None) => Line::styled(" save the file to check it ", t.dim()),
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.pane_border())
        .title(Line::styled(
            format!(" Practice · {} · {} ", exercise.title, file_name(working)),
            t.pane_title(),
        ))
        .title_bottom(ending.right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut rows: Vec<Line> = Vec::new();
    if let Some(problem) = &working.problem {
        rows.push(Line::styled(cut(problem, width), t.bad()));
    }
    for check in &working.checks {
        let (mark, style, reason) = match &check.verdict {
            None => ('·', t.dim(), String::new()),
            Some((outcome, reason)) => (
                outcome.mark(),
                match outcome {
                    Outcome::Passed => t.good(),
                    Outcome::Failed => t.bad(),
                    Outcome::CannotJudge => t.unsure(),
                    Outcome::Skipped => t.dim(),
                },
                reason.clone(),
            ),
        };
        let head = format!("{mark} {}", check.label);
        let rest = if reason.is_empty() {
            String::new()
        } else {
            cut(&format!(": {reason}"), width.saturating_sub(head.width()))
        };
        rows.push(Line::from(vec![
            Span::styled(cut(&head, width), style),
            Span::styled(rest, t.dim()),
        ]));
    }
    if let Some(contained) = working.contained.as_ref().filter(|_| !working.judging()) {
        rows.push(Line::styled(
            cut(&format!("limits: {contained}"), width),
            t.dim(),
        ));
    }
    if let Some(prediction) = &state.progress.exercise(&working.id).prediction {
        rows.push(Line::from(vec![
            Span::styled("you predicted: ", t.dim()),
            Span::styled(cut(prediction, width.saturating_sub(15)), t.key()),
        ]));
    }
    // The run's last lines under the checks, as room allows.
    let room = (inner.height as usize).saturating_sub(rows.len() + 1);
    if let Some(run) = state
        .python
        .run
        .as_ref()
        .filter(|r| Some(r.number) == working.run_number && room > 0)
    {
        rows.push(Line::styled(
            cut(&format!("── {} ", run.title), width),
            t.dim(),
        ));
        let lines = run.transcript.lines();
        for line in &lines[lines.len().saturating_sub(room)..] {
            let style = match line.stream {
                crate::python::Stream::Stdout => Style::new(),
                crate::python::Stream::Stderr => t.stderr(),
            };
            rows.push(Line::styled(cut(&line.text, width), style));
        }
    }
    super::draw_lines(frame, inner, &rows);
}

fn file_name(working: &Working) -> String {
    working
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `text` cut to `width` columns, with `…` when cut.
fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

/// The lesson's exercises, to choose one.
pub fn exercises(state: &State, selected: usize, frame: &mut Frame, screen: Rect) {
    let t = &state.theme;
    let exercises = &state.lesson().meta.exercises;
    let lines: Vec<Line> = exercises
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let record = state.progress.exercise(&e.id);
            let text = format!(" {} {} ", mark(record.state), e.title);
            if i == selected {
                Line::styled(text, t.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let inner = frame_box(
        frame,
        screen,
        width.max(40),
        lines.len() as u16 + 2,
        "Exercises",
        &keymap::hint_line(&keymap::hints(Where::Exercises)),
        t,
    );
    let start = window_start(selected, inner.height as usize, lines.len());
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(start)
        .take(inner.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

/// A yes-or-no question.
pub fn ask(ask: &Ask, t: &Theme, frame: &mut Frame, screen: Rect) {
    let (title, text) = match ask {
        Ask::CreateWorkspace { dir } => (
            "Exercise folder",
            format!(
                "Your exercise files go in a folder of your own. Create {} and write the starter files there? (Files that exist are never overwritten.)",
                dir.display()
            ),
        ),
        Ask::RevealSolution => (
            "Solution",
            "You have not passed this exercise yet. Show the reference solution anyway? (Progress remembers that you looked.)".to_string(),
        ),
    };
    text_box(
        frame,
        screen,
        title,
        &text,
        &keymap::hint_line(&keymap::hints(Where::Ask)),
        t,
    );
}

/// The prediction being typed.
pub fn predict(state: &State, text: &str, frame: &mut Frame, screen: Rect) {
    let question = state
        .practice
        .pending
        .and_then(|(l, e)| state.lessons.lessons[l].meta.exercises[e].predict.clone())
        .unwrap_or_default();
    let body = format!("{question}\n\nYour guess, before the first run: {text}▏");
    text_box(
        frame,
        screen,
        "Predict first",
        &body,
        &format!(
            "Enter keeps it · {} skips",
            keymap::key_for(|a| matches!(
                a,
                Action::Practice(crate::tui::action::practice::Msg::AskNo)
            ))
        ),
        &state.theme,
    );
}

/// A hint or the solution.
pub fn text(
    title: &str,
    lines: &[String],
    scroll: usize,
    t: &Theme,
    frame: &mut Frame,
    screen: Rect,
) {
    let width = lines
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(20)
        .clamp(30, 90) as u16
        + 4;
    let wrapped: u16 = lines
        .iter()
        .map(|l| (l.width() as u16 / width.saturating_sub(4).max(1)) + 1)
        .sum();
    let inner = frame_box(
        frame,
        screen,
        width,
        wrapped + 2,
        title,
        &keymap::hint_line(&keymap::hints(Where::TextPopup)),
        t,
    );
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .map(|l| Line::raw(l.clone()))
        .collect();
    frame.render_widget(Paragraph::new(shown).wrap(Wrap { trim: false }), inner);
}

fn text_box(frame: &mut Frame, screen: Rect, title: &str, text: &str, footer: &str, t: &Theme) {
    let width = 64u16;
    let rows = text
        .lines()
        .map(|l| l.width() as u16 / (width - 4) + 1)
        .sum::<u16>();
    let inner = frame_box(frame, screen, width, rows + 2, title, footer, t);
    frame.render_widget(
        Paragraph::new(text.to_string()).wrap(Wrap { trim: true }),
        inner,
    );
}
