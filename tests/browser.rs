//! The published manual in a real browser: a title that holds HTML must
//! stay text on the pages and in mdBook's search results; every page of the
//! sample manual fits a phone; a checklist prints as its own paper form.
//!
//! Needs Debian's `chromium` and `chromium-driver` (/usr/bin/chromium,
//! /usr/bin/chromedriver), and `pdftotext` (poppler-utils) to read what a
//! form prints. Without them a test prints a note and passes, unless
//! `SOPBOOK_TEST_BROWSER=1` says they must be there (CI).

#[path = "common/browser.rs"]
mod browser_support;
mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use browser_support::{browser_available, open, start_driver};
use common::{Ws, copy_dir};
use fantoccini::{Client, Locator};

const HOSTILE: &str = r#"<img src=x onerror="document.title='pwned'">"#;

/// A phone's screen: 390 by 844 CSS pixels, touch, the page's viewport
/// meta tag honoured. (A headless window cannot be made narrower than
/// 500 px, so a phone is emulated rather than a window resized.)
const PHONE: (u32, u32) = (390, 844);

async fn connect(port: u16, profile: &Path) -> Client {
    connect_as(port, profile, None).await
}

/// A session on a desktop-sized window, or on an emulated `phone` screen.
async fn connect_as(port: u16, profile: &Path, phone: Option<(u32, u32)>) -> Client {
    browser_support::connect(port, profile, (1280, 1000), phone, &[]).await
}

/// Waits until the page has its fonts and has been laid out twice since,
/// so that what is measured is what the reader sees, not a page mid-load.
async fn settle(c: &Client) {
    let _ = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             document.fonts.ready.then(() =>
               requestAnimationFrame(() => requestAnimationFrame(() => done(true))));",
            vec![],
        )
        .await;
}

