//! The quality dashboard of the published manual, as of a date: the
//! scorecard (first-pass yield by week, the Pareto of failed items,
//! nonconformances) on one page, and a page per checklist with a control
//! chart for each measured item, with SVG charts.
//!
//! Every number comes from the operations behind `sopbook report` and
//! `sopbook spc` ([`weekly_until`], [`pareto_lines`], [`chart_of`]), so
//! the dashboard, the command line and its JSON always agree.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use super::Context;
use super::inspections::effective_checklist;
use super::scorecard::{PARETO_CHART_BARS, PARETO_TABLE_LINES, ParetoLine, pareto_lines};
use super::scorecard::{Scorecard, share, weekly_until};
use super::spc::{RuleRun, SpcView, chart_of};
use crate::error::{Error, Result};
use crate::manual::content::{Dashboard, DashboardPage};
use crate::model::control::{Control, local_date};
use crate::model::{Checklist, ItemKind};
use crate::render::number::{fixed, percent};
use crate::report::chart::{self, ParetoBar, num};
use crate::report::spc::rule_name;

fn svg(r: std::result::Result<String, String>) -> Result<String> {
    r.map_err(|e| Error::invalid(format!("could not draw a chart: {e}")))
}

/// The dashboard from the records up to `as_of`; `None` without inspections.
pub fn dashboard(ctx: &mut Context, as_of: NaiveDate) -> Result<Option<Dashboard>> {
    let card = weekly_until(ctx, as_of)?;
    if card.inspections == 0 {
        return Ok(None);
    }
    let target = card.fpy_target;
    let mut files = Vec::new();
    let below = |fpy: Option<f64>| matches!((fpy, target), (Some(f), Some(t)) if f < t);
    let weeks: Vec<Value> = card
        .groups
        .iter()
        .map(|g| {
            json!({
                "key": g.key, "first": g.first, "first_passed": g.first_passed,
                "fpy": percent(g.first_pass_yield), "below_target": below(g.first_pass_yield),
            })
        })
        .collect();
    let weeks_below = card
        .groups
        .iter()
        .filter(|g| below(g.first_pass_yield))
        .count();
    files.push((FPY_CHART.to_string(), fpy_svg(&card)?));

    let line_json = |l: &ParetoLine| {
        json!({
            "item": l.label, "items": l.items, "fails": l.fails,
            "share": percent(l.share), "cumulative": percent(l.cumulative),
        })
    };
    let pareto: Vec<Value> = pareto_lines(&card.pareto, PARETO_TABLE_LINES)
        .iter()
        .map(line_json)
        .collect();
    let bars = pareto_bars(&card);
    files.push((PARETO_CHART.to_string(), pareto_svg(&bars)?));
    let fails: i64 = card.pareto.iter().map(|p| p.fails).sum();
    let chart_rest = bars
        .last()
        .filter(|b| b.rest)
        .map_or(0, |_| card.pareto.len() + 1 - bars.len());

    let mut pages = Vec::new();
    let mut summaries = Vec::new();
    for (id, list, views) in control_charts(ctx, as_of)? {
        let mut charts = Vec::new();
        for r in &views {
            let file = spc_file(&id, &r.item);
            files.push((file.clone(), r.svg()?));
            charts.push(chart_json(r, &file));
        }
        let slug = id.to_lowercase();
        summaries.push(json!({
            "id": id, "title": list.title, "url": format!("{slug}.md"),
            "items": charts.iter().map(|c| json!({
                "item": c["item"], "anchor": c["anchor"], "n": c["n"], "cpk": c["cpk"],
                "signals": c["signals"],
            })).collect::<Vec<_>>(),
        }));
        pages.push(DashboardPage {
            slug,
            checklist: id.clone(),
            title: format!("{id} {}", list.title),
            data: json!({
                "id": id, "checklist_title": list.title, "charts": charts,
                "rules": (1..=4).map(|r| json!({ "rule": r, "name": rule_name(r) })).collect::<Vec<_>>(),
            }),
        });
    }
    let nc = &card.nonconformances;
    let data = json!({
        "inspections": card.inspections, "first": card.first_inspections, "first_passed": card.first_passed, "voided": card.voided,
        "fpy": percent(card.first_pass_yield), "fpy_target": target.map(|t| percent(Some(t))),
        "weeks_below_target": weeks_below, "weeks_count": weeks.len(), "weeks": weeks,
        "pareto": pareto, "pareto_items": card.pareto.len(), "pareto_fails": fails, "chart_rest": chart_rest,
        "open": nc.open, "open_recent": nc.open_0_7_days, "open_month": nc.open_8_30_days, "open_old": nc.open_over_30_days,
        "closed": nc.closed, "mean_close": nc.mean_days_to_close.map_or("–".to_string(), |d| format!("{d:.1} days")),
        "checklists": summaries,
    });
    Ok(Some(Dashboard { data, pages, files }))
}

