//! The resources behind the state (threads, child processes, files) and
//! the effects `update` asks of them. Only the event loop touches them.

use std::sync::mpsc;
use std::time::Instant;

use super::action::{self, Action, Effect, RunPlan, course, live, practice, replay};
use super::event::{self, Event};
use super::session;
use super::state::{PythonProbe, State};
use crate::busy::Busy;
use crate::lab::{LabHandle, start as start_lab, start_sweep};
use crate::lesson::render::python_blocks;
use crate::monitor;
use crate::progress::Store;
use crate::python::{self as py, Interpreter, PyEvent, PyRun, RunRequest};
use crate::trace::Record;

/// The resources behind the state: threads and child processes. Only the
/// event loop touches them, when `update` asks through an [`Effect`].
pub(super) struct Runtime {
    /// The practice loop on the exercise worked on (dropping it stops it).
    pub(super) practice: Option<crate::practice::live::Live>,
    /// A file to open in the learner's editor once this round of events
    /// is applied (the loop owns the terminal).
    pub(super) editor: Option<std::path::PathBuf>,
    pub(super) tx: mpsc::Sender<Event>,
    pub(super) sampler: Option<monitor::thread::SamplerHandle>,
    pub(super) busy: Option<Busy>,
    /// Where progress is saved (`None`: nowhere to save it).
    pub(super) store: Option<Store>,
    /// `--python` or the config file's `python`, if given, and which.
    pub(super) python_flag: Option<(std::path::PathBuf, py::interpreter::Source)>,
    /// The running Python example; dropping it stops the run.
    pub(super) run: Option<PyRun>,
    /// The running lab (or its last run); dropping it stops the workers.
    pub(super) lab: Option<LabHandle>,
    /// The trace being recorded.
    pub(super) recorder: Option<session::Recorder>,
    /// `forklab record FILE`: where the first recording goes (later ones
    /// go beside it, named by date).
    pub(super) record_path: Option<std::path::PathBuf>,
    pub(super) record_near: Option<std::path::PathBuf>,
    /// The replay thread, when replaying.
    pub(super) replay: Option<crate::trace::replay::ReplayHandle>,
    /// The class server (teacher), held so it runs while the TUI does.
    pub(super) _class_server: Option<crate::class::Server>,
    /// Where finished lab runs go to reach the class (learner).
    pub(super) class_sender: Option<mpsc::Sender<crate::class::Report>>,
}

impl Runtime {
    pub(super) fn new(
        tx: mpsc::Sender<Event>,
        store: Option<Store>,
        python_flag: Option<(std::path::PathBuf, py::interpreter::Source)>,
    ) -> Runtime {
        Runtime {
            practice: None,
            editor: None,
            tx,
            sampler: None,
            busy: None,
            store,
            python_flag,
            run: None,
            lab: None,
            recorder: None,
            record_path: None,
            record_near: None,
            replay: None,
            _class_server: None,
            class_sender: None,
        }
    }

    /// Applies an action and carries out every effect it asks for, and
    /// those of the actions the effects answer with (none is dropped).
    pub(super) fn dispatch(&mut self, state: &mut State, action: Action, now: Instant) {
        let mut queue = std::collections::VecDeque::from([action]);
        while let Some(action) = queue.pop_front() {
            for effect in super::update(state, action, now) {
                queue.extend(self.carry_out(state, effect));
            }
        }
    }

    /// Records what the event brings, when recording; a write that fails
    /// ends the recording with a notice, and the session goes on.
    pub(super) fn tee(&mut self, event: &Event) -> Option<Action> {
        let recorder = self.recorder.as_mut()?;
        let error = recorder.tee(event).err()?;
        let path = recorder.path.display().to_string();
        self.recorder = None;
        Some(
            replay::Msg::RecordingEnded(format!(
                "Recording stopped: cannot write {path} ({error}). The session goes on."
            ))
            .into(),
        )
    }

