//! Inspections, pure: turning what an inspector enters into an item result,
//! and item results into a verdict.

use std::fmt;

use crate::model::{Item, ItemKind, num};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    #[serde(rename = "na")]
    NotApplicable,
    /// A text item: nothing to pass or fail.
    Recorded,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NotApplicable => "na",
            Outcome::Recorded => "recorded",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Self::from_word(s)
    }

    fn from_word(s: &str) -> Option<Outcome> {
        Some(match s {
            "pass" => Outcome::Pass,
            "fail" => Outcome::Fail,
            "na" => Outcome::NotApplicable,
            "recorded" => Outcome::Recorded,
            _ => return None,
        })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One item as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult {
    pub item_id: String,
    pub value: String,
    pub number: Option<f64>,
    pub outcome: Outcome,
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "pass" => Some(Verdict::Pass),
            "fail" => Some(Verdict::Fail),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
        })
    }
}

/// FAIL if any item fails (a critical item, a measurement out of its limits,
/// or any other item); PASS otherwise. Items not applicable do not count.
pub fn verdict(results: &[ItemResult]) -> Verdict {
    if results.iter().any(|r| r.outcome == Outcome::Fail) {
        Verdict::Fail
    } else {
        Verdict::Pass
    }
}

fn is_na(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "n" | "na" | "n/a" | "not applicable"
    )
}

/// Why an answer does not fit its item.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A critical text item left empty.
    CriticalEmpty,
    /// Any other item left empty.
    NeedsValue,
    /// A critical item marked not applicable.
    CriticalNotApplicable,
    NotPassFail,
    NotANumber {
        unit: String,
    },
    NotAnOption {
        options: Vec<String>,
    },
    NotACount,
}

/// An answer that does not fit its item: which item, what was typed and
/// why. Shown in English by `Display`, in another language by
/// [`AnswerError::said`].
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerError {
    pub item: String,
    pub value: String,
    pub problem: Problem,
}

impl AnswerError {
    /// What is wrong, in the words `w` (an inspection form's language).
    pub fn said(&self, w: &crate::words::Form) -> String {
        let phrase = match &self.problem {
            Problem::CriticalEmpty => w.critical_empty,
            Problem::NeedsValue => w.needs_value,
            Problem::CriticalNotApplicable => w.critical_na,
            Problem::NotPassFail => w.not_pass_fail,
            Problem::NotANumber { .. } => w.not_number,
            Problem::NotAnOption { .. } => w.not_option,
            Problem::NotACount => w.not_count,
        };
        let unit = match &self.problem {
            Problem::NotANumber { unit } => unit.as_str(),
            _ => "",
        };
        // Backticks keep options apart that have commas of their own.
        let options = match &self.problem {
            Problem::NotAnOption { options } => options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{} `{o}`", i + 1))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        crate::words::fill(
            phrase,
            &[
                ("item", &self.item),
                ("value", &self.value),
                ("unit", unit),
                ("options", &options),
            ],
        )
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.said(&crate::words::Form::ENGLISH))
    }
}

