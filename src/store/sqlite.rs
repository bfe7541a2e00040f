//! The embedded store: one SQLite file in WAL mode with full fsync, a busy
//! timeout, foreign keys on, and migrations applied on open.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::{
    Appended, Batch, ChangeRow, CredentialRow, EventRow, GENESIS, Insert, Records, RevisionRow,
    RowRef, SignatureRow, Store, event_hash, row_hash, timestamp,
};

/// Migrations in order; the database's `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations/sqlite/0001_records.sql")];

/// How long a writer waits for another writer before giving up, unless
/// `SOPBOOK_BUSY_TIMEOUT_MS` says otherwise.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn busy_timeout() -> Duration {
    std::env::var("SOPBOOK_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

/// Turns SQLite's error into one that says which file and what to do.
fn explain(e: rusqlite::Error, path: &Path) -> anyhow::Error {
    let shown = path.display();
    let code = e.sqlite_error_code();
    let message = match code {
        Some(ErrorCode::NotADatabase) => format!(
            "`{shown}` is not a sopbook records database (SQLite says: {e})\n\nhelp: point `database` in sopbook.toml or SOPBOOK_DATABASE at the right file, or move this one away"
        ),
        Some(ErrorCode::ReadOnly) => format!(
            "the records database `{shown}` is read-only, so nothing could be recorded\n\nhelp: check the permissions of the file and of its folder"
        ),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => format!(
            "the records database `{shown}` is locked by another writer for longer than {:.1} s; nothing was recorded\n\nhelp: try again when the other sopbook command has finished",
            busy_timeout().as_secs_f64()
        ),
        Some(ErrorCode::CannotOpen) => format!(
            "could not open the records database `{shown}` ({e})\n\nhelp: check that its folder exists and is writable"
        ),
        _ => return anyhow!(e).context(format!("the records database `{shown}` failed")),
    };
    anyhow!(message)
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if path.is_dir() {
            return Err(anyhow!(
                "`{}` is a folder, but the records database must be a file",
                path.display()
            ));
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
        let conn = Connection::open(path).map_err(|e| explain(e, path))?;
        let store = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        store.setup().map_err(|e| explain(e, path))?;
        store.migrate().map_err(|e| explain(e, path))?;
        Ok(store)
    }

    fn setup(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(busy_timeout())?;
        // Reading the schema version fails at once on a file that is not a database.
        let _: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let read_only = self.conn.is_readonly(rusqlite::MAIN_DB)?;
        if !read_only {
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        Ok(())
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

    fn append_tx(&mut self, at: DateTime<Utc>, batch: Batch) -> rusqlite::Result<Appended> {
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
        let mut ids: Vec<i64> = Vec::new();
        let mut rows = Vec::new();
        let resolve = |r: &Option<RowRef>, ids: &[i64]| -> Option<i64> {
            r.map(|r| match r {
                RowRef::Existing(id) => id,
                RowRef::Batch(i) => ids[i],
            })
        };
        for insert in batch.inserts {
            let (table, id, hash) = match insert {
                Insert::Revision(mut row) => {
                    tx.execute(
                        "INSERT INTO revisions (doc_id, kind, number, title, path, content, content_hash, summary, minor, author, created_at, event_seq)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        params![row.doc_id, row.kind, row.number, row.title, row.path, row.content, row.content_hash,
                                row.summary, row.minor, row.author, row.created_at, seq],
                    )?;
                    row.id = tx.last_insert_rowid();
                    ("revisions", row.id, row_hash(&row))
                }
                Insert::Change { mut row, revision } => {
                    row.revision_id = resolve(&revision, &ids).or(row.revision_id);
                    tx.execute(
                        "INSERT INTO changes (doc_id, kind, revision_id, requested_by, reason, effective_date, required, approver_roles, created_at, event_seq)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        params![row.doc_id, row.kind, row.revision_id, row.requested_by, row.reason, row.effective_date,
                                row.required, row.approver_roles, row.created_at, seq],
                    )?;
                    row.id = tx.last_insert_rowid();
                    ("changes", row.id, row_hash(&row))
                }
                Insert::Signature {
                    mut row,
                    change,
                    revision,
                } => {
                    row.change_id = resolve(&change, &ids).or(row.change_id);
                    row.revision_id = resolve(&revision, &ids).or(row.revision_id);
                    tx.execute(
                        "INSERT INTO signatures (change_id, doc_id, revision_id, signer, meaning, signed_at, content_hash, note, event_seq)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![row.change_id, row.doc_id, row.revision_id, row.signer, row.meaning, row.signed_at,
                                row.content_hash, row.note, seq],
                    )?;
                    row.id = tx.last_insert_rowid();
                    ("signatures", row.id, row_hash(&row))
                }
                Insert::Credential(mut row) => {
                    tx.execute(
                        "INSERT INTO credentials (person, hash, set_at, event_seq) VALUES (?1, ?2, ?3, ?4)",
                        params![row.person, row.hash, row.set_at, seq],
                    )?;
                    row.id = tx.last_insert_rowid();
                    ("credentials", row.id, row_hash(&row))
                }
            };
            ids.push(id);
            rows.push(serde_json::json!({ "table": table, "id": id, "hash": hash }));
        }
        let detail = serde_json::json!({ "note": batch.note, "rows": rows });
        let mut event = EventRow {
            seq,
            at: timestamp(at),
            actor: batch.actor,
            action: batch.action,
            record: batch.record,
            detail: serde_json::to_string(&detail).unwrap_or_default(),
            prev_hash: prev_hash.clone(),
            hash: String::new(),
        };
        event.hash = event_hash(&prev_hash, &event);
        tx.execute(
            "INSERT INTO events (seq, at, actor, action, record, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![event.seq, event.at, event.actor, event.action, event.record, event.detail, event.prev_hash, event.hash],
        )?;
        tx.commit()?;
        Ok(Appended { seq, ids })
    }
}

