//! Replaying a trace and recording one, as the header and the position
//! bar show them.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::trace::replay::{NORMAL_SPEED, SPEEDS};

/// A replay in progress: the panes draw a recorded machine.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayStatus {
    /// The recorded machine's cores.
    pub cores: usize,
    /// When it was recorded, for the header (`2026-12-01 16:40 UTC`).
    pub recorded: String,
    pub length: Duration,
    /// The refresh it was recorded at, for the cores' title.
    pub interval: Option<Duration>,
    /// How far the replay has got.
    pub position: Duration,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    pub paused: bool,
    /// Everything recorded has been drawn.
    pub ended: bool,
    /// The moment the trace's time 0 stands for: a recorded time `t` is
    /// replayed as `base + t`, so lingering processes and elapsed times
    /// follow the trace's clock, whatever the speed.
    pub base: Instant,
}

impl ReplayStatus {
    pub fn new(trace: &crate::trace::Trace, base: Instant) -> ReplayStatus {
        ReplayStatus {
            cores: trace.header.machine.cores,
            recorded: crate::sanitize::field(
                &crate::trace::format::short_date(&trace.header.machine.recorded),
                24,
            )
            .into_owned(),
            length: trace.length(),
            interval: trace.sample_interval(),
            position: Duration::ZERO,
            speed: NORMAL_SPEED,
            paused: false,
            ended: false,
            base,
        }
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// "replay: 256 cores, recorded on 2026-12-01 16:40 UTC"
    pub fn title(&self) -> String {
        format!(
            "replay: {} cores, recorded on {}",
            self.cores, self.recorded
        )
    }
}

/// A trace being written.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub path: PathBuf,
}
