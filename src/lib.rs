//! forklab: see parallel Python. A terminal course on `multiprocessing`
//! that runs real worker processes on the learner's own cores.
//!
//! Domain modules (`lesson`, `lab`, `monitor`, `progress`, `python`) know
//! nothing of the terminal; the `tui` and the headless `commands` both
//! build on them. `python` runs the lessons' scripts under a guard process
//! (see its docs for the process tree); `lab` is forklab's own worker pool.

// No `unwrap()` outside tests (a panic is a defect; `expect` says why it
// cannot happen). Here, not in Cargo.toml's [lints], because those also
// cover tests, benches and their helpers.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod budget;
pub mod busy;
pub mod class;
pub mod cli;
pub mod commands;
pub mod config;
pub mod lab;
pub mod lesson;
pub mod monitor;
pub mod os;
pub mod pack;
pub mod paths;
pub mod practice;
pub mod progress;
pub mod python;
pub mod sanitize;
pub mod trace;
pub mod tui;
