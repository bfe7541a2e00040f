//! `sopbook publish`: the manual as an mdBook, from the revisions in force.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Result, anyhow};
use chrono::Local;

use crate::cli::PublishArgs;
use crate::diagnostic::{self, Diagnostic, summary};
use crate::error::{Outcome, ProblemFound};
use crate::manual::{self, Manual, PublishOptions};
use crate::model::control::parse_date;
use crate::workspace::{CONFIG_FILE, Workspace};

pub fn run(ws: &Workspace, args: &PublishArgs) -> Result<Outcome> {
    let as_of = match &args.as_of {
        Some(s) => {
            parse_date(s).ok_or_else(|| anyhow!("`{s}` is not a date; write it as YYYY-MM-DD"))?
        }
        None => Local::now().date_naive(),
    };
    // The released manual needs a sound sopbook.toml; a preview needs sound working files too.
    let blocking: Vec<Diagnostic> = ws
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && (args.drafts || d.file.as_deref() == Some(CONFIG_FILE)))
        .cloned()
        .collect();
    if !blocking.is_empty() {
        diagnostic::emit(&blocking, &ws.sources);
        return Err(ProblemFound(format!(
            "the workspace has problems ({}); nothing was published\n\nhelp: fix them and run `sopbook publish` again (`sopbook check` lists them)",
            summary(&blocking)
        ))
        .into());
    }
    let mut store = super::open_store(ws)?;
    let records = store.records()?;
    let mut content = Manual::build(ws, &records, as_of, args.drafts);
    content.dashboard = super::report::dashboard(store.as_mut(), as_of)?;
    publish(
        ws,
        &content,
        args.out.clone(),
        args.keep_source.as_deref(),
        args.open,
    )
}

/// Builds and reports; shared with `demo`.
pub fn publish(
    ws: &Workspace,
    content: &Manual,
    out: Option<PathBuf>,
    keep_source: Option<&std::path::Path>,
    open: bool,
) -> Result<Outcome> {
    let out: PathBuf = out.unwrap_or_else(|| ws.root.join(&ws.config.out));
    let opts = PublishOptions {
        out: &out,
        keep_source,
        progress: std::io::stderr().is_terminal(),
        split_above: manual::pages::SPLIT_ABOVE,
    };
    let published = manual::publish(content, &opts)?;
    let index = published.out.join("index.html");
    let what = if content.drafts {
        "a preview with drafts".to_string()
    } else {
        format!("the manual in force on {}", content.as_of)
    };
    eprintln!(
        "Published {what}: {} SOPs and {} checklists ({} pages{}) to {}",
        content.sops.len(),
        content.checklists.len(),
        published.pages,
        if published.books > 1 {
            format!(" in {} books", published.books)
        } else {
            String::new()
        },
        published.out.display()
    );
    if content.sops.is_empty() && content.checklists.is_empty() && !content.drafts {
        eprintln!(
            "note: no document is in force on {}; release and approve documents (`sopbook release`), or preview the working files with `sopbook publish --drafts`",
            content.as_of
        );
    }
    eprintln!("Open {}", index.display());
    if open {
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
