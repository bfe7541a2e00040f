//! A document's metadata as a collection kept it: YAML (`---`) or TOML
//! (`+++`) front matter, a two-column "field | value" table near the top,
//! or bold `**Key**: value` lines. Each field is named by what it means to
//! sopbook; the text that held it is marked for removal from the body.

use std::ops::Range;

use serde::Serialize;
use yaml_rust2::{Yaml, YamlLoader};

use crate::diagnostic::line_col;

/// What a field means to sopbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    Id,
    Title,
    Version,
    Owner,
    Roles,
    ReviewInterval,
    Section,
    /// Kept in the body, as written.
    Other,
}

/// Where the metadata came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaSource {
    YamlFrontMatter,
    TomlFrontMatter,
    Table,
    BoldLines,
}

impl MetaSource {
    pub fn describe(self) -> &'static str {
        match self {
            MetaSource::YamlFrontMatter => "YAML front matter",
            MetaSource::TomlFrontMatter => "TOML front matter",
            MetaSource::Table => "the table at the top",
            MetaSource::BoldLines => "the bold lines at the top",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: Key,
    /// The name as written ("Document owner").
    pub label: String,
    pub value: String,
    /// 1-based line in the file.
    pub line: usize,
}

/// A problem in the metadata, at a place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub source: Option<MetaSource>,
    pub fields: Vec<Field>,
    /// Byte ranges of the file that held the metadata.
    pub remove: Vec<Range<usize>>,
    /// Where the body starts (after any front matter).
    pub body_start: usize,
    pub problems: Vec<Problem>,
}

impl Meta {
    pub fn get(&self, key: Key) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.key == key && !f.value.is_empty())
    }
}

/// How many lines from the top of the body a table or bold lines may start
/// and still count as the document's metadata.
const NEAR_THE_TOP: usize = 15;

/// A field's name, as the collection wrote it, to what it means.
pub fn key_of(label: &str) -> Key {
    let norm: String = label
        .trim()
        .trim_matches(|c: char| c == '*' || c == '`' || c == ':' || c == '_')
        .chars()
        .map(|c| match c {
            '_' | '-' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    match norm.trim_end_matches('.') {
        "id" | "doc id" | "document id" | "document no" | "doc no" | "document number"
        | "sop id" | "sop no" | "sop number" | "ref" | "reference" | "document ref" | "code"
        | "number" => Key::Id,
        "title" | "document title" | "procedure" => Key::Title,
        "version" | "ver" | "rev" | "revision" | "issue" => Key::Version,
        "owner" | "document owner" | "process owner" | "responsible" | "owned by"
        | "maintainer" => Key::Owner,
        "roles" | "role" | "applies to" | "audience" | "for" => Key::Roles,
        "review interval" | "review cycle" | "review frequency" | "review period"
        | "review every" => Key::ReviewInterval,
        "section" | "category" | "area" | "department" => Key::Section,
        _ => Key::Other,
    }
}

/// Reads the metadata of one Markdown file.
pub fn read(text: &str) -> Meta {
    let mut meta = Meta::default();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if let Some((fence, kind)) = [
        ("---", MetaSource::YamlFrontMatter),
        ("+++", MetaSource::TomlFrontMatter),
    ]
    .into_iter()
    .find(|(f, _)| first_line(&text[start..]).trim_end() == *f)
        && let Some((inner, end)) = closed(text, start, fence)
    {
        meta.body_start = end;
        let offset = start + first_line(&text[start..]).len() + 1;
        match front_fields(text, inner, offset, kind) {
            Ok(fields) => {
                meta.source = Some(kind);
                meta.fields = fields;
                meta.remove.push(start..end);
            }
            Err(p) => meta.problems.push(p),
        }
        return meta;
    }
    meta.body_start = start;
    if let Some((range, fields)) = table(text, start) {
        meta.source = Some(MetaSource::Table);
        meta.fields = fields;
        meta.remove.push(range);
    } else if let Some((range, fields)) = bold_lines(text, start) {
        meta.source = Some(MetaSource::BoldLines);
        meta.fields = fields;
        meta.remove.push(range);
    }
    meta
}

fn first_line(text: &str) -> &str {
    text.split('\n').next().unwrap_or("")
}

/// The text between an opening fence at `start` and its closing line, and
/// where the body starts.
fn closed(text: &str, start: usize, fence: &str) -> Option<(Range<usize>, usize)> {
    let open_end = start + first_line(&text[start..]).len();
    let inner_start = (open_end + 1).min(text.len());
    let mut pos = inner_start;
    while pos < text.len() {
        let line = first_line(&text[pos..]);
        let trimmed = line.trim_end();
        if trimmed == fence || (fence == "---" && trimmed == "...") {
            let end = (pos + line.len() + 1).min(text.len());
            return Some((inner_start..pos, end));
        }
        pos += line.len() + 1;
    }
    None
}

fn front_fields(
    text: &str,
    inner: Range<usize>,
    offset: usize,
    kind: MetaSource,
) -> Result<Vec<Field>, Problem> {
    let src = &text[inner.clone()];
    let (line0, _) = line_col(text, offset);
    let mut pairs: Vec<(String, String)> = Vec::new();
    if kind == MetaSource::YamlFrontMatter {
        let docs = YamlLoader::load_from_str(src).map_err(|e| Problem {
            line: line0 + e.marker().line().saturating_sub(1),
            column: e.marker().col() + 1,
            message: format!("the YAML front matter does not parse: {}", e.info()),
        })?;
        match docs.first() {
            Some(Yaml::Hash(h)) => {
                for (k, v) in h {
                    if let Some(k) = scalar(k) {
                        pairs.push((k, value_text(v)));
                    }
                }
            }
            None | Some(Yaml::Null) => {}
            Some(_) => {
                return Err(Problem {
                    line: line0,
                    column: 1,
                    message: "the YAML front matter is not a list of `key: value` lines".into(),
                });
            }
        }
    } else {
        let table: toml::Table = toml::from_str(src).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let (line, column) = line_col(src, at);
            Problem {
                line: line0 + line - 1,
                column,
                message: format!(
                    "the TOML front matter does not parse: {}",
                    e.message().trim_end()
                ),
            }
        })?;
        for (k, v) in &table {
            pairs.push((k.clone(), toml_text(v)));
        }
    }
    Ok(pairs
        .into_iter()
        .map(|(label, value)| {
            let line = src
                .lines()
                .position(|l| l.trim_start().starts_with(label.as_str()))
                .map_or(line0, |i| line0 + i);
            Field {
                key: key_of(&label),
                label,
                value,
                line,
            }
        })
        .collect())
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn value_text(y: &Yaml) -> String {
    match y {
        Yaml::Array(items) => items
            .iter()
            .filter_map(scalar)
            .collect::<Vec<_>>()
            .join(", "),
        Yaml::Hash(h) => h
            .iter()
            .filter_map(|(k, v)| Some(format!("{}: {}", scalar(k)?, value_text(v))))
            .collect::<Vec<_>>()
            .join("; "),
        y => scalar(y).unwrap_or_default(),
    }
}

fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => items.iter().map(toml_text).collect::<Vec<_>>().join(", "),
        v => v.to_string(),
    }
}

