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

mod dispatch {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::layout::Rect;

    use super::super::super::state::State;
    use super::super::super::update::update_now as update;
    use super::super::*;
    use crate::lesson::LessonSet;
    use crate::progress::Progress;
    use crate::tui::action as msg;

    fn state() -> State {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons");
        let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
        State::new(set, Progress::default(), Rect::new(0, 0, 80, 24))
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    fn press(state: &State, c: char) -> String {
        let event = key(KeyCode::Char(c), KeyModifiers::NONE);
        format!("{:?}", action_for(&state.places(), &event))
    }

    fn ctrl(state: &State, c: char) -> String {
        let event = key(KeyCode::Char(c), KeyModifiers::CONTROL);
        format!("{:?}", action_for(&state.places(), &event))
    }

    #[test]
    fn the_same_key_does_what_the_screen_calls_for() {
        let mut s = state();
        assert_eq!(press(&s, 'q'), "Some(App(Quit))");
        assert_eq!(ctrl(&s, 'q'), "Some(App(Quit))");
        assert_eq!(ctrl(&s, 'd'), "Some(Reader(Page(1)))");
        assert_eq!(ctrl(&s, 'u'), "Some(Reader(Page(-1)))");
        assert_eq!(press(&s, '3'), "Some(Quiz(Key('3')))");
        assert_eq!(press(&s, 'Z'), "None");

        update(&mut s, Action::Search(msg::search::Msg::Start));
        assert_eq!(press(&s, 'q'), "Some(Search(Type('q')))");
        assert_eq!(ctrl(&s, 'q'), "Some(App(Quit))");
        assert_eq!(ctrl(&s, 'd'), "None");
        update(&mut s, Action::Search(msg::search::Msg::End));

        update(&mut s, Action::Overlay(msg::overlay::Msg::ToggleHelp));
        assert_eq!(press(&s, 'j'), "Some(Overlay(HelpScroll(1)))");
        assert_eq!(press(&s, 'x'), "Some(Overlay(Close))");
        assert_eq!(press(&s, 'q'), "Some(App(Quit))");
        update(&mut s, Action::Overlay(msg::overlay::Msg::ToggleHelp));

        update(&mut s, Action::Overlay(msg::overlay::Msg::OpenContents));
        assert_eq!(press(&s, 't'), "Some(Overlay(Close))");
        assert_eq!(press(&s, 'j'), "Some(Overlay(Move(1)))");
        update(&mut s, Action::Overlay(msg::overlay::Msg::Close));

        update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
        assert_eq!(press(&s, '3'), "Some(Lab(Guess('3')))");
        assert_eq!(press(&s, 'x'), "Some(Lab(Stop))");
        assert_eq!(press(&s, 'c'), "Some(Live(ToggleProjector))");
        let esc = key(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            format!("{:?}", action_for(&s.places(), &esc)),
            "Some(Lab(Toggle))"
        );
    }
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

/// Read-only replays follow from the table's `acts` column, row by row.
mod read_only {
    use crossterm::event::{
        Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
    };
    use ratatui::layout::Rect;

    use super::super::super::action::replay::READ_ONLY;
    use super::super::super::action::{Effect, Message};
    use super::super::super::state::{Ask, Mode, Overlay, ReplayStatus, State};
    use super::super::super::update::update_now;
    use super::super::*;
    use crate::lesson::LessonSet;
    use crate::progress::Progress;
    use crate::tui::action as msg;

    fn state(replay: bool) -> State {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons");
        let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
        let mut s = State::with_cores(set, Progress::default(), Rect::new(0, 0, 120, 40), 2);
        if replay {
            let tick = std::time::Duration::from_millis(250);
            let bytes = crate::trace::scripted(2, 1, 3, tick);
            let trace = crate::trace::Trace::read(&bytes[..]).unwrap();
            s.replay = Some(ReplayStatus::new(&trace, std::time::Instant::now()));
        }
        update_now(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
        // A lesson with examples, so the examples popup has rows.
        s.current = (s.lessons.lessons.iter())
            .position(|l| !l.meta.examples.is_empty())
            .expect("a fixture lesson with examples");
        s.rerender();
        s
    }

    /// The screen on which `when`'s bindings are asked.
    fn put_in(s: &mut State, when: Where) {
        match when {
            Where::Lab => s.mode = Mode::Lab,
            Where::Examples | Where::List => {
                s.overlay = Overlay::Examples {
                    selected: 0,
                    editing: None,
                }
            }
            Where::ExampleArgs => {
                s.overlay = Overlay::Examples {
                    selected: 0,
                    editing: Some(String::new()),
                }
            }
            Where::Exercises => s.overlay = Overlay::Exercises { selected: 0 },
            Where::Ask => s.overlay = Overlay::Ask(Ask::RevealSolution),
            Where::PredictInput => {
                s.overlay = Overlay::Predict {
                    text: String::new(),
                }
            }
            _ => {}
        }
    }

    /// A terminal event for each concrete key of a binding.
    fn events(key: Key) -> Vec<Event> {
        let press = |code, modifiers| Event::Key(KeyEvent::new(code, modifiers));
        let mouse = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 1,
                row: 1,
                modifiers: KeyModifiers::NONE,
            })
        };
        match key {
            Key::Char(c) => vec![press(KeyCode::Char(c), KeyModifiers::NONE)],
            Key::Ctrl(c) => vec![press(KeyCode::Char(c), KeyModifiers::CONTROL)],
            Key::Code(code) => vec![press(code, KeyModifiers::NONE)],
            Key::Digit => vec![press(KeyCode::Char('7'), KeyModifiers::NONE)],
            Key::Text => vec![press(KeyCode::Char('x'), KeyModifiers::NONE)],
            Key::Other => vec![press(KeyCode::F(5), KeyModifiers::NONE)],
            Key::WheelDown => vec![mouse(MouseEventKind::ScrollDown)],
            Key::WheelUp => vec![mouse(MouseEventKind::ScrollUp)],
            Key::Click => vec![mouse(MouseEventKind::Down(MouseButton::Left))],
        }
    }

