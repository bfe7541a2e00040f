//! `ack`, `reading-list`, `training`: read-and-understood records.

use super::inspections::{print_list, table_of};
use super::{Outcome, json, say};
use crate::cli::{AckArgs, ReadingListArgs, TrainingArgs};
use crate::error::Result;
use crate::ops::Context;
use crate::ops::training::{self, MatrixFilter, Reason, Required, Shown};
use crate::render::training::{
    COMPLIANCE_HEADERS, MATRIX_HEADERS, compliance_cells, grid_cells, grid_headers, grid_mark,
    grid_word, matrix_cells,
};
use crate::render::{Table, plural};

pub fn ack(ctx: &mut Context, args: &AckArgs) -> Result<Outcome> {
    let Some(id) = &args.id else {
        return ack_all_due(ctx, &args.signer.person);
    };
    let a = training::ack(ctx, id, &args.signer.person)?;
    if a.recorded {
        say(format!(
            "{} read and understood {} rev {} ({})",
            a.person, a.doc_id, a.revision, a.title
        ));
    } else {
        say(format!(
            "{} has already read and understood {} rev {}; nothing was signed",
            a.person, a.doc_id, a.revision
        ));
    }
    Ok(Outcome::Ok)
}

/// Shows the reading list, then signs it all with one password.
fn ack_all_due(ctx: &mut Context, person: &str) -> Result<Outcome> {
    let list = training::due_to_sign(ctx, person)?;
    if list.to_read.is_empty() {
        say(format!(
            "{} ({}) has nothing to read: {} of {} current; nothing was signed",
            list.name, list.person, list.current, list.required
        ));
        return Ok(Outcome::Ok);
    }
    print_reading_list(&list);
    println!();
    let shown: Vec<Shown> = list.to_read.iter().map(Shown::from).collect();
    let done = training::ack_all_due(ctx, person, &shown)?;
    for a in &done.acknowledged {
        say(format!(
            "{} read and understood {} rev {} ({})",
            a.person, a.doc_id, a.revision, a.title
        ));
    }
    Ok(Outcome::Ok)
}

/// Why a document is on someone's reading list.
fn reason(r: &Required) -> String {
    match (&r.reason, &r.changed) {
        (Reason::Changed, Some(c)) => {
            format!("changed in revision {}: {}", c.revision, c.summary)
        }
        (Reason::None, _) => "current".to_string(),
        _ => "new to you".to_string(),
    }
}

pub fn reading_list(ctx: &mut Context, args: &ReadingListArgs) -> Result<Outcome> {
    let list = training::reading_list(ctx, &args.person)?;
    if args.json {
        return json(&list);
    }
    if list.to_read.is_empty() {
        say(format!(
            "{} ({}) has read and understood everything their roles need: {} of {} current",
            list.name, list.person, list.current, list.required
        ));
        return Ok(Outcome::Ok);
    }
    print_reading_list(&list);
    println!();
    println!(
        "Sign each once read: `sopbook ack {} --as {}` (or all at once: `sopbook ack --all-due --as {}`)",
        list.to_read[0].doc_id, list.person, list.person
    );
    Ok(Outcome::Ok)
}

fn print_reading_list(list: &training::ReadingList) {
    println!(
        "{} ({}) must read {} (about {} min); {} of {} current",
        list.name,
        list.person,
        plural(list.to_read.len(), "document"),
        list.reading_minutes,
        list.current,
        list.required
    );
    println!();
    let mut t = Table::new(&[
        "PATH",
        "DOCUMENT",
        "REV",
        "TITLE",
        "MIN",
        "DUE SINCE",
        "WHY",
    ])
    .right(4);
    for r in &list.to_read {
        t.row(vec![
            r.reading_order.map(|o| o.to_string()).unwrap_or_default(),
            r.doc_id.clone(),
            r.revision.to_string(),
            r.title.clone(),
            r.reading_minutes.to_string(),
            r.due_since.to_string(),
            reason(r),
        ]);
    }
    t.print();
    let changed: Vec<String> = list
        .to_read
        .iter()
        .filter_map(|r| {
            r.diff.map(|d| {
                format!(
                    "  {}: `sopbook diff {} --from {} --to {}`",
                    r.doc_id, r.doc_id, d.from, d.to
                )
            })
        })
        .collect();
    if !changed.is_empty() {
        println!();
        println!("What changed since the revision read:");
        for line in changed {
            println!("{line}");
        }
    }
}

pub fn training(ctx: &mut Context, args: &TrainingArgs) -> Result<Outcome> {
    let filter = MatrixFilter {
        person: args.person.as_deref(),
        role: args.role.as_deref(),
        document: args.document.as_deref(),
        section: args.section.as_deref(),
        overdue: args.overdue,
        compliance_only: args.compliance,
    };
    if args.grid {
        return grid(ctx, filter, args);
    }
    let m = training::matrix(ctx, filter)?;
    // Overdue readings found are a problem the command reports (exit 1).
    let found = if m.overdue.is_some() && !m.rows.is_empty() {
        Outcome::Problem
    } else {
        Outcome::Ok
    };
    let compliance = compliance_cells(&m);
    if args.compliance && (args.format.json || args.format.csv) {
        let view = serde_json::json!({
            "compliance": m.compliance, "by_role": m.by_role, "by_section": m.by_section,
        });
        print_list(
            &args.format,
            Table::new(COMPLIANCE_HEADERS),
            &compliance,
            COMPLIANCE_HEADERS,
            &view,
        )?;
        return Ok(found);
    }
    let cells = matrix_cells(&m);
    if args.format.json || args.format.csv {
        print_list(
            &args.format,
            Table::new(MATRIX_HEADERS),
            &cells,
            MATRIX_HEADERS,
            &m,
        )?;
        return Ok(found);
    }
    if !args.compliance {
        match (m.overdue, m.rows.is_empty()) {
            (Some(days), true) => say(format!(
                "nobody is more than {} behind",
                plural(days as usize, "day")
            )),
            (None, true) => say("nobody here must read any document in force"),
            (Some(days), false) => {
                println!(
                    "{} more than {} overdue:",
                    plural(m.rows.len(), "reading"),
                    plural(days as usize, "day")
                );
                println!();
                table_of(MATRIX_HEADERS, &cells).print();
            }
            (None, false) => table_of(MATRIX_HEADERS, &cells).print(),
        }
        println!();
    }
    let mut t = Table::new(&["COMPLIANCE", "ID", "NAME", "CURRENT", "OF", "%"])
        .right(3)
        .right(4)
        .right(5);
    for row in compliance {
        t.row(row);
    }
    t.print();
    Ok(found)
}

/// `training --grid`: people x documents, with a legend under the table.
fn grid(ctx: &mut Context, filter: MatrixFilter<'_>, args: &TrainingArgs) -> Result<Outcome> {
    let g = training::grid(ctx, filter)?;
    let headers = grid_headers(&g);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    if args.format.json || args.format.csv {
        let cells = grid_cells(&g, grid_word);
        return print_list(&args.format, Table::new(&headers), &cells, &headers, &g);
    }
    if g.people.is_empty() || g.documents.is_empty() {
        say("nobody here must read any document in force");
        return Ok(Outcome::Ok);
    }
    table_of(&headers, &grid_cells(&g, grid_mark)).print();
    println!();
    println!(
        "✓ current   r2 read revision 2, changed since   ✗ never read   · not for their roles"
    );
    Ok(Outcome::Ok)
}