/// Lines of the body, with their byte ranges (the newline included).
fn lines_from(text: &str, start: usize) -> impl Iterator<Item = (Range<usize>, &str)> {
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let line = first_line(&text[pos..]);
        let end = (pos + line.len() + 1).min(text.len());
        let r = pos..end;
        pos = end;
        Some((r, line.trim_end_matches('\r')))
    })
}

/// The cells of a table row (`| a | b |`), trimmed.
pub fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_string()).collect()
}

/// Whether a table line only separates the header (`|---|:---:|`).
pub fn is_separator(line: &str) -> bool {
    let c = cells(line);
    !c.is_empty()
        && c.iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':') && c.contains('-'))
}

/// A cell's text without Markdown emphasis or code marks.
pub fn plain(cell: &str) -> String {
    cell.trim()
        .trim_matches(|c| c == '*' || c == '`' || c == '_')
        .trim()
        .to_string()
}

/// The first two-column table near the top whose first column names known
/// fields (two or more).
fn table(text: &str, start: usize) -> Option<(Range<usize>, Vec<Field>)> {
    let mut rows: Vec<(Range<usize>, &str)> = Vec::new();
    let mut seen = 0;
    for (range, line) in lines_from(text, start) {
        let is_row = line.trim_start().starts_with('|');
        if is_row {
            rows.push((range, line));
            continue;
        }
        if !rows.is_empty() {
            break;
        }
        if !line.trim().is_empty() {
            seen += 1;
        }
        if seen > NEAR_THE_TOP {
            return None;
        }
    }
    let first = rows.first()?.0.start;
    let last = rows.last()?.0.end;
    let mut fields = Vec::new();
    for (range, line) in &rows {
        if is_separator(line) {
            continue;
        }
        let c = cells(line);
        if c.len() != 2 {
            return None;
        }
        let label = plain(&c[0]);
        let key = key_of(&label);
        let lower = label.to_ascii_lowercase();
        if matches!(lower.as_str(), "field" | "key" | "property" | "item") {
            continue;
        }
        fields.push(Field {
            key,
            label,
            value: plain(&c[1]),
            line: line_col(text, range.start).0,
        });
    }
    let known = fields.iter().filter(|f| f.key != Key::Other).count();
    (known >= 2).then_some((first..last, fields))
}

