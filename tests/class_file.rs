//! The class file under a real `forklab class serve --no-tui`: killed
//! and restarted, a write that fails part way (a file-size limit, a full
//! tmpfs), and learners' strings in the teacher's log. Every wait is on a
//! condition with a deadline.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use forklab::class::client::Client;
use forklab::class::payload::{Machine, Point, Report};
use forklab::class::store;

fn machine(cores: u32) -> Machine {
    Machine {
        cores,
        cpu_model: "Test CPU".into(),
        os: "Linux".into(),
        python: Some("3.12.4".into()),
    }
}

fn report(workers: u32) -> Report {
    Report {
        engine: "forklab".into(),
        workload: "cpu".into(),
        tasks: 64,
        chunksize: 1,
        points: (1..=workers)
            .map(|w| Point {
                workers: w,
                wall_ms: 1000.0 / f64::from(w),
                speedup: Some(f64::from(w)),
            })
            .collect(),
    }
}

/// A real `forklab class serve --no-tui`, its stdout read line by line.
struct Teacher {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Teacher {
    fn start(file: &Path) -> Teacher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_forklab"))
            .args([
                "class",
                "serve",
                "--no-tui",
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--file",
            ])
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Teacher { child, lines }
    }

    fn line_with(&self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => panic!("the class server never printed {what:?}"),
            }
        }
    }

    /// Every line printed so far, without waiting.
    fn printed(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    fn address(&self) -> String {
        self.line_with("listening on")["listening on ".len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    }
}

impl Drop for Teacher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_server_killed_and_restarted_loses_nothing_and_keeps_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.jsonl");
    let teacher = Teacher::start(&file);
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.address();
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    for r in 0..5 {
        ana.submit(&format!("r{r}"), &report(4)).unwrap();
    }
    teacher.line_with("result: ana");
    drop(teacher); // SIGKILL: no chance to tidy up

    let teacher = Teacher::start(&file);
    assert_eq!(
        teacher.line_with("class code:"),
        format!("class code: {code}")
    );
    let address = teacher.address();
    let reopened = teacher.line_with("reopened:");
    assert!(reopened.contains("1 participants, 5 results"), "{reopened}");
    // The same learner goes on, on the new port: a resent id stays single.
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    ana.submit("r5", &report(4)).unwrap();
    teacher.line_with("result: ana");
    drop(teacher);
    let (roster, _) = store::read(&file).unwrap();
    assert_eq!(roster.results(), 6);
    assert_eq!(roster.code, code);
}

#[test]
fn a_nickname_with_tricks_is_shown_inert_in_the_teachers_log() {
    let dir = tempfile::tempdir().unwrap();
    let teacher = Teacher::start(&dir.path().join("class.jsonl"));
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.address();
    let mut machine = machine(4);
    machine.cpu_model = "Intel\u{2066}\u{202e}x\u{200b}".into();
    let mut eve = Client::new(&address, &code, "\u{202e}eve\u{200b}x", machine).unwrap();
    eve.join().unwrap();
    let joined = teacher.line_with("joined:");
    assert!(joined.contains("⟨U+202E⟩eve⟨U+200B⟩x"), "{joined}");
    assert!(
        joined.contains("Intel⟨U+2066⟩⟨U+202E⟩x⟨U+200B⟩"),
        "{joined}"
    );
    assert!(!joined.contains(['\u{202e}', '\u{200b}', '\u{2066}']));
}

