//! An import on PostgreSQL, staged as on SQLite: the inspections go to
//! TEMP tables of the connection's own as the file is read (with `COPY`,
//! a few megabytes at a time, so a million rows take no more memory than
//! ten), without the write lock; then one short transaction under the lock
//! moves them into the records with their ids and appends their event.
//! The hashes are made while staging for the ids the rows will most likely
//! get, and made again under the lock only if another writer came first.

use std::io::Write as _;

use anyhow::{Result, anyhow};
use chrono::{DateTime, Utc};
use postgres::{Client, Transaction};
use sha2::{Digest, Sha256};

use super::copy::escape_into;
use super::{
    BatchHeader, INSPECTION_HASH_VERSION, InspectionEncoder, InspectionRow, ItemResultRow, NcRow,
    NewInspection, Outcome, Verdict, chained_event, encoding_without_id, hash_inspection_as,
    hash_with_id, inspections_detail, parse_timestamp, row_hash, timestamp,
};

/// The staging tables; `k` counts inspections from 0, `j` nonconformances.
const STAGING: &str = r#"
    CREATE TEMP TABLE IF NOT EXISTS staged_inspections (
        k BIGINT NOT NULL, checklist_id TEXT COLLATE "C" NOT NULL, revision_id BIGINT NOT NULL,
        revision_number BIGINT NOT NULL, lot TEXT COLLATE "C" NOT NULL, serial TEXT COLLATE "C" NOT NULL,
        inspector TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        recorded_at TEXT COLLATE "C" NOT NULL, verdict TEXT COLLATE "C" NOT NULL, reinspects BIGINT);
    CREATE TEMP TABLE IF NOT EXISTS staged_results (
        k BIGINT NOT NULL, position BIGINT NOT NULL, item_id TEXT COLLATE "C" NOT NULL,
        value TEXT COLLATE "C" NOT NULL, number DOUBLE PRECISION, outcome TEXT COLLATE "C" NOT NULL,
        note TEXT COLLATE "C" NOT NULL);
    CREATE TEMP TABLE IF NOT EXISTS staged_ncs (
        j BIGINT NOT NULL, k BIGINT NOT NULL, opened_at TEXT COLLATE "C" NOT NULL,
        summary TEXT COLLATE "C" NOT NULL);
    TRUNCATE staged_inspections, staged_results, staged_ncs;
"#;

/// The staging tables go after each import, whatever happened.
pub(super) const DROP_STAGING: &str =
    "DROP TABLE IF EXISTS staged_inspections, staged_results, staged_ncs";

/// Bytes of `COPY` text sent at once.
const FLUSH: usize = 4 << 20;

/// The ids the next write will give: its event, first inspection and
/// first nonconformance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NextIds {
    seq: i64,
    inspection: i64,
    nc: i64,
}

fn next_ids(c: &mut impl postgres::GenericClient) -> std::result::Result<NextIds, postgres::Error> {
    let r = c.query_one(
        "SELECT (SELECT coalesce(max(seq), 0) + 1 FROM events),
                (SELECT coalesce(max(id), 0) + 1 FROM inspections),
                (SELECT coalesce(max(id), 0) + 1 FROM nonconformances)",
        &[],
    )?;
    Ok(NextIds {
        seq: r.try_get(0)?,
        inspection: r.try_get(1)?,
        nc: r.try_get(2)?,
    })
}

/// What was staged.
pub(super) struct Staged {
    count: i64,
    failed: usize,
    /// The `k` of each inspection that opened a nonconformance, in order.
    ncs: Vec<i64>,
    /// The ids the hashes were made for, and the hashes.
    expected: NextIds,
    hashes: (String, String),
}

/// One staging table's rows as `COPY` text, sent when large.
struct Sender {
    table: &'static str,
    text: String,
}

impl Sender {
    fn new(table: &'static str) -> Sender {
        Sender {
            table,
            text: String::new(),
        }
    }

    fn flush_if(&mut self, c: &mut Client, full: bool) -> Result<(), postgres::Error> {
        if self.text.is_empty() || (!full && self.text.len() < FLUSH) {
            return Ok(());
        }
        let mut w = c.copy_in(&format!("COPY {} FROM STDIN", self.table))?;
        // An error writing is the connection's: `finish` reports it.
        let _ = w.write_all(self.text.as_bytes());
        w.finish()?;
        self.text.clear();
        Ok(())
    }
}

fn field(out: &mut String, text: &str) {
    escape_into(out, text);
    out.push('\t');
}

fn end(out: &mut String) {
    out.pop();
    out.push('\n');
}

/// A failure while staging: the connection's, or the file's.
pub(super) enum StageError {
    Db(postgres::Error),
    Rows(anyhow::Error),
}

impl From<postgres::Error> for StageError {
    fn from(e: postgres::Error) -> Self {
        StageError::Db(e)
    }
}

