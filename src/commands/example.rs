//! `forklab example list [LESSON]` and `forklab example run ID`: the
//! lessons' Python examples without the TUI, for scripts, classrooms and CI.

use std::io::Write;
use std::process::ExitCode;

use crate::commands::status::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use clap::Subcommand;

use crate::lesson::{Example, Lesson, LessonSet};
use crate::monitor::live::FamilySampler;
use crate::python::{
    EndCause, Exited, FamilyLog, Interpreter, PyEvent, RunRequest, StartMethod, Started, Stream,
};
use crate::sanitize;

/// How often the process family is sampled while a script runs.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(50);

#[derive(Debug, Subcommand)]
pub enum ExampleAction {
    /// List the examples: lesson, example id, default arguments and title.
    List {
        /// Only this lesson's examples.
        lesson: Option<String>,
    },
    /// Run an example with your Python; print its output, then the processes
    /// it made. Exits with the script's status.
    Run(RunArgs),
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The example's id, as listed by `forklab example list`.
    pub id: String,
    /// The lesson the example belongs to, when several lessons use the id.
    #[arg(long, value_name = "LESSON")]
    pub lesson: Option<String>,
    /// fork, spawn or forkserver (passed to the script as FORKLAB_START_METHOD).
    #[arg(long, value_name = "METHOD", value_parser = parse_start_method)]
    pub start_method: Option<StartMethod>,
    /// Time limit in seconds (default: the example's own, else 120).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: Option<u64>,
    /// Arguments for the script, replacing the example's defaults.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

fn parse_start_method(text: &str) -> Result<StartMethod, String> {
    text.parse()
}

/// The Python `--python` or the config file names, and which (`None`:
/// the interpreter search's own order).
pub type PythonChoice<'a> = Option<(&'a std::path::Path, crate::python::interpreter::Source)>;

/// Runs an `example` subcommand.
pub fn run(
    set: &LessonSet,
    python: PythonChoice,
    action: ExampleAction,
) -> Result<ExitCode, Error> {
    match action {
        ExampleAction::List { lesson } => list(set, lesson.as_deref()),
        ExampleAction::Run(args) => run_example(set, python, args),
    }
}

/// One line per example: lesson id, example id, default args, title.
pub fn list(set: &LessonSet, lesson: Option<&str>) -> Result<ExitCode, Error> {
    let lessons: Vec<&Lesson> = match lesson {
        None => set.lessons.iter().collect(),
        Some(id) => match set.index_of(id) {
            Some(i) => vec![&set.lessons[i]],
            None => {
                let with: Vec<&str> = set
                    .lessons
                    .iter()
                    .filter(|l| !l.meta.examples.is_empty())
                    .map(|l| l.meta.id.as_str())
                    .collect();
                return Err(Error::Failed(format!(
                    "no lesson {id:?}; lessons with examples are: {}",
                    with.join(", ")
                )));
            }
        },
    };
    let rows: Vec<[String; 4]> = lessons
        .iter()
        .flat_map(|l| {
            l.meta.examples.iter().map(|e| {
                let args = if e.args.is_empty() {
                    "-".to_string()
                } else {
                    e.args.join(" ")
                };
                let title = if e.requires.is_empty() {
                    e.title.clone()
                } else {
                    format!("{} (needs {})", e.title, e.requires.join(", "))
                };
                [&l.meta.id, &e.id, &args, &title].map(|cell| sanitize::line(cell).into_owned())
            })
        })
        .collect();
    let header = ["lesson", "example", "args", "title"].map(String::from);
    let width = |col: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| sanitize::width(&r[col]))
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    let mut out = std::io::stdout().lock();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            line.push_str(&sanitize::pad(cell, w));
            line.push_str("  ");
        }
        line.push_str(&row[3]);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if rows.is_empty()
        && let Some(id) = lesson
    {
        eprintln!("lesson {id:?} has no examples");
    }
    Ok(ExitCode::SUCCESS)
}

