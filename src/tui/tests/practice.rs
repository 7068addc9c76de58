//! Practice: the workspace, the prediction, live checks and stopping them.

use crate::tui::action as msg;
use ratatui::layout::Rect;

use super::{Action, State, screen, update};
use crate::lesson::LessonSet;
use crate::progress::Progress;

#[test]
fn practice_asks_for_a_folder_and_a_prediction_then_checks_live() {
    use super::Effect;
    use super::state::{Ask, Overlay};
    use crate::practice::live::LiveEvent;
    use crate::practice::{Event, Outcome, Report, Verdict};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/practice");
    let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
    let mut s = State::with_cores(set, Progress::default(), Rect::new(0, 0, 80, 24), 2);
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    let folder = std::path::PathBuf::from("/home/learner/forklab-exercises");
    s.practice.default_workspace = folder.clone();

    update(&mut s, Action::Practice(msg::practice::Msg::Edit));
    assert_eq!(s.overlay, Overlay::Exercises { selected: 0 });
    update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    assert_eq!(
        s.overlay,
        Overlay::Ask(Ask::CreateWorkspace {
            dir: folder.clone()
        })
    );
    let effects = update(&mut s, Action::Practice(msg::practice::Msg::AskYes));
    assert_eq!(effects, [Effect::MakeWorkspace(folder.clone())]);
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::WorkspaceMade(Ok(folder.clone()))),
    );
    assert!(matches!(s.overlay, Overlay::Predict { .. }));
    for c in "2 workers".chars() {
        update(&mut s, Action::Practice(msg::practice::Msg::PredictType(c)));
    }
    snap!("practice_predict_80x24", screen(&s).backend());
    let effects = update(&mut s, Action::Practice(msg::practice::Msg::PredictDone));
    let path = folder.join("pool_squares.py");
    assert!(
        effects.contains(&Effect::WorkOn {
            lesson: 0,
            exercise: 0,
            path: path.clone()
        }),
        "{effects:?}"
    );
    assert_eq!(
        s.progress.exercise("pool-squares").prediction.as_deref(),
        Some("2 workers")
    );

    // A judgement arrives: rows fill in as verdicts come.
    let verdict = |kind: &str, outcome, reason: &str| Verdict {
        kind: kind.into(),
        label: String::new(),
        outcome,
        reason: reason.into(),
    };
    let verdicts = vec![
        verdict("exit", Outcome::Passed, "exit status 0"),
        verdict("output", Outcome::Passed, "the output has what it needs"),
        verdict(
            "same-result",
            Outcome::Passed,
            "1 result line, the same as the reference",
        ),
        verdict(
            "workers",
            Outcome::Failed,
            "0 workers seen, 2 wanted: start the work in a pool",
        ),
        verdict(
            "start-methods",
            Outcome::Skipped,
            "not run: fix the check above first",
        ),
        verdict(
            "no-leftovers",
            Outcome::Skipped,
            "not run: fix the check above first",
        ),
    ];
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Judging {
            generation: 1,
        })),
    );
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Judge {
            generation: 1,
            event: Event::Run {
                label: "your file".into(),
            },
        })),
    );
    for v in &verdicts {
        update(
            &mut s,
            Action::Practice(msg::practice::Msg::Live(LiveEvent::Judge {
                generation: 1,
                event: Event::Verdict(v.clone()),
            })),
        );
    }
    // A stale event of an earlier judgement changes nothing.
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Judge {
            generation: 0,
            event: Event::Verdict(verdict("exit", Outcome::Failed, "old")),
        })),
    );
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Done {
            generation: 1,
            report: Report {
                exercise: "pool-squares".into(),
                file: None,
                verdict: crate::practice::Overall::Fail,
                reason: "exits with status 0: exit status 1".into(),
                passed: false,
                load: None,
                verdicts,
                output: vec!["result: 2646700".into()],
                python: "3.11.7".into(),
                seconds: 0.2,
                contained: None,
            },
        })),
    );
    snap!("practice_checks_80x24", screen(&s).backend());
    let record = s.progress.exercise("pool-squares");
    assert_eq!(record.state, crate::progress::ExerciseState::Failing);

    update(&mut s, Action::Practice(msg::practice::Msg::Hint));
    assert!(matches!(&s.overlay, Overlay::Text { title, .. } if title.starts_with("Hint 1 of 2")));
    update(&mut s, Action::Overlay(msg::overlay::Msg::Close));
    update(&mut s, Action::Practice(msg::practice::Msg::Solution));
    assert_eq!(s.overlay, Overlay::Ask(Ask::RevealSolution));
    let effects = update(&mut s, Action::Practice(msg::practice::Msg::AskYes));
    assert!(effects.contains(&Effect::ReadSolution {
        lesson: 0,
        exercise: 0
    }));
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::SolutionRead(
            "pool-squares".into(),
            Ok("print('result: 1')\n".into()),
        )),
    );
    assert!(s.progress.exercise("pool-squares").solution_revealed);
    update(&mut s, Action::Overlay(msg::overlay::Msg::Close));
    update(&mut s, Action::Overlay(msg::overlay::Msg::OpenContents));
    let contents = format!("{:?}", screen(&s).backend());
    assert!(contents.contains("exercise ✗·"), "{contents}");
}

#[test]
fn x_stops_a_check_in_progress() {
    use super::Effect;
    use crate::practice::Event;
    use crate::practice::live::LiveEvent;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/practice");
    let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
    let mut progress = Progress::default();
    progress
        .exercises
        .entry("pool-squares".into())
        .or_default()
        .prediction = Some("2".into());
    let mut s = State::with_cores(set, progress, Rect::new(0, 0, 80, 24), 2);
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    s.practice.workspace = Some("/tmp/ex".into());
    update(&mut s, Action::Practice(msg::practice::Msg::Edit));
    let effects = update(&mut s, Action::Overlay(msg::overlay::Msg::Confirm));
    assert!(
        matches!(effects.as_slice(), [Effect::WorkOn { .. }]),
        "{effects:?}"
    );
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Judging {
            generation: 1,
        })),
    );
    update(
        &mut s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Judge {
            generation: 1,
            event: Event::Run {
                label: "your file".into(),
            },
        })),
    );
    let effects = update(&mut s, Action::Python(msg::python::Msg::Stop));
    assert!(effects.contains(&Effect::StopJudging), "{effects:?}");
    let working = s.practice.working.as_ref().unwrap();
    assert!(!working.judging());
    assert!(working.problem.as_deref().unwrap().starts_with("Stopped"));
    // Without a check running, x is the examples' stop again.
    let effects = update(&mut s, Action::Python(msg::python::Msg::Stop));
    assert!(!effects.contains(&Effect::StopJudging));
}
