//! A pack's `.tar.gz`, unpacked by forklab itself, header by header.
//!
//! The tar crate is asked for raw entries, so the GNU long name and long
//! link ('L', 'K') and PAX ('x', 'g') headers come here as they are: each
//! one's declared size is checked against its cap before its body is
//! read (the crate's own handling reads any size into memory: a 133 KB
//! archive took 1.2 GB). The gzip bytes and the tar stream behind them
//! are metered too, so a gzip bomb stops at a cap whatever the headers
//! say. Only plain files and folders are written; links, devices and
//! anything else are refused.

use std::cell::Cell;
use std::io::Read;
use std::path::{Component, Path};
use std::rc::Rc;

use tar::EntryType;

use super::limits::{Budget, Limits, describe, shown, shown_bytes, size_text, within};
use super::staging::Interrupt;
use crate::lesson::contain::{self, PathError};

/// Unpacks the gzip-compressed tar read from `gz` into the folder `to`
/// (which must exist), within `limits`. The entry point for `pack add`
/// and for fuzzing: whatever the bytes, it returns an error or a folder
/// of plain files and folders inside `to`, and takes no more memory than
/// the caps allow.
pub fn unpack_tar_gz(gz: impl Read, to: &Path, limits: Limits) -> Result<(), String> {
    unpack(gz, to, &mut Budget::new(limits), &Interrupt::never())
}

/// [`unpack_tar_gz`] counting into `budget` and stopping at `interrupt`.
pub fn unpack(
    gz: impl Read,
    to: &Path,
    budget: &mut Budget,
    interrupt: &Interrupt,
) -> Result<(), String> {
    let limits = budget.limits;
    let stop = Rc::new(Cell::new(None));
    let compressed = Metered {
        inner: gz,
        left: limits.archive_bytes,
        what: Cap::Archive(limits.archive_bytes),
        stop: stop.clone(),
        interrupt,
    };
    let decoded = flate2::read::GzDecoder::new(std::io::BufReader::new(compressed));
    let stream = Metered {
        inner: decoded,
        left: limits.stream_bytes,
        what: Cap::Stream(limits.stream_bytes),
        stop: stop.clone(),
        interrupt,
    };
    let mut tar = tar::Archive::new(stream);
    let result = walk(&mut tar, to, budget, interrupt);
    // A cap reached inside a read surfaces as an I/O error of the tar or
    // gzip reader: say the cap instead.
    match (result, stop.take()) {
        (Err(_), Some(cap)) => Err(cap.message()),
        (result, _) => result,
    }
}

/// The headers that describe the entry after them.
#[derive(Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Option<Vec<u8>>,
}

fn walk<R: Read>(
    tar: &mut tar::Archive<R>,
    to: &Path,
    budget: &mut Budget,
    interrupt: &Interrupt,
) -> Result<(), String> {
    let limits = budget.limits;
    let mut pending = Pending::default();
    let entries = tar.entries().map_err(|e| describe(&e, ""))?.raw(true);
    for entry in entries {
        interrupt.check()?;
        let mut entry = entry.map_err(|e| describe(&e, ""))?;
        let kind = entry.header().entry_type();
        let slot = match kind {
            EntryType::GNULongName => Some((&mut pending.long_name, "GNU long name")),
            EntryType::GNULongLink => Some((&mut pending.long_link, "GNU long link")),
            EntryType::XHeader => Some((&mut pending.pax, "PAX header")),
            _ => None,
        };
        if let Some((slot, what)) = slot {
            let cap = if kind == EntryType::XHeader {
                limits.pax_bytes
            } else {
                limits.name_bytes
            };
            if slot.is_some() {
                return Err(format!("two {what}s for one entry: refused"));
            }
            *slot = Some(read_capped(&mut entry, cap, what)?);
            continue;
        }
        if kind == EntryType::XGlobalHeader {
            // `git archive` writes one (the commit id); nothing in it
            // matters to a pack, but it counts and its size is capped.
            budget.entry("a global PAX header")?;
            read_capped(&mut entry, limits.pax_bytes, "global PAX header")?;
            continue;
        }
        let described = std::mem::take(&mut pending);
        write_entry(&mut entry, described, to, budget, interrupt)?;
    }
    if pending.long_name.is_some() || pending.long_link.is_some() || pending.pax.is_some() {
        return Err("the archive ends with a header that describes no entry: refused".into());
    }
    Ok(())
}

/// An extension header's body, refused by its declared size before any of
/// it is read.
fn read_capped<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    cap: u64,
    what: &'static str,
) -> Result<Vec<u8>, String> {
    let size = entry.size();
    within(what, size, cap).map_err(|e| format!("the archive holds {e}: refused"))?;
    let mut body = Vec::with_capacity(size as usize);
    entry
        .take(cap)
        .read_to_end(&mut body)
        .map_err(|e| describe(&e, what))?;
    Ok(body)
}

