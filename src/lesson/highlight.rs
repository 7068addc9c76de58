//! Python syntax highlighting, computed once for every code block of the
//! course by a short-lived child process (`forklab highlight`): the
//! grammar (about 8 MiB once compiled) never enters the reader, which keeps
//! only each token's style and length (8 bytes), not its text: the text is
//! the code block itself, which the lesson already holds.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::os::process;

/// A highlighted run of code as kept: colour, weight and length in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    rgb: [u8; 3],
    /// 1 bold, 2 italic.
    flags: u8,
    len: u32,
}

/// A highlighted piece of one line of code, borrowed from the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    pub text: &'a str,
    pub rgb: [u8; 3],
    pub bold: bool,
    pub italic: bool,
}

/// The tokens of one block, and where each of its lines ends among them.
#[derive(Debug, Clone, Default, PartialEq)]
struct Block {
    tokens: Vec<Token>,
    line_ends: Vec<u32>,
}

/// Highlighted tokens for each Python code block, keyed by a hash of its
/// source (a lookup checks the lengths against the code it is given, so
/// a stale or mistaken entry falls back to plain text, never to a wrong cut).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlights {
    blocks: HashMap<u64, Block>,
}

fn key(code: &str) -> u64 {
    let mut h = DefaultHasher::new();
    code.hash(&mut h);
    h.finish()
}

/// The lines of a block as the highlighter sees them, without line endings.
fn code_lines(code: &str) -> impl Iterator<Item = &str> {
    code.split_inclusive('\n')
        .map(|l| l.trim_end_matches(['\n', '\r']))
}

impl Highlights {
    /// Highlights every block, then frees the highlighter's memory.
    pub fn build<I: IntoIterator<Item = String>>(blocks: I) -> Highlights {
        let mut out = Highlights::default();
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let mut themes = ThemeSet::load_defaults();
        let (Some(theme), Some(python)) = (
            themes.themes.remove("base16-ocean.dark"),
            syntaxes.find_syntax_by_extension("py"),
        ) else {
            return out;
        };
        for code in blocks {
            if out.blocks.contains_key(&key(&code)) {
                continue;
            }
            let mut lines = HighlightLines::new(python, &theme);
            let mut block = Block::default();
            for line in LinesWithEndings::from(&code) {
                let Ok(ranges) = lines.highlight_line(line, &syntaxes) else {
                    break;
                };
                let line_start = block.tokens.len();
                for (style, text) in ranges {
                    let text = text.trim_end_matches(['\n', '\r']);
                    let token = Token {
                        rgb: [style.foreground.r, style.foreground.g, style.foreground.b],
                        flags: u8::from(style.font_style.contains(FontStyle::BOLD))
                            | u8::from(style.font_style.contains(FontStyle::ITALIC)) << 1,
                        len: text.len() as u32,
                    };
                    // Neighbours in the same style become one token.
                    let joins = block.tokens.len() > line_start;
                    match block.tokens.last_mut() {
                        _ if text.is_empty() => {}
                        Some(last)
                            if joins && (last.rgb, last.flags) == (token.rgb, token.flags) =>
                        {
                            last.len += token.len
                        }
                        _ => block.tokens.push(token),
                    }
                }
                block.line_ends.push(block.tokens.len() as u32);
            }
            block.tokens.shrink_to_fit();
            block.line_ends.shrink_to_fit();
            out.blocks.insert(key(&code), block);
        }
        out
    }

    /// Highlights in a child process (`exe highlight`), falling back to
    /// this process if the child cannot run.
    /// A block repeated across lessons is highlighted (and held) once.
    pub fn build_in_child(exe: &Path, mut blocks: Vec<String>) -> Highlights {
        blocks.sort_unstable();
        blocks.dedup();
        Self::ask_child(exe, &blocks).unwrap_or_else(|| Self::build(blocks))
    }

    fn ask_child(exe: &Path, blocks: &[String]) -> Option<Highlights> {
        let mut cmd = Command::new(exe);
        cmd.arg("highlight")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        crate::os::die_with_parent(&mut cmd, process::SIGKILL);
        let mut child = cmd.spawn().ok()?;
        let mut stdin = child.stdin.take()?;
        let input = blocks.join("\0");
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let mut output = String::new();
        let read = child.stdout.take()?.read_to_string(&mut output);
        // Its output has ended: it is leaving (or is killed after a grace).
        let exit = process::reap(&mut child, Instant::now() + process::KILL_GRACE);
        let _ = writer.join();
        read.ok()?;
        if exit != process::Exit::Code(0) {
            return None;
        }
        let decoded = decode(&output)?;
        (decoded.len() == blocks.len()).then(|| Highlights {
            blocks: blocks.iter().map(|b| key(b)).zip(decoded).collect(),
        })
    }

