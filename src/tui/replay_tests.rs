//! Replays over ratatui's `TestBackend`: traces made through the recorder
//! drive the same `update` and `view` as live events, deterministically.

use crate::tui::action as msg;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::action::replay::READ_ONLY;
use super::session::replay_actions;
use super::state::ReplayStatus;
use super::update::update_now as update;
use super::{Action, Effect, State, view};
use crate::lab::Workload;
use crate::lab::{LabConfig, LabEvent, RunResult};
use crate::lesson::LessonSet;
use crate::monitor::Sampler;
use crate::monitor::scripted::ScriptedSampler;
use crate::os::process::Exit;
use crate::progress::Progress;
use crate::python::{EndCause, Exited, Output, PyEvent, StartMethod, Started, Stream};
use crate::trace::replay::{Control, Cursor};
use crate::trace::{Machine, Record, Recorder, Trace};

mod lesson;

const TICK: Duration = Duration::from_millis(250);

fn fixture() -> LessonSet {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons");
    LessonSet::from_dir(std::path::Path::new(dir)).unwrap()
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A recording being made: the recorder, the scripted sampler and the
/// next sample due every 250 ms.
struct Tape {
    rec: Recorder<Vec<u8>>,
    sampler: ScriptedSampler,
    start: Instant,
    tick: u32,
}

impl Tape {
    fn new(cores: usize) -> Tape {
        let start = Instant::now();
        let machine = Machine {
            cores,
            model: Some("scripted".into()),
            os: Some("scripted".into()),
            python: Some("3.11.7".into()),
            forklab: "0.1.0".into(),
            recorded: "2026-12-01T16:40:00Z".into(),
        };
        Tape {
            rec: Recorder::new(Vec::new(), machine, start).unwrap(),
            sampler: ScriptedSampler::new(cores, 5),
            start,
            tick: 0,
        }
    }

    /// The samples due up to `t` ms.
    fn sample_until(&mut self, t: u64) {
        while u64::from(self.tick) * 250 <= t {
            let sample = self.sampler.sample();
            self.rec
                .sample(self.start + TICK * self.tick, &sample)
                .unwrap();
            self.tick += 1;
        }
    }

    fn record(&mut self, t: u64, record: Record) {
        self.rec.record(self.start + ms(t), record).unwrap();
    }

    fn lab(&mut self, t: u64, event: LabEvent) {
        self.record(t, Record::Lab { event });
    }

    fn trace(self) -> Trace {
        Trace::read(&self.rec.finish().unwrap()[..]).unwrap()
    }
}

/// A session as the recorder writes it: samples of `cores` cores every
/// 250 ms, a Python example's run, then a lab sweep of 1, 2 and 4 workers.
fn session_trace(cores: usize) -> Trace {
    let mut tape = Tape::new(cores);
    tape.sample_until(500);
    example_run(&mut tape);
    tape.record(2000, Record::LabBegan { sweep: true });
    let config = LabConfig {
        tasks: 8,
        worker_exe: "forklab".into(),
        ..LabConfig::new(Workload::Cpu)
    };
    let mut t = 2000;
    let mut results = Vec::new();
    for workers in [1, 2, 4] {
        let (result, end) = lab_run(&mut tape, t, config.with_workers(workers));
        results.push(result);
        t = end + 300;
    }
    tape.lab(t, LabEvent::SweepFinished(results));
    tape.sample_until(t + 500);
    tape.trace()
}

/// Squares run as example 1, from 600 to 1600 ms.
fn example_run(tape: &mut Tape) {
    tape.record(
        600,
        Record::PyBegan {
            run: 1,
            title: "Squares".into(),
            command: "squares.py 4".into(),
        },
    );
    let py = |event| Record::Py { run: 1, event };
    tape.record(
        650,
        py(PyEvent::Started(Started {
            pid: 4242,
            pgid: 4242,
            guard_pid: 4241,
            python: "/usr/bin/python3".into(),
            python_version: "3.11.7".into(),
            start_method: StartMethod::Fork,
            start_method_chosen: false,
            workdir: "/tmp/work".into(),
            command: "python3 -u squares.py 4".into(),
        })),
    );
    for (i, line) in ["squares of 0..4", "[0, 1, 4, 9]"].iter().enumerate() {
        let t = 700 + i as u64 * 400;
        tape.sample_until(t);
        tape.record(
            t,
            py(PyEvent::Output(Output {
                stream: Stream::Stdout,
                offset: ms(50 + i as u64 * 400),
                text: line.to_string(),
                line_end: true,
            })),
        );
    }
    tape.sample_until(1600);
    tape.record(
        1600,
        py(PyEvent::Exited(Exited {
            status: Exit::Code(0),
            expected: true,
            expect_exit: 0,
            elapsed: ms(950),
            cause: EndCause::Finished,
            contained: None,
        })),
    );
}

/// One lab run of 8 tasks from `t` ms: its result and when it ended.
fn lab_run(tape: &mut Tape, t: u64, config: LabConfig) -> (RunResult, u64) {
    let workers = config.workers;
    let started = tape.start;
    tape.lab(
        t,
        LabEvent::RunStarted {
            config: config.clone(),
            started,
        },
    );
    for w in 0..workers {
        let pid = 5000 + w as u32;
        tape.lab(
            t,
            LabEvent::WorkerSpawned {
                worker: w,
                pid,
                at: ms(1),
            },
        );
        tape.lab(
            t + 10,
            LabEvent::WorkerReady {
                worker: w,
                pid,
                at: ms(10),
            },
        );
    }
    tape.lab(t + 10, LabEvent::AllReady { at: ms(10) });
    let per_task = 200 / workers as u64;
    for task in 0..8 {
        let worker = task % workers;
        let pid = 5000 + worker as u32;
        let begin = 10 + (task / workers) as u64 * per_task;
        tape.sample_until(t + begin);
        let at = ms(begin);
        tape.lab(
            t + begin,
            LabEvent::TaskStarted {
                worker,
                pid,
                task,
                at,
            },
        );
        let at = ms(begin + per_task);
        let value = 7;
        let finished = LabEvent::TaskFinished {
            worker,
            pid,
            task,
            value,
            at,
        };
        tape.lab(t + begin + per_task, finished);
    }
    let end = 10 + 8 * per_task;
    for w in 0..workers {
        let pid = 5000 + w as u32;
        let exit = Exit::Code(0);
        tape.lab(
            t + end,
            LabEvent::WorkerExited {
                worker: w,
                pid,
                exit,
                at: ms(end),
            },
        );
    }
    let result = RunResult {
        config,
        startup: ms(10),
        wall: ms(1600 / workers as u64),
        serial: Duration::ZERO,
        answer: 56,
        pids: (0..workers).map(|w| 5000 + w as u32).collect(),
        tasks_done: vec![8 / workers; workers],
        crashes: Vec::new(),
        ..RunResult::default()
    };
    tape.lab(t + end, LabEvent::RunFinished(Box::new(result.clone())));
    (result, t + end)
}

/// The reader opened on a trace, as `forklab replay` opens it.
fn replaying(trace: &Trace, width: u16, height: u16) -> State {
    let mut s = State::with_cores(
        fixture(),
        Progress::default(),
        Rect::new(0, 0, width, height),
        trace.header.machine.cores,
    );
    s.replay = Some(ReplayStatus::new(trace, Instant::now()));
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    s
}

fn frame(state: &State) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(state.screen.width, state.screen.height)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    format!("{}", terminal.backend())
}

