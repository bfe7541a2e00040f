//! Inspections, nonconformances, the scorecard and SPC through the real
//! binary, on the `base` fixture with every document released.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{PASSWORD, Run, Ws, assert_inline, assert_snapshot, outcome, without_dates};
use snapbox::str;

fn ready() -> Ws {
    let ws = Ws::fixture("base");
    ws.release_all();
    ws
}

const GOOD: [&str; 10] = [
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
];

fn inspect(ws: &Ws, lot: &str, extra: &[&str]) -> Run {
    let mut args = vec!["inspect", "CL-001", "--lot", lot, "--as", "cay"];
    args.extend_from_slice(extra);
    ws.run_env(&args, &[("SOPBOOK_PASSWORD", PASSWORD)])
}

/// A good inspection with some values replaced.
fn with(changes: &[(&str, &str)]) -> Vec<String> {
    let mut args: Vec<String> = GOOD.iter().map(|s| s.to_string()).collect();
    for (item, value) in changes {
        for a in args.iter_mut() {
            if a.starts_with(&format!("{item}=")) {
                *a = format!("{item}={value}");
            }
        }
    }
    args
}

fn inspect_with(ws: &Ws, lot: &str, changes: &[(&str, &str)], extra: &[&str]) -> Run {
    let owned = with(changes);
    let mut args: Vec<&str> = owned.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    inspect(ws, lot, &args)
}

