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
