//! Running Python for real: the process family, stopping, time limits,
//! killing forklab, hostile output, and the headless commands.

#[path = "support/python.rs"]
mod python;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use forklab::python::{EndCause, Exit, PyEvent, RunRequest, StartMethod, Stream};

/// How long a wait for a condition may take before the test fails: long,
/// since it only bounds a hang (speed is measured in benches/, not here).
const DEADLINE: Duration = Duration::from_secs(20);

/// Two pool workers that sleep for a minute; "ready" once they have work.
const NAP: &str = r#"import multiprocessing, os, time

def nap(x):
    time.sleep(60)
    return x

if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)
    with multiprocessing.Pool(2) as pool:
        result = pool.map_async(nap, range(2), chunksize=1)
        print("ready", flush=True)
        result.get()
"#;

/// A lesson folder with one lesson whose examples are `(id, file, script)`.
fn lesson_dir(examples: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("examples")).unwrap();
    let mut front = String::from("+++\nid = \"lab\"\ntitle = \"Lab\"\npart = 1\norder = 0\n");
    for (id, file, script) in examples {
        front.push_str(&format!(
            "\n[[examples]]\nid = \"{id}\"\nfile = \"examples/{file}\"\ntitle = \"{id}\"\n"
        ));
        std::fs::write(dir.path().join("examples").join(file), script).unwrap();
    }
    front.push_str("+++\n# Lab\n");
    std::fs::write(dir.path().join("1-0-lab.md"), front).unwrap();
    dir
}

fn forklab(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklab"));
    cmd.env("FORKLAB_HOME", home);
    cmd
}

/// Rows of the `process family` table: (pid, ppid, role, command).
fn family_rows(stdout: &str) -> Vec<(u32, u32, String, String)> {
    let table = stdout
        .split("== process family:")
        .nth(1)
        .expect("a process family table");
    table
        .lines()
        .skip(2)
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let pid = words.next()?.parse().ok()?;
            let ppid = words.next()?.parse().ok()?;
            let role = words.next()?.to_string();
            let _cores = words.next()?;
            Some((pid, ppid, role, words.collect::<Vec<_>>().join(" ")))
        })
        .collect()
}

fn master_pid(stdout: &str) -> u32 {
    let after = stdout
        .split("master pid ")
        .nth(1)
        .expect("master pid in header");
    after
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .expect("a pid")
}

