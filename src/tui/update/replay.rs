//! Replaying a trace (read only: nothing starts) and recording one.

use super::super::action::replay::Msg;
use super::super::action::{Action, Effect};
use super::super::keymap;
use super::super::lab::LabView;
use super::super::state::{ExampleRun, Recording, State};
use super::Next;
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
    }
    None
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
