//! `sopbook inspect`: item by item on the terminal, or scripted with
//! `--set`, `--note` and `--input`.
//!
//! At the terminal every answer is shown again before anything is recorded,
//! and any of them can be changed by its number. What the inspector reads is
//! wrapped to the terminal's width between words.

use std::io::{BufRead, IsTerminal, Write};

use super::{Outcome, say};
use crate::cli::InspectArgs;
use crate::error::{Error, Result};
use crate::model::inspection::{Outcome as ItemOutcome, Verdict};
use crate::model::{Item, ItemKind};
use crate::ops::Context;
use crate::ops::inspections::{self, Entry, Form, Prepared, StartInput};
use crate::ops::photos;
use crate::render::wrap::{self, wrap};
use crate::render::{paint, style, visible};

/// The largest `--input` file read: far more than any checklist's results.
const INPUT_LIMIT: u64 = 1 << 20;

/// Where the explanations under an item's prompt start.
const INDENT: &str = "      ";

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
    if let Some(note) = form.language.as_ref().and_then(|l| l.note.as_deref()) {
        say(format!("note: {note}"));
    }
    inspections::check_uploads(&form, &uploads)?;
    let screen = Screen;
    let entries = if given.is_empty() {
        match interactive(&screen, &form)? {
            Ok(entries) => entries,
            Err(stopped) => {
                // The inspector's own choice, not a failure of sopbook: one
                // line, no "error:". The exit code stays 1 so that a script
                // around `inspect` never takes an unrecorded unit for an
                // inspected one (README, exit codes).
                say(format!("{stopped}: nothing was recorded."));
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
    let done = format!(
        "Recorded {} against {} rev {}: {}{}",
        r.name,
        r.checklist,
        r.revision,
        paint(verdict_style(r.verdict), &verdict),
        r.nonconformance
            .as_ref()
            .map(|n| format!("; opened {n}"))
            .unwrap_or_default()
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

fn verdict_style(v: Verdict) -> anstyle::Style {
    match v {
        Verdict::Pass => style::GOOD,
        Verdict::Fail => style::BAD,
    }
}

/// How an interactive inspection ended without being recorded, as said to
/// the inspector.
#[derive(Debug)]
enum Stopped {
    Quit { at: usize, of: usize },
    InputEnded { at: usize, of: usize },
    NotConfirmed,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Quit { at, of } => write!(f, "Quit at item {at} of {of}"),
            Stopped::InputEnded { at, of } => write!(f, "The input ended at item {at} of {of}"),
            Stopped::NotConfirmed => write!(f, "Not confirmed"),
        }
    }
}

/// Text from a checklist as one paragraph to wrap: its line breaks (a
/// multi-line TOML string) become spaces, other control characters are
/// shown, never sent to the terminal.
fn prose(s: &str) -> String {
    visible(&s.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}

/// One answer asked for.
enum Asked {
    Given(Entry),
    /// `b`: the item before (or, when changing an answer, keep it).
    Back,
    Quit,
    InputEnded,
}

/// The terminal the inspector reads, on standard error. Its width is asked
/// for each time: a tmux pane may be resized or zoomed halfway through.
struct Screen;

impl Screen {
    /// `text` wrapped, starting with `first` and going on under `rest`.
    fn say(&self, first: &str, rest: &str, text: &str) {
        say(wrap(text, wrap::stderr_width(), first, rest).trim_end());
    }

    /// An explanation under the item's prompt, lined up after its label.
    fn explain(&self, label: &str, text: &str) {
        let first = format!("{INDENT}{label} ");
        self.say(&first, &" ".repeat(wrap::width(&first)), text);
    }

    fn show_item(&self, item: &Item, k: usize, n: usize, now: Option<&str>) {
        let number = format!("[{k}/{n}] ");
        let critical = if item.critical {
            format!("  {}", paint(style::WARNING, "CRITICAL"))
        } else {
            String::new()
        };
        say("");
        self.say(
            &number,
            &" ".repeat(number.len()),
            &format!("{}{critical}", prose(&item.prompt)),
        );
        if let Some(h) = &item.help {
            self.explain("How:", &prose(h));
        }
        match &item.kind {
            ItemKind::Choice { options, pass } => {
                self.say(INDENT, INDENT, "Options (type the number):");
                for (i, o) in options.iter().enumerate() {
                    let first = format!("{INDENT}  {:>2}  ", i + 1);
                    let fails = if pass.contains(o) { "" } else { "  (fails)" };
                    self.say(
                        &first,
                        &" ".repeat(first.len()),
                        &format!("{}{fails}", prose(o)),
                    );
                }
            }
            ItemKind::Text if item.critical => {
                self.explain("Text:", "required; a critical item cannot be left empty.")
            }
            ItemKind::Text => self.explain("Text:", "press Enter to leave it empty."),
            kind => self.explain("Spec:", &kind.spec()),
        }
        if let Some(now) = now {
            self.explain(
                "Now:",
                &format!("{now}. Type a new answer, or b to keep this one."),
            );
        }
    }

    /// Asks for one item until it has an answer that fits (or the inspector
    /// goes back or quits). `current` is the answer it has, when it is being
    /// changed: its note is kept unless a new one is given.
    fn ask(
        &self,
        lines: &mut impl Iterator<Item = std::io::Result<String>>,
        item: &Item,
        (k, n): (usize, usize),
        current: Option<(&Entry, &str)>,
    ) -> Result<Asked> {
        self.show_item(item, k, n, current.map(|(_, shown)| shown));
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
                    self.show_item(item, k, n, current.map(|(_, shown)| shown));
                    continue;
                }
                _ => {}
            }
            if let Some(text) = answer.strip_prefix('!') {
                note = text.trim().to_string();
                let said = if note.is_empty() {
                    "note removed; now the result"
                } else {
                    "noted; now the result"
                };
                self.say(INDENT, INDENT, said);
                continue;
            }
            match inspections::answer(item, answer, &note) {
                Ok(r) => {
                    if let Some(judged) = inspections::judged(item, &r) {
                        self.say(INDENT, INDENT, &judged);
                    }
                    return Ok(Asked::Given(Entry {
                        item: item.id.clone(),
                        value: answer.to_string(),
                        note,
                    }));
                }
                Err(e) => self.say(INDENT, INDENT, &format!("{}; try again", e.message)),
            }
        }
    }

    /// Every answer, one line each, numbered as asked, failures and
    /// critical items marked; then the verdict.
    fn summary(&self, form: &Form, p: &Prepared) {
        let items = &form.checklist.items;
        let id_width = items
            .iter()
            .map(|i| wrap::width(&i.id))
            .max()
            .unwrap_or(0)
            .min(24);
        let number_width = items.len().to_string().len();
        for (k, (item, r)) in items.iter().zip(&p.results).enumerate() {
            let mark = match r.outcome {
                ItemOutcome::Pass => paint(style::GOOD, "pass"),
                ItemOutcome::Fail => paint(style::BAD, "FAIL"),
                ItemOutcome::NotApplicable => paint(style::DIM, "n/a "),
                ItemOutcome::Recorded => "    ".to_string(),
            };
            let id = visible(&item.id);
            let pad = id_width.saturating_sub(wrap::width(&id));
            let first = format!(
                "  {:>number_width$}  {mark}  {id}{}  ",
                k + 1,
                " ".repeat(pad)
            );
            let rest = " ".repeat(wrap::width(&first));
            self.say(&first, &rest, &answer_in_words(item, r));
        }
        let failed = p.failed();
        let verdict = paint(verdict_style(p.verdict), &p.verdict.to_string());
        say(if failed > 0 {
            format!(
                "Verdict: {verdict} ({failed} item{} failed)",
                if failed == 1 { "" } else { "s" }
            )
        } else {
            format!("Verdict: {verdict}")
        });
    }
}