impl Store for SqliteStore {
    fn append(&mut self, at: DateTime<Utc>, batch: Batch) -> Result<Appended> {
        let path = self.path.clone();
        self.append_tx(at, batch).map_err(|e| explain(e, &path))
    }

    fn records(&mut self) -> Result<Records> {
        let path = self.path.clone();
        let load = || -> rusqlite::Result<Records> {
            let mut stmt = self.conn.prepare(
                "SELECT id, doc_id, kind, number, title, path, content, content_hash, summary, minor, author, created_at, event_seq
                 FROM revisions ORDER BY id",
            )?;
            let revisions = stmt
                .query_map([], |r| {
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
                        created_at: r.get(11)?,
                        event_seq: r.get(12)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = self.conn.prepare(
                "SELECT id, doc_id, kind, revision_id, requested_by, reason, effective_date, required, approver_roles, created_at, event_seq
                 FROM changes ORDER BY id",
            )?;
            let changes = stmt
                .query_map([], |r| {
                    Ok(ChangeRow {
                        id: r.get(0)?,
                        doc_id: r.get(1)?,
                        kind: r.get(2)?,
                        revision_id: r.get(3)?,
                        requested_by: r.get(4)?,
                        reason: r.get(5)?,
                        effective_date: r.get(6)?,
                        required: r.get(7)?,
                        approver_roles: r.get(8)?,
                        created_at: r.get(9)?,
                        event_seq: r.get(10)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = self.conn.prepare(
                "SELECT id, change_id, doc_id, revision_id, signer, meaning, signed_at, content_hash, note, event_seq
                 FROM signatures ORDER BY id",
            )?;
            let signatures = stmt
                .query_map([], |r| {
                    Ok(SignatureRow {
                        id: r.get(0)?,
                        change_id: r.get(1)?,
                        doc_id: r.get(2)?,
                        revision_id: r.get(3)?,
                        signer: r.get(4)?,
                        meaning: r.get(5)?,
                        signed_at: r.get(6)?,
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
        load().map_err(|e| explain(e, &path))
    }

    fn events(&mut self) -> Result<Vec<EventRow>> {
        let path = self.path.clone();
        let load = || -> rusqlite::Result<Vec<EventRow>> {
            let mut stmt = self
                .conn
                .prepare("SELECT seq, at, actor, action, record, detail, prev_hash, hash FROM events ORDER BY seq")?;
            stmt.query_map([], |r| {
                Ok(EventRow {
                    seq: r.get(0)?,
                    at: r.get(1)?,
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
        load().map_err(|e| explain(e, &path))
    }

    fn credentials(&mut self) -> Result<Vec<CredentialRow>> {
        let path = self.path.clone();
        let load = || -> rusqlite::Result<Vec<CredentialRow>> {
            let mut stmt = self.conn.prepare(
                "SELECT id, person, hash, set_at, event_seq FROM credentials ORDER BY id",
            )?;
            stmt.query_map([], |r| {
                Ok(CredentialRow {
                    id: r.get(0)?,
                    person: r.get(1)?,
                    hash: r.get(2)?,
                    set_at: r.get(3)?,
                    event_seq: r.get(4)?,
                })
            })?
            .collect()
        };
        load().map_err(|e| explain(e, &path))
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }
}