    /// Does what an effect asks; an immediate outcome comes back as an action.
    fn carry_out(&mut self, state: &State, effect: Effect) -> Option<Action> {
        match effect {
            Effect::StartRecording => return Some(self.start_recording(state)),
            Effect::StopRecording => {
                let message = self.recorder.take().map(session::Recorder::close);
                return Some(
                    replay::Msg::RecordingEnded(message.unwrap_or_else(|| "Not recording".into()))
                        .into(),
                );
            }
            Effect::ReplayControl(control) => {
                if let Some(replay) = &self.replay {
                    replay.control(control);
                }
            }
            Effect::SetInterval(interval) => {
                if let Some(sampler) = &self.sampler {
                    sampler.set_interval(interval);
                }
            }
            Effect::ReadShares(rows) => {
                if let Some(sampler) = &self.sampler {
                    sampler.read_shares(rows);
                }
            }
            Effect::StartBusy(copies) => return Some(self.start_busy(copies)),
            Effect::RunExample(plan) => self.run_example(state, &plan),
            Effect::FindPython => self.find_python(),
            Effect::SaveProgress(progress) => {
                if let Some(store) = &self.store
                    && let Err(e) = store.save(&progress)
                {
                    return Some(Action::App(action::app::Msg::Notice(format!(
                        "Could not save progress to {}: {e}",
                        store.path().display()
                    ))));
                }
            }
            Effect::RunLab(config) => self.start_lab(config, None),
            Effect::SweepLab(config, counts) => self.start_lab(config, Some(counts)),
            Effect::StopLab => {
                if let Some(lab) = &self.lab {
                    lab.request_cancel();
                }
            }
            Effect::StopExample => {
                if let Some(run) = &self.run {
                    run.stop();
                }
            }
            Effect::MakeWorkspace(dir) => {
                let made = crate::practice::Workspace::at(&dir)
                    .init(&state.lessons)
                    .map(|_| dir);
                return Some(practice::Msg::WorkspaceMade(made).into());
            }
            Effect::WorkOn {
                lesson,
                exercise,
                path,
            } => self.work_on(state, lesson, exercise, path),
            Effect::StopJudging => {
                if let Some(live) = &self.practice {
                    live.stop_judging();
                }
            }
            Effect::ReadSolution { lesson, exercise } => {
                return Some(read_solution(state, lesson, exercise));
            }
            Effect::SendToClass(report) => {
                if let Some(sender) = &self.class_sender {
                    let _ = sender.send(report);
                }
            }
            Effect::LoadCourse(index, course) => return Some(self.load_course(index, &course)),
            Effect::StopBusy => {
                if let Some(busy) = self.busy.take() {
                    let tx = self.tx.clone();
                    busy.stop(move |pid, ending| {
                        let _ = tx.send(Event::ChildEnded { pid, ending });
                    });
                }
            }
        }
        None
    }

    /// One busy copy of forklab per core, or why they could not start.
    fn start_busy(&mut self, copies: usize) -> Action {
        let started = std::env::current_exe()
            .and_then(|exe| Busy::start(&exe, copies))
            .map_err(|e| e.to_string());
        let pids = started.as_ref().map(Busy::pids).map_err(Clone::clone);
        self.busy = started.ok();
        live::Msg::BusyStarted(pids).into()
    }

    /// Looks for Python on a thread of its own; the answer is an event.
    fn find_python(&self) {
        let flag = self.python_flag.clone();
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let found = Interpreter::find_choice(flag.as_ref()).map_err(|e| e.to_string());
            let _ = tx.send(Event::PythonFound(found));
        });
    }

    /// A lab run, or a sweep over these worker counts.
    fn start_lab(&mut self, config: crate::lab::LabConfig, sweep: Option<Vec<usize>>) {
        self.note(Record::LabBegan {
            sweep: sweep.is_some(),
        });
        let tx = self.tx.clone();
        let send = move |event| {
            let _ = tx.send(Event::Lab(Box::new(event)));
        };
        self.lab = Some(match sweep {
            Some(counts) => start_sweep(config, counts, send),
            None => start_lab(config, send),
        });
    }
}

impl Runtime {
    /// Records what the learner started, when recording (a failed write
    /// shows at the next event's).
    fn note(&mut self, record: Record) {
        if let Some(recorder) = &mut self.recorder {
            let _ = recorder.file.record(Instant::now(), record);
        }
    }

    /// Records where the learner is, when recording and it changed (a
    /// failed write shows at the next event's, as `note`'s).
    pub(super) fn note_place(&mut self, state: &State) {
        if let Some(recorder) = &mut self.recorder {
            let _ = recorder.place(state);
        }
    }

