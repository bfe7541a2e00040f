//! Document control benchmark, on the SQLite store in a temporary folder:
//!
//!     cargo bench --bench control -- [EVENTS]        (default 10000)
//!
//! - `release + approve`: one document released and approved (two signatures,
//!   each an argon2id password check, two durable transactions);
//! - `audit verify`: the whole chain and every row, over EVENTS events.

use std::fs;
use std::time::Instant;

use chrono::{Duration, Utc};
use sopbook::ops::documents::{self, ReleaseInput};
use sopbook::ops::signing::Fixed;
use sopbook::ops::{Clock, Context, Settings, people};
use sopbook::store::{self, Batch, Insert, SignatureRow, audit};
use sopbook::workspace::Workspace;

const CONFIG: &str = r#"
[organisation]
name = "Bench Works"

[[role]]
id = "author"
name = "Author"

[[role]]
id = "approver"
name = "Approver"

[[person]]
id = "ann"
name = "Ann"
roles = ["author"]

[[person]]
id = "bob"
name = "Bob"
roles = ["approver"]

[approval]
required = 1
roles = ["approver"]

[[section]]
id = "QC"
title = "Quality"
dir = "quality"
"#;

fn sop(n: usize) -> String {
    format!(
        "+++\nid = \"QC-{n:03}\"\ntitle = \"Procedure {n}\"\nsection = \"QC\"\nowner = \"author\"\nroles = [\"author\"]\nreview_interval = \"12 months\"\n+++\n\n## Steps\n\n1. Do it.\n"
    )
}

fn main() {
    let events: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("sopbook.toml"), CONFIG).unwrap();
    fs::create_dir_all(root.join("manual/quality")).unwrap();
    for n in 1..=20 {
        fs::write(root.join(format!("manual/quality/p{n}.md")), sop(n)).unwrap();
    }
    let ws = Workspace::load(root).unwrap();
    assert!(!ws.has_errors());
    let mut ctx = Context::with_workspace(ws, Settings::default())
        .with_passwords(Box::new(Fixed("bench-password".into())));
    let mut now = Utc::now() - Duration::days(30);
    ctx.clock = Clock::Fixed(now);
    for p in ["ann", "bob"] {
        people::set_password(&mut ctx, p, None, "bench-password").unwrap();
    }

    // release + approve of one document, repeated over 20 documents.
    let mut times = Vec::new();
    for n in 1..=20 {
        let id = format!("QC-{n:03}");
        let start = Instant::now();
        ctx.clock = Clock::Fixed(now);
        let release = ReleaseInput {
            id: &id,
            summary: "First issue",
            effective: None,
            minor: false,
            actor: "ann",
        };
        documents::release(&mut ctx, release).unwrap();
        documents::approve(&mut ctx, &id, "bob").unwrap();
        times.push(start.elapsed().as_secs_f64());
        now += Duration::seconds(1);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "release + approve         {:8.1} ms median, {:.1} ms max over 20 documents",
        times[10] * 1e3,
        times[19] * 1e3
    );

    // Fill the log up to `events` events with periodic-review signatures,
    // written straight to the store (one durable transaction each; the
    // password check is left out: it is not what is measured here).
    let store = ctx.store().unwrap();
    let records = store.records().unwrap();
    // Bob's key, as his password opens it: the reviews are sealed like real ones.
    let bob = sopbook::ops::signing::current_key(store, "bob")
        .unwrap()
        .unwrap();
    let sealer = store::Sealer {
        person: "bob".into(),
        key: sopbook::ops::signing::unseal_key(&bob.sealed, "bench-password").unwrap(),
    };
    let have = store.events().unwrap().len();
    let fill = Instant::now();
    for k in have..events {
        let rev = &records.revisions[k % records.revisions.len()];
        let row = SignatureRow {
            id: 0,
            change_id: None,
            doc_id: rev.doc_id.clone(),
            revision_id: Some(rev.id),
            signer: "bob".into(),
            meaning: store::Meaning::PeriodicReview,
            signed_at: now,
            content_hash: rev.content_hash.clone(),
            note: String::new(),
            event_seq: 0,
        };
        let batch = Batch {
            actor: "bob".into(),
            action: "reviewed".into(),
            record: format!("{} rev {}", rev.doc_id, rev.number),
            note: serde_json::json!({ "outcome": "no change" }),
            inserts: vec![Insert::Signature {
                row,
                change: None,
                revision: None,
            }],
        };
        store
            .append_sealed(now, batch, std::slice::from_ref(&sealer))
            .unwrap();
        now += Duration::seconds(1);
    }
    let n = events.saturating_sub(have).max(1);
    println!(
        "appending events          {:8.1} s for {n} events ({:.2} ms each, fsync included)",
        fill.elapsed().as_secs_f64(),
        fill.elapsed().as_secs_f64() * 1e3 / n as f64
    );

    let start = Instant::now();
    let v = audit::verify(store).unwrap();
    let t = start.elapsed().as_secs_f64();
    assert!(v.problems.is_empty());
    println!(
        "audit verify              {:8.3} s over {} events and {} records (every signature's seal checked)",
        t, v.events, v.rows
    );
}
