//! Headless commands: the same domain code as the TUI, printed to stdout.

pub mod check;
pub mod class;
pub mod completions;
pub mod config;
pub mod example;
pub mod guard;
pub mod lessons;
pub mod pack;
pub mod practice;
pub mod run;
pub mod status;
pub mod trace;
