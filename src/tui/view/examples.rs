//! The `e` popup: the lesson's Python examples, their arguments and the
//! start method, ready to run.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::action::{Action, overlay, python};
use super::super::keymap::{self, Hint};
use super::super::state::State;
use super::popup::frame_box;
use crate::lesson::Example;

pub fn draw(
    state: &State,
    selected: usize,
    editing: Option<&str>,
    frame: &mut Frame,
    screen: Rect,
) {
    let examples = &state.lesson().meta.examples;
    let mut lines: Vec<Line> = Vec::new();
    for i in state.menu_examples() {
        lines.extend(example_lines(state, i, &examples[i], i == selected));
    }
    lines.push(Line::default());
    lines.extend(settings_lines(state, editing));
    let footer = footer(editing.is_some());
    let width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(20)
        .max(footer.chars().count() + 4) as u16
        + 4;
    let inner = frame_box(
        frame,
        screen,
        width,
        lines.len() as u16 + 2,
        "Run an example",
        &footer,
        &state.theme,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// An example's title, and its command line with what to expect of it.
fn example_lines(state: &State, i: usize, example: &Example, selected: bool) -> [Line<'static>; 2] {
    let style = if selected {
        state.theme.selected()
    } else {
        Style::new()
    };
    let title = Line::from(Span::styled(format!(" {} ", example.title), style));
    // A pack's words: the title was sanitized at parse, these are data.
    let args = crate::sanitize::line(&state.args_for(state.current, i).join(" ")).into_owned();
    let file = example.file.rsplit('/').next().unwrap_or(&example.file);
    let file = crate::sanitize::line(file);
    // Under the chosen start method, where the lesson says which.
    let exit = match state.python.start_method {
        Some(m) => example.expect_exit_under(m.as_str()),
        None if !example.by_method.is_empty() => 0,
        None => example.expect_exit,
    };
    let expect = if !example.requires.is_empty() {
        format!(
            "  (needs {})",
            crate::sanitize::line(&example.requires.join(", "))
        )
    } else if exit != 0 {
        "  (fails on purpose)".to_string()
    } else if !example.by_method.is_empty() {
        "  (fails under some start methods)".to_string()
    } else {
        String::new()
    };
    let command = Line::from(vec![
        Span::styled(format!("   python3 {file} "), state.theme.dim()),
        Span::styled(args, state.theme.key()),
        Span::styled(expect, state.theme.dim()),
    ]);
    [title, command]
}

/// The start method, and the arguments while they are typed.
fn settings_lines(state: &State, editing: Option<&str>) -> Vec<Line<'static>> {
    let method = match state.python.start_method {
        None => "Python's default".to_string(),
        Some(m) => m.as_str().to_string(),
    };
    let key = |wanted: fn(&Action) -> bool| keymap::key_for(wanted);
    let mut lines = vec![Line::from(vec![
        Span::raw(" Start method: "),
        Span::styled(method, state.theme.key()),
        Span::styled(
            format!(
                "  ({} changes it)",
                key(|a| matches!(a, Action::Python(python::Msg::CycleStartMethod)))
            ),
            state.theme.dim(),
        ),
    ])];
    if let Some(text) = editing {
        lines.push(Line::from(vec![
            Span::styled(" Arguments: ", state.theme.key()),
            Span::raw(format!("{text}▏")),
        ]));
        lines.push(Line::styled(
            format!(
                " {} keeps them, {} cancels",
                key(|a| matches!(a, Action::Python(python::Msg::ArgsDone))),
                key(|a| matches!(a, Action::Python(python::Msg::ArgsCancel))),
            ),
            state.theme.dim(),
        ));
    }
    lines
}

/// The popup's keys, or that arguments are being typed.
fn footer(editing: bool) -> String {
    if editing {
        return "typing arguments".to_string();
    }
    let find = |wanted: fn(&Action) -> bool| keymap::hint_for(wanted);
    let hints: Vec<Hint> = [
        find(|a| matches!(a, Action::Overlay(overlay::Msg::Move(1)))).map(|h| Hint {
            word: "choose",
            ..h
        }),
        find(|a| matches!(a, Action::Python(python::Msg::EditArgs))),
        find(|a| matches!(a, Action::Python(python::Msg::CycleStartMethod))),
        find(|a| matches!(a, Action::Overlay(overlay::Msg::Confirm)))
            .map(|h| Hint { word: "run", ..h }),
        find(|a| matches!(a, Action::Overlay(overlay::Msg::Close))),
    ]
    .into_iter()
    .flatten()
    .collect();
    keymap::hint_line(&hints)
}
