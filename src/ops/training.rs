//! Training records: what each person must have read and understood (the
//! documents in force whose roles meet theirs), the state of each for them,
//! and `ack`, the signature that records it.
//!
//! A read-and-understood record binds to one revision's content hash. It
//! stays valid across `--minor` revisions and lapses when a substantive
//! revision takes effect; the person is due again from that day.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::{Context, people_hint, unknown_document};
use crate::error::{Error, Result};
use crate::model::control::{Control, Status};
use crate::model::records::DocKind;
use crate::model::{Person, ReadingPathSlot};
use crate::store::{AcknowledgementRow, Batch, Insert, Records, RevisionRow};
use crate::workspace::{Workspace, parse_snapshot_checklist, parse_snapshot_sop};

/// Where a person stands with one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Read and understood at the revision in force, or at an earlier one
    /// when every revision since was editorial (`--minor`).
    Current,
    /// Read an earlier revision; a substantive one has taken effect since.
    Outdated,
    /// Never read and understood.
    Missing,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Current => "current",
            State::Outdated => "outdated",
            State::Missing => "missing",
        }
    }
}

/// A revision that took effect: which, when, and what it changed.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    pub revision: i64,
    pub effective: NaiveDate,
    pub summary: String,
}

/// One document a person must read, and their state with it.
#[derive(Debug, Clone, Serialize)]
pub struct Required {
    pub person: String,
    pub doc_id: String,
    pub kind: DocKind,
    pub title: String,
    /// The revision in force.
    pub revision: i64,
    pub state: State,
    /// The revision the person last read and understood, if any.
    pub acknowledged_revision: Option<i64>,
    pub acknowledged_on: Option<NaiveDate>,
    /// The substantive revision that made an earlier reading lapse.
    pub changed: Option<Changed>,
    /// The day the person became due to read the document at this
    /// revision (for a current one: the day it was due).
    pub due_since: NaiveDate,
    /// The document's place in the person's reading path, if it has one.
    pub reading_order: Option<u32>,
}

/// The documents in force on `today`, each with its history of revisions
/// that took effect (oldest first) and the roles it is for.
struct InForce<'r> {
    doc_id: String,
    kind: DocKind,
    title: String,
    /// The revision in force.
    rev: &'r RevisionRow,
    /// (revision, effective date), oldest first; the last is in force.
    history: Vec<(&'r RevisionRow, NaiveDate)>,
    roles: Vec<String>,
    reading_path: Vec<ReadingPathSlot>,
}

fn in_force<'r>(records: &'r Records, today: NaiveDate) -> Vec<InForce<'r>> {
    let control = Control::new(records);
    let mut docs = Vec::new();
    // The SOPs as in force, for the roles of checklists that take theirs.
    let mut sops = std::collections::BTreeMap::new();
    for id in control.ids() {
        let state = control.state(id, today);
        let Some((rev, _)) = state.effective else {
            continue;
        };
        if state.retired.is_some() {
            continue;
        }
        let Some(doc) = control.doc(id) else { continue };
        let mut history: Vec<(&RevisionRow, NaiveDate)> = doc
            .changes
            .iter()
            .filter_map(|c| match (&c.status, c.revision) {
                (Status::Approved { effective, .. }, Some(r))
                    if c.is_release() && *effective <= today && r.number <= rev.number =>
                {
                    Some((r, *effective))
                }
                _ => None,
            })
            .collect();
        history.sort_by_key(|(r, _)| r.number);
        if rev.kind == DocKind::Sop
            && let Some(sop) = parse_snapshot_sop(&rev.path, &rev.content)
        {
            sops.insert(id.to_string(), sop);
        }
        docs.push(InForce {
            doc_id: id.to_string(),
            kind: rev.kind,
            title: rev.title.clone(),
            rev,
            history,
            roles: Vec::new(),
            reading_path: Vec::new(),
        });
    }
    for d in &mut docs {
        let rev = d.rev;
        match d.kind {
            DocKind::Sop => {
                if let Some(sop) = sops.get(&d.doc_id) {
                    d.roles = sop.roles.clone();
                    d.reading_path = sop.reading_path.clone();
                }
            }
            DocKind::Checklist => {
                if let Some(cl) = parse_snapshot_checklist(&rev.path, &rev.content) {
                    let sop = cl.sop.as_deref().and_then(|s| sops.get(s));
                    d.roles = cl.inspector_roles(sop).to_vec();
                }
            }
        }
    }
    docs.sort_by(|a, b| crate::workspace::id_order(&a.doc_id, &b.doc_id));
    docs
}

