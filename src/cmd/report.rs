//! `sopbook report` (the scorecard) and `sopbook spc` (control charts).

use std::path::Path;

use anyhow::{Result, bail};
use chrono::{Local, NaiveDate};
use serde_json::{Value, json};

use crate::cli::{ReportArgs, ReportBy, SpcArgs};
use crate::cmd::floor::Site;
use crate::control::floor::{effective_checklist, ins_name, nc_states};
use crate::error::Outcome;
use crate::model::ItemKind;
use crate::model::control::{local_date, parse_date, parse_time};
use crate::report::{chart, spc};
use crate::store::{GroupBy, GroupCount, Store};

fn bound(s: &Option<String>) -> Result<Option<String>> {
    match s {
        None => Ok(None),
        Some(d) => match parse_date(d) {
            Some(d) => Ok(Some(d.to_string())),
            None => bail!("`{d}` is not a date; write it as YYYY-MM-DD"),
        },
    }
}

fn pct(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

fn show_pct(p: Option<f64>) -> String {
    p.map_or("–".to_string(), |p| format!("{:.1}%", p * 100.0))
}

/// Everything the scorecard shows, computed once (also for the dashboard).
pub struct Scorecard {
    pub groups: Vec<GroupCount>,
    pub pareto: Vec<(String, i64)>,
    pub totals: GroupCount,
    pub voided: usize,
    pub open_by_age: [i64; 3],
    pub open: i64,
    pub closed: i64,
    pub mean_days_to_close: Option<f64>,
}

pub fn scorecard(
    store: &mut dyn Store,
    by: GroupBy,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<Scorecard> {
    let groups = store.group_counts(by, since, until)?;
    let groups = if by == GroupBy::Week {
        crate::store::fold_weeks(groups)
    } else {
        groups
    };
    let totals_rows = if by == GroupBy::Checklist {
        groups.clone()
    } else {
        store.group_counts(GroupBy::Checklist, since, until)?
    };
    let mut totals = GroupCount {
        key: "all".into(),
        inspections: 0,
        passed: 0,
        first: 0,
        first_passed: 0,
    };
    for g in &totals_rows {
        totals.inspections += g.inspections;
        totals.passed += g.passed;
        totals.first += g.first;
        totals.first_passed += g.first_passed;
    }
    let pareto = store.failed_items(since, until)?;
    let voided = store.voids()?.len();
    let ncs = store.nonconformances()?;
    let steps = store.nc_steps()?;
    let today = Local::now().date_naive();
    let mut open_by_age = [0; 3];
    let (mut open, mut closed, mut days) = (0, 0, 0.0);
    for s in nc_states(&ncs, &steps) {
        let opened = parse_time(&s.nc.opened_at);
        match s.closed {
            Some(c) => {
                closed += 1;
                days += (parse_time(&c.signed_at) - opened).num_seconds() as f64 / 86_400.0;
            }
            None => {
                open += 1;
                let age = (today - local_date(opened)).num_days();
                open_by_age[if age <= 7 {
                    0
                } else if age <= 30 {
                    1
                } else {
                    2
                }] += 1;
            }
        }
    }
    Ok(Scorecard {
        groups,
        pareto,
        totals,
        voided,
        open_by_age,
        open,
        closed,
        mean_days_to_close: (closed > 0).then(|| days / closed as f64),
    })
}

pub fn report(explicit: Option<&Path>, args: &ReportArgs) -> Result<Outcome> {
    let mut site = Site::open(explicit)?;
    let by = match args.by {
        ReportBy::Checklist => GroupBy::Checklist,
        ReportBy::Item => GroupBy::Item,
        ReportBy::Lot => GroupBy::Lot,
        ReportBy::Inspector => GroupBy::Inspector,
        ReportBy::Station => GroupBy::Station,
        ReportBy::Week => GroupBy::Week,
    };
    let (since, until) = (bound(&args.since)?, bound(&args.until)?);
    let card = scorecard(site.store.as_mut(), by, since.as_deref(), until.as_deref())?;
    let t = &card.totals;
    let fails_total: i64 = card.pareto.iter().map(|p| p.1).sum();
    let mut cumulative = 0;
    let pareto: Vec<Value> = card
        .pareto
        .iter()
        .map(|(item, n)| {
            cumulative += n;
            json!({ "item": item, "fails": n, "share": pct(*n, fails_total), "cumulative": pct(cumulative, fails_total) })
        })
        .collect();
    let what = if by == GroupBy::Item {
        "items checked"
    } else {
        "inspections"
    };
    let groups: Vec<Value> = card
        .groups
        .iter()
        .map(|g| {
            json!({ "key": g.key, what: g.inspections, "passed": g.passed, "failed": g.inspections - g.passed,
                    "first": g.first, "first_passed": g.first_passed, "first_pass_yield": pct(g.first_passed, g.first) })
        })
        .collect();
    if args.format.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "since": since, "until": until,
                "inspections": t.inspections, "first_inspections": t.first, "first_passed": t.first_passed,
                "reinspections": t.inspections - t.first, "voided": card.voided,
                "first_pass_yield": pct(t.first_passed, t.first),
                "by": format!("{:?}", args.by).to_lowercase(), "groups": groups, "pareto": pareto,
                "nonconformances": { "open": card.open, "open_0_7_days": card.open_by_age[0], "open_8_30_days": card.open_by_age[1],
                                     "open_over_30_days": card.open_by_age[2], "closed": card.closed, "mean_days_to_close": card.mean_days_to_close },
            }))?
        );
        return Ok(Outcome::Ok);
    }
    if args.format.csv {
        let mut w = csv::Writer::from_writer(std::io::stdout());
        w.write_record([
            format!("{:?}", args.by).to_lowercase().as_str(),
            what,
            "failed",
            "first",
            "first_passed",
            "first_pass_yield",
        ])?;
        for g in &card.groups {
            let fpy = pct(g.first_passed, g.first)
                .map(|p| format!("{p:.4}"))
                .unwrap_or_default();
            w.write_record([
                g.key.clone(),
                g.inspections.to_string(),
                (g.inspections - g.passed).to_string(),
                g.first.to_string(),
                g.first_passed.to_string(),
                fpy,
            ])?;
        }
        w.flush()?;
        return Ok(Outcome::Ok);
    }
    let period = match (&since, &until) {
        (None, None) => "all records".to_string(),
        (s, u) => format!(
            "{} to {}",
            s.as_deref().unwrap_or("the start"),
            u.as_deref()
                .map_or("today".to_string(), |u| format!("before {u}"))
        ),
    };
    println!("Scorecard, {period}");
    println!(
        "Inspections: {} ({} first, {} re-inspections), {} voided and left out",
        t.inspections,
        t.first,
        t.inspections - t.first,
        card.voided
    );
    println!(
        "First-pass yield: {} ({} of {} passed their first inspection)\n",
        show_pct(pct(t.first_passed, t.first)),
        t.first_passed,
        t.first
    );
    let label = format!("{:?}", args.by).to_uppercase();
    println!(
        "{label:<28} {:>11} {:>7} {:>7} {:>8}",
        what.to_uppercase(),
        "FAILED",
        "FIRST",
        "FPY"
    );
    for g in &card.groups {
        println!(
            "{:<28} {:>11} {:>7} {:>7} {:>8}",
            g.key,
            g.inspections,
            g.inspections - g.passed,
            g.first,
            show_pct(pct(g.first_passed, g.first))
        );
    }
    println!("\nDefects that matter most (failed items, Pareto)");
    println!(
        "{:<36} {:>6} {:>7} {:>11}",
        "ITEM", "FAILS", "SHARE", "CUMULATIVE"
    );
    for p in pareto.iter().take(15) {
        println!(
            "{:<36} {:>6} {:>7} {:>11}",
            p["item"].as_str().unwrap_or(""),
            p["fails"].as_i64().unwrap_or(0),
            show_pct(p["share"].as_f64()),
            show_pct(p["cumulative"].as_f64())
        );
    }
    if pareto.len() > 15 {
        println!("({} more items; --json lists all)", pareto.len() - 15);
    }
    println!(
        "\nNonconformances: {} open ({} up to 7 days old, {} 8-30 days, {} older), {} closed, mean time to close {}",
        card.open,
        card.open_by_age[0],
        card.open_by_age[1],
        card.open_by_age[2],
        card.closed,
        card.mean_days_to_close
            .map_or("–".to_string(), |d| format!("{d:.1} days"))
    );
    Ok(Outcome::Ok)
}

