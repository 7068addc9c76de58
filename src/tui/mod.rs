//! The terminal UI: one `State`, `Action`s, `update`, `view`, and an event
//! loop that blocks on a single channel.

mod action;
mod class;
mod editor;
mod event;
mod keymap;
mod lab;
mod layout;
mod quiz;
mod session;
mod state;
mod theme;
mod update;
mod view;

#[cfg(test)]
mod display_tests;
#[cfg(test)]
mod replay_tests;
#[cfg(test)]
mod tests;

use std::io::stdout;
use std::sync::mpsc;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::layout::Rect;

pub use action::{Action, Effect, RunPlan};
pub use class::ClassView;
pub use lab::Recorded;
pub use session::Session;
pub use state::State;
pub use update::update;
pub use view::view;

use std::time::Instant;

use crate::busy::Busy;
use crate::lab::{LabHandle, start as start_lab, start_sweep};
use crate::lesson::LessonSet;
use crate::lesson::render::python_blocks;
use crate::monitor::{self, live::LiveSampler};
use crate::progress::Store;
use crate::python::{self, Interpreter, PyEvent, PyRun, RunRequest};
use crate::trace::Record;
use event::Event;
use state::PythonProbe;

/// The shortest time between two frames drawn for background events.
const FRAME: std::time::Duration = std::time::Duration::from_millis(100);

/// How long the loop dozes between looks at the channel while it gathers
/// a burst: the longest a key waits, and what caps wake-ups at 50 a second
/// however many events the lab or a script sends.
const NAP: std::time::Duration = std::time::Duration::from_millis(20);

/// What the TUI opens with besides the course.
#[derive(Default)]
pub struct Options {
    /// The teacher's class view.
    pub class: Option<ClassSetup>,
    /// The learner joins this class and sends each finished lab run or sweep.
    pub join: Option<JoinSetup>,
    /// This machine, recording it, or a recorded one.
    pub session: Session,
    /// Lab results recorded elsewhere, for the lab's table (`--compare`).
    pub compare: Option<lab::Recorded>,
}

/// A class to show: its first picture, the server (kept running while
/// the TUI lives, when serving) and the server's news.
pub struct ClassSetup {
    pub view: ClassView,
    pub server: Option<crate::class::Server>,
    pub events: Option<mpsc::Receiver<crate::class::ClassEvent>>,
}

pub use crate::class::client::JoinSetup;

