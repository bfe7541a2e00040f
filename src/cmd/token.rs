//! `token create`, `token list`, `token revoke`: bearer tokens for the JSON
//! API of `sopbook serve`. The token is printed once, on standard output, so
//! that a script can keep it; everything else goes to standard error.

use super::{Outcome, json, say};
use crate::cli::TokenCommand;
use crate::error::Result;
use crate::ops::{Context, tokens};
use crate::render::{Table, time};

pub fn token(ctx: &mut Context, command: &TokenCommand) -> Result<Outcome> {
    match command {
        TokenCommand::Create { signer, expires } => {
            let lifetime = tokens::parse_lifetime(expires)?;
            let made = tokens::create(ctx, &signer.person, lifetime)?;
            println!("{}", made.token);
            say(format!(
                "API token {} acts for {} ({}) until {}. It is shown only this once: keep it where the gauge or system that uses it can read it. `sopbook token revoke {} --as {}` ends it.",
                made.id,
                made.name,
                made.person,
                time::local(&made.expires_at),
                made.id,
                made.person
            ));
            Ok(Outcome::Ok)
        }
        TokenCommand::List {
            person,
            json: as_json,
        } => {
            let list = tokens::list(ctx, person.as_deref())?;
            if *as_json {
                return json(&list);
            }
            if list.is_empty() {
                say("No API tokens yet: `sopbook token create --as PERSON` makes one.");
                return Ok(Outcome::Ok);
            }
            let mut table = Table::new(&["ID", "PERSON", "CREATED", "EXPIRES", "STATE"]).right(0);
            for t in &list {
                table.row(vec![
                    t.id.to_string(),
                    t.person.clone(),
                    time::local(&t.created_at),
                    time::local(&t.expires_at),
                    t.state.to_string(),
                ]);
            }
            table.print();
            Ok(Outcome::Ok)
        }
        TokenCommand::Revoke { id, signer } => {
            let done = tokens::revoke(ctx, *id, &signer.person)?;
            say(format!(
                "API token {} of {} is revoked: requests with it are refused from now on.",
                done.id, done.person
            ));
            Ok(Outcome::Ok)
        }
    }
}
