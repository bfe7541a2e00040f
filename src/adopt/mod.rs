//! Reading an existing procedures collection for `sopbook adopt`: the
//! collection's layout and order ([`collection`]), each document's metadata
//! ([`meta`]) and what its Markdown holds ([`body`]), ids and the `--map`
//! rules (here). Pure readers: the operation is `ops::adopt`.

pub mod body;
pub mod collection;
pub mod meta;

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::diagnostic::line_col;

/// An id as a collection wrote it, in sopbook's form if it has one:
/// `qc-3` and `QC 3` are `QC-003`; `GDI-SOP12` has none.
pub fn normalise_id(raw: &str) -> Option<String> {
    static ID: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([A-Za-z]{2,5})[-_ ]?(\d{1,9})$").expect("valid regex"));
    let c = ID.captures(raw.trim())?;
    let n: u64 = c[2].parse().ok()?;
    Some(format!("{}-{n:03}", c[1].to_ascii_uppercase()))
}

/// An id at the start of a file name: `QC-003-receiving.md`.
pub fn id_in_name(stem: &str) -> Option<String> {
    static ID: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([A-Za-z]{2,5})[-_](\d{2,9})(?:[-_ .]|$)").expect("valid regex")
    });
    let c = ID.captures(stem)?;
    normalise_id(&format!("{}-{}", &c[1], &c[2]))
}

/// A section id from its title: the initials of two or more words
/// ("Quality control": `QC`), else the first three letters (`SAF`).
pub fn section_id(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter(|w| {
            !matches!(
                w.to_ascii_lowercase().as_str(),
                "and" | "of" | "the" | "for" | "a" | "an" | "to" | "in" | "at" | "on" | "with"
            )
        })
        .map(str::to_ascii_uppercase)
        .collect();
    let id: String = if words.len() >= 2 {
        words
            .iter()
            .take(5)
            .filter_map(|w| w.chars().next())
            .collect()
    } else {
        words
            .first()
            .map(|w| w.chars().take(3).collect())
            .unwrap_or_default()
    };
    if id.len() < 2 { "GEN".to_string() } else { id }
}

/// A lowercase ASCII id (`quality-manager`) from any name, starting with a letter.
pub fn slug_id(name: &str, fallback: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    match s.chars().next() {
        None => fallback.to_string(),
        Some(c) if c.is_ascii_digit() => format!("{fallback}-{s}"),
        Some(_) => s,
    }
}

/// An item id from a task's text: a few words, at most 40 characters.
pub fn item_id(text: &str) -> String {
    let full = slug_id(text, "item");
    let mut id = String::new();
    for word in full.split('-') {
        if !id.is_empty() && id.len() + 1 + word.len() > 40 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    id.truncate(40);
    id.trim_end_matches('-').to_string()
}

/// One rule of a `--map` file.
#[derive(Debug, Clone)]
pub struct MapRule {
    pub pattern: Regex,
    pub section: String,
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    #[serde(default)]
    rule: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    pattern: toml::Spanned<String>,
    section: toml::Spanned<String>,
    title: Option<String>,
}

/// A `--map` file that cannot be used: where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MapError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

const MAP_HINT: &str = "write one [[rule]] per id pattern, e.g.\n  [[rule]]\n  pattern = 'GDI-SOP(\\d+)'   # a regular expression; its one group is the number\n  section = \"GDI\"             # the section id: 2 to 5 capital letters";

/// Parses a `--map` file.
pub fn parse_map(text: &str) -> Result<Vec<MapRule>, MapError> {
    let at = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        MapError {
            line,
            column,
            message,
            hint: MAP_HINT.to_string(),
        }
    };
    let file: MapFile = toml::from_str(text).map_err(|e| {
        at(
            e.span().map_or(0, |s| s.start),
            e.message().trim_end().to_string(),
        )
    })?;
    let mut rules = Vec::new();
    for r in file.rule {
        let section = r.section.get_ref();
        if !(2..=5).contains(&section.len()) || !section.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(at(
                r.section.span().start,
                format!("`{section}` is not a section id: 2 to 5 capital letters, such as \"GDI\""),
            ));
        }
        let pattern = match Regex::new(&format!("^(?:{})$", r.pattern.get_ref())) {
            Ok(p) => p,
            Err(e) => {
                return Err(at(
                    r.pattern.span().start,
                    format!(
                        "the pattern is not a regular expression: {}",
                        one_line(&e.to_string())
                    ),
                ));
            }
        };
        if pattern.captures_len() != 2 {
            return Err(at(
                r.pattern.span().start,
                format!(
                    "the pattern has {} groups; it needs exactly one, around the number",
                    pattern.captures_len() - 1
                ),
            ));
        }
        rules.push(MapRule {
            pattern,
            section: section.clone(),
            title: r.title,
        });
    }
    Ok(rules)
}

fn one_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

/// The id a rule gives `raw`, with the rule.
pub fn apply_map<'a>(rules: &'a [MapRule], raw: &str) -> Option<(String, &'a MapRule)> {
    rules.iter().find_map(|r| {
        let c = r.pattern.captures(raw.trim())?;
        let n: u64 = c
            .get(1)?
            .as_str()
            .trim_start_matches('0')
            .parse()
            .unwrap_or(0);
        Some((format!("{}-{n:03}", r.section), r))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(normalise_id("qc-3").as_deref(), Some("QC-003"));
        assert_eq!(normalise_id("QC 0012").as_deref(), Some("QC-012"));
        assert_eq!(normalise_id("GDI-SOP12"), None);
        assert_eq!(id_in_name("CS-04-returns").as_deref(), Some("CS-004"));
        assert_eq!(id_in_name("returns"), None);
        assert_eq!(section_id("Quality control"), "QC");
        assert_eq!(section_id("Safety"), "SAF");
        assert_eq!(section_id("Health and safety at work"), "HSW");
        assert_eq!(slug_id("Quality Manager", "role"), "quality-manager");
        assert_eq!(slug_id("2nd shift", "role"), "role-2nd-shift");
        assert_eq!(
            item_id("Check the oil level before the first run of the day, always and everywhere"),
            "check-the-oil-level-before-the-first-run"
        );
    }

    #[test]
    fn map_rules() {
        let rules = parse_map("[[rule]]\npattern = 'GDI-SOP(\\d+)'\nsection = \"GDI\"\n").unwrap();
        assert_eq!(apply_map(&rules, "GDI-SOP7").unwrap().0, "GDI-007");
        assert!(apply_map(&rules, "XGDI-SOP7").is_none());
    }

    #[test]
    fn bad_map_files_point_at_the_value() {
        let e = parse_map("[[rule]]\npattern = 'GDI-SOP\\d+'\nsection = \"GDI\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 11));
        assert!(e.message.contains("needs exactly one"), "{e:?}");
        let e = parse_map("[[rule]]\npattern = '(\\d+'\nsection = \"GDI\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_map("[[rule]]\npattern = '(\\d+)'\nsection = \"gdi\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 11));
        let e = parse_map("[[rule]]\npatern = 'x'\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
