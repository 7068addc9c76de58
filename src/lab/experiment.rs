//! Experiments a lesson declares in its front matter, so its page opens
//! the lab already set up:
//!
//! ```toml
//! [[experiments]]
//! id = "serial-ceiling"
//! title = "A fifth of the job will not split"
//! workload = "amdahl"          # cpu, sleep or amdahl
//! workers = [1, 2, 4, 8]       # the counts a sweep runs (default 1, 2, 4)
//! tasks = 64                   # default 64
//! chunksize = 1                # default 1
//! task_size = 4000             # default: the workload's
//! serial_fraction = 0.2        # amdahl only (default 0.2)
//! predict = "What is the best speedup any number of cores could give?"
//! ```

use std::fmt;

use super::config::{LabConfig, MAX_TASKS, MAX_WORKERS};
use super::workload::Workload;
use crate::lesson::parse::is_valid_id;

/// The keys an experiment table may have: any other is a typo.
pub const KEYS: [&str; 9] = [
    "id",
    "title",
    "workload",
    "workers",
    "tasks",
    "chunksize",
    "task_size",
    "serial_fraction",
    "predict",
];

/// A lab set-up declared by a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    pub id: String,
    pub title: String,
    pub workload: Workload,
    /// The worker counts to run, in order (a sweep); the lab starts at the
    /// first.
    pub workers: Vec<usize>,
    pub tasks: usize,
    pub chunksize: usize,
    pub task_size: u64,
    /// No `task_size` given: the lab sizes tasks by measurement.
    pub calibrate: bool,
    /// A question to answer before running it.
    pub predict: Option<String>,
}

/// What is wrong with an experiment table, and under which key (so
/// `forklab check` can point at the line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentError {
    /// The key at fault; `None` when the table as a whole is.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ExperimentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExperimentError {}

fn error(key: &str, message: String) -> ExperimentError {
    ExperimentError {
        key: Some(key.to_string()),
        message,
    }
}

impl Experiment {
    /// Reads one `[[experiments]]` table, checking every value.
    pub fn from_table(table: &toml::Table) -> Result<Experiment, ExperimentError> {
        if let Some(key) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(error(
                key,
                format!(
                    "experiment: unknown key `{key}` (known: {})",
                    KEYS.join(", ")
                ),
            ));
        }
        let id = id(table)?;
        let whose = |key: &str, what: String| error(key, format!("experiment {id:?}: {what}"));
        let title = string(table, "title")?
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| whose("title", "needs a non-empty `title`".into()))?;
        let name = string(table, "workload")?.ok_or_else(|| {
            whose(
                "workload",
                "needs a `workload` (cpu, sleep or amdahl)".into(),
            )
        })?;
        let workload = workload(table, &name).map_err(|(key, m)| whose(key, m))?;
        let workers = workers(table).map_err(|m| whose("workers", m))?;
        let tasks =
            integer(table, "tasks", 64, 1, MAX_TASKS as u64).map_err(|m| whose("tasks", m))?;
        let chunksize = integer(table, "chunksize", 1, 1, MAX_TASKS as u64)
            .map_err(|m| whose("chunksize", m))?;
        // 0 is a valid sleep; the workload says what it accepts.
        let task_size = integer(
            table,
            "task_size",
            workload.default_task_size(),
            0,
            u64::MAX,
        )
        .map_err(|m| whose("task_size", m))?;
        workload
            .check_task_size(task_size, tasks as usize)
            .map_err(|m| whose("task_size", m))?;
        let predict = string(table, "predict")?;
        Ok(Experiment {
            id,
            title,
            workload,
            workers,
            tasks: tasks as usize,
            chunksize: chunksize as usize,
            task_size,
            calibrate: !table.contains_key("task_size"),
            predict,
        })
    }

    /// Every experiment of a lesson (`lesson.meta.experiments`), each parsed
    /// on its own so one bad table does not hide the others.
    pub fn all_from(tables: &[toml::Table]) -> Vec<Result<Experiment, ExperimentError>> {
        tables.iter().map(Experiment::from_table).collect()
    }

    /// The run for one worker count of this experiment.
    pub fn config(&self, workers: usize) -> LabConfig {
        LabConfig {
            workers,
            tasks: self.tasks,
            task_size: self.task_size,
            chunksize: self.chunksize,
            calibrate: self.calibrate,
            ..LabConfig::new(self.workload)
        }
    }
}

/// The table's `id`, present and well formed.
fn id(table: &toml::Table) -> Result<String, ExperimentError> {
    let id = string(table, "id")?.ok_or_else(|| ExperimentError {
        key: None,
        message: "experiment without an `id`".into(),
    })?;
    if !is_valid_id(&id) {
        return Err(error(
            "id",
            format!("experiment id {id:?} must be lowercase letters, digits and dashes"),
        ));
    }
    Ok(id)
}

/// The `workload`, with its `serial_fraction`; an error names the key
/// at fault.
fn workload(table: &toml::Table, name: &str) -> Result<Workload, (&'static str, String)> {
    let serial_fraction = match table.get("serial_fraction") {
        None => None,
        Some(toml::Value::Float(f)) => Some(*f),
        Some(toml::Value::Integer(i)) => Some(*i as f64),
        Some(_) => {
            return Err((
                "serial_fraction",
                "`serial_fraction` must be a number from 0 to 0.9".into(),
            ));
        }
    };
    Workload::parse(name, serial_fraction).map_err(|e| (e.key(), e.to_string()))
}

