//! An index that `elasticlunr.js` (mdBook's search page) loads, written
//! straight from the documents.
//!
//! elasticlunr-rs builds the same index as a tree of maps, one allocation
//! per character of every word and per document under it, and then
//! serialises that tree. Here the words of each field are gathered in one
//! sorted map and the tree is written from it, in one pass, in the form
//! elasticlunr-rs writes (so `elasticlunr.js` reads it the same way): a
//! book's part of the manual's index is made in a fraction of the time.
//! Words are split and filtered by the same pipeline (`search::Words`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The fields of every document, in the order the search page boosts them.
pub const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// One document: the text of each of [`FIELDS`], and each field's words.
pub struct Document<'a> {
    pub fields: [&'a str; 3],
    pub words: [Vec<String>; 3],
}

/// Builds the index of `docs` (their refs are their places, `"0"`, `"1"`
/// ...) as JSON. `words` is the pipeline's name for each step (as
/// elasticlunr-rs writes them, so that `elasticlunr.js` runs the same
/// steps on what the reader types); `lang` is the language's name.
pub fn index_json(docs: &[Document<'_>], pipeline: &[String], lang: &str) -> String {
    // Per field: word -> (document, how often it is there).
    let mut postings: [BTreeMap<&str, Vec<(usize, f64)>>; 3] = Default::default();
    for (d, doc) in docs.iter().enumerate() {
        for (f, words) in doc.words.iter().enumerate() {
            let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
            for w in words {
                *counts.entry(w.as_str()).or_default() += 1;
            }
            for (w, n) in counts {
                postings[f]
                    .entry(w)
                    .or_default()
                    .push((d, f64::from(n).sqrt()));
            }
        }
    }
    let text_len: usize = docs
        .iter()
        .map(|d| d.fields.iter().map(|f| f.len()).sum::<usize>())
        .sum();
    let mut out = String::with_capacity(text_len * 3 + 1024);
    out.push_str(r#"{"fields":["title","body","breadcrumbs"],"pipeline":"#);
    push_json(&mut out, &pipeline);
    out.push_str(r#","ref":"id","version":"0.9.5","index":{"#);
    // Fields in the order elasticlunr-rs writes them: by name.
    let mut order: Vec<usize> = (0..FIELDS.len()).collect();
    order.sort_by_key(|&f| FIELDS[f]);
    for (k, &f) in order.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        push_json(&mut out, FIELDS[f]);
        out.push_str(r#":{"root":"#);
        let words: Vec<(&str, &Vec<(usize, f64)>)> =
            postings[f].iter().map(|(w, p)| (*w, p)).collect();
        node(&mut out, &words, 0);
        out.push('}');
    }
    out.push_str(r#"},"documentStore":{"save":true,"docs":{"#);
    // Documents by ref as text, as a map with text keys orders them.
    let mut refs: Vec<(String, usize)> = (0..docs.len()).map(|d| (d.to_string(), d)).collect();
    refs.sort();
    for (k, (r, d)) in refs.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let doc = &docs[*d];
        let _ = write!(out, "\"{r}\":{{\"body\":");
        push_json(&mut out, doc.fields[1]);
        out.push_str(",\"breadcrumbs\":");
        push_json(&mut out, doc.fields[2]);
        let _ = write!(out, ",\"id\":\"{r}\",\"title\":");
        push_json(&mut out, doc.fields[0]);
        out.push('}');
    }
    out.push_str(r#"},"docInfo":{"#);
    for (k, (r, d)) in refs.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let w = &docs[*d].words;
        let _ = write!(
            out,
            "\"{r}\":{{\"body\":{},\"breadcrumbs\":{},\"title\":{}}}",
            w[1].len(),
            w[2].len(),
            w[0].len()
        );
    }
    let _ = write!(out, "}},\"length\":{}}},\"lang\":", docs.len());
    push_json(&mut out, lang);
    out.push('}');
    out
}

/// One node of the tree of characters: `words` (sorted) all start with
/// the same `at` bytes; the one that is exactly those bytes, if any, is
/// this node's, the others are under its children, one per next character.
fn node(out: &mut String, words: &[(&str, &Vec<(usize, f64)>)], at: usize) {
    let mut rest = words;
    out.push_str(r#"{"docs":{"#);
    let mut df = 0;
    if let Some((w, docs)) = rest.first()
        && w.len() == at
    {
        let mut refs: Vec<(String, f64)> =
            docs.iter().map(|(d, tf)| (d.to_string(), *tf)).collect();
        refs.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, (r, tf)) in refs.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{r}\":{{\"tf\":{tf:?}}}");
        }
        df = refs.len();
        rest = &rest[1..];
    }
    let _ = write!(out, "}},\"df\":{df}");
    while let Some((w, _)) = rest.first() {
        let Some(c) = w[at..].chars().next() else {
            // Cannot happen in sorted, distinct words; never loop.
            rest = &rest[1..];
            continue;
        };
        let next = at + c.len_utf8();
        let end = rest
            .iter()
            .position(|(other, _)| !other[at..].starts_with(c))
            .unwrap_or(rest.len());
        out.push(',');
        let mut key = [0u8; 4];
        push_json(out, &*c.encode_utf8(&mut key));
        out.push(':');
        node(out, &rest[..end], next);
        rest = &rest[end..];
    }
    out.push('}');
}

fn push_json<T: serde::Serialize + ?Sized>(out: &mut String, value: &T) {
    // A string or list of strings always serialises.
    if let Ok(s) = serde_json::to_string(value) {
        out.push_str(&s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use elasticlunr::IndexBuilder;

    /// The same documents through elasticlunr-rs and through this writer
    /// give the same JSON.
    #[test]
    fn writes_the_index_elasticlunr_writes() {
        let texts = [
            [
                "Final inspection",
                "Check the seal. Check it twice.",
                "QC » Final",
            ],
            ["בדיקה סופית", "שלב ראשון", "בדיקה"],
            ["Leak test", "", "QC » Leak \"test\""],
            ["a", "ab abc abd b", "x"],
        ];
        let split = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        let mut theirs = IndexBuilder::new()
            .add_field_with_tokenizer("title", Box::new(split))
            .add_field_with_tokenizer("body", Box::new(split))
            .add_field_with_tokenizer("breadcrumbs", Box::new(split))
            .build();
        let pipeline = elasticlunr::lang::English::new();
        let pipeline = elasticlunr::Language::make_pipeline(&pipeline);
        let mut docs = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            theirs.add_doc(&i.to_string(), t);
            docs.push(Document {
                fields: *t,
                words: t.map(|f| pipeline.run(split(f))),
            });
        }
        let names: Vec<String> = serde_json::to_value(&pipeline)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let ours = index_json(&docs, &names, "English");
        let theirs = serde_json::to_string(&theirs).unwrap();
        assert_eq!(ours, theirs);
    }
}
