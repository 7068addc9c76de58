//! Running a lesson's examples with Python: the menu, waiting for Python, skips.

use crate::tui::action as msg;
use ratatui::layout::Rect;

use super::{Action, State, screen, some_python, state, update};
use crate::lesson::LessonSet;
use crate::progress::Progress;

#[test]
fn choosing_an_example_asks_to_run_it_with_its_arguments() {
    let mut s = state(80, 24);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    let effects = update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    assert_eq!(effects, vec![super::Effect::FindPython]);
    assert!(update(&mut s, Action::Overlay(msg::overlay::Msg::Close)).is_empty());
    // Python is looked for once.
    assert!(update(&mut s, Action::Python(msg::python::Msg::OpenExamples)).is_empty());
    update(&mut s, Action::Overlay(msg::overlay::Msg::Move(1)));
    update(&mut s, Action::Python(msg::python::Msg::EditArgs));
    for c in " 2".chars() {
        update(&mut s, Action::Search(msg::search::Msg::Type(c)));
        update(&mut s, Action::Python(msg::python::Msg::ArgsType(c)));
    }
    update(&mut s, Action::Python(msg::python::Msg::ArgsDone));
    update(&mut s, Action::Python(msg::python::Msg::CycleStartMethod));
    update(&mut s, Action::Python(msg::python::Msg::CycleStartMethod));
    snap!(
        "choosing_an_example_asks_to_run_it_with_its_arguments",
        screen(&s).backend()
    );
    let effects = update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    // Python is still being looked for: the run waits for it (the UI
    // thread never does), and the sampler already runs at its fastest.
    assert_eq!(
        effects,
        vec![super::Effect::SetInterval(
            std::time::Duration::from_millis(250)
        )]
    );
    assert!(s.children_running());
    assert!(s.output_shown());
    let effects = update(
        &mut s,
        Action::Python(msg::python::Msg::Found(Ok(some_python()))),
    );
    assert_eq!(
        effects,
        vec![super::Effect::RunExample(super::RunPlan {
            number: 1,
            lesson: 1,
            example: 1,
            args: vec!["0.5".into(), "2".into()],
            method: Some(crate::python::StartMethod::Spawn),
        })]
    );
    // Once found, the next run starts at once.
    update(
        &mut s,
        Action::Python(msg::python::Msg::Event(
            1,
            crate::python::PyEvent::Failed("x".into()),
        )),
    );
    update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    let effects = update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    assert!(
        matches!(&effects[..], [super::Effect::RunExample(plan), ..] if plan.number == 2),
        "{effects:?}"
    );
}

#[test]
fn no_python_ends_the_waiting_run_with_the_reason() {
    let mut s = state(80, 24);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    let effects = update(
        &mut s,
        Action::Python(msg::python::Msg::Found(Err("no python3 on PATH".into()))),
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, super::Effect::RunExample(_))),
        "{effects:?}"
    );
    assert!(!s.children_running());
    let run = s.python.run.as_ref().unwrap();
    assert_eq!(
        run.end,
        Some(super::state::RunEnd::Failed("no python3 on PATH".into()))
    );
}

#[test]
fn a_run_stopped_while_python_is_looked_for_never_starts() {
    let mut s = state(80, 24);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    update(&mut s, Action::Python(msg::python::Msg::Stop));
    assert!(!s.children_running());
    let effects = update(
        &mut s,
        Action::Python(msg::python::Msg::Found(Ok(some_python()))),
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, super::Effect::RunExample(_))),
        "{effects:?}"
    );
}

#[test]
fn a_skipped_run_says_what_is_missing_instead_of_passing() {
    let mut s = state(100, 30);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    update(
        &mut s,
        Action::Python(msg::python::Msg::Found(Ok(some_python()))),
    );
    update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    let effects = update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    let number = match &effects[..] {
        [super::Effect::RunExample(plan), ..] => plan.number,
        other => panic!("no run asked for: {other:?}"),
    };
    update(
        &mut s,
        Action::Python(msg::python::Msg::Event(
            number,
            crate::python::PyEvent::Skipped {
                missing: vec!["distributed".into()],
            },
        )),
    );
    let text = screen(&s).backend().to_string();
    assert!(
        text.contains("skipped: needs distributed"),
        "the output pane does not say it:\n{text}"
    );
    for line in text.lines().filter(|l| l.contains("skipped")) {
        assert!(!line.contains('✓'), "a skipped run looks passed:\n{text}");
    }
}

#[test]
fn worked_answers_join_the_example_menu_once_asked_for() {
    let set = LessonSet::embedded();
    let map = set.index_of("map").unwrap();
    let answer = set.lessons[map]
        .meta
        .examples
        .iter()
        .position(|e| e.worked_answer)
        .expect("the map lesson has a worked answer");
    let mut s = State::new(set, Progress::default(), Rect::new(0, 0, 100, 30));
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    s.current = map;
    s.rerender();
    assert!(!s.menu_examples().contains(&answer));
    update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    for _ in 0..5 {
        update(&mut s, Action::Overlay(msg::overlay::Msg::Move(1)));
    }
    update(&mut s, Action::Overlay(msg::overlay::Msg::Last));
    let super::state::Overlay::Examples { selected, .. } = s.overlay.clone() else {
        panic!("the example menu is open");
    };
    assert_ne!(selected, answer, "the menu reached the held-back answer");
    let menu = screen(&s).backend().to_string();
    let title = &s.lesson().meta.examples[answer].title;
    assert!(!menu.contains(title.as_str()), "{menu}");
    update(&mut s, Action::Overlay(msg::overlay::Msg::Close));
    // Asking for the answers lists it, and it stays listed when hidden again.
    update(&mut s, Action::Reader(msg::reader::Msg::ToggleAnswers));
    update(&mut s, Action::Reader(msg::reader::Msg::ToggleAnswers));
    assert!(s.menu_examples().contains(&answer));
    update(&mut s, Action::Python(msg::python::Msg::OpenExamples));
    update(&mut s, Action::Overlay(msg::overlay::Msg::Last));
    let super::state::Overlay::Examples { selected, .. } = s.overlay.clone() else {
        panic!("the example menu is open");
    };
    assert_eq!(selected, answer);
}

#[test]
fn worked_answers_join_the_example_menu_once_an_exercise_was_checked() {
    let set = LessonSet::embedded();
    let map = set.index_of("map").unwrap();
    let meta = &set.lessons[map].meta;
    let answer = meta.examples.iter().position(|e| e.worked_answer).unwrap();
    let exercise = meta
        .exercises
        .first()
        .expect("the map lesson has an exercise")
        .id
        .clone();
    let mut progress = Progress::default();
    let mut s = State::new(set.clone(), progress.clone(), Rect::new(0, 0, 100, 30));
    s.current = map;
    assert!(!s.menu_examples().contains(&answer));
    progress.record_check(&exercise, false);
    let mut s = State::new(set, progress, Rect::new(0, 0, 100, 30));
    s.current = map;
    assert!(s.menu_examples().contains(&answer));
}
