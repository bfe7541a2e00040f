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
