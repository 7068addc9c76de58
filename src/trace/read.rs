//! Reading a trace back into the events the TUI consumes. Every problem
//! names its line; nothing in a file, however damaged or hostile, panics
//! or takes more memory than the budgets below allow, each checked before
//! the memory is taken. A process's names are kept once and shared by
//! every sample that lists it.

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::mem::size_of;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use flate2::read::GzDecoder;

use super::format::{
    Header, LessonPlace, Line, MAX_COMMAND, MAX_NAME, Record, SampleRecord, VERSION, clip,
};
use super::input::{self, Counted, LineError};
use crate::budget::{self, Budget, Interner, Limits, Size};
use crate::lab::{LabEvent, RunResult};
use crate::monitor::{ProcessInfo, Sample};
use crate::os::process::Exit;
use crate::python::PyEvent;

/// The most cores a trace may have (far beyond any machine forklab meets;
/// it bounds what a damaged header can make the panes draw).
pub const MAX_CORES: usize = 4096;

/// The most processes one sample may list (a real family is far smaller;
/// the process pane's work grows with the square of it).
pub const MAX_PROCESSES: usize = 16_384;

/// The most `lesson` records a trace may hold: a learner moving ten
/// times a second for nearly three hours.
pub const MAX_PLACES: usize = 100_000;

/// The latest time a record may have: 30 days.
const MAX_T: u64 = 30 * 24 * 3600 * 1000;

/// The lines of a trace, decompressed: 1 MiB per line (a sample of 4096
/// cores and a family of a thousand is under 100 KiB), 1 GiB and four
/// million lines in all (hours of a busy lab).
pub const LINES: Limits = Limits {
    record: "trace line",
    per_record_bytes: 1 << 20,
    total_bytes: 1 << 30,
    items: 4_000_000,
};

/// What the trace read keeps in memory: each entry and process as its
/// size in memory, each distinct string once. 512 MiB in all.
pub const KEPT: Limits = Limits {
    record: "trace entry",
    per_record_bytes: 64 << 20,
    total_bytes: 512 << 20,
    items: 4_000_000,
};

/// Memory a trace may take whatever its size: 16 MiB (an hour of a
/// 16-core machine at 250 ms).
pub const KEPT_FLOOR: u64 = 16 << 20;

