//! `sopbook inspect` as an inspector sees it in a terminal: the real binary
//! with its output on a pseudo-terminal of a given width (as in a tmux pane)
//! and its answers typed on standard input.

#![cfg(unix)]

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::process::{Command, Stdio};

use common::{PASSWORD, Run, Ws, assert_inline, assert_snapshot};
use snapbox::str;

/// A checklist with what made the terminal hard to read: options with
/// commas, long help, a critical text item and an optional one (whose help
/// is written over two lines).
const WIRING: &str = r#"id = "CL-003"
title = "Terminal box"
sop = "QC-001"

[[item]]
id = "serial-number"
prompt = "Serial number from the rating plate"
kind = "text"
critical = true

[[item]]
id = "wiring"
prompt = "Terminal box wiring"
kind = "choice"
options = ["correct, all terminals tight", "correct, a terminal re-tightened", "wrong wiring"]
pass = ["correct, all terminals tight", "correct, a terminal re-tightened"]
help = "Compare with the wiring diagram inside the lid (brown L, blue N, green-yellow earth) and tug each wire gently. Wrong wiring is always re-done and recorded as a rework loop."

[[item]]
id = "earth"
prompt = "Earth continuity, plug earth pin to motor housing"
kind = "measure"
unit = "Ω"
nominal = 0.05
upper = 0.1
help = "Earth-bond tester at 10 A between the earth pin of the plug and the bare metal test point on the motor housing. Read after 5 s."

[[item]]
id = "seal"
prompt = "Cable gland sealed"
kind = "pass_fail"
critical = true

[[item]]
id = "remarks"
prompt = "Remarks"
kind = "text"
help = """
Anything unusual,
repeated readings and why."""
"#;

fn ready() -> Ws {
    let ws = Ws::fixture("base");
    ws.release_all();
    ws.write("checklists/wiring.toml", WIRING);
    ws.ok(&[
        "release",
        "CL-003",
        "--summary",
        "First issue",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "CL-003", "--as", "bob"]);
    ws
}

/// What a terminal `columns` wide shows while sopbook runs in it and
/// `input` is typed, a line at a time, each when sopbook waits at a prompt
/// (so the terminal echoes it where the inspector would see it); `\x04`
/// (Ctrl-D) ends the input and a line `<resize N>` makes the terminal N
/// columns wide instead. Returns the screen, as text, and the exit code.
fn in_terminal(ws: &Ws, args: &[&str], columns: u16, input: &str, env: &[(&str, &str)]) -> Run {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: out-pointers to two ints and a valid winsize; no name or termios.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "no pseudo-terminal");
    // SAFETY: openpty returned two new descriptors that nothing else owns.
    let (mut master, slave) = unsafe { (File::from_raw_fd(master), File::from_raw_fd(slave)) };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sopbook"));
    cmd.args(args)
        .current_dir(ws.path())
        .env_remove("SOPBOOK_USER")
        .env_remove("SOPBOOK_WORKSPACE")
        .env_remove("SOPBOOK_DATABASE")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("CI")
        .env_remove("COLUMNS")
        .env("TERM", "xterm-256color")
        .env("SOPBOOK_PASSWORD", PASSWORD)
        .env("XDG_CONFIG_HOME", ws.path().join(".test-config"))
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    drop(cmd); // the terminal ends when the child's ends of it close
    let mut lines = input.split_inclusive(['\n', '\x04']);
    let mut seen = Vec::new();
    let mut buf = [0; 4096];
    let mut quiet_ms = 0;
    loop {
        let mut fd = libc::pollfd {
            fd: master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut fd, 1, 50) };
        if ready > 0 {
            quiet_ms = 0;
            match master.read(&mut buf) {
                Ok(n @ 1..) => seen.extend_from_slice(&buf[..n]),
                // Linux says EIO once the last writer has gone.
                _ => break,
            }
            continue;
        }
        quiet_ms += 50;
        // sopbook's two prompts: an item's, and the one to record (in
        // English or Norwegian).
        let waiting = seen.ends_with(b"\n  > ")
            || seen.ends_with(b"to change it: ")
            || seen.ends_with("for å endre det: ".as_bytes());
        if waiting
            && quiet_ms >= 100
            && let Some(line) = lines.next()
        {
            if let Some(columns) = line
                .strip_prefix("<resize ")
                .and_then(|l| l.trim_end().strip_suffix('>'))
            {
                let size = libc::winsize {
                    ws_col: columns.parse().unwrap(),
                    ..size
                };
                // SAFETY: a valid winsize for the terminal's own descriptor;
                // the child gets SIGWINCH, as from a tmux pane resized.
                assert_eq!(
                    unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &size) },
                    0
                );
                continue;
            }
            master.write_all(line.as_bytes()).unwrap();
            quiet_ms = 0;
            continue;
        }
        if quiet_ms > 20_000 {
            let _ = child.kill();
            panic!(
                "sopbook waited 20 s with no input left:\n{}",
                String::from_utf8_lossy(&seen)
            );
        }
    }
    let code = child.wait().unwrap().code().unwrap_or(-1);
    Run {
        code,
        stdout: String::from_utf8_lossy(&seen).replace("\r\n", "\n"),
        stderr: String::new(),
    }
}

