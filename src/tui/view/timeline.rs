//! The lab's timeline: one row per worker, its tasks as bars over the
//! run's time. Drawn from a borrowed [`TimelineRef`], so the current run
//! and the one before it are drawn the same way.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::super::lab::{TimelineRef, WorkerEnd};
use super::super::theme::Theme;

/// At most this many worker rows; more are counted on the last row.
const MAX_ROWS: usize = 12;

/// Rows a timeline would take: its scale, the master's serial work, its
/// workers (up to [`MAX_ROWS`]), and a title when it has one.
pub fn height(tl: TimelineRef, titled: bool) -> u16 {
    if tl.workers.is_empty() {
        return 0;
    }
    let rows = (tl.workers.len() + usize::from(!tl.serial.is_empty())).min(MAX_ROWS);
    (rows + 1 + usize::from(titled)) as u16
}

/// One row per worker: pid, a timeline of its tasks, tasks done; under
/// `title` when given (two runs shown together say which is which), over
/// `span` of time (two runs shown together share one scale).
pub fn draw(
    t: &Theme,
    tl: TimelineRef,
    (title, span): (Option<Line>, Duration),
    frame: &mut Frame,
    area: Rect,
) {
    if area.height < 2 + u16::from(title.is_some()) {
        return;
    }
    let label = 16;
    let width = (area.width as usize).saturating_sub(label + 10).max(4);
    let span = span.max(tl.now).as_secs_f64().max(1e-3);
    let column = |t: std::time::Duration| {
        ((t.as_secs_f64() / span) * width as f64)
            .floor()
            .min(width as f64 - 1.0) as usize
    };
    let mut lines: Vec<Line> = title.into_iter().collect();
    lines.push(Line::styled(
        format!(
            "{:<label$}0 s{:>w$}",
            // A pool of threads: their ids in the kernel (ps -L, top -H).
            if tl.threads {
                "thread  tid"
            } else {
                "worker  pid"
            },
            format!("{:.2} s", span),
            w = width.saturating_sub(3)
        ),
        t.dim(),
    ));
    if !tl.serial.is_empty() {
        let mut cells = vec![' '; width];
        for (start, end) in tl.serial {
            for cell in cells
                .iter_mut()
                .take(column(end.unwrap_or(tl.now)) + 1)
                .skip(column(*start))
            {
                *cell = '█';
            }
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{:<label$}", "master (serial)"), t.dim()),
            Span::styled(cells.into_iter().collect::<String>(), t.serial()),
        ]));
    }
    let shown = (area.height as usize).saturating_sub(lines.len());
    for (i, worker) in tl.workers.iter().enumerate().take(shown) {
        let mut cells: Vec<Option<bool>> = vec![None; width];
        for bar in tl.bars.iter().filter(|b| b.worker == i) {
            for cell in cells
                .iter_mut()
                .take(column(bar.end.unwrap_or(tl.now)) + 1)
                .skip(column(bar.start))
            {
                *cell = Some(bar.task % 2 == 0);
            }
        }
        let mut spans = vec![Span::styled(
            // Numbered from 1, as the process pane and Python name workers.
            format!("w{:<3} {:<10} ", i + 1, worker.pid),
            t.process(i + 1),
        )];
        let mut run = String::new();
        let mut kind = None;
        for cell in cells {
            if cell != kind && !run.is_empty() {
                spans.push(bar_span(t, std::mem::take(&mut run), kind));
            }
            kind = cell;
            run.push(if cell.is_some() { '█' } else { ' ' });
        }
        spans.push(bar_span(t, run, kind));
        let state = match (&worker.ended, worker.task) {
            // The status line above says how and why.
            (Some(WorkerEnd::Crashed(_)), _) => " crashed".to_string(),
            (_, Some(task)) => format!(" {:>4} done · task {task}", worker.done),
            _ => format!(" {:>4} done", worker.done),
        };
        spans.push(Span::raw(state));
        lines.push(Line::from(spans));
    }
    if tl.workers.len() > shown
        && let Some(last) = lines.last_mut()
    {
        *last = Line::styled(
            format!("… and {} more workers", tl.workers.len() - shown + 1),
            t.dim(),
        );
    }
    super::draw_lines(frame, area, &lines);
}

fn bar_span(t: &Theme, text: String, kind: Option<bool>) -> Span<'static> {
    let style = kind.map_or(Style::new(), |even| t.task(even));
    Span::styled(text, style)
}
