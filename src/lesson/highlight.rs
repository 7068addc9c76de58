//! Python syntax highlighting, computed once for every code block of the
//! course by a short-lived child process (`forklab highlight`): the
//! grammar (about 8 MiB once compiled) never enters the reader, which keeps
//! only the coloured tokens.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::os::process;

/// A highlighted run of code: colour, weight and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub rgb: [u8; 3],
    pub bold: bool,
    pub italic: bool,
    pub text: String,
}

/// Highlighted lines for each Python code block, keyed by its source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlights {
    blocks: HashMap<String, Vec<Vec<Token>>>,
}

impl Highlights {
    /// Highlights every block, then frees the highlighter's memory.
    pub fn build<I: IntoIterator<Item = String>>(blocks: I) -> Highlights {
        let mut out = Highlights::default();
        {
            let syntaxes = SyntaxSet::load_defaults_newlines();
            let mut themes = ThemeSet::load_defaults();
            let (Some(theme), Some(python)) = (
                themes.themes.remove("base16-ocean.dark"),
                syntaxes.find_syntax_by_extension("py"),
            ) else {
                return out;
            };
            for code in blocks {
                if out.blocks.contains_key(&code) {
                    continue;
                }
                let mut lines = HighlightLines::new(python, &theme);
                let mut tokens = Vec::new();
                for line in LinesWithEndings::from(&code) {
                    let Ok(ranges) = lines.highlight_line(line, &syntaxes) else {
                        break;
                    };
                    tokens.push(
                        ranges
                            .into_iter()
                            .map(|(style, text)| Token {
                                rgb: [style.foreground.r, style.foreground.g, style.foreground.b],
                                bold: style.font_style.contains(FontStyle::BOLD),
                                italic: style.font_style.contains(FontStyle::ITALIC),
                                text: text.trim_end_matches(['\n', '\r']).to_string(),
                            })
                            .filter(|t| !t.text.is_empty())
                            .collect(),
                    );
                }
                out.blocks.insert(code, tokens);
            }
        }
        out
    }

    /// Highlights in a child process (`exe highlight`), falling back to
    /// this process if the child cannot run.
    pub fn build_in_child(exe: &Path, blocks: Vec<String>) -> Highlights {
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
            blocks: blocks.iter().cloned().zip(decoded).collect(),
        })
    }

    /// The tokens of a block, if it was highlighted.
    pub fn get(&self, code: &str) -> Option<&Vec<Vec<Token>>> {
        self.blocks.get(code)
    }
}

/// The `forklab highlight` entry point: code blocks separated by NUL on
/// stdin, their tokens as TOML on stdout.
pub fn child_main() -> std::process::ExitCode {
    let mut input = String::new();
    if std::io::stdin().read_to_string(&mut input).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    let blocks: Vec<String> = input.split('\0').map(str::to_string).collect();
    let highlights = Highlights::build(blocks.iter().cloned());
    let text = encode(
        blocks
            .iter()
            .map(|b| highlights.get(b).map_or(&[][..], Vec::as_slice)),
    );
    if std::io::stdout().write_all(text.as_bytes()).is_ok() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

/// Ends a block in the child's answer (a token line starts with hex digits).
const END_OF_BLOCK: &str = "\u{1d}";

/// The child's answer: per code line, its tokens as
/// `RRGGBB` + flags digit + character count + `:` + text; a line holding
/// only `END_OF_BLOCK` closes each block. Compact, and no parser needed.
fn encode<'a>(blocks: impl Iterator<Item = &'a [Vec<Token>]>) -> String {
    let mut out = String::new();
    for lines in blocks {
        for tokens in lines {
            for t in tokens {
                let flags = u8::from(t.bold) | (u8::from(t.italic) << 1);
                out.push_str(&format!(
                    "{:02x}{:02x}{:02x}{flags}{}:{}",
                    t.rgb[0],
                    t.rgb[1],
                    t.rgb[2],
                    t.text.chars().count(),
                    t.text
                ));
            }
            out.push('\n');
        }
        out.push_str(END_OF_BLOCK);
        out.push('\n');
    }
    out
}

fn decode(text: &str) -> Option<Vec<Vec<Vec<Token>>>> {
    let mut blocks = Vec::new();
    let mut lines = Vec::new();
    for line in text.split_terminator('\n') {
        if line == END_OF_BLOCK {
            blocks.push(std::mem::take(&mut lines));
            continue;
        }
        let mut tokens = Vec::new();
        let mut rest = line;
        while !rest.is_empty() {
            let hex = |i: usize| u8::from_str_radix(rest.get(i..i + 2)?, 16).ok();
            let rgb = [hex(0)?, hex(2)?, hex(4)?];
            let flags = rest.get(6..7)?.parse::<u8>().ok()?;
            let colon = rest.find(':')?;
            let count: usize = rest.get(7..colon)?.parse().ok()?;
            let body = &rest[colon + 1..];
            let end = body
                .char_indices()
                .nth(count)
                .map_or(body.len(), |(i, _)| i);
            tokens.push(Token {
                rgb,
                bold: flags & 1 != 0,
                italic: flags & 2 != 0,
                text: body[..end].to_string(),
            });
            rest = &body[end..];
        }
        lines.push(tokens);
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
        assert!(highlights.get("other").is_none());
    }

    #[test]
    fn tokens_survive_the_trip_from_the_child() {
        let codes = [
            "x = 'a:b'  # 12:3 ünïcode\n\nprint(x)".to_string(),
            "pass".to_string(),
        ];
        let highlights = Highlights::build(codes.iter().cloned());
        let text = encode(codes.iter().map(|c| highlights.get(c).unwrap().as_slice()));
        let back = decode(&text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(Some(&back[0]), highlights.get(&codes[0]));
        assert_eq!(back[0].len(), 3, "the blank line is kept");
        assert!(decode("zz").is_none());
    }
}
