//! The `e` popup: the lesson's Python examples, their arguments and the
//! start method, ready to run.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::action::Action;
use super::super::keymap::{self, Hint};
use super::super::state::State;
use super::popup::frame_box;

pub fn draw(
    state: &State,
    selected: usize,
    editing: Option<&str>,
    frame: &mut Frame,
    screen: Rect,
) {
    let examples = &state.lesson().meta.examples;
    let listed = state.menu_examples();
    let mut lines: Vec<Line> = Vec::new();
    for (i, example) in listed.iter().map(|&i| (i, &examples[i])) {
        let style = if i == selected {
            state.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!(" {} ", example.title),
            style,
        )));
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
        lines.push(Line::from(vec![
            Span::styled(format!("   python3 {file} "), state.theme.dim()),
            Span::styled(args, state.theme.key()),
            Span::styled(expect, state.theme.dim()),
        ]));
    }
    lines.push(Line::default());
    let method = match state.python.start_method {
        None => "Python's default".to_string(),
        Some(m) => m.as_str().to_string(),
    };
    lines.push(Line::from(vec![
        Span::raw(" Start method: "),
        Span::styled(method, state.theme.key()),
        Span::styled(
            format!(
                "  ({} changes it)",
                keymap::key_for(|a| matches!(
                    a,
                    Action::Python(crate::tui::action::python::Msg::CycleStartMethod)
                ))
            ),
            state.theme.dim(),
        ),
    ]));
    if let Some(text) = editing {
        lines.push(Line::from(vec![
            Span::styled(" Arguments: ", state.theme.key()),
            Span::raw(format!("{text}▏")),
        ]));
        lines.push(Line::styled(
            format!(
                " {} keeps them, {} cancels",
                keymap::key_for(|a| matches!(
                    a,
                    Action::Python(crate::tui::action::python::Msg::ArgsDone)
                )),
                keymap::key_for(|a| matches!(
                    a,
                    Action::Python(crate::tui::action::python::Msg::ArgsCancel)
                )),
            ),
            state.theme.dim(),
        ));
    }
    let footer = if editing.is_some() {
        "typing arguments".to_string()
    } else {
        let find = |wanted: fn(&Action) -> bool| keymap::hint_for(wanted);
        let hints: Vec<Hint> = [
            find(|a| {
                matches!(
                    a,
                    Action::Overlay(crate::tui::action::overlay::Msg::Move(1))
                )
            })
            .map(|h| Hint {
                word: "choose",
                ..h
            }),
            find(|a| matches!(a, Action::Python(crate::tui::action::python::Msg::EditArgs))),
            find(|a| {
                matches!(
                    a,
                    Action::Python(crate::tui::action::python::Msg::CycleStartMethod)
                )
            }),
            find(|a| {
                matches!(
                    a,
                    Action::Overlay(crate::tui::action::overlay::Msg::Confirm)
                )
            })
            .map(|h| Hint { word: "run", ..h }),
            find(|a| matches!(a, Action::Overlay(crate::tui::action::overlay::Msg::Close))),
        ]
        .into_iter()
        .flatten()
        .collect();
        keymap::hint_line(&hints)
    };
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
