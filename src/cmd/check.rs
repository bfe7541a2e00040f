//! `sopbook check`: every problem in the workspace at once.

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::diagnostic::{self, plural, summary};
use crate::error::Outcome;
use crate::workspace::Workspace;

pub fn run(ws: &Workspace, args: &CheckArgs) -> Result<Outcome> {
    if args.json {
        let findings: Vec<_> = ws
            .diagnostics
            .iter()
            .map(|d| diagnostic::to_json(d, &ws.sources))
            .collect();
        println!("{}", serde_json::to_string_pretty(&findings)?);
    } else {
        diagnostic::emit(&ws.diagnostics, &ws.sources);
        let checked = format!(
            "{} and {}",
            plural(ws.files_read.0, "SOP"),
            plural(ws.files_read.1, "checklist")
        );
        if ws.diagnostics.is_empty() {
            eprintln!("Checked {checked}: no problems found.");
        } else {
            eprintln!("Checked {checked}: {}.", summary(&ws.diagnostics));
        }
    }
    Ok(if ws.has_errors() {
        Outcome::Problem
    } else {
        Outcome::Ok
    })
}
