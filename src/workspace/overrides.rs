//! A workspace's template overrides: a file in `templates/` replaces the
//! manual's built-in template of the same name, a file in
//! `templates/serve/` one of `sopbook serve`'s pages or its stylesheet.
//! Found here for every user of a template, and checked by `sopbook check`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::diagnostic::{Diagnostic, Sources};
use crate::workspace::TEMPLATES_DIR;

/// Where `sopbook serve`'s pages are overridden, relative to the workspace.
pub const SERVE_TEMPLATES_DIR: &str = "templates/serve";

/// The code of the diagnostic of a template that does not parse.
pub const BROKEN_TEMPLATE: &str = "broken-template";

/// A template as it is used: the workspace's file, or the built-in text.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub text: String,
    /// The workspace's file (`templates/serve/signin.html.hbs`), when it is used.
    pub file: Option<String>,
}

impl Chosen {
    /// Where the text came from, for a message: the file, or `the built-in template NAME`.
    pub fn origin(&self, name: &str) -> String {
        match &self.file {
            Some(file) => file.clone(),
            None => format!("the built-in template {name}"),
        }
    }
}

/// The text of a template: the first of `names` (its name, then any former
/// name) found in `folder` of the workspace at `root`, else `builtin`.
pub fn choose(root: Option<&Path>, folder: &str, names: &[&str], builtin: &str) -> Result<Chosen> {
    let Some(root) = root else {
        return Ok(Chosen {
            text: builtin.to_string(),
            file: None,
        });
    };
    let Some(name) = names.iter().find(|n| root.join(folder).join(n).is_file()) else {
        return Ok(Chosen {
            text: builtin.to_string(),
            file: None,
        });
    };
    let path = root.join(folder).join(name);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read the template `{}`", path.display()))?;
    Ok(Chosen {
        text,
        file: Some(format!("{folder}/{name}")),
    })
}

/// What is wrong with `text`, the template in `file`, if it is not valid
/// handlebars: a diagnostic pointing at the line and column.
pub fn syntax_error(file: &str, text: &str) -> Option<Diagnostic> {
    let e = handlebars::Template::compile(text).err()?;
    let diag = Diagnostic::error(
        BROKEN_TEMPLATE,
        format!("{file} is not a valid handlebars template"),
    )
    .help(format!(
        "fix it, or delete `{file}` to use the built-in template"
    ));
    Some(match e.pos() {
        Some((line, column)) => {
            let at = offset_of(text, line, column);
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            // The parser only says what it expected; at the end of the
            // text that is a block left open.
            let label = if text[at..].trim().is_empty() {
                "the template ends inside a block: a closing `{{/if}}`, `{{/each}}` or the like is missing".to_string()
            } else {
                e.reason().to_string()
            };
            diag.at(file, at..end).label(label)
        }
        None => diag.in_file(file).label(e.reason().to_string()),
    })
}

/// The byte offset of a one-based line and column (in characters),
/// clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(nl) => start += nl + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..text[start..].find('\n').map_or(text.len(), |nl| start + nl)];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// Every handlebars file (`*.hbs`) in `templates/` and `templates/serve/`
/// that does not parse, as an error pointing into it.
pub fn check_overrides(root: &Path, diags: &mut Vec<Diagnostic>, sources: &mut Sources) {
    for folder in [TEMPLATES_DIR, SERVE_TEMPLATES_DIR] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".hbs"))
            .collect();
        names.sort();
        for name in names {
            let file = format!("{folder}/{name}");
            let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
                diags.push(
                    Diagnostic::error("unreadable-template", format!("{file} could not be read"))
                        .in_file(&file)
                        .help("save it as UTF-8 text"),
                );
                continue;
            };
            if let Some(diag) = syntax_error(&file, &text) {
                sources.insert(file.clone(), text);
                diags.push(diag);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_template_is_pointed_at_where_it_breaks() {
        let text = "<p>ok</p>\n<p>{{#if ready}}ready</p>\n";
        let diag = syntax_error("templates/serve/signin.html.hbs", text).unwrap();
        assert_eq!(
            diag.message,
            "templates/serve/signin.html.hbs is not a valid handlebars template"
        );
        let span = diag.span.unwrap();
        assert!(
            span.start >= text.find('\n').unwrap(),
            "on the second line: {span:?}"
        );
        assert!(syntax_error("x", "<p>{{title}}</p>").is_none());
    }

    #[test]
    fn lines_and_columns_count_characters() {
        let text = "ab\nçd{{\n";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 2), 5);
        assert_eq!(offset_of(text, 9, 1), text.len());
        assert_eq!(offset_of(text, 2, 99), 8);
    }
}
