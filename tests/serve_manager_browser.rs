//! The manager's page of `sopbook serve` in a real browser at tablet size,
//! on the demo's records: every chart loads (as an image from the server,
//! no script), and the page fits the screen: nothing wider than the window.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test
//! prints why it did nothing and passes, unless `SOPBOOK_TEST_BROWSER=1`
//! says the browser must be there (CI).

#[path = "common/browser.rs"]
mod browser_support;
mod common;

use browser_support::{Running, browser_available, free_port, open, serve_on, start_driver};
use common::Ws;
use fantoccini::{Client, Locator};

/// A tablet: 820 x 1180 CSS pixels.
const TABLET: (u32, u32) = (820, 1180);

/// The sample workspace with the demo's records.
fn demo() -> Ws {
    let ws = Ws::sample();
    let run = ws.run(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

fn start_server(ws: &Ws) -> (Running, u16) {
    let port = free_port();
    (serve_on(ws.path(), "line-1", port), port)
}

async fn eval(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

async fn sign_in(c: &Client, base: &str) {
    open(c, &format!("{base}/signin")).await;
    for (css, text) in [("#person", "ingrid"), ("#password", "nordvann-demo")] {
        c.find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("a.manage-link"))
        .await
        .expect("signed in, the header links to the manager's page");
}

async fn look_at_the_manager_page(c: &Client, base: &str) {
    sign_in(c, base).await;
    open(c, &format!("{base}/manage")).await;
    let width = eval(c, "return window.innerWidth;").await;
    assert_eq!(width, TABLET.0, "the page is laid out at tablet width");
    // Every chart is an image that loaded: complete, with a size of its own.
    let charts = eval(
        c,
        r#"
        const imgs = [...document.querySelectorAll('.chart img')];
        return Promise.all(imgs.map(i => i.decode().then(() => null, () => null))).then(() =>
            imgs.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0, Math.round(i.getBoundingClientRect().width)]));
        "#,
    )
    .await;
    let charts = charts.as_array().unwrap();
    assert!(
        charts.len() >= 3,
        "fpy, Pareto and control charts: {charts:?}"
    );
    for chart in charts {
        assert_eq!(chart[1], true, "a chart did not load: {chart}");
        let shown = chart[2].as_u64().unwrap();
        assert!(
            shown > 300 && shown <= u64::from(TABLET.0),
            "a chart is {shown} px wide on a {} px screen: {chart}",
            TABLET.0
        );
    }
    // Nothing sticks out to the side: the page scrolls only down.
    let overflow = eval(
        c,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await;
    assert_eq!(overflow, 0, "the page is wider than the screen");
    let wide = eval(
        c,
        r#"
        const w = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .map(e => e.outerHTML.slice(0, 80));
        "#,
    )
    .await;
    assert_eq!(
        wide,
        serde_json::json!([]),
        "elements beyond the right edge"
    );
    let open_ncs = eval(
        c,
        "return document.querySelectorAll('#open + .scroll tbody tr').length;",
    )
    .await;
    assert!(
        open_ncs.as_u64().unwrap() > 0,
        "the demo has open nonconformances"
    );
}

#[test]
fn the_manager_page_loads_its_charts_and_fits_a_tablet() {
    if !browser_available("browser test of the manager's page") {
        return;
    }
    let ws = demo();
    let (_server, server_port) = start_server(&ws);
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
            TABLET,
            None,
            &["--hide-scrollbars"],
        )
        .await;
        let steps = c.clone();
        let run = tokio::spawn(async move {
            steps.set_window_size(TABLET.0, TABLET.1).await.unwrap();
            let base = format!("http://127.0.0.1:{server_port}");
            look_at_the_manager_page(&steps, &base).await;
        })
        .await;
        let _ = c.close().await;
        if let Err(failed) = run {
            std::panic::resume_unwind(failed.into_panic());
        }
    });
}
