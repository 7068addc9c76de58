//! The lab screen: the next run's settings, the workers at work on a
//! timeline, the results table and the speedup chart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Paragraph, Row, Table, Wrap};

use super::super::action::Action;
use super::super::keymap::{self, Where};
use super::super::lab::LabView;
use super::super::theme::Theme;
use super::chart;
use crate::lab::Workload;
use crate::progress::Guess;

/// The lab in the lesson's place; `earlier` are the learner's last guesses
/// for this set-up, from the progress file, newest first.
pub fn draw(
    t: &Theme,
    lab: &LabView,
    earlier: &[&Guess],
    replay: bool,
    frame: &mut Frame,
    area: Rect,
) {
    let title = match &lab.experiment {
        Some((_, e)) => format!(" Lab · {} ", e.title),
        None => " Lab · your own experiment ".to_string(),
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.key())
        .title(Line::styled(title, t.pane_title()))
        .title_bottom(Line::styled(keys_hint(area.width, replay), t.dim()).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 4 {
        return;
    }
    let head = Paragraph::new(head_lines(t, lab, earlier)).wrap(Wrap { trim: false });
    // Rows as wrapped to this width, and one blank row after.
    let head_rows = head.line_count(inner.width) as u16 + 1;
    let workers_rows = if lab.workers.is_empty() {
        0
    } else {
        (lab.workers.len() + usize::from(!lab.serial.is_empty())).min(12) as u16 + 1
    };
    let results_rows = match &lab.recorded {
        Some(recorded) => super::lab_compare::height(lab, recorded),
        None if lab.measured.is_empty() => 0,
        None => lab.rows().len() as u16 + 2,
    };
    // Short of room, a running lab keeps its timeline, a finished one its
    // results table.
    let left = inner.height.saturating_sub(head_rows);
    let (workers_rows, results_rows) = if lab.running {
        let w = workers_rows.min(left);
        (w, results_rows.min(left - w))
    } else {
        let r = results_rows.min(left);
        (workers_rows.min(left - r), r)
    };
    let [top, workers, results, chart] = Layout::vertical([
        Constraint::Length(head_rows),
        Constraint::Length(workers_rows),
        Constraint::Length(results_rows),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(head, top);
    timeline(t, lab, frame, workers);
    match &lab.recorded {
        Some(recorded) => super::lab_compare::table(t, lab, recorded, frame, results),
        None => table(t, lab, frame, results),
    }
    if chart.height >= 8 && (lab.rows().len() >= 2 || lab.recorded.is_some()) {
        speedup_chart(t, lab, frame, chart);
    }
}

/// The lab's keys, from the keymap, as whole items that fit the frame's
/// bottom edge `width` columns wide: all of them when they fit, else those
/// the status bar does not show, fewer from the end until they fit. A
/// replay lists only the keys that act in a replay (no `acts` mark).
pub(super) fn keys_hint(width: u16, replay: bool) -> String {
    let hints: Vec<keymap::Hint> = keymap::hints(Where::Lab)
        .into_iter()
        .filter(|h| !(replay && h.acts))
        .collect();
    let text = |hints: &[&keymap::Hint]| {
        if hints.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = hints
            .iter()
            .map(|h| format!("{} {}", h.keys_joined(" "), h.word))
            .collect();
        format!(" {} ", parts.join(" · "))
    };
    // The two corners and a line cell before the text.
    let room = (width as usize).saturating_sub(3);
    let all: Vec<&keymap::Hint> = hints.iter().collect();
    let full = text(&all);
    if full.chars().count() <= room {
        return full;
    }
    let in_status_bar = super::status::lab_hints();
    let mut rest: Vec<&keymap::Hint> = hints
        .iter()
        .filter(|h| !in_status_bar.contains(h))
        .collect();
    while text(&rest).chars().count() > room {
        rest.pop();
    }
    text(&rest)
}

/// `1 worker`, `4 workers`.
fn workers(n: usize) -> String {
    format!("{n} worker{}", if n == 1 { "" } else { "s" })
}

fn head_lines(t: &Theme, lab: &LabView, earlier: &[&Guess]) -> Vec<Line<'static>> {
    let c = &lab.config;
    let work = match c.workload {
        Workload::Cpu => format!(
            "cpu: count primes, {} tasks of {} numbers",
            c.tasks, c.task_size
        ),
        Workload::Sleep => format!("sleep: {} tasks that each wait {} ms", c.tasks, c.task_size),
        Workload::Amdahl { serial_fraction } => format!(
            "amdahl: {:.0}% serial work in the master, {} tasks of {} numbers",
            serial_fraction * 100.0,
            c.tasks,
            c.task_size
        ),
    };
    let cores = match c.cpus {
        None => format!("all {} cores", lab.cores),
        Some(k) => format!("only {k} of {} cores", lab.cores),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(workers(c.workers), t.key()),
            Span::raw(format!(" · {work} · chunk {} · {cores}", c.chunksize)),
        ]),
        engine_line(t, lab),
    ];
    if let Some(prompt) = lab
        .experiment
        .as_ref()
        .and_then(|(_, e)| e.predict.as_ref())
    {
        lines.push(Line::from(vec![
            Span::styled("Think: ", t.key()),
            Span::raw(prompt.clone()),
        ]));
    }
    lines.push(Line::from(vec![
        Span::raw(format!("Your guess: {} will take ", workers(c.workers))),
        Span::styled(format!("{}▏", lab.guess), t.key()),
        Span::styled(" s (optional: type it, then r)", t.dim()),
    ]));
    // Until this visit has results of its own, the last visit's guesses.
    if lab.measured.is_empty() && !earlier.is_empty() {
        let told: Vec<String> = earlier
            .iter()
            .map(|g| {
                let off = (g.guess - g.measured) / g.measured.max(1e-9) * 100.0;
                format!(
                    "{}: {:.2} s, took {:.2} s ({off:+.0}%)",
                    workers(g.workers),
                    g.guess,
                    g.measured
                )
            })
            .collect();
        lines.push(Line::styled(
            format!("Your last guesses here: {}", told.join(" · ")),
            t.dim(),
        ));
    }
    let status = if lab.running {
        let total = c.tasks.max(1);
        Line::styled(
            format!(
                "running{}: {}/{} tasks · {:.2} s{}",
                if lab.sweeping { " a sweep" } else { "" },
                lab.tasks_done,
                total,
                lab.now.as_secs_f64(),
                if c.repeat > 1 && !lab.sweeping {
                    format!(" · run {} of {}", lab.runs_started.max(1), c.repeat)
                } else {
                    String::new()
                },
            ),
            t.good(),
        )
    } else if let Some(message) = &lab.message {
        // A driver's or a trace's words: outside text.
        Line::styled(crate::sanitize::line(message).into_owned(), t.bad())
    } else if lab.measured.is_empty() {
        Line::styled(
            format!(
                "Ready: {} runs with these workers, {} sweeps 1 to twice the cores",
                keymap::key_for(|a| matches!(a, Action::LabRun)),
                keymap::key_for(|a| matches!(a, Action::LabSweep)),
            ),
            t.dim(),
        )
    } else {
        Line::styled(
            "Done: change the workers and run again, or s to sweep",
            t.dim(),
        )
    };
    lines.push(status);
    lines
}

