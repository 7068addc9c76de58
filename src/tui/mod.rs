//! The terminal UI: one `State`, `Action`s, `update`, `view`, and an event
//! loop that blocks on a single channel.

mod action;
mod class;
mod event;
mod keymap;
mod lab;
mod layout;
mod quiz;
mod state;
mod theme;
mod update;
mod view;

#[cfg(test)]
mod tests;

use std::io::stdout;
use std::sync::mpsc;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::layout::Rect;

pub use action::{Action, Effect, RunPlan};
pub use class::ClassView;
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
) -> color_eyre::Result<()> {
    color_eyre::install()?;
    let store = Store::locate();
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

    let mut terminal = ratatui::init();
    let _ = execute!(stdout(), EnableMouseCapture);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        hook(info);
    }));
    let result = (|| -> color_eyre::Result<()> {
        let size = terminal.size()?;
        let mut state = State::new(lessons, progress, Rect::new(0, 0, size.width, size.height));
        state.apply(settings);
        let (tx, rx) = mpsc::channel();
        event::spawn_input(tx.clone());
        event::spawn_signals(tx.clone())?;
        let blocks = state
            .lessons
            .lessons
            .iter()
            .flat_map(|l| python_blocks(&l.body))
            .collect();
        event::spawn_highlighter(tx.clone(), blocks);
        let mut runtime = Runtime {
            tx: tx.clone(),
            sampler: None,
            busy: None,
            store,
            python_flag: python_flag.clone(),
            run: None,
            lab: None,
            _class_server: None,
            class_sender: None,
        };
        let mut opening = Vec::new();
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
            let machine = crate::class::client::this_machine(state.cores, None);
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
        drop(tx);
        runtime.dispatch(&mut state, Action::Started(notices));
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
                if let Some(action) = action_for(&state, event) {
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
            terminal.draw(|frame| view(&state, frame))?;
            last_draw = Instant::now();
        }
        Ok(())
    })();
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

/// The resources behind the state: threads and child processes. Only the
/// event loop touches them, when `update` asks through an [`Effect`].
struct Runtime {
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

    /// Does what an effect asks; an immediate outcome comes back as an action.
    fn carry_out(&mut self, state: &State, effect: Effect) -> Option<Action> {
        match effect {
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
                match request(state, &plan) {
                    Ok(request) => self.run = Some(python::start(request, send)),
                    Err(message) => send(PyEvent::Failed(message)),
                }
            }
            Effect::FindPython => {
                let flag = self.python_flag.clone();
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let found =
                        Interpreter::find_chosen(flag.as_ref().map(|(p, s)| (p.as_path(), *s)))
                            .map_err(|e| e.to_string());
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
                let tx = self.tx.clone();
                self.lab = Some(start_lab(config, move |event| {
                    let _ = tx.send(Event::Lab(Box::new(event)));
                }));
            }
            Effect::SweepLab(config, counts) => {
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
            Effect::SendToClass(report) => {
                if let Some(sender) = &self.class_sender {
                    let _ = sender.send(report);
                }
            }
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

/// The action an event asks for (keys through the keymap).
fn action_for(state: &State, event: Event) -> Option<Action> {
    Some(match event {
        Event::Terminal(event) => return keymap::action_for(state, &event),
        Event::InputClosed | Event::Signal => Action::Shutdown,
        Event::Sampled(sample, at) => Action::Sampled(Box::new(sample), at),
        Event::ChildEnded { pid, ending } => Action::ChildEnded { pid, ending },
        Event::Python(number, event) => Action::Python(number, event),
        Event::PythonFound(found) => Action::PythonFound(found),
        Event::Lab(event) => Action::Lab(event),
        Event::Highlighted(highlights) => Action::Highlighted(std::sync::Arc::new(highlights)),
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
