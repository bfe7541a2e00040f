//! The text that the read-only commands print, as a user sees it on the
//! terminal, pinned as file snapshots under `tests/snapshots/views/`.
//!
//! One small but realistic history is built in the `base` fixture (releases,
//! a revision, a revision waiting for approval, passing and failing
//! inspections, a void, a nonconformance worked through to its close) and
//! every view of it is pinned. Dates, times and day counts change from run to
//! run; `normalise` replaces them with placeholders of the same width, so the
//! snapshots still show how the columns line up.

mod common;

use common::{PASSWORD, Run, Ws, assert_snapshot};
use regex::Regex;
use unicode_width::UnicodeWidthStr;

const FINAL: &str = "manual/quality/final-inspection.md";
const COMPLAINTS: &str = "manual/service/complaints.md";

/// Dates, times, week numbers, day counts and hashes as placeholders of
/// the same width: `YYYY-MM-DD`, `HH:MM`, `YYYY-Www`, `N` for each digit of
/// a count of days, and 64 `#` for a SHA-256 hash.
fn normalise(text: &str) -> String {
    let text = Regex::new(r"\b[0-9a-f]{64}\b")
        .unwrap()
        .replace_all(text, "#".repeat(64));
    let text = Regex::new(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
        .unwrap()
        .replace_all(&text, "YYYY-MM-DD HH:MM");
    let text = Regex::new(r"\d{4}-\d{2}-\d{2}")
        .unwrap()
        .replace_all(&text, "YYYY-MM-DD");
    let text = Regex::new(r"\d{4}-W\d{2}")
        .unwrap()
        .replace_all(&text, "YYYY-Www");
    // "(in 182 days)", "(24 days)": relative to today.
    let text =
        Regex::new(r"\((in )?(\d+) days?\)")
            .unwrap()
            .replace_all(&text, |c: &regex::Captures| {
                let n = &c[2];
                let unit = &c[0][c[0].rfind(' ').unwrap()..];
                format!(
                    "({}{}{unit}",
                    c.get(1).map_or("", |m| m.as_str()),
                    "N".repeat(n.len())
                )
            });
    text.into_owned()
}

/// The digits of a right-aligned column ending under the end of `header`
/// on the first line, replaced with `N` (the age of a nonconformance).
fn mask_column(text: &str, header: &str) -> String {
    let mut lines = text.lines();
    let head = lines.next().unwrap_or("");
    let end = head.find(header).expect("header") + header.len();
    let mut out = format!("{head}\n");
    for line in lines {
        let cut = line.char_indices().nth(end).map_or(line.len(), |(i, _)| i);
        let (left, right) = line.split_at(cut);
        let digits = left.len() - left.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&left[..left.len() - digits]);
        out.push_str(&"N".repeat(digits));
        out.push_str(right);
        out.push('\n');
    }
    out
}

fn signed(ws: &Ws, args: &[&str]) -> Run {
    let run = ws.run_env(args, &[("SOPBOOK_PASSWORD", PASSWORD)]);
    assert_eq!(run.code, 0, "sopbook {args:?} failed:\n{}", run.stderr);
    run
}

/// A CL-001 inspection by cay; `set` are ITEM=VALUE pairs.
fn inspect(ws: &Ws, lot: &str, set: &[(&str, &str)], extra: &[&str]) -> Run {
    let mut args: Vec<String> = ["inspect", "CL-001", "--lot", lot, "--as", "cay"]
        .map(String::from)
        .to_vec();
    for (item, value) in set {
        args.push("--set".into());
        args.push(format!("{item}={value}"));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = ws.run_env(&args, &[("SOPBOOK_PASSWORD", PASSWORD)]);
    assert_eq!(run.code, 0, "sopbook {args:?} failed:\n{}", run.stderr);
    run
}

fn good<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut set = vec![
        ("label", "p"),
        ("length", "120.1"),
        ("finish", "good"),
        ("scratches", "0"),
        ("remarks", "fine"),
    ];
    for (item, value) in changes {
        set.iter_mut().find(|(i, _)| i == item).unwrap().1 = value;
    }
    set
}

