//! Translation files: `manual/<section>/<slug>.<lang>.md` (front matter
//! naming the source SOP and revision, then the translated Markdown) and
//! `checklists/<slug>.<lang>.toml` (the source checklist and revision, then
//! each item's prompt and help keyed by item id).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::model::translation::{ItemText, Translation, TranslationKind, translation_id};
use crate::workspace::frontmatter::{self, FrontMatterError};
use crate::workspace::toml_diag::toml_error;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SopTranslationFront {
    translates: Spanned<String>,
    revision: Spanned<i64>,
    title: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecklistTranslationFront {
    translates: Spanned<String>,
    revision: Spanned<i64>,
    title: Spanned<String>,
    description: Option<String>,
    #[serde(default)]
    item: BTreeMap<Spanned<String>, ItemTextFront>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemTextFront {
    prompt: Spanned<String>,
    help: Option<String>,
}

/// A parsed translation file, with where things are for later checks.
#[derive(Debug, Clone)]
pub struct TranslationFile {
    pub translation: Translation,
    /// The `translates` value.
    pub source_span: Range<usize>,
    /// The `revision` value.
    pub revision_span: Range<usize>,
    /// Each item key, by item id.
    pub item_spans: Vec<(String, Range<usize>)>,
}

/// The language of a translation file's name (`final-inspection.nb.md`:
/// `nb`), or `None` for a source document's file.
pub fn language_of(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    let stem = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".toml"))?;
    let (slug, language) = stem.rsplit_once('.')?;
    (!slug.is_empty()).then_some(language)
}

/// The file name of the source document a translation sits beside:
/// `manual/quality/final-inspection.nb.md` -> `manual/quality/final-inspection.md`.
pub fn source_path_of(path: &str) -> Option<String> {
    let language = language_of(path)?;
    let ext = if path.ends_with(".md") { "md" } else { "toml" };
    let cut = path.len() - ext.len() - 1 - language.len() - 1;
    Some(format!("{}.{ext}", &path[..cut]))
}

fn shift<T>(s: &Spanned<T>, offset: usize) -> Range<usize> {
    let span = s.span();
    span.start + offset..span.end + offset
}

fn revision_ok(
    path: &str,
    revision: &Spanned<i64>,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if *revision.get_ref() >= 1 {
        return true;
    }
    diags.push(
        Diagnostic::error("translation-revision", "a source revision number is 1 or more")
            .at(path, shift(revision, offset))
            .label("not a revision number")
            .help("write the number of the source revision this text translates, e.g. revision = 3 (`sopbook history <id>` lists them)"),
    );
    false
}

/// The translated title: not empty, one line. Reported, not fatal: the rest
/// of the file is still checked.
fn title_ok(path: &str, title: &Spanned<String>, offset: usize, diags: &mut Vec<Diagnostic>) {
    let span = shift(title, offset);
    if title.get_ref().trim().is_empty() {
        diags.push(
            Diagnostic::error("empty-title", "the title is empty")
                .at(path, span.clone())
                .help("write the document's title in this language"),
        );
    }
    diags.extend(super::control_character(
        path,
        "the title",
        title.get_ref(),
        span,
        false,
    ));
}

/// Parses a translated SOP (`manual/<section>/<slug>.<lang>.md`).
pub fn parse_sop(path: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<TranslationFile> {
    let language = language_of(path)?.to_string();
    let fm = match frontmatter::split(text) {
        Ok(fm) => fm,
        Err(FrontMatterError::Missing { first_line }) => {
            diags.push(
                Diagnostic::error("missing-front-matter", "this translation has no front matter")
                    .at(path, first_line)
                    .label("expected `+++` on the first line")
                    .help("start the file with a TOML block between two `+++` lines: translates, revision, title"),
            );
            return None;
        }
        Err(FrontMatterError::Unclosed { opening }) => {
            diags.push(
                Diagnostic::error("unclosed-front-matter", "the front matter is never closed")
                    .at(path, opening)
                    .label("opened here")
                    .help("did you forget the closing `+++`? Add a line with only `+++` after the last key"),
            );
            return None;
        }
    };
    let front: SopTranslationFront = match toml::from_str(fm.toml) {
        Ok(f) => f,
        Err(e) => {
            diags.push(toml_error(
                &e,
                path,
                fm.toml,
                fm.toml_offset,
                0..3.min(text.len()),
            ));
            return None;
        }
    };
    let o = fm.toml_offset;
    if !revision_ok(path, &front.revision, o, diags) {
        return None;
    }
    title_ok(path, &front.title, o, diags);
    let source = front.translates.get_ref().clone();
    Some(TranslationFile {
        translation: Translation {
            id: translation_id(&source, &language),
            source,
            language,
            source_revision: *front.revision.get_ref(),
            kind: TranslationKind::Sop,
            title: front.title.get_ref().clone(),
            body: fm.body.to_string(),
            description: None,
            items: Vec::new(),
            path: path.to_string(),
        },
        source_span: shift(&front.translates, o),
        revision_span: shift(&front.revision, o),
        item_spans: Vec::new(),
    })
}

/// Parses a translated checklist (`checklists/<slug>.<lang>.toml`).
pub fn parse_checklist(
    path: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<TranslationFile> {
    let language = language_of(path)?.to_string();
    let front: ChecklistTranslationFront = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            diags.push(toml_error(&e, path, text, 0, 0..0));
            return None;
        }
    };
    if !revision_ok(path, &front.revision, 0, diags) {
        return None;
    }
    title_ok(path, &front.title, 0, diags);
    for (id, t) in &front.item {
        let (id, prompt) = (id.get_ref(), &t.prompt);
        if prompt.get_ref().trim().is_empty() {
            diags.push(
                Diagnostic::error("empty-prompt", format!("item `{id}` has an empty prompt"))
                    .at(path, prompt.span())
                    .help("say in this language what the inspector checks"),
            );
        }
        diags.extend(super::control_character(
            path,
            &format!("the prompt of item `{id}`"),
            prompt.get_ref(),
            prompt.span(),
            true,
        ));
    }
    let mut items: Vec<(Range<usize>, ItemText)> = front
        .item
        .into_iter()
        .map(|(id, t)| {
            (
                id.span(),
                ItemText {
                    id: id.into_inner(),
                    prompt: t.prompt.into_inner(),
                    help: t.help,
                },
            )
        })
        .collect();
    items.sort_by_key(|(span, _)| span.start);
    let source = front.translates.get_ref().clone();
    Some(TranslationFile {
        item_spans: items
            .iter()
            .map(|(s, i)| (i.id.clone(), s.clone()))
            .collect(),
        translation: Translation {
            id: translation_id(&source, &language),
            source,
            language,
            source_revision: *front.revision.get_ref(),
            kind: TranslationKind::Checklist,
            title: front.title.get_ref().clone(),
            body: String::new(),
            description: front.description,
            items: items.into_iter().map(|(_, i)| i).collect(),
            path: path.to_string(),
        },
        source_span: front.translates.span(),
        revision_span: front.revision.span(),
    })
}

