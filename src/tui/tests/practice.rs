//! Practice: the workspace, the prediction, live checks and stopping them.

use crate::tui::action as msg;
use ratatui::layout::Rect;

use super::{Action, State, screen, update};
use crate::lesson::LessonSet;
use crate::progress::Progress;

#[test]
fn practice_asks_for_a_folder_and_a_prediction_then_checks_live() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/practice");
    let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
    let mut s = State::with_cores(set, Progress::default(), Rect::new(0, 0, 80, 24), 2);
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    let folder = std::path::PathBuf::from("/home/learner/forklab-exercises");
    s.practice.default_workspace = folder.clone();

    asks_for_a_folder_and_a_prediction(&mut s, &folder);
    a_failing_judgement_arrives(&mut s);
    a_hint_then_the_solution(&mut s);
    update(&mut s, Action::Overlay(msg::overlay::Msg::OpenContents));
    let contents = format!("{:?}", screen(&s).backend());
    assert!(contents.contains("exercise ✗·"), "{contents}");
}

/// E, the exercise chosen, the folder made, a prediction typed: the
/// learner's file is worked on.
fn asks_for_a_folder_and_a_prediction(s: &mut State, folder: &std::path::Path) {
    use super::Effect;
    use super::state::{Ask, Overlay};
    let folder = folder.to_path_buf();
    update(s, Action::Practice(msg::practice::Msg::Edit));
    assert_eq!(s.overlay, Overlay::Exercises { selected: 0 });
    update(s, Action::Overlay(msg::overlay::Msg::Confirm));
    assert_eq!(
        s.overlay,
        Overlay::Ask(Ask::CreateWorkspace {
            dir: folder.clone()
        })
    );
    let effects = update(s, Action::Practice(msg::practice::Msg::AskYes));
    assert_eq!(effects, [Effect::MakeWorkspace(folder.clone())]);
    update(
        s,
        Action::Practice(msg::practice::Msg::WorkspaceMade(Ok(folder.clone()))),
    );
    assert!(matches!(s.overlay, Overlay::Predict { .. }));
    for c in "2 workers".chars() {
        update(s, Action::Practice(msg::practice::Msg::PredictType(c)));
    }
    snap!("practice_predict_80x24", screen(s).backend());
    let effects = update(s, Action::Practice(msg::practice::Msg::PredictDone));
    let path = folder.join("pool_squares.py");
    assert!(
        effects.contains(&Effect::WorkOn {
            lesson: 0,
            exercise: 0,
            path
        }),
        "{effects:?}"
    );
    assert_eq!(
        s.progress.exercise("pool-squares").prediction.as_deref(),
        Some("2 workers")
    );
}

/// A judgement's events of generation 1 (`Judging`, then each of them).
fn judge_events(s: &mut State, events: impl IntoIterator<Item = crate::practice::Event>) {
    use crate::practice::live::LiveEvent;
    update(
        s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Judging {
            generation: 1,
        })),
    );
    for event in events {
        update(
            s,
            Action::Practice(msg::practice::Msg::Live(LiveEvent::Judge {
                generation: 1,
                event,
            })),
        );
    }
}

fn verdict(
    kind: &str,
    outcome: crate::practice::Outcome,
    reason: &str,
) -> crate::practice::Verdict {
    crate::practice::Verdict {
        kind: kind.into(),
        label: String::new(),
        outcome,
        reason: reason.into(),
    }
}

/// Rows fill in as verdicts come; a stale event changes nothing; the
/// report marks the exercise failing.
fn a_failing_judgement_arrives(s: &mut State) {
    use crate::practice::live::LiveEvent;
    use crate::practice::{Event, Outcome, Report};
    let skipped = "not run: fix the check above first";
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
        verdict("start-methods", Outcome::Skipped, skipped),
        verdict("no-leftovers", Outcome::Skipped, skipped),
    ];
    let run = Event::Run {
        label: "your file".into(),
    };
    judge_events(
        s,
        std::iter::once(run).chain(verdicts.iter().cloned().map(Event::Verdict)),
    );
    // A stale event of an earlier judgement changes nothing.
    update(
        s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Judge {
            generation: 0,
            event: Event::Verdict(verdict("exit", Outcome::Failed, "old")),
        })),
    );
    let report = Report {
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
    };
    update(
        s,
        Action::Practice(msg::practice::Msg::Live(LiveEvent::Done {
            generation: 1,
            report,
        })),
    );
    snap!("practice_checks_80x24", screen(s).backend());
    let record = s.progress.exercise("pool-squares");
    assert_eq!(record.state, crate::progress::ExerciseState::Failing);
}

/// H shows the first hint; S asks before revealing, then shows it.
fn a_hint_then_the_solution(s: &mut State) {
    use super::Effect;
    use super::state::{Ask, Overlay};
    update(s, Action::Practice(msg::practice::Msg::Hint));
    assert!(matches!(&s.overlay, Overlay::Text { title, .. } if title.starts_with("Hint 1 of 2")));
    update(s, Action::Overlay(msg::overlay::Msg::Close));
    update(s, Action::Practice(msg::practice::Msg::Solution));
    assert_eq!(s.overlay, Overlay::Ask(Ask::RevealSolution));
    let effects = update(s, Action::Practice(msg::practice::Msg::AskYes));
    assert!(effects.contains(&Effect::ReadSolution {
        lesson: 0,
        exercise: 0
    }));
    update(
        s,
        Action::Practice(msg::practice::Msg::SolutionRead(
            "pool-squares".into(),
            Ok("print('result: 1')\n".into()),
        )),
    );
    assert!(s.progress.exercise("pool-squares").solution_revealed);
    update(s, Action::Overlay(msg::overlay::Msg::Close));
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
