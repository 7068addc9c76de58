//! Python syntax highlighting, loaded on first use (or warmed up on a
//! background thread) so that start-up never pays for it.

use std::sync::OnceLock;

use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, Theme, ThemeSet};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// A highlighted run of code: colour, weight and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub rgb: [u8; 3],
    pub bold: bool,
    pub italic: bool,
    pub text: String,
}

struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
}

static HIGHLIGHTER: OnceLock<Option<Highlighter>> = OnceLock::new();

fn highlighter() -> Option<&'static Highlighter> {
    HIGHLIGHTER
        .get_or_init(|| {
            let syntaxes = SyntaxSet::load_defaults_newlines();
            let mut themes = ThemeSet::load_defaults();
            let theme = themes.themes.remove("base16-ocean.dark")?;
            Some(Highlighter { syntaxes, theme })
        })
        .as_ref()
}

/// Loads the syntax definitions now; call from a background thread.
pub fn warm_up() {
    if let Some(h) = highlighter() {
        // Compiling the Python grammar's regexes happens on first use.
        let _ = highlight_with(h, python(h), "def f(x):\n    return x\n");
    }
}

/// Whether highlighting is ready without blocking on loading.
pub fn is_ready() -> bool {
    HIGHLIGHTER.get().is_some()
}

/// Whether a fenced block's language gets Python highlighting.
pub fn is_python(lang: &str) -> bool {
    matches!(lang.trim().to_ascii_lowercase().as_str(), "python" | "py" | "python3" | "pycon")
}

/// Highlights Python code line by line; `None` if the highlighter is unusable.
pub fn highlight_python(code: &str) -> Option<Vec<Vec<Token>>> {
    let h = highlighter()?;
    highlight_with(h, python(h), code)
}

fn python(h: &Highlighter) -> &SyntaxReference {
    h.syntaxes
        .find_syntax_by_extension("py")
        .unwrap_or_else(|| h.syntaxes.find_syntax_plain_text())
}

fn highlight_with(h: &Highlighter, syntax: &SyntaxReference, code: &str) -> Option<Vec<Vec<Token>>> {
    let mut lines = HighlightLines::new(syntax, &h.theme);
    let mut out = Vec::new();
    for line in LinesWithEndings::from(code) {
        let ranges = lines.highlight_line(line, &h.syntaxes).ok()?;
        out.push(
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
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_keywords_get_a_different_colour_than_names() {
        let lines = highlight_python("def square(x):\n    return x * x\n").unwrap();
        assert_eq!(lines.len(), 2);
        let def = &lines[0][0];
        assert_eq!(def.text, "def");
        let name = lines[0].iter().find(|t| t.text.contains("square")).unwrap();
        assert_ne!(def.rgb, name.rgb);
        assert!(is_ready());
    }
}
