//! Settings: the built-in defaults, the config file, the environment and
//! the command line, each setting with where it came from (`forklab
//! config` prints them). Knows nothing of the terminal: the TUI turns a
//! [`ThemeName`] into styles, headless commands read the rest.
//!
//! Precedence: flag > environment > file > default. A bad file (TOML that
//! does not parse, an unknown key, a value out of range) is ignored as a
//! whole and reported with its line; forklab then starts with the defaults
//! (and whatever the environment and flags say).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::lab::engine::dask::{SCHEDULER_VAR, parse_scheduler};
use crate::monitor::{DEFAULT_INTERVAL, INTERVALS};
use crate::os::contain::Limits;
use crate::python::StartMethod;

mod edit;
pub use edit::{SaveError, edit, save};

/// Names the config file, over the usual place.
pub const CONFIG_VAR: &str = "FORKLAB_CONFIG";
/// Chooses the theme, over the file.
pub const THEME_VAR: &str = "FORKLAB_THEME";
/// <https://no-color.org>: present and not empty turns colours off.
pub const NO_COLOR_VAR: &str = "NO_COLOR";
/// Chooses the Python, over the file (the interpreter module reads it too).
pub const PYTHON_VAR: &str = crate::python::interpreter::ENV_VAR;

/// The most processes a learner's script (an example, a practice run) may
/// hold at once, over the file.
pub const MAX_PROCESSES_VAR: &str = "FORKLAB_MAX_PROCESSES";
/// The most memory it may use (`6GiB`, `512MiB`, bytes), over the file.
pub const MAX_MEMORY_VAR: &str = "FORKLAB_MAX_MEMORY";

/// The themes, in the order the theme key cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    /// Light text on a dark terminal.
    #[default]
    Dark,
    /// Dark text on a light terminal or a washed-out projector.
    Light,
    /// No colour at all: weight, reverse video, symbols and position.
    Mono,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Mono];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }

    /// The names as a message offers them: "dark, light or mono".
    pub fn choices() -> String {
        let names = ThemeName::ALL.map(ThemeName::as_str);
        match names.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// The next theme, for the key that cycles them.
    pub fn next(self) -> ThemeName {
        let i = ThemeName::ALL.iter().position(|t| *t == self).unwrap_or(0);
        ThemeName::ALL[(i + 1) % ThemeName::ALL.len()]
    }
}

impl std::fmt::Display for ThemeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ThemeName {
    type Err = String;

    fn from_str(s: &str) -> Result<ThemeName, String> {
        let wanted = s.trim();
        ThemeName::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| format!("unknown theme {wanted:?}: choose {}", ThemeName::choices()))
    }
}

/// A refresh given in milliseconds, checked against the ones offered.
pub fn parse_refresh(ms: u64) -> Result<Duration, String> {
    INTERVALS
        .iter()
        .copied()
        .find(|d| d.as_millis() == u128::from(ms))
        .ok_or_else(|| {
            let offered: Vec<String> = INTERVALS
                .iter()
                .map(|d| d.as_millis().to_string())
                .collect();
            format!(
                "refresh {ms} ms is not offered: choose {} (milliseconds)",
                offered.join(", ")
            )
        })
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    /// An environment variable.
    Env(&'static str),
    /// A command-line flag.
    Flag(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("file"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// One setting's value and its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn default(value: T) -> Setting<T> {
        Setting {
            value,
            source: Source::Default,
        }
    }

    /// Takes `value` from `source` when there is one.
    fn over(&mut self, value: Option<T>, source: Source) {
        if let Some(value) = value {
            *self = Setting { value, source };
        }
    }
}

/// What the command line says (`--theme`, `--refresh`, `--python`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub theme: Option<ThemeName>,
    pub refresh: Option<Duration>,
    pub python: Option<PathBuf>,
    pub max_processes: Option<u64>,
    pub max_memory: Option<u64>,
}

/// The config file as found on disk (or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// `None`: no config folder on this system and no `$FORKLAB_CONFIG`.
    pub path: Option<PathBuf>,
    /// How the path was chosen: `$FORKLAB_CONFIG`, `$XDG_CONFIG_HOME`, ...
    pub found_by: &'static str,
    pub state: FileState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Nothing there: the defaults apply.
    Missing,
    Read,
    /// Unreadable or invalid: why, with the line; the defaults apply.
    Bad(String),
}

