//! The records: one [`Store`] trait with a SQLite implementation (the
//! embedded default). Every table is append-only; a batch of new rows is
//! written together with one audit event, in one transaction, and the
//! event carries the hash of each row it wrote, chained to the event before.

pub mod audit;
pub mod copy;
mod pg_import;
mod pg_tls;
pub mod pg_url;
pub mod photos;
mod postgres;
mod sqlite;
#[cfg(test)]
mod suite;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use self::postgres::PostgresStore;
pub use crate::model::records::*;
pub use sqlite::{APPLICATION_ID, Access, DEFAULT_ORIGIN, SqliteStore};

/// From now on this process keeps its connections to the records for the
/// next store, on both backends (a server does; a command does not).
pub fn keep_connections() {
    sqlite::pool::keep_connections();
    postgres::kept::keep_connections();
}

/// Closes every kept connection and keeps no more: what a server does as
/// it stops.
pub fn close_kept() {
    sqlite::pool::close_kept();
    postgres::kept::close_kept();
}

/// Where the embedded database lives in a workspace.
pub const DEFAULT_DATABASE: &str = ".sopbook/records.db";

/// An inspection to record, with its results; a failed one opens a
/// nonconformance with `nc_summary`.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub row: InspectionRow,
    pub results: Vec<ItemResultRow>,
    /// Photos attached to its items; their bytes are already kept
    /// ([`photos::PhotoFiles::keep`]) when the inspection is recorded.
    pub attachments: Vec<AttachmentRow>,
    pub nc_summary: Option<String>,
}

/// Which inspections to read.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub checklist: Option<String>,
    pub lot: Option<String>,
    /// `recorded_at >= since` (RFC 3339 or a date).
    pub since: Option<String>,
    /// `recorded_at < until`.
    pub until: Option<String>,
    pub verdict: Option<String>,
    pub id: Option<i64>,
    pub limit: Option<usize>,
}

/// What the scorecard groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Checklist,
    Item,
    Lot,
    Inspector,
    Station,
    Week,
}

impl GroupBy {
    /// Every grouping, by the name `report --by` and the API take.
    pub const NAMES: [(&'static str, GroupBy); 6] = [
        ("checklist", GroupBy::Checklist),
        ("item", GroupBy::Item),
        ("lot", GroupBy::Lot),
        ("inspector", GroupBy::Inspector),
        ("station", GroupBy::Station),
        ("week", GroupBy::Week),
    ];

    /// The grouping called `name`.
    pub fn named(name: &str) -> Option<GroupBy> {
        GroupBy::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, by)| *by)
    }
}

/// What is kept beside a revision's text (migration 0011): its facts as
/// JSON, and the roles among them as `|role|role|` (`*`: a checklist that
/// takes its procedure's roles) for finding a person's documents.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptFacts {
    pub revision_id: i64,
    pub doc_id: String,
    pub roles: String,
    pub facts: String,
}

/// One row of a grouped count.
#[derive(Debug, Clone, Serialize)]
pub struct GroupCount {
    pub key: String,
    pub inspections: i64,
    pub passed: i64,
    pub first: i64,
    pub first_passed: i64,
}

/// The id of a row: one that exists, or the n-th insert of the same batch.
#[derive(Debug, Clone, Copy)]
pub enum RowRef {
    Existing(i64),
    Batch(usize),
}

/// A row to insert; ids and `event_seq` are assigned by the store.
#[derive(Debug, Clone)]
pub enum Insert {
    Revision(RevisionRow),
    Change {
        row: ChangeRow,
        revision: Option<RowRef>,
    },
    Signature {
        row: SignatureRow,
        change: Option<RowRef>,
        revision: Option<RowRef>,
    },
    Credential(CredentialRow),
    Void(VoidRow),
    NcStep(NcStepRow),
    Session(SessionRow),
    SessionEnd(SessionEndRow),
    SigningKey(SigningKeyRow),
    KeyReset(KeyResetRow),
    Roster(RosterRow),
    Acknowledgement(AcknowledgementRow),
    Lot(LotRow),
    LotClose(LotCloseRow),
    LotApproval(LotApprovalRow),
}

/// A signer's key, unsealed with their password for one write: the store
/// seals every row of the batch that this person signs.
pub struct Sealer {
    pub person: String,
    pub key: ed25519_dalek::SigningKey,
}

impl Sealer {
    /// The seal of row `id` of `table` with hash `hash`.
    pub fn seal(&self, table: &str, id: i64, hash: &str) -> SealRow {
        use ed25519_dalek::Signer as _;
        let signature = self.key.sign(seal_message(table, id, hash).as_bytes());
        SealRow {
            id: 0,
            row_table: table.to_string(),
            row_id: id,
            signer: self.person.clone(),
            public_key: hex::encode(self.key.verifying_key().to_bytes()),
            signature: hex::encode(signature.to_bytes()),
            event_seq: 0,
        }
    }
}

/// Rows written together with the one event that records them.
#[derive(Debug, Clone)]
pub struct Batch {
    pub actor: String,
    pub action: String,
    pub record: String,
    /// What a person reading the audit log should see (canonical JSON object).
    pub note: serde_json::Value,
    pub inserts: Vec<Insert>,
}

/// What `append` wrote.
#[derive(Debug, Clone)]
pub struct Appended {
    pub seq: i64,
    pub ids: Vec<i64>,
}

/// The records store. Callers do not know which database is behind it.
pub trait Store: Send {
    /// Writes the batch and its audit event in one durable transaction.
    fn append(&mut self, at: DateTime<Utc>, batch: Batch) -> Result<Appended> {
        self.append_sealed(at, batch, &[])
    }
    /// The same, sealing every row of the batch that one of `sealers`'
    /// people signs, with that person's key.
    fn append_sealed(
        &mut self,
        at: DateTime<Utc>,
        batch: Batch,
        sealers: &[Sealer],
    ) -> Result<Appended>;
    /// Every signing key row, in id order.
    fn signing_keys(&mut self) -> Result<Vec<SigningKeyRow>>;
    /// Every key reset (a forgotten password), in id order.
    fn key_resets(&mut self) -> Result<Vec<KeyResetRow>>;
    /// How many refusals of `actor` for `reason` were recorded at or after
    /// `since`, among the newest events (a guess at a password shows here).
    fn recent_refusals(&mut self, actor: &str, reason: &str, since: DateTime<Utc>) -> Result<i64>;
    /// How many refusals for any of `reasons` came from the network address
    /// `origin` at or after `since`, among the newest events.
    fn recent_refusals_from(
        &mut self,
        origin: &str,
        reasons: &[&str],
        since: DateTime<Utc>,
    ) -> Result<i64>;
    /// Every roster (who held which role), in id order.
    fn rosters(&mut self) -> Result<Vec<RosterRow>>;
    /// The newest roster, if any was recorded.
    fn last_roster(&mut self) -> Result<Option<RosterRow>>;
    /// Every read-and-understood record, in id order.
    fn acknowledgements(&mut self) -> Result<Vec<AcknowledgementRow>>;
    /// One person's read-and-understood records, in id order.
    fn acknowledgements_of(&mut self, person: &str) -> Result<Vec<AcknowledgementRow>> {
        let mut all = self.acknowledgements()?;
        all.retain(|a| a.person == person);
        Ok(all)
    }
    /// Every seal, in id order.
    fn seals(&mut self) -> Result<Vec<SealRow>>;
    /// Every lot opened, in id order.
    fn lots(&mut self) -> Result<Vec<LotRow>>;
    /// Every lot's decision, in id order.
    fn lot_closes(&mut self) -> Result<Vec<LotCloseRow>>;
    /// Every approval of reduced inspection, in id order.
    fn lot_approvals(&mut self) -> Result<Vec<LotApprovalRow>>;
    /// Revisions, changes and signatures, each in id order.
    fn records(&mut self) -> Result<Records>;
    /// Revisions (their `content` left empty), changes and signatures:
    /// enough to know what is in force without reading every text. A
    /// backend may also leave empty the other texts that it does not take
    /// (changes' `reason` and `approver_roles`, signatures' `content_hash`
    /// and `note`): what training needs, not a record to show.
    fn records_outline(&mut self) -> Result<Records> {
        self.records()
    }
    /// The text of each revision of `ids` (id, content).
    fn revision_contents(&mut self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        Ok(self
            .records()?
            .revisions
            .into_iter()
            .filter(|r| ids.contains(&r.id))
            .map(|r| (r.id, r.content))
            .collect())
    }
    /// The facts kept of each revision of `ids`: none for a revision whose
    /// facts were never kept.
    fn text_facts(&mut self, ids: &[i64]) -> Result<Vec<KeptFacts>>;
    /// Keeps what is derived from revisions' texts; a revision whose facts
    /// are kept already keeps them.
    fn keep_text_facts(&mut self, facts: &[KeptFacts]) -> Result<()>;
    /// The documents that one of `roles` may have to read: those with a
    /// revision whose kept facts name one of them, and every checklist that
    /// takes its procedure's roles. None when a revision has no facts kept
    /// (then any document may be).
    fn docs_for_roles(&mut self, _roles: &[String]) -> Result<Option<Vec<String>>> {
        Ok(None)
    }
    /// [`Store::records_outline`] of the documents `docs` only.
    fn records_outline_of(&mut self, docs: &[String]) -> Result<Records> {
        let mut all = self.records_outline()?;
        all.revisions.retain(|r| docs.contains(&r.doc_id));
        all.changes.retain(|r| docs.contains(&r.doc_id));
        all.signatures.retain(|r| docs.contains(&r.doc_id));
        Ok(all)
    }
    /// The same for one document only.
    fn records_of(&mut self, doc_id: &str) -> Result<Records> {
        let mut all = self.records()?;
        all.revisions.retain(|r| r.doc_id == doc_id);
        all.changes.retain(|c| c.doc_id == doc_id);
        all.signatures.retain(|s| s.doc_id == doc_id);
        Ok(all)
    }
    /// The audit log in order.
    fn events(&mut self) -> Result<Vec<EventRow>>;
    /// Every credential row in id order.
    fn credentials(&mut self) -> Result<Vec<CredentialRow>>;
    /// The session with this token hash, and its end if it was ended.
    fn session(&mut self, token_hash: &str) -> Result<Option<(SessionRow, Option<SessionEndRow>)>>;
    /// Every session and every session end, in id order.
    fn sessions(&mut self) -> Result<(Vec<SessionRow>, Vec<SessionEndRow>)>;
    /// Where the records are, for messages.
    fn location(&self) -> String;
    /// Fails now, rather than after a person has filled in a form, when
    /// nothing could be recorded (the database is locked, read-only, full).
    fn can_write(&mut self) -> Result<()> {
        Ok(())
    }

