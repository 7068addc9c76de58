//! The rendered document: lines of styled spans, and how to render.
//!
//! A [`Doc`] keeps every line's text in one string and each span as an
//! end offset and a style, not a `String` per span: a 5 MB lesson renders
//! to a few hundred thousand spans, and a heap allocation for each held
//! about 15 times the lesson's size in memory.

use std::ops::Range;

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

/// A run of text in one tone, optionally part of a link: what the renderer
/// and the quiz build lines from.
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

/// One screen line being built, before it joins a [`Doc`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub spans: Vec<Span>,
}

impl Line {
    /// The line's text without styles.
    pub fn plain(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    pub fn width(&self) -> usize {
        self.spans.iter().map(Span::width).sum()
    }
}

/// A span as stored: where its text ends in [`Doc`]'s text, its tone and
/// its link (`NO_LINK` for none). 16 bytes, no allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Mark {
    end: u32,
    link: u32,
    tone: Tone,
}

const NO_LINK: u32 = u32::MAX;

/// A rendered lesson: its lines and the link targets they refer to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    /// Every line's text, one after another.
    text: String,
    /// Every span of every line, in order; a span starts where the one
    /// before it ends.
    marks: Vec<Mark>,
    /// For each line, the index one past its last mark.
    ends: Vec<u32>,
    /// Link destinations, in order of first appearance.
    pub links: Vec<String>,
    /// Whether the lesson has worked answers (hidden or shown).
    pub has_answers: bool,
}

/// One line of a [`Doc`], borrowed.
#[derive(Debug, Clone, Copy)]
pub struct LineRef<'a> {
    doc: &'a Doc,
    marks: (u32, u32),
}

/// One span of a [`Doc`] line, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanRef<'a> {
    pub text: &'a str,
    pub tone: Tone,
    /// Index into [`Doc::links`].
    pub link: Option<usize>,
}

impl SpanRef<'_> {
    pub fn width(&self) -> usize {
        self.text.width()
    }
}

impl<'a> LineRef<'a> {
    fn range(&self) -> Range<usize> {
        self.marks.0 as usize..self.marks.1 as usize
    }

    /// The line's text without styles (for search and plain output).
    pub fn plain(&self) -> &'a str {
        let r = self.range();
        if r.is_empty() {
            return "";
        }
        &self.doc.text[self.doc.start_of(r.start)..self.doc.marks[r.end - 1].end as usize]
    }

    /// The line's spans, in order.
    pub fn spans(&self) -> impl Iterator<Item = SpanRef<'a>> + 'a {
        let doc = self.doc;
        self.range().map(move |i| doc.span(i))
    }

    pub fn width(&self) -> usize {
        self.plain().width()
    }

    pub(super) fn is_blank(&self) -> bool {
        self.plain().trim().is_empty()
    }
}

impl Doc {
    /// How many lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// A line, if there is one at `index`.
    pub fn line(&self, index: usize) -> Option<LineRef<'_>> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(LineRef {
            doc: self,
            marks: (start, end),
        })
    }

    /// Every line, in order.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = LineRef<'_>> + ExactSizeIterator {
        (0..self.len()).map(|i| self.line(i).expect("in range"))
    }

    pub(super) fn last(&self) -> Option<LineRef<'_>> {
        self.len().checked_sub(1).and_then(|i| self.line(i))
    }

    /// Adds a line; neighbouring spans in the same style become one and
    /// empty spans are dropped. Text past 4 GiB is not kept (a lesson is
    /// at most 8 MB, so this never happens).
    pub fn push(&mut self, line: Line) {
        let added: usize = line.spans.iter().map(|s| s.text.len()).sum();
        if self.text.len() + added > u32::MAX as usize || self.marks.len() >= u32::MAX as usize {
            return;
        }
        let first = self.marks.len();
        for span in line.spans.into_iter().filter(|s| !s.text.is_empty()) {
            self.text.push_str(&span.text);
            let link = span.link.map_or(NO_LINK, |l| l as u32);
            let end = self.text.len() as u32;
            let joins = self.marks.len() > first;
            match self.marks.last_mut() {
                Some(last) if joins && last.tone == span.tone && last.link == link => {
                    last.end = end
                }
                _ => self.marks.push(Mark {
                    end,
                    link,
                    tone: span.tone,
                }),
            }
        }
        self.ends.push(self.marks.len() as u32);
    }

    /// Removes the last line.
    pub(super) fn pop(&mut self) {
        if self.ends.pop().is_some() {
            let keep = self.ends.last().copied().unwrap_or(0) as usize;
            self.marks.truncate(keep);
            self.text.truncate(self.start_of(keep));
        }
    }

    /// Gives back spare capacity once rendering is done.
    pub(super) fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.marks.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Bytes this document holds on the heap (its links aside).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.marks.capacity() * std::mem::size_of::<Mark>()
            + self.ends.capacity() * std::mem::size_of::<u32>()
    }

    fn start_of(&self, mark: usize) -> usize {
        if mark == 0 {
            0
        } else {
            self.marks[mark - 1].end as usize
        }
    }

    fn span(&self, mark: usize) -> SpanRef<'_> {
        let m = self.marks[mark];
        SpanRef {
            text: &self.text[self.start_of(mark)..m.end as usize],
            tone: m.tone,
            link: (m.link != NO_LINK).then_some(m.link as usize),
        }
    }

    /// The link under a column of a line, for mouse clicks.
    pub fn link_at(&self, line: usize, column: usize) -> Option<&str> {
        let mut x = 0;
        for span in self.line(line)?.spans() {
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
        for line in self.lines() {
            out.push_str(line.plain().trim_end());
            out.push('\n');
        }
        out
    }
}

impl Extend<Line> for Doc {
    fn extend<I: IntoIterator<Item = Line>>(&mut self, lines: I) {
        for line in lines {
            self.push(line);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(parts: &[(&str, Role)]) -> Line {
        Line {
            spans: parts
                .iter()
                .map(|(t, r)| Span::new(*t, Tone::of(*r)))
                .collect(),
        }
    }

    #[test]
    fn lines_keep_their_spans_and_join_neighbours_alike() {
        let mut doc = Doc::default();
        doc.push(line(&[
            ("a ", Role::Text),
            ("b", Role::Text),
            ("c", Role::Link),
        ]));
        doc.push(Line::default());
        doc.push(line(&[("", Role::Marker), ("d", Role::Text)]));
        assert_eq!(doc.len(), 3);
        let first: Vec<_> = doc.line(0).unwrap().spans().map(|s| s.text).collect();
        assert_eq!(first, ["a b", "c"]);
        assert_eq!(doc.line(1).unwrap().plain(), "");
        // A line's first span never joins the last span of the line above.
        assert_eq!(doc.line(2).unwrap().spans().count(), 1);
        assert_eq!(doc.plain(), "a bc\n\nd\n");
        doc.pop();
        doc.pop();
        assert_eq!(doc.plain(), "a bc\n");
        assert!(doc.line(1).is_none());
    }
}
