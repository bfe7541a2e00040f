//! One book built by mdbook-driver, its pages handed over in memory.
//!
//! mdBook reads a book's pages from its `src/` folder. sopbook has them in
//! memory already, so it writes only what mdBook reads by path (book.toml,
//! the stylesheet and scripts, the theme's header, images beside SOPs),
//! lets mdBook load an empty book, and gives it the pages as the book
//! mdBook would have loaded from `SUMMARY.md`. mdBook's own search index
//! of each book is turned off: sopbook indexes the books again anyway
//! ([`super::search`]), from the pages mdBook built ([`super::page_text`]).

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::config::Config as BookConfig;
use mdbook_summary::{Link, SummaryItem, parse_summary};

use crate::manual::pages::BookPlan;
use crate::manual::{search, stylesheet, templates};

/// A page of a built book as mdBook named it: its Markdown path, its
/// name in the sidebar and the names of the chapters above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub path: String,
    pub name: String,
    pub parents: Vec<String>,
}

/// Writes what mdBook reads of `book` from disk into `dir`: with
/// `pages`, also `SUMMARY.md` and every page (a source folder mdBook can
/// build alone); without, an empty `SUMMARY.md` and only the files that
/// are not chapters ([`build_book`] hands the chapters over).
pub fn write_source(book: &BookPlan, toml: &str, dir: &Path, pages: bool) -> Result<()> {
    let src = dir.join("src");
    fs::create_dir_all(&src)?;
    fs::write(dir.join("book.toml"), toml)?;
    fs::write(dir.join("sopbook.css"), stylesheet(book))?;
    fs::write(dir.join("sopbook.js"), templates::SCRIPT)?;
    fs::write(dir.join("search.js"), search::SCRIPT)?;
    fs::create_dir_all(dir.join("theme"))?;
    fs::write(dir.join("theme").join("header.hbs"), search::header(book))?;
    fs::write(
        src.join("SUMMARY.md"),
        if pages { &book.summary } else { "# Summary\n" },
    )?;
    // Files that are not chapters (the dashboard's charts) mdBook copies
    // from `src/` as they are.
    for page in book.pages.iter().chain(&book.stubs) {
        if !pages && page.path.ends_with(".md") {
            continue;
        }
        let path = src.join(&page.path);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&path, &page.content)
            .with_context(|| format!("could not write `{}`", path.display()))?;
    }
    // mdBook reads the page for a missing address from `src/404.md`.
    let language = book.language.as_ref().map(|(code, _)| code.as_str());
    if let Some(page) = crate::manual::words::not_found_page(language) {
        fs::write(src.join("404.md"), page)?;
    }
    for (rel, from) in &book.assets {
        let to = src.join(rel);
        if let Some(p) = to.parent() {
            fs::create_dir_all(p)?;
        }
        fs::copy(from, &to).with_context(|| format!("could not copy `{}`", from.display()))?;
    }
    Ok(())
}

/// Builds `book` into `dest` with mdbook-driver, from the frame
/// [`write_source`] wrote (without pages) in `root`, its config `toml`.
/// Returns the pages mdBook built, in the sidebar's order.
pub fn build_book(book: &BookPlan, toml: &str, root: &Path, dest: &Path) -> Result<Vec<Named>> {
    let mut config = BookConfig::from_str(toml).context("the generated book.toml is not valid")?;
    config.build.build_dir = dest.to_path_buf();
    let (items, named) = in_memory(book)?;
    if !named.is_empty() {
        // Every page under "" (mdBook refuses a key that names no page).
        let mut off = toml::Table::new();
        off.insert("enable".into(), false.into());
        let mut chapters = toml::Table::new();
        chapters.insert(String::new(), off.into());
        config
            .set("output.html.search.chapter", chapters)
            .context("could not turn mdBook's own search index off")?;
    }
    let mut md = MDBook::load_with_config(root, config)
        .context("mdBook could not load the generated source")?;
    md.book = items;
    md.build().context("mdBook could not build the manual")?;
    Ok(named)
}

/// The book mdBook would load from `book`'s `SUMMARY.md` and pages, and
/// its pages' names.
fn in_memory(book: &BookPlan) -> Result<(Book, Vec<Named>)> {
    let summary = parse_summary(&book.summary).context("the generated SUMMARY.md is not valid")?;
    let content: HashMap<&str, &str> = book
        .pages
        .iter()
        .chain(&book.stubs)
        .map(|p| (p.path.as_str(), p.content.as_str()))
        .collect();
    let mut named = Vec::new();
    let items = summary
        .prefix_chapters
        .iter()
        .chain(&summary.numbered_chapters)
        .chain(&summary.suffix_chapters)
        .map(|item| item_of(item, &content, &[], &mut named))
        .collect::<Result<Vec<_>>>()?;
    Ok((Book::new_with_items(items), named))
}

