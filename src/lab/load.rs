//! Was the machine busy with other work during a run? The whole machine's
//! busy time (`/proc/stat`, through `crate::os::platform`) minus the CPU time of forklab and everything
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
    /// `None` where the machine's busy time is unknown (the portable backend).
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

/// The cores the system counts, at least 1.
fn online_cores() -> usize {
    crate::os::online_cores()
}

/// Seconds every core of the machine spent busy since boot.
fn machine_busy() -> Option<f64> {
    crate::os::machine_busy_seconds()
}

/// CPU seconds of this process and of its reaped descendants.
fn family_cpu() -> f64 {
    crate::os::family_cpu_seconds()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_share_marks_a_run() {
        assert!(is_busy(Some(0.5)) && !is_busy(Some(0.01)) && !is_busy(None));
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
