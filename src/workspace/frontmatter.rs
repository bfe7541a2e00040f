//! Splitting an SOP file into its TOML front matter (between `+++` lines)
//! and its Markdown body, keeping byte offsets for diagnostics.

use std::ops::Range;

#[derive(Debug, PartialEq)]
pub struct FrontMatter<'a> {
    pub toml: &'a str,
    /// Byte offset of `toml` in the file.
    pub toml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

#[derive(Debug, PartialEq)]
pub enum FrontMatterError {
    /// The file does not start with a `+++` line.
    Missing { first_line: Range<usize> },
    /// The opening `+++` has no closing partner.
    Unclosed { opening: Range<usize> },
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "+++"
}

pub fn split(text: &str) -> Result<FrontMatter<'_>, FrontMatterError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = line_ranges(text, start);
    let first_line = lines.next().unwrap_or(start..start);
    if !is_fence(&text[first_line.clone()]) {
        let end = first_line.end.max(first_line.start);
        return Err(FrontMatterError::Missing {
            first_line: first_line.start..end,
        });
    }
    let toml_start = next_line_start(text, first_line.end);
    for line in lines {
        if is_fence(&text[line.clone()]) {
            let body_offset = next_line_start(text, line.end);
            return Ok(FrontMatter {
                toml: &text[toml_start..line.start],
                toml_offset: toml_start,
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    Err(FrontMatterError::Unclosed {
        opening: first_line.start..first_line.start + 3,
    })
}

/// The ranges of each line's content (without `\n` or `\r\n`).
fn line_ranges(text: &str, from: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let content_end = if end > pos && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let range = pos..content_end;
        pos = end + 1;
        Some(range)
    })
}

fn next_line_start(text: &str, content_end: usize) -> usize {
    match text[content_end..].find('\n') {
        Some(i) => content_end + i + 1,
        None => text.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\nid = \"QC-001\"\n+++\n# Body\n";
        let fm = split(text).unwrap();
        assert_eq!(fm.toml, "id = \"QC-001\"\n");
        assert_eq!(fm.toml_offset, 4);
        assert_eq!(fm.body, "# Body\n");
        assert_eq!(&text[fm.body_offset..], "# Body\n");
    }

    #[test]
    fn handles_crlf_and_no_body() {
        let fm = split("+++\r\nid = \"QC-001\"\r\n+++").unwrap();
        assert_eq!(fm.toml, "id = \"QC-001\"\r\n");
        assert_eq!(fm.body, "");
    }

    #[test]
    fn reports_missing_and_unclosed() {
        assert_eq!(
            split("# Title\n"),
            Err(FrontMatterError::Missing { first_line: 0..7 })
        );
        assert_eq!(
            split(""),
            Err(FrontMatterError::Missing { first_line: 0..0 })
        );
        assert_eq!(
            split("+++\nid = \"QC-001\"\n# Body\n"),
            Err(FrontMatterError::Unclosed { opening: 0..3 })
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// Text built from the pieces front matter is made of, with BOMs, CRs
    /// and multibyte characters where they may confuse offsets.
    fn sop_file() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("+++".to_string()),
            Just("+++\n".to_string()),
            Just("+++ \r\n".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\u{feff}".to_string()),
            Just("id = \"QC-001\"".to_string()),
            Just("ä".to_string()),
            Just("✓".to_string()),
            Just("🙂".to_string()),
            Just("+".to_string()),
            Just(" ".to_string()),
            "[a-z# ]{1,5}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
    }

    fn check(text: &str) -> Result<(), TestCaseError> {
        let in_text = |r: &Range<usize>| {
            r.start <= r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        };
        match split(text) {
            Ok(fm) => {
                let toml = fm.toml_offset..fm.toml_offset + fm.toml.len();
                prop_assert!(in_text(&toml), "{:?}", toml);
                prop_assert_eq!(&text[toml], fm.toml);
                let body = fm.body_offset..text.len();
                prop_assert!(in_text(&body), "{:?}", body);
                prop_assert_eq!(&text[body], fm.body);
                prop_assert!(fm.toml_offset + fm.toml.len() <= fm.body_offset);
            }
            Err(FrontMatterError::Missing { first_line }) => {
                prop_assert!(in_text(&first_line), "{:?}", first_line);
                prop_assert!(!text[first_line].contains('\n'));
            }
            Err(FrontMatterError::Unclosed { opening }) => {
                prop_assert!(in_text(&opening), "{:?}", opening);
                prop_assert_eq!(&text[opening], "+++");
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn any_text_splits_within_bounds(text in any::<String>()) {
            check(&text)?;
        }

        #[test]
        fn sop_like_text_splits_within_bounds(text in sop_file()) {
            check(&text)?;
        }
    }
}
