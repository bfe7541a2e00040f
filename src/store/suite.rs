//! The store suite: each test runs on SQLite, and on PostgreSQL when
//! `SOPBOOK_TEST_POSTGRES_URL` names a server (each test in a database of
//! its own, created and dropped by the test); without it the PostgreSQL
//! half is skipped and says why.

use chrono::{Duration, TimeZone, Utc};

use super::postgres::testing::TestDb;
use super::*;

/// One backend under test; the SQLite file or the PostgreSQL database
/// lives as long as this does.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(Box<TestDb>),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// A new connection to the same records (another station).
    fn open(&self) -> Box<dyn Store> {
        match self {
            Backend::Sqlite(dir) => Box::new(
                SqliteStore::open(
                    &dir.path().join("records.db"),
                    sqlite::BUSY_TIMEOUT * 6,
                    Access::Create,
                    "a test",
                )
                .unwrap(),
            ),
            Backend::Postgres(db) => Box::new(db.open()),
        }
    }
}

/// SQLite, and PostgreSQL when a server is given.
fn backends(test: &str) -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite(tempfile::tempdir().unwrap())];
    if let Some(db) = TestDb::new(test) {
        all.push(Backend::Postgres(Box::new(db)));
    }
    all
}

pub(super) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
}

pub(super) fn release(doc: &str) -> Batch {
    let content = format!("# {doc}\n");
    Batch {
        actor: "ann".into(),
        action: "released".into(),
        record: format!("{doc} rev 1"),
        note: serde_json::json!({ "summary": "First issue" }),
        inserts: vec![Insert::Revision(RevisionRow {
            id: 0,
            doc_id: doc.into(),
            kind: DocKind::Checklist,
            number: 1,
            title: "Incoming".into(),
            path: format!("checklists/{doc}.toml"),
            content: content.clone(),
            content_hash: sha256_hex(content.as_bytes()),
            summary: "First issue".into(),
            minor: false,
            author: "ann".into(),
            created_at: at(),
            event_seq: 0,
        })],
    }
}

pub(super) fn inspection(revision_id: i64, lot: &str, value: f64, station: &str) -> NewInspection {
    let fail = value > 10.0;
    let verdict = if fail { Verdict::Fail } else { Verdict::Pass };
    let outcome = if fail { Outcome::Fail } else { Outcome::Pass };
    NewInspection {
        row: InspectionRow {
            id: 0,
            checklist_id: "QC-010".into(),
            revision_id,
            revision_number: 1,
            lot: lot.into(),
            serial: String::new(),
            inspector: "ivan".into(),
            station: station.into(),
            recorded_at: at() + Duration::minutes(value as i64),
            verdict,
            reinspects: None,
            event_seq: 0,
        },
        results: vec![
            ItemResultRow {
                inspection_id: 0,
                position: 1,
                item_id: "diameter".into(),
                value: format!("{value}"),
                number: Some(value),
                outcome,
                note: String::new(),
            },
            ItemResultRow {
                inspection_id: 0,
                position: 2,
                item_id: "label".into(),
                value: "ok".into(),
                number: None,
                outcome: Outcome::Pass,
                note: "é, \"quoted\"".into(),
            },
        ],
        attachments: Vec::new(),
        nc_summary: fail.then(|| format!("diameter {value} > 10")),
    }
}

fn record(store: &mut dyn Store, inspections: Vec<NewInspection>) -> Vec<(i64, Option<i64>)> {
    store
        .record_inspections(
            at(),
            InspectionBatch {
                actor: "ivan".into(),
                action: "inspected".into(),
                record: "QC-010".into(),
                note: serde_json::json!({ "station": "line 1" }),
                inspections,
            },
        )
        .unwrap()
}

pub(super) fn intact(store: &mut dyn Store, backend: &str) -> audit::Verification {
    let v = audit::verify(store).unwrap();
    assert!(v.problems.is_empty(), "{backend}: {:?}", v.problems);
    v
}

