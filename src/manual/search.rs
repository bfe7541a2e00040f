//! One search over the whole published manual, per language.
//!
//! mdBook builds a search index per book, and its search page only loads
//! its own book's. sopbook reads the documents of every book of an edition
//! back out of those indexes (mdBook has already turned each page into
//! text, one document per heading), leaves out the sidebar stubs, and
//! writes one index of the same form for the edition, [`INDEX_FILE`] at the
//! edition's root. Every page loads it instead of its book's (the
//! `header.hbs` partial sets `window.path_to_searchindex_js`), so mdBook's
//! own search box, results and highlighting find every page of the manual.
//! The page addresses in it are relative to the edition's root, as mdBook
//! writes them, because every book is built as if it were the whole manual.
//!
//! Words are split by [`tokenize`] here and by the same rules in
//! `search.js` for what the reader types: letters and digits of any
//! script (mdBook's English trimmer drops every Hebrew or Cyrillic letter),
//! and Chinese and Japanese text, which has no spaces, as overlapping pairs
//! of characters. Only an English edition stems words and drops English
//! stop words.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use elasticlunr::lang::Language;
use elasticlunr::{IndexBuilder, Pipeline};
use serde_json::{Value, json};

use crate::manual::escape;
use crate::manual::pages::BookPlan;

/// The edition's index, at its root beside `index.html`.
pub const INDEX_FILE: &str = "searchindex-manual.js";
/// The theme's `header.hbs` of every book: points mdBook's search page at
/// the edition's index before mdBook's search script starts (it may search
/// at once, for a `?search=` in the address).
pub const HEADER: &str = concat!(
    "<script>window.path_to_searchindex_js = path_to_root + \"",
    "searchindex-manual.js",
    "\";</script>\n"
);
/// The theme's `header.hbs` of `book`: [`HEADER`]; in a book of a split
/// manual other than the home book, without its print button: the books
/// share one folder and so the home book's `print.html` (a page prints as
/// itself, with mdBook's print styles).
pub fn header(book: &BookPlan) -> String {
    if book.stubs.is_empty() || book.is_home() {
        HEADER.to_string()
    } else {
        format!(
            "{HEADER}<style>.right-buttons a[href$=\"print.html\"] {{ display: none; }}</style>\n"
        )
    }
}

/// Splits what the reader types into words as [`tokenize`] does.
pub const SCRIPT: &str = include_str!("templates/search.js");

/// Longer tokens are not indexed (as in mdBook: a long run of text with
/// no space is noise, not a word anyone types).
const MAX_TOKEN: usize = 80;

/// Chinese characters, hiragana and katakana: written without spaces.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x2FFFF)
}

/// The words of `text`, lower case: runs of letters and digits of any
/// script; a run of CJK characters as its overlapping pairs (one
/// character alone as itself).
pub fn tokenize(text: &str) -> Vec<String> {
    fn flush_word(word: &mut String, out: &mut Vec<String>) {
        if !word.is_empty() && word.chars().count() <= MAX_TOKEN {
            out.push(word.to_lowercase());
        }
        word.clear();
    }
    fn flush_cjk(run: &mut Vec<char>, out: &mut Vec<String>) {
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    }
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut run, &mut out);
            word.push(c);
        } else {
            flush_word(&mut word, &mut out);
            flush_cjk(&mut run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_cjk(&mut run, &mut out);
    out
}

/// The words of an edition: [`tokenize`], then for English mdBook's stop
/// words and stemmer (whose names `elasticlunr.js` knows too).
struct Words {
    english: bool,
}

impl Language for Words {
    fn name(&self) -> String {
        "sopbook".into()
    }
    fn code(&self) -> String {
        if self.english { "en" } else { "" }.into()
    }
    fn tokenize(&self, text: &str) -> Vec<String> {
        tokenize(text)
    }
    fn make_pipeline(&self) -> Pipeline {
        if !self.english {
            return Pipeline { queue: Vec::new() };
        }
        // English's pipeline without its trimmer, which keeps only a-z and
        // 0-9: tokenize has already cut the words out.
        let mut pipeline = elasticlunr::lang::English::new().make_pipeline();
        pipeline.queue.retain(|f| f.name() != "trimmer");
        pipeline
    }
}

/// One search result: a page, or a part of it under a heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// Relative to the edition's root, with the heading's `#anchor`.
    pub url: String,
    pub title: String,
    pub body: String,
    /// Chapter names and headings, as plain text.
    pub breadcrumbs: String,
}

