//! Finding the learner's Python: `--python PATH`, else `FORKLAB_PYTHON`,
//! else the virtual environment forklab itself is installed in (`pipx
//! install forklab`), else `python3` on `PATH`. The interpreter is asked
//! once (`probe.py`) for its version, its start methods and its GIL, so
//! the screen can say what ran.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use super::StartMethod;

mod probe;
pub use probe::Gil;
use probe::{IMPORT_MODULES, PROBE, parse_probe, probe, program_seconds};

/// The oldest Python the examples run on (f-strings with `=`, `math.prod`).
pub const MIN_VERSION: (u32, u32) = (3, 8);

/// The widest reason [`Interpreter::missing_modules`] gives for a module
/// that is there but fails to import (an error's first words say which).
const MAX_REASON: usize = 160;

/// The environment variable naming an interpreter when `--python` is absent.
pub const ENV_VAR: &str = "FORKLAB_PYTHON";

/// Where the interpreter's name came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--python PATH`.
    Flag,
    /// The `FORKLAB_PYTHON` environment variable.
    Env,
    /// `python = ...` in forklab's config file.
    File,
    /// The Python of the virtual environment forklab's own binary is in
    /// (installed from its wheel by pip, pipx or uv).
    Venv,
    /// `python3` searched on `PATH`.
    Path,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::Flag => "--python",
            Source::Env => ENV_VAR,
            Source::File => "the config file",
            Source::Venv => "forklab's virtual environment",
            Source::Path => "PATH",
        })
    }
}

/// A Python interpreter that answered the probe and is recent enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// The program forklab runs: the interpreter's own `sys.executable`,
    /// so a pyenv shim (a shell script) is not run again for each example
    /// and its helper shells do not show up in the process family. A venv's
    /// `bin/python` stays itself (it is its own `sys.executable`).
    pub path: PathBuf,
    /// The program as found (`--python`, the environment, `PATH`), when it
    /// differs from `path` (a shim, a wrapper).
    pub found: PathBuf,
    pub source: Source,
    /// The exact version string, e.g. `3.11.7` or `3.13.0rc1`.
    pub version: String,
    /// (major, minor, micro), for comparisons.
    pub version_info: (u32, u32, u32),
    /// `multiprocessing.get_start_method()`: what runs when none is chosen.
    pub default_start_method: StartMethod,
    /// `multiprocessing.get_all_start_methods()` on this platform.
    pub start_methods: Vec<StartMethod>,
    /// Its GIL: a standard or a free-threaded build, on or off now.
    pub gil: Gil,
}

/// Why no usable interpreter was found. Its message says what was looked
/// for and how to install Python; the rest of forklab keeps working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// Nothing at the path, or no `python3` on `PATH`.
    NotFound { looked_for: String },
    /// Found, but it could not be run or did not answer like Python.
    Broken {
        path: PathBuf,
        source: Source,
        detail: String,
    },
    /// Older than [`MIN_VERSION`].
    TooOld {
        path: PathBuf,
        source: Source,
        version: String,
    },
}

impl std::fmt::Display for FindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (major, minor) = MIN_VERSION;
        match self {
            FindError::NotFound { looked_for } => {
                write!(f, "no Python interpreter found: looked for {looked_for}.")?
            }
            FindError::Broken {
                path,
                source,
                detail,
            } => write!(
                f,
                "{} (from {source}) does not work as Python: {detail}",
                path.display()
            )?,
            FindError::TooOld {
                path,
                source,
                version,
            } => write!(
                f,
                "{} (from {source}) is Python {version}; the examples need {major}.{minor} or newer.",
                path.display()
            )?,
        }
        write!(
            f,
            "\nforklab runs the lessons' examples with Python {major}.{minor} or newer. To install it:\n  \
             Debian/Ubuntu:  sudo apt install python3\n  \
             macOS:          brew install python3   (or the installer from python.org)\n  \
             Windows:        winget install Python.Python.3.12   (or the installer from python.org)\n\
             Then run forklab again, or name an interpreter with --python PATH or {ENV_VAR}=PATH.\n\
             The lessons can still be read without Python."
        )
    }
}

impl std::error::Error for FindError {}

impl Interpreter {
    /// Finds the interpreter from `--python` (if given), the environment
    /// and `PATH`, and checks its version.
    pub fn find(flag: Option<&Path>) -> Result<Interpreter, FindError> {
        Interpreter::find_chosen(flag.map(|f| (f, Source::Flag)))
    }

    /// The same, with the name chosen by a flag or the config file (and
    /// said so in messages); the environment and `PATH` otherwise.
    pub fn find_chosen(choice: Option<(&Path, Source)>) -> Result<Interpreter, FindError> {
        let venv = std::env::current_exe()
            .ok()
            .and_then(|exe| venv_python(&exe));
        find_from(
            choice,
            std::env::var_os(ENV_VAR).as_deref(),
            venv.as_deref(),
            std::env::var_os("PATH").as_deref(),
        )
    }

    /// [`Interpreter::find_chosen`] for a choice kept by its owner (the
    /// reader keeps the settings' choice for every later search).
    pub fn find_choice(choice: Option<&(PathBuf, Source)>) -> Result<Interpreter, FindError> {
        Interpreter::find_chosen(choice.map(|(path, source)| (path.as_path(), *source)))
    }

