//! Statistical process control of one measured item: the control chart,
//! its capability, the Western Electric rules it breaks and the ranges
//! outside their limits, with consecutive points breaking the same rule
//! grouped into runs. `sopbook spc`, its JSON and SVG and the manual's
//! quality dashboard all show this one view.

use chrono::{DateTime, Local, NaiveDate, Utc};
use serde::Serialize;

use super::Context;
use super::inspections::{effective_checklist, ins_name};
use crate::error::{Error, Result};
use crate::fail;
use crate::model::ItemKind;
use crate::model::control::local_date;
use crate::report::chart::{self, PointLabel};
use crate::report::spc;
use crate::store::{InspectionFilter, Store};

/// Which chart of which item, over which period.
#[derive(Debug, Clone)]
pub struct SpcInput<'a> {
    pub checklist: &'a str,
    pub item: &'a str,
    pub since: Option<&'a str>,
    /// X-bar/R with subgroups of this size; individuals/moving range when `None`.
    pub subgroup: Option<usize>,
}

/// A broken rule at the inspection that completed the pattern.
#[derive(Debug, Clone, Serialize)]
pub struct Broken {
    pub rule: u8,
    /// 1-based point on the chart.
    pub point: usize,
    pub inspection: String,
    #[serde(with = "crate::model::records::stamp")]
    pub recorded_at: DateTime<Utc>,
    pub description: String,
}

/// Consecutive points breaking the same rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRun {
    pub rule: u8,
    pub first_point: usize,
    pub last_point: usize,
    pub first_inspection: String,
    pub last_inspection: String,
    #[serde(with = "crate::model::records::stamp")]
    pub first_at: DateTime<Utc>,
    #[serde(with = "crate::model::records::stamp")]
    pub last_at: DateTime<Utc>,
    /// The description at the last point of the run.
    pub description: String,
}

/// The chart, its capability and the rules broken.
#[derive(Debug, Clone, Serialize)]
pub struct SpcView {
    pub checklist: String,
    pub item: String,
    /// "PX-40 CL-001 outlet-pressure: Outlet pressure at 3 000 rpm"
    pub title: String,
    pub unit: String,
    pub values: usize,
    /// "i-mr" or "xbar-r"
    pub chart: &'static str,
    pub subgroup: Option<usize>,
    pub dropped: usize,
    pub center: f64,
    pub ucl: f64,
    pub lcl: f64,
    pub range_center: f64,
    pub range_ucl: f64,
    pub range_lcl: f64,
    pub sigma_within: f64,
    pub sigma_overall: f64,
    pub mean: f64,
    pub lower_spec: Option<f64>,
    pub upper_spec: Option<f64>,
    pub cp: Option<f64>,
    pub cpk: Option<f64>,
    pub pp: Option<f64>,
    pub ppk: Option<f64>,
    /// The item's natural bounds (`lower_bound`, `upper_bound` in its
    /// checklist): no value can lie beyond them.
    pub lower_bound: Option<f64>,
    pub upper_bound: Option<f64>,
    /// The computed LCL lies below the lower bound, so the chart draws the
    /// limit at the bound (`lcl` stays the computed value).
    pub lcl_at_bound: bool,
    /// The computed UCL lies above the upper bound: drawn at the bound.
    pub ucl_at_bound: bool,
    /// Western Electric rules broken by the points (values or subgroup means).
    pub violations: Vec<Broken>,
    pub runs: Vec<RuleRun>,
    /// Ranges outside their control limits (the range chart's rule 1): the
    /// moving range of two values belongs to the later one.
    pub range_violations: Vec<Broken>,
    pub range_runs: Vec<RuleRun>,
    /// The chart's points, for drawing.
    #[serde(skip)]
    pub control: spc::ControlChart,
    #[serde(skip)]
    pub spec: spc::Spec,
    #[serde(skip)]
    pub bounds: spc::Bounds,
    /// Each plotted point's date and what it was (inspection, lot, serial).
    #[serde(skip)]
    pub labels: Vec<PointLabel>,
}

