//! `forklab guard -- PROGRAM ARGS...` (hidden): the process that keeps a
//! Python run's family on a leash; see [`crate::python::guard`].

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::python::guard::{self, GuardOptions};

#[derive(Debug, clap::Args)]
pub struct GuardArgs {
    /// Write status lines (started PID, exited N, signaled N) to this inherited descriptor.
    #[arg(long, value_name = "FD")]
    pub status_fd: Option<i32>,
    /// Remove this forklab-run-* temporary directory once the family is gone.
    #[arg(long, value_name = "DIR")]
    pub cleanup: Option<PathBuf>,
    /// Hold the family to at most N processes (a cgroup's `pids.max`, else
    /// sampling); with --max-memory.
    #[arg(long, value_name = "N", requires = "max_memory")]
    pub max_processes: Option<u64>,
    /// Hold the family to at most BYTES of memory (a cgroup's limit, else
    /// rlimits and sampling); with --max-processes.
    #[arg(long, value_name = "BYTES", requires = "max_processes")]
    pub max_memory: Option<u64>,
    /// The program to run and its arguments.
    #[arg(last = true, required = true, value_name = "PROGRAM")]
    pub program: Vec<OsString>,
}

/// Runs the guard; its exit status is PROGRAM's.
pub fn run(args: GuardArgs) -> ExitCode {
    guard::run(GuardOptions {
        status_fd: args.status_fd,
        cleanup: args.cleanup,
        program: args.program,
        limits: args
            .max_processes
            .zip(args.max_memory)
            .map(|(processes, memory)| crate::os::contain::Limits { processes, memory }),
    })
}
