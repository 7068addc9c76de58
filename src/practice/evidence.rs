//! What the samples of a run prove, beyond what the script printed: who
//! used the CPU time (the master, the workers, the helpers), how many
//! workers ran at the same moment, and which start method made them.
//! Everything here comes from `/proc` readings forklab took itself, never
//! from the script's own words.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::python::family::SeenProcess;
use crate::python::{FamilyLog, Role, StartMethod};

/// A stretch of the run over which the workers' CPU time is compared with
/// the wall time: long enough that the kernel's tick (10 ms per reading
/// and process) cannot make one busy worker look like two.
pub const OVERLAP_WINDOW: Duration = Duration::from_millis(400);

/// CPU time the master may use without it counting as work: starting the
/// interpreter, importing `multiprocessing`, making the pool.
pub const MASTER_ALLOWANCE: f64 = 0.08;

/// The processes of `family` that are its workers: Python processes a
/// Python process of the run started. A Python whose parent is not one
/// (the script's own interpreter behind a wrapper, such as a chroot's) is
/// the script, not a worker.
pub fn workers(family: &FamilyLog) -> impl Iterator<Item = &SeenProcess> {
    let processes = family.processes();
    processes.iter().filter(move |p| {
        p.role == Role::Worker
            && processes.iter().any(|parent| {
                parent.pid == p.ppid
                    && matches!(
                        parent.role,
                        Role::Master | Role::Worker | Role::Forkserver | Role::Manager
                    )
            })
    })
}

/// CPU readings kept while a run is sampled.
#[derive(Debug, Clone, Default)]
pub struct CpuLog {
    /// CPU seconds (user + system) of each process at its last sample.
    per_process: BTreeMap<u32, f64>,
    /// The workers' CPU seconds together, at each sample.
    workers: Vec<(Duration, f64)>,
    /// The kernel's tick, in seconds: the resolution of each reading.
    tick: f64,
}

impl CpuLog {
    /// Reads the CPU time of each pid in `alive` at `at`, after `family`
    /// recorded the same sample (it knows their roles).
    pub fn record(&mut self, at: Duration, family: &FamilyLog, alive: &[u32]) {
        if self.tick == 0.0 {
            self.tick = 1.0 / rustix::param::clock_ticks_per_second().max(1) as f64;
        }
        for &pid in alive {
            if let Some(seconds) = cpu_seconds(pid) {
                let kept = self.per_process.entry(pid).or_default();
                *kept = kept.max(seconds);
            }
        }
        let workers = workers(family).map(|p| self.of(p.pid)).sum();
        self.workers.push((at, workers));
    }

    /// CPU seconds of every process seen, as last read.
    pub fn total(&self) -> f64 {
        self.per_process.values().sum()
    }

    /// CPU seconds of one process, as last read.
    pub fn of(&self, pid: u32) -> f64 {
        self.per_process.get(&pid).copied().unwrap_or(0.0)
    }

    fn sum(&self, family: &FamilyLog, pick: impl Fn(Role) -> bool) -> f64 {
        family
            .processes()
            .iter()
            .filter(|p| p.role != Role::Guard && pick(p.role))
            .map(|p| self.of(p.pid))
            .sum()
    }

    /// Who used the family's CPU time.
    pub fn shares(&self, family: &FamilyLog) -> Shares {
        let (count, cpu) =
            workers(family).fold((0, 0.0), |(n, cpu), p| (n + 1, cpu + self.of(p.pid)));
        // A Python that is not a worker by parentage is the script itself.
        let python = |r: Role| r == Role::Master || r == Role::Worker;
        let master = self.sum(family, python) - cpu;
        Shares {
            master,
            workers: cpu,
            helpers: self.sum(family, |r| !python(r)),
            worker_count: count,
        }
    }

    /// The most workers' worth of CPU time per second of wall time over
    /// any stretch of [`OVERLAP_WINDOW`], less what the readings' tick
    /// could add: above 1, two workers ran at the same moment.
    pub fn overlap(&self, workers: usize) -> f64 {
        let slack = 2.0 * workers.max(1) as f64 * self.tick;
        let mut best = 0.0f64;
        let mut j = 0;
        for (i, &(t0, c0)) in self.workers.iter().enumerate() {
            j = j.max(i);
            while j < self.workers.len() && self.workers[j].0 < t0 + OVERLAP_WINDOW {
                j += 1;
            }
            let Some(&(t1, c1)) = self.workers.get(j) else {
                break;
            };
            let wall = (t1 - t0).as_secs_f64();
            best = best.max((c1 - c0 - slack) / wall);
        }
        best.max(0.0)
    }
}

/// Who used a run's CPU time, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shares {
    pub master: f64,
    pub workers: f64,
    /// The tracker, the forkserver, a Manager's server, other programs.
    pub helpers: f64,
    pub worker_count: usize,
}

impl Shares {
    /// The master's CPU time less what starting up costs.
    pub fn master_work(&self) -> f64 {
        (self.master - MASTER_ALLOWANCE).max(0.0)
    }

