//! One run of a Python script: a temporary working directory with copies of
//! the script and its data, the guard and the interpreter started without
//! a shell, and everything that happens reported as [`PyEvent`]s.
//!
//! Every run reports, in this order: `Started` (unless it fails first), any
//! number of `Output`s (and at most one `OutputLimit` and one `TimedOut`),
//! then exactly one `Exited` or `Failed`; or, when a module the example
//! requires is missing, only `Skipped`.

mod event;
mod request;
mod runner;

use std::time::Duration;

pub use event::{EndCause, Exited, Output, PyEvent, Started, Stream};
pub use request::RunRequest;
pub use runner::{PyRun, start};

/// The time limit of an example that names none: generous, because a
/// learner may run a CPU-bound example with many workers on few cores.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Output kept per run; past it the rest is read and dropped, so a script
/// printing in a loop cannot eat all memory.
pub const MAX_OUTPUT_BYTES: usize = 64 << 20;