    /// The coloured pieces of each line of `code`, if it was highlighted
    /// and the tokens fit it exactly.
    pub fn get<'a>(&self, code: &'a str) -> Option<Vec<Vec<Piece<'a>>>> {
        let block = self.blocks.get(&key(code))?;
        let mut out = Vec::with_capacity(block.line_ends.len());
        let mut lines = code_lines(code);
        let mut first = 0;
        for &end in &block.line_ends {
            let mut rest = lines.next()?;
            let mut pieces = Vec::new();
            for t in block.tokens.get(first..end as usize)? {
                if !rest.is_char_boundary(t.len as usize) {
                    return None;
                }
                let (text, after) = rest.split_at(t.len as usize);
                rest = after;
                pieces.push(Piece {
                    text,
                    rgb: t.rgb,
                    bold: t.flags & 1 != 0,
                    italic: t.flags & 2 != 0,
                });
            }
            if !rest.is_empty() {
                return None;
            }
            first = end as usize;
            out.push(pieces);
        }
        lines.next().is_none().then_some(out)
    }
}

/// The `forklab highlight` entry point: code blocks separated by NUL on
/// stdin, their tokens on stdout.
pub fn child_main() -> std::process::ExitCode {
    let mut input = String::new();
    if std::io::stdin().read_to_string(&mut input).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    let blocks: Vec<&str> = input.split('\0').collect();
    let highlights = Highlights::build(blocks.iter().map(|b| b.to_string()));
    let empty = Block::default();
    let text = encode(
        blocks
            .iter()
            .map(|b| highlights.blocks.get(&key(b)).unwrap_or(&empty)),
    );
    if std::io::stdout().write_all(text.as_bytes()).is_ok() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

/// Ends a block in the child's answer (a token line starts with hex digits).
const END_OF_BLOCK: &str = "\u{1d}";

/// The child's answer: per code line, its tokens as `RRGGBB`, a flags
/// digit, the byte length and `,`; a line holding only `END_OF_BLOCK`
/// closes each block. No text travels: the parent has the code.
fn encode<'a>(blocks: impl Iterator<Item = &'a Block>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for block in blocks {
        let mut first = 0;
        for &end in &block.line_ends {
            for t in &block.tokens[first..end as usize] {
                let [r, g, b] = t.rgb;
                let _ = write!(out, "{r:02x}{g:02x}{b:02x}{}{},", t.flags, t.len);
            }
            first = end as usize;
            out.push('\n');
        }
        out.push_str(END_OF_BLOCK);
        out.push('\n');
    }
    out
}

fn decode(text: &str) -> Option<Vec<Block>> {
    let mut blocks = Vec::new();
    let mut block = Block::default();
    for line in text.split_terminator('\n') {
        if line == END_OF_BLOCK {
            block.tokens.shrink_to_fit();
            block.line_ends.shrink_to_fit();
            blocks.push(std::mem::take(&mut block));
            continue;
        }
        for token in line.split_terminator(',') {
            let hex = |i: usize| u8::from_str_radix(token.get(i..i + 2)?, 16).ok();
            block.tokens.push(Token {
                rgb: [hex(0)?, hex(2)?, hex(4)?],
                flags: token.get(6..7)?.parse().ok()?,
                len: token.get(7..)?.parse().ok()?,
            });
        }
        block
            .line_ends
            .push(u32::try_from(block.tokens.len()).ok()?);
    }
    Some(blocks)
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
        let joined: Vec<String> = lines
            .iter()
            .map(|l| l.iter().map(|p| p.text).collect())
            .collect();
        assert_eq!(joined, ["def square(x):", "    return x * x"]);
        assert!(highlights.get("other").is_none());
    }

    #[test]
    fn tokens_survive_the_trip_from_the_child() {
        let codes = [
            "x = 'a:b'  # 12:3 ünïcode\r\n\nprint(x)".to_string(),
            "pass".to_string(),
        ];
        let highlights = Highlights::build(codes.iter().cloned());
        let text = encode(codes.iter().map(|c| &highlights.blocks[&key(c)]));
        let back = decode(&text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0], highlights.blocks[&key(&codes[0])]);
        assert_eq!(back[0].line_ends.len(), 3, "the blank line is kept");
        assert!(decode("zz").is_none());
    }

    #[test]
    fn tokens_that_do_not_fit_the_code_are_not_used() {
        let code = "print('ünï')".to_string();
        let mut highlights = Highlights::build([code.clone()]);
        assert!(highlights.get(&code).is_some());
        // A cut inside a character, a token too long, a line too many.
        let block = highlights.blocks.get_mut(&key(&code)).unwrap();
        block.tokens[0].len += 1;
        assert!(highlights.get(&code).is_none());
        let block = highlights.blocks.get_mut(&key(&code)).unwrap();
        block.tokens[0].len += 100;
        assert!(highlights.get(&code).is_none());
        let block = highlights.blocks.get_mut(&key(&code)).unwrap();
        block.tokens[0].len -= 101;
        block.line_ends.push(block.tokens.len() as u32);
        assert!(highlights.get(&code).is_none());
    }
}
