//! Publishing again without building everything again: the manual keeps a
//! manifest of each book's inputs (a hash of its generated pages, summary,
//! book.toml, stylesheet, script, files and sopbook.toml) and of the files
//! the book made. A book whose inputs hash the same as in the manual in
//! place is carried over from it (its files linked into the new manual)
//! instead of being built; every other book is built. A manifest that is
//! missing, edited or from another sopbook, or a carried file that is gone
//! or changed, means the book (or the manual) is built in full.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::pages::BookPlan;

/// The manifest's file name, in the manual's folder.
pub const MANIFEST: &str = ".sopbook-manifest.json";

/// What a published manual was built from, book by book.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// sopbook's version: another version may make other HTML of the same pages.
    pub version: String,
    pub books: Vec<BookEntry>,
    /// SHA-256 of the fields above as JSON: a manifest edited by hand is not trusted.
    pub check: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BookEntry {
    /// What names the book from one publish to the next ([`BookPlan::key`]),
    /// or `search:<folder>` for an edition's search index.
    pub key: String,
    /// The edition's folder under the manual's root, `""` for the source language's.
    pub folder: String,
    /// The hash of everything the book is built from ([`inputs`]).
    pub inputs: String,
    /// The files the book made, from the manual's root.
    pub files: Vec<FileEntry>,
}

/// A file as it was left: a carried file must still have its size and time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub len: u64,
    /// Modification time, nanoseconds since 1970.
    pub modified: u128,
}

fn version() -> String {
    format!("sopbook {} (manifest 2)", env!("CARGO_PKG_VERSION"))
}

impl Manifest {
    pub fn new(books: Vec<BookEntry>) -> Manifest {
        let mut m = Manifest {
            version: version(),
            books,
            check: String::new(),
        };
        m.check = m.checksum();
        m
    }

    fn checksum(&self) -> String {
        let body = serde_json::to_vec(&(&self.version, &self.books)).unwrap_or_default();
        hex::encode(Sha256::digest(&body))
    }

    /// The manifest of the manual in `out`, if it has a sound one from
    /// this version of sopbook.
    pub fn read(out: &Path) -> Option<Manifest> {
        let text = fs::read(out.join(MANIFEST)).ok()?;
        let m: Manifest = serde_json::from_slice(&text).ok()?;
        (m.version == version() && m.check == m.checksum()).then_some(m)
    }

    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST);
        let text = serde_json::to_vec(self)?;
        fs::write(&path, text).with_context(|| format!("could not write `{}`", path.display()))
    }

    /// The entry named `key` if it was built from `inputs`.
    pub fn book(&self, key: &str, inputs: &str) -> Option<&BookEntry> {
        self.books
            .iter()
            .find(|b| b.key == key && b.inputs == inputs)
    }
}

/// Feeds one length-prefixed field into a hash, so that no two different
/// sequences of fields hash the same.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// The hash of everything a book is built from: its folder, title,
/// language, book.toml, stylesheet and script, summary, every page's path
/// and generated text, every file copied into it (path and bytes), and
/// `common` (sopbook.toml's bytes: a change there builds every book).
pub fn inputs(
    book: &BookPlan,
    book_toml: &str,
    css: &str,
    script: &str,
    common: &[u8],
) -> Result<String> {
    let mut h = Sha256::new();
    field(&mut h, version().as_bytes());
    field(&mut h, common);
    field(&mut h, book.folder.as_bytes());
    field(&mut h, book.title.as_bytes());
    field(&mut h, format!("{:?}", book.language).as_bytes());
    field(&mut h, book_toml.as_bytes());
    field(&mut h, css.as_bytes());
    field(&mut h, script.as_bytes());
    field(&mut h, book.summary.as_bytes());
    h.update((book.pages.len() as u64).to_le_bytes());
    for page in &book.pages {
        field(&mut h, page.path.as_bytes());
        field(&mut h, page.content.as_bytes());
    }
    h.update((book.stubs.len() as u64).to_le_bytes());
    for page in &book.stubs {
        field(&mut h, page.path.as_bytes());
        field(&mut h, page.content.as_bytes());
    }
    h.update((book.assets.len() as u64).to_le_bytes());
    for (rel, from) in &book.assets {
        field(&mut h, rel.as_bytes());
        let bytes =
            fs::read(from).with_context(|| format!("could not read `{}`", from.display()))?;
        field(&mut h, &bytes);
    }
    Ok(hex::encode(h.finalize()))
}

