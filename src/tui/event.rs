//! Everything the event loop waits for arrives on one channel, so the loop
//! sleeps until something happens: no polling, no ticks.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Something the event loop must react to.
#[derive(Debug)]
pub enum Event {
    /// A key, mouse or resize event from the terminal.
    Terminal(crossterm::event::Event),
    /// The terminal could not be read any more.
    InputClosed,
    /// A termination signal (SIGTERM, SIGHUP, SIGINT): quit cleanly.
    Signal,
    /// A reading of the cores and the process family.
    Sampled(crate::monitor::Sample, std::time::Instant),
    /// A child forklab started has ended.
    ChildEnded {
        pid: u32,
        ending: crate::os::process::Exit,
    },
    /// Something happened in Python run number `.0`.
    Python(u64, crate::python::PyEvent),
    /// The background search for Python ended.
    PythonFound(Result<crate::python::Interpreter, String>),
    /// Something happened in the worker lab.
    Lab(Box<crate::lab::LabEvent>),
    /// The course's Python code, coloured in the background.
    Highlighted(crate::lesson::highlight::Highlights),
    /// The next part of a trace being replayed.
    Replay(crate::trace::replay::Delivery),
    /// The class server's news (teacher).
    Class(crate::class::ClassEvent),
    /// How sending to the class went (learner).
    ClassLink(crate::class::client::Status),
    /// Something happened in the practice loop (a save judged).
    Practice(crate::practice::live::LiveEvent),
}

/// Lets the event loop stop the input thread from reading the terminal
/// while another program (the learner's editor) has it.
#[derive(Debug, Default)]
pub struct InputGate {
    state: Mutex<Gate>,
    changed: Condvar,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Gate {
    #[default]
    Open,
    /// The loop asked the reader to stop.
    Closing,
    /// The reader stopped; it reads nothing until the gate opens.
    Closed,
}

impl InputGate {
    /// Stops the input thread reading, waiting (at most `limit`) until it
    /// has. The thread sits in a blocking read: a SIGWINCH to ourselves
    /// wakes it (crossterm turns it into a resize event), so an idle
    /// forklab still never wakes up on a timer.
    pub fn close(&self, limit: Duration) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state = Gate::Closing;
        let _ =
            crate::os::process::signal_process(std::process::id(), signal_hook::consts::SIGWINCH);
        let deadline = Instant::now() + limit;
        while *state != Gate::Closed {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    /// Lets the input thread read again.
    pub fn open(&self) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Gate::Open;
        self.changed.notify_all();
    }

    /// Called by the input thread between reads: stops here while closed.
    fn pass(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state == Gate::Closing {
            *state = Gate::Closed;
            self.changed.notify_all();
        }
        while *state == Gate::Closed {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Reads terminal events on a thread of its own (blocking, so it costs
/// nothing while the learner is idle). The gate pauses it.
pub fn spawn_input(tx: Sender<Event>) -> Arc<InputGate> {
    let gate = Arc::new(InputGate::default());
    let thread_gate = gate.clone();
    thread::spawn(move || {
        loop {
            thread_gate.pass();
            match crossterm::event::read() {
                Ok(event) => {
                    if tx.send(Event::Terminal(event)).is_err() {
                        return;
                    }
                }
                Err(_) => {
                    let _ = tx.send(Event::InputClosed);
                    return;
                }
            }
        }
    });
    gate
}

/// Turns termination signals into events, so the terminal is restored.
pub fn spawn_signals(tx: Sender<Event>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = signal;
            let _ = tx.send(Event::Signal);
        }
    });
    Ok(())
}

/// Colours every Python block of the course in the background, so the
/// first frame never waits for the highlighter.
pub fn spawn_highlighter(tx: Sender<Event>, blocks: Vec<String>) {
    thread::spawn(move || {
        let highlights = crate::lesson::highlight::Highlights::build(blocks);
        let _ = tx.send(Event::Highlighted(highlights));
    });
}
