//! Load on `sopbook serve`: many tablets and gauges recording at once on one
//! SQLite file, beside the same inspections recorded by the command line
//! and by a bare insert loop, in one run.
//!
//!     cargo bench --bench serve -- [PER_CLIENT] [CLI_PER_CLIENT]    (default 40 10)
//!
//! For 1, 8 and 32 clients at once:
//! - the API of the server (the release binary, `sopbook serve`): each
//!   client (a gauge, a line's own system) keeps one connection and posts
//!   PER_CLIENT inspections to `/api/v1/inspections` with an idempotency
//!   key: inspections per second, and the median and p99 time of a submit;
//! - tablets on the same server: each also opens the checklist's page in
//!   the browser (signed in) before each inspection it posts: inspections
//!   per second, and the median and p99 time of the page and of the submit;
//! - the command line: each client runs `sopbook inspect --set ...` as a
//!   process, CLI_PER_CLIENT times, signed in for the shift (`sopbook login`);
//! - the floor: one rusqlite connection inserting the same rows (an
//!   inspection and its 10 item results per transaction, WAL,
//!   `synchronous = FULL` as sopbook's store) into a file of its own.
//!
//! Afterwards every inspection sent is in the records exactly once and
//! `sopbook audit verify` says the chain is intact.

#[path = "common/mod.rs"]
mod common;
#[path = "common/http.rs"]
mod http;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{ITEMS, PASSWORD, released_workspace, value};
use http::{Connection, free_port, ok, serve};

const CLIENTS: [usize; 3] = [1, 8, 32];