/// Evaluates what was entered for an item. Errors say what is expected.
pub fn evaluate(item: &Item, input: &str, note: &str) -> Result<ItemResult, AnswerError> {
    let value = input.trim();
    let result = |number: Option<f64>, outcome: Outcome| ItemResult {
        item_id: item.id.clone(),
        value: value.to_string(),
        number,
        outcome,
        note: note.trim().to_string(),
    };
    let wrong = |problem: Problem| AnswerError {
        item: item.id.clone(),
        value: value.to_string(),
        problem,
    };
    if value.is_empty() {
        // Text is recorded, not judged: like a remarks box on a paper form it
        // may stay empty, unless the checklist makes it critical.
        return match (&item.kind, item.critical) {
            (ItemKind::Text, false) => Ok(result(None, Outcome::Recorded)),
            (ItemKind::Text, true) => Err(wrong(Problem::CriticalEmpty)),
            _ => Err(wrong(Problem::NeedsValue)),
        };
    }
    if is_na(value) && !matches!(item.kind, ItemKind::Text) {
        if item.critical {
            return Err(wrong(Problem::CriticalNotApplicable));
        }
        return Ok(result(None, Outcome::NotApplicable));
    }
    match &item.kind {
        ItemKind::PassFail => match value.to_ascii_lowercase().as_str() {
            "p" | "pass" | "ok" | "yes" | "y" => Ok(result(None, Outcome::Pass)),
            "f" | "fail" | "no" => Ok(result(None, Outcome::Fail)),
            _ => Err(wrong(Problem::NotPassFail)),
        },
        ItemKind::Measure {
            unit, lower, upper, ..
        } => {
            let x = parse_number(value)
                .ok_or_else(|| wrong(Problem::NotANumber { unit: unit.clone() }))?;
            let ok = lower.is_none_or(|l| x >= l) && upper.is_none_or(|u| x <= u);
            Ok(result(
                Some(x),
                if ok { Outcome::Pass } else { Outcome::Fail },
            ))
        }
        ItemKind::Choice { options, pass } => {
            let chosen = match value.parse::<usize>() {
                Ok(n) if n >= 1 && n <= options.len() => Some(&options[n - 1]),
                _ => options.iter().find(|o| o.eq_ignore_ascii_case(value)),
            };
            let Some(chosen) = chosen else {
                return Err(wrong(Problem::NotAnOption {
                    options: options.clone(),
                }));
            };
            let mut r = result(
                None,
                if pass.contains(chosen) {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                },
            );
            r.value = chosen.clone();
            Ok(r)
        }
        ItemKind::Count { max } => {
            let n: u64 = value.parse().map_err(|_| wrong(Problem::NotACount))?;
            Ok(result(
                Some(n as f64),
                if n <= u64::from(*max) {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                },
            ))
        }
        ItemKind::Text => Ok(result(None, Outcome::Recorded)),
    }
}

/// A decimal number; a comma as decimal separator is accepted (3,85).
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim().replace(',', ".");
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// "in spec" or "out of spec: 0.3 bar above the upper limit 4.2".
pub fn judge(item: &Item, x: f64) -> String {
    judge_in(&crate::words::Form::ENGLISH, item, x)
}