/// Which engine runs, how its workers start, how often each point runs.
fn engine_line(t: &Theme, lab: &LabView) -> Line<'static> {
    let c = &lab.config;
    let last = lab.measured.last().map(|m| &m.result);
    let ran = match (c.engine, last) {
        (engine, Some(r)) if r.config.engine == engine => r.ran.clone(),
        // The interpreter's GIL with it: what threads can do here.
        (crate::lab::Engine::Python, _) => {
            let api = c.api.class();
            c.python.as_ref().map_or(format!("Python {api}"), |p| {
                format!("Python {} {api} ({})", p.version, p.gil.describe())
            })
        }
        (crate::lab::Engine::Forklab, _) => "forklab's own workers".into(),
        (crate::lab::Engine::Dask, _) => match &c.scheduler {
            Some(addr) => format!("Dask tasks on the scheduler at {addr}"),
            None => "Dask tasks on a LocalCluster".into(),
        },
    };
    let method = match (c.start_method, last) {
        _ if c.engine == crate::lab::Engine::Python && c.api.threads() => {
            "none (threads of one process)".to_string()
        }
        // forklab's own "spawn" is an exec of its binary.
        (Some(crate::python::StartMethod::Spawn), _) if c.engine == crate::lab::Engine::Forklab => {
            "exec".to_string()
        }
        (Some(m), _) => m.to_string(),
        (None, Some(r)) if r.config.engine == c.engine && !r.method.is_empty() => {
            format!("{} (default)", r.method)
        }
        (None, _) => "default".into(),
    };
    let size = if c.calibrate {
        " · task size: measured at the first run"
    } else {
        ""
    };
    Line::from(vec![
        Span::styled(format!("engine {}", c.engine), t.key()),
        Span::raw(format!(
            " ({ran}) · start method {method} · best of {}{size}",
            c.repeat
        )),
    ])
}

