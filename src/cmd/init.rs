//! `sopbook init [DIR]` and `sopbook new sop|checklist TITLE`.

use std::path::Path;

use super::env::Env;
use super::{Outcome, say};
use crate::cli::{InitArgs, NewChecklistArgs, NewSopArgs};
use crate::error::Result;
use crate::ops::Context;
use crate::ops::scaffold::{self, Founders, NewSop};

pub fn init(env: &Env, args: &InitArgs) -> Result<Outcome> {
    let done = scaffold::init(
        &args.dir,
        args.name.as_deref(),
        Founders {
            author: &args.author,
            approver: &args.approver,
        },
    )?;
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
    let p = &env.program;
    let (a, q) = (&done.author, &done.approver);
    let mut steps: Vec<(String, String)> = Vec::new();
    if done.dir != Path::new(".") {
        steps.push((format!("cd {}", done.dir.display()), String::new()));
    }
    steps.extend([
        (format!("{p} check"), "every problem at once".to_string()),
        (
            format!("{p} publish --drafts --open"),
            "a preview of the working files".to_string(),
        ),
        (
            format!("{p} people passwd {a}"),
            format!("a signing password; then `people passwd {q}`"),
        ),
        (
            format!("{p} release QC-001 --summary \"First issue\" --as {a}"),
            String::new(),
        ),
        (format!("{p} approve QC-001 --as {q}"), String::new()),
    ]);
    let width = steps.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    say("\nNext:");
    for (command, what) in steps {
        if what.is_empty() {
            say(format!("  {command}"));
        } else {
            say(format!("  {command:width$}  # {what}"));
        }
    }
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
