//! `audit verify`: walks the hash chain and checks every record against
//! the hash its event recorded, so a row changed, inserted or deleted
//! behind sopbook's back is found and named.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::photos::FileProblem;
use super::{EventRow, GENESIS, Store, event_hash, row_hash, sha256_hex};

#[derive(Debug, Default, Serialize)]
pub struct Verification {
    pub events: usize,
    pub rows: usize,
    /// What is wrong, in the order found: the chain first, then the rows.
    pub problems: Vec<String>,
    /// Signed rows made before their signer had a signing key (older records).
    pub unsealed: usize,
    /// Each event's number and hash, in order, for checking anchors.
    #[serde(skip)]
    pub chain: Vec<(i64, String)>,
}

/// A row as verify checks it: where an event lists it, its hash, who signed it.
struct Row<'a> {
    table: &'static str,
    id: i64,
    event_seq: i64,
    hash: String,
    signer: Option<&'a str>,
    name: String,
    /// For revisions: the snapshot still matches its content hash.
    content_ok: bool,
}

impl<'a> Row<'a> {
    fn new(
        table: &'static str,
        id: i64,
        event_seq: i64,
        row: &impl Serialize,
        signer: Option<&'a str>,
    ) -> Row<'a> {
        Row {
            table,
            id,
            event_seq,
            hash: row_hash(row),
            signer,
            name: String::new(),
            content_ok: true,
        }
    }
}

/// Whether a seal is the signature, by its public key, of the row it names.
fn seal_valid(seal: &super::SealRow, table: &str, id: i64, hash: &str) -> bool {
    use ed25519_dalek::Verifier as _;
    let (Ok(public), Ok(signature)) = (hex::decode(&seal.public_key), hex::decode(&seal.signature))
    else {
        return false;
    };
    let (Ok(public), Ok(signature)) = (
        <[u8; 32]>::try_from(public.as_slice()),
        <[u8; 64]>::try_from(signature.as_slice()),
    ) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&public) else {
        return false;
    };
    key.verify(
        super::seal_message(table, id, hash).as_bytes(),
        &ed25519_dalek::Signature::from_bytes(&signature),
    )
    .is_ok()
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

/// A table read for verification, or the problem that it cannot be read
/// (a value of the wrong type: damage, not a reason to stop verifying).
fn readable<T>(
    what: &str,
    read: Result<Vec<T>>,
    problems: &mut Vec<String>,
    unreadable: &mut Vec<&'static str>,
    table: &'static str,
) -> Vec<T> {
    match read {
        Ok(rows) => rows,
        Err(e) => {
            problems.push(format!(
                "the {what} cannot be read: a value in them was changed behind sopbook's back ({})",
                e.chain()
                    .last()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ));
            unreadable.push(table);
            Vec::new()
        }
    }
}

fn ins(id: i64) -> String {
    format!("INS-{id:06}")
}

/// Says that photos were hashed with the inspection, when there were any.
fn photos_too(photos: i64) -> &'static str {
    if photos > 0 { " or photos" } else { "" }
}

/// Every photo the records name has its file, with the bytes its sha256
/// says; photos outside every inspection range are named.
fn check_photos(store: &mut dyn Store, covered: i64, v: &mut Verification) {
    let attachments = match store.attachments(None) {
        Ok(a) => a,
        Err(e) => {
            v.problems.push(format!(
                "the photos' records cannot be read: a value in them was changed behind sopbook's back ({})",
                e.chain().last().map(ToString::to_string).unwrap_or_default()
            ));
            return;
        }
    };
    if attachments.len() as i64 != covered {
        v.problems.push(format!(
            "{} photos belong to no inspection that an event recorded: they were added behind sopbook's back",
            attachments.len() as i64 - covered
        ));
    }
    let files = store.photo_files();
    let mut checked = std::collections::BTreeMap::new();
    for a in &attachments {
        let found = checked
            .entry(a.sha256.as_str())
            .or_insert_with(|| files.check(&a.sha256))
            .clone();
        let what = format!(
            "the photo `{}` of item `{}` of {}",
            a.file_name.escape_debug(),
            a.item_id,
            ins(a.inspection_id)
        );
        let Some(place) = files.path_of(&a.sha256).map(|p| p.display().to_string()) else {
            v.problems.push(format!(
                "{what} names no file: its sha256 `{}` is not one; it was changed behind sopbook's back",
                a.sha256.escape_debug()
            ));
            continue;
        };
        match found {
            Ok(()) => {}
            Err(FileProblem::Missing) => v.problems.push(format!(
                "{what} is missing: there is no file {place}; restore it from a backup"
            )),
            Err(FileProblem::Changed) => v.problems.push(format!(
                "{what} was changed: the file {place} no longer has the sha256 recorded; restore it from a backup"
            )),
            Err(FileProblem::Unreadable(e)) => v.problems.push(format!(
                "{what} cannot be read from {place}: {e}"
            )),
        }
    }
}

