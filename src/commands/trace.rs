//! `forklab trace check FILE`: reads a trace as `replay` does, without a
//! terminal, and prints what it holds, or why it is refused (exit 1).
//! Scripts, CI and the memory tests use it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::commands::status::Error;

use clap::Subcommand;

use crate::sanitize;
use crate::trace::{Entry, Trace, format};

#[derive(Debug, Subcommand)]
pub enum TraceAction {
    /// Read a trace as `forklab replay` would and summarize it; exit
    /// status 1 if it cannot be replayed.
    Check { file: PathBuf },
}

pub fn run(action: TraceAction) -> Result<ExitCode, Error> {
    match action {
        TraceAction::Check { file } => check(&file),
    }
}

fn check(file: &Path) -> Result<ExitCode, Error> {
    let shown = sanitize::line(&file.display().to_string()).into_owned();
    let read = Trace::load(file);
    if let Ok(trace) = &read {
        print!("{}", summary(&shown, trace));
    }
    // Refused or not: what reading took, for people and for the tests
    // that hold the reader to its budget.
    if let Some(kb) = peak_memory_kb() {
        println!(
            "peak memory: {} ({kb} kB)",
            crate::budget::Size(kb.saturating_mul(1024))
        );
    }
    read.map(|_| ExitCode::SUCCESS)
        .map_err(|e| Error::Failed(format!("cannot replay {shown}: {e}")))
}

/// This process's peak resident memory (`VmHWM`), in kB: its own, from
/// its exec on (`ru_maxrss` can carry the parent's from before the exec).
fn peak_memory_kb() -> Option<u64> {
    crate::os::peak_memory_kb()
}

/// What `trace check` prints: the machine, then what the trace holds.
pub fn summary(file: &str, trace: &Trace) -> String {
    let m = &trace.header.machine;
    let mut samples = 0;
    let mut lab_runs = 0;
    let mut python_runs = 0;
    let mut pids = std::collections::HashSet::new();
    for timed in &trace.entries {
        match &timed.entry {
            Entry::Sample(s) => {
                samples += 1;
                pids.extend(s.processes.iter().map(|p| p.pid));
            }
            Entry::LabBegan { .. } => lab_runs += 1,
            Entry::PyBegan { .. } => python_runs += 1,
            _ => {}
        }
    }
    // The header's words are the recording machine's: outside text.
    let shown =
        |s: &Option<String>| sanitize::field(s.as_deref().unwrap_or("unknown"), 200).into_owned();
    let mut out = format!("{file}: a forklab trace, version {}\n", format::VERSION);
    out += &format!(
        "machine: {} cores, {}, {}, Python {}\n",
        m.cores,
        shown(&m.model),
        shown(&m.os),
        shown(&m.python),
    );
    out += &format!(
        "recorded: {} by forklab {}\n",
        sanitize::field(&format::short_date(&m.recorded), 200),
        sanitize::field(&m.forklab, 200)
    );
    let every = trace
        .sample_interval()
        .map_or(String::new(), |i| format!(" every {} ms", i.as_millis()));
    out += &format!(
        "holds: {} entries over {:.1} s: {samples} samples{every}, processes: {}, lab runs or sweeps: {lab_runs}, Python runs: {python_runs}\n",
        trace.entries.len(),
        trace.length().as_secs_f64(),
        pids.len(),
    );
    if let Some(warning) = &trace.warning {
        out += &format!("warning: {}\n", sanitize::line(&warning.to_string()));
    }
    out
}
