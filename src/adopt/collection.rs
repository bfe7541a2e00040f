//! A collection on disk: which layout it has (plain folders of Markdown,
//! mdBook, MkDocs), its documents in the order of its table of contents
//! with the section each belongs to, the other files, and what is left out
//! (generated output, its configuration).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde::Serialize;
use yaml_rust2::{Yaml, YamlLoader};

use crate::diagnostic::line_col;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    Markdown,
    Mdbook,
    Mkdocs,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Markdown => "Markdown folders",
            Layout::Mdbook => "mdBook",
            Layout::Mkdocs => "MkDocs",
        }
    }
}

/// A document of the collection (all its language files).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Paths relative to the collection, `/`-separated: the file without a
    /// language suffix first if there is one, then by language.
    pub files: Vec<(Option<String>, String)>,
    /// The title the table of contents gives it.
    pub toc_title: Option<String>,
    /// The section's title and the folder it came from, if any.
    pub section: String,
    pub folder: Option<String>,
    /// Whether the table of contents lists it (always, for plain folders).
    pub listed: bool,
}

#[derive(Debug, Clone)]
pub struct Collection {
    pub layout: Layout,
    pub title: Option<String>,
    pub language: Option<String>,
    pub entries: Vec<Entry>,
    /// Every other file found, relative to the collection.
    pub files: BTreeSet<String>,
    /// Files and folders not adopted, with why.
    pub left_out: Vec<(String, String)>,
}

/// A configuration file that cannot be read, with where.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub const GENERAL: &str = "General";
const GENERATED: &[&str] = &["site", "book", "_site", "public", "build", "dist", "html"];

/// The language of a file name (`receiving.th.md`: `th`), if it has one.
pub fn language_suffix(path: &str) -> Option<(&str, &str)> {
    let stem = path.strip_suffix(".md")?;
    let (base, lang) = stem.rsplit_once('.')?;
    if base.is_empty() || base.ends_with('/') {
        return None;
    }
    let mut parts = lang.split('-');
    let code = parts.next()?;
    let region_ok =
        parts.all(|r| (2..=4).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric()));
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) && region_ok)
        .then_some((base, lang))
}

/// A section title from a folder name: `01-quality_control` is "Quality control".
pub fn folder_title(name: &str) -> String {
    let name = name.trim_start_matches(|c: char| {
        c.is_ascii_digit() || c == '-' || c == '_' || c == '.' || c == ' '
    });
    let words: Vec<&str> = name
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let mut t = words.join(" ");
    if let Some(first) = t.chars().next() {
        t = first.to_uppercase().collect::<String>() + &t[first.len_utf8()..];
    }
    if t.is_empty() { GENERAL.to_string() } else { t }
}

/// Orders names with their numbers as numbers (`2-x` before `10-x`).
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut num = String::new();
        let mut text = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                if !text.is_empty() {
                    out.push((u64::MAX, std::mem::take(&mut text)));
                }
                num.push(c);
            } else {
                if !num.is_empty() {
                    out.push((num.parse().unwrap_or(u64::MAX - 1), String::new()));
                    num.clear();
                }
                text.push(c);
            }
        }
        if !num.is_empty() {
            out.push((num.parse().unwrap_or(u64::MAX - 1), String::new()));
        }
        if !text.is_empty() {
            out.push((u64::MAX, text));
        }
        out
    }
    key(a).cmp(&key(b))
}

