//! The projector view: the cores alone, in bars big enough to read from the
//! back of a classroom, and the lab's speedup chart beside them, large,
//! once the lab has results.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Block, BorderType};

use super::super::state::{Live, State};
use super::cores::{markers, memory_label};

pub fn draw(state: &State, live: &Live, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let cores = &live.sample.cores;
    let title = format!(
        " {} cores · all {:.0}% · mem {} · {} · c returns ",
        cores.len(),
        live.sample.total,
        memory_label(live),
        state.sampling_label()
    );
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(t.pane_border())
        .title(Line::styled(title, t.pane_title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = if state.lab.measured.len() >= 2 {
        // Side by side on a wide screen, one above the other on a tall one.
        let (cores_part, chart) = if inner.width >= inner.height * 3 {
            let [a, b] = Layout::horizontal([Constraint::Fill(1); 2])
                .spacing(2)
                .areas(inner);
            (a, b)
        } else {
            let [a, b] = Layout::vertical([Constraint::Fill(1); 2])
                .spacing(1)
                .areas(inner);
            (a, b)
        };
        super::lab::speedup_chart(t, &state.lab, frame, chart);
        cores_part
    } else {
        inner
    };
    let marks = markers(live);
    let bar = |i: usize, value: f32, wide: bool| {
        let label = if wide {
            format!("core {i}")
        } else {
            i.to_string()
        };
        let label = match marks[i].first() {
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
    };
    if cores.len() <= 16 && inner.height as usize >= cores.len() * 2 {
        // Few cores: thick horizontal bars, one per core.
        let thickness = ((inner.height as usize + 1) / cores.len())
            .saturating_sub(1)
            .clamp(1, 12) as u16;
        // Centred, so a tall screen with few cores has no empty half.
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
            .map(|(i, v)| bar(i, *v, true))
            .collect();
        frame.render_widget(
            BarChart::horizontal(bars)
                .bar_width(thickness)
                .bar_gap(1)
                .max(100),
            chart,
        );
    } else {
        // Many cores: vertical bars, in as many rows as the width needs.
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
                .map(|(j, v)| bar(r * per_row + j, *v, false))
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
