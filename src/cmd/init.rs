//! `sopbook init [DIR]`: a small workspace that `check` and `publish` accept as is.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::cli::InitArgs;
use crate::error::Outcome;
use crate::workspace::scaffold::{self, INIT_CHECKLIST, INIT_CONFIG, INIT_SOP};
use crate::workspace::{CHECKLISTS_DIR, CONFIG_FILE, MANUAL_DIR};

pub fn run(args: &InitArgs) -> Result<Outcome> {
    let dir = &args.dir;
    if dir.join(CONFIG_FILE).exists() {
        bail!(
            "`{}` already holds a workspace ({CONFIG_FILE} exists); nothing was changed",
            dir.display()
        );
    }
    if dir.exists() && !dir.is_dir() {
        bail!(
            "`{}` is a file; give a folder to create the workspace in",
            dir.display()
        );
    }
    let name = match &args.name {
        Some(n) => n.clone(),
        None => "Our Company".to_string(),
    };
    let data = json!({ "name": name, "title": format!("{name} Procedures Manual") });
    let config = scaffold::render(None, ("sopbook.toml", INIT_CONFIG), &data)?;
    let files = [
        (CONFIG_FILE.to_string(), config),
        (
            format!("{MANUAL_DIR}/quality/final-inspection.md"),
            INIT_SOP.to_string(),
        ),
        (
            format!("{CHECKLISTS_DIR}/final-inspection.toml"),
            INIT_CHECKLIST.to_string(),
        ),
        (".gitignore".to_string(), "/book\n/.sopbook\n".to_string()),
    ];
    for (rel, _) in &files {
        if dir.join(rel).exists() && rel != ".gitignore" {
            bail!(
                "`{}` already exists; nothing was changed",
                dir.join(rel).display()
            );
        }
    }
    for (rel, text) in &files {
        let path = dir.join(rel);
        if rel == ".gitignore" && path.exists() {
            continue;
        }
        write_new(&path, text)?;
    }
    eprintln!("Created a workspace in {}", display_dir(dir));
    eprintln!("  {CONFIG_FILE}                         organisation, roles, sections");
    eprintln!("  {MANUAL_DIR}/quality/final-inspection.md   QC-001, a procedure");
    eprintln!("  {CHECKLISTS_DIR}/final-inspection.toml  CL-001, its checklist");
    eprintln!("\nNext: `sopbook check`, then `sopbook publish --open`.");
    Ok(Outcome::Ok)
}

fn display_dir(dir: &Path) -> String {
    if dir == Path::new(".") {
        "the current folder".to_string()
    } else {
        dir.display().to_string()
    }
}

/// Writes a file that must not exist yet, creating its folder.
pub fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("could not create `{}`", parent.display()))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("could not create `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("could not write `{}`", path.display()))?;
    file.sync_all()
        .with_context(|| format!("could not write `{}`", path.display()))?;
    Ok(())
}
