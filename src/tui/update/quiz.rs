//! The questions at the end of a lesson.

use super::super::action::quiz::Msg;
use super::super::action::{Action, reader};
use super::super::keymap;
use super::super::quiz::{Verdict, parse_number};
use super::super::state::State;
use super::Next;
use crate::lesson::quiz::Answer;

pub(super) fn update(state: &mut State, msg: Msg) -> Next {
    match msg {
        Msg::Key(c) => quiz_key(state, c),
        Msg::Backspace => {
            state.pending.typed.pop();
            state.rerender();
        }
        Msg::Confirm => quiz_confirm(state),
    }
    None
}

/// The open question, if the learner can see it.
fn visible_question(state: &mut State) -> Option<usize> {
    let Some(line) = state.open_question else {
        state.notice = Some(if state.questions.is_empty() {
            "This lesson has no questions".into()
        } else {
            "Every question here is answered".into()
        });
        return None;
    };
    if line < state.scroll || line >= state.scroll + state.page_height() {
        state.notice = Some(format!(
            "The questions are at the end of the lesson: press {} to go there",
            keymap::key_for(|a| matches!(a, Action::Reader(reader::Msg::Bottom)))
        ));
        return None;
    }
    state.verdicts().iter().position(Option::is_none)
}

fn quiz_key(state: &mut State, c: char) {
    let Some(index) = visible_question(state) else {
        return;
    };
    match &state.questions[index].answer {
        Answer::Choice { choices, .. } => match c.to_digit(10) {
            Some(d) if d >= 1 && (d as usize) <= choices.len() => {
                state.pending.choice = Some(d as usize - 1)
            }
            _ => state.notice = Some(format!("Pick a number from 1 to {}", choices.len())),
        },
        Answer::Number { .. } => state.pending.typed.push(c),
    }
    state.rerender();
}

fn quiz_confirm(state: &mut State) {
    let Some(index) = visible_question(state) else {
        return;
    };
    let question = &state.questions[index];
    let verdict = match &question.answer {
        Answer::Choice { right, .. } => match state.pending.choice {
            Some(choice) => {
                if choice == *right {
                    Verdict::Right
                } else {
                    Verdict::Wrong
                }
            }
            None => {
                state.notice = Some("Pick an answer with its number first".into());
                return;
            }
        },
        Answer::Number { .. } => match parse_number(&state.pending.typed) {
            Some(n) => {
                if question.accepts_number(n) {
                    Verdict::Right
                } else {
                    Verdict::Wrong
                }
            }
            None => {
                state.notice = Some("Type a number first".into());
                return;
            }
        },
    };
    let id = state.lesson().meta.id.clone();
    state.progress.record_answer(&id, index, verdict.word());
    state.progress_dirty = true;
    state.pending = Default::default();
    state.notice = Some(match verdict {
        Verdict::Right => "Right!".into(),
        Verdict::Wrong => "Not quite: the explanation is under the question".into(),
    });
    state.rerender();
}
