//! Document control through the real binary: the lifecycle, segregation of
//! duties, `--as-of`, tampering, and every refusal as the user sees it.

mod common;

use std::fs;

use chrono::{Days, Local};
use common::{PASSWORD, Run, Ws, assert_inline, assert_snapshot, outcome, without_dates};
use snapbox::str;

const FINAL: &str = "manual/quality/final-inspection.md";

fn with_people() -> Ws {
    let ws = Ws::fixture("base");
    for p in ["ann", "bob", "cay", "dan"] {
        let run = ws.run_env(
            &["people", "passwd", p],
            &[("SOPBOOK_NEW_PASSWORD", PASSWORD)],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    ws
}

fn signed(ws: &Ws, args: &[&str]) -> Run {
    ws.run_env(args, &[("SOPBOOK_PASSWORD", PASSWORD)])
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn pin(name: &str, run: &Run) {
    assert_snapshot(
        &format!("control/{name}"),
        &without_dates(&format!("exit: {}\n{}", run.code, run.stderr)),
    );
}

fn status_of(ws: &Ws, id: &str) -> serde_json::Value {
    let v = json(&ws.run(&["status", "--json"]));
    v.as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .cloned()
        .unwrap()
}

fn events(ws: &Ws) -> Vec<serde_json::Value> {
    json(&ws.run(&["audit", "log", "--json"]))
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn release_approve_and_history() {
    let ws = with_people();
    let run = signed(
        &ws,
        &[
            "release",
            "QC-001",
            "--summary",
            "First issue",
            "--as",
            "ann",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "QC-001 rev 1 is in review: it needs 2 approvals from inspector\n"
    );
    assert_eq!(status_of(&ws, "QC-001")["state"], "in review");
    let run = signed(&ws, &["approve", "QC-001", "--as", "bob"]);
    assert_eq!(run.stderr, "bob approved QC-001 rev 1 (1 of 2 approvals)\n");
    let run = signed(&ws, &["approve", "QC-001", "--as", "cay"]);
    assert_eq!(
        without_dates(&run.stderr),
        "QC-001 rev 1 is approved; effective from [DATE]\n"
    );
    let s = status_of(&ws, "QC-001");
    assert_eq!(s["state"], "effective");
    assert_eq!(s["effective_revision"], 1);
    assert_eq!(s["working_copy"], "unchanged");

    // A second revision: the file changes, the diff shows it, history tells the story.
    ws.edit(
        FINAL,
        "1. Take the unit off the line.",
        "1. Take the unit off the line and wipe it.",
    );
    assert_eq!(
        status_of(&ws, "QC-001")["working_copy"],
        "changed since rev 1"
    );
    let run = ws.run(&["diff", "QC-001", "--working"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains(
            "-1. Take the unit off the line.\n+1. Take the unit off the line and wipe it.\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        signed(
            &ws,
            &[
                "release",
                "QC-001",
                "-s",
                "Wipe before inspecting",
                "--as",
                "ann"
            ]
        )
        .code,
        0
    );
    assert_eq!(signed(&ws, &["approve", "QC-001", "--as", "cay"]).code, 0);
    assert_eq!(signed(&ws, &["approve", "QC-001", "--as", "bob"]).code, 0);
    let run = ws.run(&["diff", "QC-001"]);
    assert!(
        run.stdout
            .starts_with("--- QC-001 rev 1\n+++ QC-001 rev 2\n"),
        "{}",
        run.stdout
    );
    let run = ws.run(&["show", "QC-001", "--rev", "1"]);
    assert!(run.stdout.contains("1. Take the unit off the line.\n"));
    let history = json(&ws.run(&["history", "QC-001", "--json"]));
    let changes = history["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[1]["summary"], "Wipe before inspecting");
    let signers: Vec<_> = changes[1]["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["meaning"].as_str().unwrap(),
                s["signer"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(signers, ["authored ann", "approved cay", "approved bob"]);
    let log: Vec<_> = events(&ws)
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["actor"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["record"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        &log[4..],
        [
            "ann released QC-001 rev 1",
            "bob approved QC-001 rev 1",
            "cay approved QC-001 rev 1",
            "ann released QC-001 rev 2",
            "cay approved QC-001 rev 2",
            "bob approved QC-001 rev 2"
        ]
    );
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn segregation_of_duties_and_refused_signatures() {
    let ws = with_people();
    assert_eq!(
        signed(
            &ws,
            &[
                "release",
                "CS-001",
                "--summary",
                "First issue",
                "--as",
                "ann"
            ]
        )
        .code,
        0
    );
    pin(
        "author-approves",
        &signed(&ws, &["approve", "CS-001", "--as", "ann"]),
    );
    pin(
        "no-approver-role",
        &signed(&ws, &["approve", "CS-001", "--as", "dan"]),
    );
    pin(
        "wrong-password",
        &ws.run_env(
            &["approve", "CS-001", "--as", "bob"],
            &[("SOPBOOK_PASSWORD", "guess")],
        ),
    );
    pin(
        "unknown-person",
        &signed(&ws, &["approve", "CS-001", "--as", "mallory"]),
    );
    let refusals: Vec<_> = events(&ws)
        .into_iter()
        .filter(|e| e["action"] == "refused")
        .map(|e| {
            format!(
                "{} {}",
                e["actor"].as_str().unwrap(),
                e["detail"]["note"]["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        refusals,
        [
            "ann the author cannot approve their own revision",
            "dan no approver role",
            "bob wrong password",
            "mallory unknown person"
        ]
    );
    assert_eq!(status_of(&ws, "CS-001")["approvals"], "0/1");
    assert_eq!(signed(&ws, &["approve", "CS-001", "--as", "bob"]).code, 0);
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let ws = with_people();
    let count = |ws: &Ws| events(ws).len();
    let before = count(&ws);
    pin(
        "unknown-id",
        &signed(&ws, &["release", "QC-404", "--summary", "x", "--as", "ann"]),
    );
    pin(
        "approve-nothing-in-review",
        &signed(&ws, &["approve", "QC-001", "--as", "bob"]),
    );
    pin(
        "effective-not-a-date",
        &signed(
            &ws,
            &[
                "release",
                "QC-001",
                "-s",
                "x",
                "--effective",
                "next week",
                "--as",
                "ann",
            ],
        ),
    );
    pin(
        "effective-in-the-past",
        &signed(
            &ws,
            &[
                "release",
                "QC-001",
                "-s",
                "x",
                "--effective",
                "2020-01-01",
                "--as",
                "ann",
            ],
        ),
    );
    assert_eq!(count(&ws), before, "bad input wrote records");
    assert_eq!(
        signed(
            &ws,
            &["release", "QC-001", "-s", "First issue", "--as", "ann"]
        )
        .code,
        0
    );
    pin(
        "already-in-review",
        &signed(&ws, &["release", "QC-001", "-s", "Again", "--as", "ann"]),
    );
    assert_eq!(signed(&ws, &["approve", "QC-001", "--as", "bob"]).code, 0);
    assert_inline(
        &outcome(&signed(&ws, &["approve", "QC-001", "--as", "bob"])),
        str![[r#"
exit: 2
error: bob has already approved QC-001 rev 1

"#]],
    );
    // Edited while in review: the snapshot stays, the difference is shown.
    ws.edit(FINAL, "2. Work through", "2. Carefully work through");
    pin(
        "edited-while-in-review",
        &signed(&ws, &["approve", "QC-001", "--as", "cay"]),
    );
    ws.edit(FINAL, "2. Carefully work through", "2. Work through");
    assert_eq!(signed(&ws, &["approve", "QC-001", "--as", "cay"]).code, 0);
    pin(
        "nothing-changed",
        &signed(
            &ws,
            &["release", "QC-001", "-s", "Same again", "--as", "ann"],
        ),
    );
    // Rejection, then an approval attempt.
    ws.edit(FINAL, "2. Work through", "2. Slowly work through");
    assert_eq!(
        signed(&ws, &["release", "QC-001", "-s", "Slower", "--as", "ann"]).code,
        0
    );
    assert_eq!(
        signed(
            &ws,
            &[
                "reject",
                "QC-001",
                "--reason",
                "Speed is not the point",
                "--as",
                "bob"
            ]
        )
        .code,
        0
    );
    pin(
        "approve-after-reject",
        &signed(&ws, &["approve", "QC-001", "--as", "cay"]),
    );
    assert_eq!(status_of(&ws, "QC-001")["effective_revision"], 1);
    // A document with errors cannot be released.
    ws.edit(
        "manual/service/complaints.md",
        "owner = \"clerk\"",
        "owner = \"nobody\"",
    );
    pin(
        "release-with-errors",
        &signed(&ws, &["release", "CS-001", "-s", "x", "--as", "ann"]),
    );
}

#[test]
fn database_problems() {
    let ws = Ws::fixture("base");
    fs::create_dir_all(ws.path().join(".sopbook")).unwrap();
    fs::write(
        ws.path().join(".sopbook/records.db"),
        "this is not a database, it is a shopping list\n".repeat(50),
    )
    .unwrap();
    pin("not-a-database", &ws.run(&["status"]));

    let ws = with_people();
    assert_eq!(
        signed(
            &ws,
            &["release", "CS-001", "-s", "First issue", "--as", "ann"]
        )
        .code,
        0
    );
    let conn = rusqlite::Connection::open(ws.path().join(".sopbook/records.db")).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let run = ws.run_env(
        &["approve", "CS-001", "--as", "bob"],
        &[
            ("SOPBOOK_PASSWORD", PASSWORD),
            ("SOPBOOK_BUSY_TIMEOUT_MS", "300"),
        ],
    );
    pin("locked", &run);
    conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(status_of(&ws, "CS-001")["approvals"], "0/1");

    // A mistyped SOPBOOK_DATABASE names the missing file instead of creating it.
    let custom = ws.path().join("elsewhere/records.db");
    let env = [("SOPBOOK_DATABASE", custom.to_str().unwrap())];
    pin("no-such-database", &ws.run_env(&["status"], &env));
    assert!(!ws.path().join("elsewhere").exists(), "nothing was created");
    let run = ws.run_env(&["--create-records", "status"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(custom.is_file(), "SOPBOOK_DATABASE is honoured");
    // Unknown kinds of records are refused, whatever their case.
    for url in ["mysql://db/records", "MYSQL://db/records"] {
        let run = ws.run_env(&["status"], &[("SOPBOOK_DATABASE", url)]);
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
    }
    // PostgreSQL is known, whatever the case; a server that does not answer
    // is named, and the command exits 1 having recorded nothing.
    let run = ws.run_env(
        &["status"],
        &[(
            "SOPBOOK_DATABASE",
            "POSTGRES://qa:secret-pw@127.0.0.1:1/records",
        )],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: could not reach the PostgreSQL server 127.0.0.1:1 holding the records `postgres://qa@127.0.0.1:1/records`"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("secret-pw"), "{}", run.stderr);
}

#[test]
fn a_database_that_is_not_sopbooks_is_left_alone() {
    let ws = Ws::fixture("base");
    // Another application's database, with a table named like one of ours.
    let other = ws.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE events (x); INSERT INTO events VALUES (1);")
        .unwrap();
    drop(conn);
    let before = fs::read(&other).unwrap();
    let env = [("SOPBOOK_DATABASE", other.to_str().unwrap())];
    pin("foreign-database", &ws.run_env(&["audit", "verify"], &env));
    let run = ws.run_env(
        &["people", "passwd", "ann"],
        &[
            ("SOPBOOK_DATABASE", other.to_str().unwrap()),
            ("SOPBOOK_NEW_PASSWORD", PASSWORD),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(fs::read(&other).unwrap(), before, "the file is unchanged");
    // Records written by a newer sopbook are refused, with both versions named.
    let ws = with_people();
    let db = ws.path().join(".sopbook/records.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    pin("newer-database", &ws.run(&["status"]));
}

#[test]
fn reading_records_does_not_change_the_file() {
    let ws = with_people();
    let db = ws.path().join(".sopbook/records.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let before = fs::read(&db).unwrap();
    for args in [
        &["status"][..],
        &["audit", "verify"],
        &["audit", "log"],
        &["report"],
        &["people"],
    ] {
        let run = ws.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    assert_eq!(
        fs::read(&db).unwrap(),
        before,
        "read-only commands changed the records"
    );
    // A fresh workspace reads as empty and gets no database from reading.
    let fresh = Ws::fixture("base");
    assert_eq!(fresh.run(&["status"]).code, 0);
    assert!(!fresh.path().join(".sopbook").exists());
}

#[test]
fn publish_as_of_before_between_and_after_two_effective_dates() {
    let ws = with_people();
    let today = Local::now().date_naive();
    let later = today + Days::new(10);
    assert_eq!(
        signed(
            &ws,
            &["release", "CS-001", "-s", "First issue", "--as", "ann"]
        )
        .code,
        0
    );
    assert_eq!(signed(&ws, &["approve", "CS-001", "--as", "bob"]).code, 0);
    ws.edit(
        "manual/service/complaints.md",
        "1. Deal with the feeling first.",
        "1. Deal with the feeling first, always.",
    );
    let effective = later.to_string();
    assert_eq!(
        signed(
            &ws,
            &[
                "release",
                "CS-001",
                "-s",
                "Always",
                "--effective",
                &effective,
                "--as",
                "ann"
            ]
        )
        .code,
        0
    );
    let run = signed(&ws, &["approve", "CS-001", "--as", "bob"]);
    assert_eq!(
        run.stderr,
        format!("CS-001 rev 2 is approved; effective from {later}\n")
    );

    let page = |as_of: String| -> Option<String> {
        let out = format!("book-{as_of}");
        let run = ws.run(&["publish", "--as-of", &as_of, "--out", &out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        fs::read_to_string(ws.path().join(out).join("service/complaints.html")).ok()
    };
    assert!(
        page((today - Days::new(1)).to_string()).is_none(),
        "nothing was in force yesterday"
    );
    let between = page((today + Days::new(5)).to_string()).unwrap();
    assert!(
        between.contains("Deal with the feeling first.</li>") && !between.contains("always"),
        "rev 1 in force"
    );
    let after = page((today + Days::new(15)).to_string()).unwrap();
    assert!(
        after.contains("Deal with the feeling first, always."),
        "rev 2 in force"
    );
    assert!(
        after.contains("<td>2</td><td>") || after.contains(">2<"),
        "revision 2 in the control block"
    );
    let scheduled = status_of(&ws, "CS-001");
    assert_eq!(scheduled["effective_revision"], 1);
    assert_eq!(scheduled["scheduled_revision"], 2);
}

#[test]
fn retire_and_drafts() {
    let ws = with_people();
    ws.release_all();
    assert_eq!(
        signed(
            &ws,
            &[
                "retire",
                "CS-001",
                "--reason",
                "Complaints now go to the service desk",
                "--as",
                "ann"
            ]
        )
        .code,
        0
    );
    assert_eq!(signed(&ws, &["approve", "CS-001", "--as", "bob"]).code, 0);
    assert_eq!(status_of(&ws, "CS-001")["state"], "obsolete");
    assert_eq!(ws.run(&["publish"]).code, 0);
    let book = ws.path().join("book");
    assert!(
        !book.join("service/complaints.html").exists(),
        "retired documents leave the body"
    );
    let obsolete = fs::read_to_string(book.join("obsolete.html")).unwrap();
    assert!(
        obsolete.contains("CS-001 Handling a complaint")
            && obsolete.contains("Complaints now go to the service desk")
    );

    ws.edit(
        FINAL,
        "1. Take the unit off the line.",
        "1. Take the unit off the line gently.",
    );
    assert_eq!(ws.run(&["publish", "--drafts"]).code, 0);
    let draft = fs::read_to_string(book.join("quality/final-inspection.html")).unwrap();
    assert!(
        draft.contains("gently") && draft.contains("sopbook-draft"),
        "the working copy, marked"
    );
    let clean = fs::read_to_string(book.join("quality/nonconformance.html")).unwrap();
    assert!(
        !clean.contains("sopbook-draft"),
        "unchanged documents are not drafts"
    );
    assert_eq!(ws.run(&["publish"]).code, 0);
    let released = fs::read_to_string(book.join("quality/final-inspection.html")).unwrap();
    assert!(
        !released.contains("gently"),
        "the released manual shows the approved text"
    );
}

#[test]
fn periodic_review_resets_the_due_date() {
    let ws = with_people();
    ws.release_all();
    let run = ws.run(&["due", "--within", "2y", "--json"]);
    assert_eq!(run.code, 0, "nothing is overdue yet");
    assert_eq!(json(&run).as_array().unwrap().len(), 5);
    let run = ws.run(&["due", "--within", "30d"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .starts_with("No document is due for review before")
    );
    let run = signed(
        &ws,
        &["review", "QC-001", "--note", "Still right", "--as", "bob"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(events(&ws).last().unwrap()["action"] == "reviewed");
}

/// Runs SQL on the records file behind sopbook's back (the triggers that
/// make tables append-only are dropped first, as a tamperer would).
fn tamper(ws: &Ws, sql: &str) {
    let conn = rusqlite::Connection::open(ws.path().join(".sopbook/records.db")).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute_batch(sql).unwrap();
}

fn verify_fails(ws: &Ws) -> String {
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.stderr.lines().last().unwrap().to_string()
}

#[test]
fn audit_verify_catches_tampering() {
    let ws = with_people();
    ws.release_all();
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let db = fs::read(ws.path().join(".sopbook/records.db")).unwrap();
    let wal = ws.path().join(".sopbook/records.db-wal");
    let restore = |ws: &Ws| {
        fs::write(ws.path().join(".sopbook/records.db"), &db).unwrap();
        let _ = fs::remove_file(&wal);
    };

    tamper(
        &ws,
        "UPDATE revisions SET summary = 'Nothing to see' WHERE doc_id = 'QC-002'",
    );
    assert_eq!(
        verify_fails(&ws),
        "error: the audit trail of [ROOT]/.sopbook/records.db has been tampered with: revision QC-002 rev 1 was changed after event 12 recorded it"
    );

    restore(&ws);
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    tamper(&ws, "DELETE FROM events WHERE seq = 6");
    assert_eq!(
        verify_fails(&ws),
        "error: the audit trail of [ROOT]/.sopbook/records.db has been tampered with: event 6 is missing: the log goes from event 5 to event 7"
    );

    restore(&ws);
    tamper(
        &ws,
        "UPDATE revisions SET content = replace(content, 'Take the unit', 'Skip the unit') WHERE doc_id = 'QC-001'",
    );
    assert_eq!(
        verify_fails(&ws),
        "error: the audit trail of [ROOT]/.sopbook/records.db has been tampered with: revision QC-001 rev 1: its snapshot no longer matches its content hash"
    );

    restore(&ws);
    tamper(&ws, "UPDATE events SET actor = 'cay' WHERE seq = 10");
    assert!(
        verify_fails(&ws)
            .ends_with("event 10 (approved QC-001 rev 1 by cay) was changed after it was recorded")
    );

    restore(&ws);
    tamper(
        &ws,
        "DELETE FROM signatures WHERE meaning = 'approved' AND doc_id = 'CS-001'",
    );
    assert!(
        verify_fails(&ws).contains("signatures row"),
        "a deleted signature is found"
    );
}

#[test]
fn demo_builds_the_sample_manual_and_is_idempotent() {
    let ws = Ws::sample();
    let run = ws.run(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Recorded a year of sample history"),
        "{}",
        run.stderr
    );
    let statuses = json(&ws.run(&["status", "--json"]));
    let states: Vec<_> = statuses
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap().to_string())
        .collect();
    assert!(
        states.iter().filter(|s| *s == "effective").count() >= 15,
        "{states:?}"
    );
    assert!(states.contains(&"obsolete".to_string()));
    let revs: Vec<_> = statuses
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["effective_revision"].as_i64())
        .collect();
    assert!(revs.contains(&3), "some document is at revision 3");
    assert!(
        statuses
            .as_array()
            .unwrap()
            .iter()
            .any(|s| !s["scheduled_revision"].is_null()),
        "one approved for a future date"
    );
    assert!(
        statuses
            .as_array()
            .unwrap()
            .iter()
            .any(|s| !s["in_review"].is_null()),
        "one in review"
    );
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    let events_before = events(&ws).len();
    let again = ws.run(&["demo"]);
    assert_eq!(again.code, 0);
    assert!(again.stderr.contains("The records already hold history"));
    assert_eq!(events(&ws).len(), events_before);
    let book = ws.path().join("book");
    assert!(book.join("quality/final-inspection.html").is_file());
    let page = fs::read_to_string(book.join("quality/final-inspection.html")).unwrap();
    assert!(page.contains("Revision history"));
}

#[test]
fn anchors_catch_history_cut_off_with_its_rows() {
    let ws = with_people();
    for (id, by) in [("CS-001", "ann"), ("CS-001", "bob")] {
        let args: Vec<&str> = if by == "ann" {
            vec!["release", id, "-s", "First issue", "--as", by]
        } else {
            vec!["approve", id, "--as", by]
        };
        assert_eq!(signed(&ws, &args).code, 0);
    }
    let run = ws.run(&["audit", "anchor"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        ws.read("records.anchors")
            .lines()
            .last()
            .unwrap()
            .starts_with("6 ")
    );
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    // The head goes into the published manual, for readers to check later.
    assert_eq!(ws.run(&["publish"]).code, 0);
    let home = ws.read("book/index.html");
    assert!(home.contains("sopbook audit verify --anchor 6:"), "{home}");
    // Cut off the approval together with its signature: the chain alone still verifies.
    let conn = rusqlite::Connection::open(ws.path().join(".sopbook/records.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER events_no_delete; DROP TRIGGER signatures_no_delete; DROP TRIGGER seals_no_delete;
         DELETE FROM signatures WHERE event_seq = 6; DELETE FROM seals WHERE event_seq = 6;
         DELETE FROM events WHERE seq = 6;",
    )
    .unwrap();
    drop(conn);
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the records end at event 5, but the anchor in records.anchors:3 names event 6: events were cut off"),
        "{}",
        run.stderr
    );
    fs::remove_file(ws.path().join("records.anchors")).unwrap();
    assert_eq!(
        ws.run(&["audit", "verify"]).code,
        0,
        "without an anchor the cut is invisible"
    );
    let bad = ws.run(&["audit", "verify", "--anchor", "6"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn a_busy_timeout_that_is_not_a_number_is_refused() {
    let ws = Ws::fixture("base");
    let run = ws.run_env(&["status"], &[("SOPBOOK_BUSY_TIMEOUT_MS", "five")]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: SOPBOOK_BUSY_TIMEOUT_MS is `five`, not a number of milliseconds\n\nhelp: set it to e.g. 5000, or unset it for the default of 5 s\n"
    );
}
