//! The lab's results beside another machine's (`forklab --compare TRACE`):
//! one row per worker count, the recorded machine's wall time and speedup,
//! then this machine's; each the fastest of its point's runs, `*` when the
//! machine was busy, as each machine's own table shows it. Several
//! variants of the settings (chunk 1, chunk 1024) each have a heading and
//! their rows; a variant matches its like on the other machine whatever
//! task size each measured.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::super::lab::variants::{self, Table, Variant};
use super::super::lab::{LabView, Recorded};
use super::super::theme::Theme;
use crate::lab::measure::Row as Measure;

/// One set-up's rows on both machines.
struct Pair {
    label: String,
    theirs: Vec<Measure>,
    ours: Vec<Measure>,
}

/// The two machines' tables, matched by set-up: the recorded machine's
/// order, then this machine's others.
fn pairs(lab: &LabView, recorded: &Recorded) -> Vec<Pair> {
    let setup_tables = |tables: Vec<Table>| -> Vec<(Variant, Vec<Measure>)> {
        tables
            .into_iter()
            .map(|t| (t.variant.setup(), t.rows))
            .collect()
    };
    let theirs = setup_tables(recorded.tables());
    let ours = setup_tables(lab.tables());
    let mut setups: Vec<Variant> = Vec::new();
    for (v, _) in theirs.iter().chain(&ours) {
        if !setups.contains(v) {
            setups.push(v.clone());
        }
    }
    let labels = variants::labels(&setups.iter().collect::<Vec<_>>());
    let rows_of = |tables: &[(Variant, Vec<Measure>)], v: &Variant| {
        tables
            .iter()
            .find(|(w, _)| w == v)
            .map(|(_, rows)| rows.clone())
            .unwrap_or_default()
    };
    setups
        .iter()
        .zip(labels)
        .map(|(v, label)| Pair {
            label,
            theirs: rows_of(&theirs, v),
            ours: rows_of(&ours, v),
        })
        .collect()
}

impl Pair {
    /// The worker counts either machine measured, in order.
    fn counts(&self) -> Vec<usize> {
        let mut counts: Vec<usize> = self
            .theirs
            .iter()
            .chain(&self.ours)
            .map(|r| r.workers)
            .collect();
        counts.sort_unstable();
        counts.dedup();
        counts
    }
}

/// Table rows the comparison takes: its two-line header, each set-up's
/// heading (when there are several) and worker counts, the `*` legend,
/// a blank row before the chart.
pub fn height(lab: &LabView, recorded: &Recorded) -> u16 {
    let pairs = pairs(lab, recorded);
    let headings = if pairs.len() > 1 { pairs.len() } else { 0 };
    let rows: usize = pairs.iter().map(|p| p.counts().len()).sum();
    (3 + headings + rows + usize::from(any_busy(&pairs))) as u16
}

/// Whether either machine's table marks a point with `*`.
fn any_busy(pairs: &[Pair]) -> bool {
    pairs
        .iter()
        .flat_map(|p| p.theirs.iter().chain(&p.ours))
        .any(|r| r.busy)
}

pub fn table(t: &Theme, lab: &LabView, recorded: &Recorded, frame: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let pairs = pairs(lab, recorded);
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
    let bold = t.dim().add_modifier(Modifier::BOLD);
    // The two machines' names over their columns (8 + 1, then 13 + 1 + 12 + 1).
    let groups = format!(
        "{:9}{:<27}this machine ({} cores)",
        "",
        format!("recorded {}-core machine", recorded.cores),
        lab.cores
    );
    let header = format!(
        "{:<8} {:<13} {:<12} {:<13} speedup",
        "workers", "wall time", "speedup", "wall time"
    );
    let mut lines = vec![Line::styled(groups, bold), Line::styled(header, bold)];
    for pair in &pairs {
        if pairs.len() > 1 {
            lines.push(Line::styled(pair.label.clone(), t.key()));
        }
        for n in pair.counts() {
            let (a, b) = (find(&pair.theirs, n), find(&pair.ours, n));
            lines.push(Line::raw(format!(
                "{n:>7}  {:<13} {:<12} {:<13} {}",
                wall(&a),
                speedup(&a),
                wall(&b),
                speedup(&b)
            )));
        }
    }
    let area = super::lab::busy_legend(t, (any_busy(&pairs), lines.len() as u16 - 1), frame, area);
    frame.render_widget(Paragraph::new(lines), area);
}
