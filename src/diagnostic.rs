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
    files: BTreeMap<String, SourceFile>,
}

/// One file's text and where each of its lines starts, computed once, so
/// that finding a diagnostic's line costs a binary search rather than a
/// pass over the file.
#[derive(Debug, Clone)]
struct SourceFile {
    text: String,
    /// Byte offset of the start of every line: 0, then one past each `\n`;
    /// found when a diagnostic first needs them (most files never do).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    fn new(text: String) -> SourceFile {
        SourceFile {
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 0-based index of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts().partition_point(|&s| s <= offset) - 1
    }

    /// The byte range of lines `first..=last` (0-based), with the newline
    /// ending the last one.
    fn lines(&self, first: usize, last: usize) -> Range<usize> {
        let start = self.line_starts()[first];
        let end = self
            .line_starts()
            .get(last + 1)
            .copied()
            .unwrap_or(self.text.len());
        start..end
    }

    /// The line of the first byte a span shows. A span at the very end of a
    /// file that ends with a newline shows the last line, as annotate-snippets
    /// does when given the whole file.
    fn first_line(&self, span: &Range<usize>) -> usize {
        let anchor = if span.start == self.text.len() {
            floor_char_boundary(&self.text, span.start.saturating_sub(1))
        } else {
            span.start
        };
        self.line_of(anchor)
    }

    /// The line of the last byte a span shows.
    fn last_line(&self, span: &Range<usize>) -> usize {
        self.line_of(span.end.max(span.start))
    }
}

impl Sources {
    /// A copy holding only the named files.
    pub fn subset<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Sources {
        let mut out = Sources::default();
        for p in paths {
            if let Some(file) = self.files.get(p) {
                out.files.insert(p.to_string(), file.clone());
            }
        }
        out
    }

    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), SourceFile::new(text.into()));
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|f| f.text.as_str())
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, path: &str, offset: usize) -> Option<(usize, usize)> {
        let file = self.files.get(path)?;
        let text = &file.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = file.line_of(offset);
        let column = text[file.line_starts()[line]..offset].chars().count() + 1;
        Some((line + 1, column))
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

/// Two places in one file further apart than this many lines are shown as
/// two excerpts rather than one with the lines between folded away, so
/// that no diagnostic costs more than the lines it shows.
const SAME_EXCERPT_LINES: usize = 50;

/// An excerpt longer than this (a very long line, a span over many lines)
/// is cut down to the text around the start of its span.
const LONG_EXCERPT: usize = 4096;

/// How much of a long line is kept on each side of a span, in bytes, and
/// how much of a long span is shown.
const CUT_CONTEXT: usize = 200;
const CUT_SPAN: usize = 400;

/// The part of a file that shows `spans` (clamped, in the file), with the
/// spans moved into it. annotate-snippets reads all the source it is
/// given for every diagnostic, so giving it only the lines shown, and only
/// the text around the span on a very long line, keeps rendering linear
/// in the number of diagnostics however large the file.
struct Excerpt<'a> {
    text: std::borrow::Cow<'a, str>,
    /// 1-based number of the excerpt's first line in the file.
    line_start: usize,
    spans: Vec<Range<usize>>,
    /// For a cut line: the column annotate-snippets will print for the
    /// first span, and the true one.
    columns: Option<(usize, usize)>,
}

impl Excerpt<'_> {
    fn is_long(&self) -> bool {
        self.text.len() > LONG_EXCERPT
    }
}

/// The whole lines that show `spans`.
fn excerpt<'a>(file: &'a SourceFile, spans: &[Range<usize>]) -> Excerpt<'a> {
    let first = spans.iter().map(|s| file.first_line(s)).min().unwrap_or(0);
    let last = spans
        .iter()
        .map(|s| file.last_line(s))
        .max()
        .unwrap_or(0)
        .max(first);
    let range = file.lines(first, last);
    Excerpt {
        text: std::borrow::Cow::Borrowed(&file.text[range.clone()]),
        line_start: first + 1,
        spans: spans.iter().map(|s| shift_into(s, &range, 0)).collect(),
        columns: None,
    }
}

