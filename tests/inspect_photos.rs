//! `sopbook inspect --photo ITEM=PATH` and `sopbook inspections show` with
//! photos, through the real binary on the `base` fixture.

mod common;

use std::fs;

use common::{PASSWORD, Run, Ws, assert_snapshot, without_dates};

/// A 2×2 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38, 0xa1, 0xa1, 0x01,
    0x44, 0x0c, 0x10, 0x0a, 0x00, 0x21, 0x2e, 0x04, 0x61, 0xf6, 0xe1, 0xc2, 0x4d, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

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

fn ready() -> Ws {
    let ws = Ws::fixture("base");
    ws.release_all();
    fs::write(ws.path().join("scratch.png"), PNG).unwrap();
    fs::write(ws.path().join("notes.txt"), "not a photo\n").unwrap();
    ws
}

fn inspect(ws: &Ws, lot: &str, photos: &[&str]) -> Run {
    let mut args = vec!["inspect", "CL-001", "--lot", lot, "--as", "cay"];
    args.extend_from_slice(&GOOD);
    for p in photos {
        args.extend_from_slice(&["--photo", p]);
    }
    ws.run_env(&args, &[("SOPBOOK_PASSWORD", PASSWORD)])
}

fn pin(name: &str, run: &Run) {
    let times = regex::Regex::new(r"\b\d{2}:\d{2}\b").unwrap();
    assert_snapshot(
        &format!("photos/{name}"),
        &times.replace_all(
            &without_dates(&format!("exit: {}\n{}{}", run.code, run.stdout, run.stderr)),
            "[TIME]",
        ),
    );
}

fn recorded(ws: &Ws) -> usize {
    let run = ws.run(&["inspections", "list", "--json"]);
    serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn photos_given_to_inspect_are_listed_by_inspections_show() {
    let ws = ready();
    let run = inspect(&ws, "L-1", &["finish=scratch.png", "label=scratch.png"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = ws.run(&["inspections", "show", "INS-000001"]);
    pin("show", &shown);
    let json: serde_json::Value = serde_json::from_str(
        &ws.run(&["inspections", "show", "INS-000001", "--json"])
            .stdout,
    )
    .unwrap();
    pin_json(&json["photos"]);
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}

fn pin_json(photos: &serde_json::Value) {
    assert_snapshot(
        "photos/show-json",
        &format!("{}\n", serde_json::to_string_pretty(photos).unwrap()),
    );
}

#[test]
fn a_file_that_is_not_a_photo_is_refused_before_anyone_signs() {
    let ws = ready();
    pin("not-a-photo", &inspect(&ws, "L-2", &["finish=notes.txt"]));
    assert_eq!(recorded(&ws), 0);
}

#[test]
fn a_photo_for_an_item_the_checklist_lacks_is_refused() {
    let ws = ready();
    pin(
        "no-such-item",
        &inspect(&ws, "L-3", &["colour=scratch.png"]),
    );
    assert_eq!(recorded(&ws), 0);
}

#[test]
fn a_missing_photo_file_and_a_malformed_pair_are_refused() {
    let ws = ready();
    pin("missing-file", &inspect(&ws, "L-4", &["finish=gone.jpg"]));
    pin("malformed", &inspect(&ws, "L-4", &["scratch.png"]));
    assert_eq!(recorded(&ws), 0);
}

#[test]
fn a_photo_over_ten_mib_is_refused() {
    let ws = ready();
    let mut big = PNG.to_vec();
    big.resize(12 * 1024 * 1024, 0);
    fs::write(ws.path().join("big.png"), big).unwrap();
    pin("too-large", &inspect(&ws, "L-5", &["finish=big.png"]));
    assert_eq!(recorded(&ws), 0);
    assert!(
        !ws.path().join(".sopbook/photos").exists(),
        "nothing was kept"
    );
}