    /// Records inspections, their results and the nonconformances the failed
    /// ones open, with one audit event, in one transaction. Returns, per
    /// inspection, its id and the id of the nonconformance it opened.
    fn record_inspections(
        &mut self,
        at: DateTime<Utc>,
        batch: InspectionBatch,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        let (header, inspections) = batch.split();
        self.record_inspection_stream(at, header, &mut inspections.into_iter().map(Ok))
    }
    /// The same, pulling the inspections from `rows` (an import parses on
    /// another thread meanwhile). The store may stage them first and take
    /// the write lock only to move them in at the end, so that others can
    /// record meanwhile. An `Err` from `rows` is returned and nothing is
    /// recorded: all or nothing.
    fn record_inspection_stream(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        rows: &mut dyn Iterator<Item = Result<NewInspection>>,
    ) -> Result<Vec<(i64, Option<i64>)>>;
    fn inspections(&mut self, filter: &InspectionFilter) -> Result<Vec<InspectionRow>>;
    fn item_results(&mut self, inspection_id: i64) -> Result<Vec<ItemResultRow>>;
    /// The photos attached to one inspection's items (`Some`) or to all
    /// (`None`), in inspection and position order.
    fn attachments(&mut self, inspection_id: Option<i64>) -> Result<Vec<AttachmentRow>>;
    /// Where the photos' bytes are kept, beside the records.
    fn photo_files(&self) -> photos::PhotoFiles;
    fn voids(&mut self) -> Result<Vec<VoidRow>>;
    fn nonconformances(&mut self) -> Result<Vec<NcRow>>;
    fn nc_steps(&mut self) -> Result<Vec<NcStepRow>>;
    /// Measured values of one item, oldest first, without voided inspections:
    /// (inspection id, recorded at, value). `positions` gives the item's
    /// position in each checklist revision: (revision id, position).
    fn measurements(
        &mut self,
        checklist: &str,
        positions: &[(i64, i64)],
        since: Option<&str>,
    ) -> Result<Vec<(i64, DateTime<Utc>, f64)>>;
    /// Inspections, passes, first inspections and first passes per group
    /// (voided left out). `GroupBy::Week` gives days (UTC); see [`fold_weeks`].
    fn group_counts(
        &mut self,
        by: GroupBy,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<GroupCount>>;
    /// Failed items, `checklist/item` -> count, most first (voided left out).
    fn failed_items(
        &mut self,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<(String, i64)>>;
    /// The inspections with ids in `from..=to` and their results, as one
    /// event recorded them, hashed with encoding `version`.
    fn inspection_range(&mut self, from: i64, to: i64, version: u8) -> Result<RangeCheck>;
    /// The same for many ranges, each `(from, to, version)`, in their order.
    /// A backend may read them side by side.
    fn inspection_ranges(&mut self, ranges: &[(i64, i64, u8)]) -> Vec<Result<RangeCheck>> {
        ranges
            .iter()
            .map(|&(from, to, version)| self.inspection_range(from, to, version))
            .collect()
    }
    /// Item results whose inspection does not exist: (inspection id, position).
    fn stray_item_results(&mut self) -> Result<Vec<(i64, i64)>>;
    /// The inspection recorded by the event whose note holds this
    /// submission key (a form from the browser), if there is one.
    fn submitted(&mut self, key: &str) -> Result<Option<i64>>;
    /// How many inspections and item results there are.
    fn counts(&mut self) -> Result<(i64, i64)>;
    /// Which backend holds the records, where, at which schema version,
    /// how many rows each table has and the chain's head.
    fn status(&mut self) -> Result<StoreStatus>;

    /// Every row of `tables`, table by table in the order they were
    /// recorded, read in one snapshot: `each(table, columns, values)`.
    fn dump(&mut self, tables: &[&'static str], each: copy::RowSink<'_>) -> Result<()>;
    /// Starts a copy into these records: one write transaction under the
    /// write lock, refused unless every table is empty.
    fn load_begin(&mut self) -> Result<()>;
    /// Inserts `rows` (values of `columns`) as they are, in the copy.
    fn load_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: &[Vec<copy::Cell>],
    ) -> Result<()>;
    /// Ends the copy: commits it, or leaves nothing of it.
    fn load_end(&mut self, commit: bool) -> Result<()>;
}

/// Every table of the records, in the order `db status` lists them.
pub const TABLES: [&str; 21] = [
    "events",
    "revisions",
    "changes",
    "signatures",
    "credentials",
    "signing_keys",
    "key_resets",
    "seals",
    "rosters",
    "acknowledgements",
    "sessions",
    "session_ends",
    "inspections",
    "item_results",
    "attachments",
    "inspection_voids",
    "nonconformances",
    "nc_steps",
    "lots",
    "lot_closes",
    "lot_approvals",
];

/// What `sopbook db status` shows about the records.
#[derive(Debug, Clone, Serialize)]
pub struct StoreStatus {
    /// `SQLite` or `PostgreSQL`.
    pub backend: &'static str,
    /// The file, or the URL without its password.
    pub location: String,
    /// How many migrations the records have had.
    pub schema_version: i64,
    /// How many this sopbook knows.
    pub known_version: i64,
    pub tables: Vec<TableCount>,
    /// The newest event: the head of the audit chain.
    pub head: Option<ChainHead>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableCount {
    pub table: &'static str,
    pub rows: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
    #[serde(with = "crate::model::records::stamp")]
    pub at: DateTime<Utc>,
}

/// Folds per-day counts (keys `YYYY-MM-DD`) into weeks keyed by their Monday.
pub fn fold_weeks(days: Vec<GroupCount>) -> Vec<GroupCount> {
    use chrono::{Datelike, NaiveDate};
    let mut weeks: Vec<GroupCount> = Vec::new();
    for d in days {
        let key = NaiveDate::parse_from_str(&d.key, "%Y-%m-%d")
            .map(|day| {
                (day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday())))
                    .to_string()
            })
            .unwrap_or(d.key.clone());
        match weeks.last_mut() {
            Some(w) if w.key == key => {
                w.inspections += d.inspections;
                w.passed += d.passed;
                w.first += d.first;
                w.first_passed += d.first_passed;
            }
            _ => weeks.push(GroupCount { key, ..d }),
        }
    }
    weeks
}

/// What a range of inspections holds now, to compare with its event.
#[derive(Debug, Clone)]
pub struct RangeCheck {
    pub hash: String,
    pub inspections: i64,
    /// The distinct `event_seq` values of the inspections in the range.
    pub event_seqs: Vec<i64>,
    /// Item results in the range that belong to no inspection in it.
    pub stray_results: i64,
    /// Item results in the range, all told.
    pub results: i64,
    /// Photos in the range that belong to an inspection in it (and that
    /// its encoding holds: version 3 on).
    pub attachments: i64,
    /// Photos in the range that belong to no inspection in it, or that its
    /// encoding cannot hold: added behind sopbook's back.
    pub stray_attachments: i64,
}

/// The next inspection of a range for a [`RangeWalk`]: the reader hands
/// its fields and its `event_seq` to the visitor and says `true`, or says
/// `false` when there are no more.
pub(crate) type NextHead<'a, E> =
    dyn FnMut(&mut dyn FnMut(&InspectionFields<'_>, i64)) -> std::result::Result<bool, E> + 'a;

/// The one walk both backends make to check a range of inspections: their
/// results are fed in (inspection, position) order and the inspections are
/// pulled in id order beside them, each hashed as it is read; a result or a
/// photo of no inspection in the range is counted as stray. Nothing is kept
/// but the inspection being hashed.
pub(crate) struct RangeWalk<'p> {
    version: u8,
    enc: InspectionEncoder,
    hasher: Sha256,
    check: RangeCheck,
    /// The range's photos in (inspection, position) order, walked beside.
    photos: &'p [AttachmentRow],
    photo_at: usize,
    /// The inspection whose results are being read, and whether any are left.
    open: Option<i64>,
    more: bool,
}

impl<'p> RangeWalk<'p> {
    pub(crate) fn new(version: u8, photos: &'p [AttachmentRow]) -> Self {
        RangeWalk {
            version,
            enc: InspectionEncoder::new(version),
            hasher: Sha256::new(),
            check: RangeCheck {
                hash: String::new(),
                inspections: 0,
                event_seqs: Vec::new(),
                stray_results: 0,
                results: 0,
                attachments: 0,
                stray_attachments: 0,
            },
            photos,
            photo_at: 0,
            open: None,
            more: true,
        }
    }

    /// Starts the next inspection; its id, or `None` when there are no more.
    fn next_head<E>(&mut self, heads: &mut NextHead<'_, E>) -> std::result::Result<Option<i64>, E> {
        let (enc, check) = (&mut self.enc, &mut self.check);
        let mut id = None;
        heads(&mut |fields, event_seq| {
            enc.inspection(fields);
            check.inspections += 1;
            if !check.event_seqs.contains(&event_seq) {
                check.event_seqs.push(event_seq);
            }
            id = Some(fields.id);
        })?;
        Ok(id)
    }

    /// Adds the photos of inspection `id` and finishes it; those of
    /// inspections before it that were not added belong to none in the range.
    fn close(&mut self, id: i64) {
        while let Some(a) = self
            .photos
            .get(self.photo_at)
            .filter(|a| a.inspection_id <= id)
        {
            if a.inspection_id == id && self.version >= 3 {
                self.enc.attachment(&AttachmentFields::of(a));
                self.check.attachments += 1;
            } else {
                self.check.stray_attachments += 1;
            }
            self.photo_at += 1;
        }
        self.enc.finish(&mut self.hasher);
    }

    /// One result, of inspection `of`. A stray result is read too: a
    /// damaged value in it is damage all the same.
    pub(crate) fn result<E>(
        &mut self,
        of: i64,
        result: &ResultFields<'_>,
        heads: &mut NextHead<'_, E>,
    ) -> std::result::Result<(), E> {
        self.check.results += 1;
        // Inspections before this result's are complete.
        while self.more && self.open.is_none_or(|id| id < of) {
            if let Some(id) = self.open.take() {
                self.close(id);
            }
            self.open = self.next_head(heads)?;
            self.more = self.open.is_some();
        }
        if self.open == Some(of) {
            self.enc.result(result);
        } else {
            self.check.stray_results += 1;
        }
        Ok(())
    }

    /// Finishes the inspections left, with no results, and the check.
    pub(crate) fn finish<E>(
        mut self,
        heads: &mut NextHead<'_, E>,
    ) -> std::result::Result<RangeCheck, E> {
        if let Some(id) = self.open.take() {
            self.close(id);
        }
        while self.more {
            match self.next_head(heads)? {
                Some(id) => self.close(id),
                None => self.more = false,
            }
        }
        self.check.stray_attachments += (self.photos.len() - self.photo_at) as i64;
        self.check.hash = hex::encode(self.hasher.finalize());
        Ok(self.check)
    }
}

/// What the event that records a batch of inspections says; the store adds
/// the count and how many failed.
#[derive(Debug, Clone)]
pub struct BatchHeader {
    pub actor: String,
    pub action: String,
    pub record: String,
    pub note: serde_json::Value,
}

/// Inspections written together under one event.
#[derive(Debug, Clone)]
pub struct InspectionBatch {
    pub actor: String,
    pub action: String,
    pub record: String,
    pub note: serde_json::Value,
    pub inspections: Vec<NewInspection>,
}

impl InspectionBatch {
    /// What the event says, and the inspections it records.
    pub fn split(self) -> (BatchHeader, Vec<NewInspection>) {
        let InspectionBatch {
            actor,
            action,
            record,
            note,
            inspections,
        } = self;
        let header = BatchHeader {
            actor,
            action,
            record,
            note,
        };
        (header, inspections)
    }
}

/// How a batch of inspections is hashed. Version 1 joined fields with
/// separator characters, which a crafted value could imitate; version 2
/// prefixes every field with its length; version 3 adds the photos
/// attached to the items after the results. Each event says which it used.
pub const INSPECTION_HASH_VERSION: u8 = 3;

/// Feeds one inspection and its results into a running hash in the
/// encoding of `version`.
pub fn hash_inspection_as(
    version: u8,
    h: &mut Sha256,
    i: &InspectionRow,
    results: &[ItemResultRow],
    attachments: &[AttachmentRow],
) {
    let mut enc = InspectionEncoder::new(version);
    enc.inspection(&InspectionFields::of(i));
    for r in results {
        enc.result(&ResultFields::of(r));
    }
    for a in attachments {
        enc.attachment(&AttachmentFields::of(a));
    }
    enc.finish(h);
}

/// Feeds one inspection and its results into a running hash, in the first
/// encoding (fields separated by 0x1f, rows ended by 0x1e): kept to verify
/// what was recorded with it.
pub fn hash_inspection(h: &mut Sha256, i: &InspectionRow, results: &[ItemResultRow]) {
    hash_inspection_as(1, h, i, results, &[]);
}

/// An inspection's own fields as they are hashed, borrowed: from a typed row
/// when it is recorded, from the database's columns when it is verified.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InspectionFields<'a> {
    id: i64,
    checklist_id: &'a str,
    revision_id: i64,
    revision_number: i64,
    lot: &'a str,
    serial: &'a str,
    inspector: &'a str,
    station: &'a str,
    recorded_at: DateTime<Utc>,
    verdict: Verdict,
    reinspects: Option<i64>,
}

impl<'a> InspectionFields<'a> {
    fn of(i: &'a InspectionRow) -> Self {
        InspectionFields {
            id: i.id,
            checklist_id: &i.checklist_id,
            revision_id: i.revision_id,
            revision_number: i.revision_number,
            lot: &i.lot,
            serial: &i.serial,
            inspector: &i.inspector,
            station: &i.station,
            recorded_at: i.recorded_at,
            verdict: i.verdict,
            reinspects: i.reinspects,
        }
    }
}

/// An item result's fields as they are hashed, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResultFields<'a> {
    position: i64,
    item_id: &'a str,
    value: &'a str,
    number: Option<f64>,
    outcome: Outcome,
    note: &'a str,
}

