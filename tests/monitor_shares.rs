//! USS and PSS as the live sampler reads them, against a real forked
//! Python child that shares its parent's pages.

#[path = "support/python.rs"]
mod python;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use forklab::monitor::Sampler;
use forklab::monitor::live::LiveSampler;

/// A parent that builds a big list and forks; the child prints its pid
/// and waits for its stdin to close, touching nothing.
const FORKS: &str = r#"
import os, sys
big = [[i] for i in range(300_000)]
pid = os.fork()
if pid == 0:
    print(os.getpid(), flush=True)
    sys.stdin.read()
    os._exit(0)
os.waitpid(pid, 0)
"#;

/// Kills the Python parent and its child however the test ends.
struct Family(Child, Option<u32>);

impl Drop for Family {
    fn drop(&mut self) {
        if let Some(pid) = self.1 {
            let _ = forklab::os::signal_process(pid, forklab::os::process::SIGKILL);
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_forked_child_sharing_its_parents_pages_has_pss_below_rss() {
    let me = std::process::id();
    let backend = forklab::os::platform::choice().backend;
    if backend != forklab::os::platform::Backend::Procfs {
        // The portable backend has no such reading: unknown, never
        // estimated.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED a_forked_child_sharing_its_parents_pages_has_pss_below_rss: \
             no smaps_rollup with the {} backend, so USS and PSS are unknown",
            backend.as_str()
        );
        assert_eq!(forklab::monitor::live::read_shares(me), Default::default());
        return;
    }
    assert!(
        forklab::os::platform::memory_rollup(me).is_some(),
        "Linux procfs, yet /proc/self/smaps_rollup cannot be read (a kernel before 4.14?)"
    );
    let Some(py) = python::python_or_skip("a_forked_child_sharing_its_parents_pages") else {
        return;
    };
    let parent = Command::new(&py.path)
        .args(["-c", FORKS])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python starts");
    let mut family = Family(parent, None);
    let stdout = family.0.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the child says its pid within a minute");
    let child: u32 = line.trim().parse().expect("a pid");
    family.1 = Some(child);

    let mut sampler = LiveSampler::new(me).expect("a sampler");
    sampler.read_shares(usize::MAX);
    let sample = sampler.sample();
    let seen = sample
        .processes
        .iter()
        .find(|p| p.pid == child)
        .unwrap_or_else(|| panic!("the forked child in the family: {sample:?}"));
    let (uss, pss) = (
        seen.shares.uss.expect("USS read"),
        seen.shares.pss.expect("PSS read"),
    );
    let rss = seen.memory;
    println!("forked child: RSS {rss} B, PSS {pss} B, USS {uss} B");
    // Its pages are its parent's too: each counts half (or less) in PSS,
    // and almost none is its own.
    assert!(pss < rss, "PSS {pss} not below RSS {rss}");
    assert!(uss <= pss, "USS {uss} above PSS {pss}");
    assert!(uss * 2 < rss, "USS {uss} is not a small part of RSS {rss}");

    // Asked for no rows: nothing is read.
    sampler.read_shares(0);
    let sample = sampler.sample();
    assert!(
        sample
            .processes
            .iter()
            .all(|p| p.shares == Default::default())
    );
    drop(family.0.stdin.take());
}
