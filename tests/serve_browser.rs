//! `sopbook serve` in a real browser at phone size: sign in, run a
//! checklist with one measurement out of spec and a note holding markup,
//! review, confirm, and the inspection is in `sopbook inspections list`;
//! the note stays text and every control is large enough to tap.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test
//! prints why it did nothing and passes, unless `SOPBOOK_TEST_BROWSER=1`
//! says the browser must be there (CI). With `SOPBOOK_SCREENSHOTS=DIR` it
//! also leaves screenshots of every page at phone and tablet size in DIR,
//! to look at (they are not kept in the repository).

#[path = "common/browser.rs"]
mod browser_support;
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use browser_support::{Running, browser_available, free_port, open, start_driver, wait_for_port};
use common::{PASSWORD, Ws};
use fantoccini::{Client, Locator};

const HOSTILE: &str = "<img src=x onerror=alert(1)>";
/// A phone: 390 x 844 CSS pixels.
const PHONE: (u32, u32) = (390, 844);
/// A tablet, for the screenshots.
const TABLET: (u32, u32) = (820, 1180);

/// `sopbook serve` on a free loopback port in the workspace.
fn start_server(ws: &Ws, station: &str) -> (Running, u16) {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopbook"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--station",
            station,
        ])
        .current_dir(ws.path())
        .env_remove("SOPBOOK_WORKSPACE")
        .env_remove("SOPBOOK_DATABASE")
        .env_remove("SOPBOOK_PASSWORD")
        .env_remove("SOPBOOK_STATION")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("could not start sopbook serve");
    wait_for_port(port, "sopbook serve", &mut child);
    (Running(child), port)
}

async fn connect(port: u16, profile: &Path) -> Client {
    browser_support::connect(port, profile, PHONE, None, &["--hide-scrollbars"]).await
}

async fn eval(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Screenshots of the page as it is, when `SOPBOOK_SCREENSHOTS` names a
/// folder: the phone's screen, the whole page at phone width, and the
/// whole page at tablet width.
struct Shots(Option<PathBuf>);

impl Shots {
    fn from_env() -> Shots {
        Shots(std::env::var_os("SOPBOOK_SCREENSHOTS").map(PathBuf::from))
    }

    async fn take(&self, c: &Client, name: &str) {
        let Some(dir) = &self.0 else { return };
        std::fs::create_dir_all(dir).unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-phone.png")), png).unwrap();
        for (label, (width, _)) in [("phone-full", PHONE), ("tablet-full", TABLET)] {
            // Twice: the page's height at the new width is known only after it is laid out.
            // The window is taller than the page by the browser's own bar.
            for _ in 0..2 {
                let height = eval(c, "return document.documentElement.scrollHeight;")
                    .await
                    .as_u64()
                    .unwrap_or(u64::from(PHONE.1))
                    .clamp(u64::from(PHONE.1), 8000);
                c.set_window_size(width, height as u32 + 200).await.unwrap();
            }
            eval(c, "window.scrollTo(0, 0); return 0;").await;
            let png = c.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{label}.png")), png).unwrap();
        }
        c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    }
}

/// Controls on the page smaller than 48 CSS pixels in either direction:
/// (what, width, height).
async fn small_targets(c: &Client) -> Vec<serde_json::Value> {
    let script = r#"
        const small = [];
        const targets = document.querySelectorAll(
            'main button, main .button, main input:not([type=hidden]):not([type=radio]), main .choices span, main textarea');
        for (const el of targets) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue; // inside a closed <details>
            if (r.height < 48 || r.width < 48) {
                small.push([el.outerHTML.slice(0, 80), Math.round(r.width), Math.round(r.height)]);
            }
        }
        return small;"#;
    eval(c, script)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn click(c: &Client, css: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"));
    // As a thumb would: with the control in the middle of the screen, not
    // under the bar at the bottom.
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&el).unwrap()],
    )
    .await
    .unwrap();
    el.click()
        .await
        .unwrap_or_else(|e| panic!("could not click {css}: {e}"));
}

async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn path(c: &Client) -> String {
    let url = c.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// The text of an element, once the page that has it is there.
async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
        .text()
        .await
        .unwrap()
}

