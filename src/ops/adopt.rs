//! `adopt`: an existing procedures collection (Markdown folders, mdBook,
//! MkDocs) becomes a sopbook workspace. The source is only read. What adopt
//! wrote, with hashes, and which source file became which id are kept in
//! `adopt.toml` in the workspace, so that a later run keeps the ids, updates
//! the files nobody changed since and reports (never overwrites) the ones a
//! person did.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::adopt::body::{self, HistoryRow, Target};
use crate::adopt::collection::{self, Collection, Entry, GENERAL, Layout, folder_title};
use crate::adopt::meta::{self, Key, Meta};
use crate::adopt::{
    MapRule, apply_map, id_in_name, item_id, normalise_id, parse_map, section_id, slug_id,
};
use crate::diagnostic::line_col;
use crate::error::{Error, Result};
use crate::model::Interval;
use crate::workspace::scaffold::toml_quote;
use crate::workspace::{CHECKLISTS_DIR, CONFIG_FILE, MANUAL_DIR, is_reserved_item_id};

/// The file in the workspace that keeps the ids and what adopt wrote.
pub const MANIFEST: &str = "adopt.toml";
/// The owner given to documents that name none.
pub const DEFAULT_OWNER: &str = "quality-manager";
const DEFAULT_INTERVAL: &str = "12 months";
const DRAFT: &str = "a draft checklist";

/// What to adopt, and where to.
#[derive(Debug, Clone)]
pub struct AdoptInput<'a> {
    pub source: &'a Path,
    /// Default: a folder `<source>-sopbook` beside the source.
    pub into: Option<&'a Path>,
    pub dry_run: bool,
    pub map: Option<&'a Path>,
    /// Summarise each file's git log as history before sopbook.
    pub git_history: bool,
}

/// The report: every file, what it became, what was guessed, what was
/// left out, what changed in the workspace and what a person must decide.
#[derive(Debug, Clone, Serialize)]
pub struct Adopted {
    pub source: String,
    pub into: String,
    pub layout: Layout,
    pub dry_run: bool,
    /// Whether the workspace had been adopted into before (a re-run).
    pub rerun: bool,
    pub source_language: Option<String>,
    pub languages: Vec<String>,
    pub sections: Vec<SectionView>,
    pub documents: Vec<DocView>,
    pub left_out: Vec<LeftOut>,
    pub files: Vec<FileView>,
    pub decisions: Vec<Decision>,
}

impl Adopted {
    pub fn layout_name(&self) -> &'static str {
        self.layout.name()
    }

    pub fn count(&self, change: Change) -> usize {
        self.files.iter().filter(|f| f.change == change).count()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub dir: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Sop,
    Checklist,
    Translation,
    Attachment,
}

/// One source file and what it became.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub source: String,
    pub kind: DocKind,
    pub id: String,
    pub section: Option<String>,
    pub title: String,
    /// The file written, relative to the workspace.
    pub path: String,
    /// What was taken from where, or guessed ("owner: none given, quality-manager").
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeftOut {
    pub path: String,
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Changed,
    Unchanged,
    Removed,
    /// A person changed or deleted it since the last adopt: left as it is.
    Kept,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    pub path: String,
    pub change: Change,
}

/// Something left for a person to decide, where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub what: String,
}

/// `adopt.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    source: String,
    #[serde(default)]
    document: Vec<MapEntry>,
    #[serde(default)]
    file: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapEntry {
    source: String,
    id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    path: String,
    sha256: String,
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One document of the collection, read.
struct Doc {
    entry: Entry,
    /// The file in the source language.
    file: String,
    text: String,
    meta: Meta,
    body: body::Body,
    section_title: String,
    folder: Option<String>,
    id: String,
    section: String,
    slug: String,
    title: String,
    notes: Vec<String>,
}

/// A file adopt means to write.
struct Planned {
    path: String,
    bytes: Vec<u8>,
}

pub fn adopt(input: AdoptInput<'_>) -> Result<Adopted> {
    let source = input.source;
    if !source.is_dir() {
        let what = if source.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(Error::invalid(format!("`{}` {what}", source.display()))
            .with_hint("give the folder that holds the collection: its Markdown files, book.toml or mkdocs.yml"));
    }
    let source_abs = fs::canonicalize(source)
        .map_err(|e| Error::invalid(format!("could not read `{}`: {e}", source.display())))?;
    let into: PathBuf = match input.into {
        Some(p) => p.to_path_buf(),
        None => {
            let name = source_abs
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "collection".into());
            let parent = source.join("..");
            parent.join(format!("{name}-sopbook"))
        }
    };
    let into_abs = absolute(&into);
    if into_abs.starts_with(&source_abs) {
        return Err(Error::invalid(format!(
            "`{}` is inside the collection `{}`; adopt never writes into the source",
            into.display(),
            source.display()
        ))
        .with_hint("give --into a folder outside the collection"));
    }
    // A workspace around the collection is fine, unless adopt would write into it.
    if let Ok(rel) = source_abs.strip_prefix(&into_abs) {
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if first.is_none_or(|f| [MANUAL_DIR, CHECKLISTS_DIR].contains(&f.as_str())) {
            return Err(Error::invalid(format!(
                "adopt would write its workspace over the collection `{}`; adopt never writes into the source",
                source.display()
            ))
            .with_hint("give --into a folder outside the collection"));
        }
    }
    let rules = match input.map {
        None => Vec::new(),
        Some(p) => {
            let text = fs::read_to_string(p).map_err(|e| {
                Error::invalid(format!(
                    "could not read the --map file `{}`: {e}",
                    p.display()
                ))
            })?;
            parse_map(&text).map_err(|e| {
                Error::invalid(format!(
                    "{}:{}:{}: {}",
                    p.display(),
                    e.line,
                    e.column,
                    e.message
                ))
                .with_hint(e.hint)
            })?
        }
    };
    let collection = collection::read(source).map_err(|e| {
        Error::invalid(format!(
            "{}:{}:{}: {}",
            source.join(&e.file).display(),
            e.line,
            e.column,
            e.message
        ))
        .with_hint("fix the file in the collection, or move it aside, and run adopt again")
    })?;
    let manifest_path = into.join(MANIFEST);
    let old: Option<Manifest> = match fs::read_to_string(&manifest_path) {
        Err(_) => None,
        Ok(text) => Some(toml::from_str(&text).map_err(|e| {
            let (line, column) = line_col(&text, e.span().map_or(0, |s| s.start));
            Error::invalid(format!(
                "{}:{line}:{column}: {}",
                manifest_path.display(),
                e.message().trim_end()
            ))
            .with_hint("adopt.toml is written by adopt; restore it from version control, or delete it to adopt afresh (ids may then change)")
        })?),
    };
    let mut plan = Plan::new(&collection, &rules, old.as_ref(), source);
    plan.git_history = input.git_history;
    plan.read_documents()?;
    plan.assign_ids();
    let planned = plan.write_out();
    let mut report = plan.report;
    report.source = source.display().to_string();
    report.into = into.display().to_string();
    report.dry_run = input.dry_run;
    report.rerun = old.is_some();
    let manifest = apply(
        &into,
        planned,
        old.as_ref(),
        &plan.mapping,
        &mut report,
        input.dry_run,
    )?;
    if !input.dry_run {
        let text = manifest_text(&manifest);
        fs::write(&manifest_path, text).map_err(|e| {
            Error::invalid(format!(
                "could not write `{}`: {e}",
                manifest_path.display()
            ))
        })?;
    }
    Ok(report)
}

