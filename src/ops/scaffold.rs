//! New files: a workspace (`init`), a new SOP or checklist from a template
//! with the next free id.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::error::{Error, Result};
use crate::fail;
use crate::model::slugify;
use crate::workspace::scaffold::{
    self, INIT_CHECKLIST, INIT_CONFIG, INIT_SOP, NEW_CHECKLIST, NEW_SOP,
};
use crate::workspace::{CHECKLISTS_DIR, CONFIG_FILE, MANUAL_DIR, Workspace};

pub const CHECKLIST_PREFIX: &str = "CL";

/// A workspace was created.
#[derive(Debug, Clone, Serialize)]
pub struct Initialised {
    pub dir: PathBuf,
    /// The author's and the approver's ids.
    pub author: String,
    pub approver: String,
    /// The files written, relative to `dir`, with what each is.
    pub files: Vec<(String, String)>,
}

/// Who `init` writes into the workspace: an author and a quality manager
/// who approves (names as given; ids from their first names).
#[derive(Debug, Clone)]
pub struct Founders<'a> {
    pub author: &'a str,
    pub approver: &'a str,
}

/// A person's id from their name: the first word, lower case, letters and
/// digits only ("Ada Lind" is `ada`).
pub fn person_id(name: &str) -> Option<String> {
    let first = name.split_whitespace().next()?;
    let id: String = first
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    (!id.is_empty() && id.starts_with(|c: char| c.is_ascii_lowercase())).then_some(id)
}

/// A small workspace that `check` and `publish` accept as it is, with two
/// people and an approval rule, so that documents can be released,
/// approved and used for inspections straight away.
pub fn init(dir: &Path, name: Option<&str>, founders: Founders<'_>) -> Result<Initialised> {
    let mut ids = Vec::new();
    for (what, full) in [
        ("--author", founders.author),
        ("--approver", founders.approver),
    ] {
        let Some(id) = person_id(full) else {
            return Err(Error::invalid(format!(
                "`{full}` ({what}) is not a name sopbook can make an id from"
            ))
            .with_hint("give a name that starts with a letter, such as \"Ada Lind\""));
        };
        ids.push(id);
    }
    if ids[0] == ids[1] {
        return Err(Error::invalid(format!(
            "--author and --approver would both be `{}`: a revision is never approved by its author",
            ids[0]
        ))
        .with_hint("give two people with different first names"));
    }
    if dir.join(CONFIG_FILE).exists() {
        fail!(
            Conflict,
            "`{}` already holds a workspace ({CONFIG_FILE} exists); nothing was changed",
            dir.display()
        );
    }
    if dir.exists() && !dir.is_dir() {
        fail!(
            Invalid,
            "`{}` is a file; give a folder to create the workspace in",
            dir.display()
        );
    }
    let name = name.unwrap_or("Our Company");
    let data = json!({
        "name": name,
        "title": format!("{name} Procedures Manual"),
        "author": founders.author,
        "author_id": ids[0],
        "approver": founders.approver,
        "approver_id": ids[1],
    });
    let config = scaffold::render(None, ("sopbook.toml", INIT_CONFIG), &data)?;
    let sop = format!("{MANUAL_DIR}/quality/final-inspection.md");
    let checklist = format!("{CHECKLISTS_DIR}/final-inspection.toml");
    let files = [
        (CONFIG_FILE.to_string(), config),
        (sop.clone(), INIT_SOP.to_string()),
        (checklist.clone(), INIT_CHECKLIST.to_string()),
        (".gitignore".to_string(), "/book\n/.sopbook\n".to_string()),
    ];
    for (rel, _) in &files {
        if dir.join(rel).exists() && rel != ".gitignore" {
            fail!(
                Conflict,
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
    Ok(Initialised {
        dir: dir.to_path_buf(),
        author: ids[0].clone(),
        approver: ids[1].clone(),
        files: vec![
            (
                CONFIG_FILE.to_string(),
                format!(
                    "organisation, roles, a section, people ({} writes, {} approves and inspects), the approval rule",
                    ids[0], ids[1]
                ),
            ),
            (sop, "QC-001, a procedure".to_string()),
            (checklist, "CL-001, its checklist".to_string()),
        ],
    })
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

/// A new document file.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub id: String,
    pub title: String,
    /// Relative to the workspace.
    pub path: String,
    /// The SOP a new checklist implements.
    pub sop: Option<String>,
}

/// What a new SOP is.
#[derive(Debug, Clone)]
pub struct NewSop<'a> {
    pub title: &'a str,
    pub section: &'a str,
    pub owner: Option<&'a str>,
    pub roles: &'a [String],
}

pub fn new_sop(ctx: &mut Context, input: NewSop<'_>) -> Result<Created> {
    let ws = ctx.workspace()?;
    let Some(section) = ws.config.section(input.section) else {
        let known: Vec<_> = ws.config.sections.iter().map(|s| s.id.as_str()).collect();
        return Err(
            Error::not_found(format!("unknown section `{}`", input.section)).with_hint(format!(
                "the sections in sopbook.toml are {}",
                known.join(", ")
            )),
        );
    };
    let owner = match input.owner {
        Some(o) => o.to_string(),
        None => match ws.config.roles.first() {
            Some(r) => r.id.clone(),
            None => fail!(
                Invalid,
                "sopbook.toml defines no roles; add a [[role]] table first"
            ),
        },
    };
    let roles = if input.roles.is_empty() {
        vec![owner.clone()]
    } else {
        input.roles.to_vec()
    };
    for role in roles.iter().chain([&owner]) {
        if ws.config.role(role).is_none() {
            let known: Vec<_> = ws.config.roles.iter().map(|r| r.id.as_str()).collect();
            return Err(
                Error::not_found(format!("unknown role `{role}`")).with_hint(format!(
                    "the roles in sopbook.toml are {}",
                    known.join(", ")
                )),
            );
        }
    }
    let id = next_id(&section.id, all_ids(&ws));
    let rel = format!("{MANUAL_DIR}/{}/{}.md", section.dir, slugify(input.title));
    let path = ws.root.join(&rel);
    if path.exists() {
        fail!(
            Conflict,
            "`{rel}` already exists; choose another title or edit that file"
        );
    }
    let owner_name = ws
        .config
        .role(&owner)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let data = json!({
        "id": id, "title": input.title, "section": section.id,
        "owner": owner, "owner_name": owner_name, "roles": roles,
    });
    let text = scaffold::render(Some(&ws.root), NEW_SOP, &data)?;
    write_new(&path, &text)?;
    Ok(Created {
        id,
        title: input.title.to_string(),
        path: rel,
        sop: None,
    })
}

pub fn new_checklist(ctx: &mut Context, title: &str, sop: Option<&str>) -> Result<Created> {
    let ws = ctx.workspace()?;
    if let Some(sop) = sop
        && ws.sop(sop).is_none()
    {
        return Err(Error::not_found(format!("no SOP has the id `{sop}`"))
            .with_hint("`sopbook check` lists the documents it found"));
    }
    let id = next_id(CHECKLIST_PREFIX, all_ids(&ws));
    let rel = format!("{CHECKLISTS_DIR}/{}.toml", slugify(title));
    let path = ws.root.join(&rel);
    if path.exists() {
        fail!(
            Conflict,
            "`{rel}` already exists; choose another title or edit that file"
        );
    }
    let data = json!({ "id": id, "title": title, "sop": sop });
    let text = scaffold::render(Some(&ws.root), NEW_CHECKLIST, &data)?;
    write_new(&path, &text)?;
    Ok(Created {
        id,
        title: title.to_string(),
        path: rel,
        sop: sop.map(str::to_string),
    })
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
