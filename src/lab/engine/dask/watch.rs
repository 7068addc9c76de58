//! Watching the driver: its lines become the lab's events, its end the
//! run's result or the reason it has none.

use std::collections::HashMap;

use super::line::Line;
use super::{NO_DASK, install_hint};
use crate::lab::engine::session::{Run, Watch, Worker};
use crate::lab::{Crash, Exit, LabError, LabEvent, RunResult};

/// The dask engine's watch: workers known by address.
pub(super) struct Driver<'a> {
    run: Run<'a>,
    dask: String,
    scheduler: String,
    local: bool,
    by_addr: HashMap<String, usize>,
}

impl<'a> Watch<'a> for Driver<'a> {
    type Line = Line;

    fn run(&mut self) -> &mut Run<'a> {
        &mut self.run
    }

    fn finish(mut self, status: Option<Exit>) -> Result<RunResult, LabError> {
        // Workers not reported as lost leave the run with it: a local
        // cluster is closed (or killed with the driver); a remote
        // cluster's workers stay up, which is theirs to decide.
        if status == Some(Exit::Code(0)) && self.run.has_finished() {
            self.run.report_ended(Exit::Code(0));
        }
        let ran = format!("Python {} Dask {}", self.run.python.version, self.dask);
        let method = if self.local {
            "LocalCluster".into()
        } else {
            format!("scheduler {}", self.scheduler)
        };
        if let Some(result) = self.run.result(status, ran, method) {
            return Ok(result);
        }
        self.run.report_ended(Exit::KILLED);
        if let Some((kind, message)) = self.run.failure.take() {
            return Err(LabError::Engine(match kind.as_str() {
                "nodask" => format!("the dask engine needs Dask: {message}"),
                _ => format!("the Dask run failed: {message}"),
            }));
        }
        if status == Some(Exit::Code(NO_DASK)) {
            return Err(LabError::Engine(format!(
                "the dask engine needs Dask; {}",
                install_hint(&self.run.python.path)
            )));
        }
        Err(self.run.lost(status))
    }

    fn own(&mut self, line: Line) -> Result<(), LabError> {
        match line {
            Line::Hello {
                pid,
                dask,
                scheduler,
                local,
            } => {
                self.run.master = pid;
                self.dask = dask;
                self.scheduler = scheduler;
                self.local = local;
            }
            Line::Worker { a, pid, t } => {
                self.add_worker(a, pid, t)?;
            }
            Line::Joined { a, pid, t } => {
                let i = self.add_worker(a.clone(), pid, t)?;
                self.run.emit(LabEvent::Notice(format!(
                    "Dask worker {a} (pid {pid}) joined the cluster as worker {}",
                    i + 1
                )));
            }
            Line::Start { a, i, t } => {
                let w = self.known(&a)?;
                let run = &self.run;
                if i >= run.config.tasks {
                    return Err(run.protocol(format!("{a} started task {i}, past the last")));
                }
                run.emit(LabEvent::TaskStarted {
                    worker: w,
                    pid: run.workers[w].pid,
                    task: i,
                    at: run.clock.at(t),
                });
            }
            Line::Done { a, i, v, t } => {
                let w = self.known(&a)?;
                self.run.task_done(w, i, v, t)?;
            }
            Line::Cluster { w } => self.run.emit(LabEvent::Cluster(w)),
            Line::Lost { a, t, running } => {
                let w = self.known(&a)?;
                let run = &mut self.run;
                let at = run.clock.at(t);
                let worker = &mut run.workers[w];
                worker.ended = true;
                // A range when the tasks follow each other (the crash line
                // names it); the text names them all.
                let requeued = match (running.iter().min(), running.iter().max()) {
                    (Some(&lo), Some(&hi)) if hi + 1 - lo == running.len() => lo..hi + 1,
                    _ => 0..0,
                };
                let named = running
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let crash = Crash {
                    worker: w,
                    pid: worker.pid,
                    // The scheduler cannot say how a worker ended, only that
                    // it is gone; a worker on this machine was killed.
                    exit: Exit::Signal(libc::SIGKILL),
                    at,
                    requeued,
                    before_ready: false,
                    stderr: if running.is_empty() {
                        format!("the Dask scheduler lost worker {a}")
                    } else {
                        format!(
                            "the Dask scheduler lost worker {a}; Dask runs its unfinished task{} {named} on the workers left",
                            if running.len() == 1 { "" } else { "s" }
                        )
                    },
                };
                run.crashes.push(crash.clone());
                run.emit(LabEvent::WorkerCrashed(crash));
            }
            // The scheduler's record: a Dask task that ran twice was on
            // a worker lost before its result was read.
            Line::Stream { n, .. } => {
                let config = self.run.config;
                let chunks = config.tasks.div_ceil(config.chunksize.max(1));
                if n > chunks {
                    self.run.emit(LabEvent::Notice(format!(
                        "the scheduler's task stream shows {n} Dask task runs for {chunks} tasks: {} ran again after a worker was lost",
                        n - chunks
                    )));
                }
            }
        }
        Ok(())
    }
}

impl<'a> Driver<'a> {
    /// A driver not heard from yet.
    pub(super) fn new(run: Run<'a>) -> Driver<'a> {
        Driver {
            run,
            dask: String::new(),
            scheduler: String::new(),
            local: true,
            by_addr: HashMap::new(),
        }
    }

    /// A worker the run uses: a row of its own, numbered in arrival order.
    fn add_worker(&mut self, address: String, pid: u32, t: u64) -> Result<usize, LabError> {
        if let Some(&i) = self.by_addr.get(&address) {
            return Ok(i);
        }
        let run = &mut self.run;
        if run.workers.len() >= 2 * run.config.workers.max(1) + 8 {
            return Err(run.protocol(format!(
                "more Dask workers than the run can show ({address})"
            )));
        }
        let i = run.workers.len();
        run.workers.push(Worker::new(pid));
        self.by_addr.insert(address, i);
        let at = run.clock.at(t);
        run.emit(LabEvent::WorkerSpawned { worker: i, pid, at });
        run.emit(LabEvent::WorkerReady { worker: i, pid, at });
        Ok(i)
    }

    fn known(&self, address: &str) -> Result<usize, LabError> {
        self.by_addr.get(address).copied().ok_or_else(|| {
            self.run
                .protocol(format!("a task ran on {address}, not a worker of the run"))
        })
    }
}
