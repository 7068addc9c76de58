//! The few operating-system calls forklab needs to keep its process family
//! under control (Linux first; elsewhere they degrade to no-ops), on rustix.
//!
//! - [`process`]: how a process ended, signal names, reaping with a
//!   deadline, `poll`/`fcntl`/`setrlimit`/`kill`.
//! - [`platform`]: processes and the machine as the system describes
//!   them: Linux `/proc`, or sysinfo anywhere (`FORKLAB_BACKEND=portable`).
//! - [`fd`]: pipes, sockets and flags whose Linux forms macOS lacks.
//! - [`contain`]: hard limits on a family's processes and memory (a
//!   cgroup, else rlimits and sampling).
//! - here: parent-death signals, CPU affinity and the usable cores.

pub mod contain;
pub mod fd;
pub mod platform;
pub mod process;

pub use platform::{
    ProcEntry, all_processes, children_of, cpu_model, cpu_seconds, descendants, family_cpu_seconds,
    family_of, last_core, listening_pymp_socket, load_average, machine_busy_seconds, online_cores,
    parse_last_core, peak_memory_kb, proc_entry, serves_multiprocessing, waits_for_child,
};
pub use process::{group_alive, signal_group, signal_process};

use std::process::Command;

/// Makes a child started by `cmd` die with this process: on Linux the
/// kernel sends `signal` to the child when its parent thread exits.
/// Call before spawning. (The child's own children are not covered.)
pub fn die_with_parent(cmd: &mut Command, signal: i32) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = rustix::process::getpid();
        let signal = process::Signal::from_named_raw(signal);
        // SAFETY: only raw system calls (async-signal-safe) between fork
        // and exec; nothing allocates.
        unsafe {
            cmd.pre_exec(move || {
                rustix::process::set_parent_process_death_signal(signal)?;
                // The parent may have died before prctl: then die now.
                if rustix::process::getppid() != Some(parent)
                    && let Some(signal) = signal
                {
                    let _ = rustix::process::kill_process(rustix::process::getpid(), signal);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, signal);
}

/// Asks the kernel to kill this process when its parent dies (for code
/// running in a child, such as `forklab worker`).
pub fn die_with_my_parent(signal: i32) {
    #[cfg(target_os = "linux")]
    {
        let Some(signal) = process::Signal::from_named_raw(signal) else {
            return;
        };
        let parent = rustix::process::getppid();
        let _ = rustix::process::set_parent_process_death_signal(Some(signal));
        if parent.is_none_or(|p| p.is_init()) || rustix::process::getppid() != parent {
            let _ = rustix::process::kill_process(rustix::process::getpid(), signal);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = signal;
}

/// Makes this process the reaper of its orphaned descendants where it
/// may ([`platform::has_subreaper`]), so a guard can wait for and kill a
/// whole family; elsewhere the guard waits on the family's process group
/// and its tag ([`contain::Tag`]).
pub fn become_subreaper() -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if platform::has_subreaper() {
        rustix::process::set_child_subreaper(Some(rustix::process::getpid()))?;
    }
    Ok(())
}

/// Affinity for the cores in `cores`.
#[cfg(target_os = "linux")]
fn cpu_set(cores: std::ops::Range<usize>) -> rustix::thread::CpuSet {
    let mut set = rustix::thread::CpuSet::new();
    for core in cores.start..cores.end.min(rustix::thread::CpuSet::MAX_CPU) {
        set.set(core);
    }
    set
}

/// Pins a child to one core, so a test can tell where it must run.
/// Call before spawning.
pub fn pin_to_core(cmd: &mut Command, core: usize) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let set = cpu_set(core..core + 1);
        // SAFETY: one raw system call between fork and exec.
        unsafe {
            cmd.pre_exec(move || Ok(rustix::thread::sched_setaffinity(None, &set)?));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, core);
}

/// The cores this process may run on (its affinity), at least 1: what
/// the lab's sweeps and `--cpus`, and the practice checks' `cores` and
/// `speedup`, scale to.
pub fn usable_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Restricts a running process to the first `cores` cores (CPU affinity),
/// so a big machine can show what a small one does. Applied after spawning:
/// a `pre_exec` hook would force a slow `fork` instead of `posix_spawn`.
pub fn set_affinity(pid: u32, cores: usize) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let pid = rustix::process::Pid::from_raw(pid as i32)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
        rustix::thread::sched_setaffinity(Some(pid), &cpu_set(0..cores))?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (pid, cores);
    Ok(())
}

/// Lets freed memory go back to the system. glibc raises its threshold
/// for serving big allocations from their own mappings each time such a
/// mapping is freed, so after a 5 MB lesson has been parsed once, the
/// next renders' large buffers land in the heap and their memory stays
/// with the process when freed (16 MiB of a 43 MiB reader). A fixed
/// threshold keeps big buffers in mappings that are returned when freed.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning; it is called
    // once at start-up, before any thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Lets a command that only prints end quietly when its reader goes away
/// (`forklab lessons | head`), as `cat` does: Rust ignores SIGPIPE, so
/// `println!` would panic on the closed pipe instead. Only for commands
/// that write nothing but stdout: a server or the TUI keeps ignoring it.
pub fn end_quietly_on_closed_pipe() {
    // SAFETY: restoring a signal's default disposition has no handler to
    // race with; it is called on the main thread before any output.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The user-mode emulator (qemu-user, `scripts/cross.sh`) this test
/// process runs under, if any. qemu answers `/proc/self/exe` itself (the
/// emulated program); the thread's link, which it leaves to the kernel,
/// names the emulator.
#[cfg(test)]
pub fn emulator() -> Option<std::path::PathBuf> {
    let program = std::fs::read_link("/proc/self/exe").ok()?;
    let thread = std::fs::read_link("/proc/thread-self/exe").ok()?;
    (program != thread).then_some(thread)
}

/// For a test that meets one of an emulator's limits: under one, says
/// that `test` is skipped and why (past the harness's capture, so it
/// shows on success too) and returns true.
#[cfg(test)]
pub fn skip_under_emulator(test: &str, limit: &str) -> bool {
    use std::io::Write;
    let Some(emulator) = emulator() else {
        return false;
    };
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: under the emulator {}: {limit}",
        emulator.display()
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn an_emulator_is_found_only_where_the_kernel_runs_another_machine_s_code() {
        // The ELF machine (e_machine, bytes 18-19) of this test binary and
        // of what the kernel runs for this thread: the same natively, x86-64
        // against AArch64 under qemu (scripts/cross.sh).
        let machine = |path: &str| {
            let mut head = [0u8; 20];
            std::io::Read::read_exact(&mut std::fs::File::open(path).ok()?, &mut head).ok()?;
            Some([head[18], head[19]])
        };
        let program = machine("/proc/self/exe");
        let thread = machine("/proc/thread-self/exe");
        assert!(program.is_some() && thread.is_some());
        assert_eq!(emulator().is_some(), program != thread, "{:?}", emulator());
    }

    #[test]
    fn a_child_can_be_pinned_after_it_started() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let result = set_affinity(child.id(), 1);
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        result.unwrap();
        assert!(
            status.contains("Cpus_allowed_list:\t0\n"),
            "{}",
            status
                .lines()
                .filter(|l| l.starts_with("Cpus"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
