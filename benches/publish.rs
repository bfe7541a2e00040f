//! Publishing benchmark: synthetic workspaces of N SOPs and M checklists,
//! every figure timed in one run against plain mdbook-driver building the
//! same books (the baseline).
//!
//!     cargo bench --bench publish -- [SOPS] [CHECKLISTS] [--quick] [--one-language]
//!     cargo bench --bench publish -- [SOPS] [CHECKLISTS] --make DIR [--languages]
//!
//! (`--make` only writes the workspace into DIR, to profile by hand.)
//!
//! (default 2000 500). The workspaces and manuals are made in temporary
//! folders: with `TMPDIR=/dev/shm`, in memory, so that a slow or busy disk
//! does not decide the figures.
//!
//! Prints, each the best of a few runs:
//! - `baseline`: mdbook-driver alone (`MDBook::load` + `build`) building the
//!   books sopbook's publish made the source of (`--keep-source`), as many
//!   at a time as the machine has cores, as sopbook builds them. mdBook
//!   makes its own search index of every book there; sopbook turns that
//!   off and indexes the books itself, so both make a search index;
//! - `publish`: sopbook's whole publish of the working copies (load and
//!   check every file, pages, build, swap) into a new folder, and its ratio
//!   to the baseline (target: at most 1.0);
//! - `republish`: after one SOP's text changed, into the folder of the
//!   previous publish (target: at most 0.10 of `publish`);
//! - the same two by the binary, `sopbook publish --drafts` in a new
//!   process each time, with the allocator it is built with;
//! - the same in 3 languages (every SOP and checklist translated into two);
//! - `translations`: `ops::translations` over SOPS SOPs x 3 languages, with
//!   their revisions and translations in a SQLite store (target: 0.3 s);
//! - `publish at 5x`: SOPS x 5 SOPs, against 5 times `publish` (target: at
//!   most 6x the time for 5x the pages). `--quick` skips it.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use mdbook_driver::MDBook;
use sopbook::manual::{self, Manual, PublishOptions};
use sopbook::model::records::Records;
use sopbook::ops::translations::{self, TranslationsInput};
use sopbook::ops::{Context, Settings};
use sopbook::store::{
    Batch, ChangeKind, ChangeRow, DocKind, Insert, Meaning, RevisionRow, RowRef, SignatureRow,
    sha256_hex,
};
use sopbook::workspace::Workspace;

const SECTIONS: usize = 20;
const ROLES: usize = 8;

/// The target languages of a workspace in several languages.
const LANGUAGES: [&str; 2] = ["nb", "he"];

fn generate(root: &Path, sops: usize, checklists: usize, languages: bool) {
    let mut config = String::from(
        "[organisation]\nname = \"Bench Works\"\n\n[manual]\ntitle = \"Bench Manual\"\n\n",
    );
    if languages {
        config.push_str("[[language]]\ncode = \"en\"\nname = \"English\"\nsource = true\n\n[[language]]\ncode = \"nb\"\nname = \"Norsk\"\n\n[[language]]\ncode = \"he\"\nname = \"Hebrew\"\ndirection = \"rtl\"\n\n");
    }
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
        if languages {
            for l in LANGUAGES {
                fs::write(
                    dir.join(format!("procedure-{i}.{l}.md")),
                    translated_sop(&sop_id(i), i, l),
                )
                .unwrap();
            }
        }
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
        if languages {
            for l in LANGUAGES {
                let mut t = format!(
                    "translates = \"CL-{:04}\"\nrevision = 1\ntitle = \"Sjekkliste {c} ({l})\"\n",
                    c + 1
                );
                for k in 0..10 {
                    writeln!(
                        t,
                        "\n[item.item-{k}]\nprompt = \"Kontroll {k}\"\nhelp = \"Slik kontrollerer du punkt {k}.\""
                    )
                    .unwrap();
                }
                fs::write(root.join(format!("checklists/checklist-{c}.{l}.toml")), t).unwrap();
            }
        }
    }
}

