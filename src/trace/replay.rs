//! Playing a trace back at its own pace: a cursor (pure, what tests
//! drive) and a thread that moves it in time, paused, sped up or sought.
//! The thread sleeps until the next entry is due: a replay wakes no more
//! often than the live sampler did.

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::read::Timed;

/// Speeds offered by `<` and `>`.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// Index of 1x in [`SPEEDS`].
pub const NORMAL_SPEED: usize = 2;

/// How far `←` and `→` move.
pub const SEEK_STEP: Duration = Duration::from_secs(5);

/// What the TUI asks of a running replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Control {
    Pause(bool),
    /// Go to this moment of the trace.
    Seek(Duration),
    Speed(f64),
}

/// Entries to apply, in order. After `reset`, the panes start afresh
/// (a seek backwards replays from the start up to the new position).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub reset: bool,
    pub entries: Vec<Timed>,
    /// Where in the trace the replay now is.
    pub position: Duration,
    /// Every entry has been delivered.
    pub ended: bool,
}

/// Where a replay is: the next entry to deliver and the trace time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cursor {
    pub next: usize,
    pub position: Duration,
}

impl Cursor {
    /// Moves to `target` (within the trace) and says what to apply.
    pub fn seek(&mut self, entries: &[Timed], target: Duration) -> Delivery {
        let length = entries.last().map_or(Duration::ZERO, |e| e.t);
        let target = target.min(length);
        let reset = target < self.position;
        if reset {
            self.next = 0;
        }
        let from = self.next;
        while self.next < entries.len() && entries[self.next].t <= target {
            self.next += 1;
        }
        self.position = target;
        Delivery {
            reset,
            entries: entries[from..self.next].to_vec(),
            position: target,
            ended: self.next >= entries.len(),
        }
    }

    /// The time of the next entry, if any is left.
    pub fn due(&self, entries: &[Timed]) -> Option<Duration> {
        entries.get(self.next).map(|e| e.t)
    }
}

/// Controls a running replay; dropping it ends the thread.
#[derive(Debug)]
pub struct ReplayHandle {
    control: Sender<Control>,
}

impl ReplayHandle {
    pub fn control(&self, control: Control) {
        let _ = self.control.send(control);
    }
}

/// Plays `entries` from the start; stops when the sink returns false or
/// the handle is dropped.
pub fn spawn(
    entries: Arc<Vec<Timed>>,
    sink: impl Fn(Delivery) -> bool + Send + 'static,
) -> ReplayHandle {
    let (control, controls) = mpsc::channel::<Control>();
    std::thread::spawn(move || {
        let mut cursor = Cursor::default();
        let mut paused = false;
        let mut speed = 1.0;
        if !sink(cursor.seek(&entries, Duration::ZERO)) {
            return;
        }
        // The real moment that matches the cursor's position.
        let mut anchor = Instant::now();
        loop {
            let due = cursor.due(&entries).filter(|_| !paused);
            let got = match due {
                None => controls.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(due) => {
                    let trace_wait = due.saturating_sub(cursor.position);
                    let played = anchor.elapsed().mul_f64(speed);
                    controls.recv_timeout(trace_wait.saturating_sub(played).div_f64(speed))
                }
            };
            let delivery = match got {
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    let due = cursor.due(&entries).unwrap_or_default();
                    anchor = Instant::now();
                    cursor.seek(&entries, due)
                }
                Ok(control) => {
                    // Where playing has got to, without passing the next entry.
                    if let Some(due) = due {
                        let played = cursor.position + anchor.elapsed().mul_f64(speed);
                        cursor.position = played.min(due.saturating_sub(Duration::from_nanos(1)));
                    }
                    anchor = Instant::now();
                    match control {
                        Control::Pause(p) => {
                            paused = p;
                            cursor.seek(&entries, cursor.position)
                        }
                        Control::Speed(s) => {
                            speed = s.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]);
                            cursor.seek(&entries, cursor.position)
                        }
                        Control::Seek(target) => cursor.seek(&entries, target),
                    }
                }
            };
            if !sink(delivery) {
                return;
            }
        }
    });
    ReplayHandle { control }
}

#[cfg(test)]
mod tests {
    use super::super::read::Entry;
    use super::*;

    fn entries() -> Vec<Timed> {
        (0..5)
            .map(|i| Timed {
                t: Duration::from_millis(i * 100),
                entry: Entry::Python(format!("3.{i}")),
            })
            .collect()
    }

    #[test]
    fn seeking_forward_delivers_what_is_due_and_backward_starts_afresh() {
        let e = entries();
        let mut c = Cursor::default();
        let d = c.seek(&e, Duration::ZERO);
        assert_eq!((d.reset, d.entries.len(), d.ended), (false, 1, false));
        let d = c.seek(&e, Duration::from_millis(250));
        assert_eq!((d.reset, d.entries.len()), (false, 2));
        let d = c.seek(&e, Duration::from_millis(150));
        assert_eq!((d.reset, d.entries.len()), (true, 2));
        let d = c.seek(&e, Duration::from_secs(60));
        assert_eq!(d.position, Duration::from_millis(400), "clamped to the end");
        assert!(d.ended);
        assert_eq!(d.entries.len(), 3);
    }

    #[test]
    fn the_thread_plays_everything_in_order_and_seeks() {
        let (tx, rx) = mpsc::channel();
        let handle = spawn(Arc::new(entries()), move |d| tx.send(d).is_ok());
        handle.control(Control::Speed(8.0));
        let mut got = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !got.last().is_some_and(|d: &Delivery| d.ended) {
            let left = deadline.saturating_duration_since(Instant::now());
            got.push(rx.recv_timeout(left).expect("the replay ends"));
        }
        let played: Vec<_> = got.iter().flat_map(|d| d.entries.clone()).collect();
        assert_eq!(played, entries());
        handle.control(Control::Seek(Duration::ZERO));
        let d = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(d.reset);
        assert_eq!(d.entries, entries()[..1]);
    }
}
