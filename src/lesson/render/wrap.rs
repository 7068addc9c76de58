//! Word wrapping, and the span helpers the renderer shares.

use unicode_width::UnicodeWidthChar;

use super::doc::{Role, Span, Tone};

/// Word-wraps spans: the first line gets `first` columns, the others `rest`.
/// A word longer than a line is split.
pub fn wrap(spans: &[Span], first: usize, rest: usize) -> Vec<Vec<Span>> {
    let mut lines: Vec<Vec<Span>> = Vec::new();
    let mut line: Vec<Span> = Vec::new();
    let mut line_width = 0;
    let mut space: Option<Span> = None;
    let mut word: Vec<Span> = Vec::new();

    let limit = |lines: &Vec<Vec<Span>>| if lines.is_empty() { first } else { rest };

    let commit = |word: &mut Vec<Span>,
                  space: &mut Option<Span>,
                  line: &mut Vec<Span>,
                  line_width: &mut usize,
                  lines: &mut Vec<Vec<Span>>| {
        if word.is_empty() {
            return;
        }
        let word_width: usize = word.iter().map(Span::width).sum();
        let space_width = space.as_ref().map_or(0, Span::width);
        if !line.is_empty() && *line_width + space_width + word_width > limit(lines) {
            lines.push(std::mem::take(line));
            *line_width = 0;
        } else if let Some(s) = space.take()
            && !line.is_empty()
        {
            *line_width += s.width();
            push_span(line, s);
        }
        *space = None;
        for span in word.drain(..) {
            let w = span.width();
            if *line_width + w > limit(lines) {
                // A word wider than the line: split it by characters.
                for ch in span.text.chars() {
                    let cw = ch.width().unwrap_or(0);
                    if *line_width + cw > limit(lines) && !line.is_empty() {
                        lines.push(std::mem::take(line));
                        *line_width = 0;
                    }
                    push_char(line, ch, &span);
                    *line_width += cw;
                }
            } else {
                *line_width += w;
                push_span(line, span);
            }
        }
    };

    for span in spans {
        let mut rest_text = span.text.as_str();
        while !rest_text.is_empty() {
            let ws = rest_text.starts_with(char::is_whitespace);
            let end = rest_text
                .find(|c: char| c.is_whitespace() != ws)
                .unwrap_or(rest_text.len());
            let piece = &rest_text[..end];
            rest_text = &rest_text[end..];
            if ws {
                commit(
                    &mut word,
                    &mut space,
                    &mut line,
                    &mut line_width,
                    &mut lines,
                );
                if space.is_none() {
                    space = Some(span.with_text(" "));
                }
            } else {
                word.push(span.with_text(piece));
            }
        }
    }
    commit(
        &mut word,
        &mut space,
        &mut line,
        &mut line_width,
        &mut lines,
    );
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lesson text is untrusted: control characters (ESC, BEL, bidirectional
/// overrides, zero-width characters, stacks of marks...) become the
/// visible stand-ins the output pane shows (`␛`, `⟨U+202E⟩`), so neither
/// the reader nor `lessons show` can pass one to the terminal. Text
/// without any is copied as it is (tabs too: code blocks place them).
pub(super) fn visible(text: &str) -> String {
    if text.split('\t').all(crate::sanitize::is_safe) {
        text.to_string()
    } else {
        crate::sanitize::text(text).into_owned()
    }
}

/// Appends a span, joined to the last one when they look the same: one
/// span per run of a style, not one per word, keeps a long lesson's
/// rendered form within a few times its text (a span per word cost about
/// 60 bytes of memory per byte of a 5 MB lesson).
fn push_span(line: &mut Vec<Span>, span: Span) {
    match line.last_mut() {
        Some(last) if last.tone == span.tone && last.link == span.link => {
            last.text.push_str(&span.text)
        }
        _ => line.push(span),
    }
}

fn push_char(line: &mut Vec<Span>, ch: char, like: &Span) {
    match line.last_mut() {
        Some(last) if last.tone == like.tone && last.link == like.link => last.text.push(ch),
        _ => line.push(like.with_text(ch)),
    }
}

/// Cuts a code line into pieces of at most `width` columns; continuation
/// pieces start with a `↪` so the reader sees the line goes on.
pub(super) fn hard_wrap(line: Vec<Span>, width: usize) -> Vec<Vec<Span>> {
    let mut out = vec![Vec::new()];
    let mut used = 0;
    for span in line {
        for ch in span.text.chars() {
            let cw = ch.width().unwrap_or(0);
            if used + cw > width {
                out.push(vec![Span::new("↪", Tone::of(Role::Marker))]);
                used = 1;
            }
            push_char(out.last_mut().expect("never empty"), ch, &span);
            used += cw;
        }
    }
    out
}
