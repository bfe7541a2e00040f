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

/// One line of a [`Hunk`]: kept, added or removed, with its text (no line end).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HunkLine {
    /// `same`, `added` or `removed`.
    pub tag: &'static str,
    pub text: String,
}

/// A hunk of a unified diff: where it is (`@@ -1,4 +1,5 @@`) and its lines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hunk {
    pub header: String,
    pub lines: Vec<HunkLine>,
}

/// The hunks of [`unified`] (three lines of context), as data, for a front
/// end that shows them its own way (a page marks them up, escaped).
pub fn hunks(old: &str, new: &str) -> Vec<Hunk> {
    let diff = TextDiff::from_lines(old, new);
    diff.unified_diff()
        .context_radius(3)
        .iter_hunks()
        .map(|hunk| Hunk {
            header: hunk.header().to_string().trim_end().to_string(),
            lines: hunk
                .iter_changes()
                .map(|c| HunkLine {
                    tag: match c.tag() {
                        ChangeTag::Equal => "same",
                        ChangeTag::Insert => "added",
                        ChangeTag::Delete => "removed",
                    },
                    text: c.value().trim_end_matches(['\n', '\r']).to_string(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_are_the_unified_diffs_hunks() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
        let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let got = hunks(old, new);
        let text = unified(old, new, "old", "new", false);
        let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(
            got.iter().map(|h| h.header.as_str()).collect::<Vec<_>>(),
            headers
        );
        let first: Vec<(&str, &str)> = got[0]
            .lines
            .iter()
            .map(|l| (l.tag, l.text.as_str()))
            .collect();
        assert_eq!(
            first,
            [
                ("same", "a"),
                ("removed", "b"),
                ("added", "B"),
                ("same", "c"),
                ("same", "d"),
                ("same", "e"),
            ]
        );
        assert!(hunks("same\n", "same\n").is_empty());
    }
}
