//! Publishing: the workspace becomes an mdBook source tree (pages from
//! handlebars templates), which mdbook-driver builds into HTML with search
//! and a print view. The new book is built beside the old one and swapped
//! in, so a failed build never leaves a half-written manual.

pub mod assemble;
pub mod build;
pub mod content;
pub mod escape;
pub mod incremental;
pub mod lunr;
pub mod page_text;
pub mod pages;
pub mod search;
pub mod templates;
pub mod words;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::workspace::config::TextDirection;
use crate::workspace::{CHECKLISTS_DIR, MANUAL_DIR, TEMPLATES_DIR};
pub use content::Manual;
use pages::BookPlan;

/// A file sopbook leaves in every manual it builds, so that it only ever
/// replaces a folder it made itself.
pub const MARKER: &str = ".sopbook-manual";

#[derive(Debug)]
pub struct Published {
    pub out: PathBuf,
    pub books: usize,
    pub pages: usize,
    /// The books built this time; the others were carried over unchanged
    /// from the manual in place.
    pub built: usize,
}

pub struct PublishOptions<'a> {
    pub out: &'a Path,
    pub keep_source: Option<&'a Path>,
    pub progress: bool,
    /// Publish as several books above this many pages.
    pub split_above: usize,
}

/// Refuses output folders that would overwrite the workspace's own files
/// or a folder sopbook did not make.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<PathBuf> {
    let root = root
        .canonicalize()
        .with_context(|| format!("could not resolve `{}`", root.display()))?;
    let out_abs = absolute(out)?;
    for protected in [
        MANUAL_DIR,
        CHECKLISTS_DIR,
        TEMPLATES_DIR,
        ".git",
        ".sopbook",
    ] {
        let p = root.join(protected);
        if out_abs.starts_with(&p) {
            bail!(
                "refusing to publish into `{}`: it is inside the workspace's {protected}/ folder, which holds your sources\n\nhelp: publish to a folder of its own, such as `--out book`",
                out.display()
            );
        }
    }
    if root.starts_with(&out_abs) {
        bail!(
            "refusing to publish into `{}`: the workspace itself is inside it and would be replaced\n\nhelp: publish to a folder of its own, such as `--out book`",
            out.display()
        );
    }
    if out_abs.exists() {
        if !out_abs.is_dir() {
            bail!("`{}` is a file; --out takes a folder", out.display());
        }
        let empty = fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out_abs.join(MARKER).exists() {
            bail!(
                "refusing to replace `{}`: it is not empty and was not made by sopbook\n\nhelp: choose another folder, or remove this one first",
                out.display()
            );
        }
    }
    Ok(out_abs)
}

/// The absolute form of `p`, with `.` and `..` resolved against the parts
/// that exist.
fn absolute(p: &Path) -> Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name().map(|s| s.to_os_string()));
        existing = match existing.parent() {
            Some(parent) => parent,
            None => break,
        };
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for part in rest.into_iter().rev() {
        match part {
            Some(name) if name == ".." => {
                out.pop();
            }
            Some(name) if name == "." => {}
            Some(name) => out.push(name),
            None => {}
        }
    }
    Ok(out)
}

