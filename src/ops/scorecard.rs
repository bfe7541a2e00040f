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

/// A line of the Pareto as tables and the chart show it: one failed item,
/// or the items after the first few grouped into one.
#[derive(Debug, Clone, Serialize)]
pub struct ParetoLine {
    /// `checklist/item`, or "Other (5 items)".
    pub label: String,
    /// How many items the line stands for: 1, or more for the grouped rest.
    pub items: usize,
    pub fails: i64,
    pub share: Option<f64>,
    pub cumulative: Option<f64>,
}

/// The lines of the Pareto tables (`sopbook report`, the dashboard).
pub const PARETO_TABLE_LINES: usize = 15;
/// The bars of the dashboard's Pareto chart.
pub const PARETO_CHART_BARS: usize = 10;

/// The Pareto in at most `most` lines: every item when they fit, else the
/// first `most - 1` items and one line for the rest, whose share is the
/// rest's and whose cumulative share is the last item's (100%). The shares
/// are those of [`Scorecard::pareto`], so every line agrees with the
/// JSON; a rest of one item is shown as that item.
pub fn pareto_lines(pareto: &[ParetoRow], most: usize) -> Vec<ParetoLine> {
    let line = |p: &ParetoRow| ParetoLine {
        label: p.item.clone(),
        items: 1,
        fails: p.fails,
        share: p.share,
        cumulative: p.cumulative,
    };
    if pareto.len() <= most.max(1) {
        return pareto.iter().map(line).collect();
    }
    let keep = most.max(2) - 1;
    let (shown, rest) = pareto.split_at(keep);
    let mut lines: Vec<ParetoLine> = shown.iter().map(line).collect();
    let fails: i64 = rest.iter().map(|p| p.fails).sum();
    let total: i64 = pareto.iter().map(|p| p.fails).sum();
    lines.push(ParetoLine {
        label: format!("Other ({} items)", rest.len()),
        items: rest.len(),
        fails,
        share: share(fails, total),
        cumulative: rest.last().and_then(|p| p.cumulative),
    });
    lines
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
    /// The first-pass yield aimed at (`[quality] fpy_target` in sopbook.toml).
    pub fpy_target: Option<f64>,
    /// checklist, item, lot, inspector, station or week.
    pub by: &'static str,
    /// What the groups count: "inspections", or "items checked" by item.
    pub counted: &'static str,
    pub groups: Vec<GroupRow>,
    pub pareto: Vec<ParetoRow>,
    pub nonconformances: NcSummary,
    /// Lots inspected by sampling plan, per checklist and supplier: their
    /// acceptance rate (all lots, whatever the period) and current
    /// severity; absent when no lot was opened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<super::lots::SupplierLots>,
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
    let target = ctx.config()?.fpy_target;
    let mut card = compute(ctx.store()?, input.by, since, until, today)?;
    card.fpy_target = target;
    card.lots = super::lots::by_supplier(ctx)?;
    Ok(card)
}

/// The scorecard of everything recorded up to and including `as_of`, by week.
pub fn weekly_until(ctx: &mut Context, as_of: NaiveDate) -> Result<Scorecard> {
    let until = (as_of + chrono::Days::new(1)).to_string();
    let target = ctx.config()?.fpy_target;
    let mut card = compute(ctx.store()?, GroupBy::Week, None, Some(until), as_of)?;
    card.fpy_target = target;
    Ok(card)
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
        fpy_target: None,
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
        lots: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(fails: &[i64]) -> Vec<ParetoRow> {
        let total: i64 = fails.iter().sum();
        let mut cumulative = 0;
        fails
            .iter()
            .enumerate()
            .map(|(i, &f)| {
                cumulative += f;
                ParetoRow {
                    item: format!("CL-001/item-{}", i + 1),
                    fails: f,
                    share: share(f, total),
                    cumulative: share(cumulative, total),
                }
            })
            .collect()
    }

    #[test]
    fn pareto_lines_group_the_tail_into_other() {
        // 13 items, 26 fails: the first 9 shown, the last 4 (1 each) as one.
        let pareto = rows(&[6, 5, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
        let lines = pareto_lines(&pareto, 10);
        assert_eq!(lines.len(), 10);
        for (line, row) in lines.iter().zip(&pareto[..9]) {
            assert_eq!(
                (&line.label, line.fails, line.share, line.cumulative),
                (&row.item, row.fails, row.share, row.cumulative)
            );
        }
        let other = &lines[9];
        assert_eq!(
            (other.label.as_str(), other.items, other.fails),
            ("Other (4 items)", 4, 4)
        );
        assert_eq!(other.share, Some(4.0 / 26.0));
        assert_eq!(other.cumulative, Some(1.0));
        // All of them when they fit; never an "Other" of one item.
        assert_eq!(pareto_lines(&pareto, 15).len(), 13);
        assert_eq!(pareto_lines(&pareto, 13).len(), 13);
        assert_eq!(pareto_lines(&pareto, 12).last().unwrap().items, 2);
        assert!(pareto_lines(&[], 10).is_empty());
    }
}
