//! The one sanitizer for text from outside: every string forklab did not
//! write itself (a script's output, a lesson or pack from the internet, a
//! learner's nickname and CPU model, a class server's error, a trace's
//! process names and commands, `/proc` names) passes through here before
//! it reaches a screen, a log or stdout.
//!
//! The rule, one visible form per kind of character:
//!
//! - C0 controls and DEL become their Unicode control pictures (`␛`, `␇`,
//!   `␍`, `␈`, `␡`…). An escape sequence is thus shown whole and inert:
//!   `␛[2J`, `␛]0;title␇`, `␛]52;c;…␇`, never executed, nothing dropped.
//! - Everything else that is invisible or moves other text is shown as its
//!   code point in angle brackets, `⟨U+202E⟩`: C1 controls (U+0080..009F),
//!   bidirectional marks, embeddings, overrides and isolates (U+061C,
//!   U+200E/F, U+202A..202E, U+2066..2069), line and paragraph separators
//!   (U+2028/9), zero-width and other format characters (U+200B..200D,
//!   U+2060..2064, U+FEFF, soft hyphen, tags: Unicode's `Cf` category), and
//!   the blank Hangul fillers and Khmer vowels that pass for spaces.
//! - Zero-width marks stacked on one character beyond [`MAX_MARKS`] are
//!   shown as `⟨U+0301⟩` each, so a name cannot spill over the lines
//!   above and below it.
//! - Newline and tab: [`text`] and the streaming [`Decoder`] keep line
//!   breaks (CRLF is one) and expand tabs to stops every [`TAB_WIDTH`]
//!   columns; [`line`] and [`field`], for text that must stay one line (a
//!   log line, a table cell), show them as `␊` and `␉`.
//!
//! Widths are `unicode-width`'s, measured after this, so a column of
//! sanitized names stays aligned ([`width`], [`pad`]); [`field`] caps a
//! one-line value at a width, ending it with `…` when cut.

mod stream;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub use stream::{Decoder, Piece};

/// Columns between tab stops in [`text`] and the [`Decoder`].
pub const TAB_WIDTH: usize = 8;

/// Zero-width marks kept on one character (enough for Vietnamese,
/// Hebrew points with a cantillation mark, or an emoji with its
/// variation selector); more are shown as code points.
pub const MAX_MARKS: usize = 4;

/// Ends a [`field`] that was cut.
pub const ELLIPSIS: char = '…';

/// How a character is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// As itself, taking columns.
    Plain,
    /// As itself, taking no column: it stacks on the character before.
    Mark,
    /// Line feed or tab: layout in [`text`], a picture in [`line`].
    Layout,
    /// As a control picture (`␛`).
    Picture,
    /// As its code point (`⟨U+202E⟩`).
    CodePoint,
}

fn kind(c: char) -> Kind {
    match c {
        '\n' | '\t' => Kind::Layout,
        '\0'..='\u{1f}' | '\u{7f}' => Kind::Picture,
        ' '..='~' => Kind::Plain,
        _ if is_hidden(c) => Kind::CodePoint,
        _ => match c.width() {
            Some(0) => Kind::Mark,
            Some(_) => Kind::Plain,
            None => Kind::CodePoint,
        },
    }
}

