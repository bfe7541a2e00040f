//! Text from the workspace and the records (titles, names, summaries,
//! reasons, prompts) made safe for the mdBook source and for the search
//! page.
//!
//! Everything sopbook writes into a page goes through [`md_text`]: the
//! templates' `{{value}}` uses it (it is the handlebars escape function),
//! and so do SUMMARY.md entries. It turns every character that Markdown or
//! HTML could read as markup into an HTML character reference. References
//! are the one escape that means the same in every place a value lands:
//! Markdown text, a table cell, a heading, SUMMARY.md link text, a link
//! destination, and the text or an attribute of an HTML block (where
//! Markdown's backslash escapes would show as backslashes).
//!
//! A built page's text is those references decoded again, and mdBook's
//! search page inserts each result's breadcrumbs (chapter names and
//! headings) as HTML, so the search index keeps its breadcrumbs escaped
//! with [`html_text`] (`search::part_js`).

/// `s` as Markdown inline text that reads exactly as `s`: no emphasis,
/// code, link, image, HTML, entity, table cell break, heading attribute or
/// (at the start of a line) block syntax. Line breaks become spaces.
pub fn md_text(s: &str) -> String {
    let line = one_line(s);
    let mut out = String::with_capacity(line.len() + 16);
    // A list item, thematic break, setext underline or definition when the
    // value starts a line ("- x", "1. x", "---", ": x").
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let list_delimiter = (1..=9).contains(&digits)
        && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))
        && matches!(line.as_bytes().get(digits + 1), None | Some(b' ' | b'\t'));
    for (i, c) in line.char_indices() {
        let at_start = i == 0 && matches!(c, '-' | '+' | '=' | ':');
        if at_start || (list_delimiter && i == digits) {
            out.push_str(&format!("&#{};", c as u32));
            continue;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Backslash escapes and hard breaks; code spans; emphasis and
            // strikethrough; links, images and footnotes; table cells;
            // heading closing sequences and heading attributes `{...}`.
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' | '#' | '{' | '}' => {
                out.push_str(&format!("&#{};", c as u32));
            }
            _ => out.push(c),
        }
    }
    out
}

/// `s` as Markdown paragraphs: blank lines separate paragraphs, each
/// paragraph is [`md_text`].
pub fn md_block(s: &str) -> String {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(md_text(&current));
                current.clear();
            }
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.is_empty() {
        paragraphs.push(md_text(&current));
    }
    paragraphs.join("\n\n")
}

