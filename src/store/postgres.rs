//! The shared store: one PostgreSQL database for several stations, lines or
//! sites. Same tables as SQLite (migrations/postgres), append-only enforced
//! by triggers in the server, times kept as the same RFC 3339 text, ids
//! given by sopbook under the write lock as SQLite gives them. Every write
//! takes one transaction-scoped advisory lock first, so the audit chain
//! stays one chain however many stations record at once.
//!
//! The connection is protected by TLS as the URL's `sslmode` says (`pg_tls`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow};
use chrono::{DateTime, Utc};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement, Transaction};
use sha2::{Digest, Sha256};

use crate::error::{ErrorKind, StoreFailure};
use crate::model::records::{
    ChangeKind, DocKind, Meaning, Outcome, StepKind, Verdict, parse_timestamp,
};

use super::copy::{Cell, copy_text, key_of, quoted};
use super::pg_import;
use super::pg_tls;
use super::pg_url::PgUrl;
use super::photos::PhotoFiles;
use super::sqlite::Access;
use super::{
    AcknowledgementRow, Appended, AttachmentRow, Batch, BatchHeader, ChainHead, ChangeRow,
    CredentialRow, EventRow, GENESIS, GroupBy, GroupCount, INSPECTION_HASH_VERSION,
    InspectionBatch, InspectionFields, InspectionFilter, InspectionRow, ItemResultRow, KeptFacts,
    KeyResetRow, LotApprovalRow, LotCloseRow, LotDecision, LotRow, NcRow, NcStepRow, NewInspection,
    NewRow, RangeCheck, RangeWalk, Records, ResultFields, RevisionRow, RosterRow, SealRow, Sealer,
    SessionEndRow, SessionRow, Severity, SignatureRow, SigningKeyRow, Store, StoreStatus, TABLES,
    TableCount, VoidRow, append_rows, chained_event, hash_inspection_as, inspections_detail,
    row_hash, timestamp,
};

/// Migrations in order; `sopbook_schema` holds one row per migration run.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_records.sql"),
    include_str!("../../migrations/postgres/0002_inspections.sql"),
    include_str!("../../migrations/postgres/0003_sessions.sql"),
    include_str!("../../migrations/postgres/0004_keys.sql"),
    include_str!("../../migrations/postgres/0005_key_resets.sql"),
    include_str!("../../migrations/postgres/0006_rosters.sql"),
    include_str!("../../migrations/postgres/0007_submissions.sql"),
    include_str!("../../migrations/postgres/0008_tokens.sql"),
    include_str!("../../migrations/postgres/0009_attachments.sql"),
    include_str!("../../migrations/postgres/0010_acknowledgements.sql"),
    include_str!("../../migrations/postgres/0011_text_facts.sql"),
    include_str!("../../migrations/postgres/0012_lots.sql"),
];

/// The advisory lock every write of the records takes ("SOPB").
const WRITE_LOCK: i64 = 0x534F_5042;
/// The advisory lock migrations take.
const MIGRATE_LOCK: i64 = 0x534F_5043;

/// How many inspections go to the server in one statement.
const CHUNK: usize = 2000;

pub struct PostgresStore {
    client: Kept,
    /// A copy (`db copy`) is open in this connection's transaction: the
    /// connection is not kept for another store.
    loading: bool,
    url: PgUrl,
    photos: PathBuf,
    statements: HashMap<String, Statement>,
    busy_timeout: Duration,
    /// What this store saw of the rarely changing tables, asked once (a
    /// server's, while it keeps connections; see [`facts`]); forgotten
    /// when this store writes.
    seen: Option<facts::Seen>,
}

/// A store's connection; given back to the kept ones when the store goes.
struct Kept(Option<Client>);

impl std::ops::Deref for Kept {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.0
            .as_ref()
            .expect("a store's connection is there until the store is dropped")
    }
}

impl std::ops::DerefMut for Kept {
    fn deref_mut(&mut self) -> &mut Client {
        self.0
            .as_mut()
            .expect("a store's connection is there until the store is dropped")
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        if self.loading {
            return;
        }
        if let Some(client) = self.client.0.take() {
            kept::give(
                kept::key(&self.url, self.busy_timeout),
                client,
                std::mem::take(&mut self.statements),
            );
        }
    }
}

/// The connections a server keeps (`sopbook serve`; a command keeps none),
/// as SQLite's are kept: opening one costs the server a process and the
/// checks of its schema, at every request.
pub mod kept {
    use std::collections::{HashMap, VecDeque};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{LazyLock, Mutex};
    use std::time::{Duration, Instant};

    use postgres::{Client, Statement};

    use super::PgUrl;

    /// Connections kept, across all databases: as many as requests a
    /// server answers at once, well under a server's usual 100.
    const KEPT: usize = 32;

    /// A connection, its prepared statements, and when it was given back.
    type Entry = (String, Client, HashMap<String, Statement>, Instant);

    /// A connection given back this recently is used without asking the
    /// server first whether it still answers: a server restarted in between
    /// is found by the request's own first statement.
    const FRESH: Duration = Duration::from_secs(1);

    static KEPT_CLIENTS: LazyLock<Mutex<VecDeque<Entry>>> = LazyLock::new(Default::default);
    static KEEPING: AtomicBool = AtomicBool::new(false);

    pub fn keep_connections() {
        KEEPING.store(true, Ordering::Relaxed);
    }

    /// Whether this process keeps connections (and facts): a server.
    pub(super) fn keeping() -> bool {
        KEEPING.load(Ordering::Relaxed)
    }

    pub fn close_kept() {
        KEEPING.store(false, Ordering::Relaxed);
        if let Ok(mut kept) = KEPT_CLIENTS.lock() {
            kept.clear();
        }
        super::facts::forget();
    }

    /// Which connections may stand in for one another: the same server,
    /// database and user (the password is the process's own), and wait.
    pub(super) fn key(url: &PgUrl, busy_timeout: Duration) -> String {
        format!(
            "{url} {:?} {:?} {}",
            url.ssl,
            url.root_cert,
            busy_timeout.as_millis()
        )
    }

    /// A kept connection for `key` that still answers.
    pub(super) fn take(key: &str) -> Option<(Client, HashMap<String, Statement>)> {
        loop {
            let (client, statements, since) = {
                let mut kept = KEPT_CLIENTS.lock().ok()?;
                let at = kept.iter().rposition(|(k, _, _, _)| k == key)?;
                let (_, client, statements, since) = kept.remove(at)?;
                (client, statements, since)
            };
            // A server restarted since: that connection is gone; try the next.
            let mut client = client;
            if client.is_closed() {
                continue;
            }
            if since.elapsed() < FRESH || client.is_valid(Duration::from_secs(2)).is_ok() {
                return Some((client, statements));
            }
        }
    }

    pub(super) fn give(key: String, client: Client, statements: HashMap<String, Statement>) {
        if !KEEPING.load(Ordering::Relaxed) || client.is_closed() {
            return;
        }
        if let Ok(mut kept) = KEPT_CLIENTS.lock() {
            if kept.len() >= KEPT {
                kept.pop_front();
            }
            kept.push_back((key, client, statements, Instant::now()));
        }
    }
}

/// What a server keeps between requests of the tables that change rarely:
/// the documents' records, lots, the roster, sign-ins and API tokens. Each
/// table is append-only and its ids only grow (given under the write
/// lock), so the largest id of each, asked once per request in one
/// question, says whether what is kept is still what the server holds. A
/// row added to any of them (a release, a retirement, a rejection, a lot,
/// a new roster, a sign-in ended or a token revoked) changes that answer,
/// and the request reads afresh: what a request is told is never older
/// than that question, as if it had asked the server itself.
pub(super) mod facts {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};

    use crate::model::records::Records;

    use super::super::{LotRow, RosterRow, SessionEndRow, SessionRow};

    /// The largest id of each table kept, in [`STAMP_SQL`]'s order.
    pub type Stamp = [i64; 7];

    /// The one question: the stamp, and whether the server takes writes
    /// from this user (asked with it, as every recording request asks).
    pub const STAMP_SQL: &str = "SELECT coalesce((SELECT max(id) FROM revisions), 0),
            coalesce((SELECT max(id) FROM changes), 0),
            coalesce((SELECT max(id) FROM signatures), 0),
            coalesce((SELECT max(id) FROM lots), 0),
            coalesce((SELECT max(id) FROM rosters), 0),
            coalesce((SELECT max(id) FROM sessions), 0),
            coalesce((SELECT max(id) FROM session_ends), 0),
            pg_is_in_recovery(), has_table_privilege('events', 'INSERT')";

    /// What one store was told.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Seen {
        pub stamp: Stamp,
        pub standby: bool,
        pub may_insert: bool,
    }

    /// The rows kept for one records database, read when the tables were
    /// at `stamp`.
    #[derive(Default)]
    pub struct Facts {
        pub stamp: Stamp,
        pub records: HashMap<String, Records>,
        pub lots: Option<Vec<LotRow>>,
        pub last_roster: Option<Option<RosterRow>>,
        pub sessions: HashMap<String, Option<(SessionRow, Option<SessionEndRow>)>>,
    }

    /// Sign-ins, and documents' records, kept at most: a server's tablets
    /// and gauges, and the documents they inspect with, many times over.
    const SESSIONS: usize = 4096;
    const DOCUMENTS: usize = 4096;

    static KEPT: LazyLock<Mutex<HashMap<String, Facts>>> = LazyLock::new(Default::default);

    /// What is kept for `key` if it was read at `stamp` exactly.
    pub fn get<T>(key: &str, stamp: &Stamp, read: impl FnOnce(&Facts) -> Option<T>) -> Option<T> {
        let kept = KEPT.lock().ok()?;
        kept.get(key).filter(|f| f.stamp == *stamp).and_then(read)
    }

    /// Keeps what was read after the tables were seen at `stamp`; what was
    /// kept at another stamp is dropped first.
    pub fn put(key: &str, stamp: &Stamp, write: impl FnOnce(&mut Facts)) {
        let Ok(mut kept) = KEPT.lock() else {
            return;
        };
        let facts = kept.entry(key.to_string()).or_default();
        if facts.stamp != *stamp {
            *facts = Facts {
                stamp: *stamp,
                ..Facts::default()
            };
        }
        if facts.sessions.len() >= SESSIONS {
            facts.sessions.clear();
        }
        if facts.records.len() >= DOCUMENTS {
            facts.records.clear();
        }
        write(facts);
    }

    pub fn forget() {
        if let Ok(mut kept) = KEPT.lock() {
            kept.clear();
        }
    }
}

enum Ownership {
    Ours(i64),
    Empty,
    Foreign(String),
}

/// A new connection to `url` with `config`, over TLS as `url` says.
pub(crate) fn connect(
    url: &PgUrl,
    config: &postgres::Config,
    busy_timeout: Duration,
) -> Result<Client> {
    match pg_tls::connector(url)? {
        None => config.connect(NoTls),
        Some(tls) => config.connect(tls),
    }
    .map_err(|e| explain(e, url, busy_timeout))
}