impl<'a> ResultFields<'a> {
    fn of(r: &'a ItemResultRow) -> Self {
        ResultFields {
            position: r.position,
            item_id: &r.item_id,
            value: &r.value,
            number: r.number,
            outcome: r.outcome,
            note: &r.note,
        }
    }
}

/// A photo's row as it is hashed, borrowed.
#[derive(Debug, Clone, Copy)]
struct AttachmentFields<'a> {
    position: i64,
    item_id: &'a str,
    sha256: &'a str,
    media_type: &'a str,
    byte_size: i64,
    file_name: &'a str,
}

impl<'a> AttachmentFields<'a> {
    fn of(a: &'a AttachmentRow) -> Self {
        AttachmentFields {
            position: a.position,
            item_id: &a.item_id,
            sha256: &a.sha256,
            media_type: &a.media_type,
            byte_size: a.byte_size,
            file_name: &a.file_name,
        }
    }
}

/// The one writer of the inspection encodings. Version 1 ends every field
/// with 0x1f and every row with 0x1e; version 2 writes every field as
/// `<length>:<bytes>` and puts the number of results after the inspection's
/// own fields; version 3 then puts the number of photos, and writes the
/// photos after the results. An inspection is written with [`inspection`],
/// then each of its results with [`result`] and each of its photos with
/// [`attachment`], then [`finish`] feeds it to the hash; the buffers are
/// reused from one inspection to the next.
///
/// [`inspection`]: InspectionEncoder::inspection
/// [`result`]: InspectionEncoder::result
/// [`attachment`]: InspectionEncoder::attachment
/// [`finish`]: InspectionEncoder::finish
struct InspectionEncoder {
    version: u8,
    /// The inspection's own fields.
    head: Vec<u8>,
    /// Where the inspection's id, its first field, ends in `head`.
    id_end: usize,
    /// Its results (version 2 writes their count between the two).
    body: Vec<u8>,
    results: i64,
    /// Its photos (version 3 writes their count after the results' count).
    photos: Vec<u8>,
    attachments: i64,
    scratch: String,
}

