//! Practice: choosing an exercise, the exercise folder, the prediction,
//! the editor, the live check list, hints and the solution.
//!
//! The practice loop's runs are shown in the output pane like an
//! example's: a run's Python events are handed on to the Python part as
//! `python::Msg::Event`.

use std::time::Instant;

use super::super::action::practice::Msg;
use super::super::action::{Action, Effect, overlay, python};
use super::super::keymap;
use super::super::state::{Ask, CheckRow, ExampleRun, Overlay, State, Working};
use super::Next;
use crate::practice::judge::label;
use crate::practice::live::LiveEvent;
use crate::practice::{Event, Outcome};

pub(super) fn update(state: &mut State, msg: Msg, now: Instant, effects: &mut Vec<Effect>) -> Next {
    match msg {
        Msg::Edit => return edit(state, effects),
        Msg::OpenSelected => {
            if let Overlay::Exercises { selected } = state.overlay {
                state.overlay = Overlay::None;
                return start(state, state.current, selected, effects);
            }
        }
        Msg::AskYes => ask_yes(state, effects),
        Msg::AskNo => {
            state.overlay = Overlay::None;
            state.practice.pending = None;
        }
        Msg::WorkspaceMade(Ok(dir)) => {
            state.notice = Some(format!("Your exercise files are in {}", dir.display()));
            state.progress.practice_dir = Some(dir.clone());
            state.progress_dirty = true;
            state.practice.workspace = Some(dir);
            if let Some((lesson, exercise)) = state.practice.pending.take() {
                return start(state, lesson, exercise, effects);
            }
        }
        Msg::WorkspaceMade(Err(message)) => {
            state.practice.pending = None;
            state.notice = Some(message);
        }
        Msg::PredictType(c) => {
            if let Overlay::Predict { text } = &mut state.overlay
                && text.chars().count() < 200
            {
                text.push(c);
            }
        }
        Msg::PredictBackspace => {
            if let Overlay::Predict { text } = &mut state.overlay {
                text.pop();
            }
        }
        Msg::PredictDone => predict_done(state, effects),
        Msg::EditorDone(result) => {
            if let Some(w) = &state.practice.working {
                state.notice = Some(match result {
                    Ok(()) => format!(
                        "Watching {}: every save is checked (or edit it in another window)",
                        w.path.display()
                    ),
                    Err(message) => message,
                });
            }
        }
        Msg::Hint => hint(state),
        Msg::Solution => match current(state) {
            None => no_exercise(state),
            Some((lesson, exercise)) => {
                let id = &exercise_of(state, lesson, exercise).id;
                if state.progress.exercise(id).solved {
                    effects.push(Effect::ReadSolution { lesson, exercise });
                } else {
                    state.overlay = Overlay::Ask(Ask::RevealSolution);
                }
            }
        },
        Msg::SolutionRead(id, Ok(text)) => solution_read(state, &id, &text),
        Msg::SolutionRead(_, Err(message)) => state.notice = Some(message),
        Msg::Live(event) => return live_event(state, event, now),
    }
    None
}

/// `E`: the lesson's one exercise started, a list of its exercises to
/// choose from, or (a lesson without one) the exercise worked on.
fn edit(state: &mut State, effects: &mut Vec<Effect>) -> Next {
    match state.lesson().meta.exercises.len() {
        0 => match &state.practice.working {
            Some(w) => {
                let (lesson, exercise) = (w.lesson, w.exercise);
                return start(state, lesson, exercise, effects);
            }
            None => {
                state.notice = Some(format!(
                    "This lesson has no exercise: the contents ({}) marks those that have",
                    keymap::key_for(|a| matches!(a, Action::Overlay(overlay::Msg::OpenContents)))
                ))
            }
        },
        1 => return start(state, state.current, 0, effects),
        _ => {
            let selected = state
                .practice
                .working
                .as_ref()
                .filter(|w| w.lesson == state.current)
                .map_or(0, |w| w.exercise);
            state.overlay = Overlay::Exercises { selected };
        }
    }
    None
}

/// Yes to the question asked: make the exercise folder, or show the
/// solution.
fn ask_yes(state: &mut State, effects: &mut Vec<Effect>) {
    match std::mem::replace(&mut state.overlay, Overlay::None) {
        Overlay::Ask(Ask::CreateWorkspace { dir }) => {
            state.notice = Some(format!("Writing the starter files to {}…", dir.display()));
            effects.push(Effect::MakeWorkspace(dir));
        }
        Overlay::Ask(Ask::RevealSolution) => {
            if let Some((lesson, exercise)) = current(state) {
                effects.push(Effect::ReadSolution { lesson, exercise });
            }
        }
        other => state.overlay = other,
    }
}

