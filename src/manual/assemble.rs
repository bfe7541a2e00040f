//! The built books put together into one manual folder.
//!
//! A book that is a whole edition goes in as it is. The books of a split
//! edition share the edition's folder (each was built as if it were the
//! whole manual, its pages at their own addresses): each brings its own
//! pages and the files they need that are not there yet (mdBook names its
//! scripts and styles by their content, so those of the same content are
//! one file). The files every book makes at its root (`index.html`,
//! `print.html`, `404.html`, `toc.html`) come from the edition's home book
//! only, and no book brings its sidebar stubs or its own search index
//! (`search` writes the edition's).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::manual::build::Named;
use crate::manual::pages::BookPlan;
use crate::manual::search;

/// Files at a book's root that only the home book of a split edition brings.
const ROOT_FILES: [&str; 4] = ["index.html", "print.html", "404.html", "toc.html"];

/// Leaves in a book just built in `dest` only what it brings to the
/// manual: not its sidebar stubs, not the files at its root unless it is
/// its edition's home, and mdBook's index of the book made into the
/// book's part of its edition's index ([`search::keep_part`]).
pub fn trim(book: &BookPlan, dest: &Path, named: &[Named]) -> Result<()> {
    let mut gone: Vec<PathBuf> = book
        .stubs
        .iter()
        .filter_map(|p| p.path.strip_suffix(".md"))
        .map(|stem| PathBuf::from(format!("{stem}.html")))
        .collect();
    if !book.is_home() {
        gone.extend(ROOT_FILES.iter().map(PathBuf::from));
    }
    for rel in gone {
        match fs::remove_file(dest.join(&rel)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("could not remove `{}`", rel.display()));
            }
            _ => {}
        }
    }
    search::keep_part(book, dest, named)
}

/// Moves every book in `html_root/<i>` (each [`trim`]med, or carried over
/// as it was) into `out`. Where books of an edition bring the same file
/// (mdBook names scripts and styles by their content), the first one's is kept.
pub fn assemble(books: &[BookPlan], html_root: &Path, out: &Path) -> Result<()> {
    // Outer editions first (an edition's folder is inside the root's), and
    // in an edition the home book first.
    let mut order: Vec<usize> = (0..books.len()).collect();
    order.sort_by_key(|&i| (books[i].folder.matches('/').count(), !books[i].is_home()));
    for i in order {
        let from = html_root.join(i.to_string());
        let target = out.join(&books[i].folder);
        if !target.exists() {
            if let Some(p) = target.parent() {
                fs::create_dir_all(p)?;
            }
            fs::rename(&from, &target).with_context(|| {
                format!("could not move the built book to `{}`", target.display())
            })?;
            continue;
        }
        merge(&from, &target, Path::new(""))
            .with_context(|| format!("could not move the built book to `{}`", target.display()))?;
    }
    Ok(())
}

/// Moves what is in `from/rel` into `to/rel`, but for files `to` already has.
fn merge(from: &Path, to: &Path, rel: &Path) -> Result<()> {
    fs::create_dir_all(to.join(rel))?;
    for entry in fs::read_dir(from.join(rel))? {
        let entry = entry?;
        let path = rel.join(entry.file_name());
        let (src, dst) = (from.join(&path), to.join(&path));
        if entry.file_type()?.is_dir() {
            if !dst.exists() {
                fs::rename(&src, &dst)?;
            } else {
                merge(from, to, &path)?;
            }
        } else if !dst.exists() {
            fs::rename(&src, &dst)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manual::pages::Page;

    fn book(pages: &[&str], stubs: &[&str]) -> BookPlan {
        let page = |p: &&str| Page {
            path: p.to_string(),
            content: String::new(),
        };
        BookPlan {
            folder: String::new(),
            title: String::new(),
            summary: String::new(),
            pages: pages.iter().map(page).collect(),
            assets: Vec::new(),
            language: None,
            stubs: stubs.iter().map(page).collect(),
        }
    }

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let p = root.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
    }

    #[test]
    fn books_of_a_split_manual_share_one_folder_and_keep_their_own_pages() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("html");
        let out = dir.path().join("out");
        let books = [
            book(&["index.md"], &["quality/index.md"]),
            book(&["quality/index.md", "quality/a.md"], &["index.md"]),
            book(&["quality/b.md"], &["index.md", "quality/index.md"]),
        ];
        write(
            &html.join("0"),
            &[
                ("index.html", "home"),
                ("print.html", "home print"),
                ("quality/index.html", "stub"),
                ("css/a-1.css", "css"),
                ("toc-0.js", "toc 0"),
            ],
        );
        write(
            &html.join("1"),
            &[
                ("index.html", "stub home"),
                ("print.html", "book 1 print"),
                ("quality/index.html", "section"),
                ("quality/a.html", "a"),
                ("css/a-1.css", "css"),
                ("toc-1.js", "toc 1"),
            ],
        );
        write(
            &html.join("2"),
            &[
                ("index.html", "stub home"),
                ("quality/index.html", "stub"),
                ("quality/b.html", "b"),
                ("toc-2.js", "toc 2"),
            ],
        );
        for (i, b) in books.iter().enumerate() {
            trim(b, &html.join(i.to_string()), &[]).unwrap();
        }
        assemble(&books, &html, &out).unwrap();
        let read = |p: &str| fs::read_to_string(out.join(p)).unwrap_or_default();
        assert_eq!(read("index.html"), "home");
        assert_eq!(read("print.html"), "home print");
        assert_eq!(read("quality/index.html"), "section");
        assert_eq!(read("quality/a.html"), "a");
        assert_eq!(read("quality/b.html"), "b");
        assert_eq!(read("css/a-1.css"), "css");
        for toc in ["toc-0.js", "toc-1.js", "toc-2.js"] {
            assert!(out.join(toc).exists(), "{toc} missing");
        }
    }
}
