//! Every example the course ships runs under the machine's Python: its exit
//! status is the one its lesson expects and every `expect_output` string is
//! in its output. Runs several examples at once to keep the suite short.

#[path = "support/python.rs"]
mod python;

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use forklab::lesson::{Example, LessonSet};
use forklab::python::{Exit, RunRequest, StartMethod};

/// Examples running at the same time. Many of them mostly wait (sleeping
/// workers), so a little more than the 2 cores of CI keeps it busy.
const PARALLEL: usize = 3;

#[test]
fn every_shipped_example_gives_its_expected_status_and_output() {
    let Some(interpreter) = python::python_or_skip("every_shipped_example") else {
        return;
    };
    let set = Arc::new(LessonSet::embedded());
    let mut examples: Vec<(String, Example)> = set
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
    // The longest first (their time limit says roughly how long they take).
    examples.sort_by_key(|(_, e)| std::cmp::Reverse(e.timeout.unwrap_or(120)));
    let total = examples.len();
    let queue = Arc::new(Mutex::new(VecDeque::from(examples)));
    let results = Arc::new(Mutex::new(Vec::new()));
    let t0 = Instant::now();
    let workers: Vec<_> = (0..PARALLEL)
        .map(|_| {
            let (queue, results, set, interpreter) = (
                queue.clone(),
                results.clone(),
                set.clone(),
                interpreter.clone(),
            );
            std::thread::spawn(move || {
                loop {
                    let Some((lesson, example)) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    let started = Instant::now();
                    let problem = check_example(&set, &example, interpreter.clone());
                    results.lock().unwrap().push((
                        format!("{lesson}/{}", example.id),
                        started.elapsed(),
                        problem,
                    ));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a worker thread panicked");
    }
    let results = results.lock().unwrap();
    let mut report = format!(
        "{total} examples with Python {} in {:.1} s ({PARALLEL} at a time):\n",
        interpreter.version,
        t0.elapsed().as_secs_f64()
    );
    for (name, took, problem) in results.iter() {
        report.push_str(&format!(
            "  {:>6.2} s  {name}{}\n",
            took.as_secs_f64(),
            if problem.is_some() { "  FAILED" } else { "" }
        ));
    }
    let _ = std::io::stderr().write_all(report.as_bytes());
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(name, _, p)| p.as_ref().map(|p| format!("--- {name}: {p}")))
        .collect();
    assert_eq!(results.len(), total);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs one example; describes what went wrong, if anything.
fn check_example(
    set: &LessonSet,
    example: &Example,
    interpreter: forklab::python::Interpreter,
) -> Option<String> {
    let request = match RunRequest::for_example(set, example, interpreter) {
        Ok(request) => request,
        Err(e) => return Some(e),
    };
    let limit = request.timeout + Duration::from_secs(30);
    let outcome = python::run_to_end(request, limit);
    let text = outcome.text();
    if let Some(message) = outcome.failed {
        return Some(format!("forklab failed: {message}\n{text}"));
    }
    let exited = outcome.exited.expect("a run ends with Exited or Failed");
    let mut problems = Vec::new();
    if exited.status != Exit::Code(example.expect_exit) || !exited.expected {
        problems.push(format!(
            "{} ({:?}), expected exit status {}",
            exited.status, exited.cause, example.expect_exit
        ));
    }
    for wanted in &example.expect_output {
        if !text.contains(wanted.as_str()) {
            problems.push(format!("output lacks {wanted:?}"));
        }
    }
    (!problems.is_empty()).then(|| format!("{}\n{text}", problems.join("; ")))
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
