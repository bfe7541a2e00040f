//! Training records benchmark, on the SQLite store in a temporary folder:
//!
//!     cargo bench --bench training -- [PEOPLE] [SOPS]     (default 500 2000)
//!
//! A workspace of SOPS procedures in 10 sections, each for one or two of 12
//! roles, with 5 revisions each (2 and 4 editorial, 3 and 5 substantive,
//! the last in force for a month), and PEOPLE people with one or two roles
//! each, who read and understood most of what they must at some revision.
//! The records are written straight to the store in large batches (the
//! signatures are not what is measured). Then:
//!
//! - `matrix (in process)`: `ops::training::matrix` for everyone, the store
//!   already open;
//! - `sopbook training --compliance` and `sopbook training --csv`: the
//!   binary, cold (a new process each run, its output to /dev/null);
//! - `sopbook reading-list --as P`: the binary, cold, for one person.
//!
//! With `SOPBOOK_BENCH_DIR=<empty folder>` the workspace is made there and
//! kept, to profile the commands in.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use sopbook::model::TextFacts;
use sopbook::ops::training::{self, MatrixFilter};
use sopbook::ops::{Context, Settings};
use sopbook::store::{
    AcknowledgementRow, Batch, ChangeKind, ChangeRow, DocKind, Insert, Meaning, RevisionRow,
    RowRef, SignatureRow, sha256_hex,
};
use sopbook::workspace::{Workspace, text_facts};

const ROLES: usize = 12;
const SECTIONS: usize = 10;
const REVISIONS: i64 = 5;

fn role(k: usize) -> String {
    format!("role-{}", k % ROLES)
}

/// Sections SA to SJ (ids are capital letters).
fn section(n: usize) -> String {
    format!("S{}", char::from(b'A' + (n % SECTIONS) as u8))
}

/// SOP `n` at revision `rev`: about 400 words, for one or two roles.
fn sop_text(n: usize, rev: i64) -> String {
    let mut roles = vec![role(n)];
    if n.is_multiple_of(3) {
        roles.push(role(n / 3 + 5));
    }
    roles.dedup();
    let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
    let order = if n.is_multiple_of(40) {
        format!(
            "reading_path = {{ role = \"{}\", order = {} }}\n",
            role(n),
            n / 40 + 1
        )
    } else {
        String::new()
    };
    let mut body = String::new();
    for step in 1..=40 {
        writeln!(
            body,
            "{step}. Check the part against the drawing and note what you see (revision {rev})."
        )
        .unwrap();
    }
    format!(
        "+++\nid = \"{}-{n:04}\"\ntitle = \"Procedure {n}\"\nsection = \"{}\"\nowner = \"{}\"\nroles = [{}]\nreview_interval = \"12 months\"\n{order}+++\n\n## Steps\n\n{body}",
        section(n),
        section(n),
        role(n),
        roles.join(", ")
    )
}

fn config(people: usize) -> String {
    let mut c = String::from("[organisation]\nname = \"Bench Works\"\n\n");
    for k in 0..ROLES {
        writeln!(c, "[[role]]\nid = \"role-{k}\"\nname = \"Role {k}\"\n").unwrap();
    }
    for s in 0..SECTIONS {
        writeln!(
            c,
            "[[section]]\nid = \"{}\"\ntitle = \"Section {s}\"\ndir = \"s{s}\"\n",
            section(s)
        )
        .unwrap();
    }
    for p in 0..people {
        let mut roles = vec![format!("\"{}\"", role(p))];
        if p.is_multiple_of(2) {
            roles.push(format!("\"{}\"", role(p / 2 + 7)));
        }
        roles.dedup();
        writeln!(
            c,
            "[[person]]\nid = \"p{p:04}\"\nname = \"Person {p}\"\nroles = [{}]\n",
            roles.join(", ")
        )
        .unwrap();
    }
    c
}

