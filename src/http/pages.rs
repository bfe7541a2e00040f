//! The pages: handlebars templates built into the binary, rendered with
//! HTML escaping (every `{{value}}` is text, never markup), and the
//! stylesheet and script they use. Nothing is fetched from anywhere else.
//!
//! A plant may replace any page template or the stylesheet with a file of
//! the same name in the workspace's `templates/serve/` (as the manual's
//! templates are replaced from `templates/`): read once, when `sopbook
//! serve` starts, and refused there if it does not parse.

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use handlebars::{
    Context as HbContext, Handlebars, Helper, HelperResult, Output, RenderContext,
    RenderErrorReason,
};
use serde::Serialize;

use crate::diagnostic::Sources;
use crate::error::{Error, Result};
use crate::workspace::overrides::{SERVE_TEMPLATES_DIR, choose, syntax_error};

/// (name, text) of every page and partial; a page's override is the file
/// `NAME.html.hbs` in `templates/serve/`.
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
    ("diff", include_str!("templates/diff.html.hbs")),
    ("documents", include_str!("templates/documents.html.hbs")),
    ("document", include_str!("templates/document.html.hbs")),
    ("reading", include_str!("templates/reading.html.hbs")),
    ("read", include_str!("templates/read.html.hbs")),
    ("training", include_str!("templates/training.html.hbs")),
];

/// The stylesheet of every page (its override: `templates/serve/floor.css`).
pub const STYLESHEET: &str = concat!(
    include_str!("templates/floor.css"),
    include_str!("templates/manage.css")
);
const STYLESHEET_FILE: &str = "floor.css";

/// The script of every page: what the floor's form does better with
/// JavaScript (every page works without it).
pub const SCRIPT: &str = include_str!("templates/floor.js");

/// The templates and stylesheet one server renders its pages with.
pub struct Pages {
    hb: Handlebars<'static>,
    stylesheet: String,
}

static BUILT_IN: LazyLock<Arc<Pages>> = LazyLock::new(|| {
    let mut hb = engine();
    for (name, text) in TEMPLATES {
        // The templates are part of the binary; the tests render every one.
        if let Err(e) = hb.register_template_string(name, *text) {
            panic!("the built-in template {name} does not parse: {e}");
        }
    }
    Arc::new(Pages {
        hb,
        stylesheet: STYLESHEET.to_string(),
    })
});

fn engine() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_helper("ordinal", Box::new(ordinal));
    hb.register_helper("said", Box::new(said));
    hb.register_helper("fill", Box::new(fill));
    hb
}

impl Pages {
    /// The pages as built into the binary.
    pub fn built_in() -> Arc<Pages> {
        BUILT_IN.clone()
    }

    /// The pages of the workspace at `root` (`None`: a station with only
    /// the records): each built-in template or the stylesheet, unless
    /// `templates/serve/` has a file of its name. Every override that is
    /// not valid handlebars is named, with its line and column.
    pub fn load(root: Option<&Path>) -> Result<Arc<Pages>> {
        let mut hb = engine();
        let mut broken = Vec::new();
        let mut sources = Sources::default();
        for (name, builtin) in TEMPLATES {
            let file = format!("{name}.html.hbs");
            let chosen = choose(root, SERVE_TEMPLATES_DIR, &[&file], builtin)?;
            if let Some(own) = &chosen.file
                && let Some(diag) = syntax_error(own, &chosen.text)
            {
                sources.insert(own.clone(), chosen.text);
                broken.push(diag);
                continue;
            }
            let origin = chosen.origin(&file);
            hb.register_template_string(name, chosen.text)
                .map_err(|e| {
                    Error::invalid(format!("{origin} is not a valid handlebars template: {e}"))
                })?;
        }
        if let Some(first) = broken.first() {
            let file = first.file.clone().unwrap_or_default();
            let message = match broken.len() {
                1 => format!("the page template {file} is broken; sopbook serve did not start"),
                n => format!(
                    "{n} page templates in {SERVE_TEMPLATES_DIR}/ are broken; sopbook serve did not start"
                ),
            };
            let hint = match broken.len() {
                1 => "fix it, or delete it to serve the built-in page",
                _ => "fix them, or delete them to serve the built-in pages",
            };
            return Err(Error::invalid(message)
                .with_hint(hint)
                .with_diagnostics(broken, &sources));
        }
        let stylesheet = choose(root, SERVE_TEMPLATES_DIR, &[STYLESHEET_FILE], STYLESHEET)?;
        Ok(Arc::new(Pages {
            hb,
            stylesheet: stylesheet.text,
        }))
    }

