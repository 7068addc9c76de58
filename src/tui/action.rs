//! Everything that can happen to the reader, as messages for `update`,
//! and the side effects `update` asks the event loop to carry out.

/// Work with the outside world that `update` asks for (it never does I/O).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SetInterval(std::time::Duration),
    /// Run an example with the interpreter found (see [`Action::PythonFound`]).
    RunExample(RunPlan),
    StopExample,
    /// Look for Python in the background, before a run needs it; the
    /// search ends with [`Action::PythonFound`].
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
    /// [`Action::WorkspaceMade`]).
    MakeWorkspace(std::path::PathBuf),
    /// Watch an exercise's file (judging it on every save) and hand the
    /// terminal to the learner's editor on it (answered by
    /// [`Action::EditorDone`]).
    WorkOn {
        lesson: usize,
        exercise: usize,
        path: std::path::PathBuf,
    },
    /// Stop the practice loop's judgement in progress.
    StopJudging,
    /// Read an exercise's reference solution (answered by
    /// [`Action::SolutionRead`]).
    ReadSolution {
        lesson: usize,
        exercise: usize,
    },
    /// Send the lab's measured points to the class the learner joined.
    SendToClass(crate::class::Report),
    /// Read another course (built-in or a pack) and its progress; the
    /// outcome comes back as [`Action::CourseLoaded`].
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