/// Finds an example by id, in one lesson or in all; an id used by several
/// lessons needs `lesson`.
pub fn find_example<'a>(
    set: &'a LessonSet,
    id: &str,
    lesson: Option<&str>,
) -> Result<(&'a Lesson, &'a Example), String> {
    if let Some(lesson) = lesson
        && set.index_of(lesson).is_none()
    {
        return Err(format!(
            "no lesson {lesson:?}; see `forklab example list` for the lessons and their examples"
        ));
    }
    let matches: Vec<(&Lesson, &Example)> = set
        .lessons
        .iter()
        .filter(|l| lesson.is_none_or(|id| l.meta.id == id))
        .flat_map(|l| l.meta.examples.iter().map(move |e| (l, e)))
        .filter(|(_, e)| e.id == id)
        .collect();
    match matches[..] {
        [found] => Ok(found),
        [] => {
            let mut known: Vec<&str> = Vec::new();
            for l in set
                .lessons
                .iter()
                .filter(|l| lesson.is_none_or(|id| l.meta.id == id))
            {
                for e in &l.meta.examples {
                    if !known.contains(&e.id.as_str()) {
                        known.push(&e.id);
                    }
                }
            }
            let place = lesson.map_or(String::new(), |l| format!(" in lesson {l:?}"));
            Err(format!(
                "no example {id:?}{place}; examples are: {}",
                if known.is_empty() {
                    "(none)".to_string()
                } else {
                    known.join(", ")
                }
            ))
        }
        _ => {
            let choices: Vec<String> = matches
                .iter()
                .map(|(l, e)| format!("  --lesson {}   ({})", l.meta.id, e.title))
                .collect();
            Err(format!(
                "example {id:?} is in {} lessons; choose one:\n{}",
                matches.len(),
                choices.join("\n")
            ))
        }
    }
}

fn run_example(set: &LessonSet, python: PythonChoice, args: RunArgs) -> Result<ExitCode, Error> {
    let (lesson, example) = find_example(set, &args.id, args.lesson.as_deref())?;
    let interpreter = Interpreter::find_chosen(python).map_err(|e| e.to_string())?;
    let mut request = RunRequest::for_example(set, example, interpreter)?;
    if !args.args.is_empty() {
        request.args = args.args;
    }
    request.start_method = args.start_method;
    if let Some(seconds) = args.timeout {
        request.timeout = Duration::from_secs(seconds);
    }

    let interrupted = interrupt_flag();

    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let _ = writeln!(
        stdout,
        "== example {} (lesson {}): {}",
        example.id, lesson.meta.id, example.title
    );
    let (tx, rx) = mpsc::channel();
    let run = crate::python::start(request, move |event| {
        let _ = tx.send(event);
    });
    let mut sampler: Option<Sampler> = None;
    let mut asked_to_stop = false;
    loop {
        if interrupted.load(Ordering::SeqCst) && !asked_to_stop {
            asked_to_stop = true;
            run.stop();
        }
        let event = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(event) => event,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("the run ended without a result".into());
            }
        };
        match event {
            PyEvent::Started(started) => {
                print_started(&mut stdout, &started);
                sampler = Some(Sampler::start(started.guard_pid, started.pid));
            }
            PyEvent::Output(output) => {
                let stream: &mut dyn Write = match output.stream {
                    Stream::Stdout => &mut stdout,
                    Stream::Stderr => &mut stderr,
                };
                let text = if output.line_end {
                    format!("{}\n", output.text)
                } else {
                    output.text
                };
                let _ = stream.write_all(text.as_bytes());
                let _ = stream.flush();
            }
            PyEvent::OutputLimit { limit } => {
                let _ = writeln!(
                    stderr,
                    "== more than {} MiB of output: the rest is not shown",
                    limit >> 20
                );
            }
            PyEvent::TimedOut { limit } => {
                let _ = writeln!(
                    stdout,
                    "== time limit of {} s reached: stopping the script",
                    limit.as_secs()
                );
            }
            PyEvent::Exited(exited) => {
                let log = sampler.map(Sampler::finish);
                let _ = stderr.flush();
                print_exited(&mut stdout, &exited);
                if let Some(log) = log {
                    print_family(&mut stdout, &log);
                }
                let _ = stdout.flush();
                run.wait();
                return Ok(ExitCode::from(match exited.cause {
                    EndCause::TimedOut => super::status::TIMED_OUT,
                    _ => exited.status.shell_status(),
                }));
            }
            PyEvent::Failed(message) => return Err(Error::Failed(message)),
            PyEvent::Skipped { missing } => {
                let _ = writeln!(stdout, "== {}", PyEvent::skipped_message(&missing));
                let _ = stdout.flush();
                run.wait();
                return Ok(ExitCode::from(super::status::SKIPPED));
            }
        }
    }
}

/// Ctrl-C or a plain kill stops the script and still prints the family;
/// a second one ends forklab at once (the guard still cleans up).
fn interrupt_flag() -> Arc<AtomicBool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [crate::os::process::SIGINT, crate::os::process::SIGTERM] {
        let _ = signal_hook::flag::register_conditional_shutdown(
            signal,
            128 + signal,
            interrupted.clone(),
        );
        let _ = signal_hook::flag::register(signal, interrupted.clone());
    }
    interrupted
}

fn print_started(out: &mut impl Write, started: &Started) {
    let method = if started.start_method_chosen {
        format!("start method {}", started.start_method)
    } else {
        format!(
            "start method {} (the interpreter's default)",
            started.start_method
        )
    };
    let _ = writeln!(
        out,
        "== Python {} ({}), {method}, master pid {}",
        started.python_version,
        crate::sanitize::text(&started.python.display().to_string()),
        started.pid
    );
    let _ = writeln!(out, "== $ {}", started.command);
    let _ = out.flush();
}

