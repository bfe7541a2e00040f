//! `db status` and `db copy`.

use super::{Outcome, json, say};
use crate::cli::DbCommand;
use crate::error::Result;
use crate::ops::{Context, db};
use crate::render::{Table, time};

pub fn db(ctx: &mut Context, command: &DbCommand) -> Result<Outcome> {
    match command {
        DbCommand::Status(args) => {
            let s = db::status(ctx)?;
            if args.json {
                return json(&s);
            }
            anstream::println!("Records:  {} at {}", s.backend, s.location);
            anstream::println!(
                "Schema:   version {} (this sopbook knows up to {})",
                s.schema_version,
                s.known_version
            );
            match &s.head {
                Some(h) => anstream::println!(
                    "Chain:    head at event {}, {}, recorded {}",
                    h.seq,
                    h.hash,
                    time::local(&h.at)
                ),
                None => anstream::println!("Chain:    no events yet"),
            }
            anstream::println!();
            let mut table = Table::new(&["TABLE", "ROWS"]).right(1);
            for t in &s.tables {
                table.row(vec![t.table.to_string(), t.rows.to_string()]);
            }
            table.print();
            Ok(Outcome::Ok)
        }
        DbCommand::Copy(args) => {
            let c = db::copy(
                ctx,
                db::CopyInput {
                    to: args.to.clone(),
                },
            )?;
            if args.json {
                json(&c)?;
            } else {
                anstream::println!(
                    "Copied the records of {} at {}",
                    c.from.backend,
                    c.from.location
                );
                anstream::println!("into {} at {}", c.to.backend, c.to.location);
                anstream::println!();
                let mut table = Table::new(&["TABLE", "ROWS"]).right(1);
                for t in &c.tables {
                    table.row(vec![t.table.to_string(), t.rows.to_string()]);
                }
                table.print();
                anstream::println!();
                if let Some(h) = &c.head {
                    anstream::println!(
                        "Chain:    head at event {}, {}, recorded {}",
                        h.seq,
                        h.hash,
                        time::local(&h.at)
                    );
                }
                match c.photos_copied {
                    0 => anstream::println!("Photos:   none to copy ({})", c.photos_dir),
                    n => anstream::println!(
                        "Photos:   {} copied to {}",
                        crate::render::plural(n, "file"),
                        c.photos_dir
                    ),
                }
                for side in [&c.from, &c.to] {
                    if side.problems.is_empty() {
                        anstream::println!(
                            "Verified: {} and {} in {} at {}: intact",
                            crate::render::plural(side.events, "event"),
                            crate::render::plural(side.rows, "record"),
                            side.backend,
                            side.location
                        );
                    }
                }
            }
            if c.intact() {
                return Ok(Outcome::Ok);
            }
            for p in &c.to.problems {
                say(format!("{}: {p}", c.to.location));
            }
            say(
                "The copy does not verify. Do not point stations at it; keep using the records it came from.",
            );
            Ok(Outcome::Problem)
        }
    }
}
