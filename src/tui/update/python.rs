//! Python examples: choosing, arguments, start method, the run and its
//! output, and the search for Python that runs before it.

use std::time::Instant;

use super::super::action::python::Msg;
use super::super::action::{Action, Effect, RunPlan, reader};
use super::super::keymap;
use super::super::state::{ExampleRun, Focus, Overlay, PythonProbe, RunEnd, State, Working};
use super::{Next, practice};
use crate::python::PyEvent;

pub(super) fn update(state: &mut State, msg: Msg, now: Instant, effects: &mut Vec<Effect>) -> Next {
    match msg {
        Msg::OpenExamples => open_examples(state, effects),
        Msg::RunSelected => {
            if let Overlay::Examples { selected, .. } = state.overlay {
                state.overlay = Overlay::None;
                run_chosen(state, selected, now, effects);
            }
        }
        Msg::EditArgs => {
            if let Overlay::Examples { selected, .. } = state.overlay {
                let args = state.args_for(state.current, selected).join(" ");
                state.overlay = Overlay::Examples {
                    selected,
                    editing: Some(args),
                };
            }
        }
        Msg::ArgsType(c) => {
            if let Overlay::Examples {
                editing: Some(text),
                ..
            } = &mut state.overlay
            {
                text.push(c);
            }
        }
        Msg::ArgsBackspace => {
            if let Overlay::Examples {
                editing: Some(text),
                ..
            } = &mut state.overlay
            {
                text.pop();
            }
        }
        Msg::ArgsDone => args_done(state),
        Msg::ArgsCancel => {
            if let Overlay::Examples { selected, .. } = state.overlay {
                state.overlay = Overlay::Examples {
                    selected,
                    editing: None,
                };
            }
        }
        Msg::CycleStartMethod => cycle_start_method(state),
        // A practice check's runs are stopped as the check.
        Msg::Stop
            if state
                .practice
                .working
                .as_ref()
                .is_some_and(Working::judging) =>
        {
            practice::stop_judging(state, effects);
        }
        Msg::Stop => stop(state, effects),
        Msg::ToggleOutput if state.practice.working.is_some() => practice::toggle_output(state),
        Msg::ToggleOutput => toggle_output(state),
        Msg::FocusNext => {
            state.focus = match state.focus {
                Focus::Lesson if state.output_shown() => Focus::Output,
                _ => Focus::Lesson,
            };
        }
        Msg::Event(number, event) => python_event(state, number, event),
        Msg::Found(found) => return found_python(state, found, effects),
    }
    None
}

/// The examples popup (Python looked for as it opens), or why there is
/// nothing to run.
fn open_examples(state: &mut State, effects: &mut Vec<Effect>) {
    let listed = state.menu_examples();
    if state.lesson().meta.examples.is_empty() {
        state.notice = Some("This lesson has no Python example to run".into());
    } else if let Some(&first) = listed.first() {
        state.overlay = Overlay::Examples {
            selected: first,
            editing: None,
        };
        find_python(state, effects);
    } else {
        state.notice = Some(format!(
            "This lesson's examples are worked answers: try the exercise, or press {} for the answer first",
            keymap::key_for(|a| matches!(a, Action::Reader(reader::Msg::ToggleAnswers)))
        ));
    }
}

/// The arguments typed kept for this example (split at spaces).
fn args_done(state: &mut State) {
    if let Overlay::Examples {
        selected,
        editing: Some(text),
    } = state.overlay.clone()
    {
        let meta = &state.lessons.lessons[state.current].meta;
        let key = format!("{}/{}", meta.id, meta.examples[selected].id);
        state
            .python
            .example_args
            .insert(key, text.split_whitespace().map(str::to_string).collect());
        state.overlay = Overlay::Examples {
            selected,
            editing: None,
        };
    }
}

/// The next start method: Python's default, then each in turn.
fn cycle_start_method(state: &mut State) {
    let all = crate::python::StartMethod::ALL;
    state.python.start_method = match state.python.start_method {
        None => Some(all[0]),
        Some(m) => all
            .iter()
            .position(|x| *x == m)
            .and_then(|i| all.get(i + 1).copied()),
    };
    state.notice = Some(match state.python.start_method {
        None => "Start method: Python's default for this platform".into(),
        Some(m) => format!(
            "Start method: {} (passed to the script in FORKLAB_START_METHOD)",
            m.as_str()
        ),
    });
}

