//! The projector view: the cores alone, in bars big enough to read from the
//! back of a classroom, and the lab's speedup chart beside them, large,
//! once the lab has results.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Block, BorderType};

use super::super::theme::Theme;

use super::super::lab::LabView;
use super::cores::{Cores, markers, memory_label};

/// What the projector draws: the cores, and the lab's results for its
/// chart.
pub struct Projector<'a> {
    pub cores: Cores<'a>,
    pub lab: &'a LabView,
}

impl Projector<'_> {
    pub fn draw(&self, frame: &mut Frame, area: Rect) {
        let Cores {
            theme: t,
            live,
            sampling,
        } = &self.cores;
        let title = format!(
            " {} cores · all {:.0}% · mem {} · {sampling} · c returns ",
            live.sample.cores.len(),
            live.sample.total,
            memory_label(live),
        );
        let block = Block::bordered()
            .border_type(BorderType::Thick)
            .border_style(t.pane_border())
            .title(Line::styled(title, t.pane_title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let inner = if self.lab.measured.len() >= 2 {
            let (cores_part, chart) = split(inner);
            super::lab::speedup_chart(t, self.lab, frame, chart);
            cores_part
        } else {
            inner
        };
        let bars = Bars {
            t,
            marks: markers(live),
        };
        let cores = &live.sample.cores;
        if cores.len() <= 16 && inner.height as usize >= cores.len() * 2 {
            bars.few(cores, frame, inner);
        } else {
            bars.many(cores, frame, inner);
        }
    }
}

/// The cores' part and the chart's: side by side on a wide screen, one
/// above the other on a tall one.
fn split(inner: Rect) -> (Rect, Rect) {
    if inner.width >= inner.height * 3 {
        let [a, b] = Layout::horizontal([Constraint::Fill(1); 2])
            .spacing(2)
            .areas(inner);
        (a, b)
    } else {
        let [a, b] = Layout::vertical([Constraint::Fill(1); 2])
            .spacing(1)
            .areas(inner);
        (a, b)
    }
}

/// The cores' bars, each labelled in the colour of a process on it.
struct Bars<'a> {
    t: &'a Theme,
    marks: Vec<Vec<usize>>,
}

impl Bars<'_> {
    fn bar(&self, i: usize, value: f32, wide: bool) -> Bar<'static> {
        let t = self.t;
        let label = if wide {
            format!("core {i}")
        } else {
            i.to_string()
        };
        let label = match self.marks[i].first() {
            // Without colour, the shape of the process on this core.
            Some(c) if !t.coloured() => Line::styled(
                format!("{label} {}", t.process_mark(*c)),
                t.process(*c).add_modifier(Modifier::BOLD),
            ),
            Some(c) => Line::styled(label, t.process(*c).add_modifier(Modifier::BOLD)),
            None => Line::from(label),
        };
        Bar::default()
            .value(value.round() as u64)
            .label(label)
            .text_value(format!("{value:.0}%"))
            .style(t.load(value))
            .value_style(t.load_badge(value))
    }

    /// Few cores: thick horizontal bars, one per core, centred (a tall
    /// screen with few cores has no empty half).
    fn few(&self, cores: &[f32], frame: &mut Frame, inner: Rect) {
        let thickness = ((inner.height as usize + 1) / cores.len())
            .saturating_sub(1)
            .clamp(1, 12) as u16;
        let used = cores.len() as u16 * (thickness + 1) - 1;
        let [_, chart, _] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(used),
            Constraint::Fill(1),
        ])
        .areas(inner);
        let bars: Vec<Bar> = cores
            .iter()
            .enumerate()
            .map(|(i, v)| self.bar(i, *v, true))
            .collect();
        frame.render_widget(
            BarChart::horizontal(bars)
                .bar_width(thickness)
                .bar_gap(1)
                .max(100),
            chart,
        );
    }

    /// Many cores: vertical bars, in as many rows as the width needs.
    fn many(&self, cores: &[f32], frame: &mut Frame, inner: Rect) {
        let digits = cores.len().saturating_sub(1).to_string().len() as u16;
        let per_row = (inner.width / (digits + 1)).max(1) as usize;
        let rows = cores.len().div_ceil(per_row);
        let areas = Layout::vertical(vec![Constraint::Fill(1); rows]).split(inner);
        for (r, chunk) in cores.chunks(per_row).enumerate() {
            let width = ((inner.width as usize + 1) / chunk.len())
                .saturating_sub(1)
                .clamp(1, 12) as u16;
            let bars: Vec<Bar> = chunk
                .iter()
                .enumerate()
                .map(|(j, v)| self.bar(r * per_row + j, *v, false))
                .collect();
            frame.render_widget(
                BarChart::vertical(bars)
                    .bar_width(width)
                    .bar_gap(1)
                    .max(100),
                areas[r],
            );
        }
    }
}
