//! The command line, a front end over [`crate::ops`]: each command parses
//! its arguments, calls one operation and renders the view it returns as
//! text, JSON or CSV. No SQL, no computation, no rule lives here.
//!
//! - [`env`]: what is read from the environment, once, and the password prompt.
//! - one module per group of commands; `render` (crate level) lays out tables.

mod adopt;
mod audit;
mod check;
mod db;
mod documents;
mod env;
mod init;
mod inspect;
mod inspections;
mod lots;
mod man;
mod nc;
mod people;
mod publish;
mod records;
mod report;
mod serve;
mod session;
mod spc;
mod token;
mod training;
mod translations;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command, NewCommand};
use crate::error::{EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, Error, Result};
use crate::ops::{Access, Context};

/// What a command that ran to the end reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is fine.
    Ok,
    /// The command ran and found a problem (for example `check` found errors).
    Problem,
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn main_with_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    crate::render::choose_colour();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match run(cli) {
        Ok(Outcome::Ok) => EXIT_OK,
        Ok(Outcome::Problem) => EXIT_PROBLEM,
        Err(e) => {
            report(&e);
            e.exit_code()
        }
    }
}

/// Prints an error once: the diagnostics behind it, the message, its
/// detail and hint, and its causes.
pub fn report(e: &Error) {
    if !e.diagnostics.is_empty() {
        emit_diagnostics(&e.diagnostics, &e.sources);
    }
    let head = crate::render::paint(crate::render::style::ERROR, "error");
    anstream::eprintln!("{head}: {}", e.text());
    if !e.causes.is_empty() {
        anstream::eprintln!("\nCaused by:");
        for cause in &e.causes {
            anstream::eprintln!("  {cause}");
        }
    }
}

/// Diagnostics with their source lines, coloured where the terminal has colour.
pub fn emit_diagnostics(
    diags: &[crate::diagnostic::Diagnostic],
    sources: &crate::diagnostic::Sources,
) {
    let text = crate::diagnostic::render(diags, sources, crate::render::stderr_color());
    anstream::eprint!("{text}");
}

fn run(cli: Cli) -> Result<Outcome> {
    let env = env::Env::read();
    let ws = cli.workspace.as_deref();
    let create = cli.create_records;
    match cli.command {
        Command::Init(args) => init::init(&env, &args),
        Command::Adopt(args) => adopt::adopt(&env, &args),
        Command::Completions(args) => man::completions(&args),
        Command::Man(args) => man::man(&args),
        Command::Serve(args) => serve::serve(env, ws, &args),
        command => {
            let floor = matches!(
                command,
                Command::Inspect(_)
                    | Command::Inspections(_)
                    | Command::Nc(_)
                    | Command::Report(_)
                    | Command::Spc(_)
                    | Command::Login(_)
                    | Command::Logout
                    | Command::Token(_)
                    | Command::Db(_)
                    | Command::Lot(_)
                    | Command::Lots(_)
            );
            let access = access(&command, create);
            let mut ctx = env.context(ws, floor, access)?;
            dispatch(&mut ctx, &env, command)
        }
    }
}

/// What a command does with the records: read only, record, or create them.
fn access(command: &Command, create: bool) -> Access {
    use crate::cli::{InspectionsCommand as I, NcCommand as N};
    let reads = matches!(
        command,
        Command::Check(_)
            | Command::Publish(_)
            | Command::Due(_)
            | Command::Status(_)
            | Command::History(_)
            | Command::Show(_)
            | Command::Diff(_)
            | Command::Report(_)
            | Command::Spc(_)
            | Command::Audit(_)
            | Command::Db(_)
            | Command::ReadingList(_)
            | Command::Training(_)
            | Command::Inspections(I::List { .. } | I::Show { .. })
            | Command::Nc(N::List { .. } | N::Show { .. })
            | Command::Token(crate::cli::TokenCommand::List { .. })
            | Command::Translations(_)
            | Command::Lots(_)
            | Command::Lot(crate::cli::LotCommand::Status { .. })
    ) || matches!(command, Command::People(a) if a.command.is_none());
    if create || matches!(command, Command::Demo(_)) {
        Access::Create
    } else if reads {
        Access::Read
    } else {
        Access::Write
    }
}

fn dispatch(ctx: &mut Context, env: &env::Env, command: Command) -> Result<Outcome> {
    match command {
        Command::New(NewCommand::Sop(args)) => init::new_sop(ctx, &args),
        Command::New(NewCommand::Checklist(args)) => init::new_checklist(ctx, &args),
        Command::Check(args) => check::check(ctx, &args),
        Command::Publish(args) => publish::publish(ctx, &args),
        Command::Demo(args) => publish::demo(ctx, env, &args),
        Command::People(args) => people::people(ctx, env, &args),
        Command::Release(args) => documents::release(ctx, &args),
        Command::Approve(args) => documents::approve(ctx, &args),
        Command::Reject(args) => documents::reject(ctx, &args),
        Command::Retire(args) => documents::retire(ctx, &args),
        Command::Review(args) => documents::review(ctx, &args),
        Command::Due(args) => records::due(ctx, &args),
        Command::Status(args) => records::status(ctx, &args),
        Command::History(args) => records::history(ctx, &args),
        Command::Show(args) => records::show(ctx, &args),
        Command::Diff(args) => records::diff(ctx, &args),
        Command::Audit(command) => audit::audit(ctx, &command),
        Command::Db(command) => db::db(ctx, &command),
        Command::Ack(args) => training::ack(ctx, &args),
        Command::ReadingList(args) => training::reading_list(ctx, &args),
        Command::Training(args) => training::training(ctx, &args),
        Command::Login(args) => session::login(ctx, env, &args),
        Command::Logout => session::logout(ctx, env),
        Command::Token(command) => token::token(ctx, &command),
        Command::Inspect(args) => {
            session::resume(ctx, env)?;
            inspect::inspect(ctx, &args)
        }
        Command::Inspections(command) => inspections::inspections(ctx, &command),
        Command::Nc(command) => nc::nc(ctx, &command),
        Command::Report(args) => report::report(ctx, &args),
        Command::Spc(args) => spc::spc(ctx, &args),
        Command::Translations(args) => translations::translations(ctx, &args),
        Command::Lot(command) => {
            session::resume(ctx, env)?;
            lots::lot(ctx, &command)
        }
        Command::Lots(args) => lots::lots(ctx, &args),
        Command::Init(_)
        | Command::Completions(_)
        | Command::Man(_)
        | Command::Serve(_)
        | Command::Adopt(_) => Ok(Outcome::Ok),
    }
}

/// Prints a view as pretty JSON, the `--json` contract.
fn json(view: &impl serde::Serialize) -> Result<Outcome> {
    crate::render::json(view)?;
    Ok(Outcome::Ok)
}

/// A line for the person at the terminal, on standard error.
pub(crate) fn say(text: impl std::fmt::Display) {
    anstream::eprintln!("{text}");
}
