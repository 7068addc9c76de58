//! Switching the reader between courses: the built-in one and installed
//! packs, each with its own progress. Reading a course is I/O, so update
//! asks the runtime ([`Effect::LoadCourse`]) and applies the answer.

use super::super::action::Effect;
use super::super::action::course::Msg;
use super::super::state::{Mode, Overlay, State};
use super::Next;
use crate::lesson::LoadError;

pub(super) fn update(state: &mut State, msg: Msg, effects: &mut Vec<Effect>) -> Next {
    match msg {
        Msg::Found(courses, index) => {
            state.course = index.min(courses.len().saturating_sub(1));
            state.courses = courses;
        }
        Msg::Switch(by) => {
            let count = state.courses.len();
            if count < 2 {
                state.notice = Some(
                    "Only the built-in course is installed: add a pack with `forklab pack add PATH`"
                        .into(),
                );
            } else if state.children_running() {
                state.notice = Some(
                    "Stop the running script, lab or busy copies before changing course".into(),
                );
            } else {
                let index = (state.course as isize + by).rem_euclid(count as isize) as usize;
                // The progress so far belongs to this course's file: save
                // it before the runtime swaps files.
                if state.progress_dirty {
                    state.progress_dirty = false;
                    effects.push(Effect::SaveProgress(state.progress.clone()));
                }
                effects.push(Effect::LoadCourse(index, state.courses[index].clone()));
            }
        }
        Msg::Loaded(Err((index, e))) => state.notice = Some(not_loaded(state, index, &e)),
        Msg::Loaded(Ok(loaded)) => {
            let loaded = *loaded;
            state.course = loaded.index;
            state.current = loaded
                .progress
                .current
                .as_deref()
                .and_then(|id| loaded.lessons.index_of(id))
                .unwrap_or(0);
            state.lessons = loaded.lessons;
            state.progress = loaded.progress;
            state.progress_dirty = false;
            state.scroll = 0;
            state.revealed.clear();
            state.search = Default::default();
            state.pending = Default::default();
            state.python.run = None;
            state.python.example_args.clear();
            state.mode = Mode::Lesson;
            state.overlay = Overlay::Contents {
                selected: state.current,
            };
            state.rerender();
            let title = state
                .courses
                .get(state.course)
                .map_or("the course", |c| c.title.as_str());
            state.notice = Some(
                loaded
                    .notice
                    .unwrap_or_else(|| format!("{title}: {} lessons", state.lessons.len())),
            );
        }
    }
    None
}

/// The notice for a course that gives no lesson, by kind: a folder that
/// cannot be read, lessons that do not load (the first named with its
/// file and line, to fix), or none at all.
fn not_loaded(state: &State, index: usize, e: &LoadError) -> String {
    let title = state
        .courses
        .get(index)
        .map_or("the course", |c| c.title.as_str());
    match e {
        LoadError::Missing { dir, source } | LoadError::Unreadable { dir, source } => {
            format!("cannot read {}: {source}", dir.display())
        }
        LoadError::Malformed { problems, .. } => match problems.first() {
            Some(first) if problems.len() == 1 => {
                format!("{title} has no lesson that loads: {first}")
            }
            Some(first) => format!(
                "{title} has no lesson that loads: {first} (and {} more: `forklab check`)",
                problems.len() - 1
            ),
            None => format!("{title} has no lesson that loads"),
        },
        LoadError::Empty { .. } => format!("{title} has no lesson that loads"),
    }
}

#[cfg(test)]
mod tests {
    use crate::tui::action as msg;
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::layout::Rect;

    use super::super::super::action::{Action, Effect, LoadedCourse};
    use super::super::super::keymap::action_for;
    use super::super::super::state::{Overlay, State};
    use super::super::update_now as update;
    use crate::lesson::{LessonSet, LoadError, Origin};
    use crate::pack::Course;
    use crate::progress::Progress;

    fn fixture() -> LessonSet {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons");
        LessonSet::from_dir(std::path::Path::new(dir)).unwrap()
    }

    fn courses() -> Vec<Course> {
        vec![
            Course {
                title: "Built-in course".into(),
                origin: Origin::Embedded,
            },
            Course {
                title: "Fixture (pack)".into(),
                origin: fixture().origin,
            },
        ]
    }

