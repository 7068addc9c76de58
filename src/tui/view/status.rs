//! The header line (where am I) and the status bar (what can I do).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::action::{Action, app, lab, overlay, practice, python, reader, replay, search};
use super::super::keymap::{self, Hint, Where};
use super::super::state::{Mode, ReplayStatus};
use super::super::theme::Theme;

/// What the header draws: where the learner is.
pub struct Header<'a> {
    pub theme: &'a Theme,
    /// The class's code, when the screen is the class's.
    pub class_code: Option<&'a str>,
    /// What the panes show besides this machine: a replay's title, or
    /// that it is being recorded; empty for this machine.
    pub source: String,
    pub title: &'a str,
    pub read: bool,
    /// The part's title (`None`: an overview).
    pub part: Option<String>,
    /// The lesson's number (from 1), and how many there are.
    pub number: usize,
    pub count: usize,
}

impl Header<'_> {
    pub fn draw(&self, frame: &mut Frame, area: Rect) {
        let t = self.theme;
        if let Some(code) = self.class_code {
            let text = format!(" forklab │ class {code} ");
            frame.render_widget(Paragraph::new(text).style(t.header()), area);
            return;
        }
        let source = match self.source.as_str() {
            "" => String::new(),
            source => format!(" │ {source}"),
        };
        let read = if self.read { " ✓" } else { "" };
        let left = format!(" forklab{source} │ {}{read}", self.title);
        let count = format!("{}/{} ", self.number, self.count);
        let right = match &self.part {
            // The part's name only when the lesson's title has room.
            Some(part)
                if (area.width as usize)
                    > left.chars().count() + part.chars().count() + 3 + count.chars().count() =>
            {
                format!("{part} · {count}")
            }
            _ => count,
        };
        let [l, r] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(right.chars().count() as u16),
        ])
        .areas(area);
        // A long replay title must not run into the count: a gap, and `…`.
        let left = crate::sanitize::field(&left, usize::from(l.width).saturating_sub(1));
        frame.render_widget(Paragraph::new(left).style(t.header()), l);
        frame.render_widget(Paragraph::new(right).style(t.header()), r);
    }
}

/// What the status bar draws: on the left what the learner can do (or
/// is doing), on the right where they are.
pub struct StatusBar<'a> {
    pub theme: &'a Theme,
    pub left: Left<'a>,
    pub position: Position<'a>,
}

/// The status bar's left part, the first that applies.
pub enum Left<'a> {
    /// A search being typed.
    Typing(&'a str),
    Notice(&'a str),
    /// A search's matches: the query, the current one (from 1), how many.
    Matches {
        query: &'a str,
        at: usize,
        of: usize,
    },
    /// The keys that apply.
    Hints(Offers),
}

/// The status bar's right part.
pub enum Position<'a> {
    /// The class's screen: nothing.
    Blank,
    Replay(&'a ReplayStatus),
    /// "lesson 3 of 12", with the class link's label before it.
    Label(String),
}

/// What the screen offers, which decides the hints shown.
pub struct Offers {
    pub mode: Mode,
    pub replay: bool,
    pub output_focused: bool,
    /// A script is running (its stop key, not the examples').
    pub running: bool,
    pub examples: bool,
    pub exercises: bool,
    pub answers: bool,
}

impl StatusBar<'_> {
    pub fn draw(&self, frame: &mut Frame, area: Rect) {
        let t = self.theme;
        let position = match &self.position {
            Position::Blank => " ".to_string(),
            Position::Replay(replay) => position_bar(replay, area.width),
            Position::Label(label) => format!(" {label} "),
        };
        let [l, r] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(position.chars().count() as u16),
        ])
        .areas(area);
        let left: Line = match &self.left {
            Left::Typing(input) => Line::from(vec![
                Span::styled(" Search all lessons: ", t.key()),
                Span::raw(format!("{input}▏")),
            ]),
            Left::Notice(notice) => Line::from(Span::styled(format!(" {notice}"), t.notice())),
            Left::Matches { query, at, of } => {
                let mut spans = vec![Span::raw(format!(" \"{query}\": match {at} of {of}  "))];
                spans.extend(hint_spans(t, &keymap::hints(Where::Search)));
                Line::from(spans)
            }
            Left::Hints(offers) => {
                let hints = fit(offers.hints(), l.width as usize);
                let mut spans = vec![Span::raw(" ")];
                spans.extend(hint_spans(t, &hints));
                Line::from(spans)
            }
        };
        frame.render_widget(Paragraph::new(left).style(t.status()), l);
        frame.render_widget(Paragraph::new(position).style(t.status()), r);
    }
}

fn find(wanted: fn(&Action) -> bool) -> Option<Hint> {
    keymap::hint_for(wanted)
}

