//! Themes and presenter aids, snapshotted with their styles: each screen
//! is its text, a row of style codes under each row, and a legend, so a
//! colour or weight that changes fails the test like a word would.

use crate::tui::action as msg;
use std::collections::HashMap;
use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

use super::super::theme::Theme;
use super::{Action, State, lab_state, live_state, screen, some_python, update};
use crate::config::ThemeName;

/// Code characters for styles, in order of first appearance.
const CODES: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn colour(c: Color) -> String {
    match c {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        other => format!("{other:?}"),
    }
}

/// The buffer as text with a style row under each row (`.`: the
/// terminal's own style) and a legend of the codes.
fn styled(buffer: &Buffer) -> String {
    let mut codes: Vec<(Color, Color, Modifier)> = Vec::new();
    let mut out = String::new();
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let mut text = String::new();
        let mut style = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            if skip == 0 {
                text.push_str(cell.symbol());
                skip = cell.symbol().width().max(1);
            }
            skip -= 1;
            let key = (cell.fg, cell.bg, cell.modifier);
            let code = if key == (Color::Reset, Color::Reset, Modifier::empty()) {
                '.'
            } else {
                let i = codes.iter().position(|k| *k == key).unwrap_or_else(|| {
                    codes.push(key);
                    codes.len() - 1
                });
                CODES.chars().nth(i).unwrap_or('?')
            };
            style.push(code);
        }
        let _ = writeln!(out, "{}", text.trim_end());
        let _ = writeln!(out, "{}", style.trim_end_matches('.'));
    }
    out.push_str("--\n");
    for (i, (fg, bg, m)) in codes.iter().enumerate() {
        let _ = writeln!(
            out,
            "{} fg={} bg={} {:?}",
            CODES.chars().nth(i).unwrap_or('?'),
            colour(*fg),
            colour(*bg),
            m
        );
    }
    out
}

/// The styles used on a screen, counted (for property checks).
fn styles(buffer: &Buffer) -> HashMap<(Color, Color, Modifier), usize> {
    let mut seen = HashMap::new();
    for cell in buffer.content() {
        *seen.entry((cell.fg, cell.bg, cell.modifier)).or_default() += 1;
    }
    seen
}

fn themed(mut s: State, name: ThemeName, colour: bool) -> State {
    s.theme = Theme::new(name, colour);
    s
}

/// A lesson beside live cores and processes, with a script's output
/// (stdout and stderr) under it: most of the reader's styles at once.
fn lesson_scene(width: u16, height: u16, cores: usize) -> State {
    use crate::python::{EndCause, Output, PyEvent, Stream};
    use std::time::Duration;
    let mut s = live_state(width, height, cores, 4);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    update(
        &mut s,
        Action::Python(msg::python::Msg::Found(Ok(some_python()))),
    );
    let lines = [
        (Stream::Stdout, "squares of 1..5000 with 4 workers"),
        (Stream::Stderr, "Traceback (most recent call last):"),
        (Stream::Stderr, "ZeroDivisionError: division by zero"),
        (Stream::Stdout, "sum = 41679167500"),
    ];
    for (i, (stream, text)) in lines.into_iter().enumerate() {
        let output = Output {
            stream,
            offset: Duration::from_millis(40 * i as u64),
            text: text.into(),
            line_end: true,
        };
        update(
            &mut s,
            Action::Python(msg::python::Msg::Event(1, PyEvent::Output(output))),
        );
    }
    let exited = crate::python::run::Exited {
        status: crate::os::process::Exit::Code(1),
        expected: true,
        expect_exit: 1,
        elapsed: Duration::from_millis(180),
        cause: EndCause::Finished,
        contained: None,
    };
    update(
        &mut s,
        Action::Python(msg::python::Msg::Event(1, PyEvent::Exited(exited))),
    );
    s
}

