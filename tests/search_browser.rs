//! One search across the manual, in a real browser: on the home page of a
//! split manual, searching finds a page in another book and opens it; a
//! title holding HTML stays text in the results; the Hebrew and Norwegian
//! editions of the sample manual find their own pages.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them a test
//! prints a note and passes, unless `SOPBOOK_TEST_BROWSER=1` says they must
//! be there (CI).

#[path = "common/browser.rs"]
mod browser_support;
mod common;
#[path = "common/split.rs"]
mod split;

use std::path::Path;
use std::time::{Duration, Instant};

use browser_support::{browser_available, open, start_driver};
use fantoccini::{Client, Locator};

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

async fn eval(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Opens the search bar on the open page, types `query` and waits for
/// results. Returns each result's link (as the browser resolved it) and
/// text, and the results' whole text.
async fn search(c: &Client, query: &str) -> (Vec<(String, String)>, String) {
    let bar = c.find(Locator::Id("mdbook-searchbar")).await.unwrap();
    if !bar.is_displayed().await.unwrap_or(false) {
        c.find(Locator::Id("mdbook-search-toggle"))
            .await
            .expect("no search button (#mdbook-search-toggle) on the page")
            .click()
            .await
            .unwrap();
    }
    bar.clear().await.unwrap();
    bar.send_keys(query).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = eval(
            c,
            "return Array.from(document.querySelectorAll('#mdbook-searchresults li > a'))
                 .map(a => [a.href, a.innerText]);",
        )
        .await;
        let header = eval(
            c,
            "return document.getElementById('mdbook-searchresults-header').innerText;",
        )
        .await;
        let links: Vec<(String, String)> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l[0].as_str().unwrap_or_default().to_string(),
                    l[1].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        if !links.is_empty() && header.as_str().unwrap_or_default().contains(query) {
            let text = eval(
                c,
                "return document.getElementById('mdbook-searchresults').innerText;",
            )
            .await;
            return (links, text.as_str().unwrap_or_default().to_string());
        }
        assert!(
            Instant::now() < deadline,
            "no search results for `{query}` within 20 s (header: {header})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn the_home_page_of_a_split_manual_finds_pages_of_every_book() {
    if !browser_available("browser test") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    std::fs::create_dir_all(&root).unwrap();
    split::generate(&root, 2);
    let out = dir.path().join("book");
    let books = split::publish(&root, &out, 0);
    assert_eq!(books, 5, "home, quality, service, people, checklists");
    let home = file_url(&out.join("index.html"));

    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    block_on(async {
        let c = browser_support::connect(port, profile.path(), (1280, 1000), None, &[]).await;
        open(&c, &home).await;
        let title_before = eval(&c, "return document.title;").await;

        // The page splits what the reader types as the index was split.
        for text in [
            "Final inspection, step 3.",
            "Sluttkontroll før pakking på lager",
            "בדיקה סופית (שלב 2)",
            "最终检验 QC检验ok",
            "けんさ",
            split::HOSTILE,
        ] {
            let words = c
                .execute(
                    "return elasticlunr.tokenizer(arguments[0]);",
                    vec![text.into()],
                )
                .await
                .unwrap();
            assert_eq!(
                words,
                serde_json::json!(sopbook::manual::search::tokenize(text)),
                "{text}"
            );
        }

        // A page of the service book, from the home book's search box.
        let (links, _) = search(&c, "wobble").await;
        let wanted = file_url(&out.join("service/p1.html"));
        let (href, text) = links
            .iter()
            .find(|(href, _)| href.starts_with(&wanted))
            .unwrap_or_else(|| panic!("no result leads to service/p1.html: {links:?}"));
        assert!(text.contains("Impeller wobble check"), "{text}");
        c.goto(href).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let h1 = eval(
                &c,
                "return (document.querySelector('main h1') || {}).innerText || '';",
            )
            .await;
            if h1
                .as_str()
                .unwrap_or_default()
                .contains("Impeller wobble check")
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the result did not open the page: {h1}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // From a page of that book, the checklists book's pages too.
        let (links, _) = search(&c, "checklist").await;
        let checklists = file_url(&out.join("checklists"));
        assert!(
            links.iter().any(|(href, _)| href.starts_with(&checklists)),
            "the service book's search finds no checklist: {links:?}"
        );

        // A title holding HTML stays text in the results.
        open(&c, &home).await;
        let (_, text) = search(&c, "onerror").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(
            text.contains("<img src=x onerror="),
            "not shown as text: {text:?}"
        );
        let images = eval(
            &c,
            "return document.querySelectorAll('img[onerror]').length;",
        )
        .await;
        assert_eq!(
            images,
            serde_json::json!(0),
            "the results hold an <img onerror>"
        );
        let title_after = eval(&c, "return document.title;").await;
        assert_eq!(title_after, title_before, "the title's onerror ran");
        let _ = c.close().await;
    });
}

#[test]
fn each_language_of_the_sample_manual_finds_its_own_pages() {
    if !browser_available("browser test") {
        return;
    }
    let ws = common::Ws::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("sopbook.toml"), ws.path().join("sopbook.toml")).unwrap();
    common::copy_dir(&repo.join("manual"), &ws.path().join("manual"));
    common::copy_dir(&repo.join("checklists"), &ws.path().join("checklists"));
    let run = ws.run(&["demo", "--out", "book"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book = ws.path().join("book");

    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    block_on(async {
        let c = browser_support::connect(port, profile.path(), (1280, 1000), None, &[]).await;
        for (code, query, title, said, placeholder) in [
            (
                "he",
                "בדיקה סופית",
                "בדיקה סופית",
                "תוצאות עבור",
                "חיפוש במדריך ...",
            ),
            (
                "nb",
                "sluttkontroll",
                "Sluttkontroll",
                "treff for «",
                "Søk i håndboken ...",
            ),
        ] {
            open(&c, &file_url(&book.join(code).join("index.html"))).await;
            let (links, text) = search(&c, query).await;
            // The search box and the line above the results speak the
            // edition's language.
            let header = eval(
                &c,
                "return [document.getElementById('mdbook-searchresults-header').innerText,
                         document.getElementById('mdbook-searchbar').placeholder,
                         document.getElementById('mdbook-sidebar-toggle').getAttribute('title'),
                         document.getElementById('mdbook-sidebar-toggle').getAttribute('aria-label')];",
            )
            .await;
            // So do mdBook's buttons, to a pointer and to a screen reader.
            let toggle = if code == "he" {
                "הצגה או הסתרה של תוכן העניינים"
            } else {
                "Vis eller skjul innholdsfortegnelsen"
            };
            assert_eq!(header[2], toggle, "{code}");
            assert_eq!(header[3], toggle, "{code}");
            assert!(
                header[0].as_str().unwrap_or_default().contains(said),
                "{code}: {header}"
            );
            assert_eq!(header[1], placeholder, "{code}");
            let edition = file_url(&book.join(code));
            for (href, _) in &links {
                assert!(
                    href.starts_with(&format!("{edition}/")),
                    "{code}: a result outside the edition: {href}"
                );
            }
            let final_inspection = file_url(&book.join(code).join("quality/final-inspection.html"));
            assert!(
                links
                    .iter()
                    .any(|(href, _)| href.starts_with(&final_inspection)),
                "{code}: `{query}` does not find the final inspection: {links:?}"
            );
            assert!(text.contains(title), "{code}: {text}");
        }
        let _ = c.close().await;
    });
}
