//! Read-only views of document control: status, due reviews, history, a
//! revision's text and the difference between two texts.

use super::unknown_document;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::Context;
use super::documents::{change_name, rev_name};
use crate::error::{Error, Result};
use crate::fail;
use crate::model::control::{Control, DocState, Status};
use crate::model::records::{ChangeKind, Meaning};
use crate::model::{Interval, IntervalUnit};
use crate::store::{Records, RevisionRow};
use crate::workspace::{Workspace, parse_snapshot_sop};

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStateWord {
    /// Never released, or every release rejected.
    Draft,
    /// A release or retirement waits for approvals, nothing in force yet.
    #[serde(rename = "in review")]
    InReview,
    /// Approved, but takes effect later.
    Scheduled,
    Effective,
    Obsolete,
}

/// One line of `sopbook status`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    pub id: String,
    pub title: Option<String>,
    pub state: DocStateWord,
    pub effective_revision: Option<i64>,
    pub effective_since: Option<NaiveDate>,
    pub scheduled_revision: Option<i64>,
    pub scheduled_from: Option<NaiveDate>,
    /// "QC-001 rev 3" or "QC-001 (retire)".
    pub in_review: Option<String>,
    /// "1/2"
    pub approvals: Option<String>,
    pub obsolete_since: Option<NaiveDate>,
    /// "unchanged", "changed since rev N", "never released", "no file".
    pub working_copy: String,
    pub next_review: Option<NaiveDate>,
}

/// Every document id known to the workspace or the records, in id order.
fn all_ids(ws: Option<&Workspace>, control: &Control<'_>) -> Vec<String> {
    let mut ids: Vec<String> = control.ids().map(str::to_string).collect();
    if let Some(ws) = ws {
        ids.extend(ws.sops.iter().map(|s| s.id.clone()));
        ids.extend(ws.checklists.iter().map(|c| c.id.clone()));
    }
    ids.sort_by(|a, b| crate::workspace::id_order(a, b));
    ids.dedup();
    ids
}

/// How often a released revision must be reviewed, and who owns it. A
/// checklist has no review interval of its own: it is reviewed with the
/// procedure it implements, every 12 months unless that procedure says
/// otherwise.
pub fn review_rule(rev: &RevisionRow) -> (Interval, Option<String>) {
    match parse_snapshot_sop(&rev.path, &rev.content) {
        Some(s) => (s.review_interval, Some(s.owner)),
        None => (CHECKLIST_REVIEW, None),
    }
}

/// How often a checklist is reviewed.
pub const CHECKLIST_REVIEW: Interval = Interval {
    count: 12,
    unit: IntervalUnit::Month,
};

/// The next periodic review of a document in force, if any.
pub fn next_review(state: &DocState<'_>) -> Option<NaiveDate> {
    let (rev, _) = state.effective.filter(|_| state.retired.is_none())?;
    // A translation is reviewed with its source (stale when that changes).
    if crate::model::translation::is_translation_id(&rev.doc_id) {
        return None;
    }
    let (interval, _) = review_rule(rev);
    state.last_reviewed.and_then(|d| interval.after(d))
}

/// One line per document.
pub fn status(ctx: &mut Context) -> Result<Vec<StatusRow>> {
    let ws = ctx.workspace_opt()?;
    let day = ctx.today();
    let records = ctx.store()?.records()?;
    Ok(status_rows(ws.as_deref(), &records, day))
}

fn status_rows(ws: Option<&Workspace>, records: &Records, day: NaiveDate) -> Vec<StatusRow> {
    let control = Control::new(records);
    all_ids(ws, &control)
        .into_iter()
        .map(|id| {
            let state = control.state(&id, day);
            let working = ws.and_then(|w| w.working(&id));
            let latest = control.doc(&id).and_then(|d| d.revisions.last().copied());
            let title = working
                .as_ref()
                .map(|w| w.title.to_string())
                .or_else(|| latest.map(|r| r.title.clone()));
            let working_copy = match (&working, latest) {
                (None, _) => "no file".to_string(),
                (Some(_), None) => "never released".to_string(),
                (Some(w), Some(r)) if w.text == r.content => "unchanged".to_string(),
                (Some(_), Some(r)) => format!("changed since rev {}", r.number),
            };
            let word = if state.retired.is_some() {
                DocStateWord::Obsolete
            } else if state.effective.is_some() {
                DocStateWord::Effective
            } else if state.scheduled.is_some() {
                DocStateWord::Scheduled
            } else if state.in_review.is_some() {
                DocStateWord::InReview
            } else {
                DocStateWord::Draft
            };
            StatusRow {
                title,
                state: word,
                effective_revision: state.effective.map(|(r, _)| r.number),
                effective_since: state.effective.map(|(_, d)| d),
                scheduled_revision: state.scheduled.map(|(r, _)| r.number),
                scheduled_from: state.scheduled.map(|(_, d)| d),
                in_review: state.in_review.as_ref().map(change_name),
                approvals: state
                    .in_review
                    .as_ref()
                    .map(|c| format!("{}/{}", c.approvals.len(), c.row.required)),
                obsolete_since: state.retired,
                working_copy,
                next_review: next_review(&state),
                id,
            }
        })
        .collect()
}