/// The same through pipes, as in a script or a log.
fn piped(ws: &Ws, args: &[&str], input: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sopbook"));
    cmd.args(args)
        .current_dir(ws.path())
        .env_remove("SOPBOOK_USER")
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .env("SOPBOOK_PASSWORD", PASSWORD)
        .env("XDG_CONFIG_HOME", ws.path().join(".test-config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const INSPECT: [&str; 6] = ["inspect", "CL-003", "--lot", "L-7", "--as", "cay"];

fn json(ws: &Ws, args: &[&str]) -> serde_json::Value {
    let run = ws.run(args);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr))
}

fn widest(screen: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    screen.lines().map(|l| l.width()).max().unwrap_or(0)
}

/// The subcommands listed under "Commands:" in a help text.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_help_fits_a_terminal_of_80_and_100_columns() {
    let ws = Ws::fixture("base");
    let mut commands: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(command) = commands.pop() {
        for columns in [80, 100] {
            let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
            args.push("--help");
            let run = in_terminal(&ws, &args, columns, "", &[("NO_COLOR", "1")]);
            assert_eq!(run.code, 0, "{args:?}: {}", run.stdout);
            assert!(
                widest(&run.stdout) <= usize::from(columns),
                "`sopbook {}` is wider than {columns} columns:\n{}",
                args.join(" "),
                run.stdout
            );
            if columns == 80 {
                for sub in subcommands(&run.stdout) {
                    commands.push([command.clone(), vec![sub]].concat());
                }
            }
        }
        seen += 1;
    }
    assert!(seen > 30, "only {seen} commands were found in the help");
}

