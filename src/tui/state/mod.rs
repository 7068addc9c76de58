//! The reader's state: everything the views draw, changed only by `update`.

mod places;
mod practice;
mod python;
mod replay;

use std::collections::BTreeSet;

use ratatui::layout::Rect;

use crate::lesson::LessonSet;
use crate::lesson::highlight::Highlights;
use crate::lesson::render::{Doc, RenderOptions, render};
use crate::progress::Progress;

use std::time::Duration;

use super::keymap::Where;
use super::lab::LabView;
use super::layout::{self, Areas, Shape};
use super::quiz::{self, Pending, Verdict};
use super::theme::Theme;
use crate::lesson::quiz::Question;
use crate::monitor::family::Family;
use crate::monitor::history::History;
use crate::monitor::{DEFAULT_INTERVAL, INTERVALS, Sample, interval_label, nearest_interval};

pub use practice::{Ask, CheckRow, Practice, Working};
pub use python::{ExampleRun, Python, PythonProbe, RunEnd};
pub use replay::{Recording, ReplayStatus, line_for};

/// What the main column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Lesson,
    /// The worker lab (`L`).
    Lab,
    /// The class view (`forklab class serve` or `class open`).
    Class,
}

/// Which pane the scrolling keys move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Lesson,
    Output,
}

/// A popup over the lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    /// The table of contents, with the highlighted lesson.
    Contents {
        selected: usize,
    },
    /// The links of the current lesson, with the highlighted one.
    Links {
        selected: usize,
    },
    /// The lesson's examples to run; `editing` holds the arguments being typed.
    Examples {
        selected: usize,
        editing: Option<String>,
    },
    /// The lesson's exercises, to choose the one to work on.
    Exercises {
        selected: usize,
    },
    /// The lesson's lab experiments, when it declares several (`L`).
    Experiments {
        selected: usize,
    },
    /// A yes-or-no question.
    Ask(Ask),
    /// The exercise's question, answered before the first run.
    Predict {
        text: String,
    },
    /// A hint or the solution: a title and lines of text.
    Text {
        title: String,
        lines: Vec<String>,
        scroll: usize,
    },
}

/// Where a search result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub lesson: usize,
    pub line: usize,
}

/// Search across all lessons: typing a query, then moving between hits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    /// `Some` while the learner types the query.
    pub input: Option<String>,
    /// The query whose hits are shown (empty: no search active).
    pub query: String,
    pub hits: Vec<Hit>,
    pub index: usize,
}

impl Search {
    pub fn active(&self) -> bool {
        !self.query.is_empty()
    }
}

/// Presenter aids: the last keys shown in a corner, one pane alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presenter {
    /// The last keys pressed are shown in a corner, for an audience.
    pub show_keys: bool,
    /// Those keys' names, oldest first (at most [`Presenter::KEPT`]).
    pub keys: std::collections::VecDeque<String>,
    /// The focused pane alone: the lesson (or the lab), or the output
    /// when it has the focus; cores and processes hidden.
    pub zoom: bool,
}

impl Presenter {
    /// Keys kept for the corner.
    pub const KEPT: usize = 6;
}

/// What the live panes show: the latest sample and what led up to it.
#[derive(Debug, Clone)]
pub struct Live {
    pub sample: Sample,
    pub history: History,
    pub family: Family,
}

