//! The verdict on a run forklab stopped (a time limit, a flood, a fork
//! bomb, a memory hog, a save): why, in words the learner can act on, and
//! whether it is evidence at all. A run kept from its end by other
//! programs is not: "cannot judge" beats a false fail.

use super::observe::{Fault, Observed};
use super::verdict::{Outcome, load_words};
use crate::lab::load::is_busy;
use crate::python::Stream;

/// Why the run was stopped, in words; a run that never ended because the
/// master waits for a worker that never does says so, and one whose code
/// ended but whose Python's exit then hung says that.
pub fn fault_reason(observed: &Observed, fault: &Fault) -> String {
    match (fault, observed.waiting_for, exit_hung(observed)) {
        (Fault::TimedOut(limit), Some(pid), _) => format!(
            "still running after {} s, so forklab stopped it: the master was waiting for its worker {pid} to end, and it never did. A process that is not a daemon keeps the script alive (Python joins it when the script ends): make the worker return (send it a stop value, let its loop end), or start it with daemon=True",
            limit.as_secs()
        ),
        (Fault::TimedOut(limit), None, Some(ended)) => format!(
            "still running after {} s, so forklab stopped it: the script's code ended after {:.1} s, but Python's exit never did (its processes used no CPU after). At exit Python waits for threads that are not daemons and terminates a Pool left open, which can hang for ever when a worker is stopped while it holds the pool's lock (a CPython bug, python/cpython#96995): close and join every pool (`with Pool() as pool:`, or `pool.close()` then `pool.join()`) and end your threads before the script does",
            limit.as_secs(),
            ended.as_secs_f64()
        ),
        _ => fault.reason(),
    }
}

/// When the script's code ended, if Python's exit then hung: the master
/// said its code had ended (the hold socket) and the family used next to
/// no CPU time after, for a second at least.
fn exit_hung(observed: &Observed) -> Option<std::time::Duration> {
    let (ended, cpu) = observed.code_ended?;
    let after = observed.elapsed.checked_sub(ended)?.as_secs_f64();
    let used = observed.cpu.total() - cpu;
    (after >= 1.0 && used / after < COMPUTING).then_some(ended)
}

/// CPU time per second of wall time (a tenth of a core) above which a
/// run stopped at its time limit was still computing, not waiting.
const COMPUTING: f64 = 0.1;

/// The verdict on a run forklab stopped (`fault`): a fail with its reason,
/// but "cannot judge" when it hit its time limit while other programs kept
/// the machine busy (or its load is unknown) and it was still computing:
/// slow, perhaps, not stuck, and forklab cannot tell which. A run that
/// waits (a deadlock, a join that never returns) uses next to no CPU time
/// and fails whatever the load.
pub fn fault_verdict(observed: &Observed, fault: &Fault) -> (Outcome, String) {
    if let Fault::TimedOut(limit) = fault
        && starved(observed)
    {
        return (
            Outcome::CannotJudge,
            format!(
                "still running after {} s and still computing while {}: forklab cannot tell a slow run from one that never ends, so it cannot judge it now; check again when it is quieter (a loop that never ends looks the same)",
                limit.as_secs(),
                load_words(observed.load)
            ),
        );
    }
    (Outcome::Failed, fault_reason(observed, fault))
}

/// Whether a run was kept from its end by other programs rather than by
/// itself: the machine busy or its load unknown, and the run's processes
/// still computing, none of them waiting on a child.
/// A run whose workers said they ran the script's top level again (a
/// missing `__main__` guard: a pool that replaces dying workers for ever)
/// is broken, not slow, however busy the machine.
fn starved(observed: &Observed) -> bool {
    let shares = observed.cpu.shares(&observed.family);
    let cpu = shares.master + shares.workers + shares.helpers;
    let stuck = observed.waiting_for.is_some()
        || said_main_reran(observed)
        || exit_hung(observed).is_some();
    kept_busy(observed.load, cpu, observed.elapsed, stuck)
}

/// Python's own errors for workers that ran the script's top level again.
pub fn said_main_reran(observed: &Observed) -> bool {
    observed.lines(Stream::Stderr).any(|l| {
        l.contains("bootstrapping phase")
            || l.contains("context has already been set")
            || l.contains("freeze_support")
    })
}

/// [`starved`] from its readings: other programs' share of the machine,
/// the run's CPU seconds over `elapsed`, and whether it is known stuck.
fn kept_busy(load: Option<f64>, cpu: f64, elapsed: std::time::Duration, stuck: bool) -> bool {
    let busy = load.is_none() || is_busy(load);
    busy && !stuck && cpu / elapsed.as_secs_f64().max(1e-3) >= COMPUTING
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LIMIT: Duration = Duration::from_secs(20);

    #[test]
    fn a_computing_run_on_a_busy_machine_cannot_be_judged() {
        // Half a core for 20 s while others took 90% of the machine.
        assert!(kept_busy(Some(0.9), 10.0, LIMIT, false));
        // The load unknown (the portable backend): the same.
        assert!(kept_busy(None, 10.0, LIMIT, false));
    }

    #[test]
    fn a_stuck_run_fails_whatever_the_load() {
        // A deadlock: next to no CPU time.
        assert!(!kept_busy(Some(0.9), 0.3, LIMIT, false));
        // The master waiting on a child that never ends.
        assert!(!kept_busy(Some(0.9), 10.0, LIMIT, true));
        // A loop that never ends on a quiet machine.
        assert!(!kept_busy(Some(0.05), 20.0, LIMIT, false));
    }

    #[test]
    fn the_verdict_says_which() {
        let timed_out = Fault::TimedOut(LIMIT);
        // A default run: no CPU seen, so stuck: a fail with the reason.
        let stuck = Observed::default();
        let (outcome, why) = fault_verdict(&stuck, &timed_out);
        assert_eq!(outcome, Outcome::Failed, "{why}");
        assert!(why.starts_with("still running after 20 s, so forklab stopped it"));
        // Other faults are the run's own, whatever the load.
        let flood = Fault::Flood(1 << 20);
        assert_eq!(fault_verdict(&stuck, &flood).0, Outcome::Failed);
    }

    #[test]
    fn a_hang_in_pythons_exit_is_named() {
        let timed_out = Fault::TimedOut(LIMIT);
        // The code ended at 1.5 s; nothing computed after, to the limit.
        let hung = Observed {
            code_ended: Some((Duration::from_millis(1500), 0.0)),
            elapsed: LIMIT,
            ..Observed::default()
        };
        let (outcome, why) = fault_verdict(&hung, &timed_out);
        assert_eq!(outcome, Outcome::Failed, "{why}");
        assert!(why.contains("code ended after 1.5 s"), "{why}");
        assert!(why.contains("python/cpython#96995"), "{why}");
        // Stopped right after its code ended: too soon to say.
        let soon = Observed {
            code_ended: Some((LIMIT - Duration::from_millis(500), 0.0)),
            elapsed: LIMIT,
            ..Observed::default()
        };
        assert!(!fault_reason(&soon, &timed_out).contains("Python's exit"));
    }
}
