//! Training records: what each person must have read and understood (the
//! documents in force whose roles meet theirs), the state of each for them,
//! and `ack`, the signature that records it.
//!
//! A read-and-understood record binds to one revision's content hash. It
//! stays valid across `--minor` revisions and lapses when a substantive
//! revision takes effect; the person is due again from that day.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::{Context, people_hint, unknown_document};
use crate::error::{Error, Result};
use crate::model::control::{Control, Status};
use crate::model::records::DocKind;
use crate::model::{Person, ReadingPathSlot, TextFacts};
use crate::store::{AcknowledgementRow, Batch, Insert, KeptFacts, Records, RevisionRow, Store};
use crate::workspace::{Workspace, text_facts};

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
    /// The manual section the document sits in (a checklist: its SOP's).
    pub section: Option<String>,
    /// Why it is on the person's reading list: new to them, or changed
    /// since they read it (a current one: `none`).
    pub reason: Reason,
    /// For a changed one: the revisions to compare to see what changed,
    /// from the one the person read to the one in force.
    pub diff: Option<DiffRange>,
    /// The words to read, and the minutes that takes at
    /// [`crate::model::WORDS_PER_MINUTE`] words a minute, rounded up.
    pub words: usize,
    pub reading_minutes: u32,
    /// Days since the person became due (negative before their first day);
    /// for a current one, none.
    pub days_due: Option<i64>,
}

/// Why a document is on someone's reading list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Read and understood at the revision in force (or an editorial one since).
    None,
    /// Never read by them.
    New,
    /// Read at an earlier revision; a substantive revision changed it since.
    Changed,
}

/// Two revisions of a document to compare (`sopbook diff ID --from A --to B`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DiffRange {
    pub from: i64,
    pub to: i64,
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
    section: Option<String>,
    words: usize,
}

fn in_force<'r>(
    records: &'r Records,
    today: NaiveDate,
    store: &mut dyn Store,
) -> Result<Vec<InForce<'r>>> {
    let control = Control::new(records);
    let mut docs = Vec::new();
    // The SOPs as in force, for the roles of checklists that take theirs.
    let mut sops = std::collections::BTreeMap::new();
    for id in control.source_ids() {
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
        docs.push(InForce {
            doc_id: id.to_string(),
            kind: rev.kind,
            title: rev.title.clone(),
            rev,
            history,
            roles: Vec::new(),
            reading_path: Vec::new(),
            section: None,
            words: 0,
        });
    }
    // What each text in force says: kept at release, else read and parsed.
    let revs: Vec<&RevisionRow> = docs.iter().map(|d| d.rev).collect();
    let mut facts = facts_of(store, &revs)?;
    for d in &docs {
        if d.kind == DocKind::Sop
            && let Some(f) = facts.get(&d.rev.id)
        {
            sops.insert(d.doc_id.clone(), f.clone());
        }
    }
    for d in &mut docs {
        let Some(f) = facts.remove(&d.rev.id).filter(|f| f.parsed) else {
            continue;
        };
        match d.kind {
            DocKind::Sop => {
                d.section = f.section;
                d.roles = f.roles;
                d.reading_path = f.reading_path;
            }
            DocKind::Checklist => {
                let sop = f
                    .sop
                    .as_deref()
                    .and_then(|s| sops.get(s))
                    .filter(|s| s.parsed);
                d.roles = if f.roles.is_empty() {
                    sop.map(|s| s.roles.clone()).unwrap_or_default()
                } else {
                    f.roles
                };
                d.section = sop.and_then(|s| s.section.clone());
            }
        }
        d.words = f.words;
    }
    docs.sort_by(|a, b| crate::workspace::id_order(&a.doc_id, &b.doc_id));
    Ok(docs)
}

