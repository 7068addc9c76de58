//! The lesson reader: front matter (TOML) and Markdown from a teacher's
//! file, as `forklab check` and the reader take it. Any bytes give a lesson
//! or a problem naming a line, and every lesson renders.
#![no_main]

use forklab::lesson::parse::parse_lesson;
use forklab::lesson::render::{RenderOptions, render};
use forklab::lesson::{LessonSet, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the width and whether answers show; the rest is
    // the file, read as the lesson set reads one (invalid UTF-8 replaced).
    let Some((&knob, rest)) = data.split_first() else {
        return;
    };
    let width = usize::from(knob & 0x7f).max(1);
    let reveal_answers = knob & 0x80 != 0;
    let text = String::from_utf8_lossy(rest).into_owned();
    let lines = text.lines().count().max(1);
    if let Err(problem) = parse_lesson("fuzz.md", &text) {
        assert!(
            (1..=lines).contains(&problem.line),
            "{problem} names line {} of a {lines}-line file",
            problem.line
        );
    }
    let dir = std::env::temp_dir().join("forklab-fuzz-no-such-dir");
    let set = LessonSet::from_files(vec![("fuzz.md".into(), text.clone())], Origin::Dir(dir));
    let _ = forklab::lesson::check::check(&set);
    let _ = forklab::lesson::check::warnings(&set);
    let opts = RenderOptions {
        width,
        reveal_answers,
        highlight: None,
    };
    for lesson in &set.lessons {
        let _ = render(&lesson.body, opts);
    }
    // The raw file as Markdown too: a body can hold anything.
    let _ = render(&text, opts);
});
