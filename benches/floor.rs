//! Floor benchmark: the real `sopbook` binary on a generated workspace, each
//! number beside its baseline from the same run.
//!
//!     cargo bench --bench floor -- [INSPECTIONS] [REPORT_INSPECTIONS]    (default 100000 1000000)
//!     cargo bench --bench floor -- --import-lock [ROWS]                    (default 200000)
//!
//! - import of INSPECTIONS x 10 items from CSV, against the same rows inserted
//!   with one plain rusqlite prepared statement per table in one transaction,
//!   and the longest time the import kept the write lock (what a floor
//!   inspection would have waited for);
//! - `--import-lock` instead times only imports of ROWS rows in the one row
//!   per item result layout (ROWS / 10 inspections), three times, each with
//!   the longest time it kept the write lock. `SOPBOOK_BENCH_BIN=/path/to/sopbook`
//!   times another build of sopbook (an older one, to compare) the same way;
//! - one `sopbook inspect --set ...` as a cold process, against the `sqlite3`
//!   command line doing the same insert transaction on the same file;
//! - `sopbook report` over REPORT_INSPECTIONS inspections;
//! - `sopbook spc` over INSPECTIONS values;
//! - `sopbook audit verify` over everything recorded.
//!
//! With `FLOOR_BENCH_KEEP=DIR` the workspace and its records stay in DIR/ws.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;
use sopbook::ops::Clock;
use sopbook::ops::documents::{self, ReleaseInput};
use sopbook::ops::inspections::{
    Entry, Header, effective_checklist, prepare_with, record_prepared,
};
use sopbook::store;
use sopbook::workspace::Workspace;

#[path = "common/mod.rs"]
mod common;

use common::{ITEMS, median, released_workspace, sopbook, value};