fn item_of(
    item: &SummaryItem,
    content: &HashMap<&str, &str>,
    parents: &[String],
    named: &mut Vec<Named>,
) -> Result<BookItem> {
    Ok(match item {
        SummaryItem::Link(link) => BookItem::Chapter(chapter_of(link, content, parents, named)?),
        SummaryItem::PartTitle(title) => BookItem::PartTitle(title.clone()),
        SummaryItem::Separator => BookItem::Separator,
        other => {
            anyhow::bail!("the generated SUMMARY.md holds {other:?}, which mdBook does not know")
        }
    })
}

fn chapter_of(
    link: &Link,
    content: &HashMap<&str, &str>,
    parents: &[String],
    named: &mut Vec<Named>,
) -> Result<Chapter> {
    let mut chapter = match &link.location {
        Some(location) => {
            let path = location.to_string_lossy().replace('\\', "/");
            let text = content.get(path.as_str()).with_context(|| {
                format!("the generated SUMMARY.md lists `{path}`, which is not a page")
            })?;
            named.push(Named {
                path: path.clone(),
                name: link.name.clone(),
                parents: parents.to_vec(),
            });
            // As mdBook reads a page: without a byte order mark.
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            Chapter::new(&link.name, text.to_string(), location, parents.to_vec())
        }
        None => Chapter::new_draft(&link.name, parents.to_vec()),
    };
    chapter.number = link.number.clone();
    let mut below = parents.to_vec();
    below.push(link.name.clone());
    chapter.sub_items = link
        .nested_items
        .iter()
        .map(|i| item_of(i, content, &below, named))
        .collect::<Result<Vec<_>>>()?;
    Ok(chapter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manual::pages::Page;

    fn page(path: &str, content: &str) -> Page {
        Page {
            path: path.into(),
            content: content.into(),
        }
    }

    fn plan() -> BookPlan {
        BookPlan {
            folder: String::new(),
            title: "Manual".into(),
            summary: "# Summary\n\n[Home](index.md)\n\n# Procedures\n\n- [Quality](quality/index.md)\n  - [Final inspection](quality/final.md)\n- [Draft]()\n"
                .into(),
            pages: vec![
                page("index.md", "# Home\n"),
                page("quality/index.md", "# Quality\n"),
                page("quality/final.md", "# Final inspection\n\nCheck the seal.\n"),
            ],
            assets: Vec::new(),
            language: None,
            stubs: Vec::new(),
        }
    }

    #[test]
    fn the_book_in_memory_is_the_book_mdbook_loads_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let book = plan();
        let toml = "[book]\ntitle = \"Manual\"\n[build]\ncreate-missing = false\n";
        write_source(&book, toml, dir.path(), true).unwrap();
        let from_disk = MDBook::load(dir.path()).unwrap().book;
        let (in_memory, named) = in_memory(&book).unwrap();
        assert_eq!(format!("{in_memory:?}"), format!("{from_disk:?}"));
        assert_eq!(
            named,
            vec![
                Named {
                    path: "index.md".into(),
                    name: "Home".into(),
                    parents: vec![],
                },
                Named {
                    path: "quality/index.md".into(),
                    name: "Quality".into(),
                    parents: vec![],
                },
                Named {
                    path: "quality/final.md".into(),
                    name: "Final inspection".into(),
                    parents: vec!["Quality".into()],
                },
            ]
        );
    }

    #[test]
    fn a_summary_naming_a_page_that_is_not_there_is_an_error() {
        let mut book = plan();
        book.pages.pop();
        let err = in_memory(&book).unwrap_err();
        assert!(
            format!("{err:#}").contains("`quality/final.md`, which is not a page"),
            "{err:#}"
        );
    }

    #[test]
    fn a_book_is_built_from_memory_without_mdbooks_own_index_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let (root, dest) = (dir.path().join("src"), dir.path().join("html"));
        let book = plan();
        let toml = "[book]\ntitle = \"Manual\"\n[build]\ncreate-missing = false\n[output.html.search]\nenable = true\n";
        write_source(&book, toml, &root, false).unwrap();
        let named = build_book(&book, toml, &root, &dest).unwrap();
        assert_eq!(named.len(), 3);
        let html = fs::read_to_string(dest.join("quality/final.html")).unwrap();
        assert!(html.contains("Check the seal."), "{html}");
        let index = fs::read_dir(&dest)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with("searchindex") && name.ends_with(".js")
            })
            .expect("mdBook still writes its (empty) index and its search page");
        assert!(
            !fs::read_to_string(index).unwrap().contains("seal"),
            "mdBook indexed the pages"
        );
    }
}