/// Fills the staging tables from `rows`, hashing as it goes; nothing is
/// recorded. An `Err` from `rows` is returned as it is.
pub(super) fn stage(
    c: &mut Client,
    rows: &mut dyn Iterator<Item = Result<NewInspection>>,
) -> std::result::Result<Staged, StageError> {
    // The staged rows stay in this connection's memory rather than in
    // temporary files, where the server allows it (only before the
    // connection's first temporary table: a kept connection keeps its own).
    let _ = c.batch_execute("SET temp_buffers = '256MB'");
    c.batch_execute(STAGING)?;
    let expected = next_ids(c)?;
    let mut inspections = Sender::new("staged_inspections");
    let mut results = Sender::new("staged_results");
    let mut ncs_out = Sender::new("staged_ncs");
    let mut encoder = InspectionEncoder::new(INSPECTION_HASH_VERSION);
    let mut encoding = Vec::with_capacity(1024);
    let (mut hasher, mut nc_hasher) = (Sha256::new(), Sha256::new());
    let (mut count, mut failed, mut ncs) = (0i64, 0usize, Vec::new());
    for new in rows {
        // A problem found further down the file leaves nothing recorded.
        let new = new.map_err(StageError::Rows)?;
        if !new.attachments.is_empty() {
            return Err(StageError::Rows(anyhow!(
                "an import records no photos; attach them when an inspection is recorded on its own"
            )));
        }
        let k = count;
        let r = &new.row;
        let t = &mut inspections.text;
        field(t, &k.to_string());
        field(t, &r.checklist_id);
        field(t, &r.revision_id.to_string());
        field(t, &r.revision_number.to_string());
        field(t, &r.lot);
        field(t, &r.serial);
        field(t, &r.inspector);
        field(t, &r.station);
        field(t, &timestamp(r.recorded_at));
        field(t, r.verdict.as_str());
        match r.reinspects {
            Some(id) => field(t, &id.to_string()),
            None => t.push_str("\\N\t"),
        }
        end(t);
        for res in &new.results {
            let t = &mut results.text;
            field(t, &k.to_string());
            field(t, &res.position.to_string());
            field(t, &res.item_id);
            field(t, &res.value);
            match res.number {
                Some(x) => field(t, &format!("{x:?}")),
                None => t.push_str("\\N\t"),
            }
            field(t, res.outcome.as_str());
            field(t, &res.note);
            end(t);
        }
        encoding.clear();
        encoding_without_id(&mut encoder, r, &new.results, &[], &mut encoding);
        hash_with_id(
            INSPECTION_HASH_VERSION,
            &mut hasher,
            expected.inspection + k,
            &encoding,
        );
        if r.verdict == Verdict::Fail {
            failed += 1;
        }
        if let Some(summary) = &new.nc_summary {
            let j = ncs.len() as i64;
            let t = &mut ncs_out.text;
            field(t, &j.to_string());
            field(t, &k.to_string());
            field(t, &timestamp(r.recorded_at));
            field(t, summary);
            end(t);
            nc_hasher.update(
                row_hash(&NcRow {
                    id: expected.nc + j,
                    inspection_id: expected.inspection + k,
                    opened_at: r.recorded_at,
                    summary: summary.clone(),
                    event_seq: expected.seq,
                })
                .as_bytes(),
            );
            ncs.push(k);
        }
        count += 1;
        for s in [&mut inspections, &mut results, &mut ncs_out] {
            s.flush_if(c, false)?;
        }
    }
    for s in [&mut inspections, &mut results, &mut ncs_out] {
        s.flush_if(c, true)?;
    }
    Ok(Staged {
        count,
        failed,
        ncs,
        expected,
        hashes: (
            hex::encode(hasher.finalize()),
            hex::encode(nc_hasher.finalize()),
        ),
    })
}

