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

fn online_cores() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    if n > 0 { n as usize } else { 1 }
}

/// Seconds every core of the machine spent busy since boot.
fn machine_busy() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_busy(&stat)
}

/// The `cpu` line: user nice system idle iowait irq softirq steal...;
/// busy is everything but idle and iowait (guest time is in user).
fn parse_busy(stat: &str) -> Option<f64> {
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
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(busy as f64 / hz)
}

/// CPU seconds of this process and of its reaped descendants.
fn family_cpu() -> f64 {
    let seconds = |who| {
        // SAFETY: getrusage writes into the struct we own.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut u) } != 0 {
            return 0.0;
        }
        let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
        t(u.ru_utime) + t(u.ru_stime)
    };
    seconds(libc::RUSAGE_SELF) + seconds(libc::RUSAGE_CHILDREN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_time_leaves_out_idle_and_iowait() {
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        let stat = "cpu  100 0 50 1000 30 0 0 0 0 0\ncpu0 1 2 3 4\n";
        assert_eq!(parse_busy(stat), Some(150.0 / hz));
        assert_eq!(parse_busy("intr 1 2"), None);
        assert!(is_busy(Some(0.5)) && !is_busy(Some(0.01)) && !is_busy(None));
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