    /// The stylesheet of every page.
    pub fn stylesheet(&self) -> &str {
        &self.stylesheet
    }
}

tokio::task_local! {
    /// The pages of the server answering the request under way.
    static SERVING: Arc<Pages>;
}

/// Runs `answer` (a request being answered) with `pages` as the pages
/// [`page`] renders.
pub async fn serving<F: Future>(pages: Arc<Pages>, answer: F) -> F::Output {
    SERVING.scope(pages, answer).await
}

/// The pages of the request under way; the built-in ones outside a request.
fn current() -> Arc<Pages> {
    SERVING
        .try_with(Arc::clone)
        .unwrap_or_else(|_| Pages::built_in())
}

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

/// `{{fill words.progress name=view.name current=3}}`: a phrase in the
/// reader's language with its `{marks}` filled in from the hash
/// ([`crate::words::fill`]), escaped. A number is written as a number, a
/// missing value as nothing. On a page laid out right to left (its
/// `lang.dir` is `rtl`), each value is isolated in `<bdi>`, so that an
/// English summary, a date or an id keeps its own order inside the
/// sentence.
fn fill(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    page: &HbContext,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let phrase = h.param(0).and_then(|p| p.value().as_str()).ok_or(
        RenderErrorReason::ParamTypeMismatchForName("fill", "0".into(), "a phrase".into()),
    )?;
    let values: Vec<(&str, String)> = h
        .hash()
        .iter()
        .map(|(name, v)| {
            let text = match v.value() {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (*name, text)
        })
        .collect();
    let isolate = page.data().pointer("/lang/dir").and_then(|d| d.as_str()) == Some("rtl");
    // Escaped before it is filled: a value is never read for marks.
    let values: Vec<(&str, String)> = values
        .into_iter()
        .map(|(name, v)| {
            let v = handlebars::html_escape(&v);
            (
                name,
                if isolate {
                    format!("<bdi>{v}</bdi>")
                } else {
                    v
                },
            )
        })
        .collect();
    let marks: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let said = crate::words::fill(&handlebars::html_escape(phrase), &marks);
    if isolate {
        // One element, so that a button laid out as a flex box keeps the
        // spaces around an isolated value.
        out.write(&format!("<span>{said}</span>"))?;
    } else {
        out.write(&said)?;
    }
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

/// An SOP's Markdown as HTML for a page: markup written into the text is
/// shown as text, a link to another document (`sop:QC-002`) leads to its
/// page under `/reading/`, other links go only to web and mail addresses
/// (anything else is left as its words), and images are left as their
/// descriptions.
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let safe = |url: &str| {
        let lower = url.trim().to_ascii_lowercase();
        ["https://", "http://", "mailto:"]
            .iter()
            .any(|p| lower.starts_with(p))
    };
    let mut dropped_link = false;
    let events = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .filter_map(|event| match event {
            Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // `sop:QC-002` and `checklist:CL-001` lead to that document here.
                let doc = ["sop:", "checklist:"]
                    .iter()
                    .find_map(|p| dest_url.strip_prefix(p))
                    .map(|d| format!("/reading/{}", crate::http::failure::query_value(d.trim())));
                dropped_link = doc.is_none() && !safe(&dest_url);
                (!dropped_link).then(|| {
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: doc.map_or(dest_url, Into::into),
                        title,
                        id,
                    })
                })
            }
            Event::End(TagEnd::Link) => {
                let keep = !dropped_link;
                dropped_link = false;
                keep.then_some(event)
            }
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            other => Some(other),
        });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// A page with status 200.
pub fn page(name: &str, data: &impl Serialize) -> Response {
    page_with(StatusCode::OK, name, data)
}

/// A page with another status (a form sent back with what is wrong).
pub fn page_with(status: StatusCode, name: &str, data: &impl Serialize) -> Response {
    match current().hb.render(name, data) {
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
    fn markdown_shows_markup_as_text_and_links_only_to_the_web() {
        let html = markdown(
            "## Steps\n\n1. <script>alert(1)</script>\n2. **now**\n3. [x](javascript:alert(1)) [y](other.md) [z](https://example.com/a) [w](sop:QC-002)\n\n![photo](https://example.com/p.png)\n",
        );
        assert!(html.contains("<h2>Steps</h2>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("<strong>now</strong>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("other.md"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com/a\">z</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"/reading/QC-002\">w</a>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("photo"), "{html}");
    }

    #[test]
    fn every_built_in_template_parses() {
        let pages = Pages::built_in();
        for (name, _) in TEMPLATES {
            assert!(pages.hb.get_template(name).is_some(), "{name}");
        }
    }
}