#[test]
fn a_pool_of_four_shows_four_workers_under_the_master() {
    let Some(python) = python::python_or_skip("a_pool_of_four") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    for method in [StartMethod::Fork, StartMethod::Spawn] {
        if !python.supports(method) {
            continue;
        }
        let out = forklab(home.path())
            .args(["example", "run", "who-does-what", "--start-method"])
            .arg(method.as_str())
            .args(["--", "4", "12"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        assert!(stdout.contains("4 workers, 12 items"), "{stdout}");
        assert!(
            stdout.contains(&format!("start method {method},")),
            "{stdout}"
        );
        // Lines printed at the same time by several workers stay whole.
        for line in stdout.lines().filter(|l| l.contains("squared")) {
            let whole = line.contains("PoolWorker-")
                && line.matches("squared").count() == 1
                && line
                    .rsplit(' ')
                    .next()
                    .is_some_and(|n| n.parse::<u32>().is_ok());
            assert!(whole, "{method}: a cut line {line:?} in\n{stdout}");
        }
        let master = master_pid(&stdout);
        let rows = family_rows(&stdout);
        let workers: Vec<_> = rows
            .iter()
            .filter(|(_, ppid, role, cmd)| {
                *ppid == master && role == "worker" && cmd.contains("python")
            })
            .collect();
        assert!(
            workers.len() >= 4,
            "{method}: {} workers under master {master}:\n{stdout}",
            workers.len()
        );
        assert!(
            rows.iter()
                .any(|(pid, _, role, _)| *pid == master && role == "master")
        );
        assert!(
            rows.iter()
                .any(|(_, _, role, cmd)| role == "guard" && cmd.contains("guard"))
        );
    }
}

/// Descendants of `root` that run Python.
fn python_family(root: u32) -> Vec<forklab::os::ProcEntry> {
    forklab::os::family_of(root)
        .into_iter()
        .filter(|p| {
            p.pid != root
                && forklab::monitor::role::is_python(&p.name, &p.cmdline)
                && p.state != 'Z'
        })
        .collect()
}

#[test]
fn killing_forklab_with_sigkill_leaves_no_python_behind() {
    let Some(python) = python::python_or_skip("killing_forklab") else {
        return;
    };
    let lessons = lesson_dir(&[("nap", "nap.py", NAP)]);
    let home = tempfile::tempdir().unwrap();
    for method in StartMethod::ALL.into_iter().filter(|m| python.supports(*m)) {
        let mut child = forklab(home.path())
            .args(["example", "run", "nap", "--lessons"])
            .arg(lessons.path())
            .args(["--start-method", method.as_str()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let forklab_pid = child.id();
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        // Wait for "ready", then for the master and both workers.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut ready = false;
        while !ready {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| {
                    let _ = child.kill();
                    panic!("{method}: no \"ready\" from the script")
                });
            ready = line == "ready";
        }
        let mut family = python_family(forklab_pid);
        while family
            .iter()
            .filter(|p| p.cmdline.contains("nap.py") || p.cmdline.contains("multiprocessing"))
            .count()
            < 3
        {
            assert!(
                Instant::now() < deadline,
                "{method}: workers never seen: {family:#?}"
            );
            std::thread::sleep(Duration::from_millis(20));
            family = python_family(forklab_pid);
        }
        let workdir: Option<PathBuf> = forklab::os::family_of(forklab_pid)
            .iter()
            .find_map(|p| p.cmdline.split("--cleanup ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .map(PathBuf::from);
        let pids: Vec<u32> = family.iter().map(|p| p.pid).collect();

        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let left = python::wait_all_gone(&pids, DEADLINE);
        let survivors: Vec<_> = left
            .iter()
            .filter_map(|&p| forklab::os::proc_entry(p))
            .collect();
        assert!(
            left.is_empty(),
            "{method}: Python processes outlived forklab: {survivors:#?}"
        );
        if let Some(workdir) = workdir {
            let deadline = Instant::now() + DEADLINE;
            while workdir.exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(!workdir.exists(), "{} was left behind", workdir.display());
        }
    }
}

/// Starts NAP through the library; returns the run, its events and the
/// Python pids once both workers are busy.
fn start_nap(
    timeout: Duration,
) -> Option<(forklab::python::PyRun, mpsc::Receiver<PyEvent>, Vec<u32>)> {
    let interpreter = python::python_or_skip("nap")?;
    let mut request = RunRequest::for_script("nap.py", NAP.as_bytes(), interpreter).unwrap();
    request.launcher = Some(python::launcher());
    request.timeout = timeout;
    let (tx, rx) = mpsc::channel();
    let run = forklab::python::start(request, move |e| {
        let _ = tx.send(e);
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut guard = None;
    loop {
        let event = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("nap started and said ready");
        match event {
            PyEvent::Started(s) => guard = Some(s.guard_pid),
            PyEvent::Output(o) if o.text == "ready" => break,
            PyEvent::Exited(_) | PyEvent::Failed(_) => panic!("nap ended early: {event:?}"),
            _ => {}
        }
    }
    let guard = guard.expect("Started before output");
    let mut family = python_family(guard);
    while family.len() < 3 {
        assert!(Instant::now() < deadline, "workers never seen: {family:#?}");
        std::thread::sleep(Duration::from_millis(20));
        family = python_family(guard);
    }
    let mut pids: Vec<u32> = family.iter().map(|p| p.pid).collect();
    pids.push(guard);
    Some((run, rx, pids))
}

fn wait_exited(rx: &mpsc::Receiver<PyEvent>, limit: Duration) -> (forklab::python::Exited, bool) {
    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(PyEvent::Exited(e)) => return (e, timed_out),
            Ok(PyEvent::TimedOut { .. }) => timed_out = true,
            Ok(PyEvent::Failed(m)) => panic!("failed: {m}"),
            Ok(_) => {}
            Err(_) => panic!("no Exited within {limit:?}"),
        }
    }
}

#[test]
fn stop_kills_the_whole_family_and_says_so() {
    let Some((run, rx, pids)) = start_nap(Duration::from_secs(120)) else {
        return;
    };
    run.stop();
    let (exited, _) = wait_exited(&rx, DEADLINE);
    assert_eq!(exited.cause, EndCause::Stopped);
    assert!(!exited.expected);
    assert_eq!(exited.status, Exit::Signal(libc::SIGKILL));
    assert_eq!(python::wait_all_gone(&pids, DEADLINE), Vec::<u32>::new());
    run.wait();
}

#[test]
fn dropping_the_run_stops_it() {
    let Some((run, rx, pids)) = start_nap(Duration::from_secs(120)) else {
        return;
    };
    drop(run);
    let (exited, _) = wait_exited(&rx, DEADLINE);
    assert_eq!(exited.cause, EndCause::Stopped);
    assert_eq!(python::wait_all_gone(&pids, DEADLINE), Vec::<u32>::new());
}

#[test]
fn the_time_limit_stops_a_run() {
    let Some((run, rx, pids)) = start_nap(Duration::from_secs(2)) else {
        return;
    };
    let (exited, timed_out) = wait_exited(&rx, Duration::from_secs(30));
    assert!(timed_out, "a TimedOut event comes first");
    assert_eq!(exited.cause, EndCause::TimedOut);
    assert!(!exited.expected);
    assert_eq!(python::wait_all_gone(&pids, DEADLINE), Vec::<u32>::new());
    run.wait();
}

/// Prints what a hostile or careless script might.
const NOISY: &str = r#"import sys
print("\x1b[2J\x1b[H\x1b[31mred\x1b[0m bell\x07 back\b\b over\rwrite")
print("\x1b]0;new title\x07osc \x9b31m c1 \u202eevil")
sys.stdout.flush()
sys.stdout.buffer.write(b"bad \xff\xfe bytes\n\tx\n")
sys.stdout.buffer.flush()
print("to stderr \x1b[5m", file=sys.stderr)
print("long " + "y" * 100000)
print("the end")
"#;

#[test]
fn escape_sequences_and_bad_bytes_are_shown_harmlessly() {
    let Some(interpreter) = python::python_or_skip("escape_sequences") else {
        return;
    };
    let request = RunRequest::for_script("noisy.py", NOISY.as_bytes(), interpreter).unwrap();
    let outcome = python::run_to_end(request, Duration::from_secs(30));
    let exited = outcome.exited.expect("exited");
    assert_eq!(exited.status, Exit::Code(0));
    assert!(exited.expected);
    let lines = outcome.transcript.lines();
    for line in lines {
        assert!(
            !line.text.chars().any(|c| c.is_control()),
            "control character in {:?}",
            line.text
        );
        assert!(line.complete);
    }
    let text = outcome.text();
    for shown in [
        "␛[2J␛[H␛[31mred␛[0m bell␇ back␈␈ over␍write",
        "␛]0;new title␇osc ⟨U+009B⟩31m c1 ⟨U+202E⟩evil",
        "bad \u{FFFD}\u{FFFD} bytes",
        "        x",
        "the end",
    ] {
        assert!(text.contains(shown), "{shown:?} not in\n{text}");
    }
    let long = lines.iter().find(|l| l.text.starts_with("long ")).unwrap();
    assert_eq!(long.text.len(), 5 + 100_000, "a long line is kept whole");
    let err = lines.iter().find(|l| l.stream == Stream::Stderr).unwrap();
    assert_eq!(err.text, "to stderr ␛[5m");
    // Offsets never go back, and Started came before any output.
    assert!(lines.windows(2).all(|w| w[0].offset <= w[1].offset));
    assert!(matches!(outcome.events[0], PyEvent::Started(_)));
}

#[test]
fn the_headless_run_prints_no_raw_escape_bytes() {
    if python::python_or_skip("headless_escapes").is_none() {
        return;
    }
    let lessons = lesson_dir(&[("noisy", "noisy.py", NOISY)]);
    let home = tempfile::tempdir().unwrap();
    let out = forklab(home.path())
        .args(["example", "run", "noisy", "--lessons"])
        .arg(lessons.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for bytes in [&out.stdout, &out.stderr] {
        assert!(
            !bytes.iter().any(|&b| b == 0x1b || b == 0x07 || b == b'\r'),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("to stderr ␛[5m"));
}

#[test]
fn the_script_runs_on_copies_and_leaves_no_trace() {
    let Some(interpreter) = python::python_or_skip("copies") else {
        return;
    };
    let script = r##"import os
with open(__file__, "a") as me:
    me.write("# changed\n")
open("scratch.txt", "w").write("x")
os.makedirs("corpus", exist_ok=True)
open("corpus/ants.txt", "a").write("more ants\n")
print("cwd", os.getcwd())
"##;
    let lessons = lesson_dir(&[("scribble", "scribble.py", script)]);
    let set = forklab::lesson::LessonSet::from_dir(lessons.path()).unwrap();
    let mut example = set.lessons[0].meta.examples[0].clone();
    example.data = vec!["corpus".into()];
    let request = RunRequest::for_example(&set, &example, interpreter).unwrap();
    let workdir = request.workdir();
    assert!(workdir.join("corpus/ants.txt").exists());
    let outcome = python::run_to_end(request, Duration::from_secs(30));
    assert!(
        outcome.exited.is_some_and(|e| e.expected),
        "{}",
        outcome.text()
    );
    assert!(
        outcome
            .text()
            .contains(&format!("cwd {}", workdir.display()))
    );
    let original = std::fs::read_to_string(lessons.path().join("examples/scribble.py")).unwrap();
    assert_eq!(original, script);
    assert!(!lessons.path().join("scratch.txt").exists());
    assert!(!workdir.exists(), "the working directory is removed");
}

#[test]
fn a_missing_guard_program_is_a_clear_failure() {
    let Some(interpreter) = python::python_or_skip("missing_guard") else {
        return;
    };
    let mut request = RunRequest::for_script("x.py", b"print(1)\n", interpreter).unwrap();
    request.launcher = Some("/no/such/forklab".into());
    let outcome = python::run_to_end(request, Duration::from_secs(10));
    let failed = outcome.failed.expect("failed");
    assert!(failed.contains("/no/such/forklab"), "{failed}");
    assert!(outcome.started.is_none() && outcome.exited.is_none());
}

#[test]
fn an_expected_exception_is_the_lessons_outcome() {
    if python::python_or_skip("expected_exception").is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let out = forklab(home.path())
        .args(["example", "run", "lambda-pitfall"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("exit status 1 after"), "{stdout}");
    assert!(stdout.contains("as the lesson expects"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("PicklingError"));
}

#[test]
fn without_python_the_message_says_how_to_get_it() {
    let home = tempfile::tempdir().unwrap();
    let out = forklab(home.path())
        .args(["example", "run", "pool-sum", "--python", "/no/such/python3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for part in [
        "\"/no/such/python3\" (given with --python)",
        "Debian/Ubuntu",
        "macOS",
        "Windows",
    ] {
        assert!(err.contains(part), "{part:?} not in {err}");
    }
    let out = forklab(home.path())
        .args(["example", "run", "pool-sum"])
        .env("FORKLAB_PYTHON", "/no/where/python")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("given in FORKLAB_PYTHON"));
    // The rest of forklab keeps working.
    let out = forklab(home.path())
        .args(["example", "list", "pool"])
        .env("PATH", "")
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn example_list_and_the_errors_of_example_run() {
    let home = tempfile::tempdir().unwrap();
    let out = forklab(home.path())
        .args(["example", "list", "pool"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = list.lines().collect();
    assert!(
        lines[0].starts_with("lesson") && lines[0].contains("args"),
        "{list}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("pool ") && l.contains("who-does-what") && l.contains("2 12")),
        "{list}"
    );
    assert!(
        lines.iter().skip(1).all(|l| l.starts_with("pool ")),
        "{list}"
    );
    let all = forklab(home.path())
        .args(["example", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&all.stdout).lines().count() > 30);

    let out = forklab(home.path())
        .args(["example", "list", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no lesson \"nope\""));

    let out = forklab(home.path())
        .args(["example", "run", "pool-sum", "--start-method", "threads"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap's usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fork, spawn or forkserver"));

    // The same example id in two lessons needs --lesson.
    let dir = lesson_dir(&[("twice", "a.py", "print('a')\n")]);
    let second = std::fs::read_to_string(dir.path().join("1-0-lab.md"))
        .unwrap()
        .replace("id = \"lab\"", "id = \"lab2\"")
        .replace("order = 0", "order = 1");
    std::fs::write(dir.path().join("1-1-lab2.md"), second).unwrap();
    let out = forklab(home.path())
        .args(["example", "run", "twice", "--lessons"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--lesson lab\n") || err.contains("--lesson lab "),
        "{err}"
    );
    assert!(err.contains("--lesson lab2"), "{err}");
    let out = forklab(home.path())
        .args(["example", "run", "nothing-like-it"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no example \"nothing-like-it\""));
}

#[test]
fn a_line_left_open_shows_at_the_end_and_the_learners_sitecustomize_still_runs() {
    if python::python_or_skip("line_left_open").is_none() {
        return;
    }
    let theirs = tempfile::tempdir().unwrap();
    std::fs::write(
        theirs.path().join("sitecustomize.py"),
        "import sys\nprint('their sitecustomize ran', file=sys.stderr)\n",
    )
    .unwrap();
    let script = "import sys\nprint('a', 'b', sep='\\n')\nprint('no newline', end='')\n";
    let lessons = lesson_dir(&[("buffering", "buffering.py", script)]);
    let home = tempfile::tempdir().unwrap();
    let out = forklab(home.path())
        .args(["example", "run", "buffering", "--lessons"])
        .arg(lessons.path())
        .env("PYTHONPATH", theirs.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\na\nb\nno newline"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("their sitecustomize ran"));
}

/// Whether a line of what-is-copied is one the script prints, whole: it
/// begins with one of the script's line heads and holds no other.
fn one_whole_line(line: &str) -> bool {
    let heads = [
        "[top level] pid ",
        "master: ",
        "child ",
        "  sees GREETING = ",
    ];
    let found: usize = heads
        .iter()
        .map(|h| line.matches(h.trim_start()).count())
        .sum();
    heads.iter().any(|h| line.starts_with(h)) && found == 1
}

/// Lines printed at once by several processes arrive whole: what-is-copied
/// (three children, each printing two lines in one `print`) 50 times.
#[test]
fn lines_printed_at_once_by_several_processes_stay_whole() {
    let Some(interpreter) = python::python_or_skip("lines_stay_whole") else {
        return;
    };
    let set = forklab::lesson::LessonSet::embedded();
    let example = set
        .lessons
        .iter()
        .flat_map(|l| l.meta.examples.iter())
        .find(|e| e.id == "what-is-copied")
        .expect("the what-is-copied example")
        .clone();
    let deadline = Instant::now() + Duration::from_secs(300);
    for run in 0..50 {
        assert!(Instant::now() < deadline, "50 runs took over 300 s");
        let request = RunRequest::for_example(&set, &example, interpreter.clone()).unwrap();
        let outcome = python::run_to_end(request, Duration::from_secs(60));
        let text = outcome.text();
        assert!(
            outcome.exited.is_some_and(|e| e.expected),
            "run {run}: {text}"
        );
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        let glued: Vec<&&str> = lines.iter().filter(|l| !one_whole_line(l)).collect();
        assert!(
            glued.is_empty(),
            "run {run}: lines ran together: {glued:#?}\n{text}"
        );
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("  sees")).count(),
            3,
            "run {run}: {text}"
        );
        // One print's two lines stay together.
        for pair in lines.windows(2) {
            assert_eq!(
                pair[0].starts_with("child "),
                pair[1].starts_with("  sees"),
                "run {run}: {text}"
            );
        }
    }
}

#[test]
fn a_daemon_that_left_the_group_is_killed_too() {
    let Some(interpreter) = python::python_or_skip("daemon") else {
        return;
    };
    // Fork, start a new session, fork again, and let the master exit at
    // once: the grandchild is an orphan outside the master's group.
    let script = r#"import os, sys, time
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, f"{os.getpid()}\n".encode())
        time.sleep(60)
    os._exit(0)
print("daemon pid", os.read(r, 32).decode().strip(), flush=True)
"#;
    let request = RunRequest::for_script("daemon.py", script.as_bytes(), interpreter).unwrap();
    let outcome = python::run_to_end(request, Duration::from_secs(30));
    let text = outcome.text();
    let exited = outcome.exited.expect("exited");
    assert_eq!(exited.status, Exit::Code(0), "{text}");
    let pid: u32 = text
        .split("daemon pid ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no pid in {text}"));
    // The run is over only once the daemon is gone.
    // It slept for 60 s: the run ended well before (within run_to_end's
    // limit), so the daemon was killed, not waited for.
    assert!(!python::alive(pid), "daemon {pid} survived the run");
}