/// `person`'s state with one document in force that is for their roles.
fn required_of(doc: &InForce<'_>, person: &Person, acks: &[AcknowledgementRow]) -> Required {
    let rev = doc.rev;
    let first_effective = doc
        .history
        .first()
        .map_or(rev.created_at.date_naive(), |h| h.1);
    let last = acks
        .iter()
        .filter(|a| {
            a.person == person.id && a.doc_id == doc.doc_id && a.revision_number <= rev.number
        })
        .max_by_key(|a| (a.revision_number, a.id));
    // The newest substantive revision after the one read, if any took effect.
    let lapsed_by = last.and_then(|a| {
        doc.history
            .iter()
            .rev()
            .find(|(r, _)| r.number > a.revision_number && !r.minor)
    });
    let (state, changed, due_since) = match (last, lapsed_by) {
        (None, _) => (State::Missing, None, first_effective),
        (Some(_), Some((r, on))) => (
            State::Outdated,
            Some(Changed {
                revision: r.number,
                effective: *on,
                summary: r.summary.clone(),
            }),
            *on,
        ),
        (Some(a), None) => {
            // Due from the revision read, or the substantive one before it.
            let due = doc
                .history
                .iter()
                .rev()
                .find(|(r, _)| r.number <= a.revision_number && !r.minor)
                .or(doc.history.first())
                .map_or(first_effective, |h| h.1);
            (State::Current, None, due)
        }
    };
    let reading_order = doc
        .reading_path
        .iter()
        .filter(|s| person.roles.contains(&s.role))
        .map(|s| s.order)
        .min();
    Required {
        person: person.id.clone(),
        doc_id: doc.doc_id.clone(),
        kind: doc.kind,
        title: doc.title.clone(),
        revision: rev.number,
        state,
        acknowledged_revision: last.map(|a| a.revision_number),
        acknowledged_on: last.map(|a| crate::model::control::local_date(a.acknowledged_at)),
        changed,
        due_since,
        reading_order,
    }
}

fn is_for(doc: &InForce<'_>, person: &Person) -> bool {
    person.roles.iter().any(|r| doc.roles.contains(r))
}

fn find_person(ctx: &mut Context, id: &str) -> Result<Person> {
    let people = ctx.people()?;
    people.iter().find(|p| p.id == id).cloned().ok_or_else(|| {
        Error::not_found(format!("`{id}` is not a person in sopbook.toml"))
            .with_hint(people_hint(&people))
    })
}

/// What one person must still read and understood, and how far they are.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingList {
    pub person: String,
    pub name: String,
    /// How many documents they must have read, and how many are current.
    pub required: usize,
    pub current: usize,
    /// The documents not current: reading path order first, then the
    /// oldest due first.
    pub to_read: Vec<Required>,
}

pub fn reading_list(ctx: &mut Context, person: &str) -> Result<ReadingList> {
    let person = find_person(ctx, person)?;
    let today = ctx.today();
    let store = ctx.store()?;
    let records = store.records()?;
    let acks = store.acknowledgements()?;
    let all: Vec<Required> = in_force(&records, today)
        .iter()
        .filter(|d| is_for(d, &person))
        .map(|d| required_of(d, &person, &acks))
        .collect();
    let current = all.iter().filter(|r| r.state == State::Current).count();
    let mut to_read: Vec<Required> = all
        .iter()
        .filter(|r| r.state != State::Current)
        .cloned()
        .collect();
    to_read.sort_by(|a, b| {
        (a.reading_order.is_none(), a.reading_order, a.due_since)
            .cmp(&(b.reading_order.is_none(), b.reading_order, b.due_since))
            .then_with(|| crate::workspace::id_order(&a.doc_id, &b.doc_id))
    });
    Ok(ReadingList {
        person: person.id.clone(),
        name: person.name.clone(),
        required: all.len(),
        current,
        to_read,
    })
}

/// Which rows of the training matrix to show.
#[derive(Debug, Clone, Default)]
pub struct MatrixFilter<'a> {
    pub person: Option<&'a str>,
    pub role: Option<&'a str>,
    pub document: Option<&'a str>,
}

/// One person's compliance: how many of the documents they must read are current.
#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    pub person: String,
    pub name: String,
    pub current: usize,
    pub required: usize,
}

/// Everyone's training: one row per person and document they must read,
/// then each person's compliance.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub rows: Vec<Required>,
    pub compliance: Vec<Compliance>,
}

