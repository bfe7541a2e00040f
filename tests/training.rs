//! Training records through the real binary: `ack`, `reading-list` and
//! `training` as the user sees them, refusals included.

mod common;

use common::{PASSWORD, Run, Ws, assert_inline, assert_snapshot, outcome, without_dates};
use snapbox::str;

fn signed(ws: &Ws, args: &[&str]) -> Run {
    ws.run_env(args, &[("SOPBOOK_PASSWORD", PASSWORD)])
}

/// The `base` fixture with every document in force and cay's reading of
/// QC-001 revision 1.
fn trained() -> Ws {
    let ws = Ws::fixture("base");
    ws.release_all();
    let run = signed(&ws, &["ack", "QC-001", "--as", "cay"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

/// QC-001 revised and in force again: a substantive revision unless `minor`.
fn revise_qc_001(ws: &Ws, summary: &str, minor: bool) {
    ws.edit(
        "manual/quality/final-inspection.md",
        "## Steps",
        &format!("## Steps\n\n{summary}.\n"),
    );
    let mut release = vec!["release", "QC-001", "--summary", summary, "--as", "ann"];
    if minor {
        release.push("--minor");
    }
    ws.ok(&release);
    ws.ok(&["approve", "QC-001", "--as", "bob"]);
    ws.ok(&["approve", "QC-001", "--as", "cay"]);
}

fn pin(name: &str, run: &Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot(&format!("training/{name}"), &without_dates(&run.stdout));
}

#[test]
fn the_reading_list_puts_the_reading_path_first_and_says_why_each_is_there() {
    let ws = trained();
    pin(
        "reading-list-dan",
        &ws.run(&["reading-list", "--as", "dan"]),
    );
    // A substantive revision of what cay read puts it back, with its summary.
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    pin(
        "reading-list-cay-changed",
        &ws.run(&["reading-list", "--as", "cay"]),
    );
}

#[test]
fn a_reading_list_with_nothing_left_says_so() {
    let ws = trained();
    for id in ["QC-002", "CL-001"] {
        signed(&ws, &["ack", id, "--as", "cay"]);
    }
    let run = ws.run(&["reading-list", "--as", "cay"]);
    assert_inline(
        &outcome(&run),
        str![[r#"
exit: 0
Cay Checker (cay) has read and understood everything their roles need: 3 of 3 current

"#]],
    );
}

#[test]
fn the_training_matrix_as_a_table_and_as_csv() {
    let ws = trained();
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    signed(&ws, &["ack", "QC-002", "--as", "bob"]);
    pin("matrix", &ws.run(&["training"]));
    pin(
        "matrix-inspectors.csv",
        &ws.run(&["training", "--role", "inspector", "--csv"]),
    );
}

#[test]
fn the_grid_shows_people_by_documents_in_the_terminal_and_as_csv() {
    let ws = trained();
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    signed(&ws, &["ack", "QC-002", "--as", "bob"]);
    pin("grid", &ws.run(&["training", "--grid"]));
    pin(
        "grid-inspectors.csv",
        &ws.run(&["training", "--grid", "--role", "inspector", "--csv"]),
    );
    let json: serde_json::Value =
        serde_json::from_str(&ws.run(&["training", "--grid", "--json"]).stdout).unwrap();
    let cay = json["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"] == "cay")
        .unwrap();
    let qc_001 = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .position(|d| d["doc_id"] == "QC-001")
        .unwrap();
    assert_eq!(
        cay["cells"][qc_001],
        serde_json::json!({"standing": "outdated", "read_revision": 1})
    );
    let run = ws.run(&["training", "--grid", "--overdue", "3"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn an_editorial_revision_keeps_a_reading_current() {
    let ws = trained();
    revise_qc_001(&ws, "Typo", true);
    let run = ws.run(&[
        "training",
        "--person",
        "cay",
        "--document",
        "QC-001",
        "--csv",
    ]);
    assert_inline(
        &without_dates(&run.stdout),
        str![[r#"
PERSON,DOCUMENT,SECTION,REV,STATE,READ REV,READ ON,DUE SINCE,DAYS DUE
cay,QC-001,QC,2,current,1,[DATE],[DATE],

"#]],
    );
}

#[test]
fn the_training_json_names_each_state_and_the_revision_that_changed() {
    let ws = trained();
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    let run = ws.run(&["training", "--person", "cay", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let qc = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["doc_id"] == "QC-001")
        .unwrap();
    assert_eq!(qc["state"], "outdated");
    assert_eq!(qc["acknowledged_revision"], 1);
    assert_eq!(qc["changed"]["revision"], 2);
    assert_eq!(qc["changed"]["summary"], "Torque the cover to 8 Nm");
    assert_eq!(v["compliance"][0]["current"], 0);
    assert_eq!(v["compliance"][0]["required"], 3);
}

#[test]
fn ack_signs_once_per_revision_and_refuses_as_the_user_sees_it() {
    let ws = trained();
    assert_inline(
        &outcome(&signed(&ws, &["ack", "QC-002", "--as", "dan"])),
        str![[r#"
exit: 0
dan read and understood QC-002 rev 1 (Handling a nonconformance)

"#]],
    );
    assert_inline(
        &outcome(&signed(&ws, &["ack", "QC-002", "--as", "dan"])),
        str![[r#"
exit: 0
dan has already read and understood QC-002 rev 1; nothing was signed

"#]],
    );
    let wrong = ws.run_env(
        &["ack", "CS-001", "--as", "dan"],
        &[("SOPBOOK_PASSWORD", "not-dans")],
    );
    assert_inline(
        &outcome(&wrong),
        str![[r#"
exit: 1
error: wrong password for dan; nothing was signed (the refusal is in the audit log)

"#]],
    );
    assert_inline(
        &outcome(&signed(&ws, &["ack", "CS-001", "--as", "zed"])),
        str![[r#"
exit: 1
error: `zed` is not a person in sopbook.toml; nothing was signed (the refusal is in the audit log)

help: the people are ann, bob, cay, dan; to add someone, add a [[person]] table with id, name and roles to sopbook.toml

"#]],
    );
    assert_inline(
        &outcome(&signed(&ws, &["ack", "QC-001", "--as", "dan"])),
        str![[r#"
exit: 2
error: QC-001 is not for dan's roles (clerk): it is for inspector; nothing was signed

help: `sopbook reading-list --as dan` shows what dan must read

"#]],
    );
    ws.write(
        "manual/service/returns.md",
        "+++\nid = \"CS-002\"\ntitle = \"Returns\"\nsection = \"CS\"\nowner = \"clerk\"\nroles = [\"clerk\"]\nreview_interval = \"12 months\"\n+++\n\n## Steps\n\n1. Take the unit back.\n",
    );
    assert_inline(
        &outcome(&signed(&ws, &["ack", "CS-002", "--as", "dan"])),
        str![[r#"
exit: 2
error: CS-002 is not in force today, so nobody signs that they read it; nothing was signed

help: `sopbook status` shows what is in force

"#]],
    );
    // Refusals are in the audit log; only the first ack was recorded.
    let log = ws.run(&["audit", "log", "--json"]);
    let events: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    let actions: Vec<(String, String)> = events
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(3)
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("zed".to_string(), "refused".to_string()),
            ("dan".to_string(), "refused".to_string()),
            ("dan".to_string(), "read and understood".to_string()),
        ]
    );
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}

#[test]
fn the_training_matrix_names_what_it_cannot_filter_by() {
    let ws = trained();
    assert_inline(
        &outcome(&ws.run(&["training", "--role", "welder"])),
        str![[r#"
exit: 2
error: nobody in sopbook.toml holds the role `welder`

help: `sopbook people` lists who holds which role

"#]],
    );
    assert_inline(
        &outcome(&ws.run(&["training", "--person", "zed"])),
        str![[r#"
exit: 2
error: `zed` is not a person in sopbook.toml

help: the people are ann, bob, cay, dan; to add someone, add a [[person]] table with id, name and roles to sopbook.toml

"#]],
    );
    assert_inline(
        &outcome(&ws.run(&["training", "--document", "QC-01"])),
        str![[r#"
exit: 2
error: no SOP or checklist has the id `QC-01`

help: did you mean `QC-001`?

"#]],
    );
}

#[test]
fn ack_all_due_shows_the_list_then_signs_it_with_one_password() {
    let ws = trained();
    let run = signed(&ws, &["ack", "--all-due", "--as", "dan"]);
    pin("ack-all-due-dan", &run);
    assert_inline(
        &outcome(&ws.run(&["reading-list", "--as", "dan"])),
        str![[r#"
exit: 0
Dan Clerk (dan) has read and understood everything their roles need: 3 of 3 current

"#]],
    );
    // One event covers the reading; nothing left to sign asks for nothing.
    let log = ws.run(&["audit", "log", "--json"]);
    let events: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    let last = events.as_array().unwrap().last().unwrap();
    assert_eq!(last["actor"], "dan");
    assert_eq!(
        last["record"],
        "read and understood: CS-001 rev 1, QC-002 rev 1, CL-002 rev 1"
    );
    assert_inline(
        &outcome(&ws.run(&["ack", "--all-due", "--as", "dan"])),
        str![[r#"
exit: 0
Dan Clerk (dan) has nothing to read: 3 of 3 current; nothing was signed

"#]],
    );
    let wrong = ws.run_env(
        &["ack", "--all-due", "--as", "ann"],
        &[("SOPBOOK_PASSWORD", "not-anns")],
    );
    assert_eq!(wrong.code, 1);
    assert!(
        wrong
            .stderr
            .contains("error: wrong password for ann; nothing was signed"),
        "{}",
        wrong.stderr
    );
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    assert_inline(
        &outcome(&ws.run(&["ack", "--as", "dan"])),
        str![[r#"
exit: 2
error: the following required arguments were not provided:
  <ID|--all-due>

Usage: sopbook ack --as <PERSON> <ID|--all-due>

For more information, try '--help'.

"#]],
    );
}

#[test]
fn a_leaver_leaves_the_matrix_and_signs_nothing_but_their_readings_stay() {
    let ws = trained();
    // cay read QC-001 while here, and left long ago.
    ws.edit(
        "sopbook.toml",
        "id = \"cay\"\nname = \"Cay Checker\"\nroles = [\"inspector\"]",
        "id = \"cay\"\nname = \"Cay Checker\"\nroles = [\"inspector\"]\nuntil = 2020-01-31",
    );
    let run = ws.run(&["training", "--role", "inspector", "--csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("cay"), "{}", run.stdout);
    assert_inline(
        &outcome(&signed(&ws, &["ack", "QC-002", "--as", "cay"])),
        str![[r#"
exit: 1
error: Cay Checker (cay) left on [DATE] and signs nothing since; nothing was signed (the refusal is in the audit log)

help: `until` in sopbook.toml is the last day someone works here

"#]],
    );
    assert_eq!(
        signed(&ws, &["ack", "--all-due", "--as", "cay"]).code,
        1,
        "a leaver's reading list is refused like their ack"
    );
    assert_inline(
        &outcome(&ws.run(&["reading-list", "--as", "cay"])),
        str![[r#"
exit: 2
error: Cay Checker (cay) left on [DATE]: they have nothing more to read

help: their read-and-understood records stay (`sopbook audit log` lists them); `until` in sopbook.toml is their last day

"#]],
    );
    let log = ws.run(&["audit", "log", "--json"]);
    let events: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    let cays: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "cay")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(cays.last(), Some(&"refused"));
    assert!(cays.contains(&"read and understood"));
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}

/// The published manual as its mdBook source, with `extra` publish arguments.
fn published_source(ws: &Ws, extra: &[&str]) -> std::path::PathBuf {
    let mut args = vec!["publish", "--keep-source", "src-kept"];
    args.extend_from_slice(extra);
    let run = ws.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws.path().join("src-kept/0/src")
}

#[test]
fn the_published_reading_path_gives_reading_times_and_a_sop_page_what_changed() {
    let ws = trained();
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    let src = published_source(&ws, &[]);
    let page = |p: &str| without_dates(&std::fs::read_to_string(src.join(p)).unwrap());
    assert_snapshot(
        "training/reading-path-inspector.md",
        &page("reading-paths/inspector.md"),
    );
    let sop = page("quality/final-inspection.md");
    assert!(
        sop.contains("**What changed in revision 2** (effective [DATE]): Torque the cover to 8 Nm\n\nWhoever read an earlier revision reads this one again."),
        "{sop}"
    );
    assert!(
        sop.contains("**Who must read it:** everyone who works as <a href=\"../reading-paths/inspector.html\">Inspector</a> reads it"),
        "{sop}"
    );
    // Without --training, no page names who has read what.
    assert!(!src.join("training/index.md").exists());
    assert!(
        !std::fs::read_to_string(src.join("SUMMARY.md"))
            .unwrap()
            .contains("Training status")
    );
}

#[test]
fn an_editorial_revision_says_so_on_its_page() {
    let ws = trained();
    revise_qc_001(&ws, "Typo", true);
    let src = published_source(&ws, &[]);
    let sop = std::fs::read_to_string(src.join("quality/final-inspection.md")).unwrap();
    assert!(
        sop.contains("Revision 2 was an editorial change (Typo): whoever read an earlier revision need not read it again."),
        "{sop}"
    );
    assert!(!sop.contains("What changed in revision"), "{sop}");
}

#[test]
fn publish_training_adds_the_training_status_chapter() {
    let ws = trained();
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    signed(&ws, &["ack", "--all-due", "--as", "dan"]);
    let src = published_source(&ws, &["--training"]);
    assert_snapshot(
        "training/training-status.md",
        &without_dates(&std::fs::read_to_string(src.join("training/index.md")).unwrap()),
    );
    let svg = std::fs::read_to_string(src.join("training/compliance-by-role.svg")).unwrap();
    assert!(
        svg.contains(">Service clerk<") && svg.contains(">50%<"),
        "{svg}"
    );
    assert!(
        std::fs::read_to_string(src.join("SUMMARY.md"))
            .unwrap()
            .contains("- [Training status](training/index.md)")
    );
    let book = ws.path().join("book");
    assert!(book.join("training/index.html").exists());
    let help = ws.run(&["publish", "--help"]);
    assert!(
        help.stdout.contains("Off by default: it names people"),
        "{}",
        help.stdout
    );
}

#[test]
fn compliance_per_person_role_and_section_as_csv_and_the_matrix_of_one_section() {
    let ws = trained();
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    signed(&ws, &["ack", "--all-due", "--as", "dan"]);
    pin(
        "compliance.csv",
        &ws.run(&["training", "--compliance", "--csv"]),
    );
    let run = ws.run(&["training", "--section", "CS", "--csv"]);
    assert_inline(
        &without_dates(&run.stdout),
        str![[r#"
PERSON,DOCUMENT,SECTION,REV,STATE,READ REV,READ ON,DUE SINCE,DAYS DUE
ann,CL-002,CS,1,missing,,,[DATE],0
ann,CS-001,CS,1,missing,,,[DATE],0
dan,CL-002,CS,1,current,1,[DATE],[DATE],
dan,CS-001,CS,1,current,1,[DATE],[DATE],

"#]],
    );
    // Nobody is behind by more than a day yet: found nothing, exit 0.
    assert_inline(
        &outcome(&ws.run(&["training", "--overdue", "1", "--document", "CS-001"])),
        str![[r#"
exit: 0
nobody is more than 1 day behind

"#]],
    );
    assert_inline(
        &outcome(&ws.run(&["training", "--section", "XX"])),
        str![[r#"
exit: 2
error: the manual has no section `XX`

help: the sections are QC, CS

"#]],
    );
}

/// The sample workspace with the demo's records.
fn demo() -> Ws {
    let ws = Ws::sample();
    // The sample's leaver and new hire, dated as the demo's year tells it
    // whenever the test runs.
    let today = chrono::Local::now().date_naive();
    ws.edit(
        "sopbook.toml",
        "until = 2026-06-30",
        &format!("until = {}", today - chrono::Days::new(150)),
    );
    ws.edit(
        "sopbook.toml",
        "start = 2026-11-09",
        &format!("start = {}", today - chrono::Days::new(16)),
    );
    let run = ws.run(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

#[test]
fn the_demo_has_people_at_every_stage_of_their_training() {
    let ws = demo();
    let m: serde_json::Value =
        serde_json::from_str(&ws.run(&["training", "--json"]).stdout).unwrap();
    let of = |id: &str| {
        m["compliance"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["person"] == id)
            .cloned()
    };
    // Someone current.
    let maria = of("maria").unwrap();
    assert_eq!(maria["current"], maria["required"]);
    // A new hire halfway through their reading path, the rest still in order.
    let nora: serde_json::Value =
        serde_json::from_str(&ws.run(&["reading-list", "--as", "nora", "--json"]).stdout).unwrap();
    let (required, current) = (
        nora["required"].as_u64().unwrap(),
        nora["current"].as_u64().unwrap(),
    );
    assert_eq!(current, required.div_ceil(2), "{nora}");
    let orders: Vec<u64> = nora["to_read"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["reading_order"].as_u64())
        .collect();
    assert!(
        !orders.is_empty() && orders.windows(2).all(|w| w[0] < w[1]),
        "{orders:?}"
    );
    // Someone behind after a substantive revision.
    let yosef: serde_json::Value =
        serde_json::from_str(&ws.run(&["reading-list", "--as", "yosef", "--json"]).stdout).unwrap();
    let qc = yosef["to_read"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["doc_id"] == "QC-001")
        .unwrap();
    assert_eq!(
        (
            &qc["state"],
            &qc["reason"],
            &qc["diff"]["from"],
            &qc["diff"]["to"]
        ),
        (&"outdated".into(), &"changed".into(), &1.into(), &3.into())
    );
    // A leaver: out of the matrix, their readings kept.
    assert!(of("pavel").is_none());
    let log = ws.run(&["audit", "log", "--json"]);
    assert!(
        log.stdout.contains("\"actor\": \"pavel\""),
        "pavel's readings stay"
    );
    // A minor revision left everyone current with CS-001.
    let cs = ws.run(&["training", "--document", "CS-001", "--csv"]);
    assert!(
        !cs.stdout.contains("outdated") && !cs.stdout.contains("missing"),
        "{}",
        cs.stdout
    );
    // Yosef has been behind for more than a month: found, exit 1.
    let overdue = ws.run(&["training", "--overdue", "30", "--csv"]);
    assert_eq!(overdue.code, 1, "{}", overdue.stderr);
    assert!(
        overdue.stdout.contains("yosef,QC-001,QC,3,outdated,1,"),
        "{}",
        overdue.stdout
    );
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    // The demo's manual shows the training status of its made-up people.
    assert!(ws.path().join("book/training/index.html").exists());
}

/// What training needs of each text is kept at release; records whose
/// facts were never kept (released before sopbook kept them) give the same
/// matrix and reading lists from the texts themselves.
#[test]
fn the_matrix_is_the_same_from_the_facts_kept_at_release_and_from_the_texts() {
    let ws = trained();
    revise_qc_001(&ws, "Torque the cover to 8 Nm", false);
    let db = ws.path().join(".sopbook/records.db");
    let kept: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM text_facts", [], |r| r.get(0))
        .unwrap();
    assert!(kept >= 4, "{kept} texts' facts kept");
    let views = |ws: &Ws| {
        [
            ws.run(&["training", "--csv"]),
            ws.run(&["training", "--compliance", "--json"]),
            ws.run(&["reading-list", "--as", "cay", "--json"]),
            ws.run(&["reading-list", "--as", "dan"]),
            ws.run(&["reading-list", "--as", "bob", "--json"]),
            ws.run(&["reading-list", "--as", "ann", "--json"]),
        ]
        .map(|run| {
            assert_eq!(run.code, 0, "{}", run.stderr);
            run.stdout
        })
    };
    let from_facts = views(&ws);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER text_facts_no_delete; DELETE FROM text_facts;")
        .unwrap();
    drop(conn);
    assert_eq!(views(&ws), from_facts);
}
