//! Exit codes from one place, and how a failed command is reported.
//!
//! `0` success, `1` the command ran and found a problem, `2` a usage or
//! input error. Commands return `Ok(Outcome)`; an `Err` is an input error
//! unless it carries [`ProblemFound`].

use std::ffi::OsString;
use std::fmt;
use std::io::IsTerminal;

use clap::Parser;

use crate::cli::Cli;

/// What a command that ran to the end reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is fine.
    Ok,
    /// The command ran and found a problem (for example `check` found errors).
    Problem,
}

/// An error that means "the command ran and found a problem" (exit 1),
/// as opposed to bad input (exit 2).
#[derive(Debug)]
pub struct ProblemFound(pub String);

impl fmt::Display for ProblemFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProblemFound {}

pub const EXIT_OK: u8 = 0;
pub const EXIT_PROBLEM: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Parses the arguments, runs the command and returns the exit code.
pub fn main_with_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match crate::cmd::run(cli) {
        Ok(Outcome::Ok) => EXIT_OK,
        Ok(Outcome::Problem) => EXIT_PROBLEM,
        Err(e) => {
            report(&e);
            if e.downcast_ref::<ProblemFound>().is_some() {
                EXIT_PROBLEM
            } else {
                EXIT_USAGE
            }
        }
    }
}

/// Prints an error and its whole cause chain once, at the top.
fn report(e: &anyhow::Error) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let head = if color {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    eprintln!("{head}: {e}");
    let causes: Vec<_> = e.chain().skip(1).collect();
    if !causes.is_empty() {
        eprintln!("\nCaused by:");
        for cause in causes {
            eprintln!("  {cause}");
        }
    }
}
