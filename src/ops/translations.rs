//! Translations against the records: whether each names a source revision
//! that exists and translates exactly its items (`check`, `release`);
//! which translations are current, stale, missing or drafts
//! (`translations`); a checklist's prompts and help in a reader's language
//! (`inspect --lang`).

use chrono::NaiveDate;
use serde::Serialize;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::model::Checklist;
use crate::model::control::Control;
use crate::model::records::{DocKind, Records, RevisionRow};
use crate::model::translation::{Direction, Translation, TranslationKind, translation_id};
use crate::workspace::translation_file::parse_snapshot;
use crate::workspace::{TranslationFile, Workspace, parse_snapshot_checklist};

/// The problems of translation files that only the records show: a source
/// revision that was never recorded, items the source revision does not
/// have, items of it left untranslated. Without records (none yet, as in a
/// fresh copy of a workspace), the items are checked against the source's
/// working file and the revisions not at all; records that cannot be read
/// get a warning saying so.
pub fn check_files(ctx: &mut Context, ws: &Workspace) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if ws.translations.is_empty() {
        return diags;
    }
    let records = match ctx.store().and_then(|s| Ok(s.records()?)) {
        Ok(r) if r.revisions.is_empty() => None,
        Ok(r) => Some(r),
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    "translations-unchecked",
                    format!(
                        "the source revisions that translations name were not checked: {}",
                        e.message
                    ),
                )
                .help("run `sopbook check` where the records are to check them"),
            );
            None
        }
    };
    for file in &ws.translations {
        check_file(ws, records.as_ref(), file, &mut diags);
    }
    diags
}

/// The checks of [`check_files`] for one file.
pub fn check_file(
    ws: &Workspace,
    records: Option<&Records>,
    file: &TranslationFile,
    diags: &mut Vec<Diagnostic>,
) {
    let t = &file.translation;
    // A translation `check` already found adrift (unknown language or source) is left there.
    if ws.config.language(&t.language).is_none_or(|l| l.source) {
        return;
    }
    let working = ws.checklist(&t.source);
    if ws.sop(&t.source).is_none() && working.is_none() {
        return;
    }
    let path = t.path.as_str();
    let source: Option<Checklist> = match records {
        None => working.cloned(),
        Some(records) => {
            let revisions: Vec<&RevisionRow> = records
                .revisions
                .iter()
                .filter(|r| r.doc_id == t.source)
                .collect();
            let Some(rev) = revisions.iter().find(|r| r.number == t.source_revision) else {
                let (message, help) = match revisions.last() {
                    None => (
                        format!(
                            "{} has no revision {}: it has never been released",
                            t.source, t.source_revision
                        ),
                        format!(
                            "translate a released revision; `sopbook release {}` releases the source first",
                            t.source
                        ),
                    ),
                    Some(last) => (
                        format!("{} has no revision {}", t.source, t.source_revision),
                        format!(
                            "its latest revision is {}; `sopbook history {}` lists them",
                            last.number, t.source
                        ),
                    ),
                };
                diags.push(
                    Diagnostic::error("unknown-source-revision", message)
                        .at(path, file.revision_span.clone())
                        .label("not a recorded revision")
                        .help(help),
                );
                return;
            };
            if t.kind == TranslationKind::Checklist {
                parse_snapshot_checklist(&rev.path, &rev.content)
            } else {
                None
            }
        }
    };
    let Some(source) = source.filter(|_| t.kind == TranslationKind::Checklist) else {
        return;
    };
    let of = if records.is_some() {
        format!("{} rev {}", t.source, t.source_revision)
    } else {
        format!("{} (working file)", t.source)
    };
    for (id, span) in &file.item_spans {
        if source.items.iter().all(|i| &i.id != id) {
            let known: Vec<_> = source.items.iter().map(|i| format!("`{}`", i.id)).collect();
            diags.push(
                Diagnostic::error("unknown-item", format!("{of} has no item `{id}`"))
                    .at(path, span.clone())
                    .label("not an item of the source")
                    .help(format!("the items are {}", known.join(", "))),
            );
        }
    }
    for item in &source.items {
        if t.item(&item.id).is_none() {
            diags.push(
                Diagnostic::error(
                    "untranslated-item",
                    format!("item `{}` of {of} is not translated", item.id),
                )
                .at(path, file.source_span.clone())
                .label("the items of this checklist")
                .help(format!(
                    "add [item.{}] with its prompt (and help) in `{}`",
                    item.id, t.language
                )),
            );
        }
    }
}

