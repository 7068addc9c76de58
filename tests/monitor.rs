//! Accuracy of the live readings against a process whose place is known.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use forklab::monitor::Sampler;
use forklab::monitor::live::LiveSampler;

#[test]
fn a_child_pinned_to_a_core_shows_on_that_core() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 {
        println!("skipped: this machine has one core, so no core can be told apart");
        return;
    }
    let core = cores - 1;
    // Where the platform does not say (FORKLAB_BACKEND=portable), the core
    // must be unknown, never a guess.
    let expected = forklab::os::last_core(std::process::id()).map(|_| core);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklab"));
    cmd.arg("busy").stdin(Stdio::piped());
    forklab::os::pin_to_core(&mut cmd, core);
    let mut child = cmd.spawn().unwrap();
    let mut sampler = LiveSampler::new(std::process::id()).unwrap();
    let _ = sampler.sample();
    // Behaviour, not a share of the core (which a loaded machine decides):
    // the child is seen in the family, on the core it was pinned to, using
    // some CPU there. Readings a second apart until then, with a deadline.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = None;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1000));
        let sample = sampler.sample();
        let seen = sample
            .processes
            .iter()
            .find(|p| p.pid == child.id())
            .cloned();
        let ok = sample.cores[core] > 0.0
            && seen
                .as_ref()
                .is_some_and(|p| p.core == expected && p.cpu > 0.0);
        last = Some((sample.cores.clone(), seen));
        if ok {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let (usage, seen) = last.unwrap();
    let seen = seen.expect("the busy child is in the family");
    assert_eq!(seen.ppid, std::process::id());
    assert_eq!(seen.core, expected, "{seen:?}");
    assert!(seen.cpu > 0.0, "{seen:?}");
    assert!(usage[core] > 0.0, "core {core} usage {usage:?}");
}