async fn eval_string(c: &Client, script: &str) -> String {
    match c.execute(script, vec![]).await.unwrap() {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

async fn eval_u64(c: &Client, script: &str) -> u64 {
    c.execute(script, vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or_else(|| panic!("`{script}` did not return a number"))
}

#[test]
fn hostile_title_stays_text_in_search_results() {
    if !browser_available("browser test") {
        return;
    }
    let ws = Ws::fixture("base");
    ws.edit(
        "manual/quality/final-inspection.md",
        r#"title = "Final inspection""#,
        &format!("title = {}", toml_string(HOSTILE)),
    );
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 0, "publish failed:\n{}", run.stderr);
    let index = ws.path().join("book/index.html").canonicalize().unwrap();
    let url = format!("file://{}", index.display());

    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = rt.block_on(async {
        let c = connect(port, profile.path()).await;
        let result = search_for_hostile_title(&c, &url).await;
        let _ = c.close().await;
        result
    });
    let (title_before, title_after, images_with_onerror, results_text) = outcome;
    assert_ne!(title_before, "pwned");
    assert_eq!(
        title_after, title_before,
        "the search results ran the title's onerror script"
    );
    assert_eq!(
        images_with_onerror, 0,
        "the search results hold an <img onerror> element"
    );
    assert!(
        results_text.contains("<img src=x onerror="),
        "the search results do not show the title as text: {results_text:?}"
    );
}

/// Opens the manual, searches for the hostile title and waits for results.
/// Returns (title before, title after, `img[onerror]` elements, results text).
async fn search_for_hostile_title(c: &Client, url: &str) -> (String, String, u64, String) {
    open(c, url).await;
    let title_before = eval_string(c, "return document.title;").await;
    // The search bar opens with the magnifying glass.
    c.find(Locator::Id("mdbook-search-toggle"))
        .await
        .expect("no search button (#mdbook-search-toggle) on the page")
        .click()
        .await
        .unwrap();
    let bar = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("mdbook-searchbar"))
        .await
        .expect("no search bar (#mdbook-searchbar)");
    bar.send_keys("onerror").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n = eval_u64(
            c,
            "return document.querySelectorAll('#mdbook-searchresults li').length;",
        )
        .await;
        if n > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no search results for `onerror` within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a failed image load time to fire its onerror.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let title_after = eval_string(c, "return document.title;").await;
    let images = eval_u64(
        c,
        "return document.querySelectorAll('img[onerror]').length;",
    )
    .await;
    let text = eval_string(
        c,
        "return document.getElementById('mdbook-searchresults').innerText;",
    )
    .await;
    (title_before, title_after, images, text)
}

#[test]
fn dashboard_charts_load_fit_a_phone_and_name_the_point_under_the_pointer() {
    if !browser_available("browser test") {
        return;
    }
    let ws = Ws::empty();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["manual", "checklists"] {
        common::copy_dir(&root.join(part), &ws.path().join(part));
    }
    std::fs::copy(root.join("sopbook.toml"), ws.path().join("sopbook.toml")).unwrap();
    let run = ws.run(&["demo"]);
    assert_eq!(run.code, 0, "demo failed:\n{}", run.stderr);
    let url = |rel: &str| {
        let path = ws.path().join(rel).canonicalize().unwrap();
        format!("file://{}", path.display())
    };
    let (page, chart) = (
        url("book/dashboard/cl-001.html"),
        url("book/dashboard/spc-cl-001-leak-test.svg"),
    );

    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (broken, charts, overflow, under_pointer) = rt.block_on(async {
        let c = connect(port, profile.path()).await;
        c.set_window_size(390, 844).await.unwrap();
        open(&c, &page).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let broken = eval_u64(
            &c,
            "return [...document.querySelectorAll('.sopbook-chart img')]\
               .filter(i => !i.complete || i.naturalWidth === 0).length;",
        )
        .await;
        let charts = eval_u64(&c, "return document.querySelectorAll('.sopbook-chart img').length;").await;
        // The page itself never scrolls sideways; a chart scrolls in its box.
        let overflow = eval_u64(
            &c,
            "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth);",
        )
        .await;
        // Opened on its own, the chart names the point under the pointer:
        // the point's own mark, or one drawn over it at the same place (the
        // demo's readings depend on the day it runs, and two may coincide).
        open(&c, &chart).await;
        let under_pointer = eval_string(
            &c,
            "const marks = [...document.querySelectorAll('circle')].filter(e => e.querySelector('title'));\
             const centre = e => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, r.width]; };\
             return [0, 35].map(i => {\
               const [x, y, w] = centre(marks[i]);\
               const hit = document.elementFromPoint(x, y);\
               const t = hit && hit.querySelector('title');\
               if (!t) return 'nothing';\
               if (hit === marks[i]) return 'own ' + t.textContent;\
               const [hx, hy] = centre(hit);\
               return (Math.hypot(hx - x, hy - y) <= w ? 'over ' : 'elsewhere ') + t.textContent;\
             }).join('\\n');",
        )
        .await;
        let _ = c.close().await;
        (broken, charts, overflow, under_pointer)
    });
    assert_eq!(charts, 7, "a chart per measured item of CL-001");
    assert_eq!(broken, 0, "every chart loads");
    assert_eq!(overflow, 0, "the page is wider than a phone");
    let lines: Vec<&str> = under_pointer.lines().collect();
    assert_eq!(lines.len(), 2, "{under_pointer}");
    assert!(lines[0].starts_with("own point 1: "), "{under_pointer}");
    assert!(
        (lines[1].starts_with("own point 36: ") || lines[1].starts_with("over point "))
            && lines[1].contains(" mbar")
            && lines[1].contains("INS-"),
        "{under_pointer}"
    );
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The sample workspace's manual as `sopbook demo` builds it: every page a
/// user of the sample sees, the quality dashboard included.
fn sample_manual() -> Ws {
    let ws = Ws::empty();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("sopbook.toml"), ws.path().join("sopbook.toml")).unwrap();
    copy_dir(&root.join("manual"), &ws.path().join("manual"));
    copy_dir(&root.join("checklists"), &ws.path().join("checklists"));
    let run = ws.run(&["demo", "--out", "book"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

/// Every HTML page under `dir`, as paths relative to it, sorted.
fn html_pages(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// What on the open page does not fit the screen: the page scrolling
/// sideways, anything in the content reaching past either edge (mdBook cuts
/// that off rather than letting the page scroll), or a box that has to be
/// scrolled sideways to be read. Empty when everything fits.
const OVERFLOW: &str = r#"
const vw = document.documentElement.clientWidth;
const name = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '')
  + ' "' + (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50) + '"';
const problems = [];
if (document.documentElement.scrollWidth > vw) {
  problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
}
for (const el of document.querySelectorAll('main *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > vw + 0.5 || r.left < -0.5) {
    problems.push(name(el) + ' spans ' + Math.round(r.left) + ' to ' + Math.round(r.right) + ' px');
  }
  const x = getComputedStyle(el).overflowX;
  if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
    problems.push(name(el) + ' scrolls sideways (' + el.scrollWidth + ' px in ' + el.clientWidth + ')');
  }
}
return problems.slice(0, 5).join('\n');
"#;

/// At 390 px wide no page of the sample manual scrolls sideways or cuts
/// anything off: the control blocks' dates and "critical", every checklist's
/// Result column, the indexes, the revision histories, the SOPs' own tables.
#[test]
fn every_page_of_the_sample_manual_fits_a_phone() {
    if !browser_available("browser test") {
        return;
    }
    let ws = sample_manual();
    let book = ws.path().join("book");
    let pages = html_pages(&book);
    assert!(pages.len() >= 40, "only {} pages", pages.len());
    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let (width, problems, cards) = block_on(async {
        let c = connect_as(port, profile.path(), Some(PHONE)).await;
        open(&c, &file_url(&book.join("index.html"))).await;
        let width = eval_u64(&c, "return document.documentElement.clientWidth;").await;
        let mut problems = Vec::new();
        for page in &pages {
            open(&c, &file_url(&book.join(page))).await;
            settle(&c).await;
            let found = eval_string(&c, OVERFLOW).await;
            if !found.is_empty() {
                problems.push(format!("{page}:\n{found}"));
            }
        }
        // A checklist's rows are cards with the Result below the check.
        open(
            &c,
            &file_url(&book.join("checklists/final-inspection-px-40.html")),
        )
        .await;
        let cards = eval_string(
            &c,
            "return [...document.querySelectorAll('table.sopbook-items tbody tr')].map(tr => {
               const row = tr.getBoundingClientRect();
               const result = tr.querySelector('td.sopbook-result').getBoundingClientRect();
               return getComputedStyle(tr).display + (result.top >= row.top && result.right <= row.right ? ' result inside' : ' result outside');
             }).join(', ');",
        )
        .await;
        let _ = c.close().await;
        (width, problems, cards)
    });
    assert_eq!(
        width,
        u64::from(PHONE.0),
        "the emulated phone is not 390 px wide"
    );
    assert!(
        problems.is_empty(),
        "{} of {} pages do not fit a phone {width} px wide:\n\n{}",
        problems.len(),
        pages.len(),
        problems.join("\n\n")
    );
    assert!(!cards.is_empty());
    for card in cards.split(", ") {
        assert_eq!(card, "grid result inside", "{cards}");
    }
}

/// On a desktop the same form is a table, and the control block puts its
/// short facts side by side.
#[test]
fn on_a_desktop_the_form_is_a_table_and_the_facts_sit_side_by_side() {
    if !browser_available("browser test") {
        return;
    }
    let ws = sample_manual();
    let page = ws
        .path()
        .join("book/checklists/final-inspection-px-40.html");
    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let (rows, first_row_tops) = block_on(async {
        let c = connect_as(port, profile.path(), None).await;
        open(&c, &file_url(&page)).await;
        settle(&c).await;
        let rows = eval_string(
            &c,
            "return [...new Set([...document.querySelectorAll('table.sopbook-items tbody tr')].map(tr => getComputedStyle(tr).display))].join();",
        )
        .await;
        // ID, Revision, Effective and Items on one line.
        let tops = eval_string(
            &c,
            "return [...document.querySelectorAll('dl.sopbook-control > div')].slice(0, 4).map(d => Math.round(d.getBoundingClientRect().top)).join();",
        )
        .await;
        let _ = c.close().await;
        (rows, tops)
    });
    assert_eq!(rows, "table-row");
    let tops: Vec<&str> = first_row_tops.split(',').collect();
    assert_eq!(tops.len(), 4, "{first_row_tops}");
    assert!(tops.iter().all(|t| *t == tops[0]), "{first_row_tops}");
}

/// `pdftotext`, or why the PDF cannot be read (a note, or a failure in CI).
fn pdftotext_available() -> bool {
    let found = Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        if std::env::var("SOPBOOK_TEST_BROWSER").is_ok_and(|v| v == "1") {
            panic!(
                "SOPBOOK_TEST_BROWSER=1 but pdftotext is not installed: apt-get install -y poppler-utils"
            );
        }
        eprintln!(
            "note: the printed form is not read: pdftotext is not installed (apt-get install -y poppler-utils)"
        );
    }
    found
}