/// One row per worker: pid, a timeline of its tasks, tasks done.
fn timeline(t: &Theme, lab: &LabView, frame: &mut Frame, area: Rect) {
    if area.height < 2 {
        return;
    }
    let label = 16;
    let width = (area.width as usize).saturating_sub(label + 10).max(4);
    let span = lab.now.as_secs_f64().max(1e-3);
    let column = |t: std::time::Duration| {
        ((t.as_secs_f64() / span) * width as f64)
            .floor()
            .min(width as f64 - 1.0) as usize
    };
    let mut lines = vec![Line::styled(
        format!(
            "{:<label$}0 s{:>w$}",
            // A pool of threads: their ids in the kernel (ps -L, top -H).
            if lab.config.engine == crate::lab::Engine::Python && lab.config.api.threads() {
                "thread  tid"
            } else {
                "worker  pid"
            },
            format!("{:.2} s", span),
            w = width.saturating_sub(3)
        ),
        t.dim(),
    )];
    if !lab.serial.is_empty() {
        let mut cells = vec![' '; width];
        for (start, end) in &lab.serial {
            for cell in cells
                .iter_mut()
                .take(column(end.unwrap_or(lab.now)) + 1)
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
    for (i, worker) in lab.workers.iter().enumerate().take(shown) {
        let mut cells: Vec<Option<bool>> = vec![None; width];
        for bar in lab.bars.iter().filter(|b| b.worker == i) {
            for cell in cells
                .iter_mut()
                .take(column(bar.end.unwrap_or(lab.now)) + 1)
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
            (Some(end), _) if end.contains("crash") => " crashed".to_string(),
            (_, Some(task)) => format!(" {:>4} done · task {task}", worker.done),
            _ => format!(" {:>4} done", worker.done),
        };
        spans.push(Span::raw(state));
        lines.push(Line::from(spans));
    }
    if lab.workers.len() > shown
        && let Some(last) = lines.last_mut()
    {
        *last = Line::styled(
            format!("… and {} more workers", lab.workers.len() - shown + 1),
            t.dim(),
        );
    }
    super::draw_lines(frame, area, &lines);
}

fn bar_span(t: &Theme, text: String, kind: Option<bool>) -> Span<'static> {
    let style = kind.map_or(Style::new(), |even| t.task(even));
    Span::styled(text, style)
}

fn table(t: &Theme, lab: &LabView, frame: &mut Frame, area: Rect) {
    if area.height < 2 {
        return;
    }
    let rows = lab.rows();
    let amdahl = rows.iter().any(|r| r.predicted.is_some());
    let mut header = vec![
        "workers",
        "wall time",
        "spread",
        "speedup",
        "efficiency",
        "start-up",
    ];
    if amdahl {
        header.push("Amdahl");
    }
    header.push("your guess");
    let body = rows.iter().map(|row| {
        let mut cells = vec![
            // `*`: measured while other programs kept the machine busy.
            Cell::from(format!(
                "{:>6}{}",
                row.workers,
                if row.busy { "*" } else { "" }
            )),
            Cell::from(format!("{:>8.3}s", row.wall.as_secs_f64())),
            Cell::from(if row.runs > 1 {
                format!(
                    "+{:.0}% ×{}",
                    (row.wall_max.as_secs_f64() / row.wall.as_secs_f64().max(1e-9) - 1.0) * 100.0,
                    row.runs
                )
            } else {
                "-".into()
            }),
            Cell::from(row.speedup.map_or("   -".into(), |s| format!("{s:>6.2}×"))),
            Cell::from(
                row.efficiency
                    .map_or("   -".into(), |e| format!("{:>8.0}%", e * 100.0)),
            ),
            Cell::from(format!("{:>5.0}ms", row.startup.as_secs_f64() * 1000.0)),
        ];
        if amdahl {
            cells.push(Cell::from(
                row.predicted.map_or("-".into(), |p| format!("{p:>5.2}×")),
            ));
        }
        cells.push(Cell::from(lab.guess_of(row.workers).map_or(
            String::new(),
            |g| {
                let off = (g - row.wall.as_secs_f64()) / row.wall.as_secs_f64().max(1e-9) * 100.0;
                format!("{g:.2} s ({off:+.0}%)")
            },
        )));
        Row::new(cells)
    });
    // Narrow columns, so the guess keeps its room on 80 columns.
    let mut widths: Vec<Constraint> = [8, 10, 8, 8, 10, 8]
        .into_iter()
        .map(Constraint::Length)
        .collect();
    if amdahl {
        widths.push(Constraint::Length(7));
    }
    widths.push(Constraint::Fill(1));
    frame.render_widget(
        Table::new(body, widths)
            .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
            .column_spacing(1),
        area,
    );
}

/// The speedup chart; the projector view draws it large.
pub(super) fn speedup_chart(t: &Theme, lab: &LabView, frame: &mut Frame, area: Rect) {
    let rows = lab.rows();
    let points = |rows: &[crate::lab::Row]| -> Vec<(f64, f64)> {
        rows.iter()
            .filter_map(|r| r.speedup.map(|s| (r.workers as f64, s)))
            .collect()
    };
    let measured = points(&rows);
    // Another machine's curve, when comparing (`--compare`).
    let recorded = lab
        .recorded
        .as_ref()
        .map(|r| points(&r.rows()))
        .unwrap_or_default();
    // The slowest run of each point: the spread below the line.
    let base = rows
        .iter()
        .find(|r| r.workers == 1)
        .map(|r| r.wall.as_secs_f64());
    let slowest: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.runs > 1)
        .filter_map(|r| base.map(|b| (r.workers as f64, b / r.wall_max.as_secs_f64().max(1e-9))))
        .collect();
    let max_workers = measured
        .iter()
        .chain(&recorded)
        .map(|p| p.0)
        .fold(2.0, f64::max);
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
    let top = measured
        .iter()
        .chain(&recorded)
        .map(|p| p.1)
        .fold(max_workers, f64::max)
        .ceil();
    let mut datasets = vec![
        chart::curve("ideal", t.chart_ideal(), &ideal),
        chart::curve("measured", t.chart_measured(), &measured),
    ];
    if !slowest.is_empty() {
        datasets.push(chart::dots(Marker::Dot, t.chart_measured(), &slowest).name("slowest run"));
    }
    if let Some(r) = &lab.recorded {
        let name = format!("{} cores", r.cores);
        datasets.push(chart::curve(name, t.chart_recorded(), &recorded));
    }
    if !amdahl.is_empty() {
        datasets.push(chart::curve("Amdahl", t.chart_amdahl(), &amdahl));
    }
    let title = Line::styled("Speedup against workers", t.dim());
    let chart = chart::xy(
        t,
        title,
        datasets,
        ("workers", max_workers),
        ("speedup", top),
    );
    frame.render_widget(chart, area);
}
