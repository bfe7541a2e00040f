//! One search across the manual, in a real browser: on the home page of a
//! split manual, searching finds a page in another book and opens it; a
//! title holding HTML stays text in the results; the Hebrew and Norwegian
//! editions of the sample manual find their own pages; the manual's index
//! gives the results and scores elasticlunr.js gives for the same documents.
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
                         document.getElementById('mdbook-sidebar-toggle').getAttribute('aria-label'),
                         document.getElementById('mdbook-theme-light').textContent];",
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
            // And the colour themes' names.
            assert_eq!(
                header[4],
                if code == "he" { "בהיר" } else { "Lys" },
                "{code}"
            );
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

/// The manual's index (sorted words, looked up by binary search) finds
/// and scores exactly what elasticlunr.js finds and scores in its own
/// index of the same documents, for the search options mdBook uses and
/// for the others elasticlunr offers: the same results, the same scores,
/// so the same order.
#[test]
fn the_manuals_index_scores_as_elasticlunr_does() {
    if !browser_available("browser test") {
        return;
    }
    // Documents made of words that share beginnings, repeat, stem the
    // same, and are in English, Hebrew and Chinese.
    let vocabulary = [
        "inspect",
        "inspection",
        "inspections",
        "inspector",
        "seal",
        "sealing",
        "pressure",
        "press",
        "pump",
        "pumps",
        "leak",
        "leaking",
        "test",
        "tested",
        "the",
        "and",
        "px40",
        "3",
        "38",
        "בדיקה",
        "בדיקות",
        "סופית",
        "最终检验",
        "检验",
    ];
    let mut seed: u64 = 7;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let mut texts: Vec<[String; 3]> = Vec::new();
    for _ in 0..60 {
        let mut field = |words: usize| {
            (0..1 + next(words))
                .map(|_| vocabulary[next(vocabulary.len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        texts.push([field(4), field(40), field(3)]);
    }
    texts.push(["".into(), "".into(), "".into()]);
    let split = |s: &str| sopbook::manual::search::tokenize(s);
    let mut theirs = elasticlunr::IndexBuilder::new()
        .add_field_with_tokenizer("title", Box::new(split))
        .add_field_with_tokenizer("body", Box::new(split))
        .add_field_with_tokenizer("breadcrumbs", Box::new(split))
        .build();
    let pipeline = elasticlunr::Language::make_pipeline(&elasticlunr::lang::English::new());
    let mut docs = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let fields = [t[0].as_str(), t[1].as_str(), t[2].as_str()];
        theirs.add_doc(&i.to_string(), fields);
        docs.push(sopbook::manual::lunr::Document {
            fields,
            words: fields.map(|f| pipeline.run(split(f))),
        });
    }
    let theirs = serde_json::to_string(&theirs).unwrap();
    let names: Vec<String> =
        serde_json::from_value(serde_json::to_value(&pipeline).unwrap()).unwrap();
    let ours = sopbook::manual::lunr::compact_json(&docs, &names);

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    std::fs::create_dir_all(&root).unwrap();
    split::generate(&root, 1);
    let out = dir.path().join("book");
    split::publish(&root, &out, usize::MAX);
    let home = file_url(&out.join("index.html"));
    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    block_on(async {
        let c = browser_support::connect(port, profile.path(), (1280, 1000), None, &[]).await;
        open(&c, &home).await;
        let compared = c
            .execute(
                r#"
var theirs = elasticlunr.Index.load(JSON.parse(arguments[0]));
var ours = elasticlunr.Index.load({sopbook_parts: [{offset: 0, index: JSON.parse(arguments[1])}]});
var queries = ["inspect", "insp", "inspection pump", "seal the pump", "pressure leak test",
  "p", "px40", "3", "the", "and the", "בדיקה", "בד", "最终", "检验", "zzz", "pumps leaking"];
var fields = {title: {boost: 2}, body: {boost: 1}, breadcrumbs: {boost: 1}};
var options = [
  {bool: "OR", expand: true, fields: fields},
  {bool: "AND", expand: true, fields: fields},
  {bool: "OR", expand: false, fields: fields},
  {bool: "AND", expand: false},
  {fields: {title: {boost: 0}, body: {boost: 3, expand: true}}},
  null
];
var checked = 0, found = 0, wrong = [];
queries.forEach(function (q) {
  options.forEach(function (o) {
    var a = theirs.search(q, o), b = ours.search(q, o);
    checked++;
    found += a.length;
    var sa = {}, sb = {};
    a.forEach(function (r) { sa[r.ref] = r.score; });
    b.forEach(function (r) { sb[r.ref] = r.score; });
    var same = a.length === b.length && a.every(function (r) {
      return r.ref in sb && Math.abs(sb[r.ref] - r.score) <= 1e-12 * Math.max(1, r.score);
    }) && b.every(function (r, i) {
      return i === 0 || b[i - 1].score >= r.score;
    }) && b.every(function (r) {
      var d = theirs.documentStore.getDoc(r.ref);
      return d.title === r.doc.title && d.body === r.doc.body && d.breadcrumbs === r.doc.breadcrumbs;
    });
    if (!same) {
      wrong.push([q, o, a.slice(0, 5), b.slice(0, 5).map(function (r) { return {ref: r.ref, score: r.score}; })]);
    }
  });
});
return {checked: checked, found: found, wrong: wrong};
"#,
                vec![theirs.into(), ours.into()],
            )
            .await
            .unwrap();
        let wrong = compared["wrong"].as_array().unwrap();
        assert!(
            wrong.is_empty(),
            "{} of {} searches differ; the first: {}",
            wrong.len(),
            compared["checked"],
            wrong[0]
        );
        assert_eq!(compared["checked"], 96);
        assert!(
            compared["found"].as_u64().unwrap() > 500,
            "the queries find something: {compared}"
        );
        let _ = c.close().await;
    });
}
