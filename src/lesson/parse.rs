//! Splitting a lesson file into TOML front matter and Markdown body.

use std::borrow::Cow;

use super::model::{FrontMatter, Lesson, Problem};
use crate::sanitize;

const FENCE: &str = "+++";

/// Parses one lesson file. `file` is the name used in problems.
pub fn parse_lesson(file: &str, text: &str) -> Result<Lesson, Problem> {
    let problem = |line: usize, message: String| Problem {
        file: file.to_string(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == FENCE => {}
        _ => {
            return Err(problem(
                1,
                "a lesson must start with a `+++` line opening its TOML front matter".into(),
            ));
        }
    }
    let front_start = FENCE.len() + line_ending_len(text, FENCE.len());
    let mut offset = front_start;
    let mut front_end = None;
    for (line_no, line) in (2..).zip(lines) {
        if line.trim_end() == FENCE {
            front_end = Some((offset, offset + line.len(), line_no));
            break;
        }
        offset += line.len();
    }
    let Some((front_end, body_start, closing_line)) = front_end else {
        return Err(problem(
            1,
            "the front matter opened on line 1 is never closed by a `+++` line".into(),
        ));
    };
    let front = &text[front_start..front_end];
    let meta: FrontMatter = toml::from_str(front).map_err(|e| {
        let line = e
            .span()
            .map(|span| {
                let start = span.start.min(front.len());
                // Tables read through a tagged enum (exercise checks) lose
                // the span of a key and point at the array's first header:
                // find the unknown key from there on.
                let key_offset = unknown_field(e.message()).and_then(|key| {
                    let mut offset = start;
                    front[start..].split_inclusive('\n').find_map(|l| {
                        let at = offset;
                        offset += l.len();
                        let rest = l.trim_start().strip_prefix(key)?;
                        rest.trim_start().starts_with('=').then_some(at)
                    })
                });
                2 + front[..key_offset.unwrap_or(start)].matches('\n').count()
            })
            .unwrap_or(1);
        problem(line, format!("front matter: {}", e.message().trim_end()))
    })?;
    let key_line = |key: &str| {
        front
            .lines()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(1, |i| i + 2)
    };
    if !is_valid_id(&meta.id) {
        return Err(problem(
            key_line("id"),
            format!(
                "id {:?} must be lowercase letters, digits and dashes",
                meta.id
            ),
        ));
    }
    if meta.title.trim().is_empty() {
        return Err(problem(key_line("title"), "title is empty".into()));
    }
    let meta = shown(meta);
    let body = &text[body_start..];
    if let Some((line, size)) = oversized_block(body) {
        return Err(problem(
            closing_line + line,
            format!(
                "{:.1} MB of text without a blank line (outside code blocks): forklab renders at most {} KB at once; split it with blank lines",
                size as f64 / 1e6,
                MAX_BLOCK_BYTES >> 10
            ),
        ));
    }
    Ok(Lesson {
        meta,
        file: file.to_string(),
        front: front.to_string(),
        body: body.to_string(),
        body_line: closing_line + 1,
    })
}

/// The most text between two blank lines (a paragraph, a list, a table)
/// outside fenced code. No lesson needs more; a runaway one would cost
/// the Markdown parser about 100 times its size in memory at once.
pub const MAX_BLOCK_BYTES: usize = 256 << 10;

/// The first block over [`MAX_BLOCK_BYTES`]: its 1-based line in `body`
/// and its size. Fenced code is not counted (it is not parsed inline).
fn oversized_block(body: &str) -> Option<(usize, usize)> {
    let mut fence: Option<(char, usize)> = None;
    let mut start = 1;
    let mut size = 0;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match (fence, marker) {
            (None, Some(c)) if indent < 4 && run >= 3 => {
                fence = Some((c, run));
                continue;
            }
            (Some((c, open)), Some(m))
                if m == c && run >= open && trimmed[run..].trim().is_empty() =>
            {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            _ => {}
        }
        if trimmed.is_empty() {
            start = i + 2;
            size = 0;
            continue;
        }
        size += line.len() + 1;
        if size > MAX_BLOCK_BYTES {
            // The whole block, for the message.
            let rest: usize = body
                .lines()
                .skip(i + 1)
                .take_while(|l| !l.trim().is_empty())
                .map(|l| l.len() + 1)
                .sum();
            return Some((start, size + rest));
        }
    }
    None
}

/// The key named by serde's "unknown field `KEY`" message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

fn line_ending_len(text: &str, at: usize) -> usize {
    if text[at..].starts_with("\r\n") {
        2
    } else if text[at..].starts_with('\n') {
        1
    } else {
        0
    }
}

/// Lesson ids appear in links, file names and the progress file.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The front matter's words as forklab shows them (titles, summary,
/// hints, prompts): a pack is outside text, sanitized once here, as the
/// body is when rendered, so every list, popup, status bar and command
/// shows a trick alike (`⟨U+202E⟩`) and none reaches the terminal.
fn shown(mut meta: FrontMatter) -> FrontMatter {
    fn line(s: &mut String) {
        if let Cow::Owned(shown) = sanitize::line(s) {
            *s = shown;
        }
    }
    fn text(s: &mut String) {
        if let Cow::Owned(shown) = sanitize::text(s) {
            *s = shown;
        }
    }
    line(&mut meta.title);
    line(&mut meta.summary);
    for example in &mut meta.examples {
        line(&mut example.title);
    }
    for exercise in &mut meta.exercises {
        line(&mut exercise.title);
        exercise.hints.iter_mut().for_each(text);
        exercise.predict.iter_mut().for_each(text);
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "+++\nid = \"intro\"\ntitle = \"Intro\"\npart = 1\norder = 0\n+++\n# Hello\n\nBody.\n";

    #[test]
    fn titles_summaries_and_hints_are_shown_through_the_sanitizer() {
        let text = "+++\nid = \"a\"\ntitle = \"A\\u202Eevil\\u001B]0;t\\u0007\"\npart = 1\norder = 0\nsummary = \"s\\u2028\"\n\n[[examples]]\nid = \"e\"\nfile = \"e.py\"\ntitle = \"E\\u200D\"\n+++\nbody\n";
        let lesson = parse_lesson("a.md", text).unwrap();
        assert_eq!(lesson.meta.title, "A⟨U+202E⟩evil␛]0;t␇");
        assert_eq!(lesson.meta.summary, "s⟨U+2028⟩");
        assert_eq!(lesson.meta.examples[0].title, "E⟨U+200D⟩");
    }

    #[test]
    fn parses_front_matter_and_body() {
        let lesson = parse_lesson("1-0-intro.md", GOOD).unwrap();
        assert_eq!(lesson.meta.id, "intro");
        assert_eq!(lesson.meta.part, 1);
        assert_eq!(lesson.body, "# Hello\n\nBody.\n");
        assert_eq!(lesson.body_line, 7);
        assert!(lesson.is_overview());
    }

    #[test]
    fn keeps_later_issue_keys() {
        let text = "+++\nid = \"x\"\ntitle = \"X\"\npart = 2\norder = 1\n\n[[examples]]\nid = \"e\"\nfile = \"examples/e.py\"\ntitle = \"E\"\nargs = [\"4\"]\n\n[[experiments]]\nid = \"lab\"\nworkload = \"cpu\"\n\n[[questions]]\nprompt = \"?\"\nanswer = 1\n+++\nbody\n";
        let lesson = parse_lesson("x.md", text).unwrap();
        assert_eq!(lesson.meta.examples[0].args, vec!["4"]);
        assert_eq!(lesson.meta.experiments[0]["workload"].as_str(), Some("cpu"));
        assert_eq!(lesson.meta.questions.len(), 1);
    }

    #[test]
    fn a_runaway_paragraph_is_refused_with_its_line_but_code_is_not() {
        let head = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n+++\n";
        let words = "*a* ".repeat(50_000);
        let text = format!("{head}# A\n\nShort.\n\n{words}\n{words}\n\nEnd.\n");
        let err = parse_lesson("a.md", &text).unwrap_err();
        assert_eq!(err.line, 11, "{err}");
        assert!(
            err.message.contains("0.4 MB of text without a blank line"),
            "{err}"
        );
        // The same text inside fenced code, or cut by blank lines, is fine.
        let fenced = format!("{head}~~~~\n{words}\n```\n{words}\n~~~~\n");
        assert!(parse_lesson("a.md", &fenced).is_ok());
        let cut = format!("{head}{words}\n\n{words}\n");
        assert!(parse_lesson("a.md", &cut).is_ok());
    }

    #[test]
    fn missing_opening_fence_is_line_1() {
        let err = parse_lesson("a.md", "# no front matter\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.to_string().starts_with("a.md:1: "));
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let err = parse_lesson("a.md", "+++\nid = \"a\"\n").unwrap_err();
        assert!(err.message.contains("never closed"), "{err}");
    }

    #[test]
    fn toml_error_names_the_file_line() {
        let text = "+++\nid = \"a\"\ntitle = \"A\"\npart = oops\norder = 1\n+++\n";
        let err = parse_lesson("a.md", text).unwrap_err();
        assert_eq!(err.line, 4, "{err}");
    }

    #[test]
    fn missing_key_and_unknown_key_are_errors() {
        let err =
            parse_lesson("a.md", "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\n+++\n").unwrap_err();
        assert!(err.message.contains("order"), "{err}");
        let err = parse_lesson(
            "a.md",
            "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 2\ntitel = \"x\"\n+++\n",
        )
        .unwrap_err();
        assert_eq!(err.line, 6, "{err}");
        assert!(err.message.contains("titel"), "{err}");
    }

    #[test]
    fn bad_id_is_reported_on_its_line() {
        let err = parse_lesson(
            "a.md",
            "+++\ntitle = \"A\"\nid = \"Bad Id\"\npart = 1\norder = 2\n+++\n",
        )
        .unwrap_err();
        assert_eq!(err.line, 3, "{err}");
    }

    const EXERCISE: &str = "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 1\n\n[[exercises]]\nid = \"sq\"\ntitle = \"Squares\"\nfile = \"exercises/sq.py\"\nsolution = \"exercises/solutions/sq.py\"\nargs = [\"10\"]\nhints = [\"one\", \"two\"]\n\n[[exercises.checks]]\nkind = \"exit\"\n\n[[exercises.checks]]\nkind = \"output\"\nregex = ['^result: \\d+$']\n\n[[exercises.checks]]\nkind = \"same-result\"\n\n[[exercises.checks]]\nkind = \"workers\"\nat_least = 2\n\n[[exercises.checks]]\nkind = \"speedup\"\nserial = \"exercises/solutions/sq_serial.py\"\nat_least = 1.5\n+++\nbody\n";

    #[test]
    fn exercises_and_their_checks_parse() {
        use crate::lesson::Check;
        let lesson = parse_lesson("a.md", EXERCISE).unwrap();
        let exercise = &lesson.meta.exercises[0];
        assert_eq!(exercise.file_name(), "sq.py");
        assert_eq!(exercise.timeout().as_secs(), 30);
        assert_eq!(exercise.hints.len(), 2);
        assert_eq!(
            exercise.checks,
            [
                Check::Exit { code: 0 },
                Check::Output {
                    contains: vec![],
                    regex: vec![r"^result: \d+$".into()]
                },
                Check::SameResult {},
                Check::Workers { at_least: 2 },
                Check::Speedup {
                    serial: "exercises/solutions/sq_serial.py".into(),
                    at_least: 1.5
                },
            ]
        );
    }

    #[test]
    fn bad_checks_name_their_line() {
        let unknown_kind = EXERCISE.replace("kind = \"same-result\"", "kind = \"same-output\"");
        let err = parse_lesson("a.md", &unknown_kind).unwrap_err();
        assert!(err.message.contains("same-output"), "{err}");
        assert_eq!(err.line, 23, "{err}");
        let unknown_key = EXERCISE.replace("at_least = 2\n", "at_least = 2\natleast = 3\n");
        let err = parse_lesson("a.md", &unknown_key).unwrap_err();
        assert!(err.message.contains("atleast"), "{err}");
        assert_eq!(err.line, 28, "{err}");
        let missing = EXERCISE.replace("at_least = 2\n", "");
        let err = parse_lesson("a.md", &missing).unwrap_err();
        assert!(err.message.contains("at_least"), "{err}");
        let typo = EXERCISE.replace("hints =", "hint =");
        let err = parse_lesson("a.md", &typo).unwrap_err();
        assert_eq!(err.line, 13, "{err}");
    }

    #[test]
    fn crlf_files_parse() {
        let text = GOOD.replace('\n', "\r\n");
        let lesson = parse_lesson("a.md", &text).unwrap();
        assert_eq!(lesson.meta.title, "Intro");
    }
}
