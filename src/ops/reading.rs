//! The reader's own pages in `sopbook serve`: what they must read and
//! understand ([`training::reading_list`]), what changed since the revision
//! they last read, and the text of the revision to read before they sign
//! with [`training::ack`].

use serde::Serialize;

use super::Context;
use super::records::{self, Changes};
use super::training::{self, MatrixFilter, ReadingList, Required, State};
use crate::error::Result;
use crate::model::records::DocKind;

/// One document on a reading list, with what changed since the revision
/// the person last read (for an outdated one).
#[derive(Debug, Clone, Serialize)]
pub struct ToRead {
    #[serde(flatten)]
    pub required: Required,
    pub changes: Option<Changes>,
}

/// A person's reading list: their reading path first, then the oldest due.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingPage {
    pub list: ReadingList,
    pub to_read: Vec<ToRead>,
}

/// What changed for `r` since the revision its person read, if they read one.
fn changes_for(ctx: &mut Context, r: &Required) -> Result<Option<Changes>> {
    match (r.state, r.acknowledged_revision) {
        (State::Outdated, Some(read)) => {
            records::changes(ctx, &r.doc_id, read, r.revision).map(Some)
        }
        _ => Ok(None),
    }
}

/// `person`'s reading list, each outdated document with its changes.
pub fn page(ctx: &mut Context, person: &str) -> Result<ReadingPage> {
    let list = training::reading_list(ctx, person)?;
    let mut to_read = Vec::with_capacity(list.to_read.len());
    for r in &list.to_read {
        to_read.push(ToRead {
            changes: changes_for(ctx, r)?,
            required: r.clone(),
        });
    }
    Ok(ReadingPage { list, to_read })
}

/// A document in force to read: its text at the revision in force and
/// where the person stands with it.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub doc_id: String,
    pub title: String,
    pub kind: DocKind,
    pub revision: i64,
    /// The revision's change summary.
    pub summary: String,
    /// The text to read: an SOP's Markdown without its front matter, a
    /// checklist's file as it was released.
    pub text: String,
    /// The person's state with it; none when it is not for their roles.
    pub required: Option<Required>,
    /// For an outdated one: what changed since the revision they read.
    pub changes: Option<Changes>,
    /// Whether they are to sign that they read and understood it.
    pub to_confirm: bool,
}

/// The document `id` in force, for `person` to read.
pub fn document(ctx: &mut Context, person: &str, id: &str) -> Result<Document> {
    let mine = training::matrix(
        ctx,
        MatrixFilter {
            person: Some(person),
            role: None,
            document: Some(id),
            ..MatrixFilter::default()
        },
    )?;
    let required = mine.rows.into_iter().next();
    let shown = records::show(ctx, id, None)?;
    let changes = match &required {
        Some(r) => changes_for(ctx, r)?,
        None => None,
    };
    let kind = required.as_ref().map_or_else(
        || {
            if shown.path.ends_with(".toml") {
                DocKind::Checklist
            } else {
                DocKind::Sop
            }
        },
        |r| r.kind,
    );
    let text = match kind {
        DocKind::Sop => crate::workspace::sop_body(&shown.content).to_string(),
        DocKind::Checklist => shown.content.clone(),
    };
    Ok(Document {
        doc_id: shown.id,
        title: shown.title,
        kind,
        revision: shown.revision,
        summary: shown.summary,
        text,
        to_confirm: required.as_ref().is_some_and(|r| r.state != State::Current),
        changes,
        required,
    })
}
