//! New files from handlebars templates: `sopbook init` and `sopbook new`.
//! A workspace overrides a template by putting a file of the same name in
//! `templates/`.

use std::path::Path;

use anyhow::{Context, Result};
use handlebars::{Handlebars, handlebars_helper};
use serde::Serialize;

use crate::workspace::TEMPLATES_DIR;

pub const NEW_SOP: (&str, &str) = ("new-sop.md.hbs", include_str!("templates/new-sop.md.hbs"));
pub const NEW_CHECKLIST: (&str, &str) = (
    "new-checklist.toml.hbs",
    include_str!("templates/new-checklist.toml.hbs"),
);
pub const INIT_CONFIG: &str = include_str!("templates/init/sopbook.toml");
pub const INIT_SOP: &str = include_str!("templates/init/final-inspection.md");
pub const INIT_CHECKLIST: &str = include_str!("templates/init/final-inspection.toml");

handlebars_helper!(toml_string: |s: str| toml_quote(s));

/// A TOML basic string literal, quoted and escaped.
pub fn toml_quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn engine() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_helper("toml", Box::new(toml_string));
    hb
}

/// Renders a built-in template, or the workspace's override of it.
pub fn render(
    root: Option<&Path>,
    (name, builtin): (&str, &str),
    data: &impl Serialize,
) -> Result<String> {
    let override_path = root.map(|r| r.join(TEMPLATES_DIR).join(name));
    let (source, origin) = match &override_path {
        Some(p) if p.is_file() => (
            std::fs::read_to_string(p)
                .with_context(|| format!("could not read `{}`", p.display()))?,
            p.display().to_string(),
        ),
        _ => (builtin.to_string(), format!("the built-in {name}")),
    };
    engine()
        .render_template(&source, data)
        .with_context(|| format!("could not render {origin}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_toml_strings() {
        for s in ["Bob \"the\" builder", "it's", "a\nb", "æøå \\ x"] {
            let doc: toml::Table = toml::from_str(&format!("x = {}", toml_quote(s))).unwrap();
            assert_eq!(doc["x"].as_str(), Some(s));
        }
    }
}
