//! `forklab check [DIR]`.

use std::path::Path;
use std::process::ExitCode;

use crate::commands::status::Error;

use std::sync::atomic::AtomicBool;

use crate::lesson::{LessonSet, LoadError, Origin, Problem, check::check, check::warnings};
use crate::practice::Context;
use crate::practice::selfcheck::selfcheck;
use crate::python::Interpreter;
use crate::sanitize;

/// Prints every problem as `file:line: message` and every warning as
/// `file:line: warning: message`; exit status 1 if any problem (warnings
/// alone pass). Everything printed is sanitized: a pack's file names and
/// text are untrusted. With `run` (the Python to use, or the default),
/// also runs every exercise's solution and starter when the files
/// themselves are sound.
pub fn run(dir: Option<&Path>, run: Option<Option<&Path>>) -> Result<ExitCode, Error> {
    let (set, name) = match dir {
        None => (LessonSet::embedded(), "built-in course".to_string()),
        Some(dir) => (opened(dir)?, dir.display().to_string()),
    };
    let mut problems = check(&set);
    // A pack's manifest is checked with its lessons.
    if let Some(dir) = dir
        && let Some(problem) = manifest_problem(dir)
    {
        problems.insert(0, problem);
    }
    let text_warnings = warnings(&set);
    let exercises = crate::practice::exercises(&set).count();
    let mut run_warnings = 0;
    if let Some(python) = run
        && problems.is_empty()
        && exercises > 0
    {
        let (found, warned) = run_exercises(&set, python)?;
        problems.extend(found);
        run_warnings = warned;
    }
    let place = |problem: &Problem| match dir {
        Some(dir) => format!("{}:{}", dir.join(&problem.file).display(), problem.line),
        None => format!("{}:{}", problem.file, problem.line),
    };
    let mut all: Vec<(&Problem, bool)> = problems
        .iter()
        .map(|p| (p, false))
        .chain(text_warnings.iter().map(|w| (w, true)))
        .collect();
    all.sort_by(|a, b| (&a.0.file, a.0.line).cmp(&(&b.0.file, b.0.line)));
    for (problem, warning) in all {
        let kind = if warning { "warning: " } else { "" };
        println!(
            "{}",
            sanitize::text(&format!("{}: {kind}{}", place(problem), problem.message))
        );
    }
    let name = sanitize::line(&name);
    let warned = if text_warnings.is_empty() {
        String::new()
    } else {
        format!(", {} warning(s)", text_warnings.len())
    };
    if problems.is_empty() {
        let what = match (exercises, run.is_some()) {
            (0, _) => format!("{} lessons", set.len()),
            (n, false) => format!("{} lessons and {n} exercises (not run)", set.len()),
            (n, true) if run_warnings == 0 => format!(
                "{} lessons and {n} exercises (every solution passes, every starter fails)",
                set.len()
            ),
            (n, true) => format!(
                "{} lessons and {n} exercises (every starter fails; every solution passes but for {run_warnings} timing check(s) this busy machine could not judge)",
                set.len()
            ),
        };
        println!("{name}: {what}, no problems{warned}");
        Ok(ExitCode::SUCCESS)
    } else {
        let mut files: Vec<_> = problems.iter().map(|p| &p.file).collect();
        files.sort();
        files.dedup();
        eprintln!(
            "{name}: {} problem(s) in {} file(s){warned}",
            problems.len(),
            files.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// The folder's lessons, decided on the kind of failure: lessons that
/// do not load are the problems to list; a folder that cannot be read,
/// or holds no lesson file at all, is no course to pass.
fn opened(dir: &Path) -> Result<LessonSet, Error> {
    match LessonSet::open(Some(dir)) {
        Ok(set) => Ok(set),
        Err(LoadError::Malformed { problems, .. }) => Ok(LessonSet {
            lessons: Vec::new(),
            origin: Origin::Dir(dir.to_path_buf()),
            problems,
        }),
        Err(LoadError::Missing { source, .. } | LoadError::Unreadable { source, .. }) => Err(
            Error::Failed(format!("cannot read {}: {source}", dir.display())),
        ),
        Err(LoadError::Empty { .. }) => Err(Error::Failed(format!(
            "{}: no lesson files (*.md) here, so nothing to check",
            dir.display()
        ))),
    }
}

/// What is wrong with `DIR/pack.toml`, if the folder has one, on its line.
fn manifest_problem(dir: &Path) -> Option<Problem> {
    std::fs::symlink_metadata(dir.join("pack.toml")).ok()?;
    let (line, message) = match crate::pack::Manifest::read(dir) {
        Ok(manifest) => (1, manifest.supported().err()?),
        Err(e) => (e.line(), e.what()),
    };
    Some(Problem {
        file: "pack.toml".into(),
        line,
        message,
    })
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
        cores: crate::os::usable_cores(),
        seed: None,
    };
    let warnings = std::cell::Cell::new(0);
    let (problems, _) = selfcheck(
        ctx,
        set,
        &|id| eprintln!("   running exercise {id}: solution, then starter"),
        &|warning| {
            warnings.set(warnings.get() + 1);
            eprintln!("warning: {}", sanitize::line(warning));
        },
    );
    Ok((problems, warnings.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_lists_lessons_that_do_not_load_and_refuses_a_folder_without_any() {
        let dir = tempfile::tempdir().unwrap();
        let empty = opened(dir.path()).unwrap_err();
        assert!(empty.to_string().contains("no lesson files"), "{empty}");
        assert_eq!(empty.status(), crate::commands::status::FAILED);
        let gone = opened(&dir.path().join("gone")).unwrap_err();
        assert!(gone.to_string().starts_with("cannot read "), "{gone}");
        std::fs::write(dir.path().join("bad.md"), "+++\nid = 1\n+++\n").unwrap();
        let set = opened(dir.path()).unwrap();
        assert_eq!(set.problems.len(), 1);
        assert_eq!(set.problems[0].file, "bad.md");
    }

    #[test]
    fn a_manifest_problem_keeps_its_line_and_loses_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(manifest_problem(dir.path()), None);
        let good = "name = \"pools\"\nversion = \"1\"\nlicence = \"MIT\"\nforklab = \"0.1\"\n";
        std::fs::write(
            dir.path().join("pack.toml"),
            format!("{good}\ncolour = 1\n"),
        )
        .unwrap();
        let problem = manifest_problem(dir.path()).unwrap();
        assert_eq!((problem.file.as_str(), problem.line), ("pack.toml", 6));
        assert!(
            problem.message.starts_with("unknown field `colour`"),
            "{problem}"
        );
        std::fs::write(
            dir.path().join("pack.toml"),
            good.replace("pools", "Bad Name"),
        )
        .unwrap();
        let problem = manifest_problem(dir.path()).unwrap();
        assert_eq!(problem.line, 1);
        assert!(
            problem.message.starts_with("name \"Bad Name\" must be"),
            "{problem}"
        );
        std::fs::write(dir.path().join("pack.toml"), b"\xff").unwrap();
        let problem = manifest_problem(dir.path()).unwrap();
        assert_eq!(
            (problem.line, problem.message.as_str()),
            (1, "is not UTF-8")
        );
        std::fs::write(dir.path().join("pack.toml"), good.replace("0.1", "99.0")).unwrap();
        assert!(
            manifest_problem(dir.path())
                .unwrap()
                .message
                .contains("needs forklab 99.0")
        );
    }
}
