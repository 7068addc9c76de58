//! `forklab check` of a set's exercises: ids and file names unique, every
//! file found, every check and `[exercises.hidden]` sound, each problem on
//! its line of the front matter.

use super::{nth_table_line, table_key_line};
use crate::lesson::model::{Check, Exercise, Lesson, Problem};
use crate::lesson::set::LessonSet;
use crate::python::StartMethod;

/// Exercises: ids and workspace file names unique in the set, every file
/// found, every check sound. (Running them is `crate::practice::selfcheck`.)
pub(super) fn check_exercises(set: &LessonSet) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids: Vec<(&str, &str)> = Vec::new();
    let mut names: Vec<(&str, &str)> = Vec::new();
    for lesson in &set.lessons {
        for (index, exercise) in lesson.meta.exercises.iter().enumerate() {
            let mut at = ExerciseAt {
                set,
                lesson,
                index,
                exercise,
                problems: &mut problems,
            };
            at.unique(&mut ids, &mut names);
            at.fields();
            at.checks();
            at.hidden();
        }
    }
    problems
}

/// One exercise being checked, and where its problems go.
struct ExerciseAt<'a, 'p> {
    set: &'a LessonSet,
    lesson: &'a Lesson,
    /// Its place among its lesson's exercises.
    index: usize,
    exercise: &'a Exercise,
    problems: &'p mut Vec<Problem>,
}

impl<'a> ExerciseAt<'a, '_> {
    fn problem(&mut self, line: usize, message: String) {
        self.problems.push(Problem {
            file: self.lesson.file.clone(),
            line,
            message: format!("exercise {:?}: {message}", self.exercise.id),
        });
    }

    /// The line of `key` in this exercise's table (`None`: its header).
    fn at(&self, key: Option<&str>) -> usize {
        table_key_line(self.lesson, "[[exercises]]", self.index, key)
    }

    /// Its id well formed; its id and its file's name not used by an
    /// exercise before it (`ids`: id and lesson file; `names`: file name
    /// and exercise id).
    fn unique(&mut self, ids: &mut Vec<(&'a str, &'a str)>, names: &mut Vec<(&'a str, &'a str)>) {
        let exercise = self.exercise;
        if !crate::lesson::parse::is_valid_id(&exercise.id) {
            self.problem(
                self.at(Some("id")),
                "the id must be lowercase letters, digits and dashes".into(),
            );
        }
        match ids.iter().find(|(id, _)| *id == exercise.id) {
            Some((_, file)) => {
                let message = format!("the id is already used in {file}");
                self.problem(self.at(Some("id")), message);
            }
            None => ids.push((&exercise.id, &self.lesson.file)),
        }
        match names.iter().find(|(name, _)| *name == exercise.file_name()) {
            Some((_, other)) => {
                let message = format!(
                    "exercise {other:?} already has a file named {:?}: they would share one file in the learner's folder",
                    exercise.file_name()
                );
                self.problem(self.at(Some("file")), message);
            }
            None => names.push((exercise.file_name(), &exercise.id)),
        }
    }

    /// Its other keys: title, files, data and time limit.
    fn fields(&mut self) {
        let exercise = self.exercise;
        if exercise.title.trim().is_empty() {
            self.problem(self.at(Some("title")), "the title is empty".into());
        }
        for (key, path) in [("file", &exercise.file), ("solution", &exercise.solution)] {
            if !path.ends_with(".py") {
                self.problem(
                    self.at(Some(key)),
                    format!("{key} {path:?} is not a .py file"),
                );
            } else if let Err(e) = self.set.file(path) {
                // Missing, or refused: outside the pack, a device, too big.
                self.problem(self.at(Some(key)), format!("{key} {path:?} {e}"));
            }
        }
        if exercise.file == exercise.solution {
            self.problem(
                self.at(Some("solution")),
                "the solution is the starter file itself".into(),
            );
        }
        for name in &exercise.data {
            let message = match self.set.asset_problem(name) {
                None => continue,
                Some(crate::lesson::contain::PathError::NotFound) => {
                    format!("data {name:?} not found in assets")
                }
                Some(e) => format!("data {name:?} {e}"),
            };
            self.problem(self.at(Some("data")), message);
        }
        if exercise.timeout == Some(0) {
            self.problem(
                self.at(Some("timeout")),
                "timeout must be at least 1 second".into(),
            );
        }
    }

    /// Its checks: at least one, each sound, on the line of its table.
    fn checks(&mut self) {
        let exercise = self.exercise;
        if exercise.checks.is_empty() {
            self.problem(
                self.at(None),
                "no [[exercises.checks]]: nothing would decide when it is solved".into(),
            );
        }
        let checks_before: usize = self.lesson.meta.exercises[..self.index]
            .iter()
            .map(|e| e.checks.len())
            .sum();
        for (i, check) in exercise.checks.iter().enumerate() {
            let line = nth_table_line(self.lesson, "[[exercises.checks]]", checks_before + i);
            for message in check_problems(self.set, check) {
                self.problem(
                    line,
                    format!("check {} ({}): {message}", i + 1, check.kind()),
                );
            }
        }
    }

    /// `[exercises.hidden]`: sound, and there exactly when a `hidden`
    /// check uses it.
    fn hidden(&mut self) {
        let exercise = self.exercise;
        let hidden_before = self.lesson.meta.exercises[..self.index]
            .iter()
            .filter(|e| e.hidden.is_some())
            .count();
        let has_hidden_check = exercise.checks.iter().any(|c| c.kind() == "hidden");
        match &exercise.hidden {
            Some(hidden) => {
                for (key, message) in hidden.problems(&exercise.data) {
                    let key = (key != "hidden").then_some(key);
                    let line = hidden_line(self.lesson, hidden_before, key);
                    self.problem(line, format!("[exercises.hidden]: {message}"));
                }
                if !has_hidden_check {
                    self.problem(
                        hidden_line(self.lesson, hidden_before, None),
                        "[exercises.hidden] is never used: add a check of kind \"hidden\"".into(),
                    );
                }
            }
            None if has_hidden_check => self.problem(
                self.at(None),
                "a \"hidden\" check needs [exercises.hidden] to make its inputs".into(),
            ),
            None => {}
        }
    }
}

