//! The tamper suite: for every table of the records, change each column of
//! a row, delete a row and insert a forged copy, each on a fresh copy of the
//! same records, with the append-only triggers dropped as anyone holding the
//! file can; `audit verify` must catch every one and say what it found.

mod common;
#[path = "common/pg.rs"]
mod pg;

use std::fs;
use std::path::Path;

use common::{PASSWORD, Ws, copy_dir};

/// The sample workspace with the demo's records, a sign-in and its end, a
/// void, a password reset and a read-and-understood record: every table
/// holds rows.
fn records() -> Ws {
    let ws = Ws::empty();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(root.join("sopbook.toml"), ws.path().join("sopbook.toml")).unwrap();
    copy_dir(&root.join("manual"), &ws.path().join("manual"));
    copy_dir(&root.join("checklists"), &ws.path().join("checklists"));
    let run = ws.run(&["demo", "--out", "book"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let demo = [("SOPBOOK_PASSWORD", "nordvann-demo")];
    assert_eq!(ws.run_env(&["login", "--as", "yosef"], &demo).code, 0);
    assert_eq!(ws.run(&["logout"]).code, 0);
    let void = ws.run_env(
        &[
            "inspections",
            "void",
            "INS-000003",
            "--reason",
            "wrong unit",
            "--as",
            "ingrid",
        ],
        &demo,
    );
    assert_eq!(void.code, 0, "{}", void.stderr);
    let reset = ws.run_env(
        &[
            "people",
            "reset",
            "chen",
            "--reason",
            "forgot it",
            "--as",
            "ingrid",
        ],
        &[
            ("SOPBOOK_PASSWORD", "nordvann-demo"),
            ("SOPBOOK_NEW_PASSWORD", "handed-over-1"),
        ],
    );
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    for (id, person) in [
        ("QC-001", "yosef"),
        ("QC-003", "yosef"),
        ("QC-001", "ingrid"),
    ] {
        let ack = ws.run_env(&["ack", id, "--as", person], &demo);
        assert_eq!(ack.code, 0, "{}", ack.stderr);
    }
    // An inspection with photos, one of them on two items.
    fs::write(ws.path().join("seal.png"), PNG).unwrap();
    let mut jpeg = b"\xFF\xD8\xFF\xE0 a leak".to_vec();
    jpeg.extend_from_slice(&[0; 64]);
    fs::write(ws.path().join("leak.jpg"), &jpeg).unwrap();
    let photo = ws.run_env(
        &[
            "inspect",
            "CL-003",
            "--lot",
            "PHOTO-1",
            "--as",
            "yosef",
            "--set",
            "shaft-end-play=0.15",
            "--set",
            "seal-faces=p",
            "--set",
            "impeller-type=p",
            "--set",
            "oring-seated=p",
            "--set",
            "housing-torque=8.0",
            "--set",
            "terminal-box=correct, all terminals tight",
            "--set",
            "earth-lead=p",
            "--set",
            "rework-loops=0",
            "--set",
            "remarks=",
            "--photo",
            "seal-faces=seal.png",
            "--photo",
            "oring-seated=leak.jpg",
            "--photo",
            "remarks=seal.png",
        ],
        &demo,
    );
    assert_eq!(photo.code, 0, "{}", photo.stderr);
    let _ = PASSWORD;
    ws
}

/// A 2×2 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38, 0xa1, 0xa1, 0x01,
    0x44, 0x0c, 0x10, 0x0a, 0x00, 0x21, 0x2e, 0x04, 0x61, 0xf6, 0xe1, 0xc2, 0x4d, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

const TABLES: &[&str] = &[
    "events",
    "revisions",
    "changes",
    "signatures",
    "credentials",
    "inspections",
    "item_results",
    "attachments",
    "inspection_voids",
    "nonconformances",
    "nc_steps",
    "sessions",
    "session_ends",
    "signing_keys",
    "key_resets",
    "rosters",
    "acknowledgements",
    "seals",
];

/// A value of the same kind that differs from `v`.
fn changed(v: &rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match v {
        Value::Null => "1".to_string(),
        Value::Integer(i) => (i + 1_000_000).to_string(),
        Value::Real(r) => format!("{}", r + 0.5),
        Value::Text(t) => {
            // Keep times and hashes well-formed, so that only the value differs.
            let mut s = t.clone();
            match s.pop() {
                Some(c) if c.is_ascii_digit() => s.push(if c == '9' {
                    '8'
                } else {
                    char::from(c as u8 + 1)
                }),
                Some('Z') => s.push('Z'),
                Some(c) => {
                    s.push(c);
                    s.push('x')
                }
                None => s.push('x'),
            }
            if s == *t {
                s = format!("{t}x");
            }
            format!("'{}'", s.replace('\'', "''"))
        }
        Value::Blob(_) => "x'00'".to_string(),
    }
}

#[test]
fn verify_catches_every_change_deletion_and_forged_row_in_every_table() {
    let ws = records();
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    let db = ws.path().join(".sopbook/records.db");
    // One file, no WAL beside it, to copy.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let clean = fs::read(&db).unwrap();
    // Each attempt, and what to try instead when the schema's own CHECK or
    // UNIQUE constraint refuses it.
    let mut attempts: Vec<(String, Vec<String>)> = Vec::new();
    for table in TABLES {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // A row in the middle of the table, and its values.
        let count: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert!(count > 0, "{table} is empty in the test records");
        let offset = count / 2;
        let rowid_sql = format!("SELECT rowid FROM {table} LIMIT 1 OFFSET {offset}");
        let is_without_rowid = *table == "item_results" || *table == "attachments";
        let key: String = if is_without_rowid {
            let (i, p): (i64, i64) = conn
                .query_row(
                    &format!("SELECT inspection_id, position FROM {table} LIMIT 1 OFFSET {offset}"),
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            format!("inspection_id = {i} AND position = {p}")
        } else {
            let rowid: i64 = conn.query_row(&rowid_sql, [], |r| r.get(0)).unwrap();
            format!("rowid = {rowid}")
        };
        for column in &columns {
            let value: rusqlite::types::Value = conn
                .query_row(
                    &format!("SELECT {column} FROM {table} WHERE {key}"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            attempts.push((
                format!(
                    "UPDATE {table} SET {column} = {} WHERE {key}",
                    changed(&value)
                ),
                vec![
                    // Another value the column already holds elsewhere (kinds, verdicts).
                    format!(
                        "UPDATE {table} SET {column} = (SELECT {column} FROM {table} t WHERE t.{column} IS NOT {table}.{column} LIMIT 1) WHERE {key}"
                    ),
                    // A text no other row holds (an id that is part of a unique key).
                    format!(
                        "UPDATE {table} SET {column} = {column} || 'x' WHERE {key} AND typeof({column}) = 'text'"
                    ),
                ],
            ));
        }
        attempts.push((format!("DELETE FROM {table} WHERE {key}"), Vec::new()));
        let list = columns.join(", ");
        let forged = if *table == "attachments" {
            format!(
                "INSERT INTO {table} ({list}) SELECT inspection_id, position + 1000, item_id, sha256, media_type, byte_size, file_name FROM {table} WHERE {key}"
            )
        } else if is_without_rowid {
            format!(
                "INSERT INTO {table} ({list}) SELECT inspection_id, position + 1000, item_id, value, number, outcome, note FROM {table} WHERE {key}"
            )
        } else if *table == "events" {
            // A forged event at the end of the chain, a copy of the last.
            format!(
                "INSERT INTO events ({list}) SELECT seq + 1, at, actor, action, record, detail, hash, hash || 'f' FROM events ORDER BY seq DESC LIMIT 1"
            )
        } else {
            let others: Vec<&str> = columns
                .iter()
                .map(String::as_str)
                .filter(|c| *c != "id")
                .collect();
            let unique_free: Vec<String> = others
                .iter()
                .map(|c| match (*table, *c) {
                    ("sessions", "token_hash") => format!("{c} || 'f'"),
                    ("session_ends", "session_id")
                    | ("inspection_voids", "inspection_id")
                    | ("nonconformances", "inspection_id") => {
                        format!("{c} + 100000")
                    }
                    ("revisions", "number") => format!("{c} + 100"),
                    ("seals", "row_id") => format!("{c} + 100000"),
                    _ => c.to_string(),
                })
                .collect();
            format!(
                "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE {key}",
                others.join(", "),
                unique_free.join(", ")
            )
        };
        attempts.push((forged, Vec::new()));
    }
    let mut missed = Vec::new();
    let mut refused_by_schema = 0;
    for (sql, instead) in &attempts {
        fs::write(&db, &clean).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        for t in TABLES {
            conn.execute_batch(&format!(
                "DROP TRIGGER IF EXISTS {t}_no_update; DROP TRIGGER IF EXISTS {t}_no_delete;"
            ))
            .unwrap();
        }
        if let Err(e) = conn.execute_batch(sql) {
            let refused = e.to_string().contains("CHECK") || e.to_string().contains("UNIQUE");
            if !refused || instead.is_empty() {
                panic!("{sql}: {e}");
            }
            if !instead
                .iter()
                .any(|other| conn.execute_batch(other).is_ok() && conn.changes() > 0)
            {
                // No other value the schema accepts: the schema itself refuses the change.
                refused_by_schema += 1;
                continue;
            }
        }
        drop(conn);
        let run = ws.run(&["audit", "verify"]);
        if run.code != 1 || !run.stderr.contains("error:") {
            missed.push(format!("{sql}\n  exit {}: {}", run.code, run.stderr));
        }
    }
    eprintln!(
        "tamper suite: {} attempts, {} detected by audit verify, {} refused by the schema itself",
        attempts.len(),
        attempts.len() - missed.len() - refused_by_schema,
        refused_by_schema
    );
    assert!(missed.is_empty(), "not detected:\n{}", missed.join("\n"));
}

#[test]
fn a_photo_file_changed_or_removed_is_reported_with_its_inspection_item_and_file() {
    let ws = records();
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    let shown = ws.run(&["inspections", "list", "--lot", "PHOTO-1", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let name = list[0]["name"].as_str().unwrap().to_string();
    let sha = sopbook::store::sha256_hex(PNG);
    let file = ws.path().join(".sopbook/photos").join(&sha[..2]).join(&sha);
    let mut changed = PNG.to_vec();
    changed[40] ^= 1;
    fs::write(&file, &changed).unwrap();
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    // Runs of the binary show the workspace as [ROOT].
    let shown_file = format!("[ROOT]/.sopbook/photos/{}/{sha}", &sha[..2]);
    for item in ["seal-faces", "remarks"] {
        let said = format!(
            "error: the photo `seal.png` of item `{item}` of {name} was changed: the file {shown_file} no longer has the sha256 recorded; restore it from a backup"
        );
        assert!(
            run.stderr.contains(&said),
            "no {said:?} in:\n{}",
            run.stderr
        );
    }
    fs::remove_file(&file).unwrap();
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    let said = format!(
        "error: the photo `seal.png` of item `seal-faces` of {name} is missing: there is no file {shown_file}; restore it from a backup"
    );
    assert!(
        run.stderr.contains(&said),
        "no {said:?} in:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("leak.jpg"), "{}", run.stderr);
    fs::write(&file, PNG).unwrap();
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}

#[test]
fn an_approval_forged_with_recomputed_hashes_is_caught() {
    use sopbook::store::{Access, Batch, Insert, Meaning, SignatureRow, SqliteStore};
    let ws = common::Ws::fixture("base");
    for p in ["ann", "bob", "cay", "dan"] {
        let run = ws.run_env(
            &["people", "passwd", p],
            &[("SOPBOOK_NEW_PASSWORD", PASSWORD)],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let run = ws.run_env(
        &["release", "CS-001", "-s", "First issue", "--as", "ann"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Whoever holds the file can append rows and events with correct hashes.
    let db = ws.path().join(".sopbook/records.db");
    let mut store = SqliteStore::open(
        &db,
        std::time::Duration::from_secs(1),
        Access::Write,
        "a test",
    )
    .unwrap();
    let records = sopbook::store::Store::records(&mut store).unwrap();
    let change = records.changes.last().unwrap();
    let now = chrono::Utc::now();
    let forged = SignatureRow {
        id: 0,
        change_id: Some(change.id),
        doc_id: "CS-001".into(),
        revision_id: change.revision_id,
        signer: "bob".into(),
        meaning: Meaning::Approved,
        signed_at: now,
        content_hash: records.revisions.last().unwrap().content_hash.clone(),
        note: String::new(),
        event_seq: 0,
    };
    sopbook::store::Store::append(
        &mut store,
        now,
        Batch {
            actor: "bob".into(),
            action: "approved".into(),
            record: "CS-001 rev 1".into(),
            note: serde_json::json!({}),
            inserts: vec![Insert::Signature {
                row: forged,
                change: None,
                revision: None,
            }],
        },
    )
    .unwrap();
    drop(store);
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "a forged approval passed: {}", run.stderr);
    assert!(
        run.stderr
            .contains("the approved signature 2 of CS-001 by bob carries no seal of bob's key"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_signing_key_replaced_with_a_forged_reset_is_caught() {
    use sopbook::store::{Access, Batch, Insert, KeyResetRow, SigningKeyRow, SqliteStore};
    let ws = common::Ws::fixture("base");
    for p in ["bob", "cay"] {
        let run = ws.run_env(
            &["people", "passwd", p],
            &[("SOPBOOK_NEW_PASSWORD", PASSWORD)],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    // Whoever holds the file gives bob a key of their own, and says cay reset it.
    let db = ws.path().join(".sopbook/records.db");
    let mut store = SqliteStore::open(
        &db,
        std::time::Duration::from_secs(1),
        Access::Write,
        "a test",
    )
    .unwrap();
    let now = chrono::Utc::now();
    let public_key = "ab".repeat(32);
    sopbook::store::Store::append(
        &mut store,
        now,
        Batch {
            actor: "cay".into(),
            action: "password reset".into(),
            record: "password of bob".into(),
            note: serde_json::json!({}),
            inserts: vec![
                Insert::SigningKey(SigningKeyRow {
                    id: 0,
                    person: "bob".into(),
                    public_key: public_key.clone(),
                    sealed: "x".into(),
                    set_at: now,
                    event_seq: 0,
                }),
                Insert::KeyReset(KeyResetRow {
                    id: 0,
                    person: "bob".into(),
                    public_key,
                    reason: "forgot it".into(),
                    reset_by: "cay".into(),
                    reset_at: now,
                    event_seq: 0,
                }),
            ],
        },
    )
    .unwrap();
    drop(store);
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "a forged reset passed: {}", run.stderr);
    assert!(
        run.stderr
            .contains("the reset of bob's signing key by cay carries no seal of cay's key"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_change_to_rows_an_import_moved_in_is_caught() {
    let ws = Ws::fixture("base");
    ws.release_all();
    // Three inspections, the second failed (a nonconformance); staged, then moved in.
    ws.write(
        "batch.csv",
        "checklist,lot,serial,inspector,station,label,length,finish,scratches,remarks\n\
         CL-001,L-1,S1,cay,line-1,p,120.0,good,0,ok\n\
         CL-001,L-1,S2,cay,line-1,p,118.2,good,1,short\n\
         CL-001,L-1,S3,cay,line-1,p,120.1,marked,0,ok\n",
    );
    let run = ws.run(&["inspections", "import", "batch.csv", "--as", "bob"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    let db = ws.path().join(".sopbook/records.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    let mut attempts: Vec<(String, Option<String>)> = Vec::new();
    for (table, key) in [
        ("inspections", "id = 2"),
        ("item_results", "inspection_id = 2 AND position = 2"),
        ("nonconformances", "inspection_id = 2"),
    ] {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for column in &columns {
            let value: rusqlite::types::Value = conn
                .query_row(
                    &format!("SELECT {column} FROM {table} WHERE {key}"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            attempts.push((
                format!("UPDATE {table} SET {column} = {} WHERE {key}", changed(&value)),
                Some(format!(
                    "UPDATE {table} SET {column} = (SELECT {column} FROM {table} t WHERE t.{column} IS NOT {table}.{column} LIMIT 1) WHERE {key}"
                )),
            ));
        }
        attempts.push((format!("DELETE FROM {table} WHERE {key}"), None));
    }
    attempts.extend(
        [
            "INSERT INTO item_results SELECT inspection_id, position + 1000, item_id, value, number, outcome, note FROM item_results WHERE inspection_id = 2 AND position = 2",
            "INSERT INTO inspections (checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq) SELECT checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq FROM inspections WHERE id = 2",
            "INSERT INTO nonconformances (inspection_id, opened_at, summary, event_seq) SELECT 3, opened_at, summary, event_seq FROM nonconformances WHERE inspection_id = 2",
        ]
        .map(|sql| (sql.to_string(), None)),
    );
    drop(conn);
    let clean = fs::read(&db).unwrap();
    let mut missed = Vec::new();
    for (sql, instead) in &attempts {
        fs::write(&db, &clean).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        for t in ["inspections", "item_results", "nonconformances"] {
            conn.execute_batch(&format!(
                "DROP TRIGGER {t}_no_update; DROP TRIGGER {t}_no_delete;"
            ))
            .unwrap();
        }
        if let Err(e) = conn.execute_batch(sql) {
            match instead {
                Some(other) if e.to_string().contains("CHECK") => {
                    conn.execute_batch(other).unwrap();
                    assert_eq!(conn.changes(), 1, "{other}");
                }
                _ => panic!("{sql}: {e}"),
            }
        }
        drop(conn);
        let run = ws.run(&["audit", "verify"]);
        if run.code != 1 || !run.stderr.contains("error:") {
            missed.push(format!("{sql}\n  exit {}: {}", run.code, run.stderr));
        }
    }
    assert!(attempts.len() > 20);
    assert!(missed.is_empty(), "not detected:\n{}", missed.join("\n"));
}

#[test]
fn a_read_and_understood_record_written_without_the_persons_password_is_caught() {
    use sopbook::store::{Access, AcknowledgementRow, Batch, Insert, SqliteStore, Store};
    let ws = common::Ws::fixture("base");
    ws.release_all();
    // Whoever holds the file says cay read QC-001, without cay's password.
    let db = ws.path().join(".sopbook/records.db");
    let mut store = SqliteStore::open(
        &db,
        std::time::Duration::from_secs(1),
        Access::Write,
        "a test",
    )
    .unwrap();
    let revision = store
        .records()
        .unwrap()
        .revisions
        .into_iter()
        .find(|r| r.doc_id == "QC-001")
        .unwrap();
    let now = chrono::Utc::now();
    store
        .append(
            now,
            Batch {
                actor: "cay".into(),
                action: "read and understood".into(),
                record: "QC-001 rev 1 read and understood".into(),
                note: serde_json::json!({}),
                inserts: vec![Insert::Acknowledgement(AcknowledgementRow {
                    id: 0,
                    person: "cay".into(),
                    doc_id: "QC-001".into(),
                    revision_id: revision.id,
                    revision_number: revision.number,
                    content_hash: revision.content_hash,
                    acknowledged_at: now,
                    event_seq: 0,
                })],
            },
        )
        .unwrap();
    drop(store);
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "a forged reading passed: {}", run.stderr);
    assert!(
        run.stderr.contains(
            "the read-and-understood record 1 of QC-001 rev 1 by cay carries no seal of cay's key"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn facts_kept_beside_a_text_that_the_text_does_not_say_are_caught() {
    let ws = common::Ws::fixture("base");
    ws.release_all();
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    // Whoever holds the file takes a role off QC-001, so that nobody
    // holding it is asked to read it.
    let db = ws.path().join(".sopbook/records.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER text_facts_no_update;
         UPDATE text_facts SET facts = replace(facts, '\"roles\":[', '\"roles\":[\"nobody\",')
         WHERE revision_id = (SELECT id FROM revisions WHERE doc_id = 'QC-001');",
    )
    .unwrap();
    assert_eq!(conn.changes(), 1);
    drop(conn);
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "altered facts passed: {}", run.stderr);
    assert!(
        run.stderr.contains("what is kept of QC-001 rev 1's text (who must read it, its section, its length) is not what the text says"),
        "{}",
        run.stderr
    );

    // The roles a reading list looks documents up by, altered alone.
    let ws = common::Ws::fixture("base");
    ws.release_all();
    let db = ws.path().join(".sopbook/records.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER text_facts_no_update;
         UPDATE text_facts SET roles = '|nobody|'
         WHERE revision_id = (SELECT id FROM revisions WHERE doc_id = 'QC-001');",
    )
    .unwrap();
    assert_eq!(conn.changes(), 1);
    drop(conn);
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "altered roles passed: {}", run.stderr);
    assert!(
        run.stderr.contains("the text_facts row of revision"),
        "{}",
        run.stderr
    );
}

/// A value of the same type that differs from `v` (given as text), as SQL.
fn changed_pg(v: Option<&str>, data_type: &str) -> String {
    match (v, data_type) {
        (None, "text") => "'1'".to_string(),
        (None, "boolean") => "true".to_string(),
        (None, _) => "1".to_string(),
        (Some(v), "bigint" | "integer") => (v.parse::<i64>().unwrap() + 1_000_000).to_string(),
        (Some(v), "double precision") => format!("{}", v.parse::<f64>().unwrap() + 0.5),
        (Some(v), "boolean") => (v != "true").to_string(),
        (Some(t), _) => changed(&rusqlite::types::Value::Text(t.to_string())),
    }
}

/// The tamper suite on PostgreSQL: the same records copied there with
/// `db copy`, then each change, deletion and forged row made in a fresh
/// clone of them by someone who may switch the triggers off (a superuser:
/// `session_replication_role = replica` silences the append-only triggers
/// and the foreign keys). `audit verify` must catch every one.
#[test]
#[ignore = "heavy: about 150 databases cloned on PostgreSQL; .ci/run runs it"]
fn verify_catches_every_change_deletion_and_forged_row_on_postgres() {
    let Some(admin) = pg::admin_url("tamper suite") else {
        return;
    };
    let ws = records();
    let template = pg::PgDb::on(&admin, &format!("sopbook_tamper_{}", std::process::id()));
    let copy = ws.run(&["db", "copy", "--to", &template.url]);
    assert_eq!(copy.code, 0, "{}", copy.stderr);
    let mut client = template.client();
    let mut attempts: Vec<(String, Vec<String>)> = Vec::new();
    for table in TABLES {
        let columns: Vec<(String, String)> = client
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                &[table],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let count: i64 = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0);
        assert!(count > 0, "{table} is empty in the test records");
        let offset = count / 2;
        let key = match *table {
            "item_results" | "attachments" => {
                let r = client
                    .query_one(
                        &format!("SELECT inspection_id, position FROM {table} ORDER BY 1, 2 LIMIT 1 OFFSET {offset}"),
                        &[],
                    )
                    .unwrap();
                format!(
                    "inspection_id = {} AND position = {}",
                    r.get::<_, i64>(0),
                    r.get::<_, i64>(1)
                )
            }
            "events" => {
                let seq: i64 = client
                    .query_one(
                        &format!("SELECT seq FROM events ORDER BY seq LIMIT 1 OFFSET {offset}"),
                        &[],
                    )
                    .unwrap()
                    .get(0);
                format!("seq = {seq}")
            }
            _ => {
                let id: i64 = client
                    .query_one(
                        &format!("SELECT id FROM {table} ORDER BY id LIMIT 1 OFFSET {offset}"),
                        &[],
                    )
                    .unwrap()
                    .get(0);
                format!("id = {id}")
            }
        };
        for (column, data_type) in &columns {
            let value: Option<String> = client
                .query_one(
                    &format!("SELECT {column}::text FROM {table} WHERE {key}"),
                    &[],
                )
                .unwrap()
                .get(0);
            attempts.push((
                format!(
                    "UPDATE {table} SET {column} = {} WHERE {key}",
                    changed_pg(value.as_deref(), data_type)
                ),
                // What to try instead when the schema refuses it: another
                // value the column holds elsewhere (kinds, verdicts), or one
                // that no unique key has yet.
                [
                    Some(format!(
                        "UPDATE {table} SET {column} = (SELECT t.{column} FROM {table} t WHERE t.{column} IS DISTINCT FROM {table}.{column} LIMIT 1) WHERE {key}"
                    )),
                    (data_type == "text")
                        .then(|| format!("UPDATE {table} SET {column} = {column} || 'x' WHERE {key}")),
                ]
                .into_iter()
                .flatten()
                .collect(),
            ));
        }
        attempts.push((format!("DELETE FROM {table} WHERE {key}"), Vec::new()));
        let names: Vec<&str> = columns.iter().map(|c| c.0.as_str()).collect();
        let list = names.join(", ");
        let forged = match *table {
            "item_results" | "attachments" => {
                let values: Vec<String> = names
                    .iter()
                    .map(|c| {
                        if *c == "position" {
                            "position + 1000".to_string()
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                format!(
                    "INSERT INTO {table} ({list}) SELECT {} FROM {table} WHERE {key}",
                    values.join(", ")
                )
            }
            // A forged event at the end of the chain, a copy of the last.
            "events" => "INSERT INTO events (seq, at, actor, action, record, detail, prev_hash, hash) SELECT seq + 1, at, actor, action, record, detail, hash, hash || 'f' FROM events ORDER BY seq DESC LIMIT 1".to_string(),
            _ => {
                let values: Vec<String> = names
                    .iter()
                    .map(|c| match (*table, *c) {
                        (_, "id") => format!("(SELECT max(id) + 1 FROM {table})"),
                        ("sessions", "token_hash") => format!("{c} || 'f'"),
                        ("session_ends", "session_id")
                        | ("inspection_voids", "inspection_id")
                        | ("nonconformances", "inspection_id")
                        | ("seals", "row_id") => format!("{c} + 100000"),
                        ("revisions", "number") => format!("{c} + 100"),
                        _ => c.to_string(),
                    })
                    .collect();
                format!(
                    "INSERT INTO {table} ({list}) SELECT {} FROM {table} WHERE {key}",
                    values.join(", ")
                )
            }
        };
        attempts.push((forged, Vec::new()));
    }
    drop(client);
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(b, _)| b)
        .to_string();
    let mut server = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let mut missed = Vec::new();
    let mut refused_by_schema = 0;
    for (k, (sql, instead)) in attempts.iter().enumerate() {
        let name = format!("{}_{k}", template.name);
        server
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{}\"",
                template.name
            ))
            .unwrap();
        let url = format!("{base}/{name}");
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("SET session_replication_role = replica")
            .unwrap();
        let mut refused = false;
        if let Err(e) = c.batch_execute(sql) {
            use postgres::error::SqlState;
            let schema = e.as_db_error().is_some_and(|d| {
                [SqlState::CHECK_VIOLATION, SqlState::UNIQUE_VIOLATION].contains(d.code())
            });
            assert!(schema && !instead.is_empty(), "{sql}: {e:?}");
            refused = !instead
                .iter()
                .any(|other| c.execute(other.as_str(), &[]).is_ok_and(|n| n > 0));
        }
        drop(c);
        if refused {
            refused_by_schema += 1;
        } else {
            let run = ws.run_env(&["audit", "verify"], &[("SOPBOOK_DATABASE", &url)]);
            if run.code != 1 || !run.stderr.contains("error:") {
                missed.push(format!("{sql}\n  exit {}: {}", run.code, run.stderr));
            }
        }
        server
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .unwrap();
    }
    eprintln!(
        "tamper suite on PostgreSQL: {} attempts, {} detected by audit verify, {} refused by the schema itself",
        attempts.len(),
        attempts.len() - missed.len() - refused_by_schema,
        refused_by_schema
    );
    assert!(missed.is_empty(), "not detected:\n{}", missed.join("\n"));
}
