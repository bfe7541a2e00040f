//! `sopbook report`: the scorecard.

use super::{Outcome, json};
use crate::cli::{ReportArgs, ReportBy};
use crate::error::Result;
use crate::ops::Context;
use crate::ops::scorecard::GroupBy;
use crate::ops::scorecard::{self, ScorecardInput};
use crate::render::number::percent;
use crate::render::{Table, plural};

pub fn report(ctx: &mut Context, args: &ReportArgs) -> Result<Outcome> {
    let by = match args.by {
        ReportBy::Checklist => GroupBy::Checklist,
        ReportBy::Item => GroupBy::Item,
        ReportBy::Lot => GroupBy::Lot,
        ReportBy::Inspector => GroupBy::Inspector,
        ReportBy::Station => GroupBy::Station,
        ReportBy::Week => GroupBy::Week,
    };
    let card = scorecard::scorecard(
        ctx,
        ScorecardInput {
            by,
            since: args.since.as_deref(),
            until: args.until.as_deref(),
        },
    )?;
    if args.format.json {
        return json(&card);
    }
    if args.format.csv {
        let headers = [
            card.by,
            "inspections",
            "failed",
            "first",
            "first_passed",
            "first_pass_yield",
        ];
        let rows: Vec<Vec<String>> = card
            .groups
            .iter()
            .map(|g| {
                vec![
                    g.key.clone(),
                    g.inspections.to_string(),
                    g.failed.to_string(),
                    g.first.to_string(),
                    g.first_passed.to_string(),
                    g.first_pass_yield
                        .map(|p| format!("{p:.4}"))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        crate::render::csv::write(std::io::stdout(), &headers, &rows)?;
        return Ok(Outcome::Ok);
    }
    let period = match (&card.since, &card.until) {
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
        "Inspections: {} ({} first, {}), {} voided and left out",
        card.inspections,
        card.first_inspections,
        plural(card.reinspections.max(0) as usize, "re-inspection"),
        card.voided
    );
    let target = card
        .fpy_target
        .map(|t| format!("; target {}", percent(Some(t))))
        .unwrap_or_default();
    println!(
        "First-pass yield: {} ({} of {} passed their first inspection{target})\n",
        percent(card.first_pass_yield),
        card.first_passed,
        card.first_inspections
    );
    let label = card.by.to_uppercase();
    let counted = card.counted.to_uppercase();
    let mut groups = Table::new(&[&label, &counted, "FAILED", "FIRST", "FPY"])
        .right(1)
        .right(2)
        .right(3)
        .right(4);
    for g in &card.groups {
        groups.row(vec![
            g.key.clone(),
            g.inspections.to_string(),
            g.failed.to_string(),
            g.first.to_string(),
            percent(g.first_pass_yield),
        ]);
    }
    groups.print();
    println!("\nDefects that matter most (failed items, Pareto)");
    let mut pareto = Table::new(&["ITEM", "FAILS", "SHARE", "CUMULATIVE"])
        .right(1)
        .right(2)
        .right(3);
    let lines = scorecard::pareto_lines(&card.pareto, scorecard::PARETO_TABLE_LINES);
    for p in &lines {
        pareto.row(vec![
            p.label.clone(),
            p.fails.to_string(),
            percent(p.share),
            percent(p.cumulative),
        ]);
    }
    pareto.print();
    if lines.iter().any(|l| l.items > 1) {
        println!("(--json lists every item)");
    }
    let nc = &card.nonconformances;
    println!(
        "\nNonconformances: {} open ({} up to 7 days old, {} from 8 to 30 days, {} older), {} closed, mean time to close {}",
        nc.open,
        nc.open_0_7_days,
        nc.open_8_30_days,
        nc.open_over_30_days,
        nc.closed,
        nc.mean_days_to_close
            .map_or("–".to_string(), |d| format!("{d:.1} days"))
    );
    if !card.lots.is_empty() {
        println!("\nLots by supplier (sampling plans, all lots)");
        let mut lots = Table::new(&[
            "SUPPLIER",
            "CHECKLIST",
            "LOTS",
            "ACCEPTED",
            "REJECTED",
            "ACCEPTANCE",
            "NOW",
        ])
        .right(2)
        .right(3)
        .right(4)
        .right(5);
        for l in &card.lots {
            lots.row(vec![
                l.supplier.clone(),
                l.checklist.clone(),
                l.lots.to_string(),
                l.accepted.to_string(),
                l.rejected.to_string(),
                percent(l.acceptance_rate),
                l.severity.to_string(),
            ]);
        }
        lots.print();
    }
    Ok(Outcome::Ok)
}
