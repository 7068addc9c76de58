//! What the TUI watches: this machine (live, perhaps recording a trace)
//! or a recorded one (a replay). The event loop and the panes are the
//! same for both; only the sources of events differ.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::action::{Action, lab, live, python, replay};
use super::event::Event;
use super::state::{PythonProbe, State};
use crate::python::PyEvent;
use crate::sanitize;
use crate::trace::replay::Delivery;
use crate::trace::{Entry, FileRecorder, Record, Trace};

/// How the TUI is started.
#[derive(Debug, Default)]
pub enum Session {
    /// This machine.
    #[default]
    Live,
    /// This machine, recording a trace to the file from the start
    /// (`forklab record FILE`).
    Record(PathBuf),
    /// A recorded machine (`forklab replay FILE`).
    Replay(Replay),
}

/// A trace to replay, and how.
#[derive(Debug)]
pub struct Replay {
    pub trace: Trace,
    /// Index into `trace::replay::SPEEDS` to start at (`--speed`).
    pub speed: usize,
}

impl Replay {
    /// At normal speed.
    pub fn new(trace: Trace) -> Replay {
        Replay {
            trace,
            speed: crate::trace::replay::NORMAL_SPEED,
        }
    }

    /// At the speed asked for (`--speed 2`), one of those offered.
    pub fn at_speed(trace: Trace, speed: f64) -> Result<Replay, String> {
        let speeds = crate::trace::replay::SPEEDS;
        let index = speeds.iter().position(|s| *s == speed).ok_or_else(|| {
            let offered: Vec<String> = speeds.iter().map(f64::to_string).collect();
            format!(
                "replay speed {speed} is not offered: choose {}",
                offered.join(", ")
            )
        })?;
        Ok(Replay {
            trace,
            speed: index,
        })
    }
}

/// A trace being written, and where.
pub struct Recorder {
    pub file: FileRecorder,
    pub path: PathBuf,
}

/// Starts a recording at `path`, described as this machine.
pub fn start_recording(state: &State, path: &Path) -> Result<Recorder, String> {
    let python = match &state.python.probe {
        PythonProbe::Found(Ok(interpreter)) => Some(interpreter.version.clone()),
        _ => None,
    };
    let cores = state
        .live
        .as_ref()
        .map_or(state.cores, |l| l.sample.cores.len());
    let machine = crate::trace::record::this_machine(cores, python);
    FileRecorder::create(path, machine, Instant::now())
        .map(|file| Recorder {
            file,
            path: path.to_path_buf(),
        })
        .map_err(|e| format!("{}: {e}", path.display()))
}

impl Recorder {
    /// Writes what the event brings to the panes; an error ends the
    /// recording (the caller drops it and says why).
    pub fn tee(&mut self, event: &Event) -> std::io::Result<()> {
        let now = Instant::now();
        let record = match event {
            Event::Sampled(sample, at) => return self.file.sample(*at, sample),
            Event::Lab(event) => Record::Lab {
                event: (**event).clone(),
            },
            Event::Python(run, event) => Record::Py {
                run: *run,
                event: event.clone(),
            },
            Event::ChildEnded { pid, ending } => Record::Ended {
                pid: *pid,
                exit: *ending,
            },
            Event::PythonFound(Ok(interpreter)) => Record::Python {
                version: interpreter.version.clone(),
            },
            _ => return Ok(()),
        };
        self.file.record(now, record)
    }

    /// Writes where the learner is, when it changed since the last
    /// place written.
    pub fn place(&mut self, state: &State) -> std::io::Result<()> {
        self.file.place(Instant::now(), &state.lesson_place())
    }

    /// Ends the file; says where it is, or what went wrong.
    pub fn close(self) -> String {
        let lines = self.file.lines;
        let path = self.path.display().to_string();
        match self.file.close() {
            Ok(()) => {
                let size = std::fs::metadata(&self.path).map_or(0, |m| m.len());
                format!(
                    "Trace saved to {path} ({lines} lines, {:.1} KiB): forklab replay {path}",
                    size as f64 / 1024.0
                )
            }
            Err(e) => format!("The trace {path} could not be finished: {e}"),
        }
    }
}

/// A trace's Python event, its words sanitized: a trace is outside text,
/// and its output need not have passed a decoder (a live run's did).
fn shown(event: PyEvent) -> PyEvent {
    let line = |s: &str| sanitize::line(s).into_owned();
    match event {
        PyEvent::Output(mut output) => {
            output.text = line(&output.text);
            PyEvent::Output(output)
        }
        PyEvent::Started(mut started) => {
            started.command = line(&started.command);
            started.python_version = line(&started.python_version);
            started.python = PathBuf::from(line(&started.python.to_string_lossy()));
            started.workdir = PathBuf::from(line(&started.workdir.to_string_lossy()));
            PyEvent::Started(started)
        }
        PyEvent::Failed(why) => PyEvent::Failed(sanitize::text(&why).into_owned()),
        PyEvent::Skipped { missing } => PyEvent::Skipped {
            missing: missing.iter().map(|m| line(m)).collect(),
        },
        other => other,
    }
}

/// The actions a replay's delivery stands for, in order: the same ones
/// the live sources cause, with the trace's times.
pub fn replay_actions(base: Instant, delivery: Delivery) -> Vec<Action> {
    let mut actions = Vec::with_capacity(delivery.entries.len() + 2);
    if delivery.reset {
        actions.push(replay::Msg::Reset.into());
    }
    for timed in delivery.entries {
        let at = base + timed.t;
        actions.push(match timed.entry {
            Entry::Sample(sample) => live::Msg::Sampled(Box::new(sample), at).into(),
            Entry::Ended { pid, exit } => live::Msg::ChildEnded { pid, ending: exit }.into(),
            Entry::LabBegan { sweep } => replay::Msg::LabBegan { sweep }.into(),
            Entry::Lab(event) => lab::Msg::Event(Box::new(event)).into(),
            Entry::PyBegan {
                run,
                title,
                command,
            } => replay::Msg::Example {
                number: run,
                title: sanitize::line(&title).into_owned(),
                command: sanitize::line(&command).into_owned(),
                at,
            }
            .into(),
            Entry::Py(run, event) => python::Msg::Event(run, shown(event)).into(),
            Entry::Python(_) => continue,
            Entry::Lesson(place) => replay::Msg::Lesson(Box::new(place)).into(),
        });
    }
    actions.push(
        replay::Msg::At {
            position: delivery.position,
            ended: delivery.ended,
        }
        .into(),
    );
    actions
}
