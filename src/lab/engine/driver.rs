//! What the lab's Python drivers print: one JSON object per line (see
//! their docstrings). The lines both `assets/lab/driver.py` (python
//! engine) and `assets/lab/dask_driver.py` (dask engine) print mean the
//! same ([`Shared`]); their clock, `time.monotonic_ns()`, is on Linux the
//! clock behind [`Instant`]. Watching a driver is in `session`.

use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::os::process::Exit;

/// The lines both drivers print, with the same meaning.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "e")]
pub(super) enum Shared {
    #[serde(rename = "asked")]
    Asked { t: u64 },
    #[serde(rename = "all")]
    All { t: u64 },
    #[serde(rename = "ss")]
    SerialStart { part: String, t: u64 },
    #[serde(rename = "se")]
    SerialEnd { part: String, v: u64, t: u64 },
    #[serde(rename = "done")]
    Finished { t0: u64, t1: u64, v: Vec<u64> },
    /// The driver's own error; `kind` only from the Dask driver.
    #[serde(rename = "error")]
    Error {
        #[serde(default)]
        kind: String,
        message: String,
    },
    #[serde(rename = "rate")]
    Rate { n: f64 },
}

/// A driver line: one both drivers print, or one of an engine's own.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub(super) enum Parsed<L> {
    Shared(Shared),
    Own(L),
}

/// One line of the python engine's driver (besides [`Shared`]).
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "e")]
pub(super) enum Line {
    #[serde(rename = "hello")]
    Hello {
        pid: u32,
        python: String,
        method: String,
        api: String,
    },
    #[serde(rename = "spawned")]
    Spawned { pids: Vec<u32>, t: u64 },
    #[serde(rename = "ready")]
    Ready { pid: u32, t: u64 },
    #[serde(rename = "s")]
    Start { p: u32, i: usize, t: u64 },
    #[serde(rename = "d")]
    Done { p: u32, i: usize, v: u64, t: u64 },
    #[serde(rename = "died")]
    Died { pid: u32, code: i32 },
    #[serde(rename = "x")]
    Exited { pid: u32, code: i32, t: u64 },
}

/// A Python exit code: negative is the signal that ended the process.
pub(super) fn exit_of(code: i32) -> Exit {
    if code < 0 {
        Exit::Signal(-code)
    } else {
        Exit::Code(code)
    }
}

/// `CLOCK_MONOTONIC` in ns: what Python's `time.monotonic_ns()` reads.
pub fn monotonic_ns() -> u64 {
    let ts = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Turns the driver's clock readings into times since the run started.
pub(super) struct Clock {
    mono: u64,
    since_start: Duration,
}

impl Clock {
    pub(super) fn new(started: Instant) -> Clock {
        let mono = monotonic_ns();
        Clock {
            mono,
            since_start: started.elapsed(),
        }
    }

    pub(super) fn at(&self, t: u64) -> Duration {
        if t >= self.mono {
            self.since_start + Duration::from_nanos(t - self.mono)
        } else {
            self.since_start
                .saturating_sub(Duration::from_nanos(self.mono - t))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_lines_parse_and_garbage_does_not() {
        let l: Parsed<Line> =
            serde_json::from_str(r#"{"e":"d","p":7,"i":3,"v":94,"t":12}"#).unwrap();
        assert_eq!(
            l,
            Parsed::Own(Line::Done {
                p: 7,
                i: 3,
                v: 94,
                t: 12
            })
        );
        let l: Parsed<Line> =
            serde_json::from_str(r#"{"e":"done","t0":1,"t1":5,"v":[1, 2]}"#).unwrap();
        assert_eq!(
            l,
            Parsed::Shared(Shared::Finished {
                t0: 1,
                t1: 5,
                v: vec![1, 2]
            })
        );
        assert!(serde_json::from_str::<Parsed<Line>>("hello world").is_err());
        assert!(serde_json::from_str::<Parsed<Line>>(r#"{"e":"nope"}"#).is_err());
        assert_eq!(exit_of(-9), Exit::Signal(9));
        assert_eq!(exit_of(1), Exit::Code(1));
    }

    #[test]
    fn the_driver_clock_lands_on_the_runs_timeline() {
        let started = Instant::now();
        let clock = Clock::new(started);
        let now = monotonic_ns();
        let at = clock.at(now);
        assert!(at <= started.elapsed() + Duration::from_millis(1));
        assert_eq!(clock.at(0), Duration::ZERO);
    }
}
