//! `release`, `approve`, `reject`, `retire`, `review` and `people`: the
//! signed steps of document control.

use std::io::IsTerminal;

use anyhow::{Result, anyhow, bail};
use chrono::Utc;
use serde_json::json;

use crate::cli::{
    ApproveArgs, PeopleArgs, PeopleCommand, RejectArgs, ReleaseArgs, RetireArgs, ReviewArgs,
};
use crate::control::Session;
use crate::control::signing::{self, Prompt};
use crate::error::Outcome;
use crate::store::Store;
use crate::workspace::Workspace;

fn session<'a>(ws: &'a Workspace, store: &'a mut dyn Store) -> Session<'a> {
    Session {
        ws,
        store,
        passwords: &Prompt,
        now: Utc::now(),
    }
}

fn done(message: String) -> Result<Outcome> {
    eprintln!("{message}");
    Ok(Outcome::Ok)
}

pub fn release(ws: &Workspace, args: &ReleaseArgs) -> Result<Outcome> {
    let mut store = super::open_store(ws)?;
    let msg = session(ws, store.as_mut()).release(
        &args.id,
        &args.summary,
        args.effective.as_deref(),
        args.minor,
        &args.signer.person,
    )?;
    done(msg)
}

pub fn approve(ws: &Workspace, args: &ApproveArgs) -> Result<Outcome> {
    let mut store = super::open_store(ws)?;
    done(session(ws, store.as_mut()).approve(&args.id, &args.signer.person)?)
}

pub fn reject(ws: &Workspace, args: &RejectArgs) -> Result<Outcome> {
    let mut store = super::open_store(ws)?;
    done(session(ws, store.as_mut()).reject(&args.id, &args.reason, &args.signer.person)?)
}

pub fn retire(ws: &Workspace, args: &RetireArgs) -> Result<Outcome> {
    let mut store = super::open_store(ws)?;
    let msg = session(ws, store.as_mut()).retire(
        &args.id,
        &args.reason,
        args.effective.as_deref(),
        &args.signer.person,
    )?;
    done(msg)
}

pub fn review(ws: &Workspace, args: &ReviewArgs) -> Result<Outcome> {
    let mut store = super::open_store(ws)?;
    done(session(ws, store.as_mut()).review(&args.id, &args.note, &args.signer.person)?)
}

pub fn people(ws: &Workspace, args: &PeopleArgs) -> Result<Outcome> {
    let mut store = super::open_store(ws)?;
    match &args.command {
        Some(PeopleCommand::Passwd { person }) => passwd(ws, store.as_mut(), person),
        None => {
            let credentials = store.credentials()?;
            let rows: Vec<_> = ws
                .config
                .people
                .iter()
                .map(|p| {
                    let set = credentials.iter().any(|c| c.person == p.id);
                    json!({ "id": p.id, "name": p.name, "roles": p.roles, "password_set": set })
                })
                .collect();
            if args.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(Outcome::Ok);
            }
            if rows.is_empty() {
                eprintln!(
                    "No people in sopbook.toml yet: add [[person]] tables with id, name and roles."
                );
            }
            let width = ws
                .config
                .people
                .iter()
                .map(|p| p.id.chars().count())
                .max()
                .unwrap_or(0);
            let name_width = ws
                .config
                .people
                .iter()
                .map(|p| p.name.chars().count())
                .max()
                .unwrap_or(0);
            for (p, row) in ws.config.people.iter().zip(&rows) {
                let set = if row["password_set"] == true {
                    ""
                } else {
                    "  (no signing password)"
                };
                println!(
                    "{:width$}  {:name_width$}  {}{set}",
                    p.id,
                    p.name,
                    p.roles.join(", ")
                );
            }
            Ok(Outcome::Ok)
        }
    }
}

fn passwd(ws: &Workspace, store: &mut dyn Store, person: &str) -> Result<Outcome> {
    let Some(who) = ws.config.person(person) else {
        bail!("`{person}` is not a person in sopbook.toml");
    };
    let has_password = signing::current_hash(store, person)?.is_some();
    let interactive = std::io::stdin().is_terminal();
    let current = if has_password {
        match std::env::var("SOPBOOK_PASSWORD") {
            Ok(p) => Some(p),
            Err(_) if interactive => Some(
                rpassword::prompt_password(format!(
                    "Current password for {} ({person}): ",
                    who.name
                ))
                .map_err(|e| anyhow!("could not read the password: {e}"))?,
            ),
            Err(_) => bail!(
                "changing a password needs the current one: set SOPBOOK_PASSWORD, or run in a terminal"
            ),
        }
    } else {
        None
    };
    let new = match std::env::var("SOPBOOK_NEW_PASSWORD") {
        Ok(p) => p,
        Err(_) if interactive => {
            let a =
                rpassword::prompt_password(format!("New password for {} ({person}): ", who.name))
                    .map_err(|e| anyhow!("could not read the password: {e}"))?;
            let b = rpassword::prompt_password("Repeat it: ")
                .map_err(|e| anyhow!("could not read the password: {e}"))?;
            if a != b {
                bail!("the two passwords differ; nothing was changed");
            }
            a
        }
        Err(_) => {
            bail!("set SOPBOOK_NEW_PASSWORD, or run in a terminal to be asked for the new password")
        }
    };
    let mut session = session(ws, store);
    done(session.set_password(person, current.as_deref(), &new)?)
}