fn signed(ws: &Ws, args: &[&str]) -> Run {
    ws.run_env(args, &[("SOPBOOK_PASSWORD", PASSWORD)])
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

fn pin(name: &str, run: &Run) {
    assert_snapshot(
        &format!("floor/{name}"),
        &without_dates(&format!("exit: {}\n{}", run.code, run.stderr)),
    );
}

fn count(ws: &Ws) -> usize {
    json(&ws.run(&["inspections", "list", "--json"]))
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn pass_and_fail_with_set() {
    let ws = ready();
    let run = inspect(&ws, "L-1", &GOOD);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "INS-000001 PASS\n");
    let run = inspect_with(&ws, "L-1", &[("length", "120.9"), ("finish", "3")], &[]);
    assert_eq!(
        run.code, 0,
        "a FAIL is recorded, and exits 0 without --exit-code"
    );
    assert_eq!(run.stdout, "INS-000002 FAIL\n");
    assert!(run.stderr.contains("opened NC-0001"), "{}", run.stderr);
    let run = inspect_with(&ws, "L-1", &[("label", "f")], &["--exit-code"]);
    assert_eq!(run.code, 1);
    let nc = json(&ws.run(&["nc", "show", "NC-0001", "--json"]));
    assert_eq!(
        nc["summary"],
        "length = 120.9 mm (out of spec: 0.4 mm above the upper limit 120.5); finish = damaged"
    );
    assert_eq!(nc["status"], "open");
    let shown = json(&ws.run(&["inspections", "show", "INS-000002", "--json"]));
    assert_eq!(
        shown["revision_number"], 1,
        "the record keeps the checklist revision"
    );
    assert_eq!(shown["results"][1]["number"], 120.9);
    assert_eq!(shown["results"][2]["value"], "damaged");
}

#[test]
fn input_file_and_notes() {
    let ws = ready();
    ws.write(
        "results.json",
        r#"{"label": "p", "length": 119.7, "finish": {"value": "marked", "note": "small mark on the lid"}, "scratches": "n", "remarks": "ok"}"#,
    );
    let run = inspect(
        &ws,
        "L-2",
        &["--input", "results.json", "--serial", "W1-0001"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = json(&ws.run(&["inspections", "show", "1", "--json"]));
    assert_eq!(shown["serial"], "W1-0001");
    assert_eq!(shown["results"][2]["note"], "small mark on the lid");
    assert_eq!(shown["results"][3]["outcome"], "na");
}

fn interactive(ws: &Ws, script: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopbook"))
        .args(["inspect", "CL-001", "--lot", "L-3", "--as", "bob"])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .env("SOPBOOK_PASSWORD", PASSWORD)
        .env("XDG_CONFIG_HOME", ws.path().join(".test-config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn interactive_run_from_a_script() {
    let ws = ready();
    // label: pass; length: a typo, then out of spec, then back and a good value with a note;
    // finish by option number; scratches; remarks; confirm.
    let run = interactive(
        &ws,
        "p\nabc\n121\nb\np\n! re-measured twice\n120.2\n2\n1\nall good\ny\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "INS-000001 PASS\n");
    assert!(
        run.stderr
            .contains("`length` is a measurement in mm: `abc` is not a number; try again"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("out of spec: 0.5 mm above the upper limit 120.5"),
        "{}",
        run.stderr
    );
    let shown = json(&ws.run(&["inspections", "show", "1", "--json"]));
    assert_eq!(shown["results"][1]["value"], "120.2");
    assert_eq!(shown["results"][1]["note"], "re-measured twice");
    assert_eq!(shown["results"][2]["value"], "marked");
    // Not confirmed, or quit: nothing is written.
    // Said in one line, not as an error; exit 1 tells a script nothing was recorded.
    let run = interactive(&ws, "p\n120\n1\n0\nok\nn\n");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .ends_with("change it: Not confirmed: nothing was recorded.\n"),
        "{}",
        run.stderr
    );
    let run = interactive(&ws, "p\nq\n");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .ends_with("  > Quit at item 2 of 5: nothing was recorded.\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    assert_eq!(count(&ws), 1);
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let ws = ready();
    pin(
        "unknown-checklist-id",
        &ws.run(&[
            "inspect", "CL-099", "--lot", "L", "--as", "cay", "--set", "a=b",
        ]),
    );
    pin(
        "unknown-item",
        &inspect_with(&ws, "L-1", &[], &["--set", "colour=red"]),
    );
    assert_inline(
        &outcome(&inspect_with(&ws, "L-1", &[("length", "long")], &[])),
        str![[r#"
exit: 2
error: `length` is a measurement in mm: `long` is not a number

"#]],
    );
    pin(
        "choice-not-in-options",
        &inspect_with(&ws, "L-1", &[("finish", "shiny")], &[]),
    );
    pin("missing-item", &inspect(&ws, "L-1", &["--set", "label=p"]));
    pin(
        "control-characters",
        &inspect_with(&ws, "L-1\u{1b}[2J", &[], &[]),
    );
    assert_inline(
        &outcome(&inspect_with(&ws, "L-1", &[("label", "n")], &[])),
        str![[r#"
exit: 2
error: `label` is critical and cannot be marked not applicable

"#]],
    );
    pin(
        "unknown-inspector",
        &ws.run(&[
            "inspect", "CL-001", "--lot", "L", "--as", "zed", "--set", "label=p",
        ]),
    );
    // A checklist that is not effective.
    ws.write("checklists/new.toml", "id = \"CL-003\"\ntitle = \"New\"\nsop = \"QC-001\"\n\n[[item]]\nid = \"a\"\nprompt = \"A\"\nkind = \"pass_fail\"\n");
    pin(
        "not-effective",
        &ws.run(&[
            "inspect", "CL-003", "--lot", "L", "--as", "cay", "--set", "a=p",
        ]),
    );
    assert_eq!(count(&ws), 0, "bad input wrote an inspection");
    assert_eq!(inspect(&ws, "L-1", &GOOD).code, 0);
    assert_eq!(
        signed(
            &ws,
            &[
                "inspections",
                "void",
                "INS-000001",
                "--reason",
                "wrong unit on the bench",
                "--as",
                "bob"
            ]
        )
        .code,
        0
    );
    pin(
        "void-twice",
        &signed(
            &ws,
            &[
                "inspections",
                "void",
                "INS-000001",
                "--reason",
                "again",
                "--as",
                "bob",
            ],
        ),
    );
}

#[test]
fn import_is_all_or_nothing() {
    let ws = ready();
    ws.write(
        "batch.csv",
        "checklist,lot,serial,inspector,station,recorded_at,label,length,finish,scratches,remarks\n\
         CL-001,L-10,S1,cay,line-1,,p,120.0,good,0,ok\n\
         CL-001,L-10,S2,cay,line-1,,p,120.0,good,0,ok\n\
         CL-001,L-10,S3,cay,line-1,,p,twelve,good,0,ok\n\
         CL-001,L-10,S4,cay,line-1,,p,120.0,good,0,ok\n",
    );
    let run = ws.run(&["inspections", "import", "batch.csv", "--as", "bob"]);
    pin("import-bad-row", &run);
    assert_eq!(count(&ws), 0, "a bad row in the middle writes nothing");
    ws.edit("batch.csv", "twelve", "120.6");
    let run = ws.run(&["inspections", "import", "batch.csv", "--as", "bob"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "Imported 4 inspections from batch.csv (1 failed, each opened a nonconformance).\n"
    );
    // One row per item result.
    ws.write(
        "long.csv",
        "checklist,lot,serial,inspector,item,value,note\n\
         CL-001,L-11,S9,cay,label,p,\n\
         CL-001,L-11,S9,cay,length,119.9,\n\
         CL-001,L-11,S9,cay,finish,marked,scuff\n\
         CL-001,L-11,S9,cay,scratches,1,\n\
         CL-001,L-11,S9,cay,remarks,none,\n",
    );
    let run = ws.run(&["inspections", "import", "long.csv", "--as", "bob"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&ws), 5);
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}

#[test]
fn nonconformance_lifecycle() {
    let ws = ready();
    assert_eq!(inspect_with(&ws, "L-5", &[("length", "118")], &[]).code, 0);
    pin(
        "close-without-disposition",
        &signed(&ws, &["nc", "close", "NC-0001", "--as", "bob"]),
    );
    assert_eq!(
        signed(
            &ws,
            &[
                "nc",
                "disposition",
                "NC-0001",
                "rework",
                "--as",
                "bob",
                "--note",
                "re-machine the end"
            ]
        )
        .code,
        0
    );
    assert_eq!(
        signed(
            &ws,
            &[
                "nc",
                "action",
                "NC-0001",
                "Check the saw stop every morning",
                "--sop",
                "QC-001",
                "--as",
                "bob"
            ]
        )
        .code,
        0
    );
    pin(
        "close-rework-without-reinspection",
        &signed(&ws, &["nc", "close", "NC-0001", "--as", "bob"]),
    );
    assert_eq!(inspect(&ws, "L-6", &GOOD).code, 0);
    pin(
        "reinspect-a-pass",
        &inspect(
            &ws,
            "L-6",
            &[&GOOD[..], &["--reinspect", "INS-000002"]].concat(),
        ),
    );
    let run = inspect(
        &ws,
        "L-5",
        &[&GOOD[..], &["--reinspect", "INS-000001"]].concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = signed(&ws, &["nc", "close", "NC-0001", "--as", "bob"]);
    assert_eq!(run.stderr, "NC-0001 is closed\n");
    pin(
        "step-on-closed",
        &signed(
            &ws,
            &["nc", "disposition", "NC-0001", "scrap", "--as", "bob"],
        ),
    );
    let nc = json(&ws.run(&["nc", "show", "NC-0001", "--json"]));
    assert_eq!(nc["status"], "closed");
    assert_eq!(nc["steps"][1]["sop"], "QC-001");
    assert!(
        nc["steps"][1]["sop_change"].is_null(),
        "no new QC-001 revision yet"
    );
    // The procedure the action names gets a new revision: the NC shows it.
    ws.edit(
        "manual/quality/final-inspection.md",
        "1. Take the unit off the line.",
        "1. Take the unit off the line; check the saw stop.",
    );
    assert_eq!(
        signed(
            &ws,
            &["release", "QC-001", "-s", "Saw stop check", "--as", "ann"]
        )
        .code,
        0
    );
    assert_eq!(signed(&ws, &["approve", "QC-001", "--as", "bob"]).code, 0);
    assert_eq!(signed(&ws, &["approve", "QC-001", "--as", "cay"]).code, 0);
    let nc = json(&ws.run(&["nc", "show", "NC-0001", "--json"]));
    assert!(
        nc["steps"][1]["sop_change"]
            .as_str()
            .unwrap()
            .starts_with("QC-001 rev 2 effective"),
        "{nc}"
    );
    let open = json(&ws.run(&["nc", "list", "--open", "--json"]));
    assert!(open.as_array().unwrap().is_empty());
    // A closed nonconformance takes no more steps, whoever signs: nothing is asked.
    let run = ws.run_env(
        &["nc", "action", "NC-0001", "x", "--as", "bob"],
        &[("SOPBOOK_PASSWORD", "nope")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    // A wrong password on a signed floor step: refused and recorded.
    let run = ws.run_env(
        &[
            "inspections",
            "void",
            "INS-000001",
            "--reason",
            "x",
            "--as",
            "bob",
        ],
        &[("SOPBOOK_PASSWORD", "nope")],
    );
    assert_eq!(
        run.code, 1,
        "a refused signature: the command ran and refused"
    );
}

#[test]
fn report_numbers_by_hand() {
    let ws = ready();
    // Lot A: unit 1 passes; unit 2 fails (length), is reworked and passes; unit 3 fails (finish and scratches).
    // Lot B: unit 4 passes; unit 5 passes but is voided (wrong checklist used).
    assert_eq!(inspect(&ws, "A", &GOOD).code, 0); // INS 1 pass, first
    assert_eq!(inspect_with(&ws, "A", &[("length", "121")], &[]).code, 0); // INS 2 fail, first
    assert_eq!(
        inspect(&ws, "A", &[&GOOD[..], &["--reinspect", "2"]].concat()).code,
        0
    ); // INS 3 pass, re-inspection
    assert_eq!(
        inspect_with(&ws, "A", &[("finish", "damaged"), ("scratches", "5")], &[]).code,
        0
    ); // INS 4 fail, first
    assert_eq!(inspect(&ws, "B", &GOOD).code, 0); // INS 5 pass, first
    assert_eq!(inspect(&ws, "B", &GOOD).code, 0); // INS 6 pass, first, voided below
    assert_eq!(
        signed(
            &ws,
            &[
                "inspections",
                "void",
                "6",
                "--reason",
                "wrong checklist",
                "--as",
                "bob"
            ]
        )
        .code,
        0
    );
    let r = json(&ws.run(&["report", "--json"]));
    // Not voided: 5 inspections; first inspections 1, 2, 4, 5 -> 4; passed first time 1 and 5 -> 2; FPY 2/4.
    assert_eq!(r["inspections"], 5);
    assert_eq!(r["first_inspections"], 4);
    assert_eq!(r["first_passed"], 2);
    assert_eq!(r["reinspections"], 1);
    assert_eq!(r["voided"], 1);
    assert_eq!(r["first_pass_yield"], 0.5);
    // Pareto: finish 1, length 1, scratches 1 -> each a third; sorted by count, then name.
    let pareto: Vec<_> = r["pareto"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["item"].as_str().unwrap().to_string(),
                p["fails"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pareto,
        [
            ("CL-001/finish".to_string(), 1),
            ("CL-001/length".to_string(), 1),
            ("CL-001/scratches".to_string(), 1)
        ]
    );
    assert!((r["pareto"][1]["cumulative"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    // Two nonconformances, both open.
    assert_eq!(r["nonconformances"]["open"], 2);
    let by_lot = json(&ws.run(&["report", "--by", "lot", "--json"]));
    let groups = by_lot["groups"].as_array().unwrap();
    assert_eq!(
        (
            groups[0]["key"].as_str(),
            groups[0]["inspections"].as_i64(),
            groups[0]["first_pass_yield"].as_f64()
        ),
        (Some("A"), Some(4), Some(1.0 / 3.0))
    );
    assert_eq!(
        (
            groups[1]["key"].as_str(),
            groups[1]["first_pass_yield"].as_f64()
        ),
        (Some("B"), Some(1.0))
    );
    let csv = ws.run(&["report", "--by", "inspector", "--csv"]);
    assert_eq!(
        csv.stdout,
        "inspector,inspections,failed,first,first_passed,first_pass_yield\ncay,5,2,4,2,0.5000\n"
    );
}

#[test]
fn spc_against_a_worked_example() {
    let ws = ready();
    // Individuals 8 10 8 11 9 11 10 12 10 12 (in mm, offset to the item's 120 mm):
    // mean 10.1, MRbar 2, UCL 10.1 + 2.66*2 = 15.42, LCL 4.78, MR UCL 6.534.
    for (k, x) in [8, 10, 8, 11, 9, 11, 10, 12, 10, 12].iter().enumerate() {
        let value = format!("{}", 120.0 + f64::from(*x) / 100.0);
        let run = inspect_with(&ws, &format!("S{k}"), &[("length", &value)], &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let run = ws.run(&["spc", "CL-001", "length", "--json", "--svg", "chart.svg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = json(&run);
    let close = |k: &str, v: f64| {
        assert!(
            (s[k].as_f64().unwrap() - v).abs() < 1e-9,
            "{k} = {} not {v}",
            s[k]
        )
    };
    close("center", 120.101);
    close("ucl", 120.1542);
    close("lcl", 120.0478);
    close("range_ucl", 0.06534);
    // Cp = (120.5 - 119.5) / (6 * 0.02 / 1.128) = 9.4; Cpk = (120.5 - 120.101) / (3 * 0.02/1.128) = 7.5012.
    close("cp", 9.4);
    assert!((s["cpk"].as_f64().unwrap() - 0.399 * 1.128 / 0.06).abs() < 1e-6);
    assert!(s["violations"].as_array().unwrap().is_empty());
    assert!(ws.read("chart.svg").starts_with("<svg"));
    let run = ws.run(&["spc", "CL-001", "finish"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: `finish` is a choice item; control charts are for measurement items\n"
    );
}

#[test]
fn a_station_needs_only_the_database_and_checks_roles_from_the_recorded_roster() {
    let ws = ready();
    let station = tempfile::tempdir().unwrap();
    let db = ws.path().join(".sopbook/records.db");
    let at_station = |person: &str| {
        common::run_with(
            station.path(),
            &[
                "inspect",
                "CL-001",
                "--lot",
                "L-S",
                "--as",
                person,
                "--station",
                "dock",
                "--set",
                "label=p",
                "--set",
                "length=120",
                "--set",
                "finish=1",
                "--set",
                "scratches=0",
                "--set",
                "remarks=-",
            ],
            &[
                ("SOPBOOK_DATABASE", db.to_str().unwrap()),
                ("SOPBOOK_PASSWORD", PASSWORD),
            ],
        )
    };
    // ann is a clerk: the roster the workspace recorded says so, with no sopbook.toml here.
    let refused = at_station("ann");
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("it needs the role inspector"),
        "{}",
        refused.stderr
    );
    // A role given in sopbook.toml reaches the station with the next write.
    ws.edit(
        "sopbook.toml",
        "roles = [\"clerk\"]",
        "roles = [\"clerk\", \"inspector\"]",
    );
    ws.ok(&["review", "QC-001", "--as", "bob"]);
    assert_eq!(at_station("ann").code, 0);
    let run = common::run_with(
        station.path(),
        &[
            "inspect",
            "CL-001",
            "--lot",
            "L-S",
            "--as",
            "cay",
            "--station",
            "dock",
            "--set",
            "label=p",
            "--set",
            "length=120",
            "--set",
            "finish=1",
            "--set",
            "scratches=0",
            "--set",
            "remarks=-",
        ],
        &[
            ("SOPBOOK_DATABASE", db.to_str().unwrap()),
            ("SOPBOOK_PASSWORD", PASSWORD),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = json(&ws.run(&["inspections", "list", "--json"]));
    assert_eq!(list[0]["station"], "dock");
}

#[test]
fn audit_verify_covers_inspections() {
    let ws = ready();
    assert_eq!(inspect(&ws, "A", &GOOD).code, 0);
    assert_eq!(inspect_with(&ws, "A", &[("length", "121")], &[]).code, 0);
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    let conn = rusqlite::Connection::open(ws.path().join(".sopbook/records.db")).unwrap();
    conn.execute_batch("DROP TRIGGER item_results_no_update; UPDATE item_results SET value = '120.4', number = 120.4 WHERE inspection_id = 2 AND item_id = 'length'").unwrap();
    let run = ws.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("INS-000002 or one of its item results was changed after event"),
        "{}",
        run.stderr
    );
}

#[test]
fn inspecting_needs_the_inspectors_role_and_proof_a_sign_in_lasts_a_shift() {
    let ws = ready();
    let good: Vec<String> = with(&[]);
    let good: Vec<&str> = good.iter().map(String::as_str).collect();
    let as_person = |person: &str, env: &[(&str, &str)]| {
        let mut args = vec!["inspect", "CL-001", "--lot", "L-9", "--as", person];
        args.extend_from_slice(&good);
        ws.run_env(&args, env)
    };
    // No password and no sign-in: refused, and the refusal is recorded.
    let run = as_person("cay", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("must enter a password"),
        "{}",
        run.stderr
    );
    // A clerk is not among the roles QC-001 applies to.
    let run = as_person("dan", &[("SOPBOOK_PASSWORD", PASSWORD)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("needs the role inspector"),
        "{}",
        run.stderr
    );
    // Signed in for the shift: no password per unit.
    let run = ws.run_env(&["login", "--as", "cay"], &[("SOPBOOK_PASSWORD", PASSWORD)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("is signed in until"), "{}", run.stderr);
    assert_eq!(as_person("cay", &[]).code, 0);
    // The sign-in is cay's: bob still needs his password.
    assert_eq!(as_person("bob", &[]).code, 1);
    let run = ws.run(&["logout"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(as_person("cay", &[]).code, 1);
    let actions: Vec<String> = json(&ws.run(&["audit", "log", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["actor"].as_str().unwrap(),
                e["action"].as_str().unwrap()
            )
        })
        .filter(|a| {
            !a.ends_with("released") && !a.ends_with("approved") && !a.ends_with("password set")
        })
        .collect();
    assert_eq!(
        actions,
        [
            "cay refused",
            "dan refused",
            "cay signed in",
            "cay inspected",
            "bob refused",
            "cay signed out",
            "cay refused"
        ]
    );
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}

#[test]
fn verify_finds_forged_rows_moved_rows_and_damaged_values() {
    let ws = ready();
    assert_eq!(inspect(&ws, "L-1", &GOOD).code, 0);
    assert_eq!(inspect_with(&ws, "L-2", &[("length", "121")], &[]).code, 0);
    let run = ws.run_env(
        &["nc", "disposition", "NC-0001", "scrap", "--as", "bob"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
    let db = ws.path().join(".sopbook/records.db");
    let clean = std::fs::read(&db).unwrap();
    let cases = [
        (
            "INSERT INTO nonconformances (inspection_id, opened_at, summary, event_seq) VALUES (1, '2026-11-01T10:00:00.000000Z', 'forged', 0)",
            "NC-0002 (against INS-000001) is not recorded by any event",
        ),
        (
            "INSERT INTO item_results VALUES (77, 1, 'label', 'p', NULL, 'pass', '')",
            "the item result at position 1 of INS-000077, which does not exist",
        ),
        (
            "UPDATE item_results SET number = 'abc' WHERE inspection_id = 2 AND position = 2",
            "INS-000002, recorded by event",
        ),
        (
            "UPDATE inspections SET event_seq = 1 WHERE id = 2",
            "some now claim another event",
        ),
        (
            "UPDATE nc_steps SET event_seq = 1 WHERE id = 1",
            "the disposition step 1 of NC-0001 was recorded by event",
        ),
    ];
    for (sql, found) in cases {
        std::fs::write(&db, &clean).unwrap();
        let _ = std::fs::remove_file(ws.path().join(".sopbook/records.db-wal"));
        let _ = std::fs::remove_file(ws.path().join(".sopbook/records.db-shm"));
        let conn = rusqlite::Connection::open(&db).unwrap();
        for t in ["inspections", "item_results", "nonconformances", "nc_steps"] {
            conn.execute_batch(&format!(
                "DROP TRIGGER IF EXISTS {t}_no_update; DROP TRIGGER IF EXISTS {t}_no_delete;"
            ))
            .unwrap();
        }
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let run = ws.run(&["audit", "verify"]);
        assert_eq!(run.code, 1, "{sql}: {}", run.stderr);
        assert!(run.stderr.contains(found), "{sql}: {}", run.stderr);
    }
}

#[test]
fn a_locked_database_is_found_before_the_form_is_shown() {
    let ws = ready();
    let conn = rusqlite::Connection::open(ws.path().join(".sopbook/records.db")).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopbook"))
        .args(["inspect", "CL-001", "--lot", "L-3", "--as", "bob"])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .env("SOPBOOK_PASSWORD", PASSWORD)
        .env("SOPBOOK_BUSY_TIMEOUT_MS", "200")
        .env("XDG_CONFIG_HOME", ws.path().join(".test-config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"p\n").unwrap();
    let out = child.wait_with_output().unwrap();
    conn.execute_batch("ROLLBACK").unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is locked by another writer"), "{stderr}");
    assert!(!stderr.contains("[1/"), "no item was asked: {stderr}");
}