/// Signs in through the browser's form: the session cookie.
fn browser_session(port: u16) -> String {
    let mut c = Connection::open(port);
    // The sign-in form sets its cookie and carries its CSRF token.
    let mut raw = TcpStream::connect(("127.0.0.1", port)).unwrap();
    raw.write_all(b"GET /signin HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    raw.read_to_string(&mut page).unwrap();
    let cookie = page
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap();
    let csrf = &csrf[..csrf.find('"').unwrap()];
    let body = format!("csrf={csrf}&next=%2F&person=ann&password={PASSWORD}");
    let mut raw = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "POST /signin HTTP/1.1\r\nHost: bench\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    raw.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    raw.read_to_string(&mut answer).unwrap();
    let session = answer
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .find(|v| v.starts_with("sopbook_session="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("not signed in: {answer}"))
        .to_string();
    // The session opens the checklist's page.
    let (status, _) = c.send("GET", "/inspect/CL-001", &[("Cookie", &session)], "");
    assert_eq!(status, 200);
    session
}

fn inspection_json(n: usize, lot: &str) -> String {
    let entries: Vec<String> = (0..ITEMS)
        .map(|k| {
            let v = value(n, k);
            let v = if v == "p" { "pass".to_string() } else { v };
            format!("{{\"item\":\"i{k}\",\"value\":\"{v}\"}}")
        })
        .collect();
    format!(
        "{{\"checklist\":\"CL-001\",\"lot\":\"{lot}\",\"serial\":\"S-{n}\",\"entries\":[{}]}}",
        entries.join(",")
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

struct Run {
    rate: f64,
    page: Vec<Duration>,
    submit: Vec<Duration>,
}

/// `clients` connections at once, each posting `per_client` inspections;
/// with `tablet`, each opens the checklist's page (signed in) before each.
fn api_run(
    port: u16,
    token: &str,
    session: &str,
    clients: usize,
    per_client: usize,
    tablet: bool,
) -> Run {
    let token = Arc::new(format!("Bearer {token}"));
    let session = Arc::new(session.to_string());
    let start = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (token, session) = (token.clone(), session.clone());
            std::thread::spawn(move || {
                let mut conn = Connection::open(port);
                let (mut page, mut submit) = (Vec::new(), Vec::new());
                let kind = if tablet { "tablet" } else { "api" };
                for i in 0..per_client {
                    if tablet {
                        let t = Instant::now();
                        let (status, _) =
                            conn.send("GET", "/inspect/CL-001", &[("Cookie", &session)], "");
                        page.push(t.elapsed());
                        assert_eq!(status, 200);
                    }
                    let lot = format!("{kind}-{clients}-{c}-{i}");
                    let key = format!("bench-{kind}-{clients}-{c}-{i}");
                    let body = inspection_json(i, &lot);
                    let t = Instant::now();
                    let (status, answer) = conn.send(
                        "POST",
                        "/api/v1/inspections",
                        &[
                            ("Authorization", &token),
                            ("Content-Type", "application/json"),
                            ("Idempotency-Key", &key),
                        ],
                        &body,
                    );
                    submit.push(t.elapsed());
                    assert_eq!(status, 201, "{answer}");
                }
                (page, submit)
            })
        })
        .collect();
    let (mut page, mut submit) = (Vec::new(), Vec::new());
    for w in workers {
        let (p, s) = w.join().unwrap();
        page.extend(p);
        submit.extend(s);
    }
    let took = start.elapsed();
    page.sort();
    submit.sort();
    Run {
        rate: (clients * per_client) as f64 / took.as_secs_f64(),
        page,
        submit,
    }
}

/// `clients` processes at a time, each client running `per_client`
/// `sopbook inspect` one after the other: inspections per second.
fn cli_run(root: &Path, clients: usize, per_client: usize) -> f64 {
    let root = Arc::new(root.to_path_buf());
    let start = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let root = root.clone();
            std::thread::spawn(move || {
                for i in 0..per_client {
                    let lot = format!("CLI-{clients}-{c}-{i}");
                    let serial = format!("S-{i}");
                    let mut args: Vec<String> = [
                        "inspect",
                        "CL-001",
                        "--lot",
                        &lot,
                        "--serial",
                        &serial,
                        "--as",
                        "ann",
                        "--station",
                        "bench",
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                    for k in 0..ITEMS {
                        args.push("--set".into());
                        args.push(format!("i{k}={}", value(i, k)));
                    }
                    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                    ok(&root, &refs, false);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    (clients * per_client) as f64 / start.elapsed().as_secs_f64()
}

/// The same rows inserted by one plain rusqlite connection: inspections
/// per second.
fn floor_run(dir: &Path, total: usize) -> f64 {
    let path = dir.join("floor.sqlite3");
    let _ = std::fs::remove_file(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE inspections (id INTEGER PRIMARY KEY, checklist_id TEXT, lot TEXT, serial TEXT,
            inspector TEXT, station TEXT, recorded_at TEXT, verdict TEXT);
         CREATE TABLE item_results (inspection_id INTEGER, position INTEGER, item_id TEXT,
            value TEXT, verdict TEXT, note TEXT);",
    )
    .unwrap();
    let start = Instant::now();
    for n in 0..total {
        let tx = conn.unchecked_transaction().unwrap();
        tx.execute(
            "INSERT INTO inspections (checklist_id, lot, serial, inspector, station, recorded_at, verdict)
             VALUES ('CL-001', ?1, ?2, 'ann', 'bench', '2026-01-01T00:00:00Z', 'pass')",
            [format!("FLOOR-{n}"), format!("S-{n}")],
        )
        .unwrap();
        let id = tx.last_insert_rowid();
        {
            let mut item = tx
                .prepare_cached("INSERT INTO item_results VALUES (?1, ?2, ?3, ?4, 'pass', '')")
                .unwrap();
            for k in 0..ITEMS {
                item.execute(rusqlite::params![
                    id,
                    k as i64,
                    format!("i{k}"),
                    value(n, k)
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let per_client = args.first().copied().unwrap_or(40);
    let cli_per_client = args.get(1).copied().unwrap_or(10);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    std::fs::create_dir_all(&root).unwrap();
    drop(released_workspace(&root));
    ok(&root, &["login", "--as", "ann"], true);
    let token = ok(
        &root,
        &["token", "create", "--as", "ann", "--expires", "1d"],
        true,
    )
    .trim()
    .to_string();
    let port = free_port();
    let mut server = serve(&root, port);
    let session = browser_session(port);

    println!(
        "| clients | API, inspections/s | command line, inspections/s | API / command line | submit median / p99 ms | tablets (page, then submit), inspections/s | tablets / command line | page median / p99 ms | submit median / p99 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut sent = 0;
    for clients in CLIENTS {
        let api = api_run(port, &token, &session, clients, per_client, false);
        let tablets = api_run(port, &token, &session, clients, per_client, true);
        let cli = cli_run(&root, clients, cli_per_client);
        sent += clients * (2 * per_client + cli_per_client);
        println!(
            "| {clients} | {:.0} | {:.1} | {:.1}x | {} / {} | {:.0} | {:.1}x | {} / {} | {} / {} |",
            api.rate,
            cli,
            api.rate / cli,
            ms(percentile(&api.submit, 0.5)),
            ms(percentile(&api.submit, 0.99)),
            tablets.rate,
            tablets.rate / cli,
            ms(percentile(&tablets.page, 0.5)),
            ms(percentile(&tablets.page, 0.99)),
            ms(percentile(&tablets.submit, 0.5)),
            ms(percentile(&tablets.submit, 0.99)),
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    let floor_n = 32 * per_client;
    let floor = floor_run(dir.path(), floor_n);
    println!(
        "\nthe floor: one rusqlite connection, {floor_n} inspections of {ITEMS} items, one transaction each: {floor:.0} inspections/s"
    );

    // Nothing lost, nothing doubled, one chain.
    let list = ok(&root, &["inspections", "list", "--json"], false);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let lots: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["lot"].as_str())
        .collect();
    let mut unique = lots.clone();
    unique.sort();
    unique.dedup();
    println!(
        "recorded {} inspections for {sent} sent, {} lots twice",
        lots.len(),
        lots.len() - unique.len()
    );
    assert_eq!(lots.len(), sent, "an inspection was lost or doubled");
    assert_eq!(unique.len(), sent, "an inspection was doubled");
    let verify = ok(&root, &["audit", "verify"], false);
    println!("{}", verify.trim());
}
