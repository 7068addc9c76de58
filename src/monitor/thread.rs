//! The sampling thread: samples at the chosen interval and hands each
//! sample to a sink, so drawing never waits on the sampler.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use super::{Sample, Sampler};

/// Controls a running sampling thread.
#[derive(Debug)]
pub struct SamplerHandle {
    control: Sender<Duration>,
}

impl SamplerHandle {
    /// Changes the interval; takes effect at once.
    pub fn set_interval(&self, interval: Duration) {
        let _ = self.control.send(interval);
    }
}

/// Starts sampling every `interval`; stops when the sink returns false or
/// the handle is dropped. Sleeps between ticks: no busy waiting.
pub fn spawn(
    mut sampler: Box<dyn Sampler>,
    interval: Duration,
    sink: impl Fn(Sample) -> bool + Send + 'static,
) -> SamplerHandle {
    let (control, changes) = mpsc::channel::<Duration>();
    std::thread::spawn(move || {
        let mut interval = interval;
        // sysinfo needs a first reading to measure usage against; the first
        // real sample follows quickly so the panes fill at once.
        let _ = sampler.sample();
        let mut wait = super::INTERVALS[0].min(interval);
        loop {
            match changes.recv_timeout(wait) {
                Ok(new) => {
                    interval = new;
                    wait = new;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {}
            }
            wait = interval;
            if !sink(sampler.sample()) {
                return;
            }
        }
    });
    SamplerHandle { control }
}
