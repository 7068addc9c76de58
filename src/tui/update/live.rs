//! The live panes: readings, children ending, the refresh, busy copies.

use super::super::action::{Action, Effect};
use super::super::state::{Live, State};
use super::interval_label;
use crate::monitor::INTERVALS;

/// Applies the action if it is this concern's; hands it back otherwise.
pub(super) fn update(
    state: &mut State,
    action: Action,
    effects: &mut Vec<Effect>,
) -> Option<Action> {
    match action {
        Action::Sampled(sample, at) => {
            let first = state.live.is_none();
            let live = state.live.get_or_insert_with(|| Live {
                sample: Default::default(),
                history: Default::default(),
                family: Default::default(),
            });
            live.history.push(at, &sample.cores, sample.total);
            live.family.update(&sample.processes, at);
            live.sample = *sample;
            let width = state.text_width();
            if first || width != state.doc_width {
                state.rerender();
            }
        }
        Action::ChildEnded { pid, ending } => {
            if let Some(live) = &mut state.live {
                live.family.record_ending(pid, ending);
            }
        }
        Action::ToggleProjector => {
            if state.live.is_some() {
                state.projector = !state.projector;
            } else {
                state.notice = Some("The core readings are not in yet".into());
            }
        }
        Action::SlowerRefresh | Action::FasterRefresh => {
            state.interval = if matches!(action, Action::SlowerRefresh) {
                (state.interval + 1).min(INTERVALS.len() - 1)
            } else {
                state.interval.saturating_sub(1)
            };
            state.notice = Some(format!(
                "Cores refresh every {}",
                interval_label(state.interval())
            ));
        }
        Action::ToggleBusy => {
            if state.busy.is_empty() {
                effects.push(Effect::StartBusy(state.cores.max(1)));
            } else {
                state.busy.clear();
                effects.push(Effect::StopBusy);
                state.notice = Some("Busy copies stopped".into());
            }
        }
        Action::BusyStarted(result) => match result {
            Ok(pids) => {
                state.notice = Some(format!(
                    "{} busy copies of forklab started (pids {}): watch the cores fill; {} stops them",
                    pids.len(),
                    pids.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    super::super::keymap::key_for(|a| matches!(a, Action::ToggleBusy))
                ));
                state.busy = pids;
            }
            Err(e) => state.notice = Some(format!("Could not start busy copies: {e}")),
        },
        other => return Some(other),
    }
    None
}
