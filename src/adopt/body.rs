//! What a document's Markdown holds besides its text: the title heading,
//! links and images (with where their targets are written), task lists
//! and tables with a "done" column (checklists), and a document-history
//! table. Positions are byte offsets into the whole file.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::meta::plain;

/// A link or image to something in the collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// As written (`../quality/receiving.md#scope`).
    pub dest: String,
    /// Where `dest` is written in the file.
    pub range: Range<usize>,
    pub image: bool,
}

/// A list of tasks (`- [ ]`) or a table with a "done" column.
#[derive(Debug, Clone, PartialEq)]
pub struct Tasks {
    /// The heading above it, if any.
    pub heading: Option<String>,
    pub items: Vec<String>,
    /// Where the list or table is.
    pub range: Range<usize>,
    pub table: bool,
}

/// One row of a document-history table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryRow {
    pub version: String,
    pub date: String,
    pub author: String,
    pub change: String,
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The first `# Heading`, if nothing but blank lines comes before it.
    pub title: Option<(String, Range<usize>)>,
    pub targets: Vec<Target>,
    pub tasks: Vec<Tasks>,
    pub history: Option<(Vec<HistoryRow>, Range<usize>)>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// Extends a range to the end of its line (and the newline).
fn whole_lines(text: &str, r: Range<usize>) -> Range<usize> {
    if r.end > r.start && text.as_bytes()[r.end - 1] == b'\n' {
        return r;
    }
    let end = text[r.end..]
        .find('\n')
        .map_or(text.len(), |i| r.end + i + 1);
    r.start..end
}

fn inside(r: &Range<usize>, skip: &[Range<usize>]) -> bool {
    skip.iter().any(|s| s.start <= r.start && r.start < s.end)
}

/// Where `dest` is written within `range` (the last occurrence: after the
/// link text).
fn dest_range(text: &str, range: &Range<usize>, dest: &str) -> Option<Range<usize>> {
    if dest.is_empty() {
        return None;
    }
    let at = text[range.clone()].rfind(dest)?;
    Some(range.start + at..range.start + at + dest.len())
}

/// Reads the body of `text` from `start`, leaving out what lies in `skip`
/// (the metadata).
pub fn read(text: &str, start: usize, skip: &[Range<usize>]) -> Body {
    let src = &text[start..];
    let shift = |r: Range<usize>| r.start + start..r.end + start;
    let mut body = Body::default();
    let iter = Parser::new_ext(src, options()).into_offset_iter();
    for (_, def) in iter.reference_definitions().iter() {
        let span = shift(def.span.clone());
        if let Some(range) = dest_range(text, &span, &def.dest)
            && !inside(&range, skip)
        {
            body.targets.push(Target {
                dest: def.dest.to_string(),
                range,
                image: false,
            });
        }
    }
    let mut seen_content = false;
    let mut heading: Option<(HeadingLevel, String, Range<usize>)> = None;
    let mut last_heading: Option<String> = None;
    // Task lists: one entry per open list (its range, items, whether an item is a task).
    let mut lists: Vec<(Range<usize>, Vec<String>)> = Vec::new();
    let mut item_text: Vec<(String, bool)> = Vec::new();
    // Tables: the rows of cells.
    let mut table: Option<(Range<usize>, Vec<Vec<String>>)> = None;
    let mut cell: Option<String> = None;
    for (event, range) in iter {
        let range = shift(range);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, String::new(), range));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, t, r)) = heading.take() {
                    let t = t.trim().to_string();
                    if level == HeadingLevel::H1 && !seen_content && body.title.is_none() {
                        body.title = Some((t.clone(), whole_lines(text, r)));
                    }
                    last_heading = Some(t);
                }
                seen_content = true;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                let image = text[range.clone()].starts_with('!');
                if matches!(link_type, LinkType::Inline)
                    && let Some(r) = dest_range(text, &range, &dest_url)
                    && !inside(&r, skip)
                {
                    body.targets.push(Target {
                        dest: dest_url.to_string(),
                        range: r,
                        image,
                    });
                }
            }
            Event::Start(Tag::List(_)) => {
                seen_content = true;
                lists.push((range, Vec::new()));
                item_text.push((String::new(), false));
            }
            Event::TaskListMarker(_) => {
                if let Some(last) = item_text.last_mut() {
                    last.1 = true;
                }
            }
            Event::End(TagEnd::Item) => {
                if let (Some((t, task)), Some((_, items))) =
                    (item_text.last_mut(), lists.last_mut())
                {
                    if *task && !t.trim().is_empty() {
                        items.push(t.split_whitespace().collect::<Vec<_>>().join(" "));
                    }
                    *t = String::new();
                    *task = false;
                }
            }
            Event::End(TagEnd::List(_)) => {
                item_text.pop();
                if let Some((r, items)) = lists.pop()
                    && !items.is_empty()
                    && !inside(&r, skip)
                {
                    body.tasks.push(Tasks {
                        heading: last_heading.clone(),
                        items,
                        range: whole_lines(text, r),
                        table: false,
                    });
                }
            }
            Event::Start(Tag::Table(_)) => {
                seen_content = true;
                table = Some((range, Vec::new()));
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                if let Some((_, rows)) = table.as_mut() {
                    rows.push(Vec::new());
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some((_, rows))) = (cell.take(), table.as_mut())
                    && let Some(row) = rows.last_mut()
                {
                    row.push(c.trim().to_string());
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((r, rows)) = table.take()
                    && !inside(&r, skip)
                {
                    let r = whole_lines(text, r);
                    if body.history.is_none()
                        && let Some(h) = history_rows(&rows)
                    {
                        body.history = Some((h, r));
                    } else if let Some(items) = done_items(&rows) {
                        body.tasks.push(Tasks {
                            heading: last_heading.clone(),
                            items,
                            range: r,
                            table: true,
                        });
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s, _)) = heading.as_mut() {
                    s.push_str(&t);
                }
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
                // Text of a nested list belongs to the nested item.
                if let Some((s, _)) = item_text.last_mut() {
                    s.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((s, _)) = item_text.last_mut() {
                    s.push(' ');
                }
            }
            Event::Start(Tag::Paragraph)
            | Event::Start(Tag::CodeBlock(_))
            | Event::Start(Tag::BlockQuote(_))
            | Event::Html(_)
                if heading.is_none() && !inside(&range, skip) =>
            {
                seen_content = true;
            }
            _ => {}
        }
    }
    body
}

