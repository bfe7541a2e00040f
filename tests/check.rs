//! `sopbook check`: every kind of problem, pinned as the user sees it.

mod common;

use common::{Ws, assert_snapshot};

const FINAL: &str = "manual/quality/final-inspection.md";
const NC: &str = "manual/quality/nonconformance.md";
const CS: &str = "manual/service/complaints.md";
const CL1: &str = "checklists/final-inspection.toml";

/// Runs `check` and pins exit code and stderr.
fn check_snapshot(name: &str, ws: &Ws) {
    let run = ws.run(&["check"]);
    assert_snapshot(
        &format!("check/{name}"),
        &format!("exit: {}\n{}", run.code, run.stderr),
    );
}

#[test]
fn clean_fixture_passes() {
    let run = Ws::fixture("base").run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "Checked 3 SOPs and 2 checklists: no problems found.\n"
    );
}

#[test]
fn toml_syntax_error() {
    let ws = Ws::fixture("base");
    ws.edit(
        FINAL,
        "title = \"Final inspection\"",
        "title = \"Final inspection",
    );
    check_snapshot("toml-syntax", &ws);
}

#[test]
fn unknown_key() {
    let ws = Ws::fixture("base");
    ws.edit(FINAL, "owner = ", "ownr = ");
    check_snapshot("unknown-key", &ws);
}

#[test]
fn fpy_target_written_as_a_share_is_an_error_that_shows_the_percentage() {
    let ws = Ws::fixture("base");
    ws.edit(
        "sopbook.toml",
        "[manual]\n",
        "[quality]\nfpy_target = 0.95\n\n[manual]\n",
    );
    check_snapshot("fpy-target", &ws);
    let ws = Ws::fixture("base");
    ws.edit(
        "sopbook.toml",
        "[manual]\n",
        "[quality]\nfpy_target = \"95%\"\n\n[manual]\n",
    );
    assert_eq!(ws.run(&["check"]).code, 0);
}

#[test]
fn missing_required_field() {
    let ws = Ws::fixture("base");
    ws.edit(NC, "review_interval = \"2 years\"\n", "");
    check_snapshot("missing-field", &ws);
}

#[test]
fn missing_closing_fence() {
    let ws = Ws::fixture("base");
    ws.edit(
        FINAL,
        "reading_path = { role = \"inspector\", order = 1 }\n+++\n",
        "reading_path = { role = \"inspector\", order = 1 }\n\n",
    );
    check_snapshot("unclosed-front-matter", &ws);
}

#[test]
fn no_front_matter() {
    let ws = Ws::fixture("base");
    ws.write("manual/service/notes.md", "# Just notes\n");
    check_snapshot("missing-front-matter", &ws);
}

#[test]
fn duplicate_id_across_files() {
    let ws = Ws::fixture("base");
    ws.edit(NC, "id = \"QC-002\"", "id = \"QC-001\"");
    check_snapshot("duplicate-id", &ws);
}

#[test]
fn path_like_id() {
    let ws = Ws::fixture("base");
    ws.edit(CL1, "id = \"CL-001\"", "id = \"../x\"");
    check_snapshot("path-like-id", &ws);
}

#[test]
fn unresolved_references() {
    let ws = Ws::fixture("base");
    ws.edit(FINAL, "section = \"QC\"", "section = \"QA\"")
        .edit(FINAL, "roles = [\"inspector\"]", "roles = [\"inspecter\"]")
        .edit(
            FINAL,
            "checklists = [\"CL-001\"]",
            "checklists = [\"CL-009\"]",
        )
        .edit(FINAL, "related = [\"QC-002\"]", "related = [\"QC-404\"]");
    check_snapshot("unresolved-references", &ws);
}

#[test]
fn broken_links() {
    let ws = Ws::fixture("base");
    ws.edit(CS, "(sop:QC-001)", "(sop:QC-007)").edit(
        FINAL,
        "(checklist:CL-001)",
        "(checklist:CL-1)",
    );
    check_snapshot("broken-links", &ws);
}

#[test]
fn measurement_limits_and_unit() {
    let ws = Ws::fixture("base");
    ws.edit(CL1, "lower = 119.5", "lower = 121.0");
    check_snapshot("measure-limits", &ws);
    let ws = Ws::fixture("base");
    ws.edit(CL1, "nominal = 120.0", "nominal = 130.0");
    check_snapshot("measure-nominal", &ws);
    let ws = Ws::fixture("base");
    ws.edit(CL1, "unit = \"mm\"\n", "");
    check_snapshot("measure-unit", &ws);
}