/// Builds the manual into `opts.out`.
pub fn publish(ws: &Manual, opts: &PublishOptions<'_>) -> Result<Published> {
    let out = check_out_dir(&ws.root, opts.out)?;
    let parent = out
        .parent()
        .context("the output folder has no parent folder")?;
    fs::create_dir_all(parent)
        .with_context(|| format!("could not create `{}`", parent.display()))?;
    let work = tempfile::Builder::new()
        .prefix(".sopbook-publish-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "could not create a temporary folder in `{}`",
                parent.display()
            )
        })?;

    let hb = templates::engine(&ws.root, ws.language.as_deref())?;
    let mut books = pages::plan(ws, &hb, opts.split_above)?;
    if !ws.config.languages.is_empty() {
        add_editions(ws, opts.split_above, &mut books)?;
    }
    let page_count: usize = books.iter().map(|b| b.pages.len()).sum();

    let bar = if opts.progress {
        ProgressBar::new(books.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} Building {msg} [{bar:30}] {pos}/{len} books")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("{page_count} pages"));

    let src_root = work.path().join("source");
    let html_root = work.path().join("html");
    // Each book's inputs, and the manual in place's manifest: a book built
    // from the same inputs is carried over from it instead of built again.
    let common = fs::read(ws.root.join(crate::workspace::CONFIG_FILE)).unwrap_or_default();
    let tomls: Vec<String> = books.iter().map(|b| book_toml(ws, b)).collect();
    let inputs = books
        .iter()
        .zip(&tomls)
        .map(|(b, toml)| {
            incremental::inputs(
                b,
                toml,
                stylesheet(b),
                &format!(
                    "{}{}{}",
                    templates::SCRIPT,
                    search::SCRIPT,
                    search::header(b)
                ),
                &common,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let previous = out
        .join(MARKER)
        .exists()
        .then(|| incremental::Manifest::read(&out))
        .flatten();
    let built = build_all(&books, &bar, |i| {
        let book = &books[i];
        let dest = html_root.join(i.to_string());
        if let Some(entry) = previous
            .as_ref()
            .and_then(|m| m.book(&book.key(), &inputs[i]))
        {
            if incremental::carry(&out, entry, &dest).is_ok() {
                return Ok(false);
            }
            // A file of the old manual is gone or changed: build the book.
            let _ = fs::remove_dir_all(&dest);
        }
        let src = src_root.join(i.to_string());
        build::write_source(book, &tomls[i], &src, false)?;
        let named = build::build_book(book, &tomls[i], &src, &dest)
            .with_context(|| format!("building {}", book.title))?;
        assemble::trim(book, &dest, &named).with_context(|| format!("building {}", book.title))?;
        Ok(true)
    })?;
    bar.finish_and_clear();

    // What each book brings, then the books put together in one folder.
    let mut entries = Vec::with_capacity(books.len());
    for (i, book) in books.iter().enumerate() {
        entries.push(incremental::BookEntry {
            key: book.key(),
            folder: book.folder.clone(),
            inputs: inputs[i].clone(),
            files: incremental::files_of(&html_root.join(i.to_string()), &book.folder)?,
        });
    }
    let assembled = work.path().join("manual");
    assemble::assemble(&books, &html_root, &assembled)?;
    for entry in &mut entries {
        incremental::restat(&assembled, &mut entry.files)?;
    }
    entries.extend(search_indexes(
        &books,
        &inputs,
        previous.as_ref(),
        &out,
        &assembled,
    )?);
    fs::write(
        assembled.join(MARKER),
        "This folder was made by `sopbook publish` and is replaced by it.\n",
    )?;
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    incremental::Manifest::new(entries).write(&assembled)?;

    if let Some(keep) = opts.keep_source {
        // Only the books built this time were written out: write them all.
        for (i, book) in books.iter().enumerate() {
            build::write_source(book, &tomls[i], &src_root.join(i.to_string()), true)?;
        }
        if keep.exists() {
            fs::remove_dir_all(keep)
                .with_context(|| format!("could not replace `{}`", keep.display()))?;
        }
        if let Some(p) = keep.parent() {
            fs::create_dir_all(p)?;
        }
        copy_dir(&src_root, keep)
            .with_context(|| format!("could not keep the source in `{}`", keep.display()))?;
    }

    // Swap the new manual in: in one step where the system can, so that a
    // server showing the manual meanwhile never finds it missing.
    let old = work.path().join("old");
    if out.exists() && exchange(&assembled, &out).is_ok() {
        drop(work);
        return Ok(Published {
            out,
            books: books.len(),
            pages: page_count,
            built,
        });
    }
    if out.exists() {
        fs::rename(&out, &old)
            .with_context(|| format!("could not move the old manual out of `{}`", out.display()))?;
    }
    if let Err(e) = fs::rename(&assembled, &out) {
        if old.exists() {
            let _ = fs::rename(&old, &out);
        }
        return Err(e)
            .with_context(|| format!("could not move the new manual to `{}`", out.display()));
    }
    drop(work);
    Ok(Published {
        out,
        books: books.len(),
        pages: page_count,
        built,
    })
}

/// The books of each translated edition, under `<code>/`, after the
/// source language's at the root; every book is given its language, and
/// every page a switcher to the same page in the other languages.
fn add_editions(ws: &Manual, split_above: usize, books: &mut Vec<BookPlan>) -> Result<()> {
    let languages = &ws.config.languages;
    let Some(source) = ws.config.source_language() else {
        return Ok(());
    };
    for b in books.iter_mut() {
        b.language = Some((source.code.clone(), source.direction));
    }
    for edition in &ws.editions {
        let l = &edition.language;
        let hb = templates::engine(&ws.root, Some(&l.code))?;
        let mut more = pages::plan(&edition.manual, &hb, split_above)?;
        for b in &mut more {
            b.folder = format!("{}/{}", l.code, b.folder);
            b.language = Some((l.code.clone(), l.direction));
        }
        books.extend(more);
    }
    // Languages in sopbook.toml's order, the source's book at the root.
    let prefix = |code: &str| {
        if code == source.code {
            String::new()
        } else {
            format!("{code}/")
        }
    };
    for b in books.iter_mut() {
        let Some((code, _)) = b.language.clone() else {
            continue;
        };
        let own = prefix(&code);
        let folder = b.folder.strip_prefix(&own).unwrap_or(&b.folder).to_string();
        for page in &mut b.pages {
            let Some(stem) = page.path.strip_suffix(".md") else {
                continue;
            };
            // The page's address inside its edition, the same in every language.
            let url = format!("{folder}{stem}.html");
            let here = format!("{own}{url}");
            let mut nav = format!(
                "<nav class=\"sopbook-languages\" aria-label=\"{}\">",
                escape::html_text(words::languages(&code))
            );
            for (i, l) in languages.iter().enumerate() {
                if i > 0 {
                    nav.push_str(" · ");
                }
                let name = escape::html_text(&l.name);
                if l.code == code {
                    nav.push_str(&format!(
                        "<strong lang=\"{0}\" dir=\"{1}\" aria-current=\"page\">{name}</strong>",
                        l.code,
                        l.direction.as_str()
                    ));
                } else {
                    let href = pages::rel(&here, &format!("{}{url}", prefix(&l.code)));
                    nav.push_str(&format!(
                        "<a href=\"{}\" lang=\"{1}\" hreflang=\"{1}\" dir=\"{2}\">{name}</a>",
                        escape::html_text(&href),
                        l.code,
                        l.direction.as_str()
                    ));
                }
            }
            nav.push_str("</nav>\n\n");
            page.content.insert_str(0, &nav);
        }
    }
    Ok(())
}

/// Exchanges the folders `a` and `b` atomically (Linux's
/// `renameat2(RENAME_EXCHANGE)`); an error where the system or the file
/// system cannot, and the caller moves them one after the other.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
        let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: two valid NUL-terminated paths that outlive the call,
        // relative to the current folder as `rename` takes them.
        let done = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if done == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

/// The book.toml of one book.
pub fn book_toml(ws: &Manual, book: &BookPlan) -> String {
    let b = &ws.config.book;
    let mut t = toml::Table::new();
    let mut book_t = toml::Table::new();
    book_t.insert("title".into(), book.title.clone().into());
    book_t.insert("src".into(), "src".into());
    if let Some((code, direction)) = &book.language {
        book_t.insert("language".into(), code.clone().into());
        book_t.insert("text-direction".into(), direction.as_str().into());
    } else {
        if let Some(l) = &b.language {
            book_t.insert("language".into(), l.clone().into());
        }
        if let Some(d) = &b.text_direction {
            let d = match d {
                TextDirection::Ltr => "ltr",
                TextDirection::Rtl => "rtl",
            };
            book_t.insert("text-direction".into(), d.into());
        }
    }
    let description = b
        .description
        .clone()
        .unwrap_or_else(|| ws.config.description.trim().to_string());
    if !description.is_empty() {
        book_t.insert("description".into(), description.into());
    }
    let authors = if b.authors.is_empty() && !ws.config.organisation.is_empty() {
        vec![ws.config.organisation.clone()]
    } else {
        b.authors.clone()
    };
    book_t.insert("authors".into(), authors.into());
    t.insert("book".into(), book_t.into());
    let mut build = toml::Table::new();
    build.insert("create-missing".into(), false.into());
    // No {{#include}} and friends: SOP text is published as written.
    build.insert("use-default-preprocessors".into(), false.into());
    t.insert("build".into(), build.into());
    let html: toml::Table = toml::from_str(
        r#"
additional-css = ["sopbook.css"]
additional-js = ["sopbook.js", "search.js"]
no-section-label = true
[print]
enable = true
[search]
enable = true
[fold]
enable = true
level = 1
"#,
    )
    .unwrap_or_default();
    let mut output = toml::Table::new();
    output.insert("html".into(), html.into());
    t.insert("output".into(), output.into());
    t.to_string()
}

/// The stylesheet of one book: with the language switcher's rules in a
/// manual of several languages.
pub(crate) fn stylesheet(book: &BookPlan) -> &'static str {
    static WITH_LANGUAGES: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if book.language.is_some() {
        WITH_LANGUAGES.get_or_init(|| {
            format!(
                "{}{}",
                templates::STYLESHEET,
                templates::LANGUAGE_STYLESHEET
            )
        })
    } else {
        templates::STYLESHEET
    }
}

/// One search index per edition over all its books, in the manual put
/// together in `assembled`: carried over from the manual in `out` when no
/// book of the edition changed, else made again from the books' own
/// indexes (elasticlunr cannot take a book's documents out of an index,
/// so an edition's index is made whole). Returns the manifest's entries.
fn search_indexes(
    books: &[BookPlan],
    inputs: &[String],
    previous: Option<&incremental::Manifest>,
    out: &Path,
    assembled: &Path,
) -> Result<Vec<incremental::BookEntry>> {
    let mut entries = Vec::new();
    let mut todo = Vec::new();
    for (folder, list) in search::editions(books) {
        let key = format!("search:{folder}");
        let joined: Vec<&str> = list.iter().map(|&i| inputs[i].as_str()).collect();
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            joined.join("\n").as_bytes(),
        ));
        let carried = previous
            .and_then(|m| m.book(&key, &hash))
            .is_some_and(|entry| incremental::carry(out, entry, assembled).is_ok());
        entries.push(incremental::BookEntry {
            key,
            folder: String::new(),
            inputs: hash,
            files: vec![incremental::FileEntry {
                path: format!("{folder}{}", search::INDEX_FILE),
                len: 0,
                modified: 0,
            }],
        });
        if !carried {
            todo.push((folder, list));
        }
    }
    for (folder, js) in search::build_indexes(books, assembled, &todo)? {
        let path = assembled.join(&folder).join(search::INDEX_FILE);
        fs::write(&path, js).with_context(|| format!("could not write `{}`", path.display()))?;
    }
    for entry in &mut entries {
        incremental::restat(assembled, &mut entry.files)?;
    }
    Ok(entries)
}

/// Makes every book with `make` (which builds it, or carries it over and
/// says so with `false`), on as many threads as the machine has (books are
/// independent). Returns how many were built.
fn build_all(
    books: &[BookPlan],
    bar: &ProgressBar,
    make: impl Fn(usize) -> Result<bool> + Sync,
) -> Result<usize> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(books.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let built = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<()> {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        if i >= books.len() {
                            return Ok(());
                        }
                        if make(i)? {
                            built.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        bar.inc(1);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("a book build stopped unexpectedly"))??;
        }
        Ok(())
    })?;
    Ok(built.into_inner())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_new_manual_takes_the_old_ones_place_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out) = (dir.path().join("new"), dir.path().join("book"));
        fs::create_dir_all(&new).unwrap();
        fs::create_dir_all(&out).unwrap();
        fs::write(new.join("index.html"), "new").unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        exchange(&new, &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(new.join("index.html")).unwrap(), "old");
        let missing = dir.path().join("missing");
        assert!(
            exchange(&missing, &out).is_err(),
            "nothing to exchange with"
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
    }
}