/// The worker counts a sweep runs: each from 1 to [`MAX_WORKERS`], once.
fn workers(table: &toml::Table) -> Result<Vec<usize>, String> {
    let items = match table.get("workers") {
        None => return Ok(vec![1, 2, 4]),
        Some(toml::Value::Array(items)) => items,
        Some(_) => {
            return Err("`workers` must be a list of worker counts, e.g. [1, 2, 4]".into());
        }
    };
    let mut counts = Vec::with_capacity(items.len().min(MAX_WORKERS));
    for item in items {
        let n = item
            .as_integer()
            .filter(|n| (1..=MAX_WORKERS as i64).contains(n))
            .ok_or_else(|| {
                format!("`workers` holds worker counts from 1 to {MAX_WORKERS}, not {item}")
            })?;
        if counts.contains(&(n as usize)) {
            return Err(format!("`workers` lists {n} twice"));
        }
        counts.push(n as usize);
    }
    if counts.is_empty() {
        return Err("`workers` is empty".into());
    }
    Ok(counts)
}

fn string(table: &toml::Table, key: &str) -> Result<Option<String>, ExperimentError> {
    match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(error(
            key,
            format!("experiment: `{key}` must be a string, not {other}"),
        )),
    }
}

/// An integer from `min` to `max`, or `default` when absent.
fn integer(
    table: &toml::Table,
    key: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, String> {
    match table.get(key) {
        None => Ok(default),
        Some(toml::Value::Integer(n)) if *n >= 0 && (*n as u64) >= min => {
            if (*n as u64) <= max {
                Ok(*n as u64)
            } else {
                Err(format!("`{key}` = {n} is too large (at most {max})"))
            }
        }
        Some(other) => Err(format!(
            "`{key}` must be a whole number of at least {min}, not {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::LessonSet;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn a_full_experiment_parses_and_gives_configs() {
        let e = Experiment::from_table(&table(
            "id = \"serial-ceiling\"\ntitle = \"T\"\nworkload = \"amdahl\"\nworkers = [1, 2, 4, 8]\ntasks = 64\nchunksize = 2\ntask_size = 1000\nserial_fraction = 0.25\npredict = \"?\"",
        ))
        .unwrap();
        assert_eq!(e.workers, vec![1, 2, 4, 8]);
        assert_eq!(
            e.workload,
            Workload::Amdahl {
                serial_fraction: 0.25
            }
        );
        let c = e.config(4);
        assert_eq!(
            (c.workers, c.tasks, c.chunksize, c.task_size),
            (4, 64, 2, 1000)
        );
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(e.predict.as_deref(), Some("?"));
    }

    #[test]
    fn defaults_fill_the_rest() {
        let e = Experiment::from_table(&table("id = \"a\"\ntitle = \"A\"\nworkload = \"sleep\""))
            .unwrap();
        assert_eq!(e.workers, vec![1, 2, 4]);
        assert_eq!((e.tasks, e.chunksize), (64, 1));
        assert_eq!(e.task_size, Workload::Sleep.default_task_size());
        assert_eq!(e.predict, None);
    }

    #[test]
    fn mistakes_name_their_key() {
        let base = "id = \"a\"\ntitle = \"A\"\nworkload = \"cpu\"\n";
        for (extra, key, needle) in [
            ("colour = 1", "colour", "unknown key `colour`"),
            ("workers = []", "workers", "empty"),
            ("workers = [0]", "workers", "from 1 to 1024"),
            ("workers = [2000]", "workers", "not 2000"),
            ("workers = [1, 1]", "workers", "twice"),
            ("workers = 4", "workers", "list"),
            ("tasks = 0", "tasks", "at least 1"),
            ("tasks = \"many\"", "tasks", "whole number"),
            ("tasks = 99999999", "tasks", "too large"),
            ("chunksize = -1", "chunksize", "at least 1"),
            ("task_size = 0", "task_size", "task size 0"),
            (
                "serial_fraction = 0.5",
                "serial_fraction",
                "amdahl workload only",
            ),
            ("predict = 3", "predict", "must be a string"),
        ] {
            let err = Experiment::from_table(&table(&format!("{base}{extra}"))).unwrap_err();
            assert_eq!(err.key.as_deref(), Some(key), "{extra}: {err}");
            assert!(err.message.contains(needle), "{extra}: {err}");
        }
        let err = Experiment::from_table(&table("id = \"a\"\ntitle = \"A\"\nworkload = \"gpu\""))
            .unwrap_err();
        assert_eq!(err.key.as_deref(), Some("workload"));
        assert!(err.message.contains("\"gpu\""), "{err}");
        let err = Experiment::from_table(&table(
            "id = \"a\"\ntitle = \"A\"\nworkload = \"amdahl\"\nserial_fraction = 2",
        ))
        .unwrap_err();
        assert_eq!(err.key.as_deref(), Some("serial_fraction"), "{err}");
        let err = Experiment::from_table(&table("title = \"A\"")).unwrap_err();
        assert_eq!(err.key, None);
        let err = Experiment::from_table(&table("id = \"A b\"\ntitle = \"A\"")).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("id"));
        let err = Experiment::from_table(&table("id = \"a\"\nworkload = \"cpu\"")).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("title"));
    }

    #[test]
    fn every_shipped_experiment_parses() {
        let set = LessonSet::embedded();
        let mut seen = 0;
        for lesson in &set.lessons {
            for result in Experiment::all_from(&lesson.meta.experiments) {
                let e = result.unwrap_or_else(|e| panic!("{}: {e}", lesson.file));
                assert!(e.config(e.workers[0]).validate().is_ok());
                seen += 1;
            }
        }
        assert!(seen >= 9, "{seen}");
    }
}
