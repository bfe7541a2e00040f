//! `sopbook serve` in a real browser at phone size: sign in, run a
//! checklist with one measurement out of spec and a note holding markup,
//! review, confirm, and the inspection is in `sopbook inspections list`;
//! the note stays text and every control is large enough to tap. Then what
//! the floor's script adds: live spec feedback and count steppers at tablet
//! size, a confirm while the server is down that records one inspection
//! once it is back, and a reload of a half-filled form that keeps its
//! answers.
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
use std::time::{Duration, Instant};

use browser_support::{Running, browser_available, free_port, open, serve_on, start_driver};
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
    (serve_on(ws.path(), station, port), port)
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
        let (_, _, was_width, was_height) = c.get_window_rect().await.unwrap();
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
        c.set_window_size(was_width as u32, was_height as u32)
            .await
            .unwrap();
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
    // A barcode scanner types the lot and presses Enter: on to the serial,
    // where Enter starts the form.
    type_into(c, "#lot", "L-42\n").await;
    assert_eq!(
        eval(c, "return document.activeElement.id;").await,
        "serial",
        "Enter in the lot moves to the serial"
    );
    assert_eq!(
        path(c).await,
        "/inspect/CL-001",
        "and does not start the form"
    );
    type_into(c, "#serial", "\n").await;
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
    to_review(c).await;
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

/// What the confirm says while the server cannot be reached.
const UNREACHABLE: &str = "The server cannot be reached. Your answers are kept on this tablet; trying again every 5 seconds.";

/// One browser at a time: the machines that run these tests are small.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `steps` in a fresh chromium with a window of `window` pixels, and
/// closes the browser however the steps end.
fn in_browser<F, Fut>(window: (u32, u32), steps: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
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
            window,
            None,
            &["--hide-scrollbars"],
        )
        .await;
        c.set_window_size(window.0, window.1).await.unwrap();
        let run = tokio::spawn(steps(c.clone())).await;
        let _ = c.close().await;
        if let Err(failed) = run {
            std::panic::resume_unwind(failed.into_panic());
        }
    });
}

/// Signs `person` in and opens the form of CL-001 for `lot`, as a scanner
/// would type it (Enter after the lot, Enter after the empty serial).
async fn open_lot(c: &Client, base: &str, person: &str, lot: &str) {
    open(c, &format!("{base}/signin")).await;
    type_into(c, "#person", person).await;
    type_into(c, "#password", PASSWORD).await;
    click(c, "form.stack button[type=submit]").await;
    at(c, "/").await;
    open(c, &format!("{base}/inspect/CL-001")).await;
    type_into(c, "#lot", &format!("{lot}\n")).await;
    type_into(c, "#serial", "\n").await;
    form_shows(c).await;
}

/// Sends the form for review and waits for the review to show.
async fn to_review(c: &Client) {
    click(c, "form.sheet .actions button[type=submit]").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form.confirm"))
        .await
        .expect("the review did not show");
}

async fn form_shows(c: &Client) {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form.sheet"))
        .await
        .expect("the form did not open");
}

