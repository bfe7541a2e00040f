//! The embedded store: one SQLite file in WAL mode with full fsync, a busy
//! timeout, foreign keys on, and migrations applied on open.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OptionalExtension, ToSql, TransactionBehavior, params};

use crate::model::records::{
    ChangeKind, DocKind, LotApprovalRow, LotCloseRow, LotDecision, LotRow, Meaning, Outcome,
    Severity, StepKind, Verdict,
};

use sha2::{Digest, Sha256};

use crate::error::{ErrorKind, StoreFailure};

use super::copy::Cell;
use super::photos::PhotoFiles;
use super::{
    AcknowledgementRow, Appended, AttachmentRow, Batch, BatchHeader, ChainHead, ChangeRow,
    CredentialRow, EventRow, GENESIS, GroupBy, GroupCount, INSPECTION_HASH_VERSION,
    InspectionBatch, InspectionEncoder, InspectionFields, InspectionFilter, InspectionRow,
    ItemResultRow, KeptFacts, KeyResetRow, NcRow, NcStepRow, NewInspection, NewRow, RangeCheck,
    RangeWalk, Records, ResultFields, RevisionRow, RosterRow, SealRow, Sealer, SessionEndRow,
    SessionRow, SignatureRow, SigningKeyRow, Store, StoreStatus, TABLES, TableCount, VoidRow,
    append_rows, chained_event, encoding_without_id, hash_inspection_as, hash_with_id,
    inspections_detail, row_hash, timestamp,
};

/// Which documents' records to read.
#[derive(Clone, Copy)]
enum DocFilter<'a> {
    All,
    One(&'a str),
    Many(&'a [String]),
}

/// Migrations in order; the database's `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_records.sql"),
    include_str!("../../migrations/sqlite/0002_inspections.sql"),
    include_str!("../../migrations/sqlite/0003_sessions.sql"),
    include_str!("../../migrations/sqlite/0004_keys.sql"),
    include_str!("../../migrations/sqlite/0005_key_resets.sql"),
    include_str!("../../migrations/sqlite/0006_rosters.sql"),
    include_str!("../../migrations/sqlite/0007_submissions.sql"),
    include_str!("../../migrations/sqlite/0008_tokens.sql"),
    include_str!("../../migrations/sqlite/0009_attachments.sql"),
    include_str!("../../migrations/sqlite/0010_acknowledgements.sql"),
    include_str!("../../migrations/sqlite/0011_text_facts.sql"),
    include_str!("../../migrations/sqlite/0012_lots.sql"),
];

/// How long a writer waits for another writer before giving up, unless
/// `SOPBOOK_BUSY_TIMEOUT_MS` says otherwise.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteStore {
    conn: pool::Pooled,
    path: PathBuf,
    busy_timeout: Duration,
    /// This process's writers to the same file: their queue and their gate.
    queue: std::sync::Arc<group::Queue>,
}

// BOUND_TEXT: a column compared with a bound value in a query that is also
// ordered (`WHERE doc_id = ?1 ORDER BY id`) lets SQLite's planner lean on
// the value, and such a statement is prepared again each time the kept
// statement's values are cleared for its next use: at every request of a
// server. The value is bound as `CAST(?1 AS TEXT)` instead, which uses the
// same index and is prepared once. Test:
// `a_kept_connection_answers_request_after_request_without_preparing_again`.

/// Marks a SQLite file as sopbook's records (`PRAGMA application_id`): "SOPB".
pub const APPLICATION_ID: i64 = 0x534F_5042;

/// What a command will do with the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only read: nothing in the file is changed, no schema is added.
    Read,
    /// Read and record; the database must exist.
    Write,
    /// Read and record, creating the database if there is none.
    Create,
}

/// Where a path came from when it is the default one: `.sopbook/records.db`.
pub const DEFAULT_ORIGIN: &str = "the default location";

enum Ownership {
    Ours(i64),
    Empty,
    Foreign(String),
}

/// Waiting for the write lock. SQLite's own busy handler backs off in
/// steps that let a crowd of writers starve one of them, so each wait is
/// short and retried after a random pause, until the whole timeout is spent.
struct Waits {
    total: Duration,
    started: std::time::Instant,
}

/// How long SQLite waits at a time before sopbook retries.
const WAIT_STEP: Duration = Duration::from_millis(100);

impl Waits {
    fn new(total: Duration) -> Waits {
        Waits {
            total,
            started: std::time::Instant::now(),
        }
    }

    /// Whether to try again; pauses a little first, and shortens SQLite's
    /// own wait so that the total stays within the timeout.
    fn again(&mut self, conn: &Connection) -> bool {
        let spent = self.started.elapsed();
        if spent >= self.total {
            let _ = conn.busy_timeout(self.total);
            return false;
        }
        let pause = Duration::from_millis(u64::from(getrandom::u32().unwrap_or(7) % 20));
        std::thread::sleep(pause);
        let left = self.total.saturating_sub(self.started.elapsed());
        let _ = conn.busy_timeout(left.min(WAIT_STEP));
        true
    }

    fn done(&self, conn: &Connection) {
        let _ = conn.busy_timeout(self.total);
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// A stored time, read back; text that is not a time is a damaged record.
struct Stamp(DateTime<Utc>);

impl FromSql for Stamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        crate::model::records::parse_timestamp(text)
            .map(Stamp)
            .ok_or_else(|| FromSqlError::Other(format!("`{text}` is not a time").into()))
    }
}

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        person: r.get(1)?,
        token_hash: r.get(2)?,
        started_at: r.get::<_, Stamp>(3)?.0,
        expires_at: r.get::<_, Stamp>(4)?.0,
        event_seq: r.get(5)?,
        kind: r.get(6)?,
    })
}

fn session_end_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionEndRow> {
    Ok(SessionEndRow {
        id: r.get(0)?,
        session_id: r.get(1)?,
        ended_at: r.get::<_, Stamp>(2)?.0,
        reason: r.get(3)?,
        event_seq: r.get(4)?,
    })
}

/// A stored calendar date.
struct Day(chrono::NaiveDate);

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Day)
            .map_err(|_| FromSqlError::Other(format!("`{text}` is not a date").into()))
    }
}

/// The record's words (kinds, verdicts, meanings) as TEXT columns.
macro_rules! text_column {
    ($($t:ty),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                <$t>::parse(text).ok_or_else(|| {
                    FromSqlError::Other(format!("`{text}` is not a {}", stringify!($t)).into())
                })
            }
        }
    )+};
}

text_column!(
    DocKind,
    ChangeKind,
    Meaning,
    StepKind,
    Verdict,
    Outcome,
    Severity,
    LotDecision
);

