//! The live panes: readings, children ending, the refresh, busy copies.

use super::super::action::live::Msg;
use super::super::action::{Action, Effect};
use super::super::keymap;
use super::super::state::{Live, State};
use super::Next;
use crate::monitor::{INTERVALS, interval_label};

pub(super) fn update(state: &mut State, msg: Msg, effects: &mut Vec<Effect>) -> Next {
    match msg {
        Msg::Sampled(sample, at) => {
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
        Msg::ChildEnded { pid, ending } => {
            if let Some(live) = &mut state.live {
                live.family.record_ending(pid, ending);
            }
        }
        Msg::ToggleProjector => {
            if state.live.is_some() {
                state.projector = !state.projector;
            } else {
                state.notice = Some("The core readings are not in yet".into());
            }
        }
        Msg::ToggleShares => {
            state.shares = !state.shares;
            state.notice = Some(shares_notice(state));
        }
        Msg::SlowerRefresh => refresh(state, (state.interval + 1).min(INTERVALS.len() - 1)),
        Msg::FasterRefresh => refresh(state, state.interval.saturating_sub(1)),
        Msg::ToggleBusy => {
            if state.busy.is_empty() {
                effects.push(Effect::StartBusy(state.cores.max(1)));
            } else {
                state.busy.clear();
                effects.push(Effect::StopBusy);
                state.notice = Some("Busy copies stopped".into());
            }
        }
        Msg::BusyStarted(result) => match result {
            Ok(pids) => {
                state.notice = Some(format!(
                    "{} busy copies of forklab started (pids {}): watch the cores fill; {} stops them",
                    pids.len(),
                    pids.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    keymap::key_for(|a| matches!(a, Action::Live(Msg::ToggleBusy)))
                ));
                state.busy = pids;
            }
            Err(e) => state.notice = Some(format!("Could not start busy copies: {e}")),
        },
    }
    None
}

/// The learner's refresh: the index into [`INTERVALS`], said in a notice.
fn refresh(state: &mut State, index: usize) {
    state.interval = index;
    state.notice = Some(format!(
        "Cores refresh every {}",
        interval_label(state.interval())
    ));
}

/// What the memory key did, and where the readings come from.
fn shares_notice(state: &State) -> String {
    let key = keymap::key_for(|a| matches!(a, Action::Live(Msg::ToggleShares)));
    if !state.shares {
        format!("Memory: RSS (resident, shared pages too); {key}: USS and PSS")
    } else if state.replay.is_some() {
        format!("Memory: USS and PSS are not in the recording (—); {key}: RSS")
    } else {
        format!("Memory: USS (own pages), PSS (fair share) from the next reading; {key}: RSS")
    }
}
