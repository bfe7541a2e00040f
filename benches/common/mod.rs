//! What the benchmarks share: a small workspace with one checklist of
//! [`ITEMS`] items (half measurements, half pass/fail), released and
//! approved, and the binary to time.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use sopbook::ops::documents::{self, ReleaseInput};
use sopbook::ops::signing::Fixed;
use sopbook::ops::{Clock, Context, Settings, people};
use sopbook::workspace::Workspace;

/// Items of the bench checklist CL-001: `i0` to `i9`.
pub const ITEMS: usize = 10;
/// The bench people's (`ann`, `bob`) password.
pub const PASSWORD: &str = "bench-password";

pub fn workspace(root: &Path) {
    fs::write(
        root.join("sopbook.toml"),
        "[organisation]\nname = \"Bench\"\n\n[[role]]\nid = \"inspector\"\nname = \"Inspector\"\n\n[[person]]\nid = \"ann\"\nname = \"Ann\"\nroles = [\"inspector\"]\n\n[[person]]\nid = \"bob\"\nname = \"Bob\"\nroles = [\"inspector\"]\n\n[approval]\nrequired = 1\nroles = [\"inspector\"]\n\n[[section]]\nid = \"QC\"\ntitle = \"Quality\"\ndir = \"quality\"\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("manual/quality")).unwrap();
    fs::write(
        root.join("manual/quality/inspect.md"),
        "+++\nid = \"QC-001\"\ntitle = \"Inspect\"\nsection = \"QC\"\nowner = \"inspector\"\nroles = [\"inspector\"]\nreview_interval = \"1 year\"\n+++\n\nInspect.\n",
    )
    .unwrap();
    let mut cl = String::from("id = \"CL-001\"\ntitle = \"Bench checklist\"\nsop = \"QC-001\"\n");
    for k in 0..ITEMS {
        let kind = if k % 2 == 0 {
            "kind = \"measure\"\nunit = \"mm\"\nnominal = 10.0\nlower = 9.0\nupper = 11.0"
        } else {
            "kind = \"pass_fail\""
        };
        write!(
            cl,
            "\n[[item]]\nid = \"i{k}\"\nprompt = \"Item {k}\"\n{kind}\n"
        )
        .unwrap();
    }
    fs::create_dir_all(root.join("checklists")).unwrap();
    fs::write(root.join("checklists/bench.toml"), cl).unwrap();
}

/// [`workspace`] with CL-001 released by ann and approved by bob (in force
/// since yesterday), both with the password [`PASSWORD`]; the context
/// that did it, on the system clock.
pub fn released_workspace(root: &Path) -> Context {
    released_workspace_on(root, None)
}

/// The same with `database` (a `postgres://` URL, say) in sopbook.toml.
pub fn released_workspace_on(root: &Path, database: Option<&str>) -> Context {
    workspace(root);
    if let Some(url) = database {
        let toml = fs::read_to_string(root.join("sopbook.toml")).unwrap();
        fs::write(
            root.join("sopbook.toml"),
            format!("database = \"{url}\"\n{toml}"),
        )
        .unwrap();
    }
    let ws = Workspace::load(root).unwrap();
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics.first());
    let mut ctx = Context::with_workspace(ws, Settings::default())
        .with_passwords(Box::new(Fixed(PASSWORD.into())));
    // The bench people's passwords protect nothing: cheap hashes keep the set-up short.
    ctx.kdf = sopbook::ops::Kdf::Cheap;
    ctx.clock = Clock::Fixed(Utc::now() - chrono::Duration::days(1));
    for p in ["ann", "bob"] {
        people::set_password(&mut ctx, p, None, PASSWORD).unwrap();
    }
    let release = ReleaseInput {
        id: "CL-001",
        summary: "First issue",
        effective: None,
        minor: false,
        actor: "ann",
    };
    documents::release(&mut ctx, release).unwrap();
    documents::approve(&mut ctx, "CL-001", "bob").unwrap();
    ctx.clock = Clock::System;
    ctx
}

/// The sopbook binary to time: this one, or `SOPBOOK_BENCH_BIN`.
pub fn sopbook() -> std::ffi::OsString {
    std::env::var_os("SOPBOOK_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_sopbook").into())
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A measured value with some noise (a cheap hash of the row and item), or a pass.
pub fn value(n: usize, k: usize) -> String {
    if k.is_multiple_of(2) {
        let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (k as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        let u = ((h >> 11) % 10_000) as f64 / 10_000.0;
        format!("{:.3}", 9.75 + u / 2.0)
    } else {
        "p".into()
    }
}