fn apply(state: &mut State, delivery: crate::trace::replay::Delivery) {
    let base = state.replay.as_ref().unwrap().base;
    for action in replay_actions(base, delivery) {
        update(state, action);
    }
}

/// Plays the whole trace in steps of `step`, switching to the lab half
/// way, and returns every frame drawn.
fn play(trace: &Trace, width: u16, height: u16, step: Duration) -> Vec<String> {
    let mut s = replaying(trace, width, height);
    let mut cursor = Cursor::default();
    let mut frames = Vec::new();
    let mut at = Duration::ZERO;
    loop {
        let delivery = cursor.seek(&trace.entries, at);
        let ended = delivery.ended;
        apply(&mut s, delivery);
        if at >= ms(1900) && s.mode == super::state::Mode::Lesson {
            update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
        }
        frames.push(frame(&s));
        if ended {
            return frames;
        }
        at += step;
    }
}

#[test]
fn replaying_a_trace_twice_draws_the_same_frames() {
    let trace = session_trace(16);
    let first = play(&trace, 120, 40, TICK);
    let second = play(&trace, 120, 40, TICK);
    assert!(first.len() > 10, "{} frames", first.len());
    assert_eq!(first, second);
    // The run and the sweep are on screen as they went.
    assert!(
        first.iter().any(|f| f.contains("[0, 1, 4, 9]")),
        "no output pane"
    );
    let last = first.last().unwrap();
    assert!(
        last.contains("replay: 16 cores, recorded on 2026-12-01 16:40 UTC"),
        "{last}"
    );
    assert!(last.contains("4.00×"), "the sweep's table: {last}");
}

