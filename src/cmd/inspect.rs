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
use crate::words::{Form as Words, Lang, fill};

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

fn verdict_word(w: &Words, v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => w.verdict_pass,
        Verdict::Fail => w.verdict_fail,
    }
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

impl Stopped {
    fn said(&self, w: &Words) -> String {
        let (phrase, at, of) = match self {
            Stopped::Quit { at, of } => (w.quit_at, at, of),
            Stopped::InputEnded { at, of } => (w.input_ended, at, of),
            Stopped::NotConfirmed => return w.not_confirmed.to_string(),
        };
        fill(phrase, &[("at", &at.to_string()), ("of", &of.to_string())])
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

/// The terminal the inspector reads, on standard error, in the form's
/// words. Its width is asked for each time: a tmux pane may be resized or
/// zoomed halfway through.
struct Screen {
    lang: Lang,
    w: Words,
}

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
            format!("  {}", paint(style::WARNING, self.w.critical_mark))
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
            self.explain(self.w.how, &prose(h));
        }
        match &item.kind {
            ItemKind::Choice { options, pass } => {
                self.say(INDENT, INDENT, self.w.options);
                for (i, o) in options.iter().enumerate() {
                    let first = format!("{INDENT}  {:>2}  ", i + 1);
                    let fails = if pass.contains(o) {
                        String::new()
                    } else {
                        format!("  ({})", self.w.fails)
                    };
                    self.say(
                        &first,
                        &" ".repeat(first.len()),
                        &format!("{}{fails}", prose(o)),
                    );
                }
            }
            ItemKind::Text if item.critical => self.explain(self.w.text, self.w.text_required),
            ItemKind::Text => self.explain(self.w.text, self.w.text_optional),
            kind => self.explain(self.w.spec, &self.spec(kind)),
        }
        if let Some(now) = now {
            self.explain(self.w.now, &fill(self.w.now_text, &[("now", now)]));
        }
    }

    /// An item's specification in the form's language.
    fn spec(&self, kind: &ItemKind) -> String {
        crate::manual::words::spec_in(self.lang, kind)
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
                    self.w.note_removed
                } else {
                    self.w.noted_now
                };
                self.say(INDENT, INDENT, said);
                continue;
            }
            match inspections::answer(item, answer, &note) {
                Ok(r) => {
                    if let Some(judged) = inspections::judged(&self.w, item, &r) {
                        self.say(INDENT, INDENT, &judged);
                    }
                    return Ok(Asked::Given(Entry {
                        item: item.id.clone(),
                        value: answer.to_string(),
                        note,
                    }));
                }
                Err(e) => self.say(
                    INDENT,
                    INDENT,
                    &fill(self.w.try_again, &[("problem", &e.said(&self.w))]),
                ),
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
        let w = &self.w;
        // The marks are lined up: each is padded to the widest.
        let mark_width = [w.mark_pass, w.mark_fail, w.mark_na]
            .iter()
            .map(|m| wrap::width(m))
            .max()
            .unwrap_or(0);
        let padded = |m: &str| format!("{m}{}", " ".repeat(mark_width - wrap::width(m)));
        for (k, (item, r)) in items.iter().zip(&p.results).enumerate() {
            let mark = match r.outcome {
                ItemOutcome::Pass => paint(style::GOOD, &padded(w.mark_pass)),
                ItemOutcome::Fail => paint(style::BAD, &padded(w.mark_fail)),
                ItemOutcome::NotApplicable => paint(style::DIM, &padded(w.mark_na)),
                ItemOutcome::Recorded => " ".repeat(mark_width),
            };
            let id = visible(&item.id);
            let pad = id_width.saturating_sub(wrap::width(&id));
            let first = format!(
                "  {:>number_width$}  {mark}  {id}{}  ",
                k + 1,
                " ".repeat(pad)
            );
            let rest = " ".repeat(wrap::width(&first));
            self.say(&first, &rest, &answer_in_words(w, item, r));
        }
        let failed = p.failed();
        let verdict = paint(verdict_style(p.verdict), verdict_word(w, p.verdict));
        say(if failed > 0 {
            let phrase = if failed == 1 {
                w.one_failed
            } else {
                w.many_failed
            };
            let failed = fill(phrase, &[("n", &failed.to_string())]);
            format!("{}: {verdict} ({failed})", w.verdict)
        } else {
            format!("{}: {verdict}", w.verdict)
        });
    }
}

/// What was answered for an item, for the summary: the value with its unit
/// (pass/fail items need none beyond the mark), why it fails, whether the
/// item is critical, the note.
fn answer_in_words(w: &Words, item: &Item, r: &crate::model::inspection::ItemResult) -> String {
    let mut parts = Vec::new();
    let value = visible(&r.value);
    match (&item.kind, r.outcome) {
        (_, ItemOutcome::NotApplicable) | (ItemKind::PassFail, _) => {}
        (ItemKind::Measure { unit, .. }, outcome) => {
            let judged = match (r.number, outcome) {
                (Some(x), ItemOutcome::Fail) => format!(
                    ", {}",
                    paint(style::BAD, &crate::model::inspection::judge_in(w, item, x))
                ),
                _ => String::new(),
            };
            parts.push(format!("{value} {unit}{judged}"));
        }
        (ItemKind::Count { max }, ItemOutcome::Fail) => {
            parts.push(format!(
                "{value}, {}",
                paint(style::BAD, &fill(w.more_than, &[("max", &max.to_string())]))
            ));
        }
        (ItemKind::Text, _) if value.is_empty() => {
            parts.push(paint(style::DIM, &format!("({})", w.left_empty)))
        }
        _ => parts.push(value.into_owned()),
    }
    if item.critical {
        parts.push(paint(style::WARNING, w.critical));
    }
    if !r.note.is_empty() {
        parts.push(format!("{}: {}", w.note_said, visible(&r.note)));
    }
    parts.join("  ")
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
                    &fill(
                        w.record_help,
                        &[("input", &visible(other)), ("n", &n.to_string())],
                    ),
                ),
            },
        }
    }
}

/// An answer given before, as the inspector typed it or chose it.
fn shown_answer(w: &Words, item: &Item, e: &Entry) -> String {
    let value = match inspections::answer(item, &e.value, &e.note) {
        Ok(r) => match (&item.kind, r.outcome) {
            (_, ItemOutcome::NotApplicable) => w.not_applicable.to_string(),
            (ItemKind::PassFail, ItemOutcome::Fail) => w.answer_fail.to_string(),
            (ItemKind::PassFail, _) => w.answer_pass.to_string(),
            (ItemKind::Measure { unit, .. }, _) => format!("{} {unit}", r.value),
            (ItemKind::Text, _) if r.value.is_empty() => w.left_empty.to_string(),
            _ => r.value,
        },
        Err(_) => e.value.clone(),
    };
    let value = visible(&value).into_owned();
    if e.note.is_empty() {
        value
    } else {
        format!("{value} ({}: {})", w.note_said, visible(&e.note))
    }
}