/// Runs the reader until the learner quits. The terminal is restored on
/// every way out: quit, error, signal or panic.
pub fn run(
    lessons: LessonSet,
    reset_progress: bool,
    settings: &crate::config::Settings,
    options: Options,
) -> std::io::Result<()> {
    let store = Store::for_set(&lessons);
    // What setting up has to say, handed to `update` once the loop runs.
    let mut notices = settings.problems.clone();
    // The interpreter search reads $FORKLAB_PYTHON itself; a flag's or
    // the file's choice is handed to it, with where it came from.
    let python_flag = settings.python_choice();
    if let Some(store) = &store
        && reset_progress
        && let Err(e) = store.reset()
    {
        notices.push(format!("Could not reset progress: {e}"));
    }
    let loaded = store.as_ref().map(Store::load);
    let progress = loaded
        .as_ref()
        .map(|l| l.progress().clone())
        .unwrap_or_default();
    if notices.is_empty() {
        notices.extend(loaded.as_ref().and_then(|l| l.notice()));
    }
    if store.is_none() {
        notices
            .push("No data directory found: progress will not be saved (set FORKLAB_HOME)".into());
    }

    // Installs a panic hook that restores the terminal before the message.
    let mut terminal = ratatui::try_init()?;
    let _ = execute!(stdout(), EnableMouseCapture);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        hook(info);
    }));
    let result = (|| -> std::io::Result<Option<String>> {
        let size = terminal.size()?;
        let screen = Rect::new(0, 0, size.width, size.height);
        let mut state = match &options.session {
            Session::Replay(trace) => {
                State::with_cores(lessons, progress, screen, trace.header.machine.cores)
            }
            _ => State::new(lessons, progress, screen),
        };
        state.apply(settings);
        let (tx, rx) = mpsc::channel();
        let gate = event::spawn_input(tx.clone());
        state.practice.workspace =
            crate::practice::Workspace::locate(state.progress.practice_dir.as_deref())
                .map(|w| std::path::absolute(&w.dir).unwrap_or(w.dir));
        state.practice.default_workspace =
            std::path::absolute(crate::practice::workspace::DEFAULT_DIR)
                .unwrap_or_else(|_| crate::practice::workspace::DEFAULT_DIR.into());
        event::spawn_signals(tx.clone())?;
        let blocks = state
            .lessons
            .lessons
            .iter()
            .flat_map(|l| python_blocks(&l.body))
            .collect();
        event::spawn_highlighter(tx.clone(), blocks);
        let mut runtime = Runtime {
            practice: None,
            editor: None,
            tx: tx.clone(),
            sampler: None,
            busy: None,
            store,
            python_flag: python_flag.clone(),
            run: None,
            lab: None,
            recorder: None,
            record_path: None,
            record_near: None,
            replay: None,
            _class_server: None,
            class_sender: None,
        };
        let mut opening = Vec::new();
        let (courses, course) = crate::pack::courses(&state.lessons.origin);
        opening.push(Action::CoursesFound(courses, course));
        if let Some(recorded) = options.compare {
            opening.push(Action::LabCompare(Box::new(recorded)));
        }
        if let Some(setup) = options.class {
            if let Some(events) = setup.events {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for event in events {
                        if tx.send(Event::Class(event)).is_err() {
                            break;
                        }
                    }
                });
            }
            runtime._class_server = setup.server;
            opening.push(Action::ClassOpened(Box::new(setup.view)));
        }
        if let Some(join) = options.join {
            let tx = tx.clone();
            let cores = state.cores;
            let flag = python_flag.clone();
            // The Python the lab would use, so the class sees its version.
            let machine = move || {
                let python = Interpreter::find_choice(flag.as_ref())
                    .ok()
                    .map(|i| i.version);
                crate::class::client::this_machine(cores, python)
            };
            opening.push(Action::ClassLinked(class::ClassLink {
                address: join.address.clone(),
                status: class::LinkStatus::Joining,
                sent: 0,
            }));
            runtime.class_sender = Some(crate::class::client::spawn_sender(
                join.address,
                join.code,
                join.nickname,
                machine,
                move |status| tx.send(Event::ClassLink(status)).is_ok(),
            ));
        }
        match options.session {
            Session::Replay(trace) => {
                let base = Instant::now();
                state.replay = Some(state::ReplayStatus::new(&trace, base));
                if let Some(warning) = &trace.warning {
                    notices.push(format!("This trace was cut short ({warning})"));
                }
                let tx = tx.clone();
                runtime.replay = Some(crate::trace::replay::spawn(
                    std::sync::Arc::new(trace.entries),
                    move |delivery| tx.send(Event::Replay(delivery)).is_ok(),
                ));
            }
            session @ (Session::Live | Session::Record(_)) => {
                if let Session::Record(path) = session {
                    runtime.record_path = Some(path);
                }
                match LiveSampler::new(std::process::id()) {
                    Ok(sampler) => {
                        let tx = tx.clone();
                        runtime.sampler = Some(monitor::thread::spawn(
                            Box::new(sampler),
                            state.interval(),
                            move |sample| tx.send(Event::Sampled(sample, Instant::now())).is_ok(),
                        ));
                    }
                    Err(e) => notices.push(format!("No live core readings: {e}")),
                }
            }
        }
        drop(tx);
        runtime.dispatch(&mut state, Action::Started(notices));
        if runtime.record_path.is_some() {
            runtime.dispatch(&mut state, Action::ToggleRecording);
        }
        for action in opening {
            runtime.dispatch(&mut state, action);
        }
        terminal.draw(|frame| view(&state, frame))?;
        let mut last_draw = Instant::now();
        while let Ok(first) = rx.recv() {
            // Apply everything already queued. A burst of background events
            // (lab tasks, script output) is gathered in naps and drawn at
            // most every FRAME, so forklab neither wakes for each event nor
            // steals the cores its workers are measured on; keys are drawn
            // at once.
            let mut user = matches!(first, Event::Terminal(_));
            let mut next = Some(first);
            while let Some(event) = next {
                user |= matches!(event, Event::Terminal(_));
                panic_if_asked(&event);
                if let Event::Terminal(pressed) = &event
                    && state.presenter.show_keys
                    && let Some(name) = keymap::pressed_name(pressed)
                {
                    runtime.dispatch(&mut state, Action::KeyShown(name));
                }
                if let Some(action) = runtime.tee(&event) {
                    runtime.dispatch(&mut state, action);
                }
                for action in actions_for(&state, event) {
                    runtime.dispatch(&mut state, action);
                }
                next = rx.try_recv().ok();
                while next.is_none()
                    && !user
                    && !state.quit
                    && let Some(wait) = FRAME.checked_sub(last_draw.elapsed())
                {
                    std::thread::sleep(wait.min(NAP));
                    next = rx.try_recv().ok();
                }
            }
            if state.quit {
                break;
            }
            if let Some(path) = runtime.editor.take() {
                let result = hand_over(&mut terminal, &gate, &path);
                runtime.dispatch(&mut state, Action::EditorDone(result));
            }
            terminal.draw(|frame| view(&state, frame))?;
            last_draw = Instant::now();
        }
        Ok(runtime.recorder.take().map(session::Recorder::close))
    })();
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    // Where the trace went, once the terminal is the shell's again.
    if let Ok(Some(saved)) = &result {
        eprintln!("{saved}");
    }
    result.map(drop)
}

