//! `publish`: the manual as an mdBook, from the revisions in force on a date
//! (or the working files as a preview), with the quality dashboard;
//! `freshness`: whether a published manual still shows the revisions in
//! force today, and `refresh`, which publishes it again when it does not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Context;
use crate::diagnostic::{Diagnostic, summary};
use crate::error::{Error, ErrorKind, Result};
use crate::manual::{self, Manual, PublishOptions};
use crate::model::control::Control;
use crate::model::records::Records;
use crate::workspace::overrides::BROKEN_TEMPLATE;
use crate::workspace::{CONFIG_FILE, RENAMED_TEMPLATES, TEMPLATES_DIR};

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
    /// Add the "Training status" chapter (it names people).
    pub training: bool,
    /// Publish as several books above this many pages (default:
    /// `manual::pages::SPLIT_ABOVE`).
    pub split_above: Option<usize>,
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
    /// The books built this time; the others had not changed since the
    /// manual in place was published and were kept.
    pub books_built: usize,
    pub out: PathBuf,
    pub index: PathBuf,
    /// The translated editions, each under `<out>/<code>/` (the source
    /// language's is at the root).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

pub fn publish(ctx: &mut Context, input: PublishInput) -> Result<Published> {
    let ws = ctx.workspace()?;
    let as_of = input.as_of.unwrap_or_else(|| ctx.today());
    // A page template that does not parse is named where it breaks.
    let broken: Vec<Diagnostic> = ws
        .diagnostics
        .iter()
        .filter(|d| d.code == BROKEN_TEMPLATE && d.file.as_deref().is_some_and(is_page_template))
        .cloned()
        .collect();
    if let Some(first) = broken.first() {
        return Err(Error::invalid(format!(
            "{} is not a valid handlebars template; nothing was published",
            first.file.as_deref().unwrap_or_default()
        ))
        .with_hint("fix it, or delete it to use the built-in template")
        .with_diagnostics(broken, &ws.sources));
    }
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
    if input.training {
        content.training = Some(super::training::status_chapter(ctx)?);
    }
    content.editions = ws
        .config
        .target_languages()
        .map(|l| content.edition(&ws, &records, l))
        .collect();
    let out: PathBuf = input.out.unwrap_or_else(|| ws.root.join(&ws.config.out));
    let opts = PublishOptions {
        out: &out,
        keep_source: input.keep_source.as_deref(),
        progress: input.progress,
        split_above: input.split_above.unwrap_or(manual::pages::SPLIT_ABOVE),
    };
    let published = manual::publish(&content, &opts)?;
    let mut stamp = Stamp::of(&records, as_of, input.drafts);
    stamp.training = input.training;
    stamp.write(&published.out)?;
    Ok(Published {
        as_of,
        drafts: input.drafts,
        sops: content.sops.len(),
        checklists: content.checklists.len(),
        pages: published.pages,
        books: published.books,
        books_built: published.built,
        index: published.out.join("index.html"),
        out: published.out,
        languages: content
            .editions
            .iter()
            .map(|e| e.language.code.clone())
            .collect(),
    })
}

/// Whether `file` (`templates/sop.md.hbs`) overrides one of the manual's page templates.
fn is_page_template(file: &str) -> bool {
    let Some(name) = file.strip_prefix(&format!("{TEMPLATES_DIR}/")) else {
        return false;
    };
    manual::templates::PAGE_TEMPLATES
        .iter()
        .any(|(page, _)| *page == name)
        || RENAMED_TEMPLATES.iter().any(|(old, _)| *old == name)
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

/// The file in a published manual's folder that says what it was published
/// from (written after the manual is in place).
pub const STAMP: &str = ".sopbook-published.json";

/// What a manual was published from: the date it shows, whether it was a
/// preview, and the revision of each document in force on that date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub as_of: NaiveDate,
    pub drafts: bool,
    pub in_force: BTreeMap<String, i64>,
    /// Whether it has the training status chapter (published again, it keeps it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub training: bool,
}