    /// All the family's work (the master's start-up aside).
    pub fn total(&self) -> f64 {
        self.master_work() + self.workers + self.helpers
    }

    /// The work the script's own code did: the master's (start-up aside)
    /// and the workers'. Python's helpers (a forkserver importing the
    /// script, the resource tracker) are left out: their cost is the
    /// start method's, not the learner's, and on 3.14 it is a third of a
    /// small exercise's CPU time.
    pub fn computed(&self) -> f64 {
        self.master_work() + self.workers
    }

    /// The workers' share of [`Shares::computed`] (0 when there was none).
    pub fn worker_share(&self) -> f64 {
        let computed = self.computed();
        if computed > 0.0 {
            self.workers / computed
        } else {
            0.0
        }
    }

    /// "master 92% of 0.63 s CPU time, 2 workers 8%" (and the helpers'
    /// seconds, which neither side is charged with).
    pub fn describe(&self) -> String {
        let computed = self.computed().max(1e-9);
        let percent = |x: f64| (100.0 * x / computed).round();
        let mut text = format!(
            "master {:.0}% of {:.2} s CPU time, {} {:.0}%",
            percent(self.master_work()),
            self.computed(),
            super::verdict::plural(self.worker_count, "worker"),
            percent(self.workers)
        );
        if self.helpers >= 0.005 {
            text.push_str(&format!(
                " (Python's helpers {:.2} s more, counted for neither)",
                self.helpers
            ));
        }
        text
    }
}

/// CPU seconds (user + system) `pid` has used (the platform layer reads
/// them).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    crate::os::cpu_seconds(pid)
}

/// How a worker came to be, from its command line and its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A fresh interpreter exec'd by `multiprocessing.spawn`.
    Spawned,
    /// Forked by the forkserver's server process.
    Served,
    /// Forked from a Python process and never exec'd: the master's (or its
    /// parent's) command line, its parent a Python process of the run.
    Forked,
    /// Anything else: a Python the script ran with `subprocess`.
    Other,
}

/// What a run's workers show of the start method that made them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MethodEvidence {
    pub spawned: usize,
    pub served: usize,
    pub forked: usize,
    pub other: usize,
    /// A forkserver's server process was seen.
    pub server: bool,
}

impl MethodEvidence {
    /// Reads the workers of `family`.
    pub fn of(family: &FamilyLog) -> MethodEvidence {
        let processes = family.processes();
        let find = |pid: u32| processes.iter().find(|p| p.pid == pid);
        let mut evidence = MethodEvidence {
            server: processes.iter().any(|p| p.role == Role::Forkserver),
            ..MethodEvidence::default()
        };
        for worker in workers(family) {
            let parent = find(worker.ppid);
            let origin = if worker.cmdline.contains("multiprocessing.spawn")
                && worker.cmdline.contains("--multiprocessing-fork")
            {
                Origin::Spawned
            } else if parent.is_some_and(|p| p.role == Role::Forkserver) {
                Origin::Served
            } else if parent.is_some_and(|p| {
                matches!(p.role, Role::Master | Role::Worker) && p.cmdline == worker.cmdline
            }) {
                Origin::Forked
            } else {
                Origin::Other
            };
            match origin {
                Origin::Spawned => evidence.spawned += 1,
                Origin::Served => evidence.served += 1,
                Origin::Forked => evidence.forked += 1,
                Origin::Other => evidence.other += 1,
            }
        }
        evidence
    }

    pub fn workers(&self) -> usize {
        self.spawned + self.served + self.forked + self.other
    }

    /// Workers made by `method`.
    pub fn by(&self, method: StartMethod) -> usize {
        match method {
            StartMethod::Fork => self.forked,
            StartMethod::Spawn => self.spawned,
            StartMethod::Forkserver => self.served,
        }
    }