/// A document due for its periodic review.
#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    pub id: String,
    pub title: String,
    /// The role or person who owns it, "(no owner)" if none is known.
    pub owner: String,
    /// The owner's name from sopbook.toml.
    #[serde(skip)]
    pub owner_name: Option<String>,
    pub due: NaiveDate,
    /// Days from today; negative when overdue.
    pub days: i64,
    pub overdue: bool,
}

/// What is due before a horizon.
#[derive(Debug, Clone, Serialize)]
pub struct Due {
    pub horizon: NaiveDate,
    pub rows: Vec<DueRow>,
}

impl Due {
    pub fn overdue(&self) -> usize {
        self.rows.iter().filter(|r| r.overdue).count()
    }
}

/// Documents due or overdue for review within `within` ("30d", "6w", "2 months").
pub fn due(ctx: &mut Context, within: &str) -> Result<Due> {
    let day = ctx.today();
    let span = crate::model::Interval::parse_span(within).map_err(Error::invalid)?;
    let Some(horizon) = span.after(day) else {
        fail!(Invalid, "`{within}` reaches beyond the calendar");
    };
    let ws = ctx.workspace_opt()?;
    let records = ctx.store()?.records()?;
    let control = Control::new(&records);
    let mut rows = Vec::new();
    for id in all_ids(ws.as_deref(), &control) {
        // A translation is reviewed with its source: a substantive source
        // revision makes it stale (`sopbook translations`).
        if crate::model::translation::is_translation_id(&id) {
            continue;
        }
        let state = control.state(&id, day);
        let Some(next) = next_review(&state) else {
            continue;
        };
        let Some((rev, _)) = state.effective else {
            continue;
        };
        if next > horizon {
            continue;
        }
        let (_, owner) = review_rule(rev);
        // A checklist is looked after by the owner of the procedure it implements.
        let owner = owner.or_else(|| {
            let ws = ws.as_deref()?;
            let sop = ws.checklist(&id)?.sop.as_deref()?;
            ws.sop(sop).map(|s| s.owner.clone())
        });
        let owner = owner.unwrap_or_else(|| "(no owner)".into());
        let owner_name = ws.as_deref().and_then(|ws| {
            ws.config
                .role(&owner)
                .map(|x| x.name.clone())
                .or_else(|| ws.config.person(&owner).map(|p| p.name.clone()))
        });
        let days = (next - day).num_days();
        rows.push(DueRow {
            id,
            title: rev.title.clone(),
            owner,
            owner_name,
            due: next,
            days,
            overdue: days < 0,
        });
    }
    rows.sort_by(|a, b| (&a.owner, a.due).cmp(&(&b.owner, b.due)));
    Ok(Due { horizon, rows })
}

/// A signature as history shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    pub signer: String,
    pub meaning: Meaning,
    #[serde(with = "crate::model::records::stamp")]
    pub at: DateTime<Utc>,
    pub note: String,
    pub content_hash: String,
}

/// How a request ended, or that it is still open.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state")]
pub enum ChangeStatus {
    #[serde(rename = "in review")]
    InReview { approvals: usize, required: i64 },
    #[serde(rename = "approved")]
    Approved { effective: NaiveDate },
    #[serde(rename = "rejected")]
    Rejected { by: String, reason: String },
}

/// One release or retirement request in a document's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub kind: ChangeKind,
    pub revision: Option<i64>,
    pub summary: String,
    pub minor: bool,
    pub requested_by: String,
    #[serde(with = "crate::model::records::stamp")]
    pub at: DateTime<Utc>,
    pub content_hash: Option<String>,
    pub status: ChangeStatus,
    pub signatures: Vec<SignatureView>,
    /// This revision is in force today.
    #[serde(skip)]
    pub in_force: bool,
    /// The reason of a retirement, to leave out of its signature's note.
    #[serde(skip)]
    pub reason: String,
}

