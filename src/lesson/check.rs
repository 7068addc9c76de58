//! `forklab check`: everything wrong with a lesson set, each problem with
//! its file and line.

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::model::{Lesson, Problem};
use super::set::{LessonSet, lesson_link_file};
use crate::lab::Experiment;

mod exercises;
use exercises::check_exercises;

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
    problems.extend(check_exercises(set));
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
        let mut found = Vec::new();
        found.extend(named_file_problem(
            set,
            lesson,
            "example",
            &example.id,
            &example.file,
        ));
        let listed = example
            .start_methods
            .iter()
            .map(|m| (m, format!("\"{m}\"")));
        let keyed = example
            .by_method
            .keys()
            .map(|m| (m, format!("by_method.{m}")));
        for (method, needle) in listed.chain(keyed) {
            if method.parse::<crate::python::StartMethod>().is_err() {
                problem(
                    &needle,
                    format!(
                        "example {:?}: unknown start method {method:?} (fork, spawn or forkserver)",
                        example.id
                    ),
                );
            }
        }
        for name in &example.data {
            found.extend(data_problem(set, lesson, "example", &example.id, name));
        }
        problems.extend(found);
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
            if let Some(c) = text.chars().find(|&c| crate::sanitize::is_unsafe(c)) {
                warnings.push(Problem {
                    file: lesson.file.clone(),
                    line,
                    message: format!(
                        "control character U+{:04X} in the text: forklab shows it as {}, it is never sent to the terminal; remove it",
                        c as u32,
                        crate::sanitize::text(&c.to_string())
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
        warnings.extend(parallel_without_evidence(lesson));
    }
    warnings
}

/// An exercise whose point is parallel work (a `cores`, `speedup` or
/// `work` check) without both `workers` and `work`: a serial loop, a
/// thread pool or a master doing the work itself could pass it. (A
/// `workers` check alone is a pool whose tasks may only wait.)
fn parallel_without_evidence(lesson: &Lesson) -> Vec<Problem> {
    let mut warnings = Vec::new();
    for (index, exercise) in lesson.meta.exercises.iter().enumerate() {
        let has = |kind: &str| exercise.checks.iter().any(|c| c.kind() == kind);
        let parallel = ["work", "cores", "speedup"].iter().any(|k| has(k));
        let missing: Vec<&str> = ["workers", "work"]
            .into_iter()
            .filter(|k| !has(k))
            .collect();
        if parallel && !missing.is_empty() {
            warnings.push(Problem {
                file: lesson.file.clone(),
                line: table_key_line(lesson, "[[exercises]]", index, Some("id")),
                message: format!(
                    "exercise {:?} is about parallel work but has no {} check: a serial loop, threads or a master doing the work itself could pass it",
                    exercise.id,
                    missing.join(" or ")
                ),
            });
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
                line: table_key_line(lesson, "[[experiments]]", index, key),
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

/// 1-based file line of `key` in the `index`-th `header` table of the front
/// matter (the header's own line without a key or when not found).
fn table_key_line(lesson: &Lesson, header: &str, index: usize, key: Option<&str>) -> usize {
    let lines: Vec<&str> = lesson.front.lines().collect();
    let Some(start) = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .map(|(i, _)| i)
        .nth(index)
    else {
        return lesson.front_line_of(header.trim_matches(['[', ']']));
    };
    let found = key.and_then(|key| {
        lines[start + 1..]
            .iter()
            .take_while(|l| !l.trim_start().starts_with('['))
            .position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|i| start + 1 + i)
    });
    // Front matter starts on file line 2.
    found.unwrap_or(start) + 2
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
    fn start_methods_are_checked_and_expectations_follow_them() {
        let a = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n\n[[examples]]\nid = \"e\"\nfile = \"examples/missing.py\"\ntitle = \"E\"\nstart_methods = [\"fork\", \"threads\"]\nexpect_exit = 1\nexpect_output = [\"boom\"]\n\n[examples.by_method.fork]\nexpect_exit = 0\n\n[examples.by_method.sapwn]\nexpect_output = []\n+++\n# A\n";
        let problems = check(&set_of(&[("a.md", a)]));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let unknown: Vec<&String> = text
            .iter()
            .filter(|t| t.contains("unknown start method"))
            .collect();
        assert_eq!(unknown.len(), 2, "{text:?}");
        assert!(
            unknown[0].starts_with("a.md:11:") && unknown[0].contains("\"threads\""),
            "{unknown:?}"
        );
        assert!(unknown[1].starts_with("a.md:18:") && unknown[1].contains("\"sapwn\""));
        let lesson = crate::lesson::parse::parse_lesson("a.md", a).unwrap();
        let e = &lesson.meta.examples[0];
        assert_eq!(e.expect_exit_under("fork"), 0);
        assert_eq!(e.expect_exit_under("spawn"), 1);
        assert_eq!(e.expect_output_under("fork"), ["boom"]);
        assert!(e.expect_output_under("sapwn").is_empty());
    }

    #[test]
    fn bad_exercises_name_their_lines() {
        let a = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n\n[[exercises]]\nid = \"sq\"\ntitle = \"Squares\"\nfile = \"exercises/sq.py\"\nsolution = \"exercises/solutions/sq.py\"\n\n[[exercises.checks]]\nkind = \"output\"\nregex = ['^result: (']\n\n[[exercises.checks]]\nkind = \"start-methods\"\nmethods = [\"fork\", \"threads\"]\n\n[[exercises]]\nid = \"sq\"\ntitle = \"Again\"\nfile = \"other/sq.py\"\nsolution = \"other/sq.py\"\n+++\nBody.\n";
        let problems = check(&set_of(&[("a.md", a)]));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let expect = [
            "a.md:10: exercise \"sq\": file \"exercises/sq.py\" not found",
            "a.md:11: exercise \"sq\": solution \"exercises/solutions/sq.py\" not found",
            "a.md:13: exercise \"sq\": check 1 (output): regex \"^result: (\"",
            "a.md:17: exercise \"sq\": check 2 (start-methods): unknown start method \"threads\"",
            "a.md:21: exercise \"sq\": no [[exercises.checks]]",
            "a.md:22: exercise \"sq\": the id is already used in a.md",
            "a.md:24: exercise \"sq\": exercise \"sq\" already has a file named \"sq.py\"",
            "a.md:24: exercise \"sq\": file \"other/sq.py\" not found",
            "a.md:25: exercise \"sq\": solution \"other/sq.py\" not found",
            "a.md:25: exercise \"sq\": the solution is the starter file itself",
        ];
        assert_eq!(problems.len(), expect.len(), "{text:#?}");
        for (got, want) in text.iter().zip(expect) {
            assert!(
                got.starts_with(want),
                "{got:?} should start with {want:?}\n{text:#?}"
            );
        }
    }

    #[test]
    fn hidden_inputs_and_code_checks_name_their_lines() {
        let head = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n\n[[exercises]]\nid = \"sq\"\ntitle = \"Squares\"\nfile = \"e/sq.py\"\nsolution = \"e/s.py\"\ndata = [\"books\"]\n\n";
        let a = format!(
            "{head}[exercises.hidden]\nargs = [{{ int = [5, 2] }}, {{ int = [1, 2], value = \"3\" }}, {{ one_of = [] }}, {{ float = [0.5, 0.1], count = [1, 99] }}]\ncorpus = {{ folder = \"corpus\", files = [0, 3], words = [9, 1] }}\n\n[[exercises.checks]]\nkind = \"code\"\nmust_call = [\"pool.map\", \"map|imap\"]\nforbid = [\"goto\", \"loop\"]\n\n[[exercises.checks]]\nkind = \"code\"\n+++\nBody.\n"
        );
        let text: Vec<String> = check(&set_of(&[("a.md", &a)]))
            .iter()
            .map(ToString::to_string)
            .filter(|p| !p.contains("not found"))
            .collect();
        let expect = [
            "a.md:14: exercise \"sq\": [exercises.hidden] is never used: add a check of kind \"hidden\"",
            "a.md:15: exercise \"sq\": [exercises.hidden]: argument 1: `int` is [low, high], low first",
            "a.md:15: exercise \"sq\": [exercises.hidden]: argument 2: give exactly one of",
            "a.md:15: exercise \"sq\": [exercises.hidden]: argument 3: `one_of` is empty",
            "a.md:15: exercise \"sq\": [exercises.hidden]: argument 4: `float` is [low, high]",
            "a.md:15: exercise \"sq\": [exercises.hidden]: argument 4: `count` is [low, high], low first, at most 64",
            "a.md:16: exercise \"sq\": [exercises.hidden]: corpus folder \"corpus\" is not among the exercise's `data`",
            "a.md:16: exercise \"sq\": [exercises.hidden]: `files` is [low, high], low first, from 1 to 64",
            "a.md:16: exercise \"sq\": [exercises.hidden]: `words` is [low, high]",
            "a.md:18: exercise \"sq\": check 1 (code): must_call \"pool.map\": a Python name",
            "a.md:18: exercise \"sq\": check 1 (code): forbid \"goto\" is not one of def, lambda",
            "a.md:23: exercise \"sq\": check 2 (code): give `must_call` or `forbid`",
        ];
        assert_eq!(text.len(), expect.len(), "{text:#?}");
        for (got, want) in text.iter().zip(expect) {
            assert!(
                got.starts_with(want),
                "{got:?} should start with {want:?}\n{text:#?}"
            );
        }
        let b = format!("{head}[[exercises.checks]]\nkind = \"hidden\"\n+++\nBody.\n");
        let text: Vec<String> = check(&set_of(&[("b.md", &b)]))
            .iter()
            .map(ToString::to_string)
            .filter(|p| !p.contains("not found"))
            .collect();
        assert_eq!(
            text,
            [
                "b.md:7: exercise \"sq\": a \"hidden\" check needs [exercises.hidden] to make its inputs"
            ]
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
