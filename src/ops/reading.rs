//! The reader's own pages in `sopbook serve`: what they must read and
//! understand ([`training::reading_list`]), what changed since the revision
//! they last read, and the text of the revision to read before they sign
//! with [`training::ack`].

use serde::Serialize;

use super::Context;
use super::records::{self, Changes};
use super::training::{self, MatrixFilter, ReadingList, Required, State};
use super::translations::{self, InLanguage, TranslationState};
use crate::error::Result;
use crate::model::records::DocKind;
use crate::model::translation::Direction;

/// One document on a reading list, with what changed since the revision
/// the person last read (for an outdated one).
#[derive(Debug, Clone, Serialize)]
pub struct ToRead {
    #[serde(flatten)]
    pub required: Required,
    pub changes: Option<Changes>,
    /// Its title in the reader's language, where a current translation is in force.
    pub translated_title: Option<String>,
}

/// A person's reading list: their reading path first, then the oldest due.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingPage {
    pub list: ReadingList,
    pub to_read: Vec<ToRead>,
    /// The language documents are written in, when sopbook.toml names it.
    pub source: Option<Tongue>,
}

/// A language by its code, name and direction.
#[derive(Debug, Clone, Serialize)]
pub struct Tongue {
    pub code: String,
    pub name: String,
    pub direction: Direction,
}

/// The source language of sopbook.toml, if it names one.
fn source(ctx: &mut Context) -> Result<Option<Tongue>> {
    Ok(ctx.config()?.source_language().map(|l| Tongue {
        code: l.code.clone(),
        name: l.name.clone(),
        direction: l.direction,
    }))
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

/// The document `id` as a reader of `language` reads it: none for no
/// language, the source language or one sopbook.toml does not list.
fn in_reader_language(
    ctx: &mut Context,
    id: &str,
    language: Option<&str>,
) -> Result<Option<InLanguage>> {
    let Some(code) = language else {
        return Ok(None);
    };
    let config = ctx.config()?;
    let listed = !config.languages.is_empty();
    if listed && config.language(code).is_none() {
        return Ok(None);
    }
    let found = translations::in_language(ctx, id, code)?;
    // Without languages in sopbook.toml (or at a station with only the
    // records) nobody knows whether `code` is the documents' own language:
    // a translation recorded in it is used, and no note says one is missing.
    Ok(found.filter(|t| listed || t.state != TranslationState::Missing))
}

/// `person`'s reading list, each outdated document with its changes, and
/// each title in `language` where a current translation is in force.
pub fn page(ctx: &mut Context, person: &str, language: Option<&str>) -> Result<ReadingPage> {
    let list = training::reading_list(ctx, person)?;
    let mut to_read = Vec::with_capacity(list.to_read.len());
    for r in &list.to_read {
        let translated_title = in_reader_language(ctx, &r.doc_id, language)?.and_then(|t| t.title);
        to_read.push(ToRead {
            changes: changes_for(ctx, r)?,
            required: r.clone(),
            translated_title,
        });
    }
    Ok(ReadingPage {
        list,
        to_read,
        source: source(ctx)?,
    })
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
    /// The document in the reader's language: a current translation's
    /// title and text, or why the source's text is shown instead.
    pub in_language: Option<InLanguage>,
    /// The language the document is written in, when sopbook.toml names it.
    pub source: Option<Tongue>,
}

impl Document {
    /// Whether the text to read is a translation's: the reader's language
    /// has a current one.
    pub fn translated(&self) -> bool {
        self.in_language
            .as_ref()
            .is_some_and(|t| t.state == TranslationState::Current && t.text.is_some())
    }
}

/// The document `id` in force, for `person` to read; with `language`, as
/// a reader of that language reads it ([`translations::in_language`]). The
/// reading is signed for the document's revision in force, whichever
/// language it was read in.
pub fn document(
    ctx: &mut Context,
    person: &str,
    id: &str,
    language: Option<&str>,
) -> Result<Document> {
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
    let in_language = in_reader_language(ctx, &shown.id, language)?;
    Ok(Document {
        in_language,
        source: source(ctx)?,
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
