//! `db status`.

use super::{Outcome, json};
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
    }
}
