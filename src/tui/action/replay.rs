//! Recording a trace, and replaying one (read only: nothing starts).

use super::Message;

/// What a replay answers to a message that acts ([`Message::acts`]).
pub const READ_ONLY: &str = "replay: read only (this is a recording; nothing runs)";

#[derive(Debug, Clone)]
pub enum Msg {
    /// Start or stop recording a trace.
    ToggleRecording,
    /// A recording started (the file), or could not (why).
    RecordingStarted(Result<String, String>),
    /// The recording ended (saved, or stopped by a write error): what to say.
    RecordingEnded(String),
    /// Space in a replay: pause or play on.
    Pause,
    /// Seek forward (true) or back.
    Seek(bool),
    /// Faster (true) or slower.
    Speed(bool),
    /// A replay went back in time: the panes start afresh.
    Reset,
    /// The replay reached this point of the trace.
    At {
        position: std::time::Duration,
        ended: bool,
    },
    /// The recording started a Python example (as run `number`).
    Example {
        number: u64,
        title: String,
        command: String,
        at: std::time::Instant,
    },
    /// The recording started a lab run or sweep.
    LabBegan { sweep: bool },
    /// The recording's learner was on this lesson, at this place.
    Lesson(Box<crate::trace::LessonPlace>),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::ToggleRecording | Msg::Pause | Msg::Seek(_) | Msg::Speed(_) => true,
            Msg::RecordingStarted(_)
            | Msg::RecordingEnded(_)
            | Msg::Reset
            | Msg::At { .. }
            | Msg::Example { .. }
            | Msg::LabBegan { .. }
            | Msg::Lesson(_) => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::ToggleRecording => true,
            Msg::RecordingStarted(_)
            | Msg::RecordingEnded(_)
            | Msg::Pause
            | Msg::Seek(_)
            | Msg::Speed(_)
            | Msg::Reset
            | Msg::At { .. }
            | Msg::Example { .. }
            | Msg::LabBegan { .. }
            | Msg::Lesson(_) => false,
        }
    }
}
