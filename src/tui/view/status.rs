//! The header line (where am I) and the status bar (what can I do).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::action::Action;
use super::super::keymap::{self, Hint, Where};
use super::super::state::{Focus, Mode, ReplayStatus, State};

pub fn header(state: &State, frame: &mut Frame, area: Rect) {
    if let (super::super::state::Mode::Class, Some(class)) = (state.mode, &state.class) {
        let text = format!(" forklab │ class {} ", class.code);
        frame.render_widget(Paragraph::new(text).style(state.theme.header()), area);
        return;
    }
    let lesson = state.lesson();
    let read = if state.progress.is_read(&lesson.meta.id) {
        " ✓"
    } else {
        ""
    };
    let t = &state.theme;
    // What the panes show: a recording, or this machine (recording?).
    let source = match (&state.replay, &state.recording) {
        (Some(replay), _) => format!(" │ {}", replay.title()),
        (None, Some(_)) => " │ ● REC".to_string(),
        (None, None) => String::new(),
    };
    let left = format!(" forklab{source} │ {}{read}", lesson.meta.title);
    let right = if lesson.is_overview() {
        format!("{}/{} ", state.current + 1, state.lessons.len())
    } else {
        let part = state.lessons.part_title(lesson.meta.part);
        format!("{part} · {}/{} ", state.current + 1, state.lessons.len())
    };
    // The part's name only when the lesson's title has room.
    let right = if (area.width as usize) > left.chars().count() + right.chars().count() {
        right
    } else {
        format!("{}/{} ", state.current + 1, state.lessons.len())
    };
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(right.chars().count() as u16),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(left).style(t.header()), l);
    frame.render_widget(Paragraph::new(right).style(t.header()), r);
}

pub fn status_bar(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let position = match (&state.replay, &state.class_link, state.mode) {
        (_, _, Mode::Class) => " ".to_string(),
        (Some(replay), _, _) => position_bar(replay, area.width),
        (None, Some(link), _) => format!(" {} · {} ", link.label(), state.position_label()),
        (None, None, _) => format!(" {} ", state.position_label()),
    };
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(position.chars().count() as u16),
    ])
    .areas(area);
    let left: Line = if let Some(input) = &state.search.input {
        Line::from(vec![
            Span::styled(" Search all lessons: ", t.key()),
            Span::raw(format!("{input}▏")),
        ])
    } else if let Some(notice) = &state.notice {
        Line::from(Span::styled(format!(" {notice}"), t.notice()))
    } else if state.search.active() {
        let mut spans = vec![Span::raw(format!(
            " \"{}\": match {} of {}  ",
            state.search.query,
            state.search.index + 1,
            state.search.hits.len()
        ))];
        spans.extend(hint_spans(t, &keymap::hints(Where::Search)));
        Line::from(spans)
    } else {
        let running = state.python.run.as_ref().is_some_and(|r| r.running());
        let find = |wanted: fn(&Action) -> bool| keymap::hint_for(wanted);
        let mut hints: Vec<Option<Hint>> = if state.replay.is_some() {
            vec![
                find(|a| matches!(a, Action::Replay(crate::tui::action::replay::Msg::Pause))),
                find(|a| matches!(a, Action::Replay(crate::tui::action::replay::Msg::Seek(_)))),
                find(|a| matches!(a, Action::Replay(crate::tui::action::replay::Msg::Speed(_)))),
                find(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Toggle))).map(
                    |mut h| {
                        if state.mode == Mode::Lesson {
                            h.word = "lab";
                        }
                        h
                    },
                ),
            ]
        } else if state.mode == Mode::Lab {
            lab_hints().into_iter().map(Some).collect()
        } else if state.mode == Mode::Class {
            keymap::hints(Where::Class).into_iter().map(Some).collect()
        } else {
            let mut scroll = find(|a| {
                matches!(
                    a,
                    Action::Reader(crate::tui::action::reader::Msg::Scroll(_))
                )
            });
            if state.focus == Focus::Output
                && let Some(h) = &mut scroll
            {
                h.word = "output";
            }
            let mut hints = vec![
                find(|a| {
                    matches!(
                        a,
                        Action::Reader(crate::tui::action::reader::Msg::NextLesson)
                    )
                }),
                scroll,
                find(|a| {
                    matches!(
                        a,
                        Action::Overlay(crate::tui::action::overlay::Msg::OpenContents)
                    )
                }),
            ];
            if running {
                hints.push(find(|a| {
                    matches!(a, Action::Python(crate::tui::action::python::Msg::Stop))
                }));
            } else if !state.lesson().meta.examples.is_empty() {
                hints.push(find(|a| {
                    matches!(
                        a,
                        Action::Python(crate::tui::action::python::Msg::OpenExamples)
                    )
                }));
            }
            if !state.lesson().meta.exercises.is_empty() {
                hints.push(find(|a| {
                    matches!(a, Action::Practice(crate::tui::action::practice::Msg::Edit))
                }));
            }
            if state.doc.has_answers {
                hints.push(find(|a| {
                    matches!(
                        a,
                        Action::Reader(crate::tui::action::reader::Msg::ToggleAnswers)
                    )
                }));
            }
            hints
        };
        if state.mode != Mode::Class {
            hints.push(find(|a| {
                matches!(a, Action::Search(crate::tui::action::search::Msg::Start))
            }));
        }
        hints.extend([
            find(|a| {
                matches!(
                    a,
                    Action::Overlay(crate::tui::action::overlay::Msg::ToggleHelp)
                )
            }),
            find(|a| matches!(a, Action::App(crate::tui::action::app::Msg::Quit))),
        ]);
        let mut hints: Vec<Hint> = hints.into_iter().flatten().collect();
        // Drop the least needed hints until the rest fit.
        let room = l.width as usize;
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
        let mut spans = vec![Span::raw(" ")];
        spans.extend(hint_spans(t, &hints));
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(left).style(t.status()), l);
    frame.render_widget(Paragraph::new(position).style(t.status()), r);
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
    let find = |wanted: fn(&Action) -> bool| keymap::hint_for(wanted);
    [
        find(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Workers(_)))),
        find(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Run))),
        find(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Sweep))),
        find(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Stop))),
        find(|a| matches!(a, Action::Lab(crate::tui::action::lab::Msg::Toggle))),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `n/p lesson  j/k scroll  ...`
fn hint_spans(t: &super::super::theme::Theme, hints: &[Hint]) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for hint in hints {
        spans.push(Span::styled(hint.keys_joined("/"), t.key()));
        spans.push(Span::raw(format!(" {}  ", hint.word)));
    }
    spans
}
