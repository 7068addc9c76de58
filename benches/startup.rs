//! Start-up and idle cost of the real binary, measured in a pseudo-terminal:
//! time from launch to the first frame on screen, resident memory while
//! reading, and how often an idle forklab wakes up.
//!
//! Run: `cargo bench --bench startup` (prints figures; asserts nothing).
//! htop, btop and bottom's first frames: `scripts/compare-first-frame.sh`.

use std::io::Read;
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const RUNS: usize = 20;
const IDLE: Duration = Duration::from_secs(10);

fn proc_field(pid: u32, file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// utime + stime of a process and all its threads, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields
        .get(11)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        + fields
            .get(12)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
}

/// Context switches of every thread: each one is a wake-up.
fn wakeups(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(|t| t.ok())
        .map(|t| {
            let tid: u32 = t.file_name().to_string_lossy().parse().unwrap_or(0);
            proc_field(
                pid,
                &format!("task/{tid}/status"),
                "voluntary_ctxt_switches",
            )
            .unwrap_or(0)
                + proc_field(
                    pid,
                    &format!("task/{tid}/status"),
                    "nonvoluntary_ctxt_switches",
                )
                .unwrap_or(0)
        })
        .sum()
}

/// The kernel's clock tick (USER_HZ), the unit of /proc's CPU times.
fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
}

fn main() {
    let home = tempfile::tempdir().unwrap();
    let mut first_frames = Vec::new();
    let mut report = None;
    for run in 0..RUNS {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_forklab"));
        cmd.env("FORKLAB_HOME", home.path());
        cmd.env("TERM", "xterm-256color");
        let started = Instant::now();
        let mut child = pty.slave.spawn_command(cmd).unwrap();
        let pid = child.process_id().unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(40).unwrap(),
            NonZeroU16::new(120).unwrap(),
            0,
        )));
        let first = Arc::new(Mutex::new(None::<Duration>));
        {
            let (parser, first) = (parser.clone(), first.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 16384];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut p = parser.lock().unwrap();
                    p.process(&buf[..n]);
                    if first.lock().unwrap().is_none()
                        && p.screen().contents().contains("forklab │")
                    {
                        *first.lock().unwrap() = Some(started.elapsed());
                    }
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while first.lock().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(200));
        }
        let took = first.lock().unwrap().expect("first frame within 10 s");
        first_frames.push(took);
        if run == RUNS - 1 {
            // Idle means no child is left (none is started on a lesson;
            // waited for with a deadline), then sit.
            let deadline = Instant::now() + Duration::from_secs(10);
            while forklab::os::family_of(pid).iter().any(|p| p.pid != pid) {
                assert!(Instant::now() < deadline, "a child never ended");
                std::thread::sleep(Duration::from_millis(5));
            }
            let (t0, w0) = (cpu_ticks(pid), wakeups(pid));
            std::thread::sleep(IDLE);
            let (t1, w1) = (cpu_ticks(pid), wakeups(pid));
            let rss = proc_field(pid, "status", "VmRSS").unwrap_or(0);
            let hz = clock_ticks_per_second();
            report = Some((
                rss,
                (t1 - t0) as f64 / hz / IDLE.as_secs_f64() * 100.0,
                w1 - w0,
            ));
        }
        let mut writer = pty.master.take_writer().unwrap();
        let _ = writer.write_all(b"q");
        let _ = child.wait();
    }
    first_frames.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "launch to first frame over {RUNS} runs (120x40 pty): median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(first_frames[RUNS / 2]),
        ms(first_frames[0]),
        ms(first_frames[RUNS - 1])
    );
    let (rss, cpu, wakes) = report.unwrap();
    println!(
        "while reading, idle for {} s: resident memory {:.1} MiB, CPU {:.2}% of one core ({} Hz ticks), {} wake-ups (all threads)",
        IDLE.as_secs(),
        rss as f64 / 1024.0,
        cpu,
        clock_ticks_per_second(),
        wakes
    );
}

use std::io::Write;