    /// Which of `modules` (import names, or programs such as `py-spy`)
    /// this Python cannot import (or run): each one's name, followed by
    /// why in brackets when it is there but fails (a package built for
    /// another Python), for the "skipped" message.
    pub fn missing_modules(&self, modules: &[String]) -> Result<Vec<String>, String> {
        let seconds = program_seconds();
        let args: Vec<&str> = std::iter::once(seconds.as_str())
            .chain(modules.iter().map(String::as_str))
            .collect();
        let out = probe(&self.path, IMPORT_MODULES, &args).map_err(|e| {
            format!(
                "{} could not try to import {}: {e}",
                self.path.display(),
                modules.join(", ")
            )
        })?;
        Ok(out
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| match l.split_once('\t') {
                Some((name, why)) => format!(
                    "{} ({})",
                    crate::sanitize::line(name.trim()),
                    crate::sanitize::field(why.trim(), MAX_REASON)
                ),
                None => crate::sanitize::line(l.trim()).into_owned(),
            })
            .collect())
    }

    /// Whether this platform's Python offers `method`.
    pub fn supports(&self, method: StartMethod) -> bool {
        self.start_methods.contains(&method)
    }
}

/// [`Interpreter::find`] with the environment passed in, for tests.
pub fn find_with(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    path_var: Option<&OsStr>,
) -> Result<Interpreter, FindError> {
    find_chosen_with(flag.map(|f| (f, Source::Flag)), env, path_var)
}

/// [`Interpreter::find_chosen`] with the environment passed in, for tests.
pub fn find_chosen_with(
    choice: Option<(&Path, Source)>,
    env: Option<&OsStr>,
    path_var: Option<&OsStr>,
) -> Result<Interpreter, FindError> {
    find_from(choice, env, None, path_var)
}

/// The Python beside forklab's binary when that binary sits in a virtual
/// environment's `bin` (a wheel installed by pip, pipx or uv tool): the
/// folder holds `python3` or `python` and its parent a `pyvenv.cfg`. A
/// learner who installed forklab with pipx then runs the lessons with no
/// flag, even with no `python3` on PATH.
pub fn venv_python(exe: &Path) -> Option<PathBuf> {
    let bin = exe.parent()?;
    if !bin.parent()?.join("pyvenv.cfg").is_file() {
        return None;
    }
    ["python3", "python"]
        .iter()
        .map(|name| bin.join(name))
        .find(|candidate| is_executable(candidate))
}

/// The search: a chosen name, else the environment variable, else the
/// venv forklab is installed in, else `python3` on PATH.
fn find_from(
    choice: Option<(&Path, Source)>,
    env: Option<&OsStr>,
    venv: Option<&Path>,
    path_var: Option<&OsStr>,
) -> Result<Interpreter, FindError> {
    let (name, source): (OsString, Source) = match (choice, env, venv) {
        (Some((chosen, source)), _, _) => (chosen.as_os_str().to_owned(), source),
        (None, Some(env), _) if !env.is_empty() => (env.to_owned(), Source::Env),
        (None, _, Some(venv)) => (venv.as_os_str().to_owned(), Source::Venv),
        _ => ("python3".into(), Source::Path),
    };
    let path = resolve(&name, path_var).ok_or_else(|| FindError::NotFound {
        looked_for: match source {
            Source::Flag => format!("{} (given with --python)", show(&name, path_var)),
            Source::Env => format!("{} (given in {ENV_VAR})", show(&name, path_var)),
            Source::File => format!(
                "{} (given in the config file: see `forklab config`)",
                show(&name, path_var)
            ),
            Source::Venv => format!(
                "{} (the Python of the virtual environment forklab is installed in)",
                show(&name, path_var)
            ),
            Source::Path => format!(
                "`python3` on PATH ({}); neither --python nor {ENV_VAR} was given",
                path_var
                    .map(|p| p.to_string_lossy().into_owned())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| "PATH is empty".into())
            ),
        },
    })?;
    let output = probe(&path, PROBE, &[]).map_err(|detail| FindError::Broken {
        path: path.clone(),
        source,
        detail,
    })?;
    let answer = parse_probe(&output).map_err(|detail| FindError::Broken {
        path: path.clone(),
        source,
        detail,
    })?;
    if (answer.version_info.0, answer.version_info.1) < MIN_VERSION {
        return Err(FindError::TooOld {
            path,
            source,
            version: answer.version,
        });
    }
    let methods = answer.methods.map_err(|detail| FindError::Broken {
        path: path.clone(),
        source,
        detail,
    })?;
    // The interpreter's own idea of itself, if it names a program that
    // exists; else the program as found.
    let real = answer
        .executable
        .as_deref()
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && is_executable(p))
        .unwrap_or_else(|| path.clone());
    Ok(Interpreter {
        path: real,
        found: path,
        source,
        version: answer.version,
        version_info: answer.version_info,
        default_start_method: methods.0,
        start_methods: methods.1,
        gil: answer.gil,
    })
}

fn show(name: &OsStr, path_var: Option<&OsStr>) -> String {
    if Path::new(name).components().count() > 1 {
        format!("{:?}", Path::new(name))
    } else {
        format!(
            "`{}` on PATH ({})",
            name.to_string_lossy(),
            path_var.map(|p| p.to_string_lossy()).unwrap_or_default()
        )
    }
}

/// A name with a slash is a path; a bare name is searched on `PATH`.
fn resolve(name: &OsStr, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let as_path = Path::new(name);
    if name.is_empty() {
        return None;
    }
    if as_path.components().count() > 1 || as_path.is_absolute() {
        return is_executable(as_path).then(|| as_path.to_path_buf());
    }
    std::env::split_paths(path_var?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests;
