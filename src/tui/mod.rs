//! The terminal UI: one `State`, `Action`s, `update`, `view`, and an event
//! loop that blocks on a single channel.

mod action;
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

pub use action::{Action, Effect};
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

/// The shortest time between two frames drawn for background events.
const FRAME: std::time::Duration = std::time::Duration::from_millis(100);

/// How long the loop dozes between looks at the channel while it gathers
/// a burst: the longest a key waits, and what caps wake-ups at 50 a second
/// however many events the lab or a script sends.
const NAP: std::time::Duration = std::time::Duration::from_millis(20);

/// Runs the reader until the learner quits. The terminal is restored on
/// every way out: quit, error, signal or panic.
pub fn run(
    lessons: LessonSet,
    reset_progress: bool,
    python_flag: Option<std::path::PathBuf>,
) -> color_eyre::Result<()> {
    color_eyre::install()?;
    let store = Store::for_set(&lessons);
    let mut notice = None;
    if let Some(store) = &store
        && reset_progress
        && let Err(e) = store.reset()
    {
        notice = Some(format!("Could not reset progress: {e}"));
    }
    let loaded = store.as_ref().map(Store::load);
    let progress = loaded
        .as_ref()
        .map(|l| l.progress().clone())
        .unwrap_or_default();
    notice = notice.or_else(|| loaded.as_ref().and_then(|l| l.notice()));
    if store.is_none() {
        notice =
            Some("No data directory found: progress will not be saved (set FORKLAB_HOME)".into());
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
        if notice.is_some() {
            state.notice = notice;
        }
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
            python_flag: python_flag.clone(),
            python: None,
            run: None,
            lab: None,
        };
        match LiveSampler::new(std::process::id()) {
            Ok(sampler) => {
                let tx = tx.clone();
                runtime.sampler = Some(monitor::thread::spawn(
                    Box::new(sampler),
                    state.interval(),
                    move |sample| tx.send(Event::Sampled(sample, Instant::now())).is_ok(),
                ));
            }
            Err(e) => state.notice = Some(format!("No live core readings: {e}")),
        }
        drop(tx);
        terminal.draw(|frame| view(&state, frame))?;
        save(&store, &mut state);
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
                for effect in handle(&mut state, event) {
                    runtime.carry_out(&mut state, effect);
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
            save(&store, &mut state);
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
    /// `--python`, if given.
    python_flag: Option<std::path::PathBuf>,
    /// The interpreter: looked for when the examples popup first opens,
    /// on a thread of its own (it runs Python), then kept.
    python: Option<Finding>,
    /// The running Python example; dropping it stops the run.
    run: Option<PyRun>,
    /// The running lab (or its last run); dropping it stops the workers.
    lab: Option<LabHandle>,
}

impl Runtime {
    fn carry_out(&mut self, state: &mut State, effect: Effect) {
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
                update(state, Action::BusyStarted(pids));
            }
            Effect::RunExample {
                number,
                lesson,
                example,
                args,
                method,
            } => {
                let tx = self.tx.clone();
                let send = move |event| {
                    let _ = tx.send(Event::Python(number, event));
                };
                match self.request(state, lesson, example) {
                    Ok(mut request) => {
                        request.args = args;
                        request.start_method = method;
                        self.run = Some(python::start(request, send));
                    }
                    Err(message) => send(PyEvent::Failed(message)),
                }
            }
            Effect::FindPython => self.find_python(),
            Effect::RunLab(config) => {
                let tx = self.tx.clone();
                self.lab = Some(start_lab(config, move |event| {
                    let _ = tx.send(Event::Lab(event));
                }));
            }
            Effect::SweepLab(config, counts) => {
                let tx = self.tx.clone();
                self.lab = Some(start_sweep(config, counts, move |event| {
                    let _ = tx.send(Event::Lab(event));
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
            Effect::StopBusy => {
                if let Some(busy) = self.busy.take() {
                    let tx = self.tx.clone();
                    busy.stop(move |pid, ending| {
                        let _ = tx.send(Event::ChildEnded { pid, ending });
                    });
                }
            }
        }
    }
}

/// Python being looked for, or found.
enum Finding {
    Looking(std::thread::JoinHandle<Result<Interpreter, String>>),
    Done(Result<Interpreter, String>),
}

impl Runtime {
    fn find_python(&mut self) {
        if self.python.is_none() {
            let flag = self.python_flag.clone();
            self.python = Some(Finding::Looking(std::thread::spawn(move || {
                Interpreter::find(flag.as_deref()).map_err(|e| e.to_string())
            })));
        }
    }

    /// The interpreter (waiting for the search if it is still going), then
    /// the example's working directory.
    fn request(
        &mut self,
        state: &State,
        lesson: usize,
        example: usize,
    ) -> Result<RunRequest, String> {
        self.find_python();
        let found = match self.python.take() {
            Some(Finding::Looking(handle)) => handle
                .join()
                .unwrap_or_else(|_| Err("looking for Python failed".into())),
            Some(Finding::Done(found)) => found,
            None => Err("looking for Python failed".into()),
        };
        self.python = Some(Finding::Done(found.clone()));
        let interpreter = found?;
        let example = &state.lessons.lessons[lesson].meta.examples[example];
        RunRequest::for_example(&state.lessons, example, interpreter)
    }
}

fn handle(state: &mut State, event: Event) -> Vec<Effect> {
    let action = match event {
        Event::Terminal(event) => keymap::action_for(state, &event),
        Event::InputClosed | Event::Signal => {
            state.quit = true;
            None
        }
        Event::Sampled(sample, at) => Some(Action::Sampled(Box::new(sample), at)),
        Event::ChildEnded { pid, ending } => Some(Action::ChildEnded { pid, ending }),
        Event::Python(number, event) => Some(Action::Python(number, event)),
        Event::Lab(event) => Some(Action::Lab(event)),
        Event::Highlighted(highlights) => {
            Some(Action::Highlighted(std::sync::Arc::new(highlights)))
        }
    };
    action
        .map(|action| update(state, action))
        .unwrap_or_default()
}

/// Writes progress when it changed; a failure is reported, never fatal.
fn save(store: &Option<Store>, state: &mut State) {
    if !state.progress_dirty {
        return;
    }
    state.progress_dirty = false;
    if let Some(store) = store
        && let Err(e) = store.save(&state.progress)
    {
        state.notice = Some(format!(
            "Could not save progress to {}: {e}",
            store.path().display()
        ));
    }
}
