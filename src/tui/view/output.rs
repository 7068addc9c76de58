//! The output pane: what the running script prints, stdout and stderr in
//! arrival order with a time offset per line, and how it ended.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use unicode_width::UnicodeWidthChar;

use super::super::action::Action;
use super::super::keymap;
use super::super::state::{ExampleRun, RunEnd};
use super::super::theme::Theme;
use crate::python::{EndCause, Stream};

/// Offset column and stream mark: `  12.34 ! ` (stderr is marked, so it
/// reads without colour too).
const GUTTER: usize = 9;

/// The mark of a line the script wrote to stderr.
const STDERR_MARK: char = '!';

/// What the output pane draws: the run, and what it waits for.
pub struct Output<'a> {
    pub theme: &'a Theme,
    pub run: &'a ExampleRun,
    /// The keys scroll this pane.
    pub focused: bool,
    /// The run waits for the search for Python.
    pub waiting_for_python: bool,
    /// The time the run's elapsed time is counted to.
    pub now: std::time::Instant,
}

impl Output<'_> {
    pub fn draw(&self, frame: &mut Frame, area: Rect) {
        if area.height >= 3 {
            draw(self, frame, area);
        }
    }
}

fn draw(pane: &Output, frame: &mut Frame, area: Rect) {
    let (t, run) = (pane.theme, pane.run);
    let border = if pane.focused {
        t.key()
    } else {
        t.pane_border()
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(Line::styled(title(run), t.pane_title()))
        .title_bottom(ending(t, run, pane.now).right_aligned());
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
                rows.extend(wrapped(t, line, width));
                if rows.len() >= height {
                    break;
                }
            }
            rows.truncate(height);
        }
        None => {
            for line in lines.iter().rev() {
                let mut these = wrapped(t, line, width);
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
    if let Some(RunEnd::Failed(message) | RunEnd::Skipped(message)) = &run.end {
        // forklab could not run it: say why in full (how to install Python...).
        rows.extend(
            message
                .lines()
                .map(|l| Line::styled(l.to_string(), t.bad())),
        );
        let skip = rows.len().saturating_sub(height);
        rows.drain(..skip);
    } else if rows.is_empty() {
        let waiting = match &run.end {
            None if pane.waiting_for_python => "looking for Python…",
            None => "waiting for the script's first output…",
            Some(_) => "(the script printed nothing)",
        };
        rows.push(Line::styled(waiting, t.dim()));
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

fn ending(t: &Theme, run: &ExampleRun, now: std::time::Instant) -> Line<'static> {
    let good = t.good();
    let bad = t.bad();
    let hide = keymap::key_for(|a| {
        matches!(
            a,
            Action::Python(crate::tui::action::python::Msg::ToggleOutput)
        )
    });
    match &run.end {
        None if run.timed_out => Line::styled(" time limit passed: stopping… ", bad),
        None => Line::styled(
            format!(
                " running {:.1} s · {} stops ",
                now.saturating_duration_since(run.started_at).as_secs_f32(),
                keymap::key_for(|a| matches!(
                    a,
                    Action::Python(crate::tui::action::python::Msg::Stop)
                ))
            ),
            t.key(),
        ),
        Some(RunEnd::Failed(message)) => {
            Line::styled(format!(" could not run: {} ", first_line(message)), bad)
        }
        Some(RunEnd::Skipped(message)) => Line::styled(format!(" {message} "), bad),
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
fn wrapped(t: &Theme, line: &crate::python::transcript::Line, width: usize) -> Vec<Line<'static>> {
    let (style, mark) = match line.stream {
        Stream::Stdout => (Style::new(), ' '),
        Stream::Stderr => (t.stderr(), STDERR_MARK),
    };
    let mut rows = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    let mut first = true;
    let mut flush = |piece: &mut String, first: &mut bool| {
        let gutter = if *first {
            format!("{:>6.2} ", line.offset.as_secs_f32())
        } else {
            " ".repeat(GUTTER - 2)
        };
        rows.push(Line::from(vec![
            Span::styled(gutter, t.dim()),
            Span::styled(
                format!("{mark} "),
                style.add_modifier(ratatui::style::Modifier::BOLD),
            ),
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
