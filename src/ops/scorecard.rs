//! The scorecard: first-pass yield per group, the defect Pareto, and
//! nonconformances by age. One computation feeds `sopbook report`, its JSON
//! and CSV, and the manual's quality dashboard.

use chrono::NaiveDate;
use serde::Serialize;

use super::Context;
use super::nc::nc_states;
use crate::error::Result;
use crate::model::control::local_date;
pub use crate::store::GroupBy;
use crate::store::{GroupCount, Store};

/// `n / d`, none when `d` is zero.
pub fn share(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// What the scorecard covers.
#[derive(Debug, Clone)]
pub struct ScorecardInput<'a> {
    pub by: GroupBy,
    /// From this date (YYYY-MM-DD).
    pub since: Option<&'a str>,
    /// Before this date.
    pub until: Option<&'a str>,
}

/// One group's counts.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    pub key: String,
    /// Inspections (items checked when grouped by item).
    pub inspections: i64,
    pub passed: i64,
    pub failed: i64,
    pub first: i64,
    pub first_passed: i64,
    pub first_pass_yield: Option<f64>,
}

/// One failed item in the Pareto, most failures first.
#[derive(Debug, Clone, Serialize)]
pub struct ParetoRow {
    /// `checklist/item`
    pub item: String,
    pub fails: i64,
    pub share: Option<f64>,
    pub cumulative: Option<f64>,
}

/// Nonconformances by age and how fast they close.
#[derive(Debug, Clone, Serialize)]
pub struct NcSummary {
    pub open: i64,
    pub open_0_7_days: i64,
    pub open_8_30_days: i64,
    pub open_over_30_days: i64,
    pub closed: i64,
    pub mean_days_to_close: Option<f64>,
}

/// Everything the scorecard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub since: Option<String>,
    pub until: Option<String>,
    pub inspections: i64,
    pub first_inspections: i64,
    pub first_passed: i64,
    pub reinspections: i64,
    pub voided: usize,
    pub first_pass_yield: Option<f64>,
    /// checklist, item, lot, inspector, station or week.
    pub by: &'static str,
    /// What the groups count: "inspections", or "items checked" by item.
    pub counted: &'static str,
    pub groups: Vec<GroupRow>,
    pub pareto: Vec<ParetoRow>,
    pub nonconformances: NcSummary,
}

pub fn by_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Checklist => "checklist",
        GroupBy::Item => "item",
        GroupBy::Lot => "lot",
        GroupBy::Inspector => "inspector",
        GroupBy::Station => "station",
        GroupBy::Week => "week",
    }
}

/// The scorecard over the records in the period.
pub fn scorecard(ctx: &mut Context, input: ScorecardInput<'_>) -> Result<Scorecard> {
    let since = super::day_bound(input.since)?;
    let until = super::day_bound(input.until)?;
    let today = ctx.today();
    compute(ctx.store()?, input.by, since, until, today)
}

/// The scorecard of everything recorded up to and including `as_of`, by week.
pub fn weekly_until(ctx: &mut Context, as_of: NaiveDate) -> Result<Scorecard> {
    let until = (as_of + chrono::Days::new(1)).to_string();
    compute(ctx.store()?, GroupBy::Week, None, Some(until), as_of)
}

fn compute(
    store: &mut dyn Store,
    by: GroupBy,
    since: Option<String>,
    until: Option<String>,
    today: NaiveDate,
) -> Result<Scorecard> {
    let (s, u) = (since.as_deref(), until.as_deref());
    let groups = store.group_counts(by, s, u)?;
    let groups = if by == GroupBy::Week {
        crate::store::fold_weeks(groups)
    } else {
        groups
    };
    let totals_rows = if by == GroupBy::Checklist {
        groups.clone()
    } else {
        store.group_counts(GroupBy::Checklist, s, u)?
    };
    let mut t = GroupCount {
        key: "all".into(),
        inspections: 0,
        passed: 0,
        first: 0,
        first_passed: 0,
    };
    for g in &totals_rows {
        t.inspections += g.inspections;
        t.passed += g.passed;
        t.first += g.first;
        t.first_passed += g.first_passed;
    }
    let failed_items = store.failed_items(s, u)?;
    let fails_total: i64 = failed_items.iter().map(|p| p.1).sum();
    let mut cumulative = 0;
    let pareto = failed_items
        .into_iter()
        .map(|(item, fails)| {
            cumulative += fails;
            ParetoRow {
                item,
                fails,
                share: share(fails, fails_total),
                cumulative: share(cumulative, fails_total),
            }
        })
        .collect();
    let voided = store.voids()?.len();
    let ncs = store.nonconformances()?;
    let steps = store.nc_steps()?;
    let mut nc = NcSummary {
        open: 0,
        open_0_7_days: 0,
        open_8_30_days: 0,
        open_over_30_days: 0,
        closed: 0,
        mean_days_to_close: None,
    };
    let mut days = 0.0;
    for s in nc_states(&ncs, &steps) {
        let opened = s.nc.opened_at;
        match s.closed {
            Some(c) => {
                nc.closed += 1;
                days += (c.signed_at - opened).num_seconds() as f64 / 86_400.0;
            }
            None => {
                nc.open += 1;
                let age = (today - local_date(opened)).num_days();
                *(if age <= 7 {
                    &mut nc.open_0_7_days
                } else if age <= 30 {
                    &mut nc.open_8_30_days
                } else {
                    &mut nc.open_over_30_days
                }) += 1;
            }
        }
    }
    nc.mean_days_to_close = (nc.closed > 0).then(|| days / nc.closed as f64);
    Ok(Scorecard {
        since,
        until,
        inspections: t.inspections,
        first_inspections: t.first,
        first_passed: t.first_passed,
        reinspections: t.inspections - t.first,
        voided,
        first_pass_yield: share(t.first_passed, t.first),
        by: by_name(by),
        counted: if by == GroupBy::Item {
            "items checked"
        } else {
            "inspections"
        },
        groups: groups
            .into_iter()
            .map(|g| GroupRow {
                failed: g.inspections - g.passed,
                first_pass_yield: share(g.first_passed, g.first),
                key: g.key,
                inspections: g.inspections,
                passed: g.passed,
                first: g.first,
                first_passed: g.first_passed,
            })
            .collect(),
        pareto,
        nonconformances: nc,
    })
}
