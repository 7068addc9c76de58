//! The least a once-a-second monitor can cost on this machine, for
//! `scripts/idle-cost.sh` to print beside forklab's figure: a thread that
//! wakes every second, reads `/proc/stat` and hands it to the main
//! thread, which writes a line to the terminal. What forklab costs above
//! this is its own work; this much is the machine's price of waking.
//!
//! Run: `cargo run --release --example idle_floor` (stops on Ctrl-C).

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

fn main() {
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
            let first = stat.lines().next().unwrap_or_default().to_string();
            if tx.send(first).is_err() {
                return;
            }
        }
    });
    let mut out = std::io::stdout();
    for line in rx {
        let _ = write!(out, "\r\x1b[K{line}");
        let _ = out.flush();
    }
}
