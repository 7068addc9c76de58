//! The class file: one JSON object a line, appended as results arrive.
//! The first line names the class (code, start); joins and results
//! follow. Reopening a file rebuilds the roster, so a server that was
//! killed and restarted keeps every result, and a result resent under
//! the same id is stored once.

mod read;
mod roster;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::payload::{Machine, Report};
pub use read::{Damage, Dropped, read};
pub use roster::{Applied, Participant, Roster};

/// The class file format's version; a newer file is refused with a message.
pub const VERSION: u32 = 1;

/// One line of the class file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Record {
    /// The first line.
    Class {
        version: u32,
        code: String,
        /// Unix seconds.
        started: u64,
    },
    Join {
        at: u64,
        participant: String,
        nickname: String,
        machine: Machine,
    },
    Result {
        at: u64,
        participant: String,
        id: String,
        report: Report,
    },
}

/// Where the class file's bytes go: the file itself, or in tests one
/// that fails part way as a full disk does.
pub(crate) trait Backing: Send + std::fmt::Debug {
    /// Appends all of `bytes`, or fails having written any part of them.
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    /// Makes what was appended durable.
    fn sync(&mut self) -> std::io::Result<()>;
    /// Cuts the file back to `len` bytes.
    fn cut(&mut self, len: u64) -> std::io::Result<()>;
}

impl Backing for File {
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all(bytes)
    }

    fn sync(&mut self) -> std::io::Result<()> {
        self.sync_data()
    }

    fn cut(&mut self, len: u64) -> std::io::Result<()> {
        self.set_len(len)?;
        self.sync_data()
    }
}

/// The open class file, appended to by the server.
#[derive(Debug)]
pub struct ClassFile {
    path: PathBuf,
    backing: Box<dyn Backing>,
    /// Bytes of whole lines: where the next record starts.
    len: u64,
    /// A failed append could not be cut back: cut before the next one.
    torn: bool,
}

impl ClassFile {
    /// Opens `path` to go on with its class, or starts a new class there
    /// with `code`. Returns the roster so far and what reading it left
    /// out; an unfinished last line is cut off, so the next record
    /// starts on a line of its own.
    pub fn open_or_create(path: &Path, code: &str) -> Result<(ClassFile, Roster, Damage), String> {
        let name = path.display();
        let exists = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if exists {
            let (roster, damage) = read(path)?;
            let file = OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot write {name}: {e}"))?;
            let size = file
                .metadata()
                .map_err(|e| format!("cannot read {name}: {e}"))?
                .len();
            let len = size - damage.torn_tail.as_ref().map_or(0, |t| t.bytes).min(size);
            let mut class = ClassFile {
                path: path.to_path_buf(),
                backing: Box::new(file),
                len,
                torn: len < size,
            };
            class.repair()?;
            return Ok((class, roster, damage));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot create {name}: {e}"))?;
        let mut class = ClassFile {
            path: path.to_path_buf(),
            backing: Box::new(file),
            len: 0,
            torn: false,
        };
        let header = Record::Class {
            version: VERSION,
            code: code.to_string(),
            started: super::now_unix(),
        };
        let bytes = class.append(&header)?;
        let mut roster = Roster::default();
        roster.apply(&header, bytes);
        Ok((class, roster, Damage::default()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes of whole records in the file.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file holds nothing yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Cuts off what a failed append left, if that is still pending.
    fn repair(&mut self) -> Result<(), String> {
        if self.torn {
            self.backing
                .cut(self.len)
                .map_err(|e| format!("cannot repair {}: {e}", self.path.display()))?;
            self.torn = false;
        }
        Ok(())
    }

    /// Appends one record as one line, written and synced to disk before
    /// it returns: only then may the record be acknowledged. A write that
    /// fails part way (a full disk) is cut back to the last whole line,
    /// so the file never holds half a record with the next glued to it.
    /// Returns the bytes the line took.
    pub fn append(&mut self, record: &Record) -> Result<u64, String> {
        let mut line = serde_json::to_vec(record).map_err(|e| e.to_string())?;
        line.push(b'\n');
        self.repair()?;
        let written = self
            .backing
            .append(&line)
            .and_then(|()| self.backing.sync());
        if let Err(e) = written {
            self.torn = true;
            let _ = self.repair();
            return Err(format!("cannot write {}: {e}", self.path.display()));
        }
        self.len += line.len() as u64;
        Ok(line.len() as u64)
    }
}

#[cfg(test)]
mod tests;