/// `span` moved into `range` (cut from the file), after `prefix` bytes.
fn shift_into(span: &Range<usize>, range: &Range<usize>, prefix: usize) -> Range<usize> {
    let start = span.start.clamp(range.start, range.end) - range.start + prefix;
    let end = span.end.clamp(range.start, range.end) - range.start + prefix;
    start..end.max(start)
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The lines that show `span`, cut down when they are long: at most
/// `CUT_SPAN` bytes of the span and `CUT_CONTEXT` bytes on either side,
/// with `...` where text was left out.
fn excerpt_of<'a>(file: &'a SourceFile, span: &Range<usize>) -> Excerpt<'a> {
    let whole = excerpt(file, std::slice::from_ref(span));
    if !whole.is_long() {
        return whole;
    }
    let text = file.text.as_str();
    let line = file.first_line(span);
    let line_start = file.line_starts()[line];
    let end = ceil_char_boundary(text, span.end.min(span.start.saturating_add(CUT_SPAN)));
    let end_line = file.lines(file.line_of(end), file.line_of(end));
    let end_line_stop = end_line.end - usize::from(text[..end_line.end].ends_with('\n'));
    let from = floor_char_boundary(text, span.start.saturating_sub(CUT_CONTEXT)).max(line_start);
    let to = ceil_char_boundary(text, end.saturating_add(CUT_CONTEXT))
        .min(end_line_stop)
        .max(end);
    let (head, tail) = (
        if from > line_start { "..." } else { "" },
        if to < end_line_stop { "..." } else { "" },
    );
    let cut = format!("{head}{}{tail}", &text[from..to]);
    let shown = shift_into(&(span.start..end), &(from..to), head.len());
    let printed = cut[..shown.start].chars().count() + 1;
    let column = text[line_start..span.start.max(line_start)].chars().count() + 1;
    Excerpt {
        text: std::borrow::Cow::Owned(cut),
        line_start: line + 1,
        spans: vec![shown],
        columns: Some((printed, column)),
    }
}

