//! `view`: draws the state. Reads it, never changes it. One file per pane
//! or popup.

mod chart;
mod class;
mod cluster;
mod contents;
mod cores;
mod examples;
mod help;
mod keys;
mod lab;
mod lab_compare;
mod lab_picker;
mod lab_results;
mod lesson;
mod links;
mod output;
mod popup;
mod practice;
mod processes;
mod projector;
mod status;
mod timeline;

use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::widgets::{Paragraph, Wrap};

use super::layout;
use super::state::{Mode, Overlay, State};

/// Draws one frame.
pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if layout::too_small(area) {
        let text = format!(
            "forklab needs at least {}×{}.\nThis terminal is {}×{}.\n\nMake it bigger, or press {} to quit.",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            area.width,
            area.height,
            super::keymap::key_for(|a| matches!(
                a,
                super::action::Action::App(crate::tui::action::app::Msg::Quit)
            ))
        );
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let t = &state.theme;
    if t.base() != ratatui::style::Style::new() {
        frame.buffer_mut().set_style(area, t.base());
    }
    // The frame's own size, not the one the state last heard of: the
    // terminal may have been resized again since (rapid resizes).
    let areas = layout::areas(area, state.shape());
    header_of(state).draw(frame, areas.header);
    if let (Mode::Class, Some(class)) = (state.mode, &state.class) {
        // The room is the show: the class takes the whole body.
        let top = areas.header.bottom();
        let body =
            ratatui::layout::Rect::new(area.x, top, area.width, areas.status.y.saturating_sub(top));
        class::draw(t, class, frame, body);
    } else if let Some(live) = &state.live {
        if state.projector {
            projector::Projector {
                cores: cores_of(state, live),
                lab: &state.lab,
            }
            .draw(frame, areas.cores);
        } else {
            main_column(state, frame, &areas);
            if areas.strip {
                cores_of(state, live).strip(frame, areas.cores);
            } else {
                cores_of(state, live).pane(frame, areas.cores);
            }
            if state.mode == Mode::Lab && state.lab.shows_cluster() {
                cluster::draw(t, &state.lab, frame, areas.processes);
            } else {
                processes::draw(t, &live.family, state.shares, frame, areas.processes);
            }
        }
    } else {
        main_column(state, frame, &areas);
    }
    status_of(state).draw(frame, areas.status);
    match &state.overlay {
        Overlay::None => {}
        Overlay::Examples { selected, editing } => {
            examples::draw(state, *selected, editing.as_deref(), frame, area)
        }
        Overlay::Help => help::draw(
            t,
            state.help_from,
            state.help_scroll,
            state.replay.is_some(),
            frame,
            area,
        ),
        Overlay::Contents { selected } => contents::draw(state, *selected, frame, area),
        Overlay::Links { selected } => links::draw(state, *selected, frame, area),
        Overlay::Exercises { selected } => practice::exercises(state, *selected, frame, area),
        Overlay::Experiments { selected } => lab_picker::draw(state, *selected, frame, area),
        Overlay::Ask(ask) => practice::ask(ask, &state.theme, frame, area),
        Overlay::Predict { text } => practice::predict(state, text, frame, area),
        Overlay::Text {
            title,
            lines,
            scroll,
        } => practice::text(title, lines, *scroll, &state.theme, frame, area),
    }
    if state.presenter.show_keys {
        keys::draw(state, frame, areas.status);
    }
    guard(frame.buffer_mut());
}

/// What the core views draw, from the state.
fn cores_of<'a>(state: &'a State, live: &'a super::state::Live) -> cores::Cores<'a> {
    cores::Cores {
        theme: &state.theme,
        live,
        sampling: state.sampling_label(),
    }
}

/// The last guard: a cell that a path forgot to sanitize (ratatui joins a
/// zero-width joiner or a stack of marks to the character before) is cut
/// back to what is safe, so nothing raw reaches the terminal. Paths still
/// sanitize first: there a trick is shown, here it is only dropped.
fn guard(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        // Most cells hold one printable ASCII byte: safe, and quick to tell.
        if matches!(cell.symbol().as_bytes(), [b' '..=b'~']) {
            continue;
        }
        if let std::borrow::Cow::Owned(safe) = crate::sanitize::cell(cell.symbol()) {
            cell.set_symbol(&safe);
        }
    }
}