#[test]
fn each_theme_at_80x24_and_200x60() {
    for name in ThemeName::ALL {
        let s = themed(lesson_scene(80, 24, 16), name, true);
        insta::assert_snapshot!(
            format!("{name}_80x24"),
            styled(screen(&s).backend().buffer())
        );
        let s = themed(lab_state(200, 60), name, true);
        insta::assert_snapshot!(
            format!("{name}_200x60"),
            styled(screen(&s).backend().buffer())
        );
    }
}

#[test]
fn no_color_at_80x24_and_200x60() {
    let s = themed(lesson_scene(80, 24, 16), ThemeName::Dark, false);
    insta::assert_snapshot!("no_color_80x24", styled(screen(&s).backend().buffer()));
    let s = themed(lab_state(200, 60), ThemeName::Light, false);
    insta::assert_snapshot!("no_color_200x60", styled(screen(&s).backend().buffer()));
}

/// Every screen the tests can reach, under one theme.
fn every_screen(name: ThemeName, colour: bool) -> Vec<(String, Buffer)> {
    let mut screens = Vec::new();
    let mut add = |what: &str, s: &State| {
        screens.push((what.to_string(), screen(s).backend().buffer().clone()));
    };
    let mut s = themed(lesson_scene(80, 24, 16), name, colour);
    add("lesson 80x24", &s);
    update(&mut s, Action::Presenter(msg::presenter::Msg::ToggleKeys));
    update(
        &mut s,
        Action::Presenter(msg::presenter::Msg::KeyShown("e".into())),
    );
    add("keys shown", &s);
    for open in [
        Action::Overlay(msg::overlay::Msg::ToggleHelp),
        Action::Overlay(msg::overlay::Msg::OpenContents),
        Action::Python(msg::python::Msg::OpenExamples),
    ] {
        update(&mut s, open);
        add("a popup", &s);
        update(&mut s, Action::Overlay(msg::overlay::Msg::Close));
    }
    add(
        "lesson 200x60, 128 cores",
        &themed(lesson_scene(200, 60, 128), name, colour),
    );
    let mut lab = themed(lab_state(120, 40), name, colour);
    add("lab 120x40", &lab);
    update(&mut lab, Action::Live(msg::live::Msg::ToggleProjector));
    add("projector with chart", &lab);
    screens
}

#[test]
fn no_color_draws_no_colour_anywhere_and_keeps_meaning() {
    for name in ThemeName::ALL {
        for (what, buffer) in every_screen(name, false) {
            for ((fg, bg, _), _) in styles(&buffer) {
                assert_eq!((fg, bg), (Color::Reset, Color::Reset), "{name} {what}");
            }
        }
    }
    let s = themed(lesson_scene(80, 24, 16), ThemeName::Dark, false);
    let buffer = screen(&s).backend().buffer().clone();
    let text = styled(&buffer);
    // stderr is marked by a symbol, not only by colour.
    assert!(text.contains("! Traceback"), "{text}");
    assert!(text.contains("│  0.04 ! Traceback"), "{text}");
    assert!(!text.contains("! squares"), "{text}");
    // Weight and reverse video carry the rest.
    let used = styles(&buffer);
    for wanted in [Modifier::REVERSED, Modifier::BOLD, Modifier::DIM] {
        assert!(
            used.keys().any(|(_, _, m)| m.contains(wanted)),
            "{wanted:?} is not used: {used:?}"
        );
    }
}

#[test]
fn light_paints_every_cell_of_every_screen() {
    for (what, buffer) in every_screen(ThemeName::Light, true) {
        let bare = buffer
            .content()
            .iter()
            .position(|c| c.bg == Color::Reset)
            .map(|i| buffer.pos_of(i));
        assert_eq!(bare, None, "{what}: the terminal's own background shows");
    }
}

