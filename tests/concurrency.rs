//! Many recorders at once on one SQLite file: nobody is turned away while
//! the others write, every inspection is there once, and the chain holds.
//! Heavy: `#[ignore]`d, and run by `.ci/run` with `--ignored`.

mod common;

use std::process::Command;

use common::{PASSWORD, Ws};

#[test]
#[ignore = "heavy: 16 processes; .ci/run runs it"]
fn sixteen_recorders_at_once_lose_nothing_and_are_never_turned_away() {
    let ws = Ws::fixture("base");
    ws.release_all();
    let run = ws.run_env(&["login", "--as", "cay"], &[("SOPBOOK_PASSWORD", PASSWORD)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (workers, each) = (16, 20);
    let children: Vec<_> = (0..workers)
        .map(|w| {
            let dir = ws.path().to_path_buf();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for k in 0..each {
                    let out = Command::new(env!("CARGO_BIN_EXE_sopbook"))
                        .args([
                            "inspect",
                            "CL-001",
                            "--lot",
                            &format!("W{w}"),
                            "--serial",
                            &format!("S{w}-{k}"),
                            "--as",
                            "cay",
                            "--set",
                            "label=p",
                            "--set",
                            "length=120.1",
                            "--set",
                            "finish=good",
                            "--set",
                            "scratches=0",
                            "--set",
                            "remarks=fine",
                        ])
                        .current_dir(&dir)
                        .env_remove("SOPBOOK_PASSWORD")
                        .env("XDG_CONFIG_HOME", dir.join(".test-config"))
                        .env("NO_COLOR", "1")
                        .output()
                        .unwrap();
                    if !out.status.success() {
                        failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = children
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        failures.first()
    );
    let list: serde_json::Value =
        serde_json::from_str(&ws.run(&["inspections", "list", "--json"]).stdout).unwrap();
    let mut serials: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials.len(), workers * each);
    serials.sort();
    serials.dedup();
    assert_eq!(
        serials.len(),
        workers * each,
        "an inspection was recorded twice"
    );
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}
