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
pub fn engine(root: &Path) -> Result<Handlebars<'static>> {
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
        let text = chosen.text;
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