/// Reads the collection at `root`.
pub fn read(root: &Path) -> Result<Collection, ReadError> {
    let mut left_out = Vec::new();
    let layout = if root.join("book.toml").is_file() {
        Layout::Mdbook
    } else if root.join("mkdocs.yml").is_file() || root.join("mkdocs.yaml").is_file() {
        Layout::Mkdocs
    } else {
        Layout::Markdown
    };
    let mut title = None;
    let mut language = None;
    let mut docs_dir = String::new();
    let mut out_dir: Option<String> = None;
    let mut toc: Option<Vec<TocItem>> = None;
    match layout {
        Layout::Mdbook => {
            let text = read_text(root, "book.toml")?;
            let t: toml::Table = toml::from_str(&text).map_err(|e| {
                let (line, column) = line_col(&text, e.span().map_or(0, |s| s.start));
                ReadError {
                    file: "book.toml".into(),
                    line,
                    column,
                    message: format!("book.toml does not parse: {}", e.message().trim_end()),
                }
            })?;
            let book = t.get("book").and_then(|b| b.as_table());
            title = book
                .and_then(|b| b.get("title"))
                .and_then(|v| v.as_str())
                .map(str::to_string);
            language = book
                .and_then(|b| b.get("language"))
                .and_then(|v| v.as_str())
                .map(str::to_string);
            docs_dir = book
                .and_then(|b| b.get("src"))
                .and_then(|v| v.as_str())
                .unwrap_or("src")
                .trim_matches('/')
                .to_string();
            out_dir = Some(
                t.get("build")
                    .and_then(|b| b.get("build-dir"))
                    .and_then(|v| v.as_str())
                    .unwrap_or("book")
                    .trim_matches('/')
                    .to_string(),
            );
            left_out.push((
                "book.toml".to_string(),
                "the collection's configuration: read for its title and language".to_string(),
            ));
            let summary = format!("{docs_dir}/SUMMARY.md");
            if root.join(&summary).is_file() {
                let text = read_text(root, &summary)?;
                toc = Some(summary_toc(&text));
                left_out.push((
                    summary,
                    "the table of contents: read for sections and order".to_string(),
                ));
            }
        }
        Layout::Mkdocs => {
            let name = if root.join("mkdocs.yml").is_file() {
                "mkdocs.yml"
            } else {
                "mkdocs.yaml"
            };
            let text = read_text(root, name)?;
            let docs = YamlLoader::load_from_str(&text).map_err(|e| ReadError {
                file: name.into(),
                line: e.marker().line(),
                column: e.marker().col() + 1,
                message: format!("{name} does not parse: {}", e.info()),
            })?;
            let doc = docs.into_iter().next().unwrap_or(Yaml::Null);
            title = doc["site_name"].as_str().map(str::to_string);
            language = doc["theme"]["language"].as_str().map(str::to_string);
            docs_dir = doc["docs_dir"]
                .as_str()
                .unwrap_or("docs")
                .trim_matches('/')
                .to_string();
            out_dir = Some(
                doc["site_dir"]
                    .as_str()
                    .unwrap_or("site")
                    .trim_matches('/')
                    .to_string(),
            );
            if let Yaml::Array(nav) = &doc["nav"] {
                let mut items = Vec::new();
                nav_toc(nav, 0, None, &mut items);
                toc = Some(items);
            }
            left_out.push((
                name.to_string(),
                "the collection's configuration: read for sections and order".to_string(),
            ));
        }
        Layout::Markdown => {}
    }
    let mut all = Vec::new();
    walk(root, "", out_dir.as_deref(), &mut all, &mut left_out);
    all.sort_by(|a, b| natural(a, b));
    let prefix = if docs_dir.is_empty() {
        String::new()
    } else {
        format!("{docs_dir}/")
    };
    let in_docs = |p: &str| p.starts_with(&prefix);
    let mut markdown: Vec<String> = Vec::new();
    let mut files = BTreeSet::new();
    for p in all {
        if left_out.iter().any(|(l, _)| l == &p) {
            continue;
        }
        if p.ends_with(".md") && in_docs(&p) {
            markdown.push(p);
        } else if p.ends_with(".md") && layout != Layout::Markdown {
            left_out.push((
                p,
                format!("outside {docs_dir}/, so not part of the {}", layout.name()),
            ));
        } else {
            files.insert(p);
        }
    }
    // Language files group with the document they translate.
    let set: BTreeSet<&str> = markdown.iter().map(String::as_str).collect();
    let siblings = |base: &str| {
        markdown
            .iter()
            .filter(|q| language_suffix(q).is_some_and(|(b, _)| b == base))
            .count()
    };
    // Languages seen in pairs (and the collection's own): a lone file in
    // one of them is that document's only language.
    let mut known: BTreeSet<String> = language.iter().cloned().collect();
    for p in &markdown {
        if let Some((base, lang)) = language_suffix(p)
            && (set.contains(format!("{base}.md").as_str()) || siblings(base) > 1)
        {
            known.insert(lang.to_string());
        }
    }
    let mut groups: BTreeMap<String, Vec<(Option<String>, String)>> = BTreeMap::new();
    for p in &markdown {
        let (base, lang) = match language_suffix(p) {
            Some((base, lang)) => {
                let plain = format!("{base}.md");
                if set.contains(plain.as_str()) || siblings(base) > 1 || known.contains(lang) {
                    (base.to_string(), Some(lang.to_string()))
                } else {
                    (p.trim_end_matches(".md").to_string(), None)
                }
            }
            None => (p.trim_end_matches(".md").to_string(), None),
        };
        groups.entry(base).or_default().push((lang, p.clone()));
    }
    for g in groups.values_mut() {
        g.sort_by(|a, b| a.0.cmp(&b.0));
    }
    // A table of contents may name a document without its language (MkDocs' i18n).
    let base_of = |p: &str| -> Option<String> {
        groups
            .iter()
            .find(|(b, g)| {
                g.iter().any(|(_, f)| f == p) || p.strip_suffix(".md") == Some(b.as_str())
            })
            .map(|(b, _)| b.clone())
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut used = BTreeSet::new();
    let folder_of = |p: &str| -> Option<String> {
        let rel = p.strip_prefix(&prefix).unwrap_or(p);
        rel.split_once('/').map(|(f, _)| f.to_string())
    };
    if let Some(items) = &toc {
        for item in items {
            let Some(path) = &item.path else { continue };
            let path = format!(
                "{prefix}{}",
                path.trim_start_matches("./").trim_start_matches('/')
            );
            let Some(base) = base_of(&path) else {
                if !path.ends_with('/') && !root.join(&path).is_file() {
                    left_out.push((
                        path,
                        "named by the table of contents, but there is no such file".to_string(),
                    ));
                }
                continue;
            };
            if !used.insert(base.clone()) {
                continue;
            }
            let folder = folder_of(&path);
            let section = item
                .section
                .clone()
                .or_else(|| folder.as_deref().map(folder_title))
                .unwrap_or_else(|| GENERAL.to_string());
            entries.push(Entry {
                files: groups[&base].clone(),
                toc_title: item.title.clone(),
                section,
                folder: if item.section.is_some() { None } else { folder },
                listed: true,
            });
        }
    }
    for (base, g) in &groups {
        if used.contains(base) {
            continue;
        }
        let first = &g[0].1;
        let folder = folder_of(first);
        entries.push(Entry {
            files: g.clone(),
            toc_title: None,
            section: folder
                .as_deref()
                .map(folder_title)
                .unwrap_or_else(|| GENERAL.to_string()),
            folder,
            listed: toc.is_none(),
        });
    }
    if toc.is_none() {
        entries.sort_by(|a, b| natural(&a.files[0].1, &b.files[0].1));
    }
    // A collection's front page is not a procedure.
    entries.retain(|e| {
        let p = &e.files[0].1;
        let rel = p.strip_prefix(&prefix).unwrap_or(p);
        let front = matches!(rel.to_ascii_lowercase().as_str(), "readme.md" | "index.md");
        if front {
            for (_, f) in &e.files {
                left_out.push((
                    f.clone(),
                    "the collection's front page, not a procedure".to_string(),
                ));
            }
        }
        !front
    });
    // Sections in the order their first document appears.
    let mut order: Vec<String> = Vec::new();
    for e in &entries {
        if !order.contains(&e.section) {
            order.push(e.section.clone());
        }
    }
    entries.sort_by_key(|e| order.iter().position(|s| s == &e.section));
    left_out.sort();
    Ok(Collection {
        layout,
        title,
        language,
        entries,
        files,
        left_out,
    })
}

fn read_text(root: &Path, rel: &str) -> Result<String, ReadError> {
    fs::read_to_string(root.join(rel)).map_err(|e| ReadError {
        file: rel.to_string(),
        line: 1,
        column: 1,
        message: format!("could not read {rel}: {e}"),
    })
}

/// Every file under `dir`, relative to `root`; generated output and
/// hidden folders go to `left_out`.
fn walk(
    root: &Path,
    rel: &str,
    out_dir: Option<&str>,
    all: &mut Vec<String>,
    left_out: &mut Vec<(String, String)>,
) {
    let Ok(entries) = fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if name.starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let generated = rel.is_empty()
                && (out_dir == Some(name.as_str())
                    || (GENERATED.contains(&name.as_str()) && holds_html(&entry.path())));
            if generated {
                left_out.push((
                    format!("{path}/"),
                    "generated output (built from the sources): ignored".to_string(),
                ));
            } else if name == "node_modules" || name == "target" {
                left_out.push((
                    format!("{path}/"),
                    "tooling, not documents: ignored".to_string(),
                ));
            } else {
                walk(root, &path, out_dir, all, left_out);
            }
        } else if kind.is_file() {
            all.push(path);
        }
    }
}

