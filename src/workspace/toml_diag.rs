//! Turning a TOML parse error into a [`Diagnostic`] that points into the
//! file, shifted by where the TOML starts (the front matter of an SOP).

use std::ops::Range;

use crate::diagnostic::Diagnostic;

/// Keys that were renamed and are still read under their old name, which
/// no help should suggest: (old, new).
pub const RENAMED_KEYS: &[(&str, &str)] = &[("onboarding", "reading_path")];

/// serde's list of the keys it expected ("one of `a`, `b`"), without the
/// old names of renamed keys.
fn without_old_keys(expected: &str) -> String {
    let Some(list) = expected.strip_prefix("one of ") else {
        return expected.to_string();
    };
    let keys: Vec<&str> = list
        .split(", ")
        .filter(|k| {
            !RENAMED_KEYS
                .iter()
                .any(|(old, _)| k.trim_matches('`') == *old)
        })
        .collect();
    format!("one of {}", keys.join(", "))
}

/// `offset` is where the TOML text starts in the file; `whole` is the span
/// to point at when the error has none of its own (a missing key).
pub fn toml_error(
    e: &toml::de::Error,
    file: &str,
    toml_text: &str,
    offset: usize,
    whole: Range<usize>,
) -> Diagnostic {
    let message = e.message().trim().to_string();
    let span = e.span().map(|s| s.start + offset..s.end + offset);
    let (code, title, label, help) = if let Some(rest) = message.strip_prefix("unknown field ") {
        let (name, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let help = if expected.is_empty() {
            None
        } else {
            Some(format!("expected {}", without_old_keys(expected)))
        };
        (
            "unknown-key",
            format!("unknown key {name}"),
            "unknown key".to_string(),
            help,
        )
    } else if let Some(name) = message.strip_prefix("missing field ") {
        (
            "missing-field",
            format!("missing required key {name}"),
            format!("{name} is missing"),
            None,
        )
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        (
            "invalid-value",
            message.clone(),
            "wrong type of value".to_string(),
            None,
        )
    } else {
        (
            "toml-syntax",
            format!("invalid TOML: {message}"),
            message.clone(),
            None,
        )
    };
    // A missing key has no position of its own in the text: point at the
    // table that lacks it (toml gives the whole document or table).
    let span = match span {
        Some(_) if code == "missing-field" && !whole.is_empty() => whole,
        Some(s)
            if code == "missing-field" && s.end - s.start >= toml_text.len().saturating_sub(1) =>
        {
            0..0
        }
        Some(s) => s,
        None => whole,
    };
    let mut d = Diagnostic::error(code, title).at(file, span).label(label);
    if let Some(help) = help {
        d = d.help(help);
    }
    d
}
