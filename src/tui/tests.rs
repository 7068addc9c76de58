//! Whole-screen snapshots of the reader over ratatui's `TestBackend`.

mod themes;

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

/// The reader as the event loop starts it (its first save done).
fn state(width: u16, height: u16) -> State {
    let mut s = State::new(
        fixture(),
        Progress::default(),
        Rect::new(0, 0, width, height),
    );
    update(&mut s, Action::Started(Vec::new()));
    s
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
    let text = s.areas().text;
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

fn live_state(width: u16, height: u16, cores: usize, processes: usize) -> State {
    use crate::monitor::Sampler;
    let mut s = state(width, height);
    let mut sampler = crate::monitor::scripted::ScriptedSampler::new(cores, processes);
    // A sample a second, ending now, so the sparklines span 30 s.
    let t0 = std::time::Instant::now() - std::time::Duration::from_secs(30);
    for i in 0..30 {
        let at = t0 + std::time::Duration::from_secs(i);
        update(&mut s, Action::Sampled(Box::new(sampler.sample()), at));
    }
    s
}

#[test]
fn live_panes_2_cores_80x24() {
    let s = live_state(80, 24, 2, 3);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn live_panes_16_cores_120x40() {
    let s = live_state(120, 40, 16, 6);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn live_panes_128_cores_200x60() {
    let s = live_state(200, 60, 128, 20);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn live_panes_128_cores_80x24() {
    let s = live_state(80, 24, 128, 3);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn live_panes_16_cores_80x24() {
    let s = live_state(80, 24, 16, 1);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn a_killed_worker_lingers_with_how_it_ended() {
    use crate::monitor::Sampler;
    let mut s = live_state(120, 40, 2, 3);
    let mut sampler = crate::monitor::scripted::ScriptedSampler::new(2, 3);
    let mut sample = sampler.sample();
    let gone = sample.processes.pop().unwrap();
    update(
        &mut s,
        Action::Sampled(Box::new(sample), std::time::Instant::now()),
    );
    update(
        &mut s,
        Action::ChildEnded {
            pid: gone.pid,
            ending: crate::os::process::Exit::Signal(9),
        },
    );
    let terminal = screen(&s);
    let text = format!("{:?}", terminal.backend());
    let row = text
        .lines()
        .find(|l| l.contains(&gone.pid.to_string()))
        .expect("the ended worker is still listed");
    assert!(
        row.contains(" X sig 9 ") && row.contains("└ worker 2"),
        "{row}"
    );
}

#[test]
fn projector_view_2_and_128_cores() {
    let mut s = live_state(120, 40, 2, 3);
    update(&mut s, Action::ToggleProjector);
    insta::assert_snapshot!("projector_2", screen(&s).backend());
    let mut s = live_state(200, 60, 128, 3);
    update(&mut s, Action::ToggleProjector);
    insta::assert_snapshot!("projector_128", screen(&s).backend());
    update(&mut s, Action::ToggleProjector);
    assert!(!s.projector);
}

#[test]
fn refresh_interval_stays_between_250ms_and_5s() {
    let mut s = state(80, 24);
    assert_eq!(s.interval(), std::time::Duration::from_secs(1));
    for _ in 0..10 {
        update(&mut s, Action::FasterRefresh);
    }
    assert_eq!(s.interval(), std::time::Duration::from_millis(250));
    let effects = update(&mut s, Action::SlowerRefresh);
    assert_eq!(
        effects,
        vec![super::Effect::SetInterval(
            std::time::Duration::from_millis(500)
        )]
    );
    for _ in 0..10 {
        update(&mut s, Action::SlowerRefresh);
    }
    assert_eq!(s.interval(), std::time::Duration::from_secs(5));
}

#[test]
fn quitting_with_busy_copies_asks_once() {
    let mut s = state(80, 24);
    assert_eq!(
        update(&mut s, Action::ToggleBusy),
        vec![super::Effect::StartBusy(s.cores)]
    );
    update(&mut s, Action::BusyStarted(Ok(vec![10, 11])));
    update(&mut s, Action::Quit);
    assert!(!s.quit);
    assert!(s.notice.as_deref().unwrap().contains("q again"));
    update(&mut s, Action::Quit);
    assert!(s.quit);
}

#[test]
fn questions_are_answered_with_digits_and_enter() {
    let mut s = state(80, 24);
    update(&mut s, Action::NextLesson);
    update(&mut s, Action::NextLesson);
    assert_eq!(s.lesson().meta.id, "tables");
    assert_eq!(s.questions.len(), 2);
    update(&mut s, Action::QuizKey('3'));
    update(&mut s, Action::QuizConfirm);
    assert_eq!(s.progress.answers["tables"], vec!["wrong"]);
    update(&mut s, Action::QuizKey('2'));
    update(&mut s, Action::QuizKey('.'));
    update(&mut s, Action::QuizKey('0'));
    insta::assert_snapshot!(screen(&s).backend());
    let effects = update(&mut s, Action::QuizConfirm);
    assert_eq!(s.progress.answers["tables"], vec!["wrong", "right"]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, super::Effect::SaveProgress(p) if p.answers["tables"].len() == 2))
    );
    assert!(s.open_question.is_none());
    update(&mut s, Action::QuizKey('1'));
    assert!(s.notice.as_deref().unwrap().contains("answered"));
}

#[test]
fn questions_out_of_sight_ask_to_scroll() {
    let mut s = state(80, 10);
    update(&mut s, Action::NextLesson);
    update(&mut s, Action::NextLesson);
    update(&mut s, Action::Top);
    update(&mut s, Action::QuizKey('1'));
    assert!(
        s.notice.as_deref().unwrap().contains("press G"),
        "{:?}",
        s.notice
    );
    assert!(s.progress.answers.is_empty());
}

#[test]
fn choosing_an_example_asks_to_run_it_with_its_arguments() {
    let mut s = state(80, 24);
    update(&mut s, Action::NextLesson);
    let effects = update(&mut s, Action::OpenExamples);
    assert_eq!(effects, vec![super::Effect::FindPython]);
    assert!(update(&mut s, Action::CloseOverlay).is_empty());
    // Python is looked for once.
    assert!(update(&mut s, Action::OpenExamples).is_empty());
    update(&mut s, Action::MenuMove(1));
    update(&mut s, Action::EditArgs);
    for c in " 2".chars() {
        update(&mut s, Action::SearchType(c));
        update(&mut s, Action::ArgsType(c));
    }
    update(&mut s, Action::ArgsDone);
    update(&mut s, Action::CycleStartMethod);
    update(&mut s, Action::CycleStartMethod);
    insta::assert_snapshot!(screen(&s).backend());
    let effects = update(&mut s, Action::MenuConfirm);
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
    let effects = update(&mut s, Action::PythonFound(Ok(some_python())));
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
        Action::Python(1, crate::python::PyEvent::Failed("x".into())),
    );
    update(&mut s, Action::OpenExamples);
    let effects = update(&mut s, Action::MenuConfirm);
    assert!(
        matches!(&effects[..], [super::Effect::RunExample(plan), ..] if plan.number == 2),
        "{effects:?}"
    );
}

/// An interpreter as the search reports one (nothing runs it here).
fn some_python() -> crate::python::Interpreter {
    use crate::python::StartMethod;
    crate::python::Interpreter {
        path: "python3".into(),
        found: "python3".into(),
        source: crate::python::interpreter::Source::Path,
        version: "3.11.9".into(),
        version_info: (3, 11, 9),
        default_start_method: StartMethod::Fork,
        start_methods: StartMethod::ALL.to_vec(),
    }
}

#[test]
fn no_python_ends_the_waiting_run_with_the_reason() {
    let mut s = state(80, 24);
    update(&mut s, Action::NextLesson);
    update(&mut s, Action::OpenExamples);
    update(&mut s, Action::MenuConfirm);
    let effects = update(
        &mut s,
        Action::PythonFound(Err("no python3 on PATH".into())),
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
    update(&mut s, Action::NextLesson);
    update(&mut s, Action::OpenExamples);
    update(&mut s, Action::MenuConfirm);
    update(&mut s, Action::StopExample);
    assert!(!s.children_running());
    let effects = update(&mut s, Action::PythonFound(Ok(some_python())));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, super::Effect::RunExample(_))),
        "{effects:?}"
    );
}

#[test]
fn progress_is_saved_through_an_effect_and_a_failure_is_shown() {
    let mut s = State::new(fixture(), Progress::default(), Rect::new(0, 0, 80, 24));
    let effects = update(
        &mut s,
        Action::Started(vec!["No live core readings".into()]),
    );
    // The first lesson is now the current one: that is progress to save.
    assert!(
        effects.iter().any(
            |e| matches!(e, super::Effect::SaveProgress(p) if p.current.as_deref() == Some("intro"))
        ),
        "{effects:?}"
    );
    assert_eq!(s.notice.as_deref(), Some("No live core readings"));
    assert!(update(&mut s, Action::Scroll(1)).is_empty());
    update(&mut s, Action::Notice("Could not save progress".into()));
    assert_eq!(s.notice.as_deref(), Some("Could not save progress"));
    update(&mut s, Action::Shutdown);
    assert!(s.quit);
}

fn lab_state(width: u16, height: u16) -> State {
    use crate::lab::Workload;
    use crate::lab::pool::{LabConfig, LabEvent, RunResult};
    use std::time::Duration;
    let mut s = live_state(width, height, 2, 3);
    s.lab.cores = 2;
    update(&mut s, Action::ToggleLab);
    // One run per point (# twice: 3, 5, 1), so each result ends its point.
    update(&mut s, Action::LabRepeat);
    update(&mut s, Action::LabRepeat);
    assert_eq!(s.lab.config.repeat, 1);
    update(&mut s, Action::LabWorkers(1));
    for c in "1.2".chars() {
        update(&mut s, Action::LabGuess(c));
    }
    let result = |workers: usize, ms: u64| RunResult {
        config: LabConfig {
            workers,
            worker_exe: "forklab".into(),
            ..LabConfig::new(Workload::Cpu)
        },
        startup: Duration::from_millis(4),
        wall: Duration::from_millis(ms),
        serial: Duration::ZERO,
        answer: 5,
        pids: vec![7; workers],
        tasks_done: vec![1; workers],
        crashes: Vec::new(),
        ..RunResult::default()
    };
    s.lab.measured.push(super::lab::Measured {
        result: result(1, 2000),
        guess: None,
        batch: 0,
    });
    let effects = update(&mut s, Action::LabRun);
    assert!(matches!(
        effects.as_slice(),
        [super::Effect::RunLab(c), super::Effect::SetInterval(_)] if c.workers == 2
    ));
    let ms = Duration::from_millis;
    let config = LabConfig {
        workers: 2,
        ..s.lab.config.clone()
    };
    update(
        &mut s,
        Action::Lab(Box::new(LabEvent::RunStarted {
            config,
            started: std::time::Instant::now(),
        })),
    );
    for (worker, pid) in [(0, 101), (1, 102)] {
        update(
            &mut s,
            Action::Lab(Box::new(LabEvent::WorkerSpawned {
                worker,
                pid,
                at: ms(1),
            })),
        );
    }
    for task in 0..8 {
        let worker = task % 2;
        let pid = 101 + worker as u32;
        update(
            &mut s,
            Action::Lab(Box::new(LabEvent::TaskStarted {
                worker,
                pid,
                task,
                at: ms(10 + 120 * (task / 2) as u64),
            })),
        );
        update(
            &mut s,
            Action::Lab(Box::new(LabEvent::TaskFinished {
                worker,
                pid,
                task,
                value: 1,
                at: ms(125 + 120 * (task / 2) as u64),
            })),
        );
    }
    update(
        &mut s,
        Action::Lab(Box::new(LabEvent::RunFinished(Box::new(result(2, 1020))))),
    );
    s
}

#[test]
fn lab_after_two_runs_120x40() {
    let s = lab_state(120, 40);
    assert!(!s.lab.running);
    assert_eq!(s.lab.measured.len(), 2);
    assert_eq!(s.lab.measured[1].guess, Some(1.2));
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn lab_after_two_runs_80x24() {
    let s = lab_state(80, 24);
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn guesses_are_kept_and_shown_on_the_next_visit() {
    let s = lab_state(80, 24);
    let kept: Vec<_> = s.progress.guesses_for("own").collect();
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].workers, kept[0].guess), (2, 1.2));
    assert!((kept[0].measured - 1.02).abs() < 1e-9);
    // forklab starts again with that progress and the lab opens afresh.
    let mut again = State::new(fixture(), s.progress.clone(), Rect::new(0, 0, 80, 24));
    update(&mut again, Action::ToggleLab);
    let text = format!("{:?}", screen(&again).backend());
    assert!(
        text.contains("Your last guesses here: 2 workers: 1.20 s, took 1.02 s (+18%)"),
        "{text}"
    );
}

