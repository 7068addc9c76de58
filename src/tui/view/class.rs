//! The class view: who joined, their latest results, and two charts made
//! from the whole room: every machine's speedup against workers, and the
//! best speedup against core count.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use super::super::class::{ClassView, Seat};
use super::super::theme::Theme;
use super::chart;
use crate::sanitize;

/// Columns of the name column (and of a name in a chart's legend).
const NAME_COLUMNS: usize = 14;
/// Widest a CPU model is shown; the column may clip it further.
const CPU_COLUMNS: usize = 64;

/// Draws the whole class view into `area`.
pub fn draw(t: &Theme, class: &ClassView, frame: &mut Frame, area: Rect) {
    let seats = class.shown();
    let order = class.order();
    let table_rows = (seats.len() as u16 + 1).clamp(2, (area.height / 3).max(3));
    let [info, table, charts] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(table_rows + 1),
        Constraint::Fill(1),
    ])
    .areas(area);
    draw_info(t, class, frame, info);
    draw_table(t, class, seats, &order, frame, table);
    if charts.height < 6 {
        return;
    }
    if charts.width >= 90 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(charts);
        speedup_chart(t, seats, frame, left);
        room_chart(t, seats, frame, right);
    } else if charts.height >= 16 {
        let [top, bottom] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(charts);
        speedup_chart(t, seats, frame, top);
        room_chart(t, seats, frame, bottom);
    } else {
        room_chart(t, seats, frame, charts);
    }
}

fn draw_info(t: &Theme, class: &ClassView, frame: &mut Frame, area: Rect) {
    let results: usize = class.shown().iter().map(|s| s.reports).sum();
    let mut first = vec![Span::styled(
        format!(" Class {} ", class.code),
        t.pane_title(),
    )];
    if class.serving {
        match class.join_lines.first() {
            Some(join) => first.push(Span::raw(format!("join with: {join}"))),
            None => first.push(Span::raw("serving")),
        }
    } else {
        let file = sanitize::line(&class.file);
        first.push(Span::styled(format!("from {file}"), t.dim()));
    }
    let mut second = vec![Span::raw(format!(
        " {} joined · {results} results · sorted by {}",
        class.shown().len(),
        class.sort.label()
    ))];
    if class.refused > 0 {
        let why = class.last_refusal.map_or("", |r| r.label());
        second.push(Span::styled(
            format!(" · {} refused (last: {why})", class.refused),
            t.dim(),
        ));
    }
    if class.frozen.is_some() {
        second.push(Span::styled(
            format!(" · FROZEN, {} new waiting", class.waiting()),
            t.notice(),
        ));
    }
    super::draw_lines(frame, area, &[Line::from(first), Line::from(second)]);
}

