use unicode_width::UnicodeWidthStr;

use super::*;
use crate::lesson::highlight::Highlights;

fn plain(md: &str, width: usize) -> String {
    render(
        md,
        RenderOptions {
            width,
            reveal_answers: false,
            highlight: None,
        },
    )
    .plain()
}

#[test]
fn paragraphs_wrap_at_word_boundaries() {
    let text = plain("one two three four five six seven eight nine ten", 20);
    for line in text.lines() {
        assert!(line.width() <= 20, "{line:?}");
    }
    assert_eq!(text.lines().next(), Some("one two three four"));
    assert!(!text.contains("thr\n"));
}

#[test]
fn emphasis_and_inline_code_keep_words_together() {
    let doc = render(
        "a **bold**, `code` and *it*",
        RenderOptions {
            width: 80,
            reveal_answers: false,
            highlight: None,
        },
    );
    let line = doc.line(0).unwrap();
    assert_eq!(line.plain(), "a bold, code and it");
    assert!(line.spans().any(|s| s.text == "bold" && s.tone.strong));
    assert!(
        line.spans()
            .any(|s| s.text == "code" && s.tone.role == Role::InlineCode)
    );
}

#[test]
fn headings_lists_quotes_and_rules() {
    let text = plain(
        "# Title\n\nSome text.\n\n- one\n- two\n  continued\n\n1. first\n2. second\n\n> quoted words\n\n---\n",
        30,
    );
    assert!(text.starts_with("Title\n═════\n\nSome text.\n\n• one\n• two continued\n\n1. first\n2. second\n\n│ quoted words\n\n───"), "{text}");
}

#[test]
fn list_continuation_lines_are_indented() {
    let text = plain("- alpha beta gamma delta epsilon", 16);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines[0], "• alpha beta");
    assert!(lines[1].starts_with("  gamma"), "{text}");
}

#[test]
fn code_blocks_keep_lines_and_mark_overflow() {
    let md = "```python\nx = 1\nprint('a very long line that does not fit')\n```\n";
    let text = plain(md, 24);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines[0], " x = 1");
    assert!(lines.iter().any(|l| l.starts_with(" ↪")), "{text}");
    assert!(lines.iter().all(|l| l.width() <= 24), "{text}");
}

#[test]
fn python_blocks_are_coloured_when_asked() {
    let highlights = Highlights::build(python_blocks("```python\ndef f():\n    pass\n```\n"));
    let doc = render(
        "```python\ndef f():\n    pass\n```\n",
        RenderOptions {
            width: 40,
            reveal_answers: false,
            highlight: Some(&highlights),
        },
    );
    assert!(doc.line(0).unwrap().spans().any(|s| s.tone.rgb.is_some()));
    let shell = render(
        "```sh\nls -l\n```\n",
        RenderOptions {
            width: 40,
            reveal_answers: false,
            highlight: Some(&highlights),
        },
    );
    assert!(shell.line(0).unwrap().spans().all(|s| s.tone.rgb.is_none()));
}

#[test]
fn tables_align_columns_and_wrap_to_fit() {
    let md = "| workers | time |\n|---:|---|\n| 1 | 2.0 s |\n| 16 | 0.5 s |\n";
    let text = plain(md, 40);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines[0], "workers │ time");
    assert_eq!(lines[1], "────────┼──────");
    assert_eq!(lines[2], "      1 │ 2.0 s");
    let wide = "| a | b |\n|---|---|\n| lots of words in this cell here | more words in that other cell |\n";
    for line in plain(wide, 24).lines() {
        assert!(line.width() <= 24, "{line:?}");
    }
}

#[test]
fn links_are_recorded_and_found_by_column() {
    let doc = render(
        "See [the pool](2-2-pool.md) now.",
        RenderOptions {
            width: 80,
            reveal_answers: false,
            highlight: None,
        },
    );
    assert_eq!(doc.links, vec!["2-2-pool.md"]);
    assert_eq!(doc.link_at(0, 5), Some("2-2-pool.md"));
    assert_eq!(doc.link_at(0, 0), None);
}

