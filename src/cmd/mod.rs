//! One module per command, each thin: load, call the domain, print.

mod check;
mod completions;
mod init;
mod man;
mod new;
mod publish;

use anyhow::Result;

use crate::cli::{Cli, Command, NewCommand};
use crate::error::Outcome;
use crate::workspace::{Workspace, find_root};

pub fn run(cli: Cli) -> Result<Outcome> {
    let ws = cli.workspace.as_deref();
    match cli.command {
        Command::Init(args) => init::run(&args),
        Command::New(NewCommand::Sop(args)) => new::sop(&load(ws)?, &args),
        Command::New(NewCommand::Checklist(args)) => new::checklist(&load(ws)?, &args),
        Command::Check(args) => check::run(&load(ws)?, &args),
        Command::Publish(args) => publish::run(&load(ws)?, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

fn load(explicit: Option<&std::path::Path>) -> Result<Workspace> {
    let root = find_root(explicit)?;
    Workspace::load(&root)
}
