//! `sopbook man`: man pages for sopbook and each command.

use std::fs;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::Outcome;

pub fn run(args: &ManArgs) -> Result<Outcome> {
    let cmd = Cli::command();
    match &args.out {
        None => {
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .context("could not write the man page")?;
        }
        Some(dir) => {
            fs::create_dir_all(dir)
                .with_context(|| format!("could not create `{}`", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("could not write man pages to `{}`", dir.display()))?;
            eprintln!("Wrote man pages to {}", dir.display());
        }
    }
    Ok(Outcome::Ok)
}
