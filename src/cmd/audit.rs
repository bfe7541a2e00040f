//! `audit log` and `audit verify`.

use serde_json::Value;

use super::{Outcome, json, say};
use crate::cli::AuditCommand;
use crate::error::{Error, Result};
use crate::ops::{self, Context, audit};
use crate::render::{Table, time};

pub fn audit(ctx: &mut Context, command: &AuditCommand) -> Result<Outcome> {
    match command {
        AuditCommand::Log {
            since,
            json: as_json,
        } => {
            let since = since.as_deref().map(ops::parse_day).transpose()?;
            let events = audit::log(ctx, since)?;
            if *as_json {
                return json(&events);
            }
            let mut table = Table::new(&["SEQ", "AT", "ACTOR", "ACTION", "RECORD"]).right(0);
            for e in &events {
                table.row(vec![
                    e.seq.to_string(),
                    time::local(&e.at),
                    e.actor.clone(),
                    e.action.clone(),
                    format!("{}{}", e.record, describe_note(&e.detail["note"])),
                ]);
            }
            table.print();
            Ok(Outcome::Ok)
        }
        AuditCommand::Anchor => {
            let a = audit::anchor(ctx)?;
            say(format!(
                "Anchored event {} ({}) in {}: commit it, and `sopbook audit verify` will show if any history up to it goes missing.",
                a.seq,
                &a.hash[..16],
                a.file
            ));
            Ok(Outcome::Ok)
        }
        AuditCommand::Verify {
            anchors,
            json: as_json,
        } => {
            let extra = anchors
                .iter()
                .map(|a| audit::parse_anchor(a, "--anchor"))
                .collect::<Result<Vec<_>>>()?;
            let v = audit::verify(ctx, &extra)?;
            if *as_json {
                json(&v)?;
            }
            if v.intact() {
                say(format!(
                    "Verified {} and {} in {}{}: the audit trail is intact.",
                    crate::render::plural(v.events, "event"),
                    crate::render::plural(v.rows, "record"),
                    v.location,
                    match v.anchors {
                        0 => String::new(),
                        1 => ", and 1 anchor".to_string(),
                        n => format!(", and {n} anchors"),
                    }
                ));
                if v.unsealed > 0 {
                    say(format!(
                        "note: {} signed records predate their signer's signing key: their hashes were checked, but no key proves who signed them",
                        v.unsealed
                    ));
                }
                return Ok(Outcome::Ok);
            }
            if !*as_json {
                for p in &v.problems {
                    say(format!(
                        "{}: {p}",
                        crate::render::paint(crate::render::style::ERROR, "error")
                    ));
                }
            }
            Err(Error::problem(format!(
                "the audit trail of {} has been tampered with: {}",
                v.location, v.problems[0]
            )))
        }
    }
}

/// The interesting part of an event's note, for one line of the log.
fn describe_note(note: &Value) -> String {
    let pick = |k: &str| {
        note.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(reason) = note
        .get("reason")
        .and_then(Value::as_str)
        .filter(|_| note.get("attempted").is_some())
    {
        return format!(": {} refused ({reason})", pick("attempted").unwrap_or(""));
    }
    if let Some(s) = pick("summary").or(pick("reason")).or(pick("note")) {
        return format!(": {s}");
    }
    if let (Some(a), Some(r)) = (note.get("approvals"), note.get("required")) {
        return format!(" ({a} of {r})");
    }
    String::new()
}
