//! The lab's results: one table and one speedup chart for every variant
//! of the experiment's settings the learner ran (chunk 1 beside chunk
//! 1024, Python's `Pool` beside forklab's workers). Each variant has a
//! heading in the table and a curve in the chart, drawn in the same
//! colour (or, without colour, the same mark); the newest variants that
//! fit are listed, the others counted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::lab::LabView;
use super::super::lab::variants::Table;
use super::super::theme::Theme;
use super::chart;
use crate::lab::Workload;
use crate::lab::measure::Row;

/// Rows the results want: the header, each variant's heading (when there
/// are several) and rows, the line counting variants not listed, the `*`
/// legend, and a blank row before the chart.
pub fn height(lab: &LabView) -> u16 {
    if lab.measured.is_empty() {
        return 0;
    }
    let tables = lab.tables();
    let headings = if tables.len() > 1 { tables.len() } else { 0 };
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    let busy = tables.iter().flat_map(|t| &t.rows).any(|r| r.busy);
    (2 + headings + rows + usize::from(lab.dropped > 0) + usize::from(busy)) as u16
}

/// The style and mark of the `i`th variant's curve and heading: a colour
/// of its own, or without colour a marker of its own, named by `mark`.
pub(super) fn series(t: &Theme, i: usize) -> (Style, Marker, &'static str) {
    if t.coloured() {
        (
            t.process(i).add_modifier(Modifier::BOLD),
            Marker::Braille,
            "●",
        )
    } else {
        let (marker, mark) = marker(i);
        (Style::new().add_modifier(Modifier::BOLD), marker, mark)
    }
}

/// The `i`th of the markers curves of one style are told apart by, and
/// the character that names it in a legend.
fn marker(i: usize) -> (Marker, &'static str) {
    const MARKERS: [(Marker, &str); 6] = [
        // The light ones first: a heavy one hides the curves under it.
        (Marker::Braille, "⠒"),
        (Marker::Dot, "•"),
        (Marker::Bar, "▄"),
        (Marker::Quadrant, "▚"),
        (Marker::HalfBlock, "▀"),
        (Marker::Block, "█"),
    ];
    MARKERS[i % MARKERS.len()]
}

/// Which variants' tables fit `room` rows (the header's excluded), newest
/// kept: their indices, oldest first.
fn fitting(tables: &[Table], room: usize, counted: usize) -> Vec<usize> {
    let several = tables.len() > 1;
    let cost = |t: &Table| t.rows.len() + usize::from(several);
    let mut shown: Vec<usize> = Vec::new();
    let mut used = 0;
    for (i, table) in tables.iter().enumerate().rev() {
        // A line counts what is left out, when anything is.
        let hidden = i + counted;
        if used + cost(table) + usize::from(hidden > 0) > room && !shown.is_empty() {
            break;
        }
        used += cost(table);
        shown.push(i);
    }
    shown.reverse();
    shown
}

/// The cells of one point, formatted as the header's columns.
fn cells(row: &Row, amdahl: bool, guess: Option<f64>) -> Vec<String> {
    let mut cells = vec![
        // `*`: measured while other programs kept the machine busy.
        format!("{:>6}{}", row.workers, if row.busy { "*" } else { "" }),
        format!("{:>8.3}s", row.wall.as_secs_f64()),
        spread(row).unwrap_or_else(|| "-".into()),
        row.speedup.map_or("   -".into(), |s| format!("{s:>6.2}×")),
        row.efficiency
            .map_or("   -".into(), |e| format!("{:>8.0}%", e * 100.0)),
        format!("{:>5.0}ms", row.startup.as_secs_f64() * 1000.0),
    ];
    if amdahl {
        cells.push(row.predicted.map_or("-".into(), |p| format!("{p:>5.2}×")));
    }
    cells.push(guess.map_or(String::new(), |g| {
        let off = (g - row.wall.as_secs_f64()) / row.wall.as_secs_f64().max(1e-9) * 100.0;
        format!("{g:.2} s ({off:+.0}%)")
    }));
    cells
}

