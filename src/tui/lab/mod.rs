//! The lab screen's model: the settings of the next run, what the running
//! workers are doing, and the results so far. Pure data plus the rules for
//! changing it; `update` calls these, the lab view draws them. The
//! settings are here, the running lab's events in `events`.

mod events;
pub mod variants;

use std::time::Duration;

use crate::lab::DEFAULT_REPEAT;
use crate::lab::measure::{Row, sweep_counts};
use crate::lab::{Engine, Experiment, PoolApi, Workload};
use crate::lab::{LabConfig, MAX_WORKERS, RunResult};
use variants::Variant;

/// One worker of the current run.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerRow {
    pub pid: u32,
    pub ready: bool,
    /// The task it is working on.
    pub task: Option<usize>,
    pub done: usize,
    /// How it ended, once it has.
    pub ended: Option<WorkerEnd>,
}

/// How a worker of the current run ended: its row says "crashed" by
/// the kind, not by reading words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WorkerEnd {
    /// It exited when the run was done with it (or was stopped).
    Exited(crate::lab::Exit),
    /// It died during the run (the lab's `WorkerCrashed`).
    Crashed(crate::lab::Exit),
}

/// One task on the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskBar {
    pub worker: usize,
    pub task: usize,
    pub start: Duration,
    /// `None` while the task runs.
    pub end: Option<Duration>,
}

/// A run's workers at work, drawn as the lab's timeline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    pub workers: Vec<WorkerRow>,
    pub bars: Vec<TaskBar>,
    /// The master's serial parts (amdahl): start and end.
    pub serial: Vec<(Duration, Option<Duration>)>,
    /// The latest moment any event reported, for the timeline's scale.
    pub now: Duration,
}

/// The last run of an earlier run or sweep, or of another experiment:
/// its timeline stays on screen beside the new one, so two settings
/// (chunk 1 and chunk 1024) are seen together.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    /// The settings it ran with.
    pub config: LabConfig,
    /// The experiment it belonged to, when it was one.
    pub experiment: Option<String>,
    pub timeline: Timeline,
}

/// A finished run with the learner's guess for it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub result: RunResult,
    pub guess: Option<f64>,
    /// The learner's run or sweep it came from ([`LabView::batch`]).
    pub batch: u64,
}

/// Lab results recorded on another machine (`forklab --compare TRACE`),
/// shown beside this machine's.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub cores: usize,
    /// When, for the table's title (`2026-12-01 16:40 UTC`).
    pub date: String,
    /// Every run the recorded lab's table was made of, repeats included,
    /// of every variant it kept: [`Recorded::tables`] makes the same
    /// tables from them (fastest of each point, `*` for a busy machine).
    pub results: Vec<RunResult>,
}

impl Recorded {
    /// The trace's finished lab runs as its replay ends with them, or why
    /// there is nothing to compare. The one reading of a trace's results:
    /// its lab events go through the same [`LabView`] a replay's do.
    pub fn from_trace(trace: &crate::trace::Trace) -> Result<Recorded, String> {
        use crate::trace::Entry;
        let mut lab = LabView::new(trace.header.machine.cores);
        for timed in &trace.entries {
            match &timed.entry {
                Entry::LabBegan { sweep } => lab.starting(*sweep),
                Entry::Lab(event) => lab.apply(event.clone()),
                _ => {}
            }
        }
        let results: Vec<RunResult> = lab.measured.into_iter().map(|m| m.result).collect();
        if results.is_empty() {
            return Err("the trace has no finished lab run to compare with".into());
        }
        Ok(Recorded {
            cores: trace.header.machine.cores,
            date: crate::sanitize::field(
                &crate::trace::format::short_date(&trace.header.machine.recorded),
                24,
            )
            .into_owned(),
            results,
        })
    }

    /// The recorded tables, one per variant, as the replay showed them.
    pub fn tables(&self) -> Vec<variants::Table> {
        let results: Vec<&RunResult> = self.results.iter().collect();
        variants::tables(&results, Variant::of)
    }

    /// Every recorded table's rows, one variant after another.
    pub fn rows(&self) -> Vec<Row> {
        self.tables().into_iter().flat_map(|t| t.rows).collect()
    }
}