/// SOP `i`'s translation into `l`, of revision 1.
fn translated_sop(id: &str, i: usize, l: &str) -> String {
    let mut text = format!(
        "+++\ntranslates = \"{id}\"\nrevision = 1\ntitle = \"Prosedyre nummer {i} ({l})\"\n+++\n\n## Formål\n\nHvorfor denne prosedyren finnes, i et avsnitt av vanlig lengde.\n\n## Trinn\n\n"
    );
    for step in 1..=12 {
        writeln!(
            text,
            "{step}. Gjør det neste nøye, noter resultatet, og spør når du er i tvil."
        )
        .unwrap();
    }
    text
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn best(runs: usize, mut f: impl FnMut(usize) -> Duration) -> Duration {
    (0..runs).map(&mut f).min().unwrap_or_default()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// sopbook's publish of the working copies of the workspace at `root`, in
/// every language it lists.
fn publish(root: &Path, out: &Path, keep: Option<&Path>) -> manual::Published {
    let today = chrono::Local::now().date_naive();
    let ws = Workspace::load(root).unwrap();
    assert!(
        !ws.has_errors(),
        "the generated workspace has errors: {:?}",
        ws.diagnostics.first()
    );
    let mut content = Manual::working_copies(&ws, today);
    let records = Records::default();
    content.editions = ws
        .config
        .target_languages()
        .map(|l| content.edition(&ws, &records, l))
        .collect();
    let opts = PublishOptions {
        out,
        keep_source: keep,
        progress: false,
        split_above: manual::pages::SPLIT_ABOVE,
    };
    manual::publish(&content, &opts).unwrap()
}

/// The baseline: mdbook-driver alone building every book source under
/// `sources` into `dest`, as many at a time as the machine has cores.
fn baseline(sources: &Path, dest: &Path) {
    let books: Vec<_> = fs::read_dir(sources)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(src) = books.get(i) else { return };
                    let mut book = MDBook::load(src).unwrap();
                    book.config.build.build_dir = dest.join(i.to_string());
                    book.build().unwrap();
                }
            });
        }
    });
}

struct Figures {
    pages: usize,
    books: usize,
    baseline: Duration,
    publish: Duration,
    republish: Duration,
    rebuilt: usize,
    /// `sopbook publish --drafts`, the binary (its own allocator).
    binary: Duration,
    binary_republish: Duration,
}

/// `sopbook publish --drafts --out OUT` in `root`, a new process.
fn publish_binary(root: &Path, out: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(common::sopbook())
        .args(["publish", "--drafts", "--out"])
        .arg(out)
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let t = start.elapsed();
    assert!(
        status.success(),
        "sopbook publish failed in {}",
        root.display()
    );
    t
}

/// Adds a sentence to SOP `n` of section `k`: a new working copy.
fn edit(root: &Path, k: usize, n: usize) {
    let path = root.join(format!("manual/section-{k}/procedure-{n}.md"));
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("\nOne more sentence, added for this revision.\n");
    fs::write(&path, text).unwrap();
}

/// Baseline, publish and republish of one workspace, each the best of `runs`.
fn measure(dir: &Path, root: &Path, per_section: usize, runs: usize) -> Figures {
    let sources = dir.join("sources");
    let published = publish(root, &dir.join("with-sources"), Some(&sources));
    let base = best(runs, |k| {
        let dest = dir.join(format!("baseline-{k}"));
        let t = time(|| baseline(&sources, &dest)).1;
        let _ = fs::remove_dir_all(dest);
        t
    });
    let full = best(runs, |k| {
        let out = dir.join(format!("full-{k}"));
        let t = time(|| publish(root, &out, None)).1;
        let _ = fs::remove_dir_all(out);
        t
    });
    // Republish after one SOP's text changed, a different one each time.
    let out = dir.join("book");
    publish(root, &out, None);
    let mut rebuilt = 0;
    let republish = best(runs, |k| {
        edit(root, k, k * per_section + 7);
        let (p, t) = time(|| publish(root, &out, None));
        rebuilt = p.built;
        t
    });
    let binary = best(runs, |k| {
        let out = dir.join(format!("binary-{k}"));
        let t = publish_binary(root, &out);
        let _ = fs::remove_dir_all(out);
        t
    });
    let out = dir.join("binary-book");
    publish_binary(root, &out);
    let binary_republish = best(runs, |k| {
        edit(root, k + runs, (k + runs) * per_section + 11);
        publish_binary(root, &out)
    });
    Figures {
        pages: published.pages,
        books: published.books,
        baseline: base,
        publish: full,
        republish,
        rebuilt,
        binary,
        binary_republish,
    }
}

