//! The manager's page: yield today and this week, at the station and in
//! the plant, from the same scorecard as `sopbook report`.

use super::{Bench, LONG, PASS, entries_of};
use crate::ops::inspections::{self as ins, StartInput};
use crate::ops::manage;

fn inspect_at(b: &mut Bench, station: &str, lot: &str, entries: [&str; 3]) {
    let form = ins::start(
        &mut b.ctx,
        StartInput {
            checklist: "CL-001",
            lot,
            serial: None,
            inspector: "ida",
            station,
            reinspect: None,
        },
    )
    .unwrap();
    ins::record(&mut b.ctx, &form, &entries_of(entries), &[]).unwrap();
}

fn counts(y: &manage::Yield) -> (i64, i64) {
    (y.first_passed, y.first)
}

#[test]
fn yield_today_and_this_week_counts_the_station_and_the_plant() {
    let mut b = Bench::new();
    // Monday 2 March 2026.
    b.checklist_in_force();
    inspect_at(&mut b, "bench-1", "L-1", PASS);
    inspect_at(&mut b, "bench-2", "L-2", LONG);
    // Wednesday: one pass at each station, and a re-inspection that is no first pass.
    b.on(2026, 3, 4);
    inspect_at(&mut b, "bench-1", "L-3", PASS);
    inspect_at(&mut b, "bench-2", "L-4", PASS);
    b.inspect("L-2", PASS, Some("INS-000002"));
    let o = manage::overview(&mut b.ctx, "bench-1").unwrap();
    assert_eq!(
        (o.today.since.to_string(), o.today.until.to_string()),
        ("2026-03-04".into(), "2026-03-05".into())
    );
    assert_eq!(o.week.since.to_string(), "2026-03-02");
    assert_eq!(counts(&o.today.station), (1, 1));
    assert_eq!(counts(&o.today.plant), (2, 2));
    assert_eq!(counts(&o.week.station), (2, 2));
    assert_eq!(counts(&o.week.plant), (3, 4));
    assert_eq!(o.week.plant.first_pass_yield, Some(0.75));
    // The next Monday starts a new week.
    b.on(2026, 3, 9);
    let o = manage::overview(&mut b.ctx, "bench-1").unwrap();
    assert_eq!(counts(&o.week.plant), (0, 0));
    assert_eq!(o.week.plant.first_pass_yield, None);
    assert_eq!(o.pareto_fails, 1, "the Pareto covers every record");
}
