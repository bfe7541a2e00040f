//! `sopbook new sop|checklist TITLE`: a new file from a template, with the
//! next free id.

use anyhow::{Result, bail};
use serde_json::json;

use crate::cli::{NewChecklistArgs, NewSopArgs};
use crate::cmd::init::write_new;
use crate::error::Outcome;
use crate::model::slugify;
use crate::workspace::scaffold::{self, NEW_CHECKLIST, NEW_SOP};
use crate::workspace::{CHECKLISTS_DIR, MANUAL_DIR, Workspace};

pub const CHECKLIST_PREFIX: &str = "CL";

/// The next id after the highest one in use with this prefix, at least
/// three digits: QC-001, QC-002 ...
pub fn next_id<'a>(prefix: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let highest = ids
        .filter_map(|id| {
            id.strip_prefix(prefix)?
                .strip_prefix('-')?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}-{:03}", highest + 1)
}

fn all_ids(ws: &Workspace) -> impl Iterator<Item = &str> {
    ws.sops
        .iter()
        .map(|s| s.id.as_str())
        .chain(ws.checklists.iter().map(|c| c.id.as_str()))
}

pub fn sop(ws: &Workspace, args: &NewSopArgs) -> Result<Outcome> {
    let Some(section) = ws.config.section(&args.section) else {
        let known: Vec<_> = ws.config.sections.iter().map(|s| s.id.as_str()).collect();
        bail!(
            "unknown section `{}`\n\nhelp: the sections in sopbook.toml are {}",
            args.section,
            known.join(", ")
        );
    };
    let owner = match &args.owner {
        Some(o) => o.clone(),
        None => match ws.config.roles.first() {
            Some(r) => r.id.clone(),
            None => bail!("sopbook.toml defines no roles; add a [[role]] table first"),
        },
    };
    let roles = if args.roles.is_empty() {
        vec![owner.clone()]
    } else {
        args.roles.clone()
    };
    for role in roles.iter().chain([&owner]) {
        if ws.config.role(role).is_none() {
            let known: Vec<_> = ws.config.roles.iter().map(|r| r.id.as_str()).collect();
            bail!(
                "unknown role `{role}`\n\nhelp: the roles in sopbook.toml are {}",
                known.join(", ")
            );
        }
    }
    let id = next_id(&section.id, all_ids(ws));
    let rel = format!("{MANUAL_DIR}/{}/{}.md", section.dir, slugify(&args.title));
    let path = ws.root.join(&rel);
    if path.exists() {
        bail!("`{rel}` already exists; choose another title or edit that file");
    }
    let owner_name = ws
        .config
        .role(&owner)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let data = json!({
        "id": id, "title": args.title, "section": section.id,
        "owner": owner, "owner_name": owner_name, "roles": roles,
    });
    let text = scaffold::render(Some(&ws.root), NEW_SOP, &data)?;
    write_new(&path, &text)?;
    println!("{rel}");
    eprintln!("Created {id} \"{}\" in {rel}", args.title);
    Ok(Outcome::Ok)
}

pub fn checklist(ws: &Workspace, args: &NewChecklistArgs) -> Result<Outcome> {
    if let Some(sop) = &args.sop
        && ws.sop(sop).is_none()
    {
        bail!("no SOP has the id `{sop}`\n\nhelp: `sopbook check` lists the documents it found");
    }
    let id = next_id(CHECKLIST_PREFIX, all_ids(ws));
    let rel = format!("{CHECKLISTS_DIR}/{}.toml", slugify(&args.title));
    let path = ws.root.join(&rel);
    if path.exists() {
        bail!("`{rel}` already exists; choose another title or edit that file");
    }
    let data = json!({ "id": id, "title": args.title, "sop": args.sop });
    let text = scaffold::render(Some(&ws.root), NEW_CHECKLIST, &data)?;
    write_new(&path, &text)?;
    println!("{rel}");
    eprintln!("Created {id} \"{}\" in {rel}", args.title);
    if let Some(sop) = &args.sop {
        eprintln!("Add \"{id}\" to `checklists` in {sop}'s front matter to list it there.");
    }
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_free_id() {
        assert_eq!(
            next_id("QC", ["QC-001", "QC-007", "CS-010"].into_iter()),
            "QC-008"
        );
        assert_eq!(next_id("QMS", std::iter::empty()), "QMS-001");
        assert_eq!(next_id("CL", ["CL-999"].into_iter()), "CL-1000");
    }
}
