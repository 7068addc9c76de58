//! What the workers compute. Each workload has an answer the master can
//! check with an independent method, so a wrong result is never reported as
//! a speedup.
//!
//! - `cpu`: task `i` counts the primes in its own range of `task_size`
//!   numbers by trial division (deliberately CPU-bound); the master checks
//!   every count with a segmented sieve, a different and much faster
//!   algorithm.
//! - `sleep`: task `i` waits `task_size` ms and answers how long it really
//!   waited (at least `task_size`): waiting uses no core, so more workers
//!   than cores still help.
//! - `amdahl`: the `cpu` tasks, plus a serial part the master computes
//!   itself, half before and half after the parallel part, sized so that it
//!   is `serial_fraction` of the one-worker time.

use std::ops::Range;
use std::time::{Duration, Instant};

/// The first number the `cpu` tasks look at. Large, so that every task of a
/// run costs about the same (trial division costs grow with the square
/// root, which barely moves across a run's ranges).
pub const CPU_BASE: u64 = 1_000_000_000;

/// Largest `task_size` for the prime-counting tasks (numbers per task).
pub const MAX_CPU_TASK_SIZE: u64 = 10_000_000;
/// Largest `task_size` for the sleep tasks (ms).
pub const MAX_SLEEP_MS: u64 = 60_000;
/// Upper bound on all numbers a run may count (tasks and serial part), so
/// the master's verification stays bounded.
pub const MAX_TOTAL_NUMBERS: u64 = 10_000_000_000;
/// Largest serial fraction for `amdahl`: above it the serial part dwarfs
/// the parallel one (0.9 already makes it nine times as long).
pub const MAX_SERIAL_FRACTION: f64 = 0.9;
/// The serial fraction used when none is given.
pub const DEFAULT_SERIAL_FRACTION: f64 = 0.2;

/// A kind of experiment: what the tasks do and what the master adds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// CPU-bound: count primes in ranges.
    Cpu,
    /// Waiting: each task sleeps.
    Sleep,
    /// CPU-bound tasks around a serial part done by the master.
    Amdahl {
        /// Share of the one-worker time that cannot run in parallel (0 to 0.9).
        serial_fraction: f64,
    },
}

/// Why a workload and its serial fraction are refused: a lesson's
/// experiment names the key at fault by the kind (`workload` or
/// `serial_fraction`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkloadError {
    #[error("unknown workload {0:?} (choose {names})", names = Workload::names().collect::<Vec<_>>().join(", "))]
    Unknown(String),
    #[error("serial fraction {0} must be from 0 to {MAX_SERIAL_FRACTION}")]
    FractionOutOfRange(f64),
    #[error("a serial fraction applies to the amdahl workload only, not {0:?}")]
    FractionNotAmdahl(String),
}

impl WorkloadError {
    /// The front-matter key at fault.
    pub fn key(&self) -> &'static str {
        match self {
            WorkloadError::Unknown(_) => "workload",
            WorkloadError::FractionOutOfRange(_) | WorkloadError::FractionNotAmdahl(_) => {
                "serial_fraction"
            }
        }
    }
}

impl Workload {
    /// Every workload (amdahl with the default serial fraction), in the
    /// order the lab's key cycles through them: the one list of
    /// workloads. The command line, lesson files, messages, the drivers
    /// and the docs are made from it or tested against it
    /// (`lab::tests::names`).
    pub const ALL: [Workload; 3] = [
        Workload::Cpu,
        Workload::Sleep,
        Workload::Amdahl {
            serial_fraction: DEFAULT_SERIAL_FRACTION,
        },
    ];

