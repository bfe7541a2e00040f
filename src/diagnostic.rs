//! Findings that point into a file: `error: ...` / `warning: ...` with
//! `--> path:line:column`, the source line and a caret, or the same as JSON.

use std::collections::BTreeMap;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding. `file` is relative to the workspace root; `span` is a byte
/// range into that file's text as kept in [`Sources`].
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub span: Option<Range<usize>>,
    pub label: Option<String>,
    /// A second place worth showing, such as the first definition of a duplicate id.
    pub also: Option<(String, Range<usize>, String)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            also: None,
            help: None,
        }
    }

    pub fn at(mut self, file: impl Into<String>, span: Range<usize>) -> Self {
        self.file = Some(file.into());
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn also(
        mut self,
        file: impl Into<String>,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        self.also = Some((file.into(), span, label.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of every file read, by workspace-relative path, so that
/// diagnostics can show the line they point at.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: BTreeMap<String, String>,
}

impl Sources {
    /// A copy holding only the named files.
    pub fn subset<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Sources {
        let mut out = Sources::default();
        for p in paths {
            if let Some(text) = self.files.get(p) {
                out.files.insert(p.to_string(), text.clone());
            }
        }
        out
    }

    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, path: &str, offset: usize) -> Option<(usize, usize)> {
        self.get(path).map(|text| line_col(text, offset))
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn clamp_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    start..end
}

/// Renders diagnostics for a terminal or a log: errors first in file order.
pub fn render(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(level.primary_title(d.message.as_str()));
        match (&d.file, &d.span) {
            (Some(file), Some(span)) if sources.get(file).is_some() => {
                let text = sources.get(file).unwrap_or_default();
                let mut primary = AnnotationKind::Primary.span(clamp_span(text, span));
                if let Some(label) = &d.label {
                    primary = primary.label(label.as_str());
                }
                let mut snippet = Snippet::source(text)
                    .path(file.as_str())
                    .annotation(primary);
                if let Some((also_file, also_span, also_label)) = &d.also
                    && also_file == file
                {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(clamp_span(text, also_span))
                            .label(also_label.as_str()),
                    );
                }
                group = group.element(snippet);
            }
            (Some(file), _) => {
                group = group.element(annotate_snippets::Origin::path(file.as_str()));
            }
            _ => {}
        }
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let mut report = vec![group];
        if let Some((also_file, also_span, also_label)) = &d.also
            && d.file.as_deref() != Some(also_file.as_str())
            && let Some(text) = sources.get(also_file)
        {
            report.push(
                Level::NOTE.secondary_title(also_label.as_str()).element(
                    Snippet::source(text)
                        .path(also_file.as_str())
                        .annotation(AnnotationKind::Primary.span(clamp_span(text, also_span))),
                ),
            );
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

/// "2 errors, 1 warning" style summary.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub message: &'a str,
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub help: Option<&'a str>,
}

pub fn to_json<'a>(d: &'a Diagnostic, sources: &Sources) -> JsonDiagnostic<'a> {
    let pos = match (&d.file, &d.span) {
        (Some(f), Some(s)) => sources.line_col(f, s.start),
        _ => None,
    };
    JsonDiagnostic {
        severity: d.severity,
        code: d.code,
        message: &d.message,
        file: d.file.as_deref(),
        line: pos.map(|p| p.0),
        column: pos.map(|p| p.1),
        help: d.help.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a\nøø = 1\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (2, 1));
        // 'ø' is two bytes: the '=' is the 4th character of line 2.
        assert_eq!(line_col(text, 2 + 5), (2, 4));
    }

    #[test]
    fn renders_path_line_and_caret() {
        let mut sources = Sources::default();
        sources.insert("manual/qc/a.md", "+++\nid = \"qc-1\"\n+++\n");
        let d = Diagnostic::error("id-format", "bad id")
            .at("manual/qc/a.md", 9..15)
            .label("here");
        let out = render(&[d], &sources, false);
        assert!(out.contains("error: bad id"), "{out}");
        assert!(out.contains("--> manual/qc/a.md:2:6"), "{out}");
        assert!(out.contains("^^^^^^ here"), "{out}");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// Line and column counted char by char: a character counts as before
    /// `offset` only if it ends at or before it, so an offset inside a
    /// multibyte character points at that character.
    fn reference_line_col(text: &str, offset: usize) -> (usize, usize) {
        let (mut line, mut column) = (1, 1);
        for (i, c) in text.char_indices() {
            if i + c.len_utf8() > offset {
                break;
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        (line, column)
    }

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("ø".to_string()),
            Just("✓".to_string()),
            Just("🙂".to_string()),
            "[a-z =\"]{1,6}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn line_col_matches_reference_at_every_offset(text in text()) {
            for offset in 0..=text.len() + 2 {
                prop_assert_eq!(
                    line_col(&text, offset),
                    reference_line_col(&text, offset),
                    "offset {}", offset
                );
            }
        }

        #[test]
        fn line_col_of_any_text(text in any::<String>(), pick in any::<prop::sample::Index>()) {
            let offset = pick.index(text.len() + 1);
            let (line, column) = line_col(&text, offset);
            prop_assert_eq!((line, column), reference_line_col(&text, offset));
            prop_assert!(line >= 1 && column >= 1);
            let mut sources = Sources::default();
            sources.insert("a.md", text.clone());
            prop_assert_eq!(sources.line_col("a.md", offset), Some((line, column)));
        }

        #[test]
        fn render_never_panics(text in text(), start in 0usize..80, len in 0usize..20) {
            let mut sources = Sources::default();
            sources.insert("a.md", text);
            let d = Diagnostic::error("x", "bad")
                .at("a.md", start..start + len)
                .also("a.md", len..start, "there")
                .label("here");
            let _ = render(&[d], &sources, false);
        }
    }
}
