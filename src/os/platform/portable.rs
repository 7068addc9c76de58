//! The portable backend: processes and the machine as sysinfo describes
//! them on every system it supports (macOS, the BSDs, Linux), plus
//! `getrusage(2)`. What it cannot know it says it does not know: the core
//! a process last ran on is `None`, a Manager's socket is not seen, and
//! the machine's busy time and the system's task count are unknown.
//! Forced on Linux by `FORKLAB_BACKEND=portable`, so its logic is tested
//! where the procfs backend also runs.

use sysinfo::{
    CpuRefreshKind, Pid, Process, ProcessRefreshKind, ProcessStatus, ProcessesToUpdate,
    RefreshKind, System, UpdateKind,
};

use super::ProcEntry;

/// A process table holding `pids` (`None`: every process), refreshed with
/// what `kind` asks; `None` if the system cannot be read at all.
fn table(pids: Option<&[Pid]>, kind: ProcessRefreshKind) -> Option<System> {
    let mut system = System::new_with_specifics(RefreshKind::nothing()).ok()?;
    let which = pids.map_or(ProcessesToUpdate::All, ProcessesToUpdate::Some);
    system.refresh_processes_specifics(which, true, kind);
    Some(system)
}

/// What a family tree needs: the command line, CPU time and memory
/// (parent, name and state come with every refresh).
fn entry_kind() -> ProcessRefreshKind {
    ProcessRefreshKind::nothing()
        .with_cmd(UpdateKind::Always)
        .with_cpu()
        .with_memory()
}

/// One-letter state as `ps` shows it.
fn state_letter(status: ProcessStatus) -> char {
    match status {
        ProcessStatus::Run => 'R',
        ProcessStatus::Sleep => 'S',
        ProcessStatus::Idle => 'I',
        ProcessStatus::Stop => 'T',
        ProcessStatus::Zombie => 'Z',
        ProcessStatus::Tracing => 't',
        ProcessStatus::Dead => 'X',
        ProcessStatus::UninterruptibleDiskSleep => 'D',
        ProcessStatus::Wakekill => 'K',
        ProcessStatus::Waking => 'W',
        ProcessStatus::Parked => 'P',
        ProcessStatus::LockBlocked => 'L',
        _ => '?',
    }
}

fn entry(pid: Pid, process: &Process) -> ProcEntry {
    ProcEntry {
        pid: pid.as_u32(),
        ppid: process.parent().map_or(0, Pid::as_u32),
        name: process.name().to_string_lossy().into_owned(),
        cmdline: process
            .cmd()
            .iter()
            .map(|arg| arg.to_string_lossy())
            .filter(|arg| !arg.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        state: state_letter(process.status()),
        // No portable interface says where a process last ran.
        last_core: None,
        serves: false,
        cpu_ms: Some(process.accumulated_cpu_time()),
        resident: Some(process.memory()),
    }
}

/// Whether sysinfo listed a thread as a process (Linux lists threads when
/// asked for tasks; they are not processes here).
fn is_process(process: &Process) -> bool {
    process.thread_kind().is_none()
}

pub fn proc_entry(pid: u32) -> Option<ProcEntry> {
    let pid = Pid::from_u32(pid);
    let system = table(Some(&[pid]), entry_kind())?;
    system
        .process(pid)
        .filter(|p| is_process(p))
        .map(|p| entry(pid, p))
}

pub fn all_processes() -> Vec<ProcEntry> {
    let Some(system) = table(None, entry_kind()) else {
        return Vec::new();
    };
    system
        .processes()
        .iter()
        .filter(|(_, p)| is_process(p))
        .map(|(&pid, p)| entry(pid, p))
        .collect()
}

/// Every process's pid and parent, from the lightest refresh sysinfo
/// has (nothing read beyond what comes with every process): what a count
/// of a family needs, and all of it.
pub fn parents() -> Vec<(u32, u32)> {
    let Some(system) = table(None, ProcessRefreshKind::nothing()) else {
        return Vec::new();
    };
    system
        .processes()
        .iter()
        .filter(|(_, p)| is_process(p) && p.status() != ProcessStatus::Zombie)
        .map(|(&pid, p)| (pid.as_u32(), p.parent().map_or(0, Pid::as_u32)))
        .collect()
}

/// The live processes whose environment sets `var` to a list (split by
/// `,`) holding `token`. sysinfo reads another process's environment on
/// Linux (`/proc/PID/environ`) and macOS (`KERN_PROCARGS2`, the same
/// user's processes, or root's view of all); zombies have none and are
/// left out.
pub fn carrying(var: &str, token: &str) -> Vec<u32> {
    let kind = ProcessRefreshKind::nothing().with_environ(UpdateKind::Always);
    let Some(system) = table(None, kind) else {
        return Vec::new();
    };
    let prefix = format!("{var}=");
    system
        .processes()
        .iter()
        .filter(|(_, p)| is_process(p) && p.status() != ProcessStatus::Zombie)
        .filter(|(_, p)| {
            p.environ().iter().any(|entry| {
                entry
                    .to_str()
                    .and_then(|e| e.strip_prefix(&prefix))
                    .is_some_and(|value| value.split(',').any(|t| t == token))
            })
        })
        .map(|(&pid, _)| pid.as_u32())
        .collect()
}

/// CPU seconds (user + system) `pid` has used.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let pid = Pid::from_u32(pid);
    let kind = ProcessRefreshKind::nothing().with_cpu();
    let mut system = table(Some(&[pid]), kind)?;
    // sysinfo 0.40 on Linux fills the time in on a process's second refresh.
    system.refresh_processes_specifics(ProcessesToUpdate::Some(&[pid]), true, kind);
    let ms = system.process(pid)?.accumulated_cpu_time();
    Some(ms as f64 / 1000.0)
}