fn absolute(p: &Path) -> PathBuf {
    // The deepest existing ancestor, canonical, with the rest appended.
    let mut existing = p.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let base = if existing.as_os_str().is_empty() {
        std::env::current_dir().unwrap_or_default()
    } else {
        fs::canonicalize(&existing).unwrap_or(existing)
    };
    rest.iter().rev().fold(base, |acc, n| acc.join(n))
}

struct Plan<'a> {
    collection: &'a Collection,
    rules: &'a [MapRule],
    old_ids: BTreeMap<String, String>,
    source: &'a Path,
    default_lang: String,
    source_lang: String,
    docs: Vec<Doc>,
    sections: Vec<SectionView>,
    /// Source path (every language file) to document id.
    ids_by_path: BTreeMap<String, String>,
    /// Source path and checklist number to id, kept in the manifest.
    mapping: Vec<MapEntry>,
    report: Adopted,
    roles: Vec<(String, String)>,
    git_history: bool,
    /// Whether git could not read the collection's history (said once).
    git_failed: bool,
}

impl<'a> Plan<'a> {
    fn new(
        collection: &'a Collection,
        rules: &'a [MapRule],
        old: Option<&Manifest>,
        source: &'a Path,
    ) -> Plan<'a> {
        let default_lang = collection
            .language
            .clone()
            .unwrap_or_else(|| "en".to_string());
        // The source language: the one with most files, the unsuffixed
        // files counting as the collection's own language.
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for e in &collection.entries {
            for (lang, _) in &e.files {
                *counts
                    .entry(lang.clone().unwrap_or_else(|| default_lang.clone()))
                    .or_default() += 1;
            }
        }
        let source_lang = counts
            .iter()
            .max_by_key(|(l, n)| (**n, **l == default_lang))
            .map(|(l, _)| l.clone())
            .unwrap_or_else(|| default_lang.clone());
        let languages: Vec<String> = counts.keys().cloned().collect();
        Plan {
            collection,
            rules,
            old_ids: old
                .map(|m| {
                    m.document
                        .iter()
                        .map(|d| (d.source.clone(), d.id.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            source,
            default_lang,
            docs: Vec::new(),
            sections: Vec::new(),
            ids_by_path: BTreeMap::new(),
            mapping: Vec::new(),
            report: Adopted {
                source: String::new(),
                into: String::new(),
                layout: collection.layout,
                dry_run: false,
                rerun: false,
                source_language: (languages.len() > 1).then(|| source_lang.clone()),
                languages: if languages.len() > 1 {
                    languages
                } else {
                    Vec::new()
                },
                sections: Vec::new(),
                documents: Vec::new(),
                left_out: collection
                    .left_out
                    .iter()
                    .map(|(p, w)| LeftOut {
                        path: p.clone(),
                        why: w.clone(),
                    })
                    .collect(),
                files: Vec::new(),
                decisions: Vec::new(),
            },
            source_lang,
            roles: Vec::new(),
            git_history: false,
            git_failed: false,
        }
    }

    fn decide(&mut self, file: &str, at: Option<(usize, usize)>, what: impl Into<String>) {
        self.report.decisions.push(Decision {
            file: file.to_string(),
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
            what: what.into(),
        });
    }

    fn lang_of(&self, lang: &Option<String>) -> String {
        lang.clone().unwrap_or_else(|| self.default_lang.clone())
    }

    fn read_documents(&mut self) -> Result<()> {
        for entry in self.collection.entries.clone() {
            let pick = entry
                .files
                .iter()
                .find(|(l, _)| self.lang_of(l) == self.source_lang)
                .or_else(|| entry.files.first())
                .cloned();
            let Some((lang, file)) = pick else { continue };
            let mut notes = Vec::new();
            if self.lang_of(&lang) != self.source_lang {
                self.decide(
                    &file,
                    None,
                    format!(
                        "there is no {} file of this document: its {} text was adopted as the source; translate it",
                        self.source_lang,
                        self.lang_of(&lang)
                    ),
                );
            }
            let text = match read_text(self.source, &file) {
                Ok(t) => t,
                Err((at, what)) => {
                    self.decide(&file, at, format!("the file {what}"));
                    continue;
                }
            };
            let meta = meta::read(&text);
            for p in &meta.problems {
                self.report.decisions.push(Decision {
                    file: file.clone(),
                    line: Some(p.line),
                    column: Some(p.column),
                    what: format!("{}; it was kept in the body as text", p.message),
                });
            }
            if let Some(from) = meta.source {
                notes.push(format!("metadata from {}", from.describe()));
            }
            if !entry.listed {
                notes.push("not in the table of contents: placed by its folder".to_string());
            }
            let body = body::read(&text, meta.body_start, &meta.remove);
            let mut section_title = entry.section.clone();
            if section_title == GENERAL
                && entry.folder.is_none()
                && let Some(s) = meta.get(Key::Section)
            {
                section_title = s.value.clone();
                notes.push(format!("section from its `{}` field", s.label));
            }
            let stem = file
                .rsplit('/')
                .next()
                .unwrap_or(&file)
                .trim_end_matches(".md");
            let stem = match &lang {
                Some(l) => stem.trim_end_matches(&format!(".{l}")),
                None => stem,
            };
            let title = if let Some(t) = meta.get(Key::Title) {
                t.value.clone()
            } else if let Some((t, _)) = &body.title {
                notes.push("title from its first heading".to_string());
                t.clone()
            } else if let Some(t) = &entry.toc_title {
                notes.push("title from the table of contents".to_string());
                t.clone()
            } else {
                notes.push("title guessed from the file name".to_string());
                folder_title(stem)
            };
            self.docs.push(Doc {
                folder: entry.folder.clone(),
                slug: slug_id(stem, "doc"),
                entry,
                file,
                text,
                meta,
                body,
                section_title,
                id: String::new(),
                section: String::new(),
                title,
                notes,
            });
        }
        Ok(())
    }

    fn assign_ids(&mut self) {
        // Ids that are fixed: from the last adopt, a --map rule or kept.
        let mut fixed: Vec<Option<(String, String)>> = Vec::new();
        let mut rule_titles: BTreeMap<String, String> = BTreeMap::new();
        for d in &mut self.docs {
            let raw = d.meta.get(Key::Id).map(|f| f.value.clone()).or_else(|| {
                let stem = d.file.rsplit('/').next().unwrap_or("");
                id_in_name(stem.trim_end_matches(".md")).map(|_| stem.to_string())
            });
            let f = if let Some(id) = self.old_ids.get(&d.file) {
                d.notes.push("id kept from the last adopt".to_string());
                Some(id.clone())
            } else if let Some(raw) = &raw
                && let Some((id, rule)) = apply_map(self.rules, raw)
            {
                if let Some(t) = &rule.title {
                    rule_titles.insert(rule.section.clone(), t.clone());
                }
                d.notes.push(format!("id from `{raw}` by a --map rule"));
                Some(id)
            } else if let Some(raw) = &raw {
                let from_name = d.meta.get(Key::Id).is_none();
                let name_id = raw.trim_end_matches(".md");
                let id = if from_name {
                    id_in_name(name_id)
                } else {
                    normalise_id(raw)
                };
                match id {
                    Some(id) if from_name => {
                        d.notes.push("id from the file name".to_string());
                        Some(id)
                    }
                    Some(id) if &id == raw => {
                        d.notes.push("id kept".to_string());
                        Some(id)
                    }
                    Some(id) => {
                        d.notes.push(format!("id kept as {id} (written `{raw}`)"));
                        Some(id)
                    }
                    None => {
                        d.notes.push(format!(
                            "its id `{raw}` is not of the form QC-001 and no --map rule fits: a new id was given"
                        ));
                        None
                    }
                }
            } else {
                None
            };
            fixed.push(f.map(|id| {
                let prefix = id.split('-').next().unwrap_or_default().to_string();
                (id, prefix)
            }));
        }
        // Each section of the table of contents: the prefix most of its
        // kept ids have, else one made from its title.
        let mut toc_ids: BTreeMap<String, String> = BTreeMap::new();
        let mut taken: BTreeSet<String> = fixed.iter().flatten().map(|(_, p)| p.clone()).collect();
        // Checklists have the CL- ids.
        taken.insert("CL".to_string());
        for d in &self.docs {
            if toc_ids.contains_key(&d.section_title) {
                continue;
            }
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (j, e) in self.docs.iter().enumerate() {
                if e.section_title == d.section_title
                    && let Some((_, p)) = &fixed[j]
                {
                    *counts.entry(p).or_default() += 1;
                }
            }
            let id = match counts.iter().max_by_key(|(_, n)| **n) {
                Some((p, _)) => p.to_string(),
                None => {
                    let base = section_id(&d.section_title);
                    let mut id = base.clone();
                    let mut suffix = b'A';
                    while taken.contains(&id) {
                        id = format!("{}{}", &base[..base.len().min(4)], suffix as char);
                        suffix += 1;
                    }
                    id
                }
            };
            taken.insert(id.clone());
            toc_ids.insert(d.section_title.clone(), id);
        }
        // Numbers in use per section, so that new ids never take one.
        let mut used: BTreeSet<String> = self.old_ids.values().cloned().collect();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, f) in fixed.iter_mut().enumerate() {
            if let Some((id, _)) = f {
                if let Some(other) = seen.get(id.as_str()) {
                    let (file, other) = (self.docs[i].file.clone(), other.clone());
                    self.report.decisions.push(Decision {
                        file: file.clone(),
                        line: self.docs[i].meta.get(Key::Id).map(|f| f.line),
                        column: None,
                        what: format!("id {id} is also the id of {other}: this document got a new id; check which one keeps it"),
                    });
                    *f = None;
                } else {
                    seen.insert(id.clone(), self.docs[i].file.clone());
                    used.insert(id.clone());
                }
            }
        }
        for (i, d) in self.docs.iter_mut().enumerate() {
            let toc_id = toc_ids[&d.section_title].clone();
            let (id, section) = match &fixed[i] {
                Some((id, prefix)) => (id.clone(), prefix.clone()),
                None => {
                    let n = used
                        .iter()
                        .filter_map(|u| u.strip_prefix(&format!("{toc_id}-"))?.parse::<u64>().ok())
                        .max()
                        .unwrap_or(0);
                    let id = format!("{toc_id}-{:03}", n + 1);
                    used.insert(id.clone());
                    if !d.notes.iter().any(|n| n.contains("a new id was given")) {
                        d.notes.push("no id: a new one was given".to_string());
                    }
                    (id, toc_id.clone())
                }
            };
            d.id = id;
            d.section = section.clone();
            if !self.sections.iter().any(|s| s.id == section) {
                let title = rule_titles
                    .get(&section)
                    .cloned()
                    .unwrap_or_else(|| d.section_title.clone());
                let mut dir = match (&d.folder, rule_titles.contains_key(&section)) {
                    (Some(f), false) if toc_id == section => slug_id(f, "section"),
                    _ => slug_id(&title, "section"),
                };
                if self.sections.iter().any(|s| s.dir == dir) {
                    dir = format!("{dir}-{}", section.to_ascii_lowercase());
                }
                self.sections.push(SectionView {
                    id: section,
                    title,
                    dir,
                });
            }
        }
        // Slugs unique within a section.
        let mut slugs: BTreeSet<(String, String)> = BTreeSet::new();
        for d in &mut self.docs {
            let mut slug = d.slug.clone();
            let mut n = 2;
            while !slugs.insert((d.section.clone(), slug.clone())) {
                slug = format!("{}-{n}", d.slug);
                n += 1;
            }
            d.slug = slug;
            for (_, f) in &d.entry.files {
                self.ids_by_path.insert(f.clone(), d.id.clone());
                // A link may name the document without its language.
                if let Some((base, _)) = collection::language_suffix(f) {
                    self.ids_by_path
                        .entry(format!("{base}.md"))
                        .or_insert_with(|| d.id.clone());
                }
            }
            self.mapping.push(MapEntry {
                source: d.file.clone(),
                id: d.id.clone(),
            });
        }
        self.report.sections = self.sections.clone();
    }

    fn dir_of(&self, section: &str) -> String {
        self.sections
            .iter()
            .find(|s| s.id == section)
            .map(|s| s.dir.clone())
            .unwrap_or_default()
    }

    fn role(&mut self, name: &str) -> String {
        let id = slug_id(name, "role");
        if !self.roles.iter().any(|(r, _)| r == &id) {
            self.roles.push((id.clone(), name.trim().to_string()));
        }
        id
    }

    fn write_out(&mut self) -> Vec<Planned> {
        let mut planned = Vec::new();
        let mut attachments: BTreeMap<String, String> = BTreeMap::new();
        let mut checklist_ids: BTreeSet<String> = self
            .old_ids
            .values()
            .filter(|v| v.starts_with("CL-"))
            .cloned()
            .collect();
        let mut checklist_slugs: BTreeSet<String> = BTreeSet::new();
        self.role("Quality manager");
        let docs = std::mem::take(&mut self.docs);
        for d in &docs {
            let dir = self.dir_of(&d.section);
            let mut notes = d.notes.clone();
            // Owner and roles.
            let owner = match d.meta.get(Key::Owner) {
                Some(o) => {
                    let id = self.role(&o.value);
                    notes.push(format!("owner `{id}` from `{}`", o.label));
                    id
                }
                None => {
                    notes.push(format!("no owner given: {DEFAULT_OWNER}"));
                    DEFAULT_OWNER.to_string()
                }
            };
            let roles: Vec<String> = match d.meta.get(Key::Roles) {
                Some(r) => {
                    let names: Vec<String> = r
                        .value
                        .replace(" and ", ",")
                        .split([',', ';', '/'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect();
                    notes.push(format!("roles from `{}`", r.label));
                    names.iter().map(|n| self.role(n)).collect()
                }
                None => vec![owner.clone()],
            };
            let interval = match d.meta.get(Key::ReviewInterval) {
                Some(f) => match interval(&f.value) {
                    Some(i) => {
                        notes.push(format!("review interval {i} from `{}`", f.label));
                        i
                    }
                    None => {
                        notes.push(format!(
                            "review interval `{}` not understood: {DEFAULT_INTERVAL}",
                            f.value
                        ));
                        DEFAULT_INTERVAL.to_string()
                    }
                },
                None => DEFAULT_INTERVAL.to_string(),
            };
            let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
            for r in &d.meta.remove {
                edits.push((r.clone(), String::new()));
            }
            if let Some((t, r)) = &d.body.title
                && (d.meta.get(Key::Title).is_none() || t == &d.title)
            {
                edits.push((r.clone(), String::new()));
            }
            self.links(
                &d.file,
                &d.text,
                &d.body.targets,
                &dir,
                &mut edits,
                &mut attachments,
                &mut planned,
            );
            // Checklists (listed after their SOP).
            let sop_at = self.report.documents.len();
            let mut checklists = Vec::new();
            for (n, tasks) in d.body.tasks.iter().enumerate() {
                let key = format!("{}#{}", d.file, n + 1);
                let id = match self.old_ids.get(&key) {
                    Some(id) => id.clone(),
                    None => {
                        let id = next_number("CL", &checklist_ids);
                        checklist_ids.insert(id.clone());
                        id
                    }
                };
                self.mapping.push(MapEntry {
                    source: key,
                    id: id.clone(),
                });
                let title = match &tasks.heading {
                    Some(h) if h != &d.title => format!("{}: {h}", d.title),
                    _ => format!("{} checklist", d.title),
                };
                let mut slug = if d.body.tasks.len() == 1 {
                    d.slug.clone()
                } else {
                    format!("{}-{}", d.slug, n + 1)
                };
                while !checklist_slugs.insert(slug.clone()) {
                    slug = format!("{slug}-{}", d.section.to_ascii_lowercase());
                }
                let path = format!("{CHECKLISTS_DIR}/{slug}.toml");
                let (line, _) = line_col(&d.text, tasks.range.start);
                let from = if tasks.table {
                    "a table with a done column"
                } else {
                    "a task list"
                };
                planned.push(Planned {
                    path: path.clone(),
                    bytes: checklist_text(&id, &title, &d.id, &d.file, line, from, &tasks.items)
                        .into_bytes(),
                });
                let gap = if d.text[..tasks.range.end].ends_with("\n\n") {
                    ""
                } else {
                    "\n"
                };
                edits.push((
                    tasks.range.end..tasks.range.end,
                    format!(
                        "{gap}Checklist: [{}](checklist:{id})\n\n",
                        escape_link_text(&title)
                    ),
                ));
                self.report.documents.push(DocView {
                    source: format!("{}:{line}", d.file),
                    kind: DocKind::Checklist,
                    id: id.clone(),
                    section: None,
                    title: title.clone(),
                    path: path.clone(),
                    notes: vec![format!("{} pass/fail items from {from}", tasks.items.len())],
                });
                self.report.decisions.push(Decision {
                    file: path.clone(),
                    line: None,
                    column: None,
                    what: format!(
                        "{DRAFT} from {from} in {}:{line}: review its items and their kinds before release",
                        d.file
                    ),
                });
                checklists.push(id);
            }
            let history = d.body.history.as_ref();
            let git = if self.git_history && !self.git_failed {
                match git_log(self.source, &d.file) {
                    Ok(rows) => rows,
                    Err(why) => {
                        self.git_failed = true;
                        let at = self.source.display().to_string();
                        self.decide(
                            &at,
                            None,
                            format!("--git-history: {why}; no git history was taken"),
                        );
                        Vec::new()
                    }
                }
            } else {
                Vec::new()
            };
            if !git.is_empty() {
                notes.push(match git.len() {
                    1 => "1 commit of git history".to_string(),
                    n => format!("{n} commits of git history"),
                });
            }
            if let Some((rows, r)) = history {
                edits.push((r.clone(), String::new()));
                notes.push(match rows.len() {
                    1 => "1 row of history before sopbook".to_string(),
                    n => format!("{n} rows of history before sopbook"),
                });
                // The heading right above the table goes with it.
                if let Some(h) = heading_above(&d.text, r.start) {
                    edits.push((h, String::new()));
                }
            }
            let version = d.meta.get(Key::Version).map(|f| f.value.clone());
            let others: Vec<&meta::Field> = d
                .meta
                .fields
                .iter()
                .filter(|f| f.key == Key::Other || (f.key == Key::Section && d.folder.is_some()))
                .collect();
            if !others.is_empty() {
                let names: Vec<&str> = others.iter().map(|f| f.label.as_str()).collect();
                notes.push(format!("kept in the body: {}", names.join(", ")));
            }
            let mut out = String::new();
            out.push_str("+++\n");
            out.push_str(&format!("id = {}\n", toml_quote(&d.id)));
            out.push_str(&format!("title = {}\n", toml_quote(&d.title)));
            out.push_str(&format!("section = {}\n", toml_quote(&d.section)));
            out.push_str(&format!("owner = {}\n", toml_quote(&owner)));
            out.push_str(&format!("roles = {}\n", toml_list(&roles)));
            out.push_str(&format!("review_interval = {}\n", toml_quote(&interval)));
            if !checklists.is_empty() {
                out.push_str(&format!("checklists = {}\n", toml_list(&checklists)));
            }
            out.push_str("+++\n\n");
            for f in &others {
                out.push_str(&format!("- **{}:** {}\n", f.label, f.value));
            }
            if !others.is_empty() {
                out.push('\n');
            }
            let text = tidy(&apply_edits(&d.text, d.meta.body_start, edits));
            out.push_str(text.trim_start_matches(['\n', '\r']).trim_end());
            out.push('\n');
            if history.is_some() || version.is_some() || !git.is_empty() {
                out.push_str(&history_section(
                    history.map(|h| h.0.as_slice()),
                    version.as_deref(),
                    &git,
                ));
            }
            let path = format!("{MANUAL_DIR}/{dir}/{}.md", d.slug);
            planned.push(Planned {
                path: path.clone(),
                bytes: out.into_bytes(),
            });
            self.report.documents.insert(
                sop_at,
                DocView {
                    source: d.file.clone(),
                    kind: DocKind::Sop,
                    id: d.id.clone(),
                    section: Some(d.section.clone()),
                    title: d.title.clone(),
                    path,
                    notes,
                },
            );
            // Translations.
            for (lang, file) in &d.entry.files {
                if file == &d.file {
                    continue;
                }
                let lang = self.lang_of(lang);
                let text = match read_text(self.source, file) {
                    Ok(t) => t,
                    Err((at, what)) => {
                        self.decide(file, at, format!("the file {what}"));
                        continue;
                    }
                };
                let meta = meta::read(&text);
                let body = body::read(&text, meta.body_start, &meta.remove);
                let title = meta
                    .get(Key::Title)
                    .map(|f| f.value.clone())
                    .or_else(|| body.title.as_ref().map(|t| t.0.clone()))
                    .unwrap_or_else(|| d.title.clone());
                let mut edits: Vec<(std::ops::Range<usize>, String)> = meta
                    .remove
                    .iter()
                    .map(|r| (r.clone(), String::new()))
                    .collect();
                if let Some((_, r)) = &body.title {
                    edits.push((r.clone(), String::new()));
                }
                self.links(
                    file,
                    &text,
                    &body.targets,
                    &dir,
                    &mut edits,
                    &mut attachments,
                    &mut planned,
                );
                let body_text = tidy(&apply_edits(&text, meta.body_start, edits));
                let out = format!(
                    "+++\ntranslates = {}\nrevision = 1\ntitle = {}\n+++\n\n{}\n",
                    toml_quote(&d.id),
                    toml_quote(&title),
                    body_text.trim_start_matches(['\n', '\r']).trim_end()
                );
                let path = format!("{MANUAL_DIR}/{dir}/{}.{lang}.md", d.slug);
                planned.push(Planned {
                    path: path.clone(),
                    bytes: out.into_bytes(),
                });
                self.report.documents.push(DocView {
                    source: file.clone(),
                    kind: DocKind::Translation,
                    id: format!("{}.{lang}", d.id),
                    section: Some(d.section.clone()),
                    title,
                    path,
                    notes: vec![format!(
                        "translates revision 1 of {}: release {} first",
                        d.id, d.id
                    )],
                });
            }
        }
        self.docs = docs;
        // Files no document links to.
        for f in &self.collection.files {
            if attachments.contains_key(f) {
                continue;
            }
            let lower = f.to_ascii_lowercase();
            let why = if lower.ends_with(".html")
                || lower.ends_with(".htm")
                || lower.ends_with(".pdf")
            {
                "generated output or a document sopbook does not read (HTML, PDF), and no document links to it"
            } else {
                "not a Markdown document, and no document links to it"
            };
            self.report.left_out.push(LeftOut {
                path: f.clone(),
                why: why.to_string(),
            });
        }
        self.report.left_out.sort_by(|a, b| a.path.cmp(&b.path));
        planned.push(Planned {
            path: CONFIG_FILE.to_string(),
            bytes: self.config_text().into_bytes(),
        });
        planned
    }

    /// Rewrites the links of one file: documents to `sop:` links,
    /// attachments copied beside the page; reports the rest.
    #[allow(clippy::too_many_arguments)]
    fn links(
        &mut self,
        file: &str,
        text: &str,
        targets: &[Target],
        dir: &str,
        edits: &mut Vec<(std::ops::Range<usize>, String)>,
        attachments: &mut BTreeMap<String, String>,
        planned: &mut Vec<Planned>,
    ) {
        let docs_root = match self.collection.layout {
            Layout::Mkdocs | Layout::Mdbook => file.split('/').next().unwrap_or("").to_string(),
            Layout::Markdown => String::new(),
        };
        for t in targets {
            let dest = t.dest.trim();
            if dest.is_empty()
                || dest.starts_with('#')
                || dest.contains("://")
                || dest.starts_with("mailto:")
                || dest.starts_with("tel:")
                || dest.starts_with("//")
                || dest.starts_with("sop:")
                || dest.starts_with("checklist:")
            {
                continue;
            }
            let path_part = dest
                .split(['#', '?'])
                .next()
                .unwrap_or("")
                .replace("%20", " ");
            let at = line_col(text, t.range.start);
            let base = if path_part.starts_with('/') && !docs_root.is_empty() && file.contains('/')
            {
                docs_root.clone()
            } else {
                file.rsplit_once('/')
                    .map(|(d, _)| d.to_string())
                    .unwrap_or_default()
            };
            let Some(resolved) = resolve(&base, &path_part) else {
                self.decide(
                    file,
                    Some(at),
                    format!("link to `{dest}` leads outside the collection: left as it is"),
                );
                continue;
            };
            let candidates = if resolved.ends_with('/') || resolved.is_empty() {
                vec![
                    format!("{resolved}index.md"),
                    format!("{resolved}README.md"),
                ]
            } else if resolved.ends_with(".md") {
                vec![resolved.clone()]
            } else {
                vec![resolved.clone(), format!("{resolved}.md")]
            };
            if let Some(id) = candidates.iter().find_map(|c| self.ids_by_path.get(c)) {
                if !t.image {
                    edits.push((t.range.clone(), format!("sop:{id}")));
                }
                continue;
            }
            if resolved.ends_with(".md") {
                let why = if self.source.join(&resolved).is_file() {
                    "leads to a page that was not adopted"
                } else {
                    "does not resolve"
                };
                self.decide(
                    file,
                    Some(at),
                    format!("link to `{dest}` {why}: left as it is"),
                );
                continue;
            }
            let is_file = self.source.join(&resolved).is_file();
            if !is_file {
                self.decide(
                    file,
                    Some(at),
                    format!("link to `{dest}` does not resolve: left as it is"),
                );
                continue;
            }
            let name = match attachments.get(&resolved) {
                Some(n) => n.clone(),
                None => {
                    let base_name = resolved
                        .rsplit('/')
                        .next()
                        .unwrap_or(&resolved)
                        .replace(' ', "-");
                    let mut name = base_name.clone();
                    let mut n = 2;
                    let target_of = |name: &str| format!("{MANUAL_DIR}/{dir}/{name}");
                    while planned.iter().any(|p| p.path == target_of(&name)) {
                        name = format!("{n}-{base_name}");
                        n += 1;
                    }
                    match fs::read(self.source.join(&resolved)) {
                        Ok(bytes) => {
                            planned.push(Planned {
                                path: target_of(&name),
                                bytes,
                            });
                            self.report.documents.push(DocView {
                                source: resolved.clone(),
                                kind: DocKind::Attachment,
                                id: String::new(),
                                section: None,
                                title: name.clone(),
                                path: target_of(&name),
                                notes: vec![format!("linked from {file}")],
                            });
                        }
                        Err(e) => {
                            self.decide(
                                file,
                                Some(at),
                                format!("`{resolved}` could not be read: {e}"),
                            );
                            continue;
                        }
                    }
                    attachments.insert(resolved.clone(), name.clone());
                    name
                }
            };
            edits.push((t.range.clone(), name.replace(' ', "%20")));
        }
    }

    fn config_text(&self) -> String {
        let name = self.collection.title.clone().unwrap_or_else(|| {
            let n = self
                .source
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "Our procedures".into());
            folder_title(&n)
        });
        let mut s = String::new();
        s.push_str("# Written by `sopbook adopt`. Add the people who sign ([[person]] tables,\n");
        s.push_str("# see the README) and check the roles and sections it made.\n\n");
        s.push_str(&format!("[organisation]\nname = {}\n\n", toml_quote(&name)));
        s.push_str(&format!("[manual]\ntitle = {}\n\n", toml_quote(&name)));
        for (id, role_name) in &self.roles {
            s.push_str(&format!(
                "[[role]]\nid = {}\nname = {}\n\n",
                toml_quote(id),
                toml_quote(role_name)
            ));
        }
        s.push_str(&format!(
            "[approval]\nrequired = 1\nroles = [{}]\n\n",
            toml_quote(DEFAULT_OWNER)
        ));
        for sec in &self.sections {
            s.push_str(&format!(
                "[[section]]\nid = {}\ntitle = {}\ndir = {}\n\n",
                toml_quote(&sec.id),
                toml_quote(&sec.title),
                toml_quote(&sec.dir)
            ));
        }
        s.push_str(&format!(
            "[book]\nlanguage = {}\n",
            toml_quote(&self.source_lang)
        ));
        if !self.report.languages.is_empty() {
            let mut langs = self.report.languages.clone();
            langs.sort_by_key(|l| l != &self.source_lang);
            for l in langs {
                s.push_str(&format!(
                    "\n[[language]]\ncode = {}\nname = {}\n",
                    toml_quote(&l),
                    toml_quote(language_name(&l))
                ));
                if l == self.source_lang {
                    s.push_str("source = true\n");
                }
            }
        }
        s
    }
}

/// A file's text, or where and why it cannot be read (a decision).
fn read_text(
    source: &Path,
    rel: &str,
) -> std::result::Result<String, (Option<(usize, usize)>, String)> {
    let bytes = fs::read(source.join(rel))
        .map_err(|e| (None, format!("could not be read ({e}); it was not adopted")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        (
            Some(at),
            "is not UTF-8 text, so it was not adopted: save it as UTF-8 and run adopt again"
                .to_string(),
        )
    })
}

/// A path relative to the collection, `..` resolved; `None` outside it.
fn resolve(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<String> = base
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let trailing = rel.ends_with('/');
    for c in Path::new(rel.trim_start_matches('/')).components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    let mut s = parts.join("/");
    if trailing {
        s.push('/');
    }
    Some(s)
}

/// The heading line right above a table (blank lines between), if any.
fn heading_above(text: &str, start: usize) -> Option<std::ops::Range<usize>> {
    let before = &text[..start];
    let trimmed = before.trim_end();
    let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let line = &trimmed[line_start..];
    let lower = line.to_ascii_lowercase();
    (line.starts_with('#')
        && ["histor", "change log", "changelog", "revisions"]
            .iter()
            .any(|w| lower.contains(w)))
    .then_some(line_start..start)
}

fn apply_edits(
    text: &str,
    start: usize,
    mut edits: Vec<(std::ops::Range<usize>, String)>,
) -> String {
    edits.sort_by_key(|e| (e.0.start, e.0.end));
    let mut out = String::new();
    let mut pos = start;
    for (r, with) in edits {
        if r.start < pos {
            if r.is_empty() && r.start == pos {
                out.push_str(&with);
            }
            continue;
        }
        out.push_str(&text[pos..r.start]);
        out.push_str(&with);
        pos = r.end;
    }
    out.push_str(&text[pos.min(text.len())..]);
    out
}

/// At most one blank line in a row, outside fenced code.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence = false;
    let mut blanks = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        }
        if t.is_empty() && !fence {
            blanks += 1;
            if blanks > 1 {
                continue;
            }
        } else {
            blanks = 0;
        }
        out.push_str(line);
    }
    out
}