/// `s` as HTML text.
pub fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The lines of `s`, trimmed, joined by single spaces.
fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return s.trim().to_string();
    }
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        for s in [
            "Final inspection, PX pump series",
            "QC-001 Handling a nonconformance",
            "3.8 – 4.2 bar (nominal 4)",
            "Ingrid Berg, Erik Lund",
            "første dag: 12 € / 100%",
            "../quality/final-inspection.html",
        ] {
            assert_eq!(md_text(s), s);
        }
    }

    #[test]
    fn html_is_text() {
        assert_eq!(
            md_text("<img src=x onerror=\"document.title='pwned'\">"),
            "&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;"
        );
        assert_eq!(md_text("R&D &amp; <b>"), "R&amp;D &amp;amp; &lt;b&gt;");
    }

    #[test]
    fn markdown_is_text() {
        assert_eq!(
            md_text("[link](javascript:alert(1))"),
            "&#91;link&#93;(javascript:alert(1))"
        );
        assert_eq!(md_text("![x](y.png)"), "!&#91;x&#93;(y.png)");
        assert_eq!(
            md_text("*emph* _em_ ~~del~~"),
            "&#42;emph&#42; &#95;em&#95; &#126;&#126;del&#126;&#126;"
        );
        assert_eq!(md_text("/*x*/"), "/&#42;x&#42;/");
        assert_eq!(md_text("`code`"), "&#96;code&#96;");
        assert_eq!(md_text("Title ending in \\"), "Title ending in &#92;");
        assert_eq!(md_text("a | b"), "a &#124; b");
        assert_eq!(md_text("Step #"), "Step &#35;");
        assert_eq!(
            md_text("Pump {onclick=alert(1) .x}"),
            "Pump &#123;onclick=alert(1) .x&#125;"
        );
        assert_eq!(md_text("[^1]"), "&#91;^1&#93;");
    }

    #[test]
    fn block_syntax_at_the_start_is_text() {
        assert_eq!(md_text("- item"), "&#45; item");
        assert_eq!(md_text("+ item"), "&#43; item");
        assert_eq!(md_text("---"), "&#45;--");
        assert_eq!(md_text("=="), "&#61;=");
        assert_eq!(md_text(": defined"), "&#58; defined");
        assert_eq!(md_text("1. first"), "1&#46; first");
        assert_eq!(md_text("12) twelfth"), "12&#41; twelfth");
        assert_eq!(md_text("2024. A year"), "2024&#46; A year");
        assert_eq!(md_text("3.8 bar"), "3.8 bar");
        assert_eq!(md_text("# Heading"), "&#35; Heading");
        assert_eq!(md_text("> quote"), "&gt; quote");
        assert_eq!(md_text("    code"), "code");
    }

    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(
            md_text("one\n\n<b>two</b>\r\n  three  "),
            "one &lt;b&gt;two&lt;/b&gt; three"
        );
        assert_eq!(md_text("a\n- b"), "a - b");
        assert_eq!(md_text("trailing  \nhard break"), "trailing hard break");
    }

    #[test]
    fn blocks_keep_their_paragraphs() {
        assert_eq!(
            md_block("What we do.\nIn two lines.\n\n- not a list\n\n\n<script>x</script>\n"),
            "What we do. In two lines.\n\n&#45; not a list\n\n&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(md_block(""), "");
    }

    /// Every escaped value reads back, through pulldown-cmark, as exactly
    /// the text it was, in a paragraph, a heading and a table cell.
    #[test]
    fn markdown_reads_the_text_back() {
        use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
        let hostile = [
            "<img src=x onerror=document.title='pwned'>",
            "<img src=x onerror=\"document.title='pwned'\">",
            "Title ending in \\",
            "[link](javascript:alert(1))",
            "*emph* __strong__ ~~gone~~",
            "`code` and ``more``",
            "a | b | c",
            "Pump {#id .class onclick=alert(1)}",
            "1. first",
            "- item",
            "&lt;b&gt; &amp; &#60;",
            "<https://example.com> <!-- comment -->",
            "Step #",
            "/*x*/",
        ];
        let mut opts = Options::empty();
        opts.insert(Options::ENABLE_TABLES);
        opts.insert(Options::ENABLE_FOOTNOTES);
        opts.insert(Options::ENABLE_STRIKETHROUGH);
        opts.insert(Options::ENABLE_TASKLISTS);
        opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
        opts.insert(Options::ENABLE_DEFINITION_LIST);
        // The text of the Markdown, and how many events are anything but
        // text in paragraphs, plain headings and tables.
        let text_of = |md: &str| -> (String, usize) {
            let mut text = String::new();
            let mut markup = 0;
            for event in Parser::new_ext(md, opts) {
                match event {
                    Event::Text(t) => text.push_str(&t),
                    Event::Start(Tag::Heading {
                        id, classes, attrs, ..
                    }) => {
                        if id.is_some() || !classes.is_empty() || !attrs.is_empty() {
                            markup += 1;
                        }
                    }
                    Event::Start(
                        Tag::Paragraph
                        | Tag::Table(_)
                        | Tag::TableHead
                        | Tag::TableRow
                        | Tag::TableCell,
                    )
                    | Event::End(
                        TagEnd::Paragraph
                        | TagEnd::Heading(_)
                        | TagEnd::Table
                        | TagEnd::TableHead
                        | TagEnd::TableRow
                        | TagEnd::TableCell,
                    ) => {}
                    _ => markup += 1,
                }
            }
            (text, markup)
        };
        for s in hostile {
            let e = md_text(s);
            assert_eq!(text_of(&e), (s.to_string(), 0), "paragraph: {s}");
            assert_eq!(
                text_of(&format!("# QC-001 {e}")),
                (format!("QC-001 {s}"), 0),
                "heading: {s}"
            );
            assert_eq!(
                text_of(&format!("| A | B |\n|---|---|\n| {e} | x |\n")),
                (format!("AB{s}x"), 0),
                "table cell: {s}"
            );
            assert_eq!(text_of(&format!("- [{e}](a.md)")).0, s, "link text: {s}");
        }
    }

    #[test]
    fn html_text_escapes_markup() {
        assert_eq!(
            html_text("QC-001 <img src=x onerror='a'> » \"R&D\""),
            "QC-001 &lt;img src=x onerror=&#39;a&#39;&gt; » &quot;R&amp;D&quot;"
        );
    }
}
