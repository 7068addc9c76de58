//! The worker lab: its settings, runs, sweeps and guesses.

use super::super::action::lab::Msg;
use super::super::action::{Action, Effect};
use super::super::keymap;
use super::super::state::{Mode, Overlay, PythonProbe, State};
use super::Next;
use crate::lab::LabEvent;
use crate::progress::Guess;

/// The next run's config, with the interpreter the examples use (found
/// from the settings' choice: `--python`, `FORKLAB_PYTHON` or the file's
/// `python`) for the python and dask engines; without a working Python,
/// the python engine falls back to forklab's own workers with a notice and
/// the dask engine says why it cannot run. `None` while Python is still
/// being looked for: the lab never looks for it on its own, so every
/// engine runs the one Python the settings name.
fn lab_config(state: &mut State) -> Option<crate::lab::LabConfig> {
    state.lab.message = None;
    let mut config = state.lab.config.clone();
    if !matches!(
        config.engine,
        crate::lab::Engine::Python | crate::lab::Engine::Dask
    ) {
        return Some(config);
    }
    match &state.python.probe {
        PythonProbe::Found(Ok(python)) => {
            config.python = Some(std::sync::Arc::new(python.clone()));
        }
        PythonProbe::Found(Err(e)) if config.engine == crate::lab::Engine::Python => {
            config.engine = crate::lab::Engine::Forklab;
            config.start_method = None;
            state.lab.message = Some(format!(
                "the lab uses forklab's own workers: no working Python for the python engine ({})",
                e.lines().next().unwrap_or_default()
            ));
        }
        PythonProbe::Found(Err(e)) => {
            state.lab.message = Some(format!(
                "the dask engine needs Python with Dask: {}",
                e.lines().next().unwrap_or_default()
            ));
            return None;
        }
        PythonProbe::NotLooked | PythonProbe::Looking => return None,
    }
    Some(config)
}

/// A run or sweep asked for before the search for Python answered: it
/// waits for the answer ([`start_waiting`]).
fn wait_for_python(state: &mut State, sweep: bool, effects: &mut Vec<Effect>) {
    if matches!(
        state.python.probe,
        PythonProbe::NotLooked | PythonProbe::Looking
    ) {
        state.lab.waiting = Some(sweep);
        state.notice = Some("Looking for Python: the run starts once it is found".into());
        super::python::find_python(state, effects);
    }
}

/// The run or sweep that waited for Python, now that the search has
/// answered: handed on to start.
pub(super) fn start_waiting(state: &mut State) -> Next {
    let sweep = state.lab.waiting.take()?;
    Some(Action::Lab(if sweep { Msg::Sweep } else { Msg::Run }))
}

pub(super) fn update(state: &mut State, msg: Msg, effects: &mut Vec<Effect>) -> Next {
    let stop_key = || keymap::key_for(|a| matches!(a, Action::Lab(Msg::Stop)));
    match msg {
        Msg::Toggle | Msg::OpenSelected | Msg::Pick(_) => open(state, msg, effects),
        Msg::Workers(_)
        | Msg::Workload
        | Msg::Tasks(_)
        | Msg::Chunk(_)
        | Msg::Cores
        | Msg::Engine
        | Msg::StartMethod
        | Msg::Repeat
            if state.lab.running =>
        {
            state.notice = Some(format!(
                "A run is going on: {} stops it, then change the settings",
                stop_key()
            ));
        }
        Msg::Workers(by) => {
            let workers = (state.lab.config.workers as isize + by).max(1) as usize;
            state.lab.set_workers(workers);
        }
        Msg::Workload => state.lab.cycle_workload(),
        Msg::Tasks(up) => state.lab.scale_tasks(up),
        Msg::Chunk(up) => state.lab.scale_chunk(up),
        Msg::Cores => state.lab.cycle_cores(),
        Msg::Engine => state.lab.cycle_engine(),
        Msg::StartMethod => state.lab.cycle_start_method(),
        Msg::Repeat => state.lab.cycle_repeat(),
        Msg::Run | Msg::Sweep if state.lab.running => {
            state.notice = Some(format!(
                "A run is already going on ({} stops it)",
                stop_key()
            ));
        }
        Msg::Run => {
            if let Some(config) = lab_config(state) {
                // The fallback's notice outlives the start.
                let note = state.lab.message.take();
                state.lab.starting(false);
                state.lab.message = note;
                effects.push(Effect::RunLab(config));
            } else {
                wait_for_python(state, false, effects);
            }
        }
        Msg::Sweep => {
            let Some(config) = lab_config(state) else {
                wait_for_python(state, true, effects);
                return None;
            };
            let note = state.lab.message.take();
            state.lab.starting(true);
            state.lab.message = note;
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
            effects.push(Effect::SweepLab(config, counts));
        }
        Msg::Stop => {
            if state.lab.running {
                effects.push(Effect::StopLab);
                state.notice = Some("Stopping the workers".into());
            } else {
                state.notice = Some("The lab is not running".into());
            }
        }
        Msg::Compare(recorded) => state.lab.recorded = Some(*recorded),
        Msg::Guess(c) => state.lab.guess.push(c),
        Msg::GuessBackspace => {
            state.lab.guess.pop();
        }
        Msg::Event(event) => lab_event(state, *event, effects),
    }
    None
}