/// The whole model of the reader.
#[derive(Debug)]
pub struct State {
    pub lessons: LessonSet,
    pub current: usize,
    /// First lesson line shown.
    pub scroll: usize,
    pub screen: Rect,
    /// First line of the help popup (when it must scroll).
    pub help_scroll: usize,
    /// Where the learner was when the help opened: its keys come first.
    pub help_from: Where,
    /// The current lesson rendered for the current width.
    pub doc: Doc,
    /// The width `doc` was wrapped at.
    pub doc_width: usize,
    /// Colours for Python code, once the background highlighter has run.
    pub highlights: Option<std::sync::Arc<Highlights>>,
    /// Lessons whose worked answers are shown.
    pub revealed: BTreeSet<usize>,
    /// Lessons whose answers the learner asked for (`a`) at least once:
    /// their worked-answer examples are listed in the example menu.
    pub answers_asked: BTreeSet<usize>,
    pub overlay: Overlay,
    pub search: Search,
    pub progress: Progress,
    /// Progress changed since it was last saved.
    pub progress_dirty: bool,
    /// A message for the status bar, kept until the next key.
    pub notice: Option<String>,
    /// Live readings; `None` until the first sample (no pane pretends).
    pub live: Option<Live>,
    /// Index into [`INTERVALS`]: the refresh the learner chose.
    pub interval: usize,
    /// The refresh the sampler was last asked for (see [`State::wanted_sampling`]).
    pub sampling: Duration,
    /// Cores full screen, for a projector.
    pub projector: bool,
    /// The process pane's memory columns: USS and PSS (`true`) or RSS.
    pub shares: bool,
    /// The rows whose USS and PSS the sampler was last asked to read
    /// (see [`State::wanted_shares_rows`]).
    pub shares_rows: usize,
    /// Pids of the running busy copies (empty when none run).
    pub busy: Vec<u32>,
    /// The current lesson's questions (those that parse; `forklab check`
    /// reports the others).
    pub questions: Vec<Question>,
    /// Input for the open question.
    pub pending: Pending,
    /// Doc line where the open question starts, if one is open.
    pub open_question: Option<usize>,
    /// The lessons' Python examples: the interpreter, the run, choices.
    pub python: Python,
    /// The exercises: the learner's folder, the one worked on, its checks.
    pub practice: Practice,
    /// This machine's cores, read once at start.
    pub cores: usize,
    pub focus: Focus,
    pub mode: Mode,
    pub lab: LabView,
    /// The one theme: views ask it for every style.
    pub theme: Theme,
    pub presenter: Presenter,
    /// The teacher's class view, when forklab serves or opens a class.
    pub class: Option<super::class::ClassView>,
    /// The learner's link to a class (`--join`).
    pub class_link: Option<super::class::ClassLink>,
    /// The courses the contents can switch to (built-in, packs), and
    /// the open one's index; empty until the runtime has looked.
    pub courses: Vec<crate::pack::Course>,
    pub course: usize,
    /// `q` was pressed while children run: the next `q` quits.
    pub confirm_quit: bool,
    pub quit: bool,
    /// Replaying a trace: the panes show a recorded machine, read only.
    pub replay: Option<ReplayStatus>,
    /// The trace being recorded, if one is.
    pub recording: Option<Recording>,
}

impl State {
    /// The current lesson's examples the `e` menu lists, by index: worked
    /// answers only once the learner tried (asked for the answers with `a`,
    /// or checked one of the lesson's exercises).
    pub fn menu_examples(&self) -> Vec<usize> {
        let meta = &self.lesson().meta;
        // Worked answers come after an attempt: the answers asked for with
        // `a`, or any of the lesson's exercises checked once.
        let tried = meta
            .exercises
            .iter()
            .any(|e| self.progress.exercise(&e.id).checks > 0);
        meta.menu_examples(tried || self.answers_asked.contains(&self.current))
    }

    /// Opens at the lesson the learner left, or the first one.
    pub fn new(lessons: LessonSet, progress: Progress, screen: Rect) -> State {
        State::with_cores(lessons, progress, screen, crate::os::usable_cores())
    }

