//! The class as its records describe it: who joined, what each sent,
//! and how much of the class file each takes (the caps count it).

use std::collections::{HashMap, HashSet};

use super::Record;
use crate::class::payload::{Machine, Report};

/// A learner in the class, with every report they sent, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub token: String,
    pub nickname: String,
    pub machine: Machine,
    pub joined: u64,
    pub reports: Vec<(u64, Report)>,
    /// Bytes of the class file this learner's lines take.
    pub bytes: u64,
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

    /// Applies one record that took `bytes` of the class file.
    pub fn apply(&mut self, record: &Record, bytes: u64) -> Applied {
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
                    bytes,
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
                let learner = &mut self.participants[index];
                learner.reports.push((*at, report.clone()));
                learner.bytes += bytes;
                Applied::Stored(index)
            }
        }
    }
}