/// The file of the first-pass yield trend.
pub const FPY_CHART: &str = "fpy.svg";
/// The file of the Pareto chart.
pub const PARETO_CHART: &str = "pareto.svg";

/// The file of an item's control chart: `spc-cl-001-length.svg`.
fn spc_file(checklist: &str, item: &str) -> String {
    format!("spc-{}-{item}.svg", checklist.to_lowercase())
}

/// The first-pass yield by week, against the target.
fn fpy_svg(card: &Scorecard) -> Result<String> {
    let trend: Vec<(String, f64)> = card
        .groups
        .iter()
        .filter_map(|g| share(g.first_passed, g.first).map(|p| (g.key.clone(), p)))
        .collect();
    svg(chart::trend_svg(
        "First-pass yield by week",
        "First-pass yield",
        &trend,
        card.fpy_target,
    ))
}

/// The Pareto's bars: the first items, the rest as one.
fn pareto_bars(card: &Scorecard) -> Vec<ParetoBar> {
    pareto_lines(&card.pareto, PARETO_CHART_BARS)
        .into_iter()
        .map(|l| ParetoBar {
            count: l.fails.max(0) as u64,
            cumulative: l.cumulative.unwrap_or(0.0),
            rest: l.items > 1,
            label: l.label,
        })
        .collect()
}

fn pareto_svg(bars: &[ParetoBar]) -> Result<String> {
    svg(chart::pareto_svg("Failed items", bars))
}

/// Every checklist in force on `as_of` with the control charts of its
/// measured items (those with enough values to chart), in the records' order.
fn control_charts(
    ctx: &mut Context,
    as_of: NaiveDate,
) -> Result<Vec<(String, Checklist, Vec<SpcView>)>> {
    let store = ctx.store()?;
    let records = store.records()?;
    let ids: Vec<String> = Control::new(&records)
        .source_ids()
        .map(str::to_string)
        .collect();
    let mut out = Vec::new();
    for id in ids {
        let Ok((_, list)) = effective_checklist(&records, &id, as_of) else {
            continue;
        };
        let mut views = Vec::new();
        for item in &list.items {
            if !matches!(item.kind, ItemKind::Measure { .. }) {
                continue;
            }
            if let Ok(r) = chart_of(store, &id, &item.id, None, None, as_of) {
                views.push(r);
            }
        }
        if !views.is_empty() {
            out.push((id, list, views));
        }
    }
    Ok(out)
}

/// One of the dashboard's charts, by its file name, and what it shows.
#[derive(Debug, Clone, Serialize)]
pub struct ChartRef {
    pub file: String,
    pub title: String,
}

/// The dashboard's charts as of `as_of`, without drawing them: the
/// first-pass yield trend, the Pareto, then each control chart. None
/// without inspections.
pub fn charts(ctx: &mut Context, as_of: NaiveDate) -> Result<Vec<ChartRef>> {
    let card = weekly_until(ctx, as_of)?;
    if card.inspections == 0 {
        return Ok(Vec::new());
    }
    let mut refs = vec![
        ChartRef {
            file: FPY_CHART.into(),
            title: "First-pass yield by week".into(),
        },
        ChartRef {
            file: PARETO_CHART.into(),
            title: "Failed items (Pareto)".into(),
        },
    ];
    for (id, _, views) in control_charts(ctx, as_of)? {
        refs.extend(views.iter().map(|r| ChartRef {
            file: spc_file(&id, &r.item),
            title: r.title.clone(),
        }));
    }
    Ok(refs)
}

