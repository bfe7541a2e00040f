//! The pages: handlebars templates built into the binary, rendered with
//! HTML escaping (every `{{value}}` is text, never markup), and the
//! stylesheet and script they use. Nothing is fetched from anywhere else.

use std::sync::LazyLock;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use handlebars::{
    Context as HbContext, Handlebars, Helper, HelperResult, Output, RenderContext,
    RenderErrorReason,
};
use serde::Serialize;

/// (name, text) of every page and partial.
const TEMPLATES: &[(&str, &str)] = &[
    ("head", include_str!("templates/head.html.hbs")),
    ("foot", include_str!("templates/foot.html.hbs")),
    ("card", include_str!("templates/card.html.hbs")),
    ("kept", include_str!("templates/kept.html.hbs")),
    ("photo-add", include_str!("templates/photo-add.html.hbs")),
    (
        "photo-thumbs",
        include_str!("templates/photo-thumbs.html.hbs"),
    ),
    ("error", include_str!("templates/error.html.hbs")),
    ("signin", include_str!("templates/signin.html.hbs")),
    ("checklists", include_str!("templates/checklists.html.hbs")),
    ("start", include_str!("templates/start.html.hbs")),
    ("items", include_str!("templates/items.html.hbs")),
    ("review", include_str!("templates/review.html.hbs")),
    ("inspection", include_str!("templates/inspection.html.hbs")),
    ("manage", include_str!("templates/manage.html.hbs")),
    ("nc", include_str!("templates/nc.html.hbs")),
];

/// The stylesheet of every page.
pub const STYLESHEET: &str = concat!(
    include_str!("templates/floor.css"),
    include_str!("templates/manage.css")
);

/// The script of every page: what the floor's form does better with
/// JavaScript (every page works without it).
pub const SCRIPT: &str = include_str!("templates/floor.js");

static ENGINE: LazyLock<Handlebars<'static>> = LazyLock::new(|| {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_helper("ordinal", Box::new(ordinal));
    hb.register_helper("said", Box::new(said));
    for (name, text) in TEMPLATES {
        // The templates are part of the binary; the tests render every one.
        if let Err(e) = hb.register_template_string(name, *text) {
            panic!("the built-in template {name} does not parse: {e}");
        }
    }
    hb
});

/// `{{ordinal @index}}`: a zero-based index counted from one.
fn ordinal(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &HbContext,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let n = h.param(0).and_then(|p| p.value().as_u64()).ok_or(
        RenderErrorReason::ParamTypeMismatchForName("ordinal", "0".into(), "a number".into()),
    )?;
    out.write(&(n + 1).to_string())?;
    Ok(())
}

/// `{{said message}}`: a message from an operation, escaped, with the
/// values it quotes in backticks (`` `12o.1` is not a number``) shown as code.
fn said(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &HbContext,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let text = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
    out.write(&quoted_as_code(text))?;
    Ok(())
}

/// Escapes `text` and turns each pair of backticks into `<code>`; a
/// backtick without a partner stays a backtick.
pub fn quoted_as_code(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        out.push_str(&handlebars::html_escape(&rest[..open]));
        let after = &rest[open + 1..];
        match after.find('`') {
            Some(close) => {
                out.push_str("<code>");
                out.push_str(&handlebars::html_escape(&after[..close]));
                out.push_str("</code>");
                rest = &after[close + 1..];
            }
            None => {
                out.push_str("&#x60;");
                rest = after;
            }
        }
    }
    out.push_str(&handlebars::html_escape(rest));
    out
}

/// A page with status 200.
pub fn page(name: &str, data: &impl Serialize) -> Response {
    page_with(StatusCode::OK, name, data)
}

/// A page with another status (a form sent back with what is wrong).
pub fn page_with(status: StatusCode, name: &str, data: &impl Serialize) -> Response {
    match ENGINE.render(name, data) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(format!(
                "<!doctype html><title>sopbook</title><p>The page {name} could not be made: {}</p>",
                handlebars::html_escape(&e.to_string())
            )),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_in_a_message_are_code_and_the_rest_is_text() {
        assert_eq!(
            quoted_as_code("`length` is not <b>`1<2`</b>"),
            "<code>length</code> is not &lt;b&gt;<code>1&lt;2</code>&lt;/b&gt;"
        );
        assert_eq!(quoted_as_code("no quotes"), "no quotes");
        assert_eq!(quoted_as_code("one ` alone"), "one &#x60; alone");
        assert_eq!(quoted_as_code("`a` and ` b"), "<code>a</code> and &#x60; b");
    }

    #[test]
    fn every_built_in_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(ENGINE.get_template(name).is_some(), "{name}");
        }
    }
}