/// Whether the disk holding `path` refuses even a small write: sopbook
/// writes a probe file beside it, and removes it.
fn disk_is_full(path: &Path) -> bool {
    use std::io::Write as _;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let probe = folder.join(format!(".sopbook-space-{}", std::process::id()));
    let written = std::fs::File::create_new(&probe).and_then(|mut f| {
        f.write_all(&[0u8; 16 * 1024])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    matches!(written, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

/// Turns SQLite's error into one that says which file and what to do.
fn explain(e: rusqlite::Error, path: &Path, busy_timeout: Duration) -> anyhow::Error {
    let shown = path.display();
    let mut code = e.sqlite_error_code();
    // A full disk often shows as an I/O error (the write-ahead log or its
    // index could not grow): look whether the disk has room at all.
    if code == Some(ErrorCode::SystemIoFailure) && disk_is_full(path) {
        code = Some(ErrorCode::DiskFull);
    }
    let kind = match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => ErrorKind::StoreBusy,
        Some(ErrorCode::DiskFull) => ErrorKind::StoreFull,
        _ => ErrorKind::Store,
    };
    let message = match code {
        Some(ErrorCode::NotADatabase) => format!(
            "`{shown}` is not a sopbook records database (SQLite says: {e})\n\nhelp: point `database` in sopbook.toml or SOPBOOK_DATABASE at the right file, or move this one away"
        ),
        Some(ErrorCode::ReadOnly) => format!(
            "the records database `{shown}` is read-only, so nothing could be recorded\n\nhelp: check the permissions of the file and of its folder"
        ),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => format!(
            "the records database `{shown}` is locked by another writer for longer than {:.1} s; nothing was recorded\n\nhelp: try again when the other sopbook command has finished",
            busy_timeout.as_secs_f64()
        ),
        Some(ErrorCode::DiskFull) => format!(
            "the disk holding the records database `{shown}` is full; nothing was recorded\n\nhelp: free some space on that disk and try again"
        ),
        Some(ErrorCode::CannotOpen) => format!(
            "could not open the records database `{shown}` ({e})\n\nhelp: check that its folder exists and is writable"
        ),
        _ => return anyhow!(e).context(format!("the records database `{shown}` failed")),
    };
    anyhow::Error::new(StoreFailure(kind)).context(message)
}

impl SqliteStore {
    /// Opens the records at `path` for `access`; `origin` says where the
    /// path came from, for messages. A database that is not sopbook's, or
    /// that a newer sopbook wrote, is refused before anything is written.
    pub fn open(
        path: &Path,
        busy_timeout: Duration,
        access: Access,
        origin: &str,
    ) -> Result<SqliteStore> {
        let shown = path.display();
        if path.is_dir() {
            return Err(anyhow!(
                "`{shown}` is a folder, but the records database must be a file"
            ));
        }
        let exists = path.exists();
        if exists && !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            return Err(anyhow!(
                "`{shown}` ({origin}) is not a regular file, so it cannot be the records database"
            ));
        }
        if !exists {
            match access {
                // Nothing recorded yet: reading finds nothing, and nothing is created.
                Access::Read if origin == DEFAULT_ORIGIN => {
                    return SqliteStore::empty(busy_timeout);
                }
                Access::Create => {}
                _ => {
                    return Err(anyhow::Error::new(StoreFailure(ErrorKind::NotFound)).context(format!(
                        "there is no records database at `{shown}` ({origin}); nothing was read or written\n\nhelp: check the path; to start new records there, run the command again with --create-records"
                    )));
                }
            }
            if let Some(parent) = path.parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!(
                        "could not create the folder `{}` for the records",
                        parent.display()
                    )
                })?;
            }
        }
        let (conn, kept) = match pool::take(path) {
            Some(conn) => (conn, true),
            None => (
                Connection::open(path).map_err(|e| explain(e, path, busy_timeout))?,
                false,
            ),
        };
        let store = SqliteStore {
            conn: pool::Pooled::new(conn, Some(path)),
            path: path.to_path_buf(),
            busy_timeout,
            queue: group::queue_for(path),
        };
        store
            .conn
            .busy_timeout(busy_timeout)
            .map_err(|e| store.explain(e))?;
        // A server keeps its connections: their statements are kept too.
        store.conn.set_prepared_statement_cache_capacity(64);
        // A kept connection was checked, set up and migrated when it was
        // opened; only another sopbook migrating the file since would change
        // that, and that shows in the version.
        if kept
            && store
                .conn
                .prepare_cached("PRAGMA user_version")
                .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
                .is_ok_and(|v| v == MIGRATIONS.len() as i64)
        {
            return Ok(store);
        }
        match store.ownership().map_err(|e| store.explain(e))? {
            Ownership::Ours(version) if version > MIGRATIONS.len() as i64 => {
                return Err(anyhow!(
                    "the records database `{shown}` was written by a newer sopbook (records version {version}; this sopbook knows up to {}); nothing was read or written\n\nhelp: use the newer sopbook",
                    MIGRATIONS.len()
                ));
            }
            Ownership::Ours(_) => {}
            Ownership::Empty if access == Access::Create => {}
            Ownership::Empty => {
                return Err(anyhow!(
                    "`{shown}` ({origin}) is an empty file, not a records database; nothing was written\n\nhelp: run the command again with --create-records to start new records there"
                ));
            }
            Ownership::Foreign(what) => {
                return Err(anyhow!(
                    "`{shown}` ({origin}) is not a sopbook records database ({what}); nothing was read or written\n\nhelp: point it at sopbook's records, or move this file away"
                ));
            }
        }
        store.setup(access).map_err(|e| store.explain(e))?;
        if access != Access::Read {
            store.migrate().map_err(|e| store.explain(e))?;
        }
        Ok(store)
    }

    /// Rosters in id order, `order` appended to the query (" DESC LIMIT 1").
    fn load_rosters(&self, order: &str) -> Result<Vec<RosterRow>> {
        let load = || -> rusqlite::Result<Vec<RosterRow>> {
            if !self.has_table("rosters")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached(&format!(
                    "SELECT id, people, recorded_at, event_seq FROM rosters ORDER BY id{order}"
                ))?
                .query_map([], |r| {
                    Ok(RosterRow {
                        id: r.get(0)?,
                        people: r.get(1)?,
                        recorded_at: r.get::<_, Stamp>(2)?.0,
                        event_seq: r.get(3)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| self.explain(e))
    }

    /// The connection itself, for tests that tamper as an attacker would.
    #[cfg(test)]
    pub(crate) fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// Records in memory, with nothing in them: what a workspace that has
    /// recorded nothing yet reads.
    fn empty(busy_timeout: Duration) -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        let store = SqliteStore {
            conn: pool::Pooled::new(conn, None),
            path: PathBuf::from(":memory:"),
            busy_timeout,
            queue: std::sync::Arc::default(),
        };
        store.migrate().map_err(|e| store.explain(e))?;
        Ok(store)
    }

    /// Whose database this is, read without writing anything.
    fn ownership(&self) -> rusqlite::Result<Ownership> {
        // Reading the header fails at once on a file that is not a database.
        let app: i64 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: Vec<String> = self
            .conn
            .prepare_cached("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(if app == APPLICATION_ID {
            Ownership::Ours(version)
        } else if app == 0 && tables.is_empty() && version == 0 {
            Ownership::Empty
        } else if app == 0
            && version >= 1
            && ["credentials", "events", "revisions", "signatures"]
                .iter()
                .all(|t| tables.iter().any(|x| x == t))
        {
            // Written by sopbook before databases were marked as its own.
            Ownership::Ours(version)
        } else if app != 0 {
            Ownership::Foreign(format!("its application id is {app:#x}"))
        } else {
            let shown: Vec<_> = tables.iter().take(5).map(String::as_str).collect();
            Ownership::Foreign(format!("it holds the tables {}", shown.join(", ")))
        })
    }

    /// Revisions, changes and signatures, of one document or of all.
    fn load_records(&self, doc: Option<&str>) -> Result<Records> {
        let filter = doc.map_or(DocFilter::All, DocFilter::One);
        self.load_records_with(filter, false)
    }

    /// The records of the documents `filter` names; with `outline`, without
    /// the texts no one needs to know what is in force (see
    /// [`Store::records_outline`]), which SQLite then need not copy out.
    fn load_records_with(&self, docs: DocFilter<'_>, outline: bool) -> Result<Records> {
        let (content, reason, approver_roles, hash, note) = if outline {
            ("''", "''", "''", "''", "''")
        } else {
            (
                "content",
                "reason",
                "approver_roles",
                "content_hash",
                "note",
            )
        };
        // With documents, their rows only, through the doc_id indexes. (A
        // value is cast: see `BOUND_TEXT`.)
        let (filter, arg) = match docs {
            DocFilter::All => ("", None),
            DocFilter::One(id) => ("WHERE doc_id = CAST(?1 AS TEXT)", Some(id.to_string())),
            DocFilter::Many(ids) => (
                "WHERE doc_id IN (SELECT value FROM json_each(?1))",
                Some(serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string())),
            ),
        };
        let args = rusqlite::params_from_iter(arg.iter());
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Records> {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT id, doc_id, kind, number, title, path, {content}, content_hash, summary, minor, author, created_at, event_seq
                 FROM revisions {filter} ORDER BY id"
            ))?;
            let revisions = stmt
                .query_map(args.clone(), |r| {
                    Ok(RevisionRow {
                        id: r.get(0)?,
                        doc_id: r.get(1)?,
                        kind: r.get(2)?,
                        number: r.get(3)?,
                        title: r.get(4)?,
                        path: r.get(5)?,
                        content: r.get(6)?,
                        content_hash: r.get(7)?,
                        summary: r.get(8)?,
                        minor: r.get(9)?,
                        author: r.get(10)?,
                        created_at: r.get::<_, Stamp>(11)?.0,
                        event_seq: r.get(12)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT id, doc_id, kind, revision_id, requested_by, {reason}, effective_date, required, {approver_roles}, created_at, event_seq
                 FROM changes {filter} ORDER BY id"
            ))?;
            let changes = stmt
                .query_map(args.clone(), |r| {
                    Ok(ChangeRow {
                        id: r.get(0)?,
                        doc_id: r.get(1)?,
                        kind: r.get(2)?,
                        revision_id: r.get(3)?,
                        requested_by: r.get(4)?,
                        reason: r.get(5)?,
                        effective_date: r.get::<_, Option<Day>>(6)?.map(|d| d.0),
                        required: r.get(7)?,
                        approver_roles: r.get(8)?,
                        created_at: r.get::<_, Stamp>(9)?.0,
                        event_seq: r.get(10)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT id, change_id, doc_id, revision_id, signer, meaning, signed_at, {hash}, {note}, event_seq
                 FROM signatures {filter} ORDER BY id"
            ))?;
            let signatures = stmt
                .query_map(args.clone(), |r| {
                    Ok(SignatureRow {
                        id: r.get(0)?,
                        change_id: r.get(1)?,
                        doc_id: r.get(2)?,
                        revision_id: r.get(3)?,
                        signer: r.get(4)?,
                        meaning: r.get(5)?,
                        signed_at: r.get::<_, Stamp>(6)?.0,
                        content_hash: r.get(7)?,
                        note: r.get(8)?,
                        event_seq: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Records {
                revisions,
                changes,
                signatures,
            })
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    /// The columns of a session row to select: records opened only to read
    /// may predate API tokens (migration 0008), and all their sessions are
    /// sign-ins.
    fn session_columns(&self) -> rusqlite::Result<&'static str> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'kind'",
            )?
            .query_row([], |r| r.get(0))?;
        Ok(if n > 0 {
            "id, person, token_hash, started_at, expires_at, event_seq, kind"
        } else {
            "id, person, token_hash, started_at, expires_at, event_seq, 'sign-in'"
        })
    }

    /// Whether a table exists (records opened only to read may predate it).
    fn has_table(&self, name: &str) -> rusqlite::Result<bool> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            )?
            .query_row([name], |r| r.get(0))?;
        Ok(n > 0)
    }

    fn explain(&self, e: rusqlite::Error) -> anyhow::Error {
        explain(e, &self.path, self.busy_timeout)
    }

    /// Sets the connection up, changing only what is not set yet: setting a
    /// pragma (even to its current value) makes SQLite throw away every
    /// prepared statement of the connection, and a server's kept
    /// connections would then prepare each statement again at every request.
    fn setup(&self, access: Access) -> rusqlite::Result<()> {
        let read_only = self.conn.is_readonly(rusqlite::MAIN_DB)?;
        // The journal mode is kept in the file: only a command that records switches it.
        if !read_only && access != Access::Read && self.pragma("journal_mode")? != "wal" {
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        // FULL is 2; foreign keys on is 1; FILE for temp_store is 1.
        for (name, wanted, value) in [
            ("synchronous", "2", "FULL"),
            ("foreign_keys", "1", "ON"),
            // Staged imports live in TEMP tables: on disk, not in memory, however large.
            ("temp_store", "1", "FILE"),
        ] {
            if self.pragma(name)? != wanted {
                self.conn.pragma_update(None, name, value)?;
            }
        }
        Ok(())
    }

    /// A pragma's value as text, read without changing anything.
    fn pragma(&self, name: &str) -> rusqlite::Result<String> {
        self.conn
            .query_row(&format!("PRAGMA {name}"), [], |r| {
                r.get::<_, rusqlite::types::Value>(0)
            })
            .map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t.to_ascii_lowercase(),
                _ => String::new(),
            })
    }

    fn migrate(&self) -> rusqlite::Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version >= MIGRATIONS.len() as i64 {
            return Ok(());
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            // Another process may have migrated while we waited for the lock.
            let version: i64 = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                self.conn.execute_batch(sql)?;
                self.conn
                    .pragma_update(None, "user_version", i as i64 + 1)?;
            }
            self.conn
                .pragma_update(None, "application_id", APPLICATION_ID)?;
            Ok(())
        })();
        match result {
            Ok(()) => self.conn.execute_batch("COMMIT"),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn append_tx(
        &mut self,
        at: DateTime<Utc>,
        batch: Batch,
        sealers: &[Sealer],
    ) -> rusqlite::Result<Appended> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (seq, prev_hash) = match last {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, GENESIS.to_string()),
        };
        let (ids, detail) = append_rows::<rusqlite::Error>(
            batch.inserts,
            batch.note,
            sealers,
            &mut |row| {
                match row {
                NewRow::Revision(row) => tx.execute(
                    "INSERT INTO revisions (doc_id, kind, number, title, path, content, content_hash, summary, minor, author, created_at, event_seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![row.doc_id, row.kind, row.number, row.title, row.path, row.content, row.content_hash,
                            row.summary, row.minor, row.author, timestamp(row.created_at), seq],
                ),
                NewRow::Change(row) => tx.execute(
                    "INSERT INTO changes (doc_id, kind, revision_id, requested_by, reason, effective_date, required, approver_roles, created_at, event_seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![row.doc_id, row.kind, row.revision_id, row.requested_by, row.reason, row.effective_date.map(|d| d.to_string()),
                            row.required, row.approver_roles, timestamp(row.created_at), seq],
                ),
                NewRow::Signature(row) => tx.execute(
                    "INSERT INTO signatures (change_id, doc_id, revision_id, signer, meaning, signed_at, content_hash, note, event_seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![row.change_id, row.doc_id, row.revision_id, row.signer, row.meaning, timestamp(row.signed_at),
                            row.content_hash, row.note, seq],
                ),
                NewRow::Void(row) => tx.execute(
                    "INSERT INTO inspection_voids (inspection_id, reason, voided_by, voided_at, event_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![row.inspection_id, row.reason, row.voided_by, timestamp(row.voided_at), seq],
                ),
                NewRow::NcStep(row) => tx.execute(
                    "INSERT INTO nc_steps (nc_id, kind, value, sop_id, signer, signed_at, note, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![row.nc_id, row.kind, row.value, row.sop_id, row.signer, timestamp(row.signed_at), row.note, seq],
                ),
                NewRow::Session(row) => tx.execute(
                    "INSERT INTO sessions (person, token_hash, started_at, expires_at, event_seq, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![row.person, row.token_hash, timestamp(row.started_at), timestamp(row.expires_at), seq, row.kind],
                ),
                NewRow::SessionEnd(row) => tx.execute(
                    "INSERT INTO session_ends (session_id, ended_at, reason, event_seq) VALUES (?1, ?2, ?3, ?4)",
                    params![row.session_id, timestamp(row.ended_at), row.reason, seq],
                ),
                NewRow::SigningKey(row) => tx.execute(
                    "INSERT INTO signing_keys (person, public_key, sealed, set_at, event_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![row.person, row.public_key, row.sealed, timestamp(row.set_at), seq],
                ),
                NewRow::KeyReset(row) => tx.execute(
                    "INSERT INTO key_resets (person, public_key, reason, reset_by, reset_at, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![row.person, row.public_key, row.reason, row.reset_by, timestamp(row.reset_at), seq],
                ),
                NewRow::Roster(row) => tx.execute(
                    "INSERT INTO rosters (people, recorded_at, event_seq) VALUES (?1, ?2, ?3)",
                    params![row.people, timestamp(row.recorded_at), seq],
                ),
                NewRow::Acknowledgement(row) => tx.execute(
                    "INSERT INTO acknowledgements (person, doc_id, revision_id, revision_number, content_hash, acknowledged_at, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![row.person, row.doc_id, row.revision_id, row.revision_number, row.content_hash, timestamp(row.acknowledged_at), seq],
                ),
                NewRow::Lot(row) => tx.execute(
                    "INSERT INTO lots (checklist_id, revision_id, revision_number, lot, supplier, lot_size, standard, level, severity, code_letter, sample, plan, opened_by, opened_at, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                    params![row.checklist_id, row.revision_id, row.revision_number, row.lot, row.supplier, row.lot_size, row.standard, row.level, row.severity, row.code_letter, row.sample, row.plan, row.opened_by, timestamp(row.opened_at), seq],
                ),
                NewRow::LotClose(row) => tx.execute(
                    "INSERT INTO lot_closes (lot_id, decision, sampled, nonconforming, nc_id, closed_by, closed_at, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![row.lot_id, row.decision, row.sampled, row.nonconforming, row.nc_id, row.closed_by, timestamp(row.closed_at), seq],
                ),
                NewRow::LotApproval(row) => tx.execute(
                    "INSERT INTO lot_approvals (checklist_id, supplier, signer, signed_at, note, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![row.checklist_id, row.supplier, row.signer, timestamp(row.signed_at), row.note, seq],
                ),
                NewRow::Credential(row) => tx.execute(
                    "INSERT INTO credentials (person, hash, set_at, event_seq) VALUES (?1, ?2, ?3, ?4)",
                    params![row.person, row.hash, timestamp(row.set_at), seq],
                ),
                NewRow::Seal(seal) => tx.execute(
                    "INSERT INTO seals (row_table, row_id, signer, public_key, signature, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![seal.row_table, seal.row_id, seal.signer, seal.public_key, seal.signature, seq],
                ),
            }?;
                Ok(tx.last_insert_rowid())
            },
        )?;
        write_event(
            &tx,
            seq,
            prev_hash,
            at,
            batch.actor,
            batch.action,
            batch.record,
            detail,
        )?;
        tx.commit()?;
        Ok(Appended { seq, ids })
    }

    /// Writes inspections from several callers of this process in one
    /// transaction: one wait for the disk instead of one each.
    ///
    /// Every caller queues its inspections for the file. The first to find
    /// nobody writing becomes the writer: it takes everything queued, writes
    /// each caller's batch as its own event in a savepoint (a batch that
    /// fails, such as a submission already recorded, is rolled back alone),
    /// commits once, and hands each caller its own answer. Callers that
    /// queued meanwhile go in the next transaction. No caller hears of
    /// success before the commit that holds its rows is on disk.
    fn record_grouped(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        inspections: Vec<NewInspection>,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        let queue = self.queue.clone();
        let mut state = queue.lock();
        let ticket = state.enqueue(group::Job {
            at,
            header,
            inspections,
        });
        loop {
            if let Some(result) = state.answers.remove(&ticket) {
                return result;
            }
            if !state.writing {
                state.writing = true;
                let jobs = std::mem::take(&mut state.jobs);
                drop(state);
                let gate = queue.gate();
                let answers = self.write_group(jobs);
                drop(gate);
                state = queue.lock();
                state.writing = false;
                state.groups += 1;
                state.answers.extend(answers);
                queue.wake_all();
                continue;
            }
            state = queue.wait(state);
        }
    }

    /// One transaction for `jobs`, each in a savepoint of its own.
    fn write_group(&mut self, jobs: Vec<(u64, group::Job)>) -> Vec<(u64, group::Answer)> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let mut waits = Waits::new(timeout);
        let begun = loop {
            match self.conn.execute_batch("BEGIN IMMEDIATE") {
                Err(err) if is_busy(&err) && waits.again(&self.conn) => continue,
                result => {
                    waits.done(&self.conn);
                    break result;
                }
            }
        };
        if let Err(err) = begun {
            return jobs
                .into_iter()
                .map(|(ticket, _)| (ticket, Err(explain(group::again(&err), &path, timeout))))
                .collect();
        }
        let mut answers = Vec::with_capacity(jobs.len());
        for (ticket, job) in jobs {
            let answer = self
                .conn
                .execute_batch("SAVEPOINT one_batch")
                .map_err(|err| explain(err, &path, timeout))
                .and_then(|()| {
                    let rows = &mut job.inspections.into_iter().map(Ok);
                    write_inspections(&self.conn, &path, timeout, job.at, job.header, rows)
                });
            let closed = match answer {
                Ok(_) => self.conn.execute_batch("RELEASE one_batch"),
                Err(_) => self
                    .conn
                    .execute_batch("ROLLBACK TO one_batch; RELEASE one_batch"),
            };
            if let Err(err) = closed {
                let _ = self.conn.execute_batch("ROLLBACK");
                answers.push((ticket, Ok(Vec::new())));
                return answers
                    .into_iter()
                    .map(|(t, _)| (t, Err(explain(group::again(&err), &path, timeout))))
                    .collect();
            }
            answers.push((ticket, answer));
        }
        if let Err(err) = self.conn.execute_batch("COMMIT") {
            let _ = self.conn.execute_batch("ROLLBACK");
            return answers
                .into_iter()
                .map(|(t, _)| (t, Err(explain(group::again(&err), &path, timeout))))
                .collect();
        }
        answers
    }

    /// Records an import's inspections: first staged from `rows` without
    /// the write lock, then moved into the records with one short write.
    fn record_staged(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        rows: &mut dyn Iterator<Item = Result<NewInspection>>,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        let staged = self.stage(rows);
        let result = staged.and_then(|staged| self.move_in(at, header, &staged));
        // The staging tables go, whatever happened: the next import starts afresh.
        let _ = self.conn.execute_batch(DROP_STAGING);
        result
    }

    /// Fills the staging tables from `rows`: every inspection checked and
    /// encoded, nothing recorded. An `Err` from `rows` is returned as it is.
    fn stage(&mut self, rows: &mut dyn Iterator<Item = Result<NewInspection>>) -> Result<Staged> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let e = |err: rusqlite::Error| explain(err, &path, timeout);
        self.conn.execute_batch(DROP_STAGING).map_err(e)?;
        self.conn.execute_batch(STAGING_TABLES).map_err(e)?;
        // A transaction of the TEMP database alone: the records file is not touched.
        let tx = self.conn.transaction().map_err(e)?;
        let mut staged = Staged {
            count: 0,
            failed: 0,
            ncs: Vec::new(),
        };
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO temp.staged_inspections (k, checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .map_err(e)?;
            let mut item = tx
                .prepare_cached(
                    "INSERT INTO temp.staged_results (k, position, item_id, value, number, outcome, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(e)?;
            let mut nc = tx
                .prepare_cached(
                    "INSERT INTO temp.staged_ncs (j, k, opened_at, summary) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(e)?;
            let mut enc = tx
                .prepare_cached("INSERT INTO temp.staged_encodings (k, encoding) VALUES (?1, ?2)")
                .map_err(e)?;
            let mut encoder = InspectionEncoder::new(INSPECTION_HASH_VERSION);
            let mut encoding = Vec::with_capacity(1024);
            for new in rows {
                // A problem found further down the file leaves nothing recorded.
                let new = new?;
                if !new.attachments.is_empty() {
                    anyhow::bail!(
                        "an import records no photos; attach them when an inspection is recorded on its own"
                    );
                }
                let k = staged.count;
                let r = &new.row;
                ins.execute(params![
                    k,
                    r.checklist_id,
                    r.revision_id,
                    r.revision_number,
                    r.lot,
                    r.serial,
                    r.inspector,
                    r.station,
                    timestamp(r.recorded_at),
                    r.verdict,
                    r.reinspects,
                ])
                .map_err(e)?;
                for res in &new.results {
                    item.execute(params![
                        k,
                        res.position,
                        res.item_id,
                        res.value,
                        res.number,
                        res.outcome,
                        res.note
                    ])
                    .map_err(e)?;
                }
                encoding.clear();
                encoding_without_id(&mut encoder, r, &new.results, &[], &mut encoding);
                enc.execute(params![k, encoding]).map_err(e)?;
                if r.verdict == Verdict::Fail {
                    staged.failed += 1;
                }
                if let Some(summary) = &new.nc_summary {
                    nc.execute(params![
                        staged.ncs.len() as i64,
                        k,
                        timestamp(r.recorded_at),
                        summary
                    ])
                    .map_err(e)?;
                    staged.ncs.push(k);
                }
                staged.count += 1;
            }
        }
        tx.commit().map_err(e)?;
        Ok(staged)
    }

    /// Moves the staged rows into the records and appends their event, in
    /// one transaction that holds the write lock only for copying them.
    /// The hashes are made beforehand for the ids the rows will most likely
    /// get, and made again under the lock only if another writer came first.
    fn move_in(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        staged: &Staged,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let e = |err: rusqlite::Error| explain(err, &path, timeout);
        let mut expected = next_ids(&self.conn).map_err(e)?;
        let mut hashes = staged_hashes(&self.conn, &expected).map_err(e)?;
        let mut waits = Waits::new(timeout);
        loop {
            match self.move_in_tx(at, &header, staged, &mut expected, &mut hashes) {
                Err(err) if is_busy(&err) && waits.again(&self.conn) => continue,
                result => {
                    waits.done(&self.conn);
                    return result.map_err(e);
                }
            }
        }
    }

    fn move_in_tx(
        &mut self,
        at: DateTime<Utc>,
        header: &BatchHeader,
        staged: &Staged,
        expected: &mut NextIds,
        hashes: &mut (String, String),
    ) -> rusqlite::Result<Vec<(i64, Option<i64>)>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids = next_ids(&tx)?;
        if ids != *expected {
            // Someone recorded something since the hashes were made.
            *hashes = staged_hashes(&tx, &ids)?;
            *expected = ids.clone();
        }
        let moved = tx.execute(
            "INSERT INTO main.inspections (id, checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq)
             SELECT ?1 + k, checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, ?2
             FROM temp.staged_inspections ORDER BY k",
            params![ids.inspection, ids.seq],
        )?;
        tx.execute(
            "INSERT INTO main.item_results (inspection_id, position, item_id, value, number, outcome, note)
             SELECT ?1 + k, position, item_id, value, number, outcome, note
             FROM temp.staged_results ORDER BY rowid",
            [ids.inspection],
        )?;
        let opened = tx.execute(
            "INSERT INTO main.nonconformances (id, inspection_id, opened_at, summary, event_seq)
             SELECT ?1 + j, ?2 + k, opened_at, summary, ?3 FROM temp.staged_ncs ORDER BY j",
            params![ids.nc, ids.inspection, ids.seq],
        )?;
        if moved as i64 != staged.count || opened != staged.ncs.len() {
            // Only this connection sees its staging tables: this is a bug, record nothing.
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                Some(format!(
                    "{moved} of {} staged inspections and {opened} of {} nonconformances were moved into the records",
                    staged.count,
                    staged.ncs.len()
                )),
            ));
        }
        let count = staged.count;
        let (first, last) = match count {
            0 => (0, 0),
            n => (ids.inspection, ids.inspection + n - 1),
        };
        let detail = inspections_detail(
            header.note.clone(),
            count as usize,
            staged.failed,
            (first, last),
            &hashes.0,
            staged.ncs.len(),
            &hashes.1,
        );
        write_event(
            &tx,
            ids.seq,
            ids.prev_hash.clone(),
            at,
            header.actor.clone(),
            header.action.clone(),
            header.record.clone(),
            detail,
        )?;
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
}