#[test]
fn seeking_back_draws_what_playing_forward_drew() {
    let trace = session_trace(4);
    let mut s = replaying(&trace, 100, 30);
    let mut cursor = Cursor::default();
    let mut at_1s = None;
    for step in 0.. {
        let at = TICK * step;
        let delivery = cursor.seek(&trace.entries, at);
        let ended = delivery.ended;
        apply(&mut s, delivery);
        if at == ms(1000) {
            at_1s = Some(frame(&s));
        }
        if ended {
            break;
        }
    }
    let end = frame(&s);
    let back = cursor.seek(&trace.entries, ms(1000));
    assert!(back.reset);
    apply(&mut s, back);
    assert_eq!(Some(frame(&s)), at_1s);
    apply(&mut s, cursor.seek(&trace.entries, trace.length()));
    assert_eq!(frame(&s), end);
}

#[test]
fn a_replay_is_read_only() {
    let trace = session_trace(2);
    let mut s = replaying(&trace, 80, 24);
    for action in [
        Action::Live(msg::live::Msg::ToggleBusy),
        Action::Python(msg::python::Msg::OpenExamples),
        Action::Replay(msg::replay::Msg::ToggleRecording),
        Action::Python(msg::python::Msg::Stop),
        Action::Live(msg::live::Msg::FasterRefresh),
    ] {
        assert_eq!(update(&mut s, action), Vec::new());
        assert_eq!(s.notice.as_deref(), Some(READ_ONLY));
    }
    update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
    for action in [
        Action::Lab(msg::lab::Msg::Run),
        Action::Lab(msg::lab::Msg::Sweep),
        Action::Lab(msg::lab::Msg::Workers(1)),
        Action::Lab(msg::lab::Msg::Workload),
    ] {
        assert_eq!(update(&mut s, action), Vec::new());
        assert_eq!(s.notice.as_deref(), Some(READ_ONLY));
    }
    // Its own keys steer the replay.
    assert_eq!(
        update(&mut s, Action::Replay(msg::replay::Msg::Pause)),
        [Effect::ReplayControl(Control::Pause(true))]
    );
    assert_eq!(
        update(&mut s, Action::Replay(msg::replay::Msg::Speed(true))),
        [Effect::ReplayControl(Control::Speed(2.0))]
    );
    for _ in 0..9 {
        update(&mut s, Action::Replay(msg::replay::Msg::Speed(true)));
    }
    assert_eq!(s.replay.as_ref().unwrap().speed(), 8.0);
    assert_eq!(
        update(&mut s, Action::Replay(msg::replay::Msg::Seek(true))),
        [Effect::ReplayControl(Control::Seek(
            trace.length().min(ms(5000))
        ))]
    );
}

#[test]
fn the_lab_replayed_has_the_traces_results() {
    let trace = session_trace(4);
    let mut s = replaying(&trace, 120, 40);
    apply(
        &mut s,
        Cursor::default().seek(&trace.entries, trace.length()),
    );
    let replayed: Vec<RunResult> = s.lab.measured.iter().map(|m| m.result.clone()).collect();
    assert_eq!(replayed, trace.lab_results());
    assert_eq!(replayed.len(), 3);
    assert!(!s.lab.running);
    assert!(
        s.progress.experiments.is_empty(),
        "a replay's runs are not the learner's"
    );
}

fn replayed_to_end(trace: &Trace, width: u16, height: u16) -> State {
    let mut s = replaying(trace, width, height);
    apply(
        &mut s,
        Cursor::default().seek(&trace.entries, trace.length()),
    );
    s
}

/// 256 cores made by the scripted sampler, through the recorder.
fn scripted_256() -> Trace {
    let bytes = crate::trace::scripted(256, 257, 40, TICK);
    Trace::read(&bytes[..]).unwrap()
}

#[test]
fn replay_256_cores_200x60() {
    let s = replayed_to_end(&scripted_256(), 200, 60);
    insta::assert_snapshot!(frame(&s));
}

#[test]
fn replay_256_cores_80x24() {
    let s = replayed_to_end(&scripted_256(), 80, 24);
    insta::assert_snapshot!(frame(&s));
}

#[test]
fn replay_256_cores_projector() {
    let mut s = replayed_to_end(&scripted_256(), 200, 60);
    update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
    insta::assert_snapshot!(frame(&s));
}