fn next_number(prefix: &str, used: &BTreeSet<String>) -> String {
    let n = used
        .iter()
        .filter_map(|u| u.strip_prefix(&format!("{prefix}-"))?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}-{:03}", n + 1)
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| toml_quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn escape_link_text(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

/// A review interval as sopbook writes it, from the words collections use.
fn interval(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_prefix("every ").unwrap_or(&t).trim();
    let words = match t {
        "annual" | "annually" | "yearly" | "year" | "1 year" | "12 months" => "12 months",
        "biennial" | "biennially" | "two years" => "2 years",
        "quarterly" | "quarter" => "3 months",
        "monthly" | "month" => "1 month",
        "half-yearly" | "semi-annually" | "six months" => "6 months",
        other => other,
    };
    words.parse::<Interval>().ok().map(|i| {
        if i.to_string() == "1 year" {
            "12 months".to_string()
        } else {
            i.to_string()
        }
    })
}

fn checklist_text(
    id: &str,
    title: &str,
    sop: &str,
    file: &str,
    line: usize,
    from: &str,
    items: &[String],
) -> String {
    let mut s = format!(
        "# A draft made by `sopbook adopt` from {from} in {file}:{line}.\n# Review it before release: every item is pass/fail, its prompt the line's text.\nid = {}\ntitle = {}\nsop = {}\n",
        toml_quote(id),
        toml_quote(title),
        toml_quote(sop)
    );
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for (n, item) in items.iter().enumerate() {
        let mut base = item_id(item);
        if base.is_empty() {
            base = format!("item-{}", n + 1);
        }
        if is_reserved_item_id(&base) {
            base = format!("{base}-check");
        }
        let mut id = base.clone();
        let mut k = 2;
        while !ids.insert(id.clone()) {
            id = format!("{base}-{k}");
            k += 1;
        }
        s.push_str(&format!(
            "\n[[item]]\nid = {}\nprompt = {}\nkind = \"pass_fail\"\n",
            toml_quote(&id),
            toml_quote(item)
        ));
    }
    s
}

fn history_section(
    rows: Option<&[HistoryRow]>,
    version: Option<&str>,
    git: &[HistoryRow],
) -> String {
    let mut s = format!("\n## {}\n\n", body::BEFORE_SOPBOOK);
    match version {
        Some(v) => s.push_str(&format!(
            "Kept by hand before this document came under sopbook, at version {v}.\n"
        )),
        None if rows.is_none_or(|r| r.is_empty()) => s.push_str(
            "Taken from its file's git history, before this document came under sopbook.\n",
        ),
        None => s.push_str("Kept by hand before this document came under sopbook.\n"),
    }
    let rows = match rows {
        Some(rows) if !rows.is_empty() => {
            if let (Some(first), Some(last)) = (git.first(), git.last()) {
                s.push_str(&format!(
                    "\nIts file has {} in git, from {} to {}.\n",
                    match git.len() {
                        1 => "1 commit".to_string(),
                        n => format!("{n} commits"),
                    },
                    first.date,
                    last.date
                ));
            }
            Some(rows)
        }
        _ if !git.is_empty() => Some(git),
        _ => None,
    };
    if let Some(rows) = rows {
        s.push_str("\n| Version | Date | Author | Change |\n| --- | --- | --- | --- |\n");
        for r in rows {
            let cell = |c: &str| c.replace('|', "\\|");
            s.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(&r.version),
                cell(&r.date),
                cell(&r.author),
                cell(&r.change)
            ));
        }
    }
    s
}

