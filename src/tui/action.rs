//! Everything that can happen to the reader, as messages for `update`.

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
    /// A mouse click at a screen position.
    Click {
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// The background highlighter coloured the course's Python code.
    Highlighted(std::sync::Arc<crate::lesson::highlight::Highlights>),
}
