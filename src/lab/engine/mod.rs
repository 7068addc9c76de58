//! Engines: what runs a lab's pool. Every engine sends the same
//! [`LabEvent`]s (run started with its config, engine and start method;
//! workers spawned and ready with pid and time; tasks started and
//! finished; verified results; workers ended; run finished) and returns
//! the same [`RunResult`], so the timeline, the results table, the chart,
//! sweeps and guesses never ask which engine ran.
//!
//! - [`forklab`]: forklab's own workers (no Python needed, tiny overhead).
//! - [`python`]: a real `multiprocessing.Pool` (or `ProcessPoolExecutor`)
//!   built by `assets/lab/driver.py` with the learner's Python.
//! - [`dask`]: Dask tasks on a Dask cluster.
//!
//! Engines use the lab's engine-neutral API (`lab::{config, events,
//! error, cancel, verify}`) and never each other's insides; the API
//! reaches them only through [`execute`]/[`point`] and
//! [`LabConfig::validate`]. Adding an engine is a variant of
//! [`Engine`], a file here (a type implementing [`PoolEngine`]) and a
//! line in `Engine::imp`. The frame around every run (the first and last
//! events, the settings check, the outside-load reading) is here.

pub mod calibrate;
pub mod dask;
mod driver;
pub mod forklab;
pub mod python;
mod session;

use std::time::Instant;

use super::{CancelToken, Engine, LabConfig, LabError, LabEvent, RunResult, load};
use crate::python::{Interpreter, StartMethod};

impl Engine {
    /// Its implementation: adding an engine is a variant in
    /// `config::Engine`, a file here, and a line in this match.
    fn imp(self) -> &'static dyn PoolEngine {
        match self {
            Engine::Forklab => &forklab::ForklabEngine,
            Engine::Python => &python::PythonEngine,
            Engine::Dask => &dask::DaskEngine,
        }
    }

    /// The start methods this engine offers (`None`, its default, aside).
    pub fn start_methods(self) -> &'static [StartMethod] {
        self.imp().start_methods()
    }
}

impl LabConfig {
    /// Every limit ([`LabConfig::check_limits`]) and the engine's own
    /// checks, with a message a learner can act on. Here, beside the
    /// engines, so that the config need not know them.
    pub fn validate(&self) -> Result<(), LabError> {
        self.check_limits()?;
        self.engine.imp().check(self).map_err(LabError::Invalid)
    }
}

/// One engine: a source of [`LabEvent`]s plus a way to start and stop.
pub trait PoolEngine: Sync {
    /// Start methods it offers besides its default.
    fn start_methods(&self) -> &'static [StartMethod];
    /// Settings this engine cannot run, with a message.
    fn check(&self, config: &LabConfig) -> Result<(), String> {
        match config.start_method {
            Some(m) if !self.start_methods().contains(&m) => Err(format!(
                "the {} engine has no start method {m} (it offers {})",
                config.engine,
                self.start_methods()
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Ok(()),
        }
    }
    /// One run after `RunStarted`: the events between, and the result.
    /// Must kill and reap everything it started on every way out.
    fn run(
        &self,
        config: &LabConfig,
        cancel: &CancelToken,
        sink: &dyn Fn(LabEvent),
        started: Instant,
    ) -> Result<RunResult, LabError>;
}

/// One run of any engine, framed by `RunStarted` and
/// `RunFinished`/`RunFailed`, with the machine's outside load read.
pub fn execute(
    config: &LabConfig,
    cancel: &CancelToken,
    sink: &dyn Fn(LabEvent),
) -> Result<RunResult, LabError> {
    let (resolved, failure) = match resolve(config, sink) {
        Ok(c) => (c, None),
        Err(e) => (config.clone(), Some(e)),
    };
    let config = &resolved;
    let started = Instant::now();
    sink(LabEvent::RunStarted {
        config: config.clone(),
        started,
    });
    let watch = load::LoadWatch::start();
    let checked = match failure {
        Some(e) => Err(e),
        None => config.validate(),
    };
    let result = checked.and_then(|()| {
        let mut result = config.engine.imp().run(config, cancel, sink, started)?;
        result.outside_load = watch.and_then(|w| w.outside_share());
        Ok(result)
    });
    match &result {
        Ok(r) => sink(LabEvent::RunFinished(Box::new(r.clone()))),
        Err(e) => sink(LabEvent::RunFailed(e.clone())),
    }
    result
}

/// One measured point: `config.repeat` runs in a row (stops at the first
/// failure). Each run sends its own events; the table keeps the fastest.
pub fn point(
    config: &LabConfig,
    cancel: &CancelToken,
    sink: &dyn Fn(LabEvent),
) -> Result<Vec<RunResult>, LabError> {
    let config = match resolve(config, sink) {
        Ok(config) => config,
        Err(e) => {
            sink(LabEvent::RunFailed(e.clone()));
            return Err(e);
        }
    };
    let mut results = Vec::with_capacity(config.repeat.max(1));
    for _ in 0..config.repeat.max(1) {
        results.push(execute(&config, cancel, sink)?);
    }
    Ok(results)
}

/// What a config leaves open, settled before its runs: the python
/// engine's interpreter (falling back to the forklab engine, with a
/// notice, when there is no working Python) and a calibrated task size.
/// Settled configs come back unchanged, so calling it again is free.
pub fn resolve(config: &LabConfig, sink: &dyn Fn(LabEvent)) -> Result<LabConfig, LabError> {
    let mut config = config.clone();
    if config.engine == Engine::Python && config.python.is_none() {
        let (engine, python, notice) = default_engine(None);
        if let Some(notice) = notice {
            sink(LabEvent::Notice(notice));
            if config
                .start_method
                .is_some_and(|m| !engine.start_methods().contains(&m))
            {
                config.start_method = None;
            }
        }
        config.engine = engine;
        config.python = python.map(std::sync::Arc::new);
    }
    if config.engine == Engine::Dask && config.python.is_none() {
        let python = Interpreter::find(None).map_err(|e| {
            LabError::Invalid(format!(
                "the dask engine needs Python with Dask: {}",
                e.to_string().lines().next().unwrap_or_default()
            ))
        })?;
        config.python = Some(std::sync::Arc::new(python));
    }
    if config.calibrate {
        config = calibrate::calibrated(&config)
            .map_err(|e| LabError::Engine(format!("cannot calibrate the tasks: {e}")))?;
        config.calibrate = false;
    }
    Ok(config)
}

/// The engine to use when none is asked for: python when a working
/// Python is found (the settings' choice, `config::Settings::python_choice`),
/// else forklab, with the reason to show.
pub fn default_engine(
    choice: Option<&(std::path::PathBuf, crate::python::interpreter::Source)>,
) -> (Engine, Option<Interpreter>, Option<String>) {
    match Interpreter::find_choice(choice) {
        Ok(python) => (Engine::Python, Some(python), None),
        Err(e) => (
            Engine::Forklab,
            None,
            Some(format!(
                "the lab uses forklab's own workers: no working Python for the python engine ({})",
                e.to_string().lines().next().unwrap_or_default()
            )),
        ),
    }
}