/// The control chart and capability of one measured item.
pub struct SpcResult {
    pub chart: spc::ControlChart,
    pub capability: spc::Capability,
    pub spec: spc::Spec,
    pub unit: String,
    pub title: String,
    pub points: Vec<(i64, String)>,
}

pub fn spc_for(
    store: &mut dyn Store,
    checklist: &str,
    item: &str,
    since: Option<&str>,
    subgroup: Option<usize>,
    today: NaiveDate,
) -> Result<SpcResult> {
    let records = store.records()?;
    let (_, list) = effective_checklist(&records, checklist, today)?;
    let Some(it) = list.items.iter().find(|i| i.id == item) else {
        let measured: Vec<_> = list
            .items
            .iter()
            .filter(|i| matches!(i.kind, ItemKind::Measure { .. }))
            .map(|i| i.id.as_str())
            .collect();
        bail!(
            "{checklist} has no item `{item}`; its measurement items are {}",
            measured.join(", ")
        );
    };
    let ItemKind::Measure {
        unit, lower, upper, ..
    } = &it.kind
    else {
        bail!(
            "`{item}` is a {} item; control charts are for measurement items",
            it.kind.name()
        );
    };
    // The item's position in every revision of the checklist that has it.
    let positions: Vec<(i64, i64)> = records
        .revisions
        .iter()
        .filter(|r| r.doc_id == checklist)
        .filter_map(|r| {
            let c = crate::workspace::parse_snapshot_checklist(&r.path, &r.content)?;
            let k = c.items.iter().position(|i| i.id == item)?;
            Some((r.id, k as i64 + 1))
        })
        .collect();
    let rows = store.measurements(checklist, &positions, since)?;
    let values: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let chart = match subgroup {
        Some(n) => spc::xbar_r(&values, n),
        None => spc::individuals(&values),
    }
    .map_err(|e| anyhow::anyhow!("{checklist} {item}: {e}"))?;
    let spec = spc::Spec {
        lower: *lower,
        upper: *upper,
    };
    let capability = spc::capability(&values, chart.sigma_within, &spec);
    Ok(SpcResult {
        chart,
        capability,
        spec,
        unit: unit.clone(),
        title: format!("{checklist} {}: {}", item, it.prompt),
        points: rows.into_iter().map(|r| (r.0, r.1)).collect(),
    })
}