/// The commits of one file, oldest first, as history rows (the short hash
/// as the version).
fn git_log(source: &Path, file: &str) -> std::result::Result<Vec<HistoryRow>, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(source)
        .args([
            "log",
            "--follow",
            "--date=short",
            "--format=%h%x1f%ad%x1f%an%x1f%s",
            "--",
            file,
        ])
        .output()
        .map_err(|e| format!("git could not be run ({e})"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "git could not read the history of `{}`: {}",
            source.display(),
            err.lines().next().unwrap_or("").trim()
        ));
    }
    let mut rows: Vec<HistoryRow> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut p = l.split('\x1f');
            Some(HistoryRow {
                version: format!("git {}", p.next()?),
                date: p.next()?.to_string(),
                author: p.next()?.to_string(),
                change: p.next()?.to_string(),
            })
        })
        .collect();
    rows.reverse();
    Ok(rows)
}

fn language_name(code: &str) -> &str {
    match code.split('-').next().unwrap_or(code) {
        "en" => "English",
        "th" => "ไทย",
        "nb" | "no" => "Norsk bokmål",
        "nn" => "Norsk nynorsk",
        "sv" => "Svenska",
        "da" => "Dansk",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "pt" => "Português",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pl" => "Polski",
        "fi" => "Suomi",
        "ja" => "日本語",
        "zh" => "中文",
        "ko" => "한국어",
        "vi" => "Tiếng Việt",
        "he" => "עברית",
        "ar" => "العربية",
        _ => code,
    }
}

