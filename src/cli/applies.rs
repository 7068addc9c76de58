//! Which command takes which of the reader's flags ([`APPLIES`]), and the
//! clap commands made from that one table: the parser's, the one
//! completions and the man page are made from, and the refusal of a
//! flag given to a command it does not apply to.

use clap::CommandFactory;

use super::Cli;

/// The commands that take some of [`Globals`], and which (by their ids,
/// the fields' names). The reader (no command) and `record` take them
/// all; a command not listed here (`pack`, `trace`, the hidden ones)
/// takes none.
pub const APPLIES: &[(&str, &[&str])] = &[
    ("lessons", &["lessons", "pack"]),
    (
        "check",
        &["lessons", "pack", "python", "max_processes", "max_memory"],
    ),
    (
        "practice",
        &["lessons", "pack", "python", "max_processes", "max_memory"],
    ),
    (
        "example",
        &["lessons", "pack", "python", "max_processes", "max_memory"],
    ),
    ("run", &["python", "join", "nickname"]),
    (
        "config",
        &["python", "theme", "refresh", "max_processes", "max_memory"],
    ),
    ("class", &["lessons", "pack", "theme", "refresh"]),
    ("replay", &["lessons", "pack", "theme"]),
    (
        "record",
        &[
            "lessons",
            "pack",
            "reset_progress",
            "python",
            "theme",
            "refresh",
            "join",
            "nickname",
            "max_processes",
            "max_memory",
        ],
    ),
    ("pack", &[]),
    ("trace", &[]),
    ("completions", &[]),
    ("man", &[]),
];

/// The command line as clap sees it: [`Cli`], with each command's help
/// (and the completions and man page made from it) showing only the
/// global flags [`APPLIES`] gives it.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    for (name, takes) in APPLIES {
        // A command's own copy, hidden, stops clap giving it the shown one;
        // still global, its subcommands get it hidden too.
        let hidden: Vec<clap::Arg> = globals
            .iter()
            .filter(|a| !takes.contains(&a.get_id().as_str()))
            .map(|a| a.clone().hide(true))
            .collect();
        cmd = cmd.mut_subcommand(name, |sub| sub.args(hidden));
    }
    cmd
}

/// The same command line as [`command`] for completions and the man page:
/// the reader's flags on forklab itself, and on each command only those
/// [`APPLIES`] gives it (hidden flags would still be offered there).
pub fn documented() -> clap::Command {
    let mut cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    for arg in &globals {
        cmd = cmd.mut_arg(arg.get_id(), |a| a.global(false));
    }
    for (name, takes) in APPLIES {
        let shown = globals
            .iter()
            .filter(|a| takes.contains(&a.get_id().as_str()))
            .cloned();
        cmd = cmd.mut_subcommand(name, |sub| sub.args(shown));
    }
    cmd
}

/// A global flag given to a command it does not apply to (before or after
/// its name): refused rather than silently ignored.
pub fn misplaced(matches: &clap::ArgMatches) -> Option<String> {
    let name = matches.subcommand_name()?;
    let (_, takes) = APPLIES.iter().find(|(n, _)| *n == name)?;
    let sub = matches.subcommand_matches(name)?;
    command()
        .get_arguments()
        .filter(|a| a.is_global_set() && !takes.contains(&a.get_id().as_str()))
        .find(|a| {
            sub.value_source(a.get_id().as_str()) == Some(clap::parser::ValueSource::CommandLine)
        })
        .map(|a| {
            format!(
                "--{} does not apply to `forklab {name}` (see `forklab {name} --help`)",
                a.get_long().unwrap_or_default()
            )
        })
}