fn print_exited(out: &mut impl Write, exited: &Exited) {
    let after = format!("after {:.2} s", exited.elapsed.as_secs_f64());
    let verdict = match exited.cause {
        EndCause::Stopped => format!("stopped: {} {after}", exited.status),
        EndCause::TimedOut => format!("time limit reached: {} {after}", exited.status),
        EndCause::Finished if exited.expected && exited.expect_exit != 0 => format!(
            "{} {after}, as the lesson expects: the error is the point of this example",
            exited.status
        ),
        EndCause::Finished if exited.expected => {
            format!("{} {after}, as the lesson expects", exited.status)
        }
        EndCause::Finished => format!(
            "{} {after}; the lesson expects exit status {}",
            exited.status, exited.expect_exit
        ),
    };
    let _ = writeln!(out, "== {verdict}");
}

/// The table of every process seen: `PID PPID ROLE CORES COMMAND`, children
/// below and indented under their parent.
pub fn print_family(out: &mut impl Write, log: &FamilyLog) {
    let _ = writeln!(
        out,
        "== process family: {} processes seen in {} samples, one every {} ms",
        log.processes().len(),
        log.samples(),
        SAMPLE_EVERY.as_millis()
    );
    let _ = writeln!(
        out,
        "{:>8} {:>8}  {:<10}  {:<6}  COMMAND",
        "PID", "PPID", "ROLE", "CORES"
    );
    for (depth, process) in log.tree() {
        let cores = if process.cores.is_empty() {
            "-".to_string()
        } else {
            process
                .cores
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        let command = if process.cmdline.is_empty() {
            format!("[{}]", process.name)
        } else {
            process.cmdline.clone()
        };
        let _ = writeln!(
            out,
            "{:>8} {:>8}  {:<10}  {:<6}  {}{}",
            process.pid,
            process.ppid,
            process.role.as_str(),
            cores,
            "  ".repeat(depth),
            command
        );
    }
}

/// Samples the run's family in the background (the monitor's sampling
/// thread with its family sampler, rooted at the guard) until finished.
struct Sampler {
    log: Arc<Mutex<FamilyLog>>,
    handle: crate::monitor::thread::SamplerHandle,
}

impl Sampler {
    fn start(guard: u32, master: u32) -> Sampler {
        let log = Arc::new(Mutex::new(FamilyLog::new(guard, master)));
        let sink_log = log.clone();
        let t0 = Instant::now();
        let handle = crate::monitor::thread::spawn(
            Box::new(FamilySampler::new(guard)),
            SAMPLE_EVERY,
            move |sample| {
                sink_log
                    .lock()
                    .map(|mut log| log.record(t0.elapsed(), &sample.processes))
                    .is_ok()
            },
        );
        Sampler { log, handle }
    }

    fn finish(self) -> FamilyLog {
        drop(self.handle);
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::Origin;

    fn lesson(id: &str, order: u32, examples: &[&str]) -> (String, String) {
        let mut text = format!("+++\nid = \"{id}\"\ntitle = \"T\"\npart = 1\norder = {order}\n");
        for e in examples {
            text.push_str(&format!(
                "\n[[examples]]\nid = \"{e}\"\nfile = \"examples/{e}.py\"\ntitle = \"{e} in {id}\"\n"
            ));
        }
        text.push_str("+++\nbody\n");
        (format!("{id}.md"), text)
    }

    #[test]
    fn examples_are_found_and_ambiguity_is_explained() {
        let set = LessonSet::from_files(
            vec![
                lesson("a", 0, &["squares", "shared"]),
                lesson("b", 1, &["shared"]),
            ],
            Origin::Embedded,
        );
        let (l, e) = find_example(&set, "squares", None).unwrap();
        assert_eq!((l.meta.id.as_str(), e.id.as_str()), ("a", "squares"));
        let err = find_example(&set, "shared", None).unwrap_err();
        assert!(
            err.contains("in 2 lessons")
                && err.contains("--lesson a")
                && err.contains("--lesson b"),
            "{err}"
        );
        let (l, _) = find_example(&set, "shared", Some("b")).unwrap();
        assert_eq!(l.meta.id, "b");
        let err = find_example(&set, "nope", None).unwrap_err();
        assert!(
            err.contains("no example \"nope\"") && err.contains("examples are: squares, shared;")
                || err.ends_with("examples are: squares, shared"),
            "{err}"
        );
        let err = find_example(&set, "squares", Some("b")).unwrap_err();
        assert!(
            err.contains("in lesson \"b\"") && err.contains("examples are: shared"),
            "{err}"
        );
        assert!(
            find_example(&set, "squares", Some("zzz"))
                .unwrap_err()
                .contains("no lesson")
        );
    }
}
