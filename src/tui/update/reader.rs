//! Moving through the lessons: lesson to lesson, scrolling, answers,
//! clicks, a new terminal size, code colours.

use ratatui::layout::Rect;

use super::super::action::{Action, Effect};
use super::super::state::{Focus, Overlay, State};
use super::{python, search};

/// Applies the action if it is this concern's; hands it back otherwise.
pub(super) fn update(
    state: &mut State,
    action: Action,
    _effects: &mut Vec<Effect>,
) -> Option<Action> {
    match action {
        Action::NextLesson => {
            if state.current + 1 < state.lessons.len() {
                go_to(state, state.current + 1, 0);
            } else {
                state.notice = Some(format!(
                    "This is the last lesson: press {} for the contents",
                    super::super::keymap::key_for(|a| matches!(a, Action::OpenContents))
                ));
            }
        }
        Action::PreviousLesson => {
            if state.current > 0 {
                go_to(state, state.current - 1, 0);
            } else {
                state.notice = Some("This is the first lesson".into());
            }
        }
        Action::Scroll(lines) if state.focus == Focus::Output => {
            python::scroll_output(state, lines)
        }
        Action::Page(pages) if state.focus == Focus::Output => {
            let page = state.areas().output.height.saturating_sub(3).max(1) as isize;
            python::scroll_output(state, pages * page);
        }
        Action::Top if state.focus == Focus::Output => python::scroll_output(state, isize::MIN / 2),
        Action::Bottom if state.focus == Focus::Output => {
            if let Some(run) = &mut state.python.run {
                run.scroll = None;
            }
        }
        Action::Scroll(lines) => scroll_by(state, lines),
        Action::Page(pages) => {
            let page = state.page_height().saturating_sub(2).max(1) as isize;
            scroll_by(state, pages * page);
        }
        Action::Top => state.scroll = 0,
        Action::Bottom => state.scroll = state.max_scroll(),
        Action::ToggleAnswers => {
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
        Action::Click { column, row } => click(state, column, row),
        Action::Resize { width, height } => {
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
        Action::Highlighted(highlights) => {
            state.highlights = Some(highlights);
            state.rerender();
        }
        other => return Some(other),
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
