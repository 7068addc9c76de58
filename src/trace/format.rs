//! The trace file format, version 1 (docs/TRACE.md describes it for other
//! tools). JSON lines, gzip-compressed: a header line, then one record per
//! line, each with `t`, milliseconds since the recording started, and `k`,
//! its kind. Field names are part of the format: a test reads a fixed
//! trace, so a rename breaks it rather than old traces.

use serde::{Deserialize, Serialize};

use crate::lab::LabEvent;
use crate::os::process::Exit;
use crate::python::PyEvent;

/// The format version this forklab writes and the newest it reads.
pub const VERSION: u32 = 1;

/// The first line of a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The format version; its presence marks the file as a forklab trace.
    pub forklab_trace: u32,
    pub machine: Machine,
}

/// The machine a trace was recorded on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical cores (the length of every sample's `cores`).
    pub cores: usize,
    /// The CPU's model name, where the OS tells it.
    pub model: Option<String>,
    /// The operating system, e.g. "Linux 6.8 (Debian 13)".
    pub os: Option<String>,
    /// The Python version, when it was known at the start (a later
    /// `python` record gives it otherwise).
    pub python: Option<String>,
    /// The forklab version that recorded it.
    pub forklab: String,
    /// When the recording started, UTC, RFC 3339 (`2026-12-01T16:40:00Z`).
    pub recorded: String,
}

/// One line after the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Milliseconds since the recording started.
    pub t: u64,
    #[serde(flatten)]
    pub record: Record,
}

/// What happened, as the TUI's panes consumed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Record {
    /// A reading of the cores and the process family.
    Sample(SampleRecord),
    /// A process of the family, given once before the first sample that
    /// lists it (and again if its name or command line changes).
    Process(ProcessRecord),
    /// A child forklab started ended (busy copies).
    Ended { pid: u32, exit: Exit },
    /// A lab run (`sweep: false`) or sweep was asked for.
    LabBegan { sweep: bool },
    /// An event of the lab's worker pool.
    Lab { event: LabEvent },
    /// A Python example started as run number `run`.
    PyBegan {
        run: u64,
        title: String,
        command: String,
    },
    /// An event of Python run `run`: start, output, end.
    Py { run: u64, event: PyEvent },
    /// Python was found (its version), after the header was written.
    Python { version: String },
    /// The lesson on screen and the place in it, written when recording
    /// starts and whenever the learner moves (a replay follows it).
    Lesson(LessonPlace),
}

/// Which lesson was on screen, and where: what a replay shows beside
/// the recorded panes. Width-independent: the section is the heading's
/// text, and `line` counts lines below it at the recorded width (a
/// replay at another width lands near, not on, the same line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonPlace {
    /// The lesson's id in its course (`squares`, `2-5-chunks`).
    pub id: String,
    /// The heading the top line of the screen is under (`None`: above
    /// the first heading).
    pub section: Option<String>,
    /// Lines from that heading (or the lesson's top) to the top line.
    pub line: u64,
    /// The lab was open over the lesson.
    pub lab: bool,
    /// The lesson's experiment the lab was open on (`None`: the lab's
    /// own settings, or the lab closed).
    pub experiment: Option<String>,
}

impl LessonPlace {
    /// The same place with every string within its limit (the recorder
    /// writes no more; the reader keeps no more).
    pub fn clipped(mut self) -> LessonPlace {
        let cut = |s: &mut String, max| s.truncate(clip(s, max).len());
        cut(&mut self.id, MAX_LESSON_ID);
        if let Some(section) = &mut self.section {
            cut(section, MAX_SECTION);
        }
        if let Some(experiment) = &mut self.experiment {
            cut(experiment, MAX_LESSON_ID);
        }
        self
    }

    /// Its strings' bytes (what the reader keeps of it).
    pub fn text_bytes(&self) -> usize {
        self.id.len()
            + self.section.as_ref().map_or(0, String::len)
            + self.experiment.as_ref().map_or(0, String::len)
    }
}

/// The longest lesson or experiment id a trace keeps, in bytes (a
/// course's ids are a few words; a longer one cannot be in any course
/// and reads as unknown).
pub const MAX_LESSON_ID: usize = 256;

/// The longest section heading a trace keeps, in bytes.
pub const MAX_SECTION: usize = 1024;

