//! The terminal UI: one `State`, `Action`s, `update`, `view`, and an event
//! loop that blocks on a single channel.

pub mod action;
mod class;
mod editor;
mod event;
mod keymap;
mod lab;
mod layout;
mod quiz;
mod runtime;
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

pub use action::{Action, Effect, Message, RunPlan};
pub use class::ClassView;
pub use lab::Recorded;
pub use session::{Replay, Session};
pub use state::State;
pub use update::update;
pub use view::view;

use std::time::Instant;

use crate::lesson::LessonSet;
use crate::lesson::render::python_blocks;
use crate::monitor::{self, live::LiveSampler};
use crate::progress::{Progress, Store};
use crate::python::Interpreter;
use action::{app, class as class_msg, course, lab as lab_msg, live, practice, presenter, python};
use action::{reader as reader_msg, replay};
use event::Event;
use runtime::Runtime;

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
    let (store, progress, notices) = open_progress(&lessons, reset_progress, settings);
    // Installs a panic hook that restores the terminal before the message.
    let mut terminal = ratatui::try_init()?;
    let _ = execute!(stdout(), EnableMouseCapture);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        hook(info);
    }));
    let opened = Opened {
        lessons,
        progress,
        store,
        notices,
    };
    let result = run_in(&mut terminal, opened, settings, options);
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    // Where the trace went, once the terminal is the shell's again.
    if let Ok(Some(saved)) = &result {
        eprintln!("{saved}");
    }
    result.map(drop)
}

/// The course and progress the reader opens with, and what setting up
/// has to say (handed to `update` once the loop runs).
struct Opened {
    lessons: LessonSet,
    progress: Progress,
    store: Option<Store>,
    notices: Vec<String>,
}

/// The progress store of the course, reset if asked, and its progress.
fn open_progress(
    lessons: &LessonSet,
    reset_progress: bool,
    settings: &crate::config::Settings,
) -> (Option<Store>, Progress, Vec<String>) {
    let store = Store::for_set(lessons);
    let mut notices = settings.problems.clone();
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
    // A damaged file left in place is never saved over.
    let store = store.filter(|_| loaded.as_ref().is_none_or(|l| l.may_save()));
    if notices.is_empty() {
        notices.extend(loaded.as_ref().and_then(|l| l.notice()));
    }
    if loaded.is_none() {
        notices
            .push("No data directory found: progress will not be saved (set FORKLAB_HOME)".into());
    }
    (store, progress, notices)
}

/// Sets up the state, the threads and the session, then runs the loop;
/// says where a recording went.
fn run_in(
    terminal: &mut ratatui::DefaultTerminal,
    opened: Opened,
    settings: &crate::config::Settings,
    options: Options,
) -> std::io::Result<Option<String>> {
    let size = terminal.size()?;
    let screen = Rect::new(0, 0, size.width, size.height);
    let Opened {
        lessons,
        progress,
        store,
        mut notices,
    } = opened;
    let Options {
        class,
        join,
        session,
        compare,
    } = options;
    let mut state = match &session {
        Session::Replay(replay) => {
            State::with_cores(lessons, progress, screen, replay.trace.header.machine.cores)
        }
        _ => State::new(lessons, progress, screen),
    };
    state.apply(settings);
    state.practice.workspace =
        crate::practice::Workspace::locate(state.progress.practice_dir.as_deref())
            .map(|w| std::path::absolute(&w.dir).unwrap_or(w.dir));
    state.practice.default_workspace = std::path::absolute(crate::practice::workspace::DEFAULT_DIR)
        .unwrap_or_else(|_| crate::practice::workspace::DEFAULT_DIR.into());
    let (tx, rx) = mpsc::channel();
    let gate = event::spawn_input(tx.clone());
    event::spawn_signals(tx.clone())?;
    let blocks = (state.lessons.lessons.iter())
        .flat_map(|l| python_blocks(&l.body))
        .collect();
    event::spawn_highlighter(tx.clone(), blocks);
    // The interpreter search reads $FORKLAB_PYTHON itself; a flag's or
    // the file's choice is handed to it, with where it came from.
    let mut runtime = Runtime::new(tx.clone(), store, settings.python_choice());
    let (courses, open) = crate::pack::courses(&state.lessons.origin);
    let mut opening = vec![Action::from(course::Msg::Found(courses, open))];
    if let Some(recorded) = compare {
        opening.push(lab_msg::Msg::Compare(Box::new(recorded)).into());
    }
    opening.extend(class.map(|setup| open_class(&mut runtime, setup, &tx)));
    opening.extend(join.map(|join| join_class(&mut runtime, &state, join, &tx)));
    opening.extend(start_session(
        &mut state,
        &mut runtime,
        session,
        &tx,
        &mut notices,
    ));
    drop(tx);
    let now = Instant::now();
    runtime.dispatch(&mut state, app::Msg::Started(notices).into(), now);
    for action in opening {
        runtime.dispatch(&mut state, action, now);
    }
    event_loop(terminal, &mut state, &mut runtime, &rx, &gate)?;
    Ok(runtime.recorder.take().map(session::Recorder::close))
}

/// The teacher's class view: the server held while the TUI runs, its
/// news forwarded to the loop.
fn open_class(runtime: &mut Runtime, setup: ClassSetup, tx: &mpsc::Sender<Event>) -> Action {
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
    class_msg::Msg::Opened(Box::new(setup.view)).into()
}

