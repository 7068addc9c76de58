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

    /// Other text in this span's tone and link (never a copy of its own
    /// text: a span can be a whole 5 MB paragraph).
    pub(super) fn with_text(&self, text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            tone: self.tone,
            link: self.link,
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

/// A span as stored: where its text ends in [`Doc`]'s text and its tone,
/// packed. 8 bytes, no allocation; the few spans that are links are
/// listed apart ([`Doc`]'s `linked`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Mark {
    end: u32,
    tone: Packed,
}

/// A [`Tone`] in 4 bytes: the colour, then role (heading levels 1 to 4
/// each a role of their own; deeper ones are drawn as 4, as the renderer
/// makes them), strong, emphasis and whether there is a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed(u32);

const ROLES: [Role; 13] = [
    Role::Text,
    Role::InlineCode,
    Role::CodeBlock,
    Role::Link,
    Role::Marker,
    Role::Rule,
    Role::TableHeader,
    Role::AnswerHint,
    Role::AnswerBar,
    Role::Heading(1),
    Role::Heading(2),
    Role::Heading(3),
    Role::Heading(4),
];

impl Packed {
    fn of(tone: Tone) -> Packed {
        let role = match tone.role {
            Role::Heading(level) => Role::Heading(level.clamp(1, 4)),
            other => other,
        };
        let role = ROLES.iter().position(|r| *r == role).unwrap_or(0) as u32;
        let [r, g, b] = tone.rgb.unwrap_or_default();
        let flags = role
            | u32::from(tone.strong) << 4
            | u32::from(tone.emphasis) << 5
            | u32::from(tone.rgb.is_some()) << 6;
        Packed(u32::from(r) | u32::from(g) << 8 | u32::from(b) << 16 | flags << 24)
    }

    fn tone(self) -> Tone {
        let [r, g, b, flags] = self.0.to_le_bytes();
        Tone {
            role: ROLES[usize::from(flags & 0xf).min(ROLES.len() - 1)],
            strong: flags & 1 << 4 != 0,
            emphasis: flags & 1 << 5 != 0,
            rgb: (flags & 1 << 6 != 0).then_some([r, g, b]),
        }
    }
}

/// A rendered lesson: its lines and the link targets they refer to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    /// Every line's text, one after another.
    text: String,
    /// Every span of every line, in order; a span starts where the one
    /// before it ends.
    marks: Vec<Mark>,
    /// The spans that are links: (mark, index into `links`), in order.
    linked: Vec<(u32, u32)>,
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
        let mut last_link = None;
        for span in line.spans.into_iter().filter(|s| !s.text.is_empty()) {
            self.text.push_str(&span.text);
            let end = self.text.len() as u32;
            let tone = Packed::of(span.tone);
            let joins = self.marks.len() > first && last_link == Some(span.link);
            match self.marks.last_mut() {
                Some(last) if joins && last.tone == tone => last.end = end,
                _ => {
                    if let Some(link) = span.link {
                        let link = u32::try_from(link).unwrap_or(u32::MAX);
                        self.linked.push((self.marks.len() as u32, link));
                    }
                    self.marks.push(Mark { end, tone });
                }
            }
            last_link = Some(span.link);
        }
        self.ends.push(self.marks.len() as u32);
    }

    /// Removes the last line.
    pub(super) fn pop(&mut self) {
        if self.ends.pop().is_some() {
            let keep = self.ends.last().copied().unwrap_or(0) as usize;
            self.marks.truncate(keep);
            self.linked.retain(|(mark, _)| (*mark as usize) < keep);
            self.text.truncate(self.start_of(keep));
        }
    }

    /// Gives back spare capacity once rendering is done.
    pub(super) fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.marks.shrink_to_fit();
        self.linked.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Bytes this document holds on the heap (its links aside).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.marks.capacity() * std::mem::size_of::<Mark>()
            + self.linked.capacity() * std::mem::size_of::<(u32, u32)>()
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
        let link = self
            .linked
            .binary_search_by_key(&(mark as u32), |(at, _)| *at)
            .ok()
            .map(|i| self.linked[i].1 as usize);
        SpanRef {
            text: &self.text[self.start_of(mark)..m.end as usize],
            tone: m.tone.tone(),
            link,
        }
    }

    /// The link under a column of a line, for mouse clicks.
    pub fn link_at(&self, line: usize, column: usize) -> Option<&str> {
        let mut x = 0;
        for span in self.line(line)?.spans() {
            let w = span.width();
            if column >= x && column < x + w {
                return span
                    .link
                    .and_then(|i| self.links.get(i))
                    .map(String::as_str);
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
    fn every_tone_survives_packing() {
        for role in ROLES {
            for (strong, emphasis) in [(false, false), (true, false), (false, true), (true, true)] {
                for rgb in [None, Some([0, 0, 0]), Some([255, 128, 7])] {
                    let tone = Tone {
                        role,
                        strong,
                        emphasis,
                        rgb,
                    };
                    assert_eq!(Packed::of(tone).tone(), tone);
                }
            }
        }
        assert_eq!(
            Packed::of(Tone::of(Role::Heading(6))).tone().role,
            Role::Heading(4)
        );
        assert_eq!(std::mem::size_of::<Mark>(), 8);
    }

    #[test]
    fn links_are_kept_apart_and_found_again() {
        let mut doc = Doc {
            links: vec!["a".into(), "b".into()],
            ..Doc::default()
        };
        let mut plain = Span::new("see ", Tone::default());
        let mut first = plain.with_text("here");
        first.link = Some(1);
        let mut second = first.with_text(" too");
        second.link = Some(0);
        doc.push(Line {
            spans: vec![plain.clone(), first, second],
        });
        plain.link = None;
        doc.push(Line { spans: vec![plain] });
        let spans: Vec<_> = doc
            .line(0)
            .unwrap()
            .spans()
            .map(|s| (s.text, s.link))
            .collect();
        assert_eq!(
            spans,
            [("see ", None), ("here", Some(1)), (" too", Some(0))]
        );
        assert_eq!(doc.link_at(0, 5), Some("b"));
        assert_eq!(doc.link_at(0, 9), Some("a"));
        assert_eq!(doc.link_at(1, 1), None);
        doc.pop();
        doc.pop();
        assert!(doc.linked.is_empty());
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
