//! `forklab run`: the worker lab without the TUI. Runs one experiment for
//! each worker count and prints the results table (text, CSV or JSON).

use std::cell::{Cell, RefCell};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::ValueEnum;

use crate::lab::engine::load::BUSY_SHARE;
use crate::lab::engine::{DEFAULT_REPEAT, MAX_REPEAT, default_engine};
use crate::lab::measure::{Row, rows, sweep, sweep_counts};
use crate::lab::{
    Engine, LabConfig, LabError, LabEvent, MAX_TASKS, MAX_WORKERS, PoolApi, RunResult, Workload,
    available_cores,
};
use crate::python::{Interpreter, StartMethod};

/// Exit status for arguments that make no sense, as clap uses.
const USAGE: u8 = 2;

/// Arguments of `forklab run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Worker counts to run in turn, e.g. 1,2,4 [default: 1 to twice the cores]
    #[arg(long, value_name = "N,...", value_delimiter = ',', value_parser = parse_workers)]
    pub workers: Vec<usize>,
    /// Tasks in the job
    #[arg(long, default_value_t = 64, value_parser = parse_tasks)]
    pub tasks: usize,
    /// What each task does: count primes, sleep, or count primes around a serial part
    #[arg(long, value_enum, default_value_t = WorkloadArg::Cpu)]
    pub workload: WorkloadArg,
    /// Numbers per task (cpu, amdahl) or ms per task (sleep) [default: 8000 numbers, 50 ms]
    #[arg(long, value_name = "N")]
    pub task_size: Option<u64>,
    /// Tasks handed to a worker at once, like Pool.map's chunksize
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_chunksize)]
    pub chunksize: usize,
    /// Run the workers on the first K cores only
    #[arg(long, value_name = "K", value_parser = parse_cpus)]
    pub cpus: Option<usize>,
    /// Share of the one-worker time the master works alone (amdahl only) [default: 0.2]
    #[arg(long, value_name = "F")]
    pub serial_fraction: Option<f64>,
    /// Give up (and stop the workers) after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub deadline: u64,
    /// What runs the pool: a real Python multiprocessing pool, or forklab's own workers [default: python when a working Python is found]
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// How workers start [default: the engine's: Python's own default, exec for forklab]
    #[arg(long, value_name = "METHOD", value_parser = parse_start_method)]
    pub start_method: Option<StartMethod>,
    /// The python engine's pool: multiprocessing.Pool or concurrent.futures.ProcessPoolExecutor
    #[arg(long, value_enum, default_value_t = ApiArg::Pool)]
    pub api: ApiArg,
    /// Runs per worker count; the table shows the fastest and the spread
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REPEAT, value_parser = parse_repeat)]
    pub repeat: usize,
    /// The dask engine's scheduler, tcp://HOST:PORT [default: $FORKLAB_DASK_SCHEDULER, else the config file's dask_scheduler, else a LocalCluster for each run]
    #[arg(long, value_name = "ADDR", value_parser = parse_scheduler)]
    pub scheduler: Option<String>,
    /// Print the table as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the table as CSV
    #[arg(long)]
    pub csv: bool,
}

/// The engines, as the command line spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    Python,
    Forklab,
    Dask,
}

/// The python engine's pool APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiArg {
    Pool,
    Executor,
}

fn parse_scheduler(text: &str) -> Result<String, String> {
    crate::lab::engine::dask::parse_scheduler(text)
}

fn parse_start_method(text: &str) -> Result<StartMethod, String> {
    text.parse()
}

fn parse_repeat(s: &str) -> Result<usize, String> {
    parse_count(s, "runs per point", MAX_REPEAT)
}

/// The workloads, as the command line spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkloadArg {
    Cpu,
    Sleep,
    Amdahl,
}

fn parse_count(s: &str, what: &str, max: usize) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number of {what}"))?;
    if n == 0 || n > max {
        return Err(format!("{n} {what}: choose from 1 to {max}"));
    }
    Ok(n)
}

fn parse_workers(s: &str) -> Result<usize, String> {
    parse_count(s, "workers", MAX_WORKERS)
}

fn parse_tasks(s: &str) -> Result<usize, String> {
    parse_count(s, "tasks", MAX_TASKS)
}

fn parse_chunksize(s: &str) -> Result<usize, String> {
    parse_count(s, "tasks per chunk", MAX_TASKS)
}

fn parse_cpus(s: &str) -> Result<usize, String> {
    let cores = available_cores();
    let k = parse_count(s, "cores", usize::MAX)?;
    if k > cores {
        return Err(format!(
            "{k} cores: this machine lets forklab use {cores}, so choose from 1 to {cores}"
        ));
    }
    Ok(k)
}

