//! `view`: draws the state. Reads it, never changes it. One file per pane
//! or popup.

mod contents;
mod cores;
mod examples;
mod help;
mod lesson;
mod links;
mod output;
mod popup;
mod processes;
mod projector;
mod status;

use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::widgets::{Paragraph, Wrap};

use super::layout;
use super::state::{Overlay, State};

/// Draws one frame.
pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if layout::too_small(area) {
        let text = format!(
            "forklab needs at least {}×{}.\nThis terminal is {}×{}.\n\nMake it bigger, or press q to quit.",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            area.width,
            area.height
        );
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let areas = state.areas();
    status::header(state, frame, areas.header);
    if let Some(live) = &state.live {
        if state.projector {
            projector::draw(state, live, frame, areas.cores);
        } else {
            lesson::draw(state, frame, areas.lesson, areas.text);
            output::draw(state, frame, areas.output);
            if areas.strip {
                cores::strip(state, live, frame, areas.cores);
            } else {
                cores::pane(state, live, frame, areas.cores);
            }
            processes::draw(live, frame, areas.processes);
        }
    } else {
        lesson::draw(state, frame, areas.lesson, areas.text);
        output::draw(state, frame, areas.output);
    }
    status::status_bar(state, frame, areas.status);
    match &state.overlay {
        Overlay::None => {}
        Overlay::Examples { selected, editing } => {
            examples::draw(state, *selected, editing.as_deref(), frame, area)
        }
        Overlay::Help => help::draw(frame, area),
        Overlay::Contents { selected } => contents::draw(state, *selected, frame, area),
        Overlay::Links { selected } => links::draw(state, *selected, frame, area),
    }
}