async fn value_of(c: &Client, css: &str) -> String {
    let script = format!("return document.querySelector(\"{css}\").value;");
    eval(c, &script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The forms this browser keeps, as (checklist, lot, serial) of each.
async fn kept(c: &Client) -> serde_json::Value {
    eval(
        c,
        "return Object.keys(localStorage).filter(k => k.startsWith('sopbook.form:')).map(k => JSON.parse(k.slice(13)));",
    )
    .await
}

/// Fills in every item of CL-001 but the label and the length.
async fn fill_the_rest(c: &Client) {
    click(c, "label:has(input[name='v:finish'][value='good']) span").await;
    type_into(c, "input[name='v:scratches']", "0").await;
    type_into(c, "input[name='v:remarks']", "none").await;
}

fn inspections_listed(dir: &Path) -> Vec<serde_json::Value> {
    let run = common::run_in(dir, &["inspections", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    list.as_array().unwrap().clone()
}

#[test]
fn on_a_tablet_a_measurement_says_out_of_spec_as_it_is_typed_and_counts_step() {
    if !browser_available("browser test of sopbook serve") {
        return;
    }
    let ws = Ws::fixture("base");
    ws.release_all();
    let (_server, port) = start_server(&ws, "line-9");
    let shots = Shots::from_env();
    in_browser(TABLET, move |c| async move {
        assert_eq!(eval(&c, "return window.innerWidth;").await, TABLET.0);
        let base = format!("http://127.0.0.1:{port}");
        open_lot(&c, &base, "bob", "L-5").await;
        click(&c, "label.pass:has(input[name='v:label']) span").await;
        type_into(&c, "input[name='v:length']", "120.5").await;
        assert_eq!(text_of(&c, "#item-length .live").await, "in spec");
        type_into(&c, "input[name='v:length']", "3").await;
        assert_eq!(
            text_of(&c, "#item-length .live").await,
            "out of spec by 0.03 mm (above 120.5)",
            "said as soon as it is typed"
        );
        type_into(
            &c,
            "input[name='v:length']",
            "\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}119,4",
        )
        .await;
        assert_eq!(
            text_of(&c, "#item-length .live").await,
            "out of spec by 0.1 mm (below 119.5)",
            "a comma is a decimal point, as the server reads it"
        );

        let more = "#item-scratches button[aria-label='One more']";
        let fewer = "#item-scratches button[aria-label='One fewer']";
        for _ in 0..3 {
            click(&c, more).await;
        }
        assert_eq!(value_of(&c, "input[name='v:scratches']").await, "3");
        for _ in 0..5 {
            click(&c, fewer).await;
        }
        assert_eq!(
            value_of(&c, "input[name='v:scratches']").await,
            "0",
            "a count never goes below 0"
        );
        click(&c, more).await;
        let small = small_targets(&c).await;
        assert!(small.is_empty(), "controls under 48 px: {small:?}");
        shots.take(&c, "tablet-live").await;

        click(&c, "label:has(input[name='v:finish'][value='good']) span").await;
        type_into(&c, "input[name='v:remarks']", "none").await;
        to_review(&c).await;
        assert!(
            text_of(&c, "li.result.fail")
                .await
                .contains("0.1 mm below the lower limit 119.5"),
            "the server's review says what the page said"
        );
        shots.take(&c, "tablet-review").await;
    });
}

/// An inspector who works in Hebrew: the form is right to left and what
/// the page's script says beside a measurement, on the steppers and in the
/// review is Hebrew. The checklist has no Hebrew translation here, so its
/// prompts are as written, under a note that says so.
#[test]
fn a_hebrew_form_says_its_own_words_in_hebrew_as_it_is_filled_in() {
    if !browser_available("browser test of sopbook serve") {
        return;
    }
    let ws = Ws::fixture("base");
    let config = ws.read("sopbook.toml");
    ws.write(
        "sopbook.toml",
        &format!(
            "{config}\n[[language]]\ncode = \"en\"\nname = \"English\"\nsource = true\n\n\
             [[language]]\ncode = \"he\"\nname = \"עברית\"\n"
        ),
    );
    ws.edit(
        "sopbook.toml",
        "name = \"Bob Boss\"",
        "name = \"Bob Boss\"\nlanguage = \"he\"",
    );
    ws.release_all();
    let (_server, port) = start_server(&ws, "line-9");
    let shots = Shots::from_env();
    in_browser(TABLET, move |c| async move {
        let base = format!("http://127.0.0.1:{port}");
        open_lot(&c, &base, "bob", "L-HE").await;
        assert_eq!(
            eval(&c, "return document.querySelector('form.sheet').dir;").await,
            "rtl"
        );
        type_into(&c, "input[name='v:length']", "121").await;
        assert_eq!(
            text_of(&c, "#item-length .live").await,
            "מחוץ למפרט ב-0.5 mm (מעל 120.5)"
        );
        type_into(&c, "input[name='v:length']", "\u{8}\u{8}\u{8}x").await;
        assert_eq!(text_of(&c, "#item-length .live").await, "אינו מספר");
        type_into(&c, "input[name='v:length']", "\u{8}120").await;
        assert_eq!(text_of(&c, "#item-length .live").await, "בתחום המפרט");
        click(&c, "#item-scratches button[aria-label='אחד יותר']").await;
        assert_eq!(value_of(&c, "input[name='v:scratches']").await, "1");
        click(&c, "label.fail:has(input[name='v:label']) span").await;
        click(&c, "label:has(input[name='v:finish'][value='good']) span").await;
        type_into(&c, "input[name='v:remarks']", "-").await;
        shots.take(&c, "tablet-hebrew-form").await;
        to_review(&c).await;
        assert!(
            text_of(&c, ".verdict.fail")
                .await
                .starts_with("פסול 1 סעיף נכשל."),
            "{}",
            text_of(&c, ".verdict.fail").await
        );
        shots.take(&c, "tablet-hebrew-review").await;
    });
}

#[test]
fn a_confirm_while_the_server_is_down_keeps_trying_and_records_one_inspection() {
    if !browser_available("browser test of sopbook serve") {
        return;
    }
    let ws = Ws::fixture("base");
    ws.release_all();
    let (server, port) = start_server(&ws, "line-9");
    let dir = ws.path().to_path_buf();
    let shots = Shots::from_env();
    in_browser(TABLET, move |c| async move {
        let base = format!("http://127.0.0.1:{port}");
        open_lot(&c, &base, "bob", "L-9").await;
        click(&c, "label.pass:has(input[name='v:label']) span").await;
        type_into(&c, "input[name='v:length']", "120.1").await;
        fill_the_rest(&c).await;
        to_review(&c).await;

        drop(server);
        click(&c, "form.confirm button.primary").await;
        assert_eq!(text_of(&c, ".alert.offline").await, UNREACHABLE);
        assert_eq!(
            kept(&c).await,
            serde_json::json!([["CL-001", "L-9", ""]]),
            "the answers are kept"
        );
        shots.take(&c, "offline").await;
        assert!(inspections_listed(&dir).is_empty());

        let _server = serve_on(&dir, "line-9", port);
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("dl.facts"))
            .await
            .expect("the recorded inspection did not show once the server was back");
        at(&c, "/inspections/INS-000001?recorded=new").await;
        assert_eq!(text_of(&c, ".done").await, "Recorded.");
        assert_eq!(
            kept(&c).await,
            serde_json::json!([]),
            "recorded: nothing is kept any more"
        );
        let rows = inspections_listed(&dir);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["lot"], "L-9");
        assert_eq!(rows[0]["verdict"], "pass");
    });
}

#[test]
fn a_review_while_the_server_is_down_waits_for_it_and_shows_the_review() {
    if !browser_available("browser test of sopbook serve") {
        return;
    }
    let ws = Ws::fixture("base");
    ws.release_all();
    let (server, port) = start_server(&ws, "line-9");
    let dir = ws.path().to_path_buf();
    in_browser(PHONE, move |c| async move {
        let base = format!("http://127.0.0.1:{port}");
        open_lot(&c, &base, "bob", "L-10").await;
        click(&c, "label.pass:has(input[name='v:label']) span").await;
        type_into(&c, "input[name='v:length']", "120.1").await;
        fill_the_rest(&c).await;

        drop(server);
        click(&c, "form.sheet .actions button[type=submit]").await;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("form.sheet .alert.offline"))
            .await
            .expect("the form did not say the server is away");
        assert_eq!(text_of(&c, "form.sheet .alert.offline").await, UNREACHABLE);
        assert_eq!(
            value_of(&c, "input[name='v:length']").await,
            "120.1",
            "the form stays, with its answers"
        );

        let _server = serve_on(&dir, "line-9", port);
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("form.confirm"))
            .await
            .expect("the review did not show once the server was back");
        assert!(
            text_of(&c, "main").await.contains("120.1"),
            "the review shows the answers"
        );
        assert!(
            inspections_listed(&dir).is_empty(),
            "a review records nothing"
        );
    });
}

