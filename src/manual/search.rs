//! One search over the whole published manual, per language.
//!
//! mdBook builds a search index per book, and its search page only loads
//! its own book's. sopbook turns mdBook's indexing of pages off; when a
//! book is built, it reads the book's pages back as text, one document
//! per heading as mdBook's indexer makes them ([`page_text`]), leaves out
//! the sidebar stubs, and indexes them as the book's *part* ([`part_js`],
//! in the compact form of [`lunr::compact_json`]: sorted words with their
//! documents and counts, not elasticlunr's tree of characters), kept in
//! the edition's
//! [`BOOK_INDEXES`] folder so that a book carried over by the next publish
//! brings its part along. The edition's index, [`INDEX_FILE`] at its root,
//! is its books' parts one after the other ([`edition_js`]): writing it
//! again after one book changed costs little more than copying the others'.
//! Every page loads it instead of its book's (the `header.hbs` partial sets
//! `window.path_to_searchindex_js`), and `search.js` has mdBook's search
//! page search every part and show the results as one list, so mdBook's
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
use elasticlunr::Pipeline;
use elasticlunr::lang::Language;
use serde_json::{Value, json};

use crate::manual::build::Named;
use crate::manual::escape;
use crate::manual::lunr;
use crate::manual::page_text;
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

/// The options of the search page (results shown, teaser length, boosts)
/// in mdBook's `searchindex.js` at `path`, as mdBook wrote them from the
/// book's config.
pub fn read_options(path: &Path) -> Result<Options> {
    /// What sopbook reads of mdBook's index: not its documents (sopbook
    /// turns mdBook's indexing of pages off) nor its words.
    #[derive(serde::Deserialize)]
    struct BookIndex {
        #[serde(default)]
        results_options: Value,
        #[serde(default)]
        search_options: Value,
    }
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read `{}`", path.display()))?;
    let json = decode(&text).with_context(|| format!("could not read `{}`", path.display()))?;
    let index: BookIndex = serde_json::from_str(&json).with_context(|| {
        format!(
            "`{}` is not a search index in the form of mdBook 0.5",
            path.display()
        )
    })?;
    Ok((index.results_options, index.search_options))
}

/// Makes the part of the book just built in `dest` at
/// [`book_index_path`]: its pages (`named`, as [`super::build::build_book`]
/// returns them) read back as text ([`page_text::documents`]), but for its
/// sidebar stubs, with the search page's options from mdBook's index of
/// the book (which it removes).
pub fn keep_part(book: &BookPlan, dest: &Path, named: &[Named]) -> Result<()> {
    let mut found = None;
    for entry in
        fs::read_dir(dest).with_context(|| format!("could not read `{}`", dest.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_book_index(&name) {
            if name.ends_with(".js") && found.is_none() {
                found = Some(entry.path());
            } else {
                fs::remove_file(entry.path())?;
            }
        }
    }
    let Some(index) = found else {
        return Ok(());
    };
    let options = read_options(&index)?;
    let stubs: HashSet<&str> = book.stubs.iter().map(|p| p.path.as_str()).collect();
    let mut docs = Vec::new();
    for page in named.iter().filter(|n| !stubs.contains(n.path.as_str())) {
        let Some(stem) = page.path.strip_suffix(".md") else {
            continue;
        };
        let url = format!("{stem}.html");
        let path = dest.join(&url);
        let html = match fs::read_to_string(&path) {
            Ok(html) => html,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("could not read `{}`", path.display()));
            }
        };
        docs.extend(page_text::documents(&html, &url, &page.name, &page.parents));
    }
    let part = part_js(&docs, Some(options), is_english(book))?;
    let kept = dest.join(book_index_path(book));
    if let Some(p) = kept.parent() {
        fs::create_dir_all(p)?;
    }
    fs::write(&kept, part).with_context(|| format!("could not write `{}`", kept.display()))?;
    fs::remove_file(&index).with_context(|| format!("could not remove `{}`", index.display()))
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
fn decode(js: &str) -> Result<String> {
    const PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
    const SUFFIX: &str = "'));";
    let literal = js
        .trim_end()
        .strip_prefix(PREFIX)
        .and_then(|s| s.strip_suffix(SUFFIX))
        .context("the search index is not in the form of mdBook 0.5")?;
    unescape_literal(literal)
}