impl InspectionEncoder {
    fn new(version: u8) -> Self {
        InspectionEncoder {
            version,
            head: Vec::with_capacity(256),
            id_end: 0,
            body: Vec::with_capacity(1024),
            results: 0,
            photos: Vec::new(),
            attachments: 0,
            scratch: String::with_capacity(32),
        }
    }

    /// Starts an inspection with its own fields.
    fn inspection(&mut self, i: &InspectionFields<'_>) {
        self.head.clear();
        self.body.clear();
        self.results = 0;
        self.photos.clear();
        self.attachments = 0;
        let v = self.version;
        let b = &mut self.head;
        int_field(v, b, i.id);
        self.id_end = b.len();
        field(v, b, i.checklist_id.as_bytes());
        int_field(v, b, i.revision_id);
        int_field(v, b, i.revision_number);
        field(v, b, i.lot.as_bytes());
        field(v, b, i.serial.as_bytes());
        field(v, b, i.inspector.as_bytes());
        field(v, b, i.station.as_bytes());
        time_field(v, b, i.recorded_at, &mut self.scratch);
        field(v, b, i.verdict.as_str().as_bytes());
        match i.reinspects {
            Some(r) => int_field(v, b, r),
            None => field(v, b, b""),
        }
        if v < 2 {
            b.push(0x1e);
        }
    }

    /// Adds one result of the inspection, in position order.
    fn result(&mut self, r: &ResultFields<'_>) {
        let v = self.version;
        let b = &mut self.body;
        int_field(v, b, r.position);
        field(v, b, r.item_id.as_bytes());
        field(v, b, r.value.as_bytes());
        match r.number {
            // Most values are entered as the number prints: no need to print it.
            Some(x) if debug_form_of(r.value, x) => field(v, b, r.value.as_bytes()),
            Some(x) => {
                use std::fmt::Write as _;
                self.scratch.clear();
                let _ = write!(self.scratch, "{x:?}");
                field(v, b, self.scratch.as_bytes());
            }
            None => field(v, b, b""),
        }
        field(v, b, r.outcome.as_str().as_bytes());
        field(v, b, r.note.as_bytes());
        if v < 2 {
            b.push(0x1e);
        }
        self.results += 1;
    }

    /// Adds one photo of the inspection, in position order. Encodings
    /// before version 3 hold no photos: one read from the records there was
    /// added behind sopbook's back, and is counted as such, not hashed.
    fn attachment(&mut self, a: &AttachmentFields<'_>) {
        let v = self.version;
        if v < 3 {
            return;
        }
        let b = &mut self.photos;
        int_field(v, b, a.position);
        field(v, b, a.item_id.as_bytes());
        field(v, b, a.sha256.as_bytes());
        field(v, b, a.media_type.as_bytes());
        int_field(v, b, a.byte_size);
        field(v, b, a.file_name.as_bytes());
        self.attachments += 1;
    }

    /// Ends the inspection: its encoding is now `head`, `body`, `photos`.
    fn close(&mut self) {
        if self.version >= 2 {
            int_field(self.version, &mut self.head, self.results);
        }
        if self.version >= 3 {
            int_field(self.version, &mut self.head, self.attachments);
        }
    }

    /// Feeds the inspection, its results and its photos to the hash.
    fn finish(&mut self, h: &mut Sha256) {
        self.close();
        h.update(&self.head);
        h.update(&self.body);
        h.update(&self.photos);
    }

    /// Ends the inspection and appends its encoding, all but the id, to
    /// `out`: [`hash_with_id`] hashes it once the id is known.
    fn finish_without_id(&mut self, out: &mut Vec<u8>) {
        self.close();
        out.extend_from_slice(&self.head[self.id_end..]);
        out.extend_from_slice(&self.body);
        out.extend_from_slice(&self.photos);
    }
}

/// The encoding of an inspection and its results in `enc`'s version, all
/// but its id, appended to `out`: an import writes it while it reads the
/// file, before the records give the inspection its id.
fn encoding_without_id(
    enc: &mut InspectionEncoder,
    i: &InspectionRow,
    results: &[ItemResultRow],
    attachments: &[AttachmentRow],
    out: &mut Vec<u8>,
) {
    enc.inspection(&InspectionFields::of(i));
    for r in results {
        enc.result(&ResultFields::of(r));
    }
    for a in attachments {
        enc.attachment(&AttachmentFields::of(a));
    }
    enc.finish_without_id(out);
}

/// Feeds an inspection to a running hash from its id and the rest of its
/// encoding ([`encoding_without_id`]): the same bytes as
/// [`hash_inspection_as`] with that id.
fn hash_with_id(version: u8, h: &mut Sha256, id: i64, without_id: &[u8]) {
    let mut first = Vec::with_capacity(24);
    int_field(version, &mut first, id);
    h.update(&first);
    h.update(without_id);
}

/// Whether `{x:?}` writes exactly `text`. Only a plain decimal is taken
/// (`-`, digits without a needless leading zero, `.`, digits without a
/// trailing zero unless the one `0`), between 1e-4 and 1e15, with at most 15
/// significant digits, that reads back as `x` bit for bit. Such a decimal is
/// the only one of at most 15 digits that reads as `x` (a double keeps 15
/// digits), so it is the shortest that does, which is what `{:?}` prints, in
/// the same plain form.
fn debug_form_of(text: &str, x: f64) -> bool {
    let b = text.as_bytes();
    let unsigned = b.strip_prefix(b"-").unwrap_or(b);
    let Some(dot) = unsigned.iter().position(|&c| c == b'.') else {
        return false;
    };
    let (int, frac) = (&unsigned[..dot], &unsigned[dot + 1..]);
    if int.is_empty()
        || frac.is_empty()
        || int.len() > 15
        || !int.iter().all(u8::is_ascii_digit)
        || !frac.iter().all(u8::is_ascii_digit)
        || (int.len() > 1 && int[0] == b'0')
        || (frac.len() > 1 && frac[frac.len() - 1] == b'0')
    {
        return false;
    }
    let significant = if int == b"0" {
        let zeros = frac.iter().take_while(|&&c| c == b'0').count();
        if zeros == frac.len() {
            0 // zero, signed or not
        } else if zeros > 3 {
            return false; // below 1e-4: printed with an exponent
        } else {
            frac.len() - zeros
        }
    } else if frac == b"0" {
        int.len() - int.iter().rev().take_while(|&&c| c == b'0').count()
    } else {
        int.len() + frac.len()
    };
    significant <= 15
        && text
            .parse::<f64>()
            .is_ok_and(|y| y.to_bits() == x.to_bits())
}

/// One field in the encoding of `version`.
#[inline]
fn field(version: u8, buf: &mut Vec<u8>, s: &[u8]) {
    if version < 2 {
        buf.reserve(s.len() + 1);
        buf.extend_from_slice(s);
        buf.push(0x1f);
    } else {
        buf.reserve(s.len() + 21);
        match s.len() {
            n @ 0..10 => buf.extend_from_slice(&[b'0' + n as u8, b':']),
            n @ 10..100 => {
                buf.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8, b':'])
            }
            n => {
                let mut digits = [0u8; 20];
                buf.extend_from_slice(decimal(n as u64, &mut digits));
                buf.push(b':');
            }
        }
        buf.extend_from_slice(s);
    }
}

/// An integer field, written as `{}` writes it.
#[inline]
fn int_field(version: u8, buf: &mut Vec<u8>, x: i64) {
    let mut digits = [0u8; 20];
    let shown = decimal(x.unsigned_abs(), &mut digits);
    if x < 0 {
        let mut signed = [b'-'; 21];
        signed[1..=shown.len()].copy_from_slice(shown);
        field(version, buf, &signed[..=shown.len()]);
    } else {
        field(version, buf, shown);
    }
}

/// `x` in decimal, written at the end of `digits`.
fn decimal(mut x: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            return &digits[at..];
        }
    }
}

