//! forklab: see parallel Python. A terminal course on `multiprocessing`
//! that runs real worker processes on the learner's own cores.
//!
//! Domain modules (`lesson`, `progress`) know nothing of the terminal; the
//! `tui` and the headless `commands` both build on them.

pub mod busy;
pub mod cli;
pub mod commands;
pub mod lesson;
pub mod monitor;
pub mod os;
pub mod progress;
pub mod tui;
