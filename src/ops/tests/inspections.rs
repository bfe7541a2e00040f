//! Starting and recording inspections: only a checklist in force, only a
//! known inspector, re-inspections only of failed inspections.

use super::{BAD, Bench, LONG, PASS, entries_of, kind};
use crate::error::ErrorKind;
use crate::model::records::Verdict;
use crate::ops::documents as docs;
use crate::ops::inspections::{self as ins, StartInput};

fn start_input<'a>(inspector: &'a str, reinspect: Option<&'a str>) -> StartInput<'a> {
    StartInput {
        checklist: "CL-001",
        lot: "L-1",
        serial: None,
        inspector,
        station: "bench-1",
        reinspect,
    }
}

#[test]
fn a_draft_checklist_cannot_be_used_to_inspect() {
    let mut b = Bench::new();
    assert_eq!(
        kind(ins::start(&mut b.ctx, start_input("ida", None))),
        ErrorKind::Conflict
    );
    b.release("CL-001", "ann").unwrap();
    // Released but not approved: still not in force.
    assert_eq!(
        kind(ins::start(&mut b.ctx, start_input("ida", None))),
        ErrorKind::Conflict
    );
}

#[test]
fn an_unknown_inspector_is_a_recorded_refusal() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let before = b.rows();
    assert_eq!(
        kind(ins::start(&mut b.ctx, start_input("zed", None))),
        ErrorKind::Refused
    );
    assert_eq!(b.rows().events, before.events + 1);
    assert_eq!(b.events().pop().unwrap().action, "refused");
}

#[test]
fn verdicts_follow_the_items_and_only_failures_open_a_nonconformance() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let ok = b.inspect("L-1", PASS, None);
    assert_eq!(
        (ok.verdict, ok.nonconformance.as_deref()),
        (Verdict::Pass, None)
    );
    assert_eq!((ok.name.as_str(), ok.revision), ("INS-000001", 1));
    let long = b.inspect("L-2", LONG, None);
    assert_eq!(
        (long.verdict, long.nonconformance.as_deref()),
        (Verdict::Fail, Some("NC-0001"))
    );
    let bad = b.inspect("L-3", BAD, None);
    assert_eq!(bad.nonconformance.as_deref(), Some("NC-0002"));
}

#[test]
fn a_missing_item_is_invalid_and_records_nothing() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let form = ins::start(&mut b.ctx, start_input("ida", None)).unwrap();
    let mut entries = entries_of(PASS);
    entries.pop();
    let before = b.rows();
    assert_eq!(
        kind(ins::record(&mut b.ctx, &form, &entries, &[])),
        ErrorKind::Invalid
    );
    assert_eq!(b.rows(), before);
    assert!(
        ins::list(&mut b.ctx, Default::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn reinspecting_a_passing_inspection_is_refused() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let ok = b.inspect("L-1", PASS, None);
    let r = ins::start(&mut b.ctx, start_input("ida", Some(&ok.name)));
    assert_eq!(kind(r), ErrorKind::Invalid);
    assert_eq!(
        kind(ins::start(
            &mut b.ctx,
            start_input("ida", Some("INS-000099"))
        )),
        ErrorKind::NotFound
    );
}

#[test]
fn an_obsolete_checklist_cannot_be_used_to_inspect() {
    let mut b = Bench::new();
    b.checklist_in_force();
    b.on(2026, 3, 3);
    docs::retire(&mut b.ctx, "CL-001", "Replaced", None, "ann").unwrap();
    b.approve("CL-001", "bob").unwrap();
    assert_eq!(
        kind(ins::start(&mut b.ctx, start_input("ida", None))),
        ErrorKind::Conflict
    );
}