/// A time field: RFC 3339, UTC, microseconds, as [`timestamp`] writes it
/// (version 1) and as `%Y-%m-%dT%H:%M:%S%.6fZ` formats it (version 2); the
/// two agree, and years outside 0..=9999 are left to chrono itself.
fn time_field(version: u8, buf: &mut Vec<u8>, t: DateTime<Utc>, scratch: &mut String) {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) {
        use std::fmt::Write as _;
        scratch.clear();
        if version < 2 {
            scratch.push_str(&timestamp(t));
        } else {
            let _ = write!(scratch, "{}", t.format("%Y-%m-%dT%H:%M:%S%.6fZ"));
        }
        return field(version, buf, scratch.as_bytes());
    }
    // A leap second is shown as second 60, its fraction below one second.
    let nanos = t.nanosecond();
    let (second, micros) = (
        t.second() + nanos / 1_000_000_000,
        nanos / 1_000 % 1_000_000,
    );
    let mut s = *b"0000-00-00T00:00:00.000000Z";
    let mut put = |at: usize, width: usize, mut x: u32| {
        for k in (at..at + width).rev() {
            s[k] = b'0' + (x % 10) as u8;
            x /= 10;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    put(17, 2, second);
    put(20, 6, micros);
    field(version, buf, &s);
}

/// How the front end wants the store opened.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long a writer waits for another writer before giving up.
    pub busy_timeout: std::time::Duration,
    /// Whether the command only reads, records, or may create the records.
    pub access: Access,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            busy_timeout: sqlite::BUSY_TIMEOUT,
            access: Access::Create,
        }
    }
}

