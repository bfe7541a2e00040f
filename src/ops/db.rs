//! `db status`: what holds the records; `db copy`: all of them into other,
//! empty records (SQLite to PostgreSQL or back).

use serde::Serialize;

use super::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::fail;
pub use crate::store::StoreStatus;
use crate::store::copy::Cell;
use crate::store::{ChainHead, Store, StoreOptions, TABLES, TableCount};

/// The backend, location (without a password), schema version, row counts
/// and chain head of the records.
pub fn status(ctx: &mut Context) -> Result<StoreStatus> {
    Ok(ctx.store()?.status()?)
}

/// Where `db copy` writes: a `postgres://` URL, a `sqlite://` URL or a
/// SQLite file (relative to the workspace, or the current folder).
#[derive(Debug, Clone)]
pub struct CopyInput {
    pub to: String,
}

/// What `audit verify` found on one side of a copy.
#[derive(Debug, Clone, Serialize)]
pub struct SideVerified {
    pub backend: &'static str,
    pub location: String,
    pub events: usize,
    pub rows: usize,
    pub unsealed: usize,
    pub problems: Vec<String>,
}

/// What `db copy` did.
#[derive(Debug, Clone, Serialize)]
pub struct Copied {
    pub from: SideVerified,
    pub to: SideVerified,
    /// Rows copied per table, in the order `db status` lists them.
    pub tables: Vec<TableCount>,
    /// The chain's head, the same on both sides.
    pub head: Option<ChainHead>,
    /// Photo files written beside the target's records (those already
    /// there, or in the same folder, are not counted).
    pub photos_copied: usize,
    /// Where the target keeps the photos' bytes.
    pub photos_dir: String,
}

impl Copied {
    /// Both sides verify, and they hold the same.
    pub fn intact(&self) -> bool {
        self.from.problems.is_empty() && self.to.problems.is_empty()
    }
}

/// Rows sent to the target at once.
const CHUNK: usize = 5000;

/// Copies every record of the current store into the empty records at
/// `input.to`, row by row as stored, so that the chain, every row's hash
/// and every seal verify there as here; verifies both sides and says so.
/// The photos the records name are copied to the target's photo folder.
pub fn copy(ctx: &mut Context, input: CopyInput) -> Result<Copied> {
    let base = ctx.root().unwrap_or(&ctx.cwd).to_path_buf();
    let options = StoreOptions {
        busy_timeout: ctx.settings.store.busy_timeout,
        access: crate::store::Access::Create,
    };
    // The source first: it must verify, or the copy would carry its damage.
    let from = side(ctx.store()?)?;
    if !from.problems.is_empty() {
        return Err(Error::new(
            ErrorKind::Problem,
            format!(
                "the records at {} do not verify ({} problems, the first: {}); nothing was copied",
                from.location,
                from.problems.len(),
                from.problems[0]
            ),
        )
        .with_hint("run `sopbook audit verify` to see every problem"));
    }
    let source_status = ctx.store()?.status()?;
    if source_status.head.is_none() {
        fail!(
            Conflict,
            "the records at {} hold no events yet; there is nothing to copy",
            from.location
        );
    }
    let mut target = crate::store::open(&base, &input.to, "given to --to", &options)?;
    let target_status = target.status()?;
    if target_status.location == source_status.location {
        fail!(
            Conflict,
            "{} is where the records already are; give other, empty records to copy into",
            target_status.location
        );
    }
    if target_status.schema_version != source_status.schema_version {
        fail!(
            Conflict,
            "the records at {} are at schema version {} and those at {} at version {}; nothing was copied",
            source_status.location,
            source_status.schema_version,
            target_status.location,
            target_status.schema_version
        );
    }
    target.load_begin()?;
    let photos_copied = match fill(ctx.store()?, target.as_mut()) {
        Ok(n) => n,
        Err(e) => {
            let _ = target.load_end(false);
            return Err(e);
        }
    };
    target.load_end(true)?;

    let to = side(target.as_mut())?;
    let copied = target.status()?;
    let head = source_status.head.clone();
    let same_head =
        copied.head.as_ref().map(|h| (h.seq, &h.hash)) == head.as_ref().map(|h| (h.seq, &h.hash));
    let mut to = to;
    if !same_head {
        to.problems.push(format!(
            "the chain's head there is not the head here ({})",
            head.as_ref()
                .map_or(String::new(), |h| format!("{} {}", h.seq, h.hash))
        ));
    }
    for (a, b) in source_status.tables.iter().zip(&copied.tables) {
        if a.rows != b.rows {
            to.problems.push(format!(
                "{} holds {} rows there and {} here",
                a.table, b.rows, a.rows
            ));
        }
    }
    Ok(Copied {
        from,
        to,
        tables: copied.tables,
        head,
        photos_copied,
        photos_dir: target.photo_files().dir().display().to_string(),
    })
}

/// Verifies one store's records as `audit verify` does.
fn side(store: &mut dyn Store) -> Result<SideVerified> {
    let status = store.status()?;
    let v = crate::store::audit::verify(store)?;
    Ok(SideVerified {
        backend: status.backend,
        location: status.location,
        events: v.events,
        rows: v.rows,
        unsealed: v.unsealed,
        problems: v.problems,
    })
}

/// Streams every table from `source` into `target` (in its copy
/// transaction) and copies the photos the attachments name; returns how
/// many photo files it wrote.
fn fill(source: &mut dyn Store, target: &mut dyn Store) -> Result<usize> {
    let from_photos = source.photo_files();
    let to_photos = target.photo_files();
    let same_folder = from_photos.dir() == to_photos.dir();
    let mut photos: Vec<String> = Vec::new();
    let mut pending: Vec<Vec<Cell>> = Vec::with_capacity(CHUNK);
    let mut current: (&'static str, Vec<String>) = ("", Vec::new());
    source.dump(&TABLES, &mut |table, columns, row| {
        if table == "attachments"
            && let Some(k) = columns.iter().position(|c| c == "sha256")
            && let Cell::Text(sha) = &row[k]
        {
            photos.push(sha.clone());
        }
        if current.0 != table || pending.len() >= CHUNK {
            if !pending.is_empty() {
                target.load_rows(current.0, &current.1, &pending)?;
                pending.clear();
            }
            if current.0 != table {
                current = (table, columns.to_vec());
            }
        }
        pending.push(row);
        Ok(())
    })?;
    if !pending.is_empty() {
        target.load_rows(current.0, &current.1, &pending)?;
    }
    // The bytes before the records that name them, as when a photo is taken.
    photos.sort();
    photos.dedup();
    let mut written = 0;
    if !same_folder {
        for sha in photos {
            if to_photos.check(&sha).is_ok() {
                continue;
            }
            let bytes = from_photos
                .read(&sha, u64::MAX)
                .map_err(|p| {
                    Error::new(
                        ErrorKind::Problem,
                        format!(
                            "the photo {sha} the records name could not be read beside them ({p:?}); nothing was copied"
                        ),
                    )
                })?;
            to_photos.keep(&bytes)?;
            written += 1;
        }
    }
    Ok(written)
}
