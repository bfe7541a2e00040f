//! `sopbook inspect`: item by item on the terminal, or scripted with
//! `--set`, `--note` and `--input`.

use std::io::{BufRead, Write};

use super::{Outcome, say};
use crate::cli::InspectArgs;
use crate::error::{Error, Result};
use crate::model::ItemKind;
use crate::model::inspection::{Outcome as ItemOutcome, Verdict};
use crate::ops::Context;
use crate::ops::inspections::{self, Entry, Form, Prepared, StartInput};

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
    let form = inspections::start(
        ctx,
        StartInput {
            checklist: &args.checklist,
            lot: &args.lot,
            serial: args.serial.as_deref(),
            inspector: &args.inspector,
            station: &args.station,
            reinspect: args.reinspect.as_deref(),
        },
    )?;
    let entries = if given.is_empty() {
        match interactive(&form)? {
            Some(entries) => entries,
            None => {
                say("Nothing was recorded.");
                return Err(Error::problem(
                    "the inspection was abandoned before it was confirmed",
                ));
            }
        }
    } else {
        print_summary(&form, &inspections::prepare(&form, &given)?);
        given
    };
    let r = inspections::record(ctx, &form, &entries)?;
    let verdict = r.verdict.to_string();
    println!("{} {verdict}", r.name);
    say(format!(
        "Recorded {} against {} rev {}: {verdict}{}",
        r.name,
        r.checklist,
        r.revision,
        r.nonconformance
            .as_ref()
            .map(|n| format!("; opened {n}"))
            .unwrap_or_default()
    ));
    Ok(if r.verdict == Verdict::Fail && args.exit_code {
        Outcome::Problem
    } else {
        Outcome::Ok
    })
}

fn print_summary(form: &Form, p: &Prepared) {
    let checklist = &form.checklist;
    say(format!("\n{} {}", checklist.id, checklist.title));
    for (item, r) in checklist.items.iter().zip(&p.results) {
        let mark = match r.outcome {
            ItemOutcome::Pass => "pass",
            ItemOutcome::Fail => "FAIL",
            ItemOutcome::NotApplicable => "n/a",
            ItemOutcome::Recorded => "    ",
        };
        let unit = match &item.kind {
            ItemKind::Measure { unit, .. } => format!(" {unit}"),
            _ => String::new(),
        };
        let note = if r.note.is_empty() {
            String::new()
        } else {
            format!("  ({})", r.note)
        };
        say(format!("  {mark}  {:<28} {}{unit}{note}", item.id, r.value));
    }
    let failed = p.failed();
    say(format!(
        "Verdict: {}{}",
        p.verdict,
        if failed > 0 {
            format!(
                " ({failed} item{} failed)",
                if failed == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    ));
}

fn show_item(item: &crate::model::Item, k: usize, n: usize) {
    say(format!(
        "\n[{k}/{n}] {}{}",
        item.prompt,
        if item.critical { "  CRITICAL" } else { "" }
    ));
    if let Some(h) = &item.help {
        say(format!("      How: {h}"));
    }
    say(format!("      Spec: {}", item.kind.spec()));
    if let ItemKind::Choice { options, .. } = &item.kind {
        let list: Vec<_> = options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{} {o}", i + 1))
            .collect();
        say(format!("      Options: {}", list.join(", ")));
    }
}

/// Asks item by item. Returns `None` when the inspector quits (q, end of
/// input) or does not confirm.
fn interactive(form: &Form) -> Result<Option<Vec<Entry>>> {
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nInterrupted: nothing was recorded.");
        std::process::exit(130);
    });
    let (checklist, header) = (&form.checklist, &form.header);
    say(format!(
        "{} {} (rev {}), lot {}{}, inspector {}",
        checklist.id,
        checklist.title,
        form.revision.number,
        header.lot,
        header
            .serial
            .as_ref()
            .map(|s| format!(", serial {s}"))
            .unwrap_or_default(),
        header.inspector
    ));
    say(
        "Answer p (pass), f (fail) or n (not applicable); a number for measurements; the option number for choices.",
    );
    say("Add a note with `! text`, go back with `b`, quit without recording with `q` or Ctrl-C.");
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut entries: Vec<Entry> = Vec::new();
    let n = checklist.items.len();
    let mut k = 0;
    let mut note = String::new();
    while k < n {
        let item = &checklist.items[k];
        show_item(item, k + 1, n);
        eprint!("  > ");
        let _ = std::io::stderr().flush();
        let Some(line) = lines.next() else {
            return Ok(None);
        };
        let line = line?;
        let answer = line.trim();
        match answer {
            "q" | "quit" => return Ok(None),
            "b" | "back" => {
                if k > 0 {
                    k -= 1;
                    entries.pop();
                }
                continue;
            }
            "?" => continue,
            _ => {}
        }
        if let Some(text) = answer.strip_prefix('!') {
            note = text.trim().to_string();
            say("      noted; now the result");
            continue;
        }
        match inspections::answer(item, answer, &note) {
            Ok(r) => {
                if let Some(judged) = inspections::judged(item, &r) {
                    say(format!("      {judged}"));
                }
                entries.push(Entry {
                    item: item.id.clone(),
                    value: answer.to_string(),
                    note: std::mem::take(&mut note),
                });
                k += 1;
            }
            Err(e) => say(format!("      {}; try again", e.message)),
        }
    }
    let preview = inspections::prepare(form, &entries)?;
    let failed = preview.failed();
    say(format!(
        "\nVerdict: {}{}",
        preview.verdict,
        if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        }
    ));
    eprint!("Record this inspection? [y/N] ");
    let _ = std::io::stderr().flush();
    let confirmed = matches!(
        lines.next().transpose()?.as_deref().map(str::trim),
        Some("y" | "Y" | "yes")
    );
    Ok(confirmed.then_some(entries))
}