/// `+12% ×3`: how much slower the slowest of several runs was.
fn spread(row: &Row) -> Option<String> {
    (row.runs > 1).then(|| {
        let over = row.wall_max.as_secs_f64() / row.wall.as_secs_f64().max(1e-9) - 1.0;
        format!("+{:.0}% ×{}", over * 100.0, row.runs)
    })
}

/// Cells padded to their columns' widths, one space apart.
fn line_of(cells: &[String], widths: &[usize]) -> String {
    cells
        .iter()
        .zip(widths.iter().copied().chain(std::iter::repeat(0)))
        .map(|(c, w)| format!("{c:<w$}"))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_string()
}

pub fn table(t: &Theme, lab: &LabView, frame: &mut Frame, area: Rect) {
    if area.height < 2 {
        return;
    }
    let tables = lab.tables();
    let all_rows = || tables.iter().flat_map(|t| &t.rows);
    let busy = all_rows().any(|r| r.busy);
    let amdahl = all_rows().any(|r| r.predicted.is_some());
    let mut header: Vec<String> = [
        "workers",
        "wall time",
        "spread",
        "speedup",
        "efficiency",
        "start-up",
    ]
    .map(String::from)
    .to_vec();
    if amdahl {
        header.push("Amdahl".into());
    }
    header.push("your guess".into());
    // Narrow columns, so the guess keeps its room on 80 columns; the
    // spread as wide as its widest (`+785% ×3`).
    let spread_width = all_rows()
        .filter_map(spread)
        .map(|s| s.chars().count())
        .fold(7, usize::max);
    let mut widths = vec![8, 10, spread_width, 8, 10, 8];
    if amdahl {
        widths.push(7);
    }
    let bold = t.dim().add_modifier(Modifier::BOLD);
    // The header's style across the whole row, as a table's.
    let header = format!(
        "{:<w$}",
        line_of(&header, &widths),
        w = usize::from(area.width)
    );
    let mut lines = vec![Line::styled(header, bold)];
    // The header, and the `*` legend's row when it is shown.
    let legend = u16::from(busy && area.height >= 3);
    let room = usize::from(area.height - legend).saturating_sub(1);
    let shown = fitting(&tables, room, lab.dropped);
    let hidden = tables.len() - shown.len() + lab.dropped;
    if hidden > 0 {
        lines.push(Line::styled(
            format!(
                "… {hidden} earlier setting{} not shown",
                if hidden == 1 { "" } else { "s" }
            ),
            t.dim(),
        ));
    }
    for i in shown {
        let table = &tables[i];
        if tables.len() > 1 {
            let (style, _, mark) = series(t, lab.dropped + i);
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(table.label.clone(), style),
            ]));
        }
        for row in &table.rows {
            let guess = lab.guess_of(&table.variant, row.workers);
            lines.push(Line::raw(line_of(&cells(row, amdahl, guess), &widths)));
        }
    }
    let area = super::lab::busy_legend(t, (busy, lines.len() as u16 - 1), frame, area);
    frame.render_widget(Paragraph::new(lines), area);
}

/// Rows the speedup chart takes with its legend shown whole: the title
/// (naming the variants), the x axis and its labels, the axes' titles,
/// and the legend's box around the ideal, Amdahl's and the core count
/// (ratatui hides a legend taller than that).
pub fn chart_rows(lab: &LabView) -> u16 {
    let amdahl = matches!(lab.config.workload, Workload::Amdahl { .. });
    3 + 2 + 2 + 2 + u16::from(amdahl)
}

/// Each row's speedup, as a point of a curve.
fn points(rows: &[Row]) -> Vec<(f64, f64)> {
    rows.iter()
        .filter_map(|r| r.speedup.map(|s| (r.workers as f64, s)))
        .collect()
}

