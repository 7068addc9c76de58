//! The running lab's events: worker rows, task bars and results.

use std::time::Duration;

use super::variants::{MAX_VARIANTS, Variant};
use super::{LabView, Measured, TaskBar, WorkerEnd, WorkerRow};
use crate::lab::{LabConfig, LabEvent, MAX_WORKERS, RunResult};

impl LabView {
    /// A worker is gone: its row says how, and the bar of the task it
    /// was on stops where it died instead of growing with the clock.
    fn worker_ended(&mut self, worker: usize, how: WorkerEnd, at: Duration) {
        if let Some(w) = self.workers.get_mut(worker) {
            w.ended = Some(how);
            w.task = None;
        }
        for bar in self.bars.iter_mut().filter(|b| b.worker == worker) {
            bar.end.get_or_insert(at);
        }
    }

    /// The run is about to start: take the guess, which was for the
    /// workers set now; the box empties for the next guess.
    pub fn starting(&mut self, sweep: bool) {
        self.keep_previous();
        self.run_guess = std::mem::take(&mut self.guess)
            .replace(',', ".")
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|g| *g > 0.0)
            .map(|g| (self.config.workers, g));
        self.running = true;
        self.sweeping = sweep;
        self.message = None;
        self.batch += 1;
        self.runs_started = 0;
    }

    /// Takes one event of the running lab.
    pub fn apply(&mut self, event: LabEvent) {
        match event {
            LabEvent::RunStarted { config, .. } => self.run_started(config),
            LabEvent::WorkerSpawned { worker, pid, at } => {
                self.now = self.now.max(at);
                // A Dask worker that joined mid-run gets a row of its own.
                if worker == self.workers.len() && worker < MAX_WORKERS {
                    self.workers.push(WorkerRow::new(pid));
                }
                if let Some(w) = self.workers.get_mut(worker) {
                    w.pid = pid;
                }
            }
            LabEvent::WorkerReady { worker, at, .. } => {
                self.now = self.now.max(at);
                if let Some(w) = self.workers.get_mut(worker) {
                    w.ready = true;
                }
            }
            LabEvent::AllReady { at } => self.now = self.now.max(at),
            LabEvent::SerialStarted { at, .. } => {
                self.now = self.now.max(at);
                self.serial.push((at, None));
            }
            LabEvent::SerialFinished { at, .. } => {
                self.now = self.now.max(at);
                if let Some(last) = self.serial.last_mut() {
                    last.1 = Some(at);
                }
            }
            LabEvent::TaskStarted {
                worker, task, at, ..
            } => self.task_started(worker, task, at),
            LabEvent::TaskFinished {
                worker, task, at, ..
            } => self.task_finished(worker, task, at),
            LabEvent::WorkerExited {
                worker, exit, at, ..
            } => {
                self.now = self.now.max(at);
                self.worker_ended(worker, WorkerEnd::Exited(exit), at);
            }
            LabEvent::WorkerCrashed(crash) => {
                self.worker_ended(crash.worker, WorkerEnd::Crashed(crash.exit), crash.at);
                self.message = Some(format!("{crash}"));
            }
            LabEvent::RunFinished(result) => self.run_finished(*result),
            LabEvent::RunFailed(error) => {
                self.running = false;
                self.sweeping = false;
                self.message = Some(error.to_string());
            }
            LabEvent::Notice(notice) => self.message = Some(notice),
            LabEvent::Cluster(workers) => self.cluster = workers,
            LabEvent::SweepFinished(_) => {
                self.running = false;
                self.sweeping = false;
            }
        }
    }

    /// A run begins: a fresh timeline, with the run's own settings.
    fn run_started(&mut self, config: LabConfig) {
        self.workers = vec![WorkerRow::new(0); config.workers];
        self.bars.clear();
        self.serial.clear();
        self.now = Duration::ZERO;
        self.tasks_done = 0;
        self.running = true;
        self.runs_started += 1;
        // The run's own settings, as the lab thread settled them
        // (calibrated task size, the engine that ran; a replay's too).
        self.ran = Some(config.clone());
        self.config = config;
    }

    fn task_started(&mut self, worker: usize, task: usize, at: Duration) {
        self.now = self.now.max(at);
        if let Some(w) = self.workers.get_mut(worker) {
            w.task = Some(task);
        }
        self.bars.push(TaskBar {
            worker,
            task,
            start: at,
            end: None,
        });
    }

    fn task_finished(&mut self, worker: usize, task: usize, at: Duration) {
        self.now = self.now.max(at);
        self.tasks_done += 1;
        if let Some(w) = self.workers.get_mut(worker) {
            w.done += 1;
            if w.task == Some(task) {
                w.task = None;
            }
        }
        if let Some(bar) = self
            .bars
            .iter_mut()
            .rev()
            .find(|b| b.worker == worker && b.task == task && b.end.is_none())
        {
            bar.end = Some(at);
        }
    }

    /// A run's result joins its variant's rows; the oldest variant gives
    /// way past [`MAX_VARIANTS`].
    fn run_finished(&mut self, result: RunResult) {
        let guess = self.guess_for(&result);
        if guess.is_some() {
            self.run_guess = None;
        }
        // Runs of this variant's point from an earlier batch give way.
        let batch = self.batch;
        let variant = Variant::of(&result.config);
        let workers = result.config.workers;
        self.measured.retain(|m| {
            m.batch == batch
                || m.result.config.workers != workers
                || Variant::of(&m.result.config) != variant
        });
        self.measured.push(Measured {
            result,
            guess,
            batch,
        });
        let mut kept: Vec<Variant> = Vec::new();
        for m in &self.measured {
            let v = Variant::of(&m.result.config);
            if !kept.contains(&v) {
                kept.push(v);
            }
        }
        let over = kept.len().saturating_sub(MAX_VARIANTS);
        if over > 0 {
            let gone = &kept[..over];
            self.measured
                .retain(|m| !gone.contains(&Variant::of(&m.result.config)));
            self.dropped += over;
        }
        // A run alone ends with its point's last repeat.
        if !self.sweeping && self.runs_started >= self.config.repeat {
            self.running = false;
        }
    }
}

impl WorkerRow {
    /// A worker started, not yet ready.
    fn new(pid: u32) -> WorkerRow {
        WorkerRow {
            pid,
            ready: false,
            task: None,
            done: 0,
            ended: None,
        }
    }
}
