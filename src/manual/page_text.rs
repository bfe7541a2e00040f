//! The text of a built page for the search index: what mdBook's own
//! indexer would take from it, read back from the HTML mdBook wrote.
//!
//! sopbook turns mdBook's per-book indexing off (it indexes every book
//! again anyway, with its own word splitting) and reads each page's
//! `<main>` instead. mdBook writes that part of the page in one regular
//! form: text escaped as `&lt;`, `&gt;` and `&amp;`, quoted attributes,
//! the contents of `<script>` and `<style>` as they are, and an `id` on
//! every heading it made. The documents are those mdBook's indexer makes:
//! one per heading of level 1 to 3 with an `id` (the text before the
//! first heading goes with it), the heading as title, the chapter's
//! parents, name and heading as breadcrumbs.

use crate::manual::search::Doc;

/// Headings at or above this level start a document (mdBook's
/// `heading-split-level`, whose default sopbook keeps).
const SPLIT_LEVEL: u8 = 3;

/// The search documents of the page at `url` (relative to its edition's
/// root), built as `html`, whose chapter is `name` under `parents`.
pub fn documents(html: &str, url: &str, name: &str, parents: &[String]) -> Vec<Doc> {
    let Some(start) = html.find("<main>") else {
        return Vec::new();
    };
    let end = html
        .rfind("</main>")
        .filter(|&e| e > start)
        .unwrap_or(html.len());
    let main = &html[start + "<main>".len()..end];

    let mut docs = Vec::new();
    let mut crumbs: Vec<String> = parents.to_vec();
    crumbs.push(name.to_string());
    let mut section: Option<String> = None;
    let mut heading = String::new();
    let mut body = String::new();
    let mut in_heading = false;
    let mut add = |section: &Option<String>, title: &str, body: &str, crumbs: &[String]| {
        let mut link = url.to_string();
        if let Some(id) = section.as_deref().filter(|id| !id.is_empty()) {
            link.push('#');
            link.push_str(id);
        }
        docs.push(Doc {
            url: link,
            title: collapse(title),
            body: collapse(body),
            breadcrumbs: collapse(&crumbs.join(" » ")),
        });
    };

    let mut rest = main;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            decode_into(rest, if in_heading { &mut heading } else { &mut body });
            break;
        };
        decode_into(
            &rest[..lt],
            if in_heading { &mut heading } else { &mut body },
        );
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let (tag, after) = split_tag(rest);
        rest = after;
        if let Some(name) = tag.strip_prefix("</") {
            let name = tag_name(name);
            if heading_level(name).is_some_and(|l| l <= SPLIT_LEVEL) {
                in_heading = false;
                crumbs.push(heading.clone());
            }
            continue;
        }
        let name = tag_name(&tag[1..]);
        if let Some(id) = heading_level(name)
            .filter(|&l| l <= SPLIT_LEVEL)
            .and_then(|_| attribute(tag, "id"))
        {
            if !heading.is_empty() {
                add(&section, &heading, &body, &crumbs);
                heading.clear();
                body.clear();
                crumbs.pop();
            }
            section = Some(id);
            in_heading = true;
        } else if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
            let close = format!("</{}", name.to_ascii_lowercase());
            rest = rest.find(&close).map_or("", |e| &rest[e..]);
        } else if in_heading {
            heading.push(' ');
        } else {
            body.push(' ');
        }
    }
    if !body.is_empty() || !heading.is_empty() {
        let title = if heading.is_empty() {
            crumbs.first().cloned().unwrap_or_default()
        } else {
            heading.clone()
        };
        add(&section, &title, &body, &crumbs);
    }
    docs
}

/// The tag at the start of `s` (from `<` to its `>`, quoted attribute
/// values skipped over) and what follows it.
fn split_tag(s: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return (&s[..=i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}

/// The element's name at the start of a tag's inside.
fn tag_name(inside: &str) -> &str {
    let end = inside
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(inside.len());
    &inside[..end]
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h' | b'H', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// The value of attribute `name` in `tag`, decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = &tag[1 + tag_name(&tag[1..]).len()..];
    loop {
        rest = rest.trim_start();
        let end = rest.find(|c: char| c == '=' || c == '>' || c == '/' || c.is_whitespace())?;
        let (key, after) = rest.split_at(end);
        if key.is_empty() {
            return None;
        }
        let after = after.trim_start();
        let (value, next) = match after.strip_prefix('=') {
            Some(v) => {
                let v = v.trim_start();
                match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = v[1..].find(q)? + 1;
                        (&v[1..close], &v[close + 1..])
                    }
                    _ => {
                        let e = v
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(v.len());
                        (&v[..e], &v[e..])
                    }
                }
            }
            None => ("", after),
        };
        if key.eq_ignore_ascii_case(name) {
            let mut out = String::new();
            decode_into(value, &mut out);
            return Some(out);
        }
        rest = next;
    }
}