fn modified(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// Every file under `dir` (a built book), as entries with paths from the
/// manual's root (`folder` + the path in the book), sorted.
pub fn files_of(dir: &Path, folder: &str) -> Result<Vec<FileEntry>> {
    let mut out = Vec::new();
    let mut todo = vec![PathBuf::new()];
    while let Some(rel) = todo.pop() {
        let here = dir.join(&rel);
        for entry in
            fs::read_dir(&here).with_context(|| format!("could not read `{}`", here.display()))?
        {
            let entry = entry?;
            let name = rel.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                todo.push(name);
            } else {
                let meta = entry.metadata()?;
                out.push(FileEntry {
                    path: format!("{folder}{}", name.to_string_lossy()),
                    len: meta.len(),
                    modified: modified(&meta),
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Takes each file's size and time again from the manual put together in
/// `root`: where books of an edition bring the same file, the one kept is
/// another book's.
pub fn restat(root: &Path, files: &mut [FileEntry]) -> Result<()> {
    for f in files {
        let path = root.join(&f.path);
        let meta = fs::metadata(&path)
            .with_context(|| format!("`{}` is missing from the manual", path.display()))?;
        f.len = meta.len();
        f.modified = modified(&meta);
    }
    Ok(())
}

/// Carries a book over from the manual in `out` into `dest`: each of its
/// files linked (copied where the file system cannot link). Fails, leaving
/// `dest` to be built afresh, if a file is gone or its size or time changed.
pub fn carry(out: &Path, entry: &BookEntry, dest: &Path) -> Result<()> {
    for f in &entry.files {
        let from = out.join(&f.path);
        let meta =
            fs::symlink_metadata(&from).with_context(|| format!("`{}` is gone", from.display()))?;
        if !meta.is_file() || meta.len() != f.len || modified(&meta) != f.modified {
            anyhow::bail!("`{}` changed since it was published", from.display());
        }
        let rel = f.path.strip_prefix(&entry.folder).unwrap_or(&f.path);
        let to = dest.join(rel);
        if let Some(p) = to.parent() {
            fs::create_dir_all(p)?;
        }
        if fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).with_context(|| format!("could not copy `{}`", from.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(folder: &str) -> BookEntry {
        BookEntry {
            key: format!("{folder}index.md"),
            folder: folder.into(),
            inputs: "abc".into(),
            files: vec![FileEntry {
                path: format!("{folder}index.html"),
                len: 3,
                modified: 1,
            }],
        }
    }

    #[test]
    fn an_edited_manifest_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let m = Manifest::new(vec![entry(""), entry("quality/")]);
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()), Some(m));
        let text = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        fs::write(dir.path().join(MANIFEST), text.replace("abc", "abd")).unwrap();
        assert_eq!(Manifest::read(dir.path()), None);
        fs::write(dir.path().join(MANIFEST), "not json").unwrap();
        assert_eq!(Manifest::read(dir.path()), None);
        fs::remove_file(dir.path().join(MANIFEST)).unwrap();
        assert_eq!(Manifest::read(dir.path()), None);
    }

    #[test]
    fn a_changed_file_is_not_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("quality")).unwrap();
        fs::write(out.join("quality/index.html"), "one").unwrap();
        let files = files_of(&out.join("quality"), "quality/").unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "quality/index.html");
        let book = BookEntry {
            key: "quality/index.md".into(),
            folder: "quality/".into(),
            inputs: "x".into(),
            files,
        };
        carry(&out, &book, &dir.path().join("a")).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a/index.html")).unwrap(),
            "one"
        );
        fs::write(out.join("quality/index.html"), "two!").unwrap();
        assert!(carry(&out, &book, &dir.path().join("b")).is_err());
    }
}
