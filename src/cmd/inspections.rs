//! `inspections list|show|void|import`.

use super::{Outcome, json, say};
use crate::cli::{InspectionsCommand, ListFormat};
use crate::error::Result;
use crate::ops::inspections::{self, ListInput, ins_name};
use crate::ops::{Context, import};
use crate::render::{Table, time, visible};

/// A table as text, JSON (the views) or CSV (the table's cells).
pub fn print_list(
    format: &ListFormat,
    table: Table,
    cells: &[Vec<String>],
    headers: &[&str],
    view: &impl serde::Serialize,
) -> Result<Outcome> {
    if format.json {
        return super::json(view);
    }
    if format.csv {
        crate::render::csv::write(std::io::stdout(), headers, cells)?;
        return Ok(Outcome::Ok);
    }
    table.print();
    Ok(Outcome::Ok)
}

/// A table of `rows` under `headers`, also kept as cells for CSV.
pub fn table_of(headers: &[&str], rows: &[Vec<String>]) -> Table {
    let mut t = Table::new(headers);
    for r in rows {
        t.row(r.clone());
    }
    t
}

pub fn inspections(ctx: &mut Context, command: &InspectionsCommand) -> Result<Outcome> {
    match command {
        InspectionsCommand::List {
            checklist,
            lot,
            since,
            until,
            result,
            format,
        } => {
            let list = inspections::list(
                ctx,
                ListInput {
                    checklist: checklist.as_deref(),
                    lot: lot.as_deref(),
                    since: since.as_deref(),
                    until: until.as_deref(),
                    result: result.as_deref(),
                },
            )?;
            let headers = [
                "ID",
                "RECORDED",
                "CHECKLIST",
                "LOT",
                "SERIAL",
                "INSPECTOR",
                "STATION",
                "RESULT",
                "REINSPECTS",
                "VOID",
            ];
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|i| {
                    let r = &i.row;
                    vec![
                        i.name.clone(),
                        time::local(&r.recorded_at),
                        format!("{} rev {}", r.checklist_id, r.revision_number),
                        r.lot.clone(),
                        r.serial.clone(),
                        r.inspector.clone(),
                        r.station.clone(),
                        r.verdict.to_string(),
                        r.reinspects.map(ins_name).unwrap_or_default(),
                        if i.void { "void".into() } else { String::new() },
                    ]
                })
                .collect();
            print_list(format, table_of(&headers, &rows), &rows, &headers, &list)
        }
        InspectionsCommand::Show { id, json: as_json } => {
            let d = inspections::show(ctx, id)?;
            if *as_json {
                return json(&d);
            }
            let i = &d.row;
            anstream::println!(
                "{}  {}  {} rev {}",
                d.name,
                i.verdict.to_string(),
                i.checklist_id,
                i.revision_number
            );
            anstream::println!(
                "lot {}{}  by {} at {}  {}",
                visible(&i.lot),
                if i.serial.is_empty() {
                    String::new()
                } else {
                    format!(", serial {}", visible(&i.serial))
                },
                i.inspector,
                visible(&i.station),
                time::local(&i.recorded_at)
            );
            if let Some(r) = i.reinspects {
                anstream::println!("re-inspection of {}", ins_name(r));
            }
            let mut table = Table::new(&["", "", ""]).indent(2);
            for r in &d.results {
                let note = if r.note.is_empty() {
                    String::new()
                } else {
                    format!("  ({})", r.note)
                };
                table.row(vec![
                    r.outcome.to_string(),
                    r.item_id.clone(),
                    format!("{}{note}", r.value),
                ]);
            }
            table.print();
            for p in &d.photos {
                anstream::println!(
                    "photo of {}: {} ({}, {})",
                    p.item,
                    visible(&p.file_name),
                    crate::workspace::size_text(p.byte_size.max(0) as u64),
                    p.media_type
                );
                anstream::println!("  sha256 {}", p.sha256);
                anstream::println!("  file   {}", visible(&p.file));
            }
            if let Some(n) = &d.nonconformance {
                anstream::println!("opened {n}");
            }
            for r in &d.reinspected_by {
                anstream::println!("re-inspected by {r}");
            }
            if let Some(v) = &d.void {
                anstream::println!(
                    "VOID: voided by {} on {}: {}",
                    v.voided_by,
                    time::local(&v.voided_at),
                    visible(&v.reason)
                );
            }
            Ok(Outcome::Ok)
        }
        InspectionsCommand::Void { id, reason, signer } => {
            let v = inspections::void(ctx, id, reason, &signer.person)?;
            say(format!(
                "{} is void; it stays in the records but leaves the scorecard",
                v.name
            ));
            Ok(Outcome::Ok)
        }
        InspectionsCommand::Import { file, person } => {
            let done = import::import(ctx, file, person)?;
            say(format!(
                "Imported {} from {} ({} failed, each opened a nonconformance).",
                crate::render::plural(done.inspections, "inspection"),
                done.file,
                done.failed
            ));
            Ok(Outcome::Ok)
        }
    }
}