/// Beyond [`KEPT_FLOOR`], memory a trace may take per byte of its file
/// (compressed, for a gzip trace). forklab's recordings take 10 to 25
/// times their size; a compression bomb (10 million tiny records in a
/// 1.2 MB file) thousands.
pub const KEPT_PER_FILE_BYTE: u64 = 40;

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
    /// The lesson on screen, and where (its strings sanitized and
    /// within their limits).
    Lesson(LessonPlace),
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

    /// Reads a trace, gzip-compressed or plain JSON lines, within the
    /// budgets above. Public for other readers (the fuzz target).
    pub fn read(input: impl Read) -> Result<Trace, TraceError> {
        let (counted, file_bytes) = Counted::new(input);
        let mut input = BufReader::new(counted);
        let start =
            std::io::BufRead::fill_buf(&mut input).map_err(|e| TraceError::Io(e.to_string()))?;
        if start.is_empty() {
            return Err(TraceError::Empty);
        }
        let reader = Reader::new(move || file_bytes.get());
        if start.starts_with(&[0x1f, 0x8b]) {
            reader.lines(BufReader::new(GzDecoder::new(input)))
        } else {
            reader.lines(input)
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

/// A process's names as the trace gave them, shared by all its rows.
struct Names {
    name: Arc<str>,
    command: Arc<str>,
    serves: bool,
}

/// A trace being read: what was kept so far and what it cost.
struct Reader<F: Fn() -> u64> {
    header: Option<Header>,
    entries: Vec<Timed>,
    names: HashMap<u32, Names>,
    strings: Interner,
    /// The decompressed lines ([`LINES`]).
    lines: Budget,
    /// The memory kept ([`KEPT`], and the file's share of it).
    kept: Budget,
    /// Bytes of the file read so far.
    file_bytes: F,
    last_t: u64,
    line: usize,
    /// `lesson` records kept so far ([`MAX_PLACES`]).
    places: usize,
}

impl<F: Fn() -> u64> Reader<F> {
    fn new(file_bytes: F) -> Reader<F> {
        Reader {
            header: None,
            entries: Vec::new(),
            names: HashMap::new(),
            strings: Interner::new(),
            lines: Budget::new(LINES),
            kept: Budget::new(KEPT),
            file_bytes,
            last_t: 0,
            line: 0,
            places: 0,
        }
    }

    fn bad(&self, message: String) -> TraceError {
        TraceError::Bad {
            line: self.line,
            message,
        }
    }

    fn lines(mut self, mut input: impl std::io::BufRead) -> Result<Trace, TraceError> {
        let mut buf = Vec::new();
        loop {
            self.line += 1;
            match input::next_line(&mut input, &mut buf, &mut self.lines) {
                Ok(true) => {}
                Ok(false) => break,
                Err(LineError::CutShort) => return self.finish(true),
                Err(LineError::Damaged(e)) => {
                    return Err(self.bad(format!("the compressed data is damaged ({e})")));
                }
                Err(LineError::Budget(e)) => return Err(self.bad(e.to_string())),
            }
            let Ok(text) = std::str::from_utf8(&buf) else {
                return Err(self.bad("not text (invalid UTF-8): not a forklab trace".into()));
            };
            if text.trim().is_empty() {
                continue;
            }
            if self.header.is_none() {
                self.header = Some(read_header(text, self.line)?);
                continue;
            }
            if let Err(message) = self.record(text) {
                return Err(self.bad(message));
            }
        }
        self.finish(false)
    }

    /// The trace read, or (cut short) what was read before the end came
    /// too soon.
    fn finish(mut self, cut_short: bool) -> Result<Trace, TraceError> {
        let warning = cut_short.then_some(TraceError::Truncated { line: self.line });
        let Some(header) = self.header else {
            return Err(warning.unwrap_or(TraceError::Empty));
        };
        self.entries.shrink_to_fit();
        Ok(Trace {
            header,
            entries: self.entries,
            warning,
        })
    }

    /// One record line after the header.
    fn record(&mut self, text: &str) -> Result<(), String> {
        let line: Line = input::parse(text).map_err(|e| format!("not a trace record: {e}"))?;
        if line.t > MAX_T {
            return Err(format!("a time of {} ms, past 30 days", line.t));
        }
        if line.t < self.last_t {
            return Err(format!(
                "time goes backwards ({} ms after {} ms)",
                line.t, self.last_t
            ));
        }
        self.last_t = line.t;
        let t = Duration::from_millis(line.t);
        let cores = self.header.as_ref().map_or(0, |h| h.machine.cores);
        // What an entry other than a sample keeps: its own size and, at
        // most, the text it came from.
        let other = (size_of::<Timed>() + text.len()) as u64;
        let entry = match line.record {
            Record::Process(p) => return self.process(p.pid, &p.name, &p.command, &p.role),
            Record::Lesson(place) => return self.place(t, place),
            Record::Sample(s) => Entry::Sample(self.sample(s, cores)?),
            Record::Ended { pid, exit } => Entry::Ended { pid, exit },
            Record::LabBegan { sweep } => Entry::LabBegan { sweep },
            Record::Lab { event } => {
                check_lab(&event, cores)?;
                Entry::Lab(event)
            }
            Record::PyBegan {
                run,
                title,
                command,
            } => Entry::PyBegan {
                run,
                title: crate::sanitize::line(&title).into_owned(),
                command: crate::sanitize::line(&command).into_owned(),
            },
            Record::Py { run, event } => Entry::Py(run, event),
            Record::Python { version } => {
                Entry::Python(crate::sanitize::line(&version).into_owned())
            }
        };
        if !matches!(entry, Entry::Sample(_)) {
            self.take(other, true)?;
        }
        self.entries.push(Timed { t, entry });
        Ok(())
    }

    /// Where the learner was: counted and its clipped size taken from the
    /// budget before it is kept, every string through the sanitizer.
    fn place(&mut self, t: Duration, place: LessonPlace) -> Result<(), String> {
        budget::count("lesson records in a trace", self.places + 1, MAX_PLACES)
            .map_err(|e| e.to_string())?;
        let place = place.clipped();
        self.take((size_of::<Timed>() + place.text_bytes()) as u64, true)?;
        self.places += 1;
        let line = |s: &str| crate::sanitize::line(s).into_owned();
        let entry = Entry::Lesson(LessonPlace {
            id: line(&place.id),
            section: place.section.as_deref().map(line),
            experiment: place.experiment.as_deref().map(line),
            ..place
        });
        self.entries.push(Timed { t, entry });
        Ok(())
    }

    /// A process's names, kept once: shared by every row that lists it.
    fn process(&mut self, pid: u32, name: &str, command: &str, role: &str) -> Result<(), String> {
        let name = crate::sanitize::line(clip(name, MAX_NAME));
        let command = crate::sanitize::line(clip(command, MAX_COMMAND));
        if !self.names.contains_key(&pid) {
            self.take(size_of::<(u32, Names)>() as u64 + 8, false)?;
        }
        let name = self.intern(&name)?;
        let command = self.intern(&command)?;
        let serves = role == crate::monitor::role::Role::Manager.as_str();
        self.names.insert(
            pid,
            Names {
                name,
                command,
                serves,
            },
        );
        Ok(())
    }

    fn intern(&mut self, text: &str) -> Result<Arc<str>, String> {
        let shared = self
            .strings
            .intern(text, &mut self.kept)
            .map_err(|e| e.to_string())?;
        self.within_file_share()?;
        Ok(shared)
    }

    /// A sample's rows with their process's shared names, its memory
    /// taken from the budget before the rows are made.
    fn sample(&mut self, s: SampleRecord, cores: usize) -> Result<Sample, String> {
        if s.cores.len() != cores {
            return Err(format!(
                "a sample of {} cores in a trace of {cores} cores",
                s.cores.len()
            ));
        }
        budget::count("processes in a sample", s.procs.len(), MAX_PROCESSES)
            .map_err(|e| e.to_string())?;
        let size = size_of::<Timed>()
            + s.cores.len() * size_of::<f32>()
            + s.procs.len() * size_of::<ProcessInfo>();
        self.take(size as u64, true)?;
        let mut processes = Vec::with_capacity(s.procs.len());
        for row in s.procs {
            let Some(names) = self.names.get(&row.0) else {
                return Err(format!("process {} has no `process` line before it", row.0));
            };
            processes.push(ProcessInfo {
                pid: row.0,
                ppid: row.1,
                name: names.name.clone(),
                command: names.command.clone(),
                state: row.2,
                cpu: row.3.max(0.0),
                memory: row.4,
                core: row.5.filter(|c| *c < cores),
                serves: names.serves,
                // Not recorded: a replay shows them unknown.
                shares: Default::default(),
            });
        }
        Ok(Sample {
            cores: s.cores.iter().map(|c| c.clamp(0.0, 100.0)).collect(),
            total: s.total.clamp(0.0, 100.0),
            memory_used: s.mem[0],
            memory_total: s.mem[1],
            load: s.load,
            processes,
        })
    }

    /// `bytes` more kept in memory: an entry (`entry`) or part of one.
    fn take(&mut self, bytes: u64, entry: bool) -> Result<(), String> {
        let taken = if entry {
            self.kept.take_record(bytes)
        } else {
            self.kept.take_bytes(bytes)
        };
        taken.map_err(|e| e.to_string())?;
        self.within_file_share()
    }

    /// Memory within the floor and the file's share: a small file that
    /// unpacks into millions of records is refused, not replayed.
    fn within_file_share(&self) -> Result<(), String> {
        let file = (self.file_bytes)();
        let share = KEPT_FLOOR.saturating_add(file.saturating_mul(KEPT_PER_FILE_BYTE));
        if self.kept.bytes() <= share {
            return Ok(());
        }
        Err(format!(
            "{} of the file unpack into more than {} in memory: at most {} plus {KEPT_PER_FILE_BYTE} times the bytes read (a compression bomb, not a recording)",
            Size(file),
            Size(share),
            Size(KEPT_FLOOR),
        ))
    }
}

fn read_header(text: &str, line: usize) -> Result<Header, TraceError> {
    let bad = |message: String| TraceError::Bad { line, message };
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "not a forklab trace (the first line is not JSON: {})",
            input::json_error(&e)
        ))
    })?;
    input::sanitize(&mut value);
    let Some(version) = value.get("forklab_trace").and_then(|v| v.as_u64()) else {
        return Err(bad(
            "not a forklab trace (the first line has no `forklab_trace` version)".into(),
        ));
    };
    if version > u64::from(VERSION) {
        return Err(TraceError::Newer {
            line,
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

/// A lab event's settings within the lab's own limits (a damaged trace
/// must not make the lab view set up a million workers).
fn check_lab(event: &LabEvent, cores: usize) -> Result<(), String> {
    use crate::lab::{LabConfig, MAX_TASKS, MAX_WORKERS};
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
