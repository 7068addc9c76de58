//! Everything that can happen to the reader, as messages for `update`,
//! and the side effects `update` asks the event loop to carry out.

/// Work with the outside world that `update` asks for (it never does I/O).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    SetInterval(std::time::Duration),
    /// Start this many busy copies.
    StartBusy(usize),
    StopBusy,
}

/// One change the learner (or the program) asks for.
#[derive(Debug, Clone)]
pub enum Action {
    Quit,
    NextLesson,
    PreviousLesson,
    /// Scroll by lines (negative: up).
    Scroll(isize),
    /// Scroll by pages (negative: up).
    Page(isize),
    Top,
    Bottom,
    ToggleHelp,
    OpenContents,
    OpenLinks,
    CloseOverlay,
    /// Move the highlight in a list overlay.
    MenuMove(isize),
    MenuFirst,
    MenuLast,
    MenuConfirm,
    StartSearch,
    SearchType(char),
    SearchBackspace,
    SearchSubmit,
    NextHit,
    PreviousHit,
    EndSearch,
    ToggleAnswers,
    /// A digit (or `.`) for the open question.
    QuizKey(char),
    QuizBackspace,
    /// Enter: confirm the open question's answer.
    QuizConfirm,
    /// A mouse click at a screen position.
    Click {
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// A new reading from the sampling thread, taken at the given moment.
    Sampled(Box<crate::monitor::Sample>, std::time::Instant),
    /// A child forklab started has ended, and how.
    ChildEnded {
        pid: u32,
        ending: crate::monitor::family::Ending,
    },
    ToggleProjector,
    SlowerRefresh,
    FasterRefresh,
    /// Start or stop one busy copy of forklab per core.
    ToggleBusy,
    /// The busy copies started, with these pids (or could not start).
    BusyStarted(Result<Vec<u32>, String>),
    /// The background highlighter coloured the course's Python code.
    Highlighted(std::sync::Arc<crate::lesson::highlight::Highlights>),
}
