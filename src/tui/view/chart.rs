//! What the speedup charts (the lab's, the class view's two) share: a
//! line or a set of dots, and axes from 1 and from 0 labelled at both ends.

use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};

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
