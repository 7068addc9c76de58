//! The command line: the TUI by default, headless commands for scripts,
//! classrooms and CI.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand};

use crate::commands;
use crate::commands::status::Error;
use crate::config;

mod applies;
mod globals;

use applies::misplaced;
pub use applies::{APPLIES, command, documented};
pub use globals::Globals;

/// See parallel Python: a course on multiprocessing that runs real workers on
/// your own cores and shows every core live next to the lesson.
#[derive(Debug, Parser)]
#[command(name = "forklab", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub globals: Globals,

    /// Show the lab results of a trace (`forklab record`) beside this
    /// machine's, in one table: a recorded 64-core server against this laptop.
    #[arg(long, value_name = "TRACE")]
    pub compare: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the lessons (id, part, title, read or not); `show ID` prints one.
    Lessons {
        #[command(subcommand)]
        action: Option<LessonsAction>,
    },
    /// Validate a lesson folder (default: the built-in course); exit status 1 on problems.
    /// Also runs every exercise's solution (it must pass) and starter (it must fail).
    Check {
        /// The folder to check.
        dir: Option<PathBuf>,
        /// Skip running the exercises (only the files are checked).
        #[arg(long)]
        no_run: bool,
    },
    /// Exercises: write code and have it checked (`init`, `list`, `check ID`, `hint ID`, `solution ID`).
    Practice {
        #[command(subcommand)]
        action: commands::practice::PracticeAction,
    },
    /// Teacher packs: `new DIR`, `add PATH`, `list`, `remove NAME`.
    Pack {
        #[command(subcommand)]
        action: commands::pack::PackAction,
    },
    /// Spin on one core until stdin closes (the reader's busy copies).
    #[command(hide = true)]
    Busy,
    /// The lessons' Python examples: `list [LESSON]`, `run ID`.
    Example {
        #[command(subcommand)]
        action: commands::example::ExampleAction,
    },
    /// Internal: runs a Python script and takes its whole process family down with it.
    #[command(hide = true)]
    Guard(commands::guard::GuardArgs),
    /// Run the worker lab without the TUI and print the results table.
    Run(commands::run::RunArgs),
    /// Internal: the forklab engine's fork server (started by forklab itself).
    #[command(hide = true)]
    Forkserver,
    /// The lesson reader, recording a trace of what the panes show to FILE
    /// (R stops and starts recording). Replay it with `forklab replay FILE`.
    Record {
        /// The trace to write (gzip-compressed JSON lines; see docs/TRACE.md).
        file: PathBuf,
        /// The reader's flags (--lessons, --python, ...), after `--`.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Open the reader on a recorded machine: the trace's cores, processes,
    /// lab runs and Python output, at their own pace (read only).
    Replay {
        /// A trace written by `forklab record` (or the R key).
        file: PathBuf,
        /// Start at this speed: 0.25, 0.5, 1, 2, 4 or 8 (`<` and `>` change it).
        #[arg(long, value_name = "X")]
        speed: Option<f64>,
    },
    /// Traces: `check FILE` reads one as `replay` would and summarizes it.
    Trace {
        #[command(subcommand)]
        action: commands::trace::TraceAction,
    },
    /// Print the effective settings and where each came from (default, file, env, flag);
    /// `set KEY VALUE` and `unset KEY` change the config file.
    Config {
        #[command(subcommand)]
        action: Option<commands::config::ConfigAction>,
    },
    /// The class experiment: `serve` gathers every learner's lab results; `open FILE` shows a stored class.
    Class {
        #[command(subcommand)]
        action: commands::class::ClassAction,
    },
    /// Print a shell's completion script: bash, zsh, fish, elvish or powershell
    /// (e.g. `forklab completions bash > ~/.local/share/bash-completion/completions/forklab`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: commands::completions::Shell,
    },
    /// Print the manual page forklab(1) as roff (`forklab man | man -l -`);
    /// `--dir DIR` writes a page per command there.
    Man {
        /// Write forklab.1 and a page per command (forklab-run.1, ...) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// A worker of the lab (started by forklab itself).
    #[command(hide = true)]
    Worker {
        /// Its number in the pool: unused by the worker, it names the
        /// process in process lists, so the learner can tell workers apart.
        number: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LessonsAction {
    /// Print one lesson as plain text.
    Show {
        /// The lesson's id, as listed by `forklab lessons`.
        id: String,
        /// Wrap at this many columns.
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(20..=1000))]
        width: u16,
        /// Include the worked answers.
        #[arg(long)]
        answers: bool,
    },
}

