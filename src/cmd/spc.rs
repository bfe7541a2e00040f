//! `sopbook spc`: a control chart and capability for a measured item.

use super::{Outcome, json, say};
use crate::cli::SpcArgs;
use crate::error::{Error, Result};
use crate::ops::Context;
use crate::ops::spc::{self, SpcInput};
use crate::render::number::fixed;
use crate::render::{Table, time};

pub fn spc(ctx: &mut Context, args: &SpcArgs) -> Result<Outcome> {
    let r = spc::spc(
        ctx,
        SpcInput {
            checklist: &args.checklist,
            item: &args.item,
            since: args.since.as_deref(),
            subgroup: args.subgroup,
        },
    )?;
    if let Some(path) = &args.svg {
        let svg = r.svg()?;
        std::fs::write(path, svg)
            .map_err(|e| Error::invalid(format!("could not write `{}`: {e}", path.display())))?;
        say(format!("Wrote the chart to {}", path.display()));
    }
    if args.json {
        return json(&r);
    }
    println!("{} ({})", r.title, r.unit);
    let kind = match r.subgroup {
        Some(n) => format!(
            "X-bar/R, subgroups of {n}, {} subgroups{}",
            r.control.points.len(),
            if r.dropped > 0 {
                format!(" ({} trailing values left out)", r.dropped)
            } else {
                String::new()
            }
        ),
        None => "individuals / moving range".to_string(),
    };
    println!("{} values; chart: {kind}", r.values);
    println!(
        "Centre {:.4}  UCL {:.4}  LCL {:.4}   (range: centre {:.4}, UCL {:.4}, LCL {:.4})",
        r.center, r.ucl, r.lcl, r.range_center, r.range_ucl, r.range_lcl
    );
    for (at_bound, name, side, bound) in [
        (r.lcl_at_bound, "LCL", "below", r.lower_bound),
        (r.ucl_at_bound, "UCL", "above", r.upper_bound),
    ] {
        if let (true, Some(b)) = (at_bound, bound) {
            println!(
                "The {name} is {side} the natural bound {b} {}: the chart draws it at the bound.",
                r.unit
            );
        }
    }
    println!(
        "Sigma within {:.4}, overall {:.4}; spec {} to {}",
        r.sigma_within,
        r.sigma_overall,
        fixed(r.lower_spec, 2),
        fixed(r.upper_spec, 2)
    );
    println!(
        "Cp {}  Cpk {}  Pp {}  Ppk {}   (1.33 capable, 1.00 marginal)",
        fixed(r.cp, 2),
        fixed(r.cpk, 2),
        fixed(r.pp, 2),
        fixed(r.ppk, 2)
    );
    if r.runs.is_empty() {
        println!("Western Electric rules 1-4: no point breaks a rule.");
    } else {
        println!(
            "Western Electric rules broken (consecutive points breaking the same rule are shown as one run):"
        );
        let mut table = Table::new(&["", "", "", "", ""]).indent(2);
        for run in &r.runs {
            let mut row = run_cells(run);
            row.insert(0, format!("rule {}", run.rule));
            table.row(row);
        }
        table.print();
    }
    let ranges = if r.subgroup.is_some() {
        "Ranges"
    } else {
        "Moving ranges"
    };
    if r.range_runs.is_empty() {
        println!("{ranges}: none beyond the control limits.");
    } else {
        println!("{ranges} beyond the control limits (consecutive points are shown as one run):");
        let mut table = Table::new(&["", "", "", ""]).indent(2);
        for run in &r.range_runs {
            table.row(run_cells(run));
        }
        table.print();
    }
    Ok(Outcome::Ok)
}

/// Points, inspections, days and what the pattern is, of one run.
fn run_cells(run: &spc::RuleRun) -> Vec<String> {
    if run.first_point == run.last_point {
        vec![
            format!("point {}", run.first_point),
            run.first_inspection.clone(),
            time::local_day(&run.first_at),
            run.description.clone(),
        ]
    } else {
        vec![
            format!("points {} to {}", run.first_point, run.last_point),
            format!("{} to {}", run.first_inspection, run.last_inspection),
            match (
                time::local_day(&run.first_at),
                time::local_day(&run.last_at),
            ) {
                (first, last) if first == last => first,
                (first, last) => format!("{first} to {last}"),
            },
            format!("e.g. {}", run.description),
        ]
    }
}