/// The keys the file may hold. New settings (a class server's address, a
/// scheduler) are new fields here; unknown keys are errors, so a typo is
/// reported with its line rather than silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    theme: Option<ThemeName>,
    refresh_ms: Option<toml::Spanned<u64>>,
    python: Option<PathBuf>,
    start_method: Option<toml::Spanned<String>>,
    dask_scheduler: Option<toml::Spanned<String>>,
    max_processes: Option<toml::Spanned<u64>>,
    max_memory: Option<toml::Spanned<String>>,
}

/// Every setting, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub theme: Setting<ThemeName>,
    /// Colours at all (`NO_COLOR` turns them off whatever the theme).
    pub colour: Setting<bool>,
    pub refresh: Setting<Duration>,
    /// `None`: `python3` on `PATH`.
    pub python: Setting<Option<PathBuf>>,
    /// `None`: Python's own default for the platform.
    pub start_method: Setting<Option<StartMethod>>,
    /// The dask engine's scheduler, `tcp://HOST:PORT`; `None`: a
    /// LocalCluster for each run.
    pub dask_scheduler: Setting<Option<String>>,
    /// The hard limits on a script's family (examples, practice runs):
    /// processes at once, and bytes of memory. Defaults:
    /// [`default_limits`].
    pub max_processes: Setting<u64>,
    pub max_memory: Setting<u64>,
    pub file: File,
    /// What went wrong on the way (a bad file, a bad variable), for a
    /// notice on screen or a line on stderr.
    pub problems: Vec<String>,
}

impl Settings {
    /// The Python named by a flag or the file, with which (the
    /// interpreter search reads the environment itself).
    pub fn python_choice(&self) -> Option<(PathBuf, crate::python::interpreter::Source)> {
        use crate::python::interpreter::Source as From;
        let source = match self.python.source {
            Source::Flag(_) => From::Flag,
            Source::File => From::File,
            Source::Env(_) | Source::Default => return None,
        };
        self.python.value.clone().map(|p| (p, source))
    }

    /// The limits on a script's family.
    pub fn limits(&self) -> Limits {
        Limits {
            processes: self.max_processes.value,
            memory: self.max_memory.value,
        }
    }

    /// The refresh as an index into [`INTERVALS`] (what the TUI keeps).
    pub fn refresh_index(&self) -> usize {
        INTERVALS
            .iter()
            .position(|d| *d == self.refresh.value)
            .unwrap_or(DEFAULT_INTERVAL)
    }
}

/// The config file's path: `$FORKLAB_CONFIG`, else
/// `$XDG_CONFIG_HOME/forklab/config.toml`, else the platform's config
/// folder (`~/.config/forklab/config.toml` on Linux).
pub fn path(env: &dyn Fn(&str) -> Option<String>) -> (Option<PathBuf>, &'static str) {
    let set = |var: &str| env(var).filter(|v| !v.is_empty());
    if let Some(path) = set(CONFIG_VAR) {
        return (Some(PathBuf::from(path)), "$FORKLAB_CONFIG");
    }
    if let Some(dir) = set("XDG_CONFIG_HOME") {
        return (
            Some(Path::new(&dir).join("forklab").join("config.toml")),
            "$XDG_CONFIG_HOME",
        );
    }
    let dirs = directories::ProjectDirs::from("", "", "forklab");
    (
        dirs.map(|d| d.config_dir().join("config.toml")),
        "the config folder",
    )
}

