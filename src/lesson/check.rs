//! `forklab check`: everything wrong with a lesson set, each problem with
//! its file and line.

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::model::{Lesson, Problem};
use super::set::{LessonSet, lesson_link_file};
use crate::lab::Experiment;

/// All problems of a set: unreadable files, duplicate ids, broken lesson
/// links, missing example scripts and data, bad lab experiments.
pub fn check(set: &LessonSet) -> Vec<Problem> {
    let mut problems = set.problems.clone();
    if set.is_empty() && problems.is_empty() {
        problems.push(Problem {
            file: ".".into(),
            line: 1,
            message: "no lessons found (lesson files end in .md)".into(),
        });
    }
    for lesson in &set.lessons {
        problems.extend(check_links(set, lesson));
        problems.extend(check_examples(set, lesson));
        if let Err((index, message)) = super::quiz::questions(&lesson.meta.questions) {
            problems.push(Problem {
                file: lesson.file.clone(),
                line: nth_table_line(lesson, "[[questions]]", index),
                message: format!("question {}: {message}", index + 1),
            });
        }
        problems.extend(check_experiments(lesson));
    }
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    problems
}

fn check_links(set: &LessonSet, lesson: &Lesson) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (event, range) in Parser::new_ext(&lesson.body, Options::ENABLE_TABLES).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. }) = event
            && let Some(file) = lesson_link_file(&dest_url)
            && set.index_of_link(file).is_none()
        {
            problems.push(Problem {
                file: lesson.file.clone(),
                line: lesson.body_line + lesson.body[..range.start].matches('\n').count(),
                message: format!(
                    "link to {:?}: no lesson file {file:?} in this set",
                    dest_url.as_ref()
                ),
            });
        }
    }
    problems
}

/// The file line of the `index`-th `header` table in the front matter.
fn nth_table_line(lesson: &Lesson, header: &str, index: usize) -> usize {
    lesson
        .front
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .nth(index)
        .map_or(1, |(i, _)| i + 2)
}

fn check_examples(set: &LessonSet, lesson: &Lesson) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for example in &lesson.meta.examples {
        let mut problem = |needle: &str, message: String| {
            problems.push(Problem {
                file: lesson.file.clone(),
                line: lesson.front_line_of(needle),
                message,
            })
        };
        if seen.contains(&&example.id) {
            problem(
                &format!("\"{}\"", example.id),
                format!("example id {:?} is used twice", example.id),
            );
        }
        seen.push(&example.id);
        if let Some(p) = named_file_problem(set, lesson, "example", &example.id, &example.file) {
            problems.push(p);
        }
        for name in &example.data {
            if let Some(p) = data_problem(set, lesson, "example", &example.id, name) {
                problems.push(p);
            }
        }
    }
    problems
}

/// The problem with a file a lesson names (an example's script, an
/// exercise's starter or solution), at the line that names it: missing, or
/// refused by [`LessonSet::file`] (outside the folder, a device, too big).
/// `what` and `id` say whose file it is: `"exercise"`, `"pool-squares"`.
pub fn named_file_problem(
    set: &LessonSet,
    lesson: &Lesson,
    what: &str,
    id: &str,
    file: &str,
) -> Option<Problem> {
    let e = set.file(file).err()?;
    Some(Problem {
        file: lesson.file.clone(),
        line: lesson.front_line_of(&format!("{file:?}")),
        message: format!("{what} {id:?}: file {file:?} {e}"),
    })
}

/// The problem with a data name a lesson lists, at its line.
pub fn data_problem(
    set: &LessonSet,
    lesson: &Lesson,
    what: &str,
    id: &str,
    name: &str,
) -> Option<Problem> {
    let e = set.asset_problem(name)?;
    let e = match e {
        super::contain::PathError::NotFound => "not found in the lesson folder or in assets".into(),
        e => e.to_string(),
    };
    Some(Problem {
        file: lesson.file.clone(),
        line: lesson.front_line_of(&format!("{name:?}")),
        message: format!("{what} {id:?}: data {name:?} {e}"),
    })
}

