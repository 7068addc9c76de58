//! A script's output made safe to show: any byte a script prints is turned
//! into visible text, so no escape sequence reaches the terminal and no
//! script can garble the screen.
//!
//! - ESC and the other C0 controls become their Unicode control pictures
//!   (`␛`, `␇`, `␍`, ...), DEL becomes `␡`;
//! - C1 controls (U+0080..U+009F) and bidirectional overrides become
//!   Python-style escapes (`\x9b`, `\u202e`);
//! - tabs are expanded to the next multiple of [`TAB_WIDTH`] columns;
//! - invalid UTF-8 becomes U+FFFD; a `\r` right before `\n` is dropped.
//!
//! Bytes arrive in arbitrary chunks (a UTF-8 character or a CRLF may be cut
//! in two), so the [`Decoder`] keeps a little state per stream.

use unicode_width::UnicodeWidthChar;

/// Columns between tab stops.
pub const TAB_WIDTH: usize = 8;

/// A piece of decoded text; `line_end` says whether a newline ended it
/// (otherwise the line goes on in the next piece of the same stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub line_end: bool,
}

/// Turns one stream's bytes into safe text pieces, chunk by chunk.
#[derive(Debug, Default)]
pub struct Decoder {
    /// Bytes held back: an unfinished UTF-8 sequence or a trailing `\r`.
    pending: Vec<u8>,
    /// Display column within the current line, for tab stops.
    column: usize,
    /// Whether text of the current line was already handed out.
    open_line: bool,
}

impl Decoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Decodes a chunk: one piece per completed line, plus the start of an
    /// unfinished line (so text without a newline, such as progress dots,
    /// shows at once).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Piece> {
        let mut buf = std::mem::take(&mut self.pending);
        buf.extend_from_slice(bytes);
        let mut pieces = Vec::new();
        let mut current = String::new();
        let mut rest: &[u8] = &buf;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    let text = match text.strip_suffix('\r') {
                        Some(head) => {
                            self.pending.push(b'\r');
                            head
                        }
                        None => text,
                    };
                    self.push_text(text, &mut current, &mut pieces);
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    let valid = std::str::from_utf8(valid).unwrap_or_default();
                    self.push_text(valid, &mut current, &mut pieces);
                    match e.error_len() {
                        Some(bad) => {
                            self.push_char('\u{FFFD}', &mut current);
                            rest = &after[bad..];
                        }
                        None => {
                            // An unfinished character: wait for its other bytes.
                            self.pending.extend_from_slice(after);
                            break;
                        }
                    }
                }
            }
        }
        if !current.is_empty() {
            self.open_line = true;
            pieces.push(Piece {
                text: current,
                line_end: false,
            });
        }
        pieces
    }

    /// Flushes what is held back at the end of the stream, and closes an
    /// open line so that every line ends.
    pub fn finish(&mut self) -> Option<Piece> {
        let pending = std::mem::take(&mut self.pending);
        let mut text = String::new();
        if !pending.is_empty() {
            for c in String::from_utf8_lossy(&pending).chars() {
                self.push_char(c, &mut text);
            }
        }
        let piece = (self.open_line || !text.is_empty()).then_some(Piece {
            text,
            line_end: true,
        });
        self.open_line = false;
        self.column = 0;
        piece
    }

    fn push_text(&mut self, text: &str, current: &mut String, pieces: &mut Vec<Piece>) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\n' => {
                    pieces.push(Piece {
                        text: std::mem::take(current),
                        line_end: true,
                    });
                    self.column = 0;
                    self.open_line = false;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                _ => self.push_char(c, current),
            }
        }
    }

    fn push_char(&mut self, c: char, out: &mut String) {
        match c {
            '\t' => {
                let spaces = TAB_WIDTH - self.column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', spaces));
                self.column += spaces;
            }
            _ => {
                let before = out.len();
                visible(c, out);
                self.column += out[before..]
                    .chars()
                    .map(|c| c.width().unwrap_or(0))
                    .sum::<usize>();
            }
        }
    }
}

/// Appends `c` to `out`, or a harmless visible stand-in for it.
fn visible(c: char, out: &mut String) {
    match c as u32 {
        // C0 controls: their Unicode control pictures (U+2400..U+241F).
        code @ 0x00..=0x1F => out.push(char::from_u32(0x2400 + code).unwrap_or('?')),
        0x7F => out.push('\u{2421}'),
        code @ 0x80..=0x9F => out.push_str(&format!("\\x{code:02x}")),
        // Bidirectional embeddings, overrides and isolates reorder text.
        code @ (0x202A..=0x202E | 0x2066..=0x2069) => out.push_str(&format!("\\u{code:04x}")),
        _ => out.push(c),
    }
}

/// Whether [`sanitize`] shows `c` as a stand-in rather than as itself: the
/// characters a lesson or a script must not send to a terminal raw (tabs
/// and newlines are layout, not control, and are not counted).
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c as u32,
        0x00..=0x08 | 0x0B..=0x1F | 0x7F..=0x9F | 0x202A..=0x202E | 0x2066..=0x2069
    )
}

/// Makes a whole string safe at once (one line or many; newlines kept).
pub fn sanitize(text: &str) -> String {
    let mut decoder = Decoder::new();
    let mut out = String::new();
    let pieces = decoder.feed(text.as_bytes());
    for piece in pieces.into_iter().chain(decoder.finish()) {
        out.push_str(&piece.text);
        if piece.line_end {
            out.push('\n');
        }
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn escape_sequences_are_shown_not_executed() {
        let out = sanitize("\x1b[2J\x1b[31mred\x07\x1b]0;title\x07\x00\x7f");
        assert_eq!(out, "␛[2J␛[31mred␇␛]0;title␇␀␡");
        assert!(!out.chars().any(|c| c.is_control()));
    }

    #[test]
    fn c1_controls_and_bidi_overrides_become_escapes() {
        assert_eq!(sanitize("a\u{9b}31mb"), "a\\x9b31mb");
        assert_eq!(sanitize("x\u{202e}y\u{2066}"), "x\\u202ey\\u2066");
    }

    #[test]
    fn tabs_expand_to_tab_stops_across_chunks() {
        assert_eq!(sanitize("a\tb"), "a       b");
        assert_eq!(sanitize("\t|"), "        |");
        assert_eq!(sanitize("12345678\tx"), "12345678        x");
        // Wide characters count two columns.
        assert_eq!(sanitize("日\tx"), "日      x");
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
    fn is_unsafe_names_what_visible_replaces() {
        for code in (0..0x3000).chain([0x202e, 0x2069]) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut shown = String::new();
            visible(c, &mut shown);
            let replaced = shown != c.to_string();
            let layout = c == '\t' || c == '\n';
            assert_eq!(is_unsafe(c), replaced && !layout, "{code:#x}");
        }
    }

    #[test]
    fn long_lines_are_kept_whole() {
        let long = "x".repeat(200_000);
        let out = lines(&[long.as_bytes(), b"\n"]);
        let joined: String = out.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, long);
    }
}
