//! The python engine: a real `multiprocessing.Pool` (or
//! `ProcessPoolExecutor`, or either's threads: `ThreadPool`,
//! `ThreadPoolExecutor`), built by `assets/lab/driver.py` with the
//! learner's Python, under the same guard as the lessons' examples (so
//! a stop, a deadline or forklab's death leaves no Python process).
//!
//! The driver prints one JSON event per line (see the driver's docstring);
//! its times are `time.monotonic_ns()`, the clock behind [`Instant`] on
//! Linux, so they land on the run's own timeline. Every task's answer is
//! checked as it arrives, and the list `map` returned is checked again.

use std::collections::HashMap;
use std::time::Instant;

use super::PoolEngine;
use super::driver::{self, Line, exit_of, monotonic_ns};
use super::session::{self, Run, Watch, Words, Worker};
use crate::lab::verify::Expected;
use crate::lab::{CancelToken, Crash, Exit, LabConfig, LabError, LabEvent, RunResult};
use crate::python::{Interpreter, PyEvent, RunRequest, StartMethod, Stream};

/// The driver, shipped inside forklab: the drivers' shared part
/// (`assets/lab/common.py`) in front of its own.
pub const DRIVER: &str = concat!(
    include_str!("../../../assets/lab/common.py"),
    include_str!("../../../assets/lab/driver.py")
);
/// Its file name in the run's working directory (what `ps` shows).
pub const DRIVER_NAME: &str = "forklab_lab_driver.py";

pub struct PythonEngine;

impl PoolEngine for PythonEngine {
    fn start_methods(&self) -> &'static [StartMethod] {
        &StartMethod::ALL
    }

    fn check(&self, config: &LabConfig) -> Result<(), String> {
        if config.api.threads() && config.start_method.is_some() {
            return Err(threads_have_no_start_method(config.api));
        }
        if let (Some(m), Some(python)) = (config.start_method, &config.python)
            && !python.supports(m)
        {
            return Err(format!(
                "Python {} has no start method {m} here",
                python.version
            ));
        }
        Ok(())
    }

    fn run(
        &self,
        config: &LabConfig,
        cancel: &CancelToken,
        sink: &dyn Fn(LabEvent),
        started: Instant,
    ) -> Result<RunResult, LabError> {
        let python = session::interpreter(config, "the python engine needs Python")?;
        if config.api.threads() && config.start_method.is_some() {
            return Err(LabError::Invalid(threads_have_no_start_method(config.api)));
        }
        if let Some(m) = config.start_method
            && !python.supports(m)
        {
            return Err(LabError::Invalid(format!(
                "Python {} has no start method {m} here",
                python.version
            )));
        }
        let until = started + config.deadline;
        let expected = Expected::for_config(config, cancel, until)?;
        let mut request =
            session::request(DRIVER_NAME, DRIVER, &python, config, driver_args(config))?;
        request.start_method = config.start_method;
        let words = Words {
            name: "Python",
            runs: "the Python pool",
            driver: "the Python driver",
            returned: "map",
            master: "the Python pool's master",
        };
        let driver = Driver {
            run: Run::new(config, sink, started, expected, python, words),
            method: String::new(),
            api: String::new(),
            by_pid: HashMap::new(),
        };
        session::launch(request, driver, cancel, until)
    }
}

fn threads_have_no_start_method(api: crate::lab::PoolApi) -> String {
    format!(
        "a {} starts no processes, so no start method applies: choose the default",
        api.class()
    )
}

/// The driver's command line for a config.
fn driver_args(config: &LabConfig) -> Vec<String> {
    let mut args = session::task_args(config);
    args.extend([
        "--method".into(),
        config.start_method.map_or("default", |m| m.as_str()).into(),
        "--api".into(),
        config.api.name().into(),
    ]);
    session::serial_args(config, &mut args);
    args
}

/// The python engine's watch: workers known by pid.
struct Driver<'a> {
    run: Run<'a>,
    method: String,
    api: String,
    by_pid: HashMap<u32, usize>,
}

