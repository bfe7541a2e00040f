//! Publishing benchmark: a synthetic workspace of N SOPs and M checklists,
//! timed in one run against mdbook-driver alone on the same pages.
//!
//!     cargo bench --bench publish -- [SOPS] [CHECKLISTS] [--no-floor]   (default 2000 500)
//!
//! `--no-floor` skips the two single-book builds, which grow faster than
//! linearly (minutes at 10,000 SOPs).
//!
//! Prints, for the same generated workspace:
//! - `check`: loading and checking every file;
//! - the floor: mdbook-driver building the generated manual as one book;
//! - `publish`: sopbook's whole publish (load, check, pages, build, swap),
//!   of the working copies (the records store is not involved);
//! - `publish, one book`: sopbook forced to a single book, for the overhead
//!   of sopbook's own work over the floor.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use sopbook::manual::{self, Manual, PublishOptions};
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

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sops = args.first().copied().unwrap_or(2000);
    let checklists = args.get(1).copied().unwrap_or(500);
    let with_floor = !std::env::args().any(|a| a == "--no-floor");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    fs::create_dir_all(&root).unwrap();
    generate(&root, sops, checklists);

    let today = chrono::Local::now().date_naive();
    let (ws, check) = time(|| Workspace::load(&root).unwrap());
    assert!(
        !ws.has_errors(),
        "the generated workspace has errors: {:?}",
        ws.diagnostics.first()
    );

    // The floor: the same pages as one mdBook, built by mdbook-driver alone.
    let single_src = dir.path().join("single-src");
    let opts = PublishOptions {
        out: &dir.path().join("single-book"),
        keep_source: Some(&single_src),
        progress: false,
        split_above: usize::MAX,
    };
    let floors = with_floor.then(|| {
        let (_, one_book) = time(|| {
            let ws = Workspace::load(&root).unwrap();
            manual::publish(&Manual::working_copies(&ws, today), &opts).unwrap()
        });
        let (_, floor) =
            time(|| manual::build_book(&single_src.join("0"), &dir.path().join("floor")).unwrap());
        (floor, one_book)
    });

    let opts = PublishOptions {
        out: &dir.path().join("book"),
        keep_source: None,
        progress: false,
        split_above: manual::pages::SPLIT_ABOVE,
    };
    let (published, publish) = time(|| {
        let ws = Workspace::load(&root).unwrap();
        manual::publish(&Manual::working_copies(&ws, today), &opts).unwrap()
    });

    let s = |d: Duration| d.as_secs_f64();
    println!(
        "workspace: {sops} SOPs, {checklists} checklists, {} pages",
        published.pages
    );
    println!("check                     {:8.3} s", s(check));
    let Some((floor, one_book)) = floors else {
        println!(
            "publish                   {:8.3} s   {} books",
            s(publish),
            published.books
        );
        return;
    };
    println!("floor (mdbook-driver)     {:8.3} s   one book", s(floor));
    println!(
        "publish                   {:8.3} s   {} books   {:.2}x the floor",
        s(publish),
        published.books,
        s(publish) / s(floor)
    );
    println!(
        "publish, one book         {:8.3} s   1 book     {:.2}x the floor",
        s(one_book),
        s(one_book) / s(floor)
    );
}
