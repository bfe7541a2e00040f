//! Search benchmark: one search index over a whole split manual, and what
//! it costs the reader, against pagefind on the same pages.
//!
//!     cargo bench --bench search -- [SOPS] [CHECKLISTS]   (default 2000 500)
//!     SOPBOOK_BENCH_PAGEFIND=/path/to/pagefind_extended cargo bench --bench search -- 10000 2500
//!
//! Publishes a synthetic workspace (the generator of benches/publish.rs)
//! as a split manual and prints:
//! - `publish`: the whole publish, books and the manual's index;
//! - `index rebuild`: reading the manual's index back and writing it again
//!   (what publish adds to mdBook's own per-book indexes);
//! - the index's size, and gzip-compressed;
//! - in chromium (when installed), over HTTP from this machine: the time
//!   from opening the search bar to the first results (the index loaded
//!   and parsed), a second search, and the page's JavaScript heap;
//! - with `SOPBOOK_BENCH_PAGEFIND`, the same for pagefind (the command
//!   line of the same version as the `pagefind` crate, same engine):
//!   indexing time, files and bytes, and the bytes and time of one search
//!   through its JavaScript API.
//!
//! `SOPBOOK_BENCH_DIR=<empty folder>` keeps the workspace and the manual.

#[path = "../tests/common/browser.rs"]
#[allow(dead_code)]
mod browser;

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sopbook::manual::{self, Manual, PublishOptions, search};
use sopbook::workspace::Workspace;

const SECTIONS: usize = 20;
const ROLES: usize = 8;

fn generate(root: &Path, sops: usize, checklists: usize) {
    let mut config = String::from(
        "[organisation]\nname = \"Bench Works\"\n\n[manual]\ntitle = \"Bench Manual\"\n\n",
    );
    for r in 0..ROLES {
        writeln!(config, "[[role]]\nid = \"role-{r}\"\nname = \"Role {r}\"\n").unwrap();
    }
    let prefix = |s: usize| {
        let a = (b'A' + (s / 26) as u8) as char;
        let b = (b'A' + (s % 26) as u8) as char;
        format!("S{a}{b}")
    };
    for s in 0..SECTIONS {
        writeln!(
            config,
            "[[section]]\nid = \"{}\"\ntitle = \"Section {s}\"\ndir = \"section-{s}\"\n",
            prefix(s)
        )
        .unwrap();
    }
    fs::write(root.join("sopbook.toml"), config).unwrap();
    let per_section = sops.div_ceil(SECTIONS);
    let sop_id = |i: usize| format!("{}-{:04}", prefix(i / per_section), i % per_section + 1);
    for i in 0..sops {
        let s = i / per_section;
        let dir = root.join(format!("manual/section-{s}"));
        fs::create_dir_all(&dir).unwrap();
        let related = sop_id((i + 7) % sops);
        let checklist = if checklists > 0 {
            format!("\"CL-{:04}\"", i % checklists + 1)
        } else {
            String::new()
        };
        let reading_path = if i < ROLES * 10 {
            format!(
                "reading_path = {{ role = \"role-{}\", order = {} }}\n",
                i % ROLES,
                i / ROLES + 1
            )
        } else {
            String::new()
        };
        let mut text = format!(
            "+++\nid = \"{}\"\ntitle = \"Procedure number {i}\"\nsection = \"{}\"\nowner = \"role-{}\"\nroles = [\"role-{}\", \"role-{}\"]\nreview_interval = \"12 months\"\nrelated = [\"{related}\"]\nchecklists = [{checklist}]\n{reading_path}+++\n\n",
            sop_id(i),
            prefix(s),
            i % ROLES,
            i % ROLES,
            (i + 1) % ROLES
        );
        text.push_str("## Purpose\n\nWhy this procedure exists, in a paragraph of ordinary length that a reader takes in at a glance.\n\n## Steps\n\n");
        for step in 1..=12 {
            writeln!(
                text,
                "{step}. Do the next thing carefully, record the result, and see [the related procedure](sop:{related}) when in doubt."
            )
            .unwrap();
        }
        text.push_str("\n## Records\n\nThe form is kept for two years.\n");
        fs::write(dir.join(format!("procedure-{i}.md")), text).unwrap();
    }
    fs::create_dir_all(root.join("checklists")).unwrap();
    for c in 0..checklists {
        let mut text = format!(
            "id = \"CL-{:04}\"\ntitle = \"Checklist {c}\"\nsop = \"{}\"\napplies_to = [\"Product {c}\"]\n",
            c + 1,
            sop_id(c % sops.max(1))
        );
        for k in 0..10 {
            let body = match k % 5 {
                0 => "kind = \"pass_fail\"\ncritical = true".to_string(),
                1 => "kind = \"measure\"\nunit = \"mm\"\nnominal = 10.0\nlower = 9.9\nupper = 10.1".to_string(),
                2 => "kind = \"choice\"\noptions = [\"good\", \"marked\", \"damaged\"]\npass = [\"good\", \"marked\"]".to_string(),
                3 => "kind = \"count\"\nmax = 2".to_string(),
                _ => "kind = \"text\"".to_string(),
            };
            writeln!(text, "\n[[item]]\nid = \"item-{k}\"\nprompt = \"Check {k}\"\n{body}\nhelp = \"How to check item {k}.\"").unwrap();
        }
        fs::write(root.join(format!("checklists/checklist-{c}.toml")), text).unwrap();
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Bytes of every file under `dir`, and how many files.
fn du(dir: &Path) -> (u64, usize) {
    let mut total = (0, 0);
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let (b, n) = du(&entry.path());
            total = (total.0 + b, total.1 + n);
        } else {
            total = (total.0 + entry.metadata().unwrap().len(), total.1 + 1);
        }
    }
    total
}

