//! A generated workspace published as one book and as a split manual, for
//! the tests of search across books. Included by those tests only
//! (`#[path = "common/split.rs"] mod split;`).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use sopbook::manual::{self, Manual, PublishOptions};
use sopbook::workspace::Workspace;

/// A title that holds HTML, on a page of its own book.
pub const HOSTILE: &str = r#"<img src=x onerror="document.title='pwned'">"#;

/// Writes a workspace of three sections (quality with `quality` SOPs,
/// service with three, one of them "Impeller wobble check", and a third
/// whose one SOP has the [`HOSTILE`] title) and four checklists.
pub fn generate(root: &Path, quality: usize) {
    let mut config = String::from(
        "[organisation]\nname = \"Split Works\"\n\n[manual]\ntitle = \"Split Manual\"\n\n[[role]]\nid = \"op\"\nname = \"Operator\"\n\n",
    );
    let sections = [
        ("QA", "quality", "Quality control", quality),
        ("SV", "service", "Service", 3),
        ("HR", "people", "People", 1),
    ];
    for (id, dir, title, _) in sections {
        writeln!(
            config,
            "[[section]]\nid = \"{id}\"\ntitle = \"{title}\"\ndir = \"{dir}\"\n"
        )
        .unwrap();
    }
    fs::write(root.join("sopbook.toml"), config).unwrap();
    for (id, dir, _, n) in sections {
        fs::create_dir_all(root.join("manual").join(dir)).unwrap();
        for i in 0..n {
            let title = match (id, i) {
                ("SV", 1) => "Impeller wobble check".to_string(),
                ("HR", 0) => HOSTILE.replace('\\', "\\\\").replace('"', "\\\""),
                _ => format!("Procedure {i}"),
            };
            let text = format!(
                "+++\nid = \"{id}-{:03}\"\ntitle = \"{title}\"\nsection = \"{id}\"\nowner = \"op\"\nroles = [\"op\"]\nreview_interval = \"12 months\"\n+++\n\n## Purpose\n\nWhy we do this.\n\n## Steps\n\n1. Do it carefully.\n",
                i + 1
            );
            fs::write(root.join(format!("manual/{dir}/p{i}.md")), text).unwrap();
        }
    }
    fs::create_dir_all(root.join("checklists")).unwrap();
    for c in 1..=4 {
        let text = format!(
            "id = \"CL-{c:03}\"\ntitle = \"Checklist {c}\"\n\n[[item]]\nid = \"a\"\nprompt = \"Check\"\nkind = \"pass_fail\"\n"
        );
        fs::write(root.join(format!("checklists/c{c}.toml")), text).unwrap();
    }
}

/// Publishes the workspace at `root` into `out`, split above `split_above`
/// pages (0: always split). Returns the number of books.
pub fn publish(root: &Path, out: &Path, split_above: usize) -> usize {
    let ws = Workspace::load(root).unwrap();
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics.first());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let opts = PublishOptions {
        out,
        keep_source: None,
        progress: false,
        split_above,
    };
    manual::publish(&Manual::working_copies(&ws, today), &opts)
        .unwrap()
        .books
}

/// Every file under `dir` whose name ends in `ext`, relative to it, sorted.
pub fn files(dir: &Path, ext: &str) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, ext: &str, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, ext, out);
            } else if path.to_string_lossy().ends_with(ext) {
                out.push(path.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, ext, &mut out);
    out.sort();
    out
}
