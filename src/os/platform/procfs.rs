//! The procfs backend: processes and the machine as Linux `/proc`
//! describes them (parents, names, command lines, the core each last ran
//! on, CPU time, memory, the system's tasks). Reached only through
//! [`super`], which picks it on Linux unless `FORKLAB_BACKEND=portable`.

use super::ProcEntry;

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

/// Reads one process from `/proc`; `None` if it is gone.
pub fn proc_entry(pid: u32) -> Option<ProcEntry> {
    let stat = read_small(&format!("/proc/{pid}/stat"))?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    let mut rest = stat[close + 1..].split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    let cmdline = read_small(&format!("/proc/{pid}/cmdline"))
        .map(|text| {
            text.split('\0')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    Some(ProcEntry {
        pid,
        ppid,
        cmdline,
        state,
        last_core: parse_last_core(&stat),
        cpu_ms: stat_seconds(&stat, 2, ticks_per_second()).map(|s| (s * 1000.0).round() as u64),
        resident: resident_bytes(&stat),
        // forklab and its guard never serve: reading their sockets every
        // tick would be most of the idle cost (`/proc/PID/net/unix` lists
        // every socket of the namespace: thousands on a desktop).
        serves: !is_forklab(&name) && serves_multiprocessing(pid),
        name,
    })
}

/// A small `/proc` file (a process's `stat`, `cmdline`, a thread's
/// `children`) in two reads: `std::fs::read_to_string` asks the size
/// first (0 for every `/proc` file) and then reads in growing steps from
/// 32 bytes, nine system calls where four do. This runs for every
/// process of the family every tick. Bytes that are not UTF-8 (a command
/// line may hold any) are replaced, as the panes show them.
fn read_small(path: &str) -> Option<String> {
    read_small_or_error(std::path::Path::new(path)).ok()
}

fn read_small_or_error(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read as _;
    // Plain reads: `read_to_end` on a `File` asks its size and position
    // first (statx, lseek), the very calls this avoids.
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Resident memory: field 24 (`rss`, in pages) of a `/proc/PID/stat` line.
fn resident_bytes(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let pages: u64 = rest.split_whitespace().nth(21)?.parse().ok()?;
    Some(pages * rustix::param::page_size() as u64)
}

/// Whether a process of this name (`comm`) is forklab itself or its guard:
/// the same program as this one.
fn is_forklab(name: &str) -> bool {
    static OWN: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    OWN.get_or_init(|| {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        Some(stat[stat.find('(')? + 1..stat.rfind(')')?].to_string())
    })
    .as_deref()
        == Some(name)
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

/// The pids of every descendant of `root` (not `root` itself), read from
/// `/proc/PID/task/TID/children`: only the family's own entries, so it
/// stays quick while a fork bomb fills the system. `None` where the
/// kernel does not list children.
pub fn descendants(root: u32) -> Option<Vec<u32>> {
    let me = std::process::id();
    if !std::path::Path::new(&format!("/proc/{me}/task/{me}/children")).exists() {
        return None;
    }
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        for child in children_of(pid).unwrap_or_default() {
            if child != root && seen.insert(child) {
                found.push(child);
                queue.push(child);
            }
        }
    }
    Some(found)
}

/// Children started by any thread of `pid`; `None` if the kernel lacks
/// `/proc/PID/task/TID/children`.
pub fn children_of(pid: u32) -> Option<Vec<u32>> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut children = Vec::new();
    let mut any = false;
    for task in tasks.flatten() {
        let path = task.path().join("children");
        match read_small_or_error(&path) {
            Ok(text) => {
                any = true;
                children.extend(
                    text.split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && !path.parent().is_some_and(|p| p.exists()) =>
            {
                // The thread ended while we looked.
                any = true;
            }
            Err(_) => {}
        }
    }
    // A process that vanished has no children to report; that is not a
    // missing kernel feature.
    (any || !std::path::Path::new(&format!("/proc/{pid}")).exists()).then_some(children)
}

fn ticks_per_second() -> f64 {
    rustix::param::clock_ticks_per_second().max(1) as f64
}

/// CPU seconds (user + system) `pid` has used: fields 14 and 15 of
/// `/proc/PID/stat`.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_seconds(&stat, 2, ticks_per_second())
}

/// CPU seconds of this process and of its reaped descendants: utime,
/// stime, cutime and cstime of `/proc/self/stat` (fields 14 to 17).
pub fn family_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    stat_seconds(&stat, 4, ticks_per_second())
}

/// The sum of `fields` tick counts from field 14 (utime) on, in seconds.
fn stat_seconds(stat: &str, fields: usize, hz: f64) -> Option<f64> {
    // After the command in parentheses (which may hold spaces): field 3 on.
    let rest = &stat[stat.rfind(')')? + 1..];
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(fields)
        .map(|f| f.parse::<u64>().ok())
        .sum::<Option<u64>>()?;
    Some(ticks as f64 / hz)
}

/// Whether `pid` sleeps in `wait(2)` (its `wchan` is `do_wait`).
pub fn waits_for_child(pid: u32) -> Option<bool> {
    let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).ok()?;
    Some(wchan.trim() == "do_wait")
}

/// The one-minute load average (`/proc/loadavg`).
pub fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The number of tasks on the system: the fourth field of `/proc/loadavg`
/// ("running/total"), one small read.
pub fn system_tasks() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let field = text.split_whitespace().nth(3)?;
    field.split_once('/')?.1.parse().ok()
}

