//! The records on PostgreSQL against SQLite, in one run:
//!
//!     SOPBOOK_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!       cargo bench --bench postgres -- [INSPECTIONS] [PER_CLIENT]     (default 100000 50)
//!
//! - import of INSPECTIONS x 10 items from CSV into PostgreSQL (the release
//!   binary, `sopbook inspections import`), against a plain `COPY` of the
//!   same rows into the same tables of another database on the same server;
//! - recorders: 1, 4, 8, 16 and 32 API clients of one `sopbook serve` at
//!   once, each posting PER_CLIENT inspections over a kept connection, on
//!   SQLite and then on PostgreSQL: inspections per second and the median
//!   and p99 time of a submit. Then every inspection sent is in the records
//!   once and `audit verify` says the chain is intact. With the most
//!   recorders it also says how much processor time one inspection took in
//!   `sopbook serve`, in the PostgreSQL server (when it runs on this
//!   machine) and in the recorders, and so how many inspections a second
//!   this machine's cores could record at most.
//!
//! The URL names a server and a user who may create databases; the
//! benchmark makes its own and drops them.

#[path = "common/mod.rs"]
mod common;
#[path = "common/http.rs"]
mod http;

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{ITEMS, released_workspace_on, value};
use http::{Connection, free_port, ok, serve, sopbook_cmd};

const CLIENTS: [usize; 5] = [1, 4, 8, 16, 32];

/// A database of the benchmark's own, dropped at the end.
struct Db {
    admin: String,
    name: String,
    url: String,
}