/// Stops the example running (or waiting for Python).
fn stop(state: &mut State, effects: &mut Vec<Effect>) {
    match &mut state.python.run {
        Some(run) if state.python.waiting.take().is_some() => {
            run.end = Some(RunEnd::Failed("stopped before Python was found".into()));
        }
        Some(run) if run.running() => {
            effects.push(Effect::StopExample);
            state.notice = Some("Stopping the script and all its processes".into());
        }
        _ => state.notice = Some("No script is running".into()),
    }
}

/// Shows or hides the example's output pane.
fn toggle_output(state: &mut State) {
    match &mut state.python.run {
        Some(run) => {
            run.hidden = !run.hidden;
            if run.hidden {
                state.focus = Focus::Lesson;
            }
            state.rerender();
        }
        None => {
            state.notice = Some(format!(
                "No script has run yet: press {} to run one",
                keymap::key_for(|a| matches!(a, Action::Python(Msg::OpenExamples)))
            ))
        }
    }
}

/// Python found (or not): the lab names it, and a run or a lab run that
/// waited for it starts.
fn found_python(
    state: &mut State,
    found: Result<crate::python::Interpreter, String>,
    effects: &mut Vec<Effect>,
) -> Next {
    // The lab's header names it (version, GIL) before any run.
    if let Ok(python) = &found {
        state.lab.config.python = Some(std::sync::Arc::new(python.clone()));
    }
    state.python.probe = PythonProbe::Found(found);
    if let Some(plan) = state.python.waiting.take() {
        start_run(state, plan, effects);
    }
    super::lab::start_waiting(state)
}

pub(super) fn scroll_output(state: &mut State, lines: isize) {
    let height = state.areas().output.height.saturating_sub(3) as usize;
    if let Some(run) = &mut state.python.run {
        let len = run.transcript.len();
        let last_page = len.saturating_sub(height.max(1));
        let from = run.scroll.unwrap_or(last_page) as isize;
        let to = (from + lines).clamp(0, last_page as isize) as usize;
        run.scroll = if to >= last_page { None } else { Some(to) };
    }
}

/// Starts looking for Python, once.
pub(super) fn find_python(state: &mut State, effects: &mut Vec<Effect>) {
    if state.python.probe == PythonProbe::NotLooked {
        state.python.probe = PythonProbe::Looking;
        effects.push(Effect::FindPython);
    }
}

/// Runs the example when Python is known; waits for the search otherwise.
fn start_run(state: &mut State, plan: RunPlan, effects: &mut Vec<Effect>) {
    match &state.python.probe {
        PythonProbe::Found(Ok(_)) => effects.push(Effect::RunExample(plan)),
        PythonProbe::Found(Err(message)) => {
            if let Some(run) = state
                .python
                .run
                .as_mut()
                .filter(|r| r.number == plan.number)
            {
                run.end = Some(RunEnd::Failed(message.clone()));
            }
        }
        PythonProbe::NotLooked | PythonProbe::Looking => {
            find_python(state, effects);
            state.python.waiting = Some(plan);
        }
    }
}

/// Applies an event of a Python run (events of older runs are ignored).
fn python_event(state: &mut State, number: u64, event: PyEvent) {
    let Some(run) = state.python.run.as_mut().filter(|r| r.number == number) else {
        return;
    };
    match event {
        PyEvent::Started(started) => run.started = Some(started),
        PyEvent::Output(output) => {
            run.transcript.push(&output);
        }
        PyEvent::OutputLimit { limit } => {
            state.notice = Some(format!(
                "The script printed more than {} MiB: the rest is not kept",
                limit >> 20
            ));
        }
        PyEvent::TimedOut { .. } => run.timed_out = true,
        PyEvent::Exited(exited) => run.end = Some(RunEnd::Exited(exited)),
        PyEvent::Failed(message) => run.end = Some(RunEnd::Failed(message)),
        PyEvent::Skipped { missing } => {
            run.end = Some(RunEnd::Skipped(PyEvent::skipped_message(&missing)))
        }
    }
}

/// Runs the example chosen in the popup, as the next run.
fn run_chosen(state: &mut State, selected: usize, now: Instant, effects: &mut Vec<Effect>) {
    let number = state.python.runs_started + 1;
    state.python.runs_started = number;
    let example = &state.lesson().meta.examples[selected];
    let args = state.args_for(state.current, selected);
    let file = example
        .file
        .rsplit('/')
        .next()
        .unwrap_or(&example.file)
        .to_string();
    let command = std::iter::once(file)
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    state.python.run = Some(ExampleRun::new(number, example.title.clone(), command, now));
    let plan = RunPlan {
        number,
        lesson: state.current,
        example: selected,
        args,
        method: state.python.start_method,
    };
    start_run(state, plan, effects);
    state.rerender();
}
