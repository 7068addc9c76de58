//! Every binding of the app, in the order the help overlay and the README
//! list them. Adding a key is one row here (plus its `Action`, if new, and
//! the arm that applies it in `update/`). A new place (a practice screen,
//! a settings popup) is a [`Where`](super::Where) variant with a heading,
//! placed in [`layers`](super::layers); then its rows go here.
//!
//! A row whose help text is empty continues the row above: its keys join
//! that row's in the help, and (with no hint of its own) that row's hint.

use crossterm::event::KeyCode::{
    BackTab, Backspace, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up,
};

use super::super::action::Action;
use super::{Binding, Key, Key::*, Where::*, on};

/// Lines scrolled per mouse-wheel notch.
const WHEEL_LINES: isize = 3;

const fn c(ch: char) -> Key {
    Char(ch)
}

const fn k(code: crossterm::event::KeyCode) -> Key {
    Code(code)
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    // Everywhere (but while typing, only the Ctrl keys).
    on(Everywhere, &[c('q')], |_| Action::Quit, "quit (asks once while processes run)").hint("quit"),
    on(Always, &[Ctrl('c'), Ctrl('q')], |_| Action::Quit, ""),
    on(Everywhere, &[c('?')], |_| Action::ToggleHelp, "this help").hint("help"),
    // The lesson.
    on(Lesson, &[c('n'), k(Right), c('l')], |_| Action::NextLesson, "next / previous lesson").hint("lesson"),
    on(Lesson, &[c('p'), k(Left), c('h')], |_| Action::PreviousLesson, ""),
    on(Lesson, &[c('j'), k(Down)], |_| Action::Scroll(1), "scroll a line").hint("scroll"),
    on(Lesson, &[c('k'), k(Up)], |_| Action::Scroll(-1), ""),
    on(Lesson, &[WheelDown], |_| Action::Scroll(WHEEL_LINES), "scroll three lines"),
    on(Lesson, &[WheelUp], |_| Action::Scroll(-WHEEL_LINES), ""),
    on(Lesson, &[c(' '), k(PageDown), Ctrl('d')], |_| Action::Page(1), "scroll a page"),
    on(Lesson, &[c('b'), k(PageUp), Ctrl('u')], |_| Action::Page(-1), ""),
    on(Lesson, &[c('g'), k(Home)], |_| Action::Top, "top / end of the lesson"),
    on(Lesson, &[c('G'), k(End)], |_| Action::Bottom, ""),
    on(Lesson, &[c('t')], |_| Action::OpenContents, "table of contents").hint("contents"),
    on(Lesson, &[c('f')], |_| Action::OpenLinks, "links on this page"),
    on(Lesson, &[Click], |i| Action::Click { column: i.column, row: i.row }, "follow the link clicked"),
    on(Lesson, &[c('/')], |_| Action::StartSearch, "search all lessons").hint("search"),
    on(Lesson, &[c('a')], |_| Action::ToggleAnswers, "show / hide the worked answers").hint("answers"),
    // Typing a search query or an example's arguments.
    on(SearchInput, &[Text], |i| Action::SearchType(i.ch), "type a search, arguments, a guess"),
    on(ExampleArgs, &[Text], |i| Action::ArgsType(i.ch), "").acts(),
    on(PredictInput, &[Text], |i| Action::PredictType(i.ch), "").acts(),
    on(SearchInput, &[k(Backspace)], |_| Action::SearchBackspace, "delete the last character"),
    on(ExampleArgs, &[k(Backspace)], |_| Action::ArgsBackspace, "").acts(),
    on(PredictInput, &[k(Backspace)], |_| Action::PredictBackspace, "").acts(),
    on(SearchInput, &[k(Enter)], |_| Action::SearchSubmit, "search / keep the arguments, guess"),
    on(ExampleArgs, &[k(Enter)], |_| Action::ArgsDone, "").acts(),
    on(PredictInput, &[k(Enter)], |_| Action::PredictDone, "").acts(),
    on(SearchInput, &[k(Esc)], |_| Action::EndSearch, "cancel"),
    on(ExampleArgs, &[k(Esc)], |_| Action::ArgsCancel, ""),
    on(PredictInput, &[k(Esc)], |_| Action::AskNo, ""),
    // While a search's matches show.
    on(Search, &[c('n'), k(Enter)], |_| Action::NextHit, "next / previous match").hint("next"),
    on(Search, &[c('N')], |_| Action::PreviousHit, "").hint("previous"),
    on(Search, &[k(Esc)], |_| Action::EndSearch, "end the search").hint("end search"),
    // Lists: contents, links, examples.
    on(List, &[c('j'), k(Down), WheelDown], |_| Action::MenuMove(1), "move in the list").hint("move"),
    on(List, &[c('k'), k(Up), WheelUp], |_| Action::MenuMove(-1), ""),
    on(List, &[k(PageDown)], |_| Action::MenuMove(10), "move a page"),
    on(List, &[k(PageUp)], |_| Action::MenuMove(-10), ""),
    on(List, &[c('g'), k(Home)], |_| Action::MenuFirst, "first / last"),
    on(List, &[c('G'), k(End)], |_| Action::MenuLast, ""),
    on(List, &[k(Enter), c('l'), k(Right)], |_| Action::MenuConfirm, "open the lesson, follow the link").hint("open"),
    on(List, &[k(Esc)], |_| Action::CloseOverlay, "close the list").hint("close"),
    on(Contents, &[c('t')], |_| Action::CloseOverlay, ""),
    on(Links, &[c('f')], |_| Action::CloseOverlay, ""),
    on(Contents, &[k(Tab)], |_| Action::SwitchCourse(1), "next / previous course (or pack)").hint("course"),
    on(Contents, &[k(BackTab)], |_| Action::SwitchCourse(-1), ""),
    // The open question at the end of a lesson.
    on(Questions, &[Digit], |i| Action::QuizKey(i.ch), "pick an answer, or type a number"),
    on(Questions, &[k(Backspace)], |_| Action::QuizBackspace, ""),
    on(Questions, &[k(Enter)], |_| Action::QuizConfirm, "confirm the answer"),
    // Python examples.
    on(Python, &[c('e')], |_| Action::OpenExamples, "choose an example to run").acts().hint("run example"),
    on(Examples, &[c('e'), c('r')], |_| Action::MenuConfirm, "run the chosen example (or Enter)").acts().hint("run"),
    on(Examples, &[c('a')], |_| Action::EditArgs, "edit the chosen example's arguments").acts().hint("arguments"),
    on(Python, &[c('m')], |_| Action::CycleStartMethod, "start method: fork, spawn, ...").acts().hint("method"),
    on(Examples, &[c('m')], |_| Action::CycleStartMethod, "").acts(),
    on(Python, &[c('x')], |_| Action::StopExample, "stop a script or check, every process").acts().hint("stop script"),
    on(Python, &[c('o')], |_| Action::ToggleOutput, "show / hide the output pane"),
    on(Python, &[k(Tab), k(BackTab)], |_| Action::FocusNext, "scroll keys: lesson or output"),
    // The worker lab.
    on(Lab, &[c('L'), k(Esc)], |_| Action::ToggleLab, "the lab for this lesson / back").hint("lesson"),
    on(Lesson, &[c('L')], |_| Action::ToggleLab, ""),
    on(Lab, &[c('+'), c('=')], |_| Action::LabWorkers(1), "more / fewer workers").acts().hint("workers"),
    on(Lab, &[c('-')], |_| Action::LabWorkers(-1), "").acts(),
    on(Lab, &[c('w')], |_| Action::LabWorkload, "workload: cpu, sleep, amdahl").acts().hint("workload"),
    on(Lab, &[c('<')], |_| Action::LabTasks(false), "halve / double the tasks").acts().hint("tasks"),
    on(Lab, &[c('>')], |_| Action::LabTasks(true), "").acts(),
    on(Lab, &[c('{')], |_| Action::LabChunk(false), "halve / double the chunk size").acts().hint("chunk"), on(Lab, &[c('}')], |_| Action::LabChunk(true), "").acts(),
    on(Lab, &[c('K')], |_| Action::LabCores, "use 1, 2, ... or all cores").acts().hint("cores"),
    on(Lab, &[c('E')], |_| Action::LabEngine, "engine: Python pools: processes, threads; forklab's workers; Dask").acts().hint("engine"),
    on(Lab, &[c('m')], |_| Action::LabStartMethod, "start method: the engine's default, then each it offers").acts().hint("method"),
    on(Lab, &[c('#')], |_| Action::LabRepeat, "runs per point: 1, 3, 5 (the fastest counts)").acts().hint("runs"),
    on(Lab, &[Digit], |i| Action::LabGuess(i.ch), "guess the wall time (seconds)").acts(),
    on(Lab, &[k(Backspace)], |_| Action::LabGuessBackspace, "").acts(),
    on(Lab, &[c('r')], |_| Action::LabRun, "run, sweep 1 to 2x cores, stop").acts().hint("run"),
    on(Lab, &[c('s')], |_| Action::LabSweep, "").acts().hint("sweep"),
    on(Lab, &[c('x')], |_| Action::LabStop, "").acts().hint("stop"),
    // Cores and processes.
    on(Cores, &[c('c')], |_| Action::ToggleProjector, "cores full screen (projector)"),
    on(Cores, &[c('[')], |_| Action::SlowerRefresh, "refresh slower / faster").acts(), on(Cores, &[c(']')], |_| Action::FasterRefresh, "").acts(),
    on(Cores, &[c('B')], |_| Action::ToggleBusy, "start / stop a busy copy per core").acts(),
    on(Cores, &[c('R')], |_| Action::ToggleRecording, "start / stop recording a trace").acts().hint("record"),
    // Replaying a trace.
    on(Replay, &[c(' ')], |_| Action::ReplayPause, "pause / play on").hint("pause"),
    on(Replay, &[k(Left)], |_| Action::ReplaySeek(false), "seek 5 s / speed 0.25x to 8x").hint("seek"),
    on(Replay, &[k(Right)], |_| Action::ReplaySeek(true), ""),
    on(Replay, &[c('<')], |_| Action::ReplaySpeed(false), "").hint("speed"),
    on(Replay, &[c('>')], |_| Action::ReplaySpeed(true), ""),
    // Practice: exercises the learner writes.
    on(Practice, &[c('E')], |_| Action::EditExercise, "open the exercise in your editor").acts().hint("exercise"),
    on(Exercises, &[c('E')], |_| Action::MenuConfirm, "open the chosen exercise (or Enter)").acts().hint("open"),
    on(Practice, &[c('H')], |_| Action::ExerciseHint, "the exercise's next hint").hint("hint"),
    on(Practice, &[c('S')], |_| Action::ExerciseSolution, "its solution (asks until you pass)"),
    on(Ask, &[c('y')], |_| Action::AskYes, "yes / no to the question asked").acts().hint("yes"),
    on(Ask, &[c('n'), k(Esc)], |_| Action::AskNo, "").hint("no"),
    on(TextPopup, &[c('j'), k(Down), WheelDown], |_| Action::TextScroll(1), "scroll a hint or the solution"),
    on(TextPopup, &[c('k'), k(Up), WheelUp], |_| Action::TextScroll(-1), ""),
    on(TextPopup, &[Other], |_| Action::CloseOverlay, "close it").hint("close"),
    // Themes and presenting to a room.
    on(Presenter, &[c('T')], |_| Action::CycleTheme, "theme: dark, light, mono"),
    on(Presenter, &[c('P')], |_| Action::ToggleKeys, "show keys pressed (for an audience)"),
    on(Presenter, &[c('z')], |_| Action::ToggleZoom, "zoom: the focused pane alone"),
    // The class view (teacher).
    on(Class, &[c('j'), k(Down)], |_| Action::ClassMove(1), "move among the participants").hint("move"),
    on(Class, &[c('k'), k(Up)], |_| Action::ClassMove(-1), ""),
    on(Class, &[c('o')], |_| Action::ClassSort, "sort: joined, name, cores, best speedup").hint("sort"),
    on(Class, &[c('h')], |_| Action::ClassHide, "hide / show a participant on the charts").hint("hide"),
    on(Class, &[c('z')], |_| Action::ClassFreeze, "freeze / unfreeze the view").hint("freeze"),
    // This help.
    on(Help, &[c('j'), k(Down), WheelDown], |_| Action::HelpScroll(1), "scroll this help"),
    on(Help, &[c('k'), k(Up), WheelUp], |_| Action::HelpScroll(-1), ""),
    on(Help, &[c(' '), k(PageDown)], |_| Action::HelpScroll(10), "scroll it a page"),
    on(Help, &[c('b'), k(PageUp)], |_| Action::HelpScroll(-10), ""),
    on(Help, &[Other], |_| Action::CloseOverlay, "close it"),
];