/// Opens the store at `spec` (a path relative to `root`, an absolute path or
/// a `sqlite://` URL); the front end decides which spec applies and says
/// where it came from (`origin`, for messages).
pub fn open(
    root: &Path,
    spec: &str,
    origin: &str,
    options: &StoreOptions,
) -> Result<Box<dyn Store>> {
    let lower = spec.to_ascii_lowercase();
    if pg_url::is_postgres(spec) {
        let url = pg_url::PgUrl::from_env(spec)?.rooted(root);
        // Photos stay on the station, beside where its own records would be.
        let photos_beside = root.join(DEFAULT_DATABASE);
        return Ok(Box::new(PostgresStore::open(
            url,
            options.access,
            origin,
            photos_beside,
            options.busy_timeout,
        )?));
    }
    if let Some((scheme, _)) = spec.split_once("://")
        && !lower.starts_with("sqlite://")
    {
        bail!(
            "`{scheme}://` ({origin}) is not a kind of records sopbook knows\n\nhelp: give the path of a SQLite file, a sqlite:// URL, or a postgres:// URL"
        );
    }
    let path = spec.strip_prefix("sqlite://").unwrap_or(spec);
    let path = if Path::new(path).is_absolute() {
        PathBuf::from(path)
    } else {
        root.join(path)
    };
    // Records are created where they are expected: at the default location.
    let access = match options.access {
        Access::Write if origin == sqlite::DEFAULT_ORIGIN => Access::Create,
        a => a,
    };
    Ok(Box::new(SqliteStore::open(
        &path,
        options.busy_timeout,
        access,
        origin,
    )?))
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The hash of a row: sha256 over its canonical JSON (fields in declaration order).
pub fn row_hash(row: &impl Serialize) -> String {
    sha256_hex(serde_json::to_string(row).unwrap_or_default().as_bytes())
}

/// The hash of an event: sha256 over the previous hash and the event's canonical JSON.
pub fn event_hash(prev_hash: &str, event: &EventRow) -> String {
    let body = serde_json::to_string(event).unwrap_or_default();
    sha256_hex(format!("{prev_hash}\n{body}").as_bytes())
}

/// One row of a batch for a backend to insert, with the batch's event
/// number; the backend gives it its id and returns it.
pub(crate) enum NewRow<'a> {
    Revision(&'a RevisionRow),
    Change(&'a ChangeRow),
    Signature(&'a SignatureRow),
    Credential(&'a CredentialRow),
    Void(&'a VoidRow),
    NcStep(&'a NcStepRow),
    Session(&'a SessionRow),
    SessionEnd(&'a SessionEndRow),
    SigningKey(&'a SigningKeyRow),
    KeyReset(&'a KeyResetRow),
    Roster(&'a RosterRow),
    Acknowledgement(&'a AcknowledgementRow),
    Lot(&'a LotRow),
    LotClose(&'a LotCloseRow),
    LotApproval(&'a LotApprovalRow),
    Seal(&'a SealRow),
}

/// What every backend does with a batch but the SQL: resolves references
/// within the batch, hashes each row once `insert` has given it its id,
/// seals the rows signed by one of `sealers`, and returns the ids and the
/// event's detail (the note and every row's table, id and hash).
pub(crate) fn append_rows<E>(
    batch_inserts: Vec<Insert>,
    note: serde_json::Value,
    sealers: &[Sealer],
    insert: &mut dyn FnMut(NewRow<'_>) -> std::result::Result<i64, E>,
) -> std::result::Result<(Vec<i64>, serde_json::Value), E> {
    let mut ids: Vec<i64> = Vec::new();
    let mut rows = Vec::new();
    let resolve = |r: &Option<RowRef>, ids: &[i64]| -> Option<i64> {
        r.map(|r| match r {
            RowRef::Existing(id) => id,
            RowRef::Batch(i) => ids[i],
        })
    };
    for new in batch_inserts {
        let (table, id, hash, person) = match new {
            Insert::Revision(mut row) => {
                row.id = insert(NewRow::Revision(&row))?;
                ("revisions", row.id, row_hash(&row), None)
            }
            Insert::Change { mut row, revision } => {
                row.revision_id = resolve(&revision, &ids).or(row.revision_id);
                row.id = insert(NewRow::Change(&row))?;
                ("changes", row.id, row_hash(&row), None)
            }
            Insert::Signature {
                mut row,
                change,
                revision,
            } => {
                row.change_id = resolve(&change, &ids).or(row.change_id);
                row.revision_id = resolve(&revision, &ids).or(row.revision_id);
                row.id = insert(NewRow::Signature(&row))?;
                (
                    "signatures",
                    row.id,
                    row_hash(&row),
                    Some(row.signer.clone()),
                )
            }
            Insert::Void(mut row) => {
                row.id = insert(NewRow::Void(&row))?;
                (
                    "inspection_voids",
                    row.id,
                    row_hash(&row),
                    Some(row.voided_by.clone()),
                )
            }
            Insert::NcStep(mut row) => {
                row.id = insert(NewRow::NcStep(&row))?;
                ("nc_steps", row.id, row_hash(&row), Some(row.signer.clone()))
            }
            Insert::Session(mut row) => {
                row.id = insert(NewRow::Session(&row))?;
                ("sessions", row.id, row_hash(&row), Some(row.person.clone()))
            }
            Insert::SessionEnd(mut row) => {
                row.id = insert(NewRow::SessionEnd(&row))?;
                ("session_ends", row.id, row_hash(&row), None)
            }
            Insert::SigningKey(mut row) => {
                row.id = insert(NewRow::SigningKey(&row))?;
                (
                    "signing_keys",
                    row.id,
                    row_hash(&row),
                    Some(row.person.clone()),
                )
            }
            Insert::KeyReset(mut row) => {
                row.id = insert(NewRow::KeyReset(&row))?;
                (
                    "key_resets",
                    row.id,
                    row_hash(&row),
                    Some(row.reset_by.clone()),
                )
            }
            Insert::Roster(mut row) => {
                row.id = insert(NewRow::Roster(&row))?;
                ("rosters", row.id, row_hash(&row), None)
            }
            Insert::Acknowledgement(mut row) => {
                row.id = insert(NewRow::Acknowledgement(&row))?;
                (
                    "acknowledgements",
                    row.id,
                    row_hash(&row),
                    Some(row.person.clone()),
                )
            }
            Insert::Lot(mut row) => {
                row.id = insert(NewRow::Lot(&row))?;
                ("lots", row.id, row_hash(&row), None)
            }
            Insert::LotClose(mut row) => {
                row.id = insert(NewRow::LotClose(&row))?;
                ("lot_closes", row.id, row_hash(&row), None)
            }
            Insert::LotApproval(mut row) => {
                row.id = insert(NewRow::LotApproval(&row))?;
                (
                    "lot_approvals",
                    row.id,
                    row_hash(&row),
                    Some(row.signer.clone()),
                )
            }
            Insert::Credential(mut row) => {
                row.id = insert(NewRow::Credential(&row))?;
                (
                    "credentials",
                    row.id,
                    row_hash(&row),
                    Some(row.person.clone()),
                )
            }
        };
        ids.push(id);
        rows.push(serde_json::json!({ "table": table, "id": id, "hash": hash }));
        // A row signed by the person whose key is at hand gets its seal.
        if let Some(person) = person
            && let Some(sealer) = sealers.iter().find(|s| s.person == person)
        {
            let mut seal = sealer.seal(table, id, &hash);
            seal.id = insert(NewRow::Seal(&seal))?;
            rows.push(
                serde_json::json!({ "table": "seals", "id": seal.id, "hash": row_hash(&seal) }),
            );
        }
    }
    Ok((ids, serde_json::json!({ "note": note, "rows": rows })))
}

/// The event that records a batch, chained to the event before it.
pub(crate) fn chained_event(
    seq: i64,
    prev_hash: String,
    at: DateTime<Utc>,
    (actor, action, record): (String, String, String),
    detail: &serde_json::Value,
) -> EventRow {
    let mut event = EventRow {
        seq,
        at,
        actor,
        action,
        record,
        detail: serde_json::to_string(detail).unwrap_or_default(),
        prev_hash,
        hash: String::new(),
    };
    event.hash = event_hash(&event.prev_hash, &event);
    event
}

/// What the event of a batch of inspections says: the header's note with
/// the count and how many failed, and the batch's id range and hashes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn inspections_detail(
    mut note: serde_json::Value,
    count: usize,
    failed: usize,
    (first, last): (i64, i64),
    hash: &str,
    ncs: usize,
    nc_hash: &str,
) -> serde_json::Value {
    let rows = serde_json::json!([
        { "table": "inspections", "from": first, "to": last, "count": count, "version": INSPECTION_HASH_VERSION,
          "hash": hash, "nonconformances": ncs, "nc_hash": nc_hash }
    ]);
    if let Some(map) = note.as_object_mut() {
        map.insert("count".into(), count.into());
        map.insert("failed".into(), failed.into());
    }
    serde_json::json!({ "note": note, "rows": rows })
}

/// The hash the first event chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[cfg(test)]
pub(crate) mod tests {
    //! One scenario any backend must pass; run here against SQLite.

    use super::*;
    use chrono::TimeZone;

    fn revision(doc: &str, number: i64, content: &str) -> RevisionRow {
        RevisionRow {
            id: 0,
            doc_id: doc.into(),
            kind: DocKind::Sop,
            number,
            title: "T".into(),
            path: "manual/qc/t.md".into(),
            content: content.into(),
            content_hash: sha256_hex(content.as_bytes()),
            summary: "First issue".into(),
            minor: false,
            author: "ann".into(),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
            event_seq: 0,
        }
    }

    pub fn scenario(store: &mut dyn Store) {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        assert!(store.events().unwrap().is_empty());
        let change = ChangeRow {
            id: 0,
            doc_id: "QC-001".into(),
            kind: ChangeKind::Release,
            revision_id: None,
            requested_by: "ann".into(),
            reason: "First issue".into(),
            effective_date: None,
            required: 1,
            approver_roles: "inspector".into(),
            created_at: at,
            event_seq: 0,
        };
        let signature = SignatureRow {
            id: 0,
            change_id: None,
            doc_id: "QC-001".into(),
            revision_id: None,
            signer: "ann".into(),
            meaning: Meaning::Authored,
            signed_at: at,
            content_hash: String::new(),
            note: String::new(),
            event_seq: 0,
        };
        let appended = store
            .append(
                at,
                Batch {
                    actor: "ann".into(),
                    action: "released".into(),
                    record: "QC-001 rev 1".into(),
                    note: serde_json::json!({ "summary": "First issue" }),
                    inserts: vec![
                        Insert::Revision(revision("QC-001", 1, "text")),
                        Insert::Change {
                            row: change,
                            revision: Some(RowRef::Batch(0)),
                        },
                        Insert::Signature {
                            row: signature,
                            change: Some(RowRef::Batch(1)),
                            revision: Some(RowRef::Batch(0)),
                        },
                    ],
                },
            )
            .unwrap();
        assert_eq!(appended.seq, 1);
        let records = store.records().unwrap();
        assert_eq!(records.revisions.len(), 1);
        assert_eq!(
            records.changes[0].revision_id,
            Some(records.revisions[0].id),
            "batch references resolve"
        );
        assert_eq!(records.signatures[0].change_id, Some(records.changes[0].id));
        assert_eq!(records.revisions[0].event_seq, 1);
        // A refusal is an event without rows, chained to the first.
        let refused = store
            .append(
                at,
                Batch {
                    actor: "bob".into(),
                    action: "refused".into(),
                    record: "QC-001 rev 1".into(),
                    note: serde_json::json!({ "reason": "wrong password" }),
                    inserts: vec![],
                },
            )
            .unwrap();
        assert_eq!(refused.seq, 2);
        let events = store.events().unwrap();
        assert_eq!(events[0].prev_hash, GENESIS);
        assert_eq!(events[1].prev_hash, events[0].hash);
        assert_eq!(event_hash(&events[1].prev_hash, &events[1]), events[1].hash);
        let v = audit::verify(store).unwrap();
        assert!(v.problems.is_empty(), "{:?}", v.problems);
        assert_eq!((v.events, v.rows), (2, 3));
        // Duplicate revision numbers are refused by the store, and nothing of the batch stays.
        let dup = store.append(
            at,
            Batch {
                actor: "ann".into(),
                action: "released".into(),
                record: "QC-001 rev 1".into(),
                note: serde_json::json!({}),
                inserts: vec![Insert::Revision(revision("QC-001", 1, "other"))],
            },
        );
        assert!(dup.is_err());
        assert_eq!(store.events().unwrap().len(), 2);
    }

    #[test]
    fn sqlite_passes_the_scenario() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(
            &dir.path().join("records.db"),
            sqlite::BUSY_TIMEOUT,
            Access::Create,
            "a test",
        )
        .unwrap();
        scenario(&mut store);
    }

    #[test]
    fn postgres_passes_the_scenario() {
        let Some(db) = postgres::testing::TestDb::new("postgres_passes_the_scenario") else {
            return;
        };
        let mut store = db.open();
        scenario(&mut store);
    }

    #[test]
    fn postgres_rows_cannot_be_updated_or_deleted_through_sql() {
        let Some(db) = postgres::testing::TestDb::new("postgres_rows_cannot_be_updated") else {
            return;
        };
        let mut store = db.open();
        scenario(&mut store);
        let mut client = db.client();
        for sql in [
            "UPDATE revisions SET summary = 'x'",
            "DELETE FROM events",
            "TRUNCATE seals",
            "UPDATE events SET detail = detail WHERE seq = 1",
        ] {
            let err = client.batch_execute(sql).unwrap_err();
            let shown = err
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_default();
            assert!(shown.contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(store.events().unwrap().len(), 2);
    }

    #[test]
    fn sqlite_rows_cannot_be_updated_through_sql() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.db");
        let mut store =
            SqliteStore::open(&path, sqlite::BUSY_TIMEOUT, Access::Create, "a test").unwrap();
        scenario(&mut store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let err = conn
            .execute("UPDATE revisions SET summary = 'x'", [])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        let err = conn.execute("DELETE FROM events", []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }

    #[test]
    fn credentials_are_not_printed() {
        let c = CredentialRow {
            id: 1,
            person: "ann".into(),
            hash: "$argon2id$secret".into(),
            set_at: DateTime::<Utc>::UNIX_EPOCH,
            event_seq: 1,
        };
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn sha256_hex_is_lowercase_hex_of_the_digest() {
        // FIPS 180-2 test vector; stored content and event hashes depend on this form.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

#[cfg(test)]
mod encoding {
    //! The inspection hash must not let one set of rows pass for another.

    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn row(lot: &str, serial: &str) -> InspectionRow {
        InspectionRow {
            id: 1,
            checklist_id: "CL-001".into(),
            revision_id: 1,
            revision_number: 1,
            lot: lot.into(),
            serial: serial.into(),
            inspector: "ann".into(),
            station: "main".into(),
            recorded_at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
            verdict: Verdict::Pass,
            reinspects: None,
            event_seq: 0,
        }
    }

    fn result(position: i64, value: &str, note: &str) -> ItemResultRow {
        ItemResultRow {
            inspection_id: 1,
            position,
            item_id: format!("i{position}"),
            value: value.into(),
            number: None,
            outcome: Outcome::Recorded,
            note: note.into(),
        }
    }

    fn hash(version: u8, i: &InspectionRow, results: &[ItemResultRow]) -> String {
        let mut h = Sha256::new();
        hash_inspection_as(version, &mut h, i, results, &[]);
        hex::encode(h.finalize())
    }

    #[test]
    fn a_result_folded_into_the_note_before_it_changes_the_hash() {
        // The attack on version 1: delete the last result and move its fields,
        // with the separators, into the previous row's note.
        let two = [result(1, "a", "n"), result(2, "b", "m")];
        let folded = [result(
            1,
            "a",
            "n\u{1f}\u{1e}2\u{1f}i2\u{1f}b\u{1f}\u{1f}recorded\u{1f}m",
        )];
        assert_eq!(
            hash(1, &row("L", "S"), &two),
            hash(1, &row("L", "S"), &folded),
            "version 1 cannot tell them apart"
        );
        assert_ne!(
            hash(2, &row("L", "S"), &two),
            hash(2, &row("L", "S"), &folded)
        );
    }

    #[test]
    fn the_time_is_encoded_as_it_is_stored() {
        let t = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(), timestamp(t));
    }

    proptest! {
        #[test]
        fn different_rows_never_encode_alike(
            a in proptest::collection::vec(("[a-z\u{1e}\u{1f}:0-9]{0,6}", "[a-z\u{1e}\u{1f}:0-9]{0,6}"), 0..4),
            b in proptest::collection::vec(("[a-z\u{1e}\u{1f}:0-9]{0,6}", "[a-z\u{1e}\u{1f}:0-9]{0,6}"), 0..4),
            lots in ("[a-z:0-9]{0,4}", "[a-z:0-9]{0,4}", "[a-z:0-9]{0,4}", "[a-z:0-9]{0,4}"),
        ) {
            let rows = |v: &[(String, String)]| -> Vec<ItemResultRow> {
                v.iter().enumerate().map(|(k, (value, note))| result(k as i64 + 1, value, note)).collect()
            };
            let (ra, rb) = (rows(&a), rows(&b));
            let (ia, ib) = (row(&lots.0, &lots.1), row(&lots.2, &lots.3));
            let same = (lots.0 == lots.2 && lots.1 == lots.3) && a == b;
            prop_assert_eq!(hash(2, &ia, &ra) == hash(2, &ib, &rb), same);
        }
    }
}

#[cfg(test)]
mod streaming {
    //! `audit verify` hashes inspections from the database's columns as it
    //! reads them; recording hashes the typed rows. Both must write the same
    //! bytes, in both encodings.

    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// The first encodings as they were written before the shared writer:
    /// what every recorded event's hash was made with.
    fn reference(
        version: u8,
        i: &InspectionRow,
        results: &[ItemResultRow],
        attachments: &[AttachmentRow],
    ) -> Vec<u8> {
        use std::fmt::Write as _;
        let mut buf = String::new();
        if version < 2 {
            let _ = write!(
                buf,
                "{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f",
                i.id,
                i.checklist_id,
                i.revision_id,
                i.revision_number,
                i.lot,
                i.serial,
                i.inspector,
                i.station,
                timestamp(i.recorded_at),
                i.verdict.as_str()
            );
            if let Some(r) = i.reinspects {
                let _ = write!(buf, "{r}");
            }
            buf.push_str("\x1f\x1e");
            for r in results {
                let _ = write!(buf, "{}\x1f{}\x1f{}\x1f", r.position, r.item_id, r.value);
                if let Some(n) = r.number {
                    let _ = write!(buf, "{n:?}");
                }
                let _ = write!(buf, "\x1f{}\x1f{}\x1f\x1e", r.outcome.as_str(), r.note);
            }
            return buf.into_bytes();
        }
        let mut field = |s: &str| {
            let _ = write!(buf, "{}:{s}", s.len());
        };
        field(&i.id.to_string());
        field(&i.checklist_id);
        field(&i.revision_id.to_string());
        field(&i.revision_number.to_string());
        field(&i.lot);
        field(&i.serial);
        field(&i.inspector);
        field(&i.station);
        field(&i.recorded_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
        field(i.verdict.as_str());
        field(&i.reinspects.map(|r| r.to_string()).unwrap_or_default());
        field(&results.len().to_string());
        if version >= 3 {
            field(&attachments.len().to_string());
        }
        for r in results {
            field(&r.position.to_string());
            field(&r.item_id);
            field(&r.value);
            field(&r.number.map(|x| format!("{x:?}")).unwrap_or_default());
            field(r.outcome.as_str());
            field(&r.note);
        }
        if version >= 3 {
            for a in attachments {
                field(&a.position.to_string());
                field(&a.item_id);
                field(&a.sha256);
                field(&a.media_type);
                field(&a.byte_size.to_string());
                field(&a.file_name);
            }
        }
        buf.into_bytes()
    }

    fn typed(version: u8, rows: &[NewInspection]) -> String {
        let mut h = Sha256::new();
        for n in rows {
            hash_inspection_as(version, &mut h, &n.row, &n.results, &n.attachments);
        }
        hex::encode(h.finalize())
    }

    /// Inspections with awkward values: separators and length-like text in
    /// notes and values, empty serials, numbers with many decimals, numbers
    /// not written as they print, negative ids nowhere but negative numbers.
    pub(in crate::store) fn generated(count: usize, reinspects: Option<i64>) -> Vec<NewInspection> {
        let mut rows = generated_with_photos(count, reinspects);
        for n in &mut rows {
            n.attachments.clear();
        }
        rows
    }

    /// The same, with photos attached to some (their bytes not kept).
    fn generated_with_photos(count: usize, reinspects: Option<i64>) -> Vec<NewInspection> {
        let start = Utc.with_ymd_and_hms(2026, 2, 3, 4, 5, 6).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        let numbers = [
            (Some(9.75), "9.750"),
            (Some(0.1 + 0.2), "0.30000000000000004"),
            (Some(-12.5), "-12.5"),
            (Some(1e-7), "0.0000001"),
            (Some(1234567.0), "1234567"),
            (Some(1.234567890123457), "1.234567890123457"),
            (Some(2.5e16), "25000000000000000"),
            (Some(120.3), "120.3"),
            (None, "p"),
            (Some(0.0), "0.0"),
        ];
        let texts = [
            "",
            "plain",
            "a\u{1f}b\u{1e}c",
            "3:abc",
            "\u{1e}\u{1f}",
            "ünïcødé",
            "12",
        ];
        (0..count)
            .map(|n| {
                let results: Vec<ItemResultRow> = (0..(n % 5))
                    .map(|k| {
                        let (number, value) = numbers[(n + k) % numbers.len()];
                        ItemResultRow {
                            inspection_id: 0,
                            position: k as i64 + 1,
                            item_id: format!("i{k}{}", texts[(n * 3 + k) % texts.len()]),
                            value: value.into(),
                            number,
                            outcome: [
                                Outcome::Pass,
                                Outcome::Fail,
                                Outcome::NotApplicable,
                                Outcome::Recorded,
                            ][(n + k) % 4],
                            note: texts[(n + 2 * k) % texts.len()].into(),
                        }
                    })
                    .collect();
                let verdict = if n % 3 == 1 {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                };
                NewInspection {
                    row: InspectionRow {
                        id: 0,
                        checklist_id: "CL-001".into(),
                        revision_id: 1,
                        revision_number: 1,
                        lot: format!("L{}{}", n / 2, texts[n % texts.len()]),
                        serial: if n % 2 == 0 {
                            String::new()
                        } else {
                            format!("S{n}\u{1f}")
                        },
                        inspector: "ann".into(),
                        station: texts[(n + 1) % texts.len()].into(),
                        recorded_at: start + chrono::Duration::microseconds(n as i64 * 1_000_003),
                        verdict,
                        reinspects: reinspects.filter(|_| n % 2 == 1),
                        event_seq: 0,
                    },
                    // Photos on some: awkward names, sizes of many digits.
                    attachments: (0..(n % 3))
                        .map(|k| AttachmentRow {
                            inspection_id: 0,
                            position: k as i64 + 1,
                            item_id: format!("i{k}"),
                            sha256: sha256_hex(PHOTOS[(n + k) % PHOTOS.len()]),
                            media_type: ["image/jpeg", "image/png", "image/heic"][(n + k) % 3]
                                .into(),
                            byte_size: [1, 12345, 10_485_760][(n + k) % 3],
                            file_name: texts[(n + k) % texts.len()].into(),
                        })
                        .collect(),
                    results,
                    nc_summary: (verdict == Verdict::Fail).then(|| format!("failed {n}")),
                }
            })
            .collect()
    }

    /// The bytes of the photos [`generated`] attaches.
    const PHOTOS: [&[u8]; 3] = [b"\xFF\xD8\xFF one", b"\x89PNG\r\n\x1a\n two", b"three"];

    fn record(store: &mut SqliteStore, rows: &mut [NewInspection]) -> (i64, i64) {
        for bytes in PHOTOS {
            store.photo_files().keep(bytes).unwrap();
        }
        let ids = store
            .record_inspections(
                Utc.with_ymd_and_hms(2026, 2, 3, 4, 5, 6).unwrap(),
                InspectionBatch {
                    actor: "ann".into(),
                    action: "inspected".into(),
                    record: "CL-001".into(),
                    note: serde_json::json!({}),
                    inspections: rows.to_vec(),
                },
            )
            .unwrap();
        for (n, (id, _)) in rows.iter_mut().zip(&ids) {
            n.row.id = *id;
            for r in &mut n.results {
                r.inspection_id = *id;
            }
            for a in &mut n.attachments {
                a.inspection_id = *id;
            }
        }
        (ids[0].0, ids[ids.len() - 1].0)
    }

    /// Records in `dir` with checklist CL-001 rev 1 released.
    pub(in crate::store) fn with_checklist(dir: &Path) -> SqliteStore {
        let mut store = SqliteStore::open(
            &dir.join("records.db"),
            sqlite::BUSY_TIMEOUT,
            Access::Create,
            "a test",
        )
        .unwrap();
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        store
            .append(
                at,
                Batch {
                    actor: "ann".into(),
                    action: "released".into(),
                    record: "CL-001 rev 1".into(),
                    note: serde_json::json!({}),
                    inserts: vec![Insert::Revision(RevisionRow {
                        id: 0,
                        doc_id: "CL-001".into(),
                        kind: DocKind::Checklist,
                        number: 1,
                        title: "T".into(),
                        path: "checklists/cl-001.toml".into(),
                        content: "c".into(),
                        content_hash: sha256_hex(b"c"),
                        summary: "First issue".into(),
                        minor: false,
                        author: "ann".into(),
                        created_at: at,
                        event_seq: 0,
                    })],
                },
            )
            .unwrap();
        store
    }

    #[test]
    fn many_ranges_read_side_by_side_agree_with_one_reader_and_catch_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = with_checklist(dir.path());
        let mut ranges = Vec::new();
        for _ in 0..6 {
            let mut rows = generated(5_000, None);
            let (from, to) = record(&mut store, &mut rows);
            ranges.push((from, to, INSPECTION_HASH_VERSION));
        }
        let one_by_one: Vec<String> = ranges
            .iter()
            .map(|&(f, t, v)| store.inspection_range(f, t, v).unwrap().hash)
            .collect();
        let side_by_side: Vec<String> = store
            .inspection_ranges(&ranges)
            .into_iter()
            .map(|r| r.unwrap().hash)
            .collect();
        assert_eq!(side_by_side, one_by_one);
        assert!(audit::verify(&mut store).unwrap().problems.is_empty());
        store
            .conn_for_tests()
            .execute_batch(
                "DROP TRIGGER inspections_no_update; UPDATE inspections SET lot = 'forged' WHERE id = 12345",
            )
            .unwrap();
        let problems = audit::verify(&mut store).unwrap().problems;
        assert_eq!(
            problems,
            vec![
                "an inspection or item result among INS-010001 to INS-015000 was changed after event 4 recorded it"
                    .to_string()
            ]
        );
    }

    #[test]
    fn the_range_check_hashes_what_the_typed_rows_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = with_checklist(dir.path());
        let mut first = generated_with_photos(23, None);
        let (a, b) = record(&mut store, &mut first);
        let mut second = generated_with_photos(31, Some(a));
        let (c, d) = record(&mut store, &mut second);
        for (rows, from, to) in [(&first, a, b), (&second, c, d)] {
            let photos: usize = rows.iter().map(|n| n.attachments.len()).sum();
            assert!(photos > 0);
            for version in [3, 2, 1] {
                let found = store.inspection_range(from, to, version).unwrap();
                assert_eq!(found.hash, typed(version, rows), "version {version}");
                assert_eq!(found.inspections, rows.len() as i64);
                let results: usize = rows.iter().map(|n| n.results.len()).sum();
                assert_eq!(found.results, results as i64);
                assert_eq!(found.stray_results, 0);
                assert_eq!(found.event_seqs.len(), 1);
                // Before version 3 an inspection held no photos: any there were added.
                let (held, stray) = if version >= 3 {
                    (photos, 0)
                } else {
                    (0, photos)
                };
                assert_eq!(
                    (found.attachments, found.stray_attachments),
                    (held as i64, stray as i64),
                    "version {version}"
                );
            }
        }
        // A range cut inside the batches: what lies in it, hashed alike.
        let cut: Vec<NewInspection> = first[5..].iter().chain(&second[..7]).cloned().collect();
        let found = store
            .inspection_range(first[5].row.id, second[6].row.id, 3)
            .unwrap();
        assert_eq!(found.hash, typed(3, &cut));
        assert_eq!(found.event_seqs.len(), 2);
        // What recording wrote in the events verifies.
        let v = audit::verify(&mut store).unwrap();
        assert!(v.problems.is_empty(), "{:?}", v.problems);
    }

    #[test]
    fn a_photo_row_changed_or_added_to_an_inspection_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = with_checklist(dir.path());
        let mut rows = generated_with_photos(6, None);
        record(&mut store, &mut rows);
        assert!(audit::verify(&mut store).unwrap().problems.is_empty());
        let conn = store.conn_for_tests();
        conn.execute_batch(
            "DROP TRIGGER attachments_no_update; UPDATE attachments SET byte_size = 1 WHERE inspection_id = 2 AND position = 1",
        )
        .unwrap();
        // An inspection without photos (the first) is given one.
        conn.execute_batch(&format!(
            "INSERT INTO attachments VALUES (1, 1, 'i0', '{}', 'image/png', 3, 'added.png')",
            sha256_hex(PHOTOS[1])
        ))
        .unwrap();
        assert_eq!(
            audit::verify(&mut store).unwrap().problems,
            [
                "an inspection, item result or photo among INS-000001 to INS-000006 was changed after event 2 recorded it"
            ]
        );
    }

    #[test]
    fn the_shared_writer_writes_the_bytes_of_both_first_encodings() {
        for n in generated_with_photos(40, Some(7)) {
            for version in [0, 1, 2, 3, 4] {
                let mut h = Sha256::new();
                hash_inspection_as(version, &mut h, &n.row, &n.results, &n.attachments);
                let mut r = Sha256::new();
                r.update(reference(version, &n.row, &n.results, &n.attachments));
                assert_eq!(h.finalize(), r.finalize(), "version {version}: {n:?}");
            }
        }
    }

    #[test]
    fn an_encoding_without_its_id_hashes_as_the_whole_once_the_id_is_known() {
        for version in [1, 2, 3] {
            let rows = generated_with_photos(40, Some(7));
            let mut enc = InspectionEncoder::new(version);
            let mut whole = Sha256::new();
            let mut parts = Sha256::new();
            for (k, n) in rows.iter().enumerate() {
                let mut row = n.row.clone();
                row.id = [1, 9, 10, 99, 100, 12345678901][k % 6] + k as i64;
                hash_inspection_as(version, &mut whole, &row, &n.results, &n.attachments);
                // Encoded with a made-up id, hashed with the real one.
                let mut without = Vec::new();
                encoding_without_id(&mut enc, &n.row, &n.results, &n.attachments, &mut without);
                hash_with_id(version, &mut parts, row.id, &without);
            }
            assert_eq!(whole.finalize(), parts.finalize(), "version {version}");
        }
    }

    #[test]
    fn a_number_is_taken_as_entered_only_when_it_prints_so() {
        for (text, x) in [
            ("9.75", 9.75),
            ("9.750", 9.75),
            ("0.0", 0.0),
            ("-0.0", -0.0),
            ("0.0", -0.0),
            ("-0.0", 0.0),
            ("0.0001", 1e-4),
            ("0.00001", 1e-5),
            ("1200.0", 1200.0),
            ("1200", 1200.0),
            ("01.5", 1.5),
            ("999999999999999.0", 999999999999999.0),
            ("9999999999999999.0", 9999999999999999.0),
            ("0.30000000000000004", 0.1 + 0.2),
            ("0.3", 0.1 + 0.2),
            ("1.00000000000000001", 1.0),
            ("+1.5", 1.5),
            ("1.5e3", 1500.0),
            (".5", 0.5),
            ("5.", 5.0),
        ] {
            if debug_form_of(text, x) {
                assert_eq!(format!("{x:?}"), text);
            }
        }
        assert!(debug_form_of("9.75", 9.75));
        assert!(debug_form_of("-0.0", -0.0));
        assert!(!debug_form_of("0.0", -0.0));
    }

    proptest! {
        #[test]
        fn a_number_taken_as_entered_is_what_it_prints(
            int in "-?[0-9]{0,17}",
            frac in "[0-9]{0,17}",
            bits in any::<u64>(),
        ) {
            let text = format!("{int}.{frac}");
            if let Ok(x) = text.parse::<f64>()
                && debug_form_of(&text, x)
            {
                prop_assert_eq!(format!("{x:?}"), text);
            }
            let x = f64::from_bits(bits);
            let shown = format!("{x:?}");
            if debug_form_of(&shown, x) {
                prop_assert_eq!(shown.parse::<f64>().map(f64::to_bits), Ok(bits));
            }
            let near = format!("{:.*}", (bits % 12) as usize, x);
            if let Ok(y) = near.parse::<f64>()
                && debug_form_of(&near, y)
            {
                prop_assert_eq!(format!("{y:?}"), near);
            }
        }
    }
}
