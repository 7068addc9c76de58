//! `forklab pack new|add|list|remove`.

use std::path::PathBuf;
use std::process::ExitCode;

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

pub fn run(action: PackAction) -> Result<ExitCode, String> {
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
            let added =
                pack::install::add(&path, &data, replace, pack::install::Limits::default())?;
            for warning in &added.warnings {
                println!("warning: {warning}");
            }
            let replaced = added.replaced.map_or(String::new(), |v| {
                format!(" (replacing version {})", sanitize::line(&v))
            });
            println!(
                "installed {} {}{replaced}: {} lesson(s) in {}",
                added.manifest.name,
                sanitize::line(&added.manifest.version),
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
                        "{:<width$}  {:<10}  {:>7}  {}",
                        p.manifest.name,
                        sanitize::line(&p.manifest.version),
                        p.lessons,
                        sanitize::line(p.manifest.title())
                    );
                }
            }
            for problem in problems {
                eprintln!("damaged pack: {}", sanitize::line(&problem));
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
