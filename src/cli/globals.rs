//! The reader's flags that commands take too ([`Globals`]), checked as
//! they are parsed and resolved once into what commands need.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::{self, Flags, Settings, ThemeName};
use crate::lesson::{LessonSet, LoadError};

/// The reader's flags, which some commands take too, before or after
/// their name alike (`forklab --python X example run ID` = `forklab
/// example run ID --python X`). Which command takes which is [`super::APPLIES`]:
/// the others are hidden from its help and refused. Resolved here once;
/// commands get the result.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Globals {
    /// Use the lessons in DIR instead of the course built into forklab.
    #[arg(long, global = true, value_name = "DIR")]
    pub lessons: Option<PathBuf>,

    /// Use the installed pack NAME (see `forklab pack list`).
    #[arg(long, global = true, value_name = "NAME", conflicts_with = "lessons")]
    pub pack: Option<String>,

    /// Forget which lessons were read and start from the first one.
    #[arg(long, global = true)]
    pub reset_progress: bool,

    /// The Python that runs the lessons' examples (default: $FORKLAB_PYTHON, else python3 on PATH).
    #[arg(long, global = true, value_name = "PATH")]
    pub python: Option<PathBuf>,

    /// Colours: dark, light (for projectors and light terminals) or mono (over $FORKLAB_THEME and the config file).
    #[arg(long, global = true, value_name = "THEME", value_parser = parse_theme)]
    pub theme: Option<ThemeName>,

    /// How often the cores refresh, in milliseconds: 250, 500, 1000, 2000, 3000 or 5000.
    #[arg(long, global = true, value_name = "MS", value_parser = parse_refresh)]
    pub refresh: Option<Duration>,

    /// Join a class: send each finished lab run or sweep to the teacher's
    /// forklab at ADDR (HOST:PORT) with the class's CODE.
    #[arg(long, global = true, num_args = 2, value_names = ["ADDR", "CODE"])]
    pub join: Vec<String>,

    /// Your name on the class's screen (with --join) [default: a random one].
    #[arg(long, global = true, value_name = "NAME")]
    pub nickname: Option<String>,

    /// The most processes a script (an example, a practice run) may hold
    /// at once [default: 8 per core, at least 64; over $FORKLAB_MAX_PROCESSES and the config file].
    #[arg(long, global = true, value_name = "N", value_parser = parse_processes)]
    pub max_processes: Option<u64>,

    /// The most memory a script's processes may use together, e.g. 2GiB
    /// [default: a quarter of the RAM; over $FORKLAB_MAX_MEMORY and the config file].
    #[arg(long, global = true, value_name = "SIZE", value_parser = config::parse_size)]
    pub max_memory: Option<u64>,

    /// `python` came from the config file, not `--python` (for messages).
    #[arg(skip)]
    pub python_from_file: bool,
}

fn parse_theme(text: &str) -> Result<ThemeName, String> {
    text.parse()
}

fn parse_processes(text: &str) -> Result<u64, String> {
    let n: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of processes"))?;
    if n < config::MIN_PROCESSES {
        return Err(format!("at least {} processes", config::MIN_PROCESSES));
    }
    Ok(n)
}

fn parse_refresh(text: &str) -> Result<Duration, String> {
    let ms: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of milliseconds"))?;
    config::parse_refresh(ms)
}

impl Globals {
    /// The settings: these flags over the environment, the config file
    /// and the defaults.
    pub fn settings(&self) -> Settings {
        let settings = config::load(&Flags {
            theme: self.theme,
            refresh: self.refresh,
            python: self.python.clone(),
            max_processes: self.max_processes,
            max_memory: self.max_memory,
        });
        // The limits every script run from here gets (`config::limits`).
        config::choose_limits(settings.limits());
        settings
    }

    /// The Python named by `--python` or the config file, and which.
    pub fn python_choice(&self) -> Option<(&std::path::Path, crate::python::interpreter::Source)> {
        use crate::python::interpreter::Source;
        let source = if self.python_from_file {
            Source::File
        } else {
            Source::Flag
        };
        self.python.as_deref().map(|p| (p, source))
    }

    /// `--join ADDR CODE`, with the nickname to use.
    pub fn join(&self) -> Option<crate::class::client::JoinSetup> {
        let [address, code] = self.join.as_slice() else {
            return None;
        };
        let nickname = self
            .nickname
            .clone()
            .unwrap_or_else(|| format!("learner-{}", &crate::class::client::new_id()[..4]));
        Some(crate::class::client::JoinSetup {
            address: address.clone(),
            code: code.clone(),
            nickname,
        })
    }

    /// The built-in course, or the folder given with `--lessons`.
    pub fn lessons(&self) -> Result<LessonSet, LoadError> {
        LessonSet::open(self.lessons.as_deref())
    }
}