/// Characters beyond C0 that are invisible, reorder or break text:
/// Unicode's `Cf` (format) category, line and paragraph separators, C1
/// controls, and the blanks that look like nothing.
fn is_hidden(c: char) -> bool {
    matches!(
        c as u32,
        0x80..=0x9F
            | 0xAD
            | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180E
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// Whether `c` is never shown as itself: the characters a lesson, a
/// script or a learner must not send to a terminal raw. Tabs and
/// newlines are layout and are not counted; neither are marks, which are
/// shown up to [`MAX_MARKS`] on one character.
pub fn is_unsafe(c: char) -> bool {
    matches!(kind(c), Kind::Picture | Kind::CodePoint)
}

/// JSON text made safe to print: every character [`is_unsafe`] (a bidi
/// override, a zero-width space: serde_json escapes only controls) is
/// written as its `\uXXXX` escape, which reads back as the same string.
/// Such characters never occur in JSON's own syntax, only inside strings.
pub fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The tricks the rule is tested on, each with its name and how [`line`]
/// shows it: the sanitizer's own tests and every display path's tests
/// feed these to their path.
pub const TRICKS: &[(&str, &str, &str)] = &[
    ("CSI clear", "a\x1b[2Jb", "a␛[2Jb"),
    ("OSC title", "\x1b]0;pwned\x07x", "␛]0;pwned␇x"),
    (
        "OSC 52 clipboard",
        "\x1b]52;c;cm0gLXJm\x1b\\",
        "␛]52;c;cm0gLXJm␛\\",
    ),
    ("DCS", "\x1bP1$r\x1b\\", "␛P1$r␛\\"),
    ("C1 CSI", "a\u{9b}31mb", "a⟨U+009B⟩31mb"),
    ("CR", "safe\rEVIL", "safe␍EVIL"),
    ("BS", "ab\x08\x08cd", "ab␈␈cd"),
    ("NUL and DEL", "\0\x7f", "␀␡"),
    ("newline", "one\ntwo", "one␊two"),
    ("tab", "a\tb", "a␉b"),
    ("RLO", "abc\u{202e}fed", "abc⟨U+202E⟩fed"),
    ("LRI", "x\u{2066}y\u{2069}", "x⟨U+2066⟩y⟨U+2069⟩"),
    (
        "LRM RLM ALM",
        "\u{200e}\u{200f}\u{61c}",
        "⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩",
    ),
    ("line separator", "a\u{2028}b\u{2029}", "a⟨U+2028⟩b⟨U+2029⟩"),
    ("ZWJ", "ad\u{200d}min", "ad⟨U+200D⟩min"),
    ("ZWSP", "ad\u{200b}min", "ad⟨U+200B⟩min"),
    ("BOM", "\u{feff}root", "⟨U+FEFF⟩root"),
    ("word joiner", "a\u{2060}b", "a⟨U+2060⟩b"),
    ("Hangul filler", "\u{3164}", "⟨U+3164⟩"),
    ("tag", "a\u{e0041}", "a⟨U+E0041⟩"),
    (
        "30 stacked U+0301",
        "Z\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
        "Z\u{301}\u{301}\u{301}\u{301}⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩⟨U+0301⟩",
    ),
    ("wide CJK", "名前", "名前"),
];

/// Whether `s` holds nothing this module would change but line breaks:
/// no control, no hidden character, no stack of marks over the limit.
/// What a test asserts of a screen or an output.
pub fn is_safe(s: &str) -> bool {
    is_clean(s, false)
}

/// Whether `c` is a control picture or a code point this module wrote:
/// what a test looks for to see that a trick character was shown.
pub fn is_stand_in(c: char) -> bool {
    matches!(c as u32, 0x2400..=0x2421) || c == '⟨' || c == '⟩'
}

/// Appends the visible form of a character that is not shown as itself.
fn push_visible(c: char, out: &mut String) {
    match c {
        '\0'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\u{7f}' => out.push('\u{2421}'),
        _ => {
            use std::fmt::Write;
            let _ = write!(out, "⟨U+{:04X}⟩", c as u32);
        }
    }
}

/// Counts the marks stacked on the current character.
#[derive(Debug, Default, Clone, Copy)]
struct Stack(usize);

impl Stack {
    /// Whether a character of kind `kind` is shown as itself.
    fn keeps(&mut self, kind: Kind) -> bool {
        match kind {
            Kind::Plain => {
                self.0 = 0;
                true
            }
            Kind::Mark => {
                self.0 += 1;
                self.0 <= MAX_MARKS
            }
            // A picture or code point is a base of its own.
            _ => {
                self.0 = 0;
                false
            }
        }
    }
}

/// Whether `s` is shown as it is by [`line`] (`one_line`) or [`text`].
fn is_clean(s: &str, one_line: bool) -> bool {
    let mut stack = Stack::default();
    s.chars().all(|c| match kind(c) {
        Kind::Layout => !one_line && c == '\n',
        k => stack.keeps(k),
    })
}

/// One line of outside text, safe to print: every control, newline and
/// tab included, shown visibly (see the module's rule). Borrowed when
/// nothing needed showing.
pub fn line(s: &str) -> Cow<'_, str> {
    if is_clean(s, true) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut stack = Stack::default();
    for c in s.chars() {
        let k = kind(c);
        // A mark past the limit leaves the count over it: the rest of
        // the stack is shown too.
        let layout = k == Kind::Layout;
        if !layout && stack.keeps(k) {
            out.push(c);
        } else {
            if layout {
                stack = Stack::default();
            }
            push_visible(c, &mut out);
        }
    }
    Cow::Owned(out)
}

/// Outside text of any number of lines, safe to print: line breaks kept
/// (CRLF is one), tabs expanded, everything else as [`line`] shows it.
pub fn text(s: &str) -> Cow<'_, str> {
    if is_clean(s, false) {
        return Cow::Borrowed(s);
    }
    let mut decoder = Decoder::new();
    let mut out = String::with_capacity(s.len() + 8);
    let pieces = decoder.feed(s.as_bytes());
    for piece in pieces.into_iter().chain(decoder.finish()) {
        out.push_str(&piece.text);
        if piece.line_end {
            out.push('\n');
        }
    }
    if !s.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// A one-line value for a column at most `max_width` wide: [`line`], cut
/// with [`ELLIPSIS`] when wider. Reads no more of `s` than it shows, so a
/// huge value costs no more than a short one.
pub fn field(s: &str, max_width: usize) -> Cow<'_, str> {
    // Every column shows at most one character and its kept marks.
    let enough = s
        .char_indices()
        .nth(max_width.saturating_add(1).saturating_mul(MAX_MARKS + 1))
        .map_or(s.len(), |(i, _)| i);
    let shown = line(&s[..enough]);
    if enough == s.len() && shown.width() <= max_width {
        return shown;
    }
    if max_width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in shown.chars() {
        let w = c.width().unwrap_or(0);
        if used + w >= max_width {
            break;
        }
        out.push(c);
        used += w;
    }
    // Sequences (an emoji and its selector) may be wider than their parts.
    while out.width() + 1 > max_width {
        out.pop();
    }
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// One cell of a drawn screen (a grapheme: a character and what joined
/// it), cut back to what this module shows as itself: a path that forgot
/// to sanitize loses its hidden characters and extra marks here, and a
/// cell left with nothing shows `�`. The TUI's last guard, not the rule:
/// paths sanitize first, so tricks are shown rather than dropped.
pub fn cell(symbol: &str) -> Cow<'_, str> {
    if is_clean(symbol, true) {
        return Cow::Borrowed(symbol);
    }
    let mut stack = Stack::default();
    let kept: String = symbol
        .chars()
        .filter(|&c| {
            let k = kind(c);
            k != Kind::Layout && stack.keeps(k)
        })
        .collect();
    Cow::Owned(if kept.is_empty() {
        "\u{FFFD}".into()
    } else {
        kept
    })
}

/// Columns `s` takes on a terminal (after sanitizing: the width of raw
/// outside text means nothing).
pub fn width(s: &str) -> usize {
    s.width()
}

/// `s` made a [`field`] of exactly `columns` columns: cut, or padded with
/// spaces on the right. For text tables printed to stdout, where `{:<N}`
/// would count characters, not columns.
pub fn pad(s: &str, columns: usize) -> String {
    let shown = field(s, columns);
    let mut out = String::with_capacity(shown.len() + columns);
    out.push_str(&shown);
    out.extend(std::iter::repeat_n(
        ' ',
        columns.saturating_sub(shown.width()),
    ));
    out
}
