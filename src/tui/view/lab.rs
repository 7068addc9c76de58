//! The lab screen: the next run's settings, the workers at work on a
//! timeline, the results table and the speedup chart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::super::action::Action;
use super::super::keymap::{self, Where};
use super::super::lab::LabView;
use super::super::theme::Theme;
pub(super) use super::lab_results::speedup_chart;
use super::{lab_results, timeline};
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
    let head = Paragraph::new(head_lines(t, lab, earlier, inner.width)).wrap(Wrap { trim: false });
    // Rows as wrapped to this width, and one blank row after.
    let head_rows = head.line_count(inner.width) as u16 + 1;
    let now_rows = timeline::height(lab.timeline(), lab.previous.is_some());
    let before_rows = lab
        .previous
        .as_ref()
        .map_or(0, |p| timeline::height(p.timeline.borrow(&p.config), true));
    // The run before beside this one where both are wide enough, else under it.
    let beside = now_rows > 0 && before_rows > 0 && inner.width >= 110;
    let workers_rows = workers_rows_wanted(now_rows, before_rows, beside);
    let results_rows = match &lab.recorded {
        Some(recorded) => super::lab_compare::height(lab, recorded),
        None => lab_results::height(lab),
    };
    // Short of room, a running lab keeps its timeline, a finished one its
    // results table.
    let left = inner.height.saturating_sub(head_rows);
    let (workers_rows, results_rows) = if lab.running {
        let w = workers_rows.min(left);
        (w, results_rows.min(left - w))
    } else {
        let r = results_rows.min(left);
        // Variants' speedups compared: their chart before the timelines.
        let tables = lab.tables();
        let curves = tables
            .iter()
            .filter(|t| t.rows.iter().filter(|r| r.speedup.is_some()).count() >= 2);
        let chart = if tables.len() > 1 && curves.count() > 0 {
            lab_results::chart_rows(lab)
        } else {
            0
        };
        (workers_rows.min((left - r).saturating_sub(chart)), r)
    };
    // A timeline shown whole, or with at least two of its workers (the
    // last row may count the rest): a scale over one count says nothing.
    let full = workers_rows_wanted(now_rows, before_rows, beside);
    let workers_rows = if workers_rows < full.min(3) {
        0
    } else {
        workers_rows
    };
    let [top, workers, results, chart] = Layout::vertical([
        Constraint::Length(head_rows),
        Constraint::Length(workers_rows),
        Constraint::Length(results_rows),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(head, top);
    timelines(t, lab, (now_rows, beside), frame, workers);
    match &lab.recorded {
        Some(recorded) => super::lab_compare::table(t, lab, recorded, frame, results),
        None => lab_results::table(t, lab, frame, results),
    }
    if chart.height >= CHART_ROWS && (lab.rows().len() >= 2 || lab.recorded.is_some()) {
        speedup_chart(t, lab, frame, chart);
    }
}

/// Rows the speedup chart needs to be drawn.
const CHART_ROWS: u16 = 8;

/// Rows the two timelines take, beside each other or one under the other.
fn workers_rows_wanted(now_rows: u16, before_rows: u16, beside: bool) -> u16 {
    if beside {
        now_rows.max(before_rows)
    } else {
        now_rows + before_rows
    }
}

/// The current run's timeline and the previous run's, beside it or under
/// it (`now_rows` tall, the current one first when rows are short).
fn timelines(
    t: &Theme,
    lab: &LabView,
    (now_rows, beside): (u16, bool),
    frame: &mut Frame,
    area: Rect,
) {
    let (now, before) = if beside {
        let [a, b] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
            .spacing(2)
            .areas(area);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Length(now_rows), Constraint::Fill(1)]).areas(area);
        (a, b)
    };
    let Some(p) = &lab.previous else {
        timeline::draw(t, lab.timeline(), (None, lab.now), frame, now);
        return;
    };
    // One scale for both, each titled, so their bars compare.
    let span = lab.now.max(p.timeline.now);
    let bold = t.dim().add_modifier(Modifier::BOLD);
    if !lab.workers.is_empty() {
        let title = Line::styled(run_title("This run", &lab.config, None), bold);
        timeline::draw(t, lab.timeline(), (Some(title), span), frame, now);
    }
    let title = Line::styled(
        run_title("Before", &p.config, p.experiment.as_deref()),
        bold,
    );
    timeline::draw(
        t,
        p.timeline.borrow(&p.config),
        (Some(title), span),
        frame,
        before,
    );
}