impl<'a> Watch<'a> for Driver<'a> {
    type Line = Line;

    fn run(&mut self) -> &mut Run<'a> {
        &mut self.run
    }

    fn finish(mut self, status: Option<Exit>) -> Result<RunResult, LabError> {
        let api = crate::lab::PoolApi::from_name(&self.api).unwrap_or(self.run.config.api);
        let ran = format!(
            "Python {} {}, {}",
            self.run.python.version,
            api.class(),
            self.run.python.gil.describe()
        );
        if let Some(result) = self.run.result(status, ran, self.method.clone()) {
            return Ok(result);
        }
        // Workers not yet reported as ended were killed with the driver.
        self.run.report_ended(Exit::KILLED);
        if let Some((_, message)) = self.run.failure.take() {
            return Err(LabError::Engine(format!(
                "the Python pool failed: {message}"
            )));
        }
        Err(self.run.lost(status))
    }

    fn own(&mut self, line: Line) -> Result<(), LabError> {
        match line {
            Line::Hello {
                pid,
                python: _,
                method,
                api,
            } => {
                self.run.master = pid;
                self.method = method;
                self.api = api;
            }
            Line::Spawned { pids, t } => {
                for pid in pids {
                    self.worker(pid, t)?;
                }
            }
            Line::Ready { pid, t } => {
                let i = self.worker(pid, t)?;
                let run = &mut self.run;
                if !run.workers[i].ready {
                    run.workers[i].ready = true;
                    run.emit(LabEvent::WorkerReady {
                        worker: i,
                        pid,
                        at: run.clock.at(t),
                    });
                }
            }
            Line::Start { p, i, t } => {
                let w = self.known(p)?;
                let run = &mut self.run;
                if i >= run.config.tasks {
                    return Err(run.protocol(format!("pid {p} started task {i}, past the last")));
                }
                run.workers[w].current = Some(i);
                run.emit(LabEvent::TaskStarted {
                    worker: w,
                    pid: p,
                    task: i,
                    at: run.clock.at(t),
                });
            }
            Line::Done { p, i, v, t } => {
                let w = self.known(p)?;
                if self.run.workers[w].current != Some(i) {
                    return Err(self
                        .run
                        .protocol(format!("pid {p} finished task {i} without starting it")));
                }
                self.run.task_done(w, i, v, t)?;
            }
            Line::Died { pid, code } => {
                let w = self.known(pid)?;
                let run = &mut self.run;
                let at = run.clock.at(monotonic_ns());
                let worker = &mut run.workers[w];
                worker.ended = true;
                let task = worker.current.take();
                let crash = Crash {
                    worker: w,
                    pid,
                    exit: exit_of(code),
                    at,
                    requeued: task.map_or(0..0, |t| t..t + 1),
                    before_ready: !worker.ready,
                    stderr: String::new(),
                };
                run.crashes.push(crash.clone());
                run.emit(LabEvent::WorkerCrashed(crash));
            }
            Line::Exited { pid, code, t } => {
                let w = self.known(pid)?;
                let run = &mut self.run;
                run.workers[w].ended = true;
                run.emit(LabEvent::WorkerExited {
                    worker: w,
                    pid,
                    exit: exit_of(code),
                    at: run.clock.at(t),
                });
            }
        }
        Ok(())
    }
}

impl Driver<'_> {
    fn worker(&mut self, pid: u32, t: u64) -> Result<usize, LabError> {
        if let Some(&i) = self.by_pid.get(&pid) {
            return Ok(i);
        }
        let run = &mut self.run;
        // After the start, Pool replaces a worker that died: the new one
        // gets a row of its own (the driver reports the death next).
        let limit = if run.all.is_some() {
            2 * run.config.workers
        } else {
            run.config.workers
        };
        if run.workers.len() >= limit {
            return Err(run.protocol(format!(
                "more worker processes than the {} asked for (pid {pid})",
                run.config.workers
            )));
        }
        let i = run.workers.len();
        run.workers.push(Worker::new(pid));
        self.by_pid.insert(pid, i);
        run.emit(LabEvent::WorkerSpawned {
            worker: i,
            pid,
            at: run.clock.at(t),
        });
        Ok(i)
    }

    fn known(&self, pid: u32) -> Result<usize, LabError> {
        self.by_pid.get(&pid).copied().ok_or_else(|| {
            self.run
                .protocol(format!("an event from pid {pid}, not a worker"))
        })
    }
}

/// Numbers per second one Python process counts (the driver's
/// `--calibrate`), run under the guard like a lab run.
pub fn numbers_per_second(python: &Interpreter, launcher: &std::path::Path) -> Result<f64, String> {
    let mut request = RunRequest::for_script(DRIVER_NAME, DRIVER.as_bytes(), python.clone())?;
    request.args = vec!["--calibrate".into(), "0.15".into()];
    request.timeout = std::time::Duration::from_secs(30);
    request.launcher = Some(launcher.to_path_buf());
    let (tx, rx) = std::sync::mpsc::channel();
    let run = crate::python::start(request, move |e| {
        let _ = tx.send(e);
    });
    let mut out = String::new();
    let mut rate = None;
    for event in rx {
        match event {
            PyEvent::Output(o) if o.stream == Stream::Stdout => {
                out.push_str(&o.text);
                if o.line_end {
                    if let Ok(driver::Shared::Rate { n }) = serde_json::from_str(out.trim()) {
                        rate = Some(n);
                    }
                    out.clear();
                }
            }
            PyEvent::Exited(_) => break,
            PyEvent::Failed(m) => return Err(m),
            _ => {}
        }
    }
    run.wait();
    rate.filter(|r| *r > 0.0)
        .ok_or_else(|| "the Python driver did not report its speed".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Workload;

    #[test]
    fn driver_arguments_carry_the_config() {
        let config = LabConfig {
            workers: 3,
            tasks: 10,
            task_size: 100,
            chunksize: 2,
            start_method: Some(StartMethod::Spawn),
            ..LabConfig::new(Workload::Amdahl {
                serial_fraction: 0.5,
            })
        };
        let args = driver_args(&config).join(" ");
        assert!(
            args.starts_with(
                "--workers 3 --tasks 10 --size 100 --chunksize 2 --kind primes --method spawn --api pool"
            ),
            "{args}"
        );
        assert!(
            args.contains("--serial-before 1000001000:1000001500"),
            "{args}"
        );
        assert!(
            args.contains("--serial-after 1000001500:1000002000"),
            "{args}"
        );
    }
}