/// Parses the arguments and runs the command; an error becomes a message
/// on stderr, through the sanitizer, and its exit status
/// (`commands::status::Error::status`).
pub fn main() -> ExitCode {
    crate::os::return_freed_memory();
    let matches = command().get_matches();
    let done = match misplaced(&matches) {
        Some(message) => Err(Error::Usage(message)),
        None => match Cli::from_arg_matches(&matches) {
            Ok(cli) => run(cli),
            Err(e) => e.exit(),
        },
    };
    match done {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {}", e.speaker(), crate::sanitize::text(&e.to_string()));
            ExitCode::from(e.status())
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let mut globals = cli.globals;
    if let Some(name) = &globals.pack {
        globals.lessons = Some(crate::pack::find(&crate::pack::data_dir()?, name)?);
    }
    let compare = match &cli.compare {
        Some(path) if cli.command.is_none() => Some(compared(path)?),
        Some(_) => {
            return Err("--compare goes with the reader alone: forklab --compare TRACE".into());
        }
        None => None,
    };
    if matches!(
        cli.command,
        Some(
            Command::Lessons { .. }
                | Command::Completions { .. }
                | Command::Man { .. }
                | Command::Trace { .. }
                | Command::Config { action: None }
        )
    ) {
        crate::os::end_quietly_on_closed_pipe();
    }
    match cli.command {
        Some(Command::Pack { action }) => commands::pack::run(action),
        Some(Command::Completions { shell }) => {
            commands::completions::completions(shell, documented())
        }
        Some(Command::Man { dir }) => commands::completions::man(dir.as_deref(), documented()),
        Some(Command::Trace { action }) => commands::trace::run(action),
        Some(Command::Run(args)) => run_lab(&globals, args),
        Some(Command::Class { action }) => {
            let terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
            match commands::class::run(action, terminal)? {
                commands::class::Done::Printed(code) => Ok(code),
                commands::class::Done::Show(screen) => class_view(&globals, *screen),
            }
        }
        Some(Command::Worker { .. }) => Ok(crate::lab::engine::forklab::worker::main()),
        Some(Command::Forkserver) => Ok(crate::lab::engine::forklab::forkserver::main()),
        Some(Command::Check { dir, no_run }) => {
            // Fixes the limits the exercises run under (`--max-processes`, `--max-memory`).
            globals.settings();
            commands::check::run(
                dir.or(globals.lessons).as_deref(),
                (!no_run).then_some(globals.python.as_deref()),
            )
        }
        Some(Command::Practice { action }) => {
            globals.settings();
            commands::practice::run(&globals.lessons()?, action, globals.python.as_deref())
        }
        Some(Command::Busy) => crate::busy::busy_main(),
        Some(Command::Guard(args)) => Ok(commands::guard::run(args)),
        Some(Command::Config { action: None }) => Ok(commands::config::print(&globals.settings())),
        Some(Command::Config {
            action: Some(action),
        }) => commands::config::change(&globals.settings(), &action),
        Some(Command::Example { action }) => example(globals, action),
        Some(Command::Lessons { action }) => {
            let set = globals.lessons()?;
            match action {
                None => commands::lessons::list(&set),
                Some(LessonsAction::Show { id, width, answers }) => {
                    commands::lessons::show(&set, &id, width, answers)
                }
            }
        }
        Some(Command::Record { file, args }) => {
            let globals = if args.is_empty() {
                globals
            } else {
                reader_flags(args)?
            };
            reader(&globals, crate::tui::Session::Record(file))
        }
        Some(Command::Replay { file, speed }) => {
            let trace = crate::trace::Trace::load(&file)
                .map_err(|e| format!("cannot replay {}: {e}", file.display()))?;
            let replay = match speed {
                Some(speed) => crate::tui::Replay::at_speed(trace, speed)?,
                None => crate::tui::Replay::new(trace),
            };
            reader(&globals, crate::tui::Session::Replay(replay))
        }
        None => reader_comparing(&globals, crate::tui::Session::Live, compare),
    }
}

/// Another machine's lab results, from its trace, for `--compare`.
fn compared(path: &std::path::Path) -> Result<crate::tui::Recorded, String> {
    let trace = crate::trace::Trace::load(path)
        .map_err(|e| format!("cannot compare with {}: {e}", path.display()))?;
    crate::tui::Recorded::from_trace(&trace)
        .map_err(|e| format!("cannot compare with {}: {e}", path.display()))
}

/// Problems with the settings' sources, on stderr (the command still runs).
fn settings_warned(globals: &Globals) -> config::Settings {
    let settings = globals.settings();
    for problem in &settings.problems {
        eprintln!("forklab: {}", crate::sanitize::line(&problem.to_string()));
    }
    settings
}

/// `forklab run`, with the engines' Python and Dask scheduler from the settings.
fn run_lab(globals: &Globals, mut args: commands::run::RunArgs) -> Result<ExitCode, Error> {
    let settings = settings_warned(globals);
    // The dask engine's scheduler from the variable or the file
    // when `--scheduler` names none.
    if args.engine == Some(commands::run::EngineArg::Dask) && args.scheduler.is_none() {
        args.scheduler = settings.dask_scheduler.value.clone();
    }
    // Every engine's Python: the flag, the variable or the file.
    let python = settings.python_choice();
    commands::run::run(&args, python.as_ref(), globals.join().as_ref())
}

/// `forklab example`, with the Python and start method from the settings.
fn example(
    mut globals: Globals,
    mut action: commands::example::ExampleAction,
) -> Result<ExitCode, Error> {
    let settings = settings_warned(&globals);
    // The file's Python, when no flag or variable names one (the
    // interpreter search reads the variable itself).
    if settings.python.source == config::Source::File {
        globals.python = settings.python.value;
        globals.python_from_file = true;
    }
    // The file's start method, when `--start-method` names none.
    if let commands::example::ExampleAction::Run(args) = &mut action
        && args.start_method.is_none()
    {
        args.start_method = settings.start_method.value;
    }
    commands::example::run(&globals.lessons()?, globals.python_choice(), action)
}

/// `forklab record FILE -- ARGS`: the reader's flags after `--`.
fn reader_flags(args: Vec<String>) -> Result<Globals, String> {
    let cli = Cli::try_parse_from(std::iter::once("forklab".to_string()).chain(args))
        .map_err(|e| format!("after --: {e}"))?;
    if cli.command.is_some() {
        return Err(
            "after --, only the reader's flags (--lessons, --python, --reset-progress)".into(),
        );
    }
    Ok(cli.globals)
}

/// The lesson reader, on this machine or a recorded one.
fn reader(globals: &Globals, session: crate::tui::Session) -> Result<ExitCode, Error> {
    reader_comparing(globals, session, None)
}

/// The same, with another machine's lab results beside this one's.
fn reader_comparing(
    globals: &Globals,
    session: crate::tui::Session,
    compare: Option<crate::tui::Recorded>,
) -> Result<ExitCode, Error> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err("the lesson reader needs a terminal. Without one, try:\n  \
             forklab lessons            list the lessons\n  \
             forklab lessons show ID    print a lesson\n  \
             forklab check [DIR]        validate a lesson folder\n  \
             forklab practice list      the exercises (then: practice init, practice check ID)\n  \
             forklab example list       the Python examples (then: example run ID)\n  \
             forklab --help             everything else"
            .into());
    }
    let set = globals.lessons()?;
    let options = crate::tui::Options {
        join: globals.join(),
        session,
        compare,
        ..Default::default()
    };
    crate::tui::run(set, globals.reset_progress, &globals.settings(), options)
        .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// The class view, on a class being served or read from its file; the
