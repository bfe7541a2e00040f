//! `sopbook inspections import`: many inspections from a CSV file. The whole
//! file is checked first; then everything is recorded in one transaction,
//! or nothing is.
//!
//! Two layouts, told apart by the header:
//! - one row per item result: `checklist,lot,serial,inspector,station,recorded_at,item,value,note`
//!   (consecutive rows with the same first six columns are one inspection);
//! - one row per inspection: `checklist,lot,serial,inspector,station,recorded_at` and then one
//!   column per item id, holding its value (and optionally `note:<item>` columns).
//!
//! `serial`, `station`, `recorded_at` and `note` may be left out or empty;
//! `recorded_at` is RFC 3339 or `YYYY-MM-DD[ HH:MM]` in local time (default: now). An
//! optional `reinspects` column names the failed inspection a row re-inspects.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use super::Context;
use super::inspections::{Entry, Header, effective_checklist, parse_ins, prepare_with};
use crate::model::Checklist;
use crate::model::control::local_date;
use crate::store::{BatchHeader, NewInspection, RevisionRow, Store};

/// What an import recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub file: String,
    pub inspections: usize,
    /// How many failed; each opened a nonconformance.
    pub failed: usize,
}

/// Records every inspection in the CSV file at `file`, or none.
pub fn import(ctx: &mut Context, file: &Path, person: &str) -> crate::error::Result<Imported> {
    if ctx.root().is_some() && !ctx.people()?.iter().any(|p| p.id == person) {
        crate::fail!(NotFound, "`{person}` is not a person in sopbook.toml");
    }
    let now = ctx.now();
    let (inspections, failed) = import_file(ctx.store()?, file, person, now)?;
    Ok(Imported {
        file: file.display().to_string(),
        inspections,
        failed,
    })
}

fn parse_when(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let local = |n: NaiveDateTime| {
        n.and_local_timezone(Local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    if let Ok(n) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
        return local(n);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| local(d.and_hms_opt(12, 0, 0)?))
}

/// How many inspections the reader hands to the writer at a time.
const CHUNK: usize = 512;

struct Pending {
    row: usize,
    key: Vec<String>,
    entries: Vec<Entry>,
}

/// Returns (inspections recorded, how many failed).
fn import_file(
    store: &mut dyn Store,
    file: &Path,
    person: &str,
    now: DateTime<Utc>,
) -> Result<(usize, usize)> {
    let shown = file.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .with_context(|| format!("could not read `{shown}`"))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| anyhow!("`{shown}`: the header row cannot be read: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(c_checklist) = col("checklist") else {
        bail!("`{shown}`: the header has no `checklist` column")
    };
    let Some(c_lot) = col("lot") else {
        bail!("`{shown}`: the header has no `lot` column")
    };
    let Some(c_inspector) = col("inspector") else {
        bail!("`{shown}`: the header has no `inspector` column")
    };
    let (c_serial, c_station, c_at, c_re) = (
        col("serial"),
        col("station"),
        col("recorded_at"),
        col("reinspects"),
    );
    let long = col("item").zip(col("value"));
    let c_note = col("note");
    let fixed = [
        "checklist",
        "lot",
        "serial",
        "inspector",
        "station",
        "recorded_at",
        "reinspects",
        "item",
        "value",
        "note",
    ];

    let records = store.records()?;
    // Inspections travel in chunks: one channel message per row cost more than it saved.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<NewInspection>>>(16);
    // One thread reads, groups and checks rows while this one writes them:
    // the writes happen inside one transaction that an error rolls back.
    let result = std::thread::scope(|scope| {
        let reader_thread = scope.spawn(|| {
            // The reader owns the sender: when it finishes, the channel closes and the writer stops.
            let tx = tx;
            let mut cache: HashMap<(String, NaiveDate), (RevisionRow, Checklist)> = HashMap::new();
            let mut current: Option<Pending> = None;
            let mut chunk: Vec<NewInspection> = Vec::with_capacity(CHUNK);
            let mut send = |p: Pending,
                            cache: &mut HashMap<(String, NaiveDate), (RevisionRow, Checklist)>|
             -> bool {
                match prepare_one(&shown, &p, &records, cache, &headers, long.is_some(), now) {
                    Ok(new) => {
                        chunk.push(new);
                        chunk.len() < CHUNK
                            || tx
                                .send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                                .is_ok()
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        false
                    }
                }
            };
            for (i, record) in reader.records().enumerate() {
                let line = i + 2;
                let record = match record {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = tx.send(Err(anyhow!("{shown}:{line}: {e}; nothing was imported")));
                        return;
                    }
                };
                let get =
                    |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_string();
                let key = vec![
                    get(Some(c_checklist)),
                    get(Some(c_lot)),
                    get(c_serial),
                    get(Some(c_inspector)),
                    get(c_station),
                    get(c_at),
                    get(c_re),
                ];
                match long {
                    Some((c_item, c_value)) => {
                        let entry = Entry {
                            item: get(Some(c_item)),
                            value: get(Some(c_value)),
                            note: get(c_note),
                        };
                        match current.as_mut() {
                            Some(p) if p.key == key => p.entries.push(entry),
                            _ => {
                                if let Some(done) = current.replace(Pending {
                                    row: line,
                                    key,
                                    entries: vec![entry],
                                }) && !send(done, &mut cache)
                                {
                                    return;
                                }
                            }
                        }
                    }
                    None => {
                        let mut entries = Vec::new();
                        for (c, h) in headers.iter().enumerate() {
                            if fixed.contains(&h.as_str()) || h.starts_with("note:") {
                                continue;
                            }
                            let note = col(&format!("note:{h}"))
                                .and_then(|n| record.get(n))
                                .unwrap_or("")
                                .to_string();
                            entries.push(Entry {
                                item: h.clone(),
                                value: record.get(c).unwrap_or("").to_string(),
                                note,
                            });
                        }
                        if !send(
                            Pending {
                                row: line,
                                key,
                                entries,
                            },
                            &mut cache,
                        ) {
                            return;
                        }
                    }
                }
            }
            if let Some(done) = current
                && !send(done, &mut cache)
            {
                return;
            }
            let _ = tx.send(Ok(chunk));
        });
        let header = BatchHeader {
            actor: person.to_string(),
            action: "imported".into(),
            record: format!("import of {shown}"),
            note: serde_json::json!({ "file": shown }),
        };
        let mut rows = rx.iter().flat_map(|chunk| match chunk {
            Ok(list) => list.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        });
        let written = store.record_inspection_stream(now, header, &mut rows);
        drop(rows);
        // If writing failed, the reader may be blocked on a full channel: dropping `rx` frees it.
        drop(rx);
        let _ = reader_thread.join();
        written
    })?;
    if result.is_empty() {
        bail!("`{shown}` holds no inspections");
    }
    let failed = result.iter().filter(|(_, nc)| nc.is_some()).count();
    Ok((result.len(), failed))
}