/// Where one translation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TranslationState {
    /// In force, and no substantive source revision took effect since the
    /// one it translates.
    Current,
    /// In force, but the source changed substantively since.
    Stale,
    /// A file or a release exists, nothing in force yet.
    Draft,
    /// No translation at all.
    Missing,
}

impl TranslationState {
    pub fn as_str(self) -> &'static str {
        match self {
            TranslationState::Current => "current",
            TranslationState::Stale => "stale",
            TranslationState::Draft => "draft",
            TranslationState::Missing => "missing",
        }
    }
}

/// A source revision that took effect after the one a translation follows.
#[derive(Debug, Clone, Serialize)]
pub struct SourceChange {
    pub revision: i64,
    pub effective: NaiveDate,
    pub summary: String,
    /// Editorial: it does not make translations stale.
    pub minor: bool,
}

/// One document in one language.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationRow {
    pub language: String,
    /// The source document.
    pub document: String,
    pub title: String,
    /// `QC-001.nb`.
    pub translation: String,
    pub state: TranslationState,
    /// The source revision in force.
    pub source_revision: i64,
    /// The source revision the translation in force follows.
    pub translated_revision: Option<i64>,
    /// The translation's own revision in force.
    pub translation_revision: Option<i64>,
    /// The first substantive source revision it lacks.
    pub stale_since: Option<i64>,
    /// The source revisions in force after the translated one, oldest first.
    pub changes: Vec<SourceChange>,
    /// The source's text from the translated revision to the one in force,
    /// as a unified diff; stale only.
    pub diff: Option<String>,
}

/// The counts of one language.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageCounts {
    pub code: String,
    pub name: String,
    pub direction: Direction,
    pub current: usize,
    pub stale: usize,
    pub draft: usize,
    pub missing: usize,
}

/// `sopbook translations`.
#[derive(Debug, Clone, Serialize)]
pub struct Translations {
    pub as_of: NaiveDate,
    pub source_language: Option<String>,
    pub languages: Vec<LanguageCounts>,
    pub rows: Vec<TranslationRow>,
}

impl Translations {
    pub fn stale(&self) -> usize {
        self.languages.iter().map(|l| l.stale).sum()
    }
}

/// What `translations` looks at.
#[derive(Debug, Clone, Default)]
pub struct TranslationsInput<'a> {
    /// One language only.
    pub language: Option<&'a str>,
}

/// Every document in force, in every language (or one): current, stale
/// (since which source revision, with the source's diff), draft or missing.
pub fn translations(ctx: &mut Context, input: TranslationsInput<'_>) -> Result<Translations> {
    let today = ctx.today();
    let ws = ctx.workspace_opt()?;
    let config = ctx.config()?;
    if config.languages.is_empty() {
        return Err(Error::invalid(
            "sopbook.toml lists no languages, so there are no translations to follow",
        )
        .with_hint("add [[language]] tables (code, name, direction; one with source = true)"));
    }
    if let Some(code) = input.language {
        match config.language(code) {
            Some(l) if l.source => {
                return Err(Error::invalid(format!(
                    "`{code}` is the source language; documents are written in it, not translated"
                )));
            }
            Some(_) => {}
            None => {
                let known: Vec<_> = config.target_languages().map(|l| l.code.clone()).collect();
                return Err(
                    Error::invalid(format!("`{code}` is not a language of sopbook.toml"))
                        .with_hint(format!(
                            "the languages translated into are {}",
                            known.join(", ")
                        )),
                );
            }
        }
    }
    let records = ctx.store()?.records()?;
    let control = Control::new(&records);
    let languages: Vec<_> = config
        .target_languages()
        .filter(|l| input.language.is_none_or(|c| c == l.code))
        .collect();
    let mut sources: Vec<&str> = control
        .ids()
        .filter(|id| !crate::model::translation::is_translation_id(id))
        .collect();
    sources.sort_by(|a, b| crate::workspace::id_order(a, b));
    let mut rows = Vec::new();
    for id in sources {
        let state = control.state(id, today);
        let Some((in_force, _)) = state.effective.filter(|_| state.retired.is_none()) else {
            continue;
        };
        for language in &languages {
            let (row, _) = row_of(&control, ws.as_deref(), id, in_force, &language.code, today);
            rows.push(row);
        }
    }
    let counts = languages
        .iter()
        .map(|l| {
            let of = |s: TranslationState| {
                rows.iter()
                    .filter(|r| r.language == l.code && r.state == s)
                    .count()
            };
            LanguageCounts {
                code: l.code.clone(),
                name: l.name.clone(),
                direction: l.direction,
                current: of(TranslationState::Current),
                stale: of(TranslationState::Stale),
                draft: of(TranslationState::Draft),
                missing: of(TranslationState::Missing),
            }
        })
        .collect();
    Ok(Translations {
        as_of: today,
        source_language: config.source_language().map(|l| l.code.clone()),
        languages: counts,
        rows,
    })
}

