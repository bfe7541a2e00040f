//! `sopbook inspections import` through the real binary, on the `base`
//! fixture with every document released: what a file may not do, and that
//! each refusal names the file, the line and the column, exits 2 and
//! records nothing.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{PASSWORD, Run, Ws, assert_snapshot, copy_dir, run_with, without_dates};

/// A copy of one released `base` workspace (releasing takes a while).
fn ready() -> Ws {
    static READY: OnceLock<Ws> = OnceLock::new();
    let released = READY.get_or_init(|| {
        // Under the target folder, so that the one copy left behind is not in /tmp.
        let ws = Ws {
            dir: tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap(),
        };
        copy_dir(&common::fixtures().join("base"), ws.path());
        ws.release_all();
        ws
    });
    let ws = Ws::empty();
    copy_dir(released.path(), ws.path());
    ws
}

const HEADER: &str =
    "checklist,lot,serial,inspector,station,recorded_at,label,length,finish,scratches,remarks\n";

/// A good row of the one-row-per-inspection layout.
fn row(serial: &str) -> String {
    format!("CL-001,L-1,{serial},cay,line-1,,p,120.0,good,0,ok\n")
}

fn import(ws: &Ws, csv: &str) -> Run {
    ws.write("batch.csv", csv);
    ws.run(&["inspections", "import", "batch.csv", "--as", "bob"])
}

fn pin(name: &str, run: &Run) {
    assert_snapshot(
        &format!("import/{name}"),
        &without_dates(&format!("exit: {}\n{}", run.code, run.stderr)),
    );
}

