//! `forklab practice`: the exercises without the TUI. A learner can work
//! with any editor and a terminal; a teacher can grade a folder of
//! submissions with `practice check ID --file F --json` in a script.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::commands::status::Error;
use std::sync::atomic::AtomicBool;

use clap::Subcommand;

use crate::lesson::LessonSet;
use crate::practice::workspace::{DEFAULT_DIR, Workspace, read_file};
use crate::practice::{self, Context};
use crate::practice::{Event, Outcome, Overall, Report};
use crate::progress::{Progress, Store};
use crate::python::Interpreter;
use crate::sanitize;

#[derive(Debug, Subcommand)]
pub enum PracticeAction {
    /// Write the starter files into DIR (default ./forklab-exercises); never overwrites.
    Init {
        /// The folder for your exercise files.
        dir: Option<PathBuf>,
    },
    /// List the exercises with your state on each.
    List,
    /// Check your file for an exercise: exit 0 if it passes, 1 if a check fails, 3 if a
    /// timing check cannot be judged now (the machine is busy), 2 if it cannot be checked.
    /// The verdict is recorded in your progress, as the TUI does.
    Check {
        /// The exercise's id, as listed by `forklab practice list`.
        id: String,
        /// Check this file instead of yours in the exercise folder (the verdict is still
        /// recorded in your progress, as the TUI does).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Print the report as JSON on stdout: the verdict ("pass", "fail",
        /// "cannot-judge"), its reason, the file, the load, every check.
        #[arg(long)]
        json: bool,
        /// Replay the inputs of a `hidden` check: the seed its verdict gave.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
    },
    /// Watch your file and check it again on every save (Ctrl-C to stop).
    Watch { id: String },
    /// Show the next hint for an exercise (hints are counted).
    Hint { id: String },
    /// Print the reference solution (before you pass, only with --yes; recorded).
    Solution {
        id: String,
        /// Reveal it even though you have not passed yet.
        #[arg(long)]
        yes: bool,
    },
}

/// The learner's progress and where it is kept: each command saves what
/// it changed, as the TUI does.
struct Learner {
    store: Option<Store>,
    progress: Progress,
}

impl Learner {
    fn load() -> Learner {
        let store = Store::locate();
        let loaded = store.as_ref().map(Store::load);
        let progress = loaded
            .as_ref()
            .map(|l| l.progress().clone())
            .unwrap_or_default();
        // A damaged file left in place is never saved over.
        let store = store.filter(|_| loaded.as_ref().is_none_or(|l| l.may_save()));
        Learner { store, progress }
    }

    /// Saves the progress; a failure is told and the command goes on.
    fn save(&self) {
        if let Some(store) = &self.store
            && let Err(e) = store.save(&self.progress)
        {
            eprintln!(
                "forklab: cannot save progress to {}: {e}",
                store.path().display()
            );
        }
    }
}

/// Runs a `practice` subcommand.
pub fn run(
    set: &LessonSet,
    action: PracticeAction,
    python: Option<&Path>,
) -> Result<ExitCode, Error> {
    let mut learner = Learner::load();
    match action {
        PracticeAction::Init { dir } => init(set, &mut learner, dir),
        PracticeAction::List => {
            list(set, &learner.progress);
            Ok(ExitCode::SUCCESS)
        }
        PracticeAction::Check {
            id,
            file,
            json,
            seed,
        } => check(
            set,
            learner,
            python,
            Check {
                id,
                file,
                json,
                seed,
            },
        ),
        PracticeAction::Watch { id } => {
            let (_, exercise) = practice::find(set, &id)?;
            let Some(workspace) = Workspace::locate(learner.progress.practice_dir.as_deref())
            else {
                return unusable("no exercise folder: run `forklab practice init` first");
            };
            let interpreter = Interpreter::find(python)?;
            watch(set, exercise, &workspace, interpreter, learner)
        }
        PracticeAction::Hint { id } => hint(set, learner, &id),
        PracticeAction::Solution { id, yes } => solution(set, learner, &id, yes),
    }
}

