//! Moving through the lessons: lesson to lesson, scrolling, answers,
//! clicks, a new terminal size, code colours.

use ratatui::layout::Rect;

use super::super::action::reader::Msg;
use super::super::action::{Action, overlay};
use super::super::keymap;
use super::super::state::{Focus, Overlay, State};
use super::{Next, python, search};

pub(super) fn update(state: &mut State, msg: Msg) -> Next {
    match msg {
        Msg::NextLesson => {
            if state.current + 1 < state.lessons.len() {
                go_to(state, state.current + 1, 0);
            } else {
                state.notice = Some(format!(
                    "This is the last lesson: press {} for the contents",
                    keymap::key_for(|a| matches!(a, Action::Overlay(overlay::Msg::OpenContents)))
                ));
            }
        }
        Msg::PreviousLesson => {
            if state.current > 0 {
                go_to(state, state.current - 1, 0);
            } else {
                state.notice = Some("This is the first lesson".into());
            }
        }
        Msg::Scroll(lines) if state.focus == Focus::Output => python::scroll_output(state, lines),
        Msg::Page(pages) if state.focus == Focus::Output => {
            let page = state.areas().output.height.saturating_sub(3).max(1) as isize;
            python::scroll_output(state, pages * page);
        }
        Msg::Top if state.focus == Focus::Output => python::scroll_output(state, isize::MIN / 2),
        Msg::Bottom if state.focus == Focus::Output => {
            if let Some(run) = &mut state.python.run {
                run.scroll = None;
            }
        }
        Msg::Scroll(lines) => scroll_by(state, lines),
        Msg::Page(pages) => {
            let page = state.page_height().saturating_sub(2).max(1) as isize;
            scroll_by(state, pages * page);
        }
        Msg::Top => state.scroll = 0,
        Msg::Bottom => state.scroll = state.max_scroll(),
        Msg::ToggleAnswers => {
            if !state.doc.has_answers {
                state.notice = Some("This lesson has no worked answers".into());
            } else {
                let shown = !state.revealed.remove(&state.current);
                if shown {
                    state.revealed.insert(state.current);
                    state.answers_asked.insert(state.current);
                }
                state.rerender();
                if shown
                    && let Some(line) = state
                        .doc
                        .lines()
                        .position(|l| l.plain().starts_with("▾ Worked answer"))
                    && (line < state.scroll || line >= state.scroll + state.page_height())
                {
                    state.scroll = line.saturating_sub(2);
                }
            }
        }
        Msg::Click { column, row } => click(state, column, row),
        Msg::Resize { width, height } => {
            let top_line = state.scroll;
            let old = state.doc.len().max(1);
            state.screen = Rect::new(0, 0, width, height);
            state.rerender();
            // Keep roughly the same place in the text.
            state.scroll = top_line * state.doc.len() / old;
            if state.search.active() {
                let query = state.search.query.clone();
                let index = state.search.index;
                search::run_search(state, &query);
                state.search.index = index.min(state.search.hits.len().saturating_sub(1));
            }
        }
        Msg::Highlighted(highlights) => {
            state.highlights = Some(highlights);
            state.rerender();
        }
    }
    None
}

fn scroll_by(state: &mut State, lines: isize) {
    state.scroll = (state.scroll as isize + lines).clamp(0, state.max_scroll() as isize) as usize;
}

/// Opens a lesson at a line.
pub(super) fn go_to(state: &mut State, lesson: usize, line: usize) {
    if lesson != state.current {
        state.current = lesson;
        state.pending = Default::default();
        state.scroll = 0;
        state.rerender();
    }
    state.scroll = line.min(state.max_scroll());
}

/// Follows a link: another lesson opens; an outside address is shown.
pub(super) fn follow(state: &mut State, target: &str) {
    match state.lessons.index_of_link(target) {
        Some(index) => go_to(state, index, 0),
        None => state.notice = Some(format!("Outside link: {target} (open it in a browser)")),
    }
}

fn click(state: &mut State, column: u16, row: u16) {
    let text = state.areas().text;
    if state.overlay != Overlay::None || !text.contains((column, row).into()) {
        return;
    }
    let line = state.scroll + (row - text.y) as usize;
    if let Some(target) = state
        .doc
        .link_at(line, (column - text.x) as usize)
        .map(str::to_string)
    {
        follow(state, &target);
    }
}