/// What the texts of `revs` say (by revision id): the facts kept at release,
/// else each text read and parsed.
fn facts_of(store: &mut dyn Store, revs: &[&RevisionRow]) -> Result<HashMap<i64, TextFacts>> {
    let ids: Vec<i64> = revs.iter().map(|r| r.id).collect();
    let mut facts: HashMap<i64, TextFacts> = HashMap::with_capacity(ids.len());
    for kept in store.text_facts(&ids)? {
        // Facts that do not read back are derived again from the text.
        if let Ok(f) = serde_json::from_str(&kept.facts) {
            facts.insert(kept.revision_id, f);
        }
    }
    let missing: Vec<i64> = revs
        .iter()
        .filter(|r| !facts.contains_key(&r.id) && r.content.is_empty())
        .map(|r| r.id)
        .collect();
    let texts: HashMap<i64, String> = if missing.is_empty() {
        HashMap::new()
    } else {
        store.revision_contents(&missing)?.into_iter().collect()
    };
    for r in revs {
        if facts.contains_key(&r.id) {
            continue;
        }
        let text = texts.get(&r.id).map_or(r.content.as_str(), String::as_str);
        facts.insert(r.id, text_facts(r.kind, &r.path, text));
    }
    Ok(facts)
}

/// Keeps what training needs of newly released texts beside them. They
/// are derived from the texts, which are the records: when they cannot be
/// kept, training reads the texts instead, so a failure here is no failure
/// of the release.
pub fn keep_facts(ctx: &mut Context, facts: &[(i64, String, TextFacts)]) {
    let rows: Vec<KeptFacts> = facts
        .iter()
        .filter_map(|(id, doc_id, f)| kept(*id, doc_id, f))
        .collect();
    if let Ok(store) = ctx.store() {
        let _ = store.keep_text_facts(&rows);
    }
}

/// A quick hash of the readings' keys: ids from sopbook.toml and the
/// records, in a map that lives for one call; no one who could choose them
/// to collide gains anything by it.
#[derive(Default)]
struct QuickHash(u64);

impl std::hash::Hasher for QuickHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

type ByReader<'a> = HashMap<
    (&'a str, &'a str),
    Vec<&'a AcknowledgementRow>,
    std::hash::BuildHasherDefault<QuickHash>,
>;

/// What the store keeps of revision `id` of `doc_id` whose text says `f`.
pub fn kept(id: i64, doc_id: &str, f: &TextFacts) -> Option<KeptFacts> {
    Some(KeptFacts {
        revision_id: id,
        doc_id: doc_id.to_string(),
        roles: roles_key(f),
        facts: serde_json::to_string(f).ok()?,
    })
}

/// The roles of `f` as the store looks them up: `|role|role|`, or `*` for a
/// checklist that takes its procedure's roles.
fn roles_key(f: &TextFacts) -> String {
    if f.parsed && f.roles.is_empty() && f.sop.is_some() {
        return "*".to_string();
    }
    f.roles.iter().fold("|".to_string(), |key, r| key + r + "|")
}

/// The read-and-understood records by person and document.
struct Readings<'a>(ByReader<'a>);

impl<'a> Readings<'a> {
    fn new(acks: &'a [AcknowledgementRow]) -> Self {
        let mut by = ByReader::with_capacity_and_hasher(acks.len(), Default::default());
        for a in acks {
            by.entry((a.person.as_str(), a.doc_id.as_str()))
                .or_default()
                .push(a);
        }
        Readings(by)
    }

    /// The person's newest reading of the document at `revision` or before.
    fn last(&self, person: &str, doc: &str, revision: i64) -> Option<&'a AcknowledgementRow> {
        self.0
            .get(&(person, doc))?
            .iter()
            .copied()
            .filter(|a| a.revision_number <= revision)
            .max_by_key(|a| (a.revision_number, a.id))
    }
}

/// Where `person` stands with one document in force: the state, their
/// newest reading of it, and the substantive revision that took effect
/// after that reading, if one did.
fn standing<'a, 'r>(
    doc: &'a InForce<'r>,
    person: &Person,
    readings: &Readings<'a>,
) -> (
    State,
    Option<&'a AcknowledgementRow>,
    Option<&'a (&'r RevisionRow, NaiveDate)>,
) {
    let last = readings.last(&person.id, &doc.doc_id, doc.rev.number);
    // The newest substantive revision after the one read, if any took effect.
    let lapsed_by = last.and_then(|a| {
        doc.history
            .iter()
            .rev()
            .find(|(r, _)| r.number > a.revision_number && !r.minor)
    });
    let state = match (last, lapsed_by) {
        (None, _) => State::Missing,
        (Some(_), Some(_)) => State::Outdated,
        (Some(_), None) => State::Current,
    };
    (state, last, lapsed_by)
}