fn f(x: Option<f64>) -> String {
    x.map_or("–".to_string(), |x| format!("{x:.2}"))
}

pub fn spc(explicit: Option<&Path>, args: &SpcArgs) -> Result<Outcome> {
    let mut site = Site::open(explicit)?;
    let since = bound(&args.since)?;
    let r = spc_for(
        site.store.as_mut(),
        &args.checklist,
        &args.item,
        since.as_deref(),
        args.subgroup,
        Local::now().date_naive(),
    )?;
    let c = &r.chart;
    let per_point = args.subgroup.unwrap_or(1);
    // Each broken rule at the inspection that completed the pattern.
    struct Broken<'a> {
        rule: u8,
        point: usize,
        inspection: i64,
        at: &'a str,
        description: &'a str,
    }
    let broken: Vec<Broken<'_>> = c
        .violations
        .iter()
        .map(|v| {
            let last = (v.index + 1) * per_point - 1;
            let (id, at) = r
                .points
                .get(last)
                .map_or((0, ""), |(id, at)| (*id, at.as_str()));
            Broken {
                rule: v.rule,
                point: v.index + 1,
                inspection: id,
                at,
                description: &v.description,
            }
        })
        .collect();
    if let Some(path) = &args.svg {
        let svg =
            chart::control_chart_svg(&r.title, &r.unit, c, &r.spec).map_err(anyhow::Error::msg)?;
        std::fs::write(path, svg)
            .map_err(|e| anyhow::anyhow!("could not write `{}`: {e}", path.display()))?;
        eprintln!("Wrote the chart to {}", path.display());
    }
    let cap = &r.capability;
    if args.json {
        let violations: Vec<Value> = broken
            .iter()
            .map(|b| json!({ "rule": b.rule, "point": b.point, "inspection": ins_name(b.inspection), "recorded_at": b.at, "description": b.description }))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "checklist": args.checklist, "item": args.item, "unit": r.unit, "values": cap.n,
                "chart": if args.subgroup.is_some() { "xbar-r" } else { "i-mr" }, "subgroup": args.subgroup, "dropped": c.dropped,
                "center": c.center, "ucl": c.ucl, "lcl": c.lcl, "range_center": c.range_center, "range_ucl": c.range_ucl, "range_lcl": c.range_lcl,
                "sigma_within": c.sigma_within, "sigma_overall": cap.sigma_overall, "mean": cap.mean,
                "lower_spec": r.spec.lower, "upper_spec": r.spec.upper,
                "cp": cap.cp, "cpk": cap.cpk, "pp": cap.pp, "ppk": cap.ppk, "violations": violations,
            }))?
        );
        return Ok(Outcome::Ok);
    }
    println!("{} ({})", r.title, r.unit);
    let kind = match args.subgroup {
        Some(n) => format!(
            "X-bar/R, subgroups of {n}, {} subgroups{}",
            c.points.len(),
            if c.dropped > 0 {
                format!(" ({} trailing values left out)", c.dropped)
            } else {
                String::new()
            }
        ),
        None => "individuals / moving range".to_string(),
    };
    println!("{} values; chart: {kind}", cap.n);
    println!(
        "Centre {:.4}  UCL {:.4}  LCL {:.4}   (range: centre {:.4}, UCL {:.4}, LCL {:.4})",
        c.center, c.ucl, c.lcl, c.range_center, c.range_ucl, c.range_lcl
    );
    println!(
        "Sigma within {:.4}, overall {:.4}; spec {} to {}",
        c.sigma_within,
        cap.sigma_overall,
        f(r.spec.lower),
        f(r.spec.upper)
    );
    println!(
        "Cp {}  Cpk {}  Pp {}  Ppk {}   (1.33 capable, 1.00 marginal)",
        f(cap.cp),
        f(cap.cpk),
        f(cap.pp),
        f(cap.ppk)
    );
    if broken.is_empty() {
        println!("Western Electric rules 1-4: no point breaks a rule.");
        return Ok(Outcome::Ok);
    }
    println!(
        "Western Electric rules broken (consecutive points breaking the same rule are shown as one run):"
    );
    let mut by_rule: Vec<&Broken<'_>> = broken.iter().collect();
    by_rule.sort_by_key(|b| (b.rule, b.point));
    let day = |at: &str| at.get(..10).unwrap_or(at).to_string();
    let mut k = 0;
    while k < by_rule.len() {
        let first = by_rule[k];
        let mut last = first;
        while k + 1 < by_rule.len()
            && by_rule[k + 1].rule == first.rule
            && by_rule[k + 1].point == last.point + 1
        {
            k += 1;
            last = by_rule[k];
        }
        if first.point == last.point {
            println!(
                "  rule {}  point {}  {}  {}  {}",
                first.rule,
                first.point,
                ins_name(first.inspection),
                day(first.at),
                first.description
            );
        } else {
            println!(
                "  rule {}  points {} to {}  {} to {}  {} to {}  e.g. {}",
                first.rule,
                first.point,
                last.point,
                ins_name(first.inspection),
                ins_name(last.inspection),
                day(first.at),
                day(last.at),
                last.description
            );
        }
        k += 1;
    }
    Ok(Outcome::Ok)
}

