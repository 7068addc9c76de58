//! A stream of outside bytes (a script's stdout) made safe text, chunk by
//! chunk: the module's rule, with line breaks kept, tabs expanded and
//! invalid UTF-8 shown as U+FFFD. A UTF-8 character, a CRLF or a stack of
//! marks may be cut between chunks, so the [`Decoder`] keeps a little
//! state per stream.

use unicode_width::UnicodeWidthChar;

use super::{Kind, Stack, TAB_WIDTH, kind, push_visible};

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
    /// Marks on the last character.
    stack: Stack,
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
        self.stack = Stack::default();
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
                    self.stack = Stack::default();
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                _ => self.push_char(c, current),
            }
        }
    }

    fn push_char(&mut self, c: char, out: &mut String) {
        let k = kind(c);
        if c == '\t' {
            let spaces = TAB_WIDTH - self.column % TAB_WIDTH;
            out.extend(std::iter::repeat_n(' ', spaces));
            self.column += spaces;
            self.stack = Stack::default();
        } else if k != Kind::Layout && self.stack.keeps(k) {
            out.push(c);
            self.column += c.width().unwrap_or(0);
        } else {
            let before = out.len();
            push_visible(c, out);
            self.column += out[before..].chars().count();
        }
    }
}
