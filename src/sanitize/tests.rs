use unicode_width::UnicodeWidthStr;

use super::*;

#[test]
fn every_trick_is_shown_visibly() {
    for (name, raw, shown) in TRICKS {
        assert_eq!(line(raw), *shown, "{name}");
        assert!(!line(raw).chars().any(is_unsafe), "{name}");
        assert_eq!(raw == shown, !line(raw).chars().any(is_stand_in), "{name}");
        if !raw.contains('\n') {
            assert_eq!(is_safe(raw), raw == shown, "{name}");
        }
        // Sanitizing twice changes nothing more.
        assert_eq!(line(&line(raw)), *shown, "{name}");
    }
}

#[test]
fn stacked_marks_beyond_the_limit_are_shown() {
    let zalgo = format!("Z{}", "\u{301}".repeat(30));
    let shown = line(&zalgo);
    let kept = format!("Z{}", "\u{301}".repeat(MAX_MARKS));
    assert!(shown.starts_with(&kept), "{shown}");
    assert_eq!(shown.matches("⟨U+0301⟩").count(), 30 - MAX_MARKS);
    // Real text keeps its accents: decomposed Vietnamese, emoji selectors.
    for fine in ["Vie\u{302}\u{323}t", "e\u{301}", "❤\u{fe0f}", "naïve"] {
        assert!(matches!(line(fine), Cow::Borrowed(_)), "{fine}");
    }
    // Each character has its own allowance.
    let many = "e\u{301}\u{301}".repeat(50);
    assert_eq!(line(&many), many);
}

#[test]
fn plain_text_is_borrowed_and_wide_characters_kept() {
    for s in [
        "",
        "learner 7",
        "日本語のCPU",
        "Intel(R) Core(TM) i7-8550U",
        "Zoë",
    ] {
        assert!(matches!(line(s), Cow::Borrowed(_)), "{s}");
        assert!(matches!(text(s), Cow::Borrowed(_)), "{s}");
    }
    assert_eq!(width("日本"), 4);
}

#[test]
fn text_keeps_lines_and_expands_tabs() {
    assert_eq!(text("a\nb\r\nc"), "a\nb\nc");
    assert_eq!(text("a\tb"), "a       b");
    assert_eq!(text("\x1b[31mred\n"), "␛[31mred\n");
    assert_eq!(text("x\u{202e}y"), "x⟨U+202E⟩y");
    assert_eq!(text("日\tx"), "日      x");
}

#[test]
fn fields_are_cut_to_their_width_with_an_ellipsis() {
    assert_eq!(field("short", 10), "short");
    assert_eq!(field("exactly10!", 10), "exactly10!");
    assert_eq!(field("eleven chars", 10), "eleven ch…");
    assert_eq!(field("日本語日本語", 5), "日本…");
    assert_eq!(field("日本語日本語", 6), "日本…");
    assert_eq!(field("x\u{202e}yz", 6), "x⟨U+2…");
    assert_eq!(field("anything", 0), "");
    assert_eq!(field("ab", 1), "…");
    // Decomposed accents are not counted as columns.
    let accents = "e\u{301}".repeat(8);
    assert_eq!(field(&accents, 8), accents);
    // A huge value is not read past what is shown.
    let huge = "y".repeat(15_000_000);
    assert_eq!(field(&huge, 20).width(), 20);
    for (name, raw, _) in TRICKS {
        for max in 1..12 {
            let cut = field(raw, max);
            assert!(cut.width() <= max, "{name} at {max}: {cut}");
            assert!(!cut.chars().any(is_unsafe), "{name} at {max}");
        }
    }
}

#[test]
fn a_cell_keeps_only_what_is_shown_as_itself() {
    assert!(matches!(cell("a"), Cow::Borrowed("a")));
    assert_eq!(cell("a\u{200d}"), "a");
    assert_eq!(
        cell("e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}"),
        "e\u{301}\u{301}\u{301}\u{301}"
    );
    assert_eq!(cell("\u{3164}"), "\u{FFFD}");
    for (name, raw, _) in TRICKS {
        assert!(is_safe(&cell(raw)), "{name}");
    }
}

#[test]
fn pad_makes_columns_of_equal_width() {
    let names = [
        "alice",
        "日本語の名前ですよ",
        "\x1b]0;x\x07",
        "e\u{301}\u{301}",
        &format!("Z{}", "\u{301}".repeat(30)),
        "a\u{202e}b",
    ];
    for name in names {
        assert_eq!(pad(name, 12).width(), 12, "{name:?}");
    }
}

