//! Search across all lessons: typing the query, moving between matches.

use super::super::action::search::Msg;
use super::super::state::{Hit, Overlay, State};
use super::Next;
use super::reader::go_to;
use crate::lesson::render::{RenderOptions, render};

pub(super) fn update(state: &mut State, msg: Msg) -> Next {
    match msg {
        Msg::Start => {
            state.overlay = Overlay::None;
            state.search.input = Some(String::new());
        }
        Msg::Type(c) => {
            if let Some(input) = &mut state.search.input {
                input.push(c);
            }
        }
        Msg::Backspace => {
            if let Some(input) = &mut state.search.input {
                input.pop();
            }
        }
        Msg::Submit => {
            let query = state.search.input.take().unwrap_or_default();
            run_search(state, query.trim());
        }
        Msg::Next => step_hit(state, 1),
        Msg::Previous => step_hit(state, -1),
        Msg::End => state.search = Default::default(),
    }
    None
}

/// Finds every line of every lesson containing the query (ignoring ASCII
/// case), rendered at the current width so hits map to screen lines.
pub(super) fn run_search(state: &mut State, query: &str) {
    state.search = Default::default();
    if query.is_empty() {
        return;
    }
    let needle = query.to_ascii_lowercase();
    let mut hits = Vec::new();
    for (index, lesson) in state.lessons.lessons.iter().enumerate() {
        let opts = RenderOptions {
            highlight: None,
            ..state.render_options(index)
        };
        let doc = render(&lesson.body, opts);
        for (line, text) in doc.lines().enumerate() {
            if text.plain().to_ascii_lowercase().contains(&needle) {
                hits.push(Hit {
                    lesson: index,
                    line,
                });
            }
        }
    }
    state.search.query = query.to_string();
    if hits.is_empty() {
        state.notice = Some(format!("No lesson mentions \"{query}\""));
        state.search = Default::default();
        return;
    }
    // Start at the first hit at or after the current place.
    let here = (state.current, state.scroll);
    state.search.index = hits
        .iter()
        .position(|h| (h.lesson, h.line) >= here)
        .unwrap_or(0);
    state.search.hits = hits;
    show_hit(state);
}

fn step_hit(state: &mut State, by: isize) {
    let len = state.search.hits.len() as isize;
    if len == 0 {
        return;
    }
    state.search.index = (state.search.index as isize + by).rem_euclid(len) as usize;
    show_hit(state);
}

fn show_hit(state: &mut State) {
    let hit = state.search.hits[state.search.index];
    let line = hit.line.saturating_sub(state.page_height() / 3);
    go_to(state, hit.lesson, line);
}
