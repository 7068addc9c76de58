//! Python syntax colours for the lessons' code blocks, from a small
//! tokenizer ([`python`]) run in-process: a block's tokens are kept as kind
//! and end (8 bytes each), not text: the text is the code block itself,
//! which the lesson already holds.

pub mod python;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use python::Kind;

/// A highlighted piece of one line of code, borrowed from the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    pub text: &'a str,
    pub rgb: [u8; 3],
    pub bold: bool,
    pub italic: bool,
}

/// A token as kept: its kind and the byte offset where it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    kind: Kind,
    end: u32,
}

/// Highlighted tokens for each Python code block, keyed by a hash of its
/// source (a lookup checks the tokens against the code it is given, so
/// a stale or mistaken entry falls back to plain text, never to a wrong cut).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlights {
    blocks: HashMap<u64, Vec<Token>>,
}

fn key(code: &str) -> u64 {
    let mut h = DefaultHasher::new();
    code.hash(&mut h);
    h.finish()
}

/// Colour and weight of each kind: the base16 "ocean" palette the course
/// has always used on dark (the theme scales it for light, and mono
/// drops it).
fn style(kind: Kind) -> ([u8; 3], bool, bool) {
    match kind {
        Kind::Plain => ([0xc0, 0xc5, 0xce], false, false),
        Kind::Keyword => ([0xb4, 0x8e, 0xad], false, false),
        Kind::Constant | Kind::Number => ([0xd0, 0x87, 0x70], false, false),
        Kind::Builtin => ([0x96, 0xb5, 0xb4], false, false),
        Kind::SelfName => ([0xbf, 0x61, 0x6a], false, false),
        Kind::String => ([0xa3, 0xbe, 0x8c], false, false),
        Kind::Field => ([0xab, 0x79, 0x67], false, false),
        Kind::Comment => ([0x65, 0x73, 0x7e], false, true),
        Kind::Decorator | Kind::Function => ([0x8f, 0xa1, 0xb3], false, false),
        Kind::Class => ([0xeb, 0xcb, 0x8b], false, false),
    }
}

/// The lines of a block as they are drawn: each line's byte range,
/// without its line ending.
fn line_ranges(code: &str) -> impl Iterator<Item = (usize, usize)> {
    code.split_inclusive('\n').scan(0, |start, line| {
        let from = *start;
        *start += line.len();
        Some((from, from + line.trim_end_matches(['\n', '\r']).len()))
    })
}

impl Highlights {
    /// Highlights every block; a block repeated across lessons is
    /// highlighted (and held) once.
    pub fn build<I: IntoIterator<Item = String>>(blocks: I) -> Highlights {
        let mut out = Highlights::default();
        for code in blocks {
            let Ok(_) = u32::try_from(code.len()) else {
                continue;
            };
            out.blocks.entry(key(&code)).or_insert_with(|| {
                python::tokenize(&code)
                    .into_iter()
                    .map(|(kind, end)| Token {
                        kind,
                        end: end as u32,
                    })
                    .collect()
            });
        }
        out.blocks.shrink_to_fit();
        out
    }

    /// The coloured pieces of each line of `code`, if it was highlighted
    /// and the tokens fit it exactly.
    pub fn get<'a>(&self, code: &'a str) -> Option<Vec<Vec<Piece<'a>>>> {
        let tokens = self.blocks.get(&key(code))?;
        if tokens.last().map_or(0, |t| t.end as usize) != code.len() {
            return None;
        }
        let mut out = Vec::new();
        let mut first = 0;
        for (from, to) in line_ranges(code) {
            let mut pieces = Vec::new();
            while tokens.get(first).is_some_and(|t| t.end as usize <= from) {
                first += 1;
            }
            let mut start = if first == 0 {
                0
            } else {
                tokens[first - 1].end as usize
            };
            for t in tokens.get(first..)? {
                let (a, b) = (start.max(from), (t.end as usize).min(to));
                if a >= to {
                    break;
                }
                if a < b {
                    let (rgb, bold, italic) = style(t.kind);
                    pieces.push(Piece {
                        text: code.get(a..b)?,
                        rgb,
                        bold,
                        italic,
                    });
                }
                start = t.end as usize;
            }
            out.push(pieces);
        }
        Some(out)
    }
}

/// Whether a fenced block's language gets Python highlighting.
pub fn is_python(lang: &str) -> bool {
    matches!(
        lang.trim().to_ascii_lowercase().as_str(),
        "python" | "py" | "python3" | "pycon"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Vec<Piece<'_>>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|p| p.text).collect())
            .collect()
    }

    #[test]
    fn python_keywords_get_a_different_colour_than_names() {
        let code = "def square(x):\n    return x * x".to_string();
        let highlights = Highlights::build([code.clone()]);
        let lines = highlights.get(&code).unwrap();
        assert_eq!(lines.len(), 2);
        let def = &lines[0][0];
        assert_eq!(def.text, "def");
        let name = lines[0].iter().find(|t| t.text.contains("square")).unwrap();
        assert_ne!(def.rgb, name.rgb);
        assert_eq!(texts(&lines), ["def square(x):", "    return x * x"]);
        assert!(highlights.get("other").is_none());
    }

    #[test]
    fn a_string_over_lines_is_cut_at_each_line_and_endings_are_dropped() {
        let code = "x = '''a\r\n\nb'''  # ünï\nprint(x)".to_string();
        let highlights = Highlights::build([code.clone()]);
        let lines = highlights.get(&code).unwrap();
        assert_eq!(texts(&lines), ["x = '''a", "", "b'''  # ünï", "print(x)"]);
        let string = style(Kind::String).0;
        assert_eq!(lines[0].last().unwrap().text, "'''a");
        assert_eq!(lines[0].last().unwrap().rgb, string);
        assert_eq!(lines[2][0].text, "b'''");
        assert_eq!(lines[2][0].rgb, string);
        assert!(lines[2].last().unwrap().italic, "the comment");
    }

    #[test]
    fn tokens_that_do_not_fit_the_code_are_not_used() {
        let code = "print('ünï')".to_string();
        let mut highlights = Highlights::build([code.clone()]);
        assert!(highlights.get(&code).is_some());
        // A cut inside a character, a token too long, one too short.
        let tokens = highlights.blocks.get_mut(&key(&code)).unwrap();
        tokens[1].end += 2;
        assert!(highlights.get(&code).is_none());
        let tokens = highlights.blocks.get_mut(&key(&code)).unwrap();
        tokens.last_mut().unwrap().end += 100;
        assert!(highlights.get(&code).is_none());
        let tokens = highlights.blocks.get_mut(&key(&code)).unwrap();
        tokens.last_mut().unwrap().end -= 101;
        assert!(highlights.get(&code).is_none());
    }

    #[test]
    fn an_empty_block_has_no_lines() {
        let highlights = Highlights::build([String::new()]);
        assert_eq!(highlights.get(""), Some(Vec::new()));
    }
}
