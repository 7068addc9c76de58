//! Whole-screen snapshots of the reader over ratatui's `TestBackend`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::{Action, State, update, view};
use crate::lesson::LessonSet;
use crate::progress::Progress;

fn fixture() -> LessonSet {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons");
    let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    set
}

fn state(width: u16, height: u16) -> State {
    State::new(
        fixture(),
        Progress::default(),
        Rect::new(0, 0, width, height),
    )
}

fn screen(state: &State) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(state.screen.width, state.screen.height)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    terminal
}

#[test]
fn first_lesson_80x24() {
    let s = state(80, 24);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn code_lesson_120x40() {
    let mut s = state(120, 40);
    update(&mut s, Action::NextLesson);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn help_overlay_80x24() {
    let mut s = state(80, 24);
    update(&mut s, Action::ToggleHelp);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn contents_overlay_80x24() {
    let mut s = state(80, 24);
    update(&mut s, Action::OpenContents);
    update(&mut s, Action::MenuMove(1));
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn search_marks_hits_and_moves_between_lessons() {
    let mut s = state(80, 24);
    update(&mut s, Action::StartSearch);
    for c in "worker".chars() {
        update(&mut s, Action::SearchType(c));
    }
    update(&mut s, Action::SearchSubmit);
    assert!(s.search.hits.len() >= 2, "{:?}", s.search.hits);
    let first = s.search.hits[s.search.index];
    assert_eq!((s.current, true), (first.lesson, s.scroll <= first.line));
    let lessons: std::collections::BTreeSet<_> = s.search.hits.iter().map(|h| h.lesson).collect();
    assert!(lessons.len() >= 2);
    for _ in 0..s.search.hits.len() {
        update(&mut s, Action::NextHit);
        let hit = s.search.hits[s.search.index];
        assert_eq!(s.current, hit.lesson);
        assert!(hit.line >= s.scroll && hit.line < s.scroll + s.page_height());
    }
    insta::assert_snapshot!(screen(&s).backend());
    update(&mut s, Action::EndSearch);
    assert!(!s.search.active());
}

#[test]
fn too_small_terminal_says_so() {
    let s = state(30, 8);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn answers_are_revealed_with_a() {
    let mut s = state(80, 24);
    update(&mut s, Action::NextLesson);
    assert!(!s.doc.plain().contains("sum of the squares is 385"));
    update(&mut s, Action::ToggleAnswers);
    assert!(s.doc.plain().contains("385"), "{}", s.doc.plain());
    update(&mut s, Action::ToggleAnswers);
    assert!(!s.doc.plain().contains("385"));
}

#[test]
fn links_follow_by_keyboard_and_click() {
    let mut s = state(80, 24);
    assert_eq!(s.lesson().meta.id, "intro");
    update(&mut s, Action::OpenLinks);
    update(&mut s, Action::MenuConfirm);
    assert_eq!(s.lesson().meta.id, "squares");
    update(&mut s, Action::PreviousLesson);
    let text = super::layout::areas(s.screen).text;
    let (line, col) = s
        .doc
        .lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| l.plain().find("squares lesson").map(|c| (i, c)))
        .expect("the link text is on screen");
    update(
        &mut s,
        Action::Click {
            column: text.x + col as u16 + 1,
            row: text.y + line as u16,
        },
    );
    assert_eq!(s.lesson().meta.id, "squares");
}

#[test]
fn reading_to_the_end_marks_read_and_resize_rewraps() {
    let mut s = state(80, 24);
    update(&mut s, Action::NextLesson);
    let id = s.lesson().meta.id.clone();
    assert!(!s.progress.is_read(&id));
    update(&mut s, Action::Bottom);
    assert!(s.progress.is_read(&id));
    assert_eq!(s.progress.current.as_deref(), Some(id.as_str()));
    let long = s.doc.lines.len();
    update(
        &mut s,
        Action::Resize {
            width: 45,
            height: 20,
        },
    );
    assert!(s.doc.lines.len() > long);
    for line in &s.doc.lines {
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
