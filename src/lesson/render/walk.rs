//! The Markdown walk: pulldown-cmark events to prefixed, wrapped lines.

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};
use unicode_width::UnicodeWidthStr;

use super::blocks::Table;
use super::doc::{Doc, Line, RenderOptions, Role, Span, Tone};
use super::wrap::{visible, wrap};

/// Quote and list levels drawn; deeper ones share the last prefix.
const MAX_NESTING: usize = 16;

/// A block that prefixes the lines inside it.
#[derive(Debug)]
struct Context {
    first: Vec<Span>,
    rest: Vec<Span>,
    used: bool,
}

pub(super) struct Renderer<'a> {
    pub(super) opts: RenderOptions<'a>,
    doc: Doc,
    contexts: Vec<Context>,
    /// Inline spans waiting to be wrapped into lines.
    pending: Vec<Span>,
    strong: usize,
    emphasis: usize,
    link: Option<usize>,
    /// Where each link destination is in `doc.links` (a lesson may hold
    /// many thousands: no search through the list for each).
    link_index: HashMap<String, usize>,
    heading: Option<u8>,
    code: Option<(String, String)>,
    lists: Vec<Option<u64>>,
    table: Option<Table>,
    in_cell: bool,
    /// Inside a hidden worked answer: events are skipped.
    hiding: bool,
    answer_open: bool,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(opts: RenderOptions<'a>) -> Renderer<'a> {
        Renderer {
            opts: RenderOptions {
                width: opts.width.max(10),
                ..opts
            },
            doc: Doc::default(),
            contexts: Vec::new(),
            pending: Vec::new(),
            strong: 0,
            emphasis: 0,
            link: None,
            link_index: HashMap::new(),
            heading: None,
            code: None,
            lists: Vec::new(),
            table: None,
            in_cell: false,
            hiding: false,
            answer_open: false,
        }
    }

    pub(super) fn finish(mut self) -> Doc {
        self.flush();
        while self.doc.last().is_some_and(|l| l.is_blank()) {
            self.doc.pop();
        }
        self.doc.shrink();
        self.doc
    }

    fn tone(&self) -> Tone {
        let role = match (self.heading, self.link) {
            (Some(level), _) => Role::Heading(level),
            (None, Some(_)) => Role::Link,
            _ => Role::Text,
        };
        Tone {
            role,
            strong: self.strong > 0,
            emphasis: self.emphasis > 0,
            rgb: None,
        }
    }

    fn push_text(&mut self, text: &str, tone: Tone) {
        let span = Span {
            text: visible(text),
            tone,
            link: self.link,
        };
        if self.in_cell {
            if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut())
                && let Some(cell) = row.last_mut()
            {
                cell.push(span);
            }
        } else {
            self.pending.push(span);
        }
    }

    pub(super) fn event(&mut self, event: Event) {
        if self.hiding {
            if let Event::Html(html) | Event::InlineHtml(html) = &event
                && html.contains("</details")
            {
                self.hiding = false;
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&text);
                } else {
                    self.push_text(&text, self.tone());
                }
            }
            Event::Code(code) => {
                let tone = Tone {
                    role: Role::InlineCode,
                    ..self.tone()
                };
                self.push_text(&code, tone);
            }
            Event::SoftBreak => self.push_text(" ", self.tone()),
            Event::HardBreak => {
                self.flush();
            }
            Event::Rule => {
                self.block_gap();
                let line = vec![Span::new(
                    "─".repeat(self.available()),
                    Tone::of(Role::Rule),
                )];
                self.emit(line);
            }
            Event::Html(html) | Event::InlineHtml(html) => self.html(&html),
            Event::TaskListMarker(done) => {
                self.push_text(if done { "[x] " } else { "[ ] " }, Tone::of(Role::Marker))
            }
            Event::FootnoteReference(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
        }
    }

    fn html(&mut self, html: &str) {
        let tag = html.trim();
        if tag.starts_with("<details") {
            self.flush();
            self.doc.has_answers = true;
            self.block_gap();
            if self.opts.reveal_answers {
                self.pending.push(Span::new(
                    "▾ Worked answer (press a to hide)",
                    Tone::of(Role::AnswerHint),
                ));
                self.flush();
                self.contexts.push(Context {
                    first: vec![Span::new("┃ ", Tone::of(Role::AnswerBar))],
                    rest: vec![Span::new("┃ ", Tone::of(Role::AnswerBar))],
                    used: false,
                });
                self.answer_open = true;
            } else {
                self.pending.push(Span::new(
                    "▸ Worked answer hidden: try the exercise, then press a to reveal",
                    Tone::of(Role::AnswerHint),
                ));
                self.flush();
                self.hiding = true;
            }
        } else if tag.starts_with("</details") {
            if self.answer_open {
                self.flush();
                self.contexts.pop();
                self.answer_open = false;
            }
        } else if tag.starts_with("<summary") || tag.starts_with("<!--") {
            // Summaries are replaced by our own hint; comments are invisible.
        } else {
            self.push_text(html.trim_end_matches('\n'), self.tone());
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.block_gap(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.block_gap();
                self.heading = Some(match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                });
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.block_gap();
                let bar = vec![Span::new("│ ", Tone::of(Role::Marker))];
                self.push_context(bar.clone(), bar);
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.block_gap();
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => {
                        lang.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.block_gap();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => ["• ", "◦ ", "▪ "][(self.lists.len().max(1) - 1) % 3].to_string(),
                };
                let indent = " ".repeat(marker.width());
                self.push_context(
                    vec![Span::new(marker, Tone::of(Role::Marker))],
                    vec![Span::new(indent, Tone::default())],
                );
            }
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Strikethrough => {}
            Tag::Link { dest_url, .. } => {
                let next = self.doc.links.len();
                let index = *self.link_index.entry(dest_url.to_string()).or_insert(next);
                if index == next {
                    self.doc.links.push(dest_url.to_string());
                }
                self.link = Some(index);
            }
            Tag::Image { dest_url, .. } => {
                self.push_text(&format!("[image {dest_url}: "), Tone::of(Role::Marker));
            }
            Tag::Table(aligns) => {
                self.flush();
                self.block_gap();
                self.table = Some(Table {
                    aligns,
                    ..Table::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(Vec::new());
                }
                self.in_cell = true;
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(level) => {
                self.flush();
                self.heading = None;
                if level == HeadingLevel::H1 {
                    let width = self
                        .doc
                        .last()
                        .map_or(0, |l| l.width() - self.prefix_width());
                    let rule = "═".repeat(width.min(self.available()));
                    self.emit(vec![Span::new(rule, Tone::of(Role::Heading(1)))]);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.contexts.pop();
            }
            TagEnd::CodeBlock => {
                if let Some((lang, code)) = self.code.take() {
                    self.code_block(&lang, &code);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.contexts.pop();
            }
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Link => self.link = None,
            TagEnd::Image => self.push_text("]", Tone::of(Role::Marker)),
            TagEnd::TableCell => self.in_cell = false,
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.table(table);
                }
            }
            _ => {}
        }
    }

    /// Enters a quote or list item. Past [`MAX_NESTING`] levels the
    /// prefix stops growing: a runaway nesting (100,000 `>`) would
    /// otherwise put its whole prefix on every line.
    fn push_context(&mut self, first: Vec<Span>, rest: Vec<Span>) {
        let (first, rest) = if self.contexts.len() < MAX_NESTING {
            (first, rest)
        } else {
            (Vec::new(), Vec::new())
        };
        self.contexts.push(Context {
            first,
            rest,
            used: false,
        });
    }

    /// Width of the current line prefix (quote bars, list indents).
    fn prefix_width(&self) -> usize {
        self.contexts
            .iter()
            .flat_map(|c| if c.used { &c.rest } else { &c.first })
            .map(Span::width)
            .sum()
    }

    pub(super) fn available(&self) -> usize {
        self.opts.width.saturating_sub(self.prefix_width()).max(4)
    }

    /// Adds one line, prefixed by the enclosing blocks.
    pub(super) fn emit(&mut self, content: Vec<Span>) {
        let mut spans: Vec<Span> = Vec::new();
        for context in &mut self.contexts {
            spans.extend(if context.used {
                context.rest.clone()
            } else {
                context.first.clone()
            });
            context.used = true;
        }
        // The Doc joins neighbours in the same style.
        spans.extend(content);
        self.doc.push(Line { spans });
    }

    /// A blank line between blocks (never two, never at the top).
    fn block_gap(&mut self) {
        self.flush();
        if self.doc.last().is_some_and(|l| !l.is_blank()) {
            // Inside an unused list item the gap belongs before the marker.
            let blank: Vec<Span> = self
                .contexts
                .iter()
                .filter(|c| c.used)
                .flat_map(|c| c.rest.clone())
                .map(|s| Span {
                    text: s.text.trim_end().to_string(),
                    ..s
                })
                .collect();
            self.doc.push(Line { spans: blank });
        }
    }

    /// Wraps the pending inline spans into lines.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let spans = std::mem::take(&mut self.pending);
        if spans.iter().all(|s| s.text.trim().is_empty()) {
            return;
        }
        let first_width = self.available();
        // After the first line, the continuation prefix applies.
        let rest_width: usize = self
            .opts
            .width
            .saturating_sub(
                self.contexts
                    .iter()
                    .flat_map(|c| &c.rest)
                    .map(Span::width)
                    .sum(),
            )
            .max(4);
        for line in wrap(&spans, first_width, rest_width) {
            self.emit(line);
        }
    }
}
