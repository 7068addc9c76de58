//! The results as `forklab run` prints them: an aligned text table, CSV
//! or JSON.

use crate::lab::load::BUSY_SHARE;
use crate::lab::measure::{Row, rows};
use crate::lab::{LabConfig, RunResult, Workload};
use crate::os::usable_cores;

/// The engine line: what ran, how workers started, how many runs a point.
fn engine_line(config: &LabConfig, results: &[RunResult]) -> String {
    let ran = results
        .first()
        .map_or_else(|| config.engine.name().to_string(), |r| r.ran.clone());
    let method = results
        .first()
        .map_or_else(|| "default".to_string(), |r| r.method.clone());
    let method = if config.engine == crate::lab::Engine::Python && config.api.threads() {
        // A pool of threads starts no processes.
        "none (threads of one process)".to_string()
    } else if config.start_method.is_some() {
        method
    } else {
        format!("{method} (its default)")
    };
    format!(
        "engine {}: {ran}, start method {method}, best of {} run{} per point",
        config.engine,
        config.repeat,
        if config.repeat == 1 { "" } else { "s" }
    )
}

fn heading(config: &LabConfig) -> String {
    let mut h = format!(
        "{} workload: {} tasks of {} {}, chunksize {}",
        config.workload.name(),
        config.tasks,
        config.task_size,
        config.workload.size_unit(),
        config.chunksize
    );
    if let Workload::Amdahl { serial_fraction } = config.workload {
        h.push_str(&format!(", serial fraction {serial_fraction}"));
    }
    match config.cpus {
        Some(k) => h.push_str(&format!(", on {k} of {} cores", usable_cores())),
        None => h.push_str(&format!(", {} cores", usable_cores())),
    }
    h
}

fn ratio(value: Option<f64>, suffix: &str, scale: f64, decimals: usize) -> String {
    value.map_or_else(
        || "-".to_string(),
        |v| format!("{:.*}{suffix}", decimals, v * scale),
    )
}

/// The plain, aligned table.
pub fn table(config: &LabConfig, results: &[RunResult]) -> String {
    let table = rows(results);
    let amdahl = matches!(config.workload, Workload::Amdahl { .. });
    let mut header = vec!["workers", "wall (s)", "speedup", "efficiency"];
    if amdahl {
        header.push("amdahl");
    }
    header.push("start-up (ms)");
    let spread = table.iter().any(|r| r.runs > 1);
    if spread {
        header.insert(2, "spread (s)");
    }
    let mut lines: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for row in &table {
        let mut line = vec![
            row.workers.to_string(),
            format!("{:.3}", row.wall.as_secs_f64()),
            ratio(row.speedup, "x", 1.0, 2),
            ratio(row.efficiency, "%", 100.0, 1),
        ];
        if amdahl {
            line.push(ratio(row.predicted, "x", 1.0, 2));
        }
        line.push(format!("{:.1}", row.startup.as_secs_f64() * 1000.0));
        if spread {
            line.insert(
                2,
                format!(
                    "{:.3}-{:.3}",
                    row.wall.as_secs_f64(),
                    row.wall_max.as_secs_f64()
                ),
            );
        }
        if row.busy {
            line[0].push('*');
        }
        lines.push(line);
    }
    let columns = lines[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = heading(config);
    out.push('\n');
    out.push_str(&engine_line(config, results));
    out.push('\n');
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:>width$}"))
            .collect();
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    if let Some(first) = results.first() {
        out.push_str(&format!("answer: {}, verified", first.answer_text()));
        if !table.iter().any(|r| r.workers == 1) {
            out.push_str("; no 1-worker run, so no speedup");
        }
        out.push('\n');
    }
    if let Some(worst) = table
        .iter()
        .filter(|r| r.busy)
        .filter_map(|r| r.outside_load)
        .reduce(f64::max)
    {
        out.push_str(&format!(
            "* measured while other programs kept the machine busy (up to {:.0}% of its cores; marked from {:.0}%): rerun when it is quiet\n",
            worst * 100.0,
            BUSY_SHARE * 100.0
        ));
    }
    for result in results {
        for crash in &result.crashes {
            out.push_str(&format!(
                "note: with {} workers, {crash}\n",
                result.config.workers
            ));
        }
    }
    out
}

/// One run as CSV and JSON give it: one record type for both, so the two
/// formats cannot disagree. Times in seconds; a missing ratio is empty in
/// CSV and `null` in JSON.
#[derive(Debug, serde::Serialize)]
struct RunRecord {
    workers: usize,
    wall_s: f64,
    speedup: Option<f64>,
    efficiency: Option<f64>,
    predicted_speedup: Option<f64>,
    startup_s: f64,
    answer: u64,
    crashes: usize,
    /// The slowest of the point's runs (`wall_s` is the fastest).
    wall_max_s: f64,
    runs: usize,
    /// Share of the cores other programs kept busy (the worst run).
    outside_load: Option<f64>,
    busy: bool,
}

/// One record per point (worker count), from the fastest of its runs.
fn records(results: &[RunResult]) -> Vec<RunRecord> {
    rows(results)
        .iter()
        .map(|row: &Row| {
            let answer = results
                .iter()
                .find(|r| r.config.workers == row.workers)
                .map_or(0, |r| r.answer);
            RunRecord {
                workers: row.workers,
                wall_s: row.wall.as_secs_f64(),
                speedup: row.speedup,
                efficiency: row.efficiency,
                predicted_speedup: row.predicted,
                startup_s: row.startup.as_secs_f64(),
                answer,
                crashes: row.crashes,
                wall_max_s: row.wall_max.as_secs_f64(),
                runs: row.runs,
                outside_load: row.outside_load,
                busy: row.busy,
            }
        })
        .collect()
}

