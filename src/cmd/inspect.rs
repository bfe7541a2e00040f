//! `sopbook inspect`: item by item on the terminal, or scripted with
//! `--set`, `--note` and `--input`. What the terminal shows is
//! [`crate::render::inspection`].
//!
//! At the terminal every answer is shown again before anything is recorded,
//! and any of them can be changed by its number. What the inspector reads is
//! wrapped to the terminal's width between words.

use std::io::{BufRead, IsTerminal, Write};

use super::{Outcome, say};
use crate::cli::InspectArgs;
use crate::error::{Error, Result};
use crate::model::Item;
use crate::model::inspection::Verdict;
use crate::ops::Context;
use crate::ops::inspections::{self, Entry, Form, StartInput};
use crate::ops::photos;
use crate::render::inspection::{
    INDENT, Screen, Stopped, shown_answer, verdict_style, verdict_word,
};
use crate::render::{paint, visible};
use crate::words::{Form as Words, Lang, fill};

/// The largest `--input` file read: far more than any checklist's results.
const INPUT_LIMIT: u64 = 1 << 20;

pub fn inspect(ctx: &mut Context, args: &InspectArgs) -> Result<Outcome> {
    // What was given is read first: a bad file is said before anyone signs.
    let mut given = Vec::new();
    if let Some(file) = &args.input {
        let shown = file.display().to_string();
        let text = crate::workspace::read_regular(file, INPUT_LIMIT)
            .map_err(|p| Error::invalid(p.message(&shown, "result files")).with_hint(p.help()))?;
        given = inspections::entries_from_json(&text, &file.display().to_string())?;
    }
    inspections::add_pairs(&mut given, &args.set, &args.notes)?;
    let mut uploads = Vec::new();
    for (item, path) in photos::parse_pairs(&args.photos)? {
        let upload = photos::from_file(&item, &path)?;
        photos::check(&upload)?;
        uploads.push(upload);
    }
    let form = inspections::start_in(
        ctx,
        StartInput {
            checklist: &args.checklist,
            lot: &args.lot,
            serial: args.serial.as_deref(),
            inspector: &args.inspector,
            station: &args.station,
            reinspect: args.reinspect.as_deref(),
        },
        args.lang.as_deref(),
    )?;
    // What the inspector reads is in the form's language; what a script
    // reads on standard output is not.
    let lang = Lang::of(form.language.as_ref().map(|l| l.language.as_str()));
    let screen = Screen {
        lang,
        w: Words::of(lang),
    };
    let w = screen.w;
    if let Some(note) = form.language.as_ref().and_then(|l| l.note.as_deref()) {
        screen.say("", "", &format!("{}: {note}", w.note_said));
    }
    inspections::check_uploads(&form, &uploads)?;
    let entries = if given.is_empty() {
        match interactive(&screen, &form)? {
            Ok(entries) => entries,
            Err(stopped) => {
                // The inspector's own choice, not a failure of sopbook: one
                // line, no "error:". The exit code stays 1 so that a script
                // around `inspect` never takes an unrecorded unit for an
                // inspected one (README, exit codes).
                let why = stopped.said(&w);
                say(fill(w.nothing_recorded, &[("why", &why)]));
                return Ok(Outcome::Problem);
            }
        }
    } else {
        let prepared = inspections::prepare(&form, &given)?;
        say(format!("\n{} {}", form.checklist.id, form.checklist.title));
        screen.summary(&form, &prepared);
        given
    };
    let r = inspections::record(ctx, &form, &entries, &uploads)?;
    let verdict = r.verdict.to_string();
    let opened = r
        .nonconformance
        .as_ref()
        .map(|nc| fill(w.opened, &[("nc", nc)]))
        .unwrap_or_default();
    let done = fill(
        w.recorded,
        &[
            ("name", &r.name),
            ("checklist", &r.checklist),
            ("rev", &r.revision.to_string()),
            (
                "verdict",
                &paint(verdict_style(r.verdict), verdict_word(&w, r.verdict)),
            ),
            ("opened", &opened),
        ],
    );
    // Said once. Scripts read `INS-000012 PASS` from standard output; at a
    // terminal that line would repeat the sentence, so it is left out there.
    if std::io::stdout().is_terminal() {
        anstream::println!("{done}");
    } else {
        println!("{} {verdict}", r.name);
        say(done);
    }
    Ok(if r.verdict == Verdict::Fail && args.exit_code {
        Outcome::Problem
    } else {
        Outcome::Ok
    })
}

/// One answer asked for.
enum Asked {
    Given(Entry),
    /// `b`: the item before (or, when changing an answer, keep it).
    Back,
    Quit,
    InputEnded,
}