#[test]
fn help_overlay_120x40_two_columns() {
    let mut s = state(120, 40);
    update(&mut s, Action::ToggleHelp);
    insta::assert_snapshot!(screen(&s).backend());
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
            for line in &doc.lines {
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
    update(&mut s, Action::Started(Vec::new()));
    s.current = map;
    s.rerender();
    assert!(!s.menu_examples().contains(&answer));
    update(&mut s, Action::OpenExamples);
    for _ in 0..5 {
        update(&mut s, Action::MenuMove(1));
    }
    update(&mut s, Action::MenuLast);
    let super::state::Overlay::Examples { selected, .. } = s.overlay.clone() else {
        panic!("the example menu is open");
    };
    assert_ne!(selected, answer, "the menu reached the held-back answer");
    let menu = screen(&s).backend().to_string();
    let title = &s.lesson().meta.examples[answer].title;
    assert!(!menu.contains(title.as_str()), "{menu}");
    update(&mut s, Action::CloseOverlay);
    // Asking for the answers lists it, and it stays listed when hidden again.
    update(&mut s, Action::ToggleAnswers);
    update(&mut s, Action::ToggleAnswers);
    assert!(s.menu_examples().contains(&answer));
    update(&mut s, Action::OpenExamples);
    update(&mut s, Action::MenuLast);
    let super::state::Overlay::Examples { selected, .. } = s.overlay.clone() else {
        panic!("the example menu is open");
    };
    assert_eq!(selected, answer);
}

#[test]
fn practice_asks_for_a_folder_and_a_prediction_then_checks_live() {
    use super::Effect;
    use super::state::{Ask, Overlay};
    use crate::practice::judge::{Event, Outcome, Report, Verdict};
    use crate::practice::live::LiveEvent;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/practice");
    let set = LessonSet::from_dir(std::path::Path::new(dir)).unwrap();
    let mut s = State::with_cores(set, Progress::default(), Rect::new(0, 0, 80, 24), 2);
    update(&mut s, Action::Started(Vec::new()));
    let folder = std::path::PathBuf::from("/home/learner/forklab-exercises");
    s.practice.default_workspace = folder.clone();

    update(&mut s, Action::EditExercise);
    assert_eq!(s.overlay, Overlay::Exercises { selected: 0 });
    update(&mut s, Action::MenuConfirm);
    assert_eq!(
        s.overlay,
        Overlay::Ask(Ask::CreateWorkspace {
            dir: folder.clone()
        })
    );
    let effects = update(&mut s, Action::AskYes);
    assert_eq!(effects, [Effect::MakeWorkspace(folder.clone())]);
    update(&mut s, Action::WorkspaceMade(Ok(folder.clone())));
    assert!(matches!(s.overlay, Overlay::Predict { .. }));
    for c in "2 workers".chars() {
        update(&mut s, Action::PredictType(c));
    }
    insta::assert_snapshot!("practice_predict_80x24", screen(&s).backend());
    let effects = update(&mut s, Action::PredictDone);
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
        Action::Practice(LiveEvent::Judging { generation: 1 }),
    );
    update(
        &mut s,
        Action::Practice(LiveEvent::Judge {
            generation: 1,
            event: Event::Run {
                label: "your file".into(),
            },
        }),
    );
    for v in &verdicts {
        update(
            &mut s,
            Action::Practice(LiveEvent::Judge {
                generation: 1,
                event: Event::Verdict(v.clone()),
            }),
        );
    }
    // A stale event of an earlier judgement changes nothing.
    update(
        &mut s,
        Action::Practice(LiveEvent::Judge {
            generation: 0,
            event: Event::Verdict(verdict("exit", Outcome::Failed, "old")),
        }),
    );
    update(
        &mut s,
        Action::Practice(LiveEvent::Done {
            generation: 1,
            report: Report {
                exercise: "pool-squares".into(),
                passed: false,
                verdicts,
                output: vec!["result: 2646700".into()],
                python: "3.11.7".into(),
                seconds: 0.2,
            },
        }),
    );
    insta::assert_snapshot!("practice_checks_80x24", screen(&s).backend());
    let record = s.progress.exercise("pool-squares");
    assert_eq!(record.state, crate::progress::ExerciseState::Failing);

    update(&mut s, Action::ExerciseHint);
    assert!(matches!(&s.overlay, Overlay::Text { title, .. } if title.starts_with("Hint 1 of 2")));
    update(&mut s, Action::CloseOverlay);
    update(&mut s, Action::ExerciseSolution);
    assert_eq!(s.overlay, Overlay::Ask(Ask::RevealSolution));
    let effects = update(&mut s, Action::AskYes);
    assert!(effects.contains(&Effect::ReadSolution {
        lesson: 0,
        exercise: 0
    }));
    update(
        &mut s,
        Action::SolutionRead(Ok("print('result: 1')\n".into())),
    );
    assert!(s.progress.exercise("pool-squares").solution_revealed);
    update(&mut s, Action::CloseOverlay);
    update(&mut s, Action::OpenContents);
    let contents = format!("{:?}", screen(&s).backend());
    assert!(contents.contains("exercise ✗·"), "{contents}");
}