/// A translation's text from the records, parsed (`None` if it no longer parses).
pub fn parse_snapshot(path: &str, text: &str) -> Option<Translation> {
    let mut diags = Vec::new();
    let parsed = if path.ends_with(".md") {
        parse_sop(path, text, &mut diags)
    } else {
        parse_checklist(path, text, &mut diags)
    };
    parsed.map(|f| f.translation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checklist_translation_keeps_items_in_file_order_with_spans() {
        let text = "translates = \"CL-001\"\nrevision = 2\ntitle = \"Sluttkontroll\"\n\n[item.leak-test]\nprompt = \"Lekkasjetest\"\n\n[item.earth]\nprompt = \"Jording\"\nhelp = \"Mål\"\n";
        let mut diags = Vec::new();
        let f = parse_checklist("checklists/final.nb.toml", text, &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let t = &f.translation;
        assert_eq!(
            (t.id.as_str(), t.language.as_str(), t.source_revision),
            ("CL-001.nb", "nb", 2)
        );
        let ids: Vec<_> = t.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["leak-test", "earth"]);
        assert_eq!(&text[f.item_spans[1].1.clone()], "earth");
        assert_eq!(&text[f.source_span.clone()], "\"CL-001\"");
    }

    #[test]
    fn an_sop_translation_points_into_the_file() {
        let text = "+++\ntranslates = \"QC-001\"\nrevision = 0\ntitle = \"T\"\n+++\nTekst\n";
        let mut diags = Vec::new();
        assert!(parse_sop("manual/q/a.nb.md", text, &mut diags).is_none());
        assert_eq!(diags[0].code, "translation-revision");
        assert_eq!(&text[diags[0].span.clone().unwrap()], "0");
        let text = text.replace("revision = 0", "revision = 3");
        let f = parse_sop("manual/q/a.nb.md", &text, &mut Vec::new()).unwrap();
        assert_eq!(f.translation.body, "Tekst\n");
        assert_eq!(f.translation.id, "QC-001.nb");
    }

    #[test]
    fn an_empty_or_control_character_title_or_prompt_is_an_error_where_it_is_written() {
        let text = "translates = \"CL-001\"\nrevision = 2\ntitle = \" \"\n[item.a]\nprompt = \"\"\n[item.b]\nprompt = \"red \\u001b[31m\"\n[item.c]\nprompt = \"\"\"\nover two\nlines\"\"\"\n";
        let mut diags = Vec::new();
        let f = parse_checklist("checklists/final.nb.toml", text, &mut diags);
        assert!(f.is_some(), "the rest of the file is still read");
        let found: Vec<_> = diags
            .iter()
            .map(|d| (d.code, &text[d.span.clone().unwrap()]))
            .collect();
        assert_eq!(
            found,
            [
                ("empty-title", "\" \""),
                ("empty-prompt", "\"\""),
                ("control-character", "\"red \\u001b[31m\"")
            ],
            "a prompt over two lines is one paragraph: {diags:?}"
        );
        let text = "+++\ntranslates = \"QC-001\"\nrevision = 1\ntitle = \"a\\nb\"\n+++\nTekst\n";
        let mut diags = Vec::new();
        parse_sop("manual/q/a.nb.md", text, &mut diags).unwrap();
        assert_eq!(diags[0].code, "control-character");
        assert_eq!(&text[diags[0].span.clone().unwrap()], "\"a\\nb\"");
    }

    #[test]
    fn file_names() {
        assert_eq!(language_of("manual/q/final-inspection.nb.md"), Some("nb"));
        assert_eq!(language_of("manual/q/final-inspection.md"), None);
        assert_eq!(language_of("checklists/a.zh-hans.toml"), Some("zh-hans"));
        assert_eq!(
            source_path_of("checklists/a.he.toml").as_deref(),
            Some("checklists/a.toml")
        );
        assert_eq!(
            source_path_of("manual/q/a.nb.md").as_deref(),
            Some("manual/q/a.md")
        );
    }
}