fn run(root: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = Command::new(sopbook())
        .args(args)
        .current_dir(root)
        .env("XDG_CONFIG_HOME", root.join(".config"))
        .env_remove("SOPBOOK_PASSWORD")
        .output()
        .unwrap();
    let t = start.elapsed();
    assert!(
        out.status.success(),
        "sopbook {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t
}

/// Runs sopbook while another connection to `db` tries to take the write
/// lock every millisecond, as a floor inspection would: the run's time, and
/// the longest stretch during which the lock could not be had.
fn run_probed(root: &Path, db: &Path, args: &[&str]) -> (Duration, Duration) {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let probe = {
        let (stop, db) = (stop.clone(), db.to_path_buf());
        std::thread::spawn(move || {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.busy_timeout(Duration::ZERO).unwrap();
            let (mut longest, mut busy_since) = (Duration::ZERO, None::<Instant>);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let now = Instant::now();
                match conn.execute_batch("BEGIN IMMEDIATE") {
                    Ok(()) => {
                        conn.execute_batch("ROLLBACK").unwrap();
                        if let Some(since) = busy_since.take() {
                            longest = longest.max(now - since);
                        }
                    }
                    Err(_) => {
                        busy_since.get_or_insert(now);
                    }
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            if let Some(since) = busy_since {
                longest = longest.max(since.elapsed());
            }
            longest
        })
    };
    let took = run(root, args);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    (took, probe.join().unwrap())
}

/// ROWS rows in the one-row-per-item-result layout: ROWS / 10 inspections.
fn long_csv(rows: usize) -> String {
    let mut csv =
        String::from("checklist,lot,serial,inspector,station,recorded_at,item,value,note\n");
    for i in 0..rows / ITEMS {
        for k in 0..ITEMS {
            writeln!(
                csv,
                "CL-001,L{},S{i},ann,line-1,,i{k},{},",
                i / 100,
                value(i, k)
            )
            .unwrap();
        }
    }
    csv
}

fn main() {
    let lock_only = std::env::args().any(|a| a == "--import-lock");
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args
        .first()
        .copied()
        .unwrap_or(if lock_only { 200_000 } else { 100_000 });
    let report_n = args.get(1).copied().unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    // FLOOR_BENCH_KEEP=DIR keeps the workspace and its records there, to time more by hand.
    let root = match std::env::var_os("FLOOR_BENCH_KEEP") {
        Some(keep) => Path::new(&keep).join("ws"),
        None => dir.path().join("ws"),
    };
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).unwrap();
    let mut ctx = released_workspace(&root);
    let db = root.join(store::DEFAULT_DATABASE);

    if lock_only {
        fs::write(root.join("long.csv"), long_csv(n)).unwrap();
        for _ in 0..3 {
            let (took, lock) = run_probed(
                &root,
                &db,
                &["inspections", "import", "long.csv", "--as", "ann"],
            );
            println!(
                "import {n} rows ({} x {ITEMS} items, one row per item)  {:7.3} s   longest write lock {:7.3} s",
                n / ITEMS,
                took.as_secs_f64(),
                lock.as_secs_f64()
            );
        }
        return;
    }

    // 1. Import against plain prepared inserts.
    let mut csv = String::from("checklist,lot,serial,inspector,station,recorded_at");
    for k in 0..ITEMS {
        write!(csv, ",i{k}").unwrap();
    }
    csv.push('\n');
    for i in 0..n {
        write!(csv, "CL-001,L{},S{i},ann,line-1,", i / 100).unwrap();
        for k in 0..ITEMS {
            write!(csv, ",{}", value(i, k)).unwrap();
        }
        csv.push('\n');
    }
    fs::write(root.join("batch.csv"), &csv).unwrap();
    let (import, import_lock) = run_probed(
        &root,
        &db,
        &["inspections", "import", "batch.csv", "--as", "ann"],
    );

    let base_path = dir.path().join("baseline.db");
    let baseline = {
        let mut conn = rusqlite::Connection::open(&base_path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE inspections (id INTEGER PRIMARY KEY, checklist_id TEXT NOT NULL, revision_id INTEGER NOT NULL, revision_number INTEGER NOT NULL, lot TEXT NOT NULL, serial TEXT NOT NULL, inspector TEXT NOT NULL, station TEXT NOT NULL, recorded_at TEXT NOT NULL, verdict TEXT NOT NULL, reinspects INTEGER, event_seq INTEGER NOT NULL);
             CREATE TABLE item_results (inspection_id INTEGER NOT NULL, position INTEGER NOT NULL, item_id TEXT NOT NULL, value TEXT NOT NULL, number REAL, outcome TEXT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (inspection_id, position)) WITHOUT ROWID;
             CREATE INDEX inspections_checklist ON inspections (checklist_id, recorded_at);
             CREATE INDEX inspections_lot ON inspections (lot);
             CREATE INDEX item_results_failed ON item_results (item_id) WHERE outcome = 'fail';",
        )
        .unwrap();
        let start = Instant::now();
        let tx = conn.transaction().unwrap();
        {
            let mut ins = tx.prepare("INSERT INTO inspections (checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq) VALUES (?1, 1, 1, ?2, ?3, 'ann', 'line-1', ?4, 'pass', NULL, 1)").unwrap();
            let mut item = tx.prepare("INSERT INTO item_results (inspection_id, position, item_id, value, number, outcome, note) VALUES (?1, ?2, ?3, ?4, ?5, 'pass', '')").unwrap();
            let at = store::timestamp(Utc::now());
            for i in 0..n {
                ins.execute(rusqlite::params![
                    "CL-001",
                    format!("L{}", i / 100),
                    format!("S{i}"),
                    at
                ])
                .unwrap();
                let id = tx.last_insert_rowid();
                for k in 0..ITEMS {
                    let v = value(i, k);
                    let num: Option<f64> = v.parse().ok();
                    item.execute(rusqlite::params![id, k as i64 + 1, format!("i{k}"), v, num])
                        .unwrap();
                }
            }
        }
        tx.commit().unwrap();
        start.elapsed()
    };
    println!(
        "import {n} x {ITEMS} items     {:8.3} s   baseline (plain inserts) {:.3} s   {:.2}x",
        import.as_secs_f64(),
        baseline.as_secs_f64(),
        import.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "  longest write lock held by that import {:.3} s",
        import_lock.as_secs_f64()
    );

    // 2. One inspection as a cold process, against the sqlite3 command line.
    // The inspector signed in for the shift, as on the floor: no password per unit.
    let login = Command::new(sopbook())
        .args(["login", "--as", "ann"])
        .current_dir(&root)
        .env("XDG_CONFIG_HOME", root.join(".config"))
        .env("SOPBOOK_PASSWORD", "bench-password")
        .output()
        .unwrap();
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let mut set_args: Vec<String> = ["inspect", "CL-001", "--lot", "L-cold", "--as", "ann"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for k in 0..ITEMS {
        set_args.push("--set".into());
        set_args.push(format!("i{k}={}", value(7, k)));
    }
    let set_refs: Vec<&str> = set_args.iter().map(String::as_str).collect();
    let ours = median((0..15).map(|_| run(&root, &set_refs)).collect());
    let mut sql = String::from(
        "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL; BEGIN IMMEDIATE;\nINSERT INTO inspections (checklist_id, revision_id, revision_number, lot, serial, inspector, station, recorded_at, verdict, reinspects, event_seq) VALUES ('CL-001', 1, 1, 'L-sql', '', 'ann', 'line-1', '2026-01-01T00:00:00Z', 'pass', NULL, 1);\n",
    );
    for k in 0..ITEMS {
        writeln!(sql, "INSERT INTO item_results VALUES (last_insert_rowid() + 0 * {k}, {}, 'i{k}', '{}', NULL, 'pass', '');", k + 1, value(7, k)).unwrap();
    }
    sql.push_str("COMMIT;\n");
    let sqlite = which_sqlite3().map(|bin| {
        median(
            (0..15)
                .map(|_| {
                    let start = Instant::now();
                    let out = Command::new(&bin)
                        .arg(&base_path)
                        .arg(&sql)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    start.elapsed()
                })
                .collect(),
        )
    });
    match sqlite {
        Some(s) => println!(
            "inspect --set (cold)      {:8.1} ms  sqlite3 CLI transaction {:.1} ms   {:.2}x",
            ours.as_secs_f64() * 1e3,
            s.as_secs_f64() * 1e3,
            ours.as_secs_f64() / s.as_secs_f64()
        ),
        None => println!(
            "inspect --set (cold)      {:8.1} ms  (no sqlite3 command line here to compare with)",
            ours.as_secs_f64() * 1e3
        ),
    }

    // 2b. The same in a workspace of 2,000 SOPs, each released and approved:
    // inspecting needs sopbook.toml and the checklist's records, not the documents.
    let many = 2_000;
    for k in 2..=many + 1 {
        fs::write(
            root.join(format!("manual/quality/p{k}.md")),
            format!("+++\nid = \"QC-{k:04}\"\ntitle = \"Procedure {k}\"\nsection = \"QC\"\nowner = \"inspector\"\nroles = [\"inspector\"]\nreview_interval = \"1 year\"\n+++\n\n## Steps\n\n1. Do step {k}.\n2. Write it down.\n"),
        )
        .unwrap();
    }
    let ws = Workspace::load(&root).unwrap();
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics.first());
    ctx.set_workspace(ws);
    ctx.clock = Clock::Fixed(Utc::now() - chrono::Duration::hours(2));
    let fill = Instant::now();
    for k in 2..=many + 1 {
        let id = format!("QC-{k:04}");
        let release = ReleaseInput {
            id: &id,
            summary: "First issue",
            effective: None,
            minor: false,
            actor: "ann",
        };
        documents::release(&mut ctx, release).unwrap();
        documents::approve(&mut ctx, &id, "bob").unwrap();
    }
    ctx.clock = Clock::System;
    println!(
        "(released and approved {many} more SOPs in {:.1} s)",
        fill.elapsed().as_secs_f64()
    );
    let ours_many = median((0..15).map(|_| run(&root, &set_refs)).collect());
    match sqlite {
        Some(s) => println!(
            "inspect --set (cold), {many} SOPs {:6.1} ms  sqlite3 CLI transaction {:.1} ms   {:.2}x",
            ours_many.as_secs_f64() * 1e3,
            s.as_secs_f64() * 1e3,
            ours_many.as_secs_f64() / s.as_secs_f64()
        ),
        None => println!(
            "inspect --set (cold), {many} SOPs {:6.1} ms",
            ours_many.as_secs_f64() * 1e3
        ),
    }

    // 3. spc over the imported values.
    let spc = median(
        (0..5)
            .map(|_| run(&root, &["spc", "CL-001", "i0"]))
            .collect(),
    );
    println!("spc over {n} values     {:8.3} s", spc.as_secs_f64());

    // 4. report over report_n inspections: fill up in batches, then time the command.
    let have = n + 15;
    if report_n > have {
        let records = ctx.store().unwrap().records().unwrap();
        let (rev, checklist) =
            effective_checklist(&records, "CL-001", chrono::Local::now().date_naive()).unwrap();
        let fill = Instant::now();
        let mut done = have;
        while done < report_n {
            let batch: Vec<_> = (done..(done + 50_000).min(report_n))
                .map(|i| {
                    let entries: Vec<Entry> = (0..ITEMS)
                        .map(|k| Entry {
                            item: format!("i{k}"),
                            value: if i % 37 == 0 && k == 3 {
                                "f".into()
                            } else {
                                value(i, k)
                            },
                            note: String::new(),
                        })
                        .collect();
                    let header = Header {
                        lot: format!("L{}", i / 100),
                        serial: None,
                        inspector: if i % 2 == 0 { "ann" } else { "bob" }.to_string(),
                        station: "line-1".to_string(),
                        reinspects: None,
                        at: Utc::now() - chrono::Duration::minutes((report_n - i) as i64),
                    };
                    prepare_with(&rev, &checklist, &header, &entries).unwrap()
                })
                .collect();
            done += batch.len();
            record_prepared(&mut ctx, "ann", batch).unwrap();
        }
        println!(
            "(filled to {report_n} inspections in {:.1} s)",
            fill.elapsed().as_secs_f64()
        );
    }
    for by in ["checklist", "week"] {
        let report = median(
            (0..3)
                .map(|_| run(&root, &["report", "--by", by]))
                .collect(),
        );
        println!(
            "report --by {by:<9} over {report_n} inspections {:6.3} s",
            report.as_secs_f64()
        );
    }
    // 5. audit verify over everything recorded.
    let verify = median((0..3).map(|_| run(&root, &["audit", "verify"])).collect());
    println!(
        "audit verify over {} inspections {:6.3} s",
        report_n.max(have),
        verify.as_secs_f64()
    );
}

fn which_sqlite3() -> Option<String> {
    ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"]
        .iter()
        .find(|p| Path::new(p).exists())
        .map(|p| p.to_string())
}
