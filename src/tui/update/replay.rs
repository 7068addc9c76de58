//! Replaying a trace (read only: nothing starts) and recording one.

use super::super::action::replay::Msg;
use super::super::action::{Action, Effect};
use super::super::keymap;
use super::super::lab::LabView;
use super::super::state::{ExampleRun, Mode, Recording, State, line_for};
use super::Next;
use crate::trace::LessonPlace;
use crate::trace::replay::{Control, SEEK_STEP, SPEEDS};

pub(super) fn update(state: &mut State, msg: Msg, effects: &mut Vec<Effect>) -> Next {
    match msg {
        Msg::ToggleRecording => {
            effects.push(if state.recording.is_some() {
                Effect::StopRecording
            } else {
                Effect::StartRecording
            });
        }
        Msg::RecordingStarted(Ok(path)) => {
            state.notice = Some(format!(
                "Recording a trace to {path}: {} stops",
                keymap::key_for(|a| matches!(a, Action::Replay(Msg::ToggleRecording)))
            ));
            state.recording = Some(Recording { path: path.into() });
        }
        Msg::RecordingStarted(Err(why)) => {
            state.notice = Some(format!("Cannot record: {why}. The session goes on."));
        }
        Msg::RecordingEnded(message) => {
            state.recording = None;
            state.notice = Some(message);
        }
        Msg::Pause => steer(state, effects, |r| {
            r.paused = !r.paused;
            Control::Pause(r.paused)
        }),
        Msg::Seek(forward) => steer(state, effects, |r| {
            Control::Seek(if forward {
                (r.position + SEEK_STEP).min(r.length)
            } else {
                r.position.saturating_sub(SEEK_STEP)
            })
        }),
        Msg::Speed(faster) => {
            steer(state, effects, |r| {
                r.speed = if faster {
                    (r.speed + 1).min(SPEEDS.len() - 1)
                } else {
                    r.speed.saturating_sub(1)
                };
                Control::Speed(r.speed())
            });
            if let Some(replay) = &state.replay {
                state.notice = Some(format!("Replay speed {}", speed_label(replay.speed())));
            }
        }
        Msg::Reset => {
            state.live = None;
            state.python.run = None;
            let old = std::mem::replace(&mut state.lab, LabView::new(state.cores));
            state.lab.config = old.config;
            state.lab.experiment = old.experiment;
        }
        Msg::At { position, ended } => {
            if let Some(replay) = &mut state.replay {
                replay.position = position;
                replay.ended = ended;
            }
        }
        Msg::Example {
            number,
            title,
            command,
            at,
        } => {
            state.python.run = Some(ExampleRun::new(number, title, command, at));
            state.rerender();
        }
        Msg::LabBegan { sweep } => state.lab.starting(sweep),
        Msg::Lesson(place) => show_place(state, &place),
    }
    None
}

/// The recorded lesson at the recorded place, with the lab open on its
/// experiment if it was; a lesson this course lacks is said, and the
/// replay goes on with the lesson on screen.
fn show_place(state: &mut State, place: &LessonPlace) {
    let Some(index) = state.lessons.index_of(&place.id) else {
        state.notice = Some(format!(
            "No lesson \"{}\" in this course",
            crate::sanitize::field(&place.id, 20)
        ));
        return;
    };
    let line = |state: &State| line_for(&state.doc, place.section.as_deref(), place.line);
    super::reader::go_to(state, index, 0);
    state.scroll = line(state).min(state.max_scroll());
    match (place.lab, state.mode) {
        (true, Mode::Lesson | Mode::Lab) => {
            open_experiment(state, place.experiment.as_deref());
            state.mode = Mode::Lab;
        }
        (false, Mode::Lab) => state.mode = Mode::Lesson,
        _ => {}
    }
}

/// The lab set up for the lesson's experiment named `id` (the first
/// when none is named or it is not found), as `L` would open it.
fn open_experiment(state: &mut State, id: Option<&str>) {
    let lesson = state.lesson().clone();
    let at = id
        .and_then(|id| {
            (lesson.meta.experiments.iter())
                .position(|t| t.get("id").and_then(|v| v.as_str()) == Some(id))
        })
        .unwrap_or(0);
    // A replay's run goes on in the trace; the lab keeps its set-up.
    let _ = state.lab.open_for(&lesson, at);
}

/// Pauses, seeks or speeds the replay (nothing when not replaying).
fn steer(
    state: &mut State,
    effects: &mut Vec<Effect>,
    how: impl FnOnce(&mut super::super::state::ReplayStatus) -> Control,
) {
    if let Some(replay) = &mut state.replay {
        effects.push(Effect::ReplayControl(how(replay)));
    }
}

/// `0.25x`, `1x`, `8x`.
pub fn speed_label(speed: f64) -> String {
    format!("{speed}x")
}