/// The text of each page of a PDF.
fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("form.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// "Print this form" prints the checklist's page, which prints as the form
/// alone (not the 100-page manual behind the menu bar's printer, which the
/// form's page hides), and every printed page carries the form's id and
/// title, its revision and effective date, lot and serial blanks and
/// "Page x of y".
#[test]
fn print_this_form_prints_the_form_alone_with_its_heads_on_every_page() {
    if !browser_available("browser test") {
        return;
    }
    let ws = sample_manual();
    let book = ws.path().join("book");
    let form = book.join("checklists/final-inspection-px-40.html");
    let sop = book.join("quality/final-inspection.html");
    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let (printed, manual_printer_on_form, manual_printer_on_sop, pdf) = block_on(async {
        let c = connect_as(port, profile.path(), None).await;
        open(&c, &file_url(&sop)).await;
        let printer = "const a = document.querySelector('#mdbook-menu-bar a[href$=\"print.html\"]'); return a ? getComputedStyle(a).display : 'missing';";
        let on_sop = eval_string(&c, printer).await;
        open(&c, &file_url(&form)).await;
        let on_form = eval_string(&c, printer).await;
        // The button asks the browser to print this page.
        c.execute(
            "window.print = () => { window.sopbookPrinted = true; };",
            vec![],
        )
        .await
        .unwrap();
        c.find(Locator::Css("button.sopbook-print-form"))
            .await
            .expect("no Print this form button on the checklist's page")
            .click()
            .await
            .unwrap();
        let printed = c
            .execute("return window.sopbookPrinted === true;", vec![])
            .await
            .unwrap();
        let pdf = c
            .print(fantoccini::wd::PrintConfiguration::default())
            .await
            .unwrap();
        let _ = c.close().await;
        (printed, on_form, on_sop, pdf)
    });
    assert_eq!(
        printed,
        serde_json::Value::Bool(true),
        "the button did not print"
    );
    assert_eq!(
        manual_printer_on_form, "none",
        "the whole manual's printer is offered on a form"
    );
    assert_ne!(
        manual_printer_on_sop, "none",
        "the whole manual's printer is gone from an SOP"
    );
    if !pdftotext_available() {
        return;
    }
    let pages = pdf_pages(&pdf);
    assert!(
        (2..=5).contains(&pages.len()),
        "the form printed on {} pages",
        pages.len()
    );
    let revision = regex::Regex::new(r"Revision \d+, effective \d{4}-\d{2}-\d{2}").unwrap();
    let lot = regex::Regex::new(r"Lot _{8,}\s+Serial _{8,}").unwrap();
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        let head = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        assert!(
            head.trim_start()
                .starts_with("CL-001 Final inspection, PX-40 pump")
                && revision.is_match(head),
            "page {n} has no running head with the form's id and revision: {head:?}\n{page}"
        );
        let foot = page
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        assert!(
            lot.is_match(foot)
                && foot
                    .trim_end()
                    .ends_with(&format!("Page {n} of {}", pages.len())),
            "page {n} has no lot and serial blanks and page number at its foot: {foot:?}\n{page}"
        );
    }
    let all = pages.join("\n");
    for wanted in ["Traveller card and in-process", "Inspected by", "Signature"] {
        assert!(
            all.contains(wanted),
            "the printed form has no `{wanted}`:\n{all}"
        );
    }
    for unwanted in [
        "Revision history",
        "Print this form",
        "Purpose",
        "FILLED IN BY",
    ] {
        assert!(
            !all.contains(unwanted),
            "the printed form holds `{unwanted}`:\n{all}"
        );
    }
}