/// The `base` fixture with a small history of document control and of the
/// shop floor.
fn history() -> Ws {
    let ws = Ws::fixture("base");
    ws.release_all();

    // The floor, against CL-001 rev 1.
    inspect(
        &ws,
        "L-1",
        &good(&[("finish", "marked")]),
        &[
            "--serial",
            "W1-0001",
            "--note",
            "finish=small mark on the lid",
        ],
    ); // INS-000001 PASS
    let run = inspect(
        &ws,
        "L-1",
        &good(&[("length", "120.9")]),
        &["--serial", "W1-0002"],
    ); // INS-000002 FAIL, NC-0001
    assert_eq!(run.stdout, "INS-000002 FAIL\n");
    inspect(&ws, "L-2", &good(&[("length", "119.9")]), &[]); // INS-000003 PASS
    inspect(&ws, "L-2", &good(&[]), &[]); // INS-000004 PASS, voided
    signed(
        &ws,
        &[
            "inspections",
            "void",
            "INS-000004",
            "--reason",
            "recorded against the wrong lot",
            "--as",
            "bob",
        ],
    );
    signed(
        &ws,
        &[
            "nc",
            "disposition",
            "NC-0001",
            "rework",
            "--note",
            "re-machine the end",
            "--as",
            "bob",
        ],
    );
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
            "bob",
        ],
    );
    inspect(
        &ws,
        "L-1",
        &good(&[("length", "120.2")]),
        &["--serial", "W1-0002", "--reinspect", "INS-000002"],
    ); // INS-000005 PASS, re-inspection
    signed(
        &ws,
        &[
            "nc",
            "close",
            "NC-0001",
            "--note",
            "reworked unit passed",
            "--as",
            "bob",
        ],
    );
    inspect(
        &ws,
        "L-3",
        &good(&[("finish", "damaged"), ("scratches", "4")]),
        &[],
    ); // INS-000006 FAIL, NC-0002 stays open

    // Document control: QC-001 revised for the corrective action and
    // approved; CS-001 revised, rejected, revised again and waiting;
    // QC-002 edited but not released; a periodic review of CL-002.
    ws.edit(
        FINAL,
        "1. Take the unit off the line.",
        "1. Take the unit off the line; check the saw stop.",
    );
    signed(
        &ws,
        &[
            "release",
            "QC-001",
            "--summary",
            "Saw stop check (NC-0001)",
            "--as",
            "ann",
        ],
    );
    signed(&ws, &["approve", "QC-001", "--as", "cay"]);
    signed(&ws, &["approve", "QC-001", "--as", "bob"]);
    ws.edit(
        COMPLAINTS,
        "1. Deal with the feeling first.",
        "1. Deal with the feeling first; then the facts.",
    );
    signed(
        &ws,
        &[
            "release",
            "CS-001",
            "--summary",
            "Feelings, then facts",
            "--as",
            "dan",
        ],
    );
    signed(
        &ws,
        &[
            "reject",
            "CS-001",
            "--reason",
            "say who calls the customer back",
            "--as",
            "bob",
        ],
    );
    ws.edit(
        COMPLAINTS,
        "2. Say what will be done",
        "2. The clerk who took the call calls back.\n3. Say what will be done",
    );
    signed(
        &ws,
        &[
            "release",
            "CS-001",
            "--summary",
            "Feelings, then facts; who calls back",
            "--as",
            "dan",
        ],
    );
    signed(
        &ws,
        &[
            "review",
            "CL-002",
            "--note",
            "still matches the complaint form",
            "--as",
            "bob",
        ],
    );
    ws.edit(
        "manual/quality/nonconformance.md",
        "put it on the quarantine shelf",
        "put it on the red quarantine shelf",
    );
    ws
}

/// Runs a read-only command that must succeed and returns what the user
/// sees: the command, its standard output and, when there is any, its
/// standard error, normalised.
fn view(ws: &Ws, args: &[&str]) -> String {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?} failed:\n{}", run.stderr);
    shown(args, &run)
}

fn shown(args: &[&str], run: &Run) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("\"{a}\"")
            } else {
                a.to_string()
            }
        })
        .collect();
    let mut text = format!("$ sopbook {}\n{}", args.join(" "), run.stdout);
    if !run.stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&run.stderr);
    }
    normalise(&text)
}

fn pin(name: &str, text: &str) {
    assert_snapshot(&format!("views/{name}"), text);
}

#[test]
fn document_control_views() {
    let ws = history();
    pin("status", &view(&ws, &["status"]));
    pin("history-QC-001", &view(&ws, &["history", "QC-001"]));
    pin("history-CS-001", &view(&ws, &["history", "CS-001"]));
    pin("history-CL-002", &view(&ws, &["history", "CL-002"]));
    pin("due", &view(&ws, &["due"]));
    pin(
        "due-within-2-years",
        &view(&ws, &["due", "--within", "2 years"]),
    );
    pin("people", &view(&ws, &["people"]));
    pin("audit-log", &view(&ws, &["audit", "log"]));
}