/// Turns the client's error into one that names the records (never with
/// the password) and says what to do.
pub fn explain(e: postgres::Error, url: &PgUrl, busy_timeout: Duration) -> anyhow::Error {
    let failure =
        |kind: ErrorKind, message: String| anyhow::Error::new(StoreFailure(kind)).context(message);
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        let said = db.message();
        if *code == SqlState::LOCK_NOT_AVAILABLE {
            return failure(
                ErrorKind::StoreBusy,
                format!(
                    "the records database `{url}` is locked by another writer for longer than {:.1} s; nothing was recorded\n\nhelp: try again when the other sopbook command has finished",
                    busy_timeout.as_secs_f64()
                ),
            );
        }
        if *code == SqlState::DISK_FULL {
            return failure(
                ErrorKind::StoreFull,
                format!(
                    "the disk of the PostgreSQL server holding the records `{url}` is full; nothing was recorded\n\nhelp: ask whoever runs that server to free some space, then try again"
                ),
            );
        }
        if [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::TOO_MANY_CONNECTIONS,
        ]
        .contains(code)
        {
            return failure(
                ErrorKind::StoreBusy,
                format!(
                    "the PostgreSQL server {}:{} holding the records `{url}` is not answering ({said}); nothing was recorded\n\nhelp: try again when the server is back",
                    url.host, url.port
                ),
            );
        }
        if [
            SqlState::INVALID_PASSWORD,
            SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
        ]
        .contains(code)
        {
            return failure(
                ErrorKind::Store,
                format!(
                    "the PostgreSQL server {}:{} refused sopbook's sign-in as `{}` ({said}); nothing was read or written\n\nhelp: check the user, and the password (in the URL, PGPASSWORD or ~/.pgpass)",
                    url.host, url.port, url.user
                ),
            );
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return failure(
                ErrorKind::NotFound,
                format!(
                    "there is no database `{}` on the PostgreSQL server {}:{} (`{url}`); nothing was read or written\n\nhelp: create it (createdb -O {} {}) or correct the URL",
                    url.dbname, url.host, url.port, url.user, url.dbname
                ),
            );
        }
        if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            return failure(
                ErrorKind::Store,
                format!(
                    "the PostgreSQL user `{}` may not do this in the records `{url}` ({said}); nothing was recorded\n\nhelp: see the README for the roles to create",
                    url.user
                ),
            );
        }
        let detail = match db.detail() {
            Some(d) => format!("{said}: {d}"),
            None => said.to_string(),
        };
        return anyhow!("PostgreSQL says: {detail}")
            .context(format!("the records database `{url}` failed"));
    }
    if let Some(refused) = pg_tls::explain(&e, url) {
        return refused;
    }
    // No answer from the server at all: not running, not reachable, or the
    // connection dropped. The client's words, with their cause.
    let said = match std::error::Error::source(&e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    };
    failure(
        ErrorKind::StoreBusy,
        format!(
            "could not reach the PostgreSQL server {}:{} holding the records `{url}` ({said}); nothing was recorded\n\nhelp: check that the server is running and reachable from this station, then try again",
            url.host, url.port
        ),
    )
}

fn stamp(r: &Row, i: usize) -> Result<DateTime<Utc>> {
    let text: String = r.try_get(i)?;
    parse_timestamp(&text).ok_or_else(|| anyhow!("`{text}` is not a time"))
}

fn word<T>(r: &Row, i: usize, parse: fn(&str) -> Option<T>, what: &str) -> Result<T> {
    let text: String = r.try_get(i)?;
    parse(&text).ok_or_else(|| anyhow!("`{text}` is not a {what}"))
}

fn inspection_row(r: &Row) -> Result<InspectionRow> {
    Ok(InspectionRow {
        id: r.try_get(0)?,
        checklist_id: r.try_get(1)?,
        revision_id: r.try_get(2)?,
        revision_number: r.try_get(3)?,
        lot: r.try_get(4)?,
        serial: r.try_get(5)?,
        inspector: r.try_get(6)?,
        station: r.try_get(7)?,
        recorded_at: stamp(r, 8)?,
        verdict: word(r, 9, Verdict::parse, "verdict")?,
        reinspects: r.try_get(10)?,
        event_seq: r.try_get(11)?,
    })
}

const INSPECTION_COLUMNS: &str = "i.id, i.checklist_id, i.revision_id, i.revision_number, i.lot, i.serial, i.inspector, i.station, i.recorded_at, i.verdict, i.reinspects, i.event_seq";

fn item_row(r: &Row) -> Result<ItemResultRow> {
    Ok(ItemResultRow {
        inspection_id: r.try_get(0)?,
        position: r.try_get(1)?,
        item_id: r.try_get(2)?,
        value: r.try_get(3)?,
        number: r.try_get(4)?,
        outcome: word(r, 5, Outcome::parse, "outcome")?,
        note: r.try_get(6)?,
    })
}

const ATTACHMENT_COLUMNS: &str =
    "inspection_id, position, item_id, sha256, media_type, byte_size, file_name";

fn attachment_row(r: &Row) -> Result<AttachmentRow> {
    Ok(AttachmentRow {
        inspection_id: r.try_get(0)?,
        position: r.try_get(1)?,
        item_id: r.try_get(2)?,
        sha256: r.try_get(3)?,
        media_type: r.try_get(4)?,
        byte_size: r.try_get(5)?,
        file_name: r.try_get(6)?,
    })
}

fn session_row(r: &Row) -> Result<SessionRow> {
    Ok(SessionRow {
        id: r.try_get(0)?,
        person: r.try_get(1)?,
        token_hash: r.try_get(2)?,
        started_at: stamp(r, 3)?,
        expires_at: stamp(r, 4)?,
        event_seq: r.try_get(5)?,
        kind: r.try_get(6)?,
    })
}

fn session_end_row(r: &Row) -> Result<SessionEndRow> {
    Ok(SessionEndRow {
        id: r.try_get(0)?,
        session_id: r.try_get(1)?,
        ended_at: stamp(r, 2)?,
        reason: r.try_get(3)?,
        event_seq: r.try_get(4)?,
    })
}

/// `recorded_at` bounds as SQL: dates compare as text against RFC 3339
/// times (the columns are of the "C" collation: byte order, as in SQLite).
fn range_clause(since: Option<&str>, until: Option<&str>, params: &mut Vec<String>) -> String {
    let mut sql = String::new();
    if let Some(s) = since {
        params.push(s.to_string());
        sql.push_str(&format!(" AND i.recorded_at >= ${}::text", params.len()));
    }
    if let Some(u) = until {
        params.push(u.to_string());
        sql.push_str(&format!(" AND i.recorded_at < ${}::text", params.len()));
    }
    sql
}