/// What was answered for an item, for the summary: the value with its unit
/// (pass/fail items need none beyond the mark), why it fails, whether the
/// item is critical, the note.
fn answer_in_words(item: &Item, r: &crate::model::inspection::ItemResult) -> String {
    let mut parts = Vec::new();
    let value = visible(&r.value);
    match (&item.kind, r.outcome) {
        (_, ItemOutcome::NotApplicable) | (ItemKind::PassFail, _) => {}
        (ItemKind::Measure { unit, .. }, outcome) => {
            let judged = match (r.number, outcome) {
                (Some(x), ItemOutcome::Fail) => format!(
                    ", {}",
                    paint(style::BAD, &crate::model::inspection::judge(item, x))
                ),
                _ => String::new(),
            };
            parts.push(format!("{value} {unit}{judged}"));
        }
        (ItemKind::Count { max }, ItemOutcome::Fail) => {
            parts.push(format!(
                "{value}, {}",
                paint(style::BAD, &format!("more than {max}"))
            ));
        }
        (ItemKind::Text, _) if value.is_empty() => parts.push(paint(style::DIM, "(left empty)")),
        _ => parts.push(value.into_owned()),
    }
    if item.critical {
        parts.push(paint(style::WARNING, "critical"));
    }
    if !r.note.is_empty() {
        parts.push(format!("note: {}", visible(&r.note)));
    }
    parts.join("  ")
}

