//! The key table against a real `State` and `update`: what a key does
//! where the learner is, and that a replay refuses every key that acts.
//! (Here, not in `keymap/tests.rs`, so the keymap needs no `State`.)

mod dispatch {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::layout::Rect;

    use crate::lesson::LessonSet;
    use crate::progress::Progress;
    use crate::tui::action as msg;
    use crate::tui::action::Action;
    use crate::tui::keymap::*;
    use crate::tui::state::State;
    use crate::tui::update::update_now as update;

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
/// Read-only replays follow from the table's `acts` column, row by row.
mod read_only {
    use crossterm::event::{
        Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
    };
    use ratatui::layout::Rect;

    use crate::lesson::LessonSet;
    use crate::progress::Progress;
    use crate::tui::action as msg;
    use crate::tui::action::Action;
    use crate::tui::action::replay::READ_ONLY;
    use crate::tui::action::{Effect, Message};
    use crate::tui::keymap::*;
    use crate::tui::state::{Ask, Mode, Overlay, ReplayStatus, State};
    use crate::tui::update::update_now;

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
            Where::Experiments => s.overlay = Overlay::Experiments { selected: 0 },
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
    use crate::tui::action as msg;
    use crate::tui::keymap::sections_from;
    use crate::tui::state::{Focus, Mode, State};
    use crate::tui::update::update_now;
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