impl SpcView {
    /// The chart as SVG, as `spc --svg` writes it and the dashboard shows it.
    pub fn svg(&self) -> Result<String> {
        chart::control_chart_svg(&chart::ControlFigure {
            title: &self.title,
            unit: &self.unit,
            chart: &self.control,
            spec: &self.spec,
            bounds: &self.bounds,
            labels: &self.labels,
        })
        .map_err(|e| Error::invalid(format!("could not draw the chart of {}: {e}", self.title)))
    }
}

pub fn spc(ctx: &mut Context, input: SpcInput<'_>) -> Result<SpcView> {
    let since = super::day_bound(input.since)?;
    let today = ctx.today();
    chart_of(
        ctx.store()?,
        input.checklist,
        input.item,
        since.as_deref(),
        input.subgroup,
        today,
    )
}

/// The chart of one item from the values recorded up to and including
/// `today`, with the checklist revision in force then (the dashboard draws
/// every one as of its date).
pub fn chart_of(
    store: &mut dyn Store,
    checklist: &str,
    item: &str,
    since: Option<&str>,
    subgroup: Option<usize>,
    today: NaiveDate,
) -> Result<SpcView> {
    let records = store.records_of(checklist)?;
    let (_, list) = effective_checklist(&records, checklist, today)?;
    let Some(it) = list.items.iter().find(|i| i.id == item) else {
        let measured: Vec<_> = list
            .items
            .iter()
            .filter(|i| matches!(i.kind, ItemKind::Measure { .. }))
            .map(|i| i.id.as_str())
            .collect();
        fail!(
            NotFound,
            "{checklist} has no item `{item}`; its measurement items are {}",
            measured.join(", ")
        );
    };
    let ItemKind::Measure {
        unit,
        lower,
        upper,
        lower_bound,
        upper_bound,
        ..
    } = &it.kind
    else {
        fail!(
            Invalid,
            "`{item}` is a {} item; control charts are for measurement items",
            it.kind.name()
        );
    };
    // The item's position in every revision of the checklist that has it.
    let positions: Vec<(i64, i64)> = records
        .revisions
        .iter()
        .filter_map(|r| {
            let c = crate::workspace::parse_snapshot_checklist(&r.path, &r.content)?;
            let k = c.items.iter().position(|i| i.id == item)?;
            Some((r.id, k as i64 + 1))
        })
        .collect();
    let mut rows = store.measurements(checklist, &positions, since)?;
    rows.retain(|r| local_date(r.1) <= today);
    let values: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let chart = match subgroup {
        Some(n) => spc::xbar_r(&values, n),
        None => spc::individuals(&values),
    }
    .map_err(|e| Error::invalid(format!("{checklist} {item}: {e}")))?;
    let spec = spc::Spec {
        lower: *lower,
        upper: *upper,
    };
    let bounds = spc::Bounds {
        lower: *lower_bound,
        upper: *upper_bound,
    };
    let drawn = bounds.limits(chart.lcl, chart.ucl);
    let cap = spc::capability(&values, chart.sigma_within, &spec);
    let per_point = subgroup.unwrap_or(1);
    let broken = |list: &[spc::Violation]| -> Vec<Broken> {
        list.iter()
            .map(|v| {
                let last = (v.index + 1) * per_point - 1;
                let (id, at) = rows
                    .get(last)
                    .map_or((0, DateTime::<Utc>::UNIX_EPOCH), |r| (r.0, r.1));
                Broken {
                    rule: v.rule,
                    point: v.index + 1,
                    inspection: ins_name(id),
                    recorded_at: at,
                    description: v.description.clone(),
                }
            })
            .collect()
    };
    let violations = broken(&chart.violations);
    let range_violations = broken(&chart.range_violations);
    let labels = point_labels(store, checklist, &rows, &chart, per_point, unit)?;
    Ok(SpcView {
        checklist: checklist.to_string(),
        item: item.to_string(),
        title: format!("{checklist} {}: {}", item, it.prompt),
        unit: unit.clone(),
        values: cap.n,
        chart: if subgroup.is_some() { "xbar-r" } else { "i-mr" },
        subgroup,
        dropped: chart.dropped,
        center: chart.center,
        ucl: chart.ucl,
        lcl: chart.lcl,
        range_center: chart.range_center,
        range_ucl: chart.range_ucl,
        range_lcl: chart.range_lcl,
        sigma_within: chart.sigma_within,
        sigma_overall: cap.sigma_overall,
        mean: cap.mean,
        lower_spec: spec.lower,
        upper_spec: spec.upper,
        cp: cap.cp,
        cpk: cap.cpk,
        pp: cap.pp,
        ppk: cap.ppk,
        lower_bound: bounds.lower,
        upper_bound: bounds.upper,
        lcl_at_bound: drawn.lcl_at_bound,
        ucl_at_bound: drawn.ucl_at_bound,
        runs: runs(&violations),
        violations,
        range_runs: runs(&range_violations),
        range_violations,
        control: chart,
        spec,
        bounds,
        labels,
    })
}