/// A periodic review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub by: String,
    #[serde(with = "crate::model::records::stamp")]
    pub at: DateTime<Utc>,
    pub note: String,
    pub revision_id: Option<i64>,
}

/// Everything recorded about a document.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub id: String,
    #[serde(skip)]
    pub title: String,
    #[serde(skip)]
    pub today: NaiveDate,
    pub changes: Vec<HistoryEntry>,
    pub periodic_reviews: Vec<ReviewView>,
    /// History kept by hand before the document came under sopbook (the
    /// section `sopbook adopt` writes), from its first revision's text, or
    /// the working file's while it has none. Text, not records.
    pub before_sopbook: Vec<crate::adopt::body::HistoryRow>,
}

fn never_released(ws: Option<&Workspace>, id: &str, what: &str) -> Error {
    match ws.and_then(|w| w.working(id)) {
        Some(w) => Error::conflict(format!(
            "{id} has never been released{}",
            if what.is_empty() {
                format!("; its working file is {}", w.path)
            } else {
                what.to_string()
            }
        )),
        None => unknown_document(ws, id),
    }
}

/// The revisions of a document with their signatures and periodic reviews.
pub fn history(ctx: &mut Context, id: &str) -> Result<History> {
    let (day, ws, records) = ctx.doc_records(id)?;
    let control = Control::new(&records);
    let first_text = records
        .revisions
        .iter()
        .filter(|r| r.doc_id == id)
        .min_by_key(|r| r.number)
        .map(|r| r.content.clone());
    let before_sopbook = match (&first_text, ws.as_deref().and_then(|w| w.sop(id))) {
        (Some(text), _) => crate::adopt::body::before_sopbook(text),
        (None, Some(sop)) => crate::adopt::body::before_sopbook(&sop.body),
        (None, None) => Vec::new(),
    };
    let Some(doc) = control.doc(id) else {
        if !before_sopbook.is_empty()
            && let Some(sop) = ws.as_deref().and_then(|w| w.sop(id))
        {
            return Ok(History {
                id: id.to_string(),
                title: sop.title.clone(),
                today: day,
                changes: Vec::new(),
                periodic_reviews: Vec::new(),
                before_sopbook,
            });
        }
        return Err(match ws.as_deref().and_then(|w| w.working(id)) {
            Some(_) => Error::conflict(format!(
                "{id} has no history yet: it has never been released"
            )),
            None => unknown_document(ws.as_deref(), id),
        });
    };
    let current = control.state(id, day).effective.map(|(r, _)| r.number);
    let changes = doc
        .changes
        .iter()
        .map(|c| {
            let signatures = records
                .signatures
                .iter()
                .filter(|s| s.change_id == Some(c.row.id))
                .map(|s| SignatureView {
                    signer: s.signer.clone(),
                    meaning: s.meaning,
                    at: s.signed_at,
                    note: s.note.clone(),
                    content_hash: s.content_hash.clone(),
                })
                .collect();
            let status = match &c.status {
                Status::InReview => ChangeStatus::InReview {
                    approvals: c.approvals.len(),
                    required: c.row.required,
                },
                Status::Approved { effective, .. } => ChangeStatus::Approved {
                    effective: *effective,
                },
                Status::Rejected { by, reason, .. } => ChangeStatus::Rejected {
                    by: by.clone(),
                    reason: reason.clone(),
                },
            };
            HistoryEntry {
                kind: c.row.kind,
                revision: c.revision.map(|r| r.number),
                summary: c
                    .revision
                    .map_or(c.row.reason.clone(), |r| r.summary.clone()),
                minor: c.revision.is_some_and(|r| r.minor),
                requested_by: c.row.requested_by.clone(),
                at: c.row.created_at,
                content_hash: c.revision.map(|r| r.content_hash.clone()),
                status,
                signatures,
                in_force: c.is_release() && c.revision.map(|r| r.number) == current,
                reason: c.row.reason.clone(),
            }
        })
        .collect();
    let periodic_reviews = doc
        .reviews
        .iter()
        .map(|s| ReviewView {
            by: s.signer.clone(),
            at: s.signed_at,
            note: s.note.clone(),
            revision_id: s.revision_id,
        })
        .collect();
    Ok(History {
        id: id.to_string(),
        title: doc
            .revisions
            .last()
            .map_or(String::new(), |r| r.title.clone()),
        today: day,
        changes,
        periodic_reviews,
        before_sopbook,
    })
}