/// The speedup chart; the projector view draws it large.
pub fn speedup_chart(t: &Theme, lab: &LabView, frame: &mut Frame, area: Rect) {
    let tables = lab.tables();
    let curves: Vec<Vec<(f64, f64)>> = tables.iter().map(|t| points(&t.rows)).collect();
    // Other machines' curves, when comparing (`--compare`).
    let theirs = lab
        .recorded
        .as_ref()
        .map(|r| r.tables())
        .unwrap_or_default();
    let recorded: Vec<Vec<(f64, f64)>> = theirs.iter().map(|t| points(&t.rows)).collect();
    // The slowest run of each point, below the line, for one variant.
    let slowest: Vec<(f64, f64)> = match tables.as_slice() {
        [only] => {
            let base = only.rows.iter().find(|r| r.workers == 1);
            only.rows
                .iter()
                .filter(|r| r.runs > 1)
                .filter_map(|r| {
                    base.map(|b| {
                        let b = b.wall.as_secs_f64();
                        (r.workers as f64, b / r.wall_max.as_secs_f64().max(1e-9))
                    })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let all = || curves.iter().chain(&recorded).flatten();
    let max_workers = all().map(|p| p.0).fold(2.0, f64::max);
    let ideal: Vec<(f64, f64)> = vec![(1.0, 1.0), (max_workers, max_workers)];
    let cores = lab.config.cpus.unwrap_or(lab.cores);
    let amdahl: Vec<(f64, f64)> = match lab.config.workload {
        Workload::Amdahl { serial_fraction } => (1..=max_workers as usize)
            .map(|n| {
                (
                    n as f64,
                    crate::lab::measure::amdahl_speedup(serial_fraction, n.min(cores)),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let top = all().map(|p| p.1).fold(max_workers, f64::max).ceil();
    let mut datasets = vec![chart::curve("ideal", t.chart_ideal(), &ideal)];
    for (i, curve) in curves.iter().enumerate() {
        if tables.len() == 1 {
            datasets.push(chart::curve("measured", t.chart_measured(), curve));
            continue;
        }
        // Named in the title, where a legend of many would not fit.
        let (style, marker, _) = series(t, lab.dropped + i);
        datasets.push(chart::unnamed(style, curve).marker(marker));
    }
    if !slowest.is_empty() {
        datasets.push(chart::dots(Marker::Dot, t.chart_measured(), &slowest).name("slowest run"));
    }
    if let Some(r) = &lab.recorded {
        for (i, (table, curve)) in theirs.iter().zip(&recorded).enumerate() {
            let name = match table.label.as_str() {
                "" => format!("recorded, {} cores", r.cores),
                label => format!("recorded, {} cores: {label}", r.cores),
            };
            // One colour for the other machine: its variants by marker.
            let (marker, mark) = marker(i);
            let name = if theirs.len() > 1 {
                format!("{mark} {name}")
            } else {
                name
            };
            datasets.push(chart::curve(name, t.chart_recorded(), curve).marker(marker));
        }
    }
    if !amdahl.is_empty() {
        datasets.push(chart::curve("Amdahl", t.chart_amdahl(), &amdahl));
    }
    // Where the cores run out: past it, more workers only share them.
    let wall = [(cores as f64, 0.0), (cores as f64, top)];
    if (cores as f64) < max_workers {
        datasets.push(chart::curve(
            if lab.recorded.is_some() {
                format!("{cores} cores here")
            } else {
                format!("{cores} cores")
            },
            t.chart_ideal(),
            &wall,
        ));
    }
    let title = title(t, lab, &tables, area.width);
    let chart = chart::speedup(t, title, datasets, max_workers, top, cores);
    frame.render_widget(chart, area);
}

/// The chart's title: with several variants, each named in its colour
/// (or with its mark), where a legend of many would not fit.
fn title(t: &Theme, lab: &LabView, tables: &[Table], width: u16) -> Line<'static> {
    let mut title = Line::styled("Speedup against workers", t.dim());
    if tables.len() > 1 {
        let names: Vec<Span> = (tables.iter().enumerate())
            .map(|(i, table)| {
                let (style, _, mark) = series(t, lab.dropped + i);
                Span::styled(format!("  {mark} {}", table.label), style)
            })
            .collect();
        let named: usize = names.iter().map(Span::width).sum();
        // The variants' names first: a narrow chart says less before them.
        let head = if title.width() + 1 + named > usize::from(width) {
            "Speedup:"
        } else {
            "Speedup against workers:"
        };
        title = Line::from(names);
        title.spans.insert(0, Span::styled(head, t.dim()));
    }
    title
}