#[test]
fn inspections_and_nonconformances_are_recorded_read_and_verified() {
    for b in backends("inspections_and_ncs") {
        let name = b.name();
        let mut store = b.open();
        let store = store.as_mut();
        let rev = store.append(at(), release("QC-010")).unwrap().ids[0];
        let ids = record(
            store,
            vec![
                inspection(rev, "L-1", 9.5, "line 1"),
                inspection(rev, "L-1", 10.25, "line 1"),
                inspection(rev, "L-2", 3.0, "line 2"),
            ],
        );
        assert_eq!(ids.len(), 3, "{name}");
        assert_eq!(ids[0].1, None, "{name}");
        let nc = ids[1]
            .1
            .expect("a failed inspection opens a nonconformance");
        let found = store
            .inspections(&InspectionFilter {
                lot: Some("L-1".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found.len(), 2, "{name}");
        let results = store.item_results(ids[1].0).unwrap();
        assert_eq!(results[0].number, Some(10.25), "{name}");
        assert_eq!(results[1].note, "é, \"quoted\"", "{name}");
        let ncs = store.nonconformances().unwrap();
        assert_eq!(
            (ncs.len(), ncs[0].id, ncs[0].inspection_id),
            (1, nc, ids[1].0)
        );
        // A step on the nonconformance, signed.
        store
            .append(
                at(),
                Batch {
                    actor: "qa".into(),
                    action: "disposition".into(),
                    record: format!("NC-{nc:04}"),
                    note: serde_json::json!({}),
                    inserts: vec![Insert::NcStep(NcStepRow {
                        id: 0,
                        nc_id: nc,
                        kind: StepKind::Disposition,
                        value: "scrap".into(),
                        sop_id: None,
                        signer: "qa".into(),
                        signed_at: at(),
                        note: String::new(),
                        event_seq: 0,
                    })],
                },
            )
            .unwrap();
        assert_eq!(store.nc_steps().unwrap().len(), 1, "{name}");
        let counts = store.group_counts(GroupBy::Lot, None, None).unwrap();
        let keys: Vec<_> = counts
            .iter()
            .map(|g| (g.key.as_str(), g.inspections, g.passed))
            .collect();
        assert_eq!(keys, [("L-1", 2, 1), ("L-2", 1, 1)], "{name}");
        assert_eq!(
            store.failed_items(None, None).unwrap(),
            [("QC-010/diameter".to_string(), 1)],
            "{name}"
        );
        let m = store
            .measurements("QC-010", &[(rev, 1)], Some("2026-03-02T08:05:00"))
            .unwrap();
        assert_eq!(m.len(), 2, "{name}: {m:?}");
        assert_eq!(store.counts().unwrap(), (3, 6), "{name}");
        let v = intact(store, name);
        assert_eq!(v.events, 3, "{name}");
    }
}

#[test]
fn both_backends_give_the_same_ids_hashes_and_chain_for_the_same_records() {
    let mut heads = Vec::new();
    for b in backends("same_records") {
        let mut store = b.open();
        let store = store.as_mut();
        let rev = store.append(at(), release("QC-010")).unwrap().ids[0];
        // A refused duplicate takes no id.
        assert!(store.append(at(), release("QC-010")).is_err());
        record(store, vec![inspection(rev, "L-1", 11.0, "line 1")]);
        record(store, vec![inspection(rev, "L-1", 4.0, "line 1")]);
        let mut stream = vec![
            Ok(inspection(rev, "L-3", 12.0, "line 3")),
            Ok(inspection(rev, "L-3", 1.0, "line 3")),
        ]
        .into_iter();
        let header = BatchHeader {
            actor: "ivan".into(),
            action: "imported".into(),
            record: "QC-010".into(),
            note: serde_json::json!({ "file": "lots.csv" }),
        };
        store
            .record_inspection_stream(at(), header, &mut stream)
            .unwrap();
        intact(store, b.name());
        let events = store.events().unwrap();
        heads.push((b.name(), events));
    }
    if let [(_, sqlite), (_, postgres)] = heads.as_slice() {
        assert_eq!(sqlite.len(), postgres.len());
        for (a, b) in sqlite.iter().zip(postgres) {
            assert_eq!(a.detail, b.detail, "event {}", a.seq);
            assert_eq!(a.hash, b.hash, "event {}", a.seq);
        }
    }
}

#[test]
fn sessions_and_their_ends_are_found_by_token() {
    for b in backends("sessions") {
        let name = b.name();
        let mut store = b.open();
        let store = store.as_mut();
        let session = SessionRow {
            id: 0,
            person: "ivan".into(),
            token_hash: sha256_hex(b"token"),
            started_at: at(),
            expires_at: at() + Duration::hours(8),
            kind: SIGN_IN.into(),
            event_seq: 0,
        };
        let id = store
            .append(
                at(),
                Batch {
                    actor: "ivan".into(),
                    action: "signed in".into(),
                    record: "ivan".into(),
                    note: serde_json::json!({}),
                    inserts: vec![Insert::Session(session)],
                },
            )
            .unwrap()
            .ids[0];
        let (found, end) = store.session(&sha256_hex(b"token")).unwrap().unwrap();
        assert_eq!(
            (found.id, found.person.as_str(), end.is_none()),
            (id, "ivan", true)
        );
        assert!(
            store.session(&sha256_hex(b"other")).unwrap().is_none(),
            "{name}"
        );
        store
            .append(
                at(),
                Batch {
                    actor: "ivan".into(),
                    action: "signed out".into(),
                    record: "ivan".into(),
                    note: serde_json::json!({}),
                    inserts: vec![Insert::SessionEnd(SessionEndRow {
                        id: 0,
                        session_id: id,
                        ended_at: at() + Duration::hours(1),
                        reason: "signed out".into(),
                        event_seq: 0,
                    })],
                },
            )
            .unwrap();
        let (_, end) = store.session(&sha256_hex(b"token")).unwrap().unwrap();
        assert_eq!(end.map(|e| e.reason), Some("signed out".into()), "{name}");
        let (sessions, ends) = store.sessions().unwrap();
        assert_eq!((sessions.len(), ends.len()), (1, 1), "{name}");
        // Refusals are counted from the newest events.
        for _ in 0..3 {
            store
                .append(
                    at(),
                    Batch {
                        actor: "ivan".into(),
                        action: "refused".into(),
                        record: "ivan".into(),
                        note: serde_json::json!({ "reason": "wrong password", "from": "10.0.0.7" }),
                        inserts: vec![],
                    },
                )
                .unwrap();
        }
        assert_eq!(
            store
                .recent_refusals("ivan", "wrong password", at() - Duration::minutes(1))
                .unwrap(),
            3,
            "{name}"
        );
        assert_eq!(
            store
                .recent_refusals_from("10.0.0.7", &["unknown", "wrong password"], at())
                .unwrap(),
            3,
            "{name}"
        );
        intact(store, name);
    }
}

#[test]
fn a_form_submitted_twice_is_recorded_once() {
    for b in backends("submitted_twice") {
        let name = b.name();
        let mut store = b.open();
        let store = store.as_mut();
        let rev = store.append(at(), release("QC-010")).unwrap().ids[0];
        let submit = |store: &mut dyn Store| {
            store.record_inspections(
                at(),
                InspectionBatch {
                    actor: "ivan".into(),
                    action: "inspected".into(),
                    record: "QC-010".into(),
                    note: serde_json::json!({ "submission": "k-123" }),
                    inspections: vec![inspection(rev, "L-1", 1.0, "line 1")],
                },
            )
        };
        let first = submit(store).unwrap();
        assert!(submit(store).is_err(), "{name}");
        assert_eq!(
            store.submitted("k-123").unwrap(),
            Some(first[0].0),
            "{name}"
        );
        assert_eq!(store.submitted("k-999").unwrap(), None, "{name}");
        assert_eq!(store.counts().unwrap().0, 1, "{name}");
    }
}

#[test]
fn eight_writers_at_once_keep_one_chain_without_fork_or_gap() {
    for b in backends("eight_writers") {
        let name = b.name();
        let rev = b.open().append(at(), release("QC-010")).unwrap().ids[0];
        let (writers, each) = (8, 15);
        std::thread::scope(|scope| {
            for w in 0..writers {
                let b = &b;
                scope.spawn(move || {
                    let mut store = b.open();
                    for n in 0..each {
                        let lot = format!("W{w}-{n}");
                        if n % 3 == 0 {
                            store
                                .append(
                                    at(),
                                    Batch {
                                        actor: format!("writer {w}"),
                                        action: "refused".into(),
                                        record: lot,
                                        note: serde_json::json!({ "reason": "wrong password" }),
                                        inserts: vec![],
                                    },
                                )
                                .unwrap();
                        } else {
                            record(
                                store.as_mut(),
                                vec![inspection(rev, &lot, n as f64, "line 1")],
                            );
                        }
                    }
                });
            }
        });
        let mut store = b.open();
        let events = store.events().unwrap();
        assert_eq!(events.len(), 1 + writers * each, "{name}");
        for (k, e) in events.iter().enumerate() {
            assert_eq!(e.seq, k as i64 + 1, "{name}: a gap in the chain");
            if k > 0 {
                assert_eq!(
                    e.prev_hash,
                    events[k - 1].hash,
                    "{name}: a fork at {}",
                    e.seq
                );
            }
        }
        let recorded = writers * (each - each.div_ceil(3));
        assert_eq!(store.counts().unwrap().0, recorded as i64, "{name}");
        intact(store.as_mut(), name);
    }
}

/// Runs `sql` behind sopbook's back, as someone with the database's own
/// rights would: the append-only triggers are set aside first.
fn tamper(b: &Backend, sql: &str) {
    match b {
        Backend::Sqlite(dir) => {
            let conn = rusqlite::Connection::open(dir.path().join("records.db")).unwrap();
            let triggers: Vec<String> = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for t in triggers {
                conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
            }
            conn.execute_batch(sql).unwrap();
        }
        Backend::Postgres(db) => {
            let mut c = db.client();
            c.batch_execute(&format!("SET session_replication_role = replica; {sql}"))
                .unwrap();
        }
    }
}

#[test]
fn changes_behind_sopbooks_back_are_caught_on_both_backends() {
    let cases = [
        "UPDATE item_results SET value = '1.5' WHERE inspection_id = 1 AND position = 1",
        "INSERT INTO item_results VALUES (1, 3, 'extra', 'x', NULL, 'pass', '')",
        "UPDATE inspections SET verdict = 'pass' WHERE id = 2",
        "DELETE FROM nonconformances",
        "UPDATE events SET actor = 'mallory' WHERE seq = 2",
        "UPDATE revisions SET content = 'forged' WHERE id = 1",
        "DELETE FROM events WHERE seq = 2",
    ];
    for (k, sql) in cases.iter().enumerate() {
        for b in backends(&format!("tampered_{k}")) {
            let name = b.name();
            let mut store = b.open();
            let rev = store.append(at(), release("QC-010")).unwrap().ids[0];
            record(
                store.as_mut(),
                vec![
                    inspection(rev, "L-1", 2.0, "line 1"),
                    inspection(rev, "L-1", 12.0, "line 1"),
                ],
            );
            record(store.as_mut(), vec![inspection(rev, "L-2", 3.0, "line 1")]);
            intact(store.as_mut(), name);
            drop(store);
            tamper(&b, sql);
            let v = audit::verify(b.open().as_mut()).unwrap();
            assert!(!v.problems.is_empty(), "{name}: `{sql}` went unnoticed");
        }
    }
}

#[test]
fn a_photo_is_recorded_with_its_inspection_and_verified() {
    for b in backends("photo") {
        let name = b.name();
        let mut store = b.open();
        let store = store.as_mut();
        let rev = store.append(at(), release("QC-010")).unwrap().ids[0];
        let bytes = b"\x89PNG\r\n\x1a\n a scratch on the housing";
        let sha256 = store.photo_files().keep(bytes).unwrap();
        let mut new = inspection(rev, "L-1", 12.0, "line 1");
        new.attachments.push(AttachmentRow {
            inspection_id: 0,
            position: 1,
            item_id: "diameter".into(),
            sha256: sha256.clone(),
            media_type: "image/png".into(),
            byte_size: bytes.len() as i64,
            file_name: "scratch.png".into(),
        });
        let id = record(store, vec![new])[0].0;
        let photos = store.attachments(Some(id)).unwrap();
        assert_eq!(photos.len(), 1, "{name}");
        assert_eq!((photos[0].inspection_id, &photos[0].sha256), (id, &sha256));
        let v = intact(store, name);
        assert_eq!(v.events, 2, "{name}");
        // An import records no photos, on either backend.
        let mut with_photo = inspection(rev, "L-2", 1.0, "line 1");
        with_photo.attachments = photos;
        let header = BatchHeader {
            actor: "ivan".into(),
            action: "imported".into(),
            record: "QC-010".into(),
            note: serde_json::json!({}),
        };
        let err = store
            .record_inspection_stream(at(), header, &mut vec![Ok(with_photo)].into_iter())
            .unwrap_err();
        assert!(
            err.to_string().contains("an import records no photos"),
            "{name}: {err}"
        );
    }
}

#[test]
fn lots_their_decisions_and_approvals_are_recorded_read_and_verified() {
    let mut heads = Vec::new();
    for b in backends("lots") {
        let name = b.name();
        let mut boxed = b.open();
        let store = boxed.as_mut();
        let rev = store.append(at(), release("CL-020")).unwrap().ids[0];
        let ids = record(store, vec![inspection(rev, "L-7", 12.0, "dock")]);
        let nc = ids[0]
            .1
            .expect("a failed unit opens the lot's nonconformance");
        let lot = LotRow {
            id: 0,
            checklist_id: "CL-020".into(),
            revision_id: rev,
            revision_number: 1,
            lot: "L-7".into(),
            supplier: "acme".into(),
            lot_size: 1200,
            standard: "z1.4".into(),
            level: "II".into(),
            severity: Severity::Tightened,
            code_letter: "J".into(),
            sample: 80,
            plan: r#"[{"class":null,"aql":"1.0","letter":"J","sample":80,"ac":1,"re":2}]"#.into(),
            opened_by: "ivan".into(),
            opened_at: at(),
            event_seq: 0,
        };
        let lot_id = store
            .append(
                at(),
                Batch {
                    actor: "ivan".into(),
                    action: "lot opened".into(),
                    record: "CL-020 lot L-7".into(),
                    note: serde_json::json!({}),
                    inserts: vec![Insert::Lot(lot.clone())],
                },
            )
            .unwrap()
            .ids[0];
        // The same label of the same checklist is one lot.
        assert!(
            store
                .append(
                    at(),
                    Batch {
                        actor: "ivan".into(),
                        action: "lot opened".into(),
                        record: "CL-020 lot L-7".into(),
                        note: serde_json::json!({}),
                        inserts: vec![Insert::Lot(lot)],
                    },
                )
                .is_err(),
            "{name}"
        );
        store
            .append(
                at(),
                Batch {
                    actor: "ivan".into(),
                    action: "lot closed".into(),
                    record: "CL-020 lot L-7".into(),
                    note: serde_json::json!({}),
                    inserts: vec![
                        Insert::LotClose(LotCloseRow {
                            id: 0,
                            lot_id,
                            decision: LotDecision::Reject,
                            sampled: 80,
                            nonconforming: "[2]".into(),
                            nc_id: Some(nc),
                            closed_by: "ivan".into(),
                            closed_at: at(),
                            event_seq: 0,
                        }),
                        Insert::LotApproval(LotApprovalRow {
                            id: 0,
                            checklist_id: "CL-020".into(),
                            supplier: "acme".into(),
                            signer: "qa".into(),
                            signed_at: at(),
                            note: "steady".into(),
                            event_seq: 0,
                        }),
                    ],
                },
            )
            .unwrap();
        let lots = store.lots().unwrap();
        assert_eq!(lots.len(), 1, "{name}");
        assert_eq!(
            (lots[0].id, lots[0].severity, lots[0].sample),
            (lot_id, Severity::Tightened, 80)
        );
        let closes = store.lot_closes().unwrap();
        assert_eq!(
            (closes[0].decision, closes[0].nc_id),
            (LotDecision::Reject, Some(nc)),
            "{name}"
        );
        assert_eq!(store.lot_approvals().unwrap()[0].signer, "qa", "{name}");
        intact(store, name);
        heads.push((
            name,
            row_hash(&store.lots().unwrap()[0]),
            row_hash(&store.lot_closes().unwrap()[0]),
        ));
        drop(boxed);
        // A changed decision is caught.
        tamper(&b, "UPDATE lot_closes SET decision = 'accept'");
        let v = audit::verify(b.open().as_mut()).unwrap();
        assert!(
            !v.problems.is_empty(),
            "{name}: a changed decision went unnoticed"
        );
    }
    // Both backends hash the same rows the same way.
    if let [(_, a1, a2), (_, b1, b2)] = heads.as_slice() {
        assert_eq!((a1, a2), (b1, b2));
    }
}

/// Every row of `from` into the empty `to`, as `db copy` moves them.
fn copy_all(from: &mut dyn Store, to: &mut dyn Store) {
    to.load_begin().unwrap();
    from.dump(&TABLES, &mut |table, columns, row| {
        to.load_rows(table, columns, &[row])
    })
    .unwrap();
    to.load_end(true).unwrap();
}

#[test]
fn records_copied_value_for_value_verify_on_either_backend_and_only_into_empty_ones() {
    let sources = backends("copy_from");
    for source in &sources {
        let mut from = source.open();
        let rev = from.append(at(), release("QC-010")).unwrap().ids[0];
        // Text COPY reads specially, a double with no short decimal, a NULL.
        let mut odd = inspection(rev, "tab\there\\n, back\\slash\nnew line", 0.1 + 0.2, "s1");
        odd.results[1].note = "\r\\N\t\"".into();
        record(from.as_mut(), vec![odd, inspection(rev, "L2", 11.5, "s2")]);
        let before = from.status().unwrap();
        for target in backends(&format!("copy_to_{}", source.name())) {
            let mut to = target.open();
            copy_all(from.as_mut(), to.as_mut());
            let v = intact(to.as_mut(), target.name());
            assert_eq!(v.events, 2, "{} to {}", source.name(), target.name());
            let after = to.status().unwrap();
            let rows = |s: &StoreStatus| s.tables.iter().map(|t| t.rows).collect::<Vec<_>>();
            assert_eq!(rows(&after), rows(&before));
            assert_eq!(
                after.head.as_ref().map(|h| &h.hash),
                before.head.as_ref().map(|h| &h.hash)
            );
            let results = |s: &mut dyn Store| {
                let ids: Vec<i64> = s
                    .inspections(&InspectionFilter::default())
                    .unwrap()
                    .iter()
                    .map(|i| i.id)
                    .collect();
                let all: Vec<_> = ids.iter().map(|&id| s.item_results(id).unwrap()).collect();
                serde_json::to_string(&all).unwrap()
            };
            assert_eq!(results(to.as_mut()), results(from.as_mut()));
            // Into records that hold anything: refused, nothing written.
            let again = to.load_begin().unwrap_err();
            assert!(
                format!("{again:#}").contains("already holds records (2 rows in events)"),
                "{again:#}"
            );
            assert_eq!(rows(&to.status().unwrap()), rows(&before));
        }
        // A copy ended without its commit leaves nothing.
        let target = backends(&format!("copy_abort_{}", source.name())).remove(0);
        let mut to = target.open();
        to.load_begin().unwrap();
        from.dump(&["events"], &mut |table, columns, row| {
            to.load_rows(table, columns, &[row])
        })
        .unwrap();
        to.load_end(false).unwrap();
        assert_eq!(to.status().unwrap().head.map(|h| h.seq), None);
    }
}

#[test]
fn an_import_staged_while_another_station_records_gets_the_next_ids_and_verifies() {
    for b in backends("import_overtaken") {
        let mut store = b.open();
        let rev = store.append(at(), release("QC-010")).unwrap().ids[0];
        let mut other = b.open();
        let mut k = 0;
        let mut rows = std::iter::from_fn(|| {
            k += 1;
            if k == 3 {
                // Another station records while the file is still being read.
                record(other.as_mut(), vec![inspection(rev, "OTHER", 11.0, "s9")]);
            }
            (k <= 5).then(|| Ok(inspection(rev, "IMPORT", 9.0 + k as f64, "s1")))
        });
        let ids = store
            .record_inspection_stream(
                at(),
                BatchHeader {
                    actor: "ivan".into(),
                    action: "imported".into(),
                    record: "QC-010".into(),
                    note: serde_json::json!({ "file": "batch.csv" }),
                },
                &mut rows,
            )
            .unwrap();
        let name = b.name();
        // The other station's inspection came first, and its nonconformance.
        assert_eq!(
            ids,
            vec![
                (2, None),
                (3, Some(2)),
                (4, Some(3)),
                (5, Some(4)),
                (6, Some(5))
            ],
            "{name}"
        );
        let v = intact(store.as_mut(), name);
        assert_eq!(v.events, 3, "{name}");
        // An import that fails on a row leaves nothing, and the next one works.
        let mut bad = (0..3).map(|n| {
            if n == 2 {
                Err(anyhow::anyhow!("line 4: not a number"))
            } else {
                Ok(inspection(rev, "BAD", 9.0, "s1"))
            }
        });
        let header = BatchHeader {
            actor: "ivan".into(),
            action: "imported".into(),
            record: "QC-010".into(),
            note: serde_json::json!({}),
        };
        assert!(
            store
                .record_inspection_stream(at(), header.clone(), &mut bad)
                .is_err()
        );
        assert_eq!(store.counts().unwrap().0, 6, "{name}");
        let mut good = (0..2).map(|_| Ok(inspection(rev, "GOOD", 9.0, "s1")));
        let ids = store
            .record_inspection_stream(at(), header, &mut good)
            .unwrap();
        assert_eq!(ids, vec![(7, None), (8, None)], "{name}");
        intact(store.as_mut(), name);
    }
}

#[test]
fn facts_kept_beside_texts_find_a_persons_documents_on_either_backend() {
    let facts = |id: i64, doc: &str, roles: &str| KeptFacts {
        revision_id: id,
        doc_id: doc.into(),
        roles: roles.into(),
        facts: format!("{{\"doc\":\"{doc}\"}}"),
    };
    for b in backends("text_facts") {
        let name = b.name();
        let mut boxed = b.open();
        let store = boxed.as_mut();
        let a = store.append(at(), release("QC-031")).unwrap().ids[0];
        let c = store.append(at(), release("CL-031")).unwrap().ids[0];
        // Before the texts' facts are kept, any document may be anyone's.
        assert_eq!(
            store.docs_for_roles(&["inspector".into()]).unwrap(),
            None,
            "{name}"
        );
        store
            .keep_text_facts(&[
                facts(a, "QC-031", "|inspector|assembler|"),
                facts(c, "CL-031", "*"),
            ])
            .unwrap();
        // Kept once: a second keep of the same revision changes nothing.
        store
            .keep_text_facts(&[facts(a, "QC-031", "|clerk|")])
            .unwrap();
        assert_eq!(
            store.text_facts(&[a]).unwrap(),
            vec![facts(a, "QC-031", "|inspector|assembler|")],
            "{name}"
        );
        let b_id = store.append(at(), release("CS-031")).unwrap().ids[0];
        store
            .keep_text_facts(&[facts(b_id, "CS-031", "|clerk|")])
            .unwrap();
        let mut found = store
            .docs_for_roles(&["assembler".into()])
            .unwrap()
            .unwrap();
        found.sort();
        assert_eq!(found, vec!["CL-031", "QC-031"], "{name}");
        let mut found = store.docs_for_roles(&["clerk".into()]).unwrap().unwrap();
        found.sort();
        assert_eq!(found, vec!["CL-031", "CS-031"], "{name}");
        let outline = store.records_outline_of(&["QC-031".into()]).unwrap();
        assert_eq!(outline.revisions.len(), 1, "{name}");
        assert_eq!(outline.revisions[0].doc_id, "QC-031", "{name}");
        assert!(outline.revisions[0].content.is_empty(), "{name}");
        assert_eq!(
            store.revision_contents(&[a]).unwrap(),
            vec![(a, "# QC-031\n".to_string())],
            "{name}"
        );
    }
}
