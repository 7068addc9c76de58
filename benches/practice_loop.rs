//! The practice loop's latency: from the moment a file is saved to the
//! first check result, and for a passing file to the whole verdict,
//! measured through the same loop the TUI and `forklab practice watch`
//! use (a `notify` watcher, then judged runs of the file through the
//! guard). The scripts' own run times are printed beside it, so forklab's
//! share can be read off (target: under 300 ms).
//!
//! Run: `cargo bench --bench practice_loop` (prints figures; asserts nothing).

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use forklab::lesson::LessonSet;
use forklab::practice::Event;
use forklab::practice::live::{Live, LiveEvent, LiveSetup};
use forklab::python::{Interpreter, PyEvent};

const ROUNDS: usize = 7;

fn main() {
    let python = match Interpreter::find(None) {
        Ok(python) => python,
        Err(e) => {
            println!("practice_loop: no Python, nothing measured: {e}");
            return;
        }
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/practice");
    let set = LessonSet::from_dir(&fixture).expect("fixture lessons");
    let exercise = forklab::practice::find(&set, "pool-squares")
        .expect("fixture exercise")
        .1
        .clone();
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join(exercise.file_name());
    std::fs::write(&path, "print('result: 0')\n").expect("write the file");
    let (tx, rx) = mpsc::channel();
    let live = Live::start(
        LiveSetup {
            set: set.clone(),
            exercise,
            path: path.clone(),
            interpreter: Some(python.clone()),
            python_choice: None,
            launcher: Some(env!("CARGO_BIN_EXE_forklab").into()),
            cores: forklab::os::usable_cores(),
        },
        false,
        move |event| {
            let _ = tx.send((Instant::now(), event));
        },
    );
    // Let the watcher settle before the first save.
    std::thread::sleep(Duration::from_millis(200));
    let mut totals = Vec::new();
    let mut scripts = Vec::new();
    let mut starts = Vec::new();
    for round in 1..=ROUNDS {
        // A wrong answer: the first check result is the exit check of a
        // script that prints one line.
        let saved = Instant::now();
        std::fs::write(&path, format!("print('result: {round}')\n")).expect("save");
        let mut started_at = None;
        let mut script = None;
        let first = loop {
            let Ok((at, event)) = rx.recv_timeout(Duration::from_secs(30)) else {
                println!("practice_loop: no check result within 30 s");
                live.stop();
                return;
            };
            match event {
                LiveEvent::Judge {
                    event: Event::Py(PyEvent::Started(_)),
                    ..
                } if started_at.is_none() => started_at = Some(at),
                LiveEvent::Judge {
                    event: Event::Py(PyEvent::Exited(exited)),
                    ..
                } if script.is_none() => script = Some(exited.elapsed),
                LiveEvent::Judge {
                    event: Event::Verdict(_),
                    ..
                } => break at,
                _ => {}
            }
        };
        totals.push(ms(first - saved));
        starts.push(ms(started_at.unwrap_or(first) - saved));
        scripts.push(ms(script.unwrap_or_default()));
        // Let this judgement finish before the next save.
        while let Ok((_, event)) = rx.recv_timeout(Duration::from_secs(30)) {
            if matches!(event, LiveEvent::Done { .. }) {
                break;
            }
        }
    }
    let verdict = passing(&rx, &path, &set);
    live.stop();
    let (total, start, script) = (median(totals), median(starts), median(scripts));
    println!(
        "practice loop, median of {ROUNDS} saves (Python {}, {} cores):",
        python.version,
        forklab::os::usable_cores()
    );
    println!("  save -> first check result   {total:7.1} ms");
    println!("  save -> script started       {start:7.1} ms");
    println!("  the script's own run         {script:7.1} ms (guard start to its end)");
    println!(
        "  forklab's share              {:7.1} ms (first result minus the script's run)",
        total - script
    );
    if let Some((total, scripts, runs)) = verdict {
        println!(
            "passing file (the fixture's solution), median of {ROUNDS} saves, {runs} runs each:"
        );
        println!("  save -> whole verdict        {total:7.1} ms");
        println!("  the scripts' own runs        {scripts:7.1} ms (guard start to end, summed)");
        println!(
            "  forklab's share              {:7.1} ms (verdict minus the scripts' runs)",
            total - scripts
        );
    }
}

/// Saves the passing solution ROUNDS times and times each save to its
/// verdict (`Done`), beside the sum of the script runs it made.
fn passing(
    rx: &mpsc::Receiver<(Instant, LiveEvent)>,
    path: &Path,
    set: &LessonSet,
) -> Option<(f64, f64, usize)> {
    let exercise = forklab::practice::find(set, "pool-squares").ok()?.1;
    let solution = String::from_utf8(set.read_file(&exercise.solution)?).ok()?;
    let (mut totals, mut scripts, mut runs) = (Vec::new(), Vec::new(), 0);
    for round in 1..=ROUNDS {
        let saved = Instant::now();
        std::fs::write(path, format!("{solution}\n# save {round}\n")).ok()?;
        let mut own = Duration::ZERO;
        runs = 0;
        loop {
            let Ok((at, event)) = rx.recv_timeout(Duration::from_secs(120)) else {
                println!("practice_loop: no verdict within 120 s");
                return None;
            };
            match event {
                LiveEvent::Judge {
                    event: Event::Py(PyEvent::Exited(exited)),
                    ..
                } => {
                    own += exited.elapsed;
                    runs += 1;
                }
                LiveEvent::Done { report, .. } => {
                    if !report.passed {
                        println!(
                            "practice_loop: the solution did not pass: {}",
                            report.reason
                        );
                    }
                    totals.push(ms(at - saved));
                    scripts.push(ms(own));
                    break;
                }
                _ => {}
            }
        }
    }
    Some((median(totals), median(scripts), runs))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
