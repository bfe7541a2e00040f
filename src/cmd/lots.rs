//! `lot open|close|status|reduce` and `lots`: lots inspected by sampling plan.

use super::inspections::{print_list, table_of};
use super::{Outcome, json, say};
use crate::cli::{LotCommand, LotsArgs};
use crate::error::Result;
use crate::model::sampling::ClassPlan;
use crate::ops::Context;
use crate::ops::lots::{self, LotLine, OpenInput, Standing};

/// "Ac 2, Re 3" or, per class, "major (AQL 1.0): Ac 2, Re 3".
fn plan_lines(classes: &[ClassPlan]) -> Vec<String> {
    classes
        .iter()
        .map(|c| {
            let head = match c.class {
                Some(class) => format!("{} (AQL {})", class.as_str(), c.aql),
                None => format!("AQL {}", c.aql),
            };
            format!(
                "{head}: {} units (letter {}), accept on {}, reject on {}",
                c.sample, c.letter, c.ac, c.re
            )
        })
        .collect()
}

fn standing_text(s: &Standing) -> String {
    let mut out = format!(
        "{} lots from {}: {} inspection ({}; {} lots decided)",
        s.checklist,
        if s.supplier.is_empty() {
            "no named supplier"
        } else {
            &s.supplier
        },
        s.state.severity,
        s.state.reason,
        s.lots
    );
    if let Some(score) = s.state.switching_score {
        out.push_str(&format!("\nswitching score: {score} (reduced from 30)"));
    }
    if s.state.reduced_allowed {
        out.push_str(&format!(
            "\nthe history allows reduced inspection: `sopbook lot reduce {} --as P` approves it",
            s.checklist
        ));
    }
    out
}

pub fn lot(ctx: &mut Context, command: &LotCommand) -> Result<Outcome> {
    match command {
        LotCommand::Open {
            checklist,
            lot,
            size,
            supplier,
            json: as_json,
            signer,
        } => {
            let o = lots::open(
                ctx,
                OpenInput {
                    checklist,
                    lot,
                    size: *size,
                    supplier: supplier.as_deref(),
                    person: &signer.person,
                },
            )?;
            if *as_json {
                return json(&o);
            }
            println!(
                "lot {} of {} ({} units): {} inspection, code letter {}",
                o.lot, o.checklist, o.lot_size, o.severity, o.code_letter
            );
            if o.hundred_percent {
                println!("inspect every unit: {} of {}", o.sample, o.lot_size);
            } else {
                println!("inspect {} units", o.sample);
            }
            for line in plan_lines(&o.classes) {
                println!("  {line}");
            }
            say(format!(
                "{} {} ({})",
                o.standard.title(),
                o.level.as_str(),
                o.reason
            ));
            say(format!(
                "record each unit with `sopbook inspect {} --lot {} ...`; the lot closes with the last one",
                o.checklist, o.lot
            ));
            Ok(Outcome::Ok)
        }
        LotCommand::Close {
            lot,
            checklist,
            json: as_json,
            signer,
        } => {
            let c = lots::close(ctx, checklist.as_deref(), lot, &signer.person)?;
            if *as_json {
                return json(&c);
            }
            println!(
                "lot {} of {}: {} ({} of {} units sampled)",
                c.lot,
                c.checklist,
                match c.decision {
                    crate::store::LotDecision::Accept => "accepted",
                    crate::store::LotDecision::Reject => "rejected",
                },
                c.sampled,
                c.sample
            );
            if let Some(nc) = &c.nonconformance {
                println!(
                    "opened {nc}: `sopbook nc disposition {nc} return-to-supplier|scrap|use-as-is|rework --as P`"
                );
            }
            say(format!("next lot: {} inspection", c.next.severity));
            Ok(Outcome::Ok)
        }
        LotCommand::Status {
            checklist,
            supplier,
            json: as_json,
        } => {
            let s = lots::standing(ctx, checklist, supplier.as_deref().unwrap_or(""))?;
            if *as_json {
                return json(&s);
            }
            println!("{}", standing_text(&s));
            Ok(Outcome::Ok)
        }
        LotCommand::Reduce {
            checklist,
            supplier,
            note,
            signer,
        } => {
            let s =
                lots::approve_reduced(ctx, checklist, supplier.as_deref(), &signer.person, note)?;
            say(format!("{} approved reduced inspection", signer.person));
            println!("{}", standing_text(&s));
            Ok(Outcome::Ok)
        }
    }
}

const LOT_HEADERS: [&str; 11] = [
    "lot",
    "checklist",
    "supplier",
    "size",
    "severity",
    "letter",
    "sample",
    "sampled",
    "nonconforming",
    "decision",
    "nc",
];

fn lot_cells(l: &LotLine) -> Vec<String> {
    let found = l
        .classes
        .iter()
        .zip(&l.nonconforming)
        .map(|(c, d)| match c.class {
            Some(class) => format!("{} {d}/{}", class.as_str(), c.re),
            None => format!("{d} (Re {})", c.re),
        })
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        l.lot.clone(),
        l.checklist.clone(),
        l.supplier.clone(),
        l.lot_size.to_string(),
        l.severity.to_string(),
        l.code_letter.clone(),
        l.sample.to_string(),
        l.sampled.to_string(),
        found,
        l.decision
            .map(|d| d.as_str().to_string())
            .unwrap_or_else(|| "open".to_string()),
        l.nonconformance.clone().unwrap_or_default(),
    ]
}

pub fn lots(ctx: &mut Context, args: &LotsArgs) -> Result<Outcome> {
    if args.suppliers {
        let rows = lots::by_supplier(ctx)?;
        let headers = [
            "supplier",
            "checklist",
            "lots",
            "accepted",
            "rejected",
            "acceptance",
            "severity",
        ];
        let cells: Vec<Vec<String>> = rows
            .iter()
            .filter(|r| args.supplier.as_ref().is_none_or(|s| s == &r.supplier))
            .map(|r| {
                vec![
                    r.supplier.clone(),
                    r.checklist.clone(),
                    r.lots.to_string(),
                    r.accepted.to_string(),
                    r.rejected.to_string(),
                    r.acceptance_rate
                        .map(|x| format!("{:.1}%", x * 100.0))
                        .unwrap_or_default(),
                    r.severity.to_string(),
                ]
            })
            .collect();
        return print_list(
            &args.format,
            table_of(&headers, &cells),
            &cells,
            &headers,
            &rows,
        );
    }
    let list = lots::list(ctx, args.supplier.as_deref())?;
    let cells: Vec<Vec<String>> = list.iter().map(lot_cells).collect();
    if cells.is_empty() && !args.format.json && !args.format.csv {
        say("no lots were opened by sampling plan yet (`sopbook lot open`)");
        return Ok(Outcome::Ok);
    }
    print_list(
        &args.format,
        table_of(&LOT_HEADERS, &cells),
        &cells,
        &LOT_HEADERS,
        &list,
    )
}
