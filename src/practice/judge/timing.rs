//! The timing checks, `cores` and `speedup`: judged from CPU time and
//! overlap where they can, so correct code passes on a loaded machine, and
//! "cannot judge now" when other programs kept the cores too busy to tell.

use std::time::Duration;

use super::output::describe_end;
use super::{Judge, SPEED_RUNS, speed_target};
use crate::lab::load::is_busy;
use crate::practice::evidence::Shares;
use crate::practice::observe::Observed;
use crate::practice::stopped::fault_verdict;
use crate::practice::verdict::load_words;
use crate::practice::verdict::{Outcome, plural};

/// Beyond this share of the CPU time it should take, a loaded machine's
/// estimate is a failure whatever the load: contention inflates CPU time
/// a little, never by a quarter.
const ESTIMATE_MARGIN: f64 = 0.8;

/// The larger of two readings, either of which may be missing.
pub fn max_load(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

pub fn cores_verdict(main: &Observed, at_least: usize, cores: usize) -> (Outcome, String) {
    if cores < 2 {
        return (
            Outcome::Skipped,
            "this machine lets forklab use 1 core: nothing to spread the work over".into(),
        );
    }
    let target = at_least.min(cores);
    let workers = main.workers();
    let overlap = main.cpu.overlap(workers);
    let at_once = main.workers_at_once;
    let seen = format!(
        "{}: at best {overlap:.1} cores' worth of CPU time per second, {} at the same moment",
        plural(workers, "worker"),
        plural(at_once, "core")
    );
    if workers < target {
        return (
            Outcome::Failed,
            format!("{seen}; {target} cores wanted, so at least {target} workers"),
        );
    }
    if overlap > (target - 1) as f64 + 0.1 || at_once >= target {
        return (Outcome::Passed, format!("{seen} (the workers ran at once)"));
    }
    if is_busy(main.load) || main.load.is_none() {
        return (
            Outcome::CannotJudge,
            format!(
                "{seen}: {}, so the workers could not all run at once; check again when it is quieter",
                load_words(main.load)
            ),
        );
    }
    if !main.cores_known {
        return (
            Outcome::CannotJudge,
            format!(
                "{seen}: this system does not tell which core a process ran on, and its CPU-time readings did not show the workers at once, so forklab cannot judge this check here"
            ),
        );
    }
    let short = if main.elapsed < Duration::from_millis(300) {
        " (the run was too short to see much)"
    } else {
        ""
    };
    (
        Outcome::Failed,
        format!(
            "{seen}; {target} cores wanted: give every worker a share of the work at the same time (map over all the inputs, not one task after another){short}"
        ),
    )
}

/// What the timed runs of one script gave.
#[derive(Default)]
struct Timed {
    best: Option<Duration>,
    /// The CPU shares of the run with the best wall time.
    shares: Shares,
    /// The least CPU time of any run (the family's, start-up included).
    cpu: Option<f64>,
}

impl Timed {
    fn add(&mut self, observed: &Observed) {
        let shares = observed.cpu.shares(&observed.family);
        let cpu = shares.master + shares.workers + shares.helpers;
        self.cpu = Some(self.cpu.map_or(cpu, |c| c.min(cpu)));
        if self.best.is_none_or(|best| observed.elapsed < best) {
            self.best = Some(observed.elapsed);
            self.shares = shares;
        }
    }
}

impl Judge<'_> {
    pub(super) fn speedup(&self, serial: &str, at_least: f64) -> (Outcome, String) {
        let cores = self.ctx.cores;
        if cores < 2 {
            return (
                Outcome::Skipped,
                "this machine lets forklab use 1 core: no speedup to measure".into(),
            );
        }
        let Some(serial_source) = self.ctx.set.read_file(serial) else {
            return (
                Outcome::Failed,
                format!("the serial script {serial:?} is missing from the course"),
            );
        };
        let serial_name = serial.rsplit('/').next().unwrap_or(serial);
        match self.timed_runs(serial_name, &serial_source) {
            Ok(([serial, own], load)) => {
                speedup_verdict(&serial, &own, load, speed_target(at_least, cores), cores)
            }
            Err(failed) => failed,
        }
    }

    /// [`SPEED_RUNS`] rounds of the serial script then the learner's file
    /// (alternated, so a change in the machine's load falls on both), with
    /// the most other programs used of the machine; a run that failed is
    /// the verdict.
    fn timed_runs(
        &self,
        serial_name: &str,
        serial_source: &[u8],
    ) -> Result<([Timed; 2], Option<f64>), (Outcome, String)> {
        let mut timed = [Timed::default(), Timed::default()];
        let mut load: Option<f64> = None;
        for round in 1..=SPEED_RUNS {
            for (i, (who, name, source)) in [
                ("the serial script", serial_name, serial_source),
                ("your file", self.exercise.file_name(), self.source),
            ]
            .into_iter()
            .enumerate()
            {
                let observed = self.run_as(
                    &format!("speed: {who}, run {round} of {SPEED_RUNS}"),
                    name,
                    source,
                    None,
                );
                if let Some(fault) = &observed.fault {
                    let (outcome, reason) = fault_verdict(&observed, fault);
                    return Err((outcome, format!("{who}: {reason}")));
                }
                if !observed.ended_well() {
                    return Err((
                        Outcome::Failed,
                        format!("{who} failed on a timed run: {}", describe_end(&observed)),
                    ));
                }
                load = max_load(load, observed.load);
                timed[i].add(&observed);
            }
        }
        Ok((timed, load))
    }
}