/// A JavaScript string literal's text with its `\` escapes undone.
fn unescape_literal(literal: &str) -> Result<String> {
    let mut json = String::with_capacity(literal.len());
    let mut rest = literal;
    while let Some(at) = rest.find('\\') {
        json.push_str(&rest[..at]);
        let mut after = rest[at + 1..].chars();
        match after.next() {
            Some(next) => json.push(next),
            None => bail!("the search index ends inside an escape"),
        }
        rest = after.as_str();
    }
    json.push_str(rest);
    Ok(json)
}

/// A book's part of its edition's index: on its first line the options of
/// the search page as mdBook wrote them (results shown, teaser length,
/// boosts), on its second a call that adds the book's documents (their
/// addresses and an elasticlunr index of them) to the edition's index.
/// Breadcrumbs are kept HTML-escaped ([`escape::html_text`]): the search
/// page shows them as HTML.
pub fn part_js(docs: &[Doc], options: Option<Options>, english: bool) -> Result<String> {
    let language = Words { english };
    let pipeline = language.make_pipeline();
    let steps: Vec<String> = pipeline.queue.iter().map(|f| f.name()).collect();
    let crumbs: Vec<String> = docs
        .iter()
        .map(|d| escape::html_text(&d.breadcrumbs))
        .collect();
    let documents: Vec<lunr::Document<'_>> = docs
        .iter()
        .zip(&crumbs)
        .map(|(d, escaped)| lunr::Document {
            fields: [d.title.as_str(), d.body.as_str(), escaped.as_str()],
            // Breadcrumbs are kept HTML-escaped and searched as the text they are.
            words: [&d.title, &d.body, &d.breadcrumbs].map(|t| pipeline.run(tokenize(t))),
        })
        .collect();
    let index = lunr::compact_json(&documents, &steps);
    let (results, search) = options.unwrap_or_else(|| {
        (
            json!({"limit_results": 30, "teaser_word_count": 30}),
            json!({"bool": "OR", "expand": true, "fields": {
                "title": {"boost": 2}, "body": {"boost": 1}, "breadcrumbs": {"boost": 1}}}),
        )
    });
    let doc_urls: Vec<&str> = docs.iter().map(|d| d.url.as_str()).collect();
    let json = format!(
        "{{\"doc_urls\":{},\"index\":{index}}}",
        serde_json::to_string(&doc_urls)?
    );
    let options = serde_json::to_string(&json!({
        "results_options": results,
        "search_options": search,
    }))?;
    // As mdBook writes its index: JSON in a JavaScript string literal.
    Ok(format!(
        "{options}\nsopbookPart(JSON.parse('{}'));\n",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    ))
}