fn draw_table(
    t: &Theme,
    class: &ClassView,
    seats: &[Seat],
    order: &[usize],
    frame: &mut Frame,
    area: Rect,
) {
    let header = Row::new(["", "name", "cores", "CPU", "Python", "best", "latest run"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = order.iter().enumerate().map(|(position, &i)| {
        let seat = &seats[i];
        let marker = if seat.hidden { "·" } else { t.process_mark(i) };
        let best = seat
            .best_speedup()
            .map_or_else(|| "-".to_string(), |s| format!("{s:.2}x"));
        let latest = seat.latest.as_ref().map_or_else(
            || "waiting for a result".to_string(),
            |r| {
                format!(
                    "{} {} · {} tasks · {} points",
                    r.engine,
                    r.workload,
                    r.tasks,
                    r.points.len()
                )
            },
        );
        let mut style = if seat.hidden { t.dim() } else { Style::new() };
        if position == class.selected {
            style = t.selected();
        }
        Row::new(vec![
            Cell::from(marker).style(t.process(i)),
            Cell::from(sanitize::field(&seat.nickname, NAME_COLUMNS)),
            Cell::from(seat.machine.cores.to_string()),
            Cell::from(sanitize::field(&seat.machine.cpu_model, CPU_COLUMNS)),
            Cell::from(sanitize::field(
                seat.machine.python.as_deref().unwrap_or("-"),
                7,
            )),
            Cell::from(best),
            Cell::from(latest),
        ])
        .style(style)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(NAME_COLUMNS as u16),
            Constraint::Length(5),
            Constraint::Fill(2),
            Constraint::Length(7),
            Constraint::Length(7),
            Constraint::Fill(3),
        ],
    )
    .header(header)
    .block(Block::new());
    // The highlighted row stays in sight however many joined.
    let mut scroll = ratatui::widgets::TableState::default().with_selected(Some(class.selected));
    frame.render_stateful_widget(table, area, &mut scroll);
}

/// Every visible machine's latest curve of speedup against workers.
fn speedup_chart(t: &Theme, seats: &[Seat], frame: &mut Frame, area: Rect) {
    let curves: Vec<(usize, Vec<(f64, f64)>)> = seats
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.hidden)
        .filter_map(|(i, s)| {
            let points: Vec<(f64, f64)> = s
                .latest
                .as_ref()?
                .points
                .iter()
                .filter_map(|p| p.speedup.map(|v| (f64::from(p.workers), v)))
                .collect();
            (!points.is_empty()).then_some((i, points))
        })
        .collect();
    let max_x = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|p| p.0))
        .fold(2.0, f64::max);
    let max_y = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|p| p.1))
        .fold(2.0, f64::max)
        .ceil();
    let ideal = [(1.0, 1.0), (max_x, max_x.min(max_y))];
    let mut datasets = vec![chart::curve("ideal", t.dim(), &ideal)];
    for (i, curve) in &curves {
        datasets.push(chart::curve(
            sanitize::field(&seats[*i].nickname, NAME_COLUMNS).into_owned(),
            t.process(*i),
            curve,
        ));
    }
    let title = Line::styled("Speedup against workers, every machine", t.pane_title());
    let chart = chart::xy(t, title, datasets, ("workers", max_x), ("speedup", max_y))
        .hidden_legend_constraints((Constraint::Percentage(40), Constraint::Percentage(60)));
    frame.render_widget(chart, area);
}