impl Db {
    fn new(admin: &str, name: &str) -> Db {
        let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        Db {
            admin: admin.to_string(),
            name: name.to_string(),
            url: format!("{base}/{name}"),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn inspection_json(serial: &str) -> String {
    let entries: Vec<String> = (0..ITEMS)
        .map(|k| {
            let n: usize = serial.bytes().map(usize::from).sum();
            let v = value(n, k);
            let v = if v == "p" { "pass".to_string() } else { v };
            format!("{{\"item\":\"i{k}\",\"value\":\"{v}\"}}")
        })
        .collect();
    format!(
        "{{\"checklist\":\"CL-001\",\"lot\":\"R\",\"serial\":\"{serial}\",\"entries\":[{}]}}",
        entries.join(",")
    )
}

/// Tables shaped as sopbook's but without their keys to other tables,
/// checks and triggers.
const BARE_TABLES: &str = "CREATE TABLE inspections (id BIGINT PRIMARY KEY, checklist_id TEXT COLLATE \"C\" NOT NULL, revision_id BIGINT NOT NULL, revision_number BIGINT NOT NULL, lot TEXT COLLATE \"C\" NOT NULL, serial TEXT COLLATE \"C\" NOT NULL, inspector TEXT COLLATE \"C\" NOT NULL, station TEXT COLLATE \"C\" NOT NULL, recorded_at TEXT COLLATE \"C\" NOT NULL, verdict TEXT COLLATE \"C\" NOT NULL, reinspects BIGINT, event_seq BIGINT NOT NULL);
             CREATE TABLE item_results (inspection_id BIGINT NOT NULL, position BIGINT NOT NULL, item_id TEXT COLLATE \"C\" NOT NULL, value TEXT COLLATE \"C\" NOT NULL, number DOUBLE PRECISION, outcome TEXT COLLATE \"C\" NOT NULL, note TEXT COLLATE \"C\" NOT NULL, PRIMARY KEY (inspection_id, position));
             CREATE INDEX inspections_checklist ON inspections (checklist_id, recorded_at);
             CREATE INDEX inspections_lot ON inspections (lot);
             CREATE INDEX item_results_failed ON item_results (item_id) WHERE outcome = 'fail';";

/// Seconds to `COPY` `n` inspections of CL-001 and their items into the
/// database at `url`: into the tables `create` makes, or into sopbook's
/// own (made by a released workspace) without it.
fn plain_copy(url: &str, n: usize, create: Option<&str>) -> Duration {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let revision: i64 = match create {
        Some(sql) => {
            c.batch_execute(sql).unwrap();
            1
        }
        None => c
            .query_one("SELECT id FROM revisions WHERE doc_id = 'CL-001'", &[])
            .unwrap()
            .get(0),
    };
    let at = sopbook::store::timestamp(chrono::Utc::now());
    let started = Instant::now();
    let mut tx = c.transaction().unwrap();
    {
        let mut w = tx.copy_in("COPY inspections FROM STDIN").unwrap();
        let mut buf = String::new();
        for i in 0..n {
            writeln!(
                buf,
                "{}\tCL-001\t{revision}\t1\tL{}\tS{i}\tann\tline-1\t{at}\tpass\t\\N\t1",
                i + 1,
                i / 100
            )
            .unwrap();
            if buf.len() > 1 << 20 {
                w.write_all(buf.as_bytes()).unwrap();
                buf.clear();
            }
        }
        w.write_all(buf.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    {
        let mut w = tx.copy_in("COPY item_results FROM STDIN").unwrap();
        let mut buf = String::new();
        for i in 0..n {
            for k in 0..ITEMS {
                let v = value(i, k);
                let num = if v.parse::<f64>().is_ok() {
                    v.clone()
                } else {
                    "\\N".into()
                };
                writeln!(buf, "{}\t{}\ti{k}\t{v}\t{num}\tpass\t", i + 1, k + 1).unwrap();
            }
            if buf.len() > 1 << 20 {
                w.write_all(buf.as_bytes()).unwrap();
                buf.clear();
            }
        }
        w.write_all(buf.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    tx.commit().unwrap();
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at]
}

/// `clients` recorders at once, `each` inspections each: (per second, median, p99).
fn recorders(port: u16, token: &str, clients: usize, each: usize) -> (f64, Duration, Duration) {
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let token = token.to_string();
            std::thread::spawn(move || {
                let mut conn = Connection::open(port);
                let auth = format!("Bearer {token}");
                let mut times = Vec::with_capacity(each);
                for k in 0..each {
                    let serial = format!("R{clients}-{c}-{k}");
                    let body = inspection_json(&serial);
                    let t = Instant::now();
                    let (status, answer) = conn.send(
                        "POST",
                        "/api/v1/inspections",
                        &[
                            ("Authorization", &auth),
                            ("Content-Type", "application/json"),
                            ("Idempotency-Key", &serial),
                        ],
                        &body,
                    );
                    times.push(t.elapsed());
                    assert_eq!(status, 201, "{answer}");
                }
                times
            })
        })
        .collect();
    let mut times: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let took = started.elapsed();
    times.sort();
    (
        (clients * each) as f64 / took.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
    )
}

/// Processor seconds process `pid` has used so far (user and system), from
/// /proc; 0 when it cannot be read.
fn cpu_of(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // The fields after the command's closing parenthesis; utime and stime
    // are the 14th and 15th of the whole line.
    let Some((_, after)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|t| t.parse::<f64>().ok()).sum()
    });
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks / per_second.max(1.0)
}

/// The parent process of `pid`, from /proc.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after) = stat.rsplit_once(')')?;
    after.split_whitespace().nth(1)?.parse().ok()
}

/// Processor seconds used so far by every process of the PostgreSQL server
/// at `url` (its backends, WAL writer, checkpointer ...), when it runs on
/// this machine; `None` when it does not.
fn postgres_cpu(url: &str) -> Option<f64> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).ok()?;
    let backend: i32 = c.query_one("SELECT pg_backend_pid()", &[]).ok()?.get(0);
    let server = parent_of(backend as u32)?;
    let mut total = 0.0;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        if let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
            && parent_of(pid) == Some(server)
            && pid != backend as u32
        {
            total += cpu_of(pid);
        }
    }
    Some(total)
}

/// The processor time of one inspection with `clients` recorders at once:
/// printed, with what that allows on this machine's cores.
fn cpu_per_inspection(
    backend: &str,
    clients: usize,
    inspections: usize,
    serve: f64,
    postgres: Option<f64>,
    recorders: f64,
) {
    let ms = |seconds: f64| seconds * 1e3 / inspections as f64;
    let total = serve + postgres.unwrap_or(0.0) + recorders;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server = match postgres {
        Some(p) => format!("   PostgreSQL {:.3} ms", ms(p)),
        None => String::new(),
    };
    println!(
        "{backend:<10}  {clients:>2} recorders  processor time per inspection: sopbook serve {:.3} ms{server}   recorders {:.3} ms   so at most {:.0} inspections/s on {cores} cores",
        ms(serve),
        ms(recorders),
        cores as f64 * inspections as f64 / total
    );
}