/// `person`'s state with one document in force that is for their roles.
fn required_of(
    doc: &InForce<'_>,
    person: &Person,
    readings: &Readings<'_>,
    today: NaiveDate,
) -> Required {
    let rev = doc.rev;
    let first_effective = doc
        .history
        .first()
        .map_or(rev.created_at.date_naive(), |h| h.1);
    let (state, last, lapsed_by) = standing(doc, person, readings);
    let (changed, due_since) = match (last, lapsed_by) {
        (None, _) => (None, first_effective),
        (Some(_), Some((r, on))) => (
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
            (None, due)
        }
    };
    // Nothing is due before the person's first day.
    let due_since = person.start.map_or(due_since, |s| s.max(due_since));
    let reading_order = doc
        .reading_path
        .iter()
        .filter(|s| person.roles.contains(&s.role))
        .map(|s| s.order)
        .min();
    let (reason, diff) = match (state, last) {
        (State::Current, _) => (Reason::None, None),
        (State::Missing, _) | (State::Outdated, None) => (Reason::New, None),
        (State::Outdated, Some(a)) => (
            Reason::Changed,
            Some(DiffRange {
                from: a.revision_number,
                to: rev.number,
            }),
        ),
    };
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
        section: doc.section.clone(),
        reason,
        diff,
        words: doc.words,
        reading_minutes: crate::model::reading_minutes(doc.words),
        days_due: (state != State::Current).then(|| (today - due_since).num_days()),
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

/// The error for someone who has left: they have nothing more to read.
fn left(person: &Person, what: &str) -> Error {
    Error::invalid(format!(
        "{} ({}) left on {}: {what}",
        person.name,
        person.id,
        person.until.map(|d| d.to_string()).unwrap_or_default()
    ))
    .with_hint(
        "their read-and-understood records stay (`sopbook audit log` lists them); `until` in sopbook.toml is their last day",
    )
}

/// What one person must still read and understood, and how far they are.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingList {
    pub person: String,
    pub name: String,
    /// How many documents they must have read, and how many are current.
    pub required: usize,
    pub current: usize,
    /// The minutes it takes to read what is left, in all.
    pub reading_minutes: u32,
    /// The documents not current: reading path order first, then the
    /// oldest due first.
    pub to_read: Vec<Required>,
}

pub fn reading_list(ctx: &mut Context, person: &str) -> Result<ReadingList> {
    let person = find_person(ctx, person)?;
    if person.left_by(ctx.today()) {
        return Err(left(&person, "they have nothing more to read"));
    }
    list_of(ctx, &person)
}

fn list_of(ctx: &mut Context, person: &Person) -> Result<ReadingList> {
    let today = ctx.today();
    let store = ctx.store()?;
    // Only the documents whose revisions name one of the person's roles.
    let records = match store.docs_for_roles(&person.roles)? {
        Some(docs) => store.records_outline_of(&docs)?,
        None => store.records_outline()?,
    };
    let acks = store.acknowledgements_of(&person.id)?;
    let readings = Readings::new(&acks);
    let docs = in_force(&records, today, ctx.store()?)?;
    let all: Vec<Required> = docs
        .iter()
        .filter(|d| is_for(d, person))
        .map(|d| required_of(d, person, &readings, today))
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
        reading_minutes: to_read.iter().map(|r| r.reading_minutes).sum(),
        to_read,
    })
}

/// Which rows of the training matrix to show.
#[derive(Debug, Clone, Default)]
pub struct MatrixFilter<'a> {
    pub person: Option<&'a str>,
    pub role: Option<&'a str>,
    pub document: Option<&'a str>,
    /// Only the documents of this manual section.
    pub section: Option<&'a str>,
    /// Only the rows due for more than this many days and not current
    /// (compliance still counts every row of the selection).
    pub overdue: Option<u32>,
    /// Only the compliance: no rows but, with `overdue`, those found.
    pub compliance_only: bool,
}

/// One person's compliance: how many of the documents they must read are current.
#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    pub person: String,
    pub name: String,
    pub current: usize,
    pub required: usize,
    /// `current` of `required` in whole percent, rounded down; none when
    /// nothing is required.
    pub percent: Option<u32>,
}

/// The compliance of a group (a role, a section): of the documents its
/// people must read, how many readings are current.
#[derive(Debug, Clone, Serialize)]
pub struct GroupCompliance {
    pub id: String,
    pub name: String,
    pub current: usize,
    pub required: usize,
    pub percent: Option<u32>,
}