/// Asks item by item, then shows every answer and asks to record them.
/// Returns how it stopped when the inspector quits, the input ends or the
/// inspection is not confirmed.
fn interactive(screen: &Screen, form: &Form) -> Result<std::result::Result<Vec<Entry>, Stopped>> {
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nInterrupted: nothing was recorded.");
        std::process::exit(130);
    });
    let (checklist, header) = (&form.checklist, &form.header);
    screen.say(
        "",
        "",
        &format!(
            "{} {} (rev {}), lot {}{}, inspector {}",
            checklist.id,
            visible(&checklist.title),
            form.revision.number,
            header.lot,
            header
                .serial
                .as_ref()
                .map(|s| format!(", serial {s}"))
                .unwrap_or_default(),
            header.inspector
        ),
    );
    screen.say(
        "",
        "",
        "Answer p (pass), f (fail) or n (not applicable); a number for measurements; \
         the option number for choices. Add a note with `! text`, go back with `b`, \
         quit without recording with `q` or Ctrl-C. Every answer is shown again, \
         to check and change, before it is recorded.",
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let items = &checklist.items;
    let n = items.len();
    let mut answers: Vec<Option<Entry>> = vec![None; n];
    let mut k = 0;
    while k < n {
        let current = answers[k].as_ref().map(|e| (e, shown_answer(&items[k], e)));
        let current = current.as_ref().map(|(e, s)| (*e, s.as_str()));
        match screen.ask(&mut lines, &items[k], (k + 1, n), current)? {
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
            say("\nCheck the answers before they are recorded:");
            screen.summary(form, &preview);
            show = false;
        }
        eprint!("Record this inspection? y, n, or an item's number to change it: ");
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
                    let shown = shown_answer(&items[j - 1], &entries[j - 1]);
                    let current = Some((&entries[j - 1], shown.as_str()));
                    match screen.ask(&mut lines, &items[j - 1], (j, n), current)? {
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
                    &format!(
                        "`{}`: type y to record it, n to leave without recording, \
                         or a number from 1 to {n} to change that answer",
                        visible(other)
                    ),
                ),
            },
        }
    }
}

/// An answer given before, as the inspector typed it or chose it.
fn shown_answer(item: &Item, e: &Entry) -> String {
    let value = match inspections::answer(item, &e.value, &e.note) {
        Ok(r) => match (&item.kind, r.outcome) {
            (_, ItemOutcome::NotApplicable) => "not applicable".to_string(),
            (ItemKind::PassFail, o) => o.to_string(),
            (ItemKind::Measure { unit, .. }, _) => format!("{} {unit}", r.value),
            (ItemKind::Text, _) if r.value.is_empty() => "left empty".to_string(),
            _ => r.value,
        },
        Err(_) => e.value.clone(),
    };
    let value = visible(&value).into_owned();
    if e.note.is_empty() {
        value
    } else {
        format!("{value} (note: {})", visible(&e.note))
    }
}
