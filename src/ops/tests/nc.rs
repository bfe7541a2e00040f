//! Nonconformances: what a failed inspection opens and what closes it.

use super::{Bench, LONG, PASS, kind};
use crate::error::{ErrorKind, Result};
use crate::ops::inspections as ins;
use crate::ops::nc::{self, NcStatus, StepInput, StepKind, StepRecorded};

/// A bench with CL-001 in force and one failed inspection (INS-000001)
/// that opened NC-0001.
fn failed() -> Bench {
    let mut b = Bench::new();
    b.checklist_in_force();
    let r = b.inspect("L-7", LONG, None);
    assert_eq!(
        (r.name.as_str(), r.nonconformance.as_deref()),
        ("INS-000001", Some("NC-0001"))
    );
    b
}

fn step(b: &mut Bench, kind: StepKind, value: &str, sop: Option<&str>) -> Result<StepRecorded> {
    nc::step(
        &mut b.ctx,
        "NC-0001",
        StepInput {
            kind,
            value,
            sop,
            note: "",
        },
        "cay",
    )
}

fn disposition(b: &mut Bench, value: &str) -> Result<StepRecorded> {
    step(b, StepKind::Disposition, value, None)
}

fn close(b: &mut Bench) -> Result<StepRecorded> {
    step(b, StepKind::Close, "", None)
}

fn status(b: &mut Bench) -> NcStatus {
    nc::show(&mut b.ctx, "NC-0001").unwrap().status
}

#[test]
fn a_failed_inspection_opens_a_nonconformance() {
    let mut b = failed();
    let open = nc::list(&mut b.ctx, true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, "NC-0001");
    assert_eq!(open[0].status, NcStatus::Open);
    assert_eq!(open[0].inspection, "INS-000001");
    assert_eq!(open[0].lot.as_deref(), Some("L-7"));
    assert!(open[0].summary.contains("length"), "{}", open[0].summary);
}

#[test]
fn close_without_disposition_is_refused() {
    let mut b = failed();
    let before = b.rows();
    assert_eq!(kind(close(&mut b)), ErrorKind::Conflict);
    assert_eq!(b.rows(), before);
    assert_eq!(status(&mut b), NcStatus::Open);
}

#[test]
fn rework_closes_only_after_a_passing_reinspection() {
    let mut b = failed();
    disposition(&mut b, "rework").unwrap();
    assert_eq!(status(&mut b), NcStatus::Dispositioned);
    assert_eq!(kind(close(&mut b)), ErrorKind::Conflict);

    // A failing re-inspection does not do.
    let again = b.inspect("L-7", LONG, Some("INS-000001"));
    assert_eq!(again.name, "INS-000002");
    // ... and, failing, opens a nonconformance of its own.
    assert_eq!(again.nonconformance.as_deref(), Some("NC-0002"));
    assert_eq!(kind(close(&mut b)), ErrorKind::Conflict);

    let ok = b.inspect("L-7", PASS, Some("INS-000001"));
    assert_eq!(ok.nonconformance, None);
    close(&mut b).unwrap();
    assert_eq!(status(&mut b), NcStatus::Closed);
    let shown = nc::show(&mut b.ctx, "NC-0001").unwrap();
    assert_eq!(shown.reinspections.len(), 2);
    let open: Vec<_> = nc::list(&mut b.ctx, true)
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(open, ["NC-0002"]);
}

#[test]
fn a_voided_passing_reinspection_does_not_count() {
    let mut b = failed();
    disposition(&mut b, "rework").unwrap();
    let ok = b.inspect("L-7", PASS, Some("INS-000001"));
    ins::void(&mut b.ctx, &ok.name, "wrong gauge", "cay").unwrap();
    assert_eq!(kind(close(&mut b)), ErrorKind::Conflict);
    assert_eq!(status(&mut b), NcStatus::Dispositioned);
    // A new passing re-inspection does.
    b.inspect("L-7", PASS, Some("INS-000001"));
    close(&mut b).unwrap();
}

#[test]
fn scrap_closes_directly() {
    let mut b = failed();
    disposition(&mut b, "scrap").unwrap();
    let c = close(&mut b).unwrap();
    assert_eq!(
        (c.kind, c.value.as_str(), c.signer.as_str()),
        (StepKind::Close, "closed", "cay")
    );
    assert_eq!(status(&mut b), NcStatus::Closed);
}