/// The tables an import is staged in: what it will record, in the file's
/// order, without ids or event. They are TEMP tables, kept in a file of
/// the connection's own (never in memory, never in the records file), so
/// filling them takes no lock on the records and no more memory for a
/// million rows than for ten. `k` counts inspections from 0, `j`
/// nonconformances; `encoding` is each inspection's hash encoding but for
/// its id.
const STAGING_TABLES: &str = "
    CREATE TEMP TABLE staged_inspections (
        k INTEGER PRIMARY KEY, checklist_id TEXT NOT NULL, revision_id INTEGER NOT NULL,
        revision_number INTEGER NOT NULL, lot TEXT NOT NULL, serial TEXT NOT NULL,
        inspector TEXT NOT NULL, station TEXT NOT NULL, recorded_at TEXT NOT NULL,
        verdict TEXT NOT NULL, reinspects INTEGER);
    CREATE TEMP TABLE staged_results (
        k INTEGER NOT NULL, position INTEGER NOT NULL, item_id TEXT NOT NULL,
        value TEXT NOT NULL, number REAL, outcome TEXT NOT NULL, note TEXT NOT NULL);
    CREATE TEMP TABLE staged_ncs (
        j INTEGER PRIMARY KEY, k INTEGER NOT NULL, opened_at TEXT NOT NULL, summary TEXT NOT NULL);
    CREATE TEMP TABLE staged_encodings (k INTEGER PRIMARY KEY, encoding BLOB NOT NULL);
";

