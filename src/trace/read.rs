//! Reading a trace back into the events the TUI consumes. Every problem
//! names its line; nothing in a file, however damaged, panics.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Duration;

use flate2::read::GzDecoder;

use super::format::{Header, Line, Record, VERSION};
use crate::lab::pool::{LabEvent, RunResult};
use crate::monitor::{ProcessInfo, Sample};
use crate::os::process::Exit;
use crate::python::PyEvent;

/// The most cores a trace may have (far beyond any machine forklab meets;
/// it bounds what a damaged header can make the panes draw).
pub const MAX_CORES: usize = 4096;

/// The most processes one sample may list (a real family is far smaller;
/// the process pane's work grows with the square of it).
pub const MAX_PROCESSES: usize = 16_384;

/// The latest time a record may have: 30 days.
const MAX_T: u64 = 30 * 24 * 3600 * 1000;

/// The longest line read (a sample of 4096 cores and its family is far
/// below it); a longer one is damage, not data.
const MAX_LINE: u64 = 16 << 20;

/// Why a trace cannot be replayed (or, for `Truncated`, was cut short).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TraceError {
    #[error("cannot read the trace: {0}")]
    Io(String),
    #[error("the file is empty: not a forklab trace")]
    Empty,
    #[error("line {line}: {message}")]
    Bad { line: usize, message: String },
    #[error(
        "line {line}: trace format version {found} is newer than this forklab reads ({VERSION}): a newer forklab can replay it"
    )]
    Newer { line: usize, found: u64 },
    #[error("line {line}: the trace ends in the middle of this line: the recording was cut short")]
    Truncated { line: usize },
}

/// One thing that happened, as the TUI consumes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Sample(Sample),
    Ended {
        pid: u32,
        exit: Exit,
    },
    LabBegan {
        sweep: bool,
    },
    Lab(LabEvent),
    PyBegan {
        run: u64,
        title: String,
        command: String,
    },
    Py(u64, PyEvent),
    Python(String),
}

/// An entry and when it happened, from the start of the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    pub t: Duration,
    pub entry: Entry,
}

/// A whole trace, read into memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub header: Header,
    pub entries: Vec<Timed>,
    /// The recording was cut short: what was read is replayed, and this
    /// says where it ends.
    pub warning: Option<TraceError>,
}

impl Trace {
    /// Reads a trace file.
    pub fn load(path: &Path) -> Result<Trace, TraceError> {
        let file = std::fs::File::open(path)
            .map_err(|e| TraceError::Io(format!("{}: {e}", path.display())))?;
        Trace::read(file)
    }

    /// Reads a trace, gzip-compressed or plain JSON lines.
    pub fn read(input: impl Read) -> Result<Trace, TraceError> {
        let mut input = BufReader::new(input);
        let start = input
            .fill_buf()
            .map_err(|e| TraceError::Io(e.to_string()))?;
        if start.is_empty() {
            return Err(TraceError::Empty);
        }
        if start.starts_with(&[0x1f, 0x8b]) {
            lines(BufReader::new(GzDecoder::new(input)))
        } else {
            lines(input)
        }
    }

    /// How long the recording lasted.
    pub fn length(&self) -> Duration {
        self.entries.last().map_or(Duration::ZERO, |e| e.t)
    }

    /// The usual time between two core samples (the median gap, to the
    /// millisecond): the refresh it was recorded at. `None` with fewer
    /// than two samples.
    pub fn sample_interval(&self) -> Option<Duration> {
        let times: Vec<Duration> = self
            .entries
            .iter()
            .filter(|e| matches!(e.entry, Entry::Sample(_)))
            .map(|e| e.t)
            .collect();
        let mut gaps: Vec<Duration> = times
            .windows(2)
            .map(|w| w[1].saturating_sub(w[0]))
            .collect();
        gaps.sort_unstable();
        let median = *gaps.get(gaps.len() / 2)?;
        Some(Duration::from_millis(median.as_millis() as u64))
    }

    /// The lab's finished runs, by worker count, the last of each count
    /// (what the lab's results table showed at the end).
    pub fn lab_results(&self) -> Vec<RunResult> {
        let mut results: Vec<RunResult> = Vec::new();
        for entry in &self.entries {
            if let Entry::Lab(LabEvent::RunFinished(result)) = &entry.entry {
                results.retain(|r| r.config.workers != result.config.workers);
                results.push((**result).clone());
            }
        }
        results.sort_by_key(|r| r.config.workers);
        results
    }
}