fn report(name: &str, f: &Figures) {
    println!("{name}: {} pages, {} books", f.pages, f.books);
    println!("  baseline (mdbook-driver)  {:8.3} s", secs(f.baseline));
    println!(
        "  publish                   {:8.3} s   {:.2}x the baseline (target <= 1.0x)",
        secs(f.publish),
        secs(f.publish) / secs(f.baseline)
    );
    println!(
        "  republish, one SOP edited {:8.3} s   {:.2}x the publish (target <= 0.10x), {} of {} books built",
        secs(f.republish),
        secs(f.republish) / secs(f.publish),
        f.rebuilt,
        f.books
    );
    println!(
        "  sopbook publish (binary)  {:8.3} s   {:.2}x the baseline (target <= 1.0x)",
        secs(f.binary),
        secs(f.binary) / secs(f.baseline)
    );
    println!(
        "  sopbook publish again     {:8.3} s   {:.2}x the binary's publish (target <= 0.10x)",
        secs(f.binary_republish),
        secs(f.binary_republish) / secs(f.binary)
    );
}

/// A records store with revision 1 of every SOP, revision 2 (substantive
/// for every third SOP, else editorial) and, for each target language, a
/// translation of revision 1: current, or stale where revision 2 was
/// substantive.
fn fill(ctx: &mut Context, ws: &Workspace) {
    let now = Utc::now();
    let mut batch: Vec<Insert> = Vec::new();
    let flush = |ctx: &mut Context, batch: &mut Vec<Insert>| {
        if batch.is_empty() {
            return;
        }
        ctx.store()
            .unwrap()
            .append(
                now,
                Batch {
                    actor: "bench".into(),
                    action: "loaded".into(),
                    record: format!("{} rows", batch.len()),
                    note: serde_json::json!({}),
                    inserts: std::mem::take(batch),
                },
            )
            .unwrap();
    };
    let release = |batch: &mut Vec<Insert>,
                   id: &str,
                   number: i64,
                   minor: bool,
                   path: &str,
                   content: String,
                   days: u64| {
        let at = now - Days::new(days);
        let hash = sha256_hex(content.as_bytes());
        let base = batch.len();
        batch.push(Insert::Revision(RevisionRow {
            id: 0,
            doc_id: id.to_string(),
            kind: DocKind::Sop,
            number,
            title: format!("{id} revision {number}"),
            path: path.to_string(),
            content,
            content_hash: hash.clone(),
            summary: format!("Change {number}"),
            minor,
            author: "bench".into(),
            created_at: at,
            event_seq: 0,
        }));
        batch.push(Insert::Change {
            row: ChangeRow {
                id: 0,
                doc_id: id.to_string(),
                kind: ChangeKind::Release,
                revision_id: None,
                requested_by: "bench".into(),
                reason: format!("Change {number}"),
                effective_date: None,
                required: 1,
                approver_roles: String::new(),
                created_at: at,
                event_seq: 0,
            },
            revision: Some(RowRef::Batch(base)),
        });
        batch.push(Insert::Signature {
            row: SignatureRow {
                id: 0,
                change_id: None,
                doc_id: id.to_string(),
                revision_id: None,
                signer: "bench".into(),
                meaning: Meaning::Approved,
                signed_at: at,
                content_hash: hash,
                note: String::new(),
                event_seq: 0,
            },
            change: Some(RowRef::Batch(base + 1)),
            revision: Some(RowRef::Batch(base)),
        });
    };
    for (n, sop) in ws.sops.iter().enumerate() {
        let text = ws.working(&sop.id).unwrap().text.to_string();
        release(&mut batch, &sop.id, 1, false, &sop.path, text.clone(), 60);
        let second = format!("{text}\nA second revision adds this line.\n");
        release(
            &mut batch,
            &sop.id,
            2,
            !n.is_multiple_of(3),
            &sop.path,
            second,
            30,
        );
        for l in LANGUAGES {
            let path = sop.path.replace(".md", &format!(".{l}.md"));
            let t = translated_sop(&sop.id, n, l);
            release(
                &mut batch,
                &format!("{}.{l}", sop.id),
                1,
                false,
                &path,
                t,
                45,
            );
        }
        if batch.len() >= 4000 {
            flush(ctx, &mut batch);
        }
    }
    flush(ctx, &mut batch);
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sops = args.first().copied().unwrap_or(2000);
    let checklists = args.get(1).copied().unwrap_or(500);
    let quick = std::env::args().any(|a| a == "--quick");
    // `--make DIR`: only write the workspace into DIR (to profile a publish by hand).
    let argv: Vec<String> = std::env::args().collect();
    if let Some(i) = argv.iter().position(|a| a == "--make") {
        let root = Path::new(argv.get(i + 1).expect("--make takes a folder"));
        fs::create_dir_all(root).unwrap();
        generate(
            root,
            sops,
            checklists,
            argv.iter().any(|a| a == "--languages"),
        );
        return;
    }
    let runs = 3;
    println!(
        "{sops} SOPs, {checklists} checklists; {} threads; best of {runs} runs",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    fs::create_dir_all(&root).unwrap();
    generate(&root, sops, checklists, false);
    let (_, check) = time(|| Workspace::load(&root).unwrap());
    println!("load and check            {:8.3} s", secs(check));
    let per_section = sops.div_ceil(SECTIONS);
    let one = measure(&dir.path().join("one"), &root, per_section, runs);
    report("1 language", &one);

    if std::env::args().any(|a| a == "--one-language") {
        return;
    }
    let dir3 = tempfile::tempdir().unwrap();
    let root3 = dir3.path().join("ws");
    fs::create_dir_all(&root3).unwrap();
    generate(&root3, sops, checklists, true);
    let three = measure(&dir3.path().join("three"), &root3, per_section, runs);
    report("3 languages", &three);

    let ws = Workspace::load(&root3).unwrap();
    let mut ctx = Context::with_workspace(ws.clone(), Settings::default());
    fill(&mut ctx, &ws);
    let mut rows = 0;
    let t = best(5, |_| {
        let (view, t) = time(|| {
            translations::translations(&mut ctx, TranslationsInput { language: None }).unwrap()
        });
        rows = view.rows.len();
        t
    });
    println!(
        "translations              {:8.3} s   {rows} rows, in process (target 0.3 s)",
        secs(t)
    );
    let t = best(5, |_| {
        let start = Instant::now();
        let status = Command::new(common::sopbook())
            .args(["translations", "--json"])
            .current_dir(&root3)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "sopbook translations failed");
        start.elapsed()
    });
    println!(
        "sopbook translations      {:8.3} s   the binary, a new process (target 0.3 s)",
        secs(t)
    );
    drop(dir3);

    if quick {
        return;
    }
    let big = dir.path().join("big");
    fs::create_dir_all(&big).unwrap();
    generate(&big, sops * 5, checklists * 5, false);
    let out = dir.path().join("big-book");
    let (p, t) = time(|| publish(&big, &out, None));
    println!(
        "publish at 5x            {:8.3} s   {} SOPs, {} pages, {} books: {:.2}x the publish of {sops} (target <= 6x)",
        secs(t),
        sops * 5,
        p.pages,
        p.books,
        secs(t) / secs(one.publish)
    );
}