#[test]
fn x_stops_a_check_in_progress() {
    use super::Effect;
    use crate::practice::judge::Event;
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
    update(&mut s, Action::Started(Vec::new()));
    s.practice.workspace = Some("/tmp/ex".into());
    update(&mut s, Action::EditExercise);
    let effects = update(&mut s, Action::MenuConfirm);
    assert!(
        matches!(effects.as_slice(), [Effect::WorkOn { .. }]),
        "{effects:?}"
    );
    update(
        &mut s,
        Action::Practice(LiveEvent::Judging { generation: 1 }),
    );
    update(
        &mut s,
        Action::Practice(LiveEvent::Judge {
            generation: 1,
            event: Event::Run {
                label: "your file".into(),
            },
        }),
    );
    let effects = update(&mut s, Action::StopExample);
    assert!(effects.contains(&Effect::StopJudging), "{effects:?}");
    let working = s.practice.working.as_ref().unwrap();
    assert!(!working.judging());
    assert!(working.problem.as_deref().unwrap().starts_with("Stopped"));
    // Without a check running, x is the examples' stop again.
    let effects = update(&mut s, Action::StopExample);
    assert!(!effects.contains(&Effect::StopJudging));
}

/// The terminal can change size between the resize event and the draw
/// (found by tests/e2e_faults.rs resizing rapidly): a frame of another size
/// than the state last heard of is drawn to its own size, never past it.
#[test]
fn a_frame_of_another_size_than_the_state_knows_is_drawn_within_it() {
    for (width, height) in [(200, 60), (120, 40), (80, 24)] {
        let mut s = live_state(width, height, 16, 6);
        for mode in [super::state::Mode::Lesson, super::state::Mode::Lab] {
            s.mode = mode;
            for (w, h) in [(79, 23), (60, 20), (30, 12), (20, 5), (1, 1), (250, 80)] {
                let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                terminal.draw(|f| view(&s, f)).unwrap();
            }
        }
    }
}