/// Where the translation of `id` (revision `in_force` in force) into
/// `code` stands, and the translation in force with its revision, if one is.
fn row_of<'a>(
    control: &Control<'a>,
    ws: Option<&Workspace>,
    id: &str,
    in_force: &RevisionRow,
    code: &str,
    today: NaiveDate,
) -> (TranslationRow, Option<(&'a RevisionRow, Translation)>) {
    let tid = translation_id(id, code);
    let t_state = control.state(&tid, today);
    let mut row = TranslationRow {
        language: code.to_string(),
        document: id.to_string(),
        title: in_force.title.clone(),
        translation: tid.clone(),
        state: TranslationState::Missing,
        source_revision: in_force.number,
        translated_revision: None,
        translation_revision: None,
        stale_since: None,
        changes: Vec::new(),
        diff: None,
    };
    let followed = t_state
        .effective
        .filter(|_| t_state.retired.is_none())
        .and_then(|(rev, _)| Some((rev, parse_snapshot(&rev.path, &rev.content)?)));
    let Some((t_rev, translation)) = followed else {
        let drafted =
            control.doc(&tid).is_some() || ws.is_some_and(|w| w.translation(&tid).is_some());
        if drafted {
            row.state = TranslationState::Draft;
        }
        return (row, None);
    };
    row.translation_revision = Some(t_rev.number);
    row.translated_revision = Some(translation.source_revision);
    row.changes = later_changes(control, id, translation.source_revision, today);
    row.stale_since = row.changes.iter().find(|c| !c.minor).map(|c| c.revision);
    if row.stale_since.is_some() {
        row.state = TranslationState::Stale;
        let old = control
            .doc(id)
            .and_then(|d| {
                d.revisions
                    .iter()
                    .find(|r| r.number == translation.source_revision)
            })
            .map_or("", |r| r.content.as_str());
        row.diff = Some(crate::render::diff::unified(
            old,
            &in_force.content,
            &format!("{id} rev {}", translation.source_revision),
            &format!("{id} rev {}", in_force.number),
            false,
        ));
    } else {
        row.state = TranslationState::Current;
    }
    (row, Some((t_rev, translation)))
}

/// A document in force as a reader of `code` reads it.
#[derive(Debug, Clone, Serialize)]
pub struct InLanguage {
    pub language: String,
    /// The language's name in sopbook.toml, else its code.
    pub name: String,
    pub direction: Direction,
    pub state: TranslationState,
    /// The translation's own revision in force, and the source revision it follows.
    pub translation_revision: Option<i64>,
    pub translated_revision: Option<i64>,
    /// The first substantive source revision it lacks (stale only).
    pub stale_since: Option<i64>,
    /// The translation's title and text, for a current translation only: a
    /// stale one is not given to read, since it no longer says what is in force.
    pub title: Option<String>,
    /// An SOP's Markdown after its front matter; a checklist's file.
    pub text: Option<String>,
}

/// The document `id` in force as a reader of `code` reads it: `None` for
/// the source language (or a document not in force); else whether a
/// translation is current, stale, a draft or missing, with the current
/// one's words.
pub fn in_language(ctx: &mut Context, id: &str, code: &str) -> Result<Option<InLanguage>> {
    if known_language(ctx, code)? {
        return Ok(None);
    }
    let today = ctx.today();
    let ws = ctx.workspace_opt()?;
    let config = ctx.config()?;
    let (name, direction) = config.language(code).map_or_else(
        || (code.to_string(), Direction::of(code)),
        |l| (l.name.clone(), l.direction),
    );
    let store = ctx.store()?;
    let mut records = store.records_of(id)?;
    let of_translation = store.records_of(&translation_id(id, code))?;
    records.revisions.extend(of_translation.revisions);
    records.changes.extend(of_translation.changes);
    records.signatures.extend(of_translation.signatures);
    let control = Control::new(&records);
    let state = control.state(id, today);
    let Some((in_force, _)) = state.effective.filter(|_| state.retired.is_none()) else {
        return Ok(None);
    };
    let (row, found) = row_of(&control, ws.as_deref(), id, in_force, code, today);
    let words = found
        .filter(|_| row.state == TranslationState::Current)
        .map(|(rev, t)| {
            let text = if rev.path.ends_with(".md") {
                t.body
            } else {
                rev.content.clone()
            };
            (t.title, text)
        });
    let (title, text) = words.unzip();
    Ok(Some(InLanguage {
        language: code.to_string(),
        name,
        direction,
        state: row.state,
        translation_revision: row.translation_revision,
        translated_revision: row.translated_revision,
        stale_since: row.stale_since,
        title,
        text,
    }))
}

/// The source's releases in force by `today` numbered after `translated`, oldest first.
fn later_changes(
    control: &Control<'_>,
    id: &str,
    translated: i64,
    today: NaiveDate,
) -> Vec<SourceChange> {
    control
        .releases_after(id, translated, today)
        .into_iter()
        .map(|(rev, effective)| SourceChange {
            revision: rev.number,
            effective,
            summary: rev.summary.clone(),
            minor: rev.minor,
        })
        .collect()
}

/// How a checklist is shown in a reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub language: String,
    pub direction: Direction,
    /// The translation's revision used, if one is in force.
    pub translation_revision: Option<i64>,
    /// Said to the reader, in their language: the translation is stale,
    /// or missing.
    pub note: Option<String>,
}