    /// The name used on the command line, in lesson files and in traces.
    pub fn name(&self) -> &'static str {
        match self {
            Workload::Cpu => "cpu",
            Workload::Sleep => "sleep",
            Workload::Amdahl { .. } => "amdahl",
        }
    }

    /// Every workload's name, for help texts and errors.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Workload::ALL.iter().map(Workload::name)
    }

    /// The workload after this one in [`Workload::ALL`], round to the
    /// first (amdahl with the default serial fraction).
    pub fn next(&self) -> Workload {
        let at = Workload::ALL
            .iter()
            .position(|w| w.name() == self.name())
            .unwrap_or(0);
        Workload::ALL[(at + 1) % Workload::ALL.len()]
    }

    /// Parses a workload name; `serial_fraction` applies to `amdahl` only
    /// (default [`DEFAULT_SERIAL_FRACTION`]) and is an error elsewhere.
    pub fn from_name(name: &str, serial_fraction: Option<f64>) -> Result<Workload, String> {
        Self::parse(name, serial_fraction).map_err(|e| e.to_string())
    }

    /// [`Self::from_name`], saying by kind which part is wrong.
    pub fn parse(name: &str, serial_fraction: Option<f64>) -> Result<Workload, WorkloadError> {
        let Some(workload) = Workload::ALL.into_iter().find(|w| w.name() == name) else {
            return Err(WorkloadError::Unknown(name.to_string()));
        };
        match (workload, serial_fraction) {
            (Workload::Amdahl { .. }, Some(f)) if !(0.0..=MAX_SERIAL_FRACTION).contains(&f) => {
                Err(WorkloadError::FractionOutOfRange(f))
            }
            (Workload::Amdahl { .. }, Some(f)) => Ok(Workload::Amdahl { serial_fraction: f }),
            (_, Some(_)) => Err(WorkloadError::FractionNotAmdahl(name.to_string())),
            _ => Ok(workload),
        }
    }

    /// What each task of this workload does on a worker.
    pub fn task_kind(&self) -> TaskKind {
        match self {
            Workload::Cpu | Workload::Amdahl { .. } => TaskKind::Primes,
            Workload::Sleep => TaskKind::Sleep,
        }
    }

    /// A task size giving tasks of roughly 10 ms on a current core.
    pub fn default_task_size(&self) -> u64 {
        match self.task_kind() {
            TaskKind::Primes => 8_000,
            TaskKind::Sleep => 50,
        }
    }

    /// The serial fraction, 0 for workloads without a serial part.
    pub fn serial_fraction(&self) -> f64 {
        match self {
            Workload::Amdahl { serial_fraction } => *serial_fraction,
            _ => 0.0,
        }
    }

    /// Checks a task size against this workload's limits.
    pub fn check_task_size(&self, size: u64, tasks: usize) -> Result<(), String> {
        match self.task_kind() {
            TaskKind::Primes => {
                if !(1..=MAX_CPU_TASK_SIZE).contains(&size) {
                    return Err(format!(
                        "task size {size}: the {} workload takes 1 to {MAX_CPU_TASK_SIZE} numbers per task",
                        self.name()
                    ));
                }
                let parallel = size.saturating_mul(tasks as u64);
                let total = parallel.saturating_add(self.serial_numbers(tasks, size));
                if total > MAX_TOTAL_NUMBERS {
                    return Err(format!(
                        "{tasks} tasks of {size} numbers make {total} numbers; the most is {MAX_TOTAL_NUMBERS}"
                    ));
                }
            }
            TaskKind::Sleep => {
                if size > MAX_SLEEP_MS {
                    return Err(format!(
                        "task size {size}: the sleep workload waits 0 to {MAX_SLEEP_MS} ms per task"
                    ));
                }
            }
        }
        Ok(())
    }

    /// What `task_size` counts, for tables and help.
    pub fn size_unit(&self) -> &'static str {
        match self.task_kind() {
            TaskKind::Primes => "numbers",
            TaskKind::Sleep => "ms",
        }
    }

    /// How many numbers the master counts itself (amdahl), chosen so the
    /// serial part is `serial_fraction` of the one-worker work:
    /// `serial = f / (1 - f) * parallel`.
    pub fn serial_numbers(&self, tasks: usize, size: u64) -> u64 {
        let f = self.serial_fraction();
        if f <= 0.0 {
            return 0;
        }
        if f >= 1.0 {
            return u64::MAX;
        }
        let parallel = tasks as f64 * size as f64;
        (f / (1.0 - f) * parallel).round() as u64
    }
}

/// What a worker does for one task; travels in the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    /// Count the primes in the task's range.
    Primes,
    /// Sleep `size` ms.
    Sleep,
}

