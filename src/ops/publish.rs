//! `publish`: the manual as an mdBook, from the revisions in force on a date
//! (or the working files as a preview), with the quality dashboard.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::Context;
use crate::diagnostic::{Diagnostic, summary};
use crate::error::{Error, ErrorKind, Result};
use crate::manual::{self, Manual, PublishOptions};
use crate::workspace::CONFIG_FILE;

/// What to publish, and where.
#[derive(Debug, Clone, Default)]
pub struct PublishInput {
    /// The output folder (default: `out` in sopbook.toml).
    pub out: Option<PathBuf>,
    /// The manual in force on this date (default: today).
    pub as_of: Option<NaiveDate>,
    /// The working files as a preview, every changed page marked as a draft.
    pub drafts: bool,
    /// Keep the generated mdBook source here.
    pub keep_source: Option<PathBuf>,
    /// Show a progress bar on the terminal.
    pub progress: bool,
}

/// What was published.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub as_of: NaiveDate,
    pub drafts: bool,
    pub sops: usize,
    pub checklists: usize,
    pub pages: usize,
    pub books: usize,
    pub out: PathBuf,
    pub index: PathBuf,
}

pub fn publish(ctx: &mut Context, input: PublishInput) -> Result<Published> {
    let ws = ctx.workspace()?;
    let as_of = input.as_of.unwrap_or_else(|| ctx.today());
    // The released manual needs a sound sopbook.toml; a preview needs sound working files too.
    let blocking: Vec<Diagnostic> = ws
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && (input.drafts || d.file.as_deref() == Some(CONFIG_FILE)))
        .cloned()
        .collect();
    if !blocking.is_empty() {
        return Err(Error::new(
            ErrorKind::Blocked,
            format!(
                "the workspace has problems ({}); nothing was published",
                summary(&blocking)
            ),
        )
        .with_hint("fix them and run `sopbook publish` again (`sopbook check` lists them)")
        .with_diagnostics(blocking, &ws.sources));
    }
    let records = ctx.store()?.records()?;
    let mut content = Manual::build(&ws, &records, as_of, input.drafts);
    content.records_head = ctx.store()?.events()?.last().map(|e| {
        (
            e.seq,
            e.hash.clone(),
            crate::model::control::local_date(e.at).to_string(),
        )
    });
    content.dashboard = super::dashboard::dashboard(ctx, as_of)?;
    let out: PathBuf = input.out.unwrap_or_else(|| ws.root.join(&ws.config.out));
    let opts = PublishOptions {
        out: &out,
        keep_source: input.keep_source.as_deref(),
        progress: input.progress,
        split_above: manual::pages::SPLIT_ABOVE,
    };
    let published = manual::publish(&content, &opts)?;
    Ok(Published {
        as_of,
        drafts: input.drafts,
        sops: content.sops.len(),
        checklists: content.checklists.len(),
        pages: published.pages,
        books: published.books,
        index: published.out.join("index.html"),
        out: published.out,
    })
}

/// Where `publish` writes the manual unless told otherwise (`out` in
/// sopbook.toml, in the workspace); `None` at a station that has only the
/// records.
pub fn default_out(ctx: &mut Context) -> Result<Option<PathBuf>> {
    let Some(root) = ctx.root().map(Path::to_path_buf) else {
        return Ok(None);
    };
    Ok(Some(root.join(&ctx.config()?.out)))
}