#[test]
fn answers_are_hidden_until_revealed() {
    let md = "Try it.\n\n<details>\n\nThe answer is **42**.\n\n</details>\n\nAfter.\n";
    let hidden = plain(md, 80);
    assert!(!hidden.contains("42"), "{hidden}");
    assert!(hidden.contains("press a to reveal"));
    assert!(hidden.contains("After."));
    let shown = render(
        md,
        RenderOptions {
            width: 60,
            reveal_answers: true,
            highlight: None,
        },
    );
    assert!(shown.has_answers);
    assert!(
        shown.plain().contains("┃ The answer is 42."),
        "{}",
        shown.plain()
    );
    assert!(shown.plain().contains("\nAfter."));
}

#[test]
fn control_characters_are_shown_not_passed_on() {
    let text = plain(
        "Clear \u{1b}[2J and ring \u{7}.\n\n```\nx = 1 \u{1b}]0;t\u{7}\n```\n",
        40,
    );
    assert!(text.contains("Clear ␛[2J and ring ␇."), "{text}");
    assert!(text.contains("x = 1 ␛]0;t␇"), "{text}");
    assert!(!text.chars().any(crate::sanitize::is_unsafe), "{text}");
    // Bidi overrides, zero-width joiners and stacks of marks too.
    let zalgo = format!("Z{}", "\u{301}".repeat(30));
    let text = plain(&format!("a\u{202e}b c\u{200d}d {zalgo}\n"), 200);
    assert!(crate::sanitize::is_safe(&text), "{text}");
    assert!(text.contains("a⟨U+202E⟩b c⟨U+200D⟩d"), "{text}");
    assert!(text.contains("⟨U+0301⟩"), "{text}");
}

#[test]
fn every_line_fits_the_width() {
    let md = "# A heading that is rather long for a narrow screen\n\n- a list item with a verylongunbreakablewordthatmustbesplit inside\n\n> a quote that wraps over several lines of text\n";
    for width in [12, 20, 33] {
        for line in plain(md, width).lines() {
            assert!(line.width() <= width, "{width}: {line:?}");
        }
    }
}

#[test]
fn a_big_lesson_renders_to_about_its_own_size() {
    // Prose with emphasis and links, lists, and coloured Python: the kinds
    // of text that make the most spans.
    let mut md = String::new();
    for n in 0..400 {
        md.push_str(&format!(
            "## Section {n}\n\nA pool hands each *worker* a chunk; see [the docs](https://x/{n}) \
             and `map`. The bars share the cores and the wall time stops falling.\n\n\
             - one\n- two\n\n```python\ndef square(n):\n    return n * n  # {n}\n\n\
             with Pool(4) as pool:\n    print(sum(pool.map(square, range({n}))))\n```\n\n"
        ));
    }
    let highlights = Highlights::build(python_blocks(&md));
    let doc = render(
        &md,
        RenderOptions {
            width: 100,
            reveal_answers: false,
            highlight: Some(&highlights),
        },
    );
    assert!(doc.line(0).unwrap().spans().count() >= 1);
    let ratio = doc.heap_bytes() as f64 / md.len() as f64;
    // Here: 5,600 lines, 20,400 spans (coloured code makes several per
    // line). A String per span would hold about 14x the Markdown; one text
    // and 8-byte marks hold 2.9x (16-byte marks held 4.3x).
    assert!(ratio < 4.0, "rendered form is {ratio:.1}x the Markdown");
}

#[test]
fn runaway_nesting_and_tables_stay_within_the_screen() {
    let deep = format!("{} deep\n", ">".repeat(1000));
    let text = plain(&deep, 60);
    assert!(text.lines().all(|l| l.width() <= 60), "{text}");
    assert!(text.contains("│ │ deep"), "{text}");
    let wide = format!(
        "|{}\n|{}\n|{}\n",
        "a|".repeat(100),
        "-|".repeat(100),
        "b|".repeat(100)
    );
    let text = plain(&wide, 200);
    assert!(text.contains("(68 more columns not shown)"), "{text}");
    assert!(
        text.lines().next().unwrap().matches('a').count() == 32,
        "{text}"
    );
}
