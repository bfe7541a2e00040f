//! One module per command, each thin: load, call the domain, print.

mod check;
mod completions;
mod demo;
pub mod floor;
mod import;
mod init;
mod lifecycle;
mod man;
mod new;
mod publish;
mod records;
pub mod report;

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
        Command::Demo(args) => demo::run(&load(ws)?, &args),
        Command::People(args) => lifecycle::people(&load(ws)?, &args),
        Command::Release(args) => lifecycle::release(&load(ws)?, &args),
        Command::Approve(args) => lifecycle::approve(&load(ws)?, &args),
        Command::Reject(args) => lifecycle::reject(&load(ws)?, &args),
        Command::Retire(args) => lifecycle::retire(&load(ws)?, &args),
        Command::Review(args) => lifecycle::review(&load(ws)?, &args),
        Command::Due(args) => records::due(&load(ws)?, &args),
        Command::Status(args) => records::status(&load(ws)?, &args),
        Command::History(args) => records::history(&load(ws)?, &args),
        Command::Show(args) => records::show(&load(ws)?, &args),
        Command::Diff(args) => records::diff_cmd(&load(ws)?, &args),
        Command::Audit(command) => records::audit(&load(ws)?, &command),
        Command::Inspect(args) => floor::inspect(ws, &args),
        Command::Inspections(command) => floor::inspections(ws, &command),
        Command::Nc(command) => floor::nc(ws, &command),
        Command::Report(args) => report::report(ws, &args),
        Command::Spc(args) => report::spc(ws, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

fn load(explicit: Option<&std::path::Path>) -> Result<Workspace> {
    let root = find_root(explicit)?;
    Workspace::load(&root)
}

/// The records store of a workspace.
fn open_store(ws: &Workspace) -> Result<Box<dyn crate::store::Store>> {
    crate::store::open(&ws.root, ws.config.database.as_deref())
}
