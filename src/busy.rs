//! Busy copies: one CPU-bound copy of forklab per core, the simplest way to
//! see cores fill and children appear before any lesson runs real work.

use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::monitor::family::Ending;
use crate::os;

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
            os::die_with_parent(&mut cmd, libc::SIGKILL);
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
    pub fn stop(mut self, report: impl Fn(u32, Ending) + Send + 'static) {
        let children = std::mem::take(&mut self.children);
        std::thread::spawn(move || {
            for mut child in children {
                drop(child.stdin.take());
                let ending = reap(&mut child);
                report(child.id(), ending);
            }
        });
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits for a child with a deadline, killing it if it overstays.
fn reap(child: &mut Child) -> Ending {
    let deadline = Instant::now() + GRACE;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return ending_of(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                return child.wait().map(ending_of).unwrap_or(Ending::Unknown);
            }
        }
    }
}

/// An exit status as the process pane shows it.
pub fn ending_of(status: std::process::ExitStatus) -> Ending {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Code(code),
        (None, Some(signal)) => Ending::Signal(signal),
        _ => Ending::Unknown,
    }
}

/// The `forklab busy` entry point: spin on one core until stdin closes.
pub fn busy_main() -> ! {
    os::die_with_my_parent(libc::SIGKILL);
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
