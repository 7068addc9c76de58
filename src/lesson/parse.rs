//! Splitting a lesson file into TOML front matter and Markdown body.

use super::model::{FrontMatter, Lesson, Problem};

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
            .map(|span| 2 + front[..span.start.min(front.len())].matches('\n').count())
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
    Ok(Lesson {
        meta,
        file: file.to_string(),
        front: front.to_string(),
        body: text[body_start..].to_string(),
        body_line: closing_line + 1,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "+++\nid = \"intro\"\ntitle = \"Intro\"\npart = 1\norder = 0\n+++\n# Hello\n\nBody.\n";

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

    #[test]
    fn crlf_files_parse() {
        let text = GOOD.replace('\n', "\r\n");
        let lesson = parse_lesson("a.md", &text).unwrap();
        assert_eq!(lesson.meta.title, "Intro");
    }
}
