//! `forklab check [DIR]`.

use std::path::Path;
use std::process::ExitCode;

use std::sync::atomic::AtomicBool;

use crate::lesson::{LessonSet, Problem, check::check};
use crate::practice::Context;
use crate::practice::selfcheck::selfcheck;
use crate::python::Interpreter;

/// Prints every problem as `file:line: message`; exit status 1 if any.
/// With `run` (the Python to use, or the default), also runs every
/// exercise's solution and starter when the files themselves are sound.
pub fn run(dir: Option<&Path>, run: Option<Option<&Path>>) -> Result<ExitCode, String> {
    let (set, name) = match dir {
        None => (LessonSet::embedded(), "built-in course".to_string()),
        Some(dir) => (
            LessonSet::from_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?,
            dir.display().to_string(),
        ),
    };
    let mut problems = check(&set);
    let exercises = crate::practice::exercises(&set).count();
    let mut warnings = 0;
    if let Some(python) = run
        && problems.is_empty()
        && exercises > 0
    {
        let (found, warned) = run_exercises(&set, python)?;
        problems.extend(found);
        warnings = warned;
    }
    for problem in &problems {
        match dir {
            Some(dir) => println!(
                "{}:{}: {}",
                dir.join(&problem.file).display(),
                problem.line,
                problem.message
            ),
            None => println!("{problem}"),
        }
    }
    if problems.is_empty() {
        let what = match (exercises, run.is_some()) {
            (0, _) => format!("{} lessons", set.len()),
            (n, false) => format!("{} lessons and {n} exercises (not run)", set.len()),
            (n, true) if warnings == 0 => format!(
                "{} lessons and {n} exercises (every solution passes, every starter fails)",
                set.len()
            ),
            (n, true) => format!(
                "{} lessons and {n} exercises (every starter fails; every solution passes but for {warnings} timing check(s) this busy machine could not judge)",
                set.len()
            ),
        };
        println!("{name}: {what}, no problems");
        Ok(ExitCode::SUCCESS)
    } else {
        let mut files: Vec<_> = problems.iter().map(|p| &p.file).collect();
        files.dedup();
        eprintln!(
            "{name}: {} problem(s) in {} file(s)",
            problems.len(),
            files.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Every exercise's solution must pass and its starter fail.
fn run_exercises(set: &LessonSet, python: Option<&Path>) -> Result<(Vec<Problem>, usize), String> {
    let interpreter = Interpreter::find(python).map_err(|e| {
        format!("{e}\n(`forklab check --no-run` checks the files without running the exercises)")
    })?;
    let cancel = AtomicBool::new(false);
    let ctx = Context {
        set,
        interpreter: &interpreter,
        launcher: None,
        cancel: &cancel,
        cores: crate::practice::usable_cores(),
    };
    let warnings = std::cell::Cell::new(0);
    let (problems, _) = selfcheck(
        ctx,
        set,
        &|id| eprintln!("   running exercise {id}: solution, then starter"),
        &|warning| {
            warnings.set(warnings.get() + 1);
            eprintln!("warning: {warning}");
        },
    );
    Ok((problems, warnings.get()))
}