/// The lesson (or the lab in its place) and the output pane under it.
fn main_column(state: &State, frame: &mut Frame, areas: &layout::Areas) {
    match state.mode {
        Mode::Lesson => lesson_of(state).draw(frame, areas.lesson, areas.text),
        Mode::Class => {}
        Mode::Lab => {
            let key = state.lab.experiment_key();
            let earlier: Vec<_> = state.progress.guesses_for(&key).take(3).collect();
            lab::draw(
                &state.theme,
                &state.lab,
                &earlier,
                state.replay.is_some(),
                frame,
                areas.lesson,
            )
        }
    }
    match &state.practice.working {
        Some(working) if state.mode == Mode::Lesson && !state.practice.hidden => {
            practice::pane(state, working, frame, areas.output)
        }
        _ => {
            if let Some(run) = &state.python.run {
                output::Output {
                    theme: &state.theme,
                    run,
                    focused: state.focus == super::state::Focus::Output,
                    waiting_for_python: state.python.waiting.is_some(),
                    now: state.now(),
                }
                .draw(frame, areas.output);
            }
        }
    }
}

/// What the header draws, from the state.
fn header_of(state: &State) -> status::Header<'_> {
    let lesson = state.lesson();
    let class_code = match (state.mode, &state.class) {
        (Mode::Class, Some(class)) => Some(class.code.as_str()),
        _ => None,
    };
    // What the panes show: a recording, or this machine (recording?).
    let source = match (&state.replay, &state.recording) {
        (Some(replay), _) => replay.title(),
        (None, Some(_)) => "● REC".to_string(),
        (None, None) => String::new(),
    };
    status::Header {
        theme: &state.theme,
        class_code,
        source,
        title: &lesson.meta.title,
        read: state.progress.is_read(&lesson.meta.id),
        part: (!lesson.is_overview()).then(|| state.lessons.part_title(lesson.meta.part)),
        number: state.current + 1,
        count: state.lessons.len(),
    }
}

/// What the status bar draws, from the state.
fn status_of(state: &State) -> status::StatusBar<'_> {
    use status::{Left, Offers, Position};
    let position = match (&state.replay, &state.class_link, state.mode) {
        (_, _, Mode::Class) => Position::Blank,
        (Some(replay), _, _) => Position::Replay(replay),
        (None, Some(link), _) => {
            Position::Label(format!("{} · {}", link.label(), state.position_label()))
        }
        (None, None, _) => Position::Label(state.position_label()),
    };
    let search = &state.search;
    let left = if let Some(input) = &search.input {
        Left::Typing(input)
    } else if let Some(notice) = &state.notice {
        Left::Notice(notice)
    } else if search.active() {
        Left::Matches {
            query: &search.query,
            at: search.index + 1,
            of: search.hits.len(),
        }
    } else {
        let meta = &state.lesson().meta;
        Left::Hints(Offers {
            mode: state.mode,
            replay: state.replay.is_some(),
            output_focused: state.focus == super::state::Focus::Output,
            running: state.python.run.as_ref().is_some_and(|r| r.running()),
            examples: !meta.examples.is_empty(),
            exercises: !meta.exercises.is_empty(),
            answers: state.doc.has_answers,
        })
    };
    status::StatusBar {
        theme: &state.theme,
        left,
        position,
    }
}

/// What the lesson pane draws, from the state.
fn lesson_of(state: &State) -> lesson::LessonPane<'_> {
    let search = &state.search;
    lesson::LessonPane {
        theme: &state.theme,
        doc: &state.doc,
        scroll: state.scroll,
        max_scroll: state.max_scroll(),
        query: search.active().then(|| search.query.to_ascii_lowercase()),
        current_hit: search
            .hits
            .get(search.index)
            .filter(|h| h.lesson == state.current)
            .map(|h| h.line),
    }
}

/// Writes lines straight into the buffer, one per row, cut at the area's
/// width: what a `Paragraph` without wrapping does, at a fraction of the
/// cost (the frame benchmark's largest share).
pub(super) fn draw_lines(
    frame: &mut Frame,
    area: ratatui::layout::Rect,
    lines: &[ratatui::text::Line],
) {
    let buffer = frame.buffer_mut();
    for (row, line) in (area.y..area.bottom()).zip(lines) {
        buffer.set_line(area.x, row, line, area.width);
    }
}

#[cfg(test)]
mod tests;
