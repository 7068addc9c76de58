//! `forklab completions SHELL` and `forklab man`: made from the clap
//! command `cli` hands them (`cli::documented`, from the parser's own
//! definitions and table), so they name exactly the commands and flags
//! forklab takes, each command only its own flags.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::commands::status::Error;

pub use clap_complete::Shell;

/// Prints the completion script for `shell` (bash, zsh, fish, elvish,
/// powershell).
pub fn completions(shell: Shell, mut cmd: clap::Command) -> Result<ExitCode, Error> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "forklab", &mut script);
    print(&script)
}

/// Prints forklab(1) as roff, or, with `dir`, writes a page per command
/// there (forklab.1, forklab-run.1, ...) and names them.
pub fn man(dir: Option<&Path>, cmd: clap::Command) -> Result<ExitCode, Error> {
    let Some(dir) = dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut page)
            .map_err(|e| format!("cannot render the man page: {e}"))?;
        return print(&page);
    };
    std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(cmd, dir))
        .map_err(|e| format!("cannot write the man pages to {}: {e}", dir.display()))?;
    println!("man pages written to {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn print(bytes: &[u8]) -> Result<ExitCode, Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
