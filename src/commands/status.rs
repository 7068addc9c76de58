//! The exit statuses of the headless commands, in one place, so scripts
//! grading a class or wrapping `forklab` can rely on them.

/// Done, or (for `practice check`) the file passed every check.
pub const OK: u8 = 0;
/// A run or check failed (`practice check`: a check failed).
pub const FAILED: u8 = 1;
/// The arguments cannot run (clap's own status for bad arguments), or the
/// file could not be checked (unknown id, no file, no Python).
pub const USAGE: u8 = 2;
/// `practice check`: no check failed, but a timing check could not be
/// judged now (other programs kept the cores busy): check again later.
pub const CANNOT_JUDGE: u8 = 3;
/// `forklab run --join`: the table was printed, but the class did not
/// store it (refused, unreachable, or nothing to send): send it again.
pub const NOT_SENT: u8 = 4;
/// An example was not run: a module it requires is missing (the usual
/// "skipped" status).
pub const SKIPPED: u8 = 77;
/// The time limit stopped the script (as `timeout(1)`).
pub const TIMED_OUT: u8 = 124;