const DROP_STAGING: &str = "
    DROP TABLE IF EXISTS temp.staged_inspections;
    DROP TABLE IF EXISTS temp.staged_results;
    DROP TABLE IF EXISTS temp.staged_ncs;
    DROP TABLE IF EXISTS temp.staged_encodings;
";

/// What was staged: how many inspections, how many failed, and which
/// inspection (`k`) opened each nonconformance, in order.
struct Staged {
    count: i64,
    failed: usize,
    ncs: Vec<i64>,
}

/// The ids the next rows get and the event that records them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NextIds {
    seq: i64,
    prev_hash: String,
    inspection: i64,
    nc: i64,
}

fn next_ids(conn: &Connection) -> rusqlite::Result<NextIds> {
    let (seq, prev_hash) = next_event(conn)?;
    let next_id = |table: &str| -> rusqlite::Result<i64> {
        conn.query_row(
            &format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
            [],
            |r| r.get(0),
        )
    };
    Ok(NextIds {
        seq,
        prev_hash,
        inspection: next_id("inspections")?,
        nc: next_id("nonconformances")?,
    })
}

/// The hashes the event of a staged import records when its rows get the
/// ids in `ids`: the inspections' (from their staged encodings) and the
/// nonconformances'.
fn staged_hashes(conn: &Connection, ids: &NextIds) -> rusqlite::Result<(String, String)> {
    let mut hasher = Sha256::new();
    let mut stmt =
        conn.prepare_cached("SELECT k, encoding FROM temp.staged_encodings ORDER BY k")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let k: i64 = r.get(0)?;
        let encoding = r.get_ref(1)?.as_blob().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Blob, Box::new(e))
        })?;
        hash_with_id(
            INSPECTION_HASH_VERSION,
            &mut hasher,
            ids.inspection + k,
            encoding,
        );
    }
    let mut nc_hasher = Sha256::new();
    let mut stmt =
        conn.prepare_cached("SELECT j, k, opened_at, summary FROM temp.staged_ncs ORDER BY j")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row = NcRow {
            id: ids.nc + r.get::<_, i64>(0)?,
            inspection_id: ids.inspection + r.get::<_, i64>(1)?,
            opened_at: r.get::<_, Stamp>(2)?.0,
            summary: r.get(3)?,
            event_seq: ids.seq,
        };
        nc_hasher.update(row_hash(&row).as_bytes());
    }
    Ok((
        hex::encode(hasher.finalize()),
        hex::encode(nc_hasher.finalize()),
    ))
}

/// The next event's number and the hash it chains to.
/// Writes one batch of inspections and its event on `tx`, inside a
/// transaction the caller commits.
fn write_inspections(
    tx: &Connection,
    path: &Path,
    timeout: Duration,
    at: DateTime<Utc>,
    header: BatchHeader,
    rows: &mut dyn Iterator<Item = Result<NewInspection>>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let e = |err: rusqlite::Error| explain(err, path, timeout);
    let (seq, prev_hash) = next_event(tx).map_err(e)?;
    let mut out = Vec::new();
    let mut failed = 0;
    let mut hasher = Sha256::new();
    let mut nc_hasher = Sha256::new();
    let (mut first, mut last, mut ncs) = (None, 0, 0);
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO inspections (checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        ).map_err(e)?;
        let mut item = tx.prepare_cached(
            "INSERT INTO item_results (inspection_id, position, item_id, value, number, outcome, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        ).map_err(e)?;
        let mut nc = tx.prepare_cached(
            "INSERT INTO nonconformances (inspection_id, opened_at, summary, event_seq) VALUES (?1, ?2, ?3, ?4)",
        ).map_err(e)?;
        let mut photo = tx.prepare_cached(
            "INSERT INTO attachments (inspection_id, position, item_id, sha256, media_type, byte_size, file_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        ).map_err(e)?;
        for new in rows {
            // A problem found further down the file rolls the whole batch back.
            let mut new = new?;
            if new.row.verdict == Verdict::Fail {
                failed += 1;
            }
            let r = &mut new.row;
            ins.execute(params![
                r.checklist_id,
                r.revision_id,
                r.revision_number,
                r.lot,
                r.serial,
                r.inspector,
                r.station,
                timestamp(r.recorded_at),
                r.verdict,
                r.reinspects,
                seq
            ])
            .map_err(e)?;
            r.id = tx.last_insert_rowid();
            first.get_or_insert(r.id);
            last = r.id;
            for res in &mut new.results {
                res.inspection_id = r.id;
                item.execute(params![
                    res.inspection_id,
                    res.position,
                    res.item_id,
                    res.value,
                    res.number,
                    res.outcome,
                    res.note
                ])
                .map_err(e)?;
            }
            for a in &mut new.attachments {
                a.inspection_id = r.id;
                photo
                    .execute(params![
                        a.inspection_id,
                        a.position,
                        a.item_id,
                        a.sha256,
                        a.media_type,
                        a.byte_size,
                        a.file_name
                    ])
                    .map_err(e)?;
            }
            hash_inspection_as(
                INSPECTION_HASH_VERSION,
                &mut hasher,
                &new.row,
                &new.results,
                &new.attachments,
            );
            let nc_id = match &new.nc_summary {
                Some(summary) => {
                    nc.execute(params![
                        new.row.id,
                        timestamp(new.row.recorded_at),
                        summary,
                        seq
                    ])
                    .map_err(e)?;
                    let row = NcRow {
                        id: tx.last_insert_rowid(),
                        inspection_id: new.row.id,
                        opened_at: new.row.recorded_at,
                        summary: summary.clone(),
                        event_seq: seq,
                    };
                    nc_hasher.update(row_hash(&row).as_bytes());
                    ncs += 1;
                    Some(row.id)
                }
                None => None,
            };
            out.push((new.row.id, nc_id));
        }
    }
    let detail = inspections_detail(
        header.note,
        out.len(),
        failed,
        (first.unwrap_or(0), last),
        &hex::encode(hasher.finalize()),
        ncs,
        &hex::encode(nc_hasher.finalize()),
    );
    write_event(
        tx,
        seq,
        prev_hash,
        at,
        header.actor,
        header.action,
        header.record,
        detail,
    )
    .map_err(e)?;
    Ok(out)
}

fn next_event(conn: &Connection) -> rusqlite::Result<(i64, String)> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    })
}

#[allow(clippy::too_many_arguments)]
fn write_event(
    tx: &Connection,
    seq: i64,
    prev_hash: String,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    record: String,
    detail: serde_json::Value,
) -> rusqlite::Result<()> {
    let event = chained_event(seq, prev_hash, at, (actor, action, record), &detail);
    tx.execute(
        "INSERT INTO events (seq, at, actor, action, record, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![event.seq, timestamp(event.at), event.actor, event.action, event.record, event.detail, event.prev_hash, event.hash],
    )?;
    Ok(())
}

fn inspection_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InspectionRow> {
    Ok(InspectionRow {
        id: r.get(0)?,
        checklist_id: r.get(1)?,
        revision_id: r.get(2)?,
        revision_number: r.get(3)?,
        lot: r.get(4)?,
        serial: r.get(5)?,
        inspector: r.get(6)?,
        station: r.get(7)?,
        recorded_at: r.get::<_, Stamp>(8)?.0,
        verdict: r.get(9)?,
        reinspects: r.get(10)?,
        event_seq: r.get(11)?,
    })
}

const INSPECTION_COLUMNS: &str = "i.id, i.checklist_id, i.revision_id, i.revision_number, i.lot, i.serial, i.inspector, i.station, i.recorded_at, i.verdict, i.reinspects, i.event_seq";

fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemResultRow> {
    Ok(ItemResultRow {
        inspection_id: r.get(0)?,
        position: r.get(1)?,
        item_id: r.get(2)?,
        value: r.get(3)?,
        number: r.get(4)?,
        outcome: r.get(5)?,
        note: r.get(6)?,
    })
}

const ATTACHMENT_COLUMNS: &str =
    "inspection_id, position, item_id, sha256, media_type, byte_size, file_name";

fn attachment_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentRow> {
    Ok(AttachmentRow {
        inspection_id: r.get(0)?,
        position: r.get(1)?,
        item_id: r.get(2)?,
        sha256: r.get(3)?,
        media_type: r.get(4)?,
        byte_size: r.get(5)?,
        file_name: r.get(6)?,
    })
}

/// `recorded_at` bounds as SQL: dates compare as text against RFC 3339 times.
fn range_clause(since: Option<&str>, until: Option<&str>, params: &mut Vec<String>) -> String {
    let mut sql = String::new();
    if let Some(s) = since {
        params.push(s.to_string());
        sql.push_str(&format!(
            " AND i.recorded_at >= CAST(?{} AS TEXT)",
            params.len()
        ));
    }
    if let Some(u) = until {
        params.push(u.to_string());
        sql.push_str(&format!(
            " AND i.recorded_at < CAST(?{} AS TEXT)",
            params.len()
        ));
    }
    sql
}

