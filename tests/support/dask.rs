//! A real Dask cluster on 127.0.0.1 for tests: `dask scheduler` and
//! `dask worker` started as separate processes (each in its own process
//! group, killed with it when the fixture is dropped), and the Python
//! with Dask that runs them.

#![allow(dead_code)]

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use forklab::python::Interpreter;

/// `$FORKLAB_PYTHON` (else python3) when it has Dask's distributed
/// scheduler, or `None` after saying loudly that `test` is skipped. Under
/// CI (`CI=true`) or with `FORKLAB_REQUIRE_DASK=1` a Python without Dask
/// fails the test instead.
pub fn dask_python_or_skip(test: &str) -> Option<Interpreter> {
    let found = Interpreter::find(None).map_err(|e| e.to_string());
    let why = match &found {
        Ok(python) if forklab::lab::engine::dask::has_dask(python) => return found.ok(),
        Ok(python) => format!(
            "{} has no Dask (pip install 'dask[distributed]' in a venv, then FORKLAB_PYTHON=that venv's python)",
            python.path.display()
        ),
        Err(e) => format!("no usable Python: {e}"),
    };
    let required = std::env::var("FORKLAB_REQUIRE_DASK").is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !required,
        "{test}: Dask is required here (CI or FORKLAB_REQUIRE_DASK=1): {why}"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {why}, so this test did not run."
    );
    None
}

/// One of Dask's programs: `dask NAME` beside the interpreter when the
/// venv has it, else `python -m distributed.cli.dask_NAME`.
fn dask_command(python: &Interpreter, name: &str) -> Command {
    let script = python.path.parent().map(|d| d.join("dask"));
    let mut command = match script.filter(|s| s.is_file()) {
        Some(script) => {
            let mut c = Command::new(&python.path);
            c.arg(script).arg(name);
            c
        }
        None => {
            let mut c = Command::new(&python.path);
            c.args(["-m", &format!("distributed.cli.dask_{name}")]);
            c
        }
    };
    command.stdin(Stdio::null()).process_group(0);
    command
}

/// A scheduler and its workers, all on 127.0.0.1.
pub struct Cluster {
    pub address: String,
    dir: tempfile::TempDir,
    scheduler: Option<Child>,
    workers: Vec<Child>,
}

impl Cluster {
    /// `workers` worker processes (one thread each, under nannies) joined
    /// to a fresh scheduler; returns once every one has registered.
    pub fn start(python: &Interpreter, workers: usize) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("scheduler.json");
        let folder = dir.path().to_path_buf();
        let log = |name: &str| std::fs::File::create(folder.join(name)).unwrap();
        let scheduler = dask_command(python, "scheduler")
            .args(["--host", "127.0.0.1", "--port", "0", "--no-dashboard"])
            .arg("--scheduler-file")
            .arg(&file)
            .stdout(log("scheduler.out"))
            .stderr(log("scheduler.err"))
            .spawn()
            .expect("dask scheduler starts");
        let mut cluster = Cluster {
            address: String::new(),
            dir,
            scheduler: Some(scheduler),
            workers: Vec::new(),
        };
        cluster.address = cluster.wait_for("scheduler.json", "\"address\"", |text| {
            let v: serde_json::Value = serde_json::from_str(text).ok()?;
            v["address"].as_str().map(String::from)
        });
        for n in 0..workers {
            let worker = dask_command(python, "worker")
                .arg(&cluster.address)
                .args(["--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"])
                .stdout(log(&format!("worker{n}.out")))
                .stderr(log(&format!("worker{n}.err")))
                .spawn()
                .expect("dask worker starts");
            cluster.workers.push(worker);
            cluster.wait_for(&format!("worker{n}.err"), "Registered to", |_| Some(()));
        }
        cluster
    }

    /// Waits (60 s at most) until `file` in the fixture's folder holds
    /// `needle`, then reads something from it.
    fn wait_for<T>(&self, file: &str, needle: &str, read: impl Fn(&str) -> Option<T>) -> T {
        let path = self.dir.path().join(file);
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.contains(needle)
                && let Some(value) = read(&text)
            {
                return value;
            }
            assert!(
                Instant::now() < until,
                "{file} did not say {needle:?} within 60 s:\n{text}\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every log of the cluster, for failure messages.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(self.dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let tail: String = text.lines().rev().take(15).collect::<Vec<_>>().join("\n");
            out.push_str(&format!(
                "--- {:?} (last lines, newest first)\n{tail}\n",
                entry.file_name()
            ));
        }
        out
    }

    /// The worker processes the nannies started (one per `dask worker`).
    pub fn worker_pids(&self) -> Vec<u32> {
        self.workers
            .iter()
            .flat_map(|nanny| forklab::os::family_of(nanny.id()))
            .filter(|p| p.cmdline.contains("spawn_main"))
            .map(|p| p.pid)
            .collect()
    }

    /// Every process of the cluster (scheduler, nannies, workers, trackers).
    pub fn pids(&self) -> Vec<u32> {
        self.scheduler
            .iter()
            .chain(&self.workers)
            .flat_map(|c| forklab::os::family_of(c.id()))
            .map(|p| p.pid)
            .collect()
    }

    /// Kills the scheduler (and only it): the cluster is gone for clients.
    pub fn kill_scheduler(&mut self) {
        if let Some(mut s) = self.scheduler.take() {
            let _ = forklab::os::signal_process(s.id(), libc::SIGKILL);
            let _ = s.wait();
        }
    }

    pub fn folder(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in self.scheduler.iter_mut().chain(self.workers.iter_mut()) {
            // SAFETY: killpg on a group this fixture made.
            unsafe { libc::killpg(child.id() as i32, libc::SIGKILL) };
            let _ = child.wait();
        }
    }
}

/// The forklab binary.
pub fn exe() -> PathBuf {
    env!("CARGO_BIN_EXE_forklab").into()
}
