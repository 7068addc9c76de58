//! Turning runs into the lab's results table: wall time, speedup and
//! efficiency against the one-worker run of the same sweep, and Amdahl's
//! prediction for the `amdahl` workload.

use std::time::Duration;

use super::handle::spawn_lab;
use super::workload::Workload;
use super::{CancelToken, LabConfig, LabError, LabEvent, LabHandle, RunResult};
use crate::os::usable_cores;

/// One line of the results table: one measured point, the fastest of
/// its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub workers: usize,
    /// The fastest run's wall time.
    pub wall: Duration,
    /// The slowest run's wall time (the spread is `wall..=wall_max`).
    pub wall_max: Duration,
    /// Runs of this point.
    pub runs: usize,
    /// The quickest start-up of its runs: until every worker was ready.
    pub startup: Duration,
    /// Some run of this point was measured while other programs kept the
    /// machine busy (see `lab::load`).
    pub busy: bool,
    /// The largest outside load seen over its runs (share of all cores).
    pub outside_load: Option<f64>,
    /// One-worker wall time over this wall time; `None` without a
    /// one-worker run to compare with.
    pub speedup: Option<f64>,
    /// Speedup per worker (1.0 is perfect).
    pub efficiency: Option<f64>,
    /// Amdahl's law for this serial fraction on the cores these workers
    /// can use; `None` for other workloads.
    pub predicted: Option<f64>,
    /// Workers lost during the run (its answer was still verified).
    pub crashes: usize,
}

/// Amdahl's law: the best speedup of a job whose serial fraction is `f`
/// on `cores` cores, `1 / (f + (1 - f) / cores)`.
pub fn amdahl_speedup(serial_fraction: f64, cores: usize) -> f64 {
    let cores = cores.max(1) as f64;
    1.0 / (serial_fraction + (1.0 - serial_fraction) / cores)
}

/// Cores a run's workers can really use at once: no more than the
/// workers, nor than the cores they may run on.
pub fn effective_cores(config: &LabConfig) -> usize {
    config
        .workers
        .min(config.cpus.unwrap_or_else(usable_cores))
        .max(1)
}

/// The table for runs of one sweep: one row per worker count, in the
/// order each first appears, from the fastest of its runs. Speedups
/// compare fastest with fastest.
pub fn rows(results: &[RunResult]) -> Vec<Row> {
    let mut points: Vec<Vec<&RunResult>> = Vec::new();
    for r in results {
        match points
            .iter_mut()
            .find(|p| p[0].config.workers == r.config.workers)
        {
            Some(point) => point.push(r),
            None => points.push(vec![r]),
        }
    }
    let best = |point: &[&RunResult]| -> RunResult {
        (*point
            .iter()
            .min_by_key(|r| r.wall)
            .expect("a point has runs"))
        .clone()
    };
    let base = points
        .iter()
        .find(|p| p[0].config.workers == 1)
        .map(|p| best(p).wall.as_secs_f64());
    points
        .iter()
        .map(|point| {
            let r = best(point);
            let wall = r.wall.as_secs_f64().max(1e-9);
            let speedup = base.map(|b| b / wall);
            let outside_load = point
                .iter()
                .filter_map(|r| r.outside_load)
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
            Row {
                workers: r.config.workers,
                wall: r.wall,
                wall_max: point.iter().map(|r| r.wall).max().unwrap_or(r.wall),
                runs: point.len(),
                startup: point.iter().map(|r| r.startup).min().unwrap_or(r.startup),
                busy: super::load::is_busy(outside_load),
                outside_load,
                speedup,
                efficiency: speedup.map(|s| s / r.config.workers as f64),
                predicted: match r.config.workload {
                    Workload::Amdahl { serial_fraction } => {
                        Some(amdahl_speedup(serial_fraction, effective_cores(&r.config)))
                    }
                    _ => None,
                },
                crashes: point.iter().map(|r| r.crashes.len()).sum(),
            }
        })
        .collect()
}

/// The sweep key's worker counts: 1, 2, ... up to twice the cores.
pub fn sweep_counts(cores: usize) -> Vec<usize> {
    (1..=2 * cores.max(1)).collect()
}

/// Runs `config` once per worker count, in order, on this thread; stops
/// at the first failure. Ends with `SweepFinished` on success.
pub fn sweep(
    config: &LabConfig,
    counts: &[usize],
    sink: impl Fn(LabEvent),
) -> Result<Vec<RunResult>, LabError> {
    sweep_with(config, counts, &CancelToken::new(), &sink)
}