/// Appends `text` to `out` with its character references decoded.
fn decode_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.bytes().take(12).position(|b| b == b';');
        let decoded = semi.and_then(|s| entity(&rest[1..s]).map(|c| (c, s)));
        match decoded {
            Some((c, s)) => {
                out.push(c);
                rest = &rest[s + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// `s` trimmed, every run of white space one space.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(main: &str) -> String {
        format!(
            "<html><head><title>x</title></head><body><nav>Sidebar words</nav>\
             <main>{main}</main><nav class=\"nav-wrapper\">Next</nav></body></html>"
        )
    }

    #[test]
    fn a_page_is_one_document_per_heading_with_its_breadcrumbs() {
        let html = page(
            "<div class=\"sopbook-breadcrumb\"><a href=\"../index.html\">Manual</a></div>\n\
             <h1 id=\"final-inspection\"><a class=\"header\" href=\"#final-inspection\">Final inspection</a></h1>\n\
             <p>Check the <strong>seal</strong> &amp; the label.</p>\n\
             <h2 id=\"torque\"><a class=\"header\" href=\"#torque\">Torque &lt;5 Nm&gt;</a></h2>\n\
             <p>Use the wrench.</p><script>var secret = 1;</script><style>p{}</style>\n\
             <h4 id=\"note\">A note</h4><p>Small print.</p>",
        );
        let parents = vec!["Quality".to_string()];
        let docs = documents(&html, "quality/final.html", "Final inspection", &parents);
        assert_eq!(
            docs,
            vec![
                Doc {
                    url: "quality/final.html#final-inspection".into(),
                    title: "Final inspection".into(),
                    body: "Manual Check the seal & the label.".into(),
                    breadcrumbs: "Quality » Final inspection » Final inspection".into(),
                },
                Doc {
                    url: "quality/final.html#torque".into(),
                    title: "Torque <5 Nm>".into(),
                    body: "Use the wrench. A note Small print.".into(),
                    breadcrumbs: "Quality » Final inspection » Torque <5 Nm>".into(),
                },
            ]
        );
    }

    #[test]
    fn a_page_without_headings_is_one_document_named_after_its_first_crumb() {
        let html = page(
            "<p>Only text, <!-- a comment --> and a quote: &quot;yes&quot; &#x2013; &#8212;</p>",
        );
        let docs = documents(&html, "a.html", "A page", &["Part".to_string()]);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].url, "a.html");
        assert_eq!(docs[0].title, "Part");
        assert_eq!(
            docs[0].body,
            "Only text, and a quote: \"yes\" \u{2013} \u{2014}"
        );
        assert_eq!(docs[0].breadcrumbs, "Part » A page");
        assert!(documents("<html>no main</html>", "b.html", "B", &[]).is_empty());
    }

    #[test]
    fn attributes_are_read_with_quotes_and_markup_in_values() {
        let tag = "<h2 title=\"a > b\" data-x='1' id=\"x&amp;y\">";
        assert_eq!(split_tag(&format!("{tag}rest")), (tag, "rest"));
        assert_eq!(attribute(tag, "id").as_deref(), Some("x&y"));
        assert_eq!(attribute(tag, "class"), None);
        assert_eq!(attribute("<h2 hidden id=z>", "id").as_deref(), Some("z"));
        let mut s = String::new();
        decode_into("a & b &bogus; &#xZZ; &#9999999999;", &mut s);
        assert_eq!(s, "a & b &bogus; &#xZZ; &#9999999999;");
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Text made of the pieces that matter to reading a page back.
        fn htmlish() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("<main>".to_string()),
                Just("</main>".to_string()),
                Just("<h2 id=\"a\">".to_string()),
                Just("<h1 id='b c'>".to_string()),
                Just("</h2>".to_string()),
                Just("<script>".to_string()),
                Just("</script".to_string()),
                Just("<!--".to_string()),
                Just("-->".to_string()),
                Just("<".to_string()),
                Just(">".to_string()),
                Just("\"".to_string()),
                Just("'".to_string()),
                Just("=".to_string()),
                Just("&".to_string()),
                Just("&#x".to_string()),
                Just(";".to_string()),
                "[a-zé ש中]{0,4}",
            ];
            prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn any_page_reads_back_without_panicking(html in htmlish(), other in ".{0,200}") {
                for text in [&html, &other] {
                    for doc in documents(text, "a.html", "A", &["P".to_string()]) {
                        prop_assert!(doc.url.starts_with("a.html"));
                        prop_assert!(!doc.title.starts_with(' ') && !doc.body.ends_with(' '));
                    }
                }
            }
        }
    }
}