/// Each plotted point's date (its last value's, for a subgroup) and what it
/// was, for the chart's axis and hover texts.
fn point_labels(
    store: &mut dyn Store,
    checklist: &str,
    rows: &[(i64, DateTime<Utc>, f64)],
    chart: &spc::ControlChart,
    per_point: usize,
    unit: &str,
) -> Result<Vec<PointLabel>> {
    let inspections = store.inspections(&InspectionFilter {
        checklist: Some(checklist.to_string()),
        ..InspectionFilter::default()
    })?;
    let unit_label = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    let what = |id: i64| {
        let name = ins_name(id);
        match inspections.binary_search_by_key(&id, |i| i.id) {
            Ok(k) => {
                let i = &inspections[k];
                let mut s = name;
                if !i.lot.is_empty() {
                    s.push_str(&format!(", lot {}", i.lot));
                }
                if !i.serial.is_empty() {
                    s.push_str(&format!(", serial {}", i.serial));
                }
                s
            }
            Err(_) => name,
        }
    };
    let labels = chart
        .points
        .iter()
        .enumerate()
        .filter_map(|(p, &y)| {
            let group = rows.get(p * per_point..(p + 1) * per_point)?;
            let last = group.last()?;
            let when = last.1.with_timezone(&Local).format("%Y-%m-%d %H:%M");
            let value = chart::num(y);
            let detail = if per_point == 1 {
                format!(
                    "point {}: {value}{unit_label}, {}, {when}",
                    p + 1,
                    what(last.0)
                )
            } else {
                format!(
                    "subgroup {}: mean {value}{unit_label}, {} to {}, last {when}",
                    p + 1,
                    ins_name(group[0].0),
                    ins_name(last.0)
                )
            };
            Some(PointLabel {
                date: local_date(last.1).to_string(),
                detail,
            })
        })
        .collect();
    Ok(labels)
}

/// Groups broken rules into runs of consecutive points, by rule.
pub fn runs(broken: &[Broken]) -> Vec<RuleRun> {
    let mut by_rule: Vec<&Broken> = broken.iter().collect();
    by_rule.sort_by_key(|b| (b.rule, b.point));
    let mut out: Vec<RuleRun> = Vec::new();
    for b in by_rule {
        match out.last_mut() {
            Some(r) if r.rule == b.rule && r.last_point + 1 == b.point => {
                r.last_point = b.point;
                r.last_inspection = b.inspection.clone();
                r.last_at = b.recorded_at;
                r.description = b.description.clone();
            }
            _ => out.push(RuleRun {
                rule: b.rule,
                first_point: b.point,
                last_point: b.point,
                first_inspection: b.inspection.clone(),
                last_inspection: b.inspection.clone(),
                first_at: b.recorded_at,
                last_at: b.recorded_at,
                description: b.description.clone(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(rule: u8, point: usize) -> Broken {
        Broken {
            rule,
            point,
            inspection: format!("INS-{point}"),
            recorded_at: DateTime::<Utc>::UNIX_EPOCH,
            description: format!("d{point}"),
        }
    }

    #[test]
    fn consecutive_points_of_one_rule_are_one_run() {
        let r = runs(&[b(1, 3), b(2, 4), b(1, 4), b(1, 5), b(2, 9), b(1, 8)]);
        let spans: Vec<_> = r
            .iter()
            .map(|r| (r.rule, r.first_point, r.last_point))
            .collect();
        assert_eq!(spans, [(1, 3, 5), (1, 8, 8), (2, 4, 4), (2, 9, 9)]);
        assert_eq!(r[0].description, "d5");
    }
}
