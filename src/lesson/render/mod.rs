//! Markdown to styled, wrapped lines. The result is terminal-agnostic: the
//! TUI maps each [`Tone`] to colours, `lessons show` prints the plain text.

mod blocks;
mod doc;
mod walk;
mod wrap;

#[cfg(test)]
mod tests;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::highlight;
pub use doc::{Doc, Line, LineRef, RenderOptions, Role, Span, SpanRef, Tone};
use walk::Renderer;
pub use wrap::wrap;

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
/// in [`Highlights`](highlight::Highlights).
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
