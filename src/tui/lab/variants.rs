//! An experiment's variants: the settings a learner changes between runs
//! (engine and pool, start method, workload, tasks, task size, chunk,
//! cores). Each variant keeps its own rows, so chunk 1 and chunk 1024, or
//! Python's `Pool` and forklab's workers, stay side by side in one table
//! and one chart. The worker count is not part of a variant: it is the
//! table's rows and the chart's x axis.

use crate::lab::measure::{Row, rows};
use crate::lab::{Engine, LabConfig, PoolApi, RunResult, Workload};
use crate::python::StartMethod;

/// Variants kept at once: a class that cycles settings for an hour keeps
/// the newest this many, and counts the ones given way
/// ([`super::LabView::dropped`]).
pub const MAX_VARIANTS: usize = 6;

/// The settings that make a run's point comparable with another's.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub engine: Engine,
    /// The python engine's pool (the others have one kind of worker).
    pub api: PoolApi,
    pub start_method: Option<StartMethod>,
    pub workload: Workload,
    pub tasks: usize,
    pub task_size: u64,
    pub chunksize: usize,
    pub cpus: Option<usize>,
}

impl Variant {
    pub fn of(config: &LabConfig) -> Variant {
        Variant {
            engine: config.engine,
            api: match config.engine {
                Engine::Python => config.api,
                Engine::Forklab | Engine::Dask => PoolApi::Pool,
            },
            start_method: config.start_method,
            workload: config.workload,
            tasks: config.tasks,
            task_size: config.task_size,
            chunksize: config.chunksize,
            cpus: config.cpus,
        }
    }

    /// The same set-up on another machine: a measured task size differs
    /// from machine to machine, so it does not count (`--compare`).
    pub fn setup(&self) -> Variant {
        Variant {
            task_size: 0,
            ..self.clone()
        }
    }

    /// Each setting in words, in the order a label names them.
    fn parts(&self) -> [String; 7] {
        let pool = match self.engine {
            Engine::Python => self.api.class().to_string(),
            engine => engine.to_string(),
        };
        let method = match self.start_method {
            None => "default start".to_string(),
            // forklab's own "spawn" is an exec of its binary.
            Some(StartMethod::Spawn) if self.engine == Engine::Forklab => "exec".into(),
            Some(m) => m.to_string(),
        };
        let workload = match self.workload {
            Workload::Amdahl { serial_fraction } => {
                format!("amdahl {:.0}%", serial_fraction * 100.0)
            }
            w => w.name().to_string(),
        };
        let unit = self.workload.size_unit();
        let size = if self.task_size == 1 && unit == "numbers" {
            "1 number".to_string()
        } else {
            format!("{} {unit}", self.task_size)
        };
        let cores = match self.cpus {
            None => "all cores".to_string(),
            Some(1) => "1 core".to_string(),
            Some(k) => format!("{k} cores"),
        };
        [
            pool,
            method,
            workload,
            format!("{} tasks", self.tasks),
            size,
            format!("chunk {}", self.chunksize),
            cores,
        ]
    }
}

/// Labels for variants shown together: each names the settings in which
/// the variants differ (`chunk 1`, `chunk 1024`; `Pool · 3000 numbers`,
/// `forklab · 90000 numbers`); empty when there is only one.
pub fn labels(variants: &[&Variant]) -> Vec<String> {
    let parts: Vec<[String; 7]> = variants.iter().map(|v| v.parts()).collect();
    let differs = |i: usize| parts.iter().any(|p| p[i] != parts[0][i]);
    let shown: Vec<usize> = (0..7).filter(|&i| differs(i)).collect();
    parts
        .iter()
        .map(|p| {
            shown
                .iter()
                .map(|&i| p[i].as_str())
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect()
}

/// One variant's rows of the results table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub variant: Variant,
    /// What sets it apart from the others shown with it.
    pub label: String,
    /// Its points by worker count, each the fastest of its runs, speedups
    /// against its own one-worker point.
    pub rows: Vec<Row>,
}

/// The runs grouped by variant, in the order each variant was first
/// measured (`key` says which runs are the same variant), each group's
/// rows by worker count; labelled against each other.
pub fn tables(results: &[&RunResult], key: impl Fn(&LabConfig) -> Variant) -> Vec<Table> {
    let mut groups: Vec<(Variant, Vec<RunResult>)> = Vec::new();
    for r in results {
        let variant = key(&r.config);
        match groups.iter_mut().find(|(v, _)| *v == variant) {
            Some((_, runs)) => runs.push((*r).clone()),
            None => groups.push((variant, vec![(*r).clone()])),
        }
    }
    let variants: Vec<&Variant> = groups.iter().map(|(v, _)| v).collect();
    let labels = labels(&variants);
    groups
        .into_iter()
        .zip(labels)
        .map(|((variant, mut runs), label)| {
            runs.sort_by_key(|r| r.config.workers);
            Table {
                variant,
                label,
                rows: rows(&runs),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(chunk: usize, engine: Engine) -> LabConfig {
        LabConfig {
            chunksize: chunk,
            engine,
            ..LabConfig::new(Workload::Cpu)
        }
    }

    #[test]
    fn labels_name_only_what_differs() {
        let a = Variant::of(&config(1, Engine::Python));
        let b = Variant::of(&config(1024, Engine::Python));
        assert_eq!(labels(&[&a, &b]), ["chunk 1", "chunk 1024"]);
        let c = Variant::of(&config(1, Engine::Forklab));
        assert_eq!(
            labels(&[&a, &b, &c]),
            ["Pool · chunk 1", "Pool · chunk 1024", "forklab · chunk 1"]
        );
        assert_eq!(labels(&[&a]), [""]);
    }

    #[test]
    fn the_same_setup_elsewhere_ignores_a_measured_task_size() {
        let a = Variant::of(&config(1, Engine::Python));
        let b = Variant::of(&LabConfig {
            task_size: 77,
            ..config(1, Engine::Python)
        });
        assert_ne!(a, b);
        assert_eq!(a.setup(), b.setup());
    }
}