/// The resources behind the state: threads and child processes. Only the
/// event loop touches them, when `update` asks through an [`Effect`].
struct Runtime {
    /// The practice loop on the exercise worked on (dropping it stops it).
    practice: Option<crate::practice::live::Live>,
    /// A file to open in the learner's editor once this round of events
    /// is applied (the loop owns the terminal).
    editor: Option<std::path::PathBuf>,
    tx: mpsc::Sender<Event>,
    sampler: Option<monitor::thread::SamplerHandle>,
    busy: Option<Busy>,
    /// Where progress is saved (`None`: nowhere to save it).
    store: Option<Store>,
    /// `--python` or the config file's `python`, if given, and which.
    python_flag: Option<(std::path::PathBuf, python::interpreter::Source)>,
    /// The running Python example; dropping it stops the run.
    run: Option<PyRun>,
    /// The running lab (or its last run); dropping it stops the workers.
    lab: Option<LabHandle>,
    /// The trace being recorded.
    recorder: Option<session::Recorder>,
    /// `forklab record FILE`: where the first recording goes (later ones
    /// go beside it, named by date).
    record_path: Option<std::path::PathBuf>,
    record_near: Option<std::path::PathBuf>,
    /// The replay thread, when replaying.
    replay: Option<crate::trace::replay::ReplayHandle>,
    /// The class server (teacher), held so it runs while the TUI does.
    _class_server: Option<crate::class::Server>,
    /// Where finished lab runs go to reach the class (learner).
    class_sender: Option<mpsc::Sender<crate::class::Report>>,
}

impl Runtime {
    /// Applies an action and carries out every effect it asks for, and
    /// those of the actions the effects answer with (none is dropped).
    fn dispatch(&mut self, state: &mut State, action: Action) {
        let mut queue = std::collections::VecDeque::from([action]);
        while let Some(action) = queue.pop_front() {
            for effect in update(state, action) {
                queue.extend(self.carry_out(state, effect));
            }
        }
    }

    /// Records what the event brings, when recording; a write that fails
    /// ends the recording with a notice, and the session goes on.
    fn tee(&mut self, event: &Event) -> Option<Action> {
        let recorder = self.recorder.as_mut()?;
        let error = recorder.tee(event).err()?;
        let path = recorder.path.display().to_string();
        self.recorder = None;
        Some(Action::RecordingEnded(format!(
            "Recording stopped: cannot write {path} ({error}). The session goes on."
        )))
    }