/// The settings for this process: its environment, its config file and
/// the flags given.
pub fn load(flags: &Flags) -> Settings {
    let env = |var: &str| std::env::var(var).ok();
    let (path, found_by) = path(&env);
    let text = path
        .as_deref()
        .and_then(|p| match std::fs::read_to_string(p) {
            Ok(text) => Some(Ok(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(Err(format!("cannot read it: {e}"))),
        });
    resolve(flags, &env, path, found_by, text)
}

/// [`load`] with the environment and the file's text passed in (tests).
/// `text`: `None` when there is no file.
pub fn resolve(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    path: Option<PathBuf>,
    found_by: &'static str,
    text: Option<Result<String, String>>,
) -> Settings {
    let (file, state) = read_file(text);
    let mut env = Env {
        env,
        problems: Vec::new(),
    };
    if let FileState::Bad(why) = &state {
        let shown = path
            .as_deref()
            .map_or_else(|| "the config file".into(), |p| p.display().to_string());
        env.problems
            .push(format!("{shown}: {why}; using the defaults"));
    }

    let mut theme = Setting::default(ThemeName::Dark);
    theme.over(file.theme, Source::File);
    theme.over(env.var(THEME_VAR, str::parse), Source::Env(THEME_VAR));
    theme.over(flags.theme, Source::Flag("--theme"));

    let mut colour = Setting::default(true);
    colour.over(
        env.set(NO_COLOR_VAR).map(|_| false),
        Source::Env(NO_COLOR_VAR),
    );

    let mut refresh = Setting::default(INTERVALS[DEFAULT_INTERVAL]);
    // Checked by `parse`: a file that got here has an offered value.
    refresh.over(
        file.refresh_ms
            .as_ref()
            .and_then(|ms| parse_refresh(*ms.get_ref()).ok()),
        Source::File,
    );
    refresh.over(flags.refresh, Source::Flag("--refresh"));

    let mut python = Setting::default(None);
    python.over(file.python.clone().map(Some), Source::File);
    python.over(
        env.set(PYTHON_VAR).map(|p| Some(PathBuf::from(p))),
        Source::Env(PYTHON_VAR),
    );
    python.over(flags.python.clone().map(Some), Source::Flag("--python"));

    let mut start_method = Setting::default(None);
    start_method.over(
        file.start_method
            .as_ref()
            .and_then(|m| m.get_ref().parse().ok())
            .map(Some),
        Source::File,
    );

    let mut dask_scheduler = Setting::default(None);
    dask_scheduler.over(
        file.dask_scheduler
            .as_ref()
            .and_then(|a| parse_scheduler(a.get_ref()).ok())
            .map(Some),
        Source::File,
    );
    dask_scheduler.over(
        env.var(SCHEDULER_VAR, parse_scheduler).map(Some),
        Source::Env(SCHEDULER_VAR),
    );

    let (max_processes, max_memory) = limit_settings(&file, flags, &mut env);
    Settings {
        theme,
        colour,
        refresh,
        python,
        start_method,
        dask_scheduler,
        max_processes,
        max_memory,
        file: File {
            path,
            found_by,
            state,
        },
        problems: env.problems,
    }
}

/// The file's settings and whether it was read; a file that cannot be
/// read or parsed gives the defaults.
fn read_file(text: Option<Result<String, String>>) -> (FileSettings, FileState) {
    match text {
        None => (FileSettings::default(), FileState::Missing),
        Some(Err(e)) => (FileSettings::default(), FileState::Bad(e)),
        Some(Ok(text)) => match parse(&text) {
            Ok(file) => (file, FileState::Read),
            Err(e) => (FileSettings::default(), FileState::Bad(e)),
        },
    }
}

/// The limits on a learner's script: file < environment < flag.
fn limit_settings(
    file: &FileSettings,
    flags: &Flags,
    env: &mut Env,
) -> (Setting<u64>, Setting<u64>) {
    let defaults = default_limits();
    let mut max_processes = Setting::default(defaults.processes);
    max_processes.over(
        file.max_processes.as_ref().map(|n| *n.get_ref()),
        Source::File,
    );
    let processes = |value: &str| {
        value
            .trim()
            .parse()
            .ok()
            .and_then(|n| check_processes(n).ok())
            .ok_or_else(|| format!("{value:?} is not a number from {MIN_PROCESSES}"))
    };
    max_processes.over(
        env.var(MAX_PROCESSES_VAR, processes),
        Source::Env(MAX_PROCESSES_VAR),
    );
    max_processes.over(flags.max_processes, Source::Flag("--max-processes"));
    let mut max_memory = Setting::default(defaults.memory);
    max_memory.over(
        file.max_memory
            .as_ref()
            .and_then(|m| parse_size(m.get_ref()).ok()),
        Source::File,
    );
    max_memory.over(
        env.var(MAX_MEMORY_VAR, parse_size),
        Source::Env(MAX_MEMORY_VAR),
    );
    max_memory.over(flags.max_memory, Source::Flag("--max-memory"));
    (max_processes, max_memory)
}

/// The environment as [`resolve`] reads it: a variable set and not
/// empty, and what was wrong with the ones ignored.
struct Env<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
}

impl Env<'_> {
    fn set(&self, var: &str) -> Option<String> {
        (self.env)(var).filter(|v| !v.is_empty())
    }

    /// `var` read by `parse`; a value it refuses is a problem, ignored.
    fn var<T, E: std::fmt::Display>(
        &mut self,
        var: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let value = self.set(var)?;
        parse(&value)
            .map_err(|e| self.problems.push(format!("${var}: {e}; ignored")))
            .ok()
    }
}

