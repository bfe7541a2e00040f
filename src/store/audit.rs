//! `audit verify`: walks the hash chain and checks every record against
//! the hash its event recorded, so a row changed, inserted or deleted
//! behind sopbook's back is found and named.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::{EventRow, GENESIS, Store, event_hash, row_hash, sha256_hex};

#[derive(Debug, Default, Serialize)]
pub struct Verification {
    pub events: usize,
    pub rows: usize,
    /// What is wrong, in the order found: the chain first, then the rows.
    pub problems: Vec<String>,
}

/// The rows an event says it wrote: (table, id) -> (row hash, event seq).
fn recorded(events: &[EventRow]) -> BTreeMap<(String, i64), (String, i64)> {
    let mut out = BTreeMap::new();
    for e in events {
        let Ok(detail) = serde_json::from_str::<serde_json::Value>(&e.detail) else {
            continue;
        };
        for row in detail["rows"].as_array().into_iter().flatten() {
            if let (Some(table), Some(id), Some(hash)) = (
                row["table"].as_str(),
                row["id"].as_i64(),
                row["hash"].as_str(),
            ) {
                out.insert((table.to_string(), id), (hash.to_string(), e.seq));
            }
        }
    }
    out
}

pub fn verify(store: &mut dyn Store) -> Result<Verification> {
    let events = store.events()?;
    let records = store.records()?;
    let credentials = store.credentials()?;
    let mut v = Verification {
        events: events.len(),
        ..Verification::default()
    };

    let mut prev = GENESIS.to_string();
    for (i, e) in events.iter().enumerate() {
        let expected = i as i64 + 1;
        if e.seq != expected {
            v.problems.push(format!(
                "event {expected} is missing: the log goes from event {} to event {}",
                expected - 1,
                e.seq
            ));
            break;
        }
        if e.prev_hash != prev {
            v.problems.push(format!(
                "event {} does not follow event {}: an event before it was changed or removed",
                e.seq,
                e.seq - 1
            ));
            break;
        }
        if event_hash(&e.prev_hash, e) != e.hash {
            v.problems.push(format!(
                "event {} ({} {} by {}) was changed after it was recorded",
                e.seq, e.action, e.record, e.actor
            ));
            break;
        }
        prev = e.hash.clone();
    }

    let mut expected = recorded(&events);
    let mut check = |table: &str,
                     id: i64,
                     what: String,
                     hash: String,
                     content_ok: bool,
                     v: &mut Verification| {
        v.rows += 1;
        if !content_ok {
            v.problems.push(format!(
                "{what}: its snapshot no longer matches its content hash"
            ));
        }
        match expected.remove(&(table.to_string(), id)) {
            None => v.problems.push(format!(
                "{what} is not recorded by any event: it was inserted behind sopbook's back"
            )),
            Some((recorded, seq)) if recorded != hash => v
                .problems
                .push(format!("{what} was changed after event {seq} recorded it")),
            Some(_) => {}
        }
    };
    for r in &records.revisions {
        let ok = sha256_hex(r.content.as_bytes()) == r.content_hash;
        check(
            "revisions",
            r.id,
            format!("revision {} rev {}", r.doc_id, r.number),
            row_hash(r),
            ok,
            &mut v,
        );
    }
    for c in &records.changes {
        check(
            "changes",
            c.id,
            format!("{} request {} for {}", c.kind, c.id, c.doc_id),
            row_hash(c),
            true,
            &mut v,
        );
    }
    for s in &records.signatures {
        check(
            "signatures",
            s.id,
            format!(
                "signature {} ({} of {} by {})",
                s.id, s.meaning, s.doc_id, s.signer
            ),
            row_hash(s),
            true,
            &mut v,
        );
    }
    for c in &credentials {
        check(
            "credentials",
            c.id,
            format!("password record {} of {}", c.id, c.person),
            row_hash(c),
            true,
            &mut v,
        );
    }
    for v_row in store.voids()? {
        check(
            "inspection_voids",
            v_row.id,
            format!("void {} of inspection {}", v_row.id, v_row.inspection_id),
            row_hash(&v_row),
            true,
            &mut v,
        );
    }
    for step in store.nc_steps()? {
        check(
            "nc_steps",
            step.id,
            format!("{} step {} of NC-{:04}", step.kind, step.id, step.nc_id),
            row_hash(&step),
            true,
            &mut v,
        );
    }
    let (sessions, ends) = store.sessions()?;
    for row in &sessions {
        check(
            "sessions",
            row.id,
            format!("sign-in {} of {}", row.id, row.person),
            row_hash(row),
            true,
            &mut v,
        );
    }
    for row in &ends {
        check(
            "session_ends",
            row.id,
            format!("end {} of sign-in {}", row.id, row.session_id),
            row_hash(row),
            true,
            &mut v,
        );
    }
    // Inspections are recorded in batches: each event holds an id range and one hash.
    let ncs = store.nonconformances()?;
    let mut covered = 0;
    for e in &events {
        let Ok(detail) = serde_json::from_str::<serde_json::Value>(&e.detail) else {
            continue;
        };
        for row in detail["rows"].as_array().into_iter().flatten() {
            if row["table"] != "inspections" {
                continue;
            }
            let (from, to) = (
                row["from"].as_i64().unwrap_or(0),
                row["to"].as_i64().unwrap_or(-1),
            );
            let count = row["count"].as_i64().unwrap_or(0);
            covered += count;
            let (hash, found) = store.inspection_range_hash(from, to)?;
            v.rows += found as usize;
            if found != count {
                v.problems.push(format!("inspections {from} to {to}, recorded by event {}, were {} behind sopbook's back", e.seq, if found < count { "deleted" } else { "added to" }));
            } else if Some(hash.as_str()) != row["hash"].as_str() {
                v.problems.push(format!("an inspection or item result among inspections {from} to {to} was changed after event {} recorded it", e.seq));
            }
            let mut nc_hasher = <sha2::Sha256 as sha2::Digest>::new();
            let mut nc_count = 0;
            for nc in ncs.iter().filter(|n| n.event_seq == e.seq) {
                sha2::Digest::update(&mut nc_hasher, row_hash(nc).as_bytes());
                nc_count += 1;
            }
            v.rows += nc_count;
            let nc_hash = hex::encode(sha2::Digest::finalize(nc_hasher));
            if Some(nc_count as i64) != row["nonconformances"].as_i64()
                || Some(nc_hash.as_str()) != row["nc_hash"].as_str()
            {
                v.problems.push(format!("a nonconformance opened by event {} was changed, added or deleted behind sopbook's back", e.seq));
            }
        }
    }
    let all = store
        .inspections(&super::InspectionFilter::default())?
        .len() as i64;
    if all != covered {
        v.problems.push(format!("{} inspections are not recorded by any event: they were inserted behind sopbook's back", all - covered));
    }
    for ((table, id), (_, seq)) in expected {
        v.problems.push(format!(
            "{table} row {id}, recorded by event {seq}, has been deleted"
        ));
    }
    Ok(v)
}