/// Asks for one item until it has an answer that fits (or the inspector
/// goes back or quits). `current` is the answer it has, when it is being
/// changed: its note is kept unless a new one is given.
fn ask(
    screen: &Screen,
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    item: &Item,
    (k, n): (usize, usize),
    current: Option<(&Entry, &str)>,
) -> Result<Asked> {
    screen.show_item(item, k, n, current.map(|(_, shown)| shown));
    let mut note = current.map(|(e, _)| e.note.clone()).unwrap_or_default();
    loop {
        eprint!("  > ");
        let _ = std::io::stderr().flush();
        let Some(line) = lines.next() else {
            return Ok(Asked::InputEnded);
        };
        let line = line?;
        let answer = line.trim();
        match answer {
            "q" | "quit" => return Ok(Asked::Quit),
            "b" | "back" => return Ok(Asked::Back),
            "?" => {
                screen.show_item(item, k, n, current.map(|(_, shown)| shown));
                continue;
            }
            _ => {}
        }
        if let Some(text) = answer.strip_prefix('!') {
            note = text.trim().to_string();
            let said = if note.is_empty() {
                screen.w.note_removed
            } else {
                screen.w.noted_now
            };
            screen.say(INDENT, INDENT, said);
            continue;
        }
        match inspections::answer(item, answer, &note) {
            Ok(r) => {
                if let Some(judged) = inspections::judged(&screen.w, item, &r) {
                    screen.say(INDENT, INDENT, &judged);
                }
                return Ok(Asked::Given(Entry {
                    item: item.id.clone(),
                    value: answer.to_string(),
                    note,
                }));
            }
            Err(e) => screen.say(
                INDENT,
                INDENT,
                &fill(screen.w.try_again, &[("problem", &e.said(&screen.w))]),
            ),
        }
    }
}

/// Asks item by item, then shows every answer and asks to record them.
/// Returns how it stopped when the inspector quits, the input ends or the
/// inspection is not confirmed.
fn interactive(screen: &Screen, form: &Form) -> Result<std::result::Result<Vec<Entry>, Stopped>> {
    let w = screen.w;
    let interrupted = w.interrupted;
    let _ = ctrlc::set_handler(move || {
        eprintln!("\n{interrupted}");
        std::process::exit(130);
    });
    let (checklist, header) = (&form.checklist, &form.header);
    let serial = header
        .serial
        .as_ref()
        .map(|s| fill(w.serial_part, &[("serial", s)]))
        .unwrap_or_default();
    screen.say(
        "",
        "",
        &fill(
            w.header,
            &[
                ("id", &checklist.id),
                ("title", &visible(&checklist.title)),
                ("rev", &form.revision.number.to_string()),
                ("lot", &header.lot),
                ("serial", &serial),
                ("inspector", &header.inspector),
            ],
        ),
    );
    screen.say("", "", w.how_to_answer);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let items = &checklist.items;
    let n = items.len();
    let mut answers: Vec<Option<Entry>> = vec![None; n];
    let mut k = 0;
    while k < n {
        let current = answers[k]
            .as_ref()
            .map(|e| (e, shown_answer(&w, &items[k], e)));
        let current = current.as_ref().map(|(e, s)| (*e, s.as_str()));
        match ask(screen, &mut lines, &items[k], (k + 1, n), current)? {
            Asked::Given(e) => {
                answers[k] = Some(e);
                k += 1;
            }
            Asked::Back => k = k.saturating_sub(1),
            Asked::Quit => return Ok(Err(Stopped::Quit { at: k + 1, of: n })),
            Asked::InputEnded => return Ok(Err(Stopped::InputEnded { at: k + 1, of: n })),
        }
    }
    let mut entries: Vec<Entry> = answers.into_iter().flatten().collect();
    let mut show = true;
    loop {
        if show {
            let preview = inspections::prepare(form, &entries)?;
            say(format!("\n{}", w.check_answers));
            screen.summary(form, &preview);
            show = false;
        }
        eprint!("{}", w.record_prompt);
        let _ = std::io::stderr().flush();
        let Some(line) = lines.next() else {
            return Ok(Err(Stopped::NotConfirmed));
        };
        let line = line?;
        match line.trim() {
            "y" | "Y" | "yes" => return Ok(Ok(entries)),
            "n" | "N" | "no" | "q" | "quit" => return Ok(Err(Stopped::NotConfirmed)),
            "" => continue,
            other => match other.parse::<usize>() {
                Ok(j) if (1..=n).contains(&j) => {
                    let shown = shown_answer(&w, &items[j - 1], &entries[j - 1]);
                    let current = Some((&entries[j - 1], shown.as_str()));
                    match ask(screen, &mut lines, &items[j - 1], (j, n), current)? {
                        Asked::Given(e) => entries[j - 1] = e,
                        Asked::Back => {}
                        Asked::Quit => return Ok(Err(Stopped::NotConfirmed)),
                        Asked::InputEnded => return Ok(Err(Stopped::NotConfirmed)),
                    }
                    show = true;
                }
                _ => screen.say(
                    INDENT,
                    INDENT,
                    &fill(
                        w.record_help,
                        &[("input", &visible(other)), ("n", &n.to_string())],
                    ),
                ),
            },
        }
    }
}