/// One chart of the dashboard as of `as_of`, drawn as the published
/// dashboard draws it (`fpy.svg`, `pareto.svg`, `spc-cl-001-length.svg`).
pub fn chart(ctx: &mut Context, as_of: NaiveDate, file: &str) -> Result<String> {
    let card = weekly_until(ctx, as_of)?;
    if card.inspections > 0 {
        match file {
            FPY_CHART => return fpy_svg(&card),
            PARETO_CHART => return pareto_svg(&pareto_bars(&card)),
            _ => {}
        }
        for (id, _, views) in control_charts(ctx, as_of)? {
            if let Some(r) = views.iter().find(|r| spc_file(&id, &r.item) == file) {
                return r.svg();
            }
        }
    }
    Err(Error::not_found(format!(
        "there is no chart `{file}` on the dashboard as of {as_of}"
    )))
}

/// One chart's numbers, in the words of `sopbook spc`.
fn chart_json(r: &SpcView, file: &str) -> Value {
    let unit = &r.unit;
    let spec = match (r.lower_spec, r.upper_spec) {
        (Some(l), Some(u)) => format!("{l} – {u} {unit}"),
        (Some(l), None) => format!("≥ {l} {unit}"),
        (None, Some(u)) => format!("≤ {u} {unit}"),
        (None, None) => "–".into(),
    };
    // A limit beyond the item's natural bound is drawn at the bound.
    let limit = |computed: f64, at_bound: bool, b: Option<f64>| match b {
        Some(b) if at_bound => format!(
            "{} {unit}, the natural bound (the computed {} {unit} lies beyond it)",
            num(b),
            num(computed)
        ),
        _ => format!("{} {unit}", num(computed)),
    };
    let range_name = if r.subgroup.is_some() {
        "range"
    } else {
        "moving range"
    };
    let signals = match (r.runs.len(), r.range_runs.len()) {
        (0, 0) => "none".to_string(),
        (p, m) => {
            let mut parts = Vec::new();
            if p > 0 {
                parts.push(format!("{p} rule {}", if p == 1 { "run" } else { "runs" }));
            }
            if m > 0 {
                parts.push(format!(
                    "{m} {range_name} {}",
                    if m == 1 { "run" } else { "runs" }
                ));
            }
            parts.join(", ")
        }
    };
    json!({
        "title": r.title, "item": r.item, "anchor": format!("item-{}", r.item), "file": file,
        "n": r.values, "unit": unit,
        "center": format!("{} {unit}", num(r.center)),
        "ucl": limit(r.ucl, r.ucl_at_bound, r.upper_bound),
        "lcl": limit(r.lcl, r.lcl_at_bound, r.lower_bound),
        "spec": spec, "cp": fixed(r.cp, 2), "cpk": fixed(r.cpk, 2), "pp": fixed(r.pp, 2), "ppk": fixed(r.ppk, 2),
        "runs": r.runs.iter().map(run_json).collect::<Vec<_>>(),
        "range_name": range_name,
        "range_ucl": format!("{} {unit}", num(r.range_ucl)),
        "range_runs": r.range_runs.iter().map(run_json).collect::<Vec<_>>(),
        "signals": signals,
    })
}

/// A run of points breaking one rule, as `sopbook spc` lists it.
fn run_json(run: &RuleRun) -> Value {
    let (first_day, last_day) = (local_date(run.first_at), local_date(run.last_at));
    let one = run.first_point == run.last_point;
    json!({
        "rule": run.rule,
        "rule_name": rule_name(run.rule),
        "points": if one {
            format!("point {}", run.first_point)
        } else {
            format!("points {} to {}", run.first_point, run.last_point)
        },
        "inspections": if one {
            run.first_inspection.clone()
        } else {
            format!("{} to {}", run.first_inspection, run.last_inspection)
        },
        "dates": if first_day == last_day {
            first_day.to_string()
        } else {
            format!("{first_day} to {last_day}")
        },
        "description": run.description,
        "one": one,
    })
}