impl Stamp {
    /// The stamp of a manual published from `records` as of `date`.
    pub fn of(records: &Records, as_of: NaiveDate, drafts: bool) -> Stamp {
        let control = Control::new(records);
        let in_force = control
            .ids()
            .filter_map(|id| {
                let state = control.state(id, as_of);
                if state.retired.is_some() {
                    return None;
                }
                state.effective.map(|(rev, _)| (id.to_string(), rev.number))
            })
            .collect();
        Stamp {
            as_of,
            drafts,
            in_force,
            training: false,
        }
    }

    /// Writes the stamp into the manual's folder `book`.
    pub fn write(&self, book: &Path) -> Result<()> {
        let path = book.join(STAMP);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::invalid(format!("could not write `{}`: {e}", path.display())))?;
        std::fs::write(&path, text)
            .map_err(|e| Error::invalid(format!("could not write `{}`: {e}", path.display())))
    }

    /// The stamp in the manual's folder `book`; `None` if there is none or
    /// it cannot be read (a manual published by an earlier sopbook).
    pub fn read(book: &Path) -> Option<Stamp> {
        let text = std::fs::read_to_string(book.join(STAMP)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// Whether a published manual shows the revisions in force today.
#[derive(Debug, Clone, Serialize)]
pub struct Freshness {
    pub book: PathBuf,
    pub stale: bool,
    /// What makes it stale: the first document whose revision in force differs.
    pub why: Option<String>,
    /// Whether it was published as a preview with drafts.
    pub drafts: bool,
}

/// Whether the manual published in `book` is stale: a revision took effect
/// since it was published (approved since, or approved earlier with an
/// effective date that has now arrived), or a document was retired, or the
/// folder does not say what it was published from. Inspections recorded
/// since do not make it stale: its dashboard is as of the day it was published.
pub fn freshness(ctx: &mut Context, book: &Path) -> Result<Freshness> {
    let today = ctx.today();
    let Some(then) = Stamp::read(book) else {
        return Ok(Freshness {
            book: book.to_path_buf(),
            stale: true,
            why: Some(format!(
                "{} does not say what it was published from",
                book.display()
            )),
            drafts: false,
        });
    };
    let records = ctx.store()?.records()?;
    let now = Stamp::of(&records, today, then.drafts);
    let why = changed_in_force(&then, &now);
    Ok(Freshness {
        book: book.to_path_buf(),
        stale: why.is_some(),
        why,
        drafts: then.drafts,
    })
}

/// The first document whose revision in force differs between two stamps.
fn changed_in_force(then: &Stamp, now: &Stamp) -> Option<String> {
    let ids = then.in_force.keys().chain(now.in_force.keys());
    let mut ids: Vec<&String> = ids.collect();
    ids.sort_by(|a, b| crate::workspace::id_order(a, b));
    ids.dedup();
    ids.into_iter()
        .find_map(|id| match (then.in_force.get(id), now.in_force.get(id)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) => Some(format!(
                "{id} revision {b} is in force; the published manual shows revision {a}"
            )),
            (None, Some(b)) => Some(format!(
                "{id} revision {b} is in force; the published manual does not show it"
            )),
            (Some(a), None) => Some(format!(
                "{id} is no longer in force; the published manual shows revision {a}"
            )),
            (None, None) => None,
        })
}

/// Publishes the manual in `book` again if it is stale ([`freshness`]),
/// as the same kind of manual (released, or a preview with drafts), as of
/// today; the old manual stays in place until the new one is built.
pub fn refresh(ctx: &mut Context, book: &Path) -> Result<Option<Published>> {
    let fresh = freshness(ctx, book)?;
    if !fresh.stale {
        return Ok(None);
    }
    let input = PublishInput {
        out: Some(book.to_path_buf()),
        drafts: fresh.drafts,
        training: Stamp::read(book).is_some_and(|s| s.training),
        ..PublishInput::default()
    };
    publish(ctx, input).map(Some)
}