impl RunArgs {
    /// The run config for the first worker count, or why it is invalid.
    /// The engine is the one asked for (python when none is: see [`run`]).
    pub fn config(&self) -> Result<LabConfig, LabError> {
        let name = self
            .workload
            .to_possible_value()
            .map_or_else(|| "cpu".to_string(), |v| v.get_name().to_string());
        let workload =
            Workload::from_name(&name, self.serial_fraction).map_err(LabError::Invalid)?;
        let config = LabConfig {
            workers: self.workers.first().copied().unwrap_or(1),
            tasks: self.tasks,
            task_size: self
                .task_size
                .unwrap_or_else(|| workload.default_task_size()),
            chunksize: self.chunksize,
            workload,
            cpus: self.cpus,
            deadline: Duration::from_secs(self.deadline),
            engine: match self.engine {
                Some(EngineArg::Forklab) => Engine::Forklab,
                Some(EngineArg::Dask) => Engine::Dask,
                None | Some(EngineArg::Python) => Engine::Python,
            },
            start_method: self.start_method,
            api: match self.api {
                ApiArg::Pool => PoolApi::Pool,
                ApiArg::Executor => PoolApi::Executor,
            },
            repeat: self.repeat,
            scheduler: self.scheduler.clone().map(std::sync::Arc::new),
            ..LabConfig::new(workload)
        };
        if config.scheduler.is_some() && config.engine != Engine::Dask {
            return Err(LabError::Invalid(
                "--scheduler is for the dask engine: add --engine dask".into(),
            ));
        }
        // The python engine's checks need its interpreter: see `run`.
        if config.engine == Engine::Forklab {
            config.validate()?;
        }
        Ok(config)
    }
}