fn percent(current: usize, required: usize) -> Option<u32> {
    (current * 100)
        .checked_div(required)
        .map(|p| u32::try_from(p).unwrap_or(100))
}

/// Everyone's training: one row per person and document they must read,
/// then each person's compliance.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub rows: Vec<Required>,
    pub compliance: Vec<Compliance>,
    /// Per role: the rows of the people who hold it, of the documents for it.
    pub by_role: Vec<GroupCompliance>,
    /// Per manual section: the rows of its documents.
    pub by_section: Vec<GroupCompliance>,
    /// With [`MatrixFilter::overdue`]: how many days, and the rows found.
    pub overdue: Option<u32>,
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
    let today = ctx.today();
    if let [p] = people.as_slice()
        && filter.person.is_some()
        && p.left_by(today)
    {
        return Err(left(p, "they are not in the training matrix"));
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
    // Leavers drop out of the matrix; their records stay.
    people.retain(|x| !x.left_by(today));
    // sopbook.toml alone (not every document) names the sections and roles.
    let config = ctx.config()?;
    let store = ctx.store()?;
    let records = store.records_outline()?;
    let acks = store.acknowledgements()?;
    let readings = Readings::new(&acks);
    let mut docs = in_force(&records, today, ctx.store()?)?;
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
    // Sections as the manual has them (from the records alone: those of
    // the documents in force).
    let sections: Vec<(String, String)> = if config.sections.is_empty() {
        let mut ids: Vec<String> = docs.iter().filter_map(|d| d.section.clone()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().map(|s| (s.clone(), s)).collect()
    } else {
        config
            .sections
            .iter()
            .map(|s| (s.id.clone(), s.title.clone()))
            .collect()
    };
    if let Some(section) = filter.section {
        if !sections.iter().any(|(id, _)| id == section) {
            let known: Vec<&str> = sections.iter().map(|(id, _)| id.as_str()).collect();
            return Err(
                Error::not_found(format!("the manual has no section `{section}`")).with_hint(
                    if known.is_empty() {
                        "no document in force sits in a section yet".to_string()
                    } else {
                        format!("the sections are {}", known.join(", "))
                    },
                ),
            );
        }
        docs.retain(|d| d.section.as_deref() == Some(section));
    }
    let roles: Vec<(String, String)> = if config.roles.is_empty() {
        let mut ids: Vec<String> = people.iter().flat_map(|p| p.roles.clone()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().map(|r| (r.clone(), r)).collect()
    } else {
        config
            .roles
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect()
    };
    // Roles and sections by number: every person is matched against every
    // document, so the comparisons are of small integers, not strings.
    let mut role_no: HashMap<&str, usize> = HashMap::new();
    for r in roles
        .iter()
        .map(|(id, _)| id.as_str())
        .chain(
            people
                .iter()
                .flat_map(|p| p.roles.iter().map(String::as_str)),
        )
        .chain(docs.iter().flat_map(|d| d.roles.iter().map(String::as_str)))
    {
        let next = role_no.len();
        role_no.entry(r).or_insert(next);
    }
    let numbers = |list: &[String]| -> Vec<usize> {
        let mut v: Vec<usize> = list
            .iter()
            .filter_map(|r| role_no.get(r.as_str()).copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let doc_roles: Vec<Vec<usize>> = docs.iter().map(|d| numbers(&d.roles)).collect();
    let doc_section: Vec<Option<usize>> = docs
        .iter()
        .map(|d| {
            d.section
                .as_deref()
                .and_then(|s| sections.iter().position(|(id, _)| id == s))
        })
        .collect();
    // (current, required) per role number and per section.
    let mut per_role = vec![(0usize, 0usize); role_no.len()];
    let mut per_section = vec![(0usize, 0usize); sections.len()];
    let mut rows = Vec::new();
    let mut compliance = Vec::new();
    for p in &people {
        let mine_roles = numbers(&p.roles);
        let (mut current, mut required) = (0, 0);
        for (k, d) in docs.iter().enumerate() {
            let shared: Vec<usize> = doc_roles[k]
                .iter()
                .copied()
                .filter(|r| mine_roles.binary_search(r).is_ok())
                .collect();
            if shared.is_empty() {
                continue;
            }
            let (state, _, _) = standing(d, p, &readings);
            let now = usize::from(state == State::Current);
            required += 1;
            current += now;
            for r in shared {
                per_role[r].0 += now;
                per_role[r].1 += 1;
            }
            if let Some(s) = doc_section[k] {
                per_section[s].0 += now;
                per_section[s].1 += 1;
            }
            // Only the compliance asked for: no rows, but those overdue.
            if !filter.compliance_only || (filter.overdue.is_some() && state != State::Current) {
                rows.push(required_of(d, p, &readings, today));
            }
        }
        // Asked about some documents, the people who need not read them are left out.
        if required == 0 && (filter.document.is_some() || filter.section.is_some()) {
            continue;
        }
        compliance.push(Compliance {
            person: p.id.clone(),
            name: p.name.clone(),
            current,
            required,
            percent: percent(current, required),
        });
    }
    let group = |id: &str, name: &str, (current, required): (usize, usize)| GroupCompliance {
        id: id.to_string(),
        name: name.to_string(),
        current,
        required,
        percent: percent(current, required),
    };
    let by_role: Vec<GroupCompliance> = roles
        .iter()
        .filter(|(role, _)| filter.role.is_none_or(|r| r == role))
        .filter_map(|(role, name)| {
            let counts = per_role[*role_no.get(role.as_str())?];
            Some(group(role, name, counts))
        })
        .filter(|g| g.required > 0)
        .collect();
    let by_section: Vec<GroupCompliance> = sections
        .iter()
        .zip(per_section)
        .map(|((id, title), counts)| group(id, title, counts))
        .filter(|g| g.required > 0)
        .collect();
    if let Some(days) = filter.overdue {
        rows.retain(|r| r.days_due.is_some_and(|d| d > i64::from(days)));
    }
    Ok(Matrix {
        rows,
        compliance,
        by_role,
        by_section,
        overdue: filter.overdue,
    })
}

/// Where a person stands with a document, in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Current,
    Outdated,
    Missing,
    /// Not for their roles.
    NotRequired,
}

/// One cell of the grid.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Cell {
    pub standing: Standing,
    /// The newest revision they read and understood, if they must read it.
    pub read_revision: Option<i64>,
}

/// A column of the grid: a document in force.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub doc_id: String,
    pub title: String,
    pub revision: i64,
}

/// A row of the grid: one person, a cell per column.
#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub person: String,
    pub name: String,
    pub current: usize,
    pub required: usize,
    pub cells: Vec<Cell>,
}