/// One line per run, with a header.
pub fn csv(results: &[RunResult]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    for record in records(results) {
        // Writing plain numbers to memory cannot fail.
        let _ = out.serialize(record);
    }
    if results.is_empty() {
        let _ = out.write_record([
            "workers",
            "wall_s",
            "speedup",
            "efficiency",
            "predicted_speedup",
            "startup_s",
            "answer",
            "crashes",
            "wall_max_s",
            "runs",
            "outside_load",
            "busy",
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The experiment and its runs, as one JSON document.
#[derive(Debug, serde::Serialize)]
struct Report<'a> {
    engine: &'a str,
    /// What ran, e.g. `Python 3.11.7 Pool`.
    ran: &'a str,
    start_method: &'a str,
    repeat: usize,
    workload: &'a str,
    serial_fraction: Option<f64>,
    tasks: usize,
    task_size: u64,
    task_size_unit: &'a str,
    chunksize: usize,
    cpus: Option<usize>,
    cores: usize,
    runs: Vec<RunRecord>,
}

/// The experiment and its runs as one JSON object.
pub fn json(config: &LabConfig, results: &[RunResult]) -> String {
    let first = results.first();
    let report = Report {
        engine: config.engine.name(),
        ran: first.map_or("", |r| r.ran.as_str()),
        start_method: first.map_or("", |r| r.method.as_str()),
        repeat: config.repeat,
        workload: config.workload.name(),
        serial_fraction: match config.workload {
            Workload::Amdahl { serial_fraction } => Some(serial_fraction),
            _ => None,
        },
        tasks: config.tasks,
        task_size: config.task_size,
        task_size_unit: config.workload.size_unit(),
        chunksize: config.chunksize,
        cpus: config.cpus,
        cores: usable_cores(),
        runs: records(results),
    };
    // Plain numbers and strings: serialising cannot fail.
    let mut text =
        crate::sanitize::json(&serde_json::to_string_pretty(&report).unwrap_or_default());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn result(workers: usize, wall_ms: u64) -> RunResult {
        RunResult {
            config: LabConfig {
                workers,
                tasks: 8,
                task_size: 100,
                ..LabConfig::new(Workload::Cpu)
            },
            startup: Duration::from_micros(1500),
            wall: Duration::from_millis(wall_ms),
            serial: Duration::ZERO,
            answer: 42,
            pids: vec![],
            tasks_done: vec![],
            crashes: vec![],
            ..RunResult::default()
        }
    }

    #[test]
    fn the_table_is_aligned_with_speedups() {
        let results = [result(1, 1000), result(2, 500)];
        let text = table(&results[0].config, &results);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("cpu workload: 8 tasks of 100 numbers, chunksize 1"));
        assert!(lines[1].starts_with("engine forklab: "), "{text}");
        assert_eq!(lines[2].len(), lines[3].len(), "{text}");
        assert_eq!(lines[3].len(), lines[4].len(), "{text}");
        assert!(
            lines[4].contains("2.00x") && lines[4].contains("100.0%"),
            "{text}"
        );
        assert!(lines[5].contains("42 primes, verified"), "{text}");
        assert!(!text.contains("busy"), "{text}");
        // A point measured several times shows its spread; a busy one its mark.
        let mut busy = result(2, 700);
        busy.outside_load = Some(0.5);
        let results = [result(1, 1000), result(2, 500), busy];
        let text = table(&results[0].config, &results);
        assert!(text.contains("spread (s)"), "{text}");
        assert!(text.contains("0.500-0.700"), "{text}");
        assert!(
            text.contains("2*") && text.contains("busy (up to 50%"),
            "{text}"
        );
    }

    #[test]
    fn csv_and_json_carry_the_same_numbers() {
        let results = [result(1, 1000), result(2, 500)];
        let csv = csv(&results);
        assert_eq!(csv.lines().count(), 3);
        assert_eq!(
            csv.lines().next().unwrap(),
            "workers,wall_s,speedup,efficiency,predicted_speedup,startup_s,answer,crashes,wall_max_s,runs,outside_load,busy"
        );
        assert_eq!(
            csv.lines().nth(2).unwrap(),
            "2,0.5,2.0,1.0,,0.0015,42,0,0.5,1,,false",
            "{csv}"
        );
        let json = json(&results[0].config, &results);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["workload"], "cpu", "{json}");
        assert!(value["serial_fraction"].is_null());
        let two = &value["runs"][1];
        assert_eq!(two["workers"], 2);
        assert_eq!(two["wall_s"], 0.5);
        assert_eq!(two["speedup"], 2.0);
        assert_eq!(two["efficiency"], 1.0);
        assert!(two["predicted_speedup"].is_null());
        assert_eq!(two["startup_s"], 0.0015);
        assert!(json.contains("\"workload\": \"cpu\""), "{json}");
        assert_eq!(value["engine"], "forklab", "{json}");
        assert_eq!(two["runs"], 1);
        assert_eq!(csv_header_only(), 1);
    }

    /// An empty sweep still gives the CSV header.
    fn csv_header_only() -> usize {
        csv(&[]).lines().count()
    }
}