    #[test]
    fn tab_in_the_contents_switches_course_with_its_own_progress() {
        let mut s = State::new(
            LessonSet::embedded(),
            Progress::default(),
            Rect::new(0, 0, 100, 30),
        );
        update(
            &mut s,
            Action::Course(msg::course::Msg::Found(courses(), 0)),
        );
        update(&mut s, Action::Overlay(msg::overlay::Msg::OpenContents));
        let tab = Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        let action = action_for(&s.places(), &tab).expect("Tab is bound in the contents");
        assert!(
            matches!(action, Action::Course(msg::course::Msg::Switch(1))),
            "{action:?}"
        );
        s.progress.mark_read("start");
        s.progress_dirty = true;
        let effects = update(&mut s, action);
        // The built-in course's progress is saved before the files swap.
        assert!(
            matches!(&effects[..], [Effect::SaveProgress(p), Effect::LoadCourse(1, c)]
            if p.is_read("start") && c.title == "Fixture (pack)"),
            "{effects:?}"
        );

        let lessons = fixture();
        let second = lessons.lessons[1].meta.id.clone();
        let progress = Progress {
            current: Some(second.clone()),
            ..Progress::default()
        };
        let effects = update(
            &mut s,
            Action::Course(msg::course::Msg::Loaded(Ok(Box::new(LoadedCourse {
                index: 1,
                lessons,
                progress,
                notice: None,
            })))),
        );
        // Anything saved now is the new course's, into its own file.
        assert!(
            effects
                .iter()
                .all(|e| !matches!(e, Effect::SaveProgress(p) if p.is_read("start")))
        );
        assert_eq!(s.course, 1);
        assert_eq!(s.lesson().meta.id, second);
        assert!(!s.progress.is_read("start"), "progress is per course");
        assert_eq!(s.overlay, Overlay::Contents { selected: 1 });
        assert!(s.notice.as_deref().unwrap().starts_with("Fixture (pack):"));

        // Back, wrapping around; a failed read only says why.
        let effects = update(&mut s, Action::Course(msg::course::Msg::Switch(1)));
        assert!(
            matches!(&effects[..], [Effect::LoadCourse(0, _)]),
            "{effects:?}"
        );
        let gone = crate::lesson::LessonSet::open(Some(std::path::Path::new("/no/such/pack")));
        update(
            &mut s,
            Action::Course(msg::course::Msg::Loaded(Err((0, gone.unwrap_err())))),
        );
        assert!(
            s.notice
                .as_deref()
                .unwrap()
                .starts_with("cannot read /no/such/pack: "),
            "{:?}",
            s.notice
        );
        assert_eq!(s.course, 1);
    }

    #[test]
    fn a_course_that_gives_no_lesson_says_which_kind() {
        let mut s = State::new(fixture(), Progress::default(), Rect::new(0, 0, 80, 24));
        update(
            &mut s,
            Action::Course(msg::course::Msg::Found(courses(), 0)),
        );
        let dir = tempfile::tempdir().unwrap();
        let empty = crate::lesson::LessonSet::open(Some(dir.path())).unwrap_err();
        assert!(matches!(empty, LoadError::Empty { .. }), "{empty:?}");
        std::fs::write(dir.path().join("bad.md"), "+++\nid = 1\n+++\n").unwrap();
        let malformed = crate::lesson::LessonSet::open(Some(dir.path())).unwrap_err();
        assert!(
            matches!(malformed, LoadError::Malformed { .. }),
            "{malformed:?}"
        );
        let notice = |s: &mut State, e: LoadError| {
            update(s, Action::Course(msg::course::Msg::Loaded(Err((1, e)))));
            s.notice.take().unwrap()
        };
        assert_eq!(
            notice(&mut s, empty),
            "Fixture (pack) has no lesson that loads"
        );
        let said = notice(&mut s, malformed);
        assert!(
            said.starts_with("Fixture (pack) has no lesson that loads: bad.md:2: "),
            "{said}"
        );
    }

    #[test]
    fn with_no_pack_installed_tab_says_how_to_add_one() {
        let mut s = State::new(fixture(), Progress::default(), Rect::new(0, 0, 80, 24));
        update(
            &mut s,
            Action::Course(msg::course::Msg::Found(courses()[..1].to_vec(), 0)),
        );
        let effects = update(&mut s, Action::Course(msg::course::Msg::Switch(1)));
        assert!(effects.is_empty());
        assert!(s.notice.as_deref().unwrap().contains("forklab pack add"));
    }
}