/// The training matrix as people x documents.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    pub documents: Vec<Column>,
    pub people: Vec<GridRow>,
}

/// The matrix of `filter` as a grid: a row per person of the selection, a
/// column per document in force that one of them must read (a document
/// nobody shown must read has no column), each cell current, outdated,
/// missing or not required.
pub fn grid(ctx: &mut Context, filter: MatrixFilter<'_>) -> Result<Grid> {
    let m = matrix(
        ctx,
        MatrixFilter {
            overdue: None,
            compliance_only: false,
            ..filter
        },
    )?;
    let mut documents: Vec<Column> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in &m.rows {
        if !seen.contains_key(r.doc_id.as_str()) {
            seen.insert(&r.doc_id, documents.len());
            documents.push(Column {
                doc_id: r.doc_id.clone(),
                title: r.title.clone(),
                revision: r.revision,
            });
        }
    }
    documents.sort_by(|a, b| crate::workspace::id_order(&a.doc_id, &b.doc_id));
    let column: HashMap<&str, usize> = documents
        .iter()
        .enumerate()
        .map(|(k, d)| (d.doc_id.as_str(), k))
        .collect();
    let blank = Cell {
        standing: Standing::NotRequired,
        read_revision: None,
    };
    let mut people: Vec<GridRow> = m
        .compliance
        .iter()
        .map(|c| GridRow {
            person: c.person.clone(),
            name: c.name.clone(),
            current: c.current,
            required: c.required,
            cells: vec![blank; documents.len()],
        })
        .collect();
    let row_of: HashMap<&str, usize> = m
        .compliance
        .iter()
        .enumerate()
        .map(|(k, c)| (c.person.as_str(), k))
        .collect();
    for r in &m.rows {
        if let (Some(&p), Some(&d)) = (row_of.get(r.person.as_str()), column.get(r.doc_id.as_str()))
        {
            people[p].cells[d] = Cell {
                standing: match r.state {
                    State::Current => Standing::Current,
                    State::Outdated => Standing::Outdated,
                    State::Missing => Standing::Missing,
                },
                read_revision: r.acknowledged_revision,
            };
        }
    }
    Ok(Grid { documents, people })
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
    if let Some((source, _)) = crate::model::translation::split_translation_id(id) {
        return Err(Error::invalid(format!(
            "{id} is a translation of {source}; a reading is signed for the document itself, in whichever language it was read"
        ))
        .with_hint(format!("`sopbook ack {source}`")));
    }
    let record = format!("{id} read and understood");
    let person = reader(ctx, actor, &record)?;
    let today = ctx.today();
    let ws: Option<std::sync::Arc<Workspace>> = ctx.workspace_opt()?;
    let store = ctx.store()?;
    let records = store.records_outline()?;
    let acks = store.acknowledgements_of(&person.id)?;
    let docs = in_force(&records, today, ctx.store()?)?;
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
    let row = ack_row(
        &person,
        id,
        rev.id,
        rev.number,
        &rev.content_hash,
        ctx.now(),
    );
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "read and understood".into(),
        record,
        note: json!({ "revision": rev.number, "content_hash": rev.content_hash }),
        inserts: vec![Insert::Acknowledgement(row)],
    })?;
    Ok(done)
}