/// The verdict on the best wall times; on a busy machine that missed the
/// `target`, on what the CPU time says ([`cpu_verdict`]).
fn speedup_verdict(
    serial: &Timed,
    own: &Timed,
    load: Option<f64>,
    target: f64,
    cores: usize,
) -> (Outcome, String) {
    let (serial_best, own_best) = (
        serial.best.unwrap_or_default().as_secs_f64(),
        own.best.unwrap_or_default().as_secs_f64(),
    );
    let speedup = serial_best / own_best.max(1e-6);
    let figures = format!(
        "{speedup:.2}× (best of {SPEED_RUNS}: {own_best:.2} s against the serial {serial_best:.2} s)"
    );
    if speedup >= target {
        return (Outcome::Passed, figures);
    }
    // The wall time alone fails code only on a machine known to be quiet;
    // where the load cannot be read (the portable backend), the CPU time
    // judges, as on a busy one.
    if load.is_some() && !is_busy(load) {
        return (
            Outcome::Failed,
            format!(
                "{figures}; {target:.2}× wanted on {cores} cores: fewer, bigger tasks cost less to send, and the master should only split and combine"
            ),
        );
    }
    cpu_verdict(serial, own, load, &figures, target, cores)
}

/// A busy machine: what the CPU time says the code would do with the
/// cores free (the master's time, plus the workers' spread over as many
/// cores as there are workers); near the target, cannot judge.
fn cpu_verdict(
    serial: &Timed,
    own: &Timed,
    load: Option<f64>,
    figures: &str,
    target: f64,
    cores: usize,
) -> (Outcome, String) {
    let shares = &own.shares;
    let spread = shares.worker_count.clamp(1, cores) as f64;
    let critical = shares.master + shares.workers / spread;
    let estimate = serial.cpu.unwrap_or(0.0) / critical.max(1e-6);
    let cpu_figures = format!(
        "{}: the wall time says {figures}, the CPU time about {estimate:.2}× (the serial script {:.2} s, yours {:.2} s in the master and {:.2} s over {})",
        load_words(load),
        serial.cpu.unwrap_or(0.0),
        shares.master,
        shares.workers,
        plural(shares.worker_count, "worker")
    );
    if estimate >= target {
        (
            Outcome::Passed,
            format!("judged from CPU time, {cpu_figures}"),
        )
    } else if estimate < ESTIMATE_MARGIN * target {
        (
            Outcome::Failed,
            format!(
                "{cpu_figures}; {target:.2}× wanted on {cores} cores even with the cores free: fewer, bigger tasks cost less to send"
            ),
        )
    } else {
        (
            Outcome::CannotJudge,
            format!("{cpu_figures}; {target:.2}× wanted: check again when it is quieter"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(wall: f64, master: f64, workers: f64, count: usize) -> Timed {
        Timed {
            best: Some(Duration::from_secs_f64(wall)),
            shares: Shares {
                master,
                workers,
                helpers: 0.0,
                worker_count: count,
            },
            cpu: Some(master + workers),
        }
    }

    #[test]
    fn a_slow_wall_time_fails_only_on_a_machine_known_to_be_quiet() {
        let serial = timed(0.43, 0.43, 0.0, 0);
        // Parallel work that the CPU time says would be twice as fast.
        let own = timed(0.51, 0.05, 0.40, 2);
        let quiet = speedup_verdict(&serial, &own, Some(0.0), 1.3, 2);
        assert_eq!(quiet.0, Outcome::Failed, "{}", quiet.1);
        for load in [None, Some(0.9)] {
            let (outcome, why) = speedup_verdict(&serial, &own, load, 1.3, 2);
            assert_eq!(outcome, Outcome::Passed, "{load:?}: {why}");
        }
        // The CPU time still fails a master that does the work itself.
        let master_does_it = timed(0.51, 0.45, 0.02, 2);
        let (outcome, why) = speedup_verdict(&serial, &master_does_it, None, 1.3, 2);
        assert_eq!(outcome, Outcome::Failed, "{why}");
    }
}