/// The heading under which adopt keeps a document's hand-kept history.
pub const BEFORE_SOPBOOK: &str = "History before sopbook";

/// The rows of the "History before sopbook" section of a document's text
/// (what adopt wrote there), oldest first as written.
pub fn before_sopbook(text: &str) -> Vec<HistoryRow> {
    let mut lines = text.lines();
    let heading = format!("## {BEFORE_SOPBOOK}");
    if !lines.any(|l| l.trim_end() == heading) {
        return Vec::new();
    }
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in lines {
        let t = line.trim();
        if t.starts_with('#') {
            break;
        }
        if !t.starts_with('|') {
            if in_table {
                break;
            }
            continue;
        }
        if !in_table {
            in_table = true;
            continue;
        }
        if super::meta::is_separator(t) {
            continue;
        }
        let c: Vec<String> = super::meta::cells(t)
            .into_iter()
            .map(|c| c.replace("\\|", "|"))
            .collect();
        let get = |i: usize| c.get(i).cloned().unwrap_or_default();
        rows.push(HistoryRow {
            version: get(0),
            date: get(1),
            author: get(2),
            change: get(3),
        });
    }
    rows
}

fn header_is(cell: &str, words: &[&str]) -> bool {
    let c = plain(cell).to_lowercase();
    let c = c.trim_end_matches(['.', '?', ':']);
    words.contains(&c)
}

const VERSION: &[&str] = &["version", "ver", "rev", "revision", "issue", "v"];
const CHANGE: &[&str] = &[
    "change",
    "changes",
    "description",
    "summary",
    "what changed",
    "reason",
    "comment",
    "comments",
    "amendment",
    "details",
    "change description",
    "description of change",
];
const DATE: &[&str] = &[
    "date",
    "when",
    "effective",
    "effective date",
    "issued",
    "date issued",
];
const AUTHOR: &[&str] = &[
    "author",
    "by",
    "changed by",
    "who",
    "name",
    "editor",
    "owner",
    "made by",
];
const DONE: &[&str] = &[
    "done",
    "✓",
    "✔",
    "☐",
    "check",
    "checked",
    "ok",
    "tick",
    "complete",
    "completed",
    "y/n",
    "yes/no",
    "signed",
    "initials",
    "pass",
    "pass/fail",
];

