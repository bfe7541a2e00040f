//! `sopbook publish`: the manual as an mdBook.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::PublishArgs;
use crate::diagnostic::{self, summary};
use crate::error::{Outcome, ProblemFound};
use crate::manual::{self, PublishOptions};
use crate::workspace::Workspace;

pub fn run(ws: &Workspace, args: &PublishArgs) -> Result<Outcome> {
    if ws.has_errors() {
        diagnostic::emit(&ws.diagnostics, &ws.sources);
        return Err(ProblemFound(format!(
            "the workspace has problems ({}); nothing was published\n\nhelp: fix them and run `sopbook publish` again (`sopbook check` lists them)",
            summary(&ws.diagnostics)
        ))
        .into());
    }
    let warnings = ws.diagnostics.len();
    if warnings > 0 {
        diagnostic::emit(&ws.diagnostics, &ws.sources);
    }
    let out: PathBuf = match &args.out {
        Some(o) => o.clone(),
        None => ws.root.join(&ws.config.out),
    };
    let opts = PublishOptions {
        out: &out,
        keep_source: args.keep_source.as_deref(),
        progress: std::io::stderr().is_terminal(),
        split_above: manual::pages::SPLIT_ABOVE,
    };
    let published = manual::publish(ws, &opts)?;
    let index = published.out.join("index.html");
    eprintln!(
        "Published {} SOPs and {} checklists ({} pages{}) to {}",
        ws.sops.len(),
        ws.checklists.len(),
        published.pages,
        if published.books > 1 {
            format!(" in {} books", published.books)
        } else {
            String::new()
        },
        published.out.display()
    );
    eprintln!("Open {}", index.display());
    if args.open {
        open_in_browser(&index);
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
        eprintln!(
            "warning: could not open a browser ({opener}: {e}); open the file above yourself"
        );
    }
}
