//! The class file: one JSON object a line, appended as results arrive.
//! The first line names the class (code, start); joins and results
//! follow. Reopening a file rebuilds the roster, so a server that was
//! killed and restarted keeps every result, and a result resent under
//! the same id is stored once.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::payload::{Machine, Report};

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

/// A learner in the class, with every report they sent, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub token: String,
    pub nickname: String,
    pub machine: Machine,
    pub joined: u64,
    pub reports: Vec<(u64, Report)>,
}

impl Participant {
    /// The newest report, the one the class view draws.
    pub fn latest(&self) -> Option<&Report> {
        self.reports.last().map(|(_, r)| r)
    }
}

/// The class as the records describe it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    pub code: String,
    pub started: u64,
    pub participants: Vec<Participant>,
    by_token: HashMap<String, usize>,
    ids: HashSet<(String, String)>,
}

/// What applying a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Header,
    Joined(usize),
    Stored(usize),
    /// The same participant sent this id before: nothing changes.
    Duplicate,
    /// A result from a token no join introduced.
    Unknown,
}

impl Roster {
    pub fn new(code: &str, started: u64) -> Roster {
        Roster {
            code: code.to_string(),
            started,
            ..Roster::default()
        }
    }

    pub fn participant(&self, token: &str) -> Option<usize> {
        self.by_token.get(token).copied()
    }

    pub fn has_result(&self, token: &str, id: &str) -> bool {
        self.ids.contains(&(token.to_string(), id.to_string()))
    }

    /// Number of results stored, over every participant.
    pub fn results(&self) -> usize {
        self.ids.len()
    }

    pub fn apply(&mut self, record: &Record) -> Applied {
        match record {
            Record::Class { code, started, .. } => {
                self.code.clone_from(code);
                self.started = *started;
                Applied::Header
            }
            Record::Join {
                at,
                participant,
                nickname,
                machine,
            } => {
                let index = self.participants.len();
                self.by_token.insert(participant.clone(), index);
                self.participants.push(Participant {
                    token: participant.clone(),
                    nickname: nickname.clone(),
                    machine: machine.clone(),
                    joined: *at,
                    reports: Vec::new(),
                });
                Applied::Joined(index)
            }
            Record::Result {
                at,
                participant,
                id,
                report,
            } => {
                let Some(index) = self.participant(participant) else {
                    return Applied::Unknown;
                };
                if !self.ids.insert((participant.clone(), id.clone())) {
                    return Applied::Duplicate;
                }
                self.participants[index].reports.push((*at, report.clone()));
                Applied::Stored(index)
            }
        }
    }
}

/// The open class file, appended to by the server.
#[derive(Debug)]
pub struct ClassFile {
    path: PathBuf,
    file: File,
}

/// Reads a class file into a roster. A torn last line (the server was
/// killed while writing it, so it was never acknowledged) is reported in
/// `torn`; any other bad line is an error naming its line.
pub fn read(path: &Path) -> Result<(Roster, Option<usize>), String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut roster = Roster::default();
    let mut torn = None;
    let mut lines = BufReader::new(file).split(b'\n').enumerate().peekable();
    let mut seen_header = false;
    while let Some((index, line)) = lines.next() {
        let number = index + 1;
        let line = line.map_err(|e| format!("{}:{number}: {e}", path.display()))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let last = lines.peek().is_none();
        let record: Record = match serde_json::from_slice(&line) {
            Ok(record) => record,
            Err(_) if last && seen_header => {
                torn = Some(number);
                break;
            }
            Err(e) => {
                return Err(format!(
                    "{}:{number}: not a class record: {e}",
                    path.display()
                ));
            }
        };
        match (&record, seen_header) {
            (Record::Class { version, .. }, false) => {
                if *version > VERSION {
                    return Err(format!(
                        "{}:{number}: class file version {version} is newer than this forklab reads ({VERSION}); update forklab",
                        path.display()
                    ));
                }
                seen_header = true;
            }
            (Record::Class { .. }, true) => {
                return Err(format!(
                    "{}:{number}: a second class header",
                    path.display()
                ));
            }
            (_, false) => {
                return Err(format!(
                    "{}:{number}: the first record must be the class header",
                    path.display()
                ));
            }
            _ => {}
        }
        if roster.apply(&record) == Applied::Unknown {
            return Err(format!(
                "{}:{number}: a result from a participant who never joined",
                path.display()
            ));
        }
    }
    if !seen_header {
        return Err(format!("{}: empty, not a class file", path.display()));
    }
    Ok((roster, torn))
}

