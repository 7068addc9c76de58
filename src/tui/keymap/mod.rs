//! The one keymap: a table of bindings (where, keys, action, help text)
//! that the key dispatch, the help overlay, the status-bar and lab hints
//! and the README's key table all come from, so they cannot drift apart.

mod docs;
mod table;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::action::Action;

pub use docs::{Hint, Section, hint_for, hint_line, hints, key_for, sections_from};
#[cfg(test)]
use docs::{Row, readme_table, sections};
pub use table::BINDINGS;

/// Where a binding works. The dispatch looks through the places that
/// apply to what is on screen (`State::places`), in order; the help lists
/// each under its [`Where::heading`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// Always, even while typing (only Ctrl keys belong here).
    Always,
    /// Whenever nothing is being typed.
    Everywhere,
    Lesson,
    /// While a search's matches show.
    Search,
    /// Typing a search query.
    SearchInput,
    /// Typing an example's arguments.
    ExampleArgs,
    /// Any list popup: contents, links, examples.
    List,
    Contents,
    Links,
    /// The examples popup.
    Examples,
    Questions,
    Python,
    Lab,
    Cores,
    /// Replaying a trace: these keys take over the lesson's.
    Replay,
    /// Themes and the presenter's aids.
    Presenter,
    /// The help popup.
    Help,
    /// Exercises, on the main screen.
    Practice,
    /// The popup choosing one of the lesson's exercises.
    Exercises,
    /// A yes-or-no question (create the exercise folder, show a solution).
    Ask,
    /// Typing a prediction.
    PredictInput,
    /// A hint or a solution shown in a popup.
    TextPopup,
    /// The teacher's class view.
    Class,
    /// The popup choosing one of the lesson's lab experiments.
    Experiments,
}

impl Where {
    /// The help section (and README row) this place is listed under.
    pub fn heading(self) -> &'static str {
        match self {
            Where::Always | Where::Everywhere => "Everywhere",
            Where::Lesson => "Lesson",
            Where::Search => "Search matches",
            Where::SearchInput | Where::ExampleArgs | Where::PredictInput => "Typing",
            Where::List | Where::Contents | Where::Links => "Lists and menus",
            Where::Questions => "Questions",
            Where::Python | Where::Examples => "Python examples",
            Where::Lab | Where::Experiments => "Worker lab",
            Where::Cores => "Cores and processes",
            Where::Replay => "Replay",
            Where::Presenter => "Presenting",
            Where::Help => "This help",
            Where::Practice | Where::Exercises | Where::Ask | Where::TextPopup => "Practice",
            Where::Class => "Class view",
        }
    }
}

/// One key (or mouse gesture) as a binding names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character typed without Ctrl.
    Char(char),
    Ctrl(char),
    Code(KeyCode),
    /// `0`-`9` and `.`.
    Digit,
    /// Any character typed without Ctrl (text input).
    Text,
    /// Any key not bound earlier in the same place.
    Other,
    WheelDown,
    WheelUp,
    /// A left click.
    Click,
}

/// What arrived from the terminal, reduced to what bindings look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pressed {
    Key { code: KeyCode, ctrl: bool },
    Wheel { down: bool },
    Click,
}

/// What an action is made from: the character typed, where a click was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Input {
    pub ch: char,
    pub column: u16,
    pub row: u16,
}

impl Key {
    fn matches(self, pressed: Pressed) -> bool {
        match (self, pressed) {
            (
                Key::Char(c),
                Pressed::Key {
                    code: KeyCode::Char(p),
                    ctrl: false,
                },
            ) => c == p,
            (
                Key::Ctrl(c),
                Pressed::Key {
                    code: KeyCode::Char(p),
                    ctrl: true,
                },
            ) => c == p,
            (Key::Code(c), Pressed::Key { code, .. }) => c == code,
            (
                Key::Digit,
                Pressed::Key {
                    code: KeyCode::Char(p),
                    ctrl: false,
                },
            ) => p.is_ascii_digit() || p == '.',
            (
                Key::Text,
                Pressed::Key {
                    code: KeyCode::Char(_),
                    ctrl: false,
                },
            ) => true,
            (Key::Other, Pressed::Key { .. }) => true,
            (Key::WheelDown, Pressed::Wheel { down }) => down,
            (Key::WheelUp, Pressed::Wheel { down }) => !down,
            (Key::Click, Pressed::Click) => true,
            _ => false,
        }
    }

