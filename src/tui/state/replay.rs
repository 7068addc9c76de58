//! Replaying a trace and recording one, as the header and the position
//! bar show them.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::lesson::render::{Doc, Role};
use crate::trace::replay::{NORMAL_SPEED, SPEEDS};

/// A replay in progress: the panes draw a recorded machine.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayStatus {
    /// The recorded machine's cores.
    pub cores: usize,
    /// When it was recorded, for the header (`2026-12-01 16:40 UTC`).
    pub recorded: String,
    pub length: Duration,
    /// The refresh it was recorded at, for the cores' title.
    pub interval: Option<Duration>,
    /// How far the replay has got.
    pub position: Duration,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    pub paused: bool,
    /// Everything recorded has been drawn.
    pub ended: bool,
    /// The moment the trace's time 0 stands for: a recorded time `t` is
    /// replayed as `base + t`, so lingering processes and elapsed times
    /// follow the trace's clock, whatever the speed.
    pub base: Instant,
}

impl ReplayStatus {
    pub fn new(trace: &crate::trace::Trace, base: Instant) -> ReplayStatus {
        ReplayStatus {
            cores: trace.header.machine.cores,
            recorded: crate::sanitize::field(
                &crate::trace::format::short_date(&trace.header.machine.recorded),
                24,
            )
            .into_owned(),
            length: trace.length(),
            interval: trace.sample_interval(),
            position: Duration::ZERO,
            speed: NORMAL_SPEED,
            paused: false,
            ended: false,
            base,
        }
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// "replay: 256 cores, recorded on 2026-12-01 16:40 UTC"
    pub fn title(&self) -> String {
        format!(
            "replay: {} cores, recorded on {}",
            self.cores, self.recorded
        )
    }
}

/// A trace being written.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub path: PathBuf,
}

/// Where the learner is, as a trace records it (`lesson` records): the
/// lesson, the heading above the top line and the lines below it, and
/// the lab's experiment when the lab is open.
impl super::State {
    pub fn lesson_place(&self) -> crate::trace::LessonPlace {
        let (section, line) = match section_at(&self.doc, self.scroll) {
            Some((at, title)) => (Some(title), self.scroll - at),
            None => (None, self.scroll),
        };
        let lab = self.mode == super::Mode::Lab;
        let experiment = self
            .lab
            .experiment
            .as_ref()
            .filter(|(lesson, _)| lab && *lesson == self.lesson().meta.id)
            .map(|(_, e)| e.id.clone());
        crate::trace::LessonPlace {
            id: self.lesson().meta.id.clone(),
            section,
            line: line as u64,
            lab,
            experiment,
        }
    }
}

/// The lesson's headings: the line each starts on and its text (a
/// heading wrapped over lines joined again; an H1's rule left out).
fn sections(doc: &Doc) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut previous_heading = false;
    for (index, line) in doc.lines().enumerate() {
        let heading = line.spans().next().is_some()
            && line
                .spans()
                .all(|s| matches!(s.tone.role, Role::Heading(_)))
            && !line.plain().chars().all(|c| c == '═');
        match found.last_mut() {
            Some((_, title)) if heading && previous_heading => {
                title.push(' ');
                title.push_str(line.plain().trim());
            }
            _ if heading => found.push((index, line.plain().trim().to_string())),
            _ => {}
        }
        previous_heading = heading;
    }
    found
}

/// The heading `line` is under: where it starts and its text.
fn section_at(doc: &Doc, line: usize) -> Option<(usize, String)> {
    sections(doc).into_iter().rev().find(|(at, _)| *at <= line)
}

/// The line a recorded place stands for in this rendering: `line`
/// lines below the heading named `section` (below the top when there is
/// none); the lesson's top when no heading has that name (the lesson
/// was changed since).
pub fn line_for(doc: &Doc, section: Option<&str>, line: u64) -> usize {
    let line = usize::try_from(line).unwrap_or(usize::MAX);
    let Some(wanted) = section else {
        return line;
    };
    sections(doc)
        .into_iter()
        .find(|(_, title)| title == wanted)
        .map_or(0, |(at, _)| at.saturating_add(line))
}