impl ClassFile {
    /// Opens `path` to go on with its class, or starts a new class there
    /// with `code`. Returns the roster so far.
    pub fn open_or_create(path: &Path, code: &str) -> Result<(ClassFile, Roster), String> {
        let exists = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if exists {
            let (roster, torn) = read(path)?;
            if torn.is_some() {
                drop_torn_tail(path)?;
            }
            let file = OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            return Ok((
                ClassFile {
                    path: path.to_path_buf(),
                    file,
                },
                roster,
            ));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let mut class = ClassFile {
            path: path.to_path_buf(),
            file,
        };
        let header = Record::Class {
            version: VERSION,
            code: code.to_string(),
            started: super::now_unix(),
        };
        class.append(&header)?;
        let mut roster = Roster::default();
        roster.apply(&header);
        Ok((class, roster))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one write, so a reader never sees half a
    /// line unless the process died inside the call.
    pub fn append(&mut self, record: &Record) -> Result<(), String> {
        let mut line = serde_json::to_vec(record).map_err(|e| e.to_string())?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// Cuts a torn last line off, so the next append starts on a fresh line.
fn drop_torn_tail(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.set_len(keep as u64)
        .map_err(|e| format!("cannot repair {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::payload::Point;

    fn machine() -> Machine {
        Machine {
            cores: 4,
            cpu_model: "cpu".into(),
            os: "Linux".into(),
            python: None,
        }
    }

    fn result(token: &str, id: &str) -> Record {
        Record::Result {
            at: 2,
            participant: token.into(),
            id: id.into(),
            report: Report {
                engine: "forklab".into(),
                workload: "cpu".into(),
                tasks: 8,
                chunksize: 1,
                points: vec![Point {
                    workers: 1,
                    wall_ms: 10.0,
                    speedup: Some(1.0),
                }],
            },
        }
    }

    #[test]
    fn a_file_reopens_with_every_record_and_no_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("class.jsonl");
        let (mut file, _) = ClassFile::open_or_create(&path, "ABC234").unwrap();
        let join = Record::Join {
            at: 1,
            participant: "t1".into(),
            nickname: "ana".into(),
            machine: machine(),
        };
        file.append(&join).unwrap();
        file.append(&result("t1", "r1")).unwrap();
        file.append(&result("t1", "r1")).unwrap();
        drop(file);
        let (_, roster) = ClassFile::open_or_create(&path, "ZZZZZZ").unwrap();
        assert_eq!(roster.code, "ABC234");
        assert_eq!(roster.participants.len(), 1);
        assert_eq!(roster.results(), 1);
        assert_eq!(roster.participants[0].reports.len(), 1);
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_other_damage_is_named_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("class.jsonl");
        let (file, _) = ClassFile::open_or_create(&path, "ABC234").unwrap();
        drop(file);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"kind\":\"join\",\"at\":1,\"parti");
        std::fs::write(&path, &bytes).unwrap();
        let (_, torn) = read(&path).unwrap();
        assert_eq!(torn, Some(2));
        let (mut file, _) = ClassFile::open_or_create(&path, "X").unwrap();
        file.append(&Record::Join {
            at: 1,
            participant: "t".into(),
            nickname: "n".into(),
            machine: machine(),
        })
        .unwrap();
        let (roster, torn) = read(&path).unwrap();
        assert_eq!((roster.participants.len(), torn), (1, None));

        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"garbage\n{\"kind\":\"class\"}\n");
        std::fs::write(&path, &bytes).unwrap();
        let err = read(&path).unwrap_err();
        assert!(err.contains(":3:"), "{err}");

        std::fs::write(&path, "").unwrap();
        assert!(read(&path).unwrap_err().contains("empty"));
        std::fs::write(
            &path,
            "{\"kind\":\"class\",\"version\":9,\"code\":\"A\",\"started\":0}\n",
        )
        .unwrap();
        assert!(read(&path).unwrap_err().contains("newer"));
    }
}