fn gzip_size(path: &Path) -> Option<u64> {
    let out = Command::new("gzip").arg("-c").arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

/// What the server sent: (path, bytes, when).
static SENT: std::sync::Mutex<Vec<(String, usize, Instant)>> = std::sync::Mutex::new(Vec::new());

/// The bytes sent for paths containing `part` since `since`, and the last one's time.
fn sent_since(part: &str, since: Instant) -> (usize, usize, Duration) {
    let sent = SENT.lock().unwrap();
    let mine: Vec<_> = sent
        .iter()
        .filter(|(p, _, t)| p.contains(part) && *t >= since)
        .collect();
    let last = mine
        .iter()
        .map(|(_, _, t)| t.duration_since(since))
        .max()
        .unwrap_or_default();
    (mine.len(), mine.iter().map(|(_, b, _)| b).sum(), last)
}

/// Serves the files under `root` over HTTP on a free port, for the browser.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/");
                let path = percent_decode(path.trim_start_matches('/'));
                let path = path.as_str();
                let file = root.join(if path.is_empty() { "index.html" } else { path });
                let mut stream = &stream;
                match fs::read(&file) {
                    Ok(body) => {
                        let kind = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript",
                            Some("css") => "text/css",
                            Some("json") => "application/json",
                            Some("svg") => "image/svg+xml",
                            _ => "application/octet-stream",
                        };
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(&body);
                        SENT.lock()
                            .unwrap()
                            .push((path.to_string(), body.len(), Instant::now()));
                    }
                    Err(_) => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                    }
                }
            });
        }
    });
    port
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if bytes[i] == b'%'
            && let Some(b) = hex
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Opens the search bar on a fresh load of the home page, types `query`,
/// and times the first results (index loaded and parsed), then a second
/// search. Returns (first ms, second ms, JS heap MB).
const MDBOOK_SEARCH: &str = r#"
const done = arguments[arguments.length - 1];
const [first, second] = [arguments[0], arguments[1]];
const t0 = performance.now();
document.getElementById('mdbook-search-toggle').click();
const bar = document.getElementById('mdbook-searchbar');
bar.value = first;
bar.dispatchEvent(new KeyboardEvent('keyup'));
const header = () => document.getElementById('mdbook-searchresults-header').innerText;
const waitFor = (q, t, next) => {
  if (document.querySelectorAll('#mdbook-searchresults li').length > 0 && header().includes(q)) {
    next(performance.now() - t);
  } else {
    setTimeout(() => waitFor(q, t, next), 2);
  }
};
waitFor(first, t0, (a) => {
  const t1 = performance.now();
  bar.value = second;
  bar.dispatchEvent(new KeyboardEvent('keyup'));
  waitFor(second, t1, (b) => {
    const heap = performance.memory ? performance.memory.usedJSHeapSize / 1e6 : 0;
    done([a, b, heap, document.querySelectorAll('#mdbook-searchresults li').length]);
  });
});
"#;

