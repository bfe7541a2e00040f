//! The search index of a book's part of the manual, written straight from
//! the documents.
//!
//! elasticlunr (mdBook's search) writes its index as a tree of objects,
//! one per character of every word and one per document under it: for a
//! manual of 10,000 procedures, 65 MB that the reader's browser parses into
//! over 300 MB before the first result. This index holds the same words,
//! documents and counts as sorted arrays (see [`compact_json`]); `search.js`
//! looks words up by binary search and scores them with elasticlunr's
//! formula, so the results and their order are the same. Words are split
//! and filtered by the same pipeline (`search::Words`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The fields of every document, in the order the search page boosts them.
pub const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// One document: the text of each of [`FIELDS`], and each field's words.
pub struct Document<'a> {
    pub fields: [&'a str; 3],
    pub words: [Vec<String>; 3],
}

/// Builds the compact index of `docs` (their refs are their places) as
/// JSON: the words and counts elasticlunr would index, which `search.js`
/// searches and scores exactly as `elasticlunr.js` does its own index, in
/// a fraction of the bytes and of the browser's memory. `pipeline` is the
/// pipeline's name for each step (`elasticlunr.js` runs the same steps on
/// what the reader types). Per field, the words in the order JavaScript sorts
/// strings (UTF-16 code units) and beside each word its documents and how
/// often it is in each, as `[document, count, document, count, ...]`; per
/// document its three texts and its fields' numbers of words:
///
/// `{"sopbook_compact":1,"pipeline":[..],"length":N,"docs":[[title,body,
/// breadcrumbs],..],"lengths":[t,b,c,t,b,c,..],"fields":[[[words],
/// [[postings]..]] x3]}` (fields in [`FIELDS`] order).
pub fn compact_json(docs: &[Document<'_>], pipeline: &[String]) -> String {
    // Per field: word -> its documents and counts, documents ascending.
    let mut postings: [BTreeMap<&str, Vec<u32>>; 3] = Default::default();
    for (d, doc) in docs.iter().enumerate() {
        for (f, words) in doc.words.iter().enumerate() {
            let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
            for w in words {
                *counts.entry(w.as_str()).or_default() += 1;
            }
            for (w, n) in counts {
                let p = postings[f].entry(w).or_default();
                p.push(u32::try_from(d).unwrap_or(u32::MAX));
                p.push(n);
            }
        }
    }
    let text_len: usize = docs
        .iter()
        .map(|d| d.fields.iter().map(|f| f.len()).sum::<usize>())
        .sum();
    let mut out = String::with_capacity(text_len * 2 + 1024);
    out.push_str(r#"{"sopbook_compact":1,"pipeline":"#);
    push_json(&mut out, &pipeline);
    let _ = write!(out, r#","length":{},"docs":["#, docs.len());
    for (k, doc) in docs.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        push_json(&mut out, &doc.fields);
    }
    out.push_str(r#"],"lengths":["#);
    for (k, doc) in docs.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let [t, b, c] = &doc.words;
        let _ = write!(out, "{},{},{}", t.len(), b.len(), c.len());
    }
    out.push_str(r#"],"fields":["#);
    for (f, field) in postings.iter().enumerate() {
        if f > 0 {
            out.push(',');
        }
        let mut words: Vec<(&str, &Vec<u32>)> = field.iter().map(|(w, p)| (*w, p)).collect();
        words.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        out.push_str("[[");
        for (k, (w, _)) in words.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            push_json(&mut out, w);
        }
        out.push_str("],[");
        for (k, (_, p)) in words.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push('[');
            for (i, n) in p.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{n}");
            }
            out.push(']');
        }
        out.push_str("]]");
    }
    out.push_str("]}");
    out
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

    /// Every word of a field in elasticlunr's tree: word -> (document,
    /// term frequency) pairs.
    fn walk(node: &serde_json::Value, word: &str, out: &mut Vec<(String, Vec<(usize, f64)>)>) {
        let obj = node.as_object().unwrap();
        let docs = obj["docs"].as_object().unwrap();
        if !docs.is_empty() {
            let mut found: Vec<(usize, f64)> = docs
                .iter()
                .map(|(d, v)| (d.parse().unwrap(), v["tf"].as_f64().unwrap()))
                .collect();
            found.sort_by_key(|p| p.0);
            assert_eq!(obj["df"].as_u64().unwrap() as usize, found.len());
            out.push((word.to_string(), found));
        }
        for (k, child) in obj {
            if k != "docs" && k != "df" {
                walk(child, &format!("{word}{k}"), out);
            }
        }
    }

    /// The same documents through elasticlunr-rs and through this writer
    /// give the same words, documents, counts, lengths and texts.
    #[test]
    fn holds_what_elasticlunr_indexes() {
        let texts = [
            [
                "Final inspection",
                "Check the seal. Check it twice.",
                "QC » Final",
            ],
            ["בדיקה סופית", "שלב ראשון", "בדיקה"],
            ["Leak test", "", "QC » Leak \"test\""],
            ["a", "ab abc abd b", "x"],
            ["😀 z", "ﬀ \u{ff5e} \u{10000}", "é e"],
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
        let ours: serde_json::Value = serde_json::from_str(&compact_json(&docs, &names)).unwrap();
        let theirs = serde_json::to_value(&theirs).unwrap();
        assert_eq!(ours["pipeline"], theirs["pipeline"]);
        assert_eq!(ours["length"], theirs["documentStore"]["length"]);
        for (f, field) in FIELDS.iter().enumerate() {
            let mut words = Vec::new();
            walk(&theirs["index"][field]["root"], "", &mut words);
            let terms: Vec<String> = serde_json::from_value(ours["fields"][f][0].clone()).unwrap();
            let postings: Vec<Vec<u32>> =
                serde_json::from_value(ours["fields"][f][1].clone()).unwrap();
            let mut mine: Vec<(String, Vec<(usize, f64)>)> = terms
                .iter()
                .zip(&postings)
                .map(|(t, p)| {
                    let pairs = p
                        .chunks(2)
                        .map(|c| (c[0] as usize, f64::from(c[1]).sqrt()))
                        .collect();
                    (t.clone(), pairs)
                })
                .collect();
            // In the order JavaScript compares strings.
            let mut sorted = terms.clone();
            sorted.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            assert_eq!(terms, sorted, "{field}");
            mine.sort_by(|a, b| a.0.cmp(&b.0));
            words.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(mine, words, "{field}");
            for d in 0..texts.len() {
                assert_eq!(
                    ours["lengths"][d * 3 + f],
                    theirs["documentStore"]["docInfo"][d.to_string()][field],
                    "{field} of {d}"
                );
                let name = ["title", "body", "breadcrumbs"][f];
                assert_eq!(
                    ours["docs"][d][f],
                    theirs["documentStore"]["docs"][d.to_string()][name]
                );
            }
        }
    }
}