pub fn matrix(ctx: &mut Context, filter: MatrixFilter<'_>) -> Result<Matrix> {
    let mut people = ctx.people()?;
    if let Some(p) = filter.person {
        if !people.iter().any(|x| x.id == p) {
            return Err(
                Error::not_found(format!("`{p}` is not a person in sopbook.toml"))
                    .with_hint(people_hint(&people)),
            );
        }
        people.retain(|x| x.id == p);
    }
    if let Some(role) = filter.role {
        people.retain(|x| x.roles.iter().any(|r| r == role));
        if people.is_empty() {
            return Err(Error::not_found(format!(
                "nobody in sopbook.toml holds the role `{role}`"
            ))
            .with_hint("`sopbook people` lists who holds which role"));
        }
    }
    let today = ctx.today();
    let store = ctx.store()?;
    let records = store.records()?;
    let acks = store.acknowledgements()?;
    let mut docs = in_force(&records, today);
    if let Some(id) = filter.document {
        if !docs.iter().any(|d| d.doc_id == id) {
            let ws = ctx.workspace_opt()?;
            if ws.as_deref().is_some_and(|w| w.working(id).is_some()) {
                return Err(Error::invalid(format!(
                    "{id} is not in force today, so nobody has to read it"
                ))
                .with_hint("`sopbook status` shows what is in force"));
            }
            return Err(unknown_document(ws.as_deref(), id));
        }
        docs.retain(|d| d.doc_id == id);
    }
    let mut rows = Vec::new();
    let mut compliance = Vec::new();
    for p in &people {
        let mine: Vec<Required> = docs
            .iter()
            .filter(|d| is_for(d, p))
            .map(|d| required_of(d, p, &acks))
            .collect();
        compliance.push(Compliance {
            person: p.id.clone(),
            name: p.name.clone(),
            current: mine.iter().filter(|r| r.state == State::Current).count(),
            required: mine.len(),
        });
        rows.extend(mine);
    }
    Ok(Matrix { rows, compliance })
}

/// What `ack` did.
#[derive(Debug, Clone, Serialize)]
pub struct Acknowledged {
    pub person: String,
    pub doc_id: String,
    pub title: String,
    pub revision: i64,
    /// False when the person had already read and understood this
    /// revision: nothing was written.
    pub recorded: bool,
}

/// Records that `actor` read and understood the revision of `id` in force,
/// signed with their password.
pub fn ack(ctx: &mut Context, id: &str, actor: &str) -> Result<Acknowledged> {
    let record = format!("{id} read and understood");
    let person = ctx.person(actor, &record, "read-and-understood")?;
    let today = ctx.today();
    let ws: Option<std::sync::Arc<Workspace>> = ctx.workspace_opt()?;
    let store = ctx.store()?;
    let records = store.records()?;
    let acks = store.acknowledgements()?;
    let docs = in_force(&records, today);
    let Some(doc) = docs.iter().find(|d| d.doc_id == id) else {
        if records.revisions.iter().any(|r| r.doc_id == id)
            || ws.as_deref().is_some_and(|w| w.working(id).is_some())
        {
            return Err(Error::invalid(format!(
                "{id} is not in force today, so nobody signs that they read it; nothing was signed"
            ))
            .with_hint("`sopbook status` shows what is in force"));
        }
        return Err(unknown_document(ws.as_deref(), id));
    };
    let rev = doc.rev;
    if !is_for(doc, &person) {
        return Err(Error::invalid(format!(
            "{id} is not for {}'s roles ({}): it is for {}; nothing was signed",
            person.id,
            person.roles.join(", "),
            if doc.roles.is_empty() {
                "no role".to_string()
            } else {
                doc.roles.join(", ")
            }
        ))
        .with_hint(format!(
            "`sopbook reading-list --as {}` shows what {} must read",
            person.id, person.id
        )));
    }
    let already = acks
        .iter()
        .any(|a| a.person == person.id && a.doc_id == id && a.revision_number == rev.number);
    let done = Acknowledged {
        person: person.id.clone(),
        doc_id: id.to_string(),
        title: rev.title.clone(),
        revision: rev.number,
        recorded: !already,
    };
    if already {
        return Ok(done);
    }
    let record = format!("{id} rev {} read and understood", rev.number);
    ctx.check_password(&person, &record, "read-and-understood")?;
    let row = AcknowledgementRow {
        id: 0,
        person: person.id.clone(),
        doc_id: id.to_string(),
        revision_id: rev.id,
        revision_number: rev.number,
        content_hash: rev.content_hash.clone(),
        acknowledged_at: ctx.now(),
        event_seq: 0,
    };
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "read and understood".into(),
        record,
        note: json!({ "revision": rev.number, "content_hash": rev.content_hash }),
        inserts: vec![Insert::Acknowledgement(row)],
    })?;
    Ok(done)
}
