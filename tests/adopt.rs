//! `sopbook adopt`: each kind of collection under `tests/fixtures/adopt/`
//! adopted into a workspace that `check` accepts, the report and a few of
//! the files written pinned; `--dry-run`, a second run after changes, and
//! the errors that stop it.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{Run, Ws, assert_inline, assert_snapshot, copy_dir, fixtures, run_in};
use snapbox::str;

/// A temporary folder holding a copy of the fixture collection `name`.
fn collection(name: &str) -> Ws {
    let ws = Ws::empty();
    copy_dir(&fixtures().join("adopt").join(name), &ws.path().join(name));
    ws
}

fn adopt(ws: &Ws, args: &[&str]) -> Run {
    let mut all = vec!["adopt"];
    all.extend_from_slice(args);
    ws.run(&all)
}

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// `check` in the adopted workspace: no errors.
#[track_caller]
fn checks_clean(ws: &Ws, into: &str) -> Run {
    let run = run_in(&ws.path().join(into), &["check"]);
    assert_eq!(run.code, 0, "check failed:\n{}", run.stderr);
    assert!(run.stderr.contains(": 0 errors,"), "{}", run.stderr);
    run
}

#[test]
fn plain_folders_with_metadata_tables_and_history_tables() {
    let ws = collection("plain");
    let before = contents(&ws.path().join("plain"));
    let run = adopt(&ws, &["plain", "--into", "ws"]);
    assert_eq!(
        run.code, 1,
        "a link that does not resolve is left to a person"
    );
    assert_snapshot("adopt/plain-report", &run.stdout);
    assert_eq!(
        contents(&ws.path().join("plain")),
        before,
        "the source is never touched"
    );
    assert_snapshot(
        "adopt/plain-receiving.md",
        &ws.read("ws/manual/quality/receiving.md"),
    );
    assert_snapshot("adopt/plain-sopbook.toml", &ws.read("ws/sopbook.toml"));
    assert_eq!(
        fs::read(ws.path().join("ws/manual/quality/scale.png")).unwrap(),
        fs::read(ws.path().join("plain/quality/img/scale.png")).unwrap(),
        "images are copied beside the page"
    );
    let check = checks_clean(&ws, "ws");
    assert!(
        check.stderr.contains("Checked 3 SOPs and 0 checklists"),
        "{}",
        check.stderr
    );
    // The history kept by hand shows in `history` and on the page.
    let history = run_in(&ws.path().join("ws"), &["history", "QC-003"]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    assert_inline(
        &history.stdout,
        str![[r#"
QC-003 Receiving inspection

  before sopbook  kept by hand, not signed records
    1.0  2022-03-01  Kari Lund  First issue
    2.0  2023-06-12  Per Aas    Sample size from the supplier's history
    2.1  2024-09-30  Kari Lund  New bench scale

  never released in sopbook

"#]],
    );
    let publish = run_in(&ws.path().join("ws"), &["publish", "--drafts"]);
    assert_eq!(publish.code, 0, "{}", publish.stderr);
    let page = ws.read("ws/book/quality/receiving.html");
    assert!(page.contains("History before sopbook"), "{page}");
    assert!(page.contains("New bench scale"), "{page}");
}

#[test]
fn mdbook_keeps_the_summary_order_and_maps_ids_by_rule() {
    let ws = collection("mdbook");
    fs::copy(
        fixtures().join("adopt/hw-map.toml"),
        ws.path().join("hw-map.toml"),
    )
    .unwrap();
    let run = adopt(&ws, &["mdbook", "--into", "ws", "--map", "hw-map.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_snapshot("adopt/mdbook-report", &run.stdout);
    assert_snapshot(
        "adopt/mdbook-lockout.md",
        &ws.read("ws/manual/safety/lockout.md"),
    );
    assert_snapshot(
        "adopt/mdbook-lockout.toml",
        &ws.read("ws/checklists/lockout.toml"),
    );
    assert!(
        ws.read("ws/manual/hot-work/hot-work.md")
            .contains("id = \"HW-012\""),
        "HW-SOP12 becomes HW-012 by the rule"
    );
    checks_clean(&ws, "ws");
}

#[test]
fn mkdocs_nav_and_paired_language_files() {
    let ws = collection("mkdocs");
    let run = adopt(&ws, &["mkdocs", "--into", "ws"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_snapshot("adopt/mkdocs-report", &run.stdout);
    assert_snapshot(
        "adopt/mkdocs-daily.th.md",
        &ws.read("ws/manual/cleaning/daily.th.md"),
    );
    assert_snapshot("adopt/mkdocs-sopbook.toml", &ws.read("ws/sopbook.toml"));
    let check = checks_clean(&ws, "ws");
    assert!(
        check
            .stderr
            .contains("Checked 3 SOPs, 0 checklists and 2 translations"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_handbook_of_task_lists_without_metadata() {
    let ws = collection("handbook");
    let run = adopt(&ws, &["handbook", "--into", "ws"]);
    assert_eq!(run.code, 1, "draft checklists are left for review");
    assert_snapshot("adopt/handbook-report", &run.stdout);
    assert_snapshot(
        "adopt/handbook-opening.md",
        &ws.read("ws/manual/general/opening.md"),
    );
    assert_snapshot(
        "adopt/handbook-opening-2.toml",
        &ws.read("ws/checklists/opening-2.toml"),
    );
    checks_clean(&ws, "ws");
}

#[test]
fn dry_run_writes_nothing_and_reports_as_json_too() {
    let ws = collection("handbook");
    let run = adopt(&ws, &["handbook", "--into", "ws", "--dry-run"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("Would adopt handbook"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Files would be added 6,"),
        "{}",
        run.stdout
    );
    assert!(!ws.path().join("ws").exists(), "--dry-run wrote something");
    let run = adopt(&ws, &["handbook", "--into", "ws", "--dry-run", "--json"]);
    assert!(!ws.path().join("ws").exists());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["layout"], "markdown");
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["documents"][0]["id"], "GEN-001");
    assert_eq!(v["documents"][1]["kind"], "checklist");
    assert_eq!(v["files"].as_array().unwrap().len(), 6);
    assert_eq!(v["decisions"].as_array().unwrap().len(), 3);
}

#[test]
fn a_second_run_updates_what_nobody_changed_and_keeps_what_a_person_did() {
    let ws = collection("handbook");
    assert_eq!(adopt(&ws, &["handbook", "--into", "ws"]).code, 1);
    let first_ids = ws.read("ws/adopt.toml");
    // The team goes on in the old place; someone edits the workspace too.
    ws.edit(
        "handbook/closing.md",
        "- [ ] Lock the front door",
        "- [ ] Lock the front door\n- [ ] Set the alarm",
    );
    ws.write(
        "handbook/breaks.md",
        "# Breaks\n\nTake them away from the benches.\n",
    );
    ws.edit(
        "ws/manual/general/opening.md",
        "## Before the first job",
        "## Before the first job (from 7:00)",
    );
    let run = adopt(&ws, &["handbook", "--into", "ws"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_snapshot("adopt/handbook-rerun", &run.stdout);
    assert!(
        ws.read("ws/manual/general/opening.md")
            .contains("(from 7:00)")
    );
    assert!(
        ws.read("ws/checklists/closing.toml")
            .contains("Set the alarm")
    );
    assert!(first_ids.contains("id = \"GEN-002\""));
    assert!(ws.read("ws/adopt.toml").contains("id = \"GEN-002\""));
    checks_clean(&ws, "ws");
    // A third run with nothing new: nothing to do, nothing to decide.
    let run = adopt(&ws, &["handbook", "--into", "ws"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "Files added 0, changed 0, removed 0, unchanged 6, kept as a person left them 1"
        ),
        "{}",
        run.stdout
    );
    // A document gone from the source goes from the workspace.
    fs::remove_file(ws.path().join("handbook/breaks.md")).unwrap();
    let run = adopt(&ws, &["handbook", "--into", "ws"]);
    assert!(
        run.stdout.contains("  removed  manual/general/breaks.md\n"),
        "{}",
        run.stdout
    );
    assert!(!ws.path().join("ws/manual/general/breaks.md").exists());
}

#[test]
fn errors_name_the_place_and_what_to_do() {
    let ws = collection("handbook");
    ws.write("notes.txt", "not a folder\n");
    ws.write(
        "bad-map.toml",
        "[[rule]]\npattern = 'GDI-SOP\\d+'\nsection = \"GDI\"\n",
    );
    let run = adopt(&ws, &["notes.txt"]);
    assert_eq!(run.code, 2);
    assert_inline(
        &run.stderr,
        str![[r#"
error: `notes.txt` is not a folder

help: give the folder that holds the collection: its Markdown files, book.toml or mkdocs.yml

"#]],
    );
    let run = adopt(&ws, &["handbook", "--map", "bad-map.toml", "--into", "ws"]);
    assert_eq!(run.code, 2);
    assert_inline(
        &run.stderr,
        str![[r#"
error: bad-map.toml:2:11: the pattern has 0 groups; it needs exactly one, around the number

help: write one [[rule]] per id pattern, e.g.
  [[rule]]
  pattern = 'GDI-SOP(\d+)'   # a regular expression; its one group is the number
  section = "GDI"             # the section id: 2 to 5 capital letters

"#]],
    );
    let run = adopt(&ws, &["handbook", "--into", "handbook/ws"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("adopt never writes into the source"),
        "{}",
        run.stderr
    );
    assert!(!ws.path().join("ws").exists());
    assert!(!ws.path().join("handbook/ws").exists());
    let run = adopt(&ws, &["handbook", "--into", "handbook"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("adopt never writes into the source"),
        "{}",
        run.stderr
    );
    assert!(!ws.path().join("handbook/adopt.toml").exists());
}

#[test]
fn a_broken_mkdocs_yml_stops_adopt_and_bad_front_matter_is_left_to_a_person() {
    let ws = collection("mkdocs");
    ws.edit(
        "mkdocs/mkdocs.yml",
        "  - Home: index.md",
        "  - Home: [index.md",
    );
    let run = adopt(&ws, &["mkdocs", "--into", "ws"]);
    assert_eq!(run.code, 2);
    assert_inline(
        &run.stderr,
        str![[r#"
error: mkdocs/mkdocs.yml:11:13: mkdocs.yml does not parse: illegal placement of ':' indicator

help: fix the file in the collection, or move it aside, and run adopt again

"#]],
    );
    assert!(!ws.path().join("ws").exists());
    let ws = collection("mkdocs");
    ws.edit(
        "mkdocs/docs/cleaning/daily.en.md",
        "roles: Technician",
        "roles: [Technician",
    );
    let run = adopt(&ws, &["mkdocs", "--into", "ws", "--dry-run"]);
    assert_eq!(run.code, 1);
    let decisions = &run.stdout[run.stdout.find("Left for a person").unwrap()..];
    assert_inline(
        decisions,
        str![[r#"
Left for a person to decide (1):
  docs/cleaning/daily.en.md:5:1: the YAML front matter does not parse: while parsing a flow sequence, expected ',' or ']'; it was kept in the body as text

"#]],
    );
}

#[test]
fn git_history_is_summarised_as_history_before_sopbook() {
    let ws = collection("handbook");
    let dir = ws.path().join("handbook");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .env("GIT_AUTHOR_NAME", "Siv Holm")
            .env("GIT_AUTHOR_EMAIL", "siv@example.org")
            .env("GIT_COMMITTER_NAME", "Siv Holm")
            .env("GIT_COMMITTER_EMAIL", "siv@example.org")
            .env("GIT_AUTHOR_DATE", "2024-03-04T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2024-03-04T10:00:00Z")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Without a repository: said once, and the rest is adopted.
    let run = adopt(
        &ws,
        &["handbook", "--into", "ws", "--git-history", "--dry-run"],
    );
    assert!(
        run.stdout
            .contains("  handbook: --git-history: git could not read the history of `handbook`"),
        "{}",
        run.stdout
    );
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "Opening and closing lists"]);
    let run = adopt(&ws, &["handbook", "--into", "ws", "--git-history"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let text = ws.read("ws/manual/general/closing.md");
    let history = &text[text.find("## History before sopbook").unwrap()..];
    let history = regex::Regex::new("git [0-9a-f]{7,}")
        .unwrap()
        .replace(history, "git [HASH]");
    assert_inline(
        &history,
        str![[r#"
## History before sopbook

Taken from its file's git history, before this document came under sopbook.

| Version | Date | Author | Change |
| --- | --- | --- | --- |
| git [HASH] | 2024-03-04 | Siv Holm | Opening and closing lists |

"#]],
    );
}

#[test]
fn a_file_that_is_not_utf8_is_left_out_at_its_line() {
    let ws = collection("handbook");
    fs::write(
        ws.path().join("handbook/old.md"),
        b"# Old notes\n\nCaf\xe9 opens at 7.\n",
    )
    .unwrap();
    let run = adopt(&ws, &["handbook", "--into", "ws"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("  old.md:3:4: the file is not UTF-8 text, so it was not adopted: save it as UTF-8 and run adopt again\n"),
        "{}",
        run.stdout
    );
    checks_clean(&ws, "ws");
}