#[test]
fn themes_differ_where_they_should() {
    let draw = |name| {
        let s = themed(lab_state(120, 40), name, true);
        screen(&s).backend().buffer().clone()
    };
    let (dark, light, mono) = (
        draw(ThemeName::Dark),
        draw(ThemeName::Light),
        draw(ThemeName::Mono),
    );
    // The same text in every theme...
    let text = |b: &Buffer| b.content().iter().map(|c| c.symbol()).collect::<String>();
    assert_eq!(text(&dark), text(&light));
    // ...in other colours: light paints its own background everywhere.
    let light_bg = light[(60, 20)].bg;
    assert_ne!(light_bg, Color::Reset);
    assert_eq!(dark[(60, 20)].bg, Color::Reset);
    assert!(
        light.content().iter().all(|c| c.bg != Color::Reset),
        "a cell of the light theme shows the terminal's own background"
    );
    assert!(
        styles(&mono)
            .keys()
            .all(|(fg, bg, _)| *fg == Color::Reset && *bg == Color::Reset)
    );
}

#[test]
fn the_theme_key_cycles_and_says_so() {
    let mut s = live_state(80, 24, 2, 3);
    assert_eq!(s.theme.name, ThemeName::Dark);
    update(&mut s, Action::Presenter(msg::presenter::Msg::CycleTheme));
    assert_eq!(s.theme.name, ThemeName::Light);
    assert!(
        s.notice.as_deref().unwrap().starts_with("Theme: light"),
        "{:?}",
        s.notice
    );
    update(&mut s, Action::Presenter(msg::presenter::Msg::CycleTheme));
    update(&mut s, Action::Presenter(msg::presenter::Msg::CycleTheme));
    assert_eq!(s.theme.name, ThemeName::Dark);
    s.theme.colour = false;
    update(&mut s, Action::Presenter(msg::presenter::Msg::CycleTheme));
    assert!(
        s.notice.as_deref().unwrap().contains("NO_COLOR"),
        "{:?}",
        s.notice
    );
}

#[test]
fn shown_keys_sit_in_a_corner() {
    let mut s = live_state(80, 24, 2, 3);
    update(
        &mut s,
        Action::Presenter(msg::presenter::Msg::KeyShown("x".into())),
    );
    assert!(
        s.presenter.keys.is_empty(),
        "keys are kept only while shown"
    );
    update(&mut s, Action::Presenter(msg::presenter::Msg::ToggleKeys));
    s.notice = Some("kept".into());
    for key in ["j", "j", "c", "c", "Ctrl-D", "n", "?"] {
        update(
            &mut s,
            Action::Presenter(msg::presenter::Msg::KeyShown(key.into())),
        );
    }
    assert_eq!(
        s.notice.as_deref(),
        Some("kept"),
        "showing a key clears no notice"
    );
    assert_eq!(s.presenter.keys, ["j", "c", "c", "Ctrl-D", "n", "?"]);
    let text = styled(screen(&s).backend().buffer());
    insta::assert_snapshot!("keys_shown_80x24", text);
    update(&mut s, Action::Presenter(msg::presenter::Msg::ToggleKeys));
    let text = styled(screen(&s).backend().buffer());
    assert!(!text.contains("Ctrl-D"), "{text}");
}

#[test]
fn zoom_leaves_the_lesson_alone() {
    let mut s = live_state(120, 40, 16, 4);
    let before = s.text_width();
    update(&mut s, Action::Presenter(msg::presenter::Msg::ToggleZoom));
    let areas = s.areas();
    assert_eq!(areas.cores.area(), 0);
    assert_eq!(areas.processes.area(), 0);
    assert_eq!(areas.lesson.width, 120);
    assert!(s.text_width() > before, "{} > {before}", s.text_width());
    assert_eq!(s.doc_width, s.text_width(), "the lesson is wrapped again");
    let text = format!("{:?}", screen(&s).backend());
    assert!(
        !text.contains("Cores:") && !text.contains("Processes:"),
        "{text}"
    );
    update(&mut s, Action::Presenter(msg::presenter::Msg::ToggleZoom));
    assert!(s.areas().cores.area() > 0);
    assert_eq!(s.text_width(), before);
}

