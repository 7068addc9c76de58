//! Every binding of the app, in the order the help overlay and the README
//! list them. Adding a key is one row here, naming its concern's message
//! (plus the message, if new, in `action/CONCERN.rs`, and the arm that
//! applies it in `update/CONCERN.rs`: the compiler asks for both). A new place (a practice screen,
//! a settings popup) is a [`Where`](super::Where) variant with a heading,
//! placed in [`layers`](super::layers); then its rows go here.
//!
//! A row whose help text is empty continues the row above: its keys join
//! that row's in the help, and (with no hint of its own) that row's hint.

use crossterm::event::KeyCode::{
    BackTab, Backspace, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up,
};

use super::super::action::{
    app, class, course, lab, live, overlay, practice, presenter, python, quiz, reader, replay,
    search,
};
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
    on(Everywhere, &[c('q')], |_| app::Msg::Quit.into(), "quit (asks once while processes run)").hint("quit"),
    on(Always, &[Ctrl('c'), Ctrl('q')], |_| app::Msg::Quit.into(), ""),
    on(Everywhere, &[c('?')], |_| overlay::Msg::ToggleHelp.into(), "this help").hint("help"),
    // The lesson.
    on(Lesson, &[c('n'), k(Right), c('l')], |_| reader::Msg::NextLesson.into(), "next / previous lesson").hint("lesson"),
    on(Lesson, &[c('p'), k(Left), c('h')], |_| reader::Msg::PreviousLesson.into(), ""),
    on(Lesson, &[c('j'), k(Down)], |_| reader::Msg::Scroll(1).into(), "scroll a line").hint("scroll"),
    on(Lesson, &[c('k'), k(Up)], |_| reader::Msg::Scroll(-1).into(), ""),
    on(Lesson, &[WheelDown], |_| reader::Msg::Scroll(WHEEL_LINES).into(), "scroll three lines"),
    on(Lesson, &[WheelUp], |_| reader::Msg::Scroll(-WHEEL_LINES).into(), ""),
    on(Lesson, &[c(' '), k(PageDown), Ctrl('d')], |_| reader::Msg::Page(1).into(), "scroll a page"),
    on(Lesson, &[c('b'), k(PageUp), Ctrl('u')], |_| reader::Msg::Page(-1).into(), ""),
    on(Lesson, &[c('g'), k(Home)], |_| reader::Msg::Top.into(), "top / end of the lesson"),
    on(Lesson, &[c('G'), k(End)], |_| reader::Msg::Bottom.into(), ""),
    on(Lesson, &[c('t')], |_| overlay::Msg::OpenContents.into(), "table of contents").hint("contents"),
    on(Lesson, &[c('f')], |_| overlay::Msg::OpenLinks.into(), "links on this page"),
    on(Lesson, &[Click], |i| reader::Msg::Click { column: i.column, row: i.row }.into(), "follow the link clicked"),
    on(Lesson, &[c('/')], |_| search::Msg::Start.into(), "search all lessons").hint("search"),
    on(Lesson, &[c('a')], |_| reader::Msg::ToggleAnswers.into(), "show / hide the worked answers").hint("answers"),
    // Typing a search query or an example's arguments.
    on(SearchInput, &[Text], |i| search::Msg::Type(i.ch).into(), "type a search, arguments, a guess"),
    on(ExampleArgs, &[Text], |i| python::Msg::ArgsType(i.ch).into(), ""),
    on(PredictInput, &[Text], |i| practice::Msg::PredictType(i.ch).into(), ""),
    on(SearchInput, &[k(Backspace)], |_| search::Msg::Backspace.into(), "delete the last character"),
    on(ExampleArgs, &[k(Backspace)], |_| python::Msg::ArgsBackspace.into(), ""),
    on(PredictInput, &[k(Backspace)], |_| practice::Msg::PredictBackspace.into(), ""),
    on(SearchInput, &[k(Enter)], |_| search::Msg::Submit.into(), "search / keep the arguments, guess"),
    on(ExampleArgs, &[k(Enter)], |_| python::Msg::ArgsDone.into(), ""),
    on(PredictInput, &[k(Enter)], |_| practice::Msg::PredictDone.into(), ""),
    on(SearchInput, &[k(Esc)], |_| search::Msg::End.into(), "cancel"),
    on(ExampleArgs, &[k(Esc)], |_| python::Msg::ArgsCancel.into(), ""),
    on(PredictInput, &[k(Esc)], |_| practice::Msg::AskNo.into(), ""),
    // While a search's matches show.
    on(Search, &[c('n'), k(Enter)], |_| search::Msg::Next.into(), "next / previous match").hint("next"),
    on(Search, &[c('N')], |_| search::Msg::Previous.into(), "").hint("previous"),
    on(Search, &[k(Esc)], |_| search::Msg::End.into(), "end the search").hint("end search"),
    // Lists: contents, links, examples.
    on(List, &[c('j'), k(Down), WheelDown], |_| overlay::Msg::Move(1).into(), "move in the list").hint("move"),
    on(List, &[c('k'), k(Up), WheelUp], |_| overlay::Msg::Move(-1).into(), ""),
    on(List, &[k(PageDown)], |_| overlay::Msg::Move(10).into(), "move a page"),
    on(List, &[k(PageUp)], |_| overlay::Msg::Move(-10).into(), ""),
    on(List, &[c('g'), k(Home)], |_| overlay::Msg::First.into(), "first / last"),
    on(List, &[c('G'), k(End)], |_| overlay::Msg::Last.into(), ""),
    on(List, &[k(Enter), c('l'), k(Right)], |_| overlay::Msg::Confirm.into(), "open the lesson, follow the link").hint("open"),
    on(List, &[k(Esc)], |_| overlay::Msg::Close.into(), "close the list").hint("close"),
    on(Contents, &[c('t')], |_| overlay::Msg::Close.into(), ""),
    on(Links, &[c('f')], |_| overlay::Msg::Close.into(), ""),
    on(Contents, &[k(Tab)], |_| course::Msg::Switch(1).into(), "next / previous course (or pack)").hint("course"),
    on(Contents, &[k(BackTab)], |_| course::Msg::Switch(-1).into(), ""),
    // The open question at the end of a lesson.
    on(Questions, &[Digit], |i| quiz::Msg::Key(i.ch).into(), "pick an answer, or type a number"),
    on(Questions, &[k(Backspace)], |_| quiz::Msg::Backspace.into(), ""),
    on(Questions, &[k(Enter)], |_| quiz::Msg::Confirm.into(), "confirm the answer"),
    // Python examples.
    on(Python, &[c('e')], |_| python::Msg::OpenExamples.into(), "choose an example to run").hint("run example"),
    on(Examples, &[c('e'), c('r')], |_| python::Msg::RunSelected.into(), "run the chosen example (or Enter)").hint("run"),
    on(Examples, &[c('a')], |_| python::Msg::EditArgs.into(), "edit the chosen example's arguments").hint("arguments"),
    on(Python, &[c('m')], |_| python::Msg::CycleStartMethod.into(), "start method: fork, spawn, ...").hint("method"),
    on(Examples, &[c('m')], |_| python::Msg::CycleStartMethod.into(), ""),
    on(Python, &[c('x')], |_| python::Msg::Stop.into(), "stop a script or check, every process").hint("stop script"),
    on(Python, &[c('o')], |_| python::Msg::ToggleOutput.into(), "show / hide the output pane"),
    on(Python, &[k(Tab), k(BackTab)], |_| python::Msg::FocusNext.into(), "scroll keys: lesson or output"),
    // The worker lab.
    on(Lab, &[c('L'), k(Esc)], |_| lab::Msg::Toggle.into(), "the lab for this lesson (a list when it has several) / back").hint("lesson"),
    on(Lesson, &[c('L')], |_| lab::Msg::Toggle.into(), ""),
    on(Lab, &[c('+'), c('=')], |_| lab::Msg::Workers(1).into(), "more / fewer workers").hint("workers"),
    on(Lab, &[c('-')], |_| lab::Msg::Workers(-1).into(), ""),
    on(Lab, &[c('w')], |_| lab::Msg::Workload.into(), "workload: cpu, sleep, amdahl").hint("workload"),
    on(Lab, &[c('<')], |_| lab::Msg::Tasks(false).into(), "halve / double the tasks").hint("tasks"),
    on(Lab, &[c('>')], |_| lab::Msg::Tasks(true).into(), ""),
    on(Lab, &[c('{')], |_| lab::Msg::Chunk(false).into(), "halve / double the chunk size").hint("chunk"), on(Lab, &[c('}')], |_| lab::Msg::Chunk(true).into(), ""),
    on(Lab, &[c('K')], |_| lab::Msg::Cores.into(), "use 1, 2, ... or all cores").hint("cores"),
    on(Lab, &[c('E')], |_| lab::Msg::Engine.into(), "engine: Python pools: processes, threads; forklab's workers; Dask").hint("engine"),
    on(Lab, &[c('m')], |_| lab::Msg::StartMethod.into(), "start method: the engine's default, then each it offers").hint("method"),
    on(Lab, &[c('#')], |_| lab::Msg::Repeat.into(), "runs per point: 1, 3, 5 (fastest counts); * = machine was busy").hint("runs"),
    on(Lab, &[Digit], |i| lab::Msg::Guess(i.ch).into(), "guess the wall time (seconds)"),
    on(Lab, &[k(Backspace)], |_| lab::Msg::GuessBackspace.into(), ""),
    on(Lab, &[c('r')], |_| lab::Msg::Run.into(), "run, sweep 1 to 2x cores, stop").hint("run"),
    on(Lab, &[c('s')], |_| lab::Msg::Sweep.into(), "").hint("sweep"),
    on(Lab, &[c('x')], |_| lab::Msg::Stop.into(), "").hint("stop"),
    on(Experiments, &[Digit], |i| lab::Msg::Pick(i.ch).into(), "open the lesson's experiment with this number").hint("pick"),
    // Cores and processes.
    on(Cores, &[c('c')], |_| live::Msg::ToggleProjector.into(), "cores full screen (projector)"),
    on(Cores, &[c('[')], |_| live::Msg::SlowerRefresh.into(), "refresh slower / faster"), on(Cores, &[c(']')], |_| live::Msg::FasterRefresh.into(), ""),
    on(Cores, &[c('B')], |_| live::Msg::ToggleBusy.into(), "start / stop a busy copy per core"),
    on(Cores, &[c('M')], |_| live::Msg::ToggleShares.into(), "process memory: RSS / USS and PSS (smaps)").hint("memory"),
    on(Cores, &[c('R')], |_| replay::Msg::ToggleRecording.into(), "start / stop recording a trace").hint("record"),
    // Replaying a trace.
    on(Replay, &[c(' ')], |_| replay::Msg::Pause.into(), "pause / play on").hint("pause"),
    on(Replay, &[k(Left)], |_| replay::Msg::Seek(false).into(), "seek 5 s / speed 0.25x to 8x").hint("seek"),
    on(Replay, &[k(Right)], |_| replay::Msg::Seek(true).into(), ""),
    on(Replay, &[c('<')], |_| replay::Msg::Speed(false).into(), "").hint("speed"),
    on(Replay, &[c('>')], |_| replay::Msg::Speed(true).into(), ""),
    // Practice: exercises the learner writes.
    on(Practice, &[c('E')], |_| practice::Msg::Edit.into(), "open the exercise in your editor").hint("exercise"),
    on(Exercises, &[c('E')], |_| practice::Msg::OpenSelected.into(), "open the chosen exercise (or Enter)").hint("open"),
    on(Practice, &[c('H')], |_| practice::Msg::Hint.into(), "the exercise's next hint").hint("hint"),
    on(Practice, &[c('S')], |_| practice::Msg::Solution.into(), "its solution (asks until you pass)"),
    on(Ask, &[c('y')], |_| practice::Msg::AskYes.into(), "yes / no to the question asked").hint("yes"),
    on(Ask, &[c('n'), k(Esc)], |_| practice::Msg::AskNo.into(), "").hint("no"),
    on(TextPopup, &[c('j'), k(Down), WheelDown], |_| overlay::Msg::TextScroll(1).into(), "scroll a hint or the solution"),
    on(TextPopup, &[c('k'), k(Up), WheelUp], |_| overlay::Msg::TextScroll(-1).into(), ""),
    on(TextPopup, &[Other], |_| overlay::Msg::Close.into(), "close it").hint("close"),
    // Themes and presenting to a room.
    on(Presenter, &[c('T')], |_| presenter::Msg::CycleTheme.into(), "theme: dark, light, mono"),
    on(Presenter, &[c('P')], |_| presenter::Msg::ToggleKeys.into(), "show keys pressed (for an audience)"),
    on(Presenter, &[c('z')], |_| presenter::Msg::ToggleZoom.into(), "zoom: the focused pane alone"),
    // The class view (teacher).
    on(Class, &[c('j'), k(Down)], |_| class::Msg::Move(1).into(), "move among the participants").hint("move"),
    on(Class, &[c('k'), k(Up)], |_| class::Msg::Move(-1).into(), ""),
    on(Class, &[c('o')], |_| class::Msg::Sort.into(), "sort: joined, name, cores, best speedup").hint("sort"),
    on(Class, &[c('h')], |_| class::Msg::Hide.into(), "hide / show a participant on the charts").hint("hide"),
    on(Class, &[c('z')], |_| class::Msg::Freeze.into(), "freeze / unfreeze the view").hint("freeze"),
    // This help.
    on(Help, &[c('j'), k(Down), WheelDown], |_| overlay::Msg::HelpScroll(1).into(), "scroll this help"),
    on(Help, &[c('k'), k(Up), WheelUp], |_| overlay::Msg::HelpScroll(-1).into(), ""),
    on(Help, &[c(' '), k(PageDown)], |_| overlay::Msg::HelpScroll(10).into(), "scroll it a page"),
    on(Help, &[c('b'), k(PageUp)], |_| overlay::Msg::HelpScroll(-10).into(), ""),
    on(Help, &[Other], |_| overlay::Msg::Close.into(), "close it"),
];