/// The tasks (threads) the real user `uid` runs now: what `RLIMIT_NPROC`
/// counts on Linux.
pub fn user_tasks(uid: u32) -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("status")).ok())
        .filter(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next()?.parse::<u32>().ok())
                == Some(uid)
        })
        .map(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(1)
        })
        .sum()
}

/// Anonymous resident bytes of a process (`statm`: resident minus shared).
pub fn private_memory(pid: u32) -> u64 {
    let page = rustix::param::page_size() as u64;
    std::fs::read_to_string(format!("/proc/{pid}/statm"))
        .ok()
        .and_then(|t| {
            let mut f = t.split_whitespace().skip(1);
            let resident: u64 = f.next()?.parse().ok()?;
            let shared: u64 = f.next()?.parse().ok()?;
            Some(resident.saturating_sub(shared) * page)
        })
        .unwrap_or(0)
}

/// A process's proportional share of anonymous and shared memory, bytes
/// (`Pss_Anon` + `Pss_Shmem`, or `Pss` on kernels before 5.8).
pub fn proportional_memory(pid: u32) -> u64 {
    super::smaps::read(pid)
        .and_then(|r| r.pss_anon_shmem())
        .unwrap_or(0)
}

/// Seconds every core of the machine spent busy since boot (`/proc/stat`).
pub fn machine_busy_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_busy(&stat, ticks_per_second())
}

/// The `cpu` line: user nice system idle iowait irq softirq steal...;
/// busy is everything but idle and iowait (guest time is in user).
fn parse_busy(stat: &str, hz: f64) -> Option<f64> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|f| f.parse().ok())
        .collect();
    if fields.len() < 4 {
        return None;
    }
    let busy: u64 = fields
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum();
    Some(busy as f64 / hz)
}

/// The cores `/proc/stat` counts (its `cpuN` lines).
pub fn online_cores() -> Option<usize> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    Some(
        stat.lines()
            .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
            .count(),
    )
}

/// This process's peak resident memory (`VmHWM`), in kB: its own, from
/// its exec on (`ru_maxrss` can carry the parent's from before the exec).
pub fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The processor's model name (`/proc/cpuinfo`; x86 names it, many ARM
/// kernels do not).
pub fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
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
        let family = super::super::family_of(std::process::id());
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
    fn descendants_include_a_grandchild() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 5 & wait"])
            .spawn()
            .unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut found = Vec::new();
        while std::time::Instant::now() < until && found.len() < 2 {
            found = descendants(std::process::id())
                .unwrap_or_default()
                .into_iter()
                .filter(|&p| p == child.id() || proc_entry(p).is_some_and(|e| e.ppid == child.id()))
                .collect();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let _ = crate::os::signal_process(child.id(), crate::os::process::SIGKILL);
        for pid in &found {
            let _ = crate::os::signal_process(*pid, crate::os::process::SIGKILL);
        }
        let _ = child.wait();
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn cpu_times_and_busy_time_read_their_fields() {
        let stat = "cpu  100 0 50 1000 30 0 0 0 0 0\ncpu0 1 2 3 4\n";
        assert_eq!(parse_busy(stat, 100.0), Some(1.5));
        assert_eq!(parse_busy("intr 1 2", 100.0), None);
        let me = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 20 10 20 0 1";
        assert_eq!(stat_seconds(me, 4, 10.0), Some(4.0));
        assert_eq!(stat_seconds(me, 2, 10.0), Some(1.0));
        assert!(online_cores().is_some_and(|n| n >= 1));
        assert!(private_memory(std::process::id()) > 0);
        assert!(proportional_memory(std::process::id()) > 0);
        assert!(system_tasks().is_some_and(|n| n > 0));
        assert!(user_tasks(rustix::process::getuid().as_raw()) > 0);
    }

    #[test]
    fn this_process_runs_on_some_core() {
        let core = last_core(std::process::id()).expect("linux /proc");
        assert!(core < 4096);
    }
}