/// The prediction written down (empty: skipped, asked again next time),
/// then the exercise opened.
fn predict_done(state: &mut State, effects: &mut Vec<Effect>) {
    if let Overlay::Predict { text } = std::mem::replace(&mut state.overlay, Overlay::None)
        && let Some((lesson, exercise)) = state.practice.pending.take()
    {
        let id = exercise_of(state, lesson, exercise).id.clone();
        let record = state.progress.exercises.entry(id).or_default();
        let text = text.trim().to_string();
        if !text.is_empty() {
            record.prediction = Some(text);
            state.progress_dirty = true;
        }
        open(state, lesson, exercise, effects);
    }
}

/// The next hint of the current exercise, in a popup.
fn hint(state: &mut State) {
    let Some((lesson, exercise)) = current(state) else {
        return no_exercise(state);
    };
    let ex = exercise_of(state, lesson, exercise).clone();
    match crate::practice::Hint::next(&mut state.progress, &ex) {
        None => state.notice = Some(format!("{:?} has no hints", ex.title)),
        Some(hint) => {
            state.progress_dirty = true;
            let key = keymap::key_for(|a| matches!(a, Action::Practice(Msg::Solution)));
            let mut lines = vec![hint.text.clone()];
            lines.extend(hint.after(&key).map(|after| format!("\n{after}")));
            state.overlay = Overlay::Text {
                title: format!("{} · {}", hint.heading(), ex.title),
                lines,
                scroll: 0,
            };
        }
    }
}

/// The solution read: shown (and marked as seen) only if it is still the
/// exercise in question.
fn solution_read(state: &mut State, id: &str, text: &str) {
    if let Some((lesson, exercise)) = current(state)
        && exercise_of(state, lesson, exercise).id == id
    {
        let title = exercise_of(state, lesson, exercise).title.clone();
        state.progress.reveal_solution(id);
        state.progress_dirty = true;
        state.overlay = Overlay::Text {
            title: format!("Solution · {title}"),
            lines: text
                .lines()
                .map(|s| crate::sanitize::text(s).into_owned())
                .collect(),
            scroll: 0,
        };
    }
}

/// Shows or hides the output pane of the exercise's checks.
pub(super) fn toggle_output(state: &mut State) {
    state.practice.hidden = !state.practice.hidden;
    if let Some(run) = &mut state.python.run {
        run.hidden = state.practice.hidden;
    }
    state.rerender();
}

/// Stops the check in progress and every process it started.
pub(super) fn stop_judging(state: &mut State, effects: &mut Vec<Effect>) {
    if let Some(w) = &mut state.practice.working {
        w.running = None;
        w.problem = Some("Stopped: save the file to check it again".into());
        // The run ends as stopped; its last events are dropped.
        if let Some(run) = state
            .python
            .run
            .as_mut()
            .filter(|r| Some(r.number) == w.run_number)
        {
            run.end = Some(super::super::state::RunEnd::Failed("stopped".into()));
        }
        w.run_number = None;
    }
    effects.push(Effect::StopJudging);
    state.notice = Some("Stopping the check and every process it started".into());
}

/// The exercise hints and the solution are about: the one worked on,
/// unless the lesson on screen has another exercise of its own (then its
/// only one); never an exercise of another lesson than both.
fn current(state: &State) -> Option<(usize, usize)> {
    let here = state.lesson().meta.exercises.len();
    match &state.practice.working {
        Some(w) if w.lesson == state.current || here == 0 => Some((w.lesson, w.exercise)),
        _ if here == 1 => Some((state.current, 0)),
        _ => None,
    }
}

fn no_exercise(state: &mut State) {
    state.notice = Some(format!(
        "No exercise open: {} on a lesson with one starts it",
        keymap::key_for(|a| matches!(a, Action::Practice(Msg::Edit)))
    ));
}

fn exercise_of(state: &State, lesson: usize, exercise: usize) -> &crate::lesson::Exercise {
    &state.lessons.lessons[lesson].meta.exercises[exercise]
}

