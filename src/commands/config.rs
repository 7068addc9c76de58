//! `forklab config`: the effective settings and where each came from;
//! `config set KEY VALUE` and `config unset KEY` change the file.

use std::process::ExitCode;

use clap::Subcommand;

use super::status::{self, Error};
use crate::config::{FileState, Settings};

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Set one setting in the config file, keeping its other lines:
    /// `theme light`, `refresh_ms 500`, `python /usr/bin/python3.12`,
    /// `start_method spawn`, `dask_scheduler tcp://HOST:8786`.
    Set { key: String, value: String },
    /// Remove one setting from the config file: its default applies again.
    Unset { key: String },
}

/// Changes the file as asked and says what it did; exit status 2 when
/// the change is refused (nothing is written then).
pub fn change(s: &Settings, action: &ConfigAction) -> Result<ExitCode, Error> {
    let Some(path) = &s.file.path else {
        return Err(Error::Usage(
            "this system has no config folder; set $FORKLAB_CONFIG to a file".into(),
        ));
    };
    let (key, value) = match action {
        ConfigAction::Set { key, value } => (key, Some(value.as_str())),
        ConfigAction::Unset { key } => (key, None),
    };
    crate::config::save(path, key, value)?;
    match value {
        Some(v) => println!("{key} = {v} in {}", path.display()),
        None => println!("{key} removed from {}: its default applies", path.display()),
    }
    Ok(ExitCode::from(status::OK))
}

/// The report, as printed.
pub fn report(s: &Settings) -> String {
    let mut out = String::new();
    let file = match &s.file.path {
        Some(p) => p.display().to_string(),
        None => "(no config folder on this system; set $FORKLAB_CONFIG)".into(),
    };
    let state = match &s.file.state {
        FileState::Missing => "not found: defaults apply".to_string(),
        FileState::Read => "read".to_string(),
        FileState::Bad(why) => format!("IGNORED: {why}"),
    };
    out.push_str(&format!(
        "config file   {file}\n              (found by {}; {state})\n\n",
        s.file.found_by
    ));
    let colour = if s.colour.value {
        "on".to_string()
    } else {
        "off (meaning kept by weight and symbols)".to_string()
    };
    let python = s.python.value.as_ref().map_or_else(
        || {
            // Installed in a venv (pip, pipx, uv tool): that venv's Python.
            std::env::current_exe()
                .ok()
                .and_then(|exe| crate::python::interpreter::venv_python(&exe))
                .map_or_else(
                    || "python3 on PATH".to_string(),
                    |p| {
                        format!(
                            "{} (forklab's venv)",
                            crate::sanitize::line(&p.to_string_lossy())
                        )
                    },
                )
        },
        |p| p.display().to_string(),
    );
    let method = s
        .start_method
        .value
        .map_or_else(|| "Python's default".to_string(), |m| m.to_string());
    let rows = [
        ("theme", s.theme.value.to_string(), &s.theme.source),
        ("colour", colour, &s.colour.source),
        (
            "refresh_ms",
            s.refresh.value.as_millis().to_string(),
            &s.refresh.source,
        ),
        ("python", python, &s.python.source),
        ("start_method", method, &s.start_method.source),
        (
            "dask_scheduler",
            s.dask_scheduler
                .value
                .clone()
                .unwrap_or_else(|| "a LocalCluster per run".into()),
            &s.dask_scheduler.source,
        ),
        (
            "max_processes",
            s.max_processes.value.to_string(),
            &s.max_processes.source,
        ),
        (
            "max_memory",
            crate::os::contain::size(s.max_memory.value),
            &s.max_memory.source,
        ),
    ];
    out.push_str(&format!("{:<14} {:<42} from\n", "setting", "value"));
    for (name, value, source) in rows {
        out.push_str(&format!("{name:<14} {value:<42} {source}\n"));
    }
    for problem in &s.problems {
        out.push_str(&format!("\nproblem: {problem}"));
    }
    if !s.problems.is_empty() {
        out.push('\n');
    }
    out
}

/// Prints the report; exit status 1 when the file or a variable is bad.
pub fn print(s: &Settings) -> ExitCode {
    print!("{}", report(s));
    if s.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
