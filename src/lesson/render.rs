//! Markdown to styled, wrapped lines. The result is terminal-agnostic: the
//! TUI maps each [`Tone`] to colours, `lessons show` prints the plain text.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::highlight::{self, Highlights};

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
    fn of(role: Role) -> Tone {
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
    fn new(text: impl Into<String>, tone: Tone) -> Span {
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

    fn is_blank(&self) -> bool {
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

/// Renders Markdown into lines at most `opts.width` columns wide.
pub fn render(markdown: &str, opts: RenderOptions<'_>) -> Doc {
    let mut r = Renderer::new(opts);
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for event in Parser::new_ext(markdown, options) {
        r.event(event);
    }
    r.finish()
}

/// The Python code blocks of a lesson, as the renderer will look them up
/// in [`Highlights`].
pub fn python_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                if highlight::is_python(lang.split_whitespace().next().unwrap_or("")) =>
            {
                current = Some(String::new())
            }
            Event::Text(text) => {
                if let Some(code) = &mut current {
                    code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(code) = current.take() {
                    blocks.push(code.trim_end_matches('\n').to_string());
                }
            }
            _ => {}
        }
    }
    blocks
}

/// A block that prefixes the lines inside it.
#[derive(Debug)]
struct Context {
    first: Vec<Span>,
    rest: Vec<Span>,
    used: bool,
}

#[derive(Default)]
struct Table {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span>>>,
    header_rows: usize,
}

struct Renderer<'a> {
    opts: RenderOptions<'a>,
    doc: Doc,
    contexts: Vec<Context>,
    /// Inline spans waiting to be wrapped into lines.
    pending: Vec<Span>,
    strong: usize,
    emphasis: usize,
    link: Option<usize>,
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
    fn new(opts: RenderOptions<'a>) -> Renderer<'a> {
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
            heading: None,
            code: None,
            lists: Vec::new(),
            table: None,
            in_cell: false,
            hiding: false,
            answer_open: false,
        }
    }

    fn finish(mut self) -> Doc {
        self.flush();
        while self.doc.lines.last().is_some_and(Line::is_blank) {
            self.doc.lines.pop();
        }
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

    fn event(&mut self, event: Event) {
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
                self.contexts.push(Context {
                    first: bar.clone(),
                    rest: bar,
                    used: false,
                });
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
                self.contexts.push(Context {
                    first: vec![Span::new(marker, Tone::of(Role::Marker))],
                    rest: vec![Span::new(indent, Tone::default())],
                    used: false,
                });
            }
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Strikethrough => {}
            Tag::Link { dest_url, .. } => {
                let index = match self.doc.links.iter().position(|l| *l == *dest_url) {
                    Some(i) => i,
                    None => {
                        self.doc.links.push(dest_url.to_string());
                        self.doc.links.len() - 1
                    }
                };
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
                        .lines
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

    /// Width of the current line prefix (quote bars, list indents).
    fn prefix_width(&self) -> usize {
        self.contexts
            .iter()
            .flat_map(|c| if c.used { &c.rest } else { &c.first })
            .map(Span::width)
            .sum()
    }

    fn available(&self) -> usize {
        self.opts.width.saturating_sub(self.prefix_width()).max(4)
    }

    /// Adds one line, prefixed by the enclosing blocks.
    fn emit(&mut self, content: Vec<Span>) {
        let mut spans: Vec<Span> = Vec::new();
        for context in &mut self.contexts {
            spans.extend(if context.used {
                context.rest.clone()
            } else {
                context.first.clone()
            });
            context.used = true;
        }
        for span in content {
            push_span(&mut spans, span);
        }
        for span in &mut spans {
            span.text.shrink_to_fit();
        }
        spans.shrink_to_fit();
        self.doc.lines.push(Line { spans });
    }

    /// A blank line between blocks (never two, never at the top).
    fn block_gap(&mut self) {
        self.flush();
        if self.doc.lines.last().is_some_and(|l| !l.is_blank()) {
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
            self.doc.lines.push(Line { spans: blank });
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

    fn code_block(&mut self, lang: &str, code: &str) {
        let code = code.trim_end_matches('\n');
        let tone = Tone::of(Role::CodeBlock);
        let highlighted = self
            .opts
            .highlight
            .filter(|_| highlight::is_python(lang))
            .and_then(|h| h.get(code));
        let lines: Vec<Vec<Span>> = match highlighted {
            Some(lines) => lines
                .iter()
                .map(|tokens| {
                    tokens
                        .iter()
                        .map(|t| {
                            Span::new(
                                visible(&t.text),
                                Tone {
                                    rgb: Some(t.rgb),
                                    strong: t.bold,
                                    emphasis: t.italic,
                                    ..tone
                                },
                            )
                        })
                        .collect()
                })
                .collect(),
            None => code
                .lines()
                .map(|l| vec![Span::new(visible(l), tone)])
                .collect(),
        };
        let inner = self.available().saturating_sub(2).max(4);
        let longest = lines
            .iter()
            .map(|l| l.iter().map(Span::width).sum::<usize>())
            .max()
            .unwrap_or(0);
        let block = longest.min(inner);
        for line in lines {
            for piece in hard_wrap(line, inner) {
                let w: usize = piece.iter().map(Span::width).sum();
                let mut spans = vec![Span::new(" ", tone)];
                spans.extend(piece);
                spans.push(Span::new(" ".repeat(block.saturating_sub(w) + 1), tone));
                self.emit(spans);
            }
        }
    }

    fn table(&mut self, table: Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let cell_width = |cell: &Vec<Span>| cell.iter().map(Span::width).sum::<usize>();
        let natural: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(cell_width)
                    .max()
                    .unwrap_or(0)
                    .max(1)
            })
            .collect();
        let available = self
            .available()
            .saturating_sub(3 * (columns - 1))
            .max(columns * 3);
        let widths = fit_columns(&natural, available);
        let sep = Tone::of(Role::Marker);
        for (i, row) in table.rows.iter().enumerate() {
            let header = i < table.header_rows;
            let cells: Vec<Vec<Vec<Span>>> = (0..columns)
                .map(|c| {
                    let mut cell = row.get(c).cloned().unwrap_or_default();
                    if header {
                        for s in &mut cell {
                            s.tone.role = Role::TableHeader;
                        }
                    }
                    if cell.is_empty() {
                        vec![Vec::new()]
                    } else {
                        wrap(&cell, widths[c], widths[c])
                    }
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for l in 0..height {
                let mut spans = Vec::new();
                for (c, cell) in cells.iter().enumerate() {
                    if c > 0 {
                        spans.push(Span::new(" │ ", sep));
                    }
                    let content = cell.get(l).cloned().unwrap_or_default();
                    let w: usize = content.iter().map(Span::width).sum();
                    let pad = widths[c].saturating_sub(w);
                    let (left, right) = match table.aligns.get(c) {
                        Some(Alignment::Right) => (pad, 0),
                        Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                        _ => (0, pad),
                    };
                    if left > 0 {
                        spans.push(Span::new(" ".repeat(left), Tone::default()));
                    }
                    spans.extend(content);
                    if right > 0 && c + 1 < columns {
                        spans.push(Span::new(" ".repeat(right), Tone::default()));
                    }
                }
                self.emit(spans);
            }
            if header && i + 1 == table.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.emit(vec![Span::new(rule.join("─┼─"), sep)]);
            }
        }
    }
}

/// Shares `available` columns between table columns: narrow columns keep
/// their natural width, wide ones share the rest.
fn fit_columns(natural: &[usize], available: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= available {
        return natural.to_vec();
    }
    let mut widths = vec![0; natural.len()];
    let mut left = available;
    let mut open: Vec<usize> = (0..natural.len()).collect();
    loop {
        let share = left / open.len().max(1);
        let (fits, wide): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&c| natural[c] <= share);
        if fits.is_empty() {
            for (k, &c) in wide.iter().enumerate() {
                widths[c] = (share + usize::from(k < left % wide.len())).max(3);
            }
            return widths;
        }
        for c in fits {
            widths[c] = natural[c];
            left -= natural[c];
        }
        open = wide;
        if open.is_empty() {
            return widths;
        }
    }
}

/// Word-wraps spans: the first line gets `first` columns, the others `rest`.
/// A word longer than a line is split.
pub fn wrap(spans: &[Span], first: usize, rest: usize) -> Vec<Vec<Span>> {
    let mut lines: Vec<Vec<Span>> = Vec::new();
    let mut line: Vec<Span> = Vec::new();
    let mut line_width = 0;
    let mut space: Option<Span> = None;
    let mut word: Vec<Span> = Vec::new();

    let limit = |lines: &Vec<Vec<Span>>| if lines.is_empty() { first } else { rest };

    let commit = |word: &mut Vec<Span>,
                  space: &mut Option<Span>,
                  line: &mut Vec<Span>,
                  line_width: &mut usize,
                  lines: &mut Vec<Vec<Span>>| {
        if word.is_empty() {
            return;
        }
        let word_width: usize = word.iter().map(Span::width).sum();
        let space_width = space.as_ref().map_or(0, Span::width);
        if !line.is_empty() && *line_width + space_width + word_width > limit(lines) {
            lines.push(std::mem::take(line));
            *line_width = 0;
        } else if let Some(s) = space.take()
            && !line.is_empty()
        {
            *line_width += s.width();
            push_span(line, s);
        }
        *space = None;
        for span in word.drain(..) {
            let w = span.width();
            if *line_width + w > limit(lines) {
                // A word wider than the line: split it by characters.
                for ch in span.text.chars() {
                    let cw = ch.width().unwrap_or(0);
                    if *line_width + cw > limit(lines) && !line.is_empty() {
                        lines.push(std::mem::take(line));
                        *line_width = 0;
                    }
                    push_char(line, ch, &span);
                    *line_width += cw;
                }
            } else {
                *line_width += w;
                push_span(line, span);
            }
        }
    };

    for span in spans {
        let mut rest_text = span.text.as_str();
        while !rest_text.is_empty() {
            let ws = rest_text.starts_with(char::is_whitespace);
            let end = rest_text
                .find(|c: char| c.is_whitespace() != ws)
                .unwrap_or(rest_text.len());
            let piece = &rest_text[..end];
            rest_text = &rest_text[end..];
            if ws {
                commit(
                    &mut word,
                    &mut space,
                    &mut line,
                    &mut line_width,
                    &mut lines,
                );
                if space.is_none() {
                    space = Some(Span {
                        text: " ".into(),
                        ..span.clone()
                    });
                }
            } else {
                word.push(Span {
                    text: piece.to_string(),
                    ..span.clone()
                });
            }
        }
    }
    commit(
        &mut word,
        &mut space,
        &mut line,
        &mut line_width,
        &mut lines,
    );
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lesson text is untrusted: control characters (ESC, BEL, bidirectional
/// overrides...) become the visible stand-ins the output pane shows
/// (`␛`), so neither the reader nor `lessons show` can pass one to the
/// terminal. Text without any is copied as it is.
fn visible(text: &str) -> String {
    if text.chars().any(crate::python::sanitize::is_unsafe) {
        crate::python::sanitize::sanitize(text)
    } else {
        text.to_string()
    }
}

/// Appends a span, joined to the last one when they look the same: one
/// span per run of a style, not one per word, keeps a long lesson's
/// rendered form within a few times its text (a span per word cost about
/// 60 bytes of memory per byte of a 5 MB lesson).
fn push_span(line: &mut Vec<Span>, span: Span) {
    match line.last_mut() {
        Some(last) if last.tone == span.tone && last.link == span.link => {
            last.text.push_str(&span.text)
        }
        _ => line.push(span),
    }
}

fn push_char(line: &mut Vec<Span>, ch: char, like: &Span) {
    match line.last_mut() {
        Some(last) if last.tone == like.tone && last.link == like.link => last.text.push(ch),
        _ => line.push(Span {
            text: ch.to_string(),
            ..like.clone()
        }),
    }
}

/// Cuts a code line into pieces of at most `width` columns; continuation
/// pieces start with a `↪` so the reader sees the line goes on.
fn hard_wrap(line: Vec<Span>, width: usize) -> Vec<Vec<Span>> {
    let mut out = vec![Vec::new()];
    let mut used = 0;
    for span in line {
        for ch in span.text.chars() {
            let cw = ch.width().unwrap_or(0);
            if used + cw > width {
                out.push(vec![Span::new("↪", Tone::of(Role::Marker))]);
                used = 1;
            }
            push_char(out.last_mut().expect("never empty"), ch, &span);
            used += cw;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(md: &str, width: usize) -> String {
        render(
            md,
            RenderOptions {
                width,
                reveal_answers: false,
                highlight: None,
            },
        )
        .plain()
    }

    #[test]
    fn paragraphs_wrap_at_word_boundaries() {
        let text = plain("one two three four five six seven eight nine ten", 20);
        for line in text.lines() {
            assert!(line.width() <= 20, "{line:?}");
        }
        assert_eq!(text.lines().next(), Some("one two three four"));
        assert!(!text.contains("thr\n"));
    }

    #[test]
    fn emphasis_and_inline_code_keep_words_together() {
        let doc = render(
            "a **bold**, `code` and *it*",
            RenderOptions {
                width: 80,
                reveal_answers: false,
                highlight: None,
            },
        );
        let line = &doc.lines[0];
        assert_eq!(line.plain(), "a bold, code and it");
        assert!(line.spans.iter().any(|s| s.text == "bold" && s.tone.strong));
        assert!(
            line.spans
                .iter()
                .any(|s| s.text == "code" && s.tone.role == Role::InlineCode)
        );
    }

    #[test]
    fn headings_lists_quotes_and_rules() {
        let text = plain(
            "# Title\n\nSome text.\n\n- one\n- two\n  continued\n\n1. first\n2. second\n\n> quoted words\n\n---\n",
            30,
        );
        assert!(text.starts_with("Title\n═════\n\nSome text.\n\n• one\n• two continued\n\n1. first\n2. second\n\n│ quoted words\n\n───"), "{text}");
    }

    #[test]
    fn list_continuation_lines_are_indented() {
        let text = plain("- alpha beta gamma delta epsilon", 16);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], "• alpha beta");
        assert!(lines[1].starts_with("  gamma"), "{text}");
    }

    #[test]
    fn code_blocks_keep_lines_and_mark_overflow() {
        let md = "```python\nx = 1\nprint('a very long line that does not fit')\n```\n";
        let text = plain(md, 24);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], " x = 1");
        assert!(lines.iter().any(|l| l.starts_with(" ↪")), "{text}");
        assert!(lines.iter().all(|l| l.width() <= 24), "{text}");
    }

    #[test]
    fn python_blocks_are_coloured_when_asked() {
        let highlights = Highlights::build(python_blocks("```python\ndef f():\n    pass\n```\n"));
        let doc = render(
            "```python\ndef f():\n    pass\n```\n",
            RenderOptions {
                width: 40,
                reveal_answers: false,
                highlight: Some(&highlights),
            },
        );
        assert!(doc.lines[0].spans.iter().any(|s| s.tone.rgb.is_some()));
        let shell = render(
            "```sh\nls -l\n```\n",
            RenderOptions {
                width: 40,
                reveal_answers: false,
                highlight: Some(&highlights),
            },
        );
        assert!(shell.lines[0].spans.iter().all(|s| s.tone.rgb.is_none()));
    }

    #[test]
    fn tables_align_columns_and_wrap_to_fit() {
        let md = "| workers | time |\n|---:|---|\n| 1 | 2.0 s |\n| 16 | 0.5 s |\n";
        let text = plain(md, 40);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], "workers │ time");
        assert_eq!(lines[1], "────────┼──────");
        assert_eq!(lines[2], "      1 │ 2.0 s");
        let wide = "| a | b |\n|---|---|\n| lots of words in this cell here | more words in that other cell |\n";
        for line in plain(wide, 24).lines() {
            assert!(line.width() <= 24, "{line:?}");
        }
    }

    #[test]
    fn links_are_recorded_and_found_by_column() {
        let doc = render(
            "See [the pool](2-2-pool.md) now.",
            RenderOptions {
                width: 80,
                reveal_answers: false,
                highlight: None,
            },
        );
        assert_eq!(doc.links, vec!["2-2-pool.md"]);
        assert_eq!(doc.link_at(0, 5), Some("2-2-pool.md"));
        assert_eq!(doc.link_at(0, 0), None);
    }

    #[test]
    fn answers_are_hidden_until_revealed() {
        let md = "Try it.\n\n<details>\n\nThe answer is **42**.\n\n</details>\n\nAfter.\n";
        let hidden = plain(md, 80);
        assert!(!hidden.contains("42"), "{hidden}");
        assert!(hidden.contains("press a to reveal"));
        assert!(hidden.contains("After."));
        let shown = render(
            md,
            RenderOptions {
                width: 60,
                reveal_answers: true,
                highlight: None,
            },
        );
        assert!(shown.has_answers);
        assert!(
            shown.plain().contains("┃ The answer is 42."),
            "{}",
            shown.plain()
        );
        assert!(shown.plain().contains("\nAfter."));
    }

    #[test]
    fn control_characters_are_shown_not_passed_on() {
        let text = plain(
            "Clear \u{1b}[2J and ring \u{7}.\n\n```\nx = 1 \u{1b}]0;t\u{7}\n```\n",
            40,
        );
        assert!(text.contains("Clear ␛[2J and ring ␇."), "{text}");
        assert!(text.contains("x = 1 ␛]0;t␇"), "{text}");
        assert!(
            !text.chars().any(crate::python::sanitize::is_unsafe),
            "{text}"
        );
    }

    #[test]
    fn every_line_fits_the_width() {
        let md = "# A heading that is rather long for a narrow screen\n\n- a list item with a verylongunbreakablewordthatmustbesplit inside\n\n> a quote that wraps over several lines of text\n";
        for width in [12, 20, 33] {
            for line in plain(md, width).lines() {
                assert!(line.width() <= width, "{width}: {line:?}");
            }
        }
    }
}