fn history_rows(rows: &[Vec<String>]) -> Option<Vec<HistoryRow>> {
    let head = rows.first()?;
    let col = |words: &[&str]| head.iter().position(|c| header_is(c, words));
    let version = col(VERSION)?;
    let change = col(CHANGE)?;
    let date = col(DATE);
    let author = col(AUTHOR);
    let get = |row: &Vec<String>, i: Option<usize>| {
        i.and_then(|i| row.get(i))
            .map(|c| plain(c))
            .unwrap_or_default()
    };
    Some(
        rows[1..]
            .iter()
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .map(|r| HistoryRow {
                version: get(r, Some(version)),
                date: get(r, date),
                author: get(r, author),
                change: get(r, Some(change)),
            })
            .collect(),
    )
}

fn done_items(rows: &[Vec<String>]) -> Option<Vec<String>> {
    let head = rows.first()?;
    let done = head.iter().position(|c| header_is(c, DONE))?;
    // The item's text: the column, other than "done", with the most words.
    let words = |i: usize| -> usize {
        rows[1..]
            .iter()
            .filter_map(|r| r.get(i))
            .map(|c| c.split_whitespace().count())
            .sum()
    };
    let text = (0..head.len())
        .filter(|i| *i != done)
        .max_by_key(|i| (words(*i), std::cmp::Reverse(*i)))?;
    let items: Vec<String> = rows[1..]
        .iter()
        .filter_map(|r| r.get(text))
        .map(|c| plain(c))
        .filter(|c| !c.is_empty())
        .collect();
    (!items.is_empty()).then_some(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_links_and_images() {
        let text = "# Receiving goods\n\nSee [returns](../service/returns.md#scope) and ![scale](img/scale.png).\n\n[form]: forms/receipt.pdf\n";
        let b = read(text, 0, &[]);
        assert_eq!(b.title.as_ref().unwrap().0, "Receiving goods");
        let dests: Vec<_> = b.targets.iter().map(|t| t.dest.as_str()).collect();
        assert_eq!(
            dests,
            [
                "forms/receipt.pdf",
                "../service/returns.md#scope",
                "img/scale.png"
            ]
        );
        for t in &b.targets {
            assert_eq!(&text[t.range.clone()], t.dest);
        }
        assert!(b.targets[2].image);
    }

    #[test]
    fn a_heading_after_text_is_not_the_title() {
        let b = read("Intro text.\n\n# Later\n", 0, &[]);
        assert!(b.title.is_none());
    }

    #[test]
    fn task_lists_become_tasks_under_their_heading() {
        let text = "## Before the shift\n\n- [ ] Check the oil level\n- [x] Sweep the bench\n  continued\n- plain note\n";
        let b = read(text, 0, &[]);
        assert_eq!(b.tasks.len(), 1);
        assert_eq!(b.tasks[0].heading.as_deref(), Some("Before the shift"));
        assert_eq!(
            b.tasks[0].items,
            ["Check the oil level", "Sweep the bench continued"]
        );
    }

    #[test]
    fn a_table_with_a_done_column() {
        let text = "| # | Step | Done |\n|---|---|---|\n| 1 | Lock out the press | ☐ |\n| 2 | Tag the switch | ☐ |\n";
        let b = read(text, 0, &[]);
        assert_eq!(b.tasks[0].items, ["Lock out the press", "Tag the switch"]);
        assert!(b.tasks[0].table);
    }

    #[test]
    fn a_history_table() {
        let text = "Text\n\n## Document history\n\n| Version | Date | Author | Change |\n|---|---|---|---|\n| 1.0 | 2023-02-01 | Kari | First issue |\n| 1.1 | 2024-05-10 | Ola | New scale |\n";
        let b = read(text, 0, &[]);
        let (rows, range) = b.history.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].change, "New scale");
        assert!(text[range].starts_with("| Version"));
    }

    #[test]
    fn the_history_adopt_wrote_reads_back() {
        let text = "Text\n\n## History before sopbook\n\nKept by hand.\n\n| Version | Date | Author | Change |\n| --- | --- | --- | --- |\n| 1.0 | 2023-02-01 | Kari | First issue |\n\n## Next\n\n| a | b |\n";
        let rows = before_sopbook(text);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].author, "Kari");
        assert!(before_sopbook("Text\n| a | b |\n").is_empty());
    }
}