    /// The same, for a machine with `cores` cores (tests pin the count).
    pub fn with_cores(lessons: LessonSet, progress: Progress, screen: Rect, cores: usize) -> State {
        let current = progress
            .current
            .as_deref()
            .and_then(|id| lessons.index_of(id))
            .unwrap_or(0);
        let mut state = State {
            lessons,
            current,
            scroll: 0,
            screen,
            help_scroll: 0,
            help_from: Where::Everywhere,
            doc: Doc::default(),
            doc_width: 0,
            highlights: None,
            revealed: BTreeSet::new(),
            answers_asked: BTreeSet::new(),
            overlay: Overlay::None,
            search: Search::default(),
            progress,
            progress_dirty: false,
            notice: None,
            live: None,
            interval: DEFAULT_INTERVAL,
            sampling: INTERVALS[DEFAULT_INTERVAL],
            projector: false,
            shares: false,
            shares_rows: 0,
            busy: Vec::new(),
            questions: Vec::new(),
            pending: Pending::default(),
            open_question: None,
            python: Python::default(),
            practice: Practice::default(),
            cores,
            focus: Focus::Lesson,
            mode: Mode::Lesson,
            lab: LabView::new(cores),
            theme: Theme::default(),
            presenter: Presenter::default(),
            class: None,
            class_link: None,
            courses: Vec::new(),
            course: 0,
            confirm_quit: false,
            quit: false,
            replay: None,
            recording: None,
        };
        if !state.lessons.problems.is_empty() {
            state.notice = Some(format!(
                "{} lesson file(s) could not be loaded: run `forklab check` to see why",
                state.lessons.problems.len()
            ));
        }
        state.rerender();
        state.settle();
        state
    }

    /// Takes the settings that shape the reader: theme, refresh, start method.
    pub fn apply(&mut self, settings: &crate::config::Settings) {
        self.theme = Theme::new(settings.theme.value, settings.colour.value);
        self.interval = settings.refresh_index();
        self.sampling = self.interval();
        self.python.start_method = settings.start_method.value;
        self.lab.config.scheduler = settings
            .dask_scheduler
            .value
            .clone()
            .map(std::sync::Arc::new);
    }

    pub fn lesson(&self) -> &crate::lesson::Lesson {
        &self.lessons.lessons[self.current]
    }

    /// What the layout depends on.
    pub fn shape(&self) -> Shape {
        match &self.live {
            None => Shape::default(),
            Some(live) => Shape {
                live: true,
                cores: live.sample.cores.len(),
                processes: live.family.members.len(),
                projector: self.projector,
                zoom: self.presenter.zoom,
                zoom_output: self.presenter.zoom && self.focus == Focus::Output,
                output: false,
                practice: false,
            },
        }
        .with_output(self.output_shown())
        .with_practice(self.practice.working.is_some() && !self.practice.hidden)
    }

    /// Whether the output pane is on screen.
    pub fn output_shown(&self) -> bool {
        self.mode == Mode::Lesson
            && (self.python.run.as_ref().is_some_and(|r| !r.hidden)
                || (self.practice.working.is_some() && !self.practice.hidden))
    }

    /// The arguments an example runs with: the learner's, else the lesson's.
    pub fn args_for(&self, lesson: usize, example: usize) -> Vec<String> {
        let meta = &self.lessons.lessons[lesson].meta;
        let key = format!("{}/{}", meta.id, meta.examples[example].id);
        self.python
            .example_args
            .get(&key)
            .cloned()
            .unwrap_or_else(|| meta.examples[example].args.clone())
    }

    /// The time views measure elapsed times to: the replay's position
    /// on the trace's clock, or now.
    pub fn now(&self) -> std::time::Instant {
        match &self.replay {
            Some(r) => r.base + r.position,
            None => std::time::Instant::now(),
        }
    }

