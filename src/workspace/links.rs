//! Links between documents in SOP bodies: `[text](sop:QC-003)` and
//! `[text](checklist:CL-001)`, also as reference definitions
//! (`[form]: checklist:CL-001`). Links inside fenced code are not links.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Sop,
    Checklist,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocLink {
    pub kind: LinkKind,
    pub id: String,
    /// The whole target (`sop:QC-003`), as a byte range in the body.
    pub target: Range<usize>,
    /// Just the id.
    pub id_range: Range<usize>,
}

static INLINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\]\(\s*<?((sop|checklist):([^)\s>#]*))").expect("valid regex"));
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^ {0,3}\[[^\]]+\]:\s*<?((sop|checklist):([^\s>#]*))").expect("valid regex")
});

pub fn find_links(body: &str) -> Vec<DocLink> {
    let fenced = fenced_ranges(body);
    let mut links = Vec::new();
    for re in [&*INLINE, &*REFERENCE] {
        for caps in re.captures_iter(body) {
            let (Some(target), Some(kind), Some(id)) = (caps.get(1), caps.get(2), caps.get(3))
            else {
                continue;
            };
            if fenced.iter().any(|r| r.contains(&target.start())) {
                continue;
            }
            links.push(DocLink {
                kind: if kind.as_str() == "sop" {
                    LinkKind::Sop
                } else {
                    LinkKind::Checklist
                },
                id: id.as_str().to_string(),
                target: target.range(),
                id_range: id.range(),
            });
        }
    }
    links.sort_by_key(|l| l.target.start);
    links
}

/// Byte ranges of fenced code blocks (``` or ~~~).
fn fenced_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let mut pos = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence = if trimmed.starts_with("```") {
            Some("```")
        } else if trimmed.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (open, fence) {
            (None, Some(f)) => open = Some((pos, f)),
            (Some((start, f)), Some(g)) if f == g => {
                ranges.push(start..pos + line.len());
                open = None;
            }
            _ => {}
        }
        pos += line.len();
    }
    if let Some((start, _)) = open {
        ranges.push(start..body.len());
    }
    ranges
}

/// Replaces each link's target with what `resolve` returns for it.
pub fn rewrite_links(body: &str, mut resolve: impl FnMut(&DocLink) -> Option<String>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    for link in find_links(body) {
        if let Some(url) = resolve(&link) {
            out.push_str(&body[last..link.target.start]);
            out.push_str(&url);
            last = link.target.end;
        }
    }
    out.push_str(&body[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_and_reference_links_but_not_code() {
        let body = "See [final](sop:QC-003) and [form][f].\n\n```\n[x](sop:QC-999)\n```\n\n[f]: checklist:CL-001\n";
        let links = find_links(body);
        let ids: Vec<_> = links.iter().map(|l| (l.kind, l.id.as_str())).collect();
        assert_eq!(
            ids,
            [(LinkKind::Sop, "QC-003"), (LinkKind::Checklist, "CL-001")]
        );
        assert_eq!(&body[links[0].id_range.clone()], "QC-003");
    }

    #[test]
    fn rewrites_targets() {
        let body = "[a](sop:QC-003) [b](checklist:CL-001)";
        let out = rewrite_links(body, |l| Some(format!("../{}.md", l.id)));
        assert_eq!(out, "[a](../QC-003.md) [b](../CL-001.md)");
    }
}
