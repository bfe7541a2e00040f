//! `sopbook serve`'s signing and training pages in a real browser, on the
//! demo's records, one test per page family: a manager approves a document
//! in review at tablet size, voids an inspection on a phone, a reader
//! confirms a document from their reading list on a phone, and a manager
//! filters the training matrix and downloads its CSV. Each page fits its
//! screen (nothing wider than the window) and its buttons and fields are
//! at least 48 px high.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the tests
//! print why they did nothing and pass, unless `SOPBOOK_TEST_BROWSER=1`
//! says the browser must be there (CI).

#[path = "common/browser.rs"]
mod browser_support;
mod common;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use browser_support::{browser_available, free_port, open, serve_on, start_driver};
use common::Ws;
use fantoccini::{Client, Locator};
use serde_json::Value;

const PHONE: (u32, u32) = (390, 844);
const TABLET: (u32, u32) = (820, 1180);
const DEMO_PASSWORD: &str = "nordvann-demo";

/// The sample workspace with the demo's records, made once per run; each
/// test works on a copy of its own.
fn demo() -> Ws {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let made = DIR.get_or_init(|| {
        let ws = Ws::sample();
        let run = ws.run(&["demo"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-signing-demo");
        let _ = std::fs::remove_dir_all(&dir);
        common::copy_dir(ws.path(), &dir);
        dir
    });
    let ws = Ws::empty();
    common::copy_dir(made, ws.path());
    ws
}

fn json(ws: &Ws, args: &[&str]) -> Value {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Runs `steps` in chromium at `size` against `sopbook serve` on `ws`;
/// the browser is closed however the steps end.
fn in_browser<F, Fut>(ws: &Ws, size: (u32, u32), steps: F)
where
    F: FnOnce(Client, String) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let port = free_port();
    let _server = serve_on(ws.path(), "line-1", port);
    let (_driver, driver_port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = browser_support::connect(
            driver_port,
            profile.path(),
            size,
            None,
            &["--hide-scrollbars"],
        )
        .await;
        let client = c.clone();
        let run = tokio::spawn(async move {
            client.set_window_size(size.0, size.1).await.unwrap();
            steps(client, format!("http://127.0.0.1:{port}")).await;
        })
        .await;
        let _ = c.close().await;
        if let Err(failed) = run {
            std::panic::resume_unwind(failed.into_panic());
        }
    });
}

async fn eval(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn sign_in(c: &Client, base: &str, person: &str) {
    open(c, &format!("{base}/signin")).await;
    type_into(c, "#person", person).await;
    type_into(c, "#password", DEMO_PASSWORD).await;
    click(c, "form.stack button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("a.reading-link"))
        .await
        .expect("signed in, the header links to the reading list");
}

/// The page at `width` fits the screen, and every button, field and
/// disclosure on it is at least 48 px high.
async fn fits(c: &Client, width: u32, what: &str) {
    let w = eval(c, "return window.innerWidth;").await;
    assert_eq!(w, width, "{what} is laid out at {width} px");
    let overflow = eval(
        c,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await;
    assert_eq!(overflow, 0, "{what} is wider than the screen");
    let small = eval(
        c,
        r#"
        return [...document.querySelectorAll('main a.button, main button, main input, main select, main textarea, main summary, header a, header button')]
            .filter(e => e.type !== 'hidden' && e.getClientRects().length)
            .filter(e => e.getBoundingClientRect().height < 47.5)
            .map(e => e.outerHTML.slice(0, 80) + ' ' + e.getBoundingClientRect().height);
        "#,
    )
    .await;
    assert_eq!(
        small,
        serde_json::json!([]),
        "small touch targets on {what}"
    );
}

#[test]
fn a_manager_approves_a_document_in_review_on_a_tablet() {
    if !browser_available("browser test of the documents pages") {
        return;
    }
    let ws = demo();
    // The demo leaves QMS-001 rev 2 in review, released by ingrid; erik
    // works in Norwegian, so the pages speak it.
    in_browser(&ws, TABLET, |c, base| async move {
        sign_in(&c, &base, "erik").await;
        open(&c, &format!("{base}/manage")).await;
        screenshot(&c, "manage-nb").await;
        click(&c, "main a[href='/documents']").await;
        let h1 = text_of(&c, "h1").await;
        assert_eq!(h1, "Dokumenter til godkjenning (1)");
        fits(&c, TABLET.0, "the documents in review").await;
        click(&c, "a.card[href='/documents/QMS-001']").await;
        let added = text_of(&c, ".hunk-lines ins").await;
        assert!(added.starts_with('+'), "an added line is marked: {added}");
        fits(&c, TABLET.0, "QMS-001 in review").await;
        screenshot(&c, "document-nb").await;
        type_into(&c, "#a-password", DEMO_PASSWORD).await;
        click(&c, "form[action='/documents/QMS-001/approve'] button").await;
        let done = text_of(&c, "p.done").await;
        assert_eq!(done, "Godkjenningen din av QMS-001 er signert.");
    });
    let status = json(&ws, &["status", "--json"]);
    let qms = status
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "QMS-001")
        .unwrap()
        .clone();
    assert_eq!(qms["effective_revision"], 2, "{qms}");
}

#[test]
fn a_manager_voids_an_inspection_on_a_phone() {
    if !browser_available("browser test of voiding an inspection") {
        return;
    }
    let ws = demo();
    in_browser(&ws, PHONE, |c, base| async move {
        sign_in(&c, &base, "erik").await;
        open(&c, &format!("{base}/inspections/INS-000003")).await;
        click(&c, "details.void summary").await;
        fits(&c, PHONE.0, "an inspection with the void form open").await;
        type_into(&c, "#v-reason", "Measured with the wrong gauge").await;
        type_into(&c, "#v-password", DEMO_PASSWORD).await;
        click(&c, "form[action='/inspections/INS-000003/void'] button").await;
        // Erik works in Norwegian: the station's own words are his.
        assert_eq!(text_of(&c, "p.done").await, "Annullert.");
        let void = text_of(&c, "main .alert").await;
        assert_eq!(void, "Annullert: Measured with the wrong gauge (erik)");
        fits(&c, PHONE.0, "a void inspection").await;
    });
    let shown = json(&ws, &["inspections", "show", "INS-000003", "--json"]);
    assert_eq!(shown["void"]["voided_by"], "erik", "{shown}");
}

#[test]
fn a_reader_confirms_a_document_from_the_reading_list_on_a_phone() {
    if !browser_available("browser test of the reading list") {
        return;
    }
    let ws = demo();
    let before = json(&ws, &["reading-list", "--as", "nora", "--json"]);
    let first = before["to_read"][0]["doc_id"].as_str().unwrap().to_string();
    let count = before["to_read"].as_array().unwrap().len();
    let id = first.clone();
    in_browser(&ws, PHONE, move |c, base| async move {
        sign_in(&c, &base, "nora").await;
        click(&c, "a.reading-link").await;
        let items = eval(
            &c,
            "return document.querySelectorAll('li.reading-item').length;",
        )
        .await;
        assert_eq!(items, count as u64);
        fits(&c, PHONE.0, "the reading list").await;
        click(&c, &format!("a.button[href='/reading/{id}']")).await;
        let title = text_of(&c, "h1 .doc-id").await;
        assert_eq!(title, id);
        let headings = eval(
            &c,
            "return document.querySelectorAll('.doc-text h2').length;",
        )
        .await;
        assert!(
            headings.as_u64().unwrap() > 0,
            "the text is shown as a document"
        );
        fits(&c, PHONE.0, "a document to read").await;
        type_into(&c, "#k-password", DEMO_PASSWORD).await;
        click(&c, &format!("form[action='/reading/{id}'] button")).await;
        let done = text_of(&c, "p.done").await;
        assert!(
            done.starts_with(&format!(
                "You confirmed that you read and understood {id} rev "
            )),
            "{done}"
        );
        let items = eval(
            &c,
            "return document.querySelectorAll('li.reading-item').length;",
        )
        .await;
        assert_eq!(items, count as u64 - 1, "the list shrinks");
    });
    let after = json(&ws, &["reading-list", "--as", "nora", "--json"]);
    assert_eq!(after["to_read"].as_array().unwrap().len(), count - 1);
    assert_ne!(after["to_read"][0]["doc_id"], first.as_str());
}

/// The screen as it is, into `SOPBOOK_SCREENSHOTS` when it names a folder.
async fn screenshot(c: &Client, name: &str) {
    let Some(dir) = std::env::var_os("SOPBOOK_SCREENSHOTS").map(PathBuf::from) else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

#[test]
fn a_reader_who_works_in_hebrew_reads_the_procedure_in_hebrew_right_to_left() {
    if !browser_available("browser test of reading in Hebrew") {
        return;
    }
    let ws = demo();
    in_browser(&ws, PHONE, move |c, base| async move {
        sign_in(&c, &base, "yosef").await;
        click(&c, "a.reading-link").await;
        let heading = text_of(&c, "main h1").await;
        assert_eq!(heading, "רשימת הקריאה שלכם");
        let laid_out = eval(
            &c,
            "return getComputedStyle(document.querySelector('div.reading')).direction;",
        )
        .await;
        assert_eq!(laid_out, "rtl");
        fits(&c, PHONE.0, "the reading list in Hebrew").await;
        screenshot(&c, "reading-list-he").await;
        click(&c, "a.button[href='/reading/QC-001']").await;
        let note = text_of(&c, "p.translation-note").await;
        assert!(note.starts_with("התרגום לעברית של גרסה "), "{note}");
        let article = eval(
            &c,
            "const a = document.querySelector('article.doc-text'); return [a.lang, getComputedStyle(a).direction, a.querySelectorAll('h2').length > 0];",
        )
        .await;
        assert_eq!(article, serde_json::json!(["he", "rtl", true]));
        fits(&c, PHONE.0, "a document to read in Hebrew").await;
        screenshot(&c, "read-he").await;
        // The original, and back.
        click(&c, "p.translation-note a").await;
        let original = eval(
            &c,
            "const a = document.querySelector('article.doc-text'); return [a.lang, getComputedStyle(a).direction];",
        )
        .await;
        assert_eq!(original, serde_json::json!(["en", "ltr"]));
        screenshot(&c, "read-he-original").await;
        click(&c, "p.translation-note a").await;
        let back = eval(
            &c,
            "return document.querySelector('article.doc-text').lang;",
        )
        .await;
        assert_eq!(back, "he");
        // Signed in Hebrew, for the source's revision.
        type_into(&c, "#k-password", DEMO_PASSWORD).await;
        click(&c, "form[action='/reading/QC-001'] button").await;
        let done = text_of(&c, "p.done").await;
        assert!(
            done.starts_with("אישרתם שקראתם והבנתם את QC-001 גרסה "),
            "{done}"
        );
    });
    let after = json(&ws, &["reading-list", "--as", "yosef", "--json"]);
    let left: Vec<_> = after["to_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["doc_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!left.contains(&"QC-001".to_string()), "{left:?}");
}

#[test]
fn a_manager_filters_the_training_matrix_and_downloads_its_csv_on_a_tablet() {
    if !browser_available("browser test of the training matrix") {
        return;
    }
    let ws = demo();
    let want = ws.ok(&["training", "--csv", "--person", "maria"]).stdout;
    in_browser(&ws, TABLET, move |c, base| async move {
        sign_in(&c, &base, "ingrid").await;
        open(&c, &format!("{base}/manage")).await;
        click(&c, "main a[href='/manage/training']").await;
        fits(&c, TABLET.0, "the training matrix").await;
        c.find(Locator::Css("select[name=person]"))
            .await
            .unwrap()
            .select_by_value("maria")
            .await
            .unwrap();
        click(&c, "form.filters button").await;
        // The page sent back has the person chosen in its form.
        c.wait()
            .for_element(Locator::Css(
                "select[name=person] option[value='maria'][selected]",
            ))
            .await
            .expect("the filtered page");
        let people = eval(
            &c,
            "return [...new Set([...document.querySelectorAll('#matrix + .scroll td.who')].map(t => t.textContent))];",
        )
        .await;
        assert_eq!(people, serde_json::json!(["maria"]));
        fits(&c, TABLET.0, "maria's training").await;
        let csv = eval(
            &c,
            r#"
            const a = document.querySelector('a[download]');
            return fetch(a.href).then(r => r.text().then(t => [r.headers.get('content-type'), r.headers.get('content-disposition'), t]));
            "#,
        )
        .await;
        assert_eq!(csv[0], "text/csv; charset=utf-8");
        assert_eq!(csv[1], "attachment; filename=\"training.csv\"");
        assert_eq!(csv[2], want.as_str());
    });
}