    /// Whether children started by forklab are running.
    pub fn children_running(&self) -> bool {
        !self.busy.is_empty()
            || self.python.run.as_ref().is_some_and(ExampleRun::running)
            || self.lab.running
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.screen, self.shape())
    }

    /// How each question of the current lesson was answered so far.
    pub fn verdicts(&self) -> Vec<Option<Verdict>> {
        let words = self.progress.answers.get(&self.lesson().meta.id);
        (0..self.lesson().meta.questions.len())
            .map(|i| {
                words
                    .and_then(|w| w.get(i))
                    .and_then(|w| Verdict::from_word(w))
            })
            .collect()
    }

    /// Columns the lesson text wraps at.
    pub fn text_width(&self) -> usize {
        self.areas().text.width as usize
    }

    /// Lesson lines visible at once.
    pub fn page_height(&self) -> usize {
        (self.areas().text.height as usize).max(1)
    }

    /// The refresh the learner chose.
    pub fn interval(&self) -> Duration {
        INTERVALS[self.interval]
    }

    /// The refresh the sampler should run at: the fastest while a script
    /// or the lab runs, so workers that live a fraction of a second are
    /// still seen; the learner's choice otherwise.
    pub fn wanted_sampling(&self) -> Duration {
        let watching =
            self.python.run.as_ref().is_some_and(ExampleRun::running) || self.lab.running;
        if watching {
            self.interval().min(INTERVALS[0])
        } else {
            self.interval()
        }
    }

    /// The process rows whose USS and PSS the sampler should read: those
    /// the pane shows while the learner asked for them, else none
    /// (`smaps_rollup` is costly; a replay has no sampler).
    pub fn wanted_shares_rows(&self) -> usize {
        let pane_drawn = self.live.is_some()
            && !self.projector
            && self.mode != Mode::Class
            && !(self.mode == Mode::Lab && self.lab.shows_cluster());
        if self.shares && pane_drawn && self.replay.is_none() {
            process_rows(self.areas().processes)
        } else {
            0
        }
    }

    /// How often the cores are read, for the panes' titles: "every 1 s",
    /// or in a replay the refresh the trace was recorded at.
    pub fn sampling_label(&self) -> String {
        match self.replay.as_ref().and_then(|r| r.interval) {
            // Rounded to the refresh asked for (the trace's readings are
            // a few ms late: "263 ms" was 250 ms).
            Some(recorded) => format!(
                "recorded every {}",
                interval_label(nearest_interval(recorded))
            ),
            None => format!("every {}", interval_label(self.sampling)),
        }
    }

    pub fn max_scroll(&self) -> usize {
        self.doc.len().saturating_sub(self.page_height())
    }

    pub fn render_options(&self, lesson: usize) -> RenderOptions<'_> {
        RenderOptions {
            width: self.text_width(),
            reveal_answers: self.revealed.contains(&lesson),
            highlight: self.highlights.as_deref(),
        }
    }

    /// Renders the current lesson again (new lesson, width, answers, colours).
    pub fn rerender(&mut self) {
        self.doc_width = self.text_width();
        // Free the old lines first: a big lesson is never held twice.
        self.doc = Default::default();
        self.doc = render(&self.lesson().body, self.render_options(self.current));
        self.questions =
            crate::lesson::quiz::questions(&self.lesson().meta.questions).unwrap_or_default();
        let (lines, open) = quiz::lines(
            &self.questions,
            &self.verdicts(),
            &self.pending,
            self.doc_width,
        );
        self.open_question = open.map(|line| self.doc.len() + line);
        self.doc.extend(lines);
        self.scroll = self.scroll.min(self.max_scroll());
    }

    /// Keeps derived facts true after any change: the scroll stays in range,
    /// and a lesson whose end is on screen counts as read (not in a replay).
    pub fn settle(&mut self) {
        self.scroll = self.scroll.min(self.max_scroll());
        // A replay moves through someone else's lessons: the learner's
        // own place and reading stay as they were.
        if self.replay.is_some() {
            return;
        }
        let id = self.lesson().meta.id.clone();
        if self.progress.current.as_deref() != Some(&id) {
            self.progress.current = Some(id.clone());
            self.progress_dirty = true;
        }
        if self.scroll >= self.max_scroll()
            && !layout::too_small(self.screen)
            && self.progress.mark_read(&id)
        {
            self.progress_dirty = true;
        }
    }

    /// Percentage of the lesson above the bottom of the screen.
    pub fn position_label(&self) -> String {
        let total = self.doc.len();
        if total <= self.page_height() {
            "All".into()
        } else if self.scroll == 0 {
            "Top".into()
        } else if self.scroll >= self.max_scroll() {
            "End".into()
        } else {
            format!("{}%", (self.scroll + self.page_height()) * 100 / total)
        }
    }
}

/// The process rows a pane of this size holds: its borders and header
/// take three.
pub fn process_rows(pane: Rect) -> usize {
    usize::from(pane.height.saturating_sub(3))
}
