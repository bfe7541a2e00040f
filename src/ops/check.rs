//! `check`: every problem in the workspace files at once.

use std::sync::Arc;

use serde::Serialize;

use super::Context;
use crate::error::Result;
use crate::workspace::Workspace;

/// What was checked and what was found; the diagnostics stay in the workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub sops: usize,
    pub checklists: usize,
    /// Translation files read (and parsed).
    pub translations: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Everything found: the workspace's diagnostics and those of its
    /// translations against the records.
    #[serde(skip)]
    pub findings: Vec<crate::diagnostic::Diagnostic>,
    #[serde(skip)]
    pub workspace: Arc<Workspace>,
}

pub fn check(ctx: &mut Context) -> Result<Checked> {
    let ws = ctx.workspace()?;
    let mut findings = ws.diagnostics.clone();
    let more = super::translations::check_files(ctx, &ws);
    if !more.is_empty() {
        findings.extend(more);
        findings.sort_by(|a, b| {
            (a.severity, &a.file, a.span.as_ref().map(|s| s.start)).cmp(&(
                b.severity,
                &b.file,
                b.span.as_ref().map(|s| s.start),
            ))
        });
    }
    let errors = findings.iter().filter(|d| d.is_error()).count();
    Ok(Checked {
        sops: ws.files_read.0,
        checklists: ws.files_read.1,
        translations: ws.translations.len(),
        errors,
        warnings: findings.len() - errors,
        findings,
        workspace: ws,
    })
}
