//! Python examples: choosing, arguments, start method, the run.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// `e`: choose one of the lesson's examples to run.
    OpenExamples,
    /// Run the example the popup highlights.
    RunSelected,
    /// Start typing the highlighted example's arguments.
    EditArgs,
    ArgsType(char),
    ArgsBackspace,
    ArgsDone,
    ArgsCancel,
    CycleStartMethod,
    Stop,
    /// Show or hide the output pane.
    ToggleOutput,
    /// Tab: move the scrolling keys to the other pane.
    FocusNext,
    /// Something happened in Python run `number`.
    Event(u64, crate::python::PyEvent),
    /// The background search for Python ended.
    Found(Result<crate::python::Interpreter, String>),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::OpenExamples
            | Msg::RunSelected
            | Msg::EditArgs
            | Msg::ArgsType(_)
            | Msg::ArgsBackspace
            | Msg::ArgsDone
            | Msg::ArgsCancel
            | Msg::CycleStartMethod
            | Msg::Stop
            | Msg::ToggleOutput
            | Msg::FocusNext => true,
            Msg::Event(..) | Msg::Found(_) => false,
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::OpenExamples
            | Msg::RunSelected
            | Msg::EditArgs
            | Msg::ArgsType(_)
            | Msg::ArgsBackspace
            | Msg::ArgsDone
            | Msg::CycleStartMethod
            | Msg::Stop => true,
            Msg::ArgsCancel
            | Msg::ToggleOutput
            | Msg::FocusNext
            | Msg::Event(..)
            | Msg::Found(_) => false,
        }
    }
}
