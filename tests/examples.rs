//! Every example the course ships runs under every Python this machine
//! offers (the default one, plus what `scripts/pythons.sh` finds, or the
//! programs listed in `FORKLAB_PYTHONS`) and under each start method the
//! example lists: its exit status is the one its lesson expects under that
//! method and every expected string is in its output. Runs several at once
//! to keep the suite short. With `FORKLAB_MATRIX=FILE` it also writes the
//! README's matrix (example x Python x start method) to FILE.

#[path = "support/python.rs"]
mod python;

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use forklab::lesson::{Example, LessonSet};
use forklab::python::{Exit, Interpreter, RunRequest, StartMethod};

/// Examples running at the same time. Many of them mostly wait (sleeping
/// workers), so a little more than the 2 cores of CI keeps it busy.
const PARALLEL: usize = 3;

/// The interpreters to try: the default one first, then one per other
/// minor version from `FORKLAB_PYTHONS` (programs separated by spaces or
/// newlines) or else from `scripts/pythons.sh` (which only looks).
fn interpreters(default: Interpreter) -> Vec<Interpreter> {
    let listed = match std::env::var("FORKLAB_PYTHONS") {
        Ok(list) => list,
        Err(_) => {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pythons.sh");
            let out = std::process::Command::new("bash").arg(script).output();
            let out = out.expect("cannot run scripts/pythons.sh");
            assert!(out.status.success(), "scripts/pythons.sh failed: {out:?}");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_once(' ').map(|(_, program)| program.to_string()))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let mut found = vec![default];
    for program in listed.split_whitespace() {
        match Interpreter::find(Some(Path::new(program))) {
            Ok(python) => {
                let minor = |p: &Interpreter| (p.version_info.0, p.version_info.1);
                if !found.iter().any(|f| minor(f) == minor(&python)) {
                    found.push(python);
                }
            }
            Err(e) => panic!("{program} was offered as a Python but does not work: {e}"),
        }
    }
    found.sort_by_key(|p| p.version_info);
    found
}

/// One run of the matrix.
struct Job {
    lesson: String,
    example: Example,
    python: Interpreter,
    /// `None`: the interpreter's default.
    method: Option<StartMethod>,
}

/// How one run went.
enum Verdict {
    Passed,
    Skipped(Vec<String>),
    Failed(String),
}

#[test]
fn every_shipped_example_gives_its_expected_status_and_output() {
    let Some(default) = python::python_or_skip("every_shipped_example") else {
        return;
    };
    let pythons = interpreters(default.clone());
    let strict = std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("FORKLAB_REQUIRE_PYTHON").is_ok_and(|v| v == "1");
    if strict {
        assert!(
            pythons.iter().any(|p| p.version_info.1 == 11),
            "CI needs Python 3.11; found {:?}",
            pythons.iter().map(|p| &p.version).collect::<Vec<_>>()
        );
    }
    let set = Arc::new(LessonSet::embedded());
    let examples: Vec<(String, Example)> = set
        .lessons
        .iter()
        .flat_map(|l| {
            l.meta
                .examples
                .iter()
                .map(|e| (l.meta.id.clone(), e.clone()))
        })
        .collect();
    assert!(
        examples.len() >= 30,
        "only {} examples found",
        examples.len()
    );
    let mut jobs = Vec::new();
    for (lesson, example) in &examples {
        for python in &pythons {
            let methods: Vec<Option<StartMethod>> = if example.start_methods.is_empty() {
                vec![None]
            } else {
                let listed: Vec<StartMethod> = example
                    .start_methods
                    .iter()
                    .map(|m| m.parse().expect("forklab check validates start methods"))
                    .collect();
                listed
                    .into_iter()
                    .filter(|m| python.supports(*m))
                    .map(Some)
                    .collect()
            };
            for method in methods {
                jobs.push(Job {
                    lesson: lesson.clone(),
                    example: example.clone(),
                    python: python.clone(),
                    method,
                });
            }
        }
    }
    // The longest first (their time limit says roughly how long they take).
    jobs.sort_by_key(|j| std::cmp::Reverse(j.example.timeout.unwrap_or(120)));
    let total = jobs.len();
    let queue = Arc::new(Mutex::new(VecDeque::from(jobs)));
    let results = Arc::new(Mutex::new(Vec::new()));
    let t0 = Instant::now();
    let workers: Vec<_> = (0..PARALLEL)
        .map(|_| {
            let (queue, results, set) = (queue.clone(), results.clone(), set.clone());
            std::thread::spawn(move || {
                loop {
                    let Some(job) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    let started = Instant::now();
                    let verdict = check_example(&set, &job);
                    results
                        .lock()
                        .unwrap()
                        .push((job, started.elapsed(), verdict));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a worker thread panicked");
    }
    let results = results.lock().unwrap();
    let versions: Vec<&str> = pythons.iter().map(|p| p.version.as_str()).collect();
    let mut report = format!(
        "{total} runs of {} examples with Python {} in {:.1} s ({PARALLEL} at a time):\n",
        examples.len(),
        versions.join(", "),
        t0.elapsed().as_secs_f64()
    );
    for (job, took, verdict) in results.iter() {
        report.push_str(&format!(
            "  {:>6.2} s  {}/{} {} {}{}\n",
            took.as_secs_f64(),
            job.lesson,
            job.example.id,
            job.python.version,
            method_name(job),
            match verdict {
                Verdict::Passed => String::new(),
                Verdict::Skipped(m) => format!("  skipped: needs {}", m.join(", ")),
                Verdict::Failed(_) => "  FAILED".into(),
            }
        ));
    }
    let _ = std::io::stderr().write_all(report.as_bytes());
    if let Ok(path) = std::env::var("FORKLAB_MATRIX") {
        std::fs::write(&path, matrix(&examples, &pythons, &results))
            .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    }
    let mut failures: Vec<String> = results
        .iter()
        .filter_map(|(job, _, verdict)| match verdict {
            Verdict::Failed(p) => Some(format!(
                "--- {}/{} on Python {} ({}): {p}",
                job.lesson,
                job.example.id,
                job.python.version,
                method_name(job)
            )),
            _ => None,
        })
        .collect();
    // Modules CI installs must really be there for the default Python.
    let required = std::env::var("FORKLAB_REQUIRE_MODULES").unwrap_or_default();
    for (job, _, verdict) in results.iter() {
        if let Verdict::Skipped(missing) = verdict
            && job.python == default
            && missing.iter().any(|m| {
                // "numpy" or, when it is there but fails, "numpy (why)".
                let name = m.split_once(" (").map_or(m.as_str(), |(name, _)| name);
                required.split_whitespace().any(|r| r == name)
            })
        {
            failures.push(format!(
                "--- {}/{}: skipped on Python {}, but FORKLAB_REQUIRE_MODULES requires {}",
                job.lesson,
                job.example.id,
                job.python.version,
                missing.join(", ")
            ));
        }
    }
    assert_eq!(results.len(), total);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `fork`, or `default (fork)` when none was chosen.
fn method_name(job: &Job) -> String {
    match job.method {
        Some(method) => method.to_string(),
        None => format!("default ({})", job.python.default_start_method),
    }
}

/// The README's table: one row per example, one column per Python; each
/// cell lists the start methods run and how each went.
fn matrix(
    examples: &[(String, Example)],
    pythons: &[Interpreter],
    results: &[(Job, Duration, Verdict)],
) -> String {
    let mut cells: BTreeMap<(String, String, String), Vec<(usize, String)>> = BTreeMap::new();
    for (job, _, verdict) in results {
        let order = job.method.map_or(0, |m| {
            1 + StartMethod::ALL.iter().position(|x| *x == m).unwrap()
        });
        let word = match job.method {
            Some(m) => m.to_string(),
            None => format!("{} (default)", job.python.default_start_method),
        };
        let mark = match verdict {
            Verdict::Passed => format!("{word} ✓"),
            Verdict::Skipped(m) => format!("{word}: skipped, needs {}", m.join(", ")),
            Verdict::Failed(_) => format!("{word} ✗"),
        };
        cells
            .entry((
                job.lesson.clone(),
                job.example.id.clone(),
                job.python.version.clone(),
            ))
            .or_default()
            .push((order, mark));
    }
    let mut out = String::from("| lesson / example |");
    for python in pythons {
        out.push_str(&format!(" Python {} |", python.version));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(pythons.len()));
    out.push('\n');
    for (lesson, example) in examples {
        out.push_str(&format!("| {lesson} / {} |", example.id));
        for python in pythons {
            let key = (lesson.clone(), example.id.clone(), python.version.clone());
            let mut marks = cells.get(&key).cloned().unwrap_or_default();
            marks.sort();
            let text: Vec<String> = marks.into_iter().map(|(_, m)| m).collect();
            out.push_str(&format!(" {} |", text.join(", ")));
        }
        out.push('\n');
    }
    out
}

/// Runs one job and says how it went.
fn check_example(set: &LessonSet, job: &Job) -> Verdict {
    let mut request = match RunRequest::for_example(set, &job.example, job.python.clone()) {
        Ok(request) => request,
        Err(e) => return Verdict::Failed(e),
    };
    request.start_method = job.method;
    let method = request.effective_start_method();
    let limit = request.timeout + Duration::from_secs(30);
    let outcome = python::run_to_end(request, limit);
    if let Some(missing) = outcome.skipped {
        return Verdict::Skipped(missing);
    }
    let text = outcome.text();
    if let Some(message) = outcome.failed {
        return Verdict::Failed(format!("forklab failed: {message}\n{text}"));
    }
    let exited = outcome.exited.expect("a run ends with Exited or Failed");
    let want_exit = job.example.expect_exit_under(method.as_str());
    let mut problems = Vec::new();
    if exited.status != Exit::Code(want_exit) || !exited.expected {
        problems.push(format!(
            "{} ({:?}), expected exit status {want_exit}",
            exited.status, exited.cause
        ));
    }
    for wanted in job.example.expect_output_under(method.as_str()) {
        if !text.contains(wanted.as_str()) {
            problems.push(format!("output lacks {wanted:?}"));
        }
    }
    if problems.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Failed(format!("{}\n{text}", problems.join("; ")))
    }
}

#[test]
fn each_start_method_reaches_the_script_and_is_reported() {
    let Some(interpreter) = python::python_or_skip("each_start_method") else {
        return;
    };
    let set = LessonSet::embedded();
    let lesson = &set.lessons[set.index_of("start-methods").unwrap()];
    let example = lesson
        .meta
        .examples
        .iter()
        .find(|e| e.id == "what-is-copied")
        .unwrap();
    let chosen: Vec<Option<StartMethod>> = StartMethod::ALL
        .into_iter()
        .filter(|m| interpreter.supports(*m))
        .map(Some)
        .chain([None])
        .collect();
    for method in chosen {
        let mut request = RunRequest::for_example(&set, example, interpreter.clone()).unwrap();
        request.start_method = method;
        let outcome = python::run_to_end(request, Duration::from_secs(90));
        let started = outcome.started.as_ref().expect("started");
        let ran = method.unwrap_or(interpreter.default_start_method);
        assert_eq!(started.start_method, ran);
        assert_eq!(started.start_method_chosen, method.is_some());
        assert_eq!(started.python_version, interpreter.version);
        let text = outcome.text();
        let said = format!("master: pid {}, start method {ran}", started.pid);
        assert!(text.contains(&said), "{method:?}: no {said:?} in\n{text}");
        assert!(outcome.exited.is_some_and(|e| e.expected), "{text}");
    }
}

#[test]
fn the_managers_server_gets_its_own_role_under_every_start_method() {
    let Some(interpreter) = python::python_or_skip("managers_server_role") else {
        return;
    };
    for method in StartMethod::ALL
        .into_iter()
        .filter(|m| interpreter.supports(*m))
    {
        let out = std::process::Command::new(python::launcher())
            .args(["example", "run", "manager", "--start-method"])
            .arg(method.as_str())
            .output()
            .expect("forklab runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{method}: {out:?}");
        let said = text
            .lines()
            .find_map(|l| l.strip_prefix("the manager's server: SyncManager-1, pid "))
            .unwrap_or_else(|| panic!("{method}: the script names no server pid:\n{text}"));
        let row = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(said.trim()))
            .unwrap_or_else(|| panic!("{method}: pid {said} is not in the family table:\n{text}"));
        // The portable backend cannot see a Manager's socket
        // (docs/PLATFORMS.md): the server is in the family, its role unknown.
        if forklab::os::platform::choice().backend == forklab::os::platform::Backend::Portable {
            eprintln!(
                "SKIPPED the manager's role ({method}): FORKLAB_BACKEND=portable cannot see its socket"
            );
            continue;
        }
        assert_eq!(
            row.split_whitespace().nth(2),
            Some("manager"),
            "{method}: {row}\n{text}"
        );
    }
}
