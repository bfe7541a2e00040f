//! The rules of `adopt`, against the operation: ids kept, made unique and
//! stable across runs; a person's change never overwritten.

use std::fs;
use std::path::Path;

use crate::ops::adopt::{self, AdoptInput, Adopted, Change, DocKind};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn run(root: &Path) -> Adopted {
    adopt::adopt(AdoptInput {
        source: &root.join("src"),
        into: Some(&root.join("ws")),
        dry_run: false,
        map: None,
        git_history: false,
    })
    .unwrap()
}

fn ids(r: &Adopted) -> Vec<(String, String)> {
    r.documents
        .iter()
        .filter(|d| d.kind == DocKind::Sop)
        .map(|d| (d.source.clone(), d.id.clone()))
        .collect()
}

#[test]
fn an_id_used_twice_is_kept_once_and_the_other_document_gets_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "src/qa/a.md",
        "**ID:** QA-4\n**Owner:** QA lead\n\nA.\n",
    );
    write(
        root,
        "src/qa/b.md",
        "**ID:** QA-004\n**Owner:** QA lead\n\nB.\n",
    );
    let r = run(root);
    assert_eq!(
        ids(&r),
        [
            ("qa/a.md".to_string(), "QA-004".to_string()),
            ("qa/b.md".to_string(), "QA-005".to_string())
        ]
    );
    assert_eq!(r.decisions.len(), 1);
    assert_eq!(r.decisions[0].file, "qa/b.md");
    assert_eq!(r.decisions[0].line, Some(1));
    assert!(r.decisions[0].what.contains("also the id of qa/a.md"));
}

#[test]
fn ids_stay_as_the_last_adopt_gave_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/qa/a.md", "# A\n\nA.\n");
    write(root, "src/qa/b.md", "# B\n\nB.\n");
    let first = run(root);
    assert_eq!(first.documents[1].id, "QA-002");
    // A new document sorts first now; the others keep their ids and the
    // new one takes the next free number.
    write(root, "src/qa/0-new.md", "# New\n\nNew.\n");
    fs::remove_file(root.join("src/qa/a.md")).unwrap();
    let second = run(root);
    assert_eq!(
        ids(&second),
        [
            ("qa/0-new.md".to_string(), "QA-003".to_string()),
            ("qa/b.md".to_string(), "QA-002".to_string())
        ]
    );
    let removed: Vec<_> = second
        .files
        .iter()
        .filter(|f| f.change == Change::Removed)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(removed, ["manual/qa/a.md"]);
}

#[test]
fn a_file_a_person_changed_is_kept_and_reported_when_the_source_changed_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/qa/a.md", "# A\n\nA.\n");
    run(root);
    let page = root.join("ws/manual/qa/a.md");
    let edited = fs::read_to_string(&page).unwrap() + "\nA person's line.\n";
    fs::write(&page, &edited).unwrap();
    // Only the person changed it: theirs stands, nothing to decide.
    let r = run(root);
    assert!(r.decisions.is_empty(), "{:?}", r.decisions);
    assert_eq!(fs::read_to_string(&page).unwrap(), edited);
    // Both changed it: kept, and left to a person.
    write(root, "src/qa/a.md", "# A\n\nA, changed.\n");
    let r = run(root);
    assert_eq!(fs::read_to_string(&page).unwrap(), edited);
    assert_eq!(r.decisions.len(), 1);
    assert_eq!(r.decisions[0].file, "manual/qa/a.md");
    assert!(r.decisions[0].what.contains("in the source too"));
}
