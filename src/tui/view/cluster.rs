//! The cluster pane: in the process pane's place when the lab's Dask
//! workers are not forklab's children (a scheduler it did not start).
//! One load bar per host (the workers' CPU over its threads), then one
//! row per worker: the run's worker number, address, threads, memory in
//! use and its limit, tasks the scheduler has given it, tasks done.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Row, Table};

use super::super::lab::LabView;
use super::super::theme::Theme;
use crate::lab::ClusterWorker;
use crate::sanitize;

/// `51M`, `12G`
fn size(bytes: u64) -> String {
    let mib = bytes as f64 / (1u64 << 20) as f64;
    if bytes == 0 {
        "-".into()
    } else if mib >= 1024.0 {
        format!("{:.0}G", mib / 1024.0)
    } else {
        format!("{mib:.0}M")
    }
}

/// Each host's load: the CPU its workers use over the threads they
/// have (0 to 1), with its worker and thread counts, by host name.
pub fn host_loads(workers: &[ClusterWorker]) -> Vec<(String, f64, usize, usize)> {
    let mut hosts: BTreeMap<&str, (f64, usize, usize)> = BTreeMap::new();
    for w in workers {
        let h = hosts.entry(&w.host).or_default();
        h.0 += w.cpu;
        h.1 += 1;
        h.2 += w.nthreads.max(1);
    }
    hosts
        .into_iter()
        .map(|(host, (cpu, n, threads))| {
            let load = (cpu / 100.0 / threads as f64).clamp(0.0, 1.0);
            (host.to_string(), load, n, threads)
        })
        .collect()
}

fn bar(load: f64, width: usize) -> String {
    let full = (load * width as f64).round() as usize;
    format!(
        "{}{}",
        "█".repeat(full.min(width)),
        "░".repeat(width - full.min(width))
    )
}

pub fn draw(t: &Theme, lab: &LabView, frame: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let workers = &lab.cluster;
    let scheduler = lab
        .config
        .scheduler
        .as_deref()
        .map_or("LocalCluster", |s| s.as_str());
    let title = format!(" Dask cluster: {} ", sanitize::field(scheduler, 60));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.pane_border())
        .title(Line::styled(title, t.pane_title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    let hosts = host_loads(workers);
    for (host, load, n, threads) in &hosts {
        let suffix = format!(" {:>3.0}% {n}w {threads}t", load * 100.0);
        let bar_width = (inner.width as usize)
            .saturating_sub(16 + suffix.chars().count())
            .clamp(3, 30);
        lines.push(Line::from(vec![
            // The scheduler's words: shown visibly, in 15 columns.
            Span::styled(
                format!("{} ", sanitize::pad(host, 15)),
                t.dim().add_modifier(Modifier::BOLD),
            ),
            Span::styled(bar(*load, bar_width), t.load((load * 100.0) as f32)),
            Span::raw(suffix),
        ]));
    }
    let used = lines.len().min(inner.height as usize) as u16;
    super::draw_lines(
        frame,
        Rect {
            height: used,
            ..inner
        },
        &lines,
    );
    let rest = Rect {
        y: inner.y + used,
        height: inner.height.saturating_sub(used),
        ..inner
    };
    // TASKS: what the scheduler has given the worker (running or queued).
    let header = Row::new(["RUN", "WORKER", "THR", "MEM", "TASKS", "DONE"])
        .style(t.dim().add_modifier(Modifier::BOLD));
    let visible = rest.height.saturating_sub(1) as usize;
    let rows = workers.iter().take(visible).map(|w| {
        // The run's worker with this pid (0: a worker the run did not use).
        let index = (w.pid != 0)
            .then(|| lab.workers.iter().position(|r| r.pid == w.pid))
            .flatten();
        let colour = index.map_or(t.dim(), |i| t.process(i + 1));
        let done = index.map_or(0, |i| lab.workers[i].done);
        let address = w.address.split_once("://").map_or(&*w.address, |(_, a)| a);
        Row::new(vec![
            Cell::from(index.map_or("-".into(), |i| format!("w{}", i + 1))).style(colour),
            Cell::from(sanitize::field(address, 40)).style(colour),
            Cell::from(format!("{:>3}", w.nthreads)),
            Cell::from(format!("{}/{}", size(w.used), size(w.mem))),
            Cell::from(format!("{:>5}", w.running)),
            Cell::from(format!("{done:>4}")),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(3),
            Constraint::Min(15),
            Constraint::Length(3),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Length(4),
        ],
    )
    .header(header)
    .column_spacing(1);
    frame.render_widget(table, rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(host: &str, cpu: f64, nthreads: usize) -> ClusterWorker {
        ClusterWorker {
            address: format!("tcp://{host}:1"),
            pid: 0,
            host: host.into(),
            nthreads,
            mem: 0,
            used: 0,
            cpu,
            running: 0,
        }
    }

    #[test]
    fn a_hosts_load_is_its_workers_cpu_over_their_threads() {
        let loads = host_loads(&[
            worker("b", 100.0, 1),
            worker("a", 150.0, 4),
            worker("a", 50.0, 4),
            worker("c", 900.0, 2),
        ]);
        let names: Vec<_> = loads.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!((loads[0].1 - 0.25).abs() < 1e-9, "{loads:?}");
        assert_eq!((loads[0].2, loads[0].3), (2, 8));
        assert!((loads[1].1 - 1.0).abs() < 1e-9);
        // More CPU than threads (a task using threads of its own): full.
        assert_eq!(loads[2].1, 1.0);
        assert_eq!(bar(0.5, 4), "██░░");
        assert_eq!(size(0), "-");
        assert_eq!(size(50 << 20), "50M");
    }

    #[test]
    fn a_schedulers_host_names_are_shown_visibly_in_aligned_columns() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let mut lab = LabView::new(2);
        lab.cluster = sanitize::TRICKS
            .iter()
            .map(|(_, raw, _)| worker(raw, 50.0, 1))
            .collect();
        let (width, height) = (70, 60);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| draw(&Theme::default(), &lab, f, f.area()))
            .unwrap();
        let buffer = terminal.backend().buffer();
        let mut bars = Vec::new();
        for y in 0..height {
            let (mut row, mut x) = (String::new(), 0);
            while x < width {
                let symbol = buffer[(x, y)].symbol();
                if symbol == "█" && !row.ends_with('█') {
                    bars.push(sanitize::width(&row));
                }
                row.push_str(symbol);
                x += sanitize::width(symbol).max(1) as u16;
            }
            assert!(sanitize::is_safe(&row), "raw in {row:?}");
            assert_eq!(sanitize::width(&row), usize::from(width), "{row:?}");
        }
        // Every host's bar starts in the same column.
        assert_eq!(bars.len(), sanitize::TRICKS.len(), "{bars:?}");
        assert!(bars.iter().all(|&b| b == bars[0]), "{bars:?}");
    }
}
