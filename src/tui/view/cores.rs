//! The core pane: every logical core's usage now and over the last minute,
//! the whole machine, memory and load. A process's colour marks the core it
//! last ran on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

use crate::monitor::history::{History, Series};

use super::super::layout::{self, Packing};
use super::super::state::Live;
use super::super::theme::Theme;

const EIGHTHS: [&str; 9] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"];
const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A horizontal bar `width` cells wide, filled to `percent`, in eighths.
pub fn bar(percent: f32, width: usize) -> String {
    let eighths = ((percent.clamp(0.0, 100.0) / 100.0) * width as f32 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if eighths / 8 < width {
        s.push_str(EIGHTHS[eighths % 8]);
        s.push_str(&" ".repeat(width - eighths / 8 - 1));
    }
    s
}

/// One character for a level: ▁ to █.
pub fn level(percent: f32) -> char {
    LEVELS[((percent.clamp(0.0, 100.0) / 100.0) * 8.0).round() as usize]
}

/// The last minute of one series as a sparkline `width` cells wide, newest
/// on the right (see [`History::columns`]); blank where nothing was
/// measured yet.
fn sparkline(history: &History, series: Series, width: usize) -> String {
    history
        .columns(series, width)
        .into_iter()
        .map(|v| v.map_or(' ', level))
        .collect()
}

/// Colours of the processes that last ran on each core (busy ones only).
pub fn markers(live: &Live) -> Vec<Vec<usize>> {
    let mut per_core = vec![Vec::new(); live.sample.cores.len()];
    for member in live.family.live() {
        if let Some(core) = member.info.core
            && core < per_core.len()
            && (member.info.cpu >= 1.0 || member.info.state == 'R')
        {
            per_core[core].push(member.colour);
        }
    }
    per_core
}

/// `3.1/15.6 GiB`
pub fn memory_label(live: &Live) -> String {
    let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
    format!(
        "{:.1}/{:.1} GiB",
        gib(live.sample.memory_used),
        gib(live.sample.memory_total)
    )
}

fn load_label(live: &Live) -> String {
    live.sample.load.map_or(String::new(), |[a, b, c]| {
        format!("load {a:.2} {b:.2} {c:.2}")
    })
}

/// What the core views draw: the latest sample, its history and the
/// family (for the marks), and how often samples come.
pub struct Cores<'a> {
    pub theme: &'a Theme,
    pub live: &'a Live,
    /// "every 1 s", "recorded every 250 ms".
    pub sampling: String,
}

impl Cores<'_> {
    /// The side pane on wide screens.
    pub fn pane(&self, frame: &mut Frame, area: Rect) {
        pane(self.theme, self.live, &self.sampling, frame, area);
    }

    /// The compact strip under the lesson on narrow screens.
    pub fn strip(&self, frame: &mut Frame, area: Rect) {
        strip(self.theme, self.live, &self.sampling, frame, area);
    }
}

fn pane(t: &Theme, live: &Live, sampling: &str, frame: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let cores = live.sample.cores.len();
    let title = format!(" Cores: {cores} · {sampling} ");
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.pane_border())
        .title(Line::styled(title, t.pane_title()))
        .title_bottom(Line::styled(format!(" {} ", load_label(live)), t.dim()).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let label = format!("{}", cores.saturating_sub(1)).len().max(3);
    let rest = width.saturating_sub(label + 1 + 5 + 4);
    let bar_width = (rest / 2).max(4);
    let spark_width = rest.saturating_sub(bar_width + 1);
    let marks = markers(live);
    let mut lines = Vec::new();
    let row = |name: String, value: f32, series: Series, marks: &[usize]| {
        let mut spans = vec![
            Span::styled(format!("{name:>label$} "), t.dim()),
            Span::styled(bar(value, bar_width), t.load(value)),
            Span::styled(
                format!("{:>4.0}%", value),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ];
        let mut shown = 0;
        spans.push(Span::raw(" "));
        for colour in marks.iter().take(3) {
            spans.push(Span::styled(t.process_mark(*colour), t.process(*colour)));
            shown += 1;
        }
        spans.push(Span::raw(" ".repeat(3 - shown)));
        if spark_width > 0 {
            spans.push(Span::styled(
                sparkline(&live.history, series, spark_width),
                t.trend(),
            ));
        }
        Line::from(spans)
    };
    let summary_rows = 2;
    if cores + summary_rows <= inner.height as usize {
        for (i, value) in live.sample.cores.iter().enumerate() {
            lines.push(row(i.to_string(), *value, Series::Core(i), &marks[i]));
        }
    } else {
        let rows = inner.height.saturating_sub(summary_rows as u16);
        lines.extend(cells(t, live, &marks, inner.width, rows));
    }
    lines.push(row("all".into(), live.sample.total, Series::Total, &[]));
    lines.push(Line::styled(
        format!("{:>label$} {}", "mem", memory_label(live)),
        t.dim(),
    ));
    super::draw_lines(frame, inner, &lines);
}

fn strip(t: &Theme, live: &Live, sampling: &str, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let head = format!(
        "─ Cores: {} · {sampling} · all {:.0}% · mem {} {} ",
        live.sample.cores.len(),
        live.sample.total,
        memory_label(live),
        load_label(live)
    );
    let fill = (area.width as usize).saturating_sub(head.chars().count());
    let mut lines = vec![Line::styled(format!("{head}{}", "─".repeat(fill)), t.dim())];
    lines.extend(cells(
        t,
        live,
        &markers(live),
        area.width,
        area.height.saturating_sub(1),
    ));
    super::draw_lines(frame, area, &lines);
}

/// Cores packed as cells, `12 ▕████▏ 87%`, or one character each when
/// there are too many for cells.
fn cells(
    t: &Theme,
    live: &Live,
    marks: &[Vec<usize>],
    width: u16,
    rows: u16,
) -> Vec<Line<'static>> {
    let cores = &live.sample.cores;
    let mut lines = Vec::new();
    match layout::packing(cores.len(), width, rows) {
        Packing::Cells { per_row } => {
            for chunk in cores.chunks(per_row).enumerate() {
                let (r, values) = chunk;
                let mut spans = Vec::new();
                for (j, value) in values.iter().enumerate() {
                    let core = r * per_row + j;
                    let label_style = match marks[core].first() {
                        Some(colour) => t.process(*colour).add_modifier(Modifier::BOLD),
                        None => t.dim(),
                    };
                    spans.push(Span::styled(format!("{core:>3}"), label_style));
                    spans.push(Span::styled("▕", t.dim()));
                    spans.push(Span::styled(bar(*value, 4), t.load(*value)));
                    spans.push(Span::styled("▏", t.dim()));
                    spans.push(Span::raw(format!("{:>3.0}% ", value)));
                }
                lines.push(Line::from(spans));
            }
        }
        Packing::Glyphs { per_row } => {
            for (r, values) in cores.chunks(per_row).enumerate().take(rows.max(1) as usize) {
                let mut spans = vec![Span::styled(format!("{:>4} ", r * per_row), t.dim())];
                spans.extend(
                    values
                        .iter()
                        .map(|v| Span::styled(level(*v).to_string(), t.load(*v))),
                );
                lines.push(Line::from(spans));
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_eighths() {
        assert_eq!(bar(0.0, 4), "    ");
        assert_eq!(bar(100.0, 4), "████");
        assert_eq!(bar(50.0, 4), "██  ");
        assert_eq!(bar(56.25, 4), "██▎ ");
        assert_eq!(bar(250.0, 2).chars().count(), 2);
        assert_eq!(level(0.0), ' ');
        assert_eq!(level(100.0), '█');
    }
}
