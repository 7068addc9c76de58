//! The rendered document: lines of styled spans, and how to render.

use unicode_width::UnicodeWidthStr;

use crate::lesson::highlight::Highlights;

/// What a piece of text is, so the view can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Text,
    Heading(u8),
    InlineCode,
    CodeBlock,
    Link,
    /// Structure drawn by the renderer: bullets, quote bars, table rules.
    Marker,
    Rule,
    TableHeader,
    /// The line standing in for a hidden worked answer.
    AnswerHint,
    /// The bar beside a revealed worked answer.
    AnswerBar,
}

/// The style of a span: its role plus inline emphasis, and an exact colour
/// for highlighted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tone {
    pub role: Role,
    pub strong: bool,
    pub emphasis: bool,
    pub rgb: Option<[u8; 3]>,
}

impl Tone {
    pub(super) fn of(role: Role) -> Tone {
        Tone {
            role,
            ..Tone::default()
        }
    }
}

/// A run of text in one tone, optionally part of a link.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub tone: Tone,
    /// Index into [`Doc::links`].
    pub link: Option<usize>,
}

impl Span {
    pub(super) fn new(text: impl Into<String>, tone: Tone) -> Span {
        Span {
            text: text.into(),
            tone,
            link: None,
        }
    }

    pub fn width(&self) -> usize {
        self.text.width()
    }
}

/// One screen line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub spans: Vec<Span>,
}

impl Line {
    /// The line's text without styles (for search and plain output).
    pub fn plain(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    pub fn width(&self) -> usize {
        self.spans.iter().map(Span::width).sum()
    }

    pub(super) fn is_blank(&self) -> bool {
        self.spans.iter().all(|s| s.text.trim().is_empty())
    }
}

/// A rendered lesson: its lines and the link targets they refer to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub lines: Vec<Line>,
    /// Link destinations, in order of first appearance.
    pub links: Vec<String>,
    /// Whether the lesson has worked answers (hidden or shown).
    pub has_answers: bool,
}

impl Doc {
    /// The link under a column of a line, for mouse clicks.
    pub fn link_at(&self, line: usize, column: usize) -> Option<&str> {
        let mut x = 0;
        for span in &self.lines.get(line)?.spans {
            let w = span.width();
            if column >= x && column < x + w {
                return span.link.map(|i| self.links[i].as_str());
            }
            x += w;
        }
        None
    }

    /// Plain text of the whole document, one line per screen line.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(line.plain().trim_end());
            out.push('\n');
        }
        out
    }
}

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// Columns available for text.
    pub width: usize,
    /// Show worked answers instead of a hint line.
    pub reveal_answers: bool,
    /// Colours for Python code (none for search indexing, plain output and
    /// before the highlighter has run).
    pub highlight: Option<&'a Highlights>,
}