/// Things worth fixing that do not stop a lesson from working: control
/// characters (ESC, BEL, bidirectional overrides...) in its text, which
/// forklab shows as visible stand-ins instead of obeying, and invalid UTF-8.
pub fn warnings(set: &LessonSet) -> Vec<Problem> {
    let mut warnings = Vec::new();
    for lesson in &set.lessons {
        let front = (2..).zip(lesson.front.lines());
        let body = (lesson.body_line..).zip(lesson.body.lines());
        for (line, text) in front.chain(body) {
            let text = text.strip_suffix('\r').unwrap_or(text);
            if let Some(c) = text
                .chars()
                .find(|&c| crate::python::sanitize::is_unsafe(c))
            {
                warnings.push(Problem {
                    file: lesson.file.clone(),
                    line,
                    message: format!(
                        "control character U+{:04X} in the text: forklab shows it as {}, it is never sent to the terminal; remove it",
                        c as u32,
                        crate::python::sanitize::sanitize(&c.to_string())
                    ),
                });
            } else if text.contains('\u{FFFD}') {
                warnings.push(Problem {
                    file: lesson.file.clone(),
                    line,
                    message: "invalid UTF-8 (or U+FFFD) in the text: save the file as UTF-8".into(),
                });
            }
        }
    }
    warnings
}

fn check_experiments(lesson: &Lesson) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for (index, table) in lesson.meta.experiments.iter().enumerate() {
        let mut problem = |key: Option<&str>, message: String| {
            problems.push(Problem {
                file: lesson.file.clone(),
                line: experiment_line(lesson, index, key),
                message,
            })
        };
        // Duplicates are found even when the rest of a table is wrong.
        if let Some(id) = table.get("id").and_then(|v| v.as_str()) {
            if seen.contains(&id) {
                problem(Some("id"), format!("experiment id {id:?} is used twice"));
            }
            seen.push(id);
        }
        if let Err(e) = Experiment::from_table(table) {
            problem(e.key.as_deref(), e.message);
        }
    }
    problems
}