#[test]
fn floor_views() {
    let ws = history();
    pin("inspections-list", &view(&ws, &["inspections", "list"]));
    for id in ["INS-000001", "INS-000002", "INS-000004", "INS-000005"] {
        pin(
            &format!("inspections-show-{id}"),
            &view(&ws, &["inspections", "show", id]),
        );
    }
    let mut run = ws.run(&["nc", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout = mask_column(&run.stdout, "AGE");
    pin("nc-list", &shown(&["nc", "list"], &run));
    pin("nc-show-NC-0001", &view(&ws, &["nc", "show", "NC-0001"]));
    pin("nc-show-NC-0002", &view(&ws, &["nc", "show", "NC-0002"]));
    pin("report", &view(&ws, &["report"]));
    pin("report-by-item", &view(&ws, &["report", "--by", "item"]));
    pin("report-by-week", &view(&ws, &["report", "--by", "week"]));
}

#[test]
fn spc_views() {
    let ws = Ws::fixture("base");
    ws.release_all();
    // Individuals 8 10 8 11 9 11 10 12 10 12 hundredths above 120 mm: in
    // control, no Western Electric rule broken.
    for (k, x) in [8, 10, 8, 11, 9, 11, 10, 12, 10, 12].iter().enumerate() {
        let value = format!("{}", 120.0 + f64::from(*x) / 100.0);
        inspect(&ws, &format!("S{k}"), &good(&[("length", &value)]), &[]);
    }
    pin("spc-in-control", &view(&ws, &["spc", "CL-001", "length"]));
    // Then a value far above the upper control limit (still in spec), and a
    // run of values above the centre line.
    inspect(&ws, "S10", &good(&[("length", "120.45")]), &[]);
    for k in 11..20 {
        inspect(&ws, &format!("S{k}"), &good(&[("length", "120.13")]), &[]);
    }
    pin("spc-rules-broken", &view(&ws, &["spc", "CL-001", "length"]));
}

/// Where each cell of a table line starts, in display columns: cells are
/// separated by two or more spaces.
fn cell_starts(line: &str) -> Vec<usize> {
    let gap = Regex::new(r" {2,}").unwrap();
    let mut starts = vec![0];
    for m in gap.find_iter(line) {
        starts.push(line[..m.end()].width());
    }
    starts
}

#[test]
fn status_lines_up_hebrew_and_chinese_titles() {
    let ws = Ws::fixture("base");
    ws.release_all();
    ws.edit(
        FINAL,
        "title = \"Final inspection\"",
        "title = \"בדיקה סופית\"",
    );
    // 21 wide characters, 42 columns: cut in the title column.
    ws.edit(
        COMPLAINTS,
        "title = \"Handling a complaint\"",
        "title = \"处理客户投诉与退货的标准作业程序及记录要求\"",
    );
    ws.edit(
        "manual/quality/nonconformance.md",
        "title = \"Handling a nonconformance\"",
        "title = \"处理不合格品\"",
    );
    let check = ws.run(&["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let run = ws.run(&["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    pin("status-wide-titles", &shown(&["status"], &run));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.len() >= 6, "{}", run.stdout);
    let header = cell_starts(lines[0]);
    assert_eq!(header.len(), 6, "{}", lines[0]);
    for line in &lines[1..] {
        assert_eq!(
            cell_starts(line),
            header,
            "the columns after the title do not line up:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("处理不合格品"),
        "a short wide title is not cut"
    );
}

#[test]
fn status_shows_an_escape_in_a_title_escaped() {
    let ws = Ws::fixture("base");
    ws.release_all();
    ws.edit(
        COMPLAINTS,
        "title = \"Handling a complaint\"",
        "title = \"Handling a \\u001b[31mcomplaint\"",
    );
    assert!(ws.read(COMPLAINTS).contains("\\u001b[31m"));
    let run = ws.run(&["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains('\u{1b}'),
        "a raw ESC reaches the terminal:\n{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Handling a \\u{1b}[31mcomplaint"),
        "{}",
        run.stdout
    );
    pin("status-escape-in-title", &shown(&["status"], &run));
}

#[test]
fn every_man_page_the_man_pages_name_is_written() {
    let ws = Ws::fixture("base");
    let run = ws.run(&["man", "--out", "man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = ws.path().join("man");
    let mut named = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (at, _) in text.match_indices("(1)") {
            let start = text[..at].rfind(['\n', ' ']).map_or(0, |i| i + 1);
            let page = text[start..at].replace("\\-", "-");
            if page.starts_with("sopbook") {
                named += 1;
                assert!(
                    dir.join(format!("{page}.1")).is_file(),
                    "{page}(1) is named but not written"
                );
            }
        }
    }
    assert!(named > 10, "the pages name each other: {named}");
}
