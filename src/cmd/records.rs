//! `status`, `due`, `history`, `show` and `diff`: document control, read only.

use super::{Outcome, json, say};
use crate::cli::{DiffArgs, DocArgs, DueArgs, JsonArgs, ShowArgs};
use crate::error::Result;
use crate::model::records::{ChangeKind, Meaning};
use crate::ops::Context;
use crate::ops::records::{self, ChangeStatus, DiffInput, DocStateWord};
use crate::render::{Table, time, visible};

pub fn status(ctx: &mut Context, args: &JsonArgs) -> Result<Outcome> {
    let rows = records::status(ctx)?;
    if args.json {
        return json(&rows);
    }
    let mut table = Table::new(&[
        "ID",
        "TITLE",
        "IN FORCE",
        "PENDING",
        "WORKING COPY",
        "NEXT REVIEW",
    ])
    .max(1, 34);
    for r in &rows {
        let in_force = match (r.state, r.effective_revision) {
            (DocStateWord::Obsolete, _) => format!(
                "obsolete {}",
                r.obsolete_since.map(|d| d.to_string()).unwrap_or_default()
            ),
            (_, Some(n)) => format!(
                "rev {n} since {}",
                r.effective_since.map(|d| d.to_string()).unwrap_or_default()
            ),
            _ => "–".to_string(),
        };
        let review = match (&r.in_review, r.scheduled_revision, r.scheduled_from) {
            (Some(c), _, _) if c.ends_with("(retire)") => {
                format!("retire ({})", r.approvals.as_deref().unwrap_or(""))
            }
            (Some(c), _, _) => format!(
                "rev {} ({})",
                c.rsplit(' ').next().unwrap_or(""),
                r.approvals.as_deref().unwrap_or("")
            ),
            (None, Some(n), Some(from)) => format!("rev {n} approved, effective {from}"),
            (None, _, _) => "–".into(),
        };
        table.row(vec![
            r.id.clone(),
            r.title.clone().unwrap_or_default(),
            in_force,
            review,
            r.working_copy.clone(),
            r.next_review.map_or("–".to_string(), |d| d.to_string()),
        ]);
    }
    table.print();
    Ok(Outcome::Ok)
}

pub fn due(ctx: &mut Context, args: &DueArgs) -> Result<Outcome> {
    let due = records::due(ctx, &args.within)?;
    let outcome = if due.overdue() > 0 {
        Outcome::Problem
    } else {
        Outcome::Ok
    };
    if args.json {
        json(&due.rows)?;
        return Ok(outcome);
    }
    if due.rows.is_empty() {
        say(format!(
            "No document is due for review before {}.",
            due.horizon
        ));
        return Ok(outcome);
    }
    let mut owner = None;
    let mut table = Table::new(&["", "", ""]).indent(2).max(1, 40);
    for r in &due.rows {
        if owner != Some(&r.owner) {
            table.heading(format!(
                "{}{}",
                r.owner,
                r.owner_name
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ));
            owner = Some(&r.owner);
        }
        let when = if r.overdue {
            format!(
                "overdue since {} ({})",
                r.due,
                crate::render::plural(-r.days as usize, "day")
            )
        } else {
            format!(
                "due {} (in {})",
                r.due,
                crate::render::plural(r.days as usize, "day")
            )
        };
        table.row(vec![r.id.clone(), r.title.clone(), when]);
    }
    table.print();
    Ok(outcome)
}

pub fn history(ctx: &mut Context, args: &DocArgs) -> Result<Outcome> {
    let h = records::history(ctx, &args.id)?;
    if args.json {
        return json(&h);
    }
    anstream::println!("{} {}", h.id, visible(&h.title));
    if !h.before_sopbook.is_empty() {
        anstream::println!("\n  before sopbook  kept by hand, not signed records");
        let mut table = Table::new(&["", "", "", ""]).indent(4);
        for r in &h.before_sopbook {
            table.row(vec![
                visible(&r.version).into_owned(),
                visible(&r.date).into_owned(),
                visible(&r.author).into_owned(),
                visible(&r.change).into_owned(),
            ]);
        }
        table.print();
        if h.changes.is_empty() {
            anstream::println!("\n  never released in sopbook");
        }
    }
    for c in &h.changes {
        let head = match c.revision {
            Some(n) if c.kind == ChangeKind::Release => {
                format!("rev {n}{}", if c.minor { " (editorial)" } else { "" })
            }
            _ => "retire".to_string(),
        };
        let outcome = match &c.status {
            ChangeStatus::InReview {
                approvals,
                required,
            } => format!("in review, {approvals} of {required} approvals"),
            ChangeStatus::Approved { effective } if c.kind == ChangeKind::Release => {
                if *effective > h.today {
                    format!("approved, effective from {effective}")
                } else if c.in_force {
                    format!("effective {effective}, in force")
                } else {
                    format!("effective {effective}")
                }
            }
            ChangeStatus::Approved { effective } => format!("approved, obsolete from {effective}"),
            ChangeStatus::Rejected { by, reason } => {
                format!("rejected by {by}: {}", visible(reason))
            }
        };
        anstream::println!("\n  {head}  {outcome}");
        anstream::println!("    \"{}\"", visible(&c.summary));
        let mut table = Table::new(&["", "", ""]).indent(4);
        for s in &c.signatures {
            // The reason of a retirement or rejection is on the line above already.
            let said = match &c.status {
                ChangeStatus::Rejected { reason, .. } => {
                    s.meaning == Meaning::Rejected && &s.note == reason
                }
                _ => false,
            };
            let note =
                if s.note.is_empty() || said || s.meaning == Meaning::Retired && s.note == c.reason
                {
                    String::new()
                } else {
                    format!(": {}", s.note)
                };
            table.row(vec![
                time::local(&s.at),
                s.meaning.to_string(),
                format!("{}{note}", s.signer),
            ]);
        }
        table.print();
    }
    for s in &h.periodic_reviews {
        anstream::println!(
            "\n  periodic review  {} by {}{}",
            time::local(&s.at),
            s.by,
            if s.note.is_empty() {
                String::new()
            } else {
                format!(": {}", visible(&s.note))
            }
        );
    }
    Ok(Outcome::Ok)
}

pub fn show(ctx: &mut Context, args: &ShowArgs) -> Result<Outcome> {
    let rev = records::show(ctx, &args.id, args.rev)?;
    if args.json {
        return json(&rev);
    }
    say(format!(
        "{} rev {} \"{}\" released {} by {}: {}",
        rev.id,
        rev.revision,
        visible(&rev.title),
        time::local(&rev.released_at),
        rev.author,
        visible(&rev.summary)
    ));
    print!("{}", rev.content);
    Ok(Outcome::Ok)
}

pub fn diff(ctx: &mut Context, args: &DiffArgs) -> Result<Outcome> {
    let c = records::compare(
        ctx,
        &args.id,
        DiffInput {
            from: args.from,
            to: args.to,
            working: args.working,
        },
    )?;
    let out = crate::render::diff::unified(&c.old, &c.new, &c.old_label, &c.new_label, true);
    if c.old == c.new {
        say("No differences.");
    } else {
        anstream::print!("{out}");
    }
    Ok(Outcome::Ok)
}
