//! Headless chromium through chromedriver, for the tests that look at pages
//! the way a reader does. Included by those tests only
//! (`#[path = "common/browser.rs"] mod browser_support;`).

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A child process (chromedriver, a server), stopped when the test ends
/// however it ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether the browser is installed; without it, fails when CI asked for
/// the browser tests (`SOPBOOK_TEST_BROWSER=1`) and otherwise says why
/// `what` did nothing.
pub fn browser_available(what: &str) -> bool {
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
        "note: {what} skipped: {} not installed (apt-get install -y chromium chromium-driver; \
         set SOPBOOK_TEST_BROWSER=1 to make this an error)",
        missing.join(" and ")
    );
    false
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `child` (called `what`) listens on `port`, at most 30 s.
pub fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} ended ({status}) before it listened on port {port}");
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// chromedriver on a free port.
pub fn start_driver() -> (Running, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("could not start chromedriver");
    let mut running = Running(child);
    wait_for_port(port, "chromedriver", &mut running.0);
    (running, port)
}

/// A chromium session with its own profile: a window of `window` pixels,
/// or an emulated `phone` screen (touch, the page's viewport honoured: a
/// headless window cannot be made narrower than 500 px), and `extra`
/// command-line switches.
pub async fn connect(
    port: u16,
    profile: &Path,
    window: (u32, u32),
    phone: Option<(u32, u32)>,
    extra: &[&str],
) -> Client {
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--window-size={},{}", window.0, window.1),
        format!("--user-data-dir={}", profile.display()),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut options = serde_json::json!({ "binary": CHROMIUM, "args": args });
    if let Some((width, height)) = phone {
        options["mobileEmulation"] = serde_json::json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "touch": true },
        });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    // Plain HTTP to chromedriver on this machine: no TLS stack needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("could not start a chromium session through chromedriver")
}

/// Goes to `url` and returns once that page, not the one before it nor a
/// blank one in between, has finished loading. A bare `goto` has been seen
/// to return early on a loaded machine.
pub async fn open(c: &Client, url: &str) {
    c.goto(url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let loaded = "const want = decodeURI(arguments[0]).replace(/\\/$/, ''); \
                  const here = decodeURI(location.href).replace(/[#?].*$/, '').replace(/\\/$/, ''); \
                  return document.readyState === 'complete' && here === want;";
    loop {
        let done = c
            .execute(loaded, vec![serde_json::Value::String(url.to_string())])
            .await
            .unwrap_or(serde_json::Value::Bool(false));
        if done == serde_json::Value::Bool(true) {
            return;
        }
        assert!(Instant::now() < deadline, "{url} had not loaded after 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `sopbook serve` in the workspace at `dir`, on `port`.
#[allow(dead_code)] // the published manual's browser tests start no server
pub fn serve_on(dir: &Path, station: &str, port: u16) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopbook"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--station",
            station,
        ])
        .current_dir(dir)
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
    Running(child)
}
