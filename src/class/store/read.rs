//! Reading a class file back: every whole record kept, whatever damage
//! sits between them (a line cut short by a full disk or a kill, with
//! the next record glued to it by an older forklab) dropped and named.
//! Lines are read under a length cap and the file under a `Budget` of
//! bytes and lines (what the server's caps let a class file grow to), so
//! a hostile file costs no more memory than a real one.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::roster::{Applied, Roster};
use super::{Record, VERSION};
use crate::budget::{Budget, BudgetError, Limits};
use crate::class::limits::{BYTES_PER_CLASS, LEARNERS_PER_CLASS, LINE_BYTES, RESULTS_PER_CLASS};

/// What reading one class file may take: lines up to `LINE_BYTES` (a
/// longer one is left out, not held), and in all what the server's caps
/// let a class file grow to, with room for a thousand damaged lines.
const BUDGET: Limits = Limits {
    record: "class file line",
    per_record_bytes: LINE_BYTES.get(),
    total_bytes: BYTES_PER_CLASS.get() + LINE_BYTES.get(),
    items: 1 + LEARNERS_PER_CLASS.get() + RESULTS_PER_CLASS.get() + 1000,
};

/// Where every record starts: the tag comes first, and inside a JSON
/// string a quote is escaped, so these bytes only ever begin a record.
const RECORD_START: &[u8] = b"{\"kind\":\"";

/// Dropped lines named one by one; past this only counted.
const NAMED: usize = 20;

/// Bytes of the file left out on reading, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// 1-based line number.
    pub line: usize,
    pub bytes: u64,
    pub why: String,
}

/// What reading a class file left out. Nothing in it was ever
/// acknowledged: a result is answered only once its whole line is on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Damage {
    /// The first [`NAMED`] pieces left out.
    pub dropped: Vec<Dropped>,
    /// Pieces left out in all, named or not.
    pub count: usize,
    /// The unfinished last line, cut off when the file is reopened to
    /// go on, so the next record starts on a line of its own.
    pub torn_tail: Option<Dropped>,
}

impl Damage {
    pub fn is_empty(&self) -> bool {
        self.count == 0 && self.torn_tail.is_none()
    }

    fn drop(&mut self, line: usize, bytes: usize, why: impl Into<String>) {
        self.count += 1;
        if self.dropped.len() < NAMED {
            self.dropped.push(Dropped {
                line,
                bytes: bytes as u64,
                why: why.into(),
            });
        }
    }

    /// One line per piece left out, for the teacher.
    pub fn describe(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .dropped
            .iter()
            .chain(&self.torn_tail)
            .map(|d| format!("line {}: {} bytes left out ({})", d.line, d.bytes, d.why))
            .collect();
        let unnamed = self.count.saturating_sub(self.dropped.len());
        if unnamed > 0 {
            out.push(format!("and {unnamed} more damaged lines left out"));
        }
        out
    }
}

/// Reads a line of at most `LINE_BYTES` (plus its newline); a longer
/// one is skipped to its end and reported by its length. Returns the
/// bytes read, 0 at the end, and whether the line ended with a newline.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    line.clear();
    let cap = LINE_BYTES.usize() + 1;
    let mut total = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok((total, false));
        }
        let (used, ended) = match available.iter().position(|b| *b == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        let room = cap.saturating_sub(line.len());
        line.extend_from_slice(&available[..used.min(room)]);
        reader.consume(used);
        total += used;
        if ended {
            return Ok((total, true));
        }
    }
}

/// Reads a class file into a roster, keeping every whole record. Damage
/// is reported, not fatal; only a file that is not a class file (no
/// class header first, a second header, a newer version, too big) is
/// an error naming its line.
pub fn read(path: &Path) -> Result<(Roster, Damage), String> {
    let name = path.display();
    let file = File::open(path).map_err(|e| format!("cannot open {name}: {e}"))?;
    let mut reader = BufReader::new(file);
    let mut budget = Budget::new(BUDGET);
    let mut roster = Roster::default();
    let mut damage = Damage::default();
    let mut line = Vec::new();
    let mut seen_header = false;
    let mut number = 0;
    loop {
        let (read, ended) =
            read_line(&mut reader, &mut line).map_err(|e| format!("{name}: {e}"))?;
        if read == 0 {
            break;
        }
        number += 1;
        // A line over its limit is left out below, but still counts.
        let taken = match budget.take_record(read as u64) {
            Err(BudgetError::Record { .. }) => budget
                .take_items(1)
                .and_then(|()| budget.take_bytes(read as u64)),
            taken => taken,
        };
        if let Err(over) = taken {
            return Err(format!(
                "{name}:{number}: {over}: larger than any class file forklab writes"
            ));
        }
        if !ended {
            damage.torn_tail = Some(Dropped {
                line: number,
                bytes: read as u64,
                why: "cut short, never acknowledged".into(),
            });
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some((record, skipped)) = record_in(&line, read) else {
            if !seen_header {
                return Err(format!(
                    "{name}:{number}: not a class file (no class header)"
                ));
            }
            let why = if read > LINE_BYTES.usize() {
                LINE_BYTES.message()
            } else {
                "not a whole record".into()
            };
            damage.drop(number, read, why);
            continue;
        };
        if skipped > 0 {
            damage.drop(number, skipped, "cut short, the next record glued to it");
        }
        match (&record, seen_header) {
            (Record::Class { version, .. }, false) if *version > VERSION => {
                return Err(format!(
                    "{name}:{number}: class file version {version} is newer than this forklab reads ({VERSION}); update forklab"
                ));
            }
            (Record::Class { .. }, false) => seen_header = true,
            (Record::Class { .. }, true) => {
                return Err(format!("{name}:{number}: a second class header"));
            }
            (_, false) => {
                return Err(format!(
                    "{name}:{number}: not a class file (the first record must be the class header)"
                ));
            }
            _ => {}
        }
        let bytes = (read - skipped) as u64;
        if roster.apply(&record, bytes) == Applied::Unknown {
            damage.drop(number, read, "a result from a participant who never joined");
        }
    }
    if !seen_header {
        return Err(format!("{name}: empty, not a class file"));
    }
    Ok((roster, damage))
}

/// The record a line holds, and how many bytes before it were left
/// out: the whole line, or else the record that starts last in it.
fn record_in(line: &[u8], read: usize) -> Option<(Record, usize)> {
    if read > LINE_BYTES.usize() {
        return None;
    }
    if let Ok(record) = serde_json::from_slice(line) {
        return Some((record, 0));
    }
    let start = line
        .windows(RECORD_START.len())
        .rposition(|w| w == RECORD_START)
        .filter(|at| *at > 0)?;
    let record = serde_json::from_slice(&line[start..]).ok()?;
    Some((record, start))
}
