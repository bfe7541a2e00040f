//! Files to model: finding the workspace, reading `sopbook.toml`, the SOP
//! and checklist files, and checking them all together.

pub mod check;
mod checklist_file;
pub mod config;
mod frontmatter;
pub mod links;
pub mod scaffold;
mod sop_file;
mod toml_diag;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use check::check_workspace;
pub use config::{CONFIG_FILE, Config};
pub use links::{DocLink, find_links};

use crate::diagnostic::{Diagnostic, Sources};
use crate::model::{Checklist, Sop};

pub const MANUAL_DIR: &str = "manual";
pub const CHECKLISTS_DIR: &str = "checklists";
pub const TEMPLATES_DIR: &str = "templates";

/// A workspace as read from disk, with everything found wrong in it.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub sops: Vec<Sop>,
    pub checklists: Vec<Checklist>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// How many SOP and checklist files were read, parsed or not.
    pub files_read: (usize, usize),
}

impl Workspace {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn sop(&self, id: &str) -> Option<&Sop> {
        self.sops.iter().find(|s| s.id == id)
    }

    pub fn checklist(&self, id: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.id == id)
    }

    /// Loads and checks the workspace at `root`. Fails only when the
    /// workspace cannot be read at all; everything else is a diagnostic.
    pub fn load(root: &Path) -> Result<Workspace> {
        let config_path = root.join(CONFIG_FILE);
        let config_text = read_text(&config_path)?;
        let mut sources = Sources::default();
        sources.insert(CONFIG_FILE, config_text.clone());
        let mut diagnostics = Vec::new();
        let config = Config::parse(&config_text, &mut diagnostics);
        let config_ok = config.is_some();
        let config = config.unwrap_or_default();

        // Ids of files that did not parse, so that references to them do not
        // pile further errors on top of the one that matters.
        let mut broken = Vec::new();
        let mut sop_files = Vec::new();
        let listed = list_files(root, MANUAL_DIR, "md", 2, &mut diagnostics)?;
        let mut files_read = (listed.len(), 0);
        for (rel, abs) in listed {
            let Some(text) = read_listed(&abs, &rel, &mut diagnostics) else {
                continue;
            };
            sources.insert(rel.clone(), text);
            let text = sources.get(&rel).unwrap_or_default();
            match sop_file::parse(&rel, text, &mut diagnostics) {
                Some(f) => sop_files.push(f),
                None => broken.extend(check::salvage_id(text).map(|id| (check::DocKind::Sop, id))),
            }
        }
        let mut checklist_files = Vec::new();
        let listed = list_files(root, CHECKLISTS_DIR, "toml", 1, &mut diagnostics)?;
        files_read.1 = listed.len();
        for (rel, abs) in listed {
            let Some(text) = read_listed(&abs, &rel, &mut diagnostics) else {
                continue;
            };
            sources.insert(rel.clone(), text);
            let text = sources.get(&rel).unwrap_or_default();
            match checklist_file::parse(&rel, text, &mut diagnostics) {
                Some(f) => checklist_files.push(f),
                None => {
                    broken.extend(check::salvage_id(text).map(|id| (check::DocKind::Checklist, id)))
                }
            }
        }
        if config_ok {
            check_workspace(
                &config,
                &sop_files,
                &checklist_files,
                &broken,
                &mut diagnostics,
            );
        }
        let mut sops: Vec<Sop> = sop_files
            .into_iter()
            .map(sop_file::SopFile::into_model)
            .collect();
        let mut checklists: Vec<Checklist> = checklist_files
            .into_iter()
            .map(checklist_file::ChecklistFile::into_model)
            .collect();
        sops.sort_by(|a, b| id_order(&a.id, &b.id));
        checklists.sort_by(|a, b| id_order(&a.id, &b.id));
        sort_diagnostics(&mut diagnostics, &sources);
        Ok(Workspace {
            root: root.to_path_buf(),
            config,
            sops,
            checklists,
            diagnostics,
            sources,
            files_read,
        })
    }
}

/// Only `sopbook.toml`, for commands that need the people and rules but not
/// the documents. Returns `None` with the diagnostics when it has errors.
pub fn load_config(root: &Path) -> Result<(Option<Config>, Vec<Diagnostic>, Sources)> {
    let text = read_text(&root.join(CONFIG_FILE))?;
    let mut diagnostics = Vec::new();
    let config = Config::parse(&text, &mut diagnostics);
    let mut sources = Sources::default();
    sources.insert(CONFIG_FILE, text);
    Ok((config, diagnostics, sources))
}

/// Document ids in the order people expect: by prefix, then by number
/// (QC-9 before QC-10), then as text.
pub fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |id: &str| {
        let (prefix, number) = id.split_once('-').unwrap_or((id, ""));
        (
            prefix.to_string(),
            number.parse::<u64>().unwrap_or(u64::MAX),
            id.to_string(),
        )
    };
    key(a).cmp(&key(b))
}

/// Errors before warnings; then by file, line.
fn sort_diagnostics(diags: &mut [Diagnostic], _sources: &Sources) {
    diags.sort_by(|a, b| {
        (a.severity, &a.file, a.span.as_ref().map(|s| s.start)).cmp(&(
            b.severity,
            &b.file,
            b.span.as_ref().map(|s| s.start),
        ))
    });
}