/// The revisions of every SOP, released and approved on their days, and
/// people's readings, written in large batches.
fn fill(ctx: &mut Context, people: usize, sops: usize) {
    let now = Utc::now();
    let day = |k: i64| now - Days::new(((REVISIONS - k) * 60 + 30) as u64);
    let mut batch: Vec<Insert> = Vec::new();
    let flush = |ctx: &mut Context, batch: &mut Vec<Insert>| {
        if batch.is_empty() {
            return;
        }
        let inserts = std::mem::take(batch);
        // What training needs of each text, kept at release as `release` does.
        let facts: Vec<(usize, String, TextFacts)> = inserts
            .iter()
            .enumerate()
            .filter_map(|(i, insert)| match insert {
                Insert::Revision(r) => {
                    Some((i, r.doc_id.clone(), text_facts(r.kind, &r.path, &r.content)))
                }
                _ => None,
            })
            .collect();
        let appended = ctx
            .store()
            .unwrap()
            .append(
                now,
                Batch {
                    actor: "bench".into(),
                    action: "loaded".into(),
                    record: format!("{} rows", inserts.len()),
                    note: serde_json::json!({}),
                    inserts,
                },
            )
            .unwrap();
        let facts: Vec<(i64, String, TextFacts)> = facts
            .into_iter()
            .map(|(i, doc, f)| (appended.ids[i], doc, f))
            .collect();
        training::keep_facts(ctx, &facts);
    };
    for n in 0..sops {
        let id = format!("{}-{n:04}", section(n));
        for k in 1..=REVISIONS {
            let at = day(k);
            let content = sop_text(n, k);
            let hash = sha256_hex(content.as_bytes());
            let base = batch.len();
            batch.push(Insert::Revision(RevisionRow {
                id: 0,
                doc_id: id.clone(),
                kind: DocKind::Sop,
                number: k,
                title: format!("Procedure {n}"),
                path: format!("manual/s{}/p{n}.md", n % SECTIONS),
                content,
                content_hash: hash.clone(),
                summary: format!("Change {k}"),
                minor: k % 2 == 0,
                author: "p0000".into(),
                created_at: at,
                event_seq: 0,
            }));
            batch.push(Insert::Change {
                row: ChangeRow {
                    id: 0,
                    doc_id: id.clone(),
                    kind: ChangeKind::Release,
                    revision_id: None,
                    requested_by: "p0000".into(),
                    reason: format!("Change {k}"),
                    effective_date: None,
                    required: 1,
                    approver_roles: String::new(),
                    created_at: at,
                    event_seq: 0,
                },
                revision: Some(RowRef::Batch(base)),
            });
            for (signer, meaning) in [("p0000", Meaning::Authored), ("p0001", Meaning::Approved)] {
                batch.push(Insert::Signature {
                    row: SignatureRow {
                        id: 0,
                        change_id: None,
                        doc_id: id.clone(),
                        revision_id: None,
                        signer: signer.into(),
                        meaning,
                        signed_at: at,
                        content_hash: hash.clone(),
                        note: String::new(),
                        event_seq: 0,
                    },
                    change: Some(RowRef::Batch(base + 1)),
                    revision: Some(RowRef::Batch(base)),
                });
            }
        }
        if batch.len() >= 4000 {
            flush(ctx, &mut batch);
        }
    }
    flush(ctx, &mut batch);
    let records = ctx.store().unwrap().records().unwrap();
    let mut revs = std::collections::HashMap::new();
    for r in &records.revisions {
        revs.insert((r.doc_id.clone(), r.number), (r.id, r.content_hash.clone()));
    }
    // Each person read 4 in 5 of the SOPs for their roles, at a revision
    // that depends on who and what: some current, some outdated.
    for p in 0..people {
        let mut mine = vec![role(p)];
        if p.is_multiple_of(2) {
            mine.push(role(p / 2 + 7));
        }
        for n in 0..sops {
            let mut roles = vec![role(n)];
            if n.is_multiple_of(3) {
                roles.push(role(n / 3 + 5));
            }
            if !roles.iter().any(|r| mine.contains(r)) || (n + p).is_multiple_of(5) {
                continue;
            }
            let id = format!("{}-{n:04}", section(n));
            let k = 1 + ((n * 7 + p * 3) % REVISIONS as usize) as i64;
            let (revision_id, content_hash) = revs[&(id.clone(), k)].clone();
            batch.push(Insert::Acknowledgement(AcknowledgementRow {
                id: 0,
                person: format!("p{p:04}"),
                doc_id: id,
                revision_id,
                revision_number: k,
                content_hash,
                acknowledged_at: day(k) + Days::new(3),
                event_seq: 0,
            }));
            if batch.len() >= 20_000 {
                flush(ctx, &mut batch);
            }
        }
    }
    flush(ctx, &mut batch);
}

/// The median of `runs` cold runs of the binary in `root`.
fn cold(root: &Path, args: &[&str], runs: usize) -> Duration {
    let bin = common::sopbook();
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(&bin)
            .args(args)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        times.push(start.elapsed());
        assert!(status.success(), "sopbook {args:?} failed");
    }
    common::median(times)
}

fn main() {
    let mut numbers = std::env::args().skip(1).filter_map(|a| a.parse().ok());
    let people: usize = numbers.next().unwrap_or(500);
    let sops: usize = numbers.next().unwrap_or(2000);
    // SOPBOOK_BENCH_DIR keeps the workspace (an empty folder) to profile in.
    let dir = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("SOPBOOK_BENCH_DIR").map(std::path::PathBuf::from);
    let root = kept.as_deref().unwrap_or(dir.path());
    fs::write(root.join("sopbook.toml"), config(people)).unwrap();
    for s in 0..SECTIONS {
        fs::create_dir_all(root.join(format!("manual/s{s}"))).unwrap();
    }
    for n in 0..sops {
        fs::write(
            root.join(format!("manual/s{}/p{n}.md", n % SECTIONS)),
            sop_text(n, REVISIONS),
        )
        .unwrap();
    }
    let ws = Workspace::load(root).unwrap();
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics.first());
    let mut ctx = Context::with_workspace(ws, Settings::default());
    let start = Instant::now();
    fill(&mut ctx, people, sops);
    let acks = ctx.store().unwrap().acknowledgements().unwrap().len();
    println!(
        "set-up                    {:8.1} s: {people} people, {sops} SOPs x {REVISIONS} revisions, {acks} readings",
        start.elapsed().as_secs_f64()
    );

    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let m = training::matrix(&mut ctx, MatrixFilter::default()).unwrap();
        times.push(start.elapsed());
        rows = m.rows.len();
    }
    println!(
        "matrix (in process)       {:8.1} ms median of 5, {rows} rows",
        common::median(times).as_secs_f64() * 1e3
    );
    let t = cold(root, &["training", "--compliance"], 5);
    println!(
        "training --compliance     {:8.1} ms median of 5 (cold process; target 500 ms)",
        t.as_secs_f64() * 1e3
    );
    let t = cold(root, &["training", "--csv"], 3);
    println!(
        "training --csv            {:8.1} ms median of 3 (cold process, every row)",
        t.as_secs_f64() * 1e3
    );
    let t = cold(root, &["reading-list", "--as", "p0042"], 7);
    println!(
        "reading-list --as p0042   {:8.1} ms median of 7 (cold process; target 50 ms)",
        t.as_secs_f64() * 1e3
    );
}