/// The person signing a reading, refused (and the refusal recorded) when
/// unknown or gone ([`Context::person`]).
fn reader(ctx: &mut Context, actor: &str, record: &str) -> Result<Person> {
    ctx.person(actor, record, "read-and-understood")
}

fn ack_row(
    person: &Person,
    doc_id: &str,
    revision_id: i64,
    revision_number: i64,
    content_hash: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> AcknowledgementRow {
    AcknowledgementRow {
        id: 0,
        person: person.id.clone(),
        doc_id: doc_id.to_string(),
        revision_id,
        revision_number,
        content_hash: content_hash.to_string(),
        acknowledged_at: at,
        event_seq: 0,
    }
}

/// One document of a reading list as the person was shown it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub doc_id: String,
    pub revision: i64,
}

impl From<&Required> for Shown {
    fn from(r: &Required) -> Self {
        Shown {
            doc_id: r.doc_id.clone(),
            revision: r.revision,
        }
    }
}

/// What `ack_all_due` did.
#[derive(Debug, Clone, Serialize)]
pub struct AcknowledgedAll {
    pub person: String,
    /// One per document read and understood (none when nothing was due).
    pub acknowledged: Vec<Acknowledged>,
}

/// The reading list `actor` is about to sign with [`ack_all_due`]: like
/// [`reading_list`], but someone unknown or gone is a recorded refusal, as
/// for any signature.
pub fn due_to_sign(ctx: &mut Context, actor: &str) -> Result<ReadingList> {
    let person = reader(ctx, actor, "reading list read and understood")?;
    list_of(ctx, &person)
}

/// Records that `actor` read and understood every document on their
/// reading list, with one password: exactly the documents and revisions
/// they were `shown`. When the list changed since (a revision took effect,
/// someone signed elsewhere), nothing is signed. One audit event covers
/// the whole reading.
pub fn ack_all_due(ctx: &mut Context, actor: &str, shown: &[Shown]) -> Result<AcknowledgedAll> {
    let person = reader(ctx, actor, "reading list read and understood")?;
    let list = list_of(ctx, &person)?;
    let due: Vec<Shown> = list.to_read.iter().map(Shown::from).collect();
    if due != shown {
        return Err(Error::conflict(format!(
            "{}'s reading list changed since it was shown; nothing was signed",
            person.id
        ))
        .with_hint(format!(
            "look at it again: `sopbook reading-list --as {}`",
            person.id
        )));
    }
    if due.is_empty() {
        return Ok(AcknowledgedAll {
            person: person.id,
            acknowledged: Vec::new(),
        });
    }
    let named: Vec<String> = due
        .iter()
        .map(|d| format!("{} rev {}", d.doc_id, d.revision))
        .collect();
    let record = format!("read and understood: {}", named.join(", "));
    ctx.check_password(&person, &record, "read-and-understood")?;
    let today = ctx.today();
    let now = ctx.now();
    let records = ctx.store()?.records_outline()?;
    let docs = in_force(&records, today, ctx.store()?)?;
    let mut inserts = Vec::new();
    let mut note = Vec::new();
    let mut acknowledged = Vec::new();
    for r in &list.to_read {
        let Some(doc) = docs.iter().find(|d| d.doc_id == r.doc_id) else {
            continue;
        };
        let rev = doc.rev;
        inserts.push(Insert::Acknowledgement(ack_row(
            &person,
            &r.doc_id,
            rev.id,
            rev.number,
            &rev.content_hash,
            now,
        )));
        note.push(json!({ "document": r.doc_id, "revision": rev.number, "content_hash": rev.content_hash }));
        acknowledged.push(Acknowledged {
            person: person.id.clone(),
            doc_id: r.doc_id.clone(),
            title: rev.title.clone(),
            revision: rev.number,
            recorded: true,
        });
    }
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "read and understood".into(),
        record,
        note: json!({ "documents": note }),
        inserts,
    })?;
    Ok(AcknowledgedAll {
        person: person.id,
        acknowledged,
    })
}

