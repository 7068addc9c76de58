//! The worker lab: its settings, runs, sweeps and guesses.

use super::super::action::{Action, Effect};
use super::super::state::{Mode, Overlay, PythonProbe, State};
use crate::lab::pool::LabEvent;
use crate::progress::Guess;

/// The next run's config, with the interpreter the examples use (the
/// python engine); without a working Python, forklab's own workers and a
/// notice. While Python is still being looked for, the lab thread looks.
fn lab_config(state: &mut State) -> crate::lab::LabConfig {
    let mut config = state.lab.config.clone();
    if config.engine != crate::lab::Engine::Python {
        return config;
    }
    match &state.python.probe {
        PythonProbe::Found(Ok(python)) => {
            config.python = Some(std::sync::Arc::new(python.clone()));
        }
        PythonProbe::Found(Err(e)) => {
            config.engine = crate::lab::Engine::Forklab;
            config.start_method = None;
            state.lab.message = Some(format!(
                "the lab uses forklab's own workers: no working Python for the python engine ({})",
                e.lines().next().unwrap_or_default()
            ));
        }
        PythonProbe::NotLooked | PythonProbe::Looking => {}
    }
    config
}

/// Applies the action if it is this concern's; hands it back otherwise.
pub(super) fn update(
    state: &mut State,
    action: Action,
    effects: &mut Vec<Effect>,
) -> Option<Action> {
    match action {
        Action::ToggleLab => {
            state.overlay = Overlay::None;
            state.mode = match state.mode {
                Mode::Lesson => {
                    let lesson = state.lessons.lessons[state.current].clone();
                    state.lab.open_for(&lesson);
                    // The python engine needs the learner's Python: look now.
                    super::python::find_python(state, effects);
                    Mode::Lab
                }
                Mode::Lab => Mode::Lesson,
                Mode::Class => Mode::Class,
            };
        }
        Action::LabWorkers(by) if !state.lab.running => {
            let workers = (state.lab.config.workers as isize + by).max(1) as usize;
            state.lab.set_workers(workers);
        }
        Action::LabWorkload if !state.lab.running => state.lab.cycle_workload(),
        Action::LabTasks(up) if !state.lab.running => state.lab.scale_tasks(up),
        Action::LabChunk(up) if !state.lab.running => state.lab.scale_chunk(up),
        Action::LabCores if !state.lab.running => state.lab.cycle_cores(),
        Action::LabEngine if !state.lab.running => state.lab.cycle_engine(),
        Action::LabStartMethod if !state.lab.running => state.lab.cycle_start_method(),
        Action::LabRepeat if !state.lab.running => state.lab.cycle_repeat(),
        Action::LabWorkers(_)
        | Action::LabWorkload
        | Action::LabTasks(_)
        | Action::LabChunk(_)
        | Action::LabCores
        | Action::LabEngine
        | Action::LabStartMethod
        | Action::LabRepeat => {
            state.notice = Some(format!(
                "A run is going on: {} stops it, then change the settings",
                super::super::keymap::key_for(|a| matches!(a, Action::LabStop))
            ));
        }
        Action::LabRun | Action::LabSweep if state.lab.running => {
            state.notice = Some(format!(
                "A run is already going on ({} stops it)",
                super::super::keymap::key_for(|a| matches!(a, Action::LabStop))
            ));
        }
        Action::LabRun => {
            state.lab.starting(false);
            effects.push(Effect::RunLab(lab_config(state)));
        }
        Action::LabSweep => {
            state.lab.starting(true);
            let counts = state.lab.sweep_counts();
            state.notice = Some(format!(
                "Sweep: {} runs, with {} workers",
                counts.len(),
                counts
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            effects.push(Effect::SweepLab(lab_config(state), counts));
        }
        Action::LabStop => {
            if state.lab.running {
                effects.push(Effect::StopLab);
                state.notice = Some("Stopping the workers".into());
            } else {
                state.notice = Some("The lab is not running".into());
            }
        }
        Action::LabCompare(recorded) => state.lab.recorded = Some(*recorded),
        Action::LabGuess(c) => state.lab.guess.push(c),
        Action::LabGuessBackspace => {
            state.lab.guess.pop();
        }
        Action::Lab(event) => {
            let event = *event;
            // A replay's runs are not the learner's: progress stays as it is.
            if let LabEvent::RunFinished(result) = &event
                && state.replay.is_none()
                && let Some((_, experiment)) = &state.lab.experiment
                && result.config.workload == experiment.workload
                && state
                    .progress
                    .experiments
                    .insert(state.lab.experiment_key())
            {
                state.progress_dirty = true;
            }
            // forklab started the workers, so the process pane can say how
            // each one ended.
            let ended = match &event {
                LabEvent::WorkerExited { pid, exit, .. } => Some((*pid, *exit)),
                LabEvent::WorkerCrashed(crash) => Some((crash.pid, crash.exit)),
                _ => None,
            };
            if let (Some((pid, exit)), Some(live)) = (ended, &mut state.live) {
                live.family.record_ending(pid, exit);
            }
            let point = match &event {
                LabEvent::RunFinished(result) => Some(result.config.workers),
                _ => None,
            };
            let sweep_done = matches!(event, LabEvent::SweepFinished(_));
            state.lab.apply(event);
            // A point is done with its last repeat: its guess is kept
            // beside the fastest run, as the table shows it.
            let point_done = point.filter(|&w| state.lab.point_done(w));
            if let Some(workers) = point_done
                && let Some(guess) = state.lab.guess_of(workers)
                && let Some(row) = state.lab.rows().into_iter().find(|r| r.workers == workers)
            {
                state.progress.record_guess(Guess {
                    experiment: state.lab.experiment_key(),
                    workers,
                    guess,
                    // To the millisecond: the file stays readable.
                    measured: (row.wall.as_secs_f64() * 1000.0).round() / 1000.0,
                });
                state.progress_dirty = true;
            }
            let finished = sweep_done || (point_done.is_some() && !state.lab.sweeping);
            if finished
                && state.class_link.is_some()
                && let Some(report) = super::super::class::lab_report(&state.lab)
            {
                effects.push(Effect::SendToClass(report));
            }
        }
        other => return Some(other),
    }
    None
}
