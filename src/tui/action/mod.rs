//! Everything that can happen to the reader, as messages for `update`,
//! and the side effects `update` asks the event loop to carry out.
//!
//! Each concern owns its message type (`Action::Lab(lab::Msg)`) and its
//! part of `update` (src/tui/update/, a file per concern, matching every
//! message: the compiler checks each is handled). What a message is (from
//! the learner or the background, acting or only looking) is said by the
//! message itself ([`Message`]), never kept in a list.

pub mod app;
pub mod class;
pub mod course;
pub mod lab;
pub mod live;
pub mod overlay;
pub mod practice;
pub mod presenter;
pub mod python;
pub mod quiz;
pub mod reader;
pub mod replay;
pub mod search;

/// Work with the outside world that `update` asks for (it never does I/O).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SetInterval(std::time::Duration),
    /// Read USS and PSS for the family's first this many processes.
    ReadShares(usize),
    /// Run an example with the interpreter found (see `python::Msg::Found`).
    RunExample(RunPlan),
    StopExample,
    /// Look for Python in the background, before a run needs it; the
    /// search ends with `python::Msg::Found`.
    FindPython,
    /// Write the learner's progress (a failure comes back as a notice).
    SaveProgress(crate::progress::Progress),
    RunLab(crate::lab::LabConfig),
    SweepLab(crate::lab::LabConfig, Vec<usize>),
    StopLab,
    /// Start this many busy copies.
    StartBusy(usize),
    StopBusy,
    /// Start recording a trace (where: see `Runtime`).
    StartRecording,
    StopRecording,
    /// Pause, seek or speed up the replay.
    ReplayControl(crate::trace::replay::Control),
    /// Write the starter files into this folder (answered by
    /// `practice::Msg::WorkspaceMade`).
    MakeWorkspace(std::path::PathBuf),
    /// Watch an exercise's file (judging it on every save) and hand the
    /// terminal to the learner's editor on it (answered by
    /// `practice::Msg::EditorDone`).
    WorkOn {
        lesson: usize,
        exercise: usize,
        path: std::path::PathBuf,
    },
    /// Stop the practice loop's judgement in progress.
    StopJudging,
    /// Read an exercise's reference solution (answered by
    /// `practice::Msg::SolutionRead`).
    ReadSolution {
        lesson: usize,
        exercise: usize,
    },
    /// Send the lab's measured points to the class the learner joined.
    SendToClass(crate::class::Report),
    /// Read another course (built-in or a pack) and its progress; the
    /// outcome comes back as `course::Msg::Loaded`.
    LoadCourse(usize, crate::pack::Course),
}

/// A course read from disk, with its own progress.
#[derive(Debug, Clone)]
pub struct LoadedCourse {
    pub index: usize,
    pub lessons: crate::lesson::LessonSet,
    pub progress: crate::progress::Progress,
    /// A damaged progress file, moved aside.
    pub notice: Option<String>,
}

/// Which example to run, how, and as which run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPlan {
    /// Tells this run's events from a previous run's.
    pub number: u64,
    pub lesson: usize,
    pub example: usize,
    pub args: Vec<String>,
    pub method: Option<crate::python::StartMethod>,
}

/// What every concern's message says about itself.
pub trait Message {
    /// Keys and clicks, as opposed to readings and background events: only
    /// they clear the status line's notice or a pending quit confirmation.
    fn is_from_user(&self) -> bool;
    /// It runs, stops or steers something (an example, the lab, busy
    /// copies, the editor, a recording, the sampling) or changes what the
    /// next run would be (the lab's settings, a start method, arguments):
    /// a replay refuses it with [`replay::READ_ONLY`], whatever key or
    /// popup it came from.
    fn acts(&self) -> bool;
}

/// One change the learner (or the program) asks for: a concern's message.
#[derive(Debug, Clone)]
pub enum Action {
    /// Starting, notices, quitting.
    App(app::Msg),
    /// Moving through the lesson on screen.
    Reader(reader::Msg),
    /// Search across all lessons.
    Search(search::Msg),
    /// The questions at the end of a lesson.
    Quiz(quiz::Msg),
    /// The built-in course and installed packs.
    Course(course::Msg),
    /// The popups: help, contents, links, lists, text.
    Overlay(overlay::Msg),
    /// The live panes: readings, refresh, busy copies.
    Live(live::Msg),
    /// Python examples.
    Python(python::Msg),
    /// The worker lab.
    Lab(lab::Msg),
    /// Exercises the learner writes.
    Practice(practice::Msg),
    /// Recording and replaying traces.
    Replay(replay::Msg),
    /// Themes and the presenter's aids.
    Presenter(presenter::Msg),
    /// The class view and the learner's link to a class.
    Class(class::Msg),
}

/// `Action::Lab(lab::Msg::Run)` from `lab::Msg::Run.into()`, for each concern.
macro_rules! concerns {
    ($($variant:ident($module:ident)),* $(,)?) => {
        $(impl From<$module::Msg> for Action {
            fn from(msg: $module::Msg) -> Action {
                Action::$variant(msg)
            }
        })*

        impl Message for Action {
            fn is_from_user(&self) -> bool {
                match self {
                    $(Action::$variant(msg) => msg.is_from_user(),)*
                }
            }

            fn acts(&self) -> bool {
                match self {
                    $(Action::$variant(msg) => msg.acts(),)*
                }
            }
        }
    };
}

concerns!(
    App(app),
    Reader(reader),
    Search(search),
    Quiz(quiz),
    Course(course),
    Overlay(overlay),
    Live(live),
    Python(python),
    Lab(lab),
    Practice(practice),
    Replay(replay),
    Presenter(presenter),
    Class(class),
);