/// The one-minute load average, where the system keeps one.
pub fn load_average() -> Option<f64> {
    System::load_average().ok().map(|l| l.one)
}

/// The tasks `RLIMIT_NPROC` counts for user `uid`: its processes, and on
/// Linux (where sysinfo lists them) their threads.
pub fn user_tasks(uid: u32) -> u64 {
    let kind = ProcessRefreshKind::nothing()
        .with_user(UpdateKind::Always)
        .with_tasks();
    let Some(system) = table(None, kind) else {
        return 0;
    };
    system
        .processes()
        .values()
        .filter(|p| is_process(p) && p.user_id().is_some_and(|u| **u == uid))
        .map(|p| p.tasks().map_or(1, |t| t.len().max(1) as u64))
        .sum()
}

/// Resident bytes of a process: the portable reading, an upper bound of
/// its private memory (pages shared with its parent after a fork count).
pub fn resident_memory(pid: u32) -> u64 {
    let pid = Pid::from_u32(pid);
    table(Some(&[pid]), ProcessRefreshKind::nothing().with_memory())
        .and_then(|s| s.process(pid).map(Process::memory))
        .unwrap_or(0)
}

/// The cores the system counts.
pub fn online_cores() -> Option<usize> {
    let system =
        System::new_with_specifics(RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing()))
            .ok()?;
    Some(system.cpus().len())
}

/// The processor's brand, as the system names it.
pub fn cpu_model() -> Option<String> {
    let system =
        System::new_with_specifics(RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing()))
            .ok()?;
    let brand = system.cpus().first()?.brand().trim().to_string();
    (!brand.is_empty()).then_some(brand)
}

/// `getrusage(2)` for `who`.
fn rusage(who: libc::c_int) -> Option<libc::rusage> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one rusage into the buffer it is given,
    // which is large enough and zeroed; nothing is read unless it succeeded.
    let ok = unsafe { libc::getrusage(who, usage.as_mut_ptr()) } == 0;
    // SAFETY: the call succeeded and filled the structure.
    ok.then(|| unsafe { usage.assume_init() })
}

fn seconds(time: libc::timeval) -> f64 {
    time.tv_sec as f64 + time.tv_usec as f64 / 1e6
}

/// CPU seconds of this process and of its reaped descendants.
pub fn family_cpu_seconds() -> Option<f64> {
    let me = rusage(libc::RUSAGE_SELF)?;
    let children = rusage(libc::RUSAGE_CHILDREN)?;
    Some(
        [me, children]
            .iter()
            .map(|u| seconds(u.ru_utime) + seconds(u.ru_stime))
            .sum(),
    )
}

/// This process's peak resident memory in kB (`ru_maxrss`: kB on Linux,
/// bytes on macOS).
pub fn peak_memory_kb() -> Option<u64> {
    let peak = u64::try_from(rusage(libc::RUSAGE_SELF)?.ru_maxrss).ok()?;
    Some(if cfg!(target_vendor = "apple") {
        peak / 1024
    } else {
        peak
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_a_child_with_its_parent_command_and_state() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        // Until the child has exec'd, its command line is still ours.
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut entry = proc_entry(child.id());
        while entry.as_ref().is_some_and(|e| e.cmdline != "sleep 5")
            && std::time::Instant::now() < until
        {
            std::thread::sleep(std::time::Duration::from_millis(5));
            entry = proc_entry(child.id());
        }
        let listed = all_processes().iter().any(|p| p.pid == child.id());
        let memory = resident_memory(child.id());
        let _ = child.kill();
        let _ = child.wait();
        let entry = entry.expect("the child is seen");
        assert_eq!(entry.ppid, std::process::id());
        assert_eq!(entry.cmdline, "sleep 5");
        assert_eq!(entry.last_core, None, "never guessed");
        assert!(entry.state != '?', "{entry:?}");
        assert!(listed && memory > 0);
    }

    #[test]
    fn finds_the_children_that_carry_a_token_and_only_them() {
        let token = format!("test-{}", std::process::id());
        let spawn = |value: &str| {
            std::process::Command::new("sleep")
                .arg("5")
                .env("FORKLAB_TEST_TAG", value)
                .spawn()
                .unwrap()
        };
        let mut tagged = spawn(&format!("outer,{token}"));
        let mut other = spawn(&format!("{token}x"));
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut found = carrying("FORKLAB_TEST_TAG", &token);
        while !found.contains(&tagged.id()) && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(5));
            found = carrying("FORKLAB_TEST_TAG", &token);
        }
        let listed = parents();
        for child in [&mut tagged, &mut other] {
            let _ = child.kill();
            let _ = child.wait();
        }
        assert_eq!(found, vec![tagged.id()]);
        assert!(listed.contains(&(tagged.id(), std::process::id())));
    }

    #[test]
    fn this_process_has_cpu_time_and_the_machine_has_cores() {
        // Spin until getrusage counts 50 ms of CPU, however busy the machine.
        let spun = |u: libc::rusage| seconds(u.ru_utime) + seconds(u.ru_stime) >= 0.05;
        while !rusage(libc::RUSAGE_SELF).is_some_and(spun) {
            std::hint::black_box(0u64.wrapping_add(1));
        }
        assert!(cpu_seconds(std::process::id()).is_some_and(|s| s > 0.0));
        assert!(family_cpu_seconds().is_some_and(|s| s > 0.0));
        assert!(peak_memory_kb().is_some_and(|kb| kb > 0));
        assert!(online_cores().is_some_and(|n| n >= 1));
        assert!(user_tasks(rustix::process::getuid().as_raw()) > 0);
    }
}
