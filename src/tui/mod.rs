//! The terminal UI: one `State`, `Action`s, `update`, `view`, and an event
//! loop that blocks on a single channel.

mod action;
mod event;
mod keymap;
mod layout;
mod state;
mod theme;
mod update;
mod view;

#[cfg(test)]
mod tests;

use std::io::stdout;
use std::sync::mpsc;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::layout::Rect;

pub use action::Action;
pub use state::State;
pub use update::update;
pub use view::view;

use crate::lesson::LessonSet;
use crate::lesson::render::python_blocks;
use crate::progress::Store;
use event::Event;

/// Runs the reader until the learner quits. The terminal is restored on
/// every way out: quit, error, signal or panic.
pub fn run(lessons: LessonSet, reset_progress: bool) -> color_eyre::Result<()> {
    color_eyre::install()?;
    let store = Store::locate();
    let mut notice = None;
    if let Some(store) = &store
        && reset_progress
        && let Err(e) = store.reset()
    {
        notice = Some(format!("Could not reset progress: {e}"));
    }
    let loaded = store.as_ref().map(Store::load);
    let progress = loaded
        .as_ref()
        .map(|l| l.progress().clone())
        .unwrap_or_default();
    notice = notice.or_else(|| loaded.as_ref().and_then(|l| l.notice()));
    if store.is_none() {
        notice =
            Some("No data directory found: progress will not be saved (set FORKLAB_HOME)".into());
    }

    let mut terminal = ratatui::init();
    let _ = execute!(stdout(), EnableMouseCapture);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        hook(info);
    }));
    let result = (|| -> color_eyre::Result<()> {
        let size = terminal.size()?;
        let mut state = State::new(lessons, progress, Rect::new(0, 0, size.width, size.height));
        if notice.is_some() {
            state.notice = notice;
        }
        let (tx, rx) = mpsc::channel();
        event::spawn_input(tx.clone());
        event::spawn_signals(tx.clone())?;
        let blocks = state
            .lessons
            .lessons
            .iter()
            .flat_map(|l| python_blocks(&l.body))
            .collect();
        event::spawn_highlighter(tx, blocks);
        terminal.draw(|frame| view(&state, frame))?;
        save(&store, &mut state);
        while let Ok(first) = rx.recv() {
            // Apply everything already queued, then draw once.
            let mut next = Some(first);
            while let Some(event) = next {
                handle(&mut state, event);
                next = rx.try_recv().ok();
            }
            save(&store, &mut state);
            if state.quit {
                break;
            }
            terminal.draw(|frame| view(&state, frame))?;
        }
        Ok(())
    })();
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn handle(state: &mut State, event: Event) {
    let action = match event {
        Event::Terminal(event) => keymap::action_for(state, &event),
        Event::InputClosed | Event::Signal => Some(Action::Quit),
        Event::Highlighted(highlights) => {
            // Copy the tokens out of the highlighter thread's heap, so that
            // heap can be handed back to the system whole.
            let copy = std::sync::Arc::new(highlights.clone());
            drop(highlights);
            crate::lesson::highlight::release_freed_memory();
            Some(Action::Highlighted(copy))
        }
    };
    if let Some(action) = action {
        update(state, action);
    }
}

/// Writes progress when it changed; a failure is reported, never fatal.
fn save(store: &Option<Store>, state: &mut State) {
    if !state.progress_dirty {
        return;
    }
    state.progress_dirty = false;
    if let Some(store) = store
        && let Err(e) = store.save(&state.progress)
    {
        state.notice = Some(format!(
            "Could not save progress to {}: {e}",
            store.path().display()
        ));
    }
}