/// One dot per visible machine: its best speedup against its cores.
fn room_chart(t: &Theme, seats: &[Seat], frame: &mut Frame, area: Rect) {
    let dots: Vec<(usize, [(f64, f64); 1])> = seats
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.hidden)
        .filter_map(|(i, s)| Some((i, [(f64::from(s.machine.cores), s.best_speedup()?)])))
        .collect();
    let max_x = dots.iter().map(|(_, d)| d[0].0).fold(2.0, f64::max);
    let max_y = dots.iter().map(|(_, d)| d[0].1).fold(2.0, f64::max).ceil();
    let ideal = [(1.0, 1.0), (max_x, max_x)];
    let mut datasets = vec![chart::curve("cores = speedup", t.dim(), &ideal)];
    for (i, dot) in &dots {
        datasets.push(chart::dots(Marker::Block, t.process(*i), dot));
    }
    let top = max_y.max(max_x.min(max_y * 1.5)).ceil();
    let title = Line::styled("Best speedup against cores, the room", t.pane_title());
    let chart = chart::xy(t, title, datasets, ("cores", max_x), ("best speedup", top));
    frame.render_widget(chart, area);
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::class::ClassEvent;
    use crate::class::payload::{Machine, Point, Report};

    fn room(people: usize) -> ClassView {
        let mut view = ClassView {
            code: "ABC234".into(),
            serving: true,
            join_lines: vec!["forklab --join 10.0.0.5:8642 ABC234".into()],
            ..ClassView::default()
        };
        for i in 0..people {
            let cores = 2 + 2 * (i as u32 % 8);
            view.apply(ClassEvent::Joined {
                index: i,
                nickname: format!("learner{i}"),
                machine: Machine {
                    cores,
                    cpu_model: "cpu".into(),
                    os: "Linux".into(),
                    python: Some("3.12.4".into()),
                },
            });
            view.apply(ClassEvent::Stored {
                index: i,
                nickname: format!("learner{i}"),
                report: Report {
                    engine: "python".into(),
                    workload: "cpu".into(),
                    tasks: 64,
                    chunksize: 1,
                    points: (1..=cores)
                        .map(|w| Point {
                            workers: w,
                            wall_ms: 1000.0 / f64::from(w),
                            speedup: Some(f64::from(w) * 0.9),
                        })
                        .collect(),
                },
            });
        }
        view
    }

    fn screen(view: &ClassView, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| draw(&Theme::default(), view, frame, frame.area()))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    /// The screen's cells row by row, one per column: the cell after a
    /// wide character (which the terminal covers) is empty.
    fn cells(view: &ClassView, width: u16, height: u16) -> Vec<Vec<String>> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| draw(&Theme::default(), view, frame, frame.area()))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                let mut row = Vec::new();
                let mut x = 0;
                while x < width {
                    let symbol = buffer[(x, y)].symbol().to_string();
                    let columns = sanitize::width(&symbol).max(1);
                    row.push(symbol);
                    row.extend(std::iter::repeat_n(String::new(), columns - 1));
                    x += columns as u16;
                }
                row
            })
            .collect()
    }

    #[test]
    fn hostile_names_cpu_models_and_pythons_are_shown_visibly_in_aligned_columns() {
        let mut view = room(0);
        for (index, (_, raw, _)) in sanitize::TRICKS.iter().enumerate() {
            view.apply(ClassEvent::Joined {
                index,
                nickname: raw.to_string(),
                machine: Machine {
                    cores: 4,
                    cpu_model: format!("{raw} CPU"),
                    os: "Linux".into(),
                    python: Some(raw.to_string()),
                },
            });
        }
        let rows = cells(&view, 110, 76);
        let text: Vec<String> = rows.iter().map(|r| r.concat()).collect();
        for row in &text {
            assert!(sanitize::is_safe(row), "{row:?}");
            assert_eq!(sanitize::width(row), 110, "{row:?}");
        }
        // Every participant's core count sits under the header's `cores`.
        let header = text.iter().position(|r| r.contains(" name ")).unwrap();
        let cores = rows[header].iter().position(|c| c == "c").unwrap();
        let seats = &rows[header + 1..header + 1 + sanitize::TRICKS.len()];
        for row in seats {
            assert_eq!(row[cores], "4", "{:?}", row);
        }
        // What the tricks look like: `␛`, `⟨U+202E⟩`, a cut name ends in `…`.
        let table = text[header..=header + sanitize::TRICKS.len()].join("\n");
        assert!(table.contains("␛]52;c;cm0gLX…"), "{table}");
        assert!(table.contains("x⟨U+2066⟩y⟨U+…"), "{table}");
        insta::assert_snapshot!(table);
    }

    #[test]
    fn the_room_fits_small_and_large_screens_and_keeps_the_selection_in_sight() {
        let mut view = room(30);
        for (w, h) in [(40, 8), (80, 22), (120, 38), (200, 58)] {
            let text = screen(&view, w, h);
            assert!(text.contains("ABC234"), "{w}x{h}:\n{text}");
            assert!(text.contains("learner0"), "{w}x{h}:\n{text}");
        }
        let big = screen(&view, 200, 58);
        assert!(big.contains("Speedup against workers"), "{big}");
        assert!(big.contains("Best speedup against cores"), "{big}");
        view.selected = 29;
        let order = view.order();
        let last = &view.shown()[order[29]].nickname;
        assert!(screen(&view, 80, 22).contains(last.as_str()));
        view.toggle_frozen();
        assert!(screen(&view, 120, 38).contains("FROZEN"));
    }
}