/// What a book's index tells the search page besides its documents
/// (results shown, teaser length, boosts), kept as mdBook wrote them.
pub type Options = (Value, Value);

/// The folder, in an edition's folder, where mdBook's index of each of
/// its books is kept, for the edition's index to be made again from it.
pub const BOOK_INDEXES: &str = ".sopbook-search";

/// Where mdBook's index of `book` is kept, from the book's folder:
/// `.sopbook-search/<a hash of the book's key>.js`.
pub fn book_index_path(book: &BookPlan) -> String {
    use sha2::{Digest, Sha256};
    let hash = hex::encode(Sha256::digest(book.key().as_bytes()));
    format!("{BOOK_INDEXES}/{}.js", &hash[..20])
}

/// The documents of one book built or carried over into `dir` (its index
/// kept by `assemble::trim`), but for those of the pages in `skip`
/// (addresses such as `quality/index.html`).
pub fn read_book(
    book: &BookPlan,
    dir: &Path,
    skip: &HashSet<String>,
) -> Result<(Vec<Doc>, Option<Options>)> {
    let path = dir.join(book_index_path(book));
    if !path.exists() {
        return Ok((Vec::new(), None));
    }
    read_index(&path, skip)
}

/// The documents of the `searchindex.js` at `path`, but for those of the
/// pages in `skip`.
pub fn read_index(path: &Path, skip: &HashSet<String>) -> Result<(Vec<Doc>, Option<Options>)> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read `{}`", path.display()))?;
    let index = decode(&text).with_context(|| format!("could not read `{}`", path.display()))?;
    let urls = index["doc_urls"]
        .as_array()
        .context("the search index has no doc_urls")?;
    let docs = index
        .pointer("/index/documentStore/docs")
        .and_then(Value::as_object)
        .context("the search index has no documents where mdBook 0.5 puts them")?;
    let mut out = Vec::with_capacity(docs.len());
    for (i, url) in urls.iter().enumerate() {
        let url = url.as_str().unwrap_or_default();
        let page = url.split('#').next().unwrap_or_default();
        if skip.contains(page) {
            continue;
        }
        let Some(doc) = docs.get(&i.to_string()) else {
            continue;
        };
        let field = |name: &str| doc[name].as_str().unwrap_or_default().to_string();
        out.push(Doc {
            url: url.to_string(),
            title: field("title"),
            body: field("body"),
            // build_book escaped them for mdBook's page; escaped again on writing.
            breadcrumbs: unescape_html(&field("breadcrumbs")),
        });
    }
    let options = (
        index["results_options"].clone(),
        index["search_options"].clone(),
    );
    Ok((out, Some(options)))
}

/// Whether a file at a book's root is mdBook's own index of that book
/// (`searchindex-<hash>.js`, or its `.json`).
pub fn is_book_index(name: &str) -> bool {
    name.starts_with("searchindex")
        && (name.ends_with(".js") || name.ends_with(".json"))
        && name != INDEX_FILE
}

/// The JSON inside mdBook's `searchindex.js`: a JavaScript string literal
/// in which `\` and `'` are escaped.
fn decode(js: &str) -> Result<Value> {
    const PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
    const SUFFIX: &str = "'));";
    let literal = js
        .trim_end()
        .strip_prefix(PREFIX)
        .and_then(|s| s.strip_suffix(SUFFIX))
        .context("the search index is not in the form of mdBook 0.5")?;
    let mut json = String::with_capacity(literal.len());
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next) => json.push(next),
                None => bail!("the search index ends inside an escape"),
            }
        } else {
            json.push(c);
        }
    }
    serde_json::from_str(&json).context("the search index is not valid JSON")
}