/// A sample, compactly: process rows are arrays, their names and command
/// lines are in `process` records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRecord {
    /// Usage of each core, percent.
    pub cores: Vec<f32>,
    /// Usage of the whole machine, percent.
    pub total: f32,
    /// Memory used and total, bytes.
    pub mem: [u64; 2],
    /// 1, 5 and 15 minute load averages.
    pub load: Option<[f64; 3]>,
    /// The family, parents before children.
    pub procs: Vec<ProcRow>,
}

/// `[pid, ppid, state, cpu %, resident bytes, core or null]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcRow(
    pub u32,
    pub u32,
    pub char,
    pub f32,
    pub u64,
    pub Option<usize>,
);

/// A process's names, and its role for readers of the file (forklab
/// tells roles from command lines again when it replays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessRecord {
    pub pid: u32,
    pub name: String,
    pub command: String,
    pub role: String,
}

/// The longest command line a trace keeps, in bytes: the process pane
/// shows one line of it. The recorder writes no more and the reader keeps
/// no more (a longer one is cut at a character boundary).
pub const MAX_COMMAND: usize = 4096;

/// The longest process name a trace keeps, in bytes, as [`MAX_COMMAND`]
/// (the kernel's names are 15).
pub const MAX_NAME: usize = 1024;

/// `text` cut to `max` bytes, at a character boundary.
pub fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The date and time now, UTC, RFC 3339, to the second.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (days to a civil date
/// after Howard Hinnant's algorithm).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `2026-12-01 16:40 UTC` from an RFC 3339 date, for the header line.
pub fn short_date(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) if rfc3339.ends_with('Z') => format!("{day} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_143_200), "2026-12-01T16:40:00Z");
        assert_eq!(short_date("2026-12-01T16:40:00Z"), "2026-12-01 16:40 UTC");
        assert_eq!(short_date("yesterday"), "yesterday");
    }

    /// The format is a promise to other tools: these lines, as written in
    /// docs/TRACE.md, must keep reading the same.
    #[test]
    fn the_documented_lines_read() {
        let header: Header = serde_json::from_str(
            r#"{"forklab_trace":1,"machine":{"cores":2,"model":"AMD EPYC","os":"Linux","python":"3.11.7","forklab":"0.1.0","recorded":"2026-12-01T16:40:00Z"}}"#,
        )
        .unwrap();
        assert_eq!(header.machine.cores, 2);
        let lines = [
            r#"{"t":0,"k":"process","pid":1000,"name":"forklab","command":"forklab","role":"master"}"#,
            r#"{"t":250,"k":"sample","cores":[100.0,3.5],"total":51.75,"mem":[3221225472,17179869184],"load":[1.25,0.75,0.5],"procs":[[1000,1,"S",0.5,5242880,0]]}"#,
            r#"{"t":300,"k":"lab_began","sweep":true}"#,
            r#"{"t":301,"k":"lab","event":{"task_started":{"worker":0,"pid":1001,"task":3,"at":{"secs":0,"nanos":5000000}}}}"#,
            r#"{"t":302,"k":"lab","event":{"worker_exited":{"worker":0,"pid":1001,"exit":{"code":0},"at":{"secs":1,"nanos":0}}}}"#,
            r#"{"t":400,"k":"py_began","run":1,"title":"Squares","command":"squares.py 4"}"#,
            r#"{"t":410,"k":"py","run":1,"event":{"output":{"stream":"stdout","offset":{"secs":0,"nanos":9000000},"text":"hello","line_end":true}}}"#,
            r#"{"t":420,"k":"ended","pid":1002,"exit":{"signal":9}}"#,
            r#"{"t":430,"k":"python","version":"3.12.1"}"#,
            r#"{"t":440,"k":"lesson","id":"squares","section":"Chunks","line":3,"lab":true,"experiment":"chunk-sweep"}"#,
            r#"{"t":450,"k":"lesson","id":"intro","section":null,"line":0,"lab":false,"experiment":null}"#,
        ];
        for line in lines {
            let parsed: Line = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let again = serde_json::to_string(&parsed).unwrap();
            assert_eq!(serde_json::from_str::<Line>(&again).unwrap(), parsed);
        }
    }
}
