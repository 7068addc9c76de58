//! Linux's `/proc/PID/smaps_rollup`: one process's memory summed over
//! its mappings. The one parser of it, for containment's proportional
//! share and the process pane's USS and PSS. The file is the kernel's,
//! yet read as hostile: at most [`BUDGET`] bytes, every number checked,
//! a line cut short (or not ending in `kB`) ignored, never guessed.

use std::io::Read;

/// Bytes read of one `smaps_rollup`: the kernel writes about 1 KiB (a
/// header line and some 25 fields); four times that leaves room for
/// fields new kernels add, and bounds what a strange file costs.
pub const BUDGET: usize = 4096;

/// The fields the panes and the cage use, in bytes; `None` where the file
/// did not say (an old kernel, a cut line, an ended process).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rollup {
    pub rss: Option<u64>,
    pub pss: Option<u64>,
    pub pss_anon: Option<u64>,
    pub pss_shmem: Option<u64>,
    pub private_clean: Option<u64>,
    pub private_dirty: Option<u64>,
}

impl Rollup {
    /// Unique memory: the pages this process alone maps.
    pub fn uss(&self) -> Option<u64> {
        self.private_clean?.checked_add(self.private_dirty?)
    }

    /// Anonymous and shared-memory PSS (what a cage's limit is about),
    /// or the whole `Pss` on kernels before 5.8, which lack the split.
    pub fn pss_anon_shmem(&self) -> Option<u64> {
        match (self.pss_anon, self.pss_shmem) {
            (Some(anon), shmem) => anon.checked_add(shmem.unwrap_or(0)),
            (None, _) => self.pss,
        }
    }
}

/// The fields of `smaps_rollup` text. Each field is `Name:   123 kB`;
/// the first of a name counts; anything else (the mapping header, a
/// malformed or overflowing line) is skipped.
pub fn parse(text: &str) -> Rollup {
    let mut rollup = Rollup::default();
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let slot = match name {
            "Rss" => &mut rollup.rss,
            "Pss" => &mut rollup.pss,
            "Pss_Anon" => &mut rollup.pss_anon,
            "Pss_Shmem" => &mut rollup.pss_shmem,
            "Private_Clean" => &mut rollup.private_clean,
            "Private_Dirty" => &mut rollup.private_dirty,
            _ => continue,
        };
        if slot.is_none() {
            *slot = kilobytes(value);
        }
    }
    rollup
}

/// `   123 kB` in bytes; `None` for anything else (a cut line included).
fn kilobytes(value: &str) -> Option<u64> {
    let number = value.trim().strip_suffix("kB")?.trim_end();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse::<u64>().ok()?.checked_mul(1024)
}

/// The text of `/proc/PID/smaps_rollup`, at most [`BUDGET`] bytes; a
/// file longer than that loses its last line (it may be cut). `None`
/// when it cannot be read (no such process, no permission, no procfs).
pub fn read(pid: u32) -> Option<Rollup> {
    let file = std::fs::File::open(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let mut bytes = Vec::with_capacity(BUDGET);
    file.take(BUDGET as u64).read_to_end(&mut bytes).ok()?;
    if bytes.len() == BUDGET {
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(whole);
    }
    // A zombie's or a kernel thread's file is empty: nothing is known.
    if bytes.is_empty() {
        return None;
    }
    Some(parse(&String::from_utf8_lossy(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = "\
55d0c6a0e000-7ffd3b5f7000 ---p 00000000 00:00 0                          [rollup]
Rss:               25344 kB
Pss:               14210 kB
Pss_Dirty:         12000 kB
Pss_Anon:          11902 kB
Pss_File:           2308 kB
Pss_Shmem:             0 kB
Shared_Clean:       3200 kB
Shared_Dirty:      20000 kB
Private_Clean:        16 kB
Private_Dirty:      2128 kB
Referenced:        25344 kB
";

    #[test]
    fn reads_the_fields_of_a_real_file() {
        let r = parse(REAL);
        assert_eq!(r.rss, Some(25344 * 1024));
        assert_eq!(r.pss, Some(14210 * 1024));
        assert_eq!(r.uss(), Some((16 + 2128) * 1024));
        assert_eq!(r.pss_anon_shmem(), Some(11902 * 1024));
    }

    #[test]
    fn an_old_kernel_without_the_split_gives_the_whole_pss() {
        let old = REAL.replace("Pss_Anon:", "Xss_Anon:");
        assert_eq!(parse(&old).pss_anon_shmem(), Some(14210 * 1024));
    }

    #[test]
    fn hostile_and_truncated_input_is_unknown_never_guessed() {
        // Cut anywhere: no panic, and no field takes a cut number.
        for cut in 0..REAL.len() {
            if !REAL.is_char_boundary(cut) {
                continue;
            }
            let r = parse(&REAL[..cut]);
            for (field, whole) in [(r.rss, 25344), (r.pss, 14210), (r.private_dirty, 2128)] {
                assert!(
                    field.is_none() || field == Some(whole * 1024),
                    "{cut}: {r:?}"
                );
            }
        }
        let odd = "Pss: -5 kB\nRss: 18446744073709551615 kB\nPrivate_Clean: 1e3 kB\n\
                   Private_Dirty: 12 MB\nPss_Anon:kB\nPss_Shmem: 3 kB extra\n\u{1b}[31m\0\n";
        assert_eq!(parse(odd), Rollup::default());
        // The first of a repeated name counts; a later one cannot override it.
        let twice = parse("Pss: 1 kB\nPss: 999 kB\n");
        assert_eq!(twice.pss, Some(1024));
        // Half the fields known: USS unknown, not half of it.
        assert_eq!(parse("Private_Clean: 4 kB\n").uss(), None);
        assert_eq!(parse("").pss_anon_shmem(), None);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn reads_this_process_and_not_one_that_is_gone() {
        let Some(me) = read(std::process::id()) else {
            eprintln!("skipped: no /proc/self/smaps_rollup here (kernel before 4.14?)");
            return;
        };
        let (rss, pss, uss) = (me.rss.unwrap(), me.pss.unwrap(), me.uss().unwrap());
        assert!(uss <= pss && pss <= rss && rss > 0, "{me:?}");
        assert_eq!(read(u32::MAX), None);
    }
}