/// The quality dashboard of the published manual, from the records up to `as_of`.
pub fn dashboard(
    store: &mut dyn Store,
    as_of: NaiveDate,
) -> Result<Option<crate::manual::content::Dashboard>> {
    let until = (as_of + chrono::Days::new(1)).to_string();
    let card = scorecard(store, GroupBy::Week, None, Some(&until))?;
    if card.totals.inspections == 0 {
        return Ok(None);
    }
    let mut files = Vec::new();
    let weeks: Vec<Value> = card
        .groups
        .iter()
        .map(|g| json!({ "key": g.key, "first": g.first, "first_passed": g.first_passed, "fpy": show_pct(pct(g.first_passed, g.first)) }))
        .collect();
    let trend: Vec<(String, f64)> = card
        .groups
        .iter()
        .filter_map(|g| pct(g.first_passed, g.first).map(|p| (g.key.clone(), p)))
        .collect();
    files.push((
        "fpy.svg".to_string(),
        chart::trend_svg("First-pass yield by week", "first-pass yield", &trend)
            .map_err(anyhow::Error::msg)?,
    ));
    let fails_total: i64 = card.pareto.iter().map(|p| p.1).sum();
    let mut cumulative = 0;
    let pareto: Vec<Value> = card
        .pareto
        .iter()
        .take(12)
        .map(|(item, n)| {
            cumulative += n;
            json!({ "item": item, "fails": n, "share": show_pct(pct(*n, fails_total)), "cumulative": show_pct(pct(cumulative, fails_total)) })
        })
        .collect();
    let bars: Vec<(String, u64)> = card
        .pareto
        .iter()
        .take(12)
        .map(|(k, n)| (k.clone(), *n as u64))
        .collect();
    files.push((
        "pareto.svg".to_string(),
        chart::pareto_svg("Failed items", &bars).map_err(anyhow::Error::msg)?,
    ));
    let records = store.records()?;
    let control = crate::model::control::Control::new(&records);
    let mut charts = Vec::new();
    let ids: Vec<String> = control.ids().map(str::to_string).collect();
    for id in ids {
        let Ok((_, list)) = effective_checklist(&records, &id, as_of) else {
            continue;
        };
        for item in &list.items {
            if !matches!(item.kind, ItemKind::Measure { .. }) {
                continue;
            }
            let Ok(r) = spc_for(store, &id, &item.id, None, None, as_of) else {
                continue;
            };
            let file = format!("spc-{}-{}.svg", id.to_lowercase(), item.id);
            files.push((
                file.clone(),
                chart::control_chart_svg(&r.title, &r.unit, &r.chart, &r.spec)
                    .map_err(anyhow::Error::msg)?,
            ));
            let c = &r.chart;
            let cap = &r.capability;
            let spec = match (r.spec.lower, r.spec.upper) {
                (Some(l), Some(u)) => format!("{l} – {u} {}", r.unit),
                (Some(l), None) => format!("≥ {l} {}", r.unit),
                (None, Some(u)) => format!("≤ {u} {}", r.unit),
                (None, None) => "–".into(),
            };
            let violations: Vec<Value> = c
                .violations
                .iter()
                .map(|v| json!({ "rule": v.rule, "point": v.index + 1 }))
                .collect();
            charts.push(json!({
                "title": r.title, "item": item.id, "file": file, "n": cap.n, "unit": r.unit,
                "center": format!("{:.3}", c.center), "ucl": format!("{:.3}", c.ucl), "lcl": format!("{:.3}", c.lcl),
                "spec": spec, "cp": f(cap.cp), "cpk": f(cap.cpk), "pp": f(cap.pp), "ppk": f(cap.ppk), "violations": violations,
            }));
        }
    }
    let t = &card.totals;
    let data = json!({
        "inspections": t.inspections, "first": t.first, "first_passed": t.first_passed, "voided": card.voided,
        "fpy": show_pct(pct(t.first_passed, t.first)), "weeks": weeks, "pareto": pareto,
        "open": card.open, "open_recent": card.open_by_age[0], "open_month": card.open_by_age[1], "open_old": card.open_by_age[2],
        "closed": card.closed, "mean_close": card.mean_days_to_close.map_or("–".to_string(), |d| format!("{d:.1} days")),
        "charts": charts,
    });
    Ok(Some(crate::manual::content::Dashboard { data, files }))
}
