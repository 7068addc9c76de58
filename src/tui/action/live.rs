//! The live panes: readings, children ending, the refresh, busy copies.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// A new reading from the sampling thread, taken at the given moment.
    Sampled(Box<crate::monitor::Sample>, std::time::Instant),
    /// A child forklab started has ended, and how.
    ChildEnded {
        pid: u32,
        ending: crate::os::process::Exit,
    },
    /// Cores full screen, for a projector.
    ToggleProjector,
    SlowerRefresh,
    FasterRefresh,
    /// The process pane's memory: RSS, or USS and PSS.
    ToggleShares,
    /// Start or stop one busy copy of forklab per core.
    ToggleBusy,
    /// The busy copies started, with these pids (or could not start).
    BusyStarted(Result<Vec<u32>, String>),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::ToggleProjector
            | Msg::SlowerRefresh
            | Msg::FasterRefresh
            | Msg::ToggleBusy
            | Msg::ToggleShares => true,
            Msg::Sampled(..) | Msg::ChildEnded { .. } | Msg::BusyStarted(_) => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::SlowerRefresh | Msg::FasterRefresh | Msg::ToggleBusy => true,
            Msg::Sampled(..)
            | Msg::ChildEnded { .. }
            | Msg::ToggleProjector
            | Msg::ToggleShares
            | Msg::BusyStarted(_) => false,
        }
    }
}
