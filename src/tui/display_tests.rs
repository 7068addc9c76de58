//! Every trick character of [`crate::sanitize::TRICKS`] put where a trace
//! carries outside text (the recording machine's date, process commands,
//! a Python run's title, command and output), replayed and drawn: each is
//! shown visibly, nothing raw reaches a cell, and every row is as wide as
//! the screen, so columns stay aligned.

use crate::tui::action as msg;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use serde_json::json;

use super::session::replay_actions;
use super::state::ReplayStatus;
use super::update::update_now as update;
use super::{Action, State, view};
use crate::lesson::LessonSet;
use crate::progress::Progress;
use crate::sanitize::{self, TRICKS};
use crate::trace::Trace;
use crate::trace::replay::Cursor;

/// A trace whose every outside string holds the tricks.
fn hostile_trace() -> Trace {
    let all: String = TRICKS.iter().map(|(_, raw, _)| *raw).collect();
    let mut lines = vec![
        json!({"forklab_trace": 1, "machine": {"cores": 2, "model": all, "os": all,
            "python": all, "forklab": "9", "recorded": format!("2026{all}")}}),
        json!({"t": 0, "k": "process", "pid": 7, "name": "forklab", "command": "forklab replay x",
            "role": "forklab"}),
    ];
    let mut procs = vec![json!([7, 1, "S", 1.0, 1000, 0])];
    for (i, (_, raw, _)) in TRICKS.iter().enumerate() {
        let pid = 100 + i;
        lines.push(json!({"t": 0, "k": "process", "pid": pid, "name": raw,
            "command": format!("python3 evil.py {raw}"), "role": "worker"}));
        procs.push(json!([pid, 7, "R", 50.0, 1000, 1]));
    }
    lines.push(
        json!({"t": 1, "k": "sample", "cores": [50, 50], "total": 50, "mem": [1, 2],
        "load": null, "procs": procs}),
    );
    lines.push(json!({"t": 2, "k": "py_began", "run": 1, "title": all, "command": all}));
    for (i, (_, raw, _)) in TRICKS.iter().enumerate() {
        lines.push(
            json!({"t": 3, "k": "py", "run": 1, "event": {"output": {"stream": "stdout",
            "offset": {"secs": i, "nanos": 0}, "text": raw, "line_end": true}}}),
        );
    }
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    Trace::read(text.join("\n").as_bytes()).expect("a readable trace")
}

/// The screen's rows as the terminal lays them out (a wide character's
/// second cell left out).
fn rows(state: &State) -> Vec<String> {
    let (width, height) = (state.screen.width, state.screen.height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            let mut row = String::new();
            let mut x = 0;
            while x < width {
                let symbol = buffer[(x, y)].symbol();
                row.push_str(symbol);
                x += sanitize::width(symbol).max(1) as u16;
            }
            row
        })
        .collect()
}

#[test]
fn a_hostile_trace_replays_with_every_trick_shown() {
    let trace = hostile_trace();
    let mut state = State::with_cores(
        LessonSet::embedded(),
        Progress::default(),
        Rect::new(0, 0, 160, 60),
        trace.header.machine.cores,
    );
    state.replay = Some(ReplayStatus::new(&trace, Instant::now()));
    update(&mut state, Action::App(msg::app::Msg::Started(Vec::new())));
    let base = state.replay.as_ref().unwrap().base;
    let delivery = Cursor::default().seek(&trace.entries, Duration::from_secs(60));
    for action in replay_actions(base, delivery) {
        update(&mut state, action);
    }
    let screen = rows(&state);
    for row in &screen {
        assert!(sanitize::is_safe(row), "raw in {row:?}");
        assert_eq!(sanitize::width(row), 160, "{row:?}");
    }
    let screen = screen.join("\n");
    // The date in the title, the commands in the process pane.
    assert!(screen.contains("2026a␛[2Jb"), "{screen}");
    for shown in [
        "evil.py abc⟨U+202E⟩fed",
        "evil.py ␛]0;pwned␇x",
        "evil.py ad⟨U+200D⟩min",
    ] {
        assert!(screen.contains(shown), "{shown} not in\n{screen}");
    }
    // The run's output and its command, as the transcript keeps them.
    let run = state.python.run.as_ref().expect("the replayed run");
    assert!(sanitize::is_safe(&run.command), "{:?}", run.command);
    let text: Vec<&str> = run
        .transcript
        .lines()
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    for (name, _, shown) in TRICKS {
        assert!(text.contains(shown), "{name}: {shown:?} not in {text:?}");
    }
}
