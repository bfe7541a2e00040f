//! `sopbook check`: every problem in the workspace at once.

use super::{Outcome, emit_diagnostics, json, say};
use crate::cli::CheckArgs;
use crate::diagnostic::{self, plural, summary};
use crate::error::Result;
use crate::ops::{Context, check};

pub fn check(ctx: &mut Context, args: &CheckArgs) -> Result<Outcome> {
    let c = check::check(ctx)?;
    let ws = &c.workspace;
    if args.json {
        let findings: Vec<_> = c
            .findings
            .iter()
            .map(|d| diagnostic::to_json(d, &ws.sources))
            .collect();
        json(&findings)?;
    } else {
        emit_diagnostics(&c.findings, &ws.sources);
        let checked = if c.translations == 0 {
            format!(
                "{} and {}",
                plural(c.sops, "SOP"),
                plural(c.checklists, "checklist")
            )
        } else {
            format!(
                "{}, {} and {}",
                plural(c.sops, "SOP"),
                plural(c.checklists, "checklist"),
                plural(c.translations, "translation")
            )
        };
        if c.findings.is_empty() {
            say(format!("Checked {checked}: no problems found."));
        } else {
            say(format!("Checked {checked}: {}.", summary(&c.findings)));
        }
    }
    Ok(if c.errors > 0 {
        Outcome::Problem
    } else {
        Outcome::Ok
    })
}