/// `practice init [DIR]`: the starters written, the folder remembered.
fn init(set: &LessonSet, learner: &mut Learner, dir: Option<PathBuf>) -> Result<ExitCode, Error> {
    let dir = dir.unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
    let workspace = Workspace::at(&dir);
    let init = workspace.init(set)?;
    let absolute = std::path::absolute(&dir).unwrap_or(dir.clone());
    println!(
        "{}: {} starter file(s) written, {} already there and kept",
        absolute.display(),
        init.written.len(),
        init.kept.len()
    );
    for data in &init.data {
        println!("{}: the exercises' data, copied", data.display());
    }
    println!(
        "Edit a file, then: forklab practice check ID   (forklab practice list shows the ids)"
    );
    learner.progress.practice_dir = Some(absolute);
    learner.save();
    Ok(ExitCode::SUCCESS)
}

/// `practice list`: every exercise with the learner's state on it.
fn list(set: &LessonSet, progress: &Progress) {
    let workspace = Workspace::locate(progress.practice_dir.as_deref());
    let mut out = std::io::stdout().lock();
    let rows: Vec<[String; 5]> = practice::exercises(set)
        .map(|(lesson, exercise)| {
            let record = progress.exercise(&exercise.id);
            let mut state = record.state.as_str().to_string();
            if record.solved && record.state != crate::progress::ExerciseState::Passed {
                state.push_str(" (solved before)");
            }
            if record.solution_revealed {
                state.push_str(", solution seen");
            }
            let hints = format!("{}/{}", record.hints_shown, exercise.hints.len());
            [
                &lesson.meta.id,
                &exercise.id,
                &state,
                &hints,
                &exercise.title,
            ]
            .map(|cell| sanitize::line(cell).into_owned())
        })
        .collect();
    let header = ["lesson", "exercise", "state", "hints", "title"].map(String::from);
    let width = |col: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| sanitize::width(&r[col]))
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            line.push_str(&sanitize::pad(cell, w));
            line.push_str("  ");
        }
        line.push_str(&row[4]);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    match workspace {
        Some(w) => {
            let _ = writeln!(out, "Your files: {}", w.dir.display());
        }
        None => {
            let _ = writeln!(
                out,
                "No exercise folder yet: `forklab practice init` writes one."
            );
        }
    }
}

/// What `practice check` was asked.
struct Check {
    id: String,
    file: Option<PathBuf>,
    json: bool,
    seed: Option<u64>,
}

/// `practice check ID`: the verdict printed (or as JSON) and recorded;
/// the exit status says which.
fn check(
    set: &LessonSet,
    mut learner: Learner,
    python: Option<&Path>,
    ask: Check,
) -> Result<ExitCode, Error> {
    let (_, exercise) = practice::find(set, &ask.id)?;
    let path = match ask.file {
        Some(file) => file,
        None => match Workspace::locate(learner.progress.practice_dir.as_deref()) {
            Some(workspace) => workspace.file_of(exercise),
            None => {
                return unusable(
                    "no exercise folder: run `forklab practice init` first, or give --file",
                );
            }
        },
    };
    let source = read_file(&path)?;
    let interpreter = Interpreter::find(python)?;
    let json = ask.json;
    let cancel = AtomicBool::new(false);
    let ctx = Context {
        set,
        interpreter: &interpreter,
        launcher: None,
        cancel: &cancel,
        cores: crate::os::usable_cores(),
        seed: ask.seed,
    };
    if !json {
        println!(
            "== {} ({}) with Python {}",
            exercise.id,
            sanitize::line(&path.display().to_string()),
            interpreter.version
        );
    }
    let shown = path.display().to_string();
    let report = practice::judge(ctx, exercise, &source, Some(&shown), &|event| {
        if !json {
            print_event(&event);
        }
    });
    practice::record(&mut learner.progress, &report);
    learner.save();
    if json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| format!("cannot write the report: {e}"))?;
        println!("{}", crate::sanitize::json(&text));
    } else {
        print_summary(&report, exercise.hints.len());
    }
    Ok(ExitCode::from(report.verdict.status()))
}

