//! The handlebars templates pages are made from: built into the binary,
//! overridable per workspace by a file of the same name in `templates/`.

use std::path::Path;

use anyhow::{Context, Result};
use handlebars::{Context as HbContext, Handlebars, Helper, HelperResult, Output, RenderContext};

use crate::manual::escape::{md_block, md_text};

use crate::workspace::overrides::choose;
use crate::workspace::{RENAMED_TEMPLATES, TEMPLATES_DIR};

/// (name, built-in text). The name is also the override's file name.
pub const PAGE_TEMPLATES: &[(&str, &str)] = &[
    ("home.md.hbs", include_str!("templates/home.md.hbs")),
    // The home page of a Norwegian or Hebrew edition.
    ("home.nb.md.hbs", include_str!("templates/home.nb.md.hbs")),
    ("home.he.md.hbs", include_str!("templates/home.he.md.hbs")),
    ("home.ru.md.hbs", include_str!("templates/home.ru.md.hbs")),
    ("home.zh.md.hbs", include_str!("templates/home.zh.md.hbs")),
    ("notice.md.hbs", include_str!("templates/notice.md.hbs")),
    ("sop.md.hbs", include_str!("templates/sop.md.hbs")),
    (
        "checklist.md.hbs",
        include_str!("templates/checklist.md.hbs"),
    ),
    ("section.md.hbs", include_str!("templates/section.md.hbs")),
    (
        "checklists.md.hbs",
        include_str!("templates/checklists.md.hbs"),
    ),
    (
        "reading-paths.md.hbs",
        include_str!("templates/reading-paths.md.hbs"),
    ),
    (
        "reading-path.md.hbs",
        include_str!("templates/reading-path.md.hbs"),
    ),
    ("by-role.md.hbs", include_str!("templates/by-role.md.hbs")),
    (
        "what-changed.md.hbs",
        include_str!("templates/what-changed.md.hbs"),
    ),
    ("obsolete.md.hbs", include_str!("templates/obsolete.md.hbs")),
    ("history.md.hbs", include_str!("templates/history.md.hbs")),
    (
        "dashboard.md.hbs",
        include_str!("templates/dashboard.md.hbs"),
    ),
    (
        "dashboard-checklist.md.hbs",
        include_str!("templates/dashboard-checklist.md.hbs"),
    ),
    ("training.md.hbs", include_str!("templates/training.md.hbs")),
];

/// Templates used inside others with `{{> name}}`.
const PARTIALS: &[&str] = &["notice", "history"];

/// `{{md_block value}}`: the value as Markdown paragraphs of text.
fn md_block_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &HbContext,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = h.param(0).map(|p| p.value());
    let text = match value {
        Some(serde_json::Value::String(s)) => md_block(s),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => md_text(&other.to_string()),
    };
    out.write(&text)?;
    Ok(())
}

/// The words of the manual's own pages in `language`
/// ([`super::words::labels`]) by name.
fn words_of(language: Option<&str>) -> std::collections::HashMap<String, String> {
    match serde_json::to_value(super::words::labels(language)) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
            .collect(),
        _ => Default::default(),
    }
}

/// A template with its `words.NAME` filled in: `{{words.NAME}}` (also as
/// `@root.words.NAME` or `../words.NAME`) becomes the word as that
/// expression would render it, and `words.NAME` as a helper's parameter
/// a string literal. The words are the same on every page of an edition,
/// so they are put in each edition's templates once, not in the data of
/// every page (which handlebars copies for every partial a page calls).
pub fn with_words(text: &str, words: &std::collections::HashMap<String, String>) -> String {
    static WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:@root\.|(?:\.\./)*)words\.([A-Za-z0-9_]+)").expect("a valid pattern")
    });
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find("}}") else {
            out.push_str(after);
            return out;
        };
        let raw = after.starts_with("{{{");
        let end = if raw && after[close..].starts_with("}}}") {
            close + 3
        } else {
            close + 2
        };
        let expr = &after[..end];
        let inner = expr.trim_start_matches('{').trim_end_matches('}').trim();
        let whole = WORD
            .captures(inner)
            .filter(|c| c.get(0).is_some_and(|m| m.as_str() == inner));
        match whole.and_then(|c| words.get(&c[1])) {
            // The expression is the word alone.
            Some(word) if raw => out.push_str(word),
            Some(word) => out.push_str(&md_text(word)),
            None => {
                let replaced =
                    WORD.replace_all(expr, |c: &regex::Captures<'_>| match words.get(&c[1]) {
                        Some(word) if !word.contains(['"', '\\']) => format!("\"{word}\""),
                        _ => c[0].to_string(),
                    });
                out.push_str(&replaced);
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// `{{css_string value}}`: the value as a quoted CSS string that is also
/// safe inside an HTML `<style>` element (the running heads of a printed
/// form). Everything but letters, digits and plain punctuation becomes a
/// CSS escape, so no quote, backslash or `</style>` survives.
fn css_string_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &HbContext,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let text = match h.param(0).map(|p| p.value()) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    out.write(&css_string(&text))?;
    Ok(())
}

