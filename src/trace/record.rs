//! Writing a trace: the header, then each event as it reaches the TUI.
//! Every write reports its error, so a full disk or a vanished folder
//! ends the recording with a message and never the session.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::format::{
    Header, LessonPlace, Line, MAX_COMMAND, MAX_NAME, Machine, ProcRow, ProcessRecord, Record,
    SampleRecord, VERSION, clip,
};
use crate::monitor::Sample;
use crate::monitor::role;

/// The sample lines between two flushes of the compressed stream: what a
/// recording cut short (killed, power lost) loses at most, in samples.
const FLUSH_EVERY: u64 = 8;

/// A recording in progress, into any writer (a file, or memory in tests).
pub struct Recorder<W: Write> {
    out: GzEncoder<W>,
    start: Instant,
    /// Name and command line of each process already described (shared
    /// with the samples that listed it: no copy).
    known: HashMap<u32, (Arc<str>, Arc<str>, bool)>,
    samples: u64,
    /// The last time written: lines keep the order the TUI took them in,
    /// so a sample taken just before a lab event it reached the TUI after
    /// is dated with it (times never go backwards).
    last_t: u64,
    /// The lesson place last written: a place is written when it changes.
    place: Option<LessonPlace>,
    /// Lines written, the header included.
    pub lines: u64,
}

/// A recording into a file.
pub type FileRecorder = Recorder<BufWriter<File>>;

impl FileRecorder {
    /// Creates (or replaces) `path` and writes the header.
    pub fn create(path: &Path, machine: Machine, start: Instant) -> io::Result<FileRecorder> {
        let file = File::create(path)?;
        Recorder::new(BufWriter::with_capacity(64 << 10, file), machine, start)
    }
}

impl<W: Write> Recorder<W> {
    /// Starts a trace whose times count from `start`.
    pub fn new(out: W, machine: Machine, start: Instant) -> io::Result<Recorder<W>> {
        let mut recorder = Recorder {
            out: GzEncoder::new(out, Compression::default()),
            start,
            known: HashMap::new(),
            samples: 0,
            last_t: 0,
            place: None,
            lines: 0,
        };
        let header = Header {
            forklab_trace: VERSION,
            machine,
        };
        // Not flushed yet: a full disk shows at the first flush, after a
        // few samples, as it would later on (one way to fail, one message).
        recorder.line(&header)?;
        Ok(recorder)
    }

    fn line(&mut self, value: &impl serde::Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        self.out.write_all(b"\n")?;
        self.lines += 1;
        Ok(())
    }

    fn t(&mut self, at: Instant) -> u64 {
        let t = at.saturating_duration_since(self.start).as_millis() as u64;
        self.last_t = self.last_t.max(t);
        self.last_t
    }

    /// Writes one record that happened at `at`.
    pub fn record(&mut self, at: Instant, record: Record) -> io::Result<()> {
        let t = self.t(at);
        self.line(&Line { t, record })
    }

    /// Writes a sample, describing first the processes it lists that the
    /// trace has not described yet.
    pub fn sample(&mut self, at: Instant, sample: &Sample) -> io::Result<()> {
        let t = self.t(at);
        let names: HashMap<u32, (&str, &str)> = sample
            .processes
            .iter()
            .map(|p| (p.pid, (&*p.name, &*p.command)))
            .collect();
        for p in &sample.processes {
            let known = self
                .known
                .get(&p.pid)
                .is_some_and(|(name, command, serves)| {
                    *name == p.name && *command == p.command && *serves == p.serves
                });
            if !known {
                let parent = names.get(&p.ppid).copied();
                // A Manager's server is told by the socket it listens on,
                // which can appear after the process does: a change of
                // role is written again.
                let role =
                    role::refine(role::classify(&p.name, &p.command, parent), p.serves).as_str();
                self.known
                    .insert(p.pid, (p.name.clone(), p.command.clone(), p.serves));
                let record = Record::Process(ProcessRecord {
                    pid: p.pid,
                    name: clip(&p.name, MAX_NAME).to_string(),
                    command: clip(&p.command, MAX_COMMAND).to_string(),
                    role: role.to_string(),
                });
                self.line(&Line { t, record })?;
            }
        }
        let record = Record::Sample(SampleRecord {
            cores: sample.cores.clone(),
            total: sample.total,
            mem: [sample.memory_used, sample.memory_total],
            load: sample.load,
            procs: sample
                .processes
                .iter()
                .map(|p| ProcRow(p.pid, p.ppid, p.state, p.cpu, p.memory, p.core))
                .collect(),
        });
        self.line(&Line { t, record })?;
        self.samples += 1;
        // Flushing reaches the disk: a full one is found out now, and a
        // recording cut short keeps all but the last few samples.
        if self.samples.is_multiple_of(FLUSH_EVERY) {
            self.out.flush()?;
        }
        Ok(())
    }

    /// Writes where the learner is, when it differs from the place last
    /// written (called after every key: most change nothing).
    pub fn place(&mut self, at: Instant, place: &LessonPlace) -> io::Result<()> {
        if self.place.as_ref() == Some(place) {
            return Ok(());
        }
        self.place = Some(place.clone());
        self.record(at, Record::Lesson(place.clone().clipped()))
    }

    /// How long the recording has run.
    pub fn elapsed(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.start)
    }

    /// Ends the compressed stream; returns the writer.
    pub fn finish(self) -> io::Result<W> {
        let mut out = self.out.finish()?;
        out.flush()?;
        Ok(out)
    }
}

impl FileRecorder {
    /// Ends the file: everything written, and synced to the disk.
    pub fn close(self) -> io::Result<()> {
        let file = self.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    }
}

/// This machine, as a trace's header describes it (the facts a class
/// participant sends, read in one place: `class::client::this_machine`).
pub fn this_machine(cores: usize, python: Option<String>) -> Machine {
    let facts = crate::class::client::this_machine(cores, python);
    Machine {
        cores,
        model: Some(facts.cpu_model),
        os: Some(facts.os),
        python: facts.python,
        forklab: env!("CARGO_PKG_VERSION").to_string(),
        recorded: super::format::now_rfc3339(),
    }
}

/// A file for a recording started with the key: `forklab-DATE.trace.jsonl.gz`
/// beside `near` (the file given to `forklab record`), else in the data
/// folder's `traces/` (made if missing), else in the current folder.
/// Always absolute, so the notice says where to find it.
pub fn default_path(near: Option<&Path>) -> PathBuf {
    let date = super::format::now_rfc3339().replace(':', "-");
    let name = format!("forklab-{}.trace.jsonl.gz", date.trim_end_matches('Z'));
    let dir = match near.and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => crate::paths::data_dir()
            .map(|data| crate::paths::traces_dir(&data))
            .filter(|traces| std::fs::create_dir_all(traces).is_ok())
            .unwrap_or_default(),
    };
    let path = dir.join(name);
    std::path::absolute(&path).unwrap_or(path)
}