    /// "3 workers, started by spawn", or how they were started instead.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.spawned, "started by spawn"),
            (self.served, "forked by the forkserver"),
            (self.forked, "forked from the master"),
            (self.other, "started otherwise"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, how)| format!("{} {how}", super::verdict::plural(n, "worker")))
        .collect();
        if parts.is_empty() {
            "no worker process seen".into()
        } else {
            parts.join(", ")
        }
    }

    /// Whether the workers show `method` ran: at least one was seen, each
    /// was made by it, and under forkserver its server was there.
    pub fn shows(&self, method: StartMethod) -> bool {
        self.workers() > 0
            && self.by(method) == self.workers()
            && (method != StartMethod::Forkserver || self.server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::ProcessInfo;

    fn entry(pid: u32, ppid: u32, cmdline: &str) -> ProcessInfo {
        ProcessInfo {
            pid,
            ppid,
            name: "python3".into(),
            command: cmdline.into(),
            state: 'S',
            cpu: 0.0,
            memory: 0,
            core: Some(0),
            serves: false,
            shares: Default::default(),
        }
    }

    const SPAWNED: &str = "/usr/bin/python3 -c from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7) --multiprocessing-fork";
    const SERVER: &str = "python3 -c from multiprocessing.forkserver import main; main(8, 9)";

    fn family(children: &[ProcessInfo]) -> FamilyLog {
        let mut log = FamilyLog::new(10, 11);
        let mut all = vec![
            ProcessInfo {
                name: "forklab".into(),
                ..entry(10, 1, "forklab guard -- python3 -u s.py")
            },
            entry(11, 10, "python3 -u s.py"),
        ];
        all.extend_from_slice(children);
        log.record(Duration::ZERO, &all);
        log
    }

    #[test]
    fn each_method_is_told_from_the_processes() {
        let forked = family(&[
            entry(12, 11, "python3 -u s.py"),
            entry(13, 11, "python3 -u s.py"),
        ]);
        let evidence = MethodEvidence::of(&forked);
        assert!(evidence.shows(StartMethod::Fork), "{evidence:?}");
        assert!(!evidence.shows(StartMethod::Spawn));
        assert_eq!(evidence.describe(), "2 workers forked from the master");

        let spawned = family(&[entry(12, 11, SPAWNED), entry(13, 11, SPAWNED)]);
        let evidence = MethodEvidence::of(&spawned);
        assert!(evidence.shows(StartMethod::Spawn));
        assert!(!evidence.shows(StartMethod::Fork));
        assert_eq!(evidence.describe(), "2 workers started by spawn");

        let served = family(&[entry(12, 11, SERVER), entry(13, 12, SERVER)]);
        let evidence = MethodEvidence::of(&served);
        assert!(evidence.shows(StartMethod::Forkserver), "{evidence:?}");
        assert_eq!(evidence.describe(), "1 worker forked by the forkserver");

        // A Python the script ran itself shows no method.
        let other = family(&[entry(12, 11, "python3 other.py")]);
        assert!(!MethodEvidence::of(&other).shows(StartMethod::Spawn));
        assert!(!MethodEvidence::of(&family(&[])).shows(StartMethod::Fork));
    }

    #[test]
    fn a_process_is_what_it_is_now() {
        // The forkserver seen first as the master's forked copy holding its
        // listening socket, then exec'd; its child seen first holding the
        // inherited socket, then not.
        let mut log = FamilyLog::new(10, 11);
        let guard = ProcessInfo {
            name: "forklab".into(),
            ..entry(10, 1, "forklab guard -- python3 -u s.py")
        };
        let master = entry(11, 10, "python3 -u s.py");
        let serving = |e: ProcessInfo| ProcessInfo { serves: true, ..e };
        log.record(
            Duration::ZERO,
            &[
                guard.clone(),
                master.clone(),
                serving(entry(12, 11, "python3 -u s.py")),
            ],
        );
        log.record(
            Duration::from_millis(25),
            &[
                guard.clone(),
                master.clone(),
                serving(entry(12, 11, SERVER)),
                serving(entry(13, 12, SERVER)),
            ],
        );
        log.record(
            Duration::from_millis(50),
            &[
                guard,
                master,
                serving(entry(12, 11, SERVER)),
                entry(13, 12, SERVER),
            ],
        );
        let evidence = MethodEvidence::of(&log);
        assert!(evidence.shows(StartMethod::Forkserver), "{evidence:?}");
        assert_eq!(evidence.describe(), "1 worker forked by the forkserver");
    }

    #[test]
    fn pythons_helpers_are_charged_to_neither_side() {
        // shared-tally on 3.14: the forkserver's import is a third of it.
        let shares = Shares {
            master: MASTER_ALLOWANCE,
            workers: 0.12,
            helpers: 0.07,
            worker_count: 2,
        };
        assert!((shares.worker_share() - 1.0).abs() < 1e-9);
        assert!(shares.describe().contains("helpers 0.07 s more"));
    }

    #[test]
    fn shares_leave_the_start_up_aside() {
        let shares = Shares {
            master: 1.0 + MASTER_ALLOWANCE,
            workers: 0.1,
            helpers: 0.0,
            worker_count: 2,
        };
        assert!((shares.worker_share() - 0.1 / 1.1).abs() < 1e-9);
        assert_eq!(
            shares.describe(),
            "master 91% of 1.10 s CPU time, 2 workers 9%"
        );
        assert_eq!(Shares::default().worker_share(), 0.0);
    }

    #[test]
    fn overlap_counts_workers_at_once() {
        let mut log = CpuLog {
            tick: 0.01,
            ..CpuLog::default()
        };
        // Two workers busy for a second, then one for a second.
        for i in 0..=80 {
            let t = i as f64 * 0.025;
            let cpu = if t <= 1.0 { 2.0 * t } else { 2.0 + (t - 1.0) };
            log.workers.push((Duration::from_secs_f64(t), cpu));
        }
        let overlap = log.overlap(2);
        assert!(overlap > 1.8 && overlap <= 2.0, "{overlap}");
        let mut serial = CpuLog {
            tick: 0.01,
            ..CpuLog::default()
        };
        for i in 0..=80 {
            let t = i as f64 * 0.025;
            serial.workers.push((Duration::from_secs_f64(t), t));
        }
        assert!(serial.overlap(2) < 1.0);
        assert_eq!(CpuLog::default().overlap(2), 0.0);
    }
}
