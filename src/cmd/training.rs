//! `ack`, `reading-list`, `training`: read-and-understood records.

use super::inspections::{print_list, table_of};
use super::{Outcome, json, say};
use crate::cli::{AckArgs, ReadingListArgs, TrainingArgs};
use crate::error::Result;
use crate::ops::Context;
use crate::ops::training::{self, MatrixFilter, Required, State};
use crate::render::training::{MATRIX_HEADERS, matrix_cells};
use crate::render::{Table, plural};

pub fn ack(ctx: &mut Context, args: &AckArgs) -> Result<Outcome> {
    let a = training::ack(ctx, &args.id, &args.signer.person)?;
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

/// Why a document is on someone's reading list.
fn reason(r: &Required) -> String {
    match (&r.state, &r.changed) {
        (State::Outdated, Some(c)) => format!("changed in rev {}: {}", c.revision, c.summary),
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
    println!(
        "{} ({}) must read {}; {} of {} current",
        list.name,
        list.person,
        plural(list.to_read.len(), "document"),
        list.current,
        list.required
    );
    println!();
    let mut t = Table::new(&["PATH", "DOCUMENT", "REV", "TITLE", "DUE SINCE", "WHY"]);
    for r in &list.to_read {
        t.row(vec![
            r.reading_order.map(|o| o.to_string()).unwrap_or_default(),
            r.doc_id.clone(),
            r.revision.to_string(),
            r.title.clone(),
            r.due_since.to_string(),
            reason(r),
        ]);
    }
    t.print();
    println!();
    println!(
        "Sign each once read: `sopbook ack {} --as {}`",
        list.to_read[0].doc_id, list.person
    );
    Ok(Outcome::Ok)
}

pub fn training(ctx: &mut Context, args: &TrainingArgs) -> Result<Outcome> {
    let m = training::matrix(
        ctx,
        MatrixFilter {
            person: args.person.as_deref(),
            role: args.role.as_deref(),
            document: args.document.as_deref(),
        },
    )?;
    let cells = matrix_cells(&m);
    if args.format.json || args.format.csv {
        return print_list(
            &args.format,
            Table::new(MATRIX_HEADERS),
            &cells,
            MATRIX_HEADERS,
            &m,
        );
    }
    if m.rows.is_empty() {
        say("nobody here must read any document in force");
    } else {
        table_of(MATRIX_HEADERS, &cells).print();
    }
    println!();
    let mut t = Table::new(&["PERSON", "NAME", "CURRENT", "OF", "%"])
        .right(2)
        .right(3)
        .right(4);
    for c in &m.compliance {
        t.row(vec![
            c.person.clone(),
            c.name.clone(),
            c.current.to_string(),
            c.required.to_string(),
            (c.current * 100)
                .checked_div(c.required)
                .map_or_else(|| "-".to_string(), |p| p.to_string()),
        ]);
    }
    t.print();
    Ok(Outcome::Ok)
}
