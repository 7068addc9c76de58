//! forklab: see parallel Python. A terminal course on `multiprocessing`
//! that runs real worker processes on the learner's own cores.
//!
//! Domain modules (`lesson`, `lab`, `progress`) know nothing of the terminal; the
//! `tui` and the headless `commands` both build on them.

pub mod cli;
pub mod commands;
pub mod lab;
pub mod lesson;
pub mod os;
pub mod progress;
pub mod tui;
