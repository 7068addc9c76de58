//! The reader: lessons, overlays, search, links, questions and progress.

use crate::tui::action as msg;
use ratatui::layout::Rect;

use super::{Action, State, fixture, screen, state, update};
use crate::lesson::LessonSet;
use crate::progress::Progress;

#[test]
fn first_lesson_80x24() {
    let s = state(80, 24);
    snap!("first_lesson_80x24", screen(&s).backend());
}

#[test]
fn code_lesson_120x40() {
    let mut s = state(120, 40);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    snap!("code_lesson_120x40", screen(&s).backend());
}

#[test]
fn help_overlay_80x24() {
    let mut s = state(80, 24);
    update(&mut s, Action::Overlay(msg::overlay::Msg::ToggleHelp));
    snap!("help_overlay_80x24", screen(&s).backend());
}

#[test]
fn help_overlay_120x40_two_columns() {
    let mut s = state(120, 40);
    update(&mut s, Action::Overlay(msg::overlay::Msg::ToggleHelp));
    snap!("help_overlay_120x40_two_columns", screen(&s).backend());
}

#[test]
fn contents_overlay_80x24() {
    let mut s = state(80, 24);
    update(&mut s, Action::Overlay(msg::overlay::Msg::OpenContents));
    update(&mut s, Action::Overlay(msg::overlay::Msg::Move(1)));
    snap!("contents_overlay_80x24", screen(&s).backend());
}

#[test]
fn search_marks_hits_and_moves_between_lessons() {
    let mut s = state(80, 24);
    update(&mut s, Action::Search(msg::search::Msg::Start));
    for c in "worker".chars() {
        update(&mut s, Action::Search(msg::search::Msg::Type(c)));
    }
    update(&mut s, Action::Search(msg::search::Msg::Submit));
    assert!(s.search.hits.len() >= 2, "{:?}", s.search.hits);
    let first = s.search.hits[s.search.index];
    assert_eq!((s.current, true), (first.lesson, s.scroll <= first.line));
    let lessons: std::collections::BTreeSet<_> = s.search.hits.iter().map(|h| h.lesson).collect();
    assert!(lessons.len() >= 2);
    for _ in 0..s.search.hits.len() {
        update(&mut s, Action::Search(msg::search::Msg::Next));
        let hit = s.search.hits[s.search.index];
        assert_eq!(s.current, hit.lesson);
        assert!(hit.line >= s.scroll && hit.line < s.scroll + s.page_height());
    }
    snap!(
        "search_marks_hits_and_moves_between_lessons",
        screen(&s).backend()
    );
    update(&mut s, Action::Search(msg::search::Msg::End));
    assert!(!s.search.active());
}

#[test]
fn too_small_terminal_says_so() {
    let s = state(30, 8);
    snap!("too_small_terminal_says_so", screen(&s).backend());
}

#[test]
fn answers_are_revealed_with_a() {
    let mut s = state(80, 24);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    assert!(!s.doc.plain().contains("sum of the squares is 385"));
    update(&mut s, Action::Reader(msg::reader::Msg::ToggleAnswers));
    assert!(s.doc.plain().contains("385"), "{}", s.doc.plain());
    update(&mut s, Action::Reader(msg::reader::Msg::ToggleAnswers));
    assert!(!s.doc.plain().contains("385"));
}

#[test]
fn links_follow_by_keyboard_and_click() {
    let mut s = state(80, 24);
    assert_eq!(s.lesson().meta.id, "intro");
    update(&mut s, Action::Overlay(msg::overlay::Msg::OpenLinks));
    update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    assert_eq!(s.lesson().meta.id, "squares");
    update(&mut s, Action::Reader(msg::reader::Msg::PreviousLesson));
    let text = s.areas().text;
    let (line, col) = s
        .doc
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.plain().find("squares lesson").map(|c| (i, c)))
        .expect("the link text is on screen");
    update(
        &mut s,
        Action::Reader(msg::reader::Msg::Click {
            column: text.x + col as u16 + 1,
            row: text.y + line as u16,
        }),
    );
    assert_eq!(s.lesson().meta.id, "squares");
}