/// The entry's name: the PAX `path`, else the GNU long name, else the
/// header's own; two of them is a disagreement between tar readers that
/// an attacker could use, so it is refused.
fn entry_name(header_name: &[u8], pending: &Pending) -> Result<String, String> {
    let pax_path = pending
        .pax
        .as_deref()
        .map(|pax| pax_value(pax, "path"))
        .transpose()?
        .flatten();
    let long = pending.long_name.as_deref().map(|n| {
        let end = n.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        &n[..end]
    });
    let raw = match (pax_path, long) {
        (Some(_), Some(_)) => {
            return Err("an entry has both a PAX path and a GNU long name: refused".into());
        }
        (Some(p), None) | (None, Some(p)) => p,
        (None, None) => header_name,
    };
    String::from_utf8(raw.to_vec()).map_err(|_| {
        format!(
            "the entry name {:?} is not UTF-8: refused",
            shown_bytes(raw)
        )
    })
}

/// One key of a PAX header, if present.
fn pax_value<'a>(pax: &'a [u8], key: &str) -> Result<Option<&'a [u8]>, String> {
    let mut found = None;
    for record in tar::PaxExtensions::new(pax) {
        let record = record.map_err(|_| "a malformed PAX header: refused".to_string())?;
        if record.key_bytes() == key.as_bytes() {
            found = Some(record.value_bytes());
        }
    }
    Ok(found)
}

fn write_entry<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    pending: Pending,
    to: &Path,
    budget: &mut Budget,
    interrupt: &Interrupt,
) -> Result<(), String> {
    let kind = entry.header().entry_type();
    let name = entry_name(&entry.path_bytes(), &pending)?;
    let size = entry.size();
    if let Some(pax) = pending.pax.as_deref()
        && let Some(declared) = pax_value(pax, "size")?
        && std::str::from_utf8(declared)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            != Some(size)
    {
        return Err(format!(
            "archive entry {:?}: its PAX size and its header's size differ: refused",
            shown(&name)
        ));
    }
    let relative = match contain::check_name(&name) {
        Ok(p) => p.to_path_buf(),
        // `./` at the top of many archives.
        Err(PathError::Empty) if kind.is_dir() && size == 0 => return Ok(()),
        Err(e) => return Err(format!("archive entry {:?} {e}: refused", shown(&name))),
    };
    budget.entry(&name)?;
    let depth = relative
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    if depth > budget.limits.depth {
        return Err(format!(
            "archive entry {:?} is nested more than {} folders deep",
            shown(&name),
            budget.limits.depth
        ));
    }
    let dest = to.join(&relative);
    let made = |e: std::io::Error| format!("{}: {e}", shown(&name));
    if kind.is_dir() {
        if size != 0 {
            return Err(format!(
                "archive entry {:?} is a folder with {size} bytes of content: refused",
                shown(&name)
            ));
        }
        std::fs::create_dir_all(&dest).map_err(made)
    } else if kind.is_file() || kind == EntryType::Continuous {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(made)?;
        }
        budget.copy(&name, size, entry, &dest, interrupt)
    } else if kind.is_symlink() || kind.is_hard_link() {
        Err(format!(
            "archive entry {:?} is a link: packs may not hold links",
            shown(&name)
        ))
    } else if kind.is_character_special() || kind.is_block_special() || kind.is_fifo() {
        Err(format!(
            "archive entry {:?} is a device or a pipe: refused",
            shown(&name)
        ))
    } else {
        Err(format!(
            "archive entry {:?} is of a kind packs may not hold",
            shown(&name)
        ))
    }
}

/// Which cap a [`Metered`] reader enforces.
#[derive(Debug, Clone, Copy)]
enum Cap {
    Archive(u64),
    Stream(u64),
    Interrupted,
}

impl Cap {
    fn message(self) -> String {
        match self {
            Cap::Archive(cap) => format!(
                "the archive is larger than {}, the most a pack archive may be",
                size_text(cap)
            ),
            Cap::Stream(cap) => format!(
                "the archive unpacks to more than {} of tar data (a gzip bomb?): refused",
                size_text(cap)
            ),
            Cap::Interrupted => super::staging::INTERRUPTED.to_string(),
        }
    }
}

/// A reader that fails once more than `left` bytes were read from it, or
/// once interrupted, and records why in `stop`.
struct Metered<'a, R> {
    inner: R,
    left: u64,
    what: Cap,
    stop: Rc<Cell<Option<Cap>>>,
    interrupt: &'a Interrupt,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let refuse = |cap: Cap| {
            self.stop.set(Some(cap));
            Err(std::io::Error::other(cap.message()))
        };
        if self.interrupt.is_set() {
            return refuse(Cap::Interrupted);
        }
        // One byte past the cap tells "exactly at" from "over".
        let room = self.left.saturating_add(1).min(buf.len() as u64) as usize;
        let n = self.inner.read(&mut buf[..room])?;
        if n as u64 > self.left {
            return refuse(self.what);
        }
        self.left -= n as u64;
        Ok(n)
    }
}
