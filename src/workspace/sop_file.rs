//! The SOP file schema: TOML front matter between `+++` lines, then Markdown.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::model::{Interval, IntervalUnit, ReadingPathSlot, Sop};
use crate::workspace::frontmatter::{self, FrontMatterError};
use crate::workspace::toml_diag::toml_error;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SopFront {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub section: Spanned<String>,
    pub owner: Spanned<String>,
    pub roles: Spanned<Vec<Spanned<String>>>,
    pub review_interval: Spanned<String>,
    #[serde(default)]
    pub related: Vec<Spanned<String>>,
    #[serde(default)]
    pub checklists: Vec<Spanned<String>>,
    #[serde(default)]
    pub reading_path: Option<Spanned<OneOrMany<ReadingPathFront>>>,
    /// The old name of `reading_path`: still read, and `check` says to rename it.
    #[serde(default)]
    pub onboarding: Option<Spanned<OneOrMany<ReadingPathFront>>>,
}

impl SopFront {
    /// The SOP's places in reading paths, under either name of the key.
    pub fn reading_path_slots(&self) -> impl Iterator<Item = &ReadingPathFront> {
        self.reading_path
            .iter()
            .chain(&self.onboarding)
            .flat_map(|s| &s.get_ref().0)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingPathFront {
    pub role: Spanned<String>,
    pub order: Spanned<u32>,
}

/// A table or an array of tables, so `reading_path = { ... }` and
/// `reading_path = [{ ... }, { ... }]` both work.
#[derive(Debug)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table or an array of tables")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| OneOrMany(vec![t]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(OneOrMany)
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// A parsed SOP file; spans are byte offsets into the whole file.
#[derive(Debug)]
pub struct SopFile {
    pub path: String,
    pub front: SopFront,
    pub body: String,
    pub body_offset: usize,
    pub interval: Option<Interval>,
}

impl SopFile {
    pub fn into_model(self) -> Sop {
        let slug = self
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".md")
            .to_string();
        let f = self.front;
        let reading_path = f
            .reading_path_slots()
            .map(|o| ReadingPathSlot {
                role: o.role.get_ref().clone(),
                order: *o.order.get_ref(),
            })
            .collect();
        Sop {
            id: f.id.into_inner(),
            title: f.title.into_inner(),
            section: f.section.into_inner(),
            owner: f.owner.into_inner(),
            roles: f
                .roles
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            review_interval: self.interval.unwrap_or(Interval {
                count: 12,
                unit: IntervalUnit::Month,
            }),
            related: f.related.into_iter().map(Spanned::into_inner).collect(),
            checklists: f.checklists.into_iter().map(Spanned::into_inner).collect(),
            reading_path,
            body: self.body,
            path: self.path,
            slug,
        }
    }
}

/// Shifts every span in the front matter by `offset`, so that spans are
/// positions in the whole file rather than in the TOML text.
fn shift<T>(s: Spanned<T>, offset: usize) -> Spanned<T> {
    let span = s.span();
    Spanned::new(span.start + offset..span.end + offset, s.into_inner())
}

fn shift_front(f: SopFront, o: usize) -> SopFront {
    let roles_span = f.roles.span();
    SopFront {
        id: shift(f.id, o),
        title: shift(f.title, o),
        section: shift(f.section, o),
        owner: shift(f.owner, o),
        roles: Spanned::new(
            roles_span.start + o..roles_span.end + o,
            f.roles
                .into_inner()
                .into_iter()
                .map(|r| shift(r, o))
                .collect(),
        ),
        review_interval: shift(f.review_interval, o),
        related: f.related.into_iter().map(|r| shift(r, o)).collect(),
        checklists: f.checklists.into_iter().map(|r| shift(r, o)).collect(),
        reading_path: f.reading_path.map(|p| shift_slots(p, o)),
        onboarding: f.onboarding.map(|p| shift_slots(p, o)),
    }
}

fn shift_slots(
    slots: Spanned<OneOrMany<ReadingPathFront>>,
    o: usize,
) -> Spanned<OneOrMany<ReadingPathFront>> {
    let span = slots.span();
    Spanned::new(
        span.start + o..span.end + o,
        OneOrMany(
            slots
                .into_inner()
                .0
                .into_iter()
                .map(|s| ReadingPathFront {
                    role: shift(s.role, o),
                    order: shift(s.order, o),
                })
                .collect(),
        ),
    )
}

/// Parses one SOP file; problems become diagnostics and `None`.
pub fn parse(path: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<SopFile> {
    let fm = match frontmatter::split(text) {
        Ok(fm) => fm,
        Err(FrontMatterError::Missing { first_line }) => {
            diags.push(
                Diagnostic::error("missing-front-matter", "this SOP has no front matter")
                    .at(path, first_line)
                    .label("expected `+++` on the first line")
                    .help("start the file with a TOML block between two `+++` lines: id, title, section, owner, roles, review_interval"),
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
    let opening = 0..3.min(text.len());
    let front: SopFront = match toml::from_str(fm.toml) {
        Ok(f) => shift_front(f, fm.toml_offset),
        Err(e) => {
            diags.push(toml_error(&e, path, fm.toml, fm.toml_offset, opening));
            return None;
        }
    };
    if let Some(old) = &front.onboarding {
        // Point at the key itself: the last `onboarding` before its value.
        let value = old.span();
        let key = text[..value.start]
            .rfind("onboarding")
            .map_or(value.clone(), |at| at..at + "onboarding".len());
        diags.push(if front.reading_path.is_some() {
            Diagnostic::error(
                "reading-path-twice",
                "this SOP gives its reading path twice, as `reading_path` and as `onboarding`",
            )
            .at(path, key)
            .label("the old name")
            .help("move these places into `reading_path` and delete `onboarding`")
        } else {
            Diagnostic::warning("renamed-key", "`onboarding` is now called `reading_path`")
                .at(path, key)
                .label("the old name")
                .help("rename `onboarding` to `reading_path`; until then the old name still works")
        });
    }
    let interval = match front.review_interval.get_ref().parse::<Interval>() {
        Ok(i) if i.longer_than_years(Interval::MAX_REVIEW_YEARS) => {
            diags.push(
                Diagnostic::error(
                    "review-interval",
                    format!(
                        "a review interval of {i} is longer than {} years",
                        Interval::MAX_REVIEW_YEARS
                    ),
                )
                .at(path, front.review_interval.span())
                .label("too long")
                .help(format!(
                    "a document reviewed less often than every {} years is never reviewed in practice; use e.g. \"2 years\" or \"12 months\"",
                    Interval::MAX_REVIEW_YEARS
                )),
            );
            Some(i)
        }
        Ok(i) => Some(i),
        Err(message) => {
            diags.push(
                Diagnostic::error("review-interval", message)
                    .at(path, front.review_interval.span())
                    .label("not an interval"),
            );
            None
        }
    };
    Some(SopFile {
        path: path.to_string(),
        front,
        body: fm.body.to_string(),
        body_offset: fm.body_offset,
        interval,
    })
}

/// The span of the whole `reading_path` entry for a slot, for diagnostics.
pub fn slot_span(slot: &ReadingPathFront) -> Range<usize> {
    slot.role.span().start.min(slot.order.span().start)
        ..slot.role.span().end.max(slot.order.span().end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"QC-001\"\ntitle = \"Final inspection\"\nsection = \"QC\"\nowner = \"qm\"\nroles = [\"inspector\"]\nreview_interval = \"12 months\"\nreading_path = { role = \"inspector\", order = 1 }\n+++\n\nBody\n";

    #[test]
    fn parses_with_spans_in_the_file() {
        let mut diags = Vec::new();
        let f = parse("manual/qc/a.md", GOOD, &mut diags).unwrap();
        assert!(diags.is_empty());
        assert_eq!(&GOOD[f.front.id.span()], "\"QC-001\"");
        let slots: Vec<_> = f.front.reading_path_slots().collect();
        assert_eq!(&GOOD[slots[0].role.span()], "\"inspector\"");
        let sop = f.into_model();
        assert_eq!(
            sop.reading_path,
            vec![ReadingPathSlot {
                role: "inspector".into(),
                order: 1
            }]
        );
        assert_eq!(sop.body, "\nBody\n");
        assert_eq!(sop.slug, "a");
    }

    #[test]
    fn reading_path_may_be_a_list() {
        let text = GOOD.replace(
            "reading_path = { role = \"inspector\", order = 1 }",
            "reading_path = [{ role = \"inspector\", order = 1 }, { role = \"qm\", order = 4 }]",
        );
        let mut diags = Vec::new();
        let f = parse("a.md", &text, &mut diags).unwrap();
        let slots: Vec<_> = f.front.reading_path_slots().collect();
        assert_eq!(slots.len(), 2);
        assert_eq!(&text[slots[1].order.span()], "4");
    }

    #[test]
    fn the_old_key_onboarding_still_works_with_a_warning_at_the_key() {
        let text = GOOD.replace("reading_path = {", "onboarding = {");
        let mut diags = Vec::new();
        let f = parse("a.md", &text, &mut diags).unwrap();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(!diags[0].is_error());
        assert_eq!(diags[0].code, "renamed-key");
        assert_eq!(
            diags[0].message,
            "`onboarding` is now called `reading_path`"
        );
        assert_eq!(&text[diags[0].span.clone().unwrap()], "onboarding");
        assert_eq!(f.into_model().reading_path.len(), 1);
    }

    #[test]
    fn both_names_of_the_key_is_an_error() {
        let text = GOOD.replace(
            "reading_path = { role = \"inspector\", order = 1 }",
            "reading_path = { role = \"inspector\", order = 1 }\nonboarding = { role = \"qm\", order = 2 }",
        );
        let mut diags = Vec::new();
        let f = parse("a.md", &text, &mut diags).unwrap();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].is_error());
        assert_eq!(&text[diags[0].span.clone().unwrap()], "onboarding");
        // Released revisions are read leniently: both count.
        assert_eq!(f.into_model().reading_path.len(), 2);
    }

    #[test]
    fn review_interval_over_ten_years_is_an_error_at_the_value() {
        for (interval, bad) in [
            ("10 years", false),
            ("120 months", false),
            ("11 years", true),
            ("1000 years", true),
            ("600 weeks", true),
            ("4000 days", true),
        ] {
            let text = GOOD.replace("12 months", interval);
            let mut diags = Vec::new();
            let f = parse("a.md", &text, &mut diags).unwrap();
            assert_eq!(f.interval.map(|i| i.to_string()).as_deref(), Some(interval));
            if !bad {
                assert!(diags.is_empty(), "{interval}: {diags:?}");
                continue;
            }
            assert_eq!(diags.len(), 1, "{interval}: {diags:?}");
            assert!(diags[0].is_error());
            assert_eq!(diags[0].code, "review-interval");
            assert_eq!(
                &text[diags[0].span.clone().unwrap()],
                format!("\"{interval}\"")
            );
            assert!(
                diags[0]
                    .help
                    .as_deref()
                    .unwrap()
                    .contains("never reviewed in practice"),
                "{diags:?}"
            );
        }
    }

    #[test]
    fn unknown_key_points_into_the_file() {
        let text = GOOD.replace("owner", "ownr");
        let mut diags = Vec::new();
        assert!(parse("a.md", &text, &mut diags).is_none());
        assert_eq!(diags[0].code, "unknown-key");
        assert_eq!(&text[diags[0].span.clone().unwrap()], "ownr");
    }
}