/// Finds the workspace: `explicit` if given, else the nearest folder from
/// the current one upwards that holds `sopbook.toml`.
pub fn find_root(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if !dir.is_dir() {
            bail!(
                "`{}` is not a folder; -C takes the folder that holds sopbook.toml",
                dir.display()
            );
        }
        if !dir.join(CONFIG_FILE).exists() {
            bail!(
                "no `{CONFIG_FILE}` in `{}`\n\nhelp: run `sopbook init {}` to create a workspace there",
                dir.display(),
                dir.display()
            );
        }
        return Ok(dir.to_path_buf());
    }
    let cwd = std::env::current_dir().context("could not read the current folder")?;
    for dir in cwd.ancestors() {
        if dir.join(CONFIG_FILE).exists() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "could not find `{CONFIG_FILE}` in `{}` or any folder above it\n\nhelp: run `sopbook init` to create a workspace here, or pass -C <folder>",
        cwd.display()
    )
}

fn read_text(path: &Path) -> Result<String> {
    if path.is_dir() {
        bail!("`{}` is a folder, but a file was expected", path.display());
    }
    let bytes = fs::read(path).with_context(|| format!("could not read `{}`", path.display()))?;
    String::from_utf8(bytes)
        .with_context(|| format!("`{}` is not valid UTF-8 text", path.display()))
}

/// Reads a file found in the listing; trouble becomes a diagnostic.
fn read_listed(abs: &Path, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match fs::read(abs) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                diags.push(
                    Diagnostic::error("not-utf8", format!("`{rel}` is not valid UTF-8 text"))
                        .in_file(rel)
                        .help(format!(
                            "the first bad byte is at offset {}; save the file as UTF-8",
                            e.utf8_error().valid_up_to()
                        )),
                );
                None
            }
        },
        Err(e) => {
            diags.push(
                Diagnostic::error("unreadable", format!("could not read `{rel}`: {e}"))
                    .in_file(rel)
                    .help("check the file's permissions"),
            );
            None
        }
    }
}

/// Lists `<dir>/**.<ext>` up to `depth` levels below `dir`, sorted, as
/// (workspace-relative path with `/`, absolute path). A missing folder is
/// an empty list; a folder where a file is expected is a diagnostic.
fn list_files(
    root: &Path,
    dir: &str,
    ext: &str,
    depth: usize,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let base = root.join(dir);
    if !base.exists() {
        return Ok(out);
    }
    if !base.is_dir() {
        bail!(
            "`{}` is a file, but sopbook expects a folder there",
            base.display()
        );
    }
    walk(&base, dir, ext, 1, depth, &mut out, diags)?;
    out.sort();
    Ok(out)
}

fn walk(
    abs: &Path,
    rel: &str,
    ext: &str,
    level: usize,
    depth: usize,
    out: &mut Vec<(String, PathBuf)>,
    diags: &mut Vec<Diagnostic>,
) -> Result<()> {
    let entries = fs::read_dir(abs)
        .with_context(|| format!("could not read the folder `{}`", abs.display()))?;
    for entry in entries {
        let entry =
            entry.with_context(|| format!("could not read the folder `{}`", abs.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let rel_path = format!("{rel}/{name}");
        let has_ext = Path::new(&name).extension().is_some_and(|e| e == ext);
        if path.is_dir() {
            if has_ext {
                diags.push(
                    Diagnostic::error(
                        "is-a-folder",
                        format!("`{rel_path}` is a folder, but a file was expected"),
                    )
                    .in_file(rel_path.clone())
                    .help(format!(
                        "rename the folder, or move its contents into a `.{ext}` file"
                    )),
                );
            } else if level < depth {
                walk(&path, &rel_path, ext, level + 1, depth, out, diags)?;
            } else {
                diags.push(
                    Diagnostic::warning(
                        "ignored-folder",
                        format!("`{rel_path}` is ignored: sopbook reads no deeper"),
                    )
                    .in_file(rel_path.clone())
                    .help(format!("{} files belong directly in {rel}/", ext)),
                );
            }
        } else if has_ext {
            if level < depth {
                diags.push(
                    Diagnostic::warning(
                        "ignored-file",
                        format!("`{rel_path}` is ignored: it is not in a section folder"),
                    )
                    .in_file(rel_path.clone())
                    .help("move it into manual/<section folder>/"),
                );
            } else {
                out.push((rel_path, path));
            }
        }
    }
    Ok(())
}

/// Parses one released snapshot back into the model (its text was checked
/// when it was released). `None` if it no longer parses.
pub fn parse_snapshot_sop(path: &str, text: &str) -> Option<Sop> {
    sop_file::parse(path, text, &mut Vec::new()).map(sop_file::SopFile::into_model)
}

pub fn parse_snapshot_checklist(path: &str, text: &str) -> Option<Checklist> {
    let mut diags = Vec::new();
    let file = checklist_file::parse(path, text, &mut diags)?;
    diags
        .iter()
        .all(|d| !d.is_error())
        .then(|| file.into_model())
}