/// An example running at 80x24: the lesson keeps nine rows beside the
/// output and the processes (it had seven, six lines of text).
#[test]
fn replay_example_running_80x24() {
    let trace = session_trace(2);
    let mut s = replaying(&trace, 80, 24);
    apply(&mut s, Cursor::default().seek(&trace.entries, ms(1200)));
    let f = frame(&s);
    let rows: Vec<&str> = f.lines().collect();
    let output = (rows.iter())
        .position(|r| r.contains("╭ Python"))
        .unwrap_or_else(|| panic!("no output pane:\n{f}"));
    assert!(output >= 10, "the lesson has {} rows:\n{f}", output - 1);
    assert!(f.contains("╭ Processes"), "{f}");
    insta::assert_snapshot!(f);
}

#[test]
fn replay_lab_sweep_120x40() {
    let trace = session_trace(16);
    let mut s = replaying(&trace, 120, 40);
    update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
    apply(
        &mut s,
        Cursor::default().seek(&trace.entries, trace.length()),
    );
    update(&mut s, Action::Replay(msg::replay::Msg::Pause));
    insta::assert_snapshot!(frame(&s));
}

#[test]
fn lab_compared_with_a_recorded_machine_120x40() {
    let trace = session_trace(16);
    let mut s = State::with_cores(fixture(), Progress::default(), Rect::new(0, 0, 120, 40), 2);
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    let recorded = super::lab::Recorded::from_trace(&trace).unwrap();
    update(
        &mut s,
        Action::Lab(msg::lab::Msg::Compare(Box::new(recorded))),
    );
    update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
    for (workers, wall) in [(1, 1900), (2, 1000)] {
        let result = RunResult {
            config: LabConfig {
                tasks: 8,
                worker_exe: "forklab".into(),
                ..LabConfig::new(Workload::Cpu)
            }
            .with_workers(workers),
            startup: ms(12),
            wall: ms(wall),
            serial: Duration::ZERO,
            answer: 56,
            pids: vec![1; workers],
            tasks_done: vec![1; workers],
            crashes: Vec::new(),
            ..RunResult::default()
        };
        update(
            &mut s,
            Action::Lab(msg::lab::Msg::Event(Box::new(LabEvent::RunFinished(
                Box::new(result),
            )))),
        );
    }
    let f = frame(&s);
    assert!(f.contains("recorded 16-core machine"), "{f}");
    assert!(f.contains("this machine (2 cores)"), "{f}");
    assert!(f.contains("4.00×") && f.contains("1.90×"), "{f}");
    insta::assert_snapshot!(f);
    let empty = Trace::read(&crate::trace::scripted(2, 1, 3, TICK)[..]).unwrap();
    assert!(super::lab::Recorded::from_trace(&empty).is_err());
}

/// A sweep of 1 and 2 workers, three runs each (the last run of each
/// point is not its fastest), the 2-worker point measured on a busy machine.
fn repeated_sweep_trace() -> Trace {
    let start = Instant::now();
    let machine = Machine {
        cores: 8,
        model: None,
        os: None,
        python: None,
        forklab: "0.1.0".into(),
        recorded: "2026-12-01T16:40:00Z".into(),
    };
    let mut rec = Recorder::new(Vec::new(), machine, start).unwrap();
    rec.record(start, Record::LabBegan { sweep: true }).unwrap();
    let config = LabConfig {
        tasks: 8,
        worker_exe: "forklab".into(),
        repeat: 3,
        ..LabConfig::new(Workload::Cpu)
    };
    let mut t = 0;
    for (workers, walls, load) in [(1, [1700, 1500, 1648], 0.0), (2, [930, 926, 1010], 0.9)] {
        for wall in walls {
            t += 2000;
            let config = config.with_workers(workers);
            let started = LabEvent::RunStarted {
                config: config.clone(),
                started: start,
            };
            rec.record(start + ms(t), Record::Lab { event: started })
                .unwrap();
            let result = RunResult {
                config,
                startup: ms(10),
                wall: ms(wall),
                answer: 56,
                pids: vec![1; workers],
                tasks_done: vec![1; workers],
                outside_load: Some(load),
                ..RunResult::default()
            };
            let event = LabEvent::RunFinished(Box::new(result));
            rec.record(start + ms(t + wall), Record::Lab { event })
                .unwrap();
        }
    }
    Trace::read(&rec.finish().unwrap()[..]).unwrap()
}