/// `Before: 4 workers · 64 tasks · chunk 1 · engine python`, with the
/// experiment's name when it was another one.
fn run_title(which: &str, c: &crate::lab::LabConfig, experiment: Option<&str>) -> String {
    let of = experiment.map_or(String::new(), |e| {
        format!(" ({})", crate::sanitize::field(e, 40))
    });
    format!(
        "{which}{of}: {} · {} tasks · chunk {} · engine {}",
        workers(c.workers),
        c.tasks,
        c.chunksize,
        c.engine
    )
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
    count(n as u64, "worker")
}

/// `1 number`, `8000 numbers`.
fn count(n: u64, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The settings and the status above the timeline; the first line in
/// shorter words when `width` is narrow, so it keeps to one row.
fn head_lines(t: &Theme, lab: &LabView, earlier: &[&Guess], width: u16) -> Vec<Line<'static>> {
    let c = &lab.config;
    // The task size once it is known: fixed by the experiment, or measured
    // by the first run (until then there is no size to state).
    let size = |unit: &str| {
        if c.calibrate {
            format!("{} tasks sized at the first run", c.tasks)
        } else {
            format!("{} tasks of {}", c.tasks, count(c.task_size, unit))
        }
    };
    let work = match c.workload {
        Workload::Cpu => format!("cpu: count primes, {}", size("number")),
        Workload::Sleep => format!("sleep: {} tasks that each wait {} ms", c.tasks, c.task_size),
        Workload::Amdahl { serial_fraction } => format!(
            "amdahl: {:.0}% serial work in the master, {}",
            serial_fraction * 100.0,
            size("number")
        ),
    };
    let cores = match c.cpus {
        None => format!("all {} cores", lab.cores),
        Some(k) => format!("only {k} of {} cores", lab.cores),
    };
    let settings = |work: &str| format!(" · {work} · chunk {} · {cores}", c.chunksize);
    let mut rest = settings(&work);
    if workers(c.workers).len() + rest.chars().count() > usize::from(width) {
        // `count primes` is what `cpu` means; the narrow line leaves it out.
        rest = settings(&work.replacen("count primes, ", "", 1));
    }
    let mut lines = vec![
        Line::from(vec![
            Span::styled(workers(c.workers), t.key()),
            Span::raw(rest),
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
    lines.push(status_line(t, lab));
    lines
}

/// Where the lab is: running (how far), what went wrong, ready or done.
fn status_line(t: &Theme, lab: &LabView) -> Line<'static> {
    let c = &lab.config;
    if lab.running {
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
                keymap::key_for(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Run))),
                keymap::key_for(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Sweep))),
            ),
            t.dim(),
        )
    } else {
        Line::styled(
            "Done: change the workers and run again, or s to sweep",
            t.dim(),
        )
    }
}

/// Which engine runs, how its workers start, how often each point runs.
fn engine_line(t: &Theme, lab: &LabView) -> Line<'static> {
    let c = &lab.config;
    let last = lab.measured.last().map(|m| &m.result);
    let ran = match (c.engine, last) {
        // The interpreter's GIL with it: what threads can do here.
        (engine, Some(r)) if r.config.engine == engine && !r.ran.is_empty() => r.ran.clone(),
        (crate::lab::Engine::Python, _) => {
            let api = c.api.class();
            c.python.as_ref().map_or(format!("Python {api}"), |p| {
                format!("Python {} {api}, {}", p.version, p.gil.describe())
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
    Line::from(vec![
        Span::styled(format!("engine {}", c.engine), t.key()),
        Span::raw(format!(
            " ({ran}) · start method {method} · best of {}",
            c.repeat
        )),
    ])
}

/// What a `*` beside a point means, under every table that shows one;
/// the short form where the long one would be cut.
pub(super) const BUSY_LEGEND: [&str; 2] = [
    "* measured while other programs kept the machine busy: rerun when it is quiet",
    "* measured while the machine was busy",
];

/// The `*` legend on the row after a table of `rows` rows (and its
/// header), when a point is marked and the area keeps a row for it; the
/// area left for the table.
pub(super) fn busy_legend(
    t: &Theme,
    (busy, rows): (bool, u16),
    frame: &mut Frame,
    area: Rect,
) -> Rect {
    if !busy || area.height < 3 {
        return area;
    }
    let y = (area.y + rows + 1).min(area.bottom() - 1);
    let text = BUSY_LEGEND
        .into_iter()
        .find(|l| l.chars().count() <= usize::from(area.width))
        .unwrap_or(BUSY_LEGEND[1]);
    let line = Rect {
        y,
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(Line::styled(text, t.dim())), line);
    Rect {
        height: y - area.y,
        ..area
    }
}