fn lines(mut input: impl BufRead) -> Result<Trace, TraceError> {
    let mut header: Option<Header> = None;
    let mut entries = Vec::new();
    let mut names: HashMap<u32, (String, String, bool)> = HashMap::new();
    let mut line_no = 0;
    let mut last_t = 0;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        line_no += 1;
        let read = (&mut input).take(MAX_LINE).read_until(b'\n', &mut buf);
        let bad = |message: String| TraceError::Bad {
            line: line_no,
            message,
        };
        match read {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return cut_short(header, entries, line_no);
            }
            Err(e) => return Err(bad(format!("the compressed data is damaged ({e})"))),
        }
        let complete = buf.last() == Some(&b'\n');
        if !complete && buf.len() as u64 >= MAX_LINE {
            return Err(bad(format!("a line longer than {} MiB", MAX_LINE >> 20)));
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            return Err(bad("not text (invalid UTF-8): not a forklab trace".into()));
        };
        if text.trim().is_empty() {
            continue;
        }
        let Some(head) = &header else {
            header = Some(read_header(text)?);
            continue;
        };
        let line: Line = match serde_json::from_str(text) {
            Ok(line) => line,
            Err(e) => return Err(bad(format!("not a trace record: {}", json_error(&e)))),
        };
        if line.t > MAX_T {
            return Err(bad(format!("a time of {} ms, past 30 days", line.t)));
        }
        if line.t < last_t {
            return Err(bad(format!(
                "time goes backwards ({} ms after {} ms)",
                line.t, last_t
            )));
        }
        last_t = line.t;
        let t = Duration::from_millis(line.t);
        let entry = match line.record {
            Record::Process(p) => {
                let serves = p.role == crate::monitor::role::Role::Manager.as_str();
                names.insert(p.pid, (p.name, p.command, serves));
                continue;
            }
            Record::Sample(s) => {
                if s.cores.len() != head.machine.cores {
                    return Err(bad(format!(
                        "a sample of {} cores in a trace of {} cores",
                        s.cores.len(),
                        head.machine.cores
                    )));
                }
                if s.procs.len() > MAX_PROCESSES {
                    return Err(bad(format!(
                        "a sample of {} processes (a trace has at most {MAX_PROCESSES})",
                        s.procs.len()
                    )));
                }
                let mut processes = Vec::with_capacity(s.procs.len());
                for row in s.procs {
                    let Some((name, command, serves)) = names.get(&row.0) else {
                        return Err(bad(format!(
                            "process {} has no `process` line before it",
                            row.0
                        )));
                    };
                    processes.push(ProcessInfo {
                        pid: row.0,
                        ppid: row.1,
                        name: name.clone(),
                        command: command.clone(),
                        state: row.2,
                        cpu: row.3.max(0.0),
                        memory: row.4,
                        core: row.5.filter(|c| *c < head.machine.cores),
                        serves: *serves,
                    });
                }
                Entry::Sample(Sample {
                    cores: s.cores.iter().map(|c| c.clamp(0.0, 100.0)).collect(),
                    total: s.total.clamp(0.0, 100.0),
                    memory_used: s.mem[0],
                    memory_total: s.mem[1],
                    load: s.load,
                    processes,
                })
            }
            Record::Ended { pid, exit } => Entry::Ended { pid, exit },
            Record::LabBegan { sweep } => Entry::LabBegan { sweep },
            Record::Lab { event } => {
                check_lab(&event, head.machine.cores).map_err(bad)?;
                Entry::Lab(event)
            }
            Record::PyBegan {
                run,
                title,
                command,
            } => Entry::PyBegan {
                run,
                title,
                command,
            },
            Record::Py { run, event } => Entry::Py(run, event),
            Record::Python { version } => Entry::Python(version),
        };
        entries.push(Timed { t, entry });
    }
    match header {
        Some(header) => Ok(Trace {
            header,
            entries,
            warning: None,
        }),
        None => Err(TraceError::Empty),
    }
}

/// What was read before the end came too soon.
fn cut_short(
    header: Option<Header>,
    entries: Vec<Timed>,
    line: usize,
) -> Result<Trace, TraceError> {
    let warning = TraceError::Truncated { line };
    match header {
        Some(header) => Ok(Trace {
            header,
            entries,
            warning: Some(warning),
        }),
        None => Err(warning),
    }
}

fn read_header(text: &str) -> Result<Header, TraceError> {
    let bad = |message: String| TraceError::Bad { line: 1, message };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "not a forklab trace (the first line is not JSON: {})",
            json_error(&e)
        ))
    })?;
    let Some(version) = value.get("forklab_trace").and_then(|v| v.as_u64()) else {
        return Err(bad(
            "not a forklab trace (the first line has no `forklab_trace` version)".into(),
        ));
    };
    if version > u64::from(VERSION) {
        return Err(TraceError::Newer {
            line: 1,
            found: version,
        });
    }
    if version == 0 {
        return Err(bad("trace format version 0 does not exist".into()));
    }
    let header: Header = serde_json::from_value(value)
        .map_err(|e| bad(format!("the trace's header is damaged: {e}")))?;
    if !(1..=MAX_CORES).contains(&header.machine.cores) {
        return Err(bad(format!(
            "a machine of {} cores (a trace has 1 to {MAX_CORES})",
            header.machine.cores
        )));
    }
    Ok(header)
}

/// serde_json's message with our line number's column, not its own line.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    format!("{text} (column {})", e.column())
}

/// A lab event's settings within the lab's own limits (a damaged trace
/// must not make the lab view set up a million workers).
fn check_lab(event: &LabEvent, cores: usize) -> Result<(), String> {
    use crate::lab::pool::{LabConfig, MAX_TASKS, MAX_WORKERS};
    let check = |c: &LabConfig| {
        if !(1..=MAX_WORKERS).contains(&c.workers) {
            return Err(format!(
                "a lab run of {} workers (1 to {MAX_WORKERS})",
                c.workers
            ));
        }
        if !(1..=MAX_TASKS).contains(&c.tasks) || c.chunksize == 0 {
            return Err(format!(
                "a lab run of {} tasks in chunks of {} (1 to {MAX_TASKS} tasks)",
                c.tasks, c.chunksize
            ));
        }
        if c.cpus.is_some_and(|k| k == 0 || k > cores) {
            return Err(format!("a lab run on {:?} of {cores} cores", c.cpus));
        }
        Ok(())
    };
    match event {
        LabEvent::RunStarted { config, .. } => check(config),
        LabEvent::RunFinished(result) => check(&result.config),
        LabEvent::SweepFinished(results) => results.iter().try_for_each(|r| check(&r.config)),
        _ => Ok(()),
    }
}