/// [`sweep`] on a lab thread; cancel or drop the handle to stop it.
pub fn start_sweep(
    config: LabConfig,
    counts: Vec<usize>,
    sink: impl Fn(LabEvent) + Send + 'static,
) -> LabHandle {
    spawn_lab(
        move |token, sink| {
            let _ = sweep_with(&config, &counts, token, sink);
        },
        sink,
    )
}

fn sweep_with(
    config: &LabConfig,
    counts: &[usize],
    token: &CancelToken,
    sink: &dyn Fn(LabEvent),
) -> Result<Vec<RunResult>, LabError> {
    if counts.is_empty() {
        let error = LabError::Invalid("a sweep needs at least one worker count".into());
        sink(LabEvent::RunFailed(error.clone()));
        return Err(error);
    }
    let config = &match super::engine::resolve(config, sink) {
        Ok(config) => config,
        Err(e) => {
            sink(LabEvent::RunFailed(e.clone()));
            return Err(e);
        }
    };
    let mut results = Vec::with_capacity(counts.len() * config.repeat.max(1));
    for &workers in counts {
        results.extend(super::engine::point(
            &config.with_workers(workers),
            token,
            sink,
        )?);
    }
    sink(LabEvent::SweepFinished(results.clone()));
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(workers: usize, wall_ms: u64, workload: Workload) -> RunResult {
        RunResult {
            config: LabConfig {
                workers,
                cpus: Some(2),
                ..LabConfig::new(workload)
            },
            startup: Duration::from_millis(1),
            wall: Duration::from_millis(wall_ms),
            serial: Duration::ZERO,
            answer: 0,
            pids: vec![],
            tasks_done: vec![],
            crashes: vec![],
            ..RunResult::default()
        }
    }

    #[test]
    fn speedup_and_efficiency_are_against_the_one_worker_run() {
        let table = rows(&[
            result(1, 1000, Workload::Cpu),
            result(2, 500, Workload::Cpu),
            result(4, 520, Workload::Cpu),
        ]);
        assert_eq!(table.len(), 3);
        assert_eq!(table[0].speedup, Some(1.0));
        assert_eq!(table[1].speedup, Some(2.0));
        assert_eq!(table[1].efficiency, Some(1.0));
        let s4 = table[2].speedup.unwrap();
        assert!((s4 - 1000.0 / 520.0).abs() < 1e-9);
        assert!((table[2].efficiency.unwrap() - s4 / 4.0).abs() < 1e-9);
        assert!(table.iter().all(|r| r.predicted.is_none()));
    }

    #[test]
    fn repeated_runs_make_one_row_from_the_fastest_with_the_spread() {
        let mut slow = result(1, 1200, Workload::Cpu);
        slow.outside_load = Some(0.4);
        let table = rows(&[
            slow,
            result(1, 1000, Workload::Cpu),
            result(2, 600, Workload::Cpu),
            result(2, 500, Workload::Cpu),
        ]);
        assert_eq!(table.len(), 2);
        assert_eq!(table[0].wall, Duration::from_millis(1000));
        assert_eq!(table[0].wall_max, Duration::from_millis(1200));
        assert_eq!(table[0].runs, 2);
        assert!(table[0].busy, "a run on a busy machine marks its point");
        assert!(!table[1].busy);
        assert_eq!(table[1].speedup, Some(2.0));
    }

    #[test]
    fn without_a_one_worker_run_there_is_no_speedup() {
        let table = rows(&[result(2, 500, Workload::Sleep)]);
        assert_eq!(table[0].speedup, None);
        assert_eq!(table[0].efficiency, None);
        assert!(rows(&[]).is_empty());
    }

    #[test]
    fn amdahls_law() {
        assert!((amdahl_speedup(0.0, 4) - 4.0).abs() < 1e-12);
        assert!((amdahl_speedup(1.0, 64) - 1.0).abs() < 1e-12);
        assert!((amdahl_speedup(0.2, 2) - 1.0 / 0.6).abs() < 1e-12);
        // The ceiling is 1/f however many cores.
        assert!(amdahl_speedup(0.2, 1_000_000) < 5.0);
        assert!((amdahl_speedup(0.5, 0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn predictions_use_the_cores_the_workers_can_use() {
        let w = Workload::Amdahl {
            serial_fraction: 0.2,
        };
        let table = rows(&[result(1, 1000, w), result(8, 600, w)]);
        assert_eq!(table[0].predicted, Some(1.0));
        // 8 workers on 2 cores: predicted as for 2.
        assert_eq!(table[1].predicted, Some(amdahl_speedup(0.2, 2)));
    }

    #[test]
    fn the_sweep_goes_to_twice_the_cores() {
        assert_eq!(sweep_counts(2), vec![1, 2, 3, 4]);
        assert_eq!(sweep_counts(0), vec![1, 2]);
    }
}
