//! The scorecard's numbers for a small set computed by hand.

use super::{BAD, Bench, LONG, PASS};
use crate::ops::inspections as ins;
use crate::ops::scorecard::{self, Scorecard, ScorecardInput};
use crate::store::GroupBy;

/// Six inspections of CL-001:
///
/// | id | lot | result                  | first? | void |
/// |----|-----|-------------------------|--------|------|
/// | 1  | A   | pass                    | yes    |      |
/// | 2  | B   | fail: label, length     | yes    |      |
/// | 3  | B   | pass, re-inspects 2     | no     |      |
/// | 4  | C   | fail: length            | yes    |      |
/// | 5  | D   | pass                    | yes    | void |
/// | 6  | E   | fail: label, length     | yes    | void |
///
/// Counted (voids left out): 4 inspections, 2 passed, 3 first, 1 first
/// passed, so FPY 1/3; 1 re-inspection; failed items length 2, label 1.
fn scored(by: GroupBy) -> Scorecard {
    let mut b = Bench::new();
    b.checklist_in_force();
    b.inspect("A", PASS, None);
    b.inspect("B", BAD, None);
    b.inspect("B", PASS, Some("INS-000002"));
    b.inspect("C", LONG, None);
    b.inspect("D", PASS, None);
    b.inspect("E", BAD, None);
    ins::void(&mut b.ctx, "INS-000005", "wrong lot", "cay").unwrap();
    ins::void(&mut b.ctx, "INS-000006", "wrong lot", "cay").unwrap();
    scorecard::scorecard(
        &mut b.ctx,
        ScorecardInput {
            by,
            since: None,
            until: None,
        },
    )
    .unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn first_pass_yield_counts_only_first_inspections_and_leaves_out_voids() {
    let s = scored(GroupBy::Checklist);
    assert_eq!(s.inspections, 4);
    assert_eq!(s.first_inspections, 3);
    assert_eq!(s.first_passed, 1);
    assert_eq!(s.reinspections, 1);
    assert_eq!(s.voided, 2);
    assert!(
        close(s.first_pass_yield, 1.0 / 3.0),
        "{:?}",
        s.first_pass_yield
    );
    assert_eq!(s.groups.len(), 1);
    let g = &s.groups[0];
    assert_eq!(
        (
            g.key.as_str(),
            g.inspections,
            g.passed,
            g.failed,
            g.first,
            g.first_passed
        ),
        ("CL-001", 4, 2, 2, 3, 1)
    );
}

#[test]
fn a_passing_reinspection_does_not_count_as_a_first_pass() {
    let s = scored(GroupBy::Lot);
    let lot_b = s.groups.iter().find(|g| g.key == "B").unwrap();
    assert_eq!(
        (
            lot_b.inspections,
            lot_b.passed,
            lot_b.first,
            lot_b.first_passed
        ),
        (2, 1, 1, 0)
    );
    assert!(close(lot_b.first_pass_yield, 0.0));
    let keys: Vec<_> = s.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["A", "B", "C"], "voided lots D and E are left out");
}

#[test]
fn pareto_shares_sum_to_one_and_leave_out_voids() {
    let s = scored(GroupBy::Checklist);
    let items: Vec<_> = s
        .pareto
        .iter()
        .map(|p| (p.item.as_str(), p.fails))
        .collect();
    assert_eq!(items, [("CL-001/length", 2), ("CL-001/label", 1)]);
    assert!(close(s.pareto[0].share, 2.0 / 3.0));
    assert!(close(s.pareto[1].share, 1.0 / 3.0));
    let total: f64 = s.pareto.iter().filter_map(|p| p.share).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    assert!(close(s.pareto.last().unwrap().cumulative, 1.0));
}

#[test]
fn no_inspections_give_no_yield_rather_than_zero() {
    let mut b = Bench::new();
    let s = scorecard::scorecard(
        &mut b.ctx,
        ScorecardInput {
            by: GroupBy::Checklist,
            since: None,
            until: None,
        },
    )
    .unwrap();
    assert_eq!((s.inspections, s.first_pass_yield), (0, None));
    assert!(s.pareto.is_empty());
}

/// The dashboard as of a date shows the records up to that date only: a
/// manual published `--as-of` an earlier day has that day's charts.
#[test]
fn dashboard_as_of_a_day_charts_only_the_values_recorded_by_then() {
    use crate::ops::dashboard::dashboard;
    let mut b = Bench::new();
    b.checklist_in_force();
    for (lot, length) in [("A", "120.0"), ("B", "120.1"), ("C", "119.9")] {
        b.inspect(lot, ["p", length, "good"], None);
    }
    b.on(2026, 3, 9);
    for lot in ["D", "E"] {
        b.inspect(lot, LONG, None);
    }
    let as_of = |b: &mut Bench, d| {
        dashboard(&mut b.ctx, super::day(2026, 3, d))
            .unwrap()
            .unwrap()
    };
    let early = as_of(&mut b, 2);
    let page = &early.pages[0];
    assert_eq!(page.slug, "cl-001");
    assert_eq!(page.data["charts"][0]["item"], "length");
    assert_eq!(page.data["charts"][0]["n"], 3);
    assert_eq!(early.data["pareto"].as_array().unwrap().len(), 0);
    let late = as_of(&mut b, 9);
    assert_eq!(late.pages[0].data["charts"][0]["n"], 5);
    assert_eq!(late.data["pareto"][0]["item"], "CL-001/length");
    assert_eq!(late.data["pareto"][0]["cumulative"], "100.0%");
}
