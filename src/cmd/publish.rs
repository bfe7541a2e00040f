//! `sopbook publish` and `sopbook demo`.

use std::io::IsTerminal;

use super::env::Env;
use super::{Outcome, say};
use crate::cli::{DemoArgs, PublishArgs};
use crate::error::Result;
use crate::ops::publish::{PublishInput, Published};
use crate::ops::{self, Context};
use crate::render::plural;

pub fn publish(ctx: &mut Context, args: &PublishArgs) -> Result<Outcome> {
    let p = ops::publish::publish(
        ctx,
        PublishInput {
            out: args.out.clone(),
            as_of: args.as_of.as_deref().map(ops::parse_day).transpose()?,
            drafts: args.drafts,
            keep_source: args.keep_source.clone(),
            progress: std::io::stderr().is_terminal(),
            training: args.training,
            split_above: None,
        },
    )?;
    published(&p);
    if args.open {
        open_in_browser(&p.index);
    }
    Ok(Outcome::Ok)
}

fn published(p: &Published) {
    let what = if p.drafts {
        "a preview with drafts".to_string()
    } else {
        format!("the manual in force on {}", p.as_of)
    };
    say(format!(
        "Published {what}: {} and {} ({}{}) to {}",
        plural(p.sops, "SOP"),
        plural(p.checklists, "checklist"),
        plural(p.pages, "page"),
        if p.books > 1 {
            format!(" in {} books", p.books)
        } else {
            String::new()
        },
        p.out.display()
    ));
    if p.sops == 0 && p.checklists == 0 && !p.drafts {
        say(format!(
            "note: no document is in force on {}; release and approve documents (`sopbook release`), or preview the working files with `sopbook publish --drafts`",
            p.as_of
        ));
    }
    if p.books_built == 0 && p.books > 0 {
        say("Nothing had changed since the last publish: every book was kept as it was.");
    } else if p.books_built < p.books {
        say(format!(
            "Built {} of {} books; the others had not changed since the last publish and were kept.",
            p.books_built, p.books
        ));
    }
    say(format!("Open {}", p.index.display()));
    for code in &p.languages {
        say(format!(
            "In `{code}`: {}",
            p.out.join(code).join("index.html").display()
        ));
    }
}

pub fn demo(ctx: &mut Context, env: &Env, args: &DemoArgs) -> Result<Outcome> {
    let run = ops::demo::demo(ctx, args.out.clone(), std::io::stderr().is_terminal())?;
    for s in &run.skipped {
        say(format!("warning: skipped {s}"));
    }
    if run.recorded {
        say(format!(
            "Recorded {} sample inspections over twelve weeks, with their nonconformances.",
            run.inspections
        ));
        say(format!(
            "Recorded a year of sample history: {} steps, signed by {} people (password \"{}\").",
            run.steps, run.people, run.password
        ));
    } else {
        say("The records already hold history; publishing them as they are.");
    }
    published(&run.published);
    let p = &env.program;
    say(format!(
        "Try: `{p} status`, `{p} history QC-001`, `{p} diff QC-001`, `{p} due`, `{p} audit verify`."
    ));
    if let Some(inspector) = &run.inspector {
        say(format!(
            "The floor in a browser: `{p} serve`, then open http://127.0.0.1:8080 and sign in as {inspector} (password \"{}\").",
            run.password
        ));
    }
    Ok(Outcome::Ok)
}

fn open_in_browser(path: &std::path::Path) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(path).spawn() {
        say(format!(
            "warning: could not open a browser ({opener}: {e}); open the file above yourself"
        ));
    }
}
