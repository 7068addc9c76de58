//! Cost of one frame and one sampler tick.
//!
//! Run: `cargo bench --bench frame`. The frame is 200x60 with 128 scripted
//! cores and 200 processes, drawn into ratatui's `TestBackend`.

use std::time::{Duration, Instant};

use forklab::lesson::LessonSet;
use forklab::monitor::Sampler;
use forklab::monitor::live::LiveSampler;
use forklab::monitor::scripted::ScriptedSampler;
use forklab::progress::Progress;
use forklab::tui::{Action, State, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn main() {
    divan::main();
}

fn busy_state(width: u16, height: u16, cores: usize, processes: usize) -> State {
    let mut state = State::new(
        LessonSet::embedded(),
        Progress::default(),
        Rect::new(0, 0, width, height),
    );
    let mut sampler = ScriptedSampler::new(cores, processes);
    // A full minute of history at the fastest refresh (250 ms): the most
    // the sparklines ever aggregate.
    let t0 = Instant::now() - Duration::from_secs(60);
    for i in 0..=240 {
        update(
            &mut state,
            Action::Live(forklab::tui::action::live::Msg::Sampled(
                Box::new(sampler.sample()),
                t0 + Duration::from_millis(250) * i,
            )),
            Instant::now(),
        );
    }
    state
}

#[divan::bench(args = [(2, 3), (16, 20), (128, 200)])]
fn draw_frame_200x60(bencher: divan::Bencher, (cores, processes): (usize, usize)) {
    let state = busy_state(200, 60, cores, processes);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    bencher.bench_local(|| {
        terminal.draw(|f| view(&state, f)).unwrap();
    });
}

/// The same frame (128 cores, 200 processes) in each theme: light paints
/// every cell's background, mono drops colours for weights.
#[divan::bench(args = ["dark", "light", "mono"])]
fn draw_frame_200x60_theme(bencher: divan::Bencher, theme: &str) {
    let mut state = busy_state(200, 60, 128, 200);
    let flags = forklab::config::Flags {
        theme: Some(theme.parse().unwrap()),
        ..Default::default()
    };
    state.apply(&forklab::config::resolve(
        &flags,
        &|_| None,
        None,
        "bench",
        None,
    ));
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    bencher.bench_local(|| {
        terminal.draw(|f| view(&state, f)).unwrap();
    });
}

/// One sample from `sampler` applied to `state`, as the loop does.
fn apply_sample(state: &mut State, sampler: &mut ScriptedSampler) {
    update(
        state,
        Action::Live(forklab::tui::action::live::Msg::Sampled(
            Box::new(sampler.sample()),
            Instant::now(),
        )),
        Instant::now(),
    );
}

#[divan::bench]
fn update_with_a_sample_128_cores(bencher: divan::Bencher) {
    let mut state = busy_state(200, 60, 128, 200);
    let mut sampler = ScriptedSampler::new(128, 200);
    bencher.bench_local(|| {
        apply_sample(&mut state, &mut sampler);
    });
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn live_sampler_tick(bencher: divan::Bencher) {
    let mut sampler = LiveSampler::new(std::process::id()).unwrap();
    bencher.bench_local(|| sampler.sample());
}

/// What the main thread does each second while a learner reads: one live
/// sample applied and the frame drawn, at 120x40 on a lesson with Python
/// code (2 cores, forklab alone). `scripts/idle-cost.sh` measures the
/// same in a terminal, cold, beside htop and btop.
#[divan::bench]
fn idle_tick_reading_120x40(bencher: divan::Bencher) {
    let mut state = State::with_cores(
        LessonSet::embedded(),
        Progress::default(),
        Rect::new(0, 0, 120, 40),
        2,
    );
    state.current = 2;
    let mut sampler = ScriptedSampler::new(2, 1);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    bencher.bench_local(|| {
        apply_sample(&mut state, &mut sampler);
        terminal.draw(|f| view(&state, f)).unwrap();
    });
}