/// `practice hint ID`: the next hint, counted.
fn hint(set: &LessonSet, mut learner: Learner, id: &str) -> Result<ExitCode, Error> {
    let (_, exercise) = practice::find(set, id)?;
    let Some(hint) = practice::Hint::next(&mut learner.progress, exercise) else {
        println!("Exercise {:?} has no hints.", exercise.id);
        return Ok(ExitCode::SUCCESS);
    };
    learner.save();
    println!("{}: {}", hint.heading(), hint.text);
    let command = format!("forklab practice solution {}", exercise.id);
    if let Some(after) = hint.after(&command) {
        println!("{after}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `practice solution ID`: the reference solution, once passed or with
/// `--yes` (remembered).
fn solution(set: &LessonSet, mut learner: Learner, id: &str, yes: bool) -> Result<ExitCode, Error> {
    let (_, exercise) = practice::find(set, id)?;
    let record = learner.progress.exercise(&exercise.id);
    if !record.solved && !yes {
        return unusable(format!(
            "you have not passed {:?} yet, so its solution stays hidden; `forklab practice solution {} --yes` shows it (and progress remembers that you looked)",
            exercise.id, exercise.id
        ));
    }
    let text = set
        .read_file(&exercise.solution)
        .ok_or_else(|| practice::Error::NotInCourse {
            what: "solution",
            file: exercise.solution.clone(),
        })?;
    learner.progress.reveal_solution(&exercise.id);
    learner.save();
    let mut out = std::io::stdout().lock();
    for line in String::from_utf8_lossy(&text).lines() {
        let _ = writeln!(out, "{}", sanitize::text(line));
    }
    Ok(ExitCode::SUCCESS)
}

/// What was asked cannot be checked (an unknown id, no file, no Python).
fn unusable(message: impl Into<String>) -> Result<ExitCode, Error> {
    Err(Error::Usage(message.into()))
}

/// Live lines while checking: which run, then each verdict.
fn print_event(event: &Event) {
    let mut out = std::io::stdout().lock();
    match event {
        Event::Run { label } => {
            let _ = writeln!(out, "   running {label}...");
        }
        Event::Verdict(verdict) => {
            let _ = writeln!(
                out,
                "{} {}: {}",
                verdict.outcome.mark(),
                verdict.label,
                verdict.reason
            );
        }
        Event::Py(_) => {}
    }
    let _ = out.flush();
}

fn print_summary(report: &Report, hints: usize) {
    if let Some(contained) = &report.contained {
        println!("   limits in force: {contained}");
    }
    let failed = report.verdicts.iter().any(|v| v.outcome == Outcome::Failed);
    if report.passed {
        println!("== passed: every check is satisfied");
    } else if report.verdict == Overall::CannotJudge {
        println!(
            "== cannot judge now: no check fails, but {} ({}); check again when the machine is quieter",
            report.reason,
            crate::practice::judge::load_words(report.load)
        );
    } else {
        if failed && !report.output.is_empty() {
            println!("== your script's output (last lines):");
            let skip = report.output.len().saturating_sub(15);
            for line in &report.output[skip..] {
                println!("   {line}");
            }
        }
        let hint = if hints > 0 {
            format!("; stuck? forklab practice hint {}", report.exercise)
        } else {
            String::new()
        };
        println!("== not yet: fix the first ✗ and check again{hint}");
    }
}

/// `practice watch`: the headless loop. Each save prints the verdicts as
/// they come; progress records each finished judgement.
fn watch(
    set: &LessonSet,
    exercise: &crate::lesson::Exercise,
    workspace: &Workspace,
    interpreter: Interpreter,
    mut learner: Learner,
) -> Result<ExitCode, Error> {
    use crate::practice::live::{Live, LiveEvent, LiveSetup};
    let path = workspace.file_of(exercise);
    println!(
        "== watching {} for {}: save it to check it again; Ctrl-C stops",
        sanitize::line(&path.display().to_string()),
        exercise.id
    );
    let interrupted = std::sync::Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, interrupted.clone());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let live = Live::start(
        LiveSetup {
            set: set.clone(),
            exercise: exercise.clone(),
            path,
            interpreter: Some(interpreter),
            python_choice: None,
            launcher: None,
            cores: crate::os::usable_cores(),
        },
        true,
        move |event| {
            let _ = tx.send(event);
        },
    );
    while !interrupted.load(std::sync::atomic::Ordering::SeqCst) {
        let Ok(event) = rx.recv_timeout(std::time::Duration::from_millis(100)) else {
            continue;
        };
        match event {
            LiveEvent::Judging { generation } => println!("== check {generation}"),
            LiveEvent::Judge { event, .. } => print_event(&event),
            LiveEvent::Done { report, .. } => {
                print_summary(&report, exercise.hints.len());
                practice::record(&mut learner.progress, &report);
                if let Some(store) = &learner.store {
                    let _ = store.save(&learner.progress);
                }
            }
            LiveEvent::Unreadable { message } => println!("== {message}"),
            LiveEvent::Failed { message } => {
                live.stop();
                return Err(Error::Failed(message));
            }
        }
    }
    live.stop();
    Ok(ExitCode::SUCCESS)
}