/// pagefind's JavaScript API: loads, searches, reads the first five
/// results. Returns (ms, results, 0, heap MB); the bytes fetched (by its
/// worker, out of the page's sight) are counted by the server.
const PAGEFIND_SEARCH: &str = r#"
const done = arguments[arguments.length - 1];
const query = arguments[0];
const t0 = performance.now();
import('/pagefind/pagefind.js').then(async (pf) => {
  const s = await pf.search(query);
  await Promise.all(s.results.slice(0, 5).map((r) => r.data()));
  const ms = performance.now() - t0;
  const bytes = 0;
  const heap = performance.memory ? performance.memory.usedJSHeapSize / 1e6 : 0;
  done([ms, s.results.length, bytes, heap]);
}).catch((e) => done(['error', String(e)]));
"#;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sops = args.first().copied().unwrap_or(2000);
    let checklists = args.get(1).copied().unwrap_or(500);
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("SOPBOOK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    let root = dir.join("ws");
    fs::create_dir_all(&root).unwrap();
    generate(&root, sops, checklists);
    let today = chrono::Local::now().date_naive();
    let out = dir.join("book");
    let opts = PublishOptions {
        out: &out,
        keep_source: None,
        progress: false,
        split_above: manual::pages::SPLIT_ABOVE,
    };
    let (published, publish) = time(|| {
        let ws = Workspace::load(&root).unwrap();
        manual::publish(&Manual::working_copies(&ws, today), &opts).unwrap()
    });
    let index = out.join(search::INDEX_FILE);
    // What a publish after one book changed pays for the index: the
    // books' parts read back and written out as the edition's index.
    let (parts, read) = time(|| {
        let mut parts: Vec<(PathBuf, String)> = fs::read_dir(out.join(search::BOOK_INDEXES))
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let text = fs::read_to_string(&path).unwrap();
                (path, text)
            })
            .collect();
        parts.sort();
        parts.into_iter().map(|(_, t)| t).collect::<Vec<_>>()
    });
    let (_, write) = time(|| {
        let js = search::edition_js(&parts).unwrap();
        fs::write(dir.join("index-again.js"), js).unwrap();
    });
    let docs: usize = search::read_parts(&fs::read_to_string(&index).unwrap())
        .unwrap()
        .iter()
        .map(|p| p["doc_urls"].as_array().map_or(0, Vec::len))
        .sum();
    let size = fs::metadata(&index).unwrap().len();
    let s = |d: Duration| d.as_secs_f64();
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "workspace: {sops} SOPs, {checklists} checklists, {} pages, {} books",
        published.pages, published.books
    );
    println!("publish                   {:8.3} s", s(publish));
    println!(
        "index rebuild             {:8.3} s   read {:.3} s + write {:.3} s, {} documents",
        s(read + write),
        s(read),
        s(write),
        docs
    );
    println!(
        "index size                {:8.2} MB  gzip {:.2} MB",
        mb(size),
        gzip_size(&index).map_or(0.0, mb)
    );

    let pagefind = std::env::var_os("SOPBOOK_BENCH_PAGEFIND").map(|bin| {
        let (run, took) = time(|| {
            Command::new(&bin)
                .args([
                    "--site",
                    &out.display().to_string(),
                    "--output-subdir",
                    "pagefind",
                ])
                .output()
                .expect("could not run pagefind")
        });
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let (bytes, files) = du(&out.join("pagefind"));
        println!(
            "pagefind index            {:8.3} s   {} files, {:.2} MB",
            s(took),
            files,
            mb(bytes)
        );
    });

    if !browser::browser_available("the browser part of the search benchmark") {
        return;
    }
    let port = serve(out.clone());
    let (_driver, driver_port) = browser::start_driver();
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = browser::connect(driver_port, profile.path(), (1280, 1000), None, &[]).await;
        let home = format!("http://127.0.0.1:{port}/index.html");
        for round in 1..=2 {
            browser::open(&c, &home).await;
            let since = Instant::now();
            let r = c
                .execute_async(
                    MDBOOK_SEARCH,
                    vec!["procedure".into(), "carefully record".into()],
                )
                .await
                .unwrap();
            let (_, bytes, _) = sent_since(search::INDEX_FILE, since);
            println!(
                "search, sopbook index     {:8.0} ms  first results (load + parse), {:.0} ms the next search, {:.2} MB fetched, heap {:.0} MB{}",
                r[0].as_f64().unwrap_or(0.0),
                r[1].as_f64().unwrap_or(0.0),
                mb(bytes as u64),
                r[2].as_f64().unwrap_or(0.0),
                if round == 1 { "" } else { " (cached)" }
            );
        }
        if pagefind.is_some() {
            for (round, query) in [(1, "procedure"), (2, "procedure"), (2, "number 17")] {
                browser::open(&c, &home).await;
                let since = Instant::now();
                let r = c
                    .execute_async(PAGEFIND_SEARCH, vec![query.into()])
                    .await
                    .unwrap();
                let (files, bytes, last) = sent_since("pagefind/", since);
                println!(
                    "search, pagefind          {:8.0} ms  `{query}`: {} results, {files} files {:.2} MB fetched (last after {} ms), heap {:.0} MB{}",
                    r[0].as_f64().unwrap_or(0.0),
                    r[1],
                    mb(bytes as u64),
                    last.as_millis(),
                    r[3].as_f64().unwrap_or(0.0),
                    if round == 1 { "" } else { " (cached)" }
                );
            }
        }
        let _ = c.close().await;
    });
}