/// Runs the sweep and prints the table; exit status 2 for arguments that
/// cannot run, 1 (through `Err`) for a run that failed.
pub fn run(
    args: &RunArgs,
    python: Option<&std::path::Path>,
    join: Option<&crate::class::client::JoinSetup>,
) -> Result<ExitCode, String> {
    let usage = |e: &dyn std::fmt::Display| {
        eprintln!("forklab run: {e}");
        Ok(ExitCode::from(USAGE))
    };
    let mut config = match args.config() {
        Ok(config) => config,
        Err(e) => return usage(&e),
    };
    match args.engine {
        None => {
            let (engine, interpreter, notice) = default_engine(python);
            if let Some(notice) = notice {
                eprintln!("forklab run: {notice}");
            }
            config.engine = engine;
            config.python = interpreter.map(std::sync::Arc::new);
        }
        Some(EngineArg::Python) => match Interpreter::find(python) {
            Ok(found) => config.python = Some(std::sync::Arc::new(found)),
            Err(e) => return usage(&format!("the python engine needs Python: {e}")),
        },
        Some(EngineArg::Dask) => match Interpreter::find(python) {
            Ok(found) => config.python = Some(std::sync::Arc::new(found)),
            Err(e) => return usage(&format!("the dask engine needs Python with Dask: {e}")),
        },
        Some(EngineArg::Forklab) => {}
    }
    if let Err(e) = config.validate() {
        return usage(&e);
    }
    let calibrate = args.task_size.is_none();
    config.calibrate = calibrate;
    let counts = if args.workers.is_empty() {
        sweep_counts(available_cores())
    } else {
        args.workers.clone()
    };
    let progress = Progress::new(std::io::stderr().is_terminal());
    // Runs that finished, kept if the sweep stops half way (a cluster lost).
    let finished = RefCell::new(Vec::new());
    let swept = sweep(&config, &counts, |event| {
        if let LabEvent::RunFinished(r) = &event {
            finished.borrow_mut().push((**r).clone());
        }
        progress.show(&event)
    });
    let (results, stopped) = match swept {
        Ok(results) => (results, None),
        Err(e) if finished.borrow().is_empty() => return Err(e.to_string()),
        Err(e) => (finished.into_inner(), Some(e)),
    };
    // As it ran: engine, interpreter and task size settled.
    if let Some(first) = results.first() {
        config = first.config.clone();
    }
    let text = if args.json {
        let text = json(&config, &results);
        match &stopped {
            // Marked in the document itself: `"partial": "why"`.
            Some(e) => text.replacen(
                "{\n",
                &format!(
                    "{{\n  \"partial\": {},\n",
                    serde_json::Value::String(e.to_string())
                ),
                1,
            ),
            None => text,
        }
    } else if args.csv {
        csv(&results)
    } else {
        let mut text = table(&config, &results);
        if calibrate {
            text.push_str(&format!(
                "task size {} {}: calibrated so that 1 worker takes about {:.1} s here (--task-size to choose)\n",
                config.task_size,
                config.workload.size_unit(),
                crate::lab::engine::calibrate::TARGET.as_secs_f64()
            ));
        }
        if let Some(e) = &stopped {
            text.push_str(&partial_note(
                &results,
                counts.len() * config.repeat.max(1),
                e,
            ));
        }
        text
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the table: {e}"))?;
    if let Some(join) = join {
        send_to_class(join, &results);
    }
    match stopped {
        // The table above is partial: say why, and fail.
        Some(e) => Err(format!(
            "the sweep stopped after {} run{}, the results above are partial: {e}",
            results.len(),
            if results.len() == 1 { "" } else { "s" }
        )),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The line under a table of a sweep that stopped half way.
fn partial_note(results: &[RunResult], planned: usize, error: &LabError) -> String {
    format!(
        "PARTIAL: {} of {planned} runs finished before the sweep stopped: {}\n",
        results.len(),
        error.to_string().lines().next().unwrap_or_default()
    )
}

/// Sends the table to a class. A class that cannot be reached is
/// reported, never fatal: the learner's results are already printed.
fn send_to_class(join: &crate::class::client::JoinSetup, results: &[RunResult]) {
    use crate::class::client::{Client, new_id, this_machine};
    let Some(report) = crate::class::payload::report_of(results) else {
        return;
    };
    let (address, nickname) = (&join.address, &join.nickname);
    let python = crate::class::payload::python_of(results);
    let machine = this_machine(available_cores(), python);
    let sent = Client::new(address, &join.code, nickname, machine)
        .and_then(|mut client| client.submit(&new_id(), &report));
    match sent {
        Ok(_) => eprintln!("forklab run: sent to the class at {address} as {nickname}"),
        Err(e) => eprintln!("forklab run: not sent to the class at {address}: {e}"),
    }
}

/// A one-line progress display on stderr (only on a terminal), and crash
/// reports (always: a lost worker matters even in a log).
struct Progress {
    terminal: bool,
    workers: Cell<usize>,
    tasks: Cell<usize>,
    done: Cell<usize>,
    last: RefCell<Option<Instant>>,
}

impl Progress {
    fn new(terminal: bool) -> Progress {
        Progress {
            terminal,
            workers: Cell::new(0),
            tasks: Cell::new(0),
            done: Cell::new(0),
            last: RefCell::new(None),
        }
    }

    fn show(&self, event: &LabEvent) {
        let mut err = std::io::stderr().lock();
        match event {
            LabEvent::RunStarted { config, .. } => {
                self.workers.set(config.workers);
                self.tasks.set(config.tasks);
                self.done.set(0);
                *self.last.borrow_mut() = None;
                self.line(&mut err, "starting");
            }
            LabEvent::AllReady { .. } => self.line(&mut err, "running"),
            LabEvent::TaskFinished { .. } => {
                self.done.set(self.done.get() + 1);
                let now = Instant::now();
                let due = self
                    .last
                    .borrow()
                    .is_none_or(|t| now - t >= Duration::from_millis(50));
                if due {
                    *self.last.borrow_mut() = Some(now);
                    self.line(&mut err, "running");
                }
            }
            LabEvent::Notice(notice) => {
                if self.terminal {
                    let _ = write!(err, "\r\x1b[K");
                }
                let _ = writeln!(err, "forklab run: {notice}");
            }
            LabEvent::WorkerCrashed(crash) => {
                if self.terminal {
                    let _ = write!(err, "\r\x1b[K");
                }
                let _ = writeln!(err, "forklab run: {crash}");
            }
            LabEvent::RunFinished(_) | LabEvent::RunFailed(_) if self.terminal => {
                let _ = write!(err, "\r\x1b[K");
            }
            _ => {}
        }
        let _ = err.flush();
    }

    fn line(&self, err: &mut impl Write, what: &str) {
        if self.terminal {
            let _ = write!(
                err,
                "\r\x1b[K{} worker{}: {what}, {}/{} tasks",
                self.workers.get(),
                if self.workers.get() == 1 { "" } else { "s" },
                self.done.get(),
                self.tasks.get()
            );
        }
    }
}

/// The engine line: what ran, how workers started, how many runs a point.
fn engine_line(config: &LabConfig, results: &[RunResult]) -> String {
    let ran = results
        .first()
        .map_or_else(|| config.engine.name().to_string(), |r| r.ran.clone());
    let method = results
        .first()
        .map_or_else(|| "default".to_string(), |r| r.method.clone());
    let chosen = if config.start_method.is_some() {
        ""
    } else {
        " (its default)"
    };
    format!(
        "engine {}: {ran}, start method {method}{chosen}, best of {} run{} per point",
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
        Some(k) => h.push_str(&format!(", on {k} of {} cores", available_cores())),
        None => h.push_str(&format!(", {} cores", available_cores())),
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
        cores: available_cores(),
        runs: records(results),
    };
    // Plain numbers and strings: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn argument_parsers_explain_their_limits() {
        assert_eq!(parse_workers("4"), Ok(4));
        assert!(parse_workers("0").unwrap_err().contains("1 to 1024"));
        assert!(parse_workers("1025").unwrap_err().contains("1 to 1024"));
        assert!(
            parse_workers("x")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(
            parse_cpus(&(available_cores() + 1).to_string())
                .unwrap_err()
                .contains("this machine")
        );
        assert_eq!(parse_cpus("1"), Ok(1));
    }
}