    /// Reads another course and its own progress file, which becomes the
    /// one progress is saved to; its code blocks are coloured anew.
    fn load_course(&mut self, index: usize, course: &crate::pack::Course) -> Action {
        let lessons = match course.load() {
            Ok(set) => set,
            Err(e) => return course::Msg::Loaded(Err((index, e))).into(),
        };
        let store = Store::for_set(&lessons);
        let loaded = store.as_ref().map(Store::load);
        let progress = loaded
            .as_ref()
            .map(|l| l.progress().clone())
            .unwrap_or_default();
        let notice = loaded.as_ref().and_then(|l| l.notice());
        // A damaged file left in place is never saved over.
        self.store = store.filter(|_| loaded.as_ref().is_none_or(|l| l.may_save()));
        let blocks = lessons
            .lessons
            .iter()
            .flat_map(|l| python_blocks(&l.body))
            .collect();
        event::spawn_highlighter(self.tx.clone(), blocks);
        course::Msg::Loaded(Ok(Box::new(action::LoadedCourse {
            index,
            lessons,
            progress,
            notice,
        })))
        .into()
    }
}

/// The example's working directory, run by the interpreter found.
fn request(state: &State, plan: &RunPlan) -> Result<RunRequest, String> {
    let PythonProbe::Found(Ok(interpreter)) = &state.python.probe else {
        return Err("Python was not found".into());
    };
    let example = &state.lessons.lessons[plan.lesson].meta.examples[plan.example];
    let mut request = RunRequest::for_example(&state.lessons, example, interpreter.clone())?;
    request.args = plan.args.clone();
    request.start_method = plan.method;
    Ok(request)
}

impl Runtime {
    /// Starts a recording: the file `forklab record` named, else a new
    /// one in the data folder; a run already going is replayed from here.
    fn start_recording(&mut self, state: &State) -> Action {
        let path = match self.record_path.take() {
            Some(path) => {
                self.record_near = Some(path.clone());
                path
            }
            None => crate::trace::record::default_path(self.record_near.as_deref()),
        };
        let started = session::start_recording(state, &path).map(|recorder| {
            self.recorder = Some(recorder);
            path.display().to_string()
        });
        // A run already going is replayed from here on.
        if let Some(run) = state.python.run.as_ref().filter(|r| r.running()) {
            self.note(Record::PyBegan {
                run: run.number,
                title: run.title.clone(),
                command: run.command.clone(),
            });
        }
        if state.lab.running {
            self.note(Record::LabBegan {
                sweep: state.lab.sweeping,
            });
        }
        self.note_place(state);
        replay::Msg::RecordingStarted(started).into()
    }

    /// Starts an example with the interpreter found.
    fn run_example(&mut self, state: &State, plan: &RunPlan) {
        let number = plan.number;
        let tx = self.tx.clone();
        let send = move |event| {
            let _ = tx.send(Event::Python(number, event));
        };
        if let Some(run) = &state.python.run {
            self.note(Record::PyBegan {
                run: number,
                title: run.title.clone(),
                command: run.command.clone(),
            });
        }
        match request(state, plan) {
            Ok(request) => self.run = Some(py::start(request, send)),
            Err(message) => send(PyEvent::Failed(message)),
        }
    }

    /// Watches the exercise's file (judging every save) and opens the
    /// learner's editor on it once this round of events is applied.
    fn work_on(&mut self, state: &State, lesson: usize, exercise: usize, path: std::path::PathBuf) {
        let watching = self.practice.as_ref().is_some_and(|l| l.path() == path);
        if !watching {
            if let Some(old) = self.practice.take() {
                // Stopped on its own thread: the loop never waits.
                std::thread::spawn(move || old.stop());
            }
            let interpreter = match &state.python.probe {
                PythonProbe::Found(Ok(interpreter)) => Some(interpreter.clone()),
                _ => None,
            };
            let tx = self.tx.clone();
            let setup = crate::practice::live::LiveSetup {
                set: state.lessons.clone(),
                exercise: state.lessons.lessons[lesson].meta.exercises[exercise].clone(),
                path: path.clone(),
                interpreter,
                python_choice: self.python_flag.clone(),
                launcher: None,
                cores: crate::os::usable_cores(),
            };
            self.practice = Some(crate::practice::live::Live::start(
                setup,
                false,
                move |event| {
                    let _ = tx.send(Event::Practice(event));
                },
            ));
        }
        self.editor = Some(path);
    }
}

/// The reference solution's text, or why it cannot be read.
fn read_solution(state: &State, lesson: usize, exercise: usize) -> Action {
    let exercise = &state.lessons.lessons[lesson].meta.exercises[exercise];
    let text = state
        .lessons
        .read_file(&exercise.solution)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .ok_or_else(|| {
            format!(
                "The solution {:?} is missing from the course",
                exercise.solution
            )
        });
    practice::Msg::SolutionRead(exercise.id.clone(), text).into()
}
