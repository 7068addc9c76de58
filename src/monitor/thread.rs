//! The sampling thread: samples at the chosen interval and hands each
//! sample to a sink, so drawing never waits on the sampler.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::{Sample, Sampler};

/// What the thread is told while it runs.
#[derive(Debug)]
enum Control {
    Interval(Duration),
    /// Read the shares of this many rows (see [`Sampler::read_shares`]).
    Shares(usize),
}

/// Controls a running sampling thread.
#[derive(Debug)]
pub struct SamplerHandle {
    control: Sender<Control>,
}

impl SamplerHandle {
    /// Changes the interval; takes effect at once.
    pub fn set_interval(&self, interval: Duration) {
        let _ = self.control.send(Control::Interval(interval));
    }

    /// Reads USS and PSS for the family's first `rows` processes (0:
    /// none), from the next sample on, at the same pace as ever.
    pub fn read_shares(&self, rows: usize) {
        let _ = self.control.send(Control::Shares(rows));
    }
}

/// Starts sampling every `interval`; stops when the sink returns false or
/// the handle is dropped. Sleeps between ticks: no busy waiting.
pub fn spawn(
    mut sampler: Box<dyn Sampler>,
    interval: Duration,
    sink: impl Fn(Sample) -> bool + Send + 'static,
) -> SamplerHandle {
    let (control, changes) = mpsc::channel::<Control>();
    std::thread::spawn(move || {
        let mut interval = interval;
        // sysinfo needs a first reading to measure usage against; the first
        // real sample follows quickly so the panes fill at once.
        let _ = sampler.sample();
        let mut due = Instant::now() + super::INTERVALS[0].min(interval);
        loop {
            match changes.recv_timeout(due.saturating_duration_since(Instant::now())) {
                Ok(Control::Interval(new)) => {
                    interval = new;
                    due = Instant::now() + new;
                    continue;
                }
                // Taken by the next sample, at the usual pace (usage
                // needs its interval to be measured over).
                Ok(Control::Shares(rows)) => {
                    sampler.read_shares(rows);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {}
            }
            due = Instant::now() + interval;
            if !sink(sampler.sample()) {
                return;
            }
        }
    });
    SamplerHandle { control }
}
