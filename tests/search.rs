//! One search across the manual: a split manual publishes every page at
//! the address it has in one book, every book's sidebar leads to every
//! section, and one index per language holds the pages of every book.
//! (Searching it in a browser: tests/search_browser.rs.)

mod common;
#[path = "common/split.rs"]
mod split;

use std::fs;
use std::path::Path;

use serde_json::Value;
use split::{files, generate, publish};

/// The parts of an edition's `searchindex-manual.js`, one per book.
fn parts(path: &Path) -> Vec<Value> {
    let js = fs::read_to_string(path).unwrap();
    sopbook::manual::search::read_parts(&js).unwrap()
}

/// Every page address in an edition's index, sorted.
fn doc_urls(parts: &[Value]) -> Vec<String> {
    let mut urls: Vec<String> = parts
        .iter()
        .flat_map(|p| p["doc_urls"].as_array().unwrap().iter())
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    urls.sort();
    urls
}

#[test]
fn a_split_manual_has_the_pages_and_the_index_of_one_book() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    fs::create_dir_all(&root).unwrap();
    // More pages in quality than one book of a split manual holds.
    let quality = sopbook::manual::pages::CHUNK + 2;
    generate(&root, quality);
    let (one, many) = (dir.path().join("one"), dir.path().join("many"));
    assert_eq!(publish(&root, &one, usize::MAX), 1);
    // Home, quality in two books, service, people, checklists.
    assert_eq!(publish(&root, &many, 0), 6);

    let pages = files(&many, ".html");
    assert_eq!(
        files(&one, ".html"),
        pages,
        "the same pages at the same addresses"
    );
    assert!(pages.contains(&format!("quality/p{}.html", quality - 1)));
    assert!(!pages.iter().any(|p| p.contains("part-")));

    // One index, the same documents whether one book or six.
    assert_eq!(
        files(&many, ".js")
            .iter()
            .filter(|f| f.starts_with("searchindex"))
            .count(),
        1
    );
    let split_index = parts(&many.join("searchindex-manual.js"));
    assert_eq!(
        doc_urls(&parts(&one.join("searchindex-manual.js"))),
        doc_urls(&split_index)
    );
    let urls = doc_urls(&split_index);
    let last = format!("quality/p{}.html", quality - 1);
    for page in [
        "index.html",
        "quality/p0.html",
        &last,
        "service/p1.html",
        "checklists/c4.html",
    ] {
        assert!(
            urls.iter().any(|u| u.split('#').next() == Some(page)),
            "the index has no {page}"
        );
    }
    // Each page's documents once: no sidebar stub of another book.
    let home_docs = urls
        .iter()
        .filter(|u| u.split('#').next() == Some("service/index.html"));
    assert_eq!(home_docs.count(), 1);

    // Every page of every book loads that index.
    for page in ["index.html", "quality/p0.html", &last, "checklists/c1.html"] {
        let html = fs::read_to_string(many.join(page)).unwrap();
        assert!(
            html.contains(
                r#"window.path_to_searchindex_js = path_to_root + "searchindex-manual.js";"#
            ),
            "{page} does not load the manual's index"
        );
    }
}

#[test]
fn the_sidebar_of_every_book_leads_to_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    fs::create_dir_all(&root).unwrap();
    generate(&root, 2);
    let out = dir.path().join("book");
    let books = publish(&root, &out, 0);
    let tocs: Vec<String> = files(&out, ".js")
        .into_iter()
        .filter(|f| f.starts_with("toc-"))
        .collect();
    assert_eq!(tocs.len(), books, "one sidebar per book: {tocs:?}");
    for toc in &tocs {
        let text = fs::read_to_string(out.join(toc)).unwrap();
        for href in [
            "index.html",
            "quality/index.html",
            "service/index.html",
            "people/index.html",
            "checklists/index.html",
            "reading-paths/index.html",
            "what-changed.html",
        ] {
            assert!(
                text.contains(&format!("href=\"{href}\"")),
                "{toc} has no link to {href}"
            );
        }
    }
    // The service book's sidebar opens its own pages; the home book's does not.
    let service = fs::read_to_string(out.join("service/p1.html")).unwrap();
    let own_toc = tocs.iter().find(|t| service.contains(t.as_str())).unwrap();
    let text = fs::read_to_string(out.join(own_toc)).unwrap();
    assert!(text.contains("href=\"service/p1.html\""));
    assert!(!text.contains("href=\"quality/p0.html\""));
    // A stub never replaces the page it stands for.
    let section = fs::read_to_string(out.join("service/index.html")).unwrap();
    assert!(
        section.contains("Impeller wobble check"),
        "service/index.html is a stub"
    );
    // Only the home book shows the button that prints the book; a page of
    // another book prints as itself, with mdBook's print styles.
    let hide = r#"<style>.right-buttons a[href$="print.html"] { display: none; }</style>"#;
    assert!(out.join("print.html").exists());
    assert!(service.contains(hide));
    assert!(service.contains("css/print-"), "no print styles");
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains(hide));
}

#[test]
fn each_language_has_its_own_index_of_its_own_pages() {
    let ws = common::Ws::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(repo.join("sopbook.toml"), ws.path().join("sopbook.toml")).unwrap();
    common::copy_dir(&repo.join("manual"), &ws.path().join("manual"));
    common::copy_dir(&repo.join("checklists"), &ws.path().join("checklists"));
    let run = ws.run(&["demo", "--out", "book"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book = ws.path().join("book");
    for (code, word) in [("he", "בדיקה"), ("nb", "sluttkontroll")] {
        let parts = parts(&book.join(code).join("searchindex-manual.js"));
        // Each part's index lists the words of its titles.
        let found = parts.iter().any(|part| {
            part["index"]["fields"][0][0]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w == word)
        });
        assert!(found, "the {code} index has no `{word}` in a title");
        for part in &parts {
            assert_eq!(
                part["index"]["pipeline"],
                serde_json::json!([]),
                "no English stemming in {code}"
            );
        }
    }
    let english = parts(&book.join("searchindex-manual.js"));
    assert!(
        !doc_urls(&english)
            .iter()
            .any(|u| u.starts_with("he/") || u.starts_with("nb/"))
    );
    // The page a web server shows for a missing address speaks the
    // edition's language; the English one is mdBook's own.
    for (folder, said) in [
        ("he/", "הדף לא נמצא (404)"),
        ("nb/", "Fant ikke siden (404)"),
        ("", "Document not found (404)"),
    ] {
        let page = fs::read_to_string(book.join(format!("{folder}404.html"))).unwrap();
        assert!(page.contains(said), "{folder}404.html: {page}");
    }
    // The quality dashboard is in English in every edition: an edition
    // says so in its own language, and marks the English as English.
    let he = fs::read_to_string(book.join("he/dashboard/index.html")).unwrap();
    assert!(
        he.contains(
            "<div class=\"sopbook-translation\" lang=\"he\" dir=\"auto\">דף זה כתוב באנגלית.</div>"
        ),
        "{he}"
    );
    assert!(
        he.contains("<div class=\"sopbook-dashboard\" lang=\"en\" dir=\"ltr\">"),
        "{he}"
    );
    let en = fs::read_to_string(book.join("dashboard/index.html")).unwrap();
    assert!(!en.contains("sopbook-translation"), "{en}");
}