#[test]
fn zoom_on_the_focused_output_leaves_it_alone() {
    let mut s = lesson_scene(120, 40, 16);
    let width = s.doc_width;
    update(&mut s, Action::Python(msg::python::Msg::FocusNext));
    update(&mut s, Action::Presenter(msg::presenter::Msg::ToggleZoom));
    let areas = s.areas();
    assert_eq!((areas.output.width, areas.output.height), (120, 38));
    assert_eq!(areas.lesson.height, 0);
    let text = format!("{:?}", screen(&s).backend());
    assert!(
        text.contains("! Traceback") && !text.contains("The master hands"),
        "{text}"
    );
    // Back to the lesson: zoomed on it, wrapped as before.
    update(&mut s, Action::Python(msg::python::Msg::FocusNext));
    let areas = s.areas();
    assert!(
        areas.lesson.height > 20 && areas.output.height > 5,
        "{areas:?}"
    );
    assert_eq!(areas.cores.area(), 0, "still zoomed");
    update(&mut s, Action::Presenter(msg::presenter::Msg::ToggleZoom));
    assert_eq!(s.doc_width, width);
}

#[test]
fn projector_gains_the_speedup_chart_once_the_lab_has_results() {
    let mut s = live_state(200, 60, 16, 3);
    update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
    let text = format!("{:?}", screen(&s).backend());
    assert!(!text.contains("Speedup against workers"));
    let mut s = lab_state(200, 60);
    update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
    let text = format!("{:?}", screen(&s).backend());
    assert!(text.contains("Speedup against workers"), "{text}");
    assert!(text.contains("core 0") && text.contains("core 1"), "{text}");
    insta::assert_snapshot!(
        "projector_chart_200x60",
        styled(screen(&s).backend().buffer())
    );
}

#[test]
fn settings_shape_the_reader_at_start() {
    use crate::config::{Flags, resolve};
    let mut s = live_state(80, 24, 2, 3);
    let file = "theme = \"light\"\nrefresh_ms = 500\nstart_method = \"spawn\"\n";
    let settings = resolve(
        &Flags::default(),
        &|var| (var == "NO_COLOR").then(|| "1".to_string()),
        None,
        "test",
        Some(Ok(file.into())),
    );
    s.apply(&settings);
    assert_eq!(s.theme, Theme::new(ThemeName::Light, false));
    assert_eq!(s.interval(), std::time::Duration::from_millis(500));
    assert_eq!(s.sampling, s.interval(), "no refresh change to announce");
    assert_eq!(
        s.python.start_method,
        Some(crate::python::StartMethod::Spawn)
    );
    // `]` and `[` go on from the refresh the file chose.
    update(&mut s, Action::Live(msg::live::Msg::FasterRefresh));
    assert_eq!(s.interval(), std::time::Duration::from_millis(250));
}

/// The theme names are written once ([`ThemeName::ALL`]); the `T` row's
/// help and `--theme`'s help, which are static text, must name them all,
/// in order.
#[test]
fn every_text_naming_the_themes_names_them_all() {
    let names: Vec<&str> = ThemeName::ALL.iter().map(|t| t.as_str()).collect();
    let row = crate::tui::keymap::BINDINGS
        .iter()
        .find(|b| b.help.starts_with("theme:"))
        .expect("the theme key's row");
    assert_eq!(row.help, format!("theme: {}", names.join(", ")));
    let cli = crate::cli::documented();
    let help = cli
        .get_arguments()
        .find(|a| a.get_id() == "theme")
        .and_then(|a| a.get_help())
        .map(|h| h.to_string())
        .expect("--theme has a help");
    let mut at = 0;
    for name in &names {
        let found = help[at..].find(name);
        assert!(found.is_some(), "--theme's help misses {name}: {help}");
        at += found.unwrap_or(0) + name.len();
    }
    assert_eq!(
        "x".parse::<ThemeName>().unwrap_err(),
        format!("unknown theme \"x\": choose {}", ThemeName::choices())
    );
    assert_eq!(ThemeName::choices(), "dark, light or mono");
}