#[test]
fn natural_bound_inside_the_limits_is_an_error_at_the_bound() {
    let ws = Ws::fixture("base");
    ws.edit(
        CL1,
        "upper = 120.5\n",
        "upper = 120.5\nupper_bound = 120.2\n",
    );
    check_snapshot("measure-bounds", &ws);
    // A bound on a limit or beyond it is fine.
    let ws = Ws::fixture("base");
    ws.edit(
        CL1,
        "upper = 120.5\n",
        "upper = 120.5\nlower_bound = 0\nupper_bound = 120.5\n",
    );
    let run = ws.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn choice_pass_not_in_options() {
    let ws = Ws::fixture("base");
    ws.edit(
        CL1,
        "pass = [\"good\", \"marked\"]",
        "pass = [\"good\", \"scuffed\"]",
    );
    check_snapshot("choice-pass", &ws);
}

#[test]
fn duplicate_reading_path_slot() {
    let ws = Ws::fixture("base");
    ws.edit(
        NC,
        "{ role = \"inspector\", order = 2 }",
        "{ role = \"inspector\", order = 1 }",
    );
    check_snapshot("reading-path-slot", &ws);
}

/// A workspace written before the key was renamed still checks, with a
/// warning at the old key that says what to rename; its reading path is
/// still published.
#[test]
fn the_old_key_onboarding_is_read_and_check_says_to_rename_it() {
    let ws = Ws::fixture("base");
    ws.edit(FINAL, "reading_path = {", "onboarding = {");
    check_snapshot("renamed-key", &ws);
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = ws.read("book/reading-paths/inspector.html");
    assert!(
        page.contains(">QC-001 Final inspection</a>"),
        "QC-001 is missing from the inspector's reading path: {page}"
    );
}

#[test]
fn the_reading_path_given_under_both_names_is_an_error() {
    let ws = Ws::fixture("base");
    ws.edit(
        FINAL,
        "reading_path = { role = \"inspector\", order = 1 }",
        "reading_path = { role = \"inspector\", order = 1 }\nonboarding = { role = \"clerk\", order = 2 }",
    );
    check_snapshot("reading-path-twice", &ws);
}

/// A template overridden under its old name is still used by `publish`, and
/// `check` says what to rename it to.
#[test]
fn a_template_under_its_old_name_is_used_and_check_says_to_rename_it() {
    let ws = Ws::fixture("base");
    ws.write(
        "templates/onboarding-index.md.hbs",
        "# Start here\n\n{{#each roles}}\n- {{name}}: {{paths}}\n{{/each}}\n",
    );
    check_snapshot("renamed-template", &ws);
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = ws.read("book/reading-paths/index.html");
    assert!(
        page.contains("<li>Inspector: QC-001 → QC-002</li>"),
        "the old override was not used: {page}"
    );
    // With the new name there as well, the old file is left unused, and check says so.
    ws.write(
        "templates/reading-paths.md.hbs",
        "# Reading paths, our way\n",
    );
    let run = ws.run(&["check"]);
    assert!(
        run.stderr.contains(
            "warning: `templates/onboarding-index.md.hbs` is not used: the template is now called `reading-paths.md.hbs`, and `templates/reading-paths.md.hbs` is used instead"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn item_problems() {
    let ws = Ws::fixture("base");
    ws.edit(CL1, "kind = \"text\"", "kind = \"essay\"")
        .edit(CL1, "id = \"scratches\"", "id = \"label\"")
        .edit(
            CL1,
            "kind = \"pass_fail\"\ncritical = true",
            "kind = \"pass_fail\"\ncritical = true\nunit = \"mm\"",
        );
    check_snapshot("item-problems", &ws);
}

#[test]
fn bad_review_interval_and_wrong_folder() {
    let ws = Ws::fixture("base");
    ws.edit(
        CS,
        "review_interval = \"6 months\"",
        "review_interval = \"half a year\"",
    );
    let text = ws.read(NC);
    ws.write("manual/service/nonconformance.md", &text);
    std::fs::remove_file(ws.path().join(NC)).unwrap();
    check_snapshot("interval-and-folder", &ws);
}

#[test]
fn broken_config() {
    let ws = Ws::fixture("base");
    ws.edit("sopbook.toml", "[manual]", "[manual]\ncolour = \"blue\"");
    check_snapshot("config-unknown-key", &ws);
}

#[test]
fn directory_where_a_file_is_expected() {
    let ws = Ws::fixture("base");
    std::fs::create_dir_all(ws.path().join("checklists/broken.toml")).unwrap();
    check_snapshot("is-a-folder", &ws);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Ws::fixture("base");
    let p = ws.path().join(CS);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        // Running as root: permissions do not stop reads. Use invalid UTF-8 instead,
        // the other way a file cannot be read as text.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(&p, b"+++\nid = \"CS-001\xff\"\n+++\n").unwrap();
        let run = ws.run(&["check"]);
        assert_eq!(run.code, 1);
        assert!(
            run.stderr
                .contains("error: `manual/service/complaints.md` is not valid UTF-8 text"),
            "{}",
            run.stderr
        );
        return;
    }
    let run = ws.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error: could not read `manual/service/complaints.md`"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_workspace() {
    let ws = Ws::empty();
    let run = ws.run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: could not find `sopbook.toml` in `[ROOT]` or any folder above it\n\nhelp: run `sopbook init` to create a workspace here, or pass -C <folder>\n"
    );
}

#[test]
fn json_output() {
    let ws = Ws::fixture("base");
    ws.edit(FINAL, "roles = [\"inspector\"]", "roles = [\"inspecter\"]");
    let run = ws.run(&["check", "--json"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v[0]["severity"], "error");
    assert_eq!(v[0]["code"], "unknown-role");
    assert_eq!(v[0]["file"], FINAL);
    assert_eq!(v[0]["line"], 6);
    assert_eq!(v[0]["column"], 10);
}

#[test]
fn many_problems_reported_at_once() {
    let ws = Ws::fixture("base");
    ws.edit(FINAL, "owner = \"inspector\"", "owner = \"nobody\"")
        .edit(CS, "id = \"CS-001\"", "id = \"CS-01\"")
        .edit(CL1, "sop = \"QC-001\"", "sop = \"QC-999\"");
    let run = ws.run(&["check", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.contains(&"unknown-owner".to_string()), "{codes:?}");
    assert!(codes.contains(&"id-format".to_string()), "{codes:?}");
    assert!(codes.contains(&"unknown-sop".to_string()), "{codes:?}");
}

/// Runs `check` in a thread, failing the test instead of hanging it.
fn check_within_a_minute(ws: &Ws) -> common::Run {
    let dir = ws.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(common::run_in(&dir, &["check"]));
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("`sopbook check` did not finish within a minute")
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_diagnostics_and_the_rest_is_checked() {
    let ws = Ws::fixture("base");
    mkfifo(&ws.path().join("manual/quality/pipe.md"));
    mkfifo(&ws.path().join("checklists/pipe.toml"));
    std::os::unix::fs::symlink("/dev/zero", ws.path().join("manual/service/zero.md")).unwrap();
    // A problem in an ordinary file is still found.
    ws.edit(
        CS,
        "review_interval = \"6 months\"",
        "review_interval = \"half a year\"",
    );
    let run = check_within_a_minute(&ws);
    assert_snapshot(
        "check/special-files",
        &format!("exit: {}\n{}", run.code, run.stderr),
    );
}

#[cfg(unix)]
#[test]
fn a_config_that_is_a_pipe_is_a_diagnostic() {
    let ws = Ws::fixture("base");
    std::fs::remove_file(ws.path().join("sopbook.toml")).unwrap();
    mkfifo(&ws.path().join("sopbook.toml"));
    let run = check_within_a_minute(&ws);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: `sopbook.toml` is a named pipe, not a regular file\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_oversized_document_is_a_diagnostic() {
    let ws = Ws::fixture("base");
    // Sparse: 20 MiB long, nothing written; sopbook must not read it.
    std::fs::File::create(ws.path().join("manual/quality/huge.md"))
        .unwrap()
        .set_len(20 * 1024 * 1024)
        .unwrap();
    check_snapshot("oversized-document", &ws);
}

#[test]
fn five_thousand_broken_links_in_one_file_are_all_reported() {
    let ws = Ws::fixture("base");
    let mut text = ws.read(CS);
    for i in 0..5_000 {
        text.push_str(&format!("See [this](sop:QC-{}) too.\n", 10_000 + i));
    }
    ws.write(CS, &text);
    let run = check_within_a_minute(&ws);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.matches("\nerror: ").count() + 1, 5_000);
    assert!(
        run.stderr
            .ends_with("Checked 3 SOPs and 2 checklists: 5000 errors, 0 warnings.\n"),
        "{}",
        &run.stderr[run.stderr.len() - 300..]
    );
}

#[test]
fn reserved_item_id() {
    let ws = Ws::fixture("base");
    ws.edit(CL1, "id = \"scratches\"", "id = \"lot\"");
    check_snapshot("reserved-item-id", &ws);
}

#[test]
fn approvals_nobody_can_give() {
    let ws = Ws::fixture("base");
    ws.edit("sopbook.toml", "approvals = 2", "approvals = 3");
    check_snapshot("approvals-unsatisfiable", &ws);
}

#[test]
fn review_interval_over_ten_years() {
    let ws = Ws::fixture("base");
    ws.edit(
        CS,
        "review_interval = \"6 months\"",
        "review_interval = \"25 years\"",
    );
    check_snapshot("review-interval-too-long", &ws);
}

#[test]
fn a_persons_dates_that_are_not_days() {
    let ws = Ws::fixture("base");
    ws.edit(
        "sopbook.toml",
        "id = \"dan\"\nname = \"Dan Clerk\"\nroles = [\"clerk\"]",
        "id = \"dan\"\nname = \"Dan Clerk\"\nroles = [\"clerk\"]\nstart = \"next Monday\"\nuntil = 2026-03-01T08:00:00",
    );
    check_snapshot("person-dates", &ws);
}
