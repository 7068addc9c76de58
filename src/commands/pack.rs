//! `forklab pack new|add|list|remove`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::commands::status::Error;

use clap::Subcommand;

use crate::pack;
use crate::sanitize;

#[derive(Debug, Subcommand)]
pub enum PackAction {
    /// Start a new pack in DIR: pack.toml, a lesson with an example, an
    /// exercise and a question, and a README for authors.
    New { dir: PathBuf },
    /// Install a pack from a folder or a .tar.gz into forklab's data folder.
    Add {
        path: PathBuf,
        /// Replace an installed pack of the same name.
        #[arg(long)]
        replace: bool,
    },
    /// The installed packs.
    List,
    /// Uninstall a pack (its progress is kept).
    Remove { name: String },
}

pub fn run(action: PackAction) -> Result<ExitCode, Error> {
    match action {
        PackAction::New { dir } => {
            let name = pack::scaffold::create(&dir)?;
            println!("created pack {name:?} in {}", dir.display());
            println!(
                "next: edit the lesson, then `forklab check {}`",
                dir.display()
            );
        }
        PackAction::Add { path, replace } => {
            let data = pack::data_dir()?;
            // Ctrl-C or a kill stops the copy and removes what was staged.
            let interrupt = pack::install::Interrupt::on_signals();
            let added = pack::install::add_until(
                &path,
                &data,
                replace,
                pack::install::Limits::default(),
                &interrupt,
            )?;
            for dir in &added.cleaned {
                println!("removed {}, left by an interrupted pack add", dir.display());
            }
            for warning in &added.warnings {
                println!("warning: {warning}");
            }
            let replaced = added.replaced.map_or(String::new(), |v| {
                format!(" (replacing version {})", sanitize::field(&v, 40))
            });
            println!(
                "installed {} {}{replaced}: {} lesson(s) in {}",
                added.manifest.name,
                sanitize::field(&added.manifest.version, 40),
                added.lessons,
                added.dir.display()
            );
            println!("read it with: forklab --pack {}", added.manifest.name);
        }
        PackAction::List => {
            let data = pack::data_dir()?;
            let (packs, problems) = pack::list(&data);
            if packs.is_empty() {
                println!("no packs installed (add one with `forklab pack add PATH`)");
            } else {
                let width = packs
                    .iter()
                    .map(|p| p.manifest.name.len())
                    .max()
                    .unwrap_or(4)
                    .max(4);
                println!("{:<width$}  {:<10}  lessons  title", "name", "version");
                for p in &packs {
                    println!(
                        "{:<width$}  {}  {:>7}  {}",
                        p.manifest.name,
                        sanitize::pad(&p.manifest.version, 10),
                        p.lessons,
                        sanitize::field(p.manifest.title(), 80)
                    );
                }
            }
            for problem in problems {
                eprintln!("damaged pack: {}", sanitize::field(&problem, 300));
            }
        }
        PackAction::Remove { name } => {
            let data = pack::data_dir()?;
            let dir = pack::remove(&data, &name)?;
            println!("removed {name} ({}); its progress is kept", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
