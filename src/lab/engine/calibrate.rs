//! Sizing tasks by measurement: a short timing of one process counting
//! primes (per engine, cached for the session) gives the task size that
//! makes the one-worker run of an experiment take about [`TARGET`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::lab::workload::{CPU_BASE, MAX_CPU_TASK_SIZE, TaskKind, count_primes};
use crate::lab::{Engine, LabConfig};

/// What the one-worker run of a calibrated experiment should take.
pub const TARGET: Duration = Duration::from_millis(1500);

/// Numbers per second, by engine (and interpreter), for this session.
static RATES: Mutex<Option<HashMap<(Engine, PathBuf), f64>>> = Mutex::new(None);

/// Numbers per second one worker of `config`'s engine counts (measured
/// once per session, in about 0.2 s).
pub fn rate(config: &LabConfig) -> Result<f64, String> {
    let key = (
        config.engine,
        config
            .python
            .as_ref()
            .map(|p| p.path.clone())
            .unwrap_or_default(),
    );
    if let Some(r) = RATES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_default()
        .get(&key)
    {
        return Ok(*r);
    }
    let r = match config.engine {
        Engine::Forklab => forklab_rate()?,
        Engine::Python | Engine::Dask => {
            let python = match &config.python {
                Some(p) => (**p).clone(),
                None => crate::python::Interpreter::find(None).map_err(|e| e.to_string())?,
            };
            super::python::numbers_per_second(&python, &config.worker_exe)?
        }
    };
    RATES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_default()
        .insert(key, r);
    Ok(r)
}

/// Trial division here, in this process: what a `forklab worker` does.
/// A size taking about 50 ms, then the fastest of three timings of it.
fn forklab_rate() -> Result<f64, String> {
    let time = |size: u64| {
        let t = Instant::now();
        std::hint::black_box(count_primes(CPU_BASE..CPU_BASE + size));
        t.elapsed().as_secs_f64()
    };
    let mut size = 2_000u64;
    let mut spent = time(size);
    while spent < 0.05 && size < MAX_CPU_TASK_SIZE {
        size *= 2;
        spent = time(size);
    }
    for _ in 0..2 {
        spent = spent.min(time(size));
    }
    Ok(size as f64 / spent.max(1e-9))
}

/// The task size making the one-worker run take `target` at `rate`
/// numbers per second (sleep tasks: ms each).
pub fn task_size_for(config: &LabConfig, rate: f64, target: Duration) -> u64 {
    let tasks = config.tasks.max(1) as f64;
    match config.workload.task_kind() {
        TaskKind::Sleep => ((target.as_secs_f64() * 1000.0 / tasks).round() as u64).max(1),
        TaskKind::Primes => {
            // The serial part adds f / (1 - f) of the parallel numbers.
            let parallel_share = 1.0 - config.workload.serial_fraction();
            let numbers = rate * target.as_secs_f64() * parallel_share;
            ((numbers / tasks).round() as u64).clamp(1, MAX_CPU_TASK_SIZE)
        }
    }
}

/// `config` with its task size calibrated for its engine on this machine.
pub fn calibrated(config: &LabConfig) -> Result<LabConfig, String> {
    let rate = match config.workload.task_kind() {
        TaskKind::Sleep => 1.0,
        TaskKind::Primes => rate(config)?,
    };
    Ok(LabConfig {
        task_size: task_size_for(config, rate, TARGET),
        ..config.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Workload;

    #[test]
    fn sizes_follow_the_rate_and_leave_room_for_the_serial_part() {
        let cpu = LabConfig {
            tasks: 100,
            ..LabConfig::new(Workload::Cpu)
        };
        assert_eq!(task_size_for(&cpu, 1e6, Duration::from_secs(1)), 10_000);
        let amdahl = LabConfig {
            tasks: 100,
            ..LabConfig::new(Workload::Amdahl {
                serial_fraction: 0.2,
            })
        };
        assert_eq!(task_size_for(&amdahl, 1e6, Duration::from_secs(1)), 8_000);
        let sleep = LabConfig {
            tasks: 10,
            ..LabConfig::new(Workload::Sleep)
        };
        assert_eq!(task_size_for(&sleep, 1.0, Duration::from_secs(1)), 100);
    }

    #[test]
    fn forklab_is_timed_once_per_session() {
        let config = LabConfig::new(Workload::Cpu);
        let first = rate(&config).unwrap();
        assert!(first > 1000.0, "{first}");
        assert_eq!(rate(&config).unwrap(), first);
    }
}
