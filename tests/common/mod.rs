//! Test harness: a fixture workspace copied into a temporary folder, the
//! real `sopbook` binary run in it, and snapshots of what users see.
//! `SNAPSHOTS=overwrite cargo test` rewrites the snapshots.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Ws {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl Ws {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Ws {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join(name), dir.path());
        Ws { dir }
    }

    pub fn empty() -> Ws {
        Ws {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A copy of the sample workspace this repository is (sopbook.toml,
    /// manual/, checklists/), with no records yet.
    pub fn sample() -> Ws {
        let ws = Ws::empty();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in ["sopbook.toml", "manual", "checklists"] {
            let from = root.join(part);
            if from.is_dir() {
                copy_dir(&from, &ws.path().join(part));
            } else {
                std::fs::copy(&from, ws.path().join(part)).unwrap();
            }
        }
        ws
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path().join(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
        self
    }

    /// Replaces `from` (which must occur) with `to` in a file.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(text.contains(from), "`{from}` not found in {rel}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// Runs with extra environment variables (passwords, the signer).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        run_with(self.path(), args, env)
    }

    /// Runs a command that must succeed, signing with the shared test password.
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run_env(args, &[("SOPBOOK_PASSWORD", PASSWORD)]);
        assert_eq!(run.code, 0, "sopbook {args:?} failed:\n{}", run.stderr);
        run
    }

    /// Sets everyone's password and releases and approves every document of
    /// the `base` fixture, the way a team would.
    pub fn release_all(&self) -> &Self {
        for p in ["ann", "bob", "cay", "dan"] {
            let run = self.run_env(
                &["people", "passwd", p],
                &[
                    ("SOPBOOK_NEW_PASSWORD", PASSWORD),
                    ("SOPBOOK_PASSWORD", PASSWORD),
                ],
            );
            assert_eq!(run.code, 0, "{}", run.stderr);
        }
        for id in ["QC-001", "QC-002", "CS-001", "CL-001", "CL-002"] {
            self.ok(&["release", id, "--summary", "First issue", "--as", "ann"]);
            self.ok(&["approve", id, "--as", "bob"]);
            if id.starts_with("QC") {
                self.ok(&["approve", id, "--as", "cay"]);
            }
        }
        self
    }
}

/// Every test person's signing password.
pub const PASSWORD: &str = "test-password";

/// Dates change from day to day; snapshots see `[DATE]`.
pub fn without_dates(text: &str) -> String {
    let re = regex::Regex::new(r"\d{4}-\d{2}-\d{2}").unwrap();
    re.replace_all(text, "[DATE]").into_owned()
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[])
}

pub fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sopbook"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("SOPBOOK_WORKSPACE")
        .env_remove("SOPBOOK_DATABASE")
        .env_remove("SOPBOOK_USER")
        .env_remove("SOPBOOK_PASSWORD")
        .env_remove("SOPBOOK_NEW_PASSWORD")
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", dir.join(".test-config"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let root = dir.canonicalize().unwrap().display().to_string();
    let clean = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace(&root, "[ROOT]")
            .replace(&dir.display().to_string(), "[ROOT]")
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: clean(&out.stdout),
        stderr: clean(&out.stderr),
    }
}

/// Snapshots compare literally: `.raw()` on the expected side turns off
/// snapbox's `...`/`[..]` wildcards, `[EXE]` redaction and `\` to `/`.
/// `SNAPSHOTS` is snapbox's own switch: `overwrite`, `ignore` or `skip`.
fn snapshots() -> snapbox::Assert {
    snapbox::Assert::new()
        .action_env("SNAPSHOTS")
        .normalize_paths(false)
}

/// Compares `actual` with `tests/snapshots/<name>.txt`.
#[track_caller]
pub fn assert_snapshot(name: &str, actual: &str) {
    use snapbox::assert::Action;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    let expected = snapbox::Data::read_from(&path, Some(snapbox::data::DataFormat::Text));
    let assert = snapshots();
    assert.eq(actual, expected.raw());
    // `.raw()` still reads `\r\n` and `\r` as `\n`; the files stay byte-exact.
    let exact = fs::read(&path).is_ok_and(|b| b == actual.as_bytes());
    match assert.selected_action() {
        Action::Verify if !exact => panic!(
            "snapshot {} differs from the output in line endings only\n\
             (update with SNAPSHOTS=overwrite)",
            path.display()
        ),
        Action::Overwrite if !exact => fs::write(&path, actual).unwrap(),
        _ => {}
    }
}

/// Compares `actual` with an inline `snapbox::str![...]`, which
/// `SNAPSHOTS=overwrite` rewrites in the test's source.
#[track_caller]
pub fn assert_inline(actual: &str, expected: impl snapbox::IntoData) {
    assert!(
        !actual.contains('\r'),
        "a string literal cannot hold `\\r`; use a file snapshot"
    );
    snapshots().eq(actual, expected.raw());
}

/// What the control and floor tests pin: the exit code, then stderr,
/// with dates as `[DATE]`.
pub fn outcome(run: &Run) -> String {
    without_dates(&format!("exit: {}\n{}", run.code, run.stderr))
}