/// Bold `**Key**: value` (or `**Key:** value`) lines near the top, in one block.
fn bold_lines(text: &str, start: usize) -> Option<(Range<usize>, Vec<Field>)> {
    static BOLD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^\s*(?:[-*]\s+)?\*\*([^*]+?):?\*\*:?\s*(.*?)\s*(?:\\|  )?$")
            .expect("valid regex")
    });
    let mut block: Option<Range<usize>> = None;
    let mut fields = Vec::new();
    let mut seen = 0;
    for (range, line) in lines_from(text, start) {
        if let Some(c) = BOLD.captures(line)
            && !c[2].is_empty()
        {
            fields.push(Field {
                key: key_of(&c[1]),
                label: c[1].trim().to_string(),
                value: plain(&c[2]),
                line: line_col(text, range.start).0,
            });
            block = Some(block.map_or(range.clone(), |b| b.start..range.end));
            continue;
        }
        if block.is_some() {
            if line.trim().is_empty() {
                continue;
            }
            break;
        }
        if !line.trim().is_empty() {
            seen += 1;
        }
        if seen > NEAR_THE_TOP {
            break;
        }
    }
    let known = fields.iter().filter(|f| f.key != Key::Other).count();
    (known >= 1).then_some((block?, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(m: &Meta, k: Key) -> Option<&str> {
        m.get(k).map(|f| f.value.as_str())
    }

    #[test]
    fn yaml_front_matter_with_lists_and_lines() {
        let text = "---\nid: QC-7\ntitle: Receiving goods\nroles: [inspector, storekeeper]\nnext review: 2026-01-01\n---\n# Receiving\n";
        let m = read(text);
        assert_eq!(m.source, Some(MetaSource::YamlFrontMatter));
        assert_eq!(value(&m, Key::Id), Some("QC-7"));
        assert_eq!(value(&m, Key::Roles), Some("inspector, storekeeper"));
        assert_eq!(m.fields[3].key, Key::Other);
        assert_eq!(m.fields[3].line, 5);
        assert_eq!(&text[m.body_start..], "# Receiving\n");
    }

    #[test]
    fn toml_front_matter() {
        let m = read("+++\nid = \"CS-002\"\nowner = \"Service lead\"\n+++\nBody\n");
        assert_eq!(m.source, Some(MetaSource::TomlFrontMatter));
        assert_eq!(value(&m, Key::Owner), Some("Service lead"));
    }

    #[test]
    fn bad_yaml_is_a_problem_at_its_line() {
        let m = read("---\nid: QC-7\ntitle: [unclosed\n---\nBody\n");
        assert_eq!(m.source, None);
        assert_eq!(m.problems.len(), 1);
        assert!(m.problems[0].line >= 3, "{:?}", m.problems);
        assert!(m.remove.is_empty());
    }

    #[test]
    fn a_field_value_table_near_the_top() {
        let text = "# Returns\n\n| Field | Value |\n|---|---|\n| Document ID | CS-4 |\n| **Owner** | Service lead |\n| Approved by | Kari |\n\n## Purpose\n";
        let m = read(text);
        assert_eq!(m.source, Some(MetaSource::Table));
        assert_eq!(value(&m, Key::Id), Some("CS-4"));
        assert_eq!(value(&m, Key::Owner), Some("Service lead"));
        assert_eq!(m.fields[2].key, Key::Other);
        assert_eq!(m.fields[0].line, 5);
        let r = m.remove[0].clone();
        assert!(text[r].starts_with("| Field"));
    }

    #[test]
    fn a_table_of_other_things_is_not_metadata() {
        let m = read("# Tools\n\n| Tool | Use |\n|---|---|\n| Calliper | length |\n");
        assert_eq!(m.source, None);
    }

    #[test]
    fn bold_lines() {
        let text = "# Cleaning\n\n**Owner:** Line lead\n**Review cycle**: 2 years\n\nText\n";
        let m = read(text);
        assert_eq!(m.source, Some(MetaSource::BoldLines));
        assert_eq!(value(&m, Key::Owner), Some("Line lead"));
        assert_eq!(value(&m, Key::ReviewInterval), Some("2 years"));
    }

    #[test]
    fn keys() {
        assert_eq!(key_of("Document No."), Key::Id);
        assert_eq!(key_of("applies_to"), Key::Roles);
        assert_eq!(key_of("Effective date"), Key::Other);
    }
}