/// The recorders on the records `database` names (None: SQLite).
fn recorders_on(root: &Path, database: Option<&str>, each: usize) -> Vec<(usize, f64)> {
    let backend = if database.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    std::fs::create_dir_all(root).unwrap();
    drop(released_workspace_on(root, database));
    let token = ok(root, &["token", "create", "--as", "ann"], true)
        .trim()
        .to_string();
    let port = free_port();
    let mut server = serve(root, port);
    let mut out = Vec::new();
    for clients in CLIENTS {
        let most = clients == CLIENTS[CLIENTS.len() - 1];
        let before = (
            cpu_of(server.id()),
            database.and_then(postgres_cpu),
            cpu_of(std::process::id()),
        );
        let (rate, median, p99) = recorders(port, &token, clients, each);
        let after = (
            cpu_of(server.id()),
            database.and_then(postgres_cpu),
            cpu_of(std::process::id()),
        );
        println!(
            "{backend:<10}  {clients:>2} recorders  {rate:7.1} inspections/s   submit median {:6.1} ms   p99 {:6.1} ms",
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
        if most {
            cpu_per_inspection(
                backend,
                clients,
                clients * each,
                after.0 - before.0,
                before.1.zip(after.1).map(|(b, a)| a - b),
                after.2 - before.2,
            );
        }
        out.push((clients, rate));
    }
    let _ = server.kill();
    let _ = server.wait();
    let sent: usize = CLIENTS.iter().map(|c| c * each).sum();
    let list = ok(
        root,
        &["inspections", "list", "--lot", "R", "--json"],
        false,
    );
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let mut serials: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["serial"].as_str().unwrap())
        .collect();
    serials.sort();
    serials.dedup();
    assert_eq!(serials.len(), sent, "every inspection sent, once");
    let verify = sopbook_cmd(root)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(verify.status.success());
    println!("{backend:<10}  {sent} inspections sent, {sent} recorded once; audit verify intact");
    out
}

fn main() {
    let Ok(admin) = std::env::var("SOPBOOK_TEST_POSTGRES_URL") else {
        eprintln!("set SOPBOOK_TEST_POSTGRES_URL to a PostgreSQL server (see the README)");
        std::process::exit(2);
    };
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(100_000);
    let each = args.get(1).copied().unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let pid = std::process::id();

    // 1. The import against a plain COPY of the same rows.
    let db = Db::new(&admin, &format!("sopbook_bench_import_{pid}"));
    let root = dir.path().join("import");
    std::fs::create_dir_all(&root).unwrap();
    drop(released_workspace_on(&root, Some(&db.url)));
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
    std::fs::write(root.join("batch.csv"), &csv).unwrap();
    let started = Instant::now();
    ok(
        &root,
        &["inspections", "import", "batch.csv", "--as", "ann"],
        false,
    );
    let import = started.elapsed();

    // The floor, twice: the rows copied into sopbook's own tables (its
    // migrations: keys, the reference to the checklist's revision, indexes,
    // checks), and into bare tables with the indexes only.
    let own = Db::new(&admin, &format!("sopbook_bench_copy_{pid}"));
    let own_root = dir.path().join("copy");
    std::fs::create_dir_all(&own_root).unwrap();
    drop(released_workspace_on(&own_root, Some(&own.url)));
    let copy = plain_copy(&own.url, n, None);
    drop(own);
    let bare = Db::new(&admin, &format!("sopbook_bench_bare_{pid}"));
    let bare_copy = plain_copy(&bare.url, n, Some(BARE_TABLES));
    drop(bare);
    println!(
        "PostgreSQL import {n} x {ITEMS} items   {:8.3} s   plain COPY of the same rows into the same tables {:.3} s   {:.2}x   (into bare tables, no keys: {:.3} s, {:.2}x)",
        import.as_secs_f64(),
        copy.as_secs_f64(),
        import.as_secs_f64() / copy.as_secs_f64(),
        bare_copy.as_secs_f64(),
        import.as_secs_f64() / bare_copy.as_secs_f64()
    );
    drop(db);

    // 2. Recorders at once, on each backend.
    let sqlite = recorders_on(&dir.path().join("sqlite"), None, each);
    let db = Db::new(&admin, &format!("sopbook_bench_recorders_{pid}"));
    let pg = recorders_on(&dir.path().join("postgres"), Some(&db.url), each);
    let rate = |v: &[(usize, f64)], c: usize| v.iter().find(|r| r.0 == c).map_or(0.0, |r| r.1);
    println!(
        "32 recorders on PostgreSQL {:.1}/s = {:.2}x 8 on SQLite ({:.1}/s)",
        rate(&pg, 32),
        rate(&pg, 32) / rate(&sqlite, 8),
        rate(&sqlite, 8)
    );
}