/// [`judge`] in the words `w` of an inspection form's language.
pub fn judge_in(w: &crate::words::Form, item: &Item, x: f64) -> String {
    if let ItemKind::Measure {
        unit, lower, upper, ..
    } = &item.kind
    {
        let beyond = |phrase: &str, by: f64, limit: f64| {
            crate::words::fill(
                phrase,
                &[
                    ("by", &num(round(by))),
                    ("unit", unit),
                    ("limit", &num(limit)),
                ],
            )
        };
        if let Some(u) = upper
            && x > *u
        {
            return beyond(w.above, x - u, *u);
        }
        if let Some(l) = lower
            && x < *l
        {
            return beyond(w.below, l - x, *l);
        }
    }
    w.in_spec.to_string()
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Lot and serial numbers: printable, one line, at most 100 characters.
pub fn check_label(what: &str, s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err(format!("the {what} is empty"));
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the {what} `{}` contains a control character (U+{:04X}); use letters, digits and punctuation",
            s.escape_debug(),
            c as u32
        ));
    }
    if s.chars().count() > 100 {
        return Err(format!("the {what} is longer than 100 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind, critical: bool) -> Item {
        Item {
            id: "x".into(),
            prompt: "X".into(),
            help: None,
            critical,
            kind,
            class: None,
        }
    }

    #[test]
    fn measurements_are_judged_against_limits() {
        let m = item(
            ItemKind::Measure {
                unit: "bar".into(),
                nominal: Some(4.0),
                lower: Some(3.8),
                upper: Some(4.2),
                lower_bound: None,
                upper_bound: None,
            },
            false,
        );
        assert_eq!(
            evaluate(&m, "4.2", "").unwrap().outcome,
            Outcome::Pass,
            "limits are inclusive"
        );
        assert_eq!(evaluate(&m, "4,25", "").unwrap().outcome, Outcome::Fail);
        assert_eq!(
            judge(&m, 4.25),
            "out of spec: 0.05 bar above the upper limit 4.2"
        );
        assert_eq!(
            judge(&m, 3.5),
            "out of spec: 0.3 bar below the lower limit 3.8"
        );
        assert!(
            evaluate(&m, "four", "")
                .unwrap_err()
                .to_string()
                .contains("is not a number")
        );
        assert!(evaluate(&m, "NaN", "").is_err());
    }

    #[test]
    fn choices_counts_and_not_applicable() {
        let c = item(
            ItemKind::Choice {
                options: vec!["good".into(), "marked".into(), "damaged".into()],
                pass: vec!["good".into(), "marked".into()],
            },
            false,
        );
        assert_eq!(evaluate(&c, "3", "").unwrap().value, "damaged");
        assert_eq!(evaluate(&c, "3", "").unwrap().outcome, Outcome::Fail);
        assert_eq!(evaluate(&c, "Marked", "").unwrap().outcome, Outcome::Pass);
        assert!(
            evaluate(&c, "scuffed", "")
                .unwrap_err()
                .to_string()
                .contains("(1 `good`, 2 `marked`, 3 `damaged`)")
        );
        assert_eq!(
            evaluate(&c, "n", "").unwrap().outcome,
            Outcome::NotApplicable
        );
        let n = item(ItemKind::Count { max: 2 }, true);
        assert_eq!(evaluate(&n, "2", "").unwrap().outcome, Outcome::Pass);
        assert_eq!(evaluate(&n, "3", "").unwrap().outcome, Outcome::Fail);
        assert!(
            evaluate(&n, "n", "")
                .unwrap_err()
                .to_string()
                .contains("critical")
        );
        assert!(evaluate(&n, "-1", "").is_err());
    }

    #[test]
    fn text_may_be_left_empty_unless_critical() {
        let remarks = evaluate(&item(ItemKind::Text, false), "  ", "").unwrap();
        assert_eq!(
            (remarks.value.as_str(), remarks.outcome),
            ("", Outcome::Recorded)
        );
        let n = evaluate(&item(ItemKind::Text, false), "n", "").unwrap();
        assert_eq!(n.value, "n", "text is kept as typed");
        assert_eq!(
            evaluate(&item(ItemKind::Text, true), "", "")
                .unwrap_err()
                .to_string(),
            "`x` is critical and cannot be left empty"
        );
        assert_eq!(
            evaluate(&item(ItemKind::PassFail, false), "", "")
                .unwrap_err()
                .to_string(),
            "`x` needs a value"
        );
    }

    #[test]
    fn what_is_wrong_with_an_answer_is_said_in_the_forms_language() {
        use crate::words::Form;
        let m = Item {
            kind: ItemKind::Measure {
                unit: "bar".into(),
                nominal: None,
                lower: Some(3.8),
                upper: Some(4.2),
                lower_bound: None,
                upper_bound: None,
            },
            ..item(ItemKind::PassFail, false)
        };
        let wrong = evaluate(&m, "fire", "").unwrap_err();
        assert_eq!(
            wrong.said(&Form::NORWEGIAN),
            "`x` er en måling i bar: `fire` er ikke et tall"
        );
        assert_eq!(
            wrong.said(&Form::HEBREW),
            "`x` הוא מדידה ב-bar: `fire` אינו מספר"
        );
        assert_eq!(
            judge_in(&Form::NORWEGIAN, &m, 4.5),
            "utenfor kravet: 0.3 bar over øvre grense 4.2"
        );
        assert_eq!(judge_in(&Form::HEBREW, &m, 4.0), "בתחום המפרט");
        // What is typed is never read for marks.
        let odd = evaluate(&m, "{unit}", "").unwrap_err();
        assert_eq!(
            odd.to_string(),
            "`x` is a measurement in bar: `{unit}` is not a number"
        );
    }

    #[test]
    fn verdict_fails_on_any_failed_item() {
        let pf = item(ItemKind::PassFail, false);
        let pass = evaluate(&pf, "p", "").unwrap();
        let na = evaluate(&pf, "n", "").unwrap();
        let fail = evaluate(&pf, "f", "").unwrap();
        assert_eq!(verdict(&[pass.clone(), na.clone()]), Verdict::Pass);
        assert_eq!(verdict(&[pass, na, fail]), Verdict::Fail);
    }

    #[test]
    fn labels_refuse_control_characters() {
        assert!(check_label("lot", "L-2026-11").is_ok());
        assert!(
            check_label("lot", "L\u{1b}[31m")
                .unwrap_err()
                .contains("control character")
        );
        assert!(check_label("serial", " ").is_err());
    }
}