/// The reverse of [`escape::html_text`].
fn unescape_html(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The edition's index of `docs` as a `searchindex.js` for mdBook's search
/// page. Its breadcrumbs are HTML-escaped ([`escape::html_text`], as
/// `escape::escape_search_index` does in every book's own index): the
/// search page shows them as HTML.
pub fn index_js(docs: &[Doc], options: Option<Options>, english: bool) -> Result<String> {
    let mut index = IndexBuilder::with_language(Box::new(Words { english }))
        .add_fields(["title", "body"])
        // Kept HTML-escaped, searched as the text they are.
        .add_field_with_tokenizer(
            "breadcrumbs",
            Box::new(|crumbs: &str| tokenize(&unescape_html(crumbs))),
        )
        .build();
    let mut doc_urls = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        let crumbs = escape::html_text(&d.breadcrumbs);
        index.add_doc(&i.to_string(), [d.title.as_str(), d.body.as_str(), &crumbs]);
        doc_urls.push(d.url.as_str());
    }
    let (results, search) = options.unwrap_or_else(|| {
        (
            json!({"limit_results": 30, "teaser_word_count": 30}),
            json!({"bool": "OR", "expand": true, "fields": {
                "title": {"boost": 2}, "body": {"boost": 1}, "breadcrumbs": {"boost": 1}}}),
        )
    });
    /// What mdBook's `searchindex.js` holds.
    #[derive(serde::Serialize)]
    struct Whole<'a> {
        results_options: &'a Value,
        search_options: &'a Value,
        doc_urls: Vec<&'a str>,
        index: &'a elasticlunr::Index,
    }
    let json = serde_json::to_string(&Whole {
        results_options: &results,
        search_options: &search,
        doc_urls,
        index: &index,
    })?;
    // As mdBook writes it: JSON in a JavaScript string literal.
    Ok(format!(
        "window.search = Object.assign(window.search, JSON.parse('{}'));",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    ))
}

/// The editions of a manual: each folder with its books, in the order of `books`.
pub fn editions(books: &[BookPlan]) -> Vec<(String, Vec<usize>)> {
    let mut editions: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, b) in books.iter().enumerate() {
        match editions.iter_mut().find(|(f, _)| *f == b.folder) {
            Some((_, list)) => list.push(i),
            None => editions.push((b.folder.clone(), vec![i])),
        }
    }
    editions
}