impl Store for SqliteStore {
    fn append_sealed(
        &mut self,
        at: DateTime<Utc>,
        batch: Batch,
        sealers: &[Sealer],
    ) -> Result<Appended> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let queue = self.queue.clone();
        let _gate = queue.gate();
        let mut waits = Waits::new(timeout);
        loop {
            match self.append_tx(at, batch.clone(), sealers) {
                Err(e) if is_busy(&e) && waits.again(&self.conn) => continue,
                result => {
                    waits.done(&self.conn);
                    return result.map_err(|e| explain(e, &path, timeout));
                }
            }
        }
    }

    fn records(&mut self) -> Result<Records> {
        self.load_records(None)
    }

    fn records_of(&mut self, doc_id: &str) -> Result<Records> {
        self.load_records(Some(doc_id))
    }

    fn records_outline(&mut self) -> Result<Records> {
        self.load_records_with(DocFilter::All, true)
    }

    fn revision_contents(&mut self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string());
        let load = || -> rusqlite::Result<Vec<(i64, String)>> {
            self.conn
                .prepare_cached(
                    "SELECT id, content FROM revisions WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
                )?
                .query_map([list.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn text_facts(&mut self, ids: &[i64]) -> Result<Vec<KeptFacts>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string());
        let load = || -> rusqlite::Result<Vec<KeptFacts>> {
            if !self.has_table("text_facts")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached(
                    "SELECT revision_id, doc_id, roles, facts FROM text_facts WHERE revision_id IN (SELECT value FROM json_each(?1)) ORDER BY revision_id",
                )?
                .query_map([list.as_str()], |r| {
                    Ok(KeptFacts {
                        revision_id: r.get(0)?,
                        doc_id: r.get(1)?,
                        roles: r.get(2)?,
                        facts: r.get(3)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn keep_text_facts(&mut self, facts: &[KeptFacts]) -> Result<()> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let queue = self.queue.clone();
        let _gate = queue.gate();
        let keep = || -> rusqlite::Result<()> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            let inserted = (|| {
                let mut insert = self.conn.prepare_cached(
                    "INSERT OR IGNORE INTO text_facts (revision_id, doc_id, roles, facts) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for f in facts {
                    insert.execute(rusqlite::params![f.revision_id, f.doc_id, f.roles, f.facts])?;
                }
                Ok(())
            })();
            match inserted {
                Ok(()) => self.conn.execute_batch("COMMIT"),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        };
        keep().map_err(|e| explain(e, &path, timeout))
    }

    fn docs_for_roles(&mut self, roles: &[String]) -> Result<Option<Vec<String>>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let list = serde_json::to_string(roles).unwrap_or_else(|_| "[]".to_string());
        let load = || -> rusqlite::Result<Option<Vec<String>>> {
            if !self.has_table("text_facts")? {
                return Ok(None);
            }
            let all_kept: bool = self
                .conn
                .prepare_cached(
                    "SELECT (SELECT count(*) FROM revisions) = (SELECT count(*) FROM text_facts)",
                )?
                .query_row([], |r| r.get(0))?;
            if !all_kept {
                return Ok(None);
            }
            // A role's `_` matches any character in LIKE: a document too
            // many is read and left out, none is missed.
            self.conn
                .prepare_cached(
                    "SELECT DISTINCT doc_id FROM text_facts
                     WHERE roles = '*' OR EXISTS (SELECT 1 FROM json_each(?1) WHERE text_facts.roles LIKE '%|' || value || '|%')",
                )?
                .query_map([list.as_str()], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
                .map(Some)
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn records_outline_of(&mut self, docs: &[String]) -> Result<Records> {
        self.load_records_with(DocFilter::Many(docs), true)
    }

    fn events(&mut self) -> Result<Vec<EventRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<EventRow>> {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT seq, at, actor, action, record, detail, prev_hash, hash FROM events ORDER BY seq")?;
            stmt.query_map([], |r| {
                Ok(EventRow {
                    seq: r.get(0)?,
                    at: r.get::<_, Stamp>(1)?.0,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    record: r.get(4)?,
                    detail: r.get(5)?,
                    prev_hash: r.get(6)?,
                    hash: r.get(7)?,
                })
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn credentials(&mut self) -> Result<Vec<CredentialRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<CredentialRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, person, hash, set_at, event_seq FROM credentials ORDER BY id",
            )?;
            stmt.query_map([], |r| {
                Ok(CredentialRow {
                    id: r.get(0)?,
                    person: r.get(1)?,
                    hash: r.get(2)?,
                    set_at: r.get::<_, Stamp>(3)?.0,
                    event_seq: r.get(4)?,
                })
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn session(&mut self, token_hash: &str) -> Result<Option<(SessionRow, Option<SessionEndRow>)>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Option<(SessionRow, Option<SessionEndRow>)>> {
            let columns = self.session_columns()?;
            let session = self
                .conn
                .prepare_cached(&format!(
                    "SELECT {columns} FROM sessions WHERE token_hash = ?1"
                ))?
                .query_row([token_hash], session_row)
                .optional()?;
            let Some(session) = session else {
                return Ok(None);
            };
            let end = self
                .conn
                .prepare_cached(
                    "SELECT id, session_id, ended_at, reason, event_seq FROM session_ends WHERE session_id = ?1",
                )?
                .query_row([session.id], session_end_row)
                .optional()?;
            Ok(Some((session, end)))
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn sessions(&mut self) -> Result<(Vec<SessionRow>, Vec<SessionEndRow>)> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<(Vec<SessionRow>, Vec<SessionEndRow>)> {
            // Records opened only to read may predate sign-ins.
            let known: i64 = self.conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sessions'",
                [],
                |r| r.get(0),
            )?;
            if known == 0 {
                return Ok((Vec::new(), Vec::new()));
            }
            let columns = self.session_columns()?;
            let sessions = self
                .conn
                .prepare_cached(&format!("SELECT {columns} FROM sessions ORDER BY id"))?
                .query_map([], session_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let ends = self
                .conn
                .prepare_cached("SELECT id, session_id, ended_at, reason, event_seq FROM session_ends ORDER BY id")?
                .query_map([], session_end_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((sessions, ends))
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn signing_keys(&mut self) -> Result<Vec<SigningKeyRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<SigningKeyRow>> {
            if !self.has_table("signing_keys")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, person, public_key, sealed, set_at, event_seq FROM signing_keys ORDER BY id")?
                .query_map([], |r| {
                    Ok(SigningKeyRow {
                        id: r.get(0)?,
                        person: r.get(1)?,
                        public_key: r.get(2)?,
                        sealed: r.get(3)?,
                        set_at: r.get::<_, Stamp>(4)?.0,
                        event_seq: r.get(5)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn key_resets(&mut self) -> Result<Vec<KeyResetRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<KeyResetRow>> {
            if !self.has_table("key_resets")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, person, public_key, reason, reset_by, reset_at, event_seq FROM key_resets ORDER BY id")?
                .query_map([], |r| {
                    Ok(KeyResetRow {
                        id: r.get(0)?,
                        person: r.get(1)?,
                        public_key: r.get(2)?,
                        reason: r.get(3)?,
                        reset_by: r.get(4)?,
                        reset_at: r.get::<_, Stamp>(5)?.0,
                        event_seq: r.get(6)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn recent_refusals(&mut self, actor: &str, reason: &str, since: DateTime<Utc>) -> Result<i64> {
        // Only the newest events are looked at: the primary key bounds the scan.
        self.conn
            .query_row(
                "SELECT count(*) FROM events
                 WHERE seq > (SELECT coalesce(max(seq), 0) - 5000 FROM events)
                   AND actor = ?1 AND action = 'refused' AND at >= ?2
                   AND json_valid(detail) AND json_extract(detail, '$.note.reason') = ?3",
                params![actor, timestamp(since), reason],
                |r| r.get(0),
            )
            .map_err(|e| self.explain(e))
    }

    fn recent_refusals_from(
        &mut self,
        origin: &str,
        reasons: &[&str],
        since: DateTime<Utc>,
    ) -> Result<i64> {
        // The reasons go in as one JSON array, so the statement stays one.
        let reasons = serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into());
        self.conn
            .query_row(
                "SELECT count(*) FROM events
                 WHERE seq > (SELECT coalesce(max(seq), 0) - 5000 FROM events)
                   AND action = 'refused' AND at >= ?2
                   AND json_valid(detail) AND json_extract(detail, '$.note.from') = ?1
                   AND json_extract(detail, '$.note.reason') IN (SELECT value FROM json_each(?3))",
                params![origin, timestamp(since), reasons],
                |r| r.get(0),
            )
            .map_err(|e| self.explain(e))
    }

    fn rosters(&mut self) -> Result<Vec<RosterRow>> {
        self.load_rosters("")
    }

    fn lots(&mut self) -> Result<Vec<LotRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<LotRow>> {
            if !self.has_table("lots")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, checklist_id, revision_id, revision_number, lot, supplier, lot_size, standard, level, severity, code_letter, sample, plan, opened_by, opened_at, event_seq FROM lots ORDER BY id")?
                .query_map([], |r| {
                    Ok(LotRow {
                        id: r.get(0)?,
                        checklist_id: r.get(1)?,
                        revision_id: r.get(2)?,
                        revision_number: r.get(3)?,
                        lot: r.get(4)?,
                        supplier: r.get(5)?,
                        lot_size: r.get(6)?,
                        standard: r.get(7)?,
                        level: r.get(8)?,
                        severity: r.get(9)?,
                        code_letter: r.get(10)?,
                        sample: r.get(11)?,
                        plan: r.get(12)?,
                        opened_by: r.get(13)?,
                        opened_at: r.get::<_, Stamp>(14)?.0,
                        event_seq: r.get(15)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn lot_closes(&mut self) -> Result<Vec<LotCloseRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<LotCloseRow>> {
            if !self.has_table("lot_closes")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, lot_id, decision, sampled, nonconforming, nc_id, closed_by, closed_at, event_seq FROM lot_closes ORDER BY id")?
                .query_map([], |r| {
                    Ok(LotCloseRow {
                        id: r.get(0)?,
                        lot_id: r.get(1)?,
                        decision: r.get(2)?,
                        sampled: r.get(3)?,
                        nonconforming: r.get(4)?,
                        nc_id: r.get(5)?,
                        closed_by: r.get(6)?,
                        closed_at: r.get::<_, Stamp>(7)?.0,
                        event_seq: r.get(8)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn lot_approvals(&mut self) -> Result<Vec<LotApprovalRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<LotApprovalRow>> {
            if !self.has_table("lot_approvals")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, checklist_id, supplier, signer, signed_at, note, event_seq FROM lot_approvals ORDER BY id")?
                .query_map([], |r| {
                    Ok(LotApprovalRow {
                        id: r.get(0)?,
                        checklist_id: r.get(1)?,
                        supplier: r.get(2)?,
                        signer: r.get(3)?,
                        signed_at: r.get::<_, Stamp>(4)?.0,
                        note: r.get(5)?,
                        event_seq: r.get(6)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn acknowledgements(&mut self) -> Result<Vec<AcknowledgementRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<AcknowledgementRow>> {
            if !self.has_table("acknowledgements")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, person, doc_id, revision_id, revision_number, content_hash, acknowledged_at, event_seq FROM acknowledgements ORDER BY id")?
                .query_map([], |r| {
                    Ok(AcknowledgementRow {
                        id: r.get(0)?,
                        person: r.get(1)?,
                        doc_id: r.get(2)?,
                        revision_id: r.get(3)?,
                        revision_number: r.get(4)?,
                        content_hash: r.get(5)?,
                        acknowledged_at: r.get::<_, Stamp>(6)?.0,
                        event_seq: r.get(7)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn acknowledgements_of(&mut self, person: &str) -> Result<Vec<AcknowledgementRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<AcknowledgementRow>> {
            if !self.has_table("acknowledgements")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, person, doc_id, revision_id, revision_number, content_hash, acknowledged_at, event_seq FROM acknowledgements WHERE person = CAST(?1 AS TEXT) ORDER BY id")?
                .query_map([person], |r| {
                    Ok(AcknowledgementRow {
                        id: r.get(0)?,
                        person: r.get(1)?,
                        doc_id: r.get(2)?,
                        revision_id: r.get(3)?,
                        revision_number: r.get(4)?,
                        content_hash: r.get(5)?,
                        acknowledged_at: r.get::<_, Stamp>(6)?.0,
                        event_seq: r.get(7)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn last_roster(&mut self) -> Result<Option<RosterRow>> {
        Ok(self.load_rosters(" DESC LIMIT 1")?.pop())
    }

    fn seals(&mut self) -> Result<Vec<SealRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<SealRow>> {
            if !self.has_table("seals")? {
                return Ok(Vec::new());
            }
            self.conn
                .prepare_cached("SELECT id, row_table, row_id, signer, public_key, signature, event_seq FROM seals ORDER BY id")?
                .query_map([], |r| {
                    Ok(SealRow {
                        id: r.get(0)?,
                        row_table: r.get(1)?,
                        row_id: r.get(2)?,
                        signer: r.get(3)?,
                        public_key: r.get(4)?,
                        signature: r.get(5)?,
                        event_seq: r.get(6)?,
                    })
                })?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn can_write(&mut self) -> Result<()> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        // Taking the write lock and giving it back writes nothing. Writers
        // of this process take turns at the gate, not in SQLite's backoff.
        // It is given back with COMMIT, not ROLLBACK: a rollback makes
        // SQLite prepare every statement of the connection again.
        let queue = self.queue.clone();
        let _gate = queue.gate();
        let probe = || -> rusqlite::Result<()> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.conn.execute_batch("COMMIT")
        };
        probe().map_err(|e| explain(e, &path, timeout))
    }

    fn record_inspections(
        &mut self,
        at: DateTime<Utc>,
        batch: InspectionBatch,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        let (header, inspections) = batch.split();
        // Inspections already in memory are written directly, grouped with
        // those of other callers in this process: the lock is held only as
        // long as writing them takes.
        self.record_grouped(at, header, inspections)
    }

    fn record_inspection_stream(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        rows: &mut dyn Iterator<Item = Result<NewInspection>>,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        self.record_staged(at, header, rows)
    }

    fn inspections(&mut self, f: &InspectionFilter) -> Result<Vec<InspectionRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let mut params: Vec<String> = Vec::new();
        let mut sql = format!("SELECT {INSPECTION_COLUMNS} FROM inspections i WHERE 1 = 1");
        for (column, value) in [
            ("i.checklist_id", &f.checklist),
            ("i.lot", &f.lot),
            ("i.verdict", &f.verdict),
        ] {
            if let Some(v) = value {
                params.push(v.clone());
                sql.push_str(&format!(" AND {column} = CAST(?{} AS TEXT)", params.len()));
            }
        }
        if let Some(id) = f.id {
            params.push(id.to_string());
            sql.push_str(&format!(" AND i.id = CAST(?{} AS INTEGER)", params.len()));
        }
        sql.push_str(&range_clause(
            f.since.as_deref(),
            f.until.as_deref(),
            &mut params,
        ));
        sql.push_str(" ORDER BY i.id");
        if let Some(limit) = f.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let load = || -> rusqlite::Result<Vec<InspectionRow>> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(params.iter()), inspection_row)?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn item_results(&mut self, inspection_id: i64) -> Result<Vec<ItemResultRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<ItemResultRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT inspection_id, position, item_id, value, number, outcome, note FROM item_results WHERE inspection_id = CAST(?1 AS INTEGER) ORDER BY position",
            )?;
            stmt.query_map([inspection_id], item_row)?.collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn attachments(&mut self, inspection_id: Option<i64>) -> Result<Vec<AttachmentRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<AttachmentRow>> {
            // Records opened only to read may be older than photos.
            if !self.has_table("attachments")? {
                return Ok(Vec::new());
            }
            let (from, to) = inspection_id.map_or((i64::MIN, i64::MAX), |id| (id, id));
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE inspection_id BETWEEN ?1 AND ?2 ORDER BY inspection_id, position"
            ))?;
            stmt.query_map([from, to], attachment_row)?.collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn photo_files(&self) -> PhotoFiles {
        PhotoFiles::beside(&self.path)
    }

    fn voids(&mut self) -> Result<Vec<VoidRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<VoidRow>> {
            let mut stmt = self.conn.prepare_cached("SELECT id, inspection_id, reason, voided_by, voided_at, event_seq FROM inspection_voids ORDER BY id")?;
            stmt.query_map([], |r| {
                Ok(VoidRow {
                    id: r.get(0)?,
                    inspection_id: r.get(1)?,
                    reason: r.get(2)?,
                    voided_by: r.get(3)?,
                    voided_at: r.get::<_, Stamp>(4)?.0,
                    event_seq: r.get(5)?,
                })
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn nonconformances(&mut self) -> Result<Vec<NcRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<NcRow>> {
            let mut stmt = self.conn.prepare_cached("SELECT id, inspection_id, opened_at, summary, event_seq FROM nonconformances ORDER BY id")?;
            stmt.query_map([], |r| {
                Ok(NcRow {
                    id: r.get(0)?,
                    inspection_id: r.get(1)?,
                    opened_at: r.get::<_, Stamp>(2)?.0,
                    summary: r.get(3)?,
                    event_seq: r.get(4)?,
                })
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn nc_steps(&mut self) -> Result<Vec<NcStepRow>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<NcStepRow>> {
            let mut stmt = self.conn.prepare_cached("SELECT id, nc_id, kind, value, sop_id, signer, signed_at, note, event_seq FROM nc_steps ORDER BY id")?;
            stmt.query_map([], |r| {
                Ok(NcStepRow {
                    id: r.get(0)?,
                    nc_id: r.get(1)?,
                    kind: r.get(2)?,
                    value: r.get(3)?,
                    sop_id: r.get(4)?,
                    signer: r.get(5)?,
                    signed_at: r.get::<_, Stamp>(6)?.0,
                    note: r.get(7)?,
                    event_seq: r.get(8)?,
                })
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn measurements(
        &mut self,
        checklist: &str,
        positions: &[(i64, i64)],
        since: Option<&str>,
    ) -> Result<Vec<(i64, DateTime<Utc>, f64)>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        if positions.is_empty() {
            return Ok(Vec::new());
        }
        // Each checklist revision keeps the item at its own position: look the
        // result up by (inspection, position), the primary key.
        let mut params = vec![checklist.to_string()];
        let mut case = String::from("CASE i.revision_id");
        for (revision, position) in positions {
            case.push_str(&format!(" WHEN {revision} THEN {position}"));
        }
        case.push_str(" END");
        let range = range_clause(since, None, &mut params);
        let sql = format!(
            "SELECT i.id, i.recorded_at, r.number FROM inspections i
             JOIN item_results r ON r.inspection_id = i.id AND r.position = {case}
             WHERE i.checklist_id = CAST(?1 AS TEXT) AND r.number IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM inspection_voids v WHERE v.inspection_id = i.id){range}
             ORDER BY i.recorded_at, i.id"
        );
        let load = || -> rusqlite::Result<Vec<(i64, DateTime<Utc>, f64)>> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get::<_, Stamp>(1)?.0, r.get(2)?))
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn group_counts(
        &mut self,
        by: GroupBy,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<GroupCount>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let mut params = Vec::new();
        let range = range_clause(since, until, &mut params);
        if by == GroupBy::Week {
            // Counting days in a map beats SQLite sorting a million computed keys.
            let sql = format!(
                "SELECT substr(i.recorded_at, 1, 10), i.verdict = 'pass', i.reinspects IS NULL FROM inspections i
                 WHERE NOT EXISTS (SELECT 1 FROM inspection_voids v WHERE v.inspection_id = i.id){range}"
            );
            let load = || -> rusqlite::Result<Vec<GroupCount>> {
                let mut days: std::collections::BTreeMap<String, GroupCount> =
                    std::collections::BTreeMap::new();
                let mut stmt = self.conn.prepare_cached(&sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                while let Some(r) = rows.next()? {
                    let day = r.get_ref(0)?.as_str().unwrap_or("");
                    let (passed, first): (bool, bool) = (r.get(1)?, r.get(2)?);
                    if !days.contains_key(day) {
                        days.insert(
                            day.to_string(),
                            GroupCount {
                                key: day.to_string(),
                                inspections: 0,
                                passed: 0,
                                first: 0,
                                first_passed: 0,
                            },
                        );
                    }
                    if let Some(g) = days.get_mut(day) {
                        g.inspections += 1;
                        g.passed += i64::from(passed);
                        g.first += i64::from(first);
                        g.first_passed += i64::from(first && passed);
                    }
                }
                Ok(days.into_values().collect())
            };
            return load().map_err(|e| explain(e, &path, timeout));
        }
        let key = match by {
            GroupBy::Checklist => "i.checklist_id",
            GroupBy::Lot => "i.lot",
            GroupBy::Inspector => "i.inspector",
            GroupBy::Station => "i.station",
            // ISO-like week label: the Monday the week starts on.
            GroupBy::Week => {
                "date(substr(i.recorded_at, 1, 10), '-' || ((strftime('%w', substr(i.recorded_at, 1, 10)) + 6) % 7) || ' days')"
            }
            GroupBy::Item => "i.checklist_id || '/' || r.item_id",
        };
        let from = if by == GroupBy::Item {
            "inspections i JOIN item_results r ON r.inspection_id = i.id"
        } else {
            "inspections i"
        };
        let passed = if by == GroupBy::Item {
            "r.outcome <> 'fail'"
        } else {
            "i.verdict = 'pass'"
        };
        let sql = format!(
            "SELECT {key}, count(*), sum({passed}), sum(i.reinspects IS NULL), sum(i.reinspects IS NULL AND {passed})
             FROM {from}
             WHERE NOT EXISTS (SELECT 1 FROM inspection_voids v WHERE v.inspection_id = i.id){range}
             GROUP BY 1 ORDER BY 1"
        );
        let load = || -> rusqlite::Result<Vec<GroupCount>> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok(GroupCount {
                    key: r.get(0)?,
                    inspections: r.get(1)?,
                    passed: r.get(2)?,
                    first: r.get(3)?,
                    first_passed: r.get(4)?,
                })
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn failed_items(
        &mut self,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<(String, i64)>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let mut params = Vec::new();
        let range = range_clause(since, until, &mut params);
        let sql = format!(
            "SELECT i.checklist_id || '/' || r.item_id, count(*) FROM item_results r JOIN inspections i ON i.id = r.inspection_id
             WHERE r.outcome = 'fail' AND NOT EXISTS (SELECT 1 FROM inspection_voids v WHERE v.inspection_id = i.id){range}
             GROUP BY 1 ORDER BY 2 DESC, 1"
        );
        let load = || -> rusqlite::Result<Vec<(String, i64)>> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn stray_item_results(&mut self) -> Result<Vec<(i64, i64)>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<Vec<(i64, i64)>> {
            self.conn
                .prepare_cached(
                    "SELECT r.inspection_id, r.position FROM item_results r
                     WHERE NOT EXISTS (SELECT 1 FROM inspections i WHERE i.id = r.inspection_id)
                     ORDER BY r.inspection_id, r.position",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn submitted(&mut self, key: &str) -> Result<Option<i64>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        self.conn
            .query_row(
                // The event names the first inspection it wrote: both
                // lookups go through an index, however many records there are.
                "SELECT i.id FROM events e JOIN inspections i
                   ON i.id = json_extract(e.detail, '$.rows[0].from') AND i.event_seq = e.seq
                 WHERE (CASE WHEN json_valid(e.detail) THEN json_extract(e.detail, '$.note.submission') END) = ?1
                 LIMIT 1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| explain(e, &path, timeout))
    }

    fn counts(&mut self) -> Result<(i64, i64)> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<(i64, i64)> {
            let inspections = self
                .conn
                .query_row("SELECT count(*) FROM inspections", [], |r| r.get(0))?;
            let results = self
                .conn
                .query_row("SELECT count(*) FROM item_results", [], |r| r.get(0))?;
            Ok((inspections, results))
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn status(&mut self) -> Result<StoreStatus> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let load = || -> rusqlite::Result<StoreStatus> {
            let schema_version: i64 = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let mut tables = Vec::new();
            // Records opened only to read may predate some tables.
            for table in TABLES {
                if self.has_table(table)? {
                    let rows =
                        self.conn
                            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                                r.get(0)
                            })?;
                    tables.push(TableCount { table, rows });
                }
            }
            let head = self
                .conn
                .query_row(
                    "SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| {
                        Ok(ChainHead {
                            seq: r.get(0)?,
                            hash: r.get(1)?,
                            at: r.get::<_, Stamp>(2)?.0,
                        })
                    },
                )
                .optional()?;
            Ok(StoreStatus {
                backend: "SQLite",
                location: self.location(),
                schema_version,
                known_version: MIGRATIONS.len() as i64,
                tables,
                head,
            })
        };
        load().map_err(|e| explain(e, &path, timeout))
    }

    fn dump(&mut self, tables: &[&'static str], each: super::copy::RowSink<'_>) -> Result<()> {
        // One read transaction: a snapshot, whatever others record meanwhile.
        self.conn
            .execute_batch("BEGIN")
            .map_err(|e| self.explain(e))?;
        let mut dump_all = || -> Result<()> {
            for &table in tables {
                let sql = format!(
                    "SELECT * FROM {table} ORDER BY {}",
                    super::copy::key_of(table)
                );
                let mut stmt = self.conn.prepare(&sql).map_err(|e| self.explain(e))?;
                let columns: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
                let mut rows = stmt.query([]).map_err(|e| self.explain(e))?;
                while let Some(row) = rows.next().map_err(|e| self.explain(e))? {
                    let mut values = Vec::with_capacity(columns.len());
                    for (k, column) in columns.iter().enumerate() {
                        values.push(match row.get_ref(k).map_err(|e| self.explain(e))? {
                            ValueRef::Null => Cell::Null,
                            ValueRef::Integer(i) => Cell::Int(i),
                            ValueRef::Real(f) => Cell::Real(f),
                            ValueRef::Text(t) => Cell::Text(
                                String::from_utf8(t.to_vec())
                                    .map_err(|_| anyhow!("a value of `{table}.{column}` in `{}` is not UTF-8 text", self.path.display()))?,
                            ),
                            ValueRef::Blob(_) => {
                                anyhow::bail!(
                                    "`{table}.{column}` in `{}` holds bytes where sopbook keeps text or numbers",
                                    self.path.display()
                                )
                            }
                        });
                    }
                    each(table, &columns, values)?;
                }
            }
            Ok(())
        };
        let done = dump_all();
        let _ = self.conn.execute_batch("COMMIT");
        done
    }

    fn load_begin(&mut self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.explain(e))?;
        for table in TABLES {
            let held: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| self.explain(e))?;
            if held > 0 {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(anyhow::Error::new(StoreFailure(ErrorKind::Conflict)).context(format!(
                    "`{}` already holds records ({held} rows in {table}); a copy goes only into empty records, and nothing was written\n\nhelp: copy into a new SQLite file, or a new, empty PostgreSQL database (createdb)",
                    self.path.display()
                )));
            }
        }
        Ok(())
    }

    fn load_rows(&mut self, table: &str, columns: &[String], rows: &[Vec<Cell>]) -> Result<()> {
        let names: Vec<String> = columns.iter().map(|c| super::copy::quoted(c)).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|k| format!("?{k}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            marks.join(", ")
        );
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| explain(e, &path, timeout))?;
        for row in rows {
            let values = row.iter().map(|c| match c {
                Cell::Null => rusqlite::types::Value::Null,
                Cell::Int(i) => rusqlite::types::Value::Integer(*i),
                Cell::Real(f) => rusqlite::types::Value::Real(*f),
                Cell::Text(t) => rusqlite::types::Value::Text(t.clone()),
            });
            stmt.execute(rusqlite::params_from_iter(values))
                .map_err(|e| explain(e, &path, timeout))?;
        }
        Ok(())
    }

    fn load_end(&mut self, commit: bool) -> Result<()> {
        let sql = if commit { "COMMIT" } else { "ROLLBACK" };
        self.conn.execute_batch(sql).map_err(|e| self.explain(e))
    }

    fn inspection_range(&mut self, from: i64, to: i64, version: u8) -> Result<RangeCheck> {
        range_check(&self.conn, from, to, version)
            .map_err(|e| explain(e, &self.path, self.busy_timeout))
    }

    fn inspection_ranges(&mut self, ranges: &[(i64, i64, u8)]) -> Vec<Result<RangeCheck>> {
        let (path, timeout) = (self.path.clone(), self.busy_timeout);
        let size = |r: &(i64, i64, u8)| (r.1 - r.0 + 1).max(1) as u64;
        let total: u64 = ranges.iter().map(size).sum();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4)
            .min(ranges.len());
        // Small records, or records only in memory: one connection is quickest.
        if threads < 2 || total < 20_000 || path == Path::new(":memory:") {
            return ranges
                .iter()
                .map(|&(from, to, version)| self.inspection_range(from, to, version))
                .collect();
        }
        // The largest ranges first, each to the reader with the least to do.
        let mut order: Vec<usize> = (0..ranges.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(size(&ranges[i])));
        let mut shares: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); threads];
        for i in order {
            if let Some(least) = shares.iter_mut().min_by_key(|s| s.0) {
                least.0 += size(&ranges[i]);
                least.1.push(i);
            }
        }
        let mut out: Vec<Option<Result<RangeCheck>>> = (0..ranges.len()).map(|_| None).collect();
        let done: Vec<Vec<(usize, Result<RangeCheck>)>> = std::thread::scope(|scope| {
            let readers: Vec<_> = shares
                .into_iter()
                .map(|(_, mine)| {
                    let path = &path;
                    scope.spawn(move || {
                        let conn = Connection::open(path).and_then(|c| {
                            c.busy_timeout(timeout)?;
                            c.pragma_update(None, "query_only", true)?;
                            Ok(c)
                        });
                        mine.into_iter()
                            .map(|i| {
                                let (from, to, version) = ranges[i];
                                let checked = match &conn {
                                    Ok(c) => range_check(c, from, to, version)
                                        .map_err(|e| explain(e, path, timeout)),
                                    Err(e) => Err(anyhow!(
                                        "could not open the records database `{}` again to read it beside the first reader: {e}",
                                        path.display()
                                    )),
                                };
                                (i, checked)
                            })
                            .collect()
                    })
                })
                .collect();
            readers
                .into_iter()
                .map(|r| r.join().unwrap_or_default())
                .collect()
        });
        for (i, checked) in done.into_iter().flatten() {
            out[i] = Some(checked);
        }
        out.into_iter()
            .map(|c| c.unwrap_or_else(|| Err(anyhow!("a reader of the inspections stopped"))))
            .collect()
    }
}

/// The text of a column, borrowed from SQLite's row; a value that is not
/// text fails as reading it into a `String` would.
fn text<'r>(r: &'r rusqlite::Row<'_>, k: usize) -> rusqlite::Result<&'r str> {
    match r.get_ref(k)?.as_str() {
        Ok(s) => Ok(s),
        Err(_) => Err(r
            .get::<_, String>(k)
            .err()
            .unwrap_or(rusqlite::Error::InvalidColumnIndex(k))),
    }
}

/// Walks the inspections with ids in `from..=to` (in id order) and their
/// results (in inspection and position order) together, hashing each
/// inspection from the columns as they are read: nothing is kept but the
/// inspection being hashed, and no text is copied out of SQLite.
fn range_check(conn: &Connection, from: i64, to: i64, version: u8) -> rusqlite::Result<RangeCheck> {
    let mut heads = conn.prepare_cached(&format!(
        "SELECT {INSPECTION_COLUMNS} FROM inspections i WHERE i.id BETWEEN ?1 AND ?2 ORDER BY i.id"
    ))?;
    let mut items = conn.prepare_cached(
        "SELECT inspection_id, position, item_id, value, number, outcome, note FROM item_results
         WHERE inspection_id BETWEEN ?1 AND ?2 ORDER BY inspection_id, position",
    )?;
    // Photos are few (an import has none): read whole, then walked beside
    // the inspections. Records opened only to read may be older than photos.
    let with_photos: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'",
        [],
        |r| r.get(0),
    )?;
    let photos: Vec<AttachmentRow> = if with_photos {
        conn.prepare_cached(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE inspection_id BETWEEN ?1 AND ?2 ORDER BY inspection_id, position"
        ))?
        .query_map([from, to], attachment_row)?
        .collect::<rusqlite::Result<_>>()?
    } else {
        Vec::new()
    };
    let mut heads = heads.query([from, to])?;
    let mut items = items.query([from, to])?;
    let mut walk = RangeWalk::new(version, &photos);
    let mut next_head =
        |visit: &mut dyn FnMut(&InspectionFields<'_>, i64)| -> rusqlite::Result<bool> {
            let Some(i) = heads.next()? else {
                return Ok(false);
            };
            let fields = InspectionFields {
                id: i.get(0)?,
                checklist_id: text(i, 1)?,
                revision_id: i.get(2)?,
                revision_number: i.get(3)?,
                lot: text(i, 4)?,
                serial: text(i, 5)?,
                inspector: text(i, 6)?,
                station: text(i, 7)?,
                recorded_at: i.get::<_, Stamp>(8)?.0,
                verdict: i.get(9)?,
                reinspects: i.get(10)?,
            };
            visit(&fields, i.get(11)?);
            Ok(true)
        };
    while let Some(r) = items.next()? {
        let result = ResultFields {
            position: r.get(1)?,
            item_id: text(r, 2)?,
            value: text(r, 3)?,
            number: r.get(4)?,
            outcome: r.get(5)?,
            note: text(r, 6)?,
        };
        walk.result(r.get(0)?, &result, &mut next_head)?;
    }
    walk.finish(&mut next_head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{CredentialRow, Insert};

    fn password_batch(person: &str, hash: String) -> Batch {
        Batch {
            actor: person.into(),
            action: "password set".into(),
            record: format!("password of {person}"),
            note: serde_json::json!({}),
            inserts: vec![Insert::Credential(CredentialRow {
                id: 0,
                person: person.into(),
                hash,
                set_at: Utc::now(),
                event_seq: 0,
            })],
        }
    }

    /// The statements of `conn` SQLite had to prepare again, and how often.
    fn reprepared(conn: &Connection) -> Vec<(String, i32)> {
        let mut found = Vec::new();
        // SAFETY: the connection's handle is valid while `conn` is borrowed;
        // sqlite3_next_stmt walks the statements it owns, which stay alive
        // (kept in its cache) for the duration of the walk.
        unsafe {
            let db = conn.handle();
            let mut stmt = rusqlite::ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !stmt.is_null() {
                let n = rusqlite::ffi::sqlite3_stmt_status(
                    stmt,
                    rusqlite::ffi::SQLITE_STMTSTATUS_REPREPARE,
                    0,
                );
                if n > 0 {
                    let sql = std::ffi::CStr::from_ptr(rusqlite::ffi::sqlite3_sql(stmt));
                    found.push((sql.to_string_lossy().into_owned(), n));
                }
                stmt = rusqlite::ffi::sqlite3_next_stmt(db, stmt);
            }
        }
        found
    }

    #[test]
    fn a_kept_connection_answers_request_after_request_without_preparing_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.db");
        let mut store =
            SqliteStore::open(&path, Duration::from_secs(1), Access::Create, "a test").unwrap();
        // What a server's requests read, each time with other values; a
        // set-up, a write probe and the pragmas between them, as at every
        // request on a kept connection.
        for (n, doc) in ["QC-001", "SOP-002", "QC-003"].into_iter().enumerate() {
            store.setup(Access::Write).unwrap();
            store.migrate().unwrap();
            store.records_of(doc).unwrap();
            store.can_write().unwrap();
            store.session(&format!("hash-{n}")).unwrap();
            store.submitted(&format!("key-{n}")).unwrap();
            store
                .inspections(&InspectionFilter {
                    id: Some(n as i64 + 1),
                    ..Default::default()
                })
                .unwrap();
            store
                .inspections(&InspectionFilter {
                    lot: Some(format!("L-{n}")),
                    ..Default::default()
                })
                .unwrap();
            store
                .inspections(&InspectionFilter {
                    checklist: Some(doc.into()),
                    since: Some(format!("2026-0{}-01", n + 1)),
                    until: Some(format!("2026-1{n}-01")),
                    ..Default::default()
                })
                .unwrap();
            store
                .recent_refusals(doc, "wrong password", Utc::now())
                .unwrap();
            store
                .recent_refusals_from(doc, &["wrong password"], Utc::now())
                .unwrap();
            store.last_roster().unwrap();
            store.nonconformances().unwrap();
            store.item_results(n as i64 + 1).unwrap();
        }
        assert_eq!(reprepared(&store.conn), Vec::new());
        for (name, value) in [
            ("synchronous", "2"),
            ("foreign_keys", "1"),
            ("temp_store", "1"),
            ("journal_mode", "wal"),
        ] {
            assert_eq!(store.pragma(name).unwrap(), value, "{name}");
        }
    }

    #[test]
    fn a_full_disk_says_so_names_the_file_records_nothing_and_exits_1() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.db");
        let mut store =
            SqliteStore::open(&path, Duration::from_secs(1), Access::Create, "a test").unwrap();
        store
            .append(Utc::now(), password_batch("ann", "h".into()))
            .unwrap();
        // The file may not grow by a page more: what a full disk does to SQLite.
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        store
            .conn
            .pragma_update(None, "max_page_count", pages)
            .unwrap();
        let big = "x".repeat(256 * 1024);
        let err = store
            .append(Utc::now(), password_batch("bob", big))
            .unwrap_err();
        let err = crate::error::Error::from(err);
        assert_eq!(err.kind, ErrorKind::StoreFull);
        assert_eq!(err.exit_code(), 1, "a full disk is not a usage error");
        let text = err.to_string();
        assert!(text.contains("is full"), "{text}");
        assert!(text.contains("nothing was recorded"), "{text}");
        assert!(text.contains(&path.display().to_string()), "{text}");
        // Nothing of the batch is there; the records still verify.
        assert_eq!(store.events().unwrap().len(), 1);
        assert_eq!(store.credentials().unwrap().len(), 1);
        assert!(
            crate::store::audit::verify(&mut store)
                .unwrap()
                .problems
                .is_empty()
        );
    }
}

#[cfg(test)]
mod staging {
    //! An import is staged without the write lock, then moved in with one
    //! short write: what it records must be what recording it directly
    //! would have, whoever wrote in between.

    use super::*;
    use crate::store::audit;
    use crate::store::streaming::generated;
    use chrono::TimeZone;

    fn store(path: &Path) -> SqliteStore {
        SqliteStore::open(path, Duration::from_secs(2), Access::Create, "a test").unwrap()
    }

    /// A store whose checklist CL-001 has revision 1, as `generated` rows need.
    fn ready(dir: &tempfile::TempDir) -> SqliteStore {
        crate::store::streaming::with_checklist(dir.path())
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 2, 3, 4, 5, 6).unwrap()
    }

    fn header() -> BatchHeader {
        BatchHeader {
            actor: "ann".into(),
            action: "imported".into(),
            record: "import of batch.csv".into(),
            note: serde_json::json!({ "file": "batch.csv" }),
        }
    }

    fn floor(s: &mut SqliteStore, n: usize) -> Vec<(i64, Option<i64>)> {
        s.record_inspections(
            at(),
            InspectionBatch {
                actor: "ann".into(),
                action: "inspected".into(),
                record: "CL-001".into(),
                note: serde_json::json!({}),
                inspections: generated(n, None),
            },
        )
        .unwrap()
    }

    fn intact(s: &mut SqliteStore) {
        let v = audit::verify(s).unwrap();
        assert!(v.problems.is_empty(), "{:?}", v.problems);
    }

    fn staging_tables(s: &SqliteStore) -> i64 {
        s.conn
            .query_row(
                "SELECT count(*) FROM sqlite_temp_master WHERE name LIKE 'staged%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// The event's detail row for the inspections of event `seq`.
    fn recorded(s: &mut SqliteStore, seq: i64) -> serde_json::Value {
        let event = s
            .events()
            .unwrap()
            .into_iter()
            .find(|e| e.seq == seq)
            .unwrap();
        let detail: serde_json::Value = serde_json::from_str(&event.detail).unwrap();
        detail["rows"][0].clone()
    }

    #[test]
    fn callers_writing_at_once_share_transactions_and_a_failed_batch_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        drop(ready(&dir));
        let path = dir.path().join("records.db");
        let groups_before = group::queue_for(&path).lock().groups;
        let (callers, each) = (12, 15);
        let writers: Vec<_> = (0..callers)
            .map(|c| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut s = store(&path);
                    let mut refused = 0;
                    for i in 0..each {
                        // Every caller sends its third batch twice, with one
                        // submission key: the second must fail, alone.
                        let key = format!("caller-{c}-{}", i.min(3));
                        let result = s.record_inspections(
                            at(),
                            InspectionBatch {
                                actor: "ann".into(),
                                action: "inspected".into(),
                                record: "CL-001".into(),
                                note: serde_json::json!({ "submission": key }),
                                inspections: generated(1, None),
                            },
                        );
                        match (i, result) {
                            (4, Err(e)) => {
                                assert!(format!("{e:#}").contains("UNIQUE"), "{e:#}");
                                refused += 1;
                            }
                            (i, result) if i > 4 => {
                                // Keys of later batches repeat "caller-c-3": refused too.
                                assert!(result.is_err());
                                refused += 1;
                            }
                            (_, result) => {
                                result.unwrap();
                            }
                        }
                    }
                    refused
                })
            })
            .collect();
        let refused: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
        assert_eq!(refused, callers * (each - 4));
        let mut s = store(&path);
        let recorded: i64 = s
            .conn
            .query_row("SELECT count(*) FROM inspections", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            recorded as usize,
            callers * 4,
            "each accepted batch once, no refused one"
        );
        intact(&mut s);
        let groups = group::queue_for(&path).lock().groups - groups_before;
        assert!(
            groups < callers * each,
            "{groups} transactions for {} batches: none were shared",
            callers * each
        );
    }

    #[test]
    fn a_staged_import_records_and_hashes_what_a_direct_write_would() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = ready(&dir);
        floor(&mut s, 3);
        let rows = generated(57, Some(2));
        let ids = s
            .record_inspection_stream(at(), header(), &mut rows.clone().into_iter().map(Ok))
            .unwrap();
        assert_eq!(ids.len(), 57);
        assert_eq!(ids[0].0, 4, "after the three recorded before");
        assert!(ids.windows(2).all(|w| w[1].0 == w[0].0 + 1));
        let failed = rows.iter().filter(|n| n.nc_summary.is_some()).count();
        assert_eq!(ids.iter().filter(|(_, nc)| nc.is_some()).count(), failed);
        // The same rows with their ids, hashed as typed rows are when recorded directly.
        let mut h = Sha256::new();
        for (n, (id, _)) in rows.iter().zip(&ids) {
            let mut row = n.row.clone();
            row.id = *id;
            hash_inspection_as(INSPECTION_HASH_VERSION, &mut h, &row, &n.results, &[]);
        }
        let event = recorded(&mut s, 3);
        assert_eq!(event["hash"], hex::encode(h.finalize()));
        assert_eq!(
            (event["from"].as_i64(), event["to"].as_i64()),
            (Some(4), Some(60))
        );
        assert_eq!(event["nonconformances"], failed);
        let shown = s
            .inspections(&InspectionFilter {
                id: Some(30),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(shown[0].lot, rows[26].row.lot);
        assert_eq!(s.item_results(30).unwrap().len(), rows[26].results.len());
        assert_eq!(staging_tables(&s), 0, "the staging tables are gone");
        intact(&mut s);
    }

    #[test]
    fn hashes_made_before_another_writer_came_first_are_made_again_under_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = ready(&dir);
        let staged = s
            .stage(&mut generated(40, None).into_iter().map(Ok))
            .unwrap();
        let mut expected = next_ids(&s.conn).unwrap();
        let mut hashes = staged_hashes(&s.conn, &expected).unwrap();
        let stale = hashes.clone();
        // A floor inspection between the hashes and the lock: another id, event and NC.
        floor(&mut s, 2);
        s.move_in_tx(at(), &header(), &staged, &mut expected, &mut hashes)
            .unwrap();
        assert_ne!(hashes.0, stale.0);
        assert_eq!(expected.inspection, 3);
        intact(&mut s);
    }

    #[test]
    fn a_bad_row_late_in_the_file_records_nothing_and_the_next_import_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = ready(&dir);
        let events = s.events().unwrap().len();
        let mut rows = generated(30, None)
            .into_iter()
            .map(Ok)
            .chain(std::iter::once(Err(anyhow!("batch.csv:32: a bad row"))));
        let err = s
            .record_inspection_stream(at(), header(), &mut rows)
            .unwrap_err();
        assert_eq!(err.to_string(), "batch.csv:32: a bad row");
        assert_eq!(s.counts().unwrap(), (0, 0));
        assert_eq!(s.events().unwrap().len(), events);
        assert_eq!(staging_tables(&s), 0);
        let ids = s
            .record_inspection_stream(at(), header(), &mut generated(5, None).into_iter().map(Ok))
            .unwrap();
        assert_eq!(ids.len(), 5);
        assert_eq!(s.counts().unwrap().0, 5);
        intact(&mut s);
    }

    #[test]
    fn the_floor_records_while_an_import_is_staged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.db");
        let mut s = ready(&dir);
        let mut other = store(&path);
        // A writer that does not wait at all: it fails if the import holds the lock.
        other.conn.busy_timeout(Duration::ZERO).unwrap();
        other.busy_timeout = Duration::ZERO;
        let mut recorded_meanwhile = 0;
        let mut rows = generated(50, None).into_iter().enumerate().map(|(k, n)| {
            if k % 10 == 5 {
                floor(&mut other, 1);
                recorded_meanwhile += 1;
            }
            Ok(n)
        });
        let ids = s
            .record_inspection_stream(at(), header(), &mut rows)
            .unwrap();
        drop(rows);
        assert_eq!(recorded_meanwhile, 5);
        assert_eq!(ids[0].0, 6, "the import's ids follow the floor's");
        assert_eq!(s.counts().unwrap().0, 55);
        intact(&mut s);
    }
}

/// The queue of inspection batches waiting to be written, one per records
/// file in this process (see `SqliteStore::record_grouped`).
pub(super) mod group {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};

    use anyhow::Result;
    use chrono::{DateTime, Utc};

    use super::super::{BatchHeader, NewInspection};

    /// One caller's batch.
    pub struct Job {
        pub at: DateTime<Utc>,
        pub header: BatchHeader,
        pub inspections: Vec<NewInspection>,
    }

    /// The ids a batch was recorded under (each inspection and its
    /// nonconformance, if it opened one), or why not.
    pub type Answer = Result<Vec<(i64, Option<i64>)>>;

    #[derive(Default)]
    pub struct State {
        /// Someone is writing a group now.
        pub writing: bool,
        /// Batches waiting for the next group, with their tickets.
        pub jobs: Vec<(u64, Job)>,
        /// Answers written, waiting for their callers.
        pub answers: HashMap<u64, Answer>,
        /// Groups written so far.
        pub groups: usize,
        next: u64,
    }

    impl State {
        /// Queues `job`; its ticket.
        pub fn enqueue(&mut self, job: Job) -> u64 {
            self.next += 1;
            self.jobs.push((self.next, job));
            self.next
        }
    }

    #[derive(Default)]
    pub struct Queue {
        state: Mutex<State>,
        changed: Condvar,
        /// Held by whoever in this process writes to the file (a group, a
        /// signature, a probe of the lock): they take turns here, in order,
        /// rather than in SQLite's busy handler, whose backoff lets one
        /// writer wait a second while others go.
        gate: Mutex<()>,
    }

    impl Queue {
        /// This process's turn to write.
        pub fn gate(&self) -> MutexGuard<'_, ()> {
            self.gate.lock().unwrap_or_else(|p| p.into_inner())
        }

        pub fn lock(&self) -> MutexGuard<'_, State> {
            // A caller that panicked left nothing half done in the state.
            self.state.lock().unwrap_or_else(|p| p.into_inner())
        }

        pub fn wait<'a>(&self, guard: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
            self.changed.wait(guard).unwrap_or_else(|p| p.into_inner())
        }

        pub fn wake_all(&self) {
            self.changed.notify_all();
        }
    }

    static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<Queue>>>> = LazyLock::new(Default::default);

    /// The queue of the records file at `path`.
    pub fn queue_for(path: &Path) -> Arc<Queue> {
        let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let mut queues = QUEUES.lock().unwrap_or_else(|p| p.into_inner());
        queues.entry(key).or_default().clone()
    }

    /// The same SQLite error again, for each caller of a group that failed
    /// as a whole.
    pub fn again(e: &rusqlite::Error) -> rusqlite::Error {
        match e {
            rusqlite::Error::SqliteFailure(code, message) => {
                rusqlite::Error::SqliteFailure(*code, message.clone())
            }
            other => rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                Some(other.to_string()),
            ),
        }
    }
}

/// Connections to records files, kept open for the next store of this
/// process: a server opens a store per request, and a new connection reads
/// and parses the whole schema before its first statement, which costs more
/// than most requests. A connection goes back only when no transaction is
/// open on it, and is taken only for the same file (the same inode: a file
/// put in place of another gets a new connection).
///
/// Only a long-lived process keeps connections ([`keep_connections`]): a
/// command closes its connection when it ends, so SQLite folds the
/// write-ahead log back into the file and a copy of the file alone is
/// whole.
pub mod pool {
    use std::collections::VecDeque;
    use std::ops::{Deref, DerefMut};
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{LazyLock, Mutex};

    use rusqlite::Connection;

    /// Connections kept, across all files.
    const KEPT: usize = 32;

    type Key = (PathBuf, u64, u64);

    static KEPT_CONNECTIONS: LazyLock<Mutex<VecDeque<(Key, Connection)>>> =
        LazyLock::new(Default::default);

    static KEEPING: AtomicBool = AtomicBool::new(false);

    /// From now on this process keeps connections for the next store (a
    /// server does; a command does not).
    pub fn keep_connections() {
        KEEPING.store(true, Ordering::Relaxed);
    }

    /// Closes every kept connection and keeps no more: what a server does
    /// as it stops, so the last close folds the log back into the file.
    pub fn close_kept() {
        KEEPING.store(false, Ordering::Relaxed);
        if let Ok(mut kept) = KEPT_CONNECTIONS.lock() {
            kept.clear();
        }
    }

    fn key(path: &Path) -> Option<Key> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        Some((path.to_path_buf(), meta.dev(), meta.ino()))
    }

    /// A kept connection to the file at `path`, if there is one.
    pub fn take(path: &Path) -> Option<Connection> {
        let key = key(path)?;
        let mut kept = KEPT_CONNECTIONS.lock().ok()?;
        let at = kept.iter().rposition(|(k, _)| *k == key)?;
        kept.remove(at).map(|(_, conn)| conn)
    }

    /// A store's connection, kept for the next store when the store goes.
    pub struct Pooled {
        conn: Option<Connection>,
        key: Option<Key>,
    }

    impl Pooled {
        /// `conn` to the file at `path` (`None`: in memory, never kept).
        pub fn new(conn: Connection, path: Option<&Path>) -> Pooled {
            Pooled {
                conn: Some(conn),
                key: path.and_then(key),
            }
        }
    }

    impl Deref for Pooled {
        type Target = Connection;
        fn deref(&self) -> &Connection {
            self.conn
                .as_ref()
                .expect("a store's connection is there until the store is dropped")
        }
    }

    impl DerefMut for Pooled {
        fn deref_mut(&mut self) -> &mut Connection {
            self.conn
                .as_mut()
                .expect("a store's connection is there until the store is dropped")
        }
    }

    impl Drop for Pooled {
        fn drop(&mut self) {
            let (Some(conn), Some(key)) = (self.conn.take(), self.key.take()) else {
                return;
            };
            if !conn.is_autocommit() || !KEEPING.load(Ordering::Relaxed) {
                return;
            }
            if let Ok(mut kept) = KEPT_CONNECTIONS.lock() {
                if kept.len() >= KEPT {
                    kept.pop_front();
                }
                kept.push_back((key, conn));
            }
        }
    }
}
