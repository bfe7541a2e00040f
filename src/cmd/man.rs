//! `sopbook completions <shell>` and `sopbook man`.

use std::fs;

use anyhow::Context as _;
use clap::CommandFactory;

use super::{Outcome, say};
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::Result;

pub fn completions(args: &CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "sopbook", &mut std::io::stdout());
    Ok(Outcome::Ok)
}

/// The commands as the man pages show them: `help` is a page of its own
/// nowhere, so it is not listed as a subcommand either.
fn without_help(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help)
}

pub fn man(args: &ManArgs) -> Result<Outcome> {
    let cmd = without_help(Cli::command());
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
            say(format!("Wrote man pages to {}", dir.display()));
        }
    }
    Ok(Outcome::Ok)
}