/// The lab screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct LabView {
    pub config: LabConfig,
    /// The lesson's experiment the lab was opened for (lesson id, experiment).
    pub experiment: Option<(String, Experiment)>,
    /// The learner's prediction of the next run's wall time, as typed.
    pub guess: String,
    /// The guess taken when the current run started, with the worker
    /// count it was made for (a sweep runs several counts).
    pub run_guess: Option<(usize, f64)>,
    pub workers: Vec<WorkerRow>,
    pub bars: Vec<TaskBar>,
    /// The master's serial parts (amdahl): start and end.
    pub serial: Vec<(Duration, Option<Duration>)>,
    /// The latest moment any event reported, for the timeline's scale.
    pub now: Duration,
    pub running: bool,
    pub sweeping: bool,
    pub tasks_done: usize,
    /// Finished runs of this experiment, of each variant of its settings
    /// the learner ran (at most [`variants::MAX_VARIANTS`]), in the order
    /// they came.
    pub measured: Vec<Measured>,
    /// Variants given way to newer ones since the experiment opened.
    pub dropped: usize,
    /// What went wrong or what to notice (crashes, failures).
    pub message: Option<String>,
    /// This machine's cores (kept here so views and tests agree).
    pub cores: usize,
    /// Counts the learner's runs and sweeps: runs of one point keep each
    /// other (repeats), a new run of the same workers replaces them.
    pub batch: u64,
    /// Runs started since the learner's `r` or `s` (for "run 2 of 3").
    pub runs_started: usize,
    /// The dask engine's cluster, as its scheduler last reported it.
    pub cluster: Vec<crate::lab::ClusterWorker>,
    /// Another machine's results to compare with, if any.
    pub recorded: Option<Recorded>,
    /// A run (`false`) or sweep (`true`) asked for while Python was still
    /// being looked for: it starts when the search answers.
    pub waiting: Option<bool>,
    /// The run before the learner's current run or sweep, or before this
    /// experiment was opened.
    pub previous: Option<Previous>,
    /// The settings the timeline's run ran with (the learner may have
    /// changed `config` since).
    pub ran: Option<LabConfig>,
}

/// A timeline borrowed from the lab's state: the current run's or the
/// previous one's, drawn the same way.
#[derive(Debug, Clone, Copy)]
pub struct TimelineRef<'a> {
    pub workers: &'a [WorkerRow],
    pub bars: &'a [TaskBar],
    pub serial: &'a [(Duration, Option<Duration>)],
    pub now: Duration,
    /// Its workers are a pool's threads (named by thread ids), not processes.
    pub threads: bool,
}

impl Timeline {
    pub fn borrow(&self, config: &LabConfig) -> TimelineRef<'_> {
        TimelineRef {
            workers: &self.workers,
            bars: &self.bars,
            serial: &self.serial,
            now: self.now,
            threads: runs_threads(config),
        }
    }
}

/// Whether a run's workers are a Python pool's threads.
fn runs_threads(config: &LabConfig) -> bool {
    config.engine == Engine::Python && config.api.threads()
}

/// Tasks the double-tasks key goes up to.
pub const MAX_TASKS_KEY: usize = 65_536;

/// Workers the `+` key goes up to: four per core.
pub fn max_workers(cores: usize) -> usize {
    (cores * 4).clamp(1, MAX_WORKERS)
}

impl LabView {
    pub fn new(cores: usize) -> LabView {
        LabView {
            config: LabConfig {
                engine: Engine::Python,
                repeat: DEFAULT_REPEAT,
                calibrate: true,
                ..LabConfig::new(Workload::Cpu)
            },
            experiment: None,
            guess: String::new(),
            run_guess: None,
            workers: Vec::new(),
            bars: Vec::new(),
            serial: Vec::new(),
            now: Duration::ZERO,
            running: false,
            sweeping: false,
            tasks_done: 0,
            measured: Vec::new(),
            dropped: 0,
            message: None,
            cores,
            batch: 0,
            runs_started: 0,
            cluster: Vec::new(),
            recorded: None,
            waiting: None,
            previous: None,
            ran: None,
        }
    }