/// The data of the manual's "Training status" chapter: the matrix of today
/// as compliance per role, section and person, and who has not read the
/// revision in force of each document; with a chart of compliance by role.
pub fn status_chapter(ctx: &mut Context) -> Result<crate::manual::content::TrainingStatus> {
    let today = ctx.today();
    let m = matrix(ctx, MatrixFilter::default())?;
    let people = ctx.people()?;
    let name_of = |id: &str| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let ids = |person: &str, state: State| {
        m.rows
            .iter()
            .filter(|r| r.person == person && r.state == state)
            .map(|r| r.doc_id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let persons: Vec<serde_json::Value> = m
        .compliance
        .iter()
        .map(|c| {
            json!({ "id": c.person, "name": c.name, "current": c.current, "required": c.required,
                    "percent": shown(c.percent), "outdated": ids(&c.person, State::Outdated),
                    "missing": ids(&c.person, State::Missing) })
        })
        .collect();
    // Per document, in id order: who has not read the revision in force.
    let mut documents: Vec<serde_json::Value> = Vec::new();
    let mut order: Vec<&str> = m.rows.iter().map(|r| r.doc_id.as_str()).collect();
    order.sort_by(|a, b| crate::workspace::id_order(a, b));
    order.dedup();
    for id in order {
        let rows: Vec<&Required> = m.rows.iter().filter(|r| r.doc_id == id).collect();
        let behind: Vec<String> = rows
            .iter()
            .filter(|r| r.state != State::Current)
            .map(|r| match r.state {
                State::Outdated => format!(
                    "{} (read revision {})",
                    name_of(&r.person),
                    r.acknowledged_revision.unwrap_or_default()
                ),
                _ => name_of(&r.person),
            })
            .collect();
        let first = rows[0];
        documents.push(json!({
            "id": id, "title": first.title, "revision": first.revision,
            "behind": behind.join(", "),
        }));
    }
    let current: usize = m.compliance.iter().map(|c| c.current).sum();
    let required: usize = m.compliance.iter().map(|c| c.required).sum();
    let chart = "compliance-by-role.svg";
    let bars: Vec<(String, Option<u32>)> = m
        .by_role
        .iter()
        .map(|g| (g.name.clone(), g.percent))
        .collect();
    let data = json!({
        "today": today.to_string(),
        "current": current,
        "required": required,
        "percent": shown(percent(current, required)),
        "by_role": groups(&m.by_role),
        "by_section": groups(&m.by_section),
        "people": persons,
        "any_behind": documents.iter().any(|d| d["behind"] != ""),
        "documents": documents,
        "chart": chart,
    });
    Ok(crate::manual::content::TrainingStatus {
        data,
        files: vec![(
            chart.to_string(),
            crate::report::chart::compliance_svg("Training compliance by role", &bars),
        )],
    })
}

/// A percentage as the manual shows it: `80%`, or a dash for nothing to read.
fn shown(p: Option<u32>) -> String {
    p.map_or_else(|| "–".to_string(), |p| format!("{p}%"))
}

fn groups(list: &[GroupCompliance]) -> Vec<serde_json::Value> {
    list.iter()
        .map(|g| {
            json!({ "id": g.id, "name": g.name, "current": g.current, "required": g.required,
                    "percent": shown(g.percent) })
        })
        .collect()
}