/// The dask engine on a scheduler forklab did not start: the cluster
/// pane takes the process pane's place, a load bar per host and a row per
/// worker (the run's two, and one it did not use).
#[test]
fn cluster_pane_replaces_the_processes_120x40() {
    use crate::lab::engine::dask::ClusterWorker;
    let mut s = lab_state(120, 40);
    assert!(!s.lab.shows_cluster());
    s.lab.config.engine = crate::lab::Engine::Dask;
    s.lab.config.scheduler = Some(std::sync::Arc::new("tcp://10.0.0.1:8786".into()));
    let worker = |host: &str, port: u16, pid: u32, cpu: f64, running: usize| ClusterWorker {
        address: format!("tcp://{host}:{port}"),
        pid,
        host: host.into(),
        nthreads: 1,
        mem: 4 << 30,
        used: 60 << 20,
        cpu,
        running,
    };
    update(
        &mut s,
        Action::Lab(Box::new(crate::lab::LabEvent::Cluster(vec![
            worker("10.0.0.2", 40001, 101, 98.0, 3),
            worker("10.0.0.2", 40002, 102, 51.0, 2),
            worker("10.0.0.3", 40001, 0, 0.0, 0),
        ]))),
    );
    assert!(s.lab.shows_cluster());
    let text = format!("{:?}", screen(&s).backend());
    assert!(!text.contains("Processes:"), "{text}");
    insta::assert_snapshot!(screen(&s).backend());
}

#[test]
fn a_skipped_run_says_what_is_missing_instead_of_passing() {
    let mut s = state(100, 30);
    update(&mut s, Action::NextLesson);
    update(&mut s, Action::PythonFound(Ok(some_python())));
    update(&mut s, Action::OpenExamples);
    let effects = update(&mut s, Action::MenuConfirm);
    let number = match &effects[..] {
        [super::Effect::RunExample(plan), ..] => plan.number,
        other => panic!("no run asked for: {other:?}"),
    };
    update(
        &mut s,
        Action::Python(
            number,
            crate::python::PyEvent::Skipped {
                missing: vec!["distributed".into()],
            },
        ),
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