/// The translation of `checklist` (revision `revision` in force) into
/// `language`, applied to its title, description and each item's prompt
/// and help; ids, kinds and limits stay the source's, so what is recorded
/// is the same in any language. An item the translation lacks keeps the
/// source's words. `None` for the source language.
pub fn localise(
    ctx: &mut Context,
    checklist: &mut Checklist,
    revision: &RevisionRow,
    language: &str,
) -> Result<Option<Shown>> {
    if known_language(ctx, language)? {
        return Ok(None);
    }
    let config = ctx.config()?;
    let direction = config
        .language(language)
        .map_or_else(|| Direction::of(language), |l| l.direction);
    let today = ctx.today();
    let tid = translation_id(&checklist.id, language);
    let records = ctx.store()?.records_of(&tid)?;
    let state = Control::new(&records).state(&tid, today);
    let found = state
        .effective
        .filter(|_| state.retired.is_none())
        .filter(|(r, _)| r.kind == DocKind::Checklist)
        .and_then(|(rev, _)| Some((rev.number, parse_snapshot(&rev.path, &rev.content)?)));
    let words = crate::words::form(Some(language));
    let Some((number, t)) = found else {
        return Ok(Some(Shown {
            language: language.to_string(),
            direction,
            translation_revision: None,
            note: Some(crate::words::fill(
                words.untranslated,
                &[("id", &checklist.id), ("language", language)],
            )),
        }));
    };
    apply(checklist, &t);
    let note = (t.source_revision < revision.number).then(|| {
        crate::words::fill(
            words.follows_older,
            &[
                ("id", &checklist.id),
                ("follows", &t.source_revision.to_string()),
                ("in_force", &revision.number.to_string()),
            ],
        )
    });
    Ok(Some(Shown {
        language: language.to_string(),
        direction,
        translation_revision: Some(number),
        note,
    }))
}

/// Whether `code` is the source language; an error when sopbook.toml lists
/// languages and `code` is not one of them. At a station with only the
/// records the languages are not known, and any translation recorded is used.
pub fn known_language(ctx: &mut Context, code: &str) -> Result<bool> {
    let config = ctx.config()?;
    if config.languages.is_empty() {
        return Ok(false);
    }
    match config.language(code) {
        Some(l) => Ok(l.source),
        None => {
            let known: Vec<_> = config.languages.iter().map(|l| l.code.clone()).collect();
            Err(
                Error::invalid(format!("`{code}` is not a language of sopbook.toml"))
                    .with_hint(format!("the languages are {}", known.join(", "))),
            )
        }
    }
}

/// A translation's words over a checklist's.
pub fn apply(checklist: &mut Checklist, t: &Translation) {
    checklist.title = t.title.clone();
    if t.description.is_some() {
        checklist.description = t.description.clone();
    }
    for item in &mut checklist.items {
        if let Some(text) = t.item(&item.id) {
            item.prompt = text.prompt.clone();
            item.help = text.help.clone().or(item.help.take());
        }
    }
}