impl TaskKind {
    /// The word used on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            TaskKind::Primes => "primes",
            TaskKind::Sleep => "sleep",
        }
    }

    /// The inverse of [`TaskKind::name`].
    pub fn from_name(name: &str) -> Option<TaskKind> {
        match name {
            "primes" => Some(TaskKind::Primes),
            "sleep" => Some(TaskKind::Sleep),
            _ => None,
        }
    }
}

/// The numbers task `task` covers when tasks hold `size` numbers each.
pub fn task_range(size: u64, task: u64) -> Range<u64> {
    let start = CPU_BASE.saturating_add(task.saturating_mul(size));
    start..start.saturating_add(size)
}

/// Runs one task as a worker does and returns its answer.
pub fn run_task(kind: TaskKind, size: u64, task: u64) -> u64 {
    match kind {
        TaskKind::Primes => count_primes(task_range(size, task)),
        TaskKind::Sleep => {
            let start = Instant::now();
            std::thread::sleep(Duration::from_millis(size));
            start.elapsed().as_millis() as u64
        }
    }
}

/// Trial division: the deliberately plain, CPU-bound work of a task.
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) || n.is_multiple_of(3) {
        return false;
    }
    let mut d = 5u64;
    while d.saturating_mul(d) <= n {
        if n.is_multiple_of(d) || n.is_multiple_of(d + 2) {
            return false;
        }
        d += 6;
    }
    true
}

/// Counts primes in `range` by trial division.
pub fn count_primes(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}

/// The verification: primes in each consecutive window of `window` numbers
/// from `range.start` (the last window may be shorter), by a segmented
/// sieve of Eratosthenes. `stop` is asked between segments; when it says
/// yes the sieve gives up and returns `None`.
pub fn sieve_counts(range: Range<u64>, window: u64, stop: &dyn Fn() -> bool) -> Option<Vec<u64>> {
    if range.is_empty() || window == 0 {
        return Some(Vec::new());
    }
    let windows = (range.end - range.start).div_ceil(window);
    let mut counts = vec![0u64; windows as usize];
    let small = small_primes(isqrt(range.end) + 1);
    const SEGMENT: u64 = 1 << 18;
    let mut composite = vec![false; SEGMENT as usize];
    let mut low = range.start;
    while low < range.end {
        if stop() {
            return None;
        }
        let high = (low + SEGMENT).min(range.end);
        let len = (high - low) as usize;
        composite[..len].fill(false);
        for &p in &small {
            if p * p >= high {
                break;
            }
            let first = (p * p).max(low.div_ceil(p) * p);
            let mut m = first;
            while m < high {
                composite[(m - low) as usize] = true;
                m += p;
            }
        }
        for (i, &is_composite) in composite[..len].iter().enumerate() {
            let n = low + i as u64;
            if !is_composite && n >= 2 {
                counts[((n - range.start) / window) as usize] += 1;
            }
        }
        low = high;
    }
    Some(counts)
}

/// Primes below `limit` (simple sieve, for the segmented one).
fn small_primes(limit: u64) -> Vec<u64> {
    let limit = limit as usize;
    let mut composite = vec![false; limit.max(2)];
    let mut primes = Vec::new();
    for n in 2..limit {
        if !composite[n] {
            primes.push(n as u64);
            let mut m = n * n;
            while m < limit {
                composite[m] = true;
                m += n;
            }
        }
    }
    primes
}