    /// What a row's action did, applied live: anything that runs, stops,
    /// records or writes, or a change to the next run's settings.
    fn acted(before: &Settings, after: &State, effects: &[Effect]) -> Option<String> {
        let acting = effects.iter().find(|e| {
            matches!(
                e,
                Effect::RunExample(_)
                    | Effect::StopExample
                    | Effect::RunLab(_)
                    | Effect::SweepLab(..)
                    | Effect::StopLab
                    | Effect::StartBusy(_)
                    | Effect::StopBusy
                    | Effect::StartRecording
                    | Effect::StopRecording
                    | Effect::SetInterval(_)
                    | Effect::MakeWorkspace(_)
                    | Effect::WorkOn { .. }
                    | Effect::StopJudging
                    | Effect::SendToClass(_)
            )
        });
        if let Some(effect) = acting {
            return Some(format!("{effect:?}"));
        }
        if *before != settings(after) {
            return Some("changed the settings of the next run".into());
        }
        None
    }

    /// What the next run would be: the lab's settings, its guess, the
    /// examples' start method.
    type Settings = (
        crate::lab::LabConfig,
        String,
        Option<crate::python::StartMethod>,
    );

    fn settings(s: &State) -> Settings {
        (
            s.lab.config.clone(),
            s.lab.guess.clone(),
            s.python.start_method,
        )
    }

    /// Applies the message a key gives at a place (live or replayed):
    /// what it did, if it ran or changed anything, and the notice.
    fn press_at(
        replay: bool,
        when: Where,
        event: &Event,
    ) -> Option<(Action, Option<String>, State)> {
        let mut s = state(replay);
        put_in(&mut s, when);
        let action = action_for(&s.places(), event)?;
        let before = settings(&s);
        let effects = update_now(&mut s, action.clone());
        Some((action, acted(&before, &s, &effects), s))
    }