fn count(ws: &Ws) -> usize {
    let run = ws.run(&["inspections", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

/// Pins the refusal and checks that it is an input error that wrote nothing.
fn refused(ws: &Ws, name: &str, run: &Run) {
    pin(name, run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(count(ws), 0, "a refused import records nothing");
}

/// Records INS-000001, failed (length out of spec) or passed.
fn first_inspection(ws: &Ws, pass: bool) {
    let length = if pass { "length=120.0" } else { "length=118" };
    let run = ws.run_env(
        &[
            "inspect",
            "CL-001",
            "--lot",
            "L-0",
            "--as",
            "cay",
            "--set",
            "label=p",
            "--set",
            length,
            "--set",
            "finish=good",
            "--set",
            "scratches=0",
            "--set",
            "remarks=ok",
        ],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// 1. Lines are the lines rows start on.

#[test]
fn an_error_after_a_field_spanning_lines_names_the_line_its_row_starts_on() {
    let ws = ready();
    let csv = format!(
        "{HEADER}CL-001,L-1,S1,cay,line-1,,p,120.0,good,0,\"first\nsecond\nthird\"\n\
         CL-001,L-1,S2,cay,line-1,,p,twelve,good,0,ok\n"
    );
    refused(&ws, "multi-line-field-then-bad-value", &import(&ws, &csv));
}

#[test]
fn rows_after_blank_lines_and_crlf_line_ends_are_named_by_their_own_line() {
    let ws = ready();
    let csv = format!(
        "{}{}\r\n\r\nCL-001,L-1,S2,cay,line-1,,p,120.0,good,0,\"two\r\nlines\"\r\n\
         CL-001,L-1,S3,cay,line-1,,p,120.0,scuffed,0,ok\r\n",
        HEADER.replace('\n', "\r\n"),
        row("S1").trim_end()
    );
    refused(&ws, "crlf-and-blank-lines", &import(&ws, &csv));
}

#[test]
fn a_bad_value_in_the_one_row_per_item_layout_names_its_own_row() {
    let ws = ready();
    let csv = "checklist,lot,serial,inspector,item,value,note\n\
               CL-001,L-11,S9,cay,label,p,\n\
               CL-001,L-11,S9,cay,length,119.9,\"measured\ntwice\"\n\
               CL-001,L-11,S9,cay,finish,shiny,\n\
               CL-001,L-11,S9,cay,scratches,1,\n\
               CL-001,L-11,S9,cay,remarks,none,\n";
    refused(&ws, "long-layout-bad-value", &import(&ws, csv));
}

#[test]
fn a_row_with_too_few_fields_names_its_line() {
    let ws = ready();
    let csv = format!("{HEADER}{}\nCL-001,L-1,S2,cay\n", row("S1").trim_end());
    refused(&ws, "too-few-fields", &import(&ws, &csv));
}

// 2. Quotes.

#[test]
fn a_quoted_field_never_closed_is_refused_naming_the_line_it_starts_on() {
    let ws = ready();
    let csv = format!(
        "{HEADER}{}CL-001,L-1,S2,cay,line-1,,p,120.0,good,0,\"ok\n{}{}",
        row("S1"),
        row("S3"),
        row("S4")
    );
    refused(&ws, "unclosed-quote", &import(&ws, &csv));
}

#[test]
fn a_closing_quote_followed_by_more_text_is_refused() {
    let ws = ready();
    let csv = format!(
        "{HEADER}{}CL-001,L-1,S2,cay,line-1,,p,120.0,good,0,\"ok\nCL-001,\"L-1\",S3,cay,line-1,,p,120.0,good,0,ok\n",
        row("S1")
    );
    refused(&ws, "text-after-closing-quote", &import(&ws, &csv));
}

// 3. Re-inspections.

#[test]
fn a_row_cannot_reinspect_itself() {
    let ws = ready();
    // The row would become INS-000001.
    let csv = "checklist,lot,inspector,reinspects,label,length,finish,scratches,remarks\n\
               CL-001,L-1,cay,INS-000001,p,118,good,0,ok\n";
    refused(&ws, "reinspects-itself", &import(&ws, csv));
}

#[test]
fn a_reinspection_of_a_passed_inspection_is_refused() {
    let ws = ready();
    first_inspection(&ws, true);
    let csv = "checklist,lot,inspector,reinspects,label,length,finish,scratches,remarks\n\
               CL-001,L-0,cay,INS-000001,p,120.0,good,0,ok\n";
    let run = import(&ws, csv);
    pin("reinspects-a-pass", &run);
    assert_eq!(run.code, 2);
    assert_eq!(count(&ws), 1, "nothing was added");
}

#[test]
fn a_reinspection_of_an_unknown_inspection_names_its_row() {
    let ws = ready();
    let csv = "checklist,lot,inspector,reinspects,label,length,finish,scratches,remarks\n\
               CL-001,L-1,cay,,p,120.0,good,0,ok\n\
               CL-001,L-1,cay,INS-000099,p,120.0,good,0,ok\n";
    refused(&ws, "reinspects-unknown", &import(&ws, csv));
}

#[test]
fn a_reinspection_must_use_the_checklist_of_the_failed_inspection() {
    let ws = ready();
    first_inspection(&ws, false);
    let csv = "checklist,lot,inspector,reinspects,emotion-first\n\
               CL-002,L-0,cay,INS-000001,p\n";
    let run = import(&ws, csv);
    pin("reinspects-other-checklist", &run);
    assert_eq!(run.code, 2);
    assert_eq!(count(&ws), 1, "nothing was added");
}

#[test]
fn a_reinspection_of_a_failed_inspection_of_the_same_checklist_is_imported() {
    let ws = ready();
    first_inspection(&ws, false);
    let csv = "checklist,lot,inspector,reinspects,label,length,finish,scratches,remarks\n\
               CL-001,L-0,cay,INS-000001,p,120.0,good,0,reworked\n";
    let run = import(&ws, csv);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let show = ws.run(&["inspections", "show", "INS-000002", "--json"]);
    let shown: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(shown["reinspects"], 1);
}

// 4. Inspectors.

#[test]
fn an_inspector_not_in_sopbook_toml_is_refused_and_the_people_are_listed() {
    let ws = ready();
    let csv = format!(
        "{HEADER}{}CL-001,L-1,S2,zed,line-1,,p,120.0,good,0,ok\n",
        row("S1")
    );
    refused(&ws, "unknown-inspector", &import(&ws, &csv));
}

#[test]
fn outside_a_workspace_any_inspector_is_accepted() {
    let ws = ready();
    let station = Ws::empty();
    station.write(
        "batch.csv",
        &format!("{HEADER}CL-001,L-1,S1,zed,dock,,p,120.0,good,0,ok\n"),
    );
    let db = ws.path().join(".sopbook/records.db");
    let run = run_with(
        station.path(),
        &["inspections", "import", "batch.csv", "--as", "bob"],
        &[("SOPBOOK_DATABASE", db.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&ws), 1);
}

// 5. Columns.

#[test]
fn a_note_column_without_its_item_column_is_refused_naming_the_column() {
    let ws = ready();
    let csv = format!(
        "{},note:colour\n{},fine\n",
        HEADER.trim_end(),
        row("S1").trim_end()
    );
    refused(&ws, "note-without-item", &import(&ws, &csv));
}

#[test]
fn a_note_column_in_the_one_row_per_item_layout_is_refused() {
    let ws = ready();
    let csv = "checklist,lot,serial,inspector,item,value,note:length\n\
               CL-001,L-11,S9,cay,label,p,\n";
    refused(&ws, "note-column-in-long-layout", &import(&ws, csv));
}

#[test]
fn an_item_column_the_checklist_does_not_have_is_refused_naming_the_column() {
    let ws = ready();
    let csv = format!(
        "{},colour\n{},red\n",
        HEADER.trim_end(),
        row("S1").trim_end()
    );
    refused(&ws, "unknown-item-column", &import(&ws, &csv));
}

#[test]
fn a_column_given_twice_is_refused() {
    let ws = ready();
    let csv = format!("{},lot\n{},L-2\n", HEADER.trim_end(), row("S1").trim_end());
    refused(&ws, "column-twice", &import(&ws, &csv));
}

#[test]
fn note_columns_with_their_item_are_recorded() {
    let ws = ready();
    let csv = format!(
        "{},note:finish\n{},small scuff\n",
        HEADER.trim_end(),
        row("S1").trim_end()
    );
    let run = import(&ws, &csv);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let show = ws.run(&["inspections", "show", "INS-000001", "--json"]);
    let shown: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(shown["results"][2]["item_id"], "finish");
    assert_eq!(shown["results"][2]["note"], "small scuff");
}

// 6. Times.

#[test]
fn a_recorded_at_in_the_year_9999_is_refused() {
    let ws = ready();
    let csv = format!(
        "{HEADER}{}CL-001,L-1,S2,cay,line-1,9999-12-31 10:00,p,120.0,good,0,ok\n",
        row("S1")
    );
    refused(&ws, "recorded-in-9999", &import(&ws, &csv));
}

#[test]
fn a_recorded_at_before_2000_is_refused() {
    let ws = ready();
    let csv = format!("{HEADER}CL-001,L-1,S1,cay,line-1,1999-12-31T23:00:00Z,p,120.0,good,0,ok\n");
    refused(&ws, "recorded-before-2000", &import(&ws, &csv));
}

// 7. Special files and long rows.

fn import_path(ws: &Ws, path: &str) -> Run {
    ws.run(&["inspections", "import", path, "--as", "bob"])
}

#[test]
fn dev_zero_is_refused_before_it_is_read() {
    let ws = ready();
    refused(&ws, "dev-zero", &import_path(&ws, "/dev/zero"));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_to_dev_zero_is_refused() {
    let ws = ready();
    std::os::unix::fs::symlink("/dev/zero", ws.path().join("zero.csv")).unwrap();
    refused(&ws, "link-to-dev-zero", &import_path(&ws, "zero.csv"));
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
    let ws = ready();
    let pipe = ws.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    refused(&ws, "named-pipe", &import_path(&ws, "pipe.csv"));
}

#[test]
fn a_folder_is_refused() {
    let ws = ready();
    refused(&ws, "folder", &import_path(&ws, "checklists"));
}

#[test]
fn a_row_longer_than_1_mib_is_refused_naming_its_line() {
    let ws = ready();
    let csv = format!(
        "{HEADER}{}CL-001,L-1,S2,cay,line-1,,p,120.0,good,0,\"{}\"\n{}",
        row("S1"),
        "x".repeat(2 << 20),
        row("S3")
    );
    refused(&ws, "row-too-long", &import(&ws, &csv));
}

#[test]
fn a_file_with_only_a_header_records_nothing_not_even_an_audit_event() {
    let ws = ready();
    let events = |ws: &Ws| {
        let run = ws.run(&["audit", "log", "--json"]);
        serde_json::from_str::<serde_json::Value>(&run.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let before = events(&ws);
    refused(&ws, "header-only", &import(&ws, HEADER));
    assert_eq!(events(&ws), before);
}

#[test]
fn a_missing_file_is_refused() {
    let ws = ready();
    assert!(!Path::new(&ws.path().join("nope.csv")).exists());
    refused(&ws, "missing-file", &import_path(&ws, "nope.csv"));
}