/// Writes (unless `dry_run`) what was planned, leaving alone what a person
/// changed since the last adopt, and says what happened to each file.
fn apply(
    into: &Path,
    planned: Vec<Planned>,
    old: Option<&Manifest>,
    mapping: &[MapEntry],
    report: &mut Adopted,
    dry_run: bool,
) -> Result<Manifest> {
    let prev: BTreeMap<&str, &str> = old
        .map(|m| {
            m.file
                .iter()
                .map(|f| (f.path.as_str(), f.sha256.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut files = Vec::new();
    // A new workspace has no files to compare with; folders are made once.
    let fresh = !into.exists();
    let mut made: BTreeSet<PathBuf> = BTreeSet::new();
    let mut write = |path: &Path, bytes: &[u8]| -> Result<()> {
        if dry_run {
            return Ok(());
        }
        if let Some(parent) = path.parent()
            && !made.contains(parent)
        {
            fs::create_dir_all(parent).map_err(|e| {
                Error::invalid(format!("could not create `{}`: {e}", parent.display()))
            })?;
            made.insert(parent.to_path_buf());
        }
        fs::write(path, bytes)
            .map_err(|e| Error::invalid(format!("could not write `{}`: {e}", path.display())))
    };
    let mut planned_paths = BTreeSet::new();
    for p in planned {
        planned_paths.insert(p.path.clone());
        let abs = into.join(&p.path);
        let new_hash = sha256(&p.bytes);
        let current = if fresh { None } else { fs::read(&abs).ok() };
        let before = prev.get(p.path.as_str()).copied();
        let (change, keep_hash) = match (current, before) {
            (None, None) => {
                write(&abs, &p.bytes)?;
                (Change::Added, Some(new_hash.clone()))
            }
            (None, Some(h)) => {
                if h != new_hash {
                    report.decisions.push(Decision {
                        file: p.path.clone(),
                        line: None,
                        column: None,
                        what: "deleted in the workspace since the last adopt, and changed in the source since: not written again; delete its line in adopt.toml to have it back".into(),
                    });
                }
                (Change::Kept, Some(h.to_string()))
            }
            (Some(cur), Some(h)) if sha256(&cur) == h => {
                if cur == p.bytes {
                    (Change::Unchanged, Some(new_hash.clone()))
                } else {
                    write(&abs, &p.bytes)?;
                    (Change::Changed, Some(new_hash.clone()))
                }
            }
            (Some(cur), before) => {
                if cur == p.bytes {
                    (Change::Unchanged, Some(new_hash.clone()))
                } else if before == Some(new_hash.as_str()) {
                    // Only the person changed it: theirs stands.
                    (Change::Kept, before.map(str::to_string))
                } else {
                    let what = if before.is_some() {
                        "changed in the workspace since the last adopt, and in the source too: kept as it is; bring in the source's change by hand".to_string()
                    } else {
                        "already in the workspace, not written by adopt: kept as it is; compare it with the source by hand".to_string()
                    };
                    report.decisions.push(Decision {
                        file: p.path.clone(),
                        line: None,
                        column: None,
                        what,
                    });
                    (Change::Kept, before.map(str::to_string))
                }
            }
        };
        report.files.push(FileView {
            path: p.path.clone(),
            change,
        });
        if let Some(h) = keep_hash {
            files.push(FileEntry {
                path: p.path,
                sha256: h,
            });
        }
    }
    // Files adopt wrote before whose source is gone.
    for (path, h) in &prev {
        if planned_paths.contains(*path) {
            continue;
        }
        let abs = into.join(path);
        match fs::read(&abs) {
            Err(_) => {}
            Ok(cur) if sha256(&cur) == *h => {
                if !dry_run {
                    fs::remove_file(&abs).map_err(|e| {
                        Error::invalid(format!("could not remove `{}`: {e}", abs.display()))
                    })?;
                }
                report.files.push(FileView {
                    path: path.to_string(),
                    change: Change::Removed,
                });
            }
            Ok(_) => {
                report.decisions.push(Decision {
                    file: path.to_string(),
                    line: None,
                    column: None,
                    what: "its source is gone, but it was changed in the workspace: kept; delete it if it is no longer wanted".into(),
                });
                report.files.push(FileView {
                    path: path.to_string(),
                    change: Change::Kept,
                });
                files.push(FileEntry {
                    path: path.to_string(),
                    sha256: h.to_string(),
                });
            }
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    // A draft checklist asks for review when it is new or changed, not on every run.
    let settled: BTreeSet<String> = report
        .files
        .iter()
        .filter(|f| matches!(f.change, Change::Unchanged | Change::Kept))
        .map(|f| f.path.clone())
        .collect();
    report
        .decisions
        .retain(|d| !(d.what.starts_with(DRAFT) && settled.contains(&d.file)));
    Ok(Manifest {
        source: report.source.clone(),
        document: mapping.to_vec(),
        file: files,
    })
}

fn manifest_text(m: &Manifest) -> String {
    let mut s = String::from(
        "# Written by `sopbook adopt`: which source file became which document, and\n# what adopt wrote, so that running it again keeps the ids and leaves alone\n# what a person changed since. Keep it with the workspace.\n",
    );
    s.push_str(&format!("source = {}\n", toml_quote(&m.source)));
    for d in &m.document {
        s.push_str(&format!(
            "\n[[document]]\nsource = {}\nid = {}\n",
            toml_quote(&d.source),
            toml_quote(&d.id)
        ));
    }
    for f in &m.file {
        s.push_str(&format!(
            "\n[[file]]\npath = {}\nsha256 = {}\n",
            toml_quote(&f.path),
            toml_quote(&f.sha256)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_words() {
        assert_eq!(interval("Annually").as_deref(), Some("12 months"));
        assert_eq!(interval("every 2 years").as_deref(), Some("2 years"));
        assert_eq!(interval("when needed"), None);
    }

    #[test]
    fn paths_resolve_within_the_collection() {
        assert_eq!(
            resolve("docs/quality", "../service/returns.md").as_deref(),
            Some("docs/service/returns.md")
        );
        assert_eq!(resolve("", "../x.md"), None);
        assert_eq!(
            resolve("docs", "img/a.png").as_deref(),
            Some("docs/img/a.png")
        );
    }

    #[test]
    fn edits_apply_in_order_and_skip_overlaps() {
        let t = "abcdefgh";
        let out = apply_edits(
            t,
            1,
            vec![
                (5..6, "X".into()),
                (2..4, String::new()),
                (3..5, "no".into()),
                (8..8, "!".into()),
            ],
        );
        assert_eq!(out, "beXgh!");
    }
}