/// The keys the file holds, as `forklab config set` names them.
pub const KEYS: [&str; 7] = [
    "theme",
    "refresh_ms",
    "python",
    "start_method",
    "dask_scheduler",
    "max_processes",
    "max_memory",
];

/// The fewest processes and least memory a limit may allow: Python itself
/// needs them.
pub const MIN_PROCESSES: u64 = 4;
pub const MIN_MEMORY: u64 = 32 << 20;

/// Processes a script's family may hold at once before it counts as a fork
/// bomb and is stopped: the default of `max_processes`; the guard holds the
/// family to the configured limits ([`crate::os::contain`]).
pub fn process_cap(cores: usize) -> usize {
    (8 * cores).max(64)
}

/// The limits when nothing sets them: [`process_cap`] for the cores this
/// process may use, and a quarter of the RAM.
pub fn default_limits() -> Limits {
    let kind = sysinfo::RefreshKind::nothing()
        .with_memory(sysinfo::MemoryRefreshKind::nothing().with_ram());
    let ram = sysinfo::System::new_with_specifics(kind).map_or(0, |s| s.total_memory());
    Limits {
        processes: process_cap(std::thread::available_parallelism().map_or(1, |n| n.get())) as u64,
        memory: if ram == 0 {
            4 << 30
        } else {
            (ram / 4).max(MIN_MEMORY)
        },
    }
}

/// The limits this process gives the scripts it runs: chosen once by the
/// command line ([`choose_limits`]), else read from the environment and the
/// config file.
pub fn limits() -> Limits {
    *LIMITS.get_or_init(|| load(&Flags::default()).limits())
}

/// Fixes [`limits`] for this process (the first choice stays).
pub fn choose_limits(limits: Limits) {
    let _ = LIMITS.set(limits);
}

static LIMITS: std::sync::OnceLock<Limits> = std::sync::OnceLock::new();

fn check_processes(n: u64) -> Result<u64, String> {
    if n < MIN_PROCESSES {
        return Err(format!(
            "max_processes {n} is too few: at least {MIN_PROCESSES}"
        ));
    }
    Ok(n)
}

/// A size: bytes, or a number with K, M, G, T (powers of 1024, `GiB` or
/// `GB` alike): `6GiB`, `512M`, `1.5G`. At least [`MIN_MEMORY`].
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("{text:?} is not a size: write e.g. 6GiB or 512MiB")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size: write e.g. 6GiB or 512MiB"))?;
    let bytes = value * (1u64 << shift) as f64;
    if !(bytes.is_finite() && bytes >= MIN_MEMORY as f64 && bytes < u64::MAX as f64) {
        return Err(format!("{text:?} is too little memory: at least 32MiB"));
    }
    Ok(bytes as u64)
}

/// Parses and checks the file; an error names its line.
fn parse(text: &str) -> Result<FileSettings, String> {
    let at = |span: Option<std::ops::Range<usize>>| {
        span.map_or_else(String::new, |s| {
            format!("line {}: ", line_of(text, s.start))
        })
    };
    let file: FileSettings =
        toml::from_str(text).map_err(|e| format!("{}{}", at(e.span()), e.message().trim()))?;
    if let Some(ms) = &file.refresh_ms {
        parse_refresh(*ms.get_ref()).map_err(|e| format!("{}{e}", at(Some(ms.span()))))?;
    }
    if let Some(method) = &file.start_method {
        method
            .get_ref()
            .parse::<StartMethod>()
            .map_err(|e| format!("{}{e}", at(Some(method.span()))))?;
    }
    if let Some(addr) = &file.dask_scheduler {
        parse_scheduler(addr.get_ref()).map_err(|e| format!("{}{e}", at(Some(addr.span()))))?;
    }
    if let Some(n) = &file.max_processes {
        check_processes(*n.get_ref()).map_err(|e| format!("{}{e}", at(Some(n.span()))))?;
    }
    if let Some(size) = &file.max_memory {
        parse_size(size.get_ref()).map_err(|e| format!("{}{e}", at(Some(size.span()))))?;
    }
    Ok(file)
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests;