/// The index of each of `editions`: (the edition's folder, its
/// `searchindex.js`), from the books put together in the manual at `root`.
pub fn build_indexes(
    books: &[BookPlan],
    root: &Path,
    editions: &[(String, Vec<usize>)],
) -> Result<Vec<(String, String)>> {
    // Editions are independent: one thread each.
    std::thread::scope(|scope| {
        let handles: Vec<_> = editions
            .iter()
            .map(|(folder, list)| {
                scope.spawn(move || -> Result<(String, String)> {
                    let mut docs = Vec::new();
                    let mut options = None;
                    let english = list.first().is_none_or(|&i| is_english(&books[i]));
                    for &i in list {
                        let book = &books[i];
                        let skip: HashSet<String> = book
                            .stubs
                            .iter()
                            .filter_map(|p| p.path.strip_suffix(".md"))
                            .map(|stem| format!("{stem}.html"))
                            .collect();
                        let (d, o) =
                            read_book(book, &root.join(folder), &skip).with_context(|| {
                                format!("reading the search index of {}", book.title)
                            })?;
                        docs.extend(d);
                        if options.is_none() && book.is_home() {
                            options = o;
                        }
                    }
                    Ok((folder.clone(), index_js(&docs, options, english)?))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow::anyhow!("building a search index stopped unexpectedly"))?
            })
            .collect()
    })
}

fn is_english(book: &BookPlan) -> bool {
    book.language
        .as_ref()
        .is_none_or(|(code, _)| code == "en" || code.starts_with("en-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_any_script_are_words() {
        assert_eq!(
            tokenize("Final inspection, step 3."),
            ["final", "inspection", "step", "3"]
        );
        assert_eq!(
            tokenize("Sluttkontroll før pakking"),
            ["sluttkontroll", "før", "pakking"]
        );
        assert_eq!(
            tokenize("בדיקה סופית (שלב 2)"),
            ["בדיקה", "סופית", "שלב", "2"]
        );
        assert_eq!(tokenize("Приёмка"), ["приёмка"]);
    }

    #[test]
    fn chinese_and_japanese_are_cut_into_pairs() {
        assert_eq!(tokenize("最终检验"), ["最终", "终检", "检验"]);
        assert_eq!(tokenize("检"), ["检"]);
        assert_eq!(tokenize("QC检验 ok"), ["qc", "检验", "ok"]);
        assert_eq!(tokenize("けんさ"), ["けん", "んさ"]);
    }

    #[test]
    fn markup_in_a_title_is_not_a_word() {
        assert_eq!(
            tokenize(r#"<img src=x onerror="alert(1)">"#),
            ["img", "src", "x", "onerror", "alert", "1"]
        );
    }

    #[test]
    fn very_long_runs_are_left_out() {
        assert!(tokenize(&"a".repeat(81)).is_empty());
        assert_eq!(tokenize(&"a".repeat(80)).len(), 1);
    }

    fn doc(url: &str, title: &str, body: &str, crumbs: &str) -> Doc {
        Doc {
            url: url.into(),
            title: title.into(),
            body: body.into(),
            breadcrumbs: crumbs.into(),
        }
    }

    #[test]
    fn the_index_escapes_breadcrumbs_and_finds_every_script() {
        let hostile = r#"<img src=x onerror="alert(1)">"#;
        let docs = [
            doc("quality/a.html", hostile, "body text", hostile),
            doc("quality/b.html#steps", "בדיקה סופית", "שלב ראשון", "בדיקה"),
            doc("checklists/c.html", "最终检验", "检验", "最终检验"),
        ];
        let js = index_js(&docs, None, false).unwrap();
        let index = decode(&js).unwrap();
        assert_eq!(
            index["doc_urls"],
            json!([
                "quality/a.html",
                "quality/b.html#steps",
                "checklists/c.html"
            ])
        );
        let stored = &index["index"]["documentStore"]["docs"];
        assert_eq!(
            stored["0"]["breadcrumbs"],
            json!(escape::html_text(hostile))
        );
        assert_eq!(stored["1"]["title"], json!("בדיקה סופית"));
        // The inverted index is a tree of characters: the Hebrew word and
        // the Chinese pair are in it.
        let body = &index["index"]["index"]["title"]["root"];
        assert!(body.get("ב").and_then(|b| b.get("ד")).is_some());
        assert!(body.get("检").and_then(|b| b.get("验")).is_some());
        assert_eq!(index["index"]["pipeline"], json!([]));
        // Breadcrumbs are searched as the text they are, not as escaped.
        let crumbs = &index["index"]["index"]["breadcrumbs"]["root"];
        assert!(crumbs.pointer("/o/n/e/r/r/o/r/docs/0").is_some());
        assert!(crumbs.pointer("/l/t/docs").is_none());
    }

    #[test]
    fn an_english_index_stems_as_mdbook_does() {
        let docs = [doc("a.html", "Inspections", "", "")];
        let index = decode(&index_js(&docs, None, true).unwrap()).unwrap();
        assert_eq!(
            index["index"]["pipeline"],
            json!(["stopWordFilter", "stemmer"])
        );
        let title = &index["index"]["index"]["title"]["root"];
        assert!(title.pointer("/i/n/s/p/e/c/t/docs/0").is_some());
    }

    #[test]
    fn a_book_index_is_read_back_without_its_stubs() {
        let dir = tempfile::tempdir().unwrap();
        let docs = [
            doc("index.html", "Home", "stub", "Home"),
            doc(
                "quality/a.html#purpose",
                "Purpose",
                "why",
                "A & B » Purpose",
            ),
        ];
        let js = index_js(&docs, None, true).unwrap();
        let path = dir.path().join("searchindex-0123abcd.js");
        fs::write(&path, js).unwrap();
        let skip = HashSet::from(["index.html".to_string()]);
        let (read, options) = read_index(&path, &skip).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].url, "quality/a.html#purpose");
        assert_eq!(read[0].breadcrumbs, "A & B » Purpose");
        assert!(options.is_some());
    }
}