    /// The current run's timeline, borrowed for drawing.
    pub fn timeline(&self) -> TimelineRef<'_> {
        TimelineRef {
            workers: &self.workers,
            bars: &self.bars,
            serial: &self.serial,
            now: self.now,
            threads: runs_threads(&self.config),
        }
    }

    /// Keeps the last run's timeline as the previous one (a new run or
    /// sweep begins, another experiment opens); nothing when none ran.
    pub(super) fn keep_previous(&mut self) {
        if self.bars.is_empty() {
            return;
        }
        self.previous = Some(Previous {
            config: self.ran.take().unwrap_or_else(|| self.config.clone()),
            experiment: self.experiment.as_ref().map(|(_, e)| e.title.clone()),
            timeline: Timeline {
                workers: std::mem::take(&mut self.workers),
                bars: std::mem::take(&mut self.bars),
                serial: std::mem::take(&mut self.serial),
                now: std::mem::take(&mut self.now),
            },
        });
    }

    /// Sets the lab up for a lesson's experiment `index` (from 0), if it
    /// has it (kept as it is when it is already set up for it): another
    /// experiment starts a fresh table. `false` when it could not be: a
    /// run is going on.
    pub fn open_for(&mut self, lesson: &crate::lesson::Lesson, index: usize) -> bool {
        let Some(Ok(experiment)) = Experiment::all_from(&lesson.meta.experiments)
            .into_iter()
            .nth(index)
        else {
            return true;
        };
        let same = self
            .experiment
            .as_ref()
            .is_some_and(|(id, e)| *id == lesson.meta.id && *e == experiment);
        if same {
            return true;
        }
        if self.running {
            return false;
        }
        self.keep_previous();
        let keep = self.config.clone();
        self.config = LabConfig {
            engine: keep.engine,
            start_method: keep.start_method,
            api: keep.api,
            python: keep.python,
            scheduler: keep.scheduler,
            repeat: keep.repeat,
            worker_exe: keep.worker_exe,
            ..experiment.config(experiment.workers.first().copied().unwrap_or(1))
        };
        self.measured.clear();
        self.dropped = 0;
        self.experiment = Some((lesson.meta.id.clone(), experiment));
        self.guess.clear();
        true
    }

    /// Which of `lesson`'s experiments the lab is set up for, if any.
    pub fn experiment_of(&self, lesson: &crate::lesson::Lesson) -> Option<usize> {
        let (id, e) = self.experiment.as_ref()?;
        if *id != lesson.meta.id {
            return None;
        }
        Experiment::all_from(&lesson.meta.experiments)
            .into_iter()
            .position(|x| x.as_ref().is_ok_and(|x| x == e))
    }

    /// The results table, one part per variant, oldest first.
    pub fn tables(&self) -> Vec<variants::Table> {
        let results: Vec<&RunResult> = self.measured.iter().map(|m| &m.result).collect();
        variants::tables(&results, Variant::of)
    }

    /// Every variant's rows, one variant after another.
    pub fn rows(&self) -> Vec<Row> {
        self.tables().into_iter().flat_map(|t| t.rows).collect()
    }

    /// The runs of the variant measured last: what the class is sent.
    pub fn current_results(&self) -> Vec<RunResult> {
        let Some(last) = self.measured.last() else {
            return Vec::new();
        };
        let variant = Variant::of(&last.result.config);
        self.measured
            .iter()
            .filter(|m| Variant::of(&m.result.config) == variant)
            .map(|m| m.result.clone())
            .collect()
    }

    /// Whether every repeat of this worker count's point has come in
    /// (the learner's current run or sweep).
    pub fn point_done(&self, workers: usize) -> bool {
        self.measured
            .iter()
            .filter(|m| m.batch == self.batch && m.result.config.workers == workers)
            .count()
            >= self.config.repeat
    }

    /// The guess made for a variant's worker count, if any.
    pub fn guess_of(&self, variant: &Variant, workers: usize) -> Option<f64> {
        self.measured
            .iter()
            .filter(|m| {
                m.result.config.workers == workers && Variant::of(&m.result.config) == *variant
            })
            .find_map(|m| m.guess)
    }

    /// The worker counts `s` runs: the experiment's list when it has
    /// several and its workload is still the one run (so its variants,
    /// another chunk or engine, are measured at the same counts), else 1
    /// to twice the cores.
    pub fn sweep_counts(&self) -> Vec<usize> {
        match &self.experiment {
            Some((_, e)) if e.workers.len() > 1 && e.workload == self.config.workload => {
                e.workers.clone()
            }
            _ => sweep_counts(self.config.cpus.unwrap_or(self.cores)),
        }
    }

    /// A setting other than the worker count changed: the next runs are
    /// another variant, whose rows join the earlier ones'.
    fn changed(&mut self) {
        self.message = None;
    }

    /// Whether the cluster pane takes the process pane's place: the dask
    /// engine on a scheduler forklab did not start, whose workers are
    /// not in forklab's process family.
    pub fn shows_cluster(&self) -> bool {
        self.config.engine == Engine::Dask
            && self.config.scheduler.is_some()
            && !self.cluster.is_empty()
    }

    /// A Python `Pool`, a Python `ProcessPoolExecutor`, the same two of
    /// threads (`ThreadPool`, `ThreadPoolExecutor`), forklab's own
    /// workers, Dask.
    pub fn cycle_engine(&mut self) {
        let engine = self.config.engine;
        (self.config.engine, self.config.api) = match (self.config.engine, self.config.api) {
            (Engine::Python, PoolApi::Pool) => (Engine::Python, PoolApi::Executor),
            (Engine::Python, PoolApi::Executor) => (Engine::Python, PoolApi::ThreadPool),
            (Engine::Python, PoolApi::ThreadPool) => (Engine::Python, PoolApi::ThreadExecutor),
            (Engine::Python, PoolApi::ThreadExecutor) => (Engine::Forklab, PoolApi::Pool),
            (Engine::Forklab, _) => (Engine::Dask, PoolApi::Pool),
            (Engine::Dask, _) => (Engine::Python, PoolApi::Pool),
        };
        // Threads start no processes: no start method applies.
        if self.config.api.threads()
            || self
                .config
                .start_method
                .is_some_and(|m| !self.config.engine.start_methods().contains(&m))
        {
            self.config.start_method = None;
        }
        // Another engine counts at another speed: calibrated tasks are
        // measured again; an experiment's fixed task size stays fixed.
        // Python's pools all count with the same Python: the same tasks,
        // so processes and threads compare.
        match self.fixed_task_size() {
            Some(size) => self.config.task_size = size,
            None if self.config.engine == engine => {}
            None => self.config.calibrate = true,
        }
        self.changed();
    }

    /// The task size the lab's experiment fixes, while its workload is
    /// the experiment's (`None`: sized by measurement): another chunk or
    /// engine runs the same tasks, so their variants compare.
    fn fixed_task_size(&self) -> Option<u64> {
        let (_, e) = self.experiment.as_ref()?;
        (!e.calibrate && !self.config.calibrate && e.workload == self.config.workload)
            .then_some(e.task_size)
    }

    /// The engine's default, then each start method it offers.
    pub fn cycle_start_method(&mut self) {
        let offered = if self.config.api.threads() {
            &[]
        } else {
            self.config.engine.start_methods()
        };
        self.config.start_method = match self.config.start_method {
            None => offered.first().copied(),
            Some(m) => offered
                .iter()
                .position(|o| *o == m)
                .and_then(|i| offered.get(i + 1))
                .copied(),
        };
        self.changed();
    }

    /// Runs per point: 1, 3, 5, then 1 again.
    pub fn cycle_repeat(&mut self) {
        self.config.repeat = match self.config.repeat {
            1 => 3,
            3 => 5,
            _ => 1,
        };
    }

    pub fn set_workers(&mut self, workers: usize) {
        self.config.workers = workers.clamp(1, max_workers(self.cores));
    }

    pub fn cycle_workload(&mut self) {
        let next = self.config.workload.next();
        self.config.task_size = next.default_task_size();
        self.config.calibrate = true;
        self.config.workload = next;
        self.changed();
    }

    /// Halves or doubles the number of tasks (within sensible bounds).
    pub fn scale_tasks(&mut self, up: bool) {
        let tasks = if up {
            self.config.tasks * 2
        } else {
            self.config.tasks / 2
        };
        // Up to 65,536: the chunk experiments start at 8192 tiny tasks.
        let tasks = tasks.clamp(1, MAX_TASKS_KEY);
        if tasks != self.config.tasks {
            self.config.tasks = tasks;
            self.config.chunksize = self.config.chunksize.min(tasks);
            self.changed();
        }
    }

    /// Halves or doubles the chunk size.
    pub fn scale_chunk(&mut self, up: bool) {
        let chunk = if up {
            self.config.chunksize * 2
        } else {
            self.config.chunksize / 2
        };
        let chunk = chunk.clamp(1, self.config.tasks.max(1));
        if chunk != self.config.chunksize {
            self.config.chunksize = chunk;
            self.changed();
        }
    }

    /// All cores, then 1, 2, ... up to all but one.
    pub fn cycle_cores(&mut self) {
        let cores = self.cores;
        self.config.cpus = match self.config.cpus {
            None if cores > 1 => Some(1),
            Some(k) if k + 1 < cores => Some(k + 1),
            _ => None,
        };
        self.changed();
    }

    /// The guess taken for this finished run, if it was made for its
    /// worker count.
    pub fn guess_for(&self, result: &RunResult) -> Option<f64> {
        self.run_guess
            .filter(|(workers, _)| *workers == result.config.workers)
            .map(|(_, g)| g)
    }

    /// The name the progress file knows this set-up by:
    /// `lesson-id/experiment-id`, or `own`.
    pub fn experiment_key(&self) -> String {
        self.experiment
            .as_ref()
            .map_or("own".into(), |(lesson, e)| format!("{lesson}/{}", e.id))
    }
}

#[cfg(test)]
mod tests;
