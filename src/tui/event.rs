//! Everything the event loop waits for arrives on one channel, so the loop
//! sleeps until something happens: no polling, no ticks.

use std::sync::mpsc::Sender;
use std::thread;

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
    Lab(Box<crate::lab::pool::LabEvent>),
    /// The course's Python code, coloured in the background.
    Highlighted(crate::lesson::highlight::Highlights),
    /// The class server's news (teacher).
    Class(crate::class::ClassEvent),
    /// How sending to the class went (learner).
    ClassLink(crate::class::client::Status),
}

/// Reads terminal events on a thread of its own (blocking, so it costs
/// nothing while the learner is idle).
pub fn spawn_input(tx: Sender<Event>) {
    thread::spawn(move || {
        loop {
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
        let highlights = match std::env::current_exe() {
            Ok(exe) => crate::lesson::highlight::Highlights::build_in_child(&exe, blocks),
            Err(_) => crate::lesson::highlight::Highlights::build(blocks),
        };
        let _ = tx.send(Event::Highlighted(highlights));
    });
}