fn isqrt(n: u64) -> u64 {
    let mut r = (n as f64).sqrt() as u64;
    while r.saturating_mul(r) > n {
        r -= 1;
    }
    while (r + 1).saturating_mul(r + 1) <= n {
        r += 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_prime_counts_are_the_known_ones() {
        assert_eq!(count_primes(0..100), 25);
        assert_eq!(count_primes(0..1000), 168);
        assert_eq!(
            sieve_counts(0..1_000_000, 1_000_000, &|| false).unwrap(),
            vec![78_498]
        );
        assert_eq!(
            sieve_counts(0..100, 10, &|| false).unwrap(),
            vec![4, 4, 2, 2, 3, 2, 2, 3, 2, 1]
        );
    }

    #[test]
    fn trial_division_agrees_with_the_sieve_on_task_ranges() {
        let size = 1_000;
        let expected = sieve_counts(
            task_range(size, 0).start..task_range(size, 7).end,
            size,
            &|| false,
        )
        .unwrap();
        assert_eq!(expected.len(), 7 + 1);
        for (task, want) in expected.iter().enumerate() {
            assert_eq!(
                count_primes(task_range(size, task as u64)),
                *want,
                "task {task}"
            );
            assert_eq!(run_task(TaskKind::Primes, size, task as u64), *want);
        }
        // A window that ends mid-window: the last count is the remainder.
        let counts = sieve_counts(0..25, 10, &|| false).unwrap();
        assert_eq!(counts, vec![4, 4, 1]);
    }

    #[test]
    fn the_sieve_stops_when_asked() {
        assert_eq!(sieve_counts(0..1_000, 10, &|| true), None);
        assert_eq!(sieve_counts(5..5, 10, &|| false), Some(vec![]));
    }

    #[test]
    fn sleep_tasks_answer_at_least_what_they_waited() {
        // Only a lower bound: the answer is a measured time (a sleep of 0
        // took 4 ms under qemu), never an exact one.
        assert!(run_task(TaskKind::Sleep, 5, 3) >= 5);
    }

    #[test]
    fn workload_names_and_serial_fractions() {
        assert_eq!(Workload::from_name("cpu", None), Ok(Workload::Cpu));
        assert_eq!(
            Workload::from_name("amdahl", None),
            Ok(Workload::Amdahl {
                serial_fraction: DEFAULT_SERIAL_FRACTION
            })
        );
        assert!(
            Workload::from_name("amdahl", Some(0.95))
                .unwrap_err()
                .contains("0.9")
        );
        assert!(
            Workload::from_name("cpu", Some(0.1))
                .unwrap_err()
                .contains("amdahl")
        );
        let err = Workload::from_name("gpu", None).unwrap_err();
        assert!(
            err.contains("\"gpu\"") && err.contains("cpu, sleep, amdahl"),
            "{err}"
        );
        for name in Workload::names() {
            assert_eq!(Workload::from_name(name, None).unwrap().name(), name);
        }
        // The key an experiment's error names comes from the kind.
        let key = |name, f| Workload::parse(name, f).unwrap_err().key();
        assert_eq!(key("gpu", None), "workload");
        assert_eq!(key("amdahl", Some(0.95)), "serial_fraction");
        assert_eq!(key("cpu", Some(0.1)), "serial_fraction");
        let mut w = Workload::Cpu;
        for expected in ["sleep", "amdahl", "cpu"] {
            w = w.next();
            assert_eq!(w.name(), expected);
        }
        assert_eq!(w.next().next(), Workload::ALL[2]);
    }

    #[test]
    fn serial_part_is_the_asked_fraction_of_the_work() {
        let w = Workload::Amdahl {
            serial_fraction: 0.2,
        };
        // 64 tasks of 1000 numbers = 64_000 parallel; serial = 0.25 * that.
        assert_eq!(w.serial_numbers(64, 1_000), 16_000);
        assert_eq!(Workload::Cpu.serial_numbers(64, 1_000), 0);
        let f = 16_000.0 / (16_000.0 + 64_000.0);
        assert!((f - 0.2f64).abs() < 1e-12);
    }

    #[test]
    fn task_sizes_are_bounded() {
        assert!(Workload::Cpu.check_task_size(0, 1).is_err());
        assert!(Workload::Cpu.check_task_size(4_000, 64).is_ok());
        assert!(
            Workload::Cpu
                .check_task_size(MAX_CPU_TASK_SIZE, 100_000)
                .is_err()
        );
        assert!(Workload::Sleep.check_task_size(0, 1).is_ok());
        assert!(
            Workload::Sleep
                .check_task_size(MAX_SLEEP_MS + 1, 1)
                .is_err()
        );
    }

    #[test]
    fn task_kinds_round_trip() {
        for kind in [TaskKind::Primes, TaskKind::Sleep] {
            assert_eq!(TaskKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(TaskKind::from_name("nap"), None);
    }
}
