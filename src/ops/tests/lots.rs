//! The switching rules through the operations: lots opened, their units
//! recorded as inspections, decisions taken by the last unit, and the next
//! lot's plan from the recorded history.

use super::super::lots::{self, OpenInput};
use super::super::nc::{self, StepInput};
use super::{Bench, CL_001_TEXT, PASS, kind};
use crate::error::ErrorKind;
use crate::model::records::StepKind;
use crate::model::sampling::Severity;

/// CL-001 with a sampling plan at AQL 6.5: a lot of 10 is code letter B,
/// whose 6.5 points up to A: 2 units, accept on 0, reject on 1.
fn sampled(standard: &str) -> Bench {
    let mut b = Bench::new();
    let text = format!(
        "{CL_001_TEXT}\n[sampling]\nstandard = \"{standard}\"\nlevel = \"II\"\naql = 6.5\n"
    );
    b.edit("CL-001", &text);
    b.checklist_in_force();
    b
}

fn open(b: &mut Bench, lot: &str) -> crate::error::Result<lots::Opened> {
    lots::open(
        &mut b.ctx,
        OpenInput {
            checklist: "CL-001",
            lot,
            size: 10,
            supplier: Some("acme"),
            person: "ida",
        },
    )
}

/// A lot opened and its sample inspected: with `bad` a failed unit, which
/// reaches Re 1 and closes the lot at once; else every unit passes.
fn lot(b: &mut Bench, name: &str, bad: bool) -> lots::Opened {
    let o = open(b, name).unwrap();
    if bad {
        b.inspect(name, super::LONG, None);
    } else {
        for _ in 0..o.sample {
            b.inspect(name, PASS, None);
        }
    }
    o
}

fn severity(b: &mut Bench) -> Severity {
    lots::standing(&mut b.ctx, "CL-001", "acme")
        .unwrap()
        .state
        .severity
}

#[test]
fn the_plan_follows_the_arrow_and_the_units_decide_the_lot() {
    let mut b = sampled("z1.4");
    let o = lot(&mut b, "L-1", false);
    assert_eq!((o.code_letter.as_str(), o.sample), ("B", 2));
    assert_eq!((o.classes[0].ac, o.classes[0].re), (0, 1));
    let list = lots::list(&mut b.ctx, None).unwrap();
    assert_eq!(list[0].decision, Some(crate::store::LotDecision::Accept));
    assert_eq!(list[0].sampled, 2);
}

#[test]
fn rejected_lots_go_to_tightened_then_discontinued_until_a_corrective_action() {
    let mut b = sampled("z1.4");
    lot(&mut b, "L-1", true);
    assert_eq!(severity(&mut b), Severity::Normal);
    lot(&mut b, "L-2", true);
    assert_eq!(severity(&mut b), Severity::Tightened);
    // Tightened at 6.5 for code letter B: 3 units, accept on 0.
    for k in 3..=7 {
        let o = lot(&mut b, &format!("L-{k}"), true);
        assert_eq!((o.severity, o.sample), (Severity::Tightened, 3));
    }
    assert_eq!(severity(&mut b), Severity::Discontinued);
    assert_eq!(kind(open(&mut b, "L-8")), ErrorKind::Refused);
    // One nonconformance per rejected lot: seven.
    let ncs = b.ctx.store().unwrap().nonconformances().unwrap();
    assert_eq!(ncs.len(), 7);
    let last = ncs.last().unwrap().id;
    nc::step(
        &mut b.ctx,
        &format!("NC-{last:04}"),
        StepInput {
            kind: StepKind::Disposition,
            value: "return-to-supplier",
            sop: None,
            note: "",
        },
        "cay",
    )
    .unwrap();
    nc::step(
        &mut b.ctx,
        &format!("NC-{last:04}"),
        StepInput {
            kind: StepKind::Action,
            value: "Supplier changed the bore gauge",
            sop: None,
            note: "",
        },
        "cay",
    )
    .unwrap();
    assert_eq!(severity(&mut b), Severity::Tightened);
    let o = open(&mut b, "L-8").unwrap();
    assert_eq!(o.severity, Severity::Tightened);
    // Five accepted on tightened: back to normal.
    for k in 8..=12 {
        if k > 8 {
            open(&mut b, &format!("L-{k}")).unwrap();
        }
        for _ in 0..3 {
            b.inspect(&format!("L-{k}"), PASS, None);
        }
    }
    assert_eq!(severity(&mut b), Severity::Normal);
}

#[test]
fn reduced_needs_the_history_and_a_signed_approval() {
    let mut b = sampled("iso2859-1");
    // Not allowed yet: refused, nothing signed.
    let early = lots::approve_reduced(&mut b.ctx, "CL-001", Some("acme"), "cay", "");
    assert_eq!(kind(early), ErrorKind::Conflict);
    // Ac 0: each accepted lot adds 2 to the switching score; 15 make 30.
    for k in 1..=15 {
        lot(&mut b, &format!("L-{k}"), false);
    }
    let s = lots::standing(&mut b.ctx, "CL-001", "acme").unwrap();
    assert_eq!(s.state.switching_score, Some(30));
    assert!(s.state.reduced_allowed);
    // An inspector is no responsible authority.
    let by_ida = lots::approve_reduced(&mut b.ctx, "CL-001", Some("acme"), "ida", "");
    assert_eq!(kind(by_ida), ErrorKind::Refused);
    lots::approve_reduced(&mut b.ctx, "CL-001", Some("acme"), "cay", "steady").unwrap();
    let o = open(&mut b, "L-16").unwrap();
    // Reduced, code letter B: reduced sample 2.
    assert_eq!((o.severity, o.sample), (Severity::Reduced, 2));
    b.inspect("L-16", super::LONG, None);
    assert_eq!(severity(&mut b), Severity::Normal);
}

#[test]
fn units_from_the_station_form_count_in_the_lot() {
    use crate::ops::floor::{self, Filled};
    use crate::ops::inspections::StartInput;
    let mut b = sampled("z1.4");
    open(&mut b, "L-1").unwrap();
    let form = |key: &'static str, entries| Filled {
        start: StartInput {
            checklist: "CL-001",
            lot: "L-1",
            serial: None,
            inspector: "ida",
            station: "bench-1",
            reinspect: None,
        },
        revision: Some(1),
        key: Some(key),
        entries: super::entries_of(entries),
        photos: Vec::new(),
        uploads: Vec::new(),
        language: None,
    };
    floor::submit(&mut b.ctx, form("00000000000000000000000000000011", PASS)).unwrap();
    floor::submit(
        &mut b.ctx,
        form("00000000000000000000000000000012", super::LONG),
    )
    .unwrap();
    let list = lots::list(&mut b.ctx, None).unwrap();
    assert_eq!(list[0].sampled, 2);
    assert_eq!(list[0].decision, Some(crate::store::LotDecision::Reject));
    assert_eq!(list[0].nonconformance.as_deref(), Some("NC-0001"));
    // The closed lot refuses a third unit from the form.
    let third = floor::submit(&mut b.ctx, form("00000000000000000000000000000013", PASS));
    assert_eq!(kind(third), ErrorKind::Conflict);
}
