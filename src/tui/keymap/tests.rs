//! The table is consistent, and the README says what it says.

use std::collections::BTreeSet;

use super::*;
use crate::tui::action as msg;

/// Places that are asked together with nothing taking precedence by
/// design: each key may mean one thing among them.
fn peer_groups() -> Vec<Vec<Where>> {
    use Where::*;
    let mut main = vec![Always];
    main.extend(MAIN);
    vec![
        main,
        vec![Always, Examples, List, Everywhere],
        vec![Always, Contents, List, Everywhere],
        vec![Always, Links, List, Everywhere],
        vec![Always, Lab],
        vec![Always, Search],
        vec![Always, Help, Everywhere],
        vec![Always, Exercises, List, Everywhere],
        vec![Always, Ask, Everywhere],
        vec![Always, PredictInput],
        vec![Always, TextPopup, Everywhere],
    ]
}

/// The plain keys a key stands for; none for the catch-alls (any
/// character, any other key), which come last by design.
fn concrete(key: Key) -> Vec<Key> {
    match key {
        Key::Digit => ('0'..='9').chain(['.']).map(Key::Char).collect(),
        Key::Text | Key::Other => Vec::new(),
        key => vec![key],
    }
}

#[test]
fn no_key_means_two_things_among_peers() {
    for group in peer_groups() {
        let mut seen: Vec<(Key, Where)> = Vec::new();
        for b in BINDINGS.iter().filter(|b| group.contains(&b.when)) {
            for key in b.keys.iter().flat_map(|k| concrete(*k)) {
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                    panic!("{key:?} is bound in {first:?} and in {:?}", b.when);
                }
                seen.push((key, b.when));
            }
        }
    }
}

#[test]
fn no_key_means_two_things_in_one_place() {
    for (i, a) in BINDINGS.iter().enumerate() {
        for b in &BINDINGS[i + 1..] {
            if a.when != b.when {
                continue;
            }
            for key in a.keys {
                assert!(
                    !b.keys.contains(key),
                    "{key:?} is bound twice in {:?}",
                    a.when
                );
            }
        }
    }
}

#[test]
fn only_ctrl_keys_work_while_typing() {
    for b in BINDINGS.iter().filter(|b| b.when == Where::Always) {
        assert!(
            b.keys.iter().all(|k| matches!(k, Key::Ctrl(_))),
            "{:?} would be typed, not obeyed",
            b.keys
        );
    }
}

#[test]
fn every_row_has_help_and_keys() {
    assert!(
        !BINDINGS[0].help.is_empty(),
        "the first row cannot continue"
    );
    for b in BINDINGS {
        assert!(!b.keys.is_empty(), "a binding without keys: {}", b.help);
    }
    let headings: Vec<_> = sections().iter().map(|s| s.heading).collect();
    let unique: BTreeSet<_> = headings.iter().collect();
    assert_eq!(
        headings.len(),
        unique.len(),
        "a help heading is split: {headings:?}"
    );
}

#[test]
fn keys_people_look_for_are_documented() {
    let text: Vec<String> = sections()
        .iter()
        .flat_map(|s| s.rows.iter().map(Row::keys_text))
        .collect();
    let text = text.join("\n");
    for key in [
        "Ctrl-Q", "Ctrl-C", "Ctrl-D", "Ctrl-U", "Esc", "Tab", "?", "L",
    ] {
        assert!(text.contains(key), "{key} is not in the help:\n{text}");
    }
}

#[test]
fn hints_name_the_keys_that_do_it() {
    let lesson = hint_for(|a| matches!(a, Action::Reader(msg::reader::Msg::NextLesson))).unwrap();
    assert_eq!(
        (lesson.keys_joined("/"), lesson.word),
        ("n/p".into(), "lesson")
    );
    let lab: Vec<String> = hints(Where::Lab)
        .iter()
        .map(|h| format!("{} {}", h.keys_joined(" "), h.word))
        .collect();
    assert_eq!(
        lab,
        [
            "L lesson",
            "+ - workers",
            "w workload",
            "< > tasks",
            "{ } chunk",
            "K cores",
            "E engine",
            "m method",
            "# runs",
            "r run",
            "s sweep",
            "x stop"
        ]
    );
}

/// The README's `## Keys` table, exactly as the bindings make it.
#[test]
fn readme_keys_table_matches_the_bindings() {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("\n## Keys\n")
        .nth(1)
        .expect("README has a ## Keys section");
    let table: String = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected = readme_table();
    assert!(
        table == expected,
        "README's key table differs from the bindings; replace it with:\n\n{expected}"
    );
}

/// Text that names a key (notices, footers) asks the table; each of those
/// actions has a key.
#[test]
fn every_key_named_in_text_exists() {
    let named: [fn(&Action) -> bool; 12] = [
        |a| matches!(a, Action::App(msg::app::Msg::Quit)),
        |a| matches!(a, Action::Overlay(msg::overlay::Msg::OpenContents)),
        |a| matches!(a, Action::Reader(msg::reader::Msg::Bottom)),
        |a| matches!(a, Action::Lab(msg::lab::Msg::Stop)),
        |a| matches!(a, Action::Lab(msg::lab::Msg::Run)),
        |a| matches!(a, Action::Lab(msg::lab::Msg::Sweep)),
        |a| matches!(a, Action::Python(msg::python::Msg::OpenExamples)),
        |a| matches!(a, Action::Python(msg::python::Msg::Stop)),
        |a| matches!(a, Action::Python(msg::python::Msg::ToggleOutput)),
        |a| matches!(a, Action::Live(msg::live::Msg::ToggleBusy)),
        |a| matches!(a, Action::Quiz(msg::quiz::Msg::Confirm)),
        |a| matches!(a, Action::Python(msg::python::Msg::CycleStartMethod)),
    ];
    for wanted in named {
        assert!(!key_for(wanted).is_empty());
    }
    assert_eq!(
        key_for(|a| matches!(a, Action::App(msg::app::Msg::Quit))),
        "q"
    );
    assert_eq!(
        hint_line(&hints(Where::List)),
        "j/k move · Enter open · Esc close"
    );
}
