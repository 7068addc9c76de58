//! Was the machine busy with other work during a run? The whole machine's
//! busy time (`/proc/stat`) minus the CPU time of forklab and everything
//! it started and reaped during the run (`getrusage`, self and children:
//! workers, guards and Python pools are all reaped by the end of a run)
//! is what other programs used. Measured per run, for the table's mark.

use std::time::Instant;

/// Share of all cores (0 to 1) above which a run is marked as measured
/// on a busy machine.
pub const BUSY_SHARE: f64 = 0.15;

/// Readings at the start of a run.
pub struct LoadWatch {
    machine: f64,
    family: f64,
    at: Instant,
    cores: usize,
}

impl LoadWatch {
    /// `None` where `/proc/stat` cannot be read (not Linux).
    pub fn start() -> Option<LoadWatch> {
        Some(LoadWatch {
            machine: machine_busy()?,
            family: family_cpu(),
            at: Instant::now(),
            cores: online_cores(),
        })
    }

    /// Share of the machine's capacity other programs used since
    /// [`LoadWatch::start`] (0 to 1).
    pub fn outside_share(&self) -> Option<f64> {
        let wall = self.at.elapsed().as_secs_f64();
        if wall <= 0.0 {
            return None;
        }
        let machine = machine_busy()? - self.machine;
        let family = family_cpu() - self.family;
        Some(((machine - family) / (wall * self.cores as f64)).clamp(0.0, 1.0))
    }
}

/// Whether a run with this outside share counts as measured on a busy machine.
pub fn is_busy(share: Option<f64>) -> bool {
    share.is_some_and(|s| s >= BUSY_SHARE)
}

/// The cores `/proc/stat` counts (its `cpuN` lines), at least 1.
fn online_cores() -> usize {
    std::fs::read_to_string("/proc/stat")
        .map(|stat| {
            stat.lines()
                .filter(|l| {
                    l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit)
                })
                .count()
        })
        .unwrap_or(1)
        .max(1)
}

fn ticks_per_second() -> f64 {
    rustix::param::clock_ticks_per_second().max(1) as f64
}

/// Seconds every core of the machine spent busy since boot.
fn machine_busy() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_busy(&stat, ticks_per_second())
}

/// The `cpu` line: user nice system idle iowait irq softirq steal...;
/// busy is everything but idle and iowait (guest time is in user).
fn parse_busy(stat: &str, hz: f64) -> Option<f64> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|f| f.parse().ok())
        .collect();
    if fields.len() < 4 {
        return None;
    }
    let busy: u64 = fields
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum();
    Some(busy as f64 / hz)
}

/// CPU seconds of this process and of its reaped descendants: utime,
/// stime, cutime and cstime of `/proc/self/stat` (fields 14 to 17).
fn family_cpu() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| parse_family(&stat, ticks_per_second()))
        .unwrap_or(0.0)
}

fn parse_family(stat: &str, hz: f64) -> Option<f64> {
    // After the command in parentheses (which may hold spaces): field 3 on.
    let rest = &stat[stat.rfind(')')? + 1..];
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .map(|f| f.parse::<u64>().ok())
        .sum::<Option<u64>>()?;
    Some(ticks as f64 / hz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_time_leaves_out_idle_and_iowait() {
        let stat = "cpu  100 0 50 1000 30 0 0 0 0 0\ncpu0 1 2 3 4\n";
        assert_eq!(parse_busy(stat, 100.0), Some(1.5));
        assert_eq!(parse_busy("intr 1 2", 100.0), None);
        assert!(is_busy(Some(0.5)) && !is_busy(Some(0.01)) && !is_busy(None));
        let me = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 20 10 20 0 1";
        assert_eq!(parse_family(me, 10.0), Some(4.0));
        assert!(online_cores() >= 1);
    }

    #[test]
    fn a_quiet_moment_reads_as_a_share() {
        let Some(watch) = LoadWatch::start() else {
            return;
        };
        std::thread::sleep(std::time::Duration::from_millis(30));
        let share = watch.outside_share().expect("a reading");
        assert!((0.0..=1.0).contains(&share), "{share}");
    }
}