pub fn verify(store: &mut dyn Store) -> Result<Verification> {
    let mut v = Verification::default();
    let events = match store.events() {
        Ok(events) => events,
        Err(e) => {
            v.problems.push(format!(
                "the audit log cannot be read: an event was changed behind sopbook's back ({})",
                e.chain()
                    .last()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ));
            return Ok(v);
        }
    };
    v.events = events.len();

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

    let mut unreadable: Vec<&'static str> = Vec::new();
    let records = match store.records() {
        Ok(r) => r,
        Err(e) => {
            v.problems.push(format!(
                "the revisions, change requests or signatures cannot be read: a value in them was changed behind sopbook's back ({})",
                e.chain().last().map(ToString::to_string).unwrap_or_default()
            ));
            unreadable.extend(["revisions", "changes", "signatures"]);
            super::Records::default()
        }
    };
    let credentials = readable(
        "passwords",
        store.credentials(),
        &mut v.problems,
        &mut unreadable,
        "credentials",
    );
    let voids = readable(
        "voids",
        store.voids(),
        &mut v.problems,
        &mut unreadable,
        "inspection_voids",
    );
    let steps = readable(
        "nonconformance steps",
        store.nc_steps(),
        &mut v.problems,
        &mut unreadable,
        "nc_steps",
    );
    let (sessions, ends) = match store.sessions() {
        Ok(s) => s,
        Err(e) => {
            v.problems.push(format!(
                "the sign-ins cannot be read: a value in them was changed behind sopbook's back ({})",
                e.chain().last().map(ToString::to_string).unwrap_or_default()
            ));
            unreadable.extend(["sessions", "session_ends"]);
            (Vec::new(), Vec::new())
        }
    };
    let ncs = readable(
        "nonconformances",
        store.nonconformances(),
        &mut v.problems,
        &mut unreadable,
        "nonconformances",
    );

    let keys = readable(
        "signing keys",
        store.signing_keys(),
        &mut v.problems,
        &mut unreadable,
        "signing_keys",
    );
    let seals = readable(
        "seals",
        store.seals(),
        &mut v.problems,
        &mut unreadable,
        "seals",
    );
    let rosters = readable(
        "rosters",
        store.rosters(),
        &mut v.problems,
        &mut unreadable,
        "rosters",
    );
    let resets = readable(
        "key resets",
        store.key_resets(),
        &mut v.problems,
        &mut unreadable,
        "key_resets",
    );
    let acks = readable(
        "training records",
        store.acknowledgements(),
        &mut v.problems,
        &mut unreadable,
        "acknowledgements",
    );
    let lots = readable(
        "lots",
        store.lots(),
        &mut v.problems,
        &mut unreadable,
        "lots",
    );
    let lot_closes = readable(
        "lot decisions",
        store.lot_closes(),
        &mut v.problems,
        &mut unreadable,
        "lot_closes",
    );
    let lot_approvals = readable(
        "approvals of reduced inspection",
        store.lot_approvals(),
        &mut v.problems,
        &mut unreadable,
        "lot_approvals",
    );
    let mut expected = recorded(&events);
    expected.retain(|(table, _), _| !unreadable.contains(&table.as_str()));
    // Every row that an event lists by table and id, each hashed once.
    let mut rows: Vec<Row<'_>> = Vec::new();
    for r in &records.revisions {
        let mut row = Row::new("revisions", r.id, r.event_seq, r, None);
        row.content_ok = sha256_hex(r.content.as_bytes()) == r.content_hash;
        row.name = format!("revision {} rev {}", r.doc_id, r.number);
        rows.push(row);
    }
    for c in &records.changes {
        let mut row = Row::new("changes", c.id, c.event_seq, c, None);
        row.name = format!("{} request {} for {}", c.kind, c.id, c.doc_id);
        rows.push(row);
    }
    for s in &records.signatures {
        let mut row = Row::new("signatures", s.id, s.event_seq, s, Some(&s.signer));
        row.name = format!(
            "the {} signature {} of {} by {}",
            s.meaning, s.id, s.doc_id, s.signer
        );
        rows.push(row);
    }
    for c in &credentials {
        let mut row = Row::new("credentials", c.id, c.event_seq, c, Some(&c.person));
        row.name = format!("password record {} of {}", c.id, c.person);
        rows.push(row);
    }
    for r in &voids {
        let mut row = Row::new("inspection_voids", r.id, r.event_seq, r, Some(&r.voided_by));
        row.name = format!("the void of {} by {}", ins(r.inspection_id), r.voided_by);
        rows.push(row);
    }
    for r in &steps {
        let mut row = Row::new("nc_steps", r.id, r.event_seq, r, Some(&r.signer));
        row.name = format!("the {} step {} of NC-{:04}", r.kind, r.id, r.nc_id);
        rows.push(row);
    }
    for r in &sessions {
        let mut row = Row::new("sessions", r.id, r.event_seq, r, Some(&r.person));
        row.name = format!("sign-in {} of {}", r.id, r.person);
        rows.push(row);
    }
    for r in &ends {
        let mut row = Row::new("session_ends", r.id, r.event_seq, r, None);
        row.name = format!("end {} of sign-in {}", r.id, r.session_id);
        rows.push(row);
    }
    for r in &keys {
        let mut row = Row::new("signing_keys", r.id, r.event_seq, r, Some(&r.person));
        row.name = format!("signing key {} of {}", r.id, r.person);
        rows.push(row);
    }
    for r in &rosters {
        let mut row = Row::new("rosters", r.id, r.event_seq, r, None);
        row.name = format!("the roster {} (who held which role)", r.id);
        rows.push(row);
    }
    for r in &resets {
        let mut row = Row::new("key_resets", r.id, r.event_seq, r, Some(&r.reset_by));
        row.name = format!("the reset of {}'s signing key by {}", r.person, r.reset_by);
        rows.push(row);
    }
    for r in &acks {
        let mut row = Row::new("acknowledgements", r.id, r.event_seq, r, Some(&r.person));
        row.name = format!(
            "the read-and-understood record {} of {} rev {} by {}",
            r.id, r.doc_id, r.revision_number, r.person
        );
        rows.push(row);
    }
    // A training record names the revision it read: the same document,
    // number and content.
    for a in &acks {
        let read = records.revisions.iter().find(|r| r.id == a.revision_id);
        if !read.is_some_and(|r| {
            r.doc_id == a.doc_id
                && r.number == a.revision_number
                && r.content_hash == a.content_hash
        }) {
            v.problems.push(format!(
                "the read-and-understood record {} of {} rev {} by {} does not match the revision it names: it was made behind sopbook's back",
                a.id, a.doc_id, a.revision_number, a.person
            ));
        }
    }
    for r in &lots {
        let mut row = Row::new("lots", r.id, r.event_seq, r, None);
        row.name = format!("lot {} of {}", r.lot, r.checklist_id);
        rows.push(row);
    }
    for r in &lot_closes {
        let mut row = Row::new("lot_closes", r.id, r.event_seq, r, None);
        row.name = format!("the decision {} on lot record {}", r.id, r.lot_id);
        rows.push(row);
    }
    for r in &lot_approvals {
        let mut row = Row::new("lot_approvals", r.id, r.event_seq, r, Some(&r.signer));
        row.name = format!(
            "the approval {} of reduced inspection for {} by {}",
            r.id, r.checklist_id, r.signer
        );
        rows.push(row);
    }
    for r in &seals {
        let mut row = Row::new("seals", r.id, r.event_seq, r, None);
        row.name = format!("seal {} of {} row {}", r.id, r.row_table, r.row_id);
        rows.push(row);
    }
    let seal_of: BTreeMap<(&str, i64), &super::SealRow> = seals
        .iter()
        .map(|s| ((s.row_table.as_str(), s.row_id), s))
        .collect();
    // Each person's keys in order: (public key, from which event). A key
    // changes only where a reset, signed by someone else, names the new one.
    let mut keys_of: BTreeMap<&str, Vec<(&str, i64)>> = BTreeMap::new();
    for k in &keys {
        let list = keys_of.entry(k.person.as_str()).or_default();
        match list.last() {
            None => list.push((k.public_key.as_str(), k.event_seq)),
            Some((last, _)) if *last == k.public_key => {}
            Some(_) => {
                let reset = resets.iter().any(|r| {
                    r.person == k.person
                        && r.public_key == k.public_key
                        && r.event_seq == k.event_seq
                        && r.reset_by != k.person
                });
                if reset {
                    list.push((k.public_key.as_str(), k.event_seq));
                } else {
                    v.problems.push(format!(
                        "the signing key of {} was replaced by event {} without a reset signed by someone else: whoever did it can sign in their name",
                        k.person, k.event_seq
                    ));
                }
            }
        }
    }
    let key_at = |person: &str, seq: i64| -> Option<&str> {
        keys_of
            .get(person)?
            .iter()
            .rev()
            .find(|(_, since)| *since <= seq)
            .map(|(public, _)| *public)
    };
    for row in &rows {
        let what = &row.name;
        v.rows += 1;
        if !row.content_ok {
            v.problems.push(format!(
                "{what}: its snapshot no longer matches its content hash"
            ));
        }
        match expected.remove(&(row.table.to_string(), row.id)) {
            None => v.problems.push(format!(
                "{what} is not recorded by any event: it was inserted behind sopbook's back"
            )),
            Some((recorded, seq)) if recorded != row.hash => v
                .problems
                .push(format!("{what} was changed after event {seq} recorded it")),
            Some((_, seq)) if seq != row.event_seq => v.problems.push(format!(
                "{what} was recorded by event {seq}, but now claims event {}",
                row.event_seq
            )),
            Some(_) => {}
        }
        // A signed row needs its signer's seal once the signer has a key.
        let Some(person) = row.signer else {
            continue;
        };
        let key = key_at(person, row.event_seq);
        match (seal_of.get(&(row.table, row.id)), key) {
            (Some(seal), Some(public)) => {
                if seal.signer != person || seal.public_key != public {
                    v.problems.push(format!("{what} is sealed with a key that is not {person}'s"));
                } else if !seal_valid(seal, row.table, row.id, &row.hash) {
                    v.problems.push(format!(
                        "{what} does not match its seal: it was changed or forged"
                    ));
                }
            }
            (Some(_), None) => v.problems.push(format!(
                "{what} is sealed, but {person} had no signing key then"
            )),
            (None, Some(_)) => v.problems.push(format!(
                "{what} carries no seal of {person}'s key: it was made without their password, behind sopbook's back"
            )),
            // Resets came with keys: one without a seal was never made by sopbook.
            (None, None) if row.table == "key_resets" => v.problems.push(format!(
                "{what} carries no seal: a reset needs the signature of whoever gave it"
            )),
            (None, None) => v.unsealed += 1,
        }
    }
    // Inspections are recorded in batches: each event holds an id range and one hash.
    struct Batch {
        seq: i64,
        from: i64,
        to: i64,
        count: i64,
        hash: Option<String>,
        ncs: Option<i64>,
        nc_hash: Option<String>,
    }
    let mut batches: Vec<Batch> = Vec::new();
    let mut ranges: Vec<(i64, i64, u8)> = Vec::new();
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
            let version = row["version"].as_u64().unwrap_or(1).min(255) as u8;
            ranges.push((from, to, version));
            batches.push(Batch {
                seq: e.seq,
                from,
                to,
                count: row["count"].as_i64().unwrap_or(0),
                hash: row["hash"].as_str().map(str::to_string),
                ncs: row["nonconformances"].as_i64(),
                nc_hash: row["nc_hash"].as_str().map(str::to_string),
            });
        }
    }
    let mut ncs_of: BTreeMap<i64, Vec<&super::NcRow>> = BTreeMap::new();
    for nc in &ncs {
        ncs_of.entry(nc.event_seq).or_default().push(nc);
    }
    let mut covered = 0;
    let mut covered_results = 0;
    let mut covered_photos = 0;
    let checks = store.inspection_ranges(&ranges);
    for (b, checked) in batches.iter().zip(checks) {
        let (from, to, count, seq) = (b.from, b.to, b.count, b.seq);
        covered += count;
        let range = if from == to {
            ins(from)
        } else {
            format!("{} to {}", ins(from), ins(to))
        };
        match checked {
            Err(e2) => v.problems.push(format!(
                "inspections {range}, recorded by event {seq}, cannot be read: a value was changed behind sopbook's back ({})",
                e2.chain().last().map(ToString::to_string).unwrap_or_default()
            )),
            Ok(found) => {
                v.rows += found.inspections as usize + found.attachments as usize;
                covered_results += found.results;
                covered_photos += found.attachments + found.stray_attachments;
                if found.inspections != count {
                    v.problems.push(format!(
                        "inspections {range}, recorded by event {seq}, were {} behind sopbook's back ({count} recorded, {} there now)",
                        if found.inspections < count { "deleted" } else { "added to" },
                        found.inspections
                    ));
                } else if Some(&found.hash) != b.hash.as_ref() {
                    v.problems.push(if from == to {
                        format!(
                            "{range} or one of its item results{} was changed after event {seq} recorded it",
                            photos_too(found.attachments)
                        )
                    } else {
                        format!(
                            "an inspection{} among {range} was changed after event {seq} recorded it",
                            if found.attachments > 0 { ", item result or photo" } else { " or item result" }
                        )
                    });
                }
                if found.stray_results > 0 {
                    v.problems.push(format!(
                        "{} item results among {range} belong to no inspection: inserted behind sopbook's back",
                        found.stray_results
                    ));
                }
                if found.stray_attachments > 0 {
                    v.problems.push(format!(
                        "{} {} among {range} {} not recorded by event {seq}: added behind sopbook's back",
                        found.stray_attachments,
                        if found.stray_attachments == 1 { "photo" } else { "photos" },
                        if found.stray_attachments == 1 { "was" } else { "were" },
                    ));
                }
                if found.event_seqs.iter().any(|s| *s != seq) {
                    v.problems.push(format!(
                        "inspections {range} were recorded by event {seq}, but some now claim another event"
                    ));
                }
            }
        }
        let mut nc_hasher = <sha2::Sha256 as sha2::Digest>::new();
        let mut nc_count = 0;
        for nc in ncs_of.get(&seq).into_iter().flatten() {
            sha2::Digest::update(&mut nc_hasher, row_hash(nc).as_bytes());
            nc_count += 1;
        }
        v.rows += nc_count;
        let nc_hash = hex::encode(sha2::Digest::finalize(nc_hasher));
        if !unreadable.contains(&"nonconformances")
            && (Some(nc_count as i64) != b.ncs || Some(&nc_hash) != b.nc_hash.as_ref())
        {
            v.problems.push(format!("a nonconformance opened by event {seq} was changed, added or deleted behind sopbook's back"));
        }
    }
    let batch_events: std::collections::BTreeSet<i64> = batches.iter().map(|b| b.seq).collect();
    for nc in ncs.iter().filter(|n| !batch_events.contains(&n.event_seq)) {
        v.rows += 1;
        v.problems.push(format!(
            "NC-{:04} (against {}) is not recorded by any event: it was inserted behind sopbook's back",
            nc.id,
            ins(nc.inspection_id)
        ));
    }
    let (inspections, results) = store.counts()?;
    if inspections != covered {
        v.problems.push(format!("{} inspections are not recorded by any event: they were inserted behind sopbook's back", inspections - covered));
    }
    // Only when the counts disagree are the strays looked for, one by one.
    if results != covered_results {
        for (inspection, position) in store.stray_item_results()? {
            v.problems.push(format!(
                "the item result at position {position} of {}, which does not exist, was inserted behind sopbook's back",
                ins(inspection)
            ));
        }
    }
    check_photos(store, covered_photos, &mut v);
    for ((table, id), (_, seq)) in expected {
        v.problems.push(format!(
            "{table} row {id}, recorded by event {seq}, has been deleted"
        ));
    }
    v.chain = events.into_iter().map(|e| (e.seq, e.hash)).collect();
    Ok(v)
}