/// 1-based file line of `key` in the lesson's `index`-th `[[experiments]]`
/// table (the table's header line without a key or when not found).
fn experiment_line(lesson: &Lesson, index: usize, key: Option<&str>) -> usize {
    let lines: Vec<&str> = lesson.front.lines().collect();
    let Some(header) = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[experiments]]")
        .map(|(i, _)| i)
        .nth(index)
    else {
        return lesson.front_line_of("experiments");
    };
    let found = key.and_then(|key| {
        lines[header + 1..]
            .iter()
            .take_while(|l| !l.trim_start().starts_with('['))
            .position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|i| header + 1 + i)
    });
    // Front matter starts on file line 2.
    found.unwrap_or(header) + 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::set::Origin;

    fn set_of(files: &[(&str, &str)]) -> LessonSet {
        LessonSet::from_files(
            files
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            Origin::Dir(std::env::temp_dir().join("forklab-no-such-dir")),
        )
    }

    #[test]
    fn broken_links_and_missing_examples_name_their_lines() {
        let a = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n\n[[examples]]\nid = \"e\"\nfile = \"examples/missing.py\"\ntitle = \"E\"\n+++\n# A\n\nGo to [b](b.md) or [gone](gone.md).\n";
        let b = "+++\nid = \"b\"\ntitle = \"B\"\npart = 1\norder = 1\n+++\nBack to [a](a.md).\n";
        let problems = check(&set_of(&[("a.md", a), ("b.md", b)]));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{text:?}");
        assert!(text[0].starts_with("a.md:9: example \"e\""), "{text:?}");
        assert!(
            text[1].starts_with("a.md:14: link to \"gone.md\""),
            "{text:?}"
        );
    }

    #[test]
    fn bad_experiments_name_their_lines() {
        let a = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n\n[[experiments]]\nid = \"one\"\ntitle = \"One\"\nworkload = \"cpu\"\nworkers = [1, 0]\n\n[[experiments]]\nid = \"two\"\ntitle = \"Two\"\nworkload = \"gpu\"\n\n[[experiments]]\nid = \"one\"\ntitle = \"Again\"\nworkload = \"sleep\"\n\n[[experiments]]\ntitle = \"No id\"\n+++\nBody.\n";
        let problems = check(&set_of(&[("a.md", a)]));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 4, "{text:?}");
        assert!(
            text[0].starts_with("a.md:11: experiment \"one\": `workers`"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("a.md:16: experiment \"two\": unknown workload \"gpu\""),
            "{text:?}"
        );
        assert!(
            text[2].starts_with("a.md:19: experiment id \"one\" is used twice"),
            "{text:?}"
        );
        assert!(
            text[3].starts_with("a.md:23: experiment without an `id`"),
            "{text:?}"
        );
    }

    #[test]
    fn the_shipped_lessons_pass() {
        let problems = check(&LessonSet::embedded());
        assert!(problems.is_empty(), "{problems:#?}");
        let warnings = warnings(&LessonSet::embedded());
        assert!(warnings.is_empty(), "{warnings:#?}");
    }

    #[test]
    fn files_outside_the_folder_are_errors_on_their_lines() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("outside.py"), "print('gotcha')").unwrap();
        let pack = tempfile::tempdir().unwrap();
        let dir = pack.path().join("pack");
        std::fs::create_dir_all(dir.join("examples")).unwrap();
        std::fs::copy(
            outside.path().join("outside.py"),
            pack.path().join("outside.py"),
        )
        .unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("outside.py"),
            dir.join("examples/link.py"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.join("assets")).unwrap();
        let a = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n\n[[examples]]\nid = \"up\"\nfile = \"../outside.py\"\ntitle = \"Up\"\n\n[[examples]]\nid = \"link\"\nfile = \"examples/link.py\"\ntitle = \"Link\"\ndata = [\"outside.py\"]\n+++\nText \u{1b}[2J here.\n\nfine\n\u{202e}evil\n";
        std::fs::write(dir.join("a.md"), a).unwrap();
        let set = LessonSet::from_dir(&dir).unwrap();
        let text: Vec<String> = check(&set).iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:#?}");
        assert!(
            text[0].starts_with("a.md:9: example \"up\": file \"../outside.py\" uses `..`"),
            "{text:#?}"
        );
        assert!(
            text[1]
                .starts_with("a.md:14: example \"link\": file \"examples/link.py\" leads outside"),
            "{text:#?}"
        );
        assert!(
            text[2].starts_with("a.md:16: example \"link\": data \"outside.py\" leads outside"),
            "{text:#?}"
        );
        let warned: Vec<String> = warnings(&set).iter().map(ToString::to_string).collect();
        assert_eq!(warned.len(), 2, "{warned:#?}");
        assert!(
            warned[0].starts_with("a.md:18: control character U+001B"),
            "{warned:#?}"
        );
        assert!(
            warned[1].starts_with("a.md:21: control character U+202E"),
            "{warned:#?}"
        );
        // The runner refuses what check reports.
        assert!(set.read_file("../outside.py").is_none());
        assert!(set.read_file("examples/link.py").is_none());
        let dest = tempfile::tempdir().unwrap();
        assert!(set.copy_asset("outside.py", dest.path()).is_err());
    }

    #[test]
    fn oversized_lessons_are_skipped_with_a_clear_problem() {
        let dir = tempfile::tempdir().unwrap();
        let big = format!(
            "+++\nid = \"big\"\ntitle = \"Big\"\npart = 1\norder = 0\n+++\n{}",
            "word ".repeat((crate::lesson::set::MAX_LESSON_BYTES / 5 + 1) as usize)
        );
        std::fs::write(dir.path().join("big.md"), big).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.md")).unwrap();
        let set = LessonSet::from_dir(dir.path()).unwrap();
        let text: Vec<String> = check(&set).iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:#?}");
        assert!(
            text[0].contains("big.md:1: lesson file is larger than 8 MB"),
            "{text:#?}"
        );
        assert!(
            text[1].contains("zero.md:1: lesson file leads outside"),
            "{text:#?}"
        );
    }
}