/// Checks one inspection of the file against the checklist revision in force when it was recorded.
fn prepare_one(
    shown: &str,
    p: &Pending,
    records: &crate::store::Records,
    cache: &mut HashMap<(String, NaiveDate), (RevisionRow, Checklist)>,
    headers: &[String],
    long: bool,
    now: DateTime<Utc>,
) -> Result<NewInspection> {
    let at_row = |msg: String| anyhow!("{shown}:{}: {msg}; nothing was imported", p.row);
    let when = match p.key[5].as_str() {
        "" => now,
        s => parse_when(s).ok_or_else(|| at_row(format!("`{s}` in column recorded_at is not a time (use 2026-11-25T09:30:00Z or 2026-11-25 09:30)")))?,
    };
    let key = (p.key[0].clone(), local_date(when));
    if !cache.contains_key(&key) {
        let found =
            effective_checklist(records, &key.0, key.1).map_err(|e| at_row(e.to_string()))?;
        cache.insert(key.clone(), found);
    }
    let (rev, checklist) = &cache[&key];
    let reinspects = match p.key[6].as_str() {
        "" => None,
        s => Some(parse_ins(s).map_err(|e| at_row(e.to_string()))?),
    };
    if p.key[3].is_empty() {
        return Err(at_row("the inspector is empty".into()));
    }
    let station = if p.key[4].is_empty() {
        "import"
    } else {
        p.key[4].as_str()
    };
    let header = Header {
        lot: p.key[1].clone(),
        serial: (!p.key[2].is_empty()).then(|| p.key[2].clone()),
        inspector: p.key[3].clone(),
        station: station.to_string(),
        reinspects,
        at: when,
    };
    prepare_with(rev, checklist, &header, &p.entries)
        .map(|prepared| prepared.new)
        .map_err(|e| at_row(column_hint(&e.to_string(), headers, long)))
}

/// Adds which column a value problem is in, for the one-row-per-inspection layout.
fn column_hint(message: &str, headers: &[String], long: bool) -> String {
    if long {
        return format!("{message} (columns item/value)");
    }
    let item = message.split('`').nth(1).unwrap_or("");
    match headers.iter().position(|h| h == item) {
        Some(c) => format!("column {} ({item}): {message}", c + 1),
        None => message.to_string(),
    }
}