/// `L`, and the choice in the list of experiments: the lab opens set up
/// for the lesson's experiment (a list first when it declares several),
/// or closes.
fn open(state: &mut State, msg: Msg, effects: &mut Vec<Effect>) {
    match msg {
        Msg::Toggle => {
            state.overlay = Overlay::None;
            match state.mode {
                // Several experiments: the learner picks one.
                Mode::Lesson if state.lesson().meta.experiments.len() > 1 => {
                    let selected = state.lab.experiment_of(state.lesson()).unwrap_or(0);
                    state.overlay = Overlay::Experiments { selected };
                }
                Mode::Lesson => open_lab(state, 0, effects),
                Mode::Lab => state.mode = Mode::Lesson,
                Mode::Class => {}
            }
        }
        Msg::OpenSelected => {
            if let Overlay::Experiments { selected } = state.overlay {
                state.overlay = Overlay::None;
                open_lab(state, selected, effects);
            }
        }
        Msg::Pick(digit) => {
            let count = state.lesson().meta.experiments.len();
            match digit.to_digit(10).map(|d| d as usize) {
                Some(n @ 1..) if n <= count => {
                    state.overlay = Overlay::None;
                    open_lab(state, n - 1, effects);
                }
                _ => state.notice = Some(format!("Pick an experiment from 1 to {count}")),
            }
        }
        _ => {}
    }
}

/// The lab, set up for the lesson's experiment `index` (from 0).
fn open_lab(state: &mut State, index: usize, effects: &mut Vec<Effect>) {
    let lesson = state.lessons.lessons[state.current].clone();
    if !state.lab.open_for(&lesson, index) {
        state.notice = Some(format!(
            "A run is going on: {} stops it, then choose another experiment",
            keymap::key_for(|a| matches!(a, Action::Lab(Msg::Stop)))
        ));
    }
    // The python engine needs the learner's Python: look now.
    super::python::find_python(state, effects);
    state.mode = Mode::Lab;
}

/// Something happened in the running lab: its table, the process pane,
/// progress (guesses, experiments done) and the class.
fn lab_event(state: &mut State, event: LabEvent, effects: &mut Vec<Effect>) {
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
        LabEvent::RunFinished(result) => Some((
            result.config.workers,
            super::super::lab::variants::Variant::of(&result.config),
        )),
        _ => None,
    };
    let sweep_done = matches!(event, LabEvent::SweepFinished(_));
    state.lab.apply(event);
    // A point is done with its last repeat: its guess is kept
    // beside the fastest run, as its variant's table shows it.
    let point_done = point.filter(|(w, _)| state.lab.point_done(*w));
    if let Some((workers, variant)) = &point_done
        && let Some(guess) = state.lab.guess_of(variant, *workers)
        && let Some(row) = state
            .lab
            .tables()
            .into_iter()
            .find(|t| t.variant == *variant)
            .and_then(|t| t.rows.into_iter().find(|r| r.workers == *workers))
    {
        state.progress.record_guess(Guess {
            experiment: state.lab.experiment_key(),
            workers: *workers,
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

#[cfg(test)]
mod tests {
    use super::super::super::action::{Action, Effect};
    use super::super::super::state::{PythonProbe, State};
    use super::super::update_now as update;
    use crate::lab::Engine;
    use crate::tui::action as msg;

    fn chosen_python() -> crate::python::Interpreter {
        crate::python::Interpreter {
            path: "/chosen/by/the/settings/python3".into(),
            found: "/chosen/by/the/settings/python3".into(),
            source: crate::python::interpreter::Source::File,
            version: "3.12.1".into(),
            version_info: (3, 12, 1),
            default_start_method: crate::python::StartMethod::Fork,
            start_methods: crate::python::StartMethod::ALL.to_vec(),
            gil: crate::python::interpreter::Gil::default(),
        }
    }

    /// The python and dask engines run the Python the settings found
    /// (`--python`, the variable or the file), and never look on their own.
    #[test]
    fn every_engine_runs_the_python_the_settings_name() {
        for engine in [Engine::Python, Engine::Dask] {
            let mut s = State::with_cores(
                crate::lesson::LessonSet::embedded(),
                crate::progress::Progress::default(),
                ratatui::layout::Rect::new(0, 0, 120, 40),
                4,
            );
            s.lab.config.engine = engine;
            s.python.probe = PythonProbe::Looking;
            let effects = update(&mut s, Action::Lab(msg::lab::Msg::Run));
            assert!(
                !effects.iter().any(|e| matches!(e, Effect::RunLab(_))),
                "{engine:?} started before Python was found: {effects:?}"
            );
            assert!(!s.lab.running);
            // The run waited for the search, and starts with its answer.
            let effects = update(
                &mut s,
                Action::Python(msg::python::Msg::Found(Ok(chosen_python()))),
            );
            let config = effects.iter().find_map(|e| match e {
                Effect::RunLab(c) => Some(c),
                _ => None,
            });
            let python = config.and_then(|c| c.python.as_ref());
            assert_eq!(
                python.map(|p| p.path.clone()),
                Some(chosen_python().path),
                "{engine:?}: {effects:?}"
            );
        }
    }
}