/// The half-filled form of the reload test, filled in again.
async fn answers_are_back(c: &Client, key: &str) {
    assert!(
        text_of(c, ".kept-notice")
            .await
            .contains("are filled in again. Nothing was recorded yet."),
    );
    let label = "return document.querySelector(\"input[name='v:label'][value='pass']\").checked;";
    assert_eq!(eval(c, label).await, true);
    assert_eq!(value_of(c, "input[name='v:length']").await, "120.1");
    assert_eq!(text_of(c, "#item-length .live").await, "in spec");
    assert_eq!(value_of(c, "input[name='v:scratches']").await, "1");
    assert_eq!(
        value_of(c, "textarea[name='n:finish']").await,
        "checked twice"
    );
    assert_eq!(
        value_of(c, "input[name='key']").await,
        key,
        "the same submission key: it can only record once"
    );
}

#[test]
fn a_reload_or_reopening_of_a_half_filled_form_fills_in_its_answers_again() {
    if !browser_available("browser test of sopbook serve") {
        return;
    }
    let ws = Ws::fixture("base");
    ws.release_all();
    let (_server, port) = start_server(&ws, "line-9");
    let dir = ws.path().to_path_buf();
    let shots = Shots::from_env();
    in_browser(PHONE, move |c| async move {
        let base = format!("http://127.0.0.1:{port}");
        open_lot(&c, &base, "bob", "L-8").await;
        let key = value_of(&c, "input[name='key']").await;
        click(&c, "label.pass:has(input[name='v:label']) span").await;
        type_into(&c, "input[name='v:length']", "120.1").await;
        click(&c, "#item-scratches button[aria-label='One more']").await;
        click(&c, "#item-finish details.note summary").await;
        type_into(&c, "textarea[name='n:finish']", "checked twice").await;

        c.refresh().await.unwrap();
        form_shows(&c).await;
        answers_are_back(&c, &key).await;
        shots.take(&c, "restored").await;

        // Away and back: the checklist's page offers the kept form.
        open(&c, &format!("{base}/inspect/CL-001")).await;
        assert_eq!(
            text_of(&c, ".kept-list").await,
            format!(
                "Not recorded yet, kept on this tablet\nLot L-8 · 3 answers · {}\nContinue\nDiscard",
                text_of(&c, ".kept-form p")
                    .await
                    .rsplit(" · ")
                    .next()
                    .unwrap()
            )
        );
        shots.take(&c, "start-kept").await;
        click(&c, ".kept-form button.primary").await;
        form_shows(&c).await;
        answers_are_back(&c, &key).await;

        fill_the_rest(&c).await;
        to_review(&c).await;
        click(&c, "form.confirm button.primary").await;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("dl.facts"))
            .await
            .expect("the recorded inspection did not show");
        assert_eq!(kept(&c).await, serde_json::json!([]));
        open(&c, &format!("{base}/inspect/CL-001")).await;
        assert_eq!(
            eval(&c, "return document.querySelectorAll('.kept-list').length;").await,
            0,
            "a recorded form is not offered again"
        );
        assert_eq!(inspections_listed(&dir).len(), 1);
    });
}
