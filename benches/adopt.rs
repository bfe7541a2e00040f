//! Adopting a collection benchmark:
//!
//!     cargo bench --bench adopt -- [FILES]     (default 2000)
//!
//! A plain collection of FILES Markdown procedures in 20 folders, each with
//! a metadata table, a document-history table, links to two other
//! procedures, an image, and a task list in every tenth. Then:
//!
//! - `adopt (in process)`: `ops::adopt::adopt` into an empty folder;
//! - `sopbook adopt`: the binary, cold, into an empty folder (target 1 s);
//! - `sopbook adopt` again over its own workspace (nothing changed);
//! - `sopbook check` on the workspace: must find no errors.
//!
//! With `SOPBOOK_BENCH_DIR=<empty folder>` the collection and the
//! workspaces are made there and kept.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sopbook::ops::adopt::{self, AdoptInput};

const FOLDERS: usize = 20;

fn folder(n: usize) -> String {
    format!("{:02}-area-{}", n % FOLDERS, n % FOLDERS)
}

fn prefix(n: usize) -> String {
    format!("A{}", char::from(b'A' + (n % FOLDERS) as u8))
}

fn write_collection(root: &Path, files: usize) {
    for f in 0..FOLDERS {
        fs::create_dir_all(root.join(folder(f)).join("img")).unwrap();
        fs::write(root.join(folder(f)).join("img/panel.png"), b"\x89PNG bench").unwrap();
    }
    for n in 0..files {
        let next = (n + FOLDERS) % files;
        let other = (n + 7) % files;
        let mut text = format!(
            "# Procedure {n}\n\n| Field | Value |\n|---|---|\n| Document ID | {}-{} |\n| Owner | Area lead {} |\n| Applies to | Operator, Inspector |\n| Version | 3.{} |\n| Approved by | Kari |\n\n## Purpose\n\nWhy procedure {n} exists, in a few plain sentences about the work,\nthe product and what goes wrong without it.\n\n## Procedure\n\n1. Read [the next procedure](../{}/p{next}.md) first.\n2. See also [another one](../{}/p{other}.md#scope).\n3. Check the panel: ![panel](img/panel.png)\n",
            prefix(n),
            n / FOLDERS + 1,
            n % FOLDERS,
            n % 10,
            folder(next),
            folder(other),
        );
        if n % 10 == 0 {
            text.push_str(
                "\n## Checks\n\n- [ ] Guard closed\n- [ ] Oil level\n- [ ] Floor clear\n",
            );
        }
        text.push_str("\n## Document history\n\n| Version | Date | Author | Change |\n|---|---|---|---|\n| 1.0 | 2021-01-04 | Kari | First issue |\n| 2.0 | 2022-05-02 | Per | New layout |\n");
        fs::write(root.join(folder(n)).join(format!("p{n}.md")), text).unwrap();
    }
}

fn run(args: &[&std::ffi::OsStr]) -> (Duration, i32) {
    let start = Instant::now();
    let status = Command::new(common::sopbook())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    (start.elapsed(), status.code().unwrap_or(-1))
}

fn main() {
    let files: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let kept = std::env::var_os("SOPBOOK_BENCH_DIR").map(PathBuf::from);
    let temp = tempfile::tempdir().unwrap();
    let base = kept.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let source = base.join("collection");
    write_collection(&source, files);
    println!("adopting {files} Markdown files in {FOLDERS} folders");

    let mut times = Vec::new();
    for k in 0..5 {
        let into = base.join(format!("in-process-{k}"));
        let start = Instant::now();
        let report = adopt::adopt(AdoptInput {
            source: &source,
            into: Some(&into),
            dry_run: false,
            map: None,
            git_history: false,
        })
        .unwrap();
        times.push(start.elapsed());
        assert!(report.documents.len() >= files);
    }
    println!(
        "adopt (in process)         {:8.1} ms median of 5",
        common::median(times).as_secs_f64() * 1e3
    );

    // Each run into a folder of its own: removing the last one would make
    // the disk busy while the next is timed.
    let mut times = Vec::new();
    let ws = base.join("workspace-0");
    for k in 0..3 {
        let ws = base.join(format!("workspace-{k}"));
        let (t, code) = run(&[
            "adopt".as_ref(),
            source.as_os_str(),
            "--into".as_ref(),
            ws.as_os_str(),
        ]);
        assert_eq!(code, 1, "draft checklists are left for review");
        times.push(t);
    }
    println!(
        "sopbook adopt              {:8.1} ms median of 3 (cold process; target 1000 ms)",
        common::median(times).as_secs_f64() * 1e3
    );
    let mut times = Vec::new();
    for _ in 0..3 {
        let (t, code) = run(&[
            "adopt".as_ref(),
            source.as_os_str(),
            "--into".as_ref(),
            ws.as_os_str(),
        ]);
        assert_eq!(
            code, 0,
            "a second run over an unchanged source has nothing to decide"
        );
        times.push(t);
    }
    println!(
        "sopbook adopt, again       {:8.1} ms median of 3 (nothing changed)",
        common::median(times).as_secs_f64() * 1e3
    );
    let (t, code) = run(&["-C".as_ref(), ws.as_os_str(), "check".as_ref()]);
    assert_eq!(code, 0, "check found errors in the adopted workspace");
    println!(
        "sopbook check              {:8.1} ms (no errors)",
        t.as_secs_f64() * 1e3
    );
}
