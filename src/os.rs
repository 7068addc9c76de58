//! The few operating-system calls forklab needs to keep its process family
//! under control (Linux first; elsewhere they degrade to no-ops).

use std::process::Command;

/// Makes a child started by `cmd` die with this process: on Linux the
/// kernel sends `signal` to the child when its parent thread exits.
/// Call before spawning. (The child's own children are not covered.)
pub fn die_with_parent(cmd: &mut Command, signal: i32) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id() as i32;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl: then die now.
                if libc::getppid() != parent {
                    libc::raise(signal);
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
    // SAFETY: prctl with PR_SET_PDEATHSIG has no memory-safety preconditions.
    unsafe {
        let parent = libc::getppid();
        libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong, 0, 0, 0);
        if parent == 1 || libc::getppid() != parent {
            libc::raise(signal);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = signal;
}

/// Sends a signal to every process of a process group.
pub fn signal_group(pgid: u32, signal: i32) -> std::io::Result<()> {
    // SAFETY: kill has no memory-safety preconditions.
    if unsafe { libc::kill(-(pgid as libc::pid_t), signal) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Sends a signal to one process.
pub fn signal_process(pid: u32, signal: i32) -> std::io::Result<()> {
    // SAFETY: kill has no memory-safety preconditions.
    if unsafe { libc::kill(pid as libc::pid_t, signal) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The core a process last ran on: field 39 (`processor`) of
/// `/proc/PID/stat`. `None` where the OS does not say.
pub fn last_core(pid: u32) -> Option<usize> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_last_core(&stat)
}

/// Field 39 of a `/proc/PID/stat` line. The command name (field 2) may hold
/// spaces and parentheses, so count from the last `)`.
pub fn parse_last_core(stat: &str) -> Option<usize> {
    let rest = &stat[stat.rfind(')')? + 1..];
    // After ")" come fields 3, 4, ...: field 39 is the 37th of them.
    rest.split_whitespace().nth(36)?.parse().ok()
}

/// Pins a child to one core, so a test can tell where it must run.
/// Call before spawning.
pub fn pin_to_core(cmd: &mut Command, core: usize) {
    let cores = core..core + 1;
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                for core in cores.clone() {
                    libc::CPU_SET(core, &mut set);
                }
                if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, cores);
}

/// Restricts a running process to the first `cores` cores (CPU affinity),
/// so a big machine can show what a small one does. Applied after spawning:
/// a `pre_exec` hook would force a slow `fork` instead of `posix_spawn`.
pub fn set_affinity(pid: u32, cores: usize) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: the set is zeroed and only filled within its size.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            for core in 0..cores.min(libc::CPU_SETSIZE as usize) {
                libc::CPU_SET(core, &mut set);
            }
            if libc::sched_setaffinity(
                pid as libc::pid_t,
                std::mem::size_of::<libc::cpu_set_t>(),
                &set,
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (pid, cores);
    Ok(())
}

/// One process as `/proc` describes it: enough to draw a family tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcEntry {
    pub pid: u32,
    pub ppid: u32,
    /// The kernel's short name (at most 15 characters).
    pub name: String,
    /// The command line, arguments joined by spaces (empty for zombies).
    pub cmdline: String,
    /// One-letter state: R running, S sleeping, Z zombie, ...
    pub state: char,
    pub last_core: Option<usize>,
    /// Listens on a `multiprocessing` socket (a Manager's server does).
    pub serves: bool,
}

/// Reads one process from `/proc`; `None` if it is gone.
pub fn proc_entry(pid: u32) -> Option<ProcEntry> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    let mut rest = stat[close + 1..].split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| {
            String::from_utf8_lossy(&b)
                .split('\0')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    Some(ProcEntry {
        pid,
        ppid,
        name,
        cmdline,
        state,
        last_core: parse_last_core(&stat),
        serves: serves_multiprocessing(pid),
    })
}

/// Whether `pid` listens on a Unix socket that `multiprocessing` made (in
/// its `pymp-*` folder): what a Manager's server process does, and no pool
/// worker. Cheap for most processes: only those holding a socket read
/// `/proc/PID/net/unix`.
pub fn serves_multiprocessing(pid: u32) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    let sockets: Vec<String> = fds
        .filter_map(|fd| {
            let link = std::fs::read_link(fd.ok()?.path()).ok()?;
            let link = link.to_str()?;
            Some(
                link.strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_string(),
            )
        })
        .collect();
    if sockets.is_empty() {
        return false;
    }
    std::fs::read_to_string(format!("/proc/{pid}/net/unix"))
        .is_ok_and(|table| listening_pymp_socket(&table, &sockets))
}

/// In a `/proc/net/unix` table, whether one of the socket `inodes` is
/// listening (flag `__SO_ACCEPTCON`, 0x10000) at a `pymp-` path.
pub fn listening_pymp_socket(table: &str, inodes: &[String]) -> bool {
    table.lines().skip(1).any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() >= 8
            && f[3] == "00010000"
            && inodes.iter().any(|i| i == f[6])
            && f[7].contains("/pymp-")
    })
}

/// Every process on the system (Linux `/proc`; empty elsewhere).
pub fn all_processes() -> Vec<ProcEntry> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(proc_entry)
        .collect()
}

/// `root` and all its descendants, parents before children. Threads are
/// not processes here: `/proc` lists only thread-group leaders.
pub fn family_of(root: u32) -> Vec<ProcEntry> {
    let all = all_processes();
    let mut family: Vec<ProcEntry> = all.iter().filter(|p| p.pid == root).cloned().collect();
    let mut i = 0;
    while i < family.len() {
        let parent = family[i].pid;
        family.extend(
            all.iter()
                .filter(|p| p.ppid == parent && p.pid != root)
                .cloned(),
        );
        i += 1;
    }
    family
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_processor_field_even_with_odd_names() {
        let mut fields: Vec<String> = (3..=52).map(|n| n.to_string()).collect();
        fields[36] = "7".into(); // field 39
        let line = format!("1234 (a (weird) name) {}", fields.join(" "));
        assert_eq!(parse_last_core(&line), Some(7));
        assert_eq!(parse_last_core("garbage"), None);
    }

    #[test]
    fn finds_a_child_in_the_family() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let family = family_of(std::process::id());
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(family[0].pid, std::process::id());
        let entry = family
            .iter()
            .find(|p| p.pid == child.id())
            .expect("child listed");
        assert_eq!(entry.ppid, std::process::id());
        assert_eq!(entry.name, "sleep");
        assert_eq!(entry.cmdline, "sleep 5");
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

    #[test]
    fn this_process_runs_on_some_core() {
        let core = last_core(std::process::id()).expect("linux /proc");
        assert!(core < 4096);
    }
}