#[test]
fn a_closed_nonconformance_takes_no_more_steps() {
    let mut b = failed();
    disposition(&mut b, "use-as-is").unwrap();
    close(&mut b).unwrap();
    let before = b.rows();
    assert_eq!(kind(disposition(&mut b, "scrap")), ErrorKind::Conflict);
    assert_eq!(
        kind(step(&mut b, StepKind::Action, "Retrain the line", None)),
        ErrorKind::Conflict
    );
    assert_eq!(kind(close(&mut b)), ErrorKind::Conflict);
    assert_eq!(b.rows(), before);
    assert_eq!(nc::show(&mut b.ctx, "NC-0001").unwrap().steps.len(), 2);
}

#[test]
fn a_disposition_not_in_the_list_is_invalid() {
    let mut b = failed();
    assert!(!nc::DISPOSITIONS.contains(&"burn"));
    assert_eq!(kind(disposition(&mut b, "burn")), ErrorKind::Invalid);
    assert_eq!(kind(disposition(&mut b, "")), ErrorKind::Invalid);
    assert_eq!(status(&mut b), NcStatus::Open);
    disposition(&mut b, "scrap").unwrap();
    // A disposition is decided once: a second one is refused and changes nothing.
    let before = b.rows();
    assert_eq!(kind(disposition(&mut b, "rework")), ErrorKind::Conflict);
    assert_eq!(b.rows(), before);
    let listed = nc::list(&mut b.ctx, false).unwrap();
    assert_eq!(listed[0].disposition.as_deref(), Some("scrap"));
}

#[test]
fn corrective_action_naming_an_unknown_sop_is_not_found() {
    let mut b = failed();
    let before = b.rows();
    assert_eq!(
        kind(step(
            &mut b,
            StepKind::Action,
            "Add a gauge check",
            Some("QC-999")
        )),
        ErrorKind::NotFound
    );
    assert_eq!(b.rows(), before);
    let a = step(
        &mut b,
        StepKind::Action,
        "Add a gauge check",
        Some("QC-001"),
    )
    .unwrap();
    assert_eq!(a.sop.as_deref(), Some("QC-001"));
    assert_eq!(
        kind(step(&mut b, StepKind::Action, "  ", None)),
        ErrorKind::Invalid
    );
}

#[test]
fn only_the_roles_in_permissions_sign_nonconformance_steps_and_voids() {
    // Without [permissions], the quality-manager role decides: cay holds it, ida does not.
    let mut b = failed();
    let before = b.rows();
    let by_ida = nc::step(
        &mut b.ctx,
        "NC-0001",
        StepInput {
            kind: StepKind::Disposition,
            value: "scrap",
            sop: None,
            note: "",
        },
        "ida",
    );
    assert_eq!(kind(by_ida), ErrorKind::Refused);
    assert_eq!(
        kind(ins::void(&mut b.ctx, "INS-000001", "typo", "ida")),
        ErrorKind::Refused
    );
    let refusals: Vec<_> = b
        .events()
        .into_iter()
        .filter(|e| e.action == "refused" && e.actor == "ida")
        .collect();
    assert_eq!(refusals.len(), 2, "both refusals are audited");
    assert_eq!(
        b.rows().events,
        before.events + 2,
        "and nothing else is written"
    );
    assert_eq!(status(&mut b), NcStatus::Open);
    disposition(&mut b, "scrap").unwrap();
    ins::void(&mut b.ctx, "INS-000001", "wrong unit scanned", "cay").unwrap();
}

#[test]
fn a_step_dated_before_the_nonconformance_opened_is_refused() {
    let mut b = failed();
    // This computer's clock is a day behind the station that recorded the failure.
    b.on(2026, 3, 1);
    let before = b.rows();
    assert_eq!(kind(disposition(&mut b, "scrap")), ErrorKind::Conflict);
    assert_eq!(b.rows(), before);
}

