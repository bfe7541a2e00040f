//! `nc list|show|disposition|action|close`.

use super::inspections::{print_list, table_of};
use super::{Outcome, json, say};
use crate::cli::NcCommand;
use crate::error::Result;
use crate::ops::Context;
use crate::ops::nc::{self, StepInput, StepKind};
use crate::render::{Table, time, visible};

pub fn nc(ctx: &mut Context, command: &NcCommand) -> Result<Outcome> {
    match command {
        NcCommand::List { open, format } => {
            let list = nc::list(ctx, *open)?;
            let headers = [
                "NC",
                "OPENED",
                "STATUS",
                "DISPOSITION",
                "CHECKLIST",
                "LOT",
                "AGE",
                "FAILED ITEMS",
            ];
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|n| {
                    vec![
                        n.id.clone(),
                        time::local(&n.opened_at),
                        n.status.as_str().to_string(),
                        n.disposition.clone().unwrap_or_default(),
                        n.checklist.clone().unwrap_or_default(),
                        n.lot.clone().unwrap_or_default(),
                        n.age_days.to_string(),
                        n.summary.clone(),
                    ]
                })
                .collect();
            print_list(
                format,
                table_of(&headers, &rows).right(6),
                &rows,
                &headers,
                &list,
            )
        }
        NcCommand::Show {
            nc: id,
            json: as_json,
        } => {
            let d = nc::show(ctx, id)?;
            if *as_json {
                return json(&d);
            }
            anstream::println!(
                "{}  {}  opened {} when {} failed",
                d.id,
                d.status.as_str(),
                time::local(&d.opened_at),
                d.inspection
            );
            anstream::println!("failed: {}", visible(&d.summary));
            let mut lines = Vec::new();
            for st in &d.steps {
                let extra = match (&st.sop, &st.sop_change) {
                    (Some(sop), Some(change)) => format!(" [changes {sop}: {change}]"),
                    (Some(sop), None) => format!(" [changes {sop}: no new revision effective yet]"),
                    _ => String::new(),
                };
                let note = if st.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", st.note)
                };
                lines.push((
                    st.at,
                    st.kind.to_string(),
                    format!("{} by {}{note}{extra}", st.value, st.signer),
                ));
            }
            for r in &d.reinspections {
                lines.push((
                    r.recorded_at,
                    "reinspected".into(),
                    format!(
                        "{} {}{}",
                        r.inspection,
                        r.verdict,
                        if r.void { " (void)" } else { "" }
                    ),
                ));
            }
            lines.sort_by_key(|l| l.0);
            let mut table = Table::new(&["", "", ""]).indent(2);
            for (at, what, text) in lines {
                table.row(vec![time::local(&at), what, text]);
            }
            table.print();
            Ok(Outcome::Ok)
        }
        NcCommand::Disposition {
            nc: id,
            disposition,
            note,
            signer,
        } => {
            let input = StepInput {
                kind: StepKind::Disposition,
                value: disposition,
                sop: None,
                note,
            };
            let s = nc::step(ctx, id, input, &signer.person)?;
            say(format!("{}: disposition {}", s.nc, s.value));
            Ok(Outcome::Ok)
        }
        NcCommand::Action {
            nc: id,
            action,
            sop,
            signer,
        } => {
            let input = StepInput {
                kind: StepKind::Action,
                value: action,
                sop: sop.as_deref(),
                note: "",
            };
            let s = nc::step(ctx, id, input, &signer.person)?;
            say(format!(
                "{}: corrective action recorded{}",
                s.nc,
                s.sop.map(|s| format!(" (changes {s})")).unwrap_or_default()
            ));
            Ok(Outcome::Ok)
        }
        NcCommand::Close {
            nc: id,
            note,
            signer,
        } => {
            let input = StepInput {
                kind: StepKind::Close,
                value: "",
                sop: None,
                note,
            };
            let s = nc::step(ctx, id, input, &signer.person)?;
            say(format!("{} is closed", s.nc));
            Ok(Outcome::Ok)
        }
    }
}