/// server, if any, runs until the view closes.
fn class_view(globals: &Globals, screen: commands::class::ClassScreen) -> Result<ExitCode, Error> {
    let mut view = crate::tui::ClassView::from_roster(&screen.roster, screen.serving.is_some());
    view.file = screen.file.display().to_string();
    let (server, events) = match screen.serving {
        Some(serving) => {
            view.join_lines = serving.join_lines;
            (Some(serving.server), Some(serving.events))
        }
        None => (None, None),
    };
    let options = crate::tui::Options {
        class: Some(crate::tui::ClassSetup {
            view,
            server,
            events,
        }),
        ..Default::default()
    };
    crate::tui::run(globals.lessons()?, false, &globals.settings(), options)
        .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, Command};

    #[test]
    fn global_flags_work_before_and_after_the_command() {
        for args in [
            &[
                "forklab",
                "--python",
                "/x/py",
                "--lessons",
                "/l",
                "example",
                "run",
                "id",
            ][..],
            &[
                "forklab",
                "example",
                "run",
                "id",
                "--python",
                "/x/py",
                "--lessons",
                "/l",
            ],
            &[
                "forklab",
                "example",
                "--python",
                "/x/py",
                "run",
                "--lessons",
                "/l",
                "id",
            ],
        ] {
            let cli = Cli::try_parse_from(args).unwrap();
            assert_eq!(
                cli.globals.python.as_deref(),
                Some("/x/py".as_ref()),
                "{args:?}"
            );
            assert_eq!(
                cli.globals.lessons.as_deref(),
                Some("/l".as_ref()),
                "{args:?}"
            );
            assert!(matches!(cli.command, Some(Command::Example { .. })));
        }
        let cli = Cli::try_parse_from(["forklab", "lessons", "--reset-progress"]).unwrap();
        assert!(cli.globals.reset_progress);
        let cli =
            Cli::try_parse_from(["forklab", "config", "--theme", "light", "--refresh", "500"])
                .unwrap();
        assert_eq!(cli.globals.theme, Some(crate::config::ThemeName::Light));
        assert_eq!(
            cli.globals.refresh,
            Some(std::time::Duration::from_millis(500))
        );
        for bad in [
            ["--theme", "neon"],
            ["--refresh", "700"],
            ["--refresh", "fast"],
        ] {
            let err = Cli::try_parse_from(["forklab", bad[0], bad[1]]).unwrap_err();
            assert!(err.to_string().contains(bad[1]), "{err}");
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        // With each command's flags as the table gives them, for parsing
        // and for completions and the man page.
        super::command().debug_assert();
        super::documented().debug_assert();
    }
}
