//! The lab's results beside another machine's (`forklab --compare TRACE`):
//! one row per worker count, the recorded machine's wall time and speedup,
//! then this machine's; each the fastest of its point's runs, `*` when the
//! machine was busy, as each machine's own table shows it.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::super::lab::{LabView, Recorded};
use super::super::theme::Theme;
use crate::lab::measure::Row as Measure;

/// Table rows the comparison takes: its worker counts and a two-line header.
pub fn height(lab: &LabView, recorded: &Recorded) -> u16 {
    counts(lab, recorded).len() as u16 + 3 + u16::from(any_busy(lab, recorded))
}

/// Whether either machine's table marks a point with `*`.
fn any_busy(lab: &LabView, recorded: &Recorded) -> bool {
    lab.rows().iter().chain(&recorded.rows()).any(|r| r.busy)
}

fn counts(lab: &LabView, recorded: &Recorded) -> BTreeSet<usize> {
    lab.measured
        .iter()
        .map(|m| m.result.config.workers)
        .chain(recorded.results.iter().map(|r| r.config.workers))
        .collect()
}

pub fn table(t: &Theme, lab: &LabView, recorded: &Recorded, frame: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let rows = counts(lab, recorded).len() as u16 + 1;
    let area = super::lab::busy_legend(t, (any_busy(lab, recorded), rows), frame, area);
    let theirs = recorded.rows();
    let ours = lab.rows();
    let find = |rows: &[Measure], n: usize| rows.iter().find(|r| r.workers == n).cloned();
    let wall = |r: &Option<Measure>| {
        r.as_ref().map_or(format!("{:>9}", "-"), |r| {
            // `*`: measured while other programs kept the machine busy.
            let busy = if r.busy { "*" } else { "" };
            format!("{:>7.3} s{busy}", r.wall.as_secs_f64())
        })
    };
    let speedup = |r: &Option<Measure>| {
        r.as_ref()
            .and_then(|r| r.speedup)
            .map_or(format!("{:>7}", "-"), |s| format!("{s:>6.2}×"))
    };
    let body = counts(lab, recorded).into_iter().map(|n| {
        let (a, b) = (find(&theirs, n), find(&ours, n));
        Row::new(vec![
            Cell::from(format!("{n:>7}")),
            Cell::from(wall(&a)),
            Cell::from(speedup(&a)),
            Cell::from(wall(&b)),
            Cell::from(speedup(&b)),
        ])
    });
    let bold = t.dim().add_modifier(Modifier::BOLD);
    // The two machines' names over their columns (8 + 1, then 13 + 1 + 12 + 1).
    let groups = format!(
        "{:9}{:<27}this machine ({} cores)",
        "",
        format!("recorded {}-core machine", recorded.cores),
        lab.cores
    );
    frame.render_widget(Paragraph::new(Line::styled(groups, bold)), area);
    let area = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let header = Row::new(["workers", "wall time", "speedup", "wall time", "speedup"]).style(bold);
    let widths = [
        Constraint::Length(8),
        Constraint::Length(13),
        Constraint::Length(12),
        Constraint::Length(13),
        Constraint::Fill(1),
    ];
    frame.render_widget(
        Table::new(body, widths).header(header).column_spacing(1),
        area,
    );
}
