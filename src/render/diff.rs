//! Unified diffs between revisions and working copies.

use similar::{ChangeTag, TextDiff};

/// A unified diff, with colour codes when `color` is set (the output stream
/// strips them where the terminal has no colour).
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string();
    if !color {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            super::style::BOLD
        } else if line.starts_with('+') {
            super::style::ADDED
        } else if line.starts_with('-') {
            super::style::REMOVED
        } else if line.starts_with("@@") {
            super::style::HUNK
        } else {
            anstyle::Style::new()
        };
        out.push_str(&format!("{style}{line}{style:#}\n"));
    }
    out
}

/// How many lines were added and removed.
pub fn stat(old: &str, new: &str) -> (usize, usize) {
    let diff = TextDiff::from_lines(old, new);
    let mut added = 0;
    let mut removed = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    (added, removed)
}
