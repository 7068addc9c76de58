//! What one pack may hold, and the running count against it while a pack
//! is copied or unpacked. Every size is checked against what is left
//! before the bytes are read or memory is taken: a declared size is
//! refused before its body is touched.

use std::io::{Read, Write};
use std::path::Path;

use super::staging::Interrupt;
use crate::budget::{self, BudgetError, Size};

/// Caps on what one pack may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Size of a `.tar.gz` on disk (or of the gzip bytes read).
    pub archive_bytes: u64,
    /// Bytes of the tar stream once gzip is undone: headers, padding and
    /// bodies together. Stops a gzip bomb whatever the tar inside says.
    pub stream_bytes: u64,
    /// Bytes of all files together, once unpacked.
    pub total_bytes: u64,
    /// Bytes of the `.md` files together: the lesson text forklab reads
    /// into memory to check the pack.
    pub lesson_bytes: u64,
    /// Files and folders (and global PAX headers in an archive).
    pub entries: usize,
    /// One file.
    pub file_bytes: u64,
    /// Folders within folders.
    pub depth: usize,
    /// A GNU long name or long link ('L', 'K'): a path, so PATH_MAX.
    pub name_bytes: u64,
    /// A PAX extended header ('x', 'g'): a few key=value records.
    pub pax_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            archive_bytes: 64 << 20,
            stream_bytes: (256 << 20) + (32 << 20),
            total_bytes: 256 << 20,
            lesson_bytes: 16 << 20,
            entries: 10_000,
            file_bytes: crate::lesson::set::MAX_FILE_BYTES,
            depth: 16,
            name_bytes: 4096,
            pax_bytes: 64 << 10,
        }
    }
}

/// The widest a name from a pack is shown in a message.
const SHOWN_WIDTH: usize = 100;

/// A name from the pack made fit for a message: sanitized and cut.
pub fn shown(name: &str) -> String {
    crate::sanitize::field(name, SHOWN_WIDTH).into_owned()
}

/// Non-UTF-8 or huge bytes made fit for a message: only the start is
/// decoded.
pub fn shown_bytes(name: &[u8]) -> String {
    let start = &name[..name.len().min(SHOWN_WIDTH * 4)];
    let mut text = shown(&String::from_utf8_lossy(start));
    if start.len() < name.len() && !text.ends_with(crate::sanitize::ELLIPSIS) {
        text.push(crate::sanitize::ELLIPSIS);
    }
    text
}

/// A cap for messages, as every reader of outside bytes writes it:
/// "16.0 MiB", "4.0 KiB", "100 bytes".
pub fn size_text(bytes: u64) -> String {
    Size(bytes).to_string()
}

/// A body of `found` bytes where at most `limit` are read, said as every
/// budget says it ("a GNU long name of 100.0 MiB: at most 4.0 KiB per GNU
/// long name"); checked before the body is read.
pub fn within(what: &'static str, found: u64, limit: u64) -> Result<(), BudgetError> {
    if found > limit {
        return Err(BudgetError::Record { what, found, limit });
    }
    Ok(())
}