/// The hashes of the staged rows for `ids`, read back from the staging
/// tables (another writer came first), a row at a time.
fn staged_hashes(
    tx: &mut Transaction<'_>,
    ids: &NextIds,
) -> std::result::Result<(String, String), postgres::Error> {
    let mut hasher = Sha256::new();
    let rows = tx.query_raw(
        "SELECT i.k, i.checklist_id, i.revision_id, i.revision_number, i.lot, i.serial, i.inspector,
                i.station, i.recorded_at, i.verdict, i.reinspects,
                r.position, r.item_id, r.value, r.number, r.outcome, r.note
         FROM staged_inspections i LEFT JOIN staged_results r ON r.k = i.k
         ORDER BY i.k, r.position",
        std::iter::empty::<i64>(),
    )?;
    let mut rows = rows;
    let mut current: Option<(InspectionRow, Vec<ItemResultRow>)> = None;
    let mut finish = |done: Option<(InspectionRow, Vec<ItemResultRow>)>| {
        if let Some((row, results)) = done {
            hash_inspection_as(INSPECTION_HASH_VERSION, &mut hasher, &row, &results, &[]);
        }
    };
    while let Some(r) = postgres::fallible_iterator::FallibleIterator::next(&mut rows)? {
        let k: i64 = r.try_get(0)?;
        let id = ids.inspection + k;
        if current.as_ref().is_none_or(|(row, _)| row.id != id) {
            let recorded: String = r.try_get(8)?;
            let verdict: String = r.try_get(9)?;
            finish(current.take());
            current = Some((
                InspectionRow {
                    id,
                    checklist_id: r.try_get(1)?,
                    revision_id: r.try_get(2)?,
                    revision_number: r.try_get(3)?,
                    lot: r.try_get(4)?,
                    serial: r.try_get(5)?,
                    inspector: r.try_get(6)?,
                    station: r.try_get(7)?,
                    recorded_at: parse_timestamp(&recorded).unwrap_or_default(),
                    verdict: Verdict::parse(&verdict).unwrap_or(Verdict::Fail),
                    reinspects: r.try_get(10)?,
                    event_seq: ids.seq,
                },
                Vec::new(),
            ));
        }
        let Some(position) = r.try_get::<_, Option<i64>>(11)? else {
            continue;
        };
        let outcome: String = r.try_get(15)?;
        if let Some((_, results)) = current.as_mut() {
            results.push(ItemResultRow {
                inspection_id: id,
                position,
                item_id: r.try_get(12)?,
                value: r.try_get(13)?,
                number: r.try_get(14)?,
                outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Fail),
                note: r.try_get(16)?,
            });
        }
    }
    finish(current.take());
    drop(rows);
    let mut nc_hasher = Sha256::new();
    for r in tx.query(
        "SELECT j, k, opened_at, summary FROM staged_ncs ORDER BY j",
        &[],
    )? {
        let opened: String = r.try_get(2)?;
        let row = NcRow {
            id: ids.nc + r.try_get::<_, i64>(0)?,
            inspection_id: ids.inspection + r.try_get::<_, i64>(1)?,
            opened_at: parse_timestamp(&opened).unwrap_or_default(),
            summary: r.try_get(3)?,
            event_seq: ids.seq,
        };
        nc_hasher.update(row_hash(&row).as_bytes());
    }
    Ok((
        hex::encode(hasher.finalize()),
        hex::encode(nc_hasher.finalize()),
    ))
}

/// Moves the staged rows into the records and appends their event, in
/// one transaction under the write lock.
pub(super) fn move_in(
    c: &mut Client,
    write_lock: i64,
    at: DateTime<Utc>,
    header: BatchHeader,
    staged: Staged,
) -> std::result::Result<Vec<(i64, Option<i64>)>, postgres::Error> {
    let mut tx = c.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&write_lock])?;
    let ids = next_ids(&mut tx)?;
    let hashes = if ids == staged.expected {
        staged.hashes
    } else {
        staged_hashes(&mut tx, &ids)?
    };
    let prev_hash: String = tx
        .query_opt("SELECT hash FROM events ORDER BY seq DESC LIMIT 1", &[])?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or_else(|| super::GENESIS.to_string());
    tx.execute(
        "INSERT INTO inspections (id, checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq)
         SELECT $1 + k, checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, $2
         FROM staged_inspections",
        &[&ids.inspection, &ids.seq],
    )?;
    tx.execute(
        "INSERT INTO item_results (inspection_id, position, item_id, value, number, outcome, note)
         SELECT $1 + k, position, item_id, value, number, outcome, note FROM staged_results",
        &[&ids.inspection],
    )?;
    tx.execute(
        "INSERT INTO nonconformances (id, inspection_id, opened_at, summary, event_seq)
         SELECT $1 + j, $2 + k, opened_at, summary, $3 FROM staged_ncs",
        &[&ids.nc, &ids.inspection, &ids.seq],
    )?;
    let count = staged.count;
    let span = match count {
        0 => (0, 0),
        n => (ids.inspection, ids.inspection + n - 1),
    };
    let detail = inspections_detail(
        header.note,
        count as usize,
        staged.failed,
        span,
        &hashes.0,
        staged.ncs.len(),
        &hashes.1,
    );
    let event = chained_event(
        ids.seq,
        prev_hash,
        at,
        (header.actor, header.action, header.record),
        &detail,
    );
    super::postgres::write_event(&mut tx, &event)?;
    tx.commit()?;
    let mut ncs = staged.ncs.iter().zip(ids.nc..).peekable();
    Ok((0..count)
        .map(|k| {
            let nc = ncs
                .next_if(|(opened_by, _)| **opened_by == k)
                .map(|(_, id)| id);
            (ids.inspection + k, nc)
        })
        .collect())
}
