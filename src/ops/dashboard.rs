//! The quality dashboard of the published manual: the scorecard and a
//! control chart for every measured item, as of a date, with SVG charts.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::Context;
use super::inspections::effective_checklist;
use super::scorecard::{share, weekly_until};
use super::spc::chart_of;
use crate::error::{Error, Result};
use crate::manual::content::Dashboard;
use crate::model::ItemKind;
use crate::model::control::Control;
use crate::render::number::{fixed, percent};
use crate::report::chart;

fn svg(r: std::result::Result<String, String>) -> Result<String> {
    r.map_err(|e| Error::invalid(format!("could not draw a chart: {e}")))
}

/// The dashboard from the records up to `as_of`; `None` without inspections.
pub fn dashboard(ctx: &mut Context, as_of: NaiveDate) -> Result<Option<Dashboard>> {
    let card = weekly_until(ctx, as_of)?;
    if card.inspections == 0 {
        return Ok(None);
    }
    let mut files = Vec::new();
    let weeks: Vec<Value> = card
        .groups
        .iter()
        .map(|g| json!({ "key": g.key, "first": g.first, "first_passed": g.first_passed, "fpy": percent(g.first_pass_yield) }))
        .collect();
    let trend: Vec<(String, f64)> = card
        .groups
        .iter()
        .filter_map(|g| share(g.first_passed, g.first).map(|p| (g.key.clone(), p)))
        .collect();
    files.push((
        "fpy.svg".to_string(),
        svg(chart::trend_svg(
            "First-pass yield by week",
            "first-pass yield",
            &trend,
        ))?,
    ));
    let pareto: Vec<Value> = card
        .pareto
        .iter()
        .take(12)
        .map(|p| json!({ "item": p.item, "fails": p.fails, "share": percent(p.share), "cumulative": percent(p.cumulative) }))
        .collect();
    let bars: Vec<(String, u64)> = card
        .pareto
        .iter()
        .take(12)
        .map(|p| (p.item.clone(), p.fails.max(0) as u64))
        .collect();
    files.push((
        "pareto.svg".to_string(),
        svg(chart::pareto_svg("Failed items", &bars))?,
    ));
    let store = ctx.store()?;
    let records = store.records()?;
    let ids: Vec<String> = Control::new(&records).ids().map(str::to_string).collect();
    let mut charts = Vec::new();
    for id in ids {
        let Ok((_, list)) = effective_checklist(&records, &id, as_of) else {
            continue;
        };
        for item in &list.items {
            if !matches!(item.kind, ItemKind::Measure { .. }) {
                continue;
            }
            let Ok(r) = chart_of(store, &id, &item.id, None, None, as_of) else {
                continue;
            };
            let file = format!("spc-{}-{}.svg", id.to_lowercase(), item.id);
            files.push((
                file.clone(),
                svg(chart::control_chart_svg(
                    &r.title, &r.unit, &r.control, &r.spec,
                ))?,
            ));
            let spec = match (r.lower_spec, r.upper_spec) {
                (Some(l), Some(u)) => format!("{l} – {u} {}", r.unit),
                (Some(l), None) => format!("≥ {l} {}", r.unit),
                (None, Some(u)) => format!("≤ {u} {}", r.unit),
                (None, None) => "–".into(),
            };
            let violations: Vec<Value> = r
                .violations
                .iter()
                .map(|v| json!({ "rule": v.rule, "point": v.point }))
                .collect();
            charts.push(json!({
                "title": r.title, "item": item.id, "file": file, "n": r.values, "unit": r.unit,
                "center": format!("{:.3}", r.center), "ucl": format!("{:.3}", r.ucl), "lcl": format!("{:.3}", r.lcl),
                "spec": spec, "cp": fixed(r.cp, 2), "cpk": fixed(r.cpk, 2), "pp": fixed(r.pp, 2), "ppk": fixed(r.ppk, 2),
                "violations": violations,
            }));
        }
    }
    let nc = &card.nonconformances;
    let data = json!({
        "inspections": card.inspections, "first": card.first_inspections, "first_passed": card.first_passed, "voided": card.voided,
        "fpy": percent(card.first_pass_yield), "weeks": weeks, "pareto": pareto,
        "open": nc.open, "open_recent": nc.open_0_7_days, "open_month": nc.open_8_30_days, "open_old": nc.open_over_30_days,
        "closed": nc.closed, "mean_close": nc.mean_days_to_close.map_or("–".to_string(), |d| format!("{d:.1} days")),
        "charts": charts,
    });
    Ok(Some(Dashboard { data, files }))
}
