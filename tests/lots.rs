//! Lots inspected by sampling plan through the real binary: the plan an
//! inspector is told, units recorded as inspections of the lot, rejected
//! lots and their one nonconformance, the switch to tightened inspection,
//! the listings, and `check`'s findings in `[sampling]`.

mod common;

use common::{PASSWORD, Run, Ws, assert_inline, outcome, without_dates};
use snapbox::str;

/// The incoming-goods checklist of `tests/fixtures/lots`, laid over `base`.
fn incoming_text() -> String {
    std::fs::read_to_string(common::fixtures().join("lots/checklists/incoming.toml")).unwrap()
}

fn signed(ws: &Ws, args: &[&str]) -> Run {
    ws.run_env(args, &[("SOPBOOK_PASSWORD", PASSWORD)])
}

/// The `base` fixture with an incoming-goods checklist in force and bob
/// signed in for the shift.
fn incoming() -> Ws {
    let ws = Ws::fixture("base");
    common::copy_dir(&common::fixtures().join("lots"), ws.path());
    ws.release_all();
    ws.ok(&[
        "release",
        "CL-003",
        "--summary",
        "First issue",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "CL-003", "--as", "bob"]);
    ws.ok(&["login", "--as", "bob"]);
    ws
}

fn unit(ws: &Ws, lot: &str, bore: &str) -> Run {
    let run = ws.run(&[
        "inspect",
        "CL-003",
        "--lot",
        lot,
        "--set",
        &format!("bore={bore}"),
        "--set",
        "rust=pass",
        "--as",
        "bob",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn a_lot_of_1200_at_aql_1_level_ii_is_80_units_accept_on_2_reject_on_3() {
    let ws = incoming();
    let run = ws.run(&[
        "lot",
        "open",
        "CL-003",
        "--lot",
        "L-1",
        "--size",
        "1200",
        "--supplier",
        "acme",
        "--as",
        "bob",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_inline(
        &run.stdout,
        str![[r#"
lot L-1 of CL-003 (1200 units): normal inspection, code letter J
inspect 80 units
  AQL 1.0: 80 units (letter J), accept on 2, reject on 3

"#]],
    );
    assert_inline(
        &run.stderr,
        str![[r#"
ANSI/ASQ Z1.4 II (the first lots are inspected at normal severity)
record each unit with `sopbook inspect CL-003 --lot L-1 ...`; the lot closes with the last one

"#]],
    );
}

#[test]
fn a_second_rejected_lot_within_five_puts_the_supplier_on_tightened() {
    let ws = incoming();
    for lot in ["L-1", "L-2"] {
        ws.ok(&[
            "lot",
            "open",
            "CL-003",
            "--lot",
            lot,
            "--size",
            "1200",
            "--supplier",
            "acme",
            "--as",
            "bob",
        ]);
        unit(&ws, lot, "pass");
        unit(&ws, lot, "fail");
        unit(&ws, lot, "fail");
        // The third nonconforming unit reaches Re 3: the lot is rejected and
        // opens one nonconformance.
        let third = unit(&ws, lot, "fail");
        assert!(third.stderr.contains("NC-"), "{}", third.stderr);
    }
    let lots = ws.run(&["lots"]);
    assert_inline(
        &without_dates(&lots.stdout),
        str![[r#"
lot  checklist  supplier  size  severity  letter  sample  sampled  nonconforming  decision  nc
L-1  CL-003     acme      1200  normal    J       80      4        3 (Re 3)       reject    NC-0001
L-2  CL-003     acme      1200  normal    J       80      4        3 (Re 3)       reject    NC-0002

"#]],
    );
    // One nonconformance per rejected lot, none for the other failed units.
    let ncs = ws.run(&["nc", "list", "--json"]);
    let ncs: serde_json::Value = serde_json::from_str(&ncs.stdout).unwrap();
    let summaries: Vec<&str> = ncs
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        [
            "lot L-1 rejected on its sample: 3 nonconforming (Re 3); bore: fail",
            "lot L-2 rejected on its sample: 3 nonconforming (Re 3); bore: fail"
        ]
    );
    let status = ws.run(&["lot", "status", "CL-003", "--supplier", "acme"]);
    assert_inline(
        &status.stdout,
        str![[r#"
CL-003 lots from acme: tightened inspection (2 of the last 5 or fewer lots on normal inspection were not accepted; 2 lots decided)

"#]],
    );
    let next = ws.run(&[
        "lot",
        "open",
        "CL-003",
        "--lot",
        "L-3",
        "--size",
        "1200",
        "--supplier",
        "acme",
        "--as",
        "bob",
    ]);
    assert_eq!(next.code, 0, "{}", next.stderr);
    assert_inline(
        &next.stdout,
        str![[r#"
lot L-3 of CL-003 (1200 units): tightened inspection, code letter J
inspect 80 units
  AQL 1.0: 80 units (letter J), accept on 1, reject on 2

"#]],
    );
    // Another supplier is still on normal inspection.
    let other = ws.run(&[
        "lot",
        "open",
        "CL-003",
        "--lot",
        "B-1",
        "--size",
        "1200",
        "--supplier",
        "bolt",
        "--as",
        "bob",
    ]);
    assert!(
        other.stdout.contains("normal inspection"),
        "{}",
        other.stdout
    );
    let csv = ws.run(&["lots", "--supplier", "acme", "--csv"]);
    assert_inline(
        &csv.stdout,
        str![[r#"
lot,checklist,supplier,size,severity,letter,sample,sampled,nonconforming,decision,nc
L-1,CL-003,acme,1200,normal,J,80,4,3 (Re 3),reject,NC-0001
L-2,CL-003,acme,1200,normal,J,80,4,3 (Re 3),reject,NC-0002
L-3,CL-003,acme,1200,tightened,J,80,0,0 (Re 2),open,

"#]],
    );
    let suppliers = ws.run(&["lots", "--suppliers"]);
    assert_inline(
        &suppliers.stdout,
        str![[r#"
supplier  checklist  lots  accepted  rejected  acceptance  severity
acme      CL-003     3     0         2         0.0%        tightened
bolt      CL-003     1     0         0                     normal

"#]],
    );
    // The scorecard's lot acceptance per supplier, with where each stands.
    let report = ws.run(&["report", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    assert_eq!(v["lots"][0]["supplier"], "acme");
    assert_eq!(v["lots"][0]["acceptance_rate"], 0.0);
    assert_eq!(v["lots"][0]["severity"], "tightened");
    assert_eq!(v["lots"][1]["severity"], "normal");
    let report = ws.run(&["report"]);
    assert!(
        report.stdout.contains("Lots by supplier"),
        "{}",
        report.stdout
    );
    let audit = ws.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}\n{}", audit.stdout, audit.stderr);
}

#[test]
fn a_lot_accepted_when_its_sample_is_in_closes_by_itself() {
    let ws = incoming();
    // 30 units at level II: code letter D, AQL 1.0 points down to 13 units.
    let run = ws.run(&[
        "lot", "open", "CL-003", "--lot", "S-1", "--size", "30", "--as", "bob",
    ]);
    assert_inline(
        &run.stdout,
        str![[r#"
lot S-1 of CL-003 (30 units): normal inspection, code letter D
inspect 13 units
  AQL 1.0: 13 units (letter E), accept on 0, reject on 1

"#]],
    );
    let early = ws.run(&["lot", "close", "S-1", "--as", "bob"]);
    unit(&ws, "S-1", "pass");
    let early_again = ws.run(&["lot", "close", "S-1", "--as", "bob"]);
    assert_inline(
        &outcome(&early),
        str![[r#"
exit: 2
error: lot S-1 of CL-003 has 0 of its 13 sampled units and is not decided yet; nothing was recorded

help: inspect the other units (`sopbook inspect CL-003 --lot S-1 ...`); the lot closes by itself with the last one

"#]],
    );
    assert_eq!(early_again.code, 2, "{}", early_again.stderr);
    for _ in 0..12 {
        unit(&ws, "S-1", "pass");
    }
    let json = ws.run(&["lots", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v[0]["decision"], "accept");
    assert_eq!(v[0]["sampled"], 13);
    assert_eq!(v[0]["classes"][0]["ac"], 0);
    // A closed lot takes no more units.
    let more = ws.run(&[
        "inspect",
        "CL-003",
        "--lot",
        "S-1",
        "--set",
        "bore=pass",
        "--set",
        "rust=pass",
        "--as",
        "bob",
    ]);
    assert_inline(
        &outcome(&more),
        str![[r#"
exit: 2
error: lot S-1 of CL-003 is closed; it takes no more units and nothing was recorded

help: `sopbook lots` shows its decision; a re-inspection after rework (`--reinspect`) is not a unit of the sample

"#]],
    );
}

#[test]
fn a_lot_is_opened_once_and_only_for_a_checklist_with_a_plan() {
    let ws = incoming();
    signed(
        &ws,
        &[
            "lot", "open", "CL-003", "--lot", "L-1", "--size", "50", "--as", "bob",
        ],
    );
    let again = ws.run(&[
        "lot", "open", "CL-003", "--lot", "L-1", "--size", "50", "--as", "bob",
    ]);
    assert_inline(
        &outcome(&again),
        str![[r#"
exit: 2
error: lot L-1 of CL-003 was opened on [DATE] by bob; a lot is opened once

help: `sopbook lots` shows it; a new lot needs a new label

"#]],
    );
    let no_plan = ws.run(&[
        "lot", "open", "CL-001", "--lot", "L-9", "--size", "50", "--as", "bob",
    ]);
    assert_inline(
        &outcome(&no_plan),
        str![[r#"
exit: 2
error: CL-001 has no sampling plan, so its lots are not opened by plan

help: add a [sampling] table (standard, level, aql) to the checklist and release it

"#]],
    );
}

#[test]
fn check_points_into_a_wrong_sampling_table() {
    let ws = Ws::fixture("base");
    ws.write(
        "checklists/incoming.toml",
        &incoming_text()
            .replace("level = \"II\"", "level = \"IV\"")
            .replace("aql = 1.0", "aql = { major = 1.2 }")
            .replace(
                "prompt = \"Free of rust\"\n",
                "prompt = \"Free of rust\"\nclass = \"minor\"\n",
            ),
    );
    let run = ws.run(&["check"]);
    assert_inline(
        &outcome(&run),
        str![[r#"
exit: 1
error: unknown inspection level `IV`
 --> checklists/incoming.toml:7:9
  |
7 | level = "IV"
  |         ^^^^ unknown level
  |
  = help: level is one of "S-1", "S-2", "S-3", "S-4", "I", "II", "III" ("II" unless the plan says otherwise)

error: the AQL of class `major` is not one of the AQLs of the tables
 --> checklists/incoming.toml:8:7
  |
8 | aql = { major = 1.2 }
  |       ^^^^^^^^^^^^^^^ not a preferred AQL
  |
  = help: the AQLs of the tables are 0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000

error: item `rust` is a minor nonconformity, but `aql` gives no AQL for class `minor`
 --> checklists/incoming.toml:8:7
  |
8 | aql = { major = 1.2 }
  |       ^^^^^^^^^^^^^^^ no `minor` here
  |
  = help: add `minor = ...` to `aql`, or give the item another `class`

warning: checklist CL-003 implements no SOP
 --> checklists/incoming.toml:1:6
  |
1 | id = "CL-003"
  |      ^^^^^^^^
  |
  = help: add `sop = "QC-001"`: the procedure this checklist carries out

Checked 3 SOPs and 3 checklists: 3 errors, 1 warning.

"#]],
    );
}

#[test]
fn the_manual_shows_the_plan_for_each_lot_size() {
    let ws = incoming();
    ws.ok(&["publish"]);
    let page = ws.read("book/checklists/incoming.html");
    for expected in [
        "Lots are inspected by sampling plan",
        "<tr><td>501 to 1200</td><td>J</td><td>1.0</td><td>80: Ac 2, Re 3</td><td>80: Ac 1, Re 2</td><td>32: Ac 1, Re 3</td></tr>",
        "<tr><td>2 to 8</td><td>A</td><td>1.0</td><td>every unit: Ac 0, Re 1</td>",
    ] {
        assert!(page.contains(expected), "`{expected}` is not on the page");
    }
}

#[test]
fn imported_units_count_in_their_lot_and_open_its_one_nonconformance() {
    let ws = incoming();
    ws.ok(&[
        "lot", "open", "CL-003", "--lot", "L-1", "--size", "30", "--as", "bob",
    ]);
    ws.write(
        "units.csv",
        "checklist,lot,serial,inspector,station,bore,rust\n\
         CL-003,L-1,1,bob,dock,pass,pass\n\
         CL-003,L-1,2,bob,dock,fail,pass\n\
         CL-003,L-1,3,bob,dock,fail,pass\n",
    );
    let run = signed(&ws, &["inspections", "import", "units.csv", "--as", "bob"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lots = ws.run(&["lots", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&lots.stdout).unwrap();
    assert_eq!(v[0]["decision"], "reject");
    assert_eq!(v[0]["nonconformance"], "NC-0001");
    let ncs = ws.run(&["nc", "list", "--json"]);
    let ncs: serde_json::Value = serde_json::from_str(&ncs.stdout).unwrap();
    assert_eq!(ncs.as_array().unwrap().len(), 1, "{ncs}");
    // The lot is closed: another import of a unit of it is refused whole.
    ws.write(
        "more.csv",
        "checklist,lot,serial,inspector,station,bore,rust\nCL-003,L-1,4,bob,dock,pass,pass\n",
    );
    let more = signed(&ws, &["inspections", "import", "more.csv", "--as", "bob"]);
    assert_inline(
        &outcome(&more),
        str![[r#"
exit: 2
error: lot L-1 of CL-003 is closed; it takes no more units and nothing was recorded

help: `sopbook lots` shows its decision; a re-inspection after rework (`--reinspect`) is not a unit of the sample

"#]],
    );
}

#[test]
fn five_rejections_on_tightened_discontinue_until_a_corrective_action() {
    let ws = incoming();
    let refused = signed(
        &ws,
        &[
            "lot",
            "reduce",
            "CL-003",
            "--supplier",
            "acme",
            "--as",
            "bob",
        ],
    );
    assert_inline(
        &outcome(&refused),
        str![[r#"
exit: 2
error: CL-003 lots from acme are on normal inspection and the history does not allow reduced inspection yet; nothing was signed

help: Z1.4 8.3.3: 10 lots in a row accepted on normal inspection, their nonconforming units within the limit number

"#]],
    );
    // Lots of 10: every unit, accept on 0; one nonconforming unit rejects.
    for k in 1..=7 {
        let lot = format!("T-{k}");
        ws.ok(&[
            "lot",
            "open",
            "CL-003",
            "--lot",
            &lot,
            "--size",
            "10",
            "--supplier",
            "acme",
            "--as",
            "bob",
        ]);
        unit(&ws, &lot, "fail");
    }
    let stopped = ws.run(&[
        "lot",
        "open",
        "CL-003",
        "--lot",
        "T-8",
        "--size",
        "10",
        "--supplier",
        "acme",
        "--as",
        "bob",
    ]);
    assert_inline(
        &outcome(&stopped),
        str![[r#"
exit: 1
error: inspection of CL-003 lots from acme is discontinued: 5 lots were not accepted on tightened inspection; inspection is discontinued until a corrective action is recorded; nothing was opened (the refusal is in the audit log)

help: record a corrective action on the nonconformance of the last rejected lot (`sopbook nc action NC-0007 TEXT --as P`); inspection then resumes on tightened

"#]],
    );
    signed(
        &ws,
        &[
            "nc",
            "disposition",
            "NC-0007",
            "return-to-supplier",
            "--as",
            "bob",
        ],
    );
    let action = signed(
        &ws,
        &[
            "nc",
            "action",
            "NC-0007",
            "New bore gauge at acme",
            "--as",
            "bob",
        ],
    );
    assert_eq!(action.code, 0, "{}", action.stderr);
    let resumed = ws.run(&[
        "lot",
        "open",
        "CL-003",
        "--lot",
        "T-8",
        "--size",
        "10",
        "--supplier",
        "acme",
        "--as",
        "bob",
    ]);
    assert_inline(
        &resumed.stdout,
        str![[r#"
lot T-8 of CL-003 (10 units): tightened inspection, code letter B
inspect every unit: 10 of 10
  AQL 1.0: 10 units (letter F), accept on 0, reject on 1

"#]],
    );
}
