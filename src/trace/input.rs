//! The bytes of a trace file, as the reader takes them: counted as they
//! come off the disk, decompressed, cut into lines no longer than the
//! budget allows (a longer one is measured, never kept), and parsed with
//! every string passed through the one sanitizer.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::budget::{Budget, BudgetError};

/// Counts the bytes read from the file itself (compressed, for a gzip
/// trace), so memory can be weighed against the file's own size.
pub struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> (Counted<R>, Rc<Cell<u64>>) {
        let count = Rc::new(Cell::new(0));
        let counted = Counted {
            inner,
            count: count.clone(),
        };
        (counted, count)
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Why the next line could not be had.
pub enum LineError {
    /// The compressed stream ends too soon: a recording cut short.
    CutShort,
    Damaged(io::Error),
    Budget(BudgetError),
}

impl From<io::Error> for LineError {
    fn from(e: io::Error) -> LineError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            LineError::CutShort
        } else {
            LineError::Damaged(e)
        }
    }
}

/// Reads the next line into `buf` (cleared first), taking it from
/// `budget` before it is kept. `Ok(false)` at the end of the input. A
/// line over the per-line budget is read on without being kept, to say
/// how long it was.
pub fn next_line(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    budget: &mut Budget,
) -> Result<bool, LineError> {
    buf.clear();
    let limit = budget.limits.per_record_bytes;
    let n = input.by_ref().take(limit + 1).read_until(b'\n', buf)? as u64;
    if n == 0 {
        return Ok(false);
    }
    let mut len = n;
    if n > limit && buf.last() != Some(&b'\n') {
        buf.clear();
        buf.shrink_to(limit as usize);
        len += skip_line(input, budget.limits.total_bytes)?;
    }
    budget.take_record(len).map_err(LineError::Budget)?;
    Ok(true)
}

/// Reads past the rest of a line without keeping it: how many bytes it
/// had (stopping once past `cap`).
fn skip_line(input: &mut impl BufRead, cap: u64) -> io::Result<u64> {
    let mut skipped = 0u64;
    while skipped <= cap {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let (used, end) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        input.consume(used);
        skipped += used as u64;
        if end {
            break;
        }
    }
    Ok(skipped)
}

/// A JSON line as `T`, every string in it shown through
/// [`crate::sanitize::line`] first (an escape sequence in a process name
/// reaches the screen as `␛[2J`, never as a command to the terminal).
/// Line breaks and tabs are left for the view, which knows whether its
/// text is one line or many and shows them as live text is shown.
/// Lines of printable ASCII without escapes, nearly all of them, cannot
/// hold anything to show and are parsed directly.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    if is_plain(text) {
        return serde_json::from_str(text).map_err(|e| json_error(&e));
    }
    let mut value: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    sanitize(&mut value);
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Printable ASCII (and the whitespace JSON allows between tokens), no
/// backslash: no string in the line can hold a control or a format
/// character.
fn is_plain(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' '..=b'~' | b'\n' | b'\r' | b'\t') && b != b'\\')
}

/// Every string of a JSON value sanitized, in place (serde_json's
/// nesting limit bounds the recursion).
pub fn sanitize(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(shown) = visible(s) {
                *s = shown;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sanitize),
        Value::Object(fields) => fields.values_mut().for_each(sanitize),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// `s` with everything but line breaks and tabs shown visibly, when
/// anything needed showing.
fn visible(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len() + 8);
    let mut changed = false;
    let mut start = 0;
    let breaks = s.match_indices(['\n', '\t']);
    for (at, kept) in breaks.chain(std::iter::once((s.len(), ""))) {
        let piece = crate::sanitize::line(&s[start..at]);
        changed |= matches!(piece, std::borrow::Cow::Owned(_));
        out.push_str(&piece);
        out.push_str(kept);
        start = at + kept.len();
    }
    changed.then_some(out)
}

/// serde_json's message with our line number's column, not its own line.
pub fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    format!("{text} (column {})", e.column())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Limits;

    const LIMITS: Limits = Limits {
        record: "trace line",
        per_record_bytes: 16,
        total_bytes: 64,
        items: 10,
    };

    #[test]
    fn a_long_line_is_measured_not_kept() {
        let text = format!("short\n{}\nafter\n", "x".repeat(40));
        let mut input = text.as_bytes();
        let mut budget = Budget::new(LIMITS);
        let mut buf = Vec::new();
        assert!(matches!(
            next_line(&mut input, &mut buf, &mut budget),
            Ok(true)
        ));
        assert_eq!(buf, b"short\n");
        let Err(LineError::Budget(e)) = next_line(&mut input, &mut buf, &mut budget) else {
            panic!("a 41-byte line passes a 16-byte budget");
        };
        assert_eq!(
            e.to_string(),
            "a trace line of 41 bytes: at most 16 bytes per trace line"
        );
        assert!(buf.capacity() <= 32, "kept {} bytes", buf.capacity());
    }

    #[test]
    fn strings_are_sanitized_and_plain_lines_left_alone() {
        let v: Value =
            parse(r#"{"a":["\u001b[2J",{"b":"\u202eevil"}],"c":"ok","d":"a\tb\n\u0007"}"#).unwrap();
        assert_eq!(v["a"][0], "␛[2J");
        assert_eq!(v["a"][1]["b"], "⟨U+202E⟩evil");
        assert_eq!(v["d"], "a\tb\n␇", "line breaks and tabs are the view's");
        assert!(is_plain(r#"{"c":"ok","n":[1,2.5,null]}"#));
        assert!(!is_plain("{\"c\":\"\u{7f}\"}"), "DEL is no printable");
        assert!(!is_plain("{\"c\":\"é\"}"));
    }
}