fn holds_html(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|d| {
        d.filter_map(Result::ok).any(|e| {
            let n = e.file_name().to_string_lossy().to_ascii_lowercase();
            n.ends_with(".html") || n.ends_with(".htm")
        })
    })
}

/// One entry of a table of contents.
#[derive(Debug, Clone, PartialEq)]
pub struct TocItem {
    pub title: Option<String>,
    pub path: Option<String>,
    /// The section it belongs to, when the table of contents says.
    pub section: Option<String>,
}

/// mdBook's SUMMARY.md: parts (`# Part`) are sections; without parts, a
/// top-level chapter with chapters under it is one.
pub fn summary_toc(text: &str) -> Vec<TocItem> {
    static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\s*)(?:[-*+]\s+)?\[([^\]]*)\]\(([^)]*)\)").expect("valid regex")
    });
    let mut items = Vec::new();
    let mut rows: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut part: Option<String> = None;
    let mut parts = false;
    let mut first_heading = true;
    let mut part_of: Vec<Option<String>> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("# ") {
            if first_heading && rows.is_empty() {
                first_heading = false;
                continue;
            }
            part = Some(h.trim().to_string());
            parts = true;
            continue;
        }
        if let Some(c) = LINK.captures(line) {
            let indent = c[1].replace('\t', "    ").len();
            let path = c[3].trim();
            let path = path.split('#').next().unwrap_or("").to_string();
            rows.push((
                indent,
                c[2].trim().to_string(),
                (!path.is_empty()).then_some(path),
            ));
            part_of.push(part.clone());
        }
    }
    // Without parts: the top-level chapter that has children names their section.
    let mut top: Option<String> = None;
    for (i, (indent, title, path)) in rows.iter().enumerate() {
        let has_children = rows.get(i + 1).is_some_and(|n| n.0 > *indent);
        let section = if parts {
            part_of[i].clone()
        } else if *indent == 0 {
            top = has_children.then(|| title.clone());
            top.clone()
        } else {
            top.clone()
        };
        items.push(TocItem {
            title: Some(title.clone()),
            path: path.clone(),
            section,
        });
    }
    items
}

