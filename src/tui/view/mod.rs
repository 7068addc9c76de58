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
    status::header(state, frame, areas.header);
    if let (Mode::Class, Some(class)) = (state.mode, &state.class) {
        // The room is the show: the class takes the whole body.
        let top = areas.header.bottom();
        let body =
            ratatui::layout::Rect::new(area.x, top, area.width, areas.status.y.saturating_sub(top));
        class::draw(t, class, frame, body);
    } else if let Some(live) = &state.live {
        if state.projector {
            projector::draw(state, live, frame, areas.cores);
        } else {
            main_column(state, frame, &areas);
            if areas.strip {
                cores::strip(state, live, frame, areas.cores);
            } else {
                cores::pane(state, live, frame, areas.cores);
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
    status::status_bar(state, frame, areas.status);
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

/// The last guard: a cell that a path forgot to sanitize (ratatui joins a
/// zero-width joiner or a stack of marks to the character before) is cut
/// back to what is safe, so nothing raw reaches the terminal. Paths still
/// sanitize first: there a trick is shown, here it is only dropped.
fn guard(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if let std::borrow::Cow::Owned(safe) = crate::sanitize::cell(cell.symbol()) {
            cell.set_symbol(&safe);
        }
    }
}

/// The lesson (or the lab in its place) and the output pane under it.
fn main_column(state: &State, frame: &mut Frame, areas: &layout::Areas) {
    match state.mode {
        Mode::Lesson => lesson::draw(state, frame, areas.lesson, areas.text),
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
        _ => output::draw(state, frame, areas.output),
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
