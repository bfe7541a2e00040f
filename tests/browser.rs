//! The published manual in a real browser: a title that holds HTML must
//! stay text on the pages and in mdBook's search results.
//!
//! Needs Debian's `chromium` and `chromium-driver` (/usr/bin/chromium,
//! /usr/bin/chromedriver). Without them the test prints a note and passes,
//! unless `SOPBOOK_TEST_BROWSER=1` says the browser must be there (CI).

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Ws;
use fantoccini::{Client, ClientBuilder, Locator};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const HOSTILE: &str = r#"<img src=x onerror="document.title='pwned'">"#;

/// chromedriver, stopped when the test ends however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether the browser is installed; without it, fails when CI asked for
/// the browser test and otherwise says why the test did nothing.
fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMEDRIVER, CHROMIUM]
        .into_iter()
        .filter(|p| !Path::new(p).is_file())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("SOPBOOK_TEST_BROWSER").is_ok_and(|v| v == "1") {
        panic!(
            "SOPBOOK_TEST_BROWSER=1 but {} not installed: apt-get install -y chromium chromium-driver",
            missing.join(" and ")
        );
    }
    eprintln!(
        "note: browser test skipped: {} not installed (apt-get install -y chromium chromium-driver; \
         set SOPBOOK_TEST_BROWSER=1 to make this an error)",
        missing.join(" and ")
    );
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_driver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("could not start chromedriver");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (driver, port)
}

async fn connect(port: u16, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    // Plain HTTP to chromedriver on this machine: no TLS stack needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("could not start a chromium session through chromedriver")
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
    if !browser_available() {
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
    c.goto(url).await.unwrap();
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
    if !browser_available() {
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
        c.goto(&page).await.unwrap();
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
        // Opened on its own, the chart names the point under the pointer.
        c.goto(&chart).await.unwrap();
        let under_pointer = eval_string(
            &c,
            "const marks = [...document.querySelectorAll('circle')].filter(e => e.querySelector('title'));\
             return marks.map(m => {\
               const r = m.getBoundingClientRect();\
               const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);\
               const t = hit && hit.querySelector('title');\
               return t ? t.textContent : 'nothing';\
             }).filter((t, i) => i === 0 || i === 35).join('\\n');",
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
    assert!(lines[0].starts_with("point 1: "), "{under_pointer}");
    assert!(
        lines[1].starts_with("point 36: ")
            && lines[1].contains("INS-000066")
            && lines[1].contains(" mbar"),
        "{under_pointer}"
    );
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
