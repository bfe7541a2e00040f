//! The README's walkthrough, run line by line as a newcomer types it: from
//! an empty folder to an approved manual and a recorded inspection, with no
//! file edited by hand.

mod common;

use std::path::{Path, PathBuf};

use common::{PASSWORD, run_with};

/// The lines of the README's walkthrough: the console block after "From an
/// empty folder", without comments.
fn walkthrough() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("From an empty folder")
        .expect("the README has the walkthrough");
    let block = &readme[start..];
    let block = &block[block.find("```console\n").unwrap() + 11..];
    let block = &block[..block.find("```").unwrap()];
    block
        .lines()
        .map(|l| match l.find("  #") {
            Some(at) => l[..at].trim_end().to_string(),
            None => l.trim_end().to_string(),
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Splits a command line as a shell would for these lines: words, and
/// double-quoted strings as one word.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn the_readme_walkthrough_runs_as_written_from_init_to_a_recorded_inspection() {
    let lines = walkthrough();
    assert!(lines.len() >= 10, "{lines:?}");
    let home = tempfile::tempdir().unwrap();
    let mut cwd: PathBuf = home.path().to_path_buf();
    // Passwords as a script gives them; everyone uses the same one here.
    let env = [
        ("SOPBOOK_NEW_PASSWORD", PASSWORD),
        ("SOPBOOK_PASSWORD", PASSWORD),
        ("XDG_CONFIG_HOME", home.path().to_str().unwrap()),
    ];
    for line in &lines {
        let w = words(line);
        match w[0].as_str() {
            "cd" => cwd = cwd.join(&w[1]),
            "sopbook" => {
                let args: Vec<&str> = w[1..].iter().map(String::as_str).collect();
                let run = run_with(&cwd, &args, &env);
                assert_eq!(
                    run.code, 0,
                    "`{line}` failed:\n{}{}",
                    run.stdout, run.stderr
                );
            }
            other => panic!("the walkthrough runs only sopbook and cd, not `{other}`"),
        }
    }
    // What the newcomer has at the end.
    assert!(cwd.join("book/index.html").is_file());
    let list = run_with(&cwd, &["inspections", "list", "--json"], &env);
    let list: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(list[0]["lot"], "L-001");
    assert_eq!(list[0]["verdict"], "pass");
    let status = run_with(&cwd, &["status", "--json"], &env);
    assert!(status.stdout.contains("QC-001"), "{}", status.stdout);
    let verify = run_with(&cwd, &["audit", "verify"], &env);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}