fn text_params(params: &[String]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// The next event's number and the hash it chains to.
fn next_event(tx: &mut Transaction<'_>) -> std::result::Result<(i64, String), postgres::Error> {
    let last = tx.query_opt(
        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    Ok(match last {
        Some(r) => (r.try_get::<_, i64>(0)? + 1, r.try_get(1)?),
        None => (1, GENESIS.to_string()),
    })
}

fn next_id(tx: &mut Transaction<'_>, table: &str) -> std::result::Result<i64, postgres::Error> {
    tx.query_one(
        &format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
        &[],
    )?
    .try_get(0)
}

pub(super) fn write_event(
    tx: &mut Transaction<'_>,
    event: &EventRow,
) -> std::result::Result<(), postgres::Error> {
    tx.execute(
        "INSERT INTO events (seq, at, actor, action, record, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[&event.seq, &timestamp(event.at), &event.actor, &event.action, &event.record, &event.detail, &event.prev_hash, &event.hash],
    )?;
    Ok(())
}

impl PostgresStore {
    /// Opens the records at `url`, applying the migrations on first use
    /// (inside an advisory lock, so stations starting at once are safe).
    /// A database that is not sopbook's, or that a newer sopbook wrote, is
    /// refused before anything is written. Photos are kept in `photos_beside`'s
    /// folder on this station.
    pub fn open(
        url: PgUrl,
        access: Access,
        origin: &str,
        photos_beside: PathBuf,
        busy_timeout: Duration,
    ) -> Result<PostgresStore> {
        let key = kept::key(&url, busy_timeout);
        // A server keeps its connections: one checked already, with its
        // statements prepared, is used again while it still answers.
        if let Some((client, statements)) = kept::take(&key) {
            return Ok(PostgresStore {
                client: Kept(Some(client)),
                loading: false,
                url,
                photos: photos_beside,
                statements,
                busy_timeout,
                seen: None,
            });
        }
        let mut config = url.config();
        // A writer waits this long for the write lock, as on SQLite.
        config.options(&format!(
            "-c lock_timeout={}",
            busy_timeout.as_millis().max(1)
        ));
        let client = connect(&url, &config, busy_timeout)?;
        let mut store = PostgresStore {
            client: Kept(Some(client)),
            loading: false,
            url,
            photos: photos_beside,
            statements: HashMap::new(),
            busy_timeout,
            seen: None,
        };
        let shown = store.url.to_string();
        match store.ownership().map_err(|e| store.explain(e))? {
            Ownership::Ours(version) if version > MIGRATIONS.len() as i64 => {
                return Err(anyhow!(
                    "the records database `{shown}` was written by a newer sopbook (records version {version}; this sopbook knows up to {}); nothing was read or written\n\nhelp: use the newer sopbook",
                    MIGRATIONS.len()
                ));
            }
            Ownership::Ours(_) | Ownership::Empty => {}
            Ownership::Foreign(what) => {
                return Err(anyhow!(
                    "`{shown}` ({origin}) is not a sopbook records database ({what}); nothing was read or written\n\nhelp: point it at sopbook's records, or at an empty database"
                ));
            }
        }
        // A PostgreSQL database is made for sopbook by whoever runs the
        // server: its first use, even to read, puts the tables in.
        let _ = access;
        store.migrate().map_err(|e| store.explain(e))?;
        Ok(store)
    }

    fn explain(&self, e: postgres::Error) -> anyhow::Error {
        explain(e, &self.url, self.busy_timeout)
    }

    /// What this store was told of the rarely changing tables: asked once
    /// (`None` in a process that keeps no facts, or while loading a copy).
    fn seen(&mut self) -> Result<Option<facts::Seen>> {
        if !kept::keeping() || self.loading {
            return Ok(None);
        }
        if let Some(seen) = self.seen {
            return Ok(Some(seen));
        }
        let stmt = self
            .prepared(facts::STAMP_SQL)
            .map_err(|e| self.explain(e))?;
        let row = self
            .client
            .query_one(&stmt, &[])
            .map_err(|e| self.explain(e))?;
        let mut stamp = facts::Stamp::default();
        for (i, v) in stamp.iter_mut().enumerate() {
            *v = row.try_get(i).map_err(|e| self.explain(e))?;
        }
        let seen = facts::Seen {
            stamp,
            standby: row.try_get(7).map_err(|e| self.explain(e))?,
            may_insert: row.try_get(8).map_err(|e| self.explain(e))?,
        };
        self.seen = Some(seen);
        Ok(Some(seen))
    }

    /// A fact kept for this database, if the tables are as they were when
    /// it was read; else `fresh` reads it, and it is kept.
    fn fact<T: Clone>(
        &mut self,
        kept: impl FnOnce(&facts::Facts) -> Option<T>,
        fresh: impl FnOnce(&mut Self) -> Result<T>,
        keep: impl FnOnce(&mut facts::Facts, T),
    ) -> Result<T> {
        let Some(seen) = self.seen()? else {
            return fresh(self);
        };
        let key = kept::key(&self.url, Duration::ZERO);
        if let Some(hit) = facts::get(&key, &seen.stamp, kept) {
            return Ok(hit);
        }
        let read = fresh(self)?;
        facts::put(&key, &seen.stamp, |f| keep(f, read.clone()));
        Ok(read)
    }

    /// Whose database this is (its current schema), read without writing.
    fn ownership(&mut self) -> std::result::Result<Ownership, postgres::Error> {
        let marked: bool = self
            .client
            .query_one("SELECT to_regclass('sopbook_schema') IS NOT NULL", &[])?
            .try_get(0)?;
        if marked {
            let version: i64 = self
                .client
                .query_one(
                    "SELECT coalesce(max(version), 0)::bigint FROM sopbook_schema",
                    &[],
                )?
                .try_get(0)?;
            return Ok(Ownership::Ours(version));
        }
        let tables: Vec<String> = self
            .client
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename COLLATE \"C\" LIMIT 5",
                &[],
            )?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
        Ok(if tables.is_empty() {
            Ownership::Empty
        } else {
            Ownership::Foreign(format!("it holds the tables {}", tables.join(", ")))
        })
    }

    fn migrate(&mut self) -> std::result::Result<(), postgres::Error> {
        if let Ownership::Ours(v) = self.ownership()?
            && v >= MIGRATIONS.len() as i64
        {
            return Ok(());
        }
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
        // Another station may have migrated while this one waited for the lock.
        // (Read from pg_class by this statement's snapshot: `to_regclass`
        // may answer from a catalog snapshot older than the lock.)
        let marked: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE c.relname = 'sopbook_schema' AND n.nspname = current_schema())",
                &[],
            )?
            .try_get(0)?;
        let version: i64 = if marked {
            tx.query_one(
                "SELECT coalesce(max(version), 0)::bigint FROM sopbook_schema",
                &[],
            )?
            .try_get(0)?
        } else {
            0
        };
        let now = timestamp(Utc::now());
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO sopbook_schema (version, applied_at) VALUES ($1, $2)",
                &[&(i as i32 + 1), &now],
            )?;
        }
        tx.commit()
    }

    /// A statement prepared once per connection.
    fn prepared(&mut self, sql: &str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        // Queries are made from a few shapes; a bound all the same.
        if self.statements.len() >= 512 {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Rows of a query with no parameters, each read by `read`.
    fn load<T>(&mut self, sql: &'static str, read: fn(&Row) -> Result<T>) -> Result<Vec<T>> {
        let stmt = self.prepared(sql).map_err(|e| self.explain(e))?;
        let rows = self.client.query(&stmt, &[]).map_err(|e| self.explain(e))?;
        rows.iter()
            .map(read)
            .collect::<Result<Vec<T>>>()
            .map_err(|e| self.damaged(e))
    }

    /// A row that does not read back as sopbook wrote it.
    fn damaged(&self, e: anyhow::Error) -> anyhow::Error {
        e.context(format!(
            "the records database `{}` holds a value sopbook cannot read",
            self.url
        ))
    }

    fn append_tx(
        &mut self,
        at: DateTime<Utc>,
        batch: Batch,
        sealers: &[Sealer],
    ) -> std::result::Result<Appended, postgres::Error> {
        // What this store reads next is read after its own write.
        self.seen = None;
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        let (seq, prev_hash) = next_event(&mut tx)?;
        let (ids, detail) = append_rows::<postgres::Error>(
            batch.inserts,
            batch.note,
            sealers,
            &mut |row| {
                let inserted = match row {
                NewRow::Revision(row) => tx.query_one(
                    "INSERT INTO revisions (id, doc_id, kind, number, title, path, content, content_hash, summary, minor, author, created_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM revisions), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                    &[&row.doc_id, &row.kind.as_str(), &row.number, &row.title, &row.path, &row.content, &row.content_hash,
                      &row.summary, &row.minor, &row.author, &timestamp(row.created_at), &seq],
                ),
                NewRow::Change(row) => tx.query_one(
                    "INSERT INTO changes (id, doc_id, kind, revision_id, requested_by, reason, effective_date, required, approver_roles, created_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM changes), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    &[&row.doc_id, &row.kind.as_str(), &row.revision_id, &row.requested_by, &row.reason, &row.effective_date.map(|d| d.to_string()),
                      &row.required, &row.approver_roles, &timestamp(row.created_at), &seq],
                ),
                NewRow::Signature(row) => tx.query_one(
                    "INSERT INTO signatures (id, change_id, doc_id, revision_id, signer, meaning, signed_at, content_hash, note, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM signatures), $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    &[&row.change_id, &row.doc_id, &row.revision_id, &row.signer, &row.meaning.as_str(), &timestamp(row.signed_at),
                      &row.content_hash, &row.note, &seq],
                ),
                NewRow::Void(row) => tx.query_one(
                    "INSERT INTO inspection_voids (id, inspection_id, reason, voided_by, voided_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM inspection_voids), $1, $2, $3, $4, $5) RETURNING id",
                    &[&row.inspection_id, &row.reason, &row.voided_by, &timestamp(row.voided_at), &seq],
                ),
                NewRow::NcStep(row) => tx.query_one(
                    "INSERT INTO nc_steps (id, nc_id, kind, value, sop_id, signer, signed_at, note, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM nc_steps), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[&row.nc_id, &row.kind.as_str(), &row.value, &row.sop_id, &row.signer, &timestamp(row.signed_at), &row.note, &seq],
                ),
                NewRow::Session(row) => tx.query_one(
                    "INSERT INTO sessions (id, person, token_hash, started_at, expires_at, event_seq, kind)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM sessions), $1, $2, $3, $4, $5, $6) RETURNING id",
                    &[&row.person, &row.token_hash, &timestamp(row.started_at), &timestamp(row.expires_at), &seq, &row.kind],
                ),
                NewRow::SessionEnd(row) => tx.query_one(
                    "INSERT INTO session_ends (id, session_id, ended_at, reason, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM session_ends), $1, $2, $3, $4) RETURNING id",
                    &[&row.session_id, &timestamp(row.ended_at), &row.reason, &seq],
                ),
                NewRow::SigningKey(row) => tx.query_one(
                    "INSERT INTO signing_keys (id, person, public_key, sealed, set_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM signing_keys), $1, $2, $3, $4, $5) RETURNING id",
                    &[&row.person, &row.public_key, &row.sealed, &timestamp(row.set_at), &seq],
                ),
                NewRow::KeyReset(row) => tx.query_one(
                    "INSERT INTO key_resets (id, person, public_key, reason, reset_by, reset_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM key_resets), $1, $2, $3, $4, $5, $6) RETURNING id",
                    &[&row.person, &row.public_key, &row.reason, &row.reset_by, &timestamp(row.reset_at), &seq],
                ),
                NewRow::Roster(row) => tx.query_one(
                    "INSERT INTO rosters (id, people, recorded_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM rosters), $1, $2, $3) RETURNING id",
                    &[&row.people, &timestamp(row.recorded_at), &seq],
                ),
                NewRow::Acknowledgement(row) => tx.query_one(
                    "INSERT INTO acknowledgements (id, person, doc_id, revision_id, revision_number, content_hash, acknowledged_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM acknowledgements), $1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[&row.person, &row.doc_id, &row.revision_id, &row.revision_number, &row.content_hash, &timestamp(row.acknowledged_at), &seq],
                ),
                NewRow::Lot(row) => tx.query_one(
                    "INSERT INTO lots (id, checklist_id, revision_id, revision_number, lot, supplier, lot_size, standard, level, severity, code_letter, sample, plan, opened_by, opened_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM lots), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                    &[&row.checklist_id, &row.revision_id, &row.revision_number, &row.lot, &row.supplier, &row.lot_size, &row.standard, &row.level, &row.severity.as_str(), &row.code_letter, &row.sample, &row.plan, &row.opened_by, &timestamp(row.opened_at), &seq],
                ),
                NewRow::LotClose(row) => tx.query_one(
                    "INSERT INTO lot_closes (id, lot_id, decision, sampled, nonconforming, nc_id, closed_by, closed_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM lot_closes), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[&row.lot_id, &row.decision.as_str(), &row.sampled, &row.nonconforming, &row.nc_id, &row.closed_by, &timestamp(row.closed_at), &seq],
                ),
                NewRow::LotApproval(row) => tx.query_one(
                    "INSERT INTO lot_approvals (id, checklist_id, supplier, signer, signed_at, note, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM lot_approvals), $1, $2, $3, $4, $5, $6) RETURNING id",
                    &[&row.checklist_id, &row.supplier, &row.signer, &timestamp(row.signed_at), &row.note, &seq],
                ),
                NewRow::Credential(row) => tx.query_one(
                    "INSERT INTO credentials (id, person, hash, set_at, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM credentials), $1, $2, $3, $4) RETURNING id",
                    &[&row.person, &row.hash, &timestamp(row.set_at), &seq],
                ),
                NewRow::Seal(seal) => tx.query_one(
                    "INSERT INTO seals (id, row_table, row_id, signer, public_key, signature, event_seq)
                     VALUES ((SELECT coalesce(max(id), 0) + 1 FROM seals), $1, $2, $3, $4, $5, $6) RETURNING id",
                    &[&seal.row_table, &seal.row_id, &seal.signer, &seal.public_key, &seal.signature, &seq],
                ),
            }?;
                inserted.try_get::<_, i64>(0)
            },
        )?;
        let event = chained_event(
            seq,
            prev_hash,
            at,
            (batch.actor, batch.action, batch.record),
            &detail,
        );
        write_event(&mut tx, &event)?;
        tx.commit()?;
        Ok(Appended { seq, ids })
    }
}

