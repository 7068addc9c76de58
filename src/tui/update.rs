//! `update`: the only place the reader's state changes.

use ratatui::layout::Rect;

use crate::lesson::render::{RenderOptions, render};

use super::action::{Action, Effect};
use super::quiz::{Verdict, parse_number};
use super::state::{ExampleRun, Focus, Live, Mode, RunEnd};
use super::state::{Hit, Overlay, State};
use crate::lab::pool::LabEvent;
use crate::lesson::quiz::Answer;
use crate::monitor::INTERVALS;
use crate::progress::Guess;
use crate::python::PyEvent;

/// Applies one action to the state; returns the side effects it needs.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    if action.is_from_user() {
        state.notice = None;
        if !matches!(action, Action::Quit) {
            state.confirm_quit = false;
        }
    }
    match action {
        Action::Quit => {
            if !state.children_running() || state.confirm_quit {
                state.quit = true;
            } else {
                state.confirm_quit = true;
                state.notice = Some(
                    "Processes forklab started are running: q again stops them and quits".into(),
                );
            }
        }
        Action::Sampled(sample, at) => {
            let first = state.live.is_none();
            let live = state.live.get_or_insert_with(|| Live {
                sample: Default::default(),
                history: Default::default(),
                family: Default::default(),
            });
            live.history.push(&sample.cores, sample.total);
            live.family.update(&sample.processes, at);
            live.sample = *sample;
            let width = state.text_width();
            if first || width != state.doc_width {
                state.rerender();
            }
        }
        Action::ChildEnded { pid, ending } => {
            if let Some(live) = &mut state.live {
                live.family.record_ending(pid, ending);
            }
        }
        Action::ToggleProjector => {
            if state.live.is_some() {
                state.projector = !state.projector;
            } else {
                state.notice = Some("The core readings are not in yet".into());
            }
        }
        Action::SlowerRefresh | Action::FasterRefresh => {
            state.interval = if matches!(action, Action::SlowerRefresh) {
                (state.interval + 1).min(INTERVALS.len() - 1)
            } else {
                state.interval.saturating_sub(1)
            };
            state.notice = Some(format!(
                "Cores refresh every {}",
                interval_label(state.interval())
            ));
        }
        Action::ToggleBusy => {
            if state.busy.is_empty() {
                let cores = state.live.as_ref().map_or_else(
                    || std::thread::available_parallelism().map_or(1, |n| n.get()),
                    |l| l.sample.cores.len(),
                );
                effects.push(Effect::StartBusy(cores.max(1)));
            } else {
                state.busy.clear();
                effects.push(Effect::StopBusy);
                state.notice = Some("Busy copies stopped".into());
            }
        }
        Action::BusyStarted(result) => match result {
            Ok(pids) => {
                state.notice = Some(format!(
                    "{} busy copies of forklab started (pids {}): watch the cores fill; B stops them",
                    pids.len(),
                    pids.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                state.busy = pids;
            }
            Err(e) => state.notice = Some(format!("Could not start busy copies: {e}")),
        },
        Action::NextLesson => {
            if state.current + 1 < state.lessons.len() {
                go_to(state, state.current + 1, 0);
            } else {
                state.notice = Some("This is the last lesson: press t for the contents".into());
            }
        }
        Action::PreviousLesson => {
            if state.current > 0 {
                go_to(state, state.current - 1, 0);
            } else {
                state.notice = Some("This is the first lesson".into());
            }
        }
        Action::Scroll(lines) if state.focus == Focus::Output => scroll_output(state, lines),
        Action::Page(pages) if state.focus == Focus::Output => {
            let page = state.areas().output.height.saturating_sub(3).max(1) as isize;
            scroll_output(state, pages * page);
        }
        Action::Top if state.focus == Focus::Output => scroll_output(state, isize::MIN / 2),
        Action::Bottom if state.focus == Focus::Output => {
            if let Some(run) = &mut state.run {
                run.scroll = None;
            }
        }
        Action::Scroll(lines) => scroll_by(state, lines),
        Action::Page(pages) => {
            let page = state.page_height().saturating_sub(2).max(1) as isize;
            scroll_by(state, pages * page);
        }
        Action::Top => state.scroll = 0,
        Action::Bottom => state.scroll = state.max_scroll(),
        Action::OpenExamples => {
            if state.lesson().meta.examples.is_empty() {
                state.notice = Some("This lesson has no Python example to run".into());
            } else {
                state.overlay = Overlay::Examples {
                    selected: 0,
                    editing: None,
                };
                effects.push(Effect::FindPython);
            }
        }
        Action::EditArgs => {
            if let Overlay::Examples { selected, .. } = state.overlay {
                let args = state.args_for(state.current, selected).join(" ");
                state.overlay = Overlay::Examples {
                    selected,
                    editing: Some(args),
                };
            }
        }
        Action::ArgsType(c) => {
            if let Overlay::Examples {
                editing: Some(text),
                ..
            } = &mut state.overlay
            {
                text.push(c);
            }
        }
        Action::ArgsBackspace => {
            if let Overlay::Examples {
                editing: Some(text),
                ..
            } = &mut state.overlay
            {
                text.pop();
            }
        }
        Action::ArgsDone => {
            if let Overlay::Examples {
                selected,
                editing: Some(text),
            } = state.overlay.clone()
            {
                let meta = &state.lessons.lessons[state.current].meta;
                let key = format!("{}/{}", meta.id, meta.examples[selected].id);
                state
                    .example_args
                    .insert(key, text.split_whitespace().map(str::to_string).collect());
                state.overlay = Overlay::Examples {
                    selected,
                    editing: None,
                };
            }
        }
        Action::ArgsCancel => {
            if let Overlay::Examples { selected, .. } = state.overlay {
                state.overlay = Overlay::Examples {
                    selected,
                    editing: None,
                };
            }
        }
        Action::CycleStartMethod => {
            let all = crate::python::StartMethod::ALL;
            state.start_method = match state.start_method {
                None => Some(all[0]),
                Some(m) => all
                    .iter()
                    .position(|x| *x == m)
                    .and_then(|i| all.get(i + 1).copied()),
            };
            state.notice = Some(match state.start_method {
                None => "Start method: Python's default for this platform".into(),
                Some(m) => format!(
                    "Start method: {} (passed to the script in FORKLAB_START_METHOD)",
                    m.as_str()
                ),
            });
        }
        Action::StopExample => match &state.run {
            Some(run) if run.running() => {
                effects.push(Effect::StopExample);
                state.notice = Some("Stopping the script and all its processes".into());
            }
            _ => state.notice = Some("No script is running".into()),
        },
        Action::ToggleOutput => match &mut state.run {
            Some(run) => {
                run.hidden = !run.hidden;
                if run.hidden {
                    state.focus = Focus::Lesson;
                }
                state.rerender();
            }
            None => state.notice = Some("No script has run yet: press e to run one".into()),
        },
        Action::FocusNext => {
            state.focus = match state.focus {
                Focus::Lesson if state.output_shown() => Focus::Output,
                _ => Focus::Lesson,
            };
        }
        Action::Python(number, event) => python_event(state, number, event),
        Action::ToggleLab => {
            state.overlay = Overlay::None;
            state.mode = match state.mode {
                Mode::Lesson => {
                    let lesson = state.lessons.lessons[state.current].clone();
                    state.lab.open_for(&lesson);
                    Mode::Lab
                }
                Mode::Lab => Mode::Lesson,
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
        Action::LabWorkers(_)
        | Action::LabWorkload
        | Action::LabTasks(_)
        | Action::LabChunk(_)
        | Action::LabCores => {
            state.notice = Some("A run is going on: x stops it, then change the settings".into());
        }
        Action::LabRun | Action::LabSweep if state.lab.running => {
            state.notice = Some("A run is already going on (x stops it)".into());
        }
        Action::LabRun => {
            state.lab.starting(false);
            effects.push(Effect::RunLab(state.lab.config.clone()));
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
            effects.push(Effect::SweepLab(state.lab.config.clone(), counts));
        }
        Action::LabStop => {
            if state.lab.running {
                effects.push(Effect::StopLab);
                state.notice = Some("Stopping the workers".into());
            } else {
                state.notice = Some("The lab is not running".into());
            }
        }
        Action::LabGuess(c) => state.lab.guess.push(c),
        Action::LabGuessBackspace => {
            state.lab.guess.pop();
        }
        Action::Lab(event) => {
            if let LabEvent::RunFinished(result) = &event {
                if let Some((_, experiment)) = &state.lab.experiment
                    && result.config.workload == experiment.workload
                    && state
                        .progress
                        .experiments
                        .insert(state.lab.experiment_key())
                {
                    state.progress_dirty = true;
                }
                if let Some(guess) = state.lab.guess_for(result) {
                    state.progress.record_guess(Guess {
                        experiment: state.lab.experiment_key(),
                        workers: result.config.workers,
                        guess,
                        // To the millisecond: the file stays readable.
                        measured: (result.wall.as_secs_f64() * 1000.0).round() / 1000.0,
                    });
                    state.progress_dirty = true;
                }
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
            state.lab.apply(event);
        }
        Action::HelpScroll(by) => {
            state.help_scroll = (state.help_scroll as isize + by).clamp(0, 200) as usize;
        }
        Action::ToggleHelp => {
            state.help_scroll = 0;
            state.overlay = if state.overlay == Overlay::Help {
                Overlay::None
            } else {
                Overlay::Help
            };
        }
        Action::OpenContents => {
            state.overlay = Overlay::Contents {
                selected: state.current,
            }
        }
        Action::OpenLinks => {
            if state.doc.links.is_empty() {
                state.notice = Some("This lesson has no links".into());
            } else {
                state.overlay = Overlay::Links { selected: 0 };
            }
        }
        Action::CloseOverlay => state.overlay = Overlay::None,
        Action::MenuMove(by) => move_selection(state, |selected, len| {
            (selected as isize + by).clamp(0, len as isize - 1) as usize
        }),
        Action::MenuFirst => move_selection(state, |_, _| 0),
        Action::MenuLast => move_selection(state, |_, len| len - 1),
        Action::MenuConfirm => match state.overlay.clone() {
            Overlay::Examples { selected, .. } => {
                state.overlay = Overlay::None;
                let number = state.runs_started + 1;
                state.runs_started = number;
                let example = &state.lesson().meta.examples[selected];
                let args = state.args_for(state.current, selected);
                let file = example
                    .file
                    .rsplit('/')
                    .next()
                    .unwrap_or(&example.file)
                    .to_string();
                state.run = Some(ExampleRun {
                    number,
                    title: example.title.clone(),
                    command: std::iter::once(file)
                        .chain(args.iter().cloned())
                        .collect::<Vec<_>>()
                        .join(" "),
                    started: None,
                    started_at: std::time::Instant::now(),
                    transcript: Default::default(),
                    timed_out: false,
                    end: None,
                    scroll: None,
                    hidden: false,
                });
                effects.push(Effect::RunExample {
                    number,
                    lesson: state.current,
                    example: selected,
                    args,
                    method: state.start_method,
                });
                state.rerender();
            }
            Overlay::Contents { selected } => {
                state.overlay = Overlay::None;
                go_to(state, selected, 0);
            }
            Overlay::Links { selected } => {
                state.overlay = Overlay::None;
                if let Some(target) = state.doc.links.get(selected).cloned() {
                    follow(state, &target);
                }
            }
            _ => {}
        },
        Action::StartSearch => {
            state.overlay = Overlay::None;
            state.search.input = Some(String::new());
        }
        Action::SearchType(c) => {
            if let Some(input) = &mut state.search.input {
                input.push(c);
            }
        }
        Action::SearchBackspace => {
            if let Some(input) = &mut state.search.input {
                input.pop();
            }
        }
        Action::SearchSubmit => {
            let query = state.search.input.take().unwrap_or_default();
            run_search(state, query.trim());
        }
        Action::NextHit => step_hit(state, 1),
        Action::PreviousHit => step_hit(state, -1),
        Action::EndSearch => state.search = Default::default(),
        Action::ToggleAnswers => {
            if !state.doc.has_answers {
                state.notice = Some("This lesson has no worked answers".into());
            } else {
                let shown = !state.revealed.remove(&state.current);
                if shown {
                    state.revealed.insert(state.current);
                }
                state.rerender();
                if shown
                    && let Some(line) = state
                        .doc
                        .lines
                        .iter()
                        .position(|l| l.plain().starts_with("▾ Worked answer"))
                    && (line < state.scroll || line >= state.scroll + state.page_height())
                {
                    state.scroll = line.saturating_sub(2);
                }
            }
        }
        Action::QuizKey(c) => quiz_key(state, c),
        Action::QuizBackspace => {
            state.pending.typed.pop();
            state.rerender();
        }
        Action::QuizConfirm => quiz_confirm(state),
        Action::Click { column, row } => click(state, column, row),
        Action::Resize { width, height } => {
            let top_line = state.scroll;
            let old = state.doc.lines.len().max(1);
            state.screen = Rect::new(0, 0, width, height);
            state.rerender();
            // Keep roughly the same place in the text.
            state.scroll = top_line * state.doc.lines.len() / old;
            if state.search.active() {
                let query = state.search.query.clone();
                let index = state.search.index;
                run_search(state, &query);
                state.search.index = index.min(state.search.hits.len().saturating_sub(1));
            }
        }
        Action::Highlighted(highlights) => {
            state.highlights = Some(highlights);
            state.rerender();
        }
    }
    state.settle();
    // Whatever changed the refresh (a key, a run starting or ending), the
    // sampler hears of it here, once.
    let wanted = state.wanted_sampling();
    if wanted != state.sampling {
        state.sampling = wanted;
        effects.push(Effect::SetInterval(wanted));
    }
    effects
}

/// `250 ms`, `1 s`, `2 s`.
pub fn interval_label(interval: std::time::Duration) -> String {
    if interval.as_millis() < 1000 {
        format!("{} ms", interval.as_millis())
    } else {
        format!("{} s", interval.as_secs_f32())
    }
}

fn scroll_by(state: &mut State, lines: isize) {
    state.scroll = (state.scroll as isize + lines).clamp(0, state.max_scroll() as isize) as usize;
}

fn scroll_output(state: &mut State, lines: isize) {
    let height = state.areas().output.height.saturating_sub(3) as usize;
    if let Some(run) = &mut state.run {
        let len = run.transcript.len();
        let last_page = len.saturating_sub(height.max(1));
        let from = run.scroll.unwrap_or(last_page) as isize;
        let to = (from + lines).clamp(0, last_page as isize) as usize;
        run.scroll = if to >= last_page { None } else { Some(to) };
    }
}

/// Applies an event of a Python run (events of older runs are ignored).
fn python_event(state: &mut State, number: u64, event: PyEvent) {
    let Some(run) = state.run.as_mut().filter(|r| r.number == number) else {
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
    }
}

/// The open question, if the learner can see it.
fn visible_question(state: &mut State) -> Option<usize> {
    let Some(line) = state.open_question else {
        state.notice = Some(if state.questions.is_empty() {
            "This lesson has no questions".into()
        } else {
            "Every question here is answered".into()
        });
        return None;
    };
    if line < state.scroll || line >= state.scroll + state.page_height() {
        state.notice =
            Some("The questions are at the end of the lesson: press G to go there".into());
        return None;
    }
    state.verdicts().iter().position(Option::is_none)
}

fn quiz_key(state: &mut State, c: char) {
    let Some(index) = visible_question(state) else {
        return;
    };
    match &state.questions[index].answer {
        Answer::Choice { choices, .. } => match c.to_digit(10) {
            Some(d) if d >= 1 && (d as usize) <= choices.len() => {
                state.pending.choice = Some(d as usize - 1)
            }
            _ => state.notice = Some(format!("Pick a number from 1 to {}", choices.len())),
        },
        Answer::Number { .. } => state.pending.typed.push(c),
    }
    state.rerender();
}

fn quiz_confirm(state: &mut State) {
    let Some(index) = visible_question(state) else {
        return;
    };
    let question = &state.questions[index];
    let verdict = match &question.answer {
        Answer::Choice { right, .. } => match state.pending.choice {
            Some(choice) => {
                if choice == *right {
                    Verdict::Right
                } else {
                    Verdict::Wrong
                }
            }
            None => {
                state.notice = Some("Pick an answer with its number first".into());
                return;
            }
        },
        Answer::Number { .. } => match parse_number(&state.pending.typed) {
            Some(n) => {
                if question.accepts_number(n) {
                    Verdict::Right
                } else {
                    Verdict::Wrong
                }
            }
            None => {
                state.notice = Some("Type a number first".into());
                return;
            }
        },
    };
    let id = state.lesson().meta.id.clone();
    state.progress.record_answer(&id, index, verdict.word());
    state.progress_dirty = true;
    state.pending = Default::default();
    state.notice = Some(match verdict {
        Verdict::Right => "Right!".into(),
        Verdict::Wrong => "Not quite: the explanation is under the question".into(),
    });
    state.rerender();
}

/// Opens a lesson at a line.
fn go_to(state: &mut State, lesson: usize, line: usize) {
    if lesson != state.current {
        state.current = lesson;
        state.pending = Default::default();
        state.scroll = 0;
        state.rerender();
    }
    state.scroll = line.min(state.max_scroll());
}

fn move_selection(state: &mut State, to: impl Fn(usize, usize) -> usize) {
    let examples = state.lesson().meta.examples.len();
    match &mut state.overlay {
        Overlay::Examples {
            selected,
            editing: None,
        } => *selected = to(*selected, examples),
        Overlay::Contents { selected } => *selected = to(*selected, state.lessons.len()),
        Overlay::Links { selected } => *selected = to(*selected, state.doc.links.len()),
        _ => {}
    }
}

/// Follows a link: another lesson opens; an outside address is shown.
fn follow(state: &mut State, target: &str) {
    match state.lessons.index_of_link(target) {
        Some(index) => go_to(state, index, 0),
        None => state.notice = Some(format!("Outside link: {target} (open it in a browser)")),
    }
}

fn click(state: &mut State, column: u16, row: u16) {
    let text = state.areas().text;
    if state.overlay != Overlay::None || !text.contains((column, row).into()) {
        return;
    }
    let line = state.scroll + (row - text.y) as usize;
    if let Some(target) = state
        .doc
        .link_at(line, (column - text.x) as usize)
        .map(str::to_string)
    {
        follow(state, &target);
    }
}

/// Finds every line of every lesson containing the query (ignoring ASCII
/// case), rendered at the current width so hits map to screen lines.
fn run_search(state: &mut State, query: &str) {
    state.search = Default::default();
    if query.is_empty() {
        return;
    }
    let needle = query.to_ascii_lowercase();
    let mut hits = Vec::new();
    for (index, lesson) in state.lessons.lessons.iter().enumerate() {
        let opts = RenderOptions {
            highlight: None,
            ..state.render_options(index)
        };
        let doc = render(&lesson.body, opts);
        for (line, text) in doc.lines.iter().enumerate() {
            if text.plain().to_ascii_lowercase().contains(&needle) {
                hits.push(Hit {
                    lesson: index,
                    line,
                });
            }
        }
    }
    state.search.query = query.to_string();
    if hits.is_empty() {
        state.notice = Some(format!("No lesson mentions \"{query}\""));
        state.search = Default::default();
        return;
    }
    // Start at the first hit at or after the current place.
    let here = (state.current, state.scroll);
    state.search.index = hits
        .iter()
        .position(|h| (h.lesson, h.line) >= here)
        .unwrap_or(0);
    state.search.hits = hits;
    show_hit(state);
}

fn step_hit(state: &mut State, by: isize) {
    let len = state.search.hits.len() as isize;
    if len == 0 {
        return;
    }
    state.search.index = (state.search.index as isize + by).rem_euclid(len) as usize;
    show_hit(state);
}

fn show_hit(state: &mut State) {
    let hit = state.search.hits[state.search.index];
    let line = hit.line.saturating_sub(state.page_height() / 3);
    go_to(state, hit.lesson, line);
}