#[test]
fn reading_to_the_end_marks_read_and_resize_rewraps() {
    let mut s = state(80, 24);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    let id = s.lesson().meta.id.clone();
    assert!(!s.progress.is_read(&id));
    update(&mut s, Action::Reader(msg::reader::Msg::Bottom));
    assert!(s.progress.is_read(&id));
    assert_eq!(s.progress.current.as_deref(), Some(id.as_str()));
    let long = s.doc.len();
    update(
        &mut s,
        Action::Reader(msg::reader::Msg::Resize {
            width: 45,
            height: 20,
        }),
    );
    assert!(s.doc.len() > long);
    for line in s.doc.lines() {
        assert!(
            line.width() <= s.text_width(),
            "{} > {}: {:?}",
            line.width(),
            s.text_width(),
            line.plain()
        );
    }
}

#[test]
fn opens_where_the_learner_left_off() {
    let progress = Progress {
        current: Some("squares".into()),
        ..Progress::default()
    };
    let s = State::new(fixture(), progress, Rect::new(0, 0, 80, 24));
    assert_eq!(s.lesson().meta.id, "squares");
}

#[test]
fn questions_are_answered_with_digits_and_enter() {
    let mut s = state(80, 24);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    assert_eq!(s.lesson().meta.id, "tables");
    assert_eq!(s.questions.len(), 2);
    update(&mut s, Action::Quiz(msg::quiz::Msg::Key('3')));
    update(&mut s, Action::Quiz(msg::quiz::Msg::Confirm));
    assert_eq!(s.progress.answers["tables"], vec!["wrong"]);
    update(&mut s, Action::Quiz(msg::quiz::Msg::Key('2')));
    update(&mut s, Action::Quiz(msg::quiz::Msg::Key('.')));
    update(&mut s, Action::Quiz(msg::quiz::Msg::Key('0')));
    snap!(
        "questions_are_answered_with_digits_and_enter",
        screen(&s).backend()
    );
    let effects = update(&mut s, Action::Quiz(msg::quiz::Msg::Confirm));
    assert_eq!(s.progress.answers["tables"], vec!["wrong", "right"]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, super::Effect::SaveProgress(p) if p.answers["tables"].len() == 2))
    );
    assert!(s.open_question.is_none());
    update(&mut s, Action::Quiz(msg::quiz::Msg::Key('1')));
    assert!(s.notice.as_deref().unwrap().contains("answered"));
}

#[test]
fn questions_out_of_sight_ask_to_scroll() {
    let mut s = state(80, 10);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    update(&mut s, Action::Reader(msg::reader::Msg::Top));
    update(&mut s, Action::Quiz(msg::quiz::Msg::Key('1')));
    assert!(
        s.notice.as_deref().unwrap().contains("press G"),
        "{:?}",
        s.notice
    );
    assert!(s.progress.answers.is_empty());
}

#[test]
fn progress_is_saved_through_an_effect_and_a_failure_is_shown() {
    let mut s = State::new(fixture(), Progress::default(), Rect::new(0, 0, 80, 24));
    let effects = update(
        &mut s,
        Action::App(msg::app::Msg::Started(vec!["No live core readings".into()])),
    );
    // The first lesson is now the current one: that is progress to save.
    assert!(
        effects.iter().any(
            |e| matches!(e, super::Effect::SaveProgress(p) if p.current.as_deref() == Some("intro"))
        ),
        "{effects:?}"
    );
    assert_eq!(s.notice.as_deref(), Some("No live core readings"));
    assert!(update(&mut s, Action::Reader(msg::reader::Msg::Scroll(1))).is_empty());
    update(
        &mut s,
        Action::App(msg::app::Msg::Notice("Could not save progress".into())),
    );
    assert_eq!(s.notice.as_deref(), Some("Could not save progress"));
    update(&mut s, Action::App(msg::app::Msg::Shutdown));
    assert!(s.quit);
}

#[test]
fn every_shipped_lesson_fits_80_columns() {
    // The reader's text column at 80x24 (narrow layout, live panes shown).
    let width = 76;
    for lesson in &LessonSet::embedded().lessons {
        for reveal in [false, true] {
            let doc = crate::lesson::render::render(
                &lesson.body,
                crate::lesson::render::RenderOptions {
                    width,
                    reveal_answers: reveal,
                    highlight: None,
                },
            );
            for line in doc.lines() {
                let text = line.plain();
                assert!(line.width() <= width, "{}: too wide: {text:?}", lesson.file);
                assert!(
                    !text.contains('↪'),
                    "{}: a code line is cut: {text:?}",
                    lesson.file
                );
            }
        }
    }
}
