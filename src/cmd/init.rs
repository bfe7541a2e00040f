//! `sopbook init [DIR]` and `sopbook new sop|checklist TITLE`.

use std::path::Path;

use super::{Outcome, say};
use crate::cli::{InitArgs, NewChecklistArgs, NewSopArgs};
use crate::error::Result;
use crate::ops::Context;
use crate::ops::scaffold::{self, NewSop};

pub fn init(args: &InitArgs) -> Result<Outcome> {
    let done = scaffold::init(&args.dir, args.name.as_deref())?;
    let shown = if done.dir == Path::new(".") {
        "the current folder".to_string()
    } else {
        done.dir.display().to_string()
    };
    say(format!("Created a workspace in {shown}"));
    let width = done.files.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
    for (file, what) in &done.files {
        say(format!("  {file:width$}  {what}"));
    }
    say("\nNext: `sopbook check`, then `sopbook publish --open`.");
    Ok(Outcome::Ok)
}

pub fn new_sop(ctx: &mut Context, args: &NewSopArgs) -> Result<Outcome> {
    let c = scaffold::new_sop(
        ctx,
        NewSop {
            title: &args.title,
            section: &args.section,
            owner: args.owner.as_deref(),
            roles: &args.roles,
        },
    )?;
    println!("{}", c.path);
    say(format!("Created {} \"{}\" in {}", c.id, c.title, c.path));
    Ok(Outcome::Ok)
}

pub fn new_checklist(ctx: &mut Context, args: &NewChecklistArgs) -> Result<Outcome> {
    let c = scaffold::new_checklist(ctx, &args.title, args.sop.as_deref())?;
    println!("{}", c.path);
    say(format!("Created {} \"{}\" in {}", c.id, c.title, c.path));
    if let Some(sop) = &c.sop {
        say(format!(
            "Add \"{}\" to `checklists` in {sop}'s front matter to list it there.",
            c.id
        ));
    }
    Ok(Outcome::Ok)
}