impl PostgresStore {
    /// Records a batch of inspections in a transaction with those of the
    /// other callers in this process that are waiting meanwhile (a server's
    /// requests), each batch its own event in a savepoint of its own (a
    /// batch that fails, such as a submission already recorded, is rolled
    /// back alone): one lock and one commit on disk for all of them. No
    /// caller hears of success before the commit that holds its rows.
    fn record_grouped(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        inspections: Vec<NewInspection>,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        let queue = super::sqlite::group::queue_for(std::path::Path::new(&format!(
            "postgres {}",
            kept::key(&self.url, self.busy_timeout)
        )));
        let mut state = queue.lock();
        let ticket = state.enqueue(super::sqlite::group::Job {
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
                let answers = self.write_group(jobs);
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
    fn write_group(
        &mut self,
        jobs: Vec<(u64, super::sqlite::group::Job)>,
    ) -> Vec<(u64, super::sqlite::group::Answer)> {
        let (url, timeout) = (self.url.clone(), self.busy_timeout);
        // The same failure for every caller of a group that failed whole.
        let each = |e: postgres::Error, tickets: Vec<u64>| {
            let shown = explain(e, &url, timeout);
            let kind = shown
                .chain()
                .find_map(|c| c.downcast_ref::<StoreFailure>())
                .map_or(ErrorKind::Store, |f| f.0);
            let text = format!("{shown:#}");
            tickets
                .into_iter()
                .map(|t| {
                    (
                        t,
                        Err(anyhow::Error::new(StoreFailure(kind)).context(text.clone())),
                    )
                })
                .collect::<Vec<_>>()
        };
        let tickets: Vec<u64> = jobs.iter().map(|(t, _)| *t).collect();
        // All batches at once: a few statements for the whole group. A
        // failure that is not the server's (lost, busy) is tried again a
        // batch at a time below, so that only the batch at fault fails.
        match self.write_group_at_once(&jobs) {
            Ok(answers) => return answers,
            Err(e) if at_once_retried(&e) && !self.client.is_closed() => {}
            Err(e) => return each(e, tickets),
        }
        let mut tx = match self.client.transaction() {
            Ok(tx) => tx,
            Err(e) => return each(e, tickets),
        };
        let mut answers = Vec::with_capacity(jobs.len());
        for (ticket, job) in jobs {
            let mut sp = match tx.savepoint("one_batch") {
                Ok(sp) => sp,
                Err(e) => return each(e, tickets),
            };
            match write_inspections_in(&mut sp, job.at, job.header, job.inspections) {
                Ok(ids) => {
                    if let Err(e) = sp.commit() {
                        return each(e, tickets);
                    }
                    answers.push((ticket, Ok(ids)));
                }
                Err(e) => {
                    let _ = sp.rollback();
                    answers.push((ticket, Err(explain(e, &url, timeout))));
                }
            }
        }
        if let Err(e) = tx.commit() {
            return each(e, tickets);
        }
        answers
    }
}

/// Whether a group that failed written at once is tried again a batch at
/// a time: not when the server is gone or the write lock is busy, which
/// would fail again after as long a wait.
fn at_once_retried(e: &postgres::Error) -> bool {
    match e.code() {
        None => false,
        Some(code) => ![
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::QUERY_CANCELED,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::DISK_FULL,
        ]
        .contains(code),
    }
}

/// The statements a group of inspection batches is written with, prepared
/// once per connection.
const HEAD_SQL: &str = "SELECT (SELECT seq FROM events ORDER BY seq DESC LIMIT 1),
        (SELECT hash FROM events ORDER BY seq DESC LIMIT 1),
        (SELECT coalesce(max(id), 0) + 1 FROM inspections),
        (SELECT coalesce(max(id), 0) + 1 FROM nonconformances)";
/// The write lock, then the chain's head and the next ids, in one visit
/// to the server (two statements: the head is read after the lock is held).
fn lock_and_head_sql() -> String {
    format!("SELECT pg_advisory_xact_lock({WRITE_LOCK}); {HEAD_SQL}")
}
/// A group's inspections, their results and its events in one statement
/// (the keys between them are checked at its end).
const GROUP_SQL: &str = "WITH inspected AS (INSERT INTO inspections (id, checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[])),
     results AS (INSERT INTO item_results (inspection_id, position, item_id, value, number, outcome, note)
         SELECT * FROM unnest($13::bigint[], $14::bigint[], $15::text[], $16::text[], $17::float8[], $18::text[], $19::text[]))
     INSERT INTO events (seq, at, actor, action, record, detail, prev_hash, hash)
     SELECT * FROM unnest($20::bigint[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[])";
const EVENTS_SQL: &str = "INSERT INTO events (seq, at, actor, action, record, detail, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])";

/// The submission key a batch's note carries (a form's), if any.
fn submission_of(header: &BatchHeader) -> Option<&str> {
    header.note.get("submission").and_then(|k| k.as_str())
}

impl PostgresStore {
    /// Writes every batch of `jobs` in one transaction with a few
    /// statements (the usual group: four visits to the server, its rows in
    /// one statement): each batch still its own event, chained in order. A
    /// batch whose submission key comes earlier in the group is answered
    /// with that and writes nothing; one recorded before fails the group,
    /// which is then written a batch at a time.
    fn write_group_at_once(
        &mut self,
        jobs: &[(u64, super::sqlite::group::Job)],
    ) -> std::result::Result<Vec<(u64, super::sqlite::group::Answer)>, postgres::Error> {
        let events = self.prepared(EVENTS_SQL)?;
        let group = self.prepared(GROUP_SQL)?;
        let inserts = [
            self.prepared(INSPECTIONS_SQL)?,
            self.prepared(RESULTS_SQL)?,
            self.prepared(PHOTOS_SQL)?,
            self.prepared(NCS_SQL)?,
        ];
        let mut tx = self.client.transaction()?;
        // A submission key recorded already is not looked for first: the
        // records keep keys unique, so such a group fails whole and is
        // written again a batch at a time, where only that batch fails.
        let head = tx.simple_query(&lock_and_head_sql())?;
        let answered = head.iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) if r.len() == 4 => {
                let number = |i: usize| r.get(i).and_then(|v| v.parse::<i64>().ok());
                Some((
                    number(0),
                    r.get(1).map(str::to_string),
                    number(2),
                    number(3),
                ))
            }
            _ => None,
        });
        let (last, hash, next, next_nc) = match answered {
            Some((last, hash, Some(next), Some(next_nc))) => (last, hash, next, next_nc),
            // Asked again, typed, should the text answer not read.
            _ => {
                let r = tx.query_one(HEAD_SQL, &[])?;
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)
            }
        };
        let mut seq: i64 = last.unwrap_or(0) + 1;
        let mut prev_hash: String = hash.unwrap_or_else(|| GENESIS.to_string());
        let mut base: i64 = next;
        let mut nc_base: i64 = next_nc;
        let mut answers = Vec::with_capacity(jobs.len());
        let (mut rows, mut ncs, mut chain) = (Vec::new(), Vec::new(), Vec::new());
        let mut keys = std::collections::HashSet::new();
        for (ticket, job) in jobs {
            if let Some(key) = submission_of(&job.header)
                && !keys.insert(key.to_string())
            {
                answers.push((
                    *ticket,
                    Err(anyhow!(
                        "the form with submission key `{key}` is recorded already; nothing was recorded again"
                    )),
                ));
                continue;
            }
            let planned = plan_inspections(
                job.at,
                job.header.clone(),
                job.inspections.clone(),
                (seq, prev_hash),
                (base, nc_base),
            );
            seq += 1;
            base += planned.inspections.len() as i64;
            nc_base += planned.ncs.len() as i64;
            prev_hash = planned.event.hash.clone();
            answers.push((*ticket, Ok(planned.ids)));
            rows.extend(planned.inspections);
            ncs.extend(planned.ncs);
            chain.push(planned.event);
        }
        let plain =
            ncs.is_empty() && rows.len() <= CHUNK && rows.iter().all(|r| r.attachments.is_empty());
        if plain && !chain.is_empty() {
            // The usual group: one statement for all its rows.
            insert_group(&mut tx, &rows, &chain, &group)?;
            tx.commit()?;
            return Ok(answers);
        }
        for chunk in rows.chunks(CHUNK) {
            insert_inspections(&mut tx, chunk, [&inserts[0], &inserts[1], &inserts[2]])?;
        }
        for chunk in ncs.chunks(CHUNK * 4) {
            insert_ncs(&mut tx, chunk, &inserts[3])?;
        }
        if !chain.is_empty() {
            tx.execute(&events, &params(&event_columns(&chain)))?;
        }
        tx.commit()?;
        Ok(answers)
    }
}

/// One array per column, as an `unnest` insert takes them.
type Columns<'a> = Vec<Box<dyn ToSql + Sync + 'a>>;

fn column<'a, T: ToSql + Sync + 'a>(values: Vec<T>) -> Box<dyn ToSql + Sync + 'a> {
    Box::new(values)
}

/// The statement's parameters: the columns in order.
fn params<'b>(columns: &'b Columns<'_>) -> Vec<&'b (dyn ToSql + Sync)> {
    columns
        .iter()
        .map(|c| c.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// The columns of [`INSPECTIONS_SQL`] (and the first of [`GROUP_SQL`]).
fn inspection_columns<'a>(rows: &[&'a InspectionRow]) -> Columns<'a> {
    vec![
        column(rows.iter().map(|r| r.id).collect()),
        column(rows.iter().map(|r| r.checklist_id.as_str()).collect()),
        column(rows.iter().map(|r| r.revision_id).collect()),
        column(rows.iter().map(|r| r.revision_number).collect()),
        column(rows.iter().map(|r| r.lot.as_str()).collect()),
        column(rows.iter().map(|r| r.serial.as_str()).collect()),
        column(rows.iter().map(|r| r.inspector.as_str()).collect()),
        column(rows.iter().map(|r| r.station.as_str()).collect()),
        column(rows.iter().map(|r| timestamp(r.recorded_at)).collect()),
        column(rows.iter().map(|r| r.verdict.as_str()).collect()),
        column(rows.iter().map(|r| r.reinspects).collect()),
        column(rows.iter().map(|r| r.event_seq).collect()),
    ]
}

/// The columns of [`RESULTS_SQL`].
fn result_columns<'a>(results: &[&'a ItemResultRow]) -> Columns<'a> {
    vec![
        column(results.iter().map(|r| r.inspection_id).collect()),
        column(results.iter().map(|r| r.position).collect()),
        column(results.iter().map(|r| r.item_id.as_str()).collect()),
        column(results.iter().map(|r| r.value.as_str()).collect()),
        column(results.iter().map(|r| r.number).collect()),
        column(results.iter().map(|r| r.outcome.as_str()).collect()),
        column(results.iter().map(|r| r.note.as_str()).collect()),
    ]
}

/// The columns of [`EVENTS_SQL`].
fn event_columns(chain: &[EventRow]) -> Columns<'_> {
    vec![
        column(chain.iter().map(|e| e.seq).collect()),
        column(chain.iter().map(|e| timestamp(e.at)).collect()),
        column(chain.iter().map(|e| e.actor.as_str()).collect()),
        column(chain.iter().map(|e| e.action.as_str()).collect()),
        column(chain.iter().map(|e| e.record.as_str()).collect()),
        column(chain.iter().map(|e| e.detail.as_str()).collect()),
        column(chain.iter().map(|e| e.prev_hash.as_str()).collect()),
        column(chain.iter().map(|e| e.hash.as_str()).collect()),
    ]
}

/// A group's inspections (without photos), their results and its events,
/// with [`GROUP_SQL`].
fn insert_group(
    tx: &mut Transaction<'_>,
    chunk: &[NewInspection],
    chain: &[EventRow],
    group: &Statement,
) -> std::result::Result<(), postgres::Error> {
    let rows: Vec<&InspectionRow> = chunk.iter().map(|n| &n.row).collect();
    let results: Vec<&ItemResultRow> = chunk.iter().flat_map(|n| &n.results).collect();
    let mut columns = inspection_columns(&rows);
    columns.extend(result_columns(&results));
    columns.extend(event_columns(chain));
    tx.execute(group, &params(&columns))?;
    Ok(())
}

/// Writes a batch of inspections and its event in `tx`, under the write
/// lock: ids are given from the largest so far, every table's rows go to
/// the server in a few statements (arrays unnested).
fn write_inspections_in(
    tx: &mut Transaction<'_>,
    at: DateTime<Utc>,
    header: BatchHeader,
    inspections: Vec<NewInspection>,
) -> std::result::Result<Vec<(i64, Option<i64>)>, postgres::Error> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
    let (seq, prev_hash) = next_event(tx)?;
    let base = next_id(tx, "inspections")?;
    let nc_base = next_id(tx, "nonconformances")?;
    let planned = plan_inspections(at, header, inspections, (seq, prev_hash), (base, nc_base));
    for chunk in planned.inspections.chunks(CHUNK) {
        insert_inspections(tx, chunk, [INSPECTIONS_SQL, RESULTS_SQL, PHOTOS_SQL])?;
    }
    for chunk in planned.ncs.chunks(CHUNK * 4) {
        insert_ncs(tx, chunk, NCS_SQL)?;
    }
    write_event(tx, &planned.event)?;
    Ok(planned.ids)
}

/// What one batch of inspections writes, once the chain's head and the
/// next ids are known: its rows with their ids, the nonconformances the
/// failed ones open, and its event.
struct Planned {
    inspections: Vec<NewInspection>,
    ncs: Vec<NcRow>,
    event: EventRow,
    ids: Vec<(i64, Option<i64>)>,
}

/// Gives the batch its ids from `base` and `nc_base` and its event the
/// sequence number and previous hash `head`.
fn plan_inspections(
    at: DateTime<Utc>,
    header: BatchHeader,
    mut inspections: Vec<NewInspection>,
    (seq, prev_hash): (i64, String),
    (base, nc_base): (i64, i64),
) -> Planned {
    let mut hasher = Sha256::new();
    let mut nc_hasher = Sha256::new();
    let mut ncs: Vec<NcRow> = Vec::new();
    let mut ids = Vec::with_capacity(inspections.len());
    let mut failed = 0;
    for (k, new) in inspections.iter_mut().enumerate() {
        let id = base + k as i64;
        new.row.id = id;
        new.row.event_seq = seq;
        for r in &mut new.results {
            r.inspection_id = id;
        }
        for a in &mut new.attachments {
            a.inspection_id = id;
        }
        if new.row.verdict == Verdict::Fail {
            failed += 1;
        }
        hash_inspection_as(
            INSPECTION_HASH_VERSION,
            &mut hasher,
            &new.row,
            &new.results,
            &new.attachments,
        );
        let nc_id = new.nc_summary.as_ref().map(|summary| {
            let row = NcRow {
                id: nc_base + ncs.len() as i64,
                inspection_id: id,
                opened_at: new.row.recorded_at,
                summary: summary.clone(),
                event_seq: seq,
            };
            nc_hasher.update(row_hash(&row).as_bytes());
            let nc_id = row.id;
            ncs.push(row);
            nc_id
        });
        ids.push((id, nc_id));
    }
    let count = ids.len();
    let span = match count {
        0 => (0, 0),
        n => (base, base + n as i64 - 1),
    };
    let detail = inspections_detail(
        header.note,
        count,
        failed,
        span,
        &hex::encode(hasher.finalize()),
        ncs.len(),
        &hex::encode(nc_hasher.finalize()),
    );
    let event = chained_event(
        seq,
        prev_hash,
        at,
        (header.actor, header.action, header.record),
        &detail,
    );
    Planned {
        inspections,
        ncs,
        event,
        ids,
    }
}

