//! Busy copies: one CPU-bound copy of forklab per core, the simplest way to
//! see cores fill and children appear before any lesson runs real work.

use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::os;
use crate::os::process::{self, Exit};

/// Running busy copies. Stopping (or dropping) ends them all.
#[derive(Debug)]
pub struct Busy {
    children: Vec<Child>,
}

/// How long a copy gets to leave on its own before it is killed.
const GRACE: Duration = Duration::from_secs(2);

impl Busy {
    /// Starts `copies` processes of `exe busy`. They die with forklab
    /// (parent-death signal) and leave when their stdin closes.
    pub fn start(exe: &Path, copies: usize) -> io::Result<Busy> {
        let mut children = Vec::with_capacity(copies);
        for _ in 0..copies {
            let mut cmd = Command::new(exe);
            cmd.arg("busy")
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            os::die_with_parent(&mut cmd, process::SIGKILL);
            match cmd.spawn() {
                Ok(child) => children.push(child),
                Err(e) => {
                    Busy { children }.stop(|_, _| {});
                    return Err(e);
                }
            }
        }
        Ok(Busy { children })
    }

    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Closes each copy's stdin so it exits, and reports how each ended
    /// from a background thread (never blocks the caller).
    pub fn stop(mut self, report: impl Fn(u32, Exit) + Send + 'static) {
        let mut children = std::mem::take(&mut self.children);
        std::thread::spawn(move || {
            for child in &mut children {
                drop(child.stdin.take());
            }
            let until = Instant::now() + GRACE;
            for mut child in children {
                let exit = process::reap(&mut child, until);
                report(child.id(), exit);
            }
        });
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
        }
        let now = Instant::now();
        for child in &mut self.children {
            process::reap(child, now);
        }
    }
}

/// The `forklab busy` entry point: spin on one core until stdin closes.
pub fn busy_main() -> ! {
    os::die_with_my_parent(process::SIGKILL);
    std::thread::spawn(|| {
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        std::process::exit(0);
    });
    let mut x: u64 = 1;
    loop {
        for _ in 0..1_000_000 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
}
