//! `forklab check [DIR]`.

use std::path::Path;
use std::process::ExitCode;

use crate::lesson::{LessonSet, check::check};

/// Prints every problem as `file:line: message`; exit status 1 if any.
pub fn run(dir: Option<&Path>) -> Result<ExitCode, String> {
    let (set, name) = match dir {
        None => (LessonSet::embedded(), "built-in course".to_string()),
        Some(dir) => (
            LessonSet::from_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?,
            dir.display().to_string(),
        ),
    };
    let problems = check(&set);
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
        println!("{name}: {} lessons, no problems", set.len());
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