/// MkDocs' nav: a top-level entry with pages under it is a section.
fn nav_toc(nav: &[Yaml], depth: usize, section: Option<&str>, out: &mut Vec<TocItem>) {
    for item in nav {
        match item {
            Yaml::String(path) => out.push(TocItem {
                title: None,
                path: Some(path.clone()),
                section: section.map(str::to_string),
            }),
            Yaml::Hash(h) => {
                for (k, v) in h {
                    let title = k.as_str().map(str::to_string);
                    match v {
                        Yaml::String(path) => out.push(TocItem {
                            title,
                            path: (!path.contains("://")).then(|| path.clone()),
                            section: section.map(str::to_string),
                        }),
                        Yaml::Array(children) => {
                            let inner = if depth == 0 {
                                title.as_deref()
                            } else {
                                section
                            };
                            nav_toc(children, depth + 1, inner, out);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_parts_and_nesting() {
        let with_parts = "# Summary\n\n[Introduction](README.md)\n\n# Quality\n\n- [Receiving](quality/receiving.md)\n    - [Scales](quality/scales.md)\n\n# Service\n- [Returns](service/returns.md)\n";
        let t = summary_toc(with_parts);
        let got: Vec<_> = t
            .iter()
            .map(|i| (i.path.clone().unwrap(), i.section.clone()))
            .collect();
        assert_eq!(got[0], ("README.md".to_string(), None));
        assert_eq!(
            got[2],
            ("quality/scales.md".to_string(), Some("Quality".to_string()))
        );
        assert_eq!(got[3].1.as_deref(), Some("Service"));
        let nested =
            "# Summary\n- [Quality](q/index.md)\n  - [Receiving](q/r.md)\n- [Loose](loose.md)\n";
        let t = summary_toc(nested);
        assert_eq!(t[1].section.as_deref(), Some("Quality"));
        assert_eq!(t[2].section, None);
    }

    #[test]
    fn nav_sections() {
        let y = YamlLoader::load_from_str("nav:\n  - Home: index.md\n  - Quality:\n      - Receiving: quality/receiving.md\n      - More:\n          - quality/scales.md\n  - Site: https://example.org\n").unwrap();
        let mut out = Vec::new();
        nav_toc(y[0]["nav"].as_vec().unwrap(), 0, None, &mut out);
        assert_eq!(out.len(), 4);
        assert_eq!(out[2].section.as_deref(), Some("Quality"));
        assert_eq!(out[3].path, None);
    }

    #[test]
    fn names() {
        assert_eq!(language_suffix("docs/a.th.md"), Some(("docs/a", "th")));
        assert_eq!(
            language_suffix("docs/a.pt-BR.md"),
            Some(("docs/a", "pt-BR"))
        );
        assert_eq!(language_suffix("docs/a.v2.md"), None);
        assert_eq!(language_suffix("docs/a.md"), None);
        assert_eq!(folder_title("02-customer_service"), "Customer service");
        assert_eq!(natural("2-a", "10-a"), std::cmp::Ordering::Less);
    }
}