/// One change the learner (or the program) asks for.
#[derive(Debug, Clone)]
pub enum Action {
    /// The event loop is up: what it has to say about setting up (a
    /// damaged progress file, no live readings...).
    Started(Vec<String>),
    /// Something the learner should read, from outside `update` (a save
    /// that failed).
    Notice(String),
    /// `q`: quit, or ask once while children run.
    Quit,
    /// Quit now: the terminal closed or a signal came.
    Shutdown,
    NextLesson,
    PreviousLesson,
    /// Scroll by lines (negative: up).
    Scroll(isize),
    /// Scroll by pages (negative: up).
    Page(isize),
    Top,
    Bottom,
    ToggleHelp,
    /// Scroll the help popup on a short screen.
    HelpScroll(isize),
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
    /// `e`: choose one of the lesson's examples to run.
    OpenExamples,
    /// Start typing the chosen example's arguments.
    EditArgs,
    ArgsType(char),
    ArgsBackspace,
    ArgsDone,
    ArgsCancel,
    CycleStartMethod,
    StopExample,
    /// Show or hide the output pane.
    ToggleOutput,
    /// Tab: move the scrolling keys to the other pane.
    FocusNext,
    /// `L`: the lab, set up for this lesson's experiment; again to return.
    ToggleLab,
    /// More (+1) or fewer (-1) workers.
    LabWorkers(isize),
    LabWorkload,
    /// Double (true) or halve the tasks.
    LabTasks(bool),
    /// Double (true) or halve the chunk size.
    LabChunk(bool),
    /// Restrict the workers to fewer cores (cycles).
    LabCores,
    /// The next engine (python Pool, python executor, forklab).
    LabEngine,
    /// The next start method the engine offers.
    LabStartMethod,
    /// Runs per measured point: 1, 3, 5.
    LabRepeat,
    LabRun,
    LabSweep,
    LabStop,
    /// A digit of the learner's guess for the next run.
    LabGuess(char),
    LabGuessBackspace,
    /// Something happened in the running lab (boxed: a run's config
    /// and result are large beside the other actions).
    Lab(Box<crate::lab::LabEvent>),
    /// Something happened in Python run `number`.
    Python(u64, crate::python::PyEvent),
    /// The background search for Python ended.
    PythonFound(Result<crate::python::Interpreter, String>),
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
        ending: crate::os::process::Exit,
    },
    ToggleProjector,
    SlowerRefresh,
    FasterRefresh,
    /// Start or stop one busy copy of forklab per core.
    ToggleBusy,
    /// The busy copies started, with these pids (or could not start).
    BusyStarted(Result<Vec<u32>, String>),
    /// The next theme: dark, light, mono.
    CycleTheme,
    /// Show or hide the last keys pressed, in a corner.
    ToggleKeys,
    /// A key was pressed while the keys are shown: its name.
    KeyShown(String),
    /// The focused pane alone, or every pane again.
    ToggleZoom,
    /// The background highlighter coloured the course's Python code.
    Highlighted(std::sync::Arc<crate::lesson::highlight::Highlights>),
    /// The courses the contents can switch between, and which is open.
    CoursesFound(Vec<crate::pack::Course>, usize),
    /// Tab / Shift-Tab in the contents: the next or previous course.
    SwitchCourse(isize),
    /// The course asked for, or why it could not be read.
    CourseLoaded(Result<Box<LoadedCourse>, String>),
    /// Start or stop recording a trace.
    ToggleRecording,
    /// A recording started (the file), or could not (why).
    RecordingStarted(Result<String, String>),
    /// The recording ended (saved, or stopped by a write error): what to say.
    RecordingEnded(String),
    /// Space in a replay: pause or play on.
    ReplayPause,
    /// Seek forward (true) or back.
    ReplaySeek(bool),
    /// Faster (true) or slower.
    ReplaySpeed(bool),
    /// A replay went back in time: the panes start afresh.
    ReplayReset,
    /// The replay reached this point of the trace.
    ReplayAt {
        position: std::time::Duration,
        ended: bool,
    },
    /// The recording started a Python example (as run `number`).
    ReplayExample {
        number: u64,
        title: String,
        command: String,
        at: std::time::Instant,
    },
    /// The recording started a lab run or sweep.
    ReplayLabBegan {
        sweep: bool,
    },
    /// Show another machine's lab results beside this one's.
    LabCompare(Box<super::lab::Recorded>),
    /// `E`: work on the lesson's exercise (choose one if there are several).
    EditExercise,
    /// The next hint of the exercise worked on.
    ExerciseHint,
    /// The reference solution (asks first until the exercise is passed).
    ExerciseSolution,
    /// Yes or no to the open question.
    AskYes,
    AskNo,
    /// Typing the prediction the exercise asks for.
    PredictType(char),
    PredictBackspace,
    PredictDone,
    /// Scroll a text popup (hint, solution).
    TextScroll(isize),
    /// Something happened in the practice loop.
    Practice(crate::practice::live::LiveEvent),
    /// The exercise folder was written (or could not be).
    WorkspaceMade(Result<std::path::PathBuf, String>),
    /// The editor ended (or could not start).
    EditorDone(Result<(), String>),
    /// The reference solution of the exercise with this id: its text (or
    /// why it cannot be read).
    SolutionRead(String, Result<String, String>),
    /// The class view opens (teacher: `class serve` or `class open`).
    ClassOpened(Box<super::class::ClassView>),
    /// A learner joined, a result arrived, a request was refused.
    Class(crate::class::ClassEvent),
    /// The class view's keys.
    ClassMove(isize),
    ClassSort,
    ClassHide,
    ClassFreeze,
    /// The learner's link to a class (`--join`) opens, or says how it went.
    ClassLinked(super::class::ClassLink),
    ClassLink(super::class::LinkStatus),
}

impl Action {
    /// Keys and clicks, as opposed to readings and background events: only
    /// they clear the status line's notice or a pending quit confirmation.
    pub fn is_from_user(&self) -> bool {
        !matches!(
            self,
            Action::Resize { .. }
                | Action::Started(_)
                | Action::Notice(_)
                | Action::Shutdown
                | Action::PythonFound(_)
                | Action::Highlighted(_)
                | Action::CoursesFound(..)
                | Action::CourseLoaded(_)
                | Action::KeyShown(_)
                | Action::Sampled(..)
                | Action::ChildEnded { .. }
                | Action::BusyStarted(_)
                | Action::Python(..)
                | Action::Lab(_)
                | Action::RecordingStarted(_)
                | Action::RecordingEnded(_)
                | Action::ReplayReset
                | Action::ReplayAt { .. }
                | Action::ReplayExample { .. }
                | Action::ReplayLabBegan { .. }
                | Action::LabCompare(_)
                | Action::Practice(_)
                | Action::WorkspaceMade(_)
                | Action::EditorDone(_)
                | Action::SolutionRead(..)
                | Action::ClassOpened(_)
                | Action::Class(_)
                | Action::ClassLinked(_)
                | Action::ClassLink(_)
        )
    }
}
