//! What forklab's instrumentation of a practice run (the hold socket, in
//! the run's `sitecustomize`) does when the script's processes end badly,
//! with real Python and the orderings forced, not left to luck:
//! - a Pool left open whose worker is stopped holding the pool's lock
//!   hangs Python's exit (CPython's bug, python/cpython#96995, the same
//!   outside forklab: `scripts/hang-soak.sh`); the verdict says so rather
//!   than a bare time-out;
//! - a process stopped by a signal while forklab holds it ends as it would
//!   in its `run()` (its own handler's exit code), not as forklab's hook.
//!
//! Linux only: the kernel names a socket's peer there (`SO_PEERCRED`).
#![cfg(target_os = "linux")]

#[path = "support/python.rs"]
mod python;

use std::os::unix::net::UnixStream;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use forklab::lesson::LessonSet;
use forklab::practice::hold::HoldSocket;
use forklab::practice::observe::{Script, observe};
use forklab::practice::stopped::fault_verdict;
use forklab::practice::{Context, Fault, Outcome};
use forklab::python::{Exit, RunRequest, StartMethod};

/// An unclosed `Pool(1)` whose worker takes the pool's result lock, as a
/// worker does for a moment each time it puts a result, and keeps it: the
/// moment Python's exit terminates it. CPython's `_terminate_pool` then
/// waits for that lock for ever.
const STOPPED_HOLDING_THE_LOCK: &str = r#"
import multiprocessing, sys, time

def task(_):
    frame = sys._getframe()
    while frame.f_code.co_name != "worker":
        frame = frame.f_back
    frame.f_locals["outqueue"]._wlock.acquire()   # inside put(), as if preempted
    time.sleep(60)

if __name__ == "__main__":
    pool = multiprocessing.Pool(1)
    pool.map_async(task, [0])
    time.sleep(1.0)
    print("result: done", flush=True)
"#;

#[test]
fn a_hang_in_pythons_exit_is_named_not_a_bare_time_out() {
    let Some(python) =
        python::python_or_skip("a_hang_in_pythons_exit_is_named_not_a_bare_time_out")
    else {
        return;
    };
    let set = LessonSet::embedded();
    let launcher = python::launcher();
    let cancel = AtomicBool::new(false);
    let ctx = Context {
        set: &set,
        interpreter: &python,
        launcher: Some(&launcher),
        cancel: &cancel,
        cores: forklab::os::usable_cores(),
        seed: None,
    };
    let limit = Duration::from_secs(8);
    let script = Script {
        name: "unclosed_pool.py".into(),
        contents: STOPPED_HOLDING_THE_LOCK.as_bytes().to_vec(),
        args: Vec::new(),
        data: Vec::new(),
        start_method: Some(StartMethod::Fork),
        timeout: limit,
        shown_as: None,
    };
    let observed = observe(ctx, &script, &|_| {});
    assert_eq!(
        observed.fault,
        Some(Fault::TimedOut(limit)),
        "the exit should hang: {observed:#?}"
    );
    let ended = observed
        .code_ended
        .expect("the master said its code ended")
        .0;
    assert!(ended < limit, "{ended:?}");
    let (outcome, reason) = fault_verdict(&observed, observed.fault.as_ref().unwrap());
    assert_eq!(outcome, Outcome::Failed, "{reason}");
    for words in ["Python's exit never did", "Pool left open", "cpython#96995"] {
        assert!(reason.contains(words), "{words:?} missing from: {reason}");
    }
}

/// The parent's SIGTERM handler exits with 3; its forked child inherits it
/// and is terminated at once (while forklab holds it, in the test below).
const TERMINATED_CHILD: &str = r#"
import multiprocessing as mp, signal, sys, time

def on_term(*_):
    sys.exit(3)

def work():
    time.sleep(60)

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_term)
    child = mp.Process(target=work)
    child.start()
    child.join()
    print(f"child exit code {child.exitcode}", flush=True)
"#;

#[test]
fn a_process_stopped_while_held_ends_as_in_its_run() {
    let Some(python) = python::python_or_skip("a_process_stopped_while_held_ends_as_in_its_run")
    else {
        return;
    };
    if !python.supports(StartMethod::Fork) {
        eprintln!("SKIPPED a_process_stopped_while_held_ends_as_in_its_run: no fork here");
        return;
    }
    // A hold socket that never answers (forklab slow, stalled or gone) and
    // sends SIGTERM to the first process it holds: the ordering forced.
    let kept: Arc<Mutex<Vec<UnixStream>>> = Arc::default();
    let held = Arc::clone(&kept);
    let hold = HoldSocket::open(move |stream| {
        let mut held = held.lock().unwrap();
        if held.is_empty()
            && let Some(pid) = forklab::os::fd::peer_pid(&stream)
        {
            let _ = forklab::os::signal_process(pid, forklab::os::process::SIGTERM);
        }
        held.push(stream);
        true
    })
    .expect("a hold socket");
    let mut request =
        RunRequest::for_script("terminated.py", TERMINATED_CHILD.as_bytes(), python.clone())
            .unwrap();
    request.start_method = Some(StartMethod::Fork);
    request.force_start_method = true;
    request.hold = Some(hold.path().to_path_buf());
    request.timeout = Duration::from_secs(60);
    let outcome = python::run_to_end(request, Duration::from_secs(90));
    let text = outcome.text();
    assert_eq!(
        outcome.exited.as_ref().map(|e| e.status),
        Some(Exit::Code(0)),
        "{outcome:#?}"
    );
    // CPython's own answer for a SIGTERM in run(): the handler's code.
    assert!(text.contains("child exit code 3"), "{text}");
    assert!(!kept.lock().unwrap().is_empty(), "the child was never held");
}