/// What is left of the limits while copying: the shared
/// [`crate::budget::Budget`] for files and entries, one more for the
/// lessons' text.
pub struct Budget {
    pub limits: Limits,
    files: budget::Budget,
    lessons: budget::Budget,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        let entries = limits.entries as u64;
        Budget {
            limits,
            files: budget::Budget::new(budget::Limits {
                record: "pack file",
                per_record_bytes: limits.file_bytes,
                total_bytes: limits.total_bytes,
                items: entries,
            }),
            lessons: budget::Budget::new(budget::Limits {
                record: "lesson",
                per_record_bytes: limits.file_bytes,
                total_bytes: limits.lesson_bytes,
                items: entries,
            }),
        }
    }

    /// Counts one file or folder.
    pub fn entry(&mut self, name: &str) -> Result<(), String> {
        self.files
            .take_items(1)
            .map_err(|e| format!("{}: {e}: too many for a pack", shown(name)))
    }

    /// Takes a file of `size` bytes from the budget before any of it is
    /// read.
    fn room_for(&mut self, name: &str, size: u64) -> Result<(), String> {
        let at = |e: BudgetError| format!("{}: {e}: refused", shown(name));
        within("pack file", size, self.limits.file_bytes).map_err(at)?;
        if is_lesson(name) {
            self.lessons.take_bytes(size).map_err(at)?;
        }
        self.files.take_bytes(size).map_err(at)
    }

    /// Copies a file of `size` bytes (as declared by the archive or the
    /// file system) to the new file `to`, refused before reading when it
    /// does not fit; a source that holds more or less than it said is
    /// refused too. Checks `interrupt` between chunks.
    pub fn copy(
        &mut self,
        name: &str,
        size: u64,
        from: &mut dyn Read,
        to: &Path,
        interrupt: &Interrupt,
    ) -> Result<(), String> {
        self.room_for(name, size)?;
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(to)
            .map_err(|e| format!("{}: {e}", shown(name)))?;
        let mut buf = vec![0u8; 64 << 10];
        let mut limited = from.take(size + 1);
        let mut copied = 0u64;
        loop {
            interrupt.check()?;
            let n = match limited.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(describe(&e, name)),
            };
            copied += n as u64;
            if copied > size {
                return Err(format!("{} grew while it was copied: refused", shown(name)));
            }
            out.write_all(&buf[..n])
                .map_err(|e| format!("{}: {e}", shown(name)))?;
        }
        if copied < size {
            return Err(format!(
                "{} holds {copied} of the {size} bytes it declares: the pack is cut short",
                shown(name)
            ));
        }
        out.flush().map_err(|e| format!("{}: {e}", shown(name)))
    }
}

/// A file forklab reads as a lesson (its text is held in memory).
fn is_lesson(name: &str) -> bool {
    name.len() > 3 && name[name.len() - 3..].eq_ignore_ascii_case(".md")
}

/// An I/O error met while reading the archive, as a short message.
pub fn describe(e: &std::io::Error, name: &str) -> String {
    let at = if name.is_empty() {
        String::new()
    } else {
        format!(" (at {})", shown(name))
    };
    let text = crate::sanitize::field(&e.to_string(), 200).into_owned();
    format!("not a readable .tar.gz archive{at}: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_size_is_refused_before_anything_is_read() {
        struct Explodes;
        impl Read for Explodes {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                panic!("read before the size was checked")
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        let limits = Limits {
            file_bytes: 10,
            total_bytes: 15,
            lesson_bytes: 4,
            ..Limits::default()
        };
        let mut budget = Budget::new(limits);
        let never = Interrupt::never();
        let to = tmp.path().join("f");
        let err = budget.copy("big", 11, &mut Explodes, &to, &never);
        assert!(
            err.unwrap_err()
                .contains("a pack file of 11 bytes: at most 10 bytes")
        );
        let err = budget.copy("a.MD", 5, &mut Explodes, &to, &never);
        assert!(err.unwrap_err().contains("more than 4 bytes of lessons"));
        budget
            .copy("a", 10, &mut &[7u8; 10][..], &to, &never)
            .unwrap();
        let err = budget.copy("b", 6, &mut Explodes, &tmp.path().join("g"), &never);
        assert!(
            err.unwrap_err()
                .contains("more than 15 bytes of pack files in total")
        );
        let err = budget.copy("c", 3, &mut &[1u8; 2][..], &tmp.path().join("h"), &never);
        assert!(err.unwrap_err().contains("cut short"));
    }

    #[test]
    fn a_huge_name_is_cut_and_made_visible() {
        let name = format!("\u{1b}[2J{}", "a".repeat(10 << 20));
        let text = shown(&name);
        assert!(text.chars().count() <= SHOWN_WIDTH && text.starts_with('␛'));
        let bytes = shown_bytes(&[0xff; 1 << 20]);
        assert!(bytes.chars().count() <= SHOWN_WIDTH + 1 && bytes.ends_with('…'));
    }
}