/// A released revision, exactly as its file was.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub id: String,
    pub revision: i64,
    pub title: String,
    pub path: String,
    pub summary: String,
    pub author: String,
    #[serde(with = "crate::model::records::stamp")]
    pub released_at: DateTime<Utc>,
    pub content_hash: String,
    pub content: String,
}

fn revision<'r>(records: &'r Records, id: &str, n: i64) -> Result<&'r RevisionRow> {
    if let Some(r) = records
        .revisions
        .iter()
        .find(|r| r.doc_id == id && r.number == n)
    {
        return Ok(r);
    }
    let last = records
        .revisions
        .iter()
        .filter(|r| r.doc_id == id)
        .map(|r| r.number)
        .max();
    Err(match last {
        Some(l) => Error::not_found(format!(
            "{id} has no revision {n}; its revisions are 1 to {l}"
        )),
        None => Error::not_found(format!("{id} has no revisions")),
    })
}

/// Revision `rev` of a document, or the one in force today.
pub fn show(ctx: &mut Context, id: &str, rev: Option<i64>) -> Result<Shown> {
    let (today, ws, records) = ctx.doc_records(id)?;
    let control = Control::new(&records);
    if control.doc(id).is_none() {
        return Err(never_released(ws.as_deref(), id, ""));
    }
    let rev = match rev {
        Some(n) => revision(&records, id, n)?,
        None => match control.state(id, today).effective {
            Some((r, _)) => r,
            None => fail!(
                Conflict,
                "{id} has no revision in force today; pass --rev N"
            ),
        },
    };
    Ok(Shown {
        id: rev.doc_id.clone(),
        revision: rev.number,
        title: rev.title.clone(),
        path: rev.path.clone(),
        summary: rev.summary.clone(),
        author: rev.author.clone(),
        released_at: rev.created_at,
        content_hash: rev.content_hash.clone(),
        content: rev.content.clone(),
    })
}

/// Two texts to compare, with their labels.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    pub old_label: String,
    pub new_label: String,
    pub old: String,
    pub new: String,
}

/// What to compare: two revisions, or a revision and the working file.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffInput {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub working: bool,
}

/// The texts of two revisions, or of a revision and the working file.
pub fn compare(ctx: &mut Context, id: &str, input: DiffInput) -> Result<Compared> {
    let (today, ws, records) = ctx.doc_records(id)?;
    let Some(latest) = records.revisions.iter().map(|r| r.number).max() else {
        return Err(never_released(
            ws.as_deref(),
            id,
            ", so there is nothing to compare",
        ));
    };
    if input.working {
        let Some(doc) = ws.as_deref().and_then(|w| w.working(id)) else {
            fail!(NotFound, "{id} has no working file any more");
        };
        let from = match input.from {
            Some(n) => n,
            None => Control::new(&records)
                .state(id, today)
                .effective
                .map_or(latest, |(r, _)| r.number),
        };
        let old = revision(&records, id, from)?;
        return Ok(Compared {
            old_label: rev_name(old),
            new_label: format!("{} (working copy)", doc.path),
            old: old.content.clone(),
            new: doc.text.to_string(),
        });
    }
    let to = input.to.unwrap_or(latest);
    let from = input.from.unwrap_or(to - 1);
    if from < 1 {
        fail!(
            Invalid,
            "{id} rev {to} is the first revision; compare it with --working, or pass --from and --to"
        );
    }
    let (old, new) = (revision(&records, id, from)?, revision(&records, id, to)?);
    Ok(Compared {
        old_label: rev_name(old),
        new_label: rev_name(new),
        old: old.content.clone(),
        new: new.content.clone(),
    })
}

/// What changed from one revision of a document to another, as the hunks
/// of `sopbook diff ID --from N --to M`.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    pub old_label: String,
    pub new_label: String,
    pub hunks: Vec<crate::render::diff::Hunk>,
    /// Lines added and removed.
    pub added: usize,
    pub removed: usize,
}

/// The changes from revision `from` to revision `to` of `id`.
pub fn changes(ctx: &mut Context, id: &str, from: i64, to: i64) -> Result<Changes> {
    let c = compare(
        ctx,
        id,
        DiffInput {
            from: Some(from),
            to: Some(to),
            working: false,
        },
    )?;
    let (added, removed) = crate::render::diff::stat(&c.old, &c.new);
    Ok(Changes {
        hunks: crate::render::diff::hunks(&c.old, &c.new),
        old_label: c.old_label,
        new_label: c.new_label,
        added,
        removed,
    })
}