impl Offers {
    /// The hints for this screen, most needed first within each group,
    /// then search (not in class), help and quit.
    fn hints(&self) -> Vec<Hint> {
        let mut hints: Vec<Option<Hint>> = if self.replay {
            self.replay_hints()
        } else if self.mode == Mode::Lab {
            lab_hints().into_iter().map(Some).collect()
        } else if self.mode == Mode::Class {
            keymap::hints(Where::Class).into_iter().map(Some).collect()
        } else {
            self.reader_hints()
        };
        if self.mode != Mode::Class {
            hints.push(find(|a| matches!(a, Action::Search(search::Msg::Start))));
        }
        hints.extend([
            find(|a| matches!(a, Action::Overlay(overlay::Msg::ToggleHelp))),
            find(|a| matches!(a, Action::App(app::Msg::Quit))),
        ]);
        hints.into_iter().flatten().collect()
    }

    /// A replay's keys: pause, seek, speed, and the lab.
    fn replay_hints(&self) -> Vec<Option<Hint>> {
        vec![
            find(|a| matches!(a, Action::Replay(replay::Msg::Pause))),
            find(|a| matches!(a, Action::Replay(replay::Msg::Seek(_)))),
            find(|a| matches!(a, Action::Replay(replay::Msg::Speed(_)))),
            find(|a| matches!(a, Action::Lab(lab::Msg::Toggle))).map(|mut h| {
                if self.mode == Mode::Lesson {
                    h.word = "lab";
                }
                h
            }),
        ]
    }

    /// The reader's keys: lessons, scrolling (the output when it has the
    /// keys), contents, then what this lesson offers.
    fn reader_hints(&self) -> Vec<Option<Hint>> {
        let mut scroll = find(|a| matches!(a, Action::Reader(reader::Msg::Scroll(_))));
        if self.output_focused
            && let Some(h) = &mut scroll
        {
            h.word = "output";
        }
        let mut hints = vec![
            find(|a| matches!(a, Action::Reader(reader::Msg::NextLesson))),
            scroll,
            find(|a| matches!(a, Action::Overlay(overlay::Msg::OpenContents))),
        ];
        if self.running {
            hints.push(find(|a| matches!(a, Action::Python(python::Msg::Stop))));
        } else if self.examples {
            hints.push(find(|a| {
                matches!(a, Action::Python(python::Msg::OpenExamples))
            }));
        }
        if self.exercises {
            hints.push(find(|a| matches!(a, Action::Practice(practice::Msg::Edit))));
        }
        if self.answers {
            hints.push(find(|a| {
                matches!(a, Action::Reader(reader::Msg::ToggleAnswers))
            }));
        }
        hints
    }
}

/// Drops the least needed hints until the rest fit in `room` columns.
fn fit(mut hints: Vec<Hint>, room: usize) -> Vec<Hint> {
    let width = |h: &[Hint]| {
        h.iter()
            .map(|h| h.keys_joined("/").chars().count() + h.word.len() + 3)
            .sum::<usize>()
            + 1
    };
    for drop in ["contents", "search", "answers", "lesson", "scroll"] {
        if width(&hints) > room {
            hints.retain(|h| h.word != drop);
        }
    }
    hints
}

/// Where the replay is: `▶ 1x ━━━━━━●───── 0:12/1:00 `.
fn position_bar(replay: &ReplayStatus, width: u16) -> String {
    let state = if replay.ended {
        "■"
    } else if replay.paused {
        "‖"
    } else {
        "▶"
    };
    let speed = super::super::update::speed_label(replay.speed());
    let cells: usize = if width >= 120 { 30 } else { 12 };
    let length = replay.length.as_secs_f64();
    let done = if length > 0.0 {
        (replay.position.as_secs_f64() / length).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let at = ((done * cells as f64).round() as usize).min(cells);
    let bar: String = (0..=cells)
        .map(|i| match i.cmp(&at) {
            std::cmp::Ordering::Less => '━',
            std::cmp::Ordering::Equal => '●',
            std::cmp::Ordering::Greater => '─',
        })
        .collect();
    format!(
        " {state} {speed} {bar} {}/{} ",
        clock(replay.position),
        clock(replay.length)
    )
}

/// `1:05`, or `1:02:05` past an hour.
fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The lab's keys the status bar shows (the lab's frame shows the rest).
pub(super) fn lab_hints() -> Vec<Hint> {
    [
        find(|a| matches!(a, Action::Lab(lab::Msg::Workers(_)))),
        find(|a| matches!(a, Action::Lab(lab::Msg::Run))),
        find(|a| matches!(a, Action::Lab(lab::Msg::Sweep))),
        find(|a| matches!(a, Action::Lab(lab::Msg::Stop))),
        find(|a| matches!(a, Action::Lab(lab::Msg::Toggle))),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `n/p lesson  j/k scroll  ...`
fn hint_spans(t: &Theme, hints: &[Hint]) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for hint in hints {
        spans.push(Span::styled(hint.keys_joined("/"), t.key()));
        spans.push(Span::raw(format!(" {}  ", hint.word)));
    }
    spans
}