/// Notes that the location line of `cut` needs its true column.
fn fix<'a>(fixes: &mut Vec<(&'a str, usize, usize, usize)>, file: &'a str, cut: &Excerpt<'_>) {
    if let Some((printed, column)) = cut.columns
        && printed != column
    {
        fixes.push((file, cut.line_start, printed, column));
    }
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
        // Headers to correct where a long line was cut: (file, line, printed column, true column).
        let mut fixes: Vec<(&str, usize, usize, usize)> = Vec::new();
        let mut group = Group::with_title(level.primary_title(d.message.as_str()));
        match (&d.file, &d.span) {
            (Some(file), Some(span)) if sources.files.contains_key(file) => {
                let source = &sources.files[file];
                let primary_span = clamp_span(&source.text, span);
                let also_here = d
                    .also
                    .as_ref()
                    .filter(|(also_file, _, _)| also_file == file)
                    .map(|(_, s, label)| (clamp_span(&source.text, s), label.as_str()));
                // One excerpt for both places when they are near each other.
                let together = also_here
                    .as_ref()
                    .filter(|(s, _)| {
                        let (a, b) = (source.first_line(&primary_span), source.first_line(s));
                        a.abs_diff(b) <= SAME_EXCERPT_LINES
                    })
                    .map(|(s, label)| (excerpt(source, &[primary_span.clone(), s.clone()]), *label))
                    .filter(|(cut, _)| !cut.is_long());
                let apart = together.is_none();
                let (cut, context) = match together {
                    Some((cut, label)) => (cut, Some(label)),
                    None => (excerpt_of(source, &primary_span), None),
                };
                fix(&mut fixes, file, &cut);
                let mut primary = AnnotationKind::Primary.span(cut.spans[0].clone());
                if let Some(label) = &d.label {
                    primary = primary.label(label.as_str());
                }
                let mut snippet = Snippet::source(cut.text.clone())
                    .line_start(cut.line_start)
                    .path(file.as_str())
                    .annotation(primary);
                if let Some(label) = context {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(cut.spans[1].clone())
                            .label(label),
                    );
                }
                group = group.element(snippet);
                if let Some((span, label)) = also_here.filter(|_| apart) {
                    let cut = excerpt_of(source, &span);
                    fix(&mut fixes, file, &cut);
                    group = group.element(
                        Snippet::source(cut.text.clone())
                            .line_start(cut.line_start)
                            .path(file.as_str())
                            .annotation(
                                AnnotationKind::Context
                                    .span(cut.spans[0].clone())
                                    .label(label),
                            ),
                    );
                }
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
            && let Some(source) = sources.files.get(also_file)
        {
            let cut = excerpt_of(source, &clamp_span(&source.text, also_span));
            fix(&mut fixes, also_file, &cut);
            report.push(
                Level::NOTE.secondary_title(also_label.as_str()).element(
                    Snippet::source(cut.text.clone())
                        .line_start(cut.line_start)
                        .path(also_file.as_str())
                        .annotation(AnnotationKind::Primary.span(cut.spans[0].clone())),
                ),
            );
        }
        let mut rendered = renderer.render(&report);
        // annotate-snippets counts columns in the text it was given; where
        // that was a cut line, put the true column in the location line.
        let mut from = rendered.find('\n').unwrap_or(0);
        for (file, line, printed, column) in fixes {
            let wrong = format!("{file}:{line}:{printed}");
            if let Some(at) = rendered[from..].find(&wrong) {
                let at = from + at;
                let right = format!("{file}:{line}:{column}");
                rendered.replace_range(at..at + wrong.len(), &right);
                from = at + right.len();
            }
        }
        out.push_str(&rendered);
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

/// The rendering as it was before excerpts: every snippet given its whole
/// file. Slow (each diagnostic reads its whole file) but plainly right, so
/// the excerpts are checked against it.
#[cfg(test)]
fn render_whole_files(diags: &[Diagnostic], sources: &Sources) -> String {
    let renderer = Renderer::plain();
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

#[cfg(test)]
mod excerpts {
    use super::*;

    /// A manual page with one link per line and, on line 3, a `related`
    /// list of `n` ids on one line.
    fn big_file(n: usize) -> (String, Vec<Range<usize>>, Vec<Range<usize>>) {
        let ids: Vec<String> = (0..n).map(|i| format!("\"QC-{:04}\"", 9000 + i)).collect();
        let mut text = format!(
            "+++\nid = \"QC-001\"\nrelated = [{}]\n+++\n",
            ids.join(", ")
        );
        let mut in_list = Vec::new();
        let mut at = text.find('[').unwrap() + 1;
        for id in &ids {
            in_list.push(at..at + id.len());
            at += id.len() + 2;
        }
        let mut links = Vec::new();
        for i in 0..n {
            let line = format!("See [x](sop:QC-{}) here, ø.\n", 9000 + i);
            let start = text.len() + line.find("sop:").unwrap();
            links.push(start..start + "sop:QC-".len() + (9000 + i).to_string().len());
            text.push_str(&line);
        }
        (text, in_list, links)
    }

    fn unresolved(spans: &[Range<usize>]) -> Vec<Diagnostic> {
        spans
            .iter()
            .map(|s| {
                Diagnostic::error("unknown-reference", "no SOP has this id")
                    .at("manual/qc/big.md", s.clone())
                    .label("unknown SOP")
                    .help("check the id")
            })
            .collect()
    }

    #[test]
    fn five_thousand_diagnostics_in_one_large_file_render_each_with_its_own_line() {
        let (text, in_list, links) = big_file(5_000);
        let mut sources = Sources::default();
        sources.insert("manual/qc/big.md", text.clone());
        let mut diags = unresolved(&links);
        diags.extend(unresolved(&in_list));
        diags.push(Diagnostic::error("x", "the whole file").at("manual/qc/big.md", 0..text.len()));
        let out = render(&diags, &sources, false);
        assert_eq!(out.matches("error: no SOP has this id").count(), 10_000);
        assert!(out.contains("error: the whole file\n --> manual/qc/big.md:1:1"));
        // The first link is on line 5, the last on line 5,004, at column 9.
        assert!(
            out.contains("--> manual/qc/big.md:5:9\n"),
            "{}",
            &out[..400]
        );
        assert!(out.contains("--> manual/qc/big.md:5004:9\n"));
        assert!(out.contains("5004 | See [x](sop:QC-13999) here, ø."));
        // On the long line, the true column of the last id, however it is cut.
        let (line, column) = line_col(&text, in_list[4_999].start);
        assert_eq!(line, 3);
        assert!(out.contains(&format!("--> manual/qc/big.md:3:{column}\n")));
        // Each excerpt stays small: no rendered line holds the whole list.
        assert!(out.lines().all(|l| l.len() < 1_000));
    }

    #[test]
    fn excerpts_render_as_the_whole_file_did() {
        // The `related` line is 5,500 bytes long, so it is cut.
        let (text, in_list, links) = big_file(500);
        assert!(text.lines().nth(2).unwrap().len() > LONG_EXCERPT);
        let mut sources = Sources::default();
        sources.insert("manual/qc/big.md", text.clone());
        sources.insert("other.md", "a\nb = 1\n".to_string());
        let picks = [0, 1, 7, 15, 19, 20, 21, 57, 250, 480, 490, 498, 499];
        let mut diags: Vec<Diagnostic> = picks
            .iter()
            .flat_map(|&i| unresolved(&[links[i].clone(), in_list[i].clone()]))
            .collect();
        // Two places in the same file, near and far; in another file; at the end.
        diags.push(
            Diagnostic::error("duplicate-id", "twice")
                .at("manual/qc/big.md", links[10].clone())
                .also("manual/qc/big.md", links[4].clone(), "first here"),
        );
        diags.push(
            Diagnostic::error("duplicate-id", "twice")
                .at("manual/qc/big.md", links[200].clone())
                .also("other.md", 2..3, "first here"),
        );
        diags.push(
            Diagnostic::warning("end", "at the end").at("manual/qc/big.md", text.len()..text.len()),
        );
        diags.push(
            Diagnostic::error("span", "over lines")
                .at("manual/qc/big.md", links[3].start..links[6].end),
        );
        assert_eq!(
            render(&diags, &sources, false),
            render_whole_files(&diags, &sources)
        );
    }

    #[test]
    fn far_apart_places_in_one_file_are_two_excerpts() {
        let (text, _, links) = big_file(100);
        let mut sources = Sources::default();
        sources.insert("manual/qc/big.md", text);
        let d = Diagnostic::error("duplicate-id", "twice")
            .at("manual/qc/big.md", links[90].clone())
            .label("again")
            .also("manual/qc/big.md", links[2].clone(), "first here");
        let out = render(&[d], &sources, false);
        assert!(out.contains("--> manual/qc/big.md:95:9"), "{out}");
        assert!(out.contains("::: manual/qc/big.md:7:9"), "{out}");
        assert!(out.contains("first here"), "{out}");
        assert!(!out.contains("QC-9050"), "{out}");
    }
}

#[cfg(test)]
mod props {
    /// Each line with the padding of the gutter (before `|` and `-->`)
    /// taken out.
    fn without_gutter_width(text: &str) -> String {
        text.lines()
            .map(|line| {
                let trimmed = line.trim_start();
                if let Some(rest) = trimmed.strip_prefix("-->") {
                    return format!("-->{rest}");
                }
                match trimmed.split_once('|') {
                    Some((number, rest)) if number.trim().chars().all(|c| c.is_ascii_digit()) => {
                        format!("{}|{rest}", number.trim())
                    }
                    _ => line.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A case the property below once found: `\r\n` endings, wide
    /// characters and a note ten lines down.
    #[test]
    fn an_excerpt_of_crlf_text_with_a_note_ten_lines_down_renders_as_the_whole_file() {
        let text = "\u{2713}\u{2713}\r\n\u{1f642}\u{2713}\n\r\n\u{f8}\n\r\n\r\n\u{1f642}\r\n\r\n\n\u{1f642}";
        let mut sources = Sources::default();
        sources.insert("a.md", text);
        sources.insert("b.md", "x = 1\ny = 2\n");
        let diags = [
            Diagnostic::error("x", "bad")
                .at("a.md", 0..0)
                .also("a.md", 34..34, "there")
                .label("here"),
            Diagnostic::warning("x", "bad")
                .at("a.md", 34..35)
                .also("b.md", 0..0, "there"),
        ];
        let ours = render(&diags, &sources, false);
        assert!(ours.contains("  --> a.md:10:1\n   |\n10 | "), "{ours}");
        assert_eq!(
            without_gutter_width(&ours),
            without_gutter_width(&render_whole_files(&diags, &sources))
        );
    }

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
        fn excerpts_render_as_whole_files(
            text in text(),
            start in 0usize..80,
            len in 0usize..20,
            other in 0usize..80,
        ) {
            let mut sources = Sources::default();
            sources.insert("a.md", text);
            sources.insert("b.md", "x = 1\ny = 2\n");
            let diags = [
                Diagnostic::error("x", "bad").at("a.md", start..start + len).label("here"),
                Diagnostic::error("x", "bad")
                    .at("a.md", start..start + len)
                    .also("a.md", other..other + len, "there")
                    .label("here"),
                Diagnostic::warning("x", "bad")
                    .at("a.md", other..other + 1)
                    .also("b.md", start..start + len, "there"),
            ];
            // The gutter's width is left out: annotate-snippets sizes it
            // from different lines when given a whole file with `\r\n`
            // endings (a note's "10| " against our "10 | ").
            prop_assert_eq!(
                without_gutter_width(&render(&diags, &sources, false)),
                without_gutter_width(&render_whole_files(&diags, &sources))
            );
        }

        #[test]
        fn the_gutter_width_is_all_that_normalising_removes(n in 1usize..200) {
            let wide = format!("  --> a.md:{n}:1\n   |\n{n:>2} | x\n");
            let narrow = format!(" --> a.md:{n}:1\n  |\n{n} | x\n");
            prop_assert_eq!(without_gutter_width(&wide), without_gutter_width(&narrow));
            prop_assert_ne!(without_gutter_width(&wide), without_gutter_width("--> a.md:1:2\n|\n1| y\n"));
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
