//! Property tests of the lesson pipeline: arbitrary bytes and arbitrary
//! Markdown with front matter go through the parser, `forklab check` and
//! the renderer at several widths. Nothing panics, and every problem names
//! a line of its file (1 to the file's last line).
//!
//! Case counts are kept small so the whole file runs in a few seconds;
//! `PROPTEST_CASES=5000 cargo test --test lesson_props` searches harder.

use forklab::lesson::parse::parse_lesson;
use forklab::lesson::render::{RenderOptions, render};
use forklab::lesson::{LessonSet, Origin, Problem};
use proptest::prelude::*;

const WIDTHS: [usize; 6] = [1, 2, 7, 20, 80, 200];

/// Lines a file has, as an editor counts them (at least 1).
fn line_count(text: &str) -> usize {
    text.lines().count().max(1)
}

fn assert_names_a_line(problem: &Problem, files: &[(String, String)]) {
    let text = files
        .iter()
        .find(|(name, _)| *name == problem.file)
        .map(|(_, text)| text.as_str());
    // Problems about the set as a whole name ".".
    let lines = text.map_or(1, line_count);
    assert!(
        problem.line >= 1 && problem.line <= lines,
        "{problem} names line {} of a {lines}-line file:\n{}",
        problem.line,
        text.unwrap_or("")
    );
}

/// Everything a learner or teacher can do with these files, without a
/// terminal: load them as a folder, check them, render every lesson.
fn exercise(files: Vec<(String, String)>) {
    for (name, text) in &files {
        if let Err(problem) = parse_lesson(name, text) {
            assert_names_a_line(&problem, &files);
        }
    }
    let dir = std::env::temp_dir().join("forklab-lesson-props-no-such-dir");
    let set = LessonSet::from_files(files.clone(), Origin::Dir(dir));
    for problem in forklab::lesson::check::check(&set) {
        assert_names_a_line(&problem, &files);
    }
    for lesson in &set.lessons {
        for width in WIDTHS {
            for reveal_answers in [false, true] {
                let doc = render(
                    &lesson.body,
                    RenderOptions {
                        width,
                        reveal_answers,
                        highlight: None,
                    },
                );
                for line in doc.plain().lines() {
                    let w = unicode_width::UnicodeWidthStr::width(line);
                    assert!(w <= width.max(2), "width {width}: {w} columns in {line:?}");
                }
            }
        }
    }
    // The raw text as Markdown too (a lesson body can be anything).
    for (_, text) in &files {
        for width in WIDTHS {
            let _ = render(
                text,
                RenderOptions {
                    width,
                    reveal_answers: false,
                    highlight: None,
                },
            );
        }
    }
}

/// Front matter lines: right, wrong, and half right.
fn front_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id = \"lesson\"".to_string()),
        Just("id = \"Not An Id\"".to_string()),
        Just("title = \"A title\"".to_string()),
        Just("title = \"  \"".to_string()),
        Just("part = 1".to_string()),
        Just("order = 2".to_string()),
        Just("part = -1".to_string()),
        Just("summary = \"\"\"two\nlines\"\"\"".to_string()),
        Just("[[examples]]".to_string()),
        Just("file = \"examples/missing.py\"".to_string()),
        Just("expect_exit = 1".to_string()),
        Just("timeout = 0".to_string()),
        Just("args = [\"2\", \"12\"]".to_string()),
        Just("data = [\"corpus\", \"../x\"]".to_string()),
        Just("[[questions]]".to_string()),
        Just("prompt = \"Which?\"".to_string()),
        Just("choices = [\"a\", \"b\"]".to_string()),
        Just("choices = []".to_string()),
        Just("answer = 3".to_string()),
        Just("answer = 0".to_string()),
        Just("explain = \"Because.\"".to_string()),
        Just("[[experiments]]".to_string()),
        Just("workload = \"cpu\"".to_string()),
        Just("workload = \"amdahl\"".to_string()),
        Just("serial_fraction = 1.5".to_string()),
        Just("workers = [1, 2, 0]".to_string()),
        Just("workers = []".to_string()),
        Just("tasks = 0".to_string()),
        Just("tasks = 99999999999".to_string()),
        Just("chunksize = 4".to_string()),
        Just("task_size = 0".to_string()),
        Just("predict = \"How long?\"".to_string()),
        Just("[table".to_string()),
        Just("= no key".to_string()),
        Just("".to_string()),
        "[a-z_]{1,8} = [0-9\"a-z\\[\\]]{0,6}".prop_map(String::from),
        any::<String>().prop_map(|s| s.replace('\n', " ")),
    ]
}

/// Markdown blocks: everything the renderer handles, and its edges.
fn markdown_block() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Heading".to_string()),
        Just("## A much longer second-level heading that needs wrapping".to_string()),
        Just("Some *emphasis*, **strong**, `code` and ~~struck~~ text.".to_string()),
        Just("- a list\n  - nested\n    - deeper\n- back".to_string()),
        Just("1. one\n2. two\n10. ten".to_string()),
        Just("> a quote\n> > nested quote".to_string()),
        Just("```python\nimport multiprocessing\nprint('x' * 300)\n```".to_string()),
        Just("```\nunclosed fence".to_string()),
        Just("    indented code".to_string()),
        Just("| a | b |\n|---|:-:|\n| 1 | 2 |\n| wide cell with many words | x |".to_string()),
        Just("| only | header |\n|---|---|".to_string()),
        Just("[next lesson](2-2-pool.md) and [missing](9-9-nope.md)".to_string()),
        Just("[web](https://example.org) <https://auto.link>".to_string()),
        Just("![image](x.png)".to_string()),
        Just("---".to_string()),
        Just("+++".to_string()),
        Just("\t\ttabs\tand\ttabs".to_string()),
        Just("全角の文字と絵文字 🧵🧵 e\u{301} \u{200b}zero width".to_string()),
        Just("a_very_long_word_without_any_break_".repeat(8)),
        Just("<b>html</b> &amp; &#x1F600; <!-- comment -->".to_string()),
        Just("\u{1b}[31mescape\u{1b}[0m \u{7} bell".to_string()),
        Just("[^1]: footnote\n\nterm\n: definition".to_string()),
        "[ -~]{0,80}".prop_map(String::from),
        any::<String>(),
    ]
}

/// A lesson file: a front matter (maybe unclosed), a body, line endings
/// of either kind, maybe a byte-order mark.
fn lesson_file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(front_line(), 0..12),
        prop::collection::vec(markdown_block(), 0..10),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(front, body, closed, crlf, bom)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str("+++\n");
            for line in front {
                text.push_str(&line);
                text.push('\n');
            }
            if closed {
                text.push_str("+++\n");
            }
            text.push_str(&body.join("\n\n"));
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
}

/// 96 cases per property (a few seconds), or `PROPTEST_CASES`.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96)
}

/// A name the set sorts and links by (`PART-ORDER-name.md`).
fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1-0-intro.md".to_string()),
        Just("2-2-pool.md".to_string()),
        "[0-9]-[0-9]-[a-z]{1,6}\\.md".prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        exercise(vec![("1-0-bytes.md".into(), text.clone()), ("1-1-fenced.md".into(), format!("+++\n{text}"))]);
    }

    #[test]
    fn arbitrary_lessons_never_panic_and_every_problem_names_a_line(
        files in prop::collection::vec((file_name(), lesson_file()), 1..4)
    ) {
        // File names are unique in a folder.
        let mut files = files;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        exercise(files);
    }
}