#[test]
fn is_unsafe_names_what_is_not_shown_as_itself() {
    for code in (0..0x3200).chain(0xFE00..0x10000).chain(0xE0000..0xE0080) {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        let s = c.to_string();
        let replaced = line(&s) != s;
        let layout = c == '\t' || c == '\n';
        assert_eq!(is_unsafe(c), replaced && !layout, "{code:#x}");
    }
}

// The streaming decoder, for a script's output.

fn lines(chunks: &[&[u8]]) -> Vec<Piece> {
    let mut d = Decoder::new();
    let mut out: Vec<Piece> = chunks.iter().flat_map(|c| d.feed(c)).collect();
    out.extend(d.finish());
    out
}

/// The pieces joined into whole lines.
fn joined(chunks: &[&[u8]]) -> Vec<String> {
    let mut out = vec![String::new()];
    for p in lines(chunks) {
        out.last_mut().unwrap().push_str(&p.text);
        if p.line_end {
            out.push(String::new());
        }
    }
    out.pop();
    out
}

fn piece(text: &str, line_end: bool) -> Piece {
    Piece {
        text: text.into(),
        line_end,
    }
}

#[test]
fn the_stream_shows_what_line_shows() {
    for (name, raw, shown) in TRICKS {
        if raw.contains(['\n', '\t']) {
            continue;
        }
        assert_eq!(joined(&[raw.as_bytes()]), [*shown], "{name}");
    }
    // Marks cut between chunks are still counted.
    let mut d = Decoder::new();
    let mut out = String::new();
    out.extend(d.feed(b"Z").into_iter().map(|p| p.text));
    for _ in 0..30 {
        out.extend(d.feed("\u{301}".as_bytes()).into_iter().map(|p| p.text));
    }
    assert_eq!(out.matches("⟨U+0301⟩").count(), 30 - MAX_MARKS);
}

#[test]
fn escape_sequences_are_shown_not_executed() {
    let out = text("\x1b[2J\x1b[31mred\x07\x1b]0;title\x07\x00\x7f");
    assert_eq!(out, "␛[2J␛[31mred␇␛]0;title␇␀␡");
    assert!(!out.chars().any(|c| c.is_control()));
}

#[test]
fn tabs_expand_to_tab_stops_across_chunks() {
    assert_eq!(text("\t|"), "        |");
    assert_eq!(text("12345678\tx"), "12345678        x");
    assert_eq!(text("\u{202e}\tx"), "⟨U+202E⟩        x");
    assert_eq!(
        lines(&[b"abc", b"\tx\n"]),
        [piece("abc", false), piece("     x", true)]
    );
}

#[test]
fn crlf_is_one_line_end_even_when_split() {
    assert_eq!(joined(&[b"one\r", b"\ntwo\r\n"]), ["one", "two"]);
    assert_eq!(joined(&[b"a\rb\n"]), ["a␍b"]);
    assert_eq!(joined(&[b"end\r"]), ["end␍"]);
}

#[test]
fn utf8_split_between_chunks_is_rejoined() {
    let bytes = "héllo ✓\n".as_bytes();
    let (a, b) = bytes.split_at(2); // inside 'é'
    assert_eq!(lines(&[a, b]), [piece("h", false), piece("éllo ✓", true)]);
}

#[test]
fn invalid_utf8_is_replaced() {
    assert_eq!(lines(&[b"a\xffb\n"]), [piece("a\u{FFFD}b", true)]);
    // A sequence cut off by the end of the stream.
    assert_eq!(
        lines(&[b"x\xe2\x9c"]),
        [piece("x", false), piece("\u{FFFD}", true)]
    );
}

#[test]
fn unfinished_lines_show_at_once_and_close_at_the_end() {
    assert_eq!(
        lines(&[b"working", b".", b". done\nsum\n"]),
        [
            piece("working", false),
            piece(".", false),
            piece(". done", true),
            piece("sum", true),
        ]
    );
    assert_eq!(
        lines(&[b"dots..."]),
        [piece("dots...", false), piece("", true)]
    );
    assert_eq!(lines(&[]), []);
}

#[test]
fn long_lines_are_kept_whole() {
    let long = "x".repeat(200_000);
    let out = lines(&[long.as_bytes(), b"\n"]);
    let joined: String = out.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(joined, long);
}

#[test]
fn json_escapes_every_unsafe_character_and_reads_back_the_same() {
    for (name, raw, _) in TRICKS {
        let text = serde_json::to_string(&serde_json::json!({ "reason": raw })).unwrap();
        let safe = json(&text);
        assert!(!safe.chars().any(is_unsafe), "{name}: {safe:?}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["reason"], *raw, "{name}");
    }
}