#[test]
fn compare_shows_the_recorded_table_the_replay_shows() {
    let trace = repeated_sweep_trace();
    let recorded = super::lab::Recorded::from_trace(&trace).unwrap();
    assert_eq!(recorded.results.len(), 6, "every repeat is kept");
    let replayed = replayed_to_end(&trace, 120, 40);
    assert_eq!(replayed.lab.rows(), recorded.rows());
    let best: Vec<(usize, u128, bool)> = recorded
        .rows()
        .iter()
        .map(|r| (r.workers, r.wall.as_millis(), r.busy))
        .collect();
    assert_eq!(best, [(1, 1500, false), (2, 926, true)]);
    let mut s = State::with_cores(fixture(), Progress::default(), Rect::new(0, 0, 120, 40), 2);
    update(&mut s, Action::App(msg::app::Msg::Started(Vec::new())));
    update(
        &mut s,
        Action::Lab(msg::lab::Msg::Compare(Box::new(recorded))),
    );
    update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
    let f = frame(&s);
    assert!(f.contains("1.500 s ") && f.contains("0.926 s*"), "{f}");
    assert!(!f.contains("1.648") && !f.contains("1.010"), "{f}");
}

/// Odd values a damaged or hand-made trace may hold, within what the
/// reader accepts: replayed and drawn in every view without a panic.
#[test]
fn odd_but_readable_traces_draw_without_panicking() {
    let header = r#"{"forklab_trace":1,"machine":{"cores":3,"model":null,"os":null,"python":null,"forklab":"9","recorded":"not a date"}}"#;
    let big = r#"{"secs":1000000000000,"nanos":999999999}"#;
    let lines = [
        header.to_string(),
        r#"{"t":0,"k":"process","pid":7,"name":"","command":"","role":"?"}"#.into(),
        r#"{"t":0,"k":"process","pid":8,"name":"x","command":"x","role":"?"}"#.into(),
        r#"{"t":1,"k":"sample","cores":[1e30,-5,50],"total":-1,"mem":[99,0],"load":[1e300,-1,0],"procs":[[7,7,"Z",-3,0,99],[8,7,"?",1e30,18446744073709551615,null]]}"#.into(),
        r#"{"t":2,"k":"lab_began","sweep":true}"#.into(),
        format!(r#"{{"t":3,"k":"lab","event":{{"task_started":{{"worker":1099511627776,"pid":0,"task":18446744073709551615,"at":{big}}}}}}}"#),
        format!(r#"{{"t":3,"k":"lab","event":{{"worker_crashed":{{"worker":5,"pid":1,"exit":{{"signal":99}},"at":{big},"requeued":{{"start":10,"end":5}},"before_ready":true,"stderr":"\u001b[2J"}}}}}}"#),
        r#"{"t":4,"k":"py","run":1,"event":{"output":{"stream":"stdout","offset":{"secs":0,"nanos":0},"text":"before any run","line_end":true}}}"#.into(),
        r#"{"t":5,"k":"py_began","run":1,"title":"","command":""}"#.into(),
        format!(r#"{{"t":6,"k":"py","run":1,"event":{{"output":{{"stream":"stderr","offset":{big},"text":"{}","line_end":false}}}}}}"#, "x".repeat(5000)),
        format!(r#"{{"t":7,"k":"py","run":1,"event":{{"exited":{{"status":{{"signal":0}},"expected":false,"expect_exit":-1,"elapsed":{big},"cause":"timed_out"}}}}}}"#),
        r#"{"t":8,"k":"ended","pid":4294967295,"exit":{"code":-2147483648}}"#.into(),
        r#"{"t":2592000000,"k":"sample","cores":[0,0,0],"total":0,"mem":[0,0],"load":null,"procs":[]}"#.into(),
    ];
    let trace = Trace::read(lines.join("\n").as_bytes()).expect("readable");
    for (w, h) in [(80, 24), (200, 60), (40, 12)] {
        let mut s = replaying(&trace, w, h);
        let mut cursor = Cursor::default();
        for at in [0, 1, 3, 5, 7, 8, 2_592_000_000] {
            apply(&mut s, cursor.seek(&trace.entries, ms(at)));
            frame(&s);
            update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
            frame(&s);
            update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
            update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
            frame(&s);
            update(&mut s, Action::Live(msg::live::Msg::ToggleProjector));
        }
        apply(&mut s, cursor.seek(&trace.entries, Duration::ZERO));
        frame(&s);
    }
}
