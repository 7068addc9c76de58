//! Watching the machine: per-core usage, memory, load, and forklab's own
//! process family. Knows nothing of the terminal UI.

pub mod family;
pub mod history;
pub mod live;
pub mod role;
pub mod scripted;
pub mod thread;

use std::sync::Arc;
use std::time::Duration;

/// One process of forklab's family, as seen at one sampling tick.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessInfo {
    pub pid: u32,
    pub ppid: u32,
    /// The kernel's short name (e.g. `python3`, `forklab`). Shared, not
    /// copied: every sample of a replayed trace that lists this process
    /// refers to one copy of its names.
    pub name: Arc<str>,
    /// The command line, for telling workers apart (shared, as `name`).
    pub command: Arc<str>,
    /// One-letter state: R running, S sleeping, D disk, Z zombie, T stopped.
    pub state: char,
    /// Percent of one core (so 200% is two cores busy).
    pub cpu: f32,
    /// Resident memory in bytes.
    pub memory: u64,
    /// The core the process last ran on.
    pub core: Option<usize>,
    /// Listens on a `multiprocessing` socket (see [`crate::os::serves_multiprocessing`]).
    pub serves: bool,
    /// Unique and proportional memory, read only while the pane shows
    /// them (see [`Sampler::read_shares`]); unknown otherwise.
    pub shares: Shares,
}

/// A process's unique memory (USS: the pages it alone maps) and its
/// proportional share (PSS: each page divided among the processes that
/// map it), bytes; `None` where unknown (not read, not readable, or the
/// platform has no such reading: never estimated).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shares {
    pub uss: Option<u64>,
    pub pss: Option<u64>,
}

/// Everything one sampling tick saw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sample {
    /// Usage of each logical core in percent (its length is `cpu_count()`).
    pub cores: Vec<f32>,
    /// Usage of the whole machine in percent.
    pub total: f32,
    pub memory_used: u64,
    pub memory_total: u64,
    /// 1, 5 and 15 minute load averages, where the OS has them.
    pub load: Option<[f64; 3]>,
    /// forklab and its descendants, parents before children.
    pub processes: Vec<ProcessInfo>,
}

/// A source of samples: the live machine, or a script for tests and
/// benchmarks.
pub trait Sampler: Send {
    /// Takes a sample. Usage figures cover the time since the last call.
    fn sample(&mut self) -> Sample;

    /// From the next sample on, reads the [`Shares`] of the family's
    /// first `rows` processes (the rows the pane shows); 0 reads none.
    /// `smaps_rollup` costs the kernel a walk of every mapping, so a
    /// sampler reads it only when asked. Samplers without it ignore this.
    fn read_shares(&mut self, rows: usize) {
        let _ = rows;
    }
}

/// Refresh intervals offered by the `[` and `]` keys. sysinfo needs at
/// least 200 ms between CPU readings on Linux, so 250 ms is the floor.
pub const INTERVALS: [Duration; 6] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(3),
    Duration::from_secs(5),
];

/// The default refresh interval: once a second.
pub const DEFAULT_INTERVAL: usize = 2;

/// `250 ms`, `1 s`, `2 s`: how an interval is named on screen.
pub fn interval_label(interval: Duration) -> String {
    if interval.as_millis() < 1000 {
        format!("{} ms", interval.as_millis())
    } else {
        format!("{} s", interval.as_secs_f32())
    }
}

/// The offered interval nearest to a measured one (a trace's readings
/// come a little late: 263 ms apart at 250 ms); a measured interval far
/// from every offered one (over half of it away) is kept as measured.
pub fn nearest_interval(measured: Duration) -> Duration {
    let nearest = INTERVALS
        .iter()
        .copied()
        .min_by_key(|d| d.abs_diff(measured))
        .unwrap_or(measured);
    if nearest.abs_diff(measured) * 2 <= nearest {
        nearest
    } else {
        measured
    }
}
