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
    pub errors: usize,
    pub warnings: usize,
    #[serde(skip)]
    pub workspace: Arc<Workspace>,
}

pub fn check(ctx: &mut Context) -> Result<Checked> {
    let ws = ctx.workspace()?;
    let errors = ws.diagnostics.iter().filter(|d| d.is_error()).count();
    Ok(Checked {
        sops: ws.files_read.0,
        checklists: ws.files_read.1,
        errors,
        warnings: ws.diagnostics.len() - errors,
        workspace: ws,
    })
}
