//! The records: one [`Store`] trait with a SQLite implementation (the
//! embedded default). Every table is append-only; a batch of new rows is
//! written together with one audit event, in one transaction, and the
//! event carries the hash of each row it wrote, chained to the event before.

pub mod audit;
mod sqlite;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use crate::model::records::*;
pub use sqlite::{APPLICATION_ID, Access, DEFAULT_ORIGIN, SqliteStore};

/// Where the embedded database lives in a workspace.
pub const DEFAULT_DATABASE: &str = ".sopbook/records.db";

/// An inspection to record, with its results; a failed one opens a
/// nonconformance with `nc_summary`.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub row: InspectionRow,
    pub results: Vec<ItemResultRow>,
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
        self.append_sealed(at, batch, None)
    }
    /// The same, sealing every row of the batch that `sealer`'s person signs.
    fn append_sealed(
        &mut self,
        at: DateTime<Utc>,
        batch: Batch,
        sealer: Option<&Sealer>,
    ) -> Result<Appended>;
    /// Every signing key row, in id order.
    fn signing_keys(&mut self) -> Result<Vec<SigningKeyRow>>;
    /// Every seal, in id order.
    fn seals(&mut self) -> Result<Vec<SealRow>>;
    /// Revisions, changes and signatures, each in id order.
    fn records(&mut self) -> Result<Records>;
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
        let InspectionBatch {
            actor,
            action,
            record,
            note,
            inspections,
        } = batch;
        let header = BatchHeader {
            actor,
            action,
            record,
            note,
        };
        self.record_inspection_stream(at, header, &mut inspections.into_iter().map(Ok))
    }
    /// The same, pulling the inspections from `rows` while it writes (an
    /// import parses on another thread meanwhile). An `Err` from `rows`
    /// rolls everything back and is returned: all or nothing.
    fn record_inspection_stream(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        rows: &mut dyn Iterator<Item = Result<NewInspection>>,
    ) -> Result<Vec<(i64, Option<i64>)>>;
    fn inspections(&mut self, filter: &InspectionFilter) -> Result<Vec<InspectionRow>>;
    fn item_results(&mut self, inspection_id: i64) -> Result<Vec<ItemResultRow>>;
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
    /// Item results whose inspection does not exist: (inspection id, position).
    fn stray_item_results(&mut self) -> Result<Vec<(i64, i64)>>;
    /// How many inspections and item results there are.
    fn counts(&mut self) -> Result<(i64, i64)>;
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

/// How a batch of inspections is hashed. Version 1 joined fields with
/// separator characters, which a crafted value could imitate; version 2
/// prefixes every field with its length. Each event says which it used.
pub const INSPECTION_HASH_VERSION: u8 = 2;

/// Feeds one inspection and its results into a running hash in the
/// encoding of `version`.
pub fn hash_inspection_as(
    version: u8,
    h: &mut Sha256,
    i: &InspectionRow,
    results: &[ItemResultRow],
) {
    if version < 2 {
        return hash_inspection(h, i, results);
    }
    use std::fmt::Write as _;
    // One buffer, written field by field: this runs for every recorded row.
    fn field(buf: &mut String, s: &str) {
        let _ = write!(buf, "{}:", s.len());
        buf.push_str(s);
    }
    let mut buf = String::with_capacity(320);
    let mut scratch = String::with_capacity(32);
    let mut shown = |buf: &mut String, x: std::fmt::Arguments<'_>| {
        scratch.clear();
        let _ = scratch.write_fmt(x);
        field(buf, &scratch);
    };
    shown(&mut buf, format_args!("{}", i.id));
    field(&mut buf, &i.checklist_id);
    shown(&mut buf, format_args!("{}", i.revision_id));
    shown(&mut buf, format_args!("{}", i.revision_number));
    field(&mut buf, &i.lot);
    field(&mut buf, &i.serial);
    field(&mut buf, &i.inspector);
    field(&mut buf, &i.station);
    // As `timestamp` writes it: RFC 3339, UTC, microseconds.
    shown(
        &mut buf,
        format_args!("{}", i.recorded_at.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
    );
    field(&mut buf, i.verdict.as_str());
    match i.reinspects {
        Some(r) => shown(&mut buf, format_args!("{r}")),
        None => field(&mut buf, ""),
    }
    shown(&mut buf, format_args!("{}", results.len()));
    for r in results {
        shown(&mut buf, format_args!("{}", r.position));
        field(&mut buf, &r.item_id);
        field(&mut buf, &r.value);
        match r.number {
            Some(x) => shown(&mut buf, format_args!("{x:?}")),
            None => field(&mut buf, ""),
        }
        field(&mut buf, r.outcome.as_str());
        field(&mut buf, &r.note);
    }
    h.update(buf.as_bytes());
}

/// Feeds one inspection and its results into a running hash, in the first
/// encoding (fields separated by 0x1f, rows ended by 0x1e): kept to verify
/// what was recorded with it.
pub fn hash_inspection(h: &mut Sha256, i: &InspectionRow, results: &[ItemResultRow]) {
    use std::fmt::Write as _;
    // One buffer, written field by field: this runs for every imported row.
    let mut buf = String::with_capacity(256);
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
    h.update(buf.as_bytes());
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
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        bail!(
            "PostgreSQL records ({origin}) are not supported by this version of sopbook\n\nhelp: use a SQLite file (remove `database` from sopbook.toml to use {DEFAULT_DATABASE})"
        );
    }
    if let Some((scheme, _)) = spec.split_once("://")
        && !lower.starts_with("sqlite://")
    {
        bail!(
            "`{scheme}://` ({origin}) is not a kind of records sopbook knows\n\nhelp: give the path of a SQLite file, or a sqlite:// URL"
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

/// The hash the first event chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[cfg(test)]
mod tests {
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
        hash_inspection_as(version, &mut h, i, results);
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
