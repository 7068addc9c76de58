//! Traces: what the panes showed, recorded to a file and played back.
//! A trace is the stream the TUI already consumes (core and family
//! samples, lab events, Python runs' events) with times, so recording
//! tees that stream and replaying is one more source of it. Knows
//! nothing of the terminal UI. The format is in `format` and docs/TRACE.md.

pub mod format;
mod input;
pub mod read;
pub mod record;
pub mod replay;

pub use format::{Header, LessonPlace, Machine, Record, VERSION};
pub use read::{Entry, Timed, Trace, TraceError};
pub use record::{FileRecorder, Recorder};

#[cfg(test)]
mod tests;

/// A trace made by the scripted sampler through the recorder: `samples`
/// readings `interval` apart of `cores` cores and a family of `processes`,
/// on a machine dated 2026-12-01. Deterministic: tests, snapshots and the
/// size benchmark use it.
pub fn scripted(
    cores: usize,
    processes: usize,
    samples: u32,
    interval: std::time::Duration,
) -> Vec<u8> {
    use crate::monitor::Sampler;
    let machine = Machine {
        cores,
        model: Some("scripted".into()),
        os: Some("scripted".into()),
        python: None,
        forklab: env!("CARGO_PKG_VERSION").into(),
        recorded: "2026-12-01T16:40:00Z".into(),
    };
    let start = std::time::Instant::now();
    let mut sampler = crate::monitor::scripted::ScriptedSampler::new(cores, processes);
    let mut recorder = Recorder::new(Vec::new(), machine, start).expect("memory takes writes");
    for i in 1..=samples {
        recorder
            .sample(start + interval * i, &sampler.sample())
            .expect("memory takes writes");
    }
    recorder.finish().expect("memory takes writes")
}
