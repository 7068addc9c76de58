//! Replaying a trace (read only: nothing starts) and recording one.

use super::super::action::{Action, Effect};
use super::super::lab::LabView;
use super::super::state::{ExampleRun, Recording, State};
use crate::trace::replay::{Control, SEEK_STEP, SPEEDS};

/// What a replay answers to a key that runs or changes something (the
/// bindings table says which: `keymap::Binding::acts`).
pub const READ_ONLY: &str = "replay: read only (this is a recording; nothing runs)";

/// Applies the action if it is this concern's; hands it back otherwise.
pub(super) fn update(
    state: &mut State,
    action: Action,
    effects: &mut Vec<Effect>,
) -> Option<Action> {
    if state.replay.is_some() && super::super::keymap::always_acts(&action) {
        state.notice = Some(READ_ONLY.into());
        return None;
    }
    match action {
        Action::ToggleRecording => {
            effects.push(if state.recording.is_some() {
                Effect::StopRecording
            } else {
                Effect::StartRecording
            });
        }
        Action::RecordingStarted(Ok(path)) => {
            state.notice = Some(format!(
                "Recording a trace to {path}: {} stops",
                super::super::keymap::key_for(|a| matches!(a, Action::ToggleRecording))
            ));
            state.recording = Some(Recording { path: path.into() });
        }
        Action::RecordingStarted(Err(why)) => {
            state.notice = Some(format!("Cannot record: {why}. The session goes on."));
        }
        Action::RecordingEnded(message) => {
            state.recording = None;
            state.notice = Some(message);
        }
        Action::ReplayPause | Action::ReplaySeek(_) | Action::ReplaySpeed(_) => {
            let Some(replay) = &mut state.replay else {
                return None;
            };
            let control = match action {
                Action::ReplayPause => {
                    replay.paused = !replay.paused;
                    Control::Pause(replay.paused)
                }
                Action::ReplaySeek(forward) => Control::Seek(if forward {
                    (replay.position + SEEK_STEP).min(replay.length)
                } else {
                    replay.position.saturating_sub(SEEK_STEP)
                }),
                _ => {
                    let faster = matches!(action, Action::ReplaySpeed(true));
                    replay.speed = if faster {
                        (replay.speed + 1).min(SPEEDS.len() - 1)
                    } else {
                        replay.speed.saturating_sub(1)
                    };
                    state.notice = Some(format!("Replay speed {}", speed_label(replay.speed())));
                    Control::Speed(replay.speed())
                }
            };
            effects.push(Effect::ReplayControl(control));
        }
        Action::ReplayReset => {
            state.live = None;
            state.python.run = None;
            let old = std::mem::replace(&mut state.lab, LabView::new(state.cores));
            state.lab.config = old.config;
            state.lab.experiment = old.experiment;
        }
        Action::ReplayAt { position, ended } => {
            if let Some(replay) = &mut state.replay {
                replay.position = position;
                replay.ended = ended;
            }
        }
        Action::ReplayExample {
            number,
            title,
            command,
            at,
        } => {
            state.python.run = Some(ExampleRun::new(number, title, command, at));
            state.rerender();
        }
        Action::ReplayLabBegan { sweep } => state.lab.starting(sweep),
        other => return Some(other),
    }
    None
}

/// `0.25x`, `1x`, `8x`.
pub fn speed_label(speed: f64) -> String {
    format!("{speed}x")
}