#[test]
fn a_corrective_action_that_changes_an_sop_closes_once_the_change_is_in_force() {
    let mut b = failed();
    b.make_effective("WI-001");
    disposition(&mut b, "scrap").unwrap();
    step(
        &mut b,
        StepKind::Action,
        "Pack with corner guards",
        Some("WI-001"),
    )
    .unwrap();
    // The change is released after the nonconformance opened, to take effect on 10 March.
    b.on(2026, 3, 3);
    b.amend("WI-001", "3. Put corner guards on.");
    crate::ops::documents::release(
        &mut b.ctx,
        crate::ops::documents::ReleaseInput {
            id: "WI-001",
            summary: "Corner guards",
            effective: Some("2026-03-10"),
            minor: false,
            actor: "ann",
        },
    )
    .unwrap();
    assert_eq!(kind(close(&mut b)), ErrorKind::Conflict, "in review");
    b.on(2026, 3, 4);
    b.approve("WI-001", "bob").unwrap();
    assert_eq!(
        kind(close(&mut b)),
        ErrorKind::Conflict,
        "approved, not in force"
    );
    assert_eq!(status(&mut b), NcStatus::Dispositioned);
    b.on(2026, 3, 10);
    close(&mut b).unwrap();
    assert_eq!(status(&mut b), NcStatus::Closed);
}

#[test]
fn the_next_step_follows_disposition_rework_and_reinspection() {
    let mut b = failed();
    let next = |b: &mut Bench| nc::open_by_age(&mut b.ctx).unwrap()[0].next;
    assert_eq!(next(&mut b), nc::NextStep::Disposition);
    disposition(&mut b, "rework").unwrap();
    assert_eq!(next(&mut b), nc::NextStep::Reinspection);
    b.inspect("L-7", PASS, Some("INS-000001"));
    assert_eq!(next(&mut b), nc::NextStep::Close);
    close(&mut b).unwrap();
    assert!(nc::open_by_age(&mut b.ctx).unwrap().is_empty());
    let page = nc::page(&mut b.ctx, "NC-0001", "cay").unwrap();
    assert_eq!(page.next, nc::NextStep::Nothing);
    assert!(
        page.may.is_empty(),
        "a closed nonconformance offers no step"
    );
}

#[test]
fn open_nonconformances_are_listed_oldest_first() {
    let mut b = failed();
    b.on(2026, 3, 5);
    b.inspect("L-8", LONG, None);
    b.on(2026, 3, 9);
    let open = nc::open_by_age(&mut b.ctx).unwrap();
    let got: Vec<_> = open
        .iter()
        .map(|p| (p.nc.id.as_str(), p.nc.age_days))
        .collect();
    assert_eq!(got, [("NC-0001", 7), ("NC-0002", 4)]);
}

#[test]
fn the_page_offers_a_person_only_the_steps_their_roles_may_sign_now() {
    let mut b = failed();
    // cay is the quality manager: a disposition or an action now, no close yet.
    let cay = nc::page(&mut b.ctx, "NC-0001", "cay").unwrap();
    assert_eq!(cay.may, [StepKind::Disposition, StepKind::Action]);
    assert!(cay.not_allowed.is_empty());
    // ida inspects: no step of a nonconformance, and asking records nothing.
    let before = b.rows();
    let ida = nc::page(&mut b.ctx, "NC-0001", "ida").unwrap();
    assert!(ida.may.is_empty());
    assert_eq!(ida.not_allowed.len(), 3);
    assert_eq!(b.rows(), before);
    assert!(!nc::may_sign(&mut b.ctx, "ida", StepKind::Close).unwrap());
    assert!(!nc::may_sign(&mut b.ctx, "nobody", StepKind::Close).unwrap());
    // After rework, the page names what to re-inspect; after it passes, close.
    disposition(&mut b, "rework").unwrap();
    let reworked = nc::page(&mut b.ctx, "NC-0001", "cay").unwrap();
    assert_eq!(reworked.may, [StepKind::Action]);
    let r = reworked.reinspect.expect("a re-inspection to start");
    assert_eq!(
        (r.inspection.as_str(), r.checklist.as_str(), r.lot.as_str()),
        ("INS-000001", "CL-001", "L-7")
    );
    b.inspect("L-7", PASS, Some("INS-000001"));
    let passed = nc::page(&mut b.ctx, "NC-0001", "cay").unwrap();
    assert_eq!(passed.may, [StepKind::Action, StepKind::Close]);
    assert!(passed.reinspect.is_none());
}

#[test]
fn a_lot_may_be_sorted_one_hundred_percent() {
    let mut b = failed();
    disposition(&mut b, "sort").unwrap();
    let listed = nc::list(&mut b.ctx, false).unwrap();
    assert_eq!(listed[0].disposition.as_deref(), Some("sort"));
}