    /// Read only by construction: a message that says it acts is refused
    /// in a replay, whatever key, place or hand-off brings it (Enter in the
    /// examples list hands on "run the highlighted example"); and every key
    /// that acts live is refused in a replay, row by row of the table.
    #[test]
    fn every_key_that_acts_is_refused_in_a_replay_and_no_other_acts() {
        for b in BINDINGS {
            for event in b.keys.iter().flat_map(|k| events(*k)) {
                let row = format!("{:?} {:?} ({:?})", b.when, b.keys, b.action());
                let Some((action, live, _)) = press_at(false, b.when, &event) else {
                    continue;
                };
                let (replay_action, replayed, s) =
                    press_at(true, b.when, &event).expect("a binding in a replay too");
                assert_eq!(replayed, None, "{row} in a replay");
                // The replay's own keys (Space, ← →, < >) take over there.
                let same = format!("{replay_action:?}") == format!("{action:?}");
                if same && (live.is_some() || action.acts()) {
                    assert_eq!(s.notice.as_deref(), Some(READ_ONLY), "{row}: {live:?}");
                }
            }
            // The message itself, however it comes (a click, a hand-off).
            if b.action().acts() {
                let mut s = state(true);
                put_in(&mut s, b.when);
                let before = settings(&s);
                let effects = update_now(&mut s, b.action());
                assert_eq!(
                    acted(&before, &s, &effects),
                    None,
                    "{:?} in a replay",
                    b.action()
                );
                assert_eq!(s.notice.as_deref(), Some(READ_ONLY));
            }
        }
    }

    /// A message that runs or changes something live says it acts.
    #[test]
    fn every_message_that_acts_live_says_so() {
        for b in BINDINGS {
            let action = b.action();
            if action.acts() || matches!(action, Action::Overlay(_)) {
                // Overlay messages hand the acting ones on (checked above).
                continue;
            }
            let mut live = state(false);
            put_in(&mut live, b.when);
            let before = settings(&live);
            let effects = update_now(&mut live, action.clone());
            if let Some(what) = acted(&before, &live, &effects) {
                panic!("{action:?} acts ({what}) but its `acts()` says not");
            }
        }
    }

    #[test]
    fn a_replay_refuses_e_m_and_hash_in_the_lab() {
        let mut s = state(true);
        put_in(&mut s, Where::Lab);
        let config = s.lab.config.clone();
        for c in ['E', 'm', '#', 'r', 's', 'w', '+', '{', 'K', '3'] {
            let event = Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            let action = action_for(&s.places(), &event).expect("a binding");
            assert!(action.acts(), "{c}: {action:?}");
            update_now(&mut s, action);
            assert_eq!(s.notice.as_deref(), Some(READ_ONLY), "{c}");
        }
        assert_eq!(s.lab.config, config);
    }
}

/// `?` opens the help at the place the learner is: its keys first.
#[test]
fn the_help_opens_at_the_current_place() {
    use super::super::state::{Focus, Mode, State};
    use super::super::update::update_now;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons");
    let set = crate::lesson::LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
    let mut s = State::new(
        set,
        crate::progress::Progress::default(),
        ratatui::layout::Rect::new(0, 0, 100, 30),
    );
    let cases = [
        (Mode::Lesson, Focus::Lesson, "Lesson"),
        (Mode::Lesson, Focus::Output, "Python examples"),
        (Mode::Lab, Focus::Lesson, "Worker lab"),
    ];
    for (mode, focus, heading) in cases {
        s.mode = mode;
        s.focus = focus;
        update_now(&mut s, msg::overlay::Msg::ToggleHelp.into());
        assert_eq!(sections_from(s.help_from)[0].heading, heading);
        update_now(&mut s, msg::overlay::Msg::ToggleHelp.into());
    }
}
