//! When documents are due for their periodic review.

use super::{Bench, day, kind};
use crate::error::ErrorKind;
use crate::ops::documents as docs;
use crate::ops::records::{self, DocStateWord, Due};

fn ids(d: &Due) -> Vec<&str> {
    d.rows.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn six_month_interval_is_due_six_months_after_it_took_effect() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    assert_eq!(b.status("WI-001").next_review, Some(day(2026, 9, 2)));
    let d = records::due(&mut b.ctx, "6m").unwrap();
    assert_eq!(d.horizon, day(2026, 9, 2));
    let row = d.rows.iter().find(|r| r.id == "WI-001").unwrap();
    assert_eq!(
        (row.due, row.days, row.overdue),
        (day(2026, 9, 2), 184, false)
    );
    assert_eq!(row.owner, "author");
    assert_eq!(row.owner_name.as_deref(), Some("Author"));
}

#[test]
fn periodic_review_moves_the_due_date() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.on(2026, 5, 1);
    let r = docs::review(&mut b.ctx, "WI-001", "Still right", "bob").unwrap();
    assert_eq!((r.record.as_str(), r.on), ("WI-001 rev 1", day(2026, 5, 1)));
    assert_eq!(b.status("WI-001").next_review, Some(day(2026, 11, 1)));
    let h = records::history(&mut b.ctx, "WI-001").unwrap();
    assert_eq!(h.periodic_reviews.len(), 1);
    assert_eq!(h.periodic_reviews[0].by, "bob");
}

#[test]
fn due_within_thirty_days_includes_twenty_not_forty_and_flags_overdue() {
    let mut b = Bench::new();
    b.make_effective("WI-001"); // due 2 September
    b.on(2026, 3, 22);
    b.make_effective("WI-002"); // due 22 September
    b.on(2026, 8, 13);
    let d = records::due(&mut b.ctx, "30d").unwrap();
    assert_eq!(d.horizon, day(2026, 9, 12));
    assert_eq!(ids(&d), ["WI-001"]);
    assert_eq!((d.rows[0].days, d.rows[0].overdue), (20, false));
    assert_eq!(d.overdue(), 0);

    // The horizon day itself is included.
    b.on(2026, 8, 23);
    assert_eq!(
        ids(&records::due(&mut b.ctx, "30d").unwrap()),
        ["WI-001", "WI-002"]
    );

    b.on(2026, 9, 12);
    let d = records::due(&mut b.ctx, "30d").unwrap();
    assert_eq!(ids(&d), ["WI-001", "WI-002"]);
    assert_eq!((d.rows[0].days, d.rows[0].overdue), (-10, true));
    assert_eq!((d.rows[1].days, d.rows[1].overdue), (10, false));
    assert_eq!(d.overdue(), 1);
}

#[test]
fn checklist_without_its_own_interval_is_due_after_twelve_months() {
    let mut b = Bench::new();
    b.checklist_in_force();
    assert_eq!(b.status("CL-001").next_review, Some(day(2027, 3, 2)));
    assert!(records::due(&mut b.ctx, "11m").unwrap().rows.is_empty());
    let d = records::due(&mut b.ctx, "12m").unwrap();
    assert_eq!(ids(&d), ["CL-001"]);
    // Looked after by the owner of the procedure it implements.
    assert_eq!(d.rows[0].owner, "quality-manager");
}

#[test]
fn a_span_that_is_not_one_is_invalid_and_does_not_panic() {
    let mut b = Bench::new();
    for bad in ["3ä", "ä", "ä3", "", "30", "0d", "3 ä", "101y"] {
        assert_eq!(
            kind(records::due(&mut b.ctx, bad)),
            ErrorKind::Invalid,
            "`{bad}`"
        );
    }
}

#[test]
fn two_weeks_written_out_is_accepted() {
    let mut b = Bench::new();
    assert_eq!(
        records::due(&mut b.ctx, "2 weeks").unwrap().horizon,
        day(2026, 3, 16)
    );
    assert_eq!(
        records::due(&mut b.ctx, "2W").unwrap().horizon,
        day(2026, 3, 16)
    );
    assert_eq!(
        records::due(&mut b.ctx, " 1 year ").unwrap().horizon,
        day(2027, 3, 2)
    );
}

#[test]
fn documents_not_in_force_are_never_due() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    assert!(records::due(&mut b.ctx, "100y").unwrap().rows.is_empty());
    assert_eq!(b.status("WI-001").next_review, None);
}

/// Reviewing an obsolete document makes no sense; the review must not be
/// recorded as though it were in force.
#[test]
fn a_periodic_review_of_an_obsolete_document_is_refused() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.on(2026, 3, 3);
    docs::retire(&mut b.ctx, "WI-001", "Replaced", None, "ann").unwrap();
    b.approve("WI-001", "bob").unwrap();
    assert_eq!(b.status("WI-001").state, DocStateWord::Obsolete);
    b.on(2026, 3, 4);
    let before = b.rows();
    assert!(docs::review(&mut b.ctx, "WI-001", "Still right", "bob").is_err());
    assert_eq!(b.rows(), before);
}