/// Limits the file size of a running process (`prlimit(2)`): its next
/// write past `bytes` fails part way, as on a full disk.
fn limit_file_size(pid: u32, bytes: u64) {
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: prlimit(2) on a child we started, with a valid struct and
    // no old value asked for.
    let done = unsafe {
        libc::prlimit(
            pid as libc::pid_t,
            libc::RLIMIT_FSIZE,
            &limit,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(done, 0, "prlimit: {}", std::io::Error::last_os_error());
}

#[test]
fn a_write_that_fails_part_way_loses_no_acknowledged_result_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.jsonl");
    let teacher = Teacher::start(&file);
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.address();
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    ana.submit("r0", &report(4)).unwrap();
    teacher.line_with("result: ana");
    // Room for one more result and a half: the third write is torn.
    let size = std::fs::metadata(&file).unwrap().len();
    let one = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .len() as u64
        + 1;
    limit_file_size(teacher.child.id(), size + one * 3 / 2);
    let mut acknowledged = vec!["r0".to_string()];
    let mut refused = Vec::new();
    for r in 1..6 {
        let id = format!("r{r}");
        match ana.submit(&id, &report(4)) {
            Ok(true) => acknowledged.push(id.clone()),
            Ok(false) => panic!("{id} was new"),
            Err(e) => refused.push(e.to_string()),
        }
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bytes.last(), Some(&b'\n'), "half a line left after {r}");
    }
    assert_eq!(acknowledged, ["r0", "r1"]);
    assert_eq!(refused.len(), 4, "{refused:?}");
    let path = dir.path().display().to_string();
    for why in &refused {
        assert!(
            why.contains("(503)") && why.contains("cannot be written"),
            "{why}"
        );
        assert!(!why.contains(&path), "a path in the answer: {why}");
    }
    // The teacher is told why.
    let log = teacher.line_with("refused: cannot write the class file");
    assert!(log.contains("File too large"), "{log}");
    drop(teacher);

    let teacher = Teacher::start(&file);
    let address = teacher.address();
    let reopened = teacher.line_with("reopened:");
    assert!(reopened.contains("1 participants, 2 results"), "{reopened}");
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    assert!(ana.submit("r9", &report(4)).unwrap());
    teacher.line_with("result: ana");
    let printed = teacher.printed();
    assert!(
        printed.iter().all(|l| !l.contains("left out")),
        "{printed:?}"
    );
    drop(teacher);
    let (roster, damage) = store::read(&file).unwrap();
    assert!(damage.is_empty(), "{damage:?}");
    let first = &roster.participants[0].token;
    assert!(acknowledged.iter().all(|id| roster.has_result(first, id)));
    // After a restart the same learner joins anew.
    assert!(roster.has_result(&roster.participants[1].token, "r9"));
    assert_eq!(roster.results(), 3);
}

/// A tmpfs of `size` mounted on a fresh folder, unmounted on drop;
/// `None` (the reason printed) where mounting is not allowed.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(SmallDisk { dir }),
            Ok(out) => {
                let why = String::from_utf8_lossy(&out.stderr);
                eprintln!("SKIPPED: cannot mount a tmpfs here (needs root): {why}");
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount: {e}");
                None
            }
        }
    }

    fn resize(&self, size: &str) {
        let done = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(done.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_loses_no_acknowledged_result_after_a_restart() {
    // The same as above on a real full disk (ENOSPC) where the test may
    // mount one; the file-size limit above runs everywhere.
    let Some(disk) = SmallDisk::mount("8k") else {
        return;
    };
    let file = disk.dir.path().join("class.jsonl");
    let teacher = Teacher::start(&file);
    let code = teacher.line_with("class code:")["class code: ".len()..].to_string();
    let address = teacher.address();
    let mut ana = Client::new(&address, &code, "ana", machine(8)).unwrap();
    let (mut acknowledged, mut refused) = (Vec::new(), 0);
    for r in 0..100 {
        let id = format!("r{r:02}");
        match ana.submit(&id, &report(4)) {
            Ok(true) => acknowledged.push(id.clone()),
            Ok(false) => panic!("{id} was new"),
            Err(e) => {
                assert!(e.to_string().contains("(503)"), "{e}");
                refused += 1;
            }
        }
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bytes.last(), Some(&b'\n'), "half a line left after {id}");
        if refused == 3 {
            break;
        }
    }
    assert_eq!(refused, 3, "the disk never filled");
    assert!(!acknowledged.is_empty());
    let log = teacher.line_with("refused: cannot write the class file");
    assert!(log.contains("No space left"), "{log}");
    drop(teacher);

    // Restarted once there is room again: every acknowledged result is
    // there, nothing is left out, and results are stored again.
    disk.resize("64k");
    let teacher = Teacher::start(&file);
    let address = teacher.address();
    let reopened = teacher.line_with("reopened:");
    let expected = format!("1 participants, {} results", acknowledged.len());
    assert!(reopened.contains(&expected), "{reopened}");
    let mut bo = Client::new(&address, &code, "bo", machine(8)).unwrap();
    assert!(bo.submit("b0", &report(4)).unwrap());
    teacher.line_with("result: bo");
    assert!(teacher.printed().iter().all(|l| !l.contains("left out")));
    drop(teacher);
    let (roster, damage) = store::read(&file).unwrap();
    assert!(damage.is_empty(), "{damage:?}");
    let ana = &roster.participants[0].token;
    assert!(acknowledged.iter().all(|id| roster.has_result(ana, id)));
    assert_eq!(roster.results(), acknowledged.len() + 1);
}
