//! Python syntax highlighting, computed once in the background for every
//! code block of the course. The highlighter itself (about 8 MiB of
//! compiled grammar) is dropped afterwards; only the coloured tokens stay.

use std::collections::HashMap;

use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// A highlighted run of code: colour, weight and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub rgb: [u8; 3],
    pub bold: bool,
    pub italic: bool,
    pub text: String,
}

/// Highlighted lines for each Python code block, keyed by its source.
#[derive(Debug, Clone, Default)]
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
        release_freed_memory();
        out
    }

    /// The tokens of a block, if it was highlighted.
    pub fn get(&self, code: &str) -> Option<&Vec<Vec<Token>>> {
        self.blocks.get(code)
    }
}

/// Gives the grammar's freed memory back to the system, so the reader's
/// resident size stays small.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
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
}