/// The learner's link to a class: each finished lab run is sent.
fn join_class(
    runtime: &mut Runtime,
    state: &State,
    join: JoinSetup,
    tx: &mpsc::Sender<Event>,
) -> Action {
    let tx = tx.clone();
    let cores = state.cores;
    let flag = runtime.python_flag.clone();
    // The Python the lab would use, so the class sees its version.
    let machine = move || {
        let python = Interpreter::find_choice(flag.as_ref())
            .ok()
            .map(|i| i.version);
        crate::class::client::this_machine(cores, python)
    };
    let address = join.address.clone();
    runtime.class_sender = Some(crate::class::client::spawn_sender(
        join.address,
        join.code,
        join.nickname,
        machine,
        move |status| tx.send(Event::ClassLink(status)).is_ok(),
    ));
    class_msg::Msg::Linked(class::ClassLink {
        address,
        status: class::LinkStatus::Joining,
        sent: 0,
    })
    .into()
}

/// Starts what the session watches: the replay thread, or the sampler
/// (and a recording from the start for `forklab record`).
fn start_session(
    state: &mut State,
    runtime: &mut Runtime,
    session: Session,
    tx: &mpsc::Sender<Event>,
    notices: &mut Vec<String>,
) -> Vec<Action> {
    match session {
        Session::Replay(replay) => {
            let base = Instant::now();
            let trace = replay.trace;
            let mut status = state::ReplayStatus::new(&trace, base);
            status.speed = replay.speed;
            if let Some(warning) = &trace.warning {
                notices.push(format!("This trace was cut short ({warning})"));
            }
            let tx = tx.clone();
            let handle =
                crate::trace::replay::spawn(std::sync::Arc::new(trace.entries), move |d| {
                    tx.send(Event::Replay(d)).is_ok()
                });
            handle.control(crate::trace::replay::Control::Speed(status.speed()));
            state.replay = Some(status);
            runtime.replay = Some(handle);
            Vec::new()
        }
        session @ (Session::Live | Session::Record(_)) => {
            let mut opening = Vec::new();
            if let Session::Record(path) = session {
                runtime.record_path = Some(path);
                opening.push(replay::Msg::ToggleRecording.into());
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
            opening
        }
    }
}

/// Blocks on the channel, applies everything queued, then draws once.
fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut State,
    runtime: &mut Runtime,
    rx: &mpsc::Receiver<Event>,
    gate: &event::InputGate,
) -> std::io::Result<()> {
    terminal.draw(|frame| view(state, frame))?;
    let mut last_draw = Instant::now();
    while let Ok(first) = rx.recv() {
        apply_burst(state, runtime, rx, first, last_draw);
        if state.quit {
            break;
        }
        if let Some(path) = runtime.editor.take() {
            let result = hand_over(terminal, gate, &path);
            let done = practice::Msg::EditorDone(result).into();
            runtime.dispatch(state, done, Instant::now());
        }
        terminal.draw(|frame| view(state, frame))?;
        last_draw = Instant::now();
    }
    Ok(())
}

/// Applies `first` and everything already queued. A burst of background
/// events (lab tasks, script output) is gathered in naps and drawn at most
/// every FRAME, so forklab neither wakes for each event nor steals the
/// cores its workers are measured on; keys are drawn at once.
fn apply_burst(
    state: &mut State,
    runtime: &mut Runtime,
    rx: &mpsc::Receiver<Event>,
    first: Event,
    last_draw: Instant,
) {
    let mut user = false;
    let mut next = Some(first);
    while let Some(event) = next {
        user |= matches!(event, Event::Terminal(_));
        apply_event(state, runtime, event);
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
}

/// One event: recorded when recording, made actions, applied. The clock
/// is read once here, for everything the event causes (`update` reads none).
fn apply_event(state: &mut State, runtime: &mut Runtime, event: Event) {
    let now = Instant::now();
    panic_if_asked(&event);
    if let Event::Terminal(pressed) = &event
        && state.presenter.show_keys
        && let Some(name) = keymap::pressed_name(pressed)
    {
        runtime.dispatch(state, presenter::Msg::KeyShown(name).into(), now);
    }
    if let Some(action) = runtime.tee(&event) {
        runtime.dispatch(state, action, now);
    }
    // Only keys (and clicks, a new size) move the learner.
    let moves = matches!(event, Event::Terminal(_));
    for action in actions_for(state, event, now) {
        runtime.dispatch(state, action, now);
    }
    if moves {
        runtime.note_place(state);
    }
}

/// The actions an event asks for (keys through the keymap, at the places
/// the state says apply).
fn actions_for(state: &State, event: Event, now: Instant) -> Vec<Action> {
    let action: Action = match event {
        Event::Replay(delivery) => {
            let base = state.replay.as_ref().map_or(now, |r| r.base);
            return session::replay_actions(base, delivery);
        }
        Event::Terminal(event) => {
            return keymap::action_for(&state.places(), &event)
                .into_iter()
                .collect();
        }
        Event::InputClosed | Event::Signal => app::Msg::Shutdown.into(),
        Event::Sampled(sample, at) => live::Msg::Sampled(Box::new(sample), at).into(),
        Event::ChildEnded { pid, ending } => live::Msg::ChildEnded { pid, ending }.into(),
        Event::Python(number, event) => python::Msg::Event(number, event).into(),
        Event::PythonFound(found) => python::Msg::Found(found).into(),
        Event::Lab(event) => lab_msg::Msg::Event(event).into(),
        Event::Highlighted(highlights) => {
            reader_msg::Msg::Highlighted(std::sync::Arc::new(highlights)).into()
        }
        Event::Practice(event) => practice::Msg::Live(event).into(),
        Event::Class(event) => class_msg::Msg::Event(event).into(),
        Event::ClassLink(status) => class_msg::Msg::Link(status).into(),
    };
    vec![action]
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
