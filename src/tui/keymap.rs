//! The one keymap: which key means what in which mode, and the help text
//! that lists it (kept side by side so they cannot drift apart).

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::action::Action;
use super::state::{Mode, Overlay, State};

/// Lines scrolled per mouse-wheel notch.
const WHEEL_LINES: isize = 3;

/// Translates a terminal event into an action, given what is on screen.
pub fn action_for(state: &State, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_action(state, key),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown if state.overlay == Overlay::None => {
                Some(Action::Scroll(WHEEL_LINES))
            }
            MouseEventKind::ScrollUp if state.overlay == Overlay::None => {
                Some(Action::Scroll(-WHEEL_LINES))
            }
            MouseEventKind::ScrollDown => Some(Action::MenuMove(1)),
            MouseEventKind::ScrollUp => Some(Action::MenuMove(-1)),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: mouse.column,
                row: mouse.row,
            }),
            _ => None,
        },
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

fn key_action(state: &State, key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
        return Some(Action::Quit);
    }
    if state.search.input.is_some() {
        return match key.code {
            KeyCode::Esc => Some(Action::EndSearch),
            KeyCode::Enter => Some(Action::SearchSubmit),
            KeyCode::Backspace => Some(Action::SearchBackspace),
            KeyCode::Char(c) if !ctrl => Some(Action::SearchType(c)),
            _ => None,
        };
    }
    match &state.overlay {
        Overlay::None => {}
        Overlay::Examples {
            editing: Some(_), ..
        } => {
            return match key.code {
                KeyCode::Esc => Some(Action::ArgsCancel),
                KeyCode::Enter => Some(Action::ArgsDone),
                KeyCode::Backspace => Some(Action::ArgsBackspace),
                KeyCode::Char(c) if !ctrl => Some(Action::ArgsType(c)),
                _ => None,
            };
        }
        Overlay::Examples { .. } => {
            return match key.code {
                KeyCode::Char('q') => Some(Action::Quit),
                KeyCode::Esc => Some(Action::CloseOverlay),
                KeyCode::Char('j') | KeyCode::Down => Some(Action::MenuMove(1)),
                KeyCode::Char('k') | KeyCode::Up => Some(Action::MenuMove(-1)),
                KeyCode::Char('a') => Some(Action::EditArgs),
                KeyCode::Char('m') => Some(Action::CycleStartMethod),
                KeyCode::Enter | KeyCode::Char('e') | KeyCode::Char('r') => {
                    Some(Action::MenuConfirm)
                }
                _ => None,
            };
        }
        Overlay::Help => {
            return match key.code {
                KeyCode::Char('q') => Some(Action::Quit),
                KeyCode::Char('j') | KeyCode::Down => Some(Action::HelpScroll(1)),
                KeyCode::Char('k') | KeyCode::Up => Some(Action::HelpScroll(-1)),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::HelpScroll(10)),
                KeyCode::PageUp => Some(Action::HelpScroll(-10)),
                _ => Some(Action::CloseOverlay),
            };
        }
        Overlay::Contents { .. } | Overlay::Links { .. } => {
            return match key.code {
                KeyCode::Char('q') => Some(Action::Quit),
                KeyCode::Esc | KeyCode::Char('t')
                    if matches!(state.overlay, Overlay::Contents { .. }) =>
                {
                    Some(Action::CloseOverlay)
                }
                KeyCode::Esc | KeyCode::Char('f') => Some(Action::CloseOverlay),
                KeyCode::Char('j') | KeyCode::Down => Some(Action::MenuMove(1)),
                KeyCode::Char('k') | KeyCode::Up => Some(Action::MenuMove(-1)),
                KeyCode::PageDown => Some(Action::MenuMove(10)),
                KeyCode::PageUp => Some(Action::MenuMove(-10)),
                KeyCode::Char('g') | KeyCode::Home => Some(Action::MenuFirst),
                KeyCode::Char('G') | KeyCode::End => Some(Action::MenuLast),
                KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => Some(Action::MenuConfirm),
                _ => None,
            };
        }
    }
    if state.mode == Mode::Lab {
        let lab = match key.code {
            KeyCode::Char('L') | KeyCode::Esc => Some(Action::ToggleLab),
            KeyCode::Char('+') | KeyCode::Char('=') => Some(Action::LabWorkers(1)),
            KeyCode::Char('-') => Some(Action::LabWorkers(-1)),
            KeyCode::Char('w') => Some(Action::LabWorkload),
            KeyCode::Char('<') => Some(Action::LabTasks(false)),
            KeyCode::Char('>') => Some(Action::LabTasks(true)),
            KeyCode::Char('{') => Some(Action::LabChunk(false)),
            KeyCode::Char('}') => Some(Action::LabChunk(true)),
            KeyCode::Char('K') => Some(Action::LabCores),
            KeyCode::Char('r') => Some(Action::LabRun),
            KeyCode::Char('s') => Some(Action::LabSweep),
            KeyCode::Char('x') => Some(Action::LabStop),
            KeyCode::Char(c @ ('0'..='9' | '.')) => Some(Action::LabGuess(c)),
            KeyCode::Backspace => Some(Action::LabGuessBackspace),
            _ => None,
        };
        if lab.is_some() {
            return lab;
        }
    }
    let searching = state.search.active();
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Esc if searching => Action::EndSearch,
        KeyCode::Char('n') | KeyCode::Enter if searching => Action::NextHit,
        KeyCode::Char('N') if searching => Action::PreviousHit,
        KeyCode::Char('n') | KeyCode::Right | KeyCode::Char('l') => Action::NextLesson,
        KeyCode::Char('p') | KeyCode::Left | KeyCode::Char('h') => Action::PreviousLesson,
        KeyCode::Char('j') | KeyCode::Down => Action::Scroll(1),
        KeyCode::Char('k') | KeyCode::Up => Action::Scroll(-1),
        KeyCode::Char('d') if ctrl => Action::Page(1),
        KeyCode::Char('u') if ctrl => Action::Page(-1),
        KeyCode::PageDown | KeyCode::Char(' ') => Action::Page(1),
        KeyCode::PageUp | KeyCode::Char('b') => Action::Page(-1),
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char('t') => Action::OpenContents,
        KeyCode::Char('f') => Action::OpenLinks,
        KeyCode::Char('/') => Action::StartSearch,
        KeyCode::Char('a') => Action::ToggleAnswers,
        KeyCode::Char(c @ ('0'..='9' | '.')) => Action::QuizKey(c),
        KeyCode::Backspace => Action::QuizBackspace,
        KeyCode::Enter => Action::QuizConfirm,
        KeyCode::Char('c') => Action::ToggleProjector,
        KeyCode::Char('[') => Action::SlowerRefresh,
        KeyCode::Char(']') => Action::FasterRefresh,
        KeyCode::Char('B') => Action::ToggleBusy,
        KeyCode::Char('e') => Action::OpenExamples,
        KeyCode::Char('L') => Action::ToggleLab,
        KeyCode::Char('x') => Action::StopExample,
        KeyCode::Char('m') => Action::CycleStartMethod,
        KeyCode::Char('o') => Action::ToggleOutput,
        KeyCode::Tab | KeyCode::BackTab => Action::FocusNext,
        _ => return None,
    })
}

