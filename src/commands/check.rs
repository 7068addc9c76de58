//! `forklab check [DIR]`.

use std::path::Path;
use std::process::ExitCode;

use crate::lesson::{LessonSet, Problem, check::check, check::warnings};
use crate::python::sanitize::sanitize;

/// What is wrong with `DIR/pack.toml`, if the folder has one.
fn manifest_problem(dir: &Path) -> Option<Problem> {
    std::fs::symlink_metadata(dir.join("pack.toml")).ok()?;
    let message = match crate::pack::Manifest::read(dir) {
        Ok(manifest) => manifest.supported().err()?,
        Err(e) => e,
    };
    // "pack.toml:LINE: message" or "pack.toml: message".
    let rest = message.strip_prefix("pack.toml").unwrap_or(&message);
    let (line, text) = match rest.strip_prefix(':').and_then(|r| r.split_once(": ")) {
        Some((line, text)) if line.parse::<usize>().is_ok() => (line.parse().unwrap_or(1), text),
        _ => (1, rest.trim_start_matches(':').trim_start()),
    };
    Some(Problem {
        file: "pack.toml".into(),
        line,
        message: text.to_string(),
    })
}

/// Prints every problem as `file:line: message` and every warning as
/// `file:line: warning: message`; exit status 1 if any problem (warnings
/// alone pass). Everything printed is sanitized: a pack's file names and
/// text are untrusted.
pub fn run(dir: Option<&Path>) -> Result<ExitCode, String> {
    let (set, name) = match dir {
        None => (LessonSet::embedded(), "built-in course".to_string()),
        Some(dir) => (
            LessonSet::from_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?,
            dir.display().to_string(),
        ),
    };
    let mut problems = check(&set);
    // A pack's manifest is checked with its lessons.
    if let Some(dir) = dir
        && let Some(problem) = manifest_problem(dir)
    {
        problems.insert(0, problem);
    }
    let warnings = warnings(&set);
    let place = |problem: &Problem| match dir {
        Some(dir) => format!("{}:{}", dir.join(&problem.file).display(), problem.line),
        None => format!("{}:{}", problem.file, problem.line),
    };
    let mut all: Vec<(&Problem, bool)> = problems
        .iter()
        .map(|p| (p, false))
        .chain(warnings.iter().map(|w| (w, true)))
        .collect();
    all.sort_by(|a, b| (&a.0.file, a.0.line).cmp(&(&b.0.file, b.0.line)));
    for (problem, warning) in all {
        let kind = if warning { "warning: " } else { "" };
        println!(
            "{}",
            sanitize(&format!("{}: {kind}{}", place(problem), problem.message))
        );
    }
    let name = sanitize(&name);
    let warned = if warnings.is_empty() {
        String::new()
    } else {
        format!(", {} warning(s)", warnings.len())
    };
    if problems.is_empty() {
        println!("{name}: {} lessons, no problems{warned}", set.len());
        Ok(ExitCode::SUCCESS)
    } else {
        let mut files: Vec<_> = problems.iter().map(|p| &p.file).collect();
        files.dedup();
        eprintln!(
            "{name}: {} problem(s) in {} file(s){warned}",
            problems.len(),
            files.len()
        );
        Ok(ExitCode::FAILURE)
    }
}