/// An edition's `searchindex.js` from its books' parts ([`part_js`]), in
/// the books' order: the search page's options (the first part's), then
/// every part's documents.
pub fn edition_js(parts: &[String]) -> Result<String> {
    let options = parts
        .first()
        .and_then(|p| p.lines().next())
        .unwrap_or(r#"{"results_options":{},"search_options":{}}"#);
    let mut js = String::with_capacity(parts.iter().map(String::len).sum::<usize>() + 512);
    js.push_str("window.search = Object.assign(window.search, ");
    js.push_str(options);
    js.push_str(
        r#", {doc_urls: [], index: {sopbook_parts: []}});
function sopbookPart(part) {
  var search = window.search;
  part.offset = search.doc_urls.length;
  for (var i = 0; i < part.doc_urls.length; i++) {
    search.doc_urls.push(part.doc_urls[i]);
  }
  search.index.sopbook_parts.push(part);
}
"#,
    );
    for part in parts {
        let call = part
            .split_once('\n')
            .map(|(_, call)| call)
            .context("a book's part of the search index has no documents")?;
        js.push_str(call);
    }
    Ok(js)
}

/// The parts of an edition's `searchindex.js` as JSON (`doc_urls` and
/// `index`), in order.
pub fn read_parts(js: &str) -> Result<Vec<Value>> {
    const PREFIX: &str = "sopbookPart(JSON.parse('";
    const SUFFIX: &str = "'));";
    js.lines()
        .filter_map(|line| line.strip_prefix(PREFIX))
        .map(|rest| {
            let literal = rest
                .strip_suffix(SUFFIX)
                .context("a part of the search index is cut short")?;
            Ok(serde_json::from_str(&unescape_literal(literal)?)?)
        })
        .collect()
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
/// `searchindex.js`), from the parts of its books in the manual put
/// together at `root`.
pub fn build_indexes(
    books: &[BookPlan],
    root: &Path,
    editions: &[(String, Vec<usize>)],
) -> Result<Vec<(String, String)>> {
    editions
        .iter()
        .map(|(folder, list)| {
            // The home book's part first: its options are the search page's.
            let mut order = list.clone();
            order.sort_by_key(|&i| !books[i].is_home());
            let mut parts = Vec::with_capacity(order.len());
            for i in order {
                let path = root.join(folder).join(book_index_path(&books[i]));
                match fs::read_to_string(&path) {
                    Ok(part) => parts.push(part),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(e)
                            .with_context(|| format!("could not read `{}`", path.display()));
                    }
                }
            }
            Ok((folder.clone(), edition_js(&parts)?))
        })
        .collect()
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

    /// The one part of an edition's index made of `docs`.
    fn one_part(docs: &[Doc], english: bool) -> Value {
        let part = part_js(docs, None, english).unwrap();
        let parts = read_parts(&edition_js(&[part]).unwrap()).unwrap();
        assert_eq!(parts.len(), 1);
        parts.into_iter().next().unwrap()
    }

    #[test]
    fn the_index_escapes_breadcrumbs_and_finds_every_script() {
        let hostile = r#"<img src=x onerror="alert(1)">"#;
        let docs = [
            doc("quality/a.html", hostile, "body text", hostile),
            doc("quality/b.html#steps", "בדיקה סופית", "שלב ראשון", "בדיקה"),
            doc("checklists/c.html", "最终检验", "检验", "最终检验"),
        ];
        let index = one_part(&docs, false);
        assert_eq!(
            index["doc_urls"],
            json!([
                "quality/a.html",
                "quality/b.html#steps",
                "checklists/c.html"
            ])
        );
        let stored = &index["index"]["docs"];
        assert_eq!(stored[0][2], json!(escape::html_text(hostile)));
        assert_eq!(stored[1][0], json!("בדיקה סופית"));
        // The Hebrew word and the Chinese pair are words of the titles.
        let titles = words(&index, 0);
        assert!(titles.contains(&"בדיקה".to_string()), "{titles:?}");
        assert!(titles.contains(&"检验".to_string()), "{titles:?}");
        assert_eq!(index["index"]["pipeline"], json!([]));
        // Breadcrumbs are searched as the text they are, not as escaped.
        let crumbs = words(&index, 2);
        assert!(crumbs.contains(&"onerror".to_string()), "{crumbs:?}");
        assert!(!crumbs.contains(&"lt".to_string()), "{crumbs:?}");
    }

    /// The words of field `f` (0 title, 1 body, 2 breadcrumbs) of a part.
    fn words(part: &Value, f: usize) -> Vec<String> {
        serde_json::from_value(part["index"]["fields"][f][0].clone()).unwrap()
    }

    #[test]
    fn an_english_index_stems_as_mdbook_does() {
        let docs = [doc("a.html", "Inspections", "", "")];
        let index = one_part(&docs, true);
        assert_eq!(
            index["index"]["pipeline"],
            json!(["stopWordFilter", "stemmer"])
        );
        assert_eq!(words(&index, 0), ["inspect"]);
    }

    #[test]
    fn an_edition_is_its_books_parts_with_the_first_ones_options() {
        let a = part_js(&[doc("a.html", "A", "", "")], None, true).unwrap();
        let b = part_js(&[doc("b.html", "B it's", "", "")], None, true).unwrap();
        let js = edition_js(&[a.clone(), b]).unwrap();
        assert!(js.starts_with(&format!(
            "window.search = Object.assign(window.search, {}, {{doc_urls: []",
            a.lines().next().unwrap()
        )));
        let parts = read_parts(&js).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1]["doc_urls"], json!(["b.html"]));
        assert_eq!(parts[1]["index"]["docs"][0][0], json!("B it's"));
    }
}