    /// How the help and the README name the key.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(code) => match code {
                KeyCode::Esc => "Esc".into(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift-Tab".into(),
                KeyCode::Backspace => "Backspace".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                other => format!("{other:?}"),
            },
            Key::Digit => "0-9 .".into(),
            Key::Text => "any character".into(),
            Key::Other => "any other key".into(),
            Key::WheelDown | Key::WheelUp => "mouse wheel".into(),
            Key::Click => "click".into(),
        }
    }
}

/// A key's name in the README: keys in backticks, gestures in words.
#[cfg(test)]
fn markdown_label(label: &str) -> String {
    match label {
        "0-9 ." => "`0`-`9` `.`".into(),
        "any character" | "any other key" | "mouse wheel" | "click" => label.into(),
        key => format!("`{key}`"),
    }
}

/// One row of the table.
#[derive(Clone, Copy)]
pub struct Binding {
    pub when: Where,
    pub keys: &'static [Key],
    /// Makes the action from what was pressed.
    pub act: fn(Input) -> Action,
    /// What it does, for the help and the README; empty: this binding
    /// continues the row above (its keys are listed there).
    pub help: &'static str,
    /// A word or two for the status bar or the lab's hints; empty: none
    /// (a continuation without one lends its key to the hint above).
    pub hint: &'static str,
}

/// A binding with no hint (add one with [`Binding::hint`]).
pub const fn on(
    when: Where,
    keys: &'static [Key],
    act: fn(Input) -> Action,
    help: &'static str,
) -> Binding {
    Binding {
        when,
        keys,
        act,
        help,
        hint: "",
    }
}

impl Binding {
    pub const fn hint(mut self, word: &'static str) -> Binding {
        self.hint = word;
        self
    }

    /// The action this binding gives for a plain key (for the hints' look-ups).
    pub fn action(&self) -> Action {
        (self.act)(Input::default())
    }
}

/// The places that share the reader's main screen. They are peers: a key
/// bound in two of them would silently lose in one (a test forbids it),
/// while the lab and a search's matches are modes that take keys over.
/// Which places apply to a screen is the state's to say (`State::places`):
/// the keymap reads no state.
pub const MAIN: &[Where] = &[
    Where::Everywhere,
    Where::Lesson,
    Where::Questions,
    Where::Python,
    Where::Cores,
    Where::Practice,
    Where::Presenter,
];

/// Translates a terminal event into an action, given the places that
/// apply to what is on screen (`State::places`), first match first. A
/// message that acts is refused in a replay by `update`, whatever
/// brought it.
pub fn action_for(places: &[Where], event: &Event) -> Option<Action> {
    let (pressed, input) = match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => pressed_key(key),
        Event::Mouse(mouse) => {
            let pressed = match mouse.kind {
                MouseEventKind::ScrollDown => Pressed::Wheel { down: true },
                MouseEventKind::ScrollUp => Pressed::Wheel { down: false },
                MouseEventKind::Down(MouseButton::Left) => Pressed::Click,
                _ => return None,
            };
            let input = Input {
                ch: '\0',
                column: mouse.column,
                row: mouse.row,
            };
            (pressed, input)
        }
        Event::Resize(width, height) => {
            return Some(
                super::action::reader::Msg::Resize {
                    width: *width,
                    height: *height,
                }
                .into(),
            );
        }
        _ => return None,
    };
    let binding = binding_for(places, pressed)?;
    Some((binding.act)(input))
}

fn pressed_key(key: &KeyEvent) -> (Pressed, Input) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let ch = match key.code {
        KeyCode::Char(c) => c,
        _ => '\0',
    };
    (
        Pressed::Key {
            code: key.code,
            ctrl,
        },
        Input {
            ch,
            ..Input::default()
        },
    )
}

/// How the corner of shown keys names a key pressed (as the help does);
/// `None` for a key release.
pub fn pressed_name(event: &Event) -> Option<String> {
    let Event::Key(key) = event else {
        return None;
    };
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let (Pressed::Key { code, ctrl }, _) = pressed_key(key) else {
        return None;
    };
    Some(match code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c).label(),
        KeyCode::Char(c) => Key::Char(c).label(),
        code => Key::Code(code).label(),
    })
}

/// The first binding, in the places given, that the key matches.
fn binding_for(layers: &[Where], pressed: Pressed) -> Option<&'static Binding> {
    layers.iter().find_map(|when| {
        BINDINGS
            .iter()
            .filter(|b| b.when == *when)
            .find(|b| b.keys.iter().any(|k| k.matches(pressed)))
    })
}

#[cfg(test)]
mod tests;
