//! Practice: exercises the learner writes, checked on every save.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// `E`: work on the lesson's exercise (choose one if there are several).
    Edit,
    /// Work on the exercise the popup highlights.
    OpenSelected,
    /// The next hint of the exercise worked on.
    Hint,
    /// The reference solution (asks first until the exercise is passed).
    Solution,
    /// Yes or no to the open question.
    AskYes,
    AskNo,
    /// Typing the prediction the exercise asks for.
    PredictType(char),
    PredictBackspace,
    PredictDone,
    /// Something happened in the practice loop.
    Live(crate::practice::live::LiveEvent),
    /// The exercise folder was written (or could not be).
    WorkspaceMade(Result<std::path::PathBuf, String>),
    /// The editor ended (or could not start).
    EditorDone(Result<(), String>),
    /// The reference solution of the exercise with this id: its text (or
    /// why it cannot be read).
    SolutionRead(String, Result<String, String>),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::Edit
            | Msg::OpenSelected
            | Msg::Hint
            | Msg::Solution
            | Msg::AskYes
            | Msg::AskNo
            | Msg::PredictType(_)
            | Msg::PredictBackspace
            | Msg::PredictDone => true,
            Msg::Live(_) | Msg::WorkspaceMade(_) | Msg::EditorDone(_) | Msg::SolutionRead(..) => {
                false
            }
        }
    }

    fn acts(&self) -> bool {
        match self {
            Msg::Edit
            | Msg::OpenSelected
            | Msg::AskYes
            | Msg::PredictType(_)
            | Msg::PredictBackspace
            | Msg::PredictDone => true,
            Msg::Hint
            | Msg::Solution
            | Msg::AskNo
            | Msg::Live(_)
            | Msg::WorkspaceMade(_)
            | Msg::EditorDone(_)
            | Msg::SolutionRead(..) => false,
        }
    }
}
