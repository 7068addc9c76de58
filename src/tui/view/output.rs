//! The output pane: what the running script prints, stdout and stderr in
//! arrival order with a time offset per line, and how it ended.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use unicode_width::UnicodeWidthChar;

use super::super::action::Action;
use super::super::keymap;
use super::super::state::{ExampleRun, Focus, RunEnd, State};
use super::super::theme;
use crate::python::{EndCause, Stream};

/// Offset column: `  12.34 `.
const GUTTER: usize = 8;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let Some(run) = state.python.run.as_ref().filter(|_| area.height >= 3) else {
        return;
    };
    let border = if state.focus == Focus::Output {
        theme::key()
    } else {
        theme::pane_border()
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(Line::styled(title(run), theme::pane_title()))
        .title_bottom(ending(run).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = (inner.width as usize).saturating_sub(GUTTER).max(10);
    let height = inner.height as usize;
    let lines = run.transcript.lines();
    // Rows, wrapped to the pane, from the first line shown (or the end).
    let mut rows: Vec<Line> = Vec::new();
    match run.scroll {
        Some(first) => {
            for line in lines.iter().skip(first) {
                rows.extend(wrapped(line, width));
                if rows.len() >= height {
                    break;
                }
            }
            rows.truncate(height);
        }
        None => {
            for line in lines.iter().rev() {
                let mut these = wrapped(line, width);
                these.append(&mut rows);
                rows = these;
                if rows.len() >= height {
                    break;
                }
            }
            let skip = rows.len().saturating_sub(height);
            rows.drain(..skip);
        }
    }
    if let Some(RunEnd::Failed(message)) = &run.end {
        // forklab could not run it: say why in full (how to install Python...).
        rows.extend(
            message
                .lines()
                .map(|l| Line::styled(l.to_string(), Style::new().fg(Color::LightRed))),
        );
        let skip = rows.len().saturating_sub(height);
        rows.drain(..skip);
    } else if rows.is_empty() {
        let waiting = match &run.end {
            None if state.python.waiting.is_some() => "looking for Python…",
            None => "waiting for the script's first output…",
            Some(_) => "(the script printed nothing)",
        };
        rows.push(Line::styled(waiting, theme::dim()));
    }
    frame.render_widget(Paragraph::new(rows), inner);
}

fn title(run: &ExampleRun) -> String {
    match &run.started {
        Some(s) => {
            let method = if s.start_method_chosen {
                s.start_method.as_str().to_string()
            } else {
                format!("{} (default)", s.start_method.as_str())
            };
            format!(
                " Python {} · {} · {} · pid {} ",
                s.python_version, method, run.command, s.pid
            )
        }
        None => format!(" {} ", run.command),
    }
}

fn ending(run: &ExampleRun) -> Line<'static> {
    let good = Style::new()
        .fg(Color::LightGreen)
        .add_modifier(Modifier::BOLD);
    let bad = Style::new()
        .fg(Color::LightRed)
        .add_modifier(Modifier::BOLD);
    let hide = keymap::key_for(|a| matches!(a, Action::ToggleOutput));
    match &run.end {
        None if run.timed_out => Line::styled(" time limit passed: stopping… ", bad),
        None => Line::styled(
            format!(
                " running {:.1} s · {} stops ",
                run.started_at.elapsed().as_secs_f32(),
                keymap::key_for(|a| matches!(a, Action::StopExample))
            ),
            theme::key(),
        ),
        Some(RunEnd::Failed(message)) => {
            Line::styled(format!(" could not run: {} ", first_line(message)), bad)
        }
        Some(RunEnd::Exited(e)) => {
            let took = e.elapsed.as_secs_f32();
            match e.cause {
                EndCause::Stopped => {
                    Line::styled(format!(" stopped after {took:.1} s · {hide} hides "), bad)
                }
                EndCause::TimedOut => {
                    Line::styled(format!(" stopped at the time limit ({took:.0} s) "), bad)
                }
                EndCause::Finished if e.expected && e.expect_exit != 0 => Line::styled(
                    format!(
                        " {} in {took:.1} s: the failure this lesson shows ✓ · {hide} hides ",
                        e.status
                    ),
                    good,
                ),
                EndCause::Finished if e.expected => Line::styled(
                    format!(" {} in {took:.1} s ✓ · {hide} hides ", e.status),
                    good,
                ),
                EndCause::Finished => Line::styled(
                    format!(
                        " {} in {took:.1} s (the lesson expects {}) · {hide} hides ",
                        e.status, e.expect_exit
                    ),
                    bad,
                ),
            }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// One transcript line as screen rows: the offset, then the text cut to
/// the pane's width (continuations under the text, not the offset).
fn wrapped(line: &crate::python::transcript::Line, width: usize) -> Vec<Line<'static>> {
    let style = match line.stream {
        Stream::Stdout => Style::new(),
        Stream::Stderr => Style::new().fg(Color::LightRed),
    };
    let mut rows = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    let mut first = true;
    let mut flush = |piece: &mut String, first: &mut bool| {
        let gutter = if *first {
            format!("{:>6.2}  ", line.offset.as_secs_f32())
        } else {
            " ".repeat(GUTTER)
        };
        rows.push(Line::from(vec![
            Span::styled(gutter, theme::dim()),
            Span::styled(std::mem::take(piece), style),
        ]));
        *first = false;
    };
    for ch in line.text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > width {
            flush(&mut piece, &mut first);
            used = 0;
        }
        piece.push(ch);
        used += w;
    }
    flush(&mut piece, &mut first);
    rows
}