/// Waits until the browser is at `want` (a path with its query).
async fn at(c: &Client, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = path(c).await;
        if now == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the browser is at {now}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The whole run on the floor; returns what the test checks afterwards.
async fn run_the_floor(c: &Client, base: &str, shots: &Shots) {
    c.goto(&format!("{base}/")).await.unwrap();
    at(c, "/signin?next=/").await;
    shots.take(c, "signin").await;
    type_into(c, "#person", "bob").await;
    type_into(c, "#password", "wrong").await;
    click(c, "form.stack button[type=submit]").await;
    assert!(
        text_of(c, ".alert")
            .await
            .contains("wrong password for bob"),
        "a wrong password is said on the page"
    );
    shots.take(c, "signin-refused").await;
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    click(c, "form.stack button[type=submit]").await;
    at(c, "/").await;
    assert!(
        small_targets(c).await.is_empty(),
        "{:?}",
        small_targets(c).await
    );
    shots.take(c, "checklists").await;

    click(c, "a.card[href='/inspect/CL-001']").await;
    at(c, "/inspect/CL-001").await;
    shots.take(c, "start").await;
    // A barcode scanner types the lot and presses Enter.
    type_into(c, "#lot", "L-42\n").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form.sheet"))
        .await
        .expect("the form did not open after the lot");
    let small = small_targets(c).await;
    assert!(small.is_empty(), "controls under 48 px: {small:?}");
    assert_eq!(
        eval(
            c,
            "return document.querySelector(\"input[name='v:length']\").inputMode;"
        )
        .await,
        "decimal",
        "a measurement brings up the number keyboard"
    );
    shots.take(c, "items-empty").await;

    click(c, "label.pass:has(input[name='v:label']) span").await;
    // A slip of the finger first: the form comes back with the item marked.
    type_into(c, "input[name='v:length']", "12l.1").await;
    click(c, "label:has(input[name='v:finish'][value='good']) span").await;
    type_into(c, "input[name='v:scratches']", "0").await;
    type_into(c, "input[name='v:remarks']", "none").await;
    click(c, "#item-finish details.note summary").await;
    type_into(c, "textarea[name='n:finish']", HOSTILE).await;
    shots.take(c, "items-filled").await;
    click(c, "form.sheet .actions button[type=submit]").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("fieldset.wrong"))
        .await
        .expect("a bad value did not send the form back");
    assert_eq!(
        text_of(c, "#item-length .problem").await,
        "length is a measurement in mm: 12l.1 is not a number"
    );
    shots.take(c, "items-wrong").await;
    let length = c
        .find(Locator::Css("input[name='v:length']"))
        .await
        .unwrap();
    length.clear().await.unwrap();
    length.send_keys("121.1").await.unwrap();
    click(c, "form.sheet .actions button[type=submit]").await;

    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form.confirm"))
        .await
        .expect("the review did not show");
    assert!(text_of(c, ".verdict").await.starts_with("FAIL"));
    assert!(
        text_of(c, "li.result.fail")
            .await
            .contains("0.6 mm above the upper limit 120.5"),
        "the measurement says how far out of spec it is"
    );
    let note = text_of(c, "li.result .note-text").await;
    assert_eq!(note, format!("Note: {HOSTILE}"), "the note shows as text");
    assert_eq!(eval(c, "return document.images.length;").await, 0);
    shots.take(c, "review").await;
    click(c, "form.confirm button.primary").await;

    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("dl.facts"))
        .await
        .expect("the recorded inspection did not show");
    at(c, "/inspections/INS-000001?recorded=new").await;
    assert!(text_of(c, ".verdict").await.contains("NC-0001"));
    assert!(text_of(c, "ol.results").await.contains(HOSTILE));
    assert_eq!(eval(c, "return document.images.length;").await, 0);
    shots.take(c, "recorded").await;

    open(c, &format!("{base}/manual/")).await;
    assert!(
        c.title().await.unwrap().contains("Fixture Manual"),
        "the manual is served under /manual/"
    );
    shots.take(c, "manual").await;
}

#[test]
fn an_inspection_from_a_phone_is_recorded_and_a_hostile_note_stays_text() {
    if !browser_available("browser test of sopbook serve") {
        return;
    }
    let ws = Ws::fixture("base");
    ws.release_all();
    let (_server, server_port) = start_server(&ws, "line-9");
    assert!(
        ws.path().join("book/index.html").is_file(),
        "serve publishes the manual when there is none"
    );
    let (_driver, driver_port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let shots = Shots::from_env();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = connect(driver_port, profile.path()).await;
        // The steps run as a task of their own, so that the browser is
        // closed (not left running) when one of them fails.
        let steps = c.clone();
        let run = tokio::spawn(async move {
            steps.set_window_size(PHONE.0, PHONE.1).await.unwrap();
            let width = eval(&steps, "return window.innerWidth;").await;
            assert_eq!(width, PHONE.0, "the page is laid out at phone width");
            let base = format!("http://127.0.0.1:{server_port}");
            run_the_floor(&steps, &base, &shots).await;
        })
        .await;
        let _ = c.close().await;
        if let Err(failed) = run {
            std::panic::resume_unwind(failed.into_panic());
        }
    });
    let run = ws.run(&["inspections", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(
        (
            rows[0]["name"].as_str(),
            rows[0]["lot"].as_str(),
            rows[0]["inspector"].as_str(),
            rows[0]["station"].as_str(),
            rows[0]["verdict"].as_str()
        ),
        (
            Some("INS-000001"),
            Some("L-42"),
            Some("bob"),
            Some("line-9"),
            Some("fail")
        )
    );
}