/// The help overlay's sections: (heading, [(keys, what they do)]).
pub const HELP: &[(&str, &[(&str, &str)])] = &[
    (
        "Everywhere",
        &[
            ("q  Ctrl-C", "quit"),
            ("?", "this help (j k scroll it, other keys close it)"),
            ("Esc", "close a popup, end a search"),
        ],
    ),
    (
        "Lesson",
        &[
            ("n p  → ←  l h", "next / previous lesson"),
            ("j k  ↓ ↑  wheel", "scroll a line"),
            ("Space b  PgDn PgUp", "scroll a page"),
            ("g G  Home End", "top / end of the lesson"),
            ("t", "table of contents (Enter jumps)"),
            ("f", "links on this page (Enter follows; or click one)"),
            ("/", "search all lessons; then n N or Enter move, Esc ends"),
            ("a", "show / hide the worked answers"),
            (
                "1-9  Enter",
                "answer the open question at the end of the lesson",
            ),
        ],
    ),
    (
        "Python examples",
        &[
            (
                "e",
                "run one of the lesson's examples (a: arguments, Enter: run)",
            ),
            ("x", "stop the running script and every process it started"),
            ("m", "start method: default, fork, spawn, forkserver"),
            ("o", "show / hide the output pane"),
            ("Tab", "scroll keys move the lesson or the output"),
        ],
    ),
    (
        "Worker lab",
        &[
            (
                "L  Esc",
                "open the lab for this lesson's experiment / back to the lesson",
            ),
            ("+ -", "more / fewer workers (1 to 4 per core)"),
            ("w", "workload: cpu, sleep, amdahl"),
            ("< >  { }", "halve / double the tasks, the chunk size"),
            ("K", "restrict the workers to 1, 2, ... cores"),
            (
                "0-9 .",
                "type your guess of the wall time (seconds) before running",
            ),
            ("r  s  x", "run, sweep 1 to 2x cores, stop"),
        ],
    ),
    (
        "Cores and processes",
        &[
            ("c", "cores full screen (projector view); again to return"),
            ("[ ]", "refresh slower / faster (250 ms to 5 s)"),
            ("B", "start / stop one busy copy of forklab per core"),
        ],
    ),
];