#[test]
fn inspect_help_is_wrapped_between_words() {
    let ws = Ws::fixture("base");
    let run = in_terminal(&ws, &["inspect", "--help"], 80, "", &[("NO_COLOR", "1")]);
    assert_inline(
        &run.stdout,
        str![[r#"
Run a checklist against a lot or unit and record the inspection

Usage: sopbook inspect [OPTIONS] --lot <LOT> --as <PERSON> <CHECKLIST>

Arguments:
  <CHECKLIST>  Checklist id, such as CL-001

Options:
  -C, --workspace <DIR>    Work on the workspace in DIR instead of searching
                           upwards from the current folder [env:
                           SOPBOOK_WORKSPACE=]
      --lot <LOT>          The lot or batch inspected
      --create-records     Create the records database where SOPBOOK_DATABASE or
                           `database` in sopbook.toml points, if there is none
                           yet (the default location is created without asking)
      --serial <SERIAL>    The unit's serial number
      --as <PERSON>        The inspector (a person id) [env: SOPBOOK_USER=]
      --station <STATION>  The station recording it [env: SOPBOOK_STATION=]
                           [default: main]
      --set <ITEM=VALUE>   A result, without asking: ITEM=VALUE (repeat for each
                           item)
      --note <ITEM=TEXT>   A note on an item: ITEM=TEXT (repeatable)
      --input <FILE>       Results from a JSON file: {"item": "value", "other":
                           {"value": "4.1", "note": "..."}}
      --photo <ITEM=PATH>  A photo of an item: ITEM=PATH (JPEG, PNG, WebP or
                           HEIC, up to 10 MiB; repeatable, up to 3 per item)
      --reinspect <ID>     This is a re-inspection after rework of inspection ID
      --exit-code          Exit 1 when the verdict is FAIL (for scripts)
      --lang <CODE>        Show prompts and help in this language (default: the
                           inspector's `language` in sopbook.toml); the record
                           is the same in any language
  -h, --help               Print help

"#]],
    );
}

/// serial: left empty (refused, it is critical), then given; wiring: a word
/// that is no option, then option 2; earth: out of spec; seal: pass;
/// remarks: Enter. Then earth is changed from the summary, with a note, and
/// the inspection is recorded.
const SESSION: &str = "\nPX40-25-01234\ncorrect\n2\n0.5\np\n\n3\n! re-measured after cleaning the test point\n0.06\ny\n";

#[test]
fn an_inspection_in_a_terminal_of_80_columns() {
    let ws = ready();
    let run = in_terminal(&ws, &INSPECT, 80, SESSION, &[("NO_COLOR", "1")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(widest(&run.stdout) <= 80, "{}", run.stdout);
    assert_snapshot("terminal/inspect-80", &run.stdout);
    let shown = json(&ws, &["inspections", "show", "1", "--json"]);
    assert_eq!(shown["verdict"], "pass");
    assert_eq!(shown["results"][0]["value"], "PX40-25-01234");
    assert_eq!(
        shown["results"][1]["value"],
        "correct, a terminal re-tightened"
    );
    assert_eq!(shown["results"][2]["value"], "0.06", "the changed answer");
    assert_eq!(
        shown["results"][2]["note"],
        "re-measured after cleaning the test point"
    );
    assert_eq!(shown["results"][4]["value"], "", "remarks left empty");
    assert_eq!(shown["results"][4]["outcome"], "recorded");
}

#[test]
fn an_inspection_in_a_terminal_of_100_columns() {
    let ws = ready();
    let run = in_terminal(&ws, &INSPECT, 100, SESSION, &[("NO_COLOR", "1")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(widest(&run.stdout) <= 100, "{}", run.stdout);
    assert_snapshot("terminal/inspect-100", &run.stdout);
}

/// An inspector who works in Norwegian reads sopbook's own words in
/// Norwegian: the header, how to answer, the explanations under each
/// prompt, what a wrong answer is told, the summary, the question before
/// recording and the closing sentence. The checklist has no Norwegian
/// translation here, so its prompts are as written, and a note says so.
#[test]
fn an_inspection_in_norwegian_speaks_norwegian() {
    let ws = ready();
    let mut args = INSPECT.to_vec();
    args.extend(["--lang", "nb"]);
    let session = "\nPX40-25-01234\ncorrect\n2\nnull\n0.5\np\n\nz\n3\n0.06\ny\n";
    let run = in_terminal(&ws, &args, 80, session, &[("NO_COLOR", "1")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_snapshot("terminal/inspect-nb-80", &run.stdout);
    assert!(widest(&run.stdout) <= 80, "{}", run.stdout);
    let shown = json(&ws, &["inspections", "show", "1", "--json"]);
    assert_eq!(shown["results"][2]["value"], "0.06", "the same record");
}

#[test]
fn choice_options_are_listed_one_a_line_and_numbered() {
    let ws = ready();
    let run = in_terminal(&ws, &INSPECT, 80, "PX-1\nq\n", &[("NO_COLOR", "1")]);
    assert!(
        run.stdout.contains(
            "      Options (type the number):\n\
             \x20        1  correct, all terminals tight\n\
             \x20        2  correct, a terminal re-tightened\n\
             \x20        3  wrong wiring  (fails)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn enter_leaves_an_optional_text_item_empty_and_a_critical_one_is_asked_again() {
    let ws = ready();
    let run = piped(&ws, &INSPECT, "\nPX-1\n1\n0.05\np\n\ny\n", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "      Text: required; a critical item cannot be left empty.\n  > \
             \x20     `serial-number` is critical and cannot be left empty; try again\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("[5/5] Remarks\n      How: Anything unusual, repeated readings and why.\n      Text: press Enter to leave it empty.\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("  5        remarks        (left empty)\n"),
        "{}",
        run.stderr
    );
    let shown = json(&ws, &["inspections", "show", "1", "--json"]);
    assert_eq!(shown["results"][4]["value"], "");
    // `n` is text like any other: it is kept as typed, and the summary shows it.
    let run = piped(&ws, &INSPECT, "PX-2\n1\n0.05\np\nn\ny\n", &[]);
    assert!(
        run.stderr.contains("  5        remarks        n\n"),
        "{}",
        run.stderr
    );
    // Scripts leave it empty with an empty value.
    let run = ws.run_env(
        &[
            &INSPECT[..],
            &[
                "--set",
                "serial-number=PX-3",
                "--set",
                "wiring=1",
                "--set",
                "earth=0.05",
            ],
            &["--set", "seal=p", "--set", "remarks="],
        ]
        .concat(),
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = ws.run_env(
        &[
            &INSPECT[..],
            &[
                "--set",
                "serial-number=",
                "--set",
                "wiring=1",
                "--set",
                "earth=0.05",
            ],
            &["--set", "seal=p", "--set", "remarks="],
        ]
        .concat(),
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_inline(
        &format!("exit: {}\n{}", run.code, run.stderr),
        str![[r#"
exit: 2
error: `serial-number` is critical and cannot be left empty

"#]],
    );
}

#[test]
fn an_answer_is_changed_by_its_number_or_kept_with_b() {
    let ws = ready();
    // earth 0.5 fails; 3 changes it to 0.05; 4 and b keep seal; 9 is no item.
    let run = piped(
        &ws,
        &INSPECT,
        "PX-1\n1\n0.5\np\n\n3\n0.05\n4\nb\n9\ny\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summaries: Vec<&str> = run
        .stderr
        .split("Check the answers before they are recorded:\n")
        .skip(1)
        .collect();
    assert_eq!(summaries.len(), 3, "{}", run.stderr);
    assert!(summaries[0].contains(
        "  3  FAIL  earth          0.5 Ω, out of spec: 0.4 Ω above the upper limit 0.1\n"
    ));
    assert!(summaries[0].contains("Verdict: FAIL (1 item failed)\n"));
    assert!(summaries[1].contains("  3  pass  earth          0.05 Ω\n"));
    assert!(summaries[1].contains("Verdict: PASS\n"));
    assert!(
        run.stderr
            .contains("      Now: pass. Type a new answer, or b to keep this one.\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(
        "`9`: type y to record it, n to leave without recording, or a number from 1 to 5 to change that answer\n"
    ));
    assert_eq!(run.stdout, "INS-000001 PASS\n");
    let shown = json(&ws, &["inspections", "show", "1", "--json"]);
    assert_eq!(shown["results"][2]["value"], "0.05");
    assert_eq!(shown["results"][3]["outcome"], "pass");
}

#[test]
fn the_summary_is_coloured_only_where_the_terminal_has_colour() {
    let ws = ready();
    let failing = "PX-1\n3\n0.05\np\n\nn\n";
    let run = in_terminal(&ws, &INSPECT, 80, failing, &[]);
    let painted = regex::Regex::new(r"(\x1b\[[0-9;]*m)+FAIL\x1b\[0m").unwrap();
    let summary = run
        .stdout
        .split("Check the answers")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(painted.is_match(summary), "{summary:?}");
    assert!(
        regex::Regex::new(r"(\x1b\[[0-9;]*m)+critical\x1b\[0m")
            .unwrap()
            .is_match(summary),
        "{summary:?}"
    );
    for env in [
        &[("NO_COLOR", "1")][..],
        &[("TERM", "dumb")][..],
        &[("TERM", "dumb"), ("CI", "true"), ("CLICOLOR", "1")][..],
    ] {
        let run = in_terminal(&ws, &INSPECT, 80, failing, env);
        assert!(!run.stdout.contains('\x1b'), "{env:?}: {:?}", run.stdout);
        assert!(
            run.stdout
                .contains("  2  FAIL  wiring         wrong wiring\n")
        );
    }
    let run = piped(&ws, &INSPECT, failing, &[("NO_COLOR", "")]);
    assert!(!run.stderr.contains('\x1b'), "a pipe gets no colour");
}

#[test]
fn quitting_says_so_in_one_line_and_exits_1() {
    let ws = ready();
    for (input, said) in [
        ("PX-1\nq\n", "Quit at item 2 of 5: nothing was recorded.\n"),
        (
            "PX-1\n1\n",
            "The input ended at item 3 of 5: nothing was recorded.\n",
        ),
        (
            "PX-1\n1\n0.05\np\n\nn\n",
            "Not confirmed: nothing was recorded.\n",
        ),
        (
            "PX-1\n1\n0.05\np\n\n2\nq\n",
            "Not confirmed: nothing was recorded.\n",
        ),
    ] {
        let run = piped(&ws, &INSPECT, input, &[]);
        assert_eq!(run.code, 1, "{input:?}");
        assert!(
            run.stderr.ends_with(&format!("  > {said}"))
                || run.stderr.ends_with(&format!("to change it: {said}")),
            "{input:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("error"), "{}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    let run = in_terminal(&ws, &INSPECT, 80, "PX-1\nq\n", &[("NO_COLOR", "1")]);
    assert!(
        run.stdout
            .ends_with("  > q\nQuit at item 2 of 5: nothing was recorded.\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1);
    let list = json(&ws, &["inspections", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[test]
fn success_is_said_once_in_a_terminal_and_on_standard_output_for_scripts() {
    let ws = ready();
    let answers = "PX-1\n3\n0.05\np\n\ny\n";
    let run = in_terminal(&ws, &INSPECT, 80, answers, &[("NO_COLOR", "1")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.ends_with(
            "to change it: y\nRecorded INS-000001 against CL-003 rev 1: FAIL; opened NC-0001\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.matches("INS-000001").count(),
        1,
        "{}",
        run.stdout
    );
    let run = piped(&ws, &INSPECT, answers, &[]);
    assert_eq!(run.stdout, "INS-000002 FAIL\n", "the line scripts read");
    assert_eq!(
        run.stderr.matches("INS-000002").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn a_terminal_resized_halfway_gets_lines_of_its_new_width() {
    let ws = ready();
    let run = in_terminal(
        &ws,
        &INSPECT,
        100,
        "PX-1\n<resize 60>\n1\nq\n",
        &[("NO_COLOR", "1")],
    );
    let (before, after) = run.stdout.split_once("[3/5]").unwrap();
    assert!(
        before.contains(
            "      How: Compare with the wiring diagram inside the lid (brown L, blue N, green-yellow earth) and\n"
        ),
        "{before}"
    );
    assert!(widest(after) <= 60, "{after}");
    assert!(
        after.contains(
            "      How: Earth-bond tester at 10 A between the earth pin\n           of the plug and the bare metal test point on the\n"
        ),
        "{after}"
    );
}
