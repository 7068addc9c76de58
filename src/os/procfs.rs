//! Processes as Linux `/proc` describes them: parents, names, command
//! lines, the core each last ran on. Empty or `None` elsewhere.

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

/// The pids of every descendant of `root` (not `root` itself), read from
/// `/proc/PID/task/TID/children`: only the family's own entries, so it
/// stays quick while a fork bomb fills the system. Falls back to
/// [`family_of`] where the kernel does not list children.
pub fn descendants(root: u32) -> Vec<u32> {
    let me = std::process::id();
    if !std::path::Path::new(&format!("/proc/{me}/task/{me}/children")).exists() {
        return family_of(root)
            .into_iter()
            .map(|p| p.pid)
            .filter(|&p| p != root)
            .collect();
    }
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let Ok(children) = std::fs::read_to_string(task.path().join("children")) else {
                continue;
            };
            for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                if child != root && seen.insert(child) {
                    found.push(child);
                    queue.push(child);
                }
            }
        }
    }
    found
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
    fn descendants_include_a_grandchild() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 5 & wait"])
            .spawn()
            .unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut found = Vec::new();
        while std::time::Instant::now() < until && found.len() < 2 {
            found = descendants(std::process::id())
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
    fn this_process_runs_on_some_core() {
        let core = last_core(std::process::id()).expect("linux /proc");
        assert!(core < 4096);
    }
}
