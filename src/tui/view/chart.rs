//! What the speedup charts (the lab's, the class view's two) share: a
//! line or a set of dots, and axes from 1 and from 0 labelled at both ends.

use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, LegendPosition};

use super::super::theme::Theme;

/// A line through `data`, named in the legend.
pub(super) fn curve<'a>(
    name: impl Into<Line<'a>>,
    style: Style,
    data: &'a [(f64, f64)],
) -> Dataset<'a> {
    Dataset::default()
        .name(name)
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(style)
        .data(data)
}

/// A line through `data` left out of the legend (named elsewhere).
pub(super) fn unnamed<'a>(style: Style, data: &'a [(f64, f64)]) -> Dataset<'a> {
    Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(style)
        .data(data)
}

/// Points on their own, drawn with `marker`.
pub(super) fn dots<'a>(marker: Marker, style: Style, data: &'a [(f64, f64)]) -> Dataset<'a> {
    Dataset::default()
        .marker(marker)
        .graph_type(GraphType::Scatter)
        .style(style)
        .data(data)
}

/// A chart titled `title`: x from 1 to `x.1`, y from 0 to `y.1`, each
/// axis named and labelled at its ends. Its background is the theme's.
pub(super) fn xy<'a>(
    t: &Theme,
    title: Line<'a>,
    datasets: Vec<Dataset<'a>>,
    x: (&'a str, f64),
    y: (&'a str, f64),
) -> Chart<'a> {
    Chart::new(datasets)
        .style(t.base())
        .block(Block::new().title(title))
        .x_axis(
            Axis::default()
                .title(x.0)
                .bounds([1.0, x.1])
                .labels(["1".to_string(), format!("{:.0}", x.1)]),
        )
        .y_axis(
            Axis::default()
                .title(y.0)
                .bounds([0.0, y.1])
                .labels(["0".to_string(), format!("{:.0}", y.1)]),
        )
}

/// Labels from 0 to `high`, evenly spaced as ratatui places them, with
/// `mark` among them when a spacing of at most 8 steps puts it on one
/// (`0 2 4 6 8` for 2 cores up to 8 workers; `0 16 32` for 16 up to 32).
pub(super) fn labels_with(high: f64, mark: f64) -> Vec<String> {
    let steps = (2..=8)
        .find(|&k| {
            let at = mark * f64::from(k) / high;
            mark > 0.0 && mark < high && (at - at.round()).abs() < 1e-9
        })
        .unwrap_or(1);
    (0..=steps)
        .map(|i| format!("{:.0}", high * f64::from(i) / f64::from(steps)))
        .collect()
}

/// The lab's speedup chart on an axis from 0 workers, so the core count is
/// labelled where it falls; its legend kept whatever the chart's size, at
/// the top left, where the curves (rising to the right) leave room.
pub(super) fn speedup<'a>(
    t: &Theme,
    title: Line<'a>,
    datasets: Vec<Dataset<'a>>,
    workers: f64,
    speedup: f64,
    cores: usize,
) -> Chart<'a> {
    let cores = cores as f64;
    Chart::new(datasets)
        .style(t.base())
        .block(Block::new().title(title))
        .x_axis(
            Axis::default()
                .title("workers")
                .bounds([0.0, workers])
                .labels(labels_with(workers, cores)),
        )
        .y_axis(
            Axis::default()
                .title("speedup")
                .bounds([0.0, speedup])
                .labels(labels_with(speedup, cores)),
        )
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Ratio(1, 1), Constraint::Ratio(1, 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_count_is_a_label_where_it_can_be() {
        assert_eq!(labels_with(4.0, 2.0), ["0", "2", "4"]);
        assert_eq!(labels_with(8.0, 2.0), ["0", "2", "4", "6", "8"]);
        assert_eq!(labels_with(32.0, 16.0), ["0", "16", "32"]);
        assert_eq!(labels_with(256.0, 128.0), ["0", "128", "256"]);
        // 3 of 10: no even spacing of 8 steps or fewer has it.
        assert_eq!(labels_with(10.0, 3.0), ["0", "10"]);
        assert_eq!(labels_with(7.0, 3.0).len(), 8);
    }
}
