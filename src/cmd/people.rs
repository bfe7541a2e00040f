//! `people` and `people passwd`.

use super::env::{Env, ask};
use super::{Outcome, json, say};
use crate::cli::{PeopleArgs, PeopleCommand};
use crate::error::{Error, Result};
use crate::ops::{Context, people};
use crate::render::Table;

pub fn people(ctx: &mut Context, env: &Env, args: &PeopleArgs) -> Result<Outcome> {
    match &args.command {
        Some(PeopleCommand::Passwd { person }) => return passwd(ctx, env, person),
        Some(PeopleCommand::Reset { forgot, reason, by }) => {
            return reset(ctx, env, forgot, reason, &by.person);
        }
        None => {}
    }
    let list = people::list(ctx)?;
    if args.json {
        return json(&list);
    }
    if list.is_empty() {
        say("No people in sopbook.toml yet: add [[person]] tables with id, name and roles.");
        return Ok(Outcome::Ok);
    }
    let mut table = Table::new(&["ID", "NAME", "ROLES", ""]);
    for p in &list {
        table.row(vec![
            p.id.clone(),
            p.name.clone(),
            p.roles.join(", "),
            if p.password_set {
                String::new()
            } else {
                "(no signing password)".into()
            },
        ]);
    }
    table.print();
    Ok(Outcome::Ok)
}

fn passwd(ctx: &mut Context, env: &Env, person: &str) -> Result<Outcome> {
    let who = people::password_target(ctx, person)?;
    let current = if who.has_password {
        match &env.password {
            Some(p) => Some(p.clone()),
            None if env.interactive => Some(ask(&format!(
                "Current password for {} ({person}): ",
                who.name
            ))?),
            None => {
                return Err(Error::invalid(
                    "changing a password needs the current one: set SOPBOOK_PASSWORD, or run in a terminal",
                ));
            }
        }
    } else {
        None
    };
    // A wrong current password is said before the new one is asked for.
    if current.is_some() {
        people::check_current(ctx, person, current.as_deref())?;
    }
    let new = new_password(env, &who.name, person)?;
    let set = people::set_password(ctx, person, current.as_deref(), &new)?;
    say(format!(
        "signing password set for {} ({})",
        set.name, set.id
    ));
    Ok(Outcome::Ok)
}

/// The new password: SOPBOOK_NEW_PASSWORD, or asked twice in a terminal.
fn new_password(env: &Env, name: &str, person: &str) -> Result<String> {
    match &env.new_password {
        Some(p) => Ok(p.clone()),
        None if env.interactive => {
            let a = ask(&format!("New password for {name} ({person}): "))?;
            let b = ask("Repeat it: ")?;
            if a != b {
                return Err(Error::invalid(
                    "the two passwords differ; nothing was changed",
                ));
            }
            Ok(a)
        }
        None => Err(Error::invalid(
            "set SOPBOOK_NEW_PASSWORD, or run in a terminal to be asked for the new password",
        )),
    }
}

fn reset(ctx: &mut Context, env: &Env, person: &str, reason: &str, by: &str) -> Result<Outcome> {
    // Who may is checked before the new password is asked for.
    let (who, _) = people::may_reset(ctx, person, by)?;
    let new = new_password(env, &who.name, person)?;
    let done = people::reset_password(ctx, person, by, &new, reason)?;
    say(format!(
        "{} ({}) has a new password and a new signing key, given by {}; their older signatures stay valid",
        done.name, done.id, done.by
    ));
    say(format!(
        "help: hand the password over in person; {} should change it with `sopbook people passwd {}`",
        done.name, done.id
    ));
    Ok(Outcome::Ok)
}
