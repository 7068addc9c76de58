//! `forklab run`: the worker lab without the TUI. Runs one experiment for
//! each worker count and prints the results table (text, CSV or JSON).
//! Arguments are in `args`, the live progress line in `progress`, the
//! printed forms in `table`.

mod args;
mod progress;
mod table;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::commands::status::Error;

use crate::lab::engine::default_engine;
use crate::lab::measure::{sweep, sweep_counts};
use crate::lab::{LabConfig, LabError, LabEvent, RunResult};
use crate::os::usable_cores;
use crate::python::Interpreter;

pub use args::{ApiArg, EngineArg, RunArgs, StartMethodArg, WorkloadArg, start_method_for};
use progress::Progress;
pub use table::{csv, json, table};

use super::status::NOT_SENT;

/// Runs the sweep and prints the table; exit status 2 for arguments that
/// cannot run, 1 (through `Err`) for a run that failed, 4 for a table
/// `--join` did not get into the class.
/// `python`: the settings' choice (`config::Settings::python_choice`), the
/// one every engine uses.
pub fn run(
    args: &RunArgs,
    python: Option<&(std::path::PathBuf, crate::python::interpreter::Source)>,
    join: Option<&crate::class::client::JoinSetup>,
) -> Result<ExitCode, Error> {
    let usage = |e: &dyn std::fmt::Display| {
        Err(Error::UsageIn {
            command: "run",
            message: e.to_string(),
        })
    };
    let mut config = match args.config() {
        Ok(config) => config,
        Err(e) => return usage(&e),
    };
    match args.engine {
        None => {
            let (engine, interpreter, notice) = default_engine(python);
            if let Some(notice) = notice {
                eprintln!("forklab run: {notice}");
            }
            config.engine = engine;
            config.python = interpreter.map(std::sync::Arc::new);
        }
        Some(EngineArg::Python) => match Interpreter::find_choice(python) {
            Ok(found) => config.python = Some(std::sync::Arc::new(found)),
            Err(e) => return usage(&format!("the python engine needs Python: {e}")),
        },
        Some(EngineArg::Dask) => match Interpreter::find_choice(python) {
            Ok(found) => config.python = Some(std::sync::Arc::new(found)),
            Err(e) => return usage(&format!("the dask engine needs Python with Dask: {e}")),
        },
        Some(EngineArg::Forklab) => {}
    }
    // Again, for the engine chosen: without Python it is forklab's, which
    // has no `spawn` to run silently as `exec`.
    match args::start_method_for(config.engine, args.start_method) {
        Ok(method) => config.start_method = method,
        Err(e) => return usage(&e),
    }
    if let Err(e) = config.validate() {
        return usage(&e);
    }
    let calibrate = args.task_size.is_none();
    config.calibrate = calibrate;
    let counts = if args.workers.is_empty() {
        sweep_counts(usable_cores())
    } else {
        args.workers.clone()
    };
    let progress = Progress::new(std::io::stderr().is_terminal());
    // Runs that finished, kept if the sweep stops half way (a cluster lost).
    let finished = RefCell::new(Vec::new());
    let swept = sweep(&config, &counts, |event| {
        if let LabEvent::RunFinished(r) = &event {
            finished.borrow_mut().push((**r).clone());
        }
        progress.show(&event)
    });
    let (results, stopped) = match swept {
        Ok(results) => (results, None),
        Err(e) if finished.borrow().is_empty() => return Err(Error::Failed(e.to_string())),
        Err(e) => (finished.into_inner(), Some(e)),
    };
    // As it ran: engine, interpreter and task size settled.
    if let Some(first) = results.first() {
        config = first.config.clone();
    }
    let planned = counts.len() * config.repeat.max(1);
    let text = render(
        args,
        &config,
        &results,
        stopped.as_ref(),
        calibrate,
        planned,
    );
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the table: {e}"))?;
    let sent = join.is_none_or(|join| send_to_class(join, &results));
    match stopped {
        // The table above is partial: say why, and fail.
        Some(e) => Err(Error::Failed(format!(
            "the sweep stopped after {} run{}, the results above are partial: {e}",
            results.len(),
            if results.len() == 1 { "" } else { "s" }
        ))),
        // The table is right, but the class did not get it: a script
        // must notice.
        None if !sent => Ok(ExitCode::from(NOT_SENT)),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The results as asked: JSON (marked partial if the sweep stopped), CSV,
/// or the table with its notes.
fn render(
    args: &RunArgs,
    config: &LabConfig,
    results: &[RunResult],
    stopped: Option<&LabError>,
    calibrate: bool,
    planned: usize,
) -> String {
    if args.json {
        let text = json(config, results);
        match stopped {
            // Marked in the document itself: `"partial": "why"`.
            Some(e) => text.replacen(
                "{\n",
                &format!(
                    "{{\n  \"partial\": {},\n",
                    serde_json::Value::String(e.to_string())
                ),
                1,
            ),
            None => text,
        }
    } else if args.csv {
        csv(results)
    } else {
        let mut text = table(config, results);
        if calibrate {
            text.push_str(&format!(
                "task size {} {}: calibrated so that 1 worker takes about {:.1} s here (--task-size to choose)\n",
                config.task_size,
                config.workload.size_unit(),
                crate::lab::engine::calibrate::TARGET.as_secs_f64()
            ));
        }
        if let Some(e) = stopped {
            text.push_str(&partial_note(results, planned, e));
        }
        text
    }
}

/// The line under a table of a sweep that stopped half way.
fn partial_note(results: &[RunResult], planned: usize, error: &LabError) -> String {
    format!(
        "PARTIAL: {} of {planned} runs finished before the sweep stopped: {}\n",
        results.len(),
        error.to_string().lines().next().unwrap_or_default()
    )
}

/// Sends the table to a class; whether the class stored it. A class that
/// cannot be reached is reported after the table (already printed), and
/// the exit status says so (`status::NOT_SENT`).
fn send_to_class(join: &crate::class::client::JoinSetup, results: &[RunResult]) -> bool {
    use crate::class::client::{Client, new_id, this_machine};
    let (address, nickname) = (&join.address, &join.nickname);
    let Some(report) = crate::class::payload::report_of(results) else {
        eprintln!("forklab run: not sent to the class at {address}: no finished run to send");
        return false;
    };
    let python = crate::class::payload::python_of(results);
    let machine = this_machine(usable_cores(), python);
    let sent = Client::new(address, &join.code, nickname, machine)
        .and_then(|mut client| client.submit(&new_id(), &report));
    match sent {
        Ok(_) => {
            eprintln!("forklab run: sent to the class at {address} as {nickname}");
            true
        }
        Err(e) => {
            eprintln!("forklab run: not sent to the class at {address}: {e}");
            false
        }
    }
}