/// Works on an exercise: the folder first (asked once), then the
/// prediction (if the exercise asks one and none was made), then the editor.
fn start(state: &mut State, lesson: usize, exercise: usize, effects: &mut Vec<Effect>) -> Next {
    state.practice.pending = Some((lesson, exercise));
    if state.practice.workspace.is_none() {
        state.overlay = Overlay::Ask(Ask::CreateWorkspace {
            dir: state.practice.default_workspace.clone(),
        });
        return None;
    }
    let ex = exercise_of(state, lesson, exercise);
    let predicted = state.progress.exercise(&ex.id).prediction.is_some();
    if ex.predict.is_some() && !predicted {
        state.overlay = Overlay::Predict {
            text: String::new(),
        };
        return None;
    }
    state.practice.pending = None;
    open(state, lesson, exercise, effects);
    None
}

/// Opens the exercise in the editor and watches its file.
fn open(state: &mut State, lesson: usize, exercise: usize, effects: &mut Vec<Effect>) {
    let Some(dir) = state.practice.workspace.clone() else {
        return;
    };
    let ex = exercise_of(state, lesson, exercise).clone();
    let path = dir.join(ex.file_name());
    let same = state
        .practice
        .working
        .as_ref()
        .is_some_and(|w| w.path == path);
    if !same {
        state.practice.working = Some(Working {
            lesson,
            exercise,
            id: ex.id.clone(),
            path: path.clone(),
            generation: 0,
            checks: ex
                .checks
                .iter()
                .map(|c| CheckRow {
                    label: label(c, state.cores),
                    verdict: None,
                })
                .collect(),
            running: None,
            verdict: None,
            problem: None,
            run_number: None,
            contained: None,
        });
    }
    state.practice.hidden = false;
    state.rerender();
    effects.push(Effect::WorkOn {
        lesson,
        exercise,
        path,
    });
}

/// One event of the practice loop.
fn live_event(state: &mut State, event: LiveEvent, now: Instant) -> Next {
    let w = state.practice.working.as_mut()?;
    match event {
        LiveEvent::Judging { generation } => w.reset(generation),
        LiveEvent::Judge { generation, .. } | LiveEvent::Done { generation, .. }
            if generation != w.generation =>
        {
            // A judgement that a later save replaced.
        }
        LiveEvent::Judge { event, .. } => match event {
            Event::Run { label } => {
                w.running = Some(label.clone());
                state.python.runs_started += 1;
                let number = state.python.runs_started;
                w.run_number = Some(number);
                let command = format!("{} · {label}", w.id);
                state.python.run = Some(ExampleRun {
                    number,
                    title: command.clone(),
                    command,
                    started: None,
                    started_at: now,
                    transcript: Default::default(),
                    timed_out: false,
                    end: None,
                    scroll: None,
                    hidden: state.practice.hidden,
                });
            }
            Event::Py(py) => {
                if let Some(number) = w.run_number {
                    return Some(Action::Python(python::Msg::Event(number, py)));
                }
            }
            Event::Verdict(verdict) => {
                if let Some(row) = w.checks.iter_mut().find(|r| r.verdict.is_none()) {
                    row.verdict = Some((verdict.outcome, verdict.reason));
                }
            }
        },
        LiveEvent::Done { report, .. } => {
            w.running = None;
            w.verdict = Some(report.verdict);
            w.contained = report.contained.clone();
            let id = w.id.clone();
            let before = state.progress.exercise(&id);
            crate::practice::record(&mut state.progress, &report);
            state.progress_dirty = true;
            let failed = report
                .verdicts
                .iter()
                .position(|v| v.outcome == Outcome::Failed);
            let unsure = report
                .verdicts
                .iter()
                .position(|v| v.outcome == Outcome::CannotJudge);
            state.notice = Some(match failed {
                None if let Some(i) = unsure => format!(
                    "{id}: no check fails, but check {} of {} cannot be judged now (the machine is busy): save again when it is quieter",
                    i + 1,
                    report.verdicts.len()
                ),
                None if !before.solved => format!(
                    "{id} passed! {} shows the reference solution to compare",
                    keymap::key_for(|a| matches!(a, Action::Practice(Msg::Solution)))
                ),
                None => format!("{id}: every check passes"),
                Some(i) => format!(
                    "{id}: check {} of {} fails; stuck? {} gives a hint",
                    i + 1,
                    report.verdicts.len(),
                    keymap::key_for(|a| matches!(a, Action::Practice(Msg::Hint)))
                ),
            });
        }
        LiveEvent::Unreadable { message } | LiveEvent::Failed { message } => {
            w.running = None;
            w.problem = Some(message);
        }
    }
    None
}
