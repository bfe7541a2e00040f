//! When a published manual is stale: the revisions in force today against
//! those it was published with (the stamp beside it).

use std::path::PathBuf;

use super::Bench;
use crate::ops::documents::{self as docs, ReleaseInput};
use crate::ops::publish::{Stamp, freshness};

/// Stamps a manual folder as if it had been published now.
fn published_now(b: &mut Bench) -> PathBuf {
    let book = b.dir.path().join("book");
    std::fs::create_dir_all(&book).unwrap();
    let records = b.ctx.store().unwrap().records().unwrap();
    Stamp::of(&records, b.ctx.today(), false)
        .write(&book)
        .unwrap();
    book
}

#[test]
fn a_manual_is_stale_once_a_revision_approved_after_it_is_published_is_in_force() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    let book = published_now(&mut b);
    let f = freshness(&mut b.ctx, &book).unwrap();
    assert!(!f.stale, "{:?}", f.why);

    b.amend("WI-001", "Check the torque twice.");
    b.release("WI-001", "ann").unwrap();
    let f = freshness(&mut b.ctx, &book).unwrap();
    assert!(
        !f.stale,
        "a revision in review changes nothing: {:?}",
        f.why
    );
    b.approve("WI-001", "bob").unwrap();
    let f = freshness(&mut b.ctx, &book).unwrap();
    assert_eq!(
        f.why.as_deref(),
        Some("WI-001 revision 2 is in force; the published manual shows revision 1")
    );
    assert!(f.stale);

    published_now(&mut b);
    assert!(!freshness(&mut b.ctx, &book).unwrap().stale);
}

#[test]
fn a_revision_approved_for_a_later_date_makes_the_manual_stale_on_that_date() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-002",
            summary: "First issue",
            effective: Some("2026-03-10"),
            minor: false,
            actor: "ann",
        },
    )
    .unwrap();
    b.approve("WI-002", "bob").unwrap();
    let book = published_now(&mut b);
    b.on(2026, 3, 9);
    assert!(!freshness(&mut b.ctx, &book).unwrap().stale);
    b.on(2026, 3, 10);
    let f = freshness(&mut b.ctx, &book).unwrap();
    assert_eq!(
        f.why.as_deref(),
        Some("WI-002 revision 1 is in force; the published manual does not show it")
    );
}

#[test]
fn a_manual_that_does_not_say_what_it_was_published_from_is_stale() {
    let mut b = Bench::new();
    let book = b.dir.path().join("book");
    std::fs::create_dir_all(&book).unwrap();
    let f = freshness(&mut b.ctx, &book).unwrap();
    assert!(f.stale);
    assert!(
        f.why
            .unwrap()
            .ends_with("does not say what it was published from")
    );
}

/// Every file of a published manual, by path, with its bytes; without the
/// manifest, which records when each file was written.
fn tree(book: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![book.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.file_name().unwrap() != crate::manual::incremental::MANIFEST {
                let rel = path.strip_prefix(book).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Publishes into `book` (again, over the manual there) and into a new
/// folder; both must hold the same files, byte for byte. Returns how many
/// books the publish into `book` built, of how many.
fn republish_equals_full(b: &mut Bench, book: &std::path::Path, drafts: bool) -> (usize, usize) {
    use crate::ops::publish::{PublishInput, publish};
    let input = |out: &std::path::Path| PublishInput {
        out: Some(out.to_path_buf()),
        drafts,
        // Several books even for this small workspace: home, one per section, checklists.
        split_above: Some(2),
        ..PublishInput::default()
    };
    let again = publish(&mut b.ctx, input(book)).unwrap();
    let fresh = b.dir.path().join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let full = publish(&mut b.ctx, input(&fresh)).unwrap();
    assert_eq!(
        full.books_built, full.books,
        "a new folder is built in full"
    );
    let (a, f) = (tree(book), tree(&fresh));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        f.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a {
        assert!(bytes == &f[path], "{path} differs from a full publish");
    }
    (again.books_built, again.books)
}

#[test]
fn publishing_again_builds_only_what_changed_and_equals_a_full_publish() {
    use crate::manual::incremental::MANIFEST;
    let mut b = Bench::new();
    for id in ["QC-001", "WI-001", "WI-002", "CL-001"] {
        b.make_effective(id);
    }
    let book = b.dir.path().join("book");
    let (built, books) = republish_equals_full(&mut b, &book, false);
    assert!(books >= 4, "the test needs several books, got {books}");
    assert_eq!(built, books, "the first publish builds everything");

    // Nothing changed: nothing is built.
    assert_eq!(republish_equals_full(&mut b, &book, false), (0, books));

    // An edited working copy, in a preview with drafts: its book, and the
    // books whose pages show it (its title in a section index, links to it).
    republish_equals_full(&mut b, &book, true);
    b.amend("WI-001", "Check the torque twice.");
    let (built, _) = republish_equals_full(&mut b, &book, true);
    assert!(built >= 1 && built < books, "{built} of {books} built");

    // A release: the document's book, and the home book's "What changed".
    republish_equals_full(&mut b, &book, false);
    b.on(2026, 3, 3);
    republish_equals_full(&mut b, &book, false);
    b.release("WI-001", "ann").unwrap();
    b.approve("WI-001", "bob").unwrap();
    let (built, _) = republish_equals_full(&mut b, &book, false);
    assert!(built >= 1 && built < books, "{built} of {books} built");

    // A retirement: the document leaves its book, "Obsolete" lists it.
    docs::retire(&mut b.ctx, "WI-002", "Replaced by WI-001", None, "ann").unwrap();
    b.approve("WI-002", "bob").unwrap();
    let (built, books) = republish_equals_full(&mut b, &book, false);
    assert!(built >= 1 && built < books, "{built} of {books} built");

    // A file of the manual changed by hand: its book is built again.
    let page = book.join("work/index.html");
    std::fs::write(&page, "changed by hand").unwrap();
    let (built, _) = republish_equals_full(&mut b, &book, false);
    assert_eq!(built, 1, "only the changed file's book");

    // A manifest edited by hand, or missing: everything is built.
    let manifest = book.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("index.html", "index.htm", 1)).unwrap();
    assert_eq!(republish_equals_full(&mut b, &book, false), (books, books));
    std::fs::remove_file(&manifest).unwrap();
    assert_eq!(republish_equals_full(&mut b, &book, false), (books, books));

    // sopbook.toml changed: everything is built.
    let config = b.dir.path().join("sopbook.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n# A comment changes no setting, but the file changed.\n");
    std::fs::write(&config, text).unwrap();
    b.ctx
        .set_workspace(crate::workspace::Workspace::load(b.dir.path()).unwrap());
    assert_eq!(republish_equals_full(&mut b, &book, false), (books, books));
}
