//! `sopbook db status`, and the same commands on SQLite and PostgreSQL
//! printing the same. The PostgreSQL half needs `SOPBOOK_TEST_POSTGRES_URL`
//! (a server and a user who may create databases; `.ci/run` starts one) and
//! is skipped, saying so, without it.

mod common;

use common::{Run, Ws};

/// A database of its own on the test server, dropped at the end.
struct PgDb {
    admin: String,
    name: String,
    url: String,
}

impl PgDb {
    fn new(test: &str) -> Option<PgDb> {
        let Ok(admin) = std::env::var("SOPBOOK_TEST_POSTGRES_URL") else {
            eprintln!(
                "skipped {test} on PostgreSQL: SOPBOOK_TEST_POSTGRES_URL is not set (.ci/run sets it)"
            );
            return None;
        };
        let name = format!("sopbook_cli_{}_{test}", std::process::id());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        // A password in the URL, to show that it is never printed (a server
        // that trusts loopback ignores it).
        let url =
            format!("{base}/{name}").replacen("://postgres@", "://postgres:pw-never-shown@", 1);
        Some(PgDb { admin, name, url })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The base workspace with its documents released and a few inspections
/// recorded, one failing, on the records `database` names (or the default).
fn scenario(database: Option<&str>) -> Ws {
    let ws = Ws::fixture("base");
    if let Some(url) = database {
        let toml = ws.read("sopbook.toml");
        ws.write("sopbook.toml", &format!("database = \"{url}\"\n{toml}"));
    }
    ws.release_all();
    for (serial, length) in [("S1", "120.1"), ("S2", "140"), ("S3", "119.9")] {
        let run = ws.run_env(
            &[
                "inspect",
                "CL-001",
                "--lot",
                "L1",
                "--serial",
                serial,
                "--as",
                "cay",
                "--set",
                "label=p",
                "--set",
                &format!("length={length}"),
                "--set",
                "finish=good",
                "--set",
                "scratches=0",
                "--set",
                "remarks=fine",
            ],
            &[("SOPBOOK_PASSWORD", common::PASSWORD)],
        );
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    }
    ws
}

/// What a run printed; the chain head's line is left out (the two runs
/// record at other moments, so their events hash differently), and times
/// to the minute are masked.
fn shown(run: &Run) -> String {
    let out: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with("Chain:"))
        .collect();
    let text = format!("exit {}\n{}\n{}", run.code, out.join("\n"), run.stderr);
    // The two scenarios may straddle a minute.
    let minutes = regex::Regex::new(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}").unwrap();
    minutes.replace_all(&text, "[TIME]").into_owned()
}

#[test]
fn db_status_names_the_backend_schema_counts_and_chain_head() {
    let ws = scenario(None);
    let run = ws.run(&["db", "status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "Records:  SQLite at [ROOT]/.sopbook/records.db");
    assert_eq!(
        lines[1],
        "Schema:   version 12 (this sopbook knows up to 12)"
    );
    assert!(
        lines[2].starts_with("Chain:    head at event "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\ninspections          3\n"),
        "{}",
        run.stdout
    );
    let json = ws.run(&["db", "status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["backend"], "SQLite");
    assert_eq!(v["tables"][0]["table"], "events");
    assert_eq!(v["head"]["seq"], v["tables"][0]["rows"]);
}

#[test]
fn the_same_scenario_prints_the_same_on_sqlite_and_postgres() {
    let Some(db) = PgDb::new("same_scenario") else {
        return;
    };
    let sqlite = scenario(None);
    let pg = scenario(Some(&db.url));
    for args in [
        &["status"][..],
        &["history", "QC-001"],
        &["inspections", "list"],
        &["nc", "list"],
        &["report"],
        &["report", "--by", "item"],
        &["audit", "verify"],
        &["db", "status"],
    ] {
        let a =
            shown(&sqlite.run(args)).replace("SQLite at [ROOT]/.sopbook/records.db", "[RECORDS]");
        let b = shown(&pg.run(args));
        assert!(
            !b.contains("pw-never-shown"),
            "{args:?} printed the password:\n{b}"
        );
        // The location as shown: the URL without its password.
        let location = db.url.replacen(":pw-never-shown", "", 1);
        let b = b
            .replace(&location, "[ROOT]/.sopbook/records.db")
            .replace("PostgreSQL at [ROOT]/.sopbook/records.db", "[RECORDS]");
        assert_eq!(
            a, b,
            "sopbook {args:?} differs between SQLite and PostgreSQL"
        );
    }
}

/// A 2×2 PNG, for a photo that travels with the records.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38, 0xa1, 0xa1, 0x01,
    0x44, 0x0c, 0x10, 0x0a, 0x00, 0x21, 0x2e, 0x04, 0x61, 0xf6, 0xe1, 0xc2, 0x4d, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// What the records hold, as users see it, on the records `database`
/// names (None: the workspace's own): `db status --json` without the
/// location, `audit verify --json` without it, and the listings.
fn holdings(ws: &Ws, database: Option<&str>) -> Vec<String> {
    let env: Vec<(&str, &str)> = database
        .map(|d| vec![("SOPBOOK_DATABASE", d)])
        .unwrap_or_default();
    let mut out = Vec::new();
    for args in [
        &["db", "status", "--json"][..],
        &["audit", "verify", "--json"],
        &["inspections", "list", "--json"],
        &["nc", "list", "--json"],
        &["history", "QC-001"],
        &["report", "--json"],
    ] {
        let run = ws.run_env(args, &env);
        assert_eq!(run.code, 0, "{args:?} on {database:?}: {}", run.stderr);
        let mut v: serde_json::Value = match serde_json::from_str(&run.stdout) {
            Ok(v) => v,
            Err(_) => serde_json::Value::String(run.stdout.clone()),
        };
        if let Some(o) = v.as_object_mut() {
            o.remove("location");
            o.remove("backend");
        }
        out.push(format!("{args:?}: {v}"));
    }
    out
}

#[test]
fn db_copy_copies_sqlite_records_row_for_row_with_their_photos_and_refuses_a_second_time() {
    let ws = scenario(None);
    std::fs::write(ws.path().join("scratch.png"), PNG).unwrap();
    let mut args = vec![
        "inspect", "CL-001", "--lot", "L2", "--serial", "S9", "--as", "cay",
    ];
    args.extend_from_slice(&[
        "--set",
        "label=p",
        "--set",
        "length=120.1",
        "--set",
        "finish=good",
        "--set",
        "scratches=0",
        "--set",
        "remarks=fine",
        "--photo",
        "finish=scratch.png",
    ]);
    ws.ok(&args);
    let before = holdings(&ws, None);

    let run = ws.run(&["db", "copy", "--to", "elsewhere/records.db"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "Copied the records of SQLite at [ROOT]/.sopbook/records.db"
    );
    assert_eq!(lines[1], "into SQLite at [ROOT]/elsewhere/records.db");
    assert!(
        run.stdout
            .contains("Photos:   1 file copied to [ROOT]/elsewhere/photos\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("records in SQLite at [ROOT]/.sopbook/records.db: intact\nVerified: ")
            && run
                .stdout
                .contains("records in SQLite at [ROOT]/elsewhere/records.db: intact\n"),
        "{}",
        run.stdout
    );
    assert_eq!(holdings(&ws, Some("elsewhere/records.db")), before);

    // The copy is refused into records that hold anything.
    let again = ws.run(&["db", "copy", "--to", "elsewhere/records.db"]);
    assert_eq!(again.code, 2, "{}", again.stdout);
    assert_eq!(
        again.stderr,
        "error: `[ROOT]/elsewhere/records.db` already holds records (20 rows in events); a copy goes only into empty records, and nothing was written\n\nhelp: copy into a new SQLite file, or a new, empty PostgreSQL database (createdb)\n"
    );
    // And into the records it comes from.
    let same = ws.run(&["db", "copy", "--to", ".sopbook/records.db"]);
    assert_eq!(same.code, 2, "{}", same.stdout);
    assert!(same.stderr.contains("already"), "{}", same.stderr);
}

#[test]
fn db_copy_moves_the_demo_to_postgres_and_back_unchanged() {
    let Some(db) = PgDb::new("copy_round_trip") else {
        return;
    };
    let ws = common::Ws::sample();
    let demo = ws.run(&["demo"]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let before = holdings(&ws, None);

    let run = ws.run(&["db", "copy", "--to", &db.url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("pw-never-shown"), "{}", run.stdout);
    let location = db.url.replacen(":pw-never-shown", "", 1);
    assert!(
        run.stdout
            .contains(&format!("into PostgreSQL at {location}\n"))
            && run
                .stdout
                .contains(&format!("records in PostgreSQL at {location}: intact\n")),
        "{}",
        run.stdout
    );
    assert_eq!(holdings(&ws, Some(&db.url)), before);

    // Refused a second time, with nothing written.
    let again = ws.run(&["db", "copy", "--to", &db.url]);
    assert_eq!(again.code, 2, "{}", again.stdout);
    assert!(
        again
            .stderr
            .starts_with(&format!("error: `{location}` already holds records (")),
        "{}",
        again.stderr
    );

    // And back into a new SQLite file: the same records as the demo's own.
    let back = ws.run_env(
        &["db", "copy", "--to", "back/records.db"],
        &[("SOPBOOK_DATABASE", &db.url)],
    );
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert_eq!(holdings(&ws, Some("back/records.db")), before);
}
