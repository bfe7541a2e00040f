//! `sopbook inspect` at the terminal: an item with what explains it, the
//! summary of every answer, an answer shown back, in the form's words
//! ([`crate::words::Form`]), wrapped to the terminal's width between words.

use super::wrap::{self, wrap};
use super::{paint, style, visible};
use crate::cmd::say;
use crate::model::inspection::{Outcome as ItemOutcome, Verdict};
use crate::model::{Item, ItemKind};
use crate::ops::inspections::{self, Entry, Form, Prepared};
use crate::words::{Form as Words, Lang, fill};

/// Where the explanations under an item's prompt start.
pub const INDENT: &str = "      ";

pub fn verdict_word(w: &Words, v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => w.verdict_pass,
        Verdict::Fail => w.verdict_fail,
    }
}

pub fn verdict_style(v: Verdict) -> anstyle::Style {
    match v {
        Verdict::Pass => style::GOOD,
        Verdict::Fail => style::BAD,
    }
}

/// How an interactive inspection ended without being recorded, as said to
/// the inspector.
#[derive(Debug)]
pub enum Stopped {
    Quit { at: usize, of: usize },
    InputEnded { at: usize, of: usize },
    NotConfirmed,
}

impl Stopped {
    pub fn said(&self, w: &Words) -> String {
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
pub fn prose(s: &str) -> String {
    visible(&s.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}
/// The terminal the inspector reads, on standard error, in the form's
/// words. Its width is asked for each time: a tmux pane may be resized or
/// zoomed halfway through.
pub struct Screen {
    pub lang: Lang,
    pub w: Words,
}

impl Screen {
    /// `text` wrapped, starting with `first` and going on under `rest`.
    pub fn say(&self, first: &str, rest: &str, text: &str) {
        say(wrap(text, wrap::stderr_width(), first, rest).trim_end());
    }

    /// An explanation under the item's prompt, lined up after its label.
    pub fn explain(&self, label: &str, text: &str) {
        let first = format!("{INDENT}{label} ");
        self.say(&first, &" ".repeat(wrap::width(&first)), text);
    }

    pub fn show_item(&self, item: &Item, k: usize, n: usize, now: Option<&str>) {
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
    pub fn spec(&self, kind: &ItemKind) -> String {
        crate::manual::words::spec_in(self.lang, kind)
    }

    /// Every answer, one line each, numbered as asked, failures and
    /// critical items marked; then the verdict.
    pub fn summary(&self, form: &Form, p: &Prepared) {
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
pub fn answer_in_words(w: &Words, item: &Item, r: &crate::model::inspection::ItemResult) -> String {
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

/// An answer given before, as the inspector typed it or chose it.
pub fn shown_answer(w: &Words, item: &Item, e: &Entry) -> String {
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