/// `s` as a CSS string literal, see [`css_string_helper`].
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || " ,.:;()/_-".contains(c) {
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out.push('"');
    out
}

pub const STYLESHEET: &str = include_str!("templates/sopbook.css");
/// Added to the stylesheet of a manual in several languages.
pub const LANGUAGE_STYLESHEET: &str = include_str!("templates/languages.css");
/// The manual's one script: the "Print this form" buttons.
pub const SCRIPT: &str = include_str!("templates/sopbook.js");

/// Registers every page template (as `home`, `sop`, ... and the partials
/// `notice` and `history`), taking the workspace's override where there is
/// one (under its old name, too, for templates that were renamed).
///
/// `{{value}}` writes the value as Markdown text ([`md_text`]): titles,
/// names and summaries can never become markup, in Markdown or in HTML
/// blocks. `{{md_block value}}` keeps a longer text's paragraphs.
/// `{{{value}}}` writes it as it is: only for Markdown meant as Markdown,
/// the body of an SOP.
pub fn engine(root: &Path, language: Option<&str>) -> Result<Handlebars<'static>> {
    let words = words_of(language);
    let mut hb = Handlebars::new();
    hb.register_escape_fn(md_text);
    hb.register_helper("md_block", Box::new(md_block_helper));
    hb.register_helper("css_string", Box::new(css_string_helper));
    // The workspace's own home page, if it has one (`home` comes first).
    let mut own_home: Option<String> = None;
    for (file, builtin) in PAGE_TEMPLATES {
        let name = file.trim_end_matches(".md.hbs");
        let old_name = RENAMED_TEMPLATES
            .iter()
            .find(|(_, new)| new == file)
            .map(|(old, _)| *old);
        let names: Vec<&str> = std::iter::once(*file).chain(old_name).collect();
        let mut chosen = choose(Some(root), TEMPLATES_DIR, &names, builtin)?;
        if name == "home" {
            own_home = chosen.file.as_ref().map(|_| chosen.text.clone());
        } else if name.starts_with("home.")
            && chosen.file.is_none()
            && let Some(text) = &own_home
        {
            // A workspace with a home page of its own keeps it in every
            // edition, unless it has one for that language too.
            chosen.text = text.clone();
        }
        let origin = chosen.origin(file);
        let text = with_words(&chosen.text, &words);
        if PARTIALS.contains(&name) {
            // A partial ends its last line, as a file does: `{{> notice}}`
            // on a line of its own stands for that line, so the blank line
            // after it in a page stays blank and ends an HTML notice before
            // the Markdown that follows (else that Markdown shows as typed).
            let text = format!("{}\n", text.trim_end());
            hb.register_partial(name, text)
                .with_context(|| format!("{origin} is not a valid handlebars template"))?;
        } else {
            hb.register_template_string(name, text)
                .with_context(|| format!("{origin} is not a valid handlebars template"))?;
        }
    }
    Ok(hb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_editions_words_are_put_in_its_templates() {
        let words = words_of(Some("nb"));
        let text = "# {{words.revision}} {{n}}\n<td data-label=\"{{@root.words.owner}}\">{{#each x}}{{../words.or}}{{/each}}</td>\n{{css_string words.print_page}} {{{words.every}}} {{words.nothing}} {{#if words.none}}y{{/if}}";
        assert_eq!(
            with_words(text, &words),
            "# Revisjon {{n}}\n<td data-label=\"Eier\">{{#each x}}eller{{/each}}</td>\n{{css_string \"Side \"}} hver {{words.nothing}} {{#if \"ingen\"}}y{{/if}}"
        );
        // What `{{words.NAME}}` would render: escaped as every value is.
        let mut odd = std::collections::HashMap::new();
        odd.insert("x".to_string(), "a <b> & *c*".to_string());
        assert_eq!(with_words("{{words.x}}", &odd), md_text("a <b> & *c*"));
        assert_eq!(with_words("{{words.x", &odd), "{{words.x");
    }

    #[test]
    fn no_word_could_end_a_string_literal() {
        for language in [None, Some("nb"), Some("he"), Some("ru"), Some("zh")] {
            for (name, word) in words_of(language) {
                assert!(!word.contains(['"', '\\', '{', '}']), "{name}: {word}");
            }
        }
    }
}