/// 1-based file line of `key` in the `index`-th `[exercises.hidden]`
/// table, or of a table's header (`corpus = {...}` holds `folder`,
/// `files` and `words` on its own line).
fn hidden_line(lesson: &Lesson, index: usize, key: Option<&str>) -> usize {
    let header = "[exercises.hidden]";
    let line = table_key_line(lesson, header, index, key);
    match key {
        Some(k) if line == table_key_line(lesson, header, index, None) && k != "args" => {
            table_key_line(lesson, header, index, Some("corpus"))
        }
        _ => line,
    }
}

/// What is wrong with one check on its own.
fn check_problems(set: &LessonSet, check: &Check) -> Vec<String> {
    let mut problems = Vec::new();
    match check {
        Check::Output { contains, regex } => {
            if contains.is_empty() && regex.is_empty() {
                problems.push("give `contains` or `regex`".into());
            }
            for pattern in regex {
                if let Err(e) = regex_lite::Regex::new(pattern) {
                    problems.push(format!("regex {pattern:?}: {e}"));
                }
            }
        }
        Check::StartMethods { methods } => {
            if methods.is_empty() {
                problems.push("`methods` is empty".into());
            }
            for method in methods {
                if let Err(e) = method.parse::<StartMethod>() {
                    problems.push(e);
                }
            }
        }
        Check::Work { share: Some(share) } if !(*share > 0.0 && *share <= 1.0) => {
            problems.push(format!(
                "`share` = {share}: the workers' share of the CPU time is above 0 and at most 1"
            ));
        }
        Check::Workers { at_least } | Check::Cores { at_least } if *at_least == 0 => {
            problems.push("`at_least` must be 1 or more".into());
        }
        Check::Code {
            must_call, forbid, ..
        } => problems.extend(Check::code_problems(must_call, forbid)),
        Check::Speedup { serial, at_least } => {
            if let Err(e) = set.file(serial) {
                problems.push(format!("serial script {serial:?} {e}"));
            }
            if !(*at_least > 1.0 && *at_least <= 1024.0) {
                problems.push(format!(
                    "`at_least` = {at_least}: a speedup target is above 1"
                ));
            }
        }
        _ => {}
    }
    problems
}
