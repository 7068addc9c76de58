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
    HighlighterReady,
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

/// Loads the syntax highlighter in the background and says when it is ready.
pub fn spawn_highlighter(tx: Sender<Event>) {
    thread::spawn(move || {
        crate::lesson::highlight::warm_up();
        let _ = tx.send(Event::HighlighterReady);
    });
}