fn insert_ncs<S: postgres::ToStatement + ?Sized>(
    tx: &mut Transaction<'_>,
    chunk: &[NcRow],
    sql: &S,
) -> std::result::Result<(), postgres::Error> {
    tx.execute(
        sql,
        &[
            &chunk.iter().map(|n| n.id).collect::<Vec<_>>(),
            &chunk.iter().map(|n| n.inspection_id).collect::<Vec<_>>(),
            &chunk
                .iter()
                .map(|n| timestamp(n.opened_at))
                .collect::<Vec<_>>(),
            &chunk.iter().map(|n| n.summary.as_str()).collect::<Vec<_>>(),
            &chunk.iter().map(|n| n.event_seq).collect::<Vec<_>>(),
        ],
    )?;
    Ok(())
}

impl PostgresStore {
    fn records_where(&mut self, doc: Option<&str>) -> Result<Records> {
        let docs: Option<Vec<String>> = doc.map(|d| vec![d.to_string()]);
        self.records_of_docs(docs.as_deref(), false)
    }

    /// The records of the documents `docs` (all without); with `outline`,
    /// without the texts training does not use (see `Store::records_outline`).
    fn records_of_docs(&mut self, docs: Option<&[String]>, outline: bool) -> Result<Records> {
        let filter = if docs.is_some() {
            "WHERE doc_id = ANY($1::text[])"
        } else {
            ""
        };
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
        let list: Vec<&str> = docs
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .collect();
        let args: Vec<&(dyn ToSql + Sync)> = match docs {
            Some(_) => vec![&list],
            None => vec![],
        };
        let (url, timeout) = (self.url.clone(), self.busy_timeout);
        let e = |err| explain(err, &url, timeout);
        let sql = format!(
            "SELECT id, doc_id, kind, number, title, path, {content}, content_hash, summary, minor, author, created_at, event_seq
                     FROM revisions {filter} ORDER BY id"
        );
        let stmt = self.prepared(&sql).map_err(e)?;
        let rows = self.client.query(&stmt, &args).map_err(e)?;
        let revisions = rows
            .iter()
            .map(|r| {
                Ok(RevisionRow {
                    id: r.try_get(0)?,
                    doc_id: r.try_get(1)?,
                    kind: word(r, 2, DocKind::parse, "kind of document")?,
                    number: r.try_get(3)?,
                    title: r.try_get(4)?,
                    path: r.try_get(5)?,
                    content: r.try_get(6)?,
                    content_hash: r.try_get(7)?,
                    summary: r.try_get(8)?,
                    minor: r.try_get(9)?,
                    author: r.try_get(10)?,
                    created_at: stamp(r, 11)?,
                    event_seq: r.try_get(12)?,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map_err(|err| self.damaged(err))?;
        let sql = format!(
            "SELECT id, doc_id, kind, revision_id, requested_by, {reason}, effective_date, required, {approver_roles}, created_at, event_seq
                     FROM changes {filter} ORDER BY id"
        );
        let stmt = self.prepared(&sql).map_err(e)?;
        let rows = self.client.query(&stmt, &args).map_err(e)?;
        let changes = rows
            .iter()
            .map(|r| {
                let day: Option<String> = r.try_get(6)?;
                Ok(ChangeRow {
                    id: r.try_get(0)?,
                    doc_id: r.try_get(1)?,
                    kind: word(r, 2, ChangeKind::parse, "kind of change")?,
                    revision_id: r.try_get(3)?,
                    requested_by: r.try_get(4)?,
                    reason: r.try_get(5)?,
                    effective_date: match day {
                        Some(d) => Some(
                            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                                .map_err(|_| anyhow!("`{d}` is not a date"))?,
                        ),
                        None => None,
                    },
                    required: r.try_get(7)?,
                    approver_roles: r.try_get(8)?,
                    created_at: stamp(r, 9)?,
                    event_seq: r.try_get(10)?,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map_err(|err| self.damaged(err))?;
        let sql = format!(
            "SELECT id, change_id, doc_id, revision_id, signer, meaning, signed_at, {hash}, {note}, event_seq
                     FROM signatures {filter} ORDER BY id"
        );
        let stmt = self.prepared(&sql).map_err(e)?;
        let rows = self.client.query(&stmt, &args).map_err(e)?;
        let signatures = rows
            .iter()
            .map(|r| {
                Ok(SignatureRow {
                    id: r.try_get(0)?,
                    change_id: r.try_get(1)?,
                    doc_id: r.try_get(2)?,
                    revision_id: r.try_get(3)?,
                    signer: r.try_get(4)?,
                    meaning: word(r, 5, Meaning::parse, "meaning")?,
                    signed_at: stamp(r, 6)?,
                    content_hash: r.try_get(7)?,
                    note: r.try_get(8)?,
                    event_seq: r.try_get(9)?,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map_err(|err| self.damaged(err))?;
        Ok(Records {
            revisions,
            changes,
            signatures,
        })
    }

    /// Rows of a query with text parameters, each read by `read`.
    fn load_with<T>(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        read: impl Fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let stmt = self.prepared(sql).map_err(|e| self.explain(e))?;
        let rows = self
            .client
            .query(&stmt, params)
            .map_err(|e| self.explain(e))?;
        rows.iter()
            .map(read)
            .collect::<Result<Vec<T>>>()
            .map_err(|e| self.damaged(e))
    }

    fn count(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<i64> {
        let stmt = self.prepared(sql).map_err(|e| self.explain(e))?;
        let row = self
            .client
            .query_one(&stmt, params)
            .map_err(|e| self.explain(e))?;
        row.try_get(0).map_err(|e| self.explain(e))
    }

    fn range_check(&mut self, from: i64, to: i64, version: u8) -> Result<RangeCheck> {
        let heads = self.load_with(
            &format!(
                "SELECT {INSPECTION_COLUMNS} FROM inspections i WHERE i.id BETWEEN $1 AND $2 ORDER BY i.id"
            ),
            &[&from, &to],
            inspection_row,
        )?;
        let items = self.load_with(
            "SELECT inspection_id, position, item_id, value, number, outcome, note FROM item_results
             WHERE inspection_id BETWEEN $1 AND $2 ORDER BY inspection_id, position",
            &[&from, &to],
            item_row,
        )?;
        let photos = self.load_with(
            &format!(
                "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE inspection_id BETWEEN $1 AND $2 ORDER BY inspection_id, position"
            ),
            &[&from, &to],
            attachment_row,
        )?;
        Ok(range_check_of(version, &heads, &items, &photos))
    }
}

/// One chunk of inspections with their results and photos, ids given.
const INSPECTIONS_SQL: &str = "INSERT INTO inspections (id, checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[])";
const RESULTS_SQL: &str = "INSERT INTO item_results (inspection_id, position, item_id, value, number, outcome, note)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[])";
const PHOTOS_SQL: &str = "INSERT INTO attachments (inspection_id, position, item_id, sha256, media_type, byte_size, file_name)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])";
const NCS_SQL: &str =
    "INSERT INTO nonconformances (id, inspection_id, opened_at, summary, event_seq)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[])";

/// Inserts inspections with their results and photos, with the statements
/// `sql` ([`INSPECTIONS_SQL`], [`RESULTS_SQL`], [`PHOTOS_SQL`], as text or prepared).
fn insert_inspections<S: postgres::ToStatement + ?Sized>(
    tx: &mut Transaction<'_>,
    chunk: &[NewInspection],
    [inspections_sql, results_sql, photos_sql]: [&S; 3],
) -> std::result::Result<(), postgres::Error> {
    let rows: Vec<&InspectionRow> = chunk.iter().map(|n| &n.row).collect();
    tx.execute(inspections_sql, &params(&inspection_columns(&rows)))?;
    let results: Vec<&ItemResultRow> = chunk.iter().flat_map(|n| &n.results).collect();
    if !results.is_empty() {
        tx.execute(results_sql, &params(&result_columns(&results)))?;
    }
    let photos: Vec<&AttachmentRow> = chunk.iter().flat_map(|n| &n.attachments).collect();
    if !photos.is_empty() {
        tx.execute(
            photos_sql,
            &[
                &photos.iter().map(|a| a.inspection_id).collect::<Vec<_>>(),
                &photos.iter().map(|a| a.position).collect::<Vec<_>>(),
                &photos
                    .iter()
                    .map(|a| a.item_id.as_str())
                    .collect::<Vec<_>>(),
                &photos.iter().map(|a| a.sha256.as_str()).collect::<Vec<_>>(),
                &photos
                    .iter()
                    .map(|a| a.media_type.as_str())
                    .collect::<Vec<_>>(),
                &photos.iter().map(|a| a.byte_size).collect::<Vec<_>>(),
                &photos
                    .iter()
                    .map(|a| a.file_name.as_str())
                    .collect::<Vec<_>>(),
            ],
        )?;
    }
    Ok(())
}

/// What a range of inspections holds, from its rows read in order
/// (inspections by id; results and photos by inspection and position).
fn range_check_of(
    version: u8,
    heads: &[InspectionRow],
    items: &[ItemResultRow],
    photos: &[AttachmentRow],
) -> RangeCheck {
    use std::convert::Infallible;
    let mut heads = heads.iter();
    let mut next_head =
        |visit: &mut dyn FnMut(&InspectionFields<'_>, i64)| -> std::result::Result<bool, Infallible> {
            Ok(match heads.next() {
                Some(i) => {
                    visit(&InspectionFields::of(i), i.event_seq);
                    true
                }
                None => false,
            })
        };
    let mut walk = RangeWalk::new(version, photos);
    for r in items {
        // Rows in memory are always read: no error can come.
        if let Err(never) = walk.result(r.inspection_id, &ResultFields::of(r), &mut next_head) {
            match never {}
        }
    }
    match walk.finish(&mut next_head) {
        Ok(check) => check,
        Err(never) => match never {},
    }
}

impl PostgresStore {
    fn lots_read(&mut self) -> Result<Vec<LotRow>> {
        self.load(
            "SELECT id, checklist_id, revision_id, revision_number, lot, supplier, lot_size, standard, level, severity, code_letter, sample, plan, opened_by, opened_at, event_seq FROM lots ORDER BY id",
            |r| {
                Ok(LotRow {
                    id: r.try_get(0)?,
                    checklist_id: r.try_get(1)?,
                    revision_id: r.try_get(2)?,
                    revision_number: r.try_get(3)?,
                    lot: r.try_get(4)?,
                    supplier: r.try_get(5)?,
                    lot_size: r.try_get(6)?,
                    standard: r.try_get(7)?,
                    level: r.try_get(8)?,
                    severity: word(r, 9, Severity::parse, "severity")?,
                    code_letter: r.try_get(10)?,
                    sample: r.try_get(11)?,
                    plan: r.try_get(12)?,
                    opened_by: r.try_get(13)?,
                    opened_at: stamp(r, 14)?,
                    event_seq: r.try_get(15)?,
                })
            },
        )
    }
}

impl PostgresStore {
    /// The newest session with this token, with its end if it has one:
    /// one question to the server, as every request of a server asks it.
    fn session_read(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<(SessionRow, Option<SessionEndRow>)>> {
        Ok(self
            .load_with(
                "SELECT s.id, s.person, s.token_hash, s.started_at, s.expires_at, s.event_seq, s.kind,
                        e.id, e.session_id, e.ended_at, e.reason, e.event_seq
                 FROM sessions s LEFT JOIN session_ends e ON e.session_id = s.id
                 WHERE s.token_hash = $1::text
                 ORDER BY s.id, e.id NULLS FIRST",
                &[&token_hash],
                |r| {
                    let end = match r.try_get::<_, Option<i64>>(7)? {
                        None => None,
                        Some(id) => Some(SessionEndRow {
                            id,
                            session_id: r.try_get(8)?,
                            ended_at: stamp(r, 9)?,
                            reason: r.try_get(10)?,
                            event_seq: r.try_get(11)?,
                        }),
                    };
                    Ok((session_row(r)?, end))
                },
            )?
            .pop())
    }
}

impl Store for PostgresStore {
    fn append_sealed(
        &mut self,
        at: DateTime<Utc>,
        batch: Batch,
        sealers: &[Sealer],
    ) -> Result<Appended> {
        self.append_tx(at, batch, sealers)
            .map_err(|e| self.explain(e))
    }

    fn signing_keys(&mut self) -> Result<Vec<SigningKeyRow>> {
        self.load(
            "SELECT id, person, public_key, sealed, set_at, event_seq FROM signing_keys ORDER BY id",
            |r| {
                Ok(SigningKeyRow {
                    id: r.try_get(0)?,
                    person: r.try_get(1)?,
                    public_key: r.try_get(2)?,
                    sealed: r.try_get(3)?,
                    set_at: stamp(r, 4)?,
                    event_seq: r.try_get(5)?,
                })
            },
        )
    }

    fn key_resets(&mut self) -> Result<Vec<KeyResetRow>> {
        self.load(
            "SELECT id, person, public_key, reason, reset_by, reset_at, event_seq FROM key_resets ORDER BY id",
            |r| {
                Ok(KeyResetRow {
                    id: r.try_get(0)?,
                    person: r.try_get(1)?,
                    public_key: r.try_get(2)?,
                    reason: r.try_get(3)?,
                    reset_by: r.try_get(4)?,
                    reset_at: stamp(r, 5)?,
                    event_seq: r.try_get(6)?,
                })
            },
        )
    }

    fn recent_refusals(&mut self, actor: &str, reason: &str, since: DateTime<Utc>) -> Result<i64> {
        self.count(
            "SELECT count(*) FROM events
             WHERE seq > (SELECT coalesce(max(seq), 0) - 5000 FROM events)
               AND actor = $1::text AND action = 'refused' AND at >= $2::text
               AND sopbook_json(detail) -> 'note' ->> 'reason' = $3::text",
            &[&actor, &timestamp(since), &reason],
        )
    }

    fn recent_refusals_from(
        &mut self,
        origin: &str,
        reasons: &[&str],
        since: DateTime<Utc>,
    ) -> Result<i64> {
        let reasons: Vec<&str> = reasons.to_vec();
        self.count(
            "SELECT count(*) FROM events
             WHERE seq > (SELECT coalesce(max(seq), 0) - 5000 FROM events)
               AND action = 'refused' AND at >= $2::text
               AND sopbook_json(detail) -> 'note' ->> 'from' = $1::text
               AND sopbook_json(detail) -> 'note' ->> 'reason' = ANY($3::text[])",
            &[&origin, &timestamp(since), &reasons],
        )
    }

    fn rosters(&mut self) -> Result<Vec<RosterRow>> {
        self.load(
            "SELECT id, people, recorded_at, event_seq FROM rosters ORDER BY id",
            roster_row,
        )
    }

    fn last_roster(&mut self) -> Result<Option<RosterRow>> {
        self.fact(
            |f| f.last_roster.clone(),
            |s| {
                Ok(s.load(
                    "SELECT id, people, recorded_at, event_seq FROM rosters ORDER BY id DESC LIMIT 1",
                    roster_row,
                )?
                .pop())
            },
            |f, r| f.last_roster = Some(r),
        )
    }

    fn lots(&mut self) -> Result<Vec<LotRow>> {
        self.fact(
            |f| f.lots.clone(),
            |s| s.lots_read(),
            |f, r| f.lots = Some(r),
        )
    }

    fn lot_closes(&mut self) -> Result<Vec<LotCloseRow>> {
        self.load(
            "SELECT id, lot_id, decision, sampled, nonconforming, nc_id, closed_by, closed_at, event_seq FROM lot_closes ORDER BY id",
            |r| {
                Ok(LotCloseRow {
                    id: r.try_get(0)?,
                    lot_id: r.try_get(1)?,
                    decision: word(r, 2, LotDecision::parse, "lot decision")?,
                    sampled: r.try_get(3)?,
                    nonconforming: r.try_get(4)?,
                    nc_id: r.try_get(5)?,
                    closed_by: r.try_get(6)?,
                    closed_at: stamp(r, 7)?,
                    event_seq: r.try_get(8)?,
                })
            },
        )
    }

    fn lot_approvals(&mut self) -> Result<Vec<LotApprovalRow>> {
        self.load(
            "SELECT id, checklist_id, supplier, signer, signed_at, note, event_seq FROM lot_approvals ORDER BY id",
            |r| {
                Ok(LotApprovalRow {
                    id: r.try_get(0)?,
                    checklist_id: r.try_get(1)?,
                    supplier: r.try_get(2)?,
                    signer: r.try_get(3)?,
                    signed_at: stamp(r, 4)?,
                    note: r.try_get(5)?,
                    event_seq: r.try_get(6)?,
                })
            },
        )
    }

    fn acknowledgements(&mut self) -> Result<Vec<AcknowledgementRow>> {
        self.load(
            "SELECT id, person, doc_id, revision_id, revision_number, content_hash, acknowledged_at, event_seq FROM acknowledgements ORDER BY id",
            |r| {
                Ok(AcknowledgementRow {
                    id: r.try_get(0)?,
                    person: r.try_get(1)?,
                    doc_id: r.try_get(2)?,
                    revision_id: r.try_get(3)?,
                    revision_number: r.try_get(4)?,
                    content_hash: r.try_get(5)?,
                    acknowledged_at: stamp(r, 6)?,
                    event_seq: r.try_get(7)?,
                })
            },
        )
    }

    fn text_facts(&mut self, ids: &[i64]) -> Result<Vec<KeptFacts>> {
        let stmt = self
            .prepared("SELECT revision_id, doc_id, roles, facts FROM text_facts WHERE revision_id = ANY($1) ORDER BY revision_id")
            .map_err(|e| self.explain(e))?;
        let rows = self
            .client
            .query(&stmt, &[&ids])
            .map_err(|e| self.explain(e))?;
        rows.iter()
            .map(|r| {
                Ok(KeptFacts {
                    revision_id: r.try_get(0)?,
                    doc_id: r.try_get(1)?,
                    roles: r.try_get(2)?,
                    facts: r.try_get(3)?,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map_err(|e| self.damaged(e))
    }

    fn keep_text_facts(&mut self, facts: &[KeptFacts]) -> Result<()> {
        let ids: Vec<i64> = facts.iter().map(|f| f.revision_id).collect();
        let docs: Vec<&str> = facts.iter().map(|f| f.doc_id.as_str()).collect();
        let roles: Vec<&str> = facts.iter().map(|f| f.roles.as_str()).collect();
        let texts: Vec<&str> = facts.iter().map(|f| f.facts.as_str()).collect();
        let stmt = self
            .prepared(
                "INSERT INTO text_facts (revision_id, doc_id, roles, facts) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (revision_id) DO NOTHING",
            )
            .map_err(|e| self.explain(e))?;
        self.client
            .execute(&stmt, &[&ids, &docs, &roles, &texts])
            .map_err(|e| self.explain(e))?;
        Ok(())
    }

    fn seals(&mut self) -> Result<Vec<SealRow>> {
        self.load(
            "SELECT id, row_table, row_id, signer, public_key, signature, event_seq FROM seals ORDER BY id",
            |r| {
                Ok(SealRow {
                    id: r.try_get(0)?,
                    row_table: r.try_get(1)?,
                    row_id: r.try_get(2)?,
                    signer: r.try_get(3)?,
                    public_key: r.try_get(4)?,
                    signature: r.try_get(5)?,
                    event_seq: r.try_get(6)?,
                })
            },
        )
    }

    fn records(&mut self) -> Result<Records> {
        self.records_where(None)
    }

    fn records_of(&mut self, doc_id: &str) -> Result<Records> {
        self.fact(
            |f| f.records.get(doc_id).cloned(),
            |s| s.records_where(Some(doc_id)),
            |f, r| {
                f.records.insert(doc_id.to_string(), r);
            },
        )
    }

    fn records_outline(&mut self) -> Result<Records> {
        self.records_of_docs(None, true)
    }

    fn records_outline_of(&mut self, docs: &[String]) -> Result<Records> {
        self.records_of_docs(Some(docs), true)
    }

    fn revision_contents(&mut self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let stmt = self
            .prepared("SELECT id, content FROM revisions WHERE id = ANY($1) ORDER BY id")
            .map_err(|e| self.explain(e))?;
        let rows = self
            .client
            .query(&stmt, &[&ids])
            .map_err(|e| self.explain(e))?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| self.damaged(e))
    }

    fn docs_for_roles(&mut self, roles: &[String]) -> Result<Option<Vec<String>>> {
        let stmt = self
            .prepared("SELECT (SELECT count(*) FROM revisions) = (SELECT count(*) FROM text_facts)")
            .map_err(|e| self.explain(e))?;
        let all_kept: bool = self
            .client
            .query_one(&stmt, &[])
            .map_err(|e| self.explain(e))?
            .try_get(0)
            .map_err(|e| self.damaged(e.into()))?;
        if !all_kept {
            return Ok(None);
        }
        // As on SQLite: a role's `_` matches any character, a document too
        // many is read and left out, none is missed.
        let stmt = self
            .prepared(
                "SELECT DISTINCT doc_id FROM text_facts
                 WHERE roles = '*' OR EXISTS (SELECT 1 FROM unnest($1::text[]) AS r(role) WHERE text_facts.roles LIKE '%|' || r.role || '|%')",
            )
            .map_err(|e| self.explain(e))?;
        let rows = self
            .client
            .query(&stmt, &[&roles])
            .map_err(|e| self.explain(e))?;
        rows.iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect::<Result<Vec<String>>>()
            .map(Some)
            .map_err(|e| self.damaged(e))
    }

    fn events(&mut self) -> Result<Vec<EventRow>> {
        self.load(
            "SELECT seq, at, actor, action, record, detail, prev_hash, hash FROM events ORDER BY seq",
            |r| {
                Ok(EventRow {
                    seq: r.try_get(0)?,
                    at: stamp(r, 1)?,
                    actor: r.try_get(2)?,
                    action: r.try_get(3)?,
                    record: r.try_get(4)?,
                    detail: r.try_get(5)?,
                    prev_hash: r.try_get(6)?,
                    hash: r.try_get(7)?,
                })
            },
        )
    }

    fn credentials(&mut self) -> Result<Vec<CredentialRow>> {
        self.load(
            "SELECT id, person, hash, set_at, event_seq FROM credentials ORDER BY id",
            |r| {
                Ok(CredentialRow {
                    id: r.try_get(0)?,
                    person: r.try_get(1)?,
                    hash: r.try_get(2)?,
                    set_at: stamp(r, 3)?,
                    event_seq: r.try_get(4)?,
                })
            },
        )
    }

    fn session(&mut self, token_hash: &str) -> Result<Option<(SessionRow, Option<SessionEndRow>)>> {
        self.fact(
            |f| f.sessions.get(token_hash).cloned(),
            |s| s.session_read(token_hash),
            |f, r| {
                f.sessions.insert(token_hash.to_string(), r);
            },
        )
    }

    fn sessions(&mut self) -> Result<(Vec<SessionRow>, Vec<SessionEndRow>)> {
        let sessions = self.load(
            "SELECT id, person, token_hash, started_at, expires_at, event_seq, kind FROM sessions ORDER BY id",
            session_row,
        )?;
        let ends = self.load(
            "SELECT id, session_id, ended_at, reason, event_seq FROM session_ends ORDER BY id",
            session_end_row,
        )?;
        Ok((sessions, ends))
    }

    fn location(&self) -> String {
        self.url.to_string()
    }

    fn can_write(&mut self) -> Result<()> {
        let (standby, may_insert): (bool, bool) = match self.seen()? {
            // Asked with the facts, in the same question.
            Some(seen) => (seen.standby, seen.may_insert),
            None => {
                let stmt = self
                    .prepared("SELECT pg_is_in_recovery(), has_table_privilege('events', 'INSERT')")
                    .map_err(|e| self.explain(e))?;
                let row = self
                    .client
                    .query_one(&stmt, &[])
                    .map_err(|e| self.explain(e))?;
                (
                    row.try_get(0).map_err(|e| self.explain(e))?,
                    row.try_get(1).map_err(|e| self.explain(e))?,
                )
            }
        };
        if standby {
            return Err(anyhow::Error::new(StoreFailure(ErrorKind::Store)).context(format!(
                "the PostgreSQL server {}:{} holding the records `{}` is a read-only standby, so nothing could be recorded\n\nhelp: point the stations at the primary server",
                self.url.host, self.url.port, self.url
            )));
        }
        if !may_insert {
            return Err(anyhow::Error::new(StoreFailure(ErrorKind::Store)).context(format!(
                "the PostgreSQL user `{}` may only read the records `{}`, so nothing could be recorded\n\nhelp: see the README for the roles to create",
                self.url.user, self.url
            )));
        }
        Ok(())
    }

    fn record_inspections(
        &mut self,
        at: DateTime<Utc>,
        batch: InspectionBatch,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        let (header, inspections) = batch.split();
        self.record_grouped(at, header, inspections)
    }

    fn record_inspection_stream(
        &mut self,
        at: DateTime<Utc>,
        header: BatchHeader,
        rows: &mut dyn Iterator<Item = Result<NewInspection>>,
    ) -> Result<Vec<(i64, Option<i64>)>> {
        // Staged without the write lock: a problem further down the file
        // leaves nothing recorded, and others record meanwhile.
        let result = match pg_import::stage(&mut self.client, rows) {
            Ok(staged) => pg_import::move_in(&mut self.client, WRITE_LOCK, at, header, staged)
                .map_err(|e| self.explain(e)),
            Err(pg_import::StageError::Db(e)) => Err(self.explain(e)),
            Err(pg_import::StageError::Rows(e)) => Err(e),
        };
        let _ = self.client.batch_execute(pg_import::DROP_STAGING);
        result
    }

    fn inspections(&mut self, f: &InspectionFilter) -> Result<Vec<InspectionRow>> {
        let mut params: Vec<String> = Vec::new();
        let mut sql = format!("SELECT {INSPECTION_COLUMNS} FROM inspections i WHERE 1 = 1");
        for (column, value) in [
            ("i.checklist_id", &f.checklist),
            ("i.lot", &f.lot),
            ("i.verdict", &f.verdict),
        ] {
            if let Some(v) = value {
                params.push(v.clone());
                sql.push_str(&format!(" AND {column} = ${}::text", params.len()));
            }
        }
        if let Some(id) = f.id {
            params.push(id.to_string());
            sql.push_str(&format!(" AND i.id = ${}::text::bigint", params.len()));
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
        self.load_with(&sql, &text_params(&params), inspection_row)
    }

    fn item_results(&mut self, inspection_id: i64) -> Result<Vec<ItemResultRow>> {
        self.load_with(
            "SELECT inspection_id, position, item_id, value, number, outcome, note FROM item_results WHERE inspection_id = $1 ORDER BY position",
            &[&inspection_id],
            item_row,
        )
    }

    fn attachments(&mut self, inspection_id: Option<i64>) -> Result<Vec<AttachmentRow>> {
        let (from, to) = inspection_id.map_or((i64::MIN, i64::MAX), |id| (id, id));
        self.load_with(
            &format!(
                "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE inspection_id BETWEEN $1 AND $2 ORDER BY inspection_id, position"
            ),
            &[&from, &to],
            attachment_row,
        )
    }

    fn photo_files(&self) -> PhotoFiles {
        PhotoFiles::beside(&self.photos)
    }

    fn voids(&mut self) -> Result<Vec<VoidRow>> {
        self.load(
            "SELECT id, inspection_id, reason, voided_by, voided_at, event_seq FROM inspection_voids ORDER BY id",
            |r| {
                Ok(VoidRow {
                    id: r.try_get(0)?,
                    inspection_id: r.try_get(1)?,
                    reason: r.try_get(2)?,
                    voided_by: r.try_get(3)?,
                    voided_at: stamp(r, 4)?,
                    event_seq: r.try_get(5)?,
                })
            },
        )
    }

    fn nonconformances(&mut self) -> Result<Vec<NcRow>> {
        self.load(
            "SELECT id, inspection_id, opened_at, summary, event_seq FROM nonconformances ORDER BY id",
            |r| {
                Ok(NcRow {
                    id: r.try_get(0)?,
                    inspection_id: r.try_get(1)?,
                    opened_at: stamp(r, 2)?,
                    summary: r.try_get(3)?,
                    event_seq: r.try_get(4)?,
                })
            },
        )
    }

    fn nc_steps(&mut self) -> Result<Vec<NcStepRow>> {
        self.load(
            "SELECT id, nc_id, kind, value, sop_id, signer, signed_at, note, event_seq FROM nc_steps ORDER BY id",
            |r| {
                Ok(NcStepRow {
                    id: r.try_get(0)?,
                    nc_id: r.try_get(1)?,
                    kind: word(r, 2, StepKind::parse, "kind of step")?,
                    value: r.try_get(3)?,
                    sop_id: r.try_get(4)?,
                    signer: r.try_get(5)?,
                    signed_at: stamp(r, 6)?,
                    note: r.try_get(7)?,
                    event_seq: r.try_get(8)?,
                })
            },
        )
    }

    fn measurements(
        &mut self,
        checklist: &str,
        positions: &[(i64, i64)],
        since: Option<&str>,
    ) -> Result<Vec<(i64, DateTime<Utc>, f64)>> {
        if positions.is_empty() {
            return Ok(Vec::new());
        }
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
             WHERE i.checklist_id = $1::text AND r.number IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM inspection_voids v WHERE v.inspection_id = i.id){range}
             ORDER BY i.recorded_at, i.id"
        );
        self.load_with(&sql, &text_params(&params), |r| {
            Ok((r.try_get(0)?, stamp(r, 1)?, r.try_get(2)?))
        })
    }

    fn group_counts(
        &mut self,
        by: GroupBy,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<GroupCount>> {
        let mut params = Vec::new();
        let range = range_clause(since, until, &mut params);
        // Weeks are counted per day, as on SQLite (`fold_weeks` makes weeks).
        let key = match by {
            GroupBy::Checklist => "i.checklist_id",
            GroupBy::Lot => "i.lot",
            GroupBy::Inspector => "i.inspector",
            GroupBy::Station => "i.station",
            GroupBy::Week => "substr(i.recorded_at, 1, 10)",
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
            "SELECT {key}, count(*), count(*) FILTER (WHERE {passed}), count(*) FILTER (WHERE i.reinspects IS NULL),
                    count(*) FILTER (WHERE i.reinspects IS NULL AND {passed})
             FROM {from}
             WHERE NOT EXISTS (SELECT 1 FROM inspection_voids v WHERE v.inspection_id = i.id){range}
             GROUP BY 1 ORDER BY 1"
        );
        self.load_with(&sql, &text_params(&params), |r| {
            Ok(GroupCount {
                key: r.try_get(0)?,
                inspections: r.try_get(1)?,
                passed: r.try_get(2)?,
                first: r.try_get(3)?,
                first_passed: r.try_get(4)?,
            })
        })
    }

    fn failed_items(
        &mut self,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<(String, i64)>> {
        let mut params = Vec::new();
        let range = range_clause(since, until, &mut params);
        let sql = format!(
            "SELECT i.checklist_id || '/' || r.item_id, count(*) FROM item_results r JOIN inspections i ON i.id = r.inspection_id
             WHERE r.outcome = 'fail' AND NOT EXISTS (SELECT 1 FROM inspection_voids v WHERE v.inspection_id = i.id){range}
             GROUP BY 1 ORDER BY 2 DESC, 1"
        );
        self.load_with(&sql, &text_params(&params), |r| {
            Ok((r.try_get(0)?, r.try_get(1)?))
        })
    }

    fn inspection_range(&mut self, from: i64, to: i64, version: u8) -> Result<RangeCheck> {
        self.range_check(from, to, version)
    }

    fn stray_item_results(&mut self) -> Result<Vec<(i64, i64)>> {
        self.load(
            "SELECT r.inspection_id, r.position FROM item_results r
             WHERE NOT EXISTS (SELECT 1 FROM inspections i WHERE i.id = r.inspection_id)
             ORDER BY r.inspection_id, r.position",
            |r| Ok((r.try_get(0)?, r.try_get(1)?)),
        )
    }

    fn submitted(&mut self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .load_with(
                "SELECT i.id FROM events e JOIN inspections i
                   ON i.id = (sopbook_json(e.detail) -> 'rows' -> 0 ->> 'from')::bigint AND i.event_seq = e.seq
                 WHERE sopbook_json(e.detail) -> 'note' ->> 'submission' = $1::text
                 LIMIT 1",
                &[&key],
                |r| Ok(r.try_get::<_, i64>(0)?),
            )?
            .pop())
    }

    fn status(&mut self) -> Result<StoreStatus> {
        let schema_version = self.count(
            "SELECT coalesce(max(version), 0)::bigint FROM sopbook_schema",
            &[],
        )?;
        let mut tables = Vec::new();
        for table in TABLES {
            let rows = self.count(&format!("SELECT count(*) FROM {table}"), &[])?;
            tables.push(TableCount { table, rows });
        }
        let head = self
            .load_with(
                "SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1",
                &[],
                |r| {
                    Ok(ChainHead {
                        seq: r.try_get(0)?,
                        hash: r.try_get(1)?,
                        at: stamp(r, 2)?,
                    })
                },
            )?
            .pop();
        Ok(StoreStatus {
            backend: "PostgreSQL",
            location: self.location(),
            schema_version,
            known_version: MIGRATIONS.len() as i64,
            tables,
            head,
        })
    }

    fn counts(&mut self) -> Result<(i64, i64)> {
        let inspections = self.count("SELECT count(*) FROM inspections", &[])?;
        let results = self.count("SELECT count(*) FROM item_results", &[])?;
        Ok((inspections, results))
    }

    fn dump(&mut self, tables: &[&'static str], each: super::copy::RowSink<'_>) -> Result<()> {
        let (url, timeout) = (self.url.clone(), self.busy_timeout);
        let e = |err| explain(err, &url, timeout);
        // One snapshot, whatever the stations record meanwhile.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(e)?;
        for &table in tables {
            let sql = format!("SELECT * FROM {table} ORDER BY {}", key_of(table));
            let rows = tx
                .query_raw(sql.as_str(), std::iter::empty::<i64>())
                .map_err(e)?;
            let mut columns: Vec<String> = Vec::new();
            let mut rows = rows;
            while let Some(row) =
                postgres::fallible_iterator::FallibleIterator::next(&mut rows).map_err(e)?
            {
                if columns.is_empty() {
                    columns = row.columns().iter().map(|c| c.name().to_string()).collect();
                }
                let mut values = Vec::with_capacity(columns.len());
                for (k, column) in row.columns().iter().enumerate() {
                    use postgres::types::Type;
                    let t = column.type_();
                    let cell = if *t == Type::INT8 {
                        row.try_get::<_, Option<i64>>(k).map(|v| v.map(Cell::Int))
                    } else if *t == Type::INT4 {
                        row.try_get::<_, Option<i32>>(k)
                            .map(|v| v.map(|i| Cell::Int(i64::from(i))))
                    } else if *t == Type::BOOL {
                        row.try_get::<_, Option<bool>>(k)
                            .map(|v| v.map(|b| Cell::Int(i64::from(b))))
                    } else if *t == Type::FLOAT8 {
                        row.try_get::<_, Option<f64>>(k).map(|v| v.map(Cell::Real))
                    } else {
                        row.try_get::<_, Option<String>>(k)
                            .map(|v| v.map(Cell::Text))
                    };
                    values.push(cell.map_err(e)?.unwrap_or(Cell::Null));
                }
                each(table, &columns, values)?;
            }
        }
        tx.commit().map_err(e)
    }

    fn load_begin(&mut self) -> Result<()> {
        let (url, timeout) = (self.url.clone(), self.busy_timeout);
        let e = |err| explain(err, &url, timeout);
        self.client.batch_execute("BEGIN").map_err(e)?;
        self.loading = true;
        let mut check = || -> Result<()> {
            self.client
                .execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
                .map_err(e)?;
            for table in TABLES {
                let held: i64 = self
                    .client
                    .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                    .and_then(|r| r.try_get(0))
                    .map_err(e)?;
                if held > 0 {
                    return Err(anyhow::Error::new(StoreFailure(ErrorKind::Conflict)).context(format!(
                        "`{url}` already holds records ({held} rows in {table}); a copy goes only into empty records, and nothing was written\n\nhelp: copy into a new SQLite file, or a new, empty PostgreSQL database (createdb)"
                    )));
                }
            }
            Ok(())
        };
        let checked = check();
        if checked.is_err() {
            let _ = self.client.batch_execute("ROLLBACK");
        }
        checked
    }

    fn load_rows(&mut self, table: &str, columns: &[String], rows: &[Vec<Cell>]) -> Result<()> {
        use std::io::Write as _;
        let names: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let mut text = String::new();
        copy_text(rows, &mut text);
        let (url, timeout) = (self.url.clone(), self.busy_timeout);
        let e = |err| explain(err, &url, timeout);
        let mut writer = self
            .client
            .copy_in(&format!("COPY {table} ({}) FROM STDIN", names.join(", ")))
            .map_err(e)?;
        writer.write_all(text.as_bytes()).map_err(|io| {
            anyhow!(io).context(format!("could not send rows of {table} to `{url}`"))
        })?;
        writer.finish().map_err(e)?;
        Ok(())
    }

    fn load_end(&mut self, commit: bool) -> Result<()> {
        let sql = if commit { "COMMIT" } else { "ROLLBACK" };
        self.client
            .batch_execute(sql)
            .map_err(|err| self.explain(err))?;
        self.loading = false;
        Ok(())
    }
}

fn roster_row(r: &Row) -> Result<RosterRow> {
    Ok(RosterRow {
        id: r.try_get(0)?,
        people: r.try_get(1)?,
        recorded_at: stamp(r, 2)?,
        event_seq: r.try_get(3)?,
    })
}

/// Fresh PostgreSQL databases for tests: `SOPBOOK_TEST_POSTGRES_URL` names
/// a server and a user who may create databases; each test gets its own,
/// dropped when it ends.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct TestDb {
        admin: PgUrl,
        pub url: PgUrl,
    }

    impl TestDb {
        /// A new empty database, or `None` (with the reason printed) when
        /// no server is given.
        pub fn new(test: &str) -> Option<TestDb> {
            let Ok(spec) = std::env::var("SOPBOOK_TEST_POSTGRES_URL") else {
                eprintln!(
                    "skipped {test} on PostgreSQL: SOPBOOK_TEST_POSTGRES_URL is not set (.ci/run sets it)"
                );
                return None;
            };
            static N: AtomicUsize = AtomicUsize::new(0);
            let admin =
                PgUrl::from_env(&spec).expect("SOPBOOK_TEST_POSTGRES_URL is a postgres:// URL");
            let name = format!(
                "sopbook_test_{}_{}_{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst),
                test.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(30)
                    .collect::<String>()
            );
            let mut client = connect(&admin, &admin.config(), Duration::from_secs(30))
                .expect("the test PostgreSQL server answers");
            client
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .expect("the test user may create databases");
            Some(TestDb {
                url: admin.with_dbname(&name),
                admin,
            })
        }

        pub fn open(&self) -> PostgresStore {
            PostgresStore::open(
                self.url.clone(),
                Access::Create,
                "a test",
                std::env::temp_dir().join("sopbook-pg-test-photos/records.db"),
                Duration::from_secs(30),
            )
            .unwrap()
        }

        /// A plain client on the test database, to tamper as an attacker would.
        pub fn client(&self) -> Client {
            connect(&self.url, &self.url.config(), Duration::from_secs(30)).unwrap()
        }
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            if let Ok(mut c) = connect(&self.admin, &self.admin.config(), Duration::from_secs(30)) {
                let _ = c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    self.url.dbname
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::TestDb;
    use super::*;

    #[test]
    fn a_group_written_at_once_fails_only_its_repeated_and_faulty_batches() {
        use super::super::Store;
        use super::super::sqlite::group::Job;
        use super::super::suite::{at, inspection, intact, release};
        let Some(db) = TestDb::new("group_at_once") else {
            return;
        };
        let mut store = db.open();
        let rev = store.append(at(), release("QC-010")).unwrap().ids[0];
        let job = |key: Option<&str>, lot: &str| Job {
            at: at(),
            header: BatchHeader {
                actor: "ivan".into(),
                action: "inspected".into(),
                record: format!("QC-010 lot {lot}"),
                note: match key {
                    Some(k) => serde_json::json!({ "submission": k }),
                    None => serde_json::json!({}),
                },
            },
            inspections: vec![inspection(rev, lot, 11.0, "line 1")],
        };
        let answers = store.write_group(vec![(1, job(Some("k-1"), "L-1"))]);
        assert!(answers[0].1.is_ok());
        // Repeated keys only: written at once, the repeats answered.
        let answers = store.write_group(vec![
            (2, job(Some("k-1"), "L-2")),
            (3, job(Some("k-2"), "L-3")),
            (4, job(Some("k-2"), "L-4")),
            (5, job(None, "L-5")),
        ]);
        let ok: Vec<bool> = answers.iter().map(|(_, a)| a.is_ok()).collect();
        assert_eq!(ok, [false, true, false, true]);
        // A batch the server refuses (a NUL in its lot): tried again one
        // batch at a time, and only that one fails.
        let answers = store.write_group(vec![
            (6, job(Some("k-3"), "L-6")),
            (7, job(Some("k-4"), "L\0-7")),
            (8, job(Some("k-3"), "L-8")),
            (9, job(None, "L-9")),
        ]);
        let ok: Vec<bool> = answers.iter().map(|(_, a)| a.is_ok()).collect();
        assert_eq!(ok, [true, false, false, true]);
        let lots: Vec<String> = store
            .inspections(&Default::default())
            .unwrap()
            .into_iter()
            .map(|i| i.lot)
            .collect();
        assert_eq!(lots, ["L-1", "L-3", "L-5", "L-6", "L-9"]);
        assert_eq!(store.nonconformances().unwrap().len(), 5);
        assert_eq!(store.submitted("k-2").unwrap(), Some(2));
        assert_eq!(store.events().unwrap().len(), 6);
        intact(&mut store, "postgres");
    }

    #[test]
    fn stations_starting_at_once_migrate_once() {
        let Some(db) = TestDb::new("migrate_once") else {
            return;
        };
        std::thread::scope(|scope| {
            for _ in 0..6 {
                scope.spawn(|| drop(db.open()));
            }
        });
        let mut c = db.client();
        let versions: Vec<i32> = c
            .query("SELECT version FROM sopbook_schema ORDER BY version", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(versions, (1..=MIGRATIONS.len() as i32).collect::<Vec<_>>());
    }

    #[test]
    fn a_database_that_is_not_sopbooks_or_is_newer_is_refused_untouched() {
        let Some(db) = TestDb::new("refused") else {
            return;
        };
        let mut c = db.client();
        c.batch_execute("CREATE TABLE parts (id int)").unwrap();
        let err = PostgresStore::open(
            db.url.clone(),
            Access::Create,
            "from SOPBOOK_DATABASE",
            PathBuf::from("x"),
            Duration::from_secs(5),
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` (from SOPBOOK_DATABASE) is not a sopbook records database (it holds the tables parts); nothing was read or written\n\nhelp: point it at sopbook's records, or at an empty database",
                db.url
            )
        );
        c.batch_execute("DROP TABLE parts").unwrap();
        drop(db.open());
        c.execute(
            "INSERT INTO sopbook_schema (version, applied_at) VALUES (99, 'later')",
            &[],
        )
        .unwrap();
        let err = PostgresStore::open(
            db.url.clone(),
            Access::Read,
            "a test",
            PathBuf::from("x"),
            Duration::from_secs(5),
        )
        .err()
        .unwrap();
        assert!(
            err.to_string().starts_with(&format!(
                "the records database `{}` was written by a newer sopbook (records version 99; this sopbook knows up to {})",
                db.url,
                MIGRATIONS.len()
            )),
            "{err}"
        );
    }

    #[test]
    fn a_server_that_does_not_answer_is_named_without_the_password() {
        // A free port on loopback: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = PgUrl::parse(
            &format!("postgres://ann:pw-XYZ-123@127.0.0.1:{port}/qc"),
            None,
            None,
        )
        .unwrap();
        let err = PostgresStore::open(
            url,
            Access::Write,
            "a test",
            PathBuf::from("x"),
            Duration::from_secs(5),
        )
        .err()
        .unwrap();
        let all = format!("{err} {err:?} {err:#}");
        assert!(!all.contains("pw-XYZ-123"), "{all}");
        assert!(
            err.to_string().starts_with(&format!(
                "could not reach the PostgreSQL server 127.0.0.1:{port} holding the records `postgres://ann@127.0.0.1:{port}/qc`"
            )),
            "{err}"
        );
        assert_eq!(
            err.downcast_ref::<StoreFailure>().map(|f| f.0),
            Some(ErrorKind::StoreBusy)
        );
    }

    #[test]
    fn a_writer_waits_for_the_write_lock_only_as_long_as_the_busy_timeout() {
        let Some(db) = TestDb::new("lock_wait") else {
            return;
        };
        drop(db.open());
        let mut other = db.client();
        let mut held = other.transaction().unwrap();
        held.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .unwrap();
        let mut store = PostgresStore::open(
            db.url.clone(),
            Access::Write,
            "a test",
            PathBuf::from("x"),
            Duration::from_millis(300),
        )
        .unwrap();
        let refusal = || crate::store::Batch {
            actor: "ann".into(),
            action: "refused".into(),
            record: "QC-001".into(),
            note: serde_json::json!({}),
            inserts: vec![],
        };
        let err = store.append(Utc::now(), refusal()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the records database `{}` is locked by another writer for longer than 0.3 s; nothing was recorded\n\nhelp: try again when the other sopbook command has finished",
                db.url
            )
        );
        assert_eq!(
            err.downcast_ref::<StoreFailure>().map(|f| f.0),
            Some(ErrorKind::StoreBusy)
        );
        assert!(store.events().unwrap().is_empty(), "nothing was recorded");
        held.rollback().unwrap();
        assert_eq!(store.append(Utc::now(), refusal()).unwrap().seq, 1);
    }

    #[test]
    fn a_change_made_behind_sopbooks_back_is_caught() {
        let Some(db) = TestDb::new("tampered") else {
            return;
        };
        let mut store = db.open();
        crate::store::tests::scenario(&mut store);
        let mut c = db.client();
        // Someone with the owner's rights switches the triggers off and edits.
        c.batch_execute(
            "SET session_replication_role = replica;
             UPDATE revisions SET content = 'forged' WHERE id = 1;",
        )
        .unwrap();
        let v = crate::store::audit::verify(&mut store).unwrap();
        assert!(!v.problems.is_empty(), "the forged revision went unnoticed");
    }
}
