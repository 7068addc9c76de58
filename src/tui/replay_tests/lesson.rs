//! A replay shows the lesson the recording was on, at its place, beside
//! the recorded panes: `lesson` records followed as time moves, seeking
//! included; a lesson the course lacks is said and the replay goes on.

use ratatui::layout::Rect;

use super::{Tape, apply, frame, ms, replaying};
use crate::lesson::LessonSet;
use crate::trace::replay::Cursor;
use crate::trace::{LessonPlace, Record, Trace};
use crate::tui::Action;
use crate::tui::action as msg;
use crate::tui::state::{Mode, ReplayStatus, State};
use crate::tui::update::update_now as update;

fn place(id: &str, section: Option<&str>, line: u64, lab: bool) -> Record {
    Record::Lesson(LessonPlace {
        id: id.into(),
        section: section.map(str::to_string),
        line,
        lab,
        experiment: None,
    })
}

/// Samples for 3 s; the learner on the intro, then 5 lines into the
/// squares lesson's heading, then its lab, then a lesson this course
/// lacks.
fn moving_trace() -> Trace {
    let mut tape = Tape::new(2);
    tape.record(0, place("intro", None, 0, false));
    tape.sample_until(900);
    let heading = Some("Squares with a worker pool");
    tape.record(1000, place("squares", heading, 5, false));
    tape.sample_until(1400);
    tape.record(1500, place("squares", heading, 5, true));
    tape.sample_until(1900);
    tape.record(2000, place("renamed-since", None, 0, false));
    tape.sample_until(3000);
    tape.trace()
}

fn seek(s: &mut State, cursor: &mut Cursor, trace: &Trace, at: u64) {
    apply(s, cursor.seek(&trace.entries, ms(at)));
}

#[test]
fn the_replay_follows_the_recorded_lessons_and_seeks_back() {
    let trace = moving_trace();
    let mut s = replaying(&trace, 80, 24);
    let squares = s.lessons.index_of("squares").unwrap();
    let mut cursor = Cursor::default();
    seek(&mut s, &mut cursor, &trace, 500);
    assert_eq!((s.lesson().meta.id.as_str(), s.scroll), ("intro", 0));
    seek(&mut s, &mut cursor, &trace, 1000);
    assert_eq!(s.current, squares);
    let heading = (s.doc.lines())
        .position(|l| l.plain().contains("Squares with a worker pool"))
        .unwrap();
    assert_eq!(s.scroll, heading + 5);
    let f = frame(&s);
    assert!(f.contains("def square(x)"), "{f}");
    seek(&mut s, &mut cursor, &trace, 1500);
    assert_eq!(s.mode, Mode::Lab, "the lab was open");
    // A lesson this course lacks: said, the screen left as it was, and
    // the replay goes on.
    seek(&mut s, &mut cursor, &trace, 2500);
    assert_eq!((s.current, s.mode), (squares, Mode::Lab));
    let notice = s.notice.clone().unwrap_or_default();
    assert!(notice.contains("\"renamed-since\""), "{notice}");
    let f = frame(&s);
    assert!(
        f.contains("No lesson \"renamed-since\" in this course"),
        "{f}"
    );
    seek(&mut s, &mut cursor, &trace, 3000);
    assert!(s.replay.as_ref().unwrap().ended);
    // Back in time: the place recorded then.
    seek(&mut s, &mut cursor, &trace, 1200);
    assert_eq!(
        (s.current, s.scroll, s.mode),
        (squares, heading + 5, Mode::Lesson)
    );
    seek(&mut s, &mut cursor, &trace, 100);
    assert_eq!(s.lesson().meta.id, "intro");
    // Someone else's reading: the learner's own place is untouched.
    assert_eq!(s.progress.current.as_deref(), Some("intro"));
    assert!(
        !s.progress.read.contains("squares"),
        "{:?}",
        s.progress.read
    );
}

#[test]
fn a_trace_without_lesson_records_leaves_the_lesson_to_the_viewer() {
    let mut tape = Tape::new(2);
    tape.sample_until(1000);
    let trace = tape.trace();
    let mut s = replaying(&trace, 80, 24);
    update(&mut s, Action::Reader(msg::reader::Msg::NextLesson));
    apply(
        &mut s,
        Cursor::default().seek(&trace.entries, trace.length()),
    );
    assert_eq!(s.lesson().meta.id, "squares", "where the viewer went");
}

/// The reader on `lesson` of the embedded course (else its first), at
/// `width` x 40.
fn reader(lesson: Option<&str>, width: u16) -> State {
    let screen = Rect::new(0, 0, width, 40);
    let mut s = State::with_cores(LessonSet::embedded(), Default::default(), screen, 2);
    s.current = lesson.and_then(|id| s.lessons.index_of(id)).unwrap_or(0);
    s.rerender();
    s
}

#[test]
fn the_place_and_the_experiment_recorded_are_the_ones_replayed() {
    // A lesson with two experiments, the lab open on the second.
    let (lesson, experiment) = (LessonSet::embedded().lessons.iter())
        .find_map(|l| {
            let second = l.meta.experiments.get(1)?;
            let id = second.get("id")?.as_str()?.to_string();
            Some((l.meta.id.clone(), id))
        })
        .expect("the course has a lesson of two experiments");
    let mut live = reader(Some(&lesson), 120);
    live.scroll = live.max_scroll() / 2;
    let recorded = live.lesson_place();
    assert!(recorded.section.is_some(), "{recorded:?}");
    let top = live.doc.line(live.scroll).unwrap().plain().to_string();
    let mut tape = Tape::new(2);
    let lab = LessonPlace {
        lab: true,
        experiment: Some(experiment.clone()),
        ..recorded.clone()
    };
    tape.record(10, Record::Lesson(recorded.clone()));
    tape.record(20, Record::Lesson(lab));
    let trace = tape.trace();
    for width in [120, 80] {
        let mut s = reader(None, width);
        s.replay = Some(ReplayStatus::new(&trace, std::time::Instant::now()));
        let mut cursor = Cursor::default();
        apply(&mut s, cursor.seek(&trace.entries, ms(10)));
        assert_eq!(s.lesson().meta.id, lesson);
        if width == 120 {
            assert_eq!(
                s.doc.line(s.scroll).unwrap().plain(),
                top,
                "the same top line"
            );
        }
        // Wrapped at another width: under the same heading.
        assert_eq!(s.lesson_place().section, recorded.section, "at {width}");
        apply(&mut s, cursor.seek(&trace.entries, ms(20)));
        assert_eq!(s.mode, Mode::Lab);
        let (_, open) = s.lab.experiment.as_ref().expect("an experiment open");
        assert_eq!(open.id, experiment, "the one recorded, not the first");
        assert!(frame(&s).contains(&open.title[..20.min(open.title.len())]));
    }
}