    /// Does what an effect asks; an immediate outcome comes back as an action.
    fn carry_out(&mut self, state: &State, effect: Effect) -> Option<Action> {
        match effect {
            Effect::StartRecording => {
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
                return Some(Action::RecordingStarted(started));
            }
            Effect::StopRecording => {
                let message = self.recorder.take().map(session::Recorder::close);
                return Some(Action::RecordingEnded(
                    message.unwrap_or_else(|| "Not recording".into()),
                ));
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
            Effect::StartBusy(copies) => {
                let started = std::env::current_exe()
                    .and_then(|exe| Busy::start(&exe, copies))
                    .map_err(|e| e.to_string());
                let pids = started.as_ref().map(Busy::pids).map_err(Clone::clone);
                self.busy = started.ok();
                return Some(Action::BusyStarted(pids));
            }
            Effect::RunExample(plan) => {
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
                match request(state, &plan) {
                    Ok(request) => self.run = Some(python::start(request, send)),
                    Err(message) => send(PyEvent::Failed(message)),
                }
            }
            Effect::FindPython => {
                let flag = self.python_flag.clone();
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let found = Interpreter::find_choice(flag.as_ref()).map_err(|e| e.to_string());
                    let _ = tx.send(Event::PythonFound(found));
                });
            }
            Effect::SaveProgress(progress) => {
                if let Some(store) = &self.store
                    && let Err(e) = store.save(&progress)
                {
                    return Some(Action::Notice(format!(
                        "Could not save progress to {}: {e}",
                        store.path().display()
                    )));
                }
            }
            Effect::RunLab(config) => {
                self.note(Record::LabBegan { sweep: false });
                let tx = self.tx.clone();
                self.lab = Some(start_lab(config, move |event| {
                    let _ = tx.send(Event::Lab(Box::new(event)));
                }));
            }
            Effect::SweepLab(config, counts) => {
                self.note(Record::LabBegan { sweep: true });
                let tx = self.tx.clone();
                self.lab = Some(start_sweep(config, counts, move |event| {
                    let _ = tx.send(Event::Lab(Box::new(event)));
                }));
            }
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
                return Some(Action::WorkspaceMade(made));
            }
            Effect::WorkOn {
                lesson,
                exercise,
                path,
            } => {
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
            Effect::StopJudging => {
                if let Some(live) = &self.practice {
                    live.stop_judging();
                }
            }
            Effect::ReadSolution { lesson, exercise } => {
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
                return Some(Action::SolutionRead(exercise.id.clone(), text));
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
}

impl Runtime {
    /// Records what the learner started, when recording (a failed write
    /// shows at the next event's).
    fn note(&mut self, record: Record) {
        if let Some(recorder) = &mut self.recorder {
            let _ = recorder.file.record(Instant::now(), record);
        }
    }

    /// Reads another course and its own progress file, which becomes the
    /// one progress is saved to; its code blocks are coloured anew.
    fn load_course(&mut self, index: usize, course: &crate::pack::Course) -> Action {
        let lessons = match course.load() {
            Ok(set) => set,
            Err(e) => return Action::CourseLoaded(Err(e)),
        };
        let store = Store::for_set(&lessons);
        let loaded = store.as_ref().map(Store::load);
        let progress = loaded
            .as_ref()
            .map(|l| l.progress().clone())
            .unwrap_or_default();
        let notice = loaded.as_ref().and_then(|l| l.notice());
        self.store = store;
        let blocks = lessons
            .lessons
            .iter()
            .flat_map(|l| python_blocks(&l.body))
            .collect();
        event::spawn_highlighter(self.tx.clone(), blocks);
        Action::CourseLoaded(Ok(Box::new(action::LoadedCourse {
            index,
            lessons,
            progress,
            notice,
        })))
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

/// The actions an event asks for (keys through the keymap).
fn actions_for(state: &State, event: Event) -> Vec<Action> {
    match event {
        Event::Replay(delivery) => {
            let base = state.replay.as_ref().map_or_else(Instant::now, |r| r.base);
            session::replay_actions(base, delivery)
        }
        other => action_for(state, other).into_iter().collect(),
    }
}

/// The action an event asks for (keys through the keymap).
fn action_for(state: &State, event: Event) -> Option<Action> {
    Some(match event {
        Event::Replay(_) => return None,
        Event::Terminal(event) => return keymap::action_for(state, &event),
        Event::InputClosed | Event::Signal => Action::Shutdown,
        Event::Sampled(sample, at) => Action::Sampled(Box::new(sample), at),
        Event::ChildEnded { pid, ending } => Action::ChildEnded { pid, ending },
        Event::Python(number, event) => Action::Python(number, event),
        Event::PythonFound(found) => Action::PythonFound(found),
        Event::Lab(event) => Action::Lab(event),
        Event::Highlighted(highlights) => Action::Highlighted(std::sync::Arc::new(highlights)),
        Event::Practice(event) => Action::Practice(event),
        Event::Class(event) => Action::Class(event),
        Event::ClassLink(status) => Action::ClassLink(status),
    })
}

/// Test-only fault: with `FORKLAB_TEST_PANIC_KEY` set, F12 panics inside
/// the event loop, so tests/e2e_faults.rs can check that the terminal is
/// restored and every child stopped. Without it, F12 is an ordinary key.
fn panic_if_asked(event: &Event) {
    static ARMED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ARMED.get_or_init(|| std::env::var_os("FORKLAB_TEST_PANIC_KEY").is_some())
        && let Event::Terminal(crossterm::event::Event::Key(key)) = event
        && key.code == crossterm::event::KeyCode::F(12)
    {
        panic!("test panic: F12 pressed with FORKLAB_TEST_PANIC_KEY set");
    }
}

/// Gives the terminal to the learner's editor and takes it back: keys stop
/// being read, the screen and modes are restored for the editor, then set
/// up again and redrawn whatever the editor did.
fn hand_over(
    terminal: &mut ratatui::DefaultTerminal,
    gate: &event::InputGate,
    path: &std::path::Path,
) -> Result<(), String> {
    use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
    if !gate.close(std::time::Duration::from_secs(1)) {
        return Err("Could not pause forklab's keyboard reader: not opening the editor".into());
    }
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen);
    let _ = crossterm::terminal::disable_raw_mode();
    let result = editor::edit(path);
    let _ = crossterm::terminal::enable_raw_mode();
    let _ = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture);
    let _ = terminal.clear();
    gate.open();
    result
}
