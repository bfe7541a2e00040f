//! The photos' bytes, kept content-addressed beside the records database:
//! `<records dir>/photos/<first two hex digits>/<sha256>`. A photo is
//! written to a temporary file, fsynced, renamed into place and its folder
//! fsynced, so a photo that was kept survives a power cut; the same photo
//! twice is kept once. Files are never changed once kept. A file no
//! inspection names (a photo uploaded to a form that was never recorded)
//! is harmless: `audit verify` checks only the files the records name.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::sha256_hex;

/// The folder beside the records database that holds the photos.
pub const PHOTOS_DIR: &str = "photos";

/// The photos of one records database.
#[derive(Debug, Clone)]
pub struct PhotoFiles {
    dir: PathBuf,
}

/// What is wrong with a kept photo's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    Missing,
    Changed,
    Unreadable(String),
}

/// Whether `s` is a sha256 as the records write it: 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl PhotoFiles {
    /// The photos beside the records database at `database`.
    pub fn beside(database: &Path) -> PhotoFiles {
        let parent = database.parent().unwrap_or(Path::new("."));
        PhotoFiles {
            dir: parent.join(PHOTOS_DIR),
        }
    }

    /// The folder the photos are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the photo with this sha256 is kept (whether or not it is).
    /// `sha256` must be one ([`is_sha256`]): no other text makes a path.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256(sha256).then(|| self.dir.join(&sha256[..2]).join(sha256))
    }

    /// Keeps `bytes` durably and returns their sha256. A file already there
    /// with the same bytes is left as it is; one with other bytes (damaged)
    /// is replaced by the right ones.
    pub fn keep(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        let path = self.dir.join(&sha[..2]).join(&sha);
        if self.check(&sha).is_ok() {
            return Ok(sha);
        }
        let folder = path.parent().unwrap_or(&self.dir).to_path_buf();
        fs::create_dir_all(&folder)
            .with_context(|| format!("could not make the photo folder {}", folder.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&folder)
            .with_context(|| format!("could not write a photo in {}", folder.display()))?;
        tmp.write_all(bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .with_context(|| format!("could not write a photo in {}", folder.display()))?;
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("could not keep the photo {}", path.display()))?;
        sync_dir(&folder)?;
        // The new folder's own entry in `photos/` lasts too.
        sync_dir(&self.dir)?;
        Ok(sha)
    }

    /// The bytes of a kept photo, at most `limit` of them.
    pub fn read(&self, sha256: &str, limit: u64) -> std::result::Result<Vec<u8>, FileProblem> {
        let path = self.path_of(sha256).ok_or(FileProblem::Missing)?;
        let file = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FileProblem::Missing);
            }
            Err(e) => return Err(FileProblem::Unreadable(e.to_string())),
        };
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| FileProblem::Unreadable(e.to_string()))?;
        if bytes.len() as u64 > limit {
            return Err(FileProblem::Changed);
        }
        Ok(bytes)
    }

    /// Whether the kept file still holds the bytes with this sha256.
    pub fn check(&self, sha256: &str) -> std::result::Result<(), FileProblem> {
        let path = self.path_of(sha256).ok_or(FileProblem::Missing)?;
        let file = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FileProblem::Missing);
            }
            Err(e) => return Err(FileProblem::Unreadable(e.to_string())),
        };
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        let mut reader = std::io::BufReader::new(file);
        let mut buf = [0u8; 64 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => sha2::Digest::update(&mut hasher, &buf[..n]),
                Err(e) => return Err(FileProblem::Unreadable(e.to_string())),
            }
        }
        if hex::encode(sha2::Digest::finalize(hasher)) == sha256 {
            Ok(())
        } else {
            Err(FileProblem::Changed)
        }
    }
}

/// Makes a folder's entries (a file renamed into it) durable.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("could not write the photo folder {}", dir.display()))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_kept_once_under_its_sha256_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let photos = PhotoFiles::beside(&dir.path().join("records.db"));
        let sha = photos.keep(b"\x89PNG\r\n\x1a\nsome pixels").unwrap();
        assert_eq!(sha, sha256_hex(b"\x89PNG\r\n\x1a\nsome pixels"));
        let path = dir.path().join("photos").join(&sha[..2]).join(&sha);
        assert!(path.is_file());
        assert_eq!(photos.keep(b"\x89PNG\r\n\x1a\nsome pixels").unwrap(), sha);
        let files = fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(files, 1, "the same photo twice is one file");
        assert_eq!(
            photos.read(&sha, 1 << 20).unwrap(),
            b"\x89PNG\r\n\x1a\nsome pixels"
        );
        assert_eq!(photos.check(&sha), Ok(()));
    }

    #[test]
    fn a_changed_or_missing_file_is_found_and_kept_again_whole() {
        let dir = tempfile::tempdir().unwrap();
        let photos = PhotoFiles::beside(&dir.path().join("records.db"));
        let sha = photos.keep(b"photo").unwrap();
        let path = photos.path_of(&sha).unwrap();
        fs::write(&path, b"phot0").unwrap();
        assert_eq!(photos.check(&sha), Err(FileProblem::Changed));
        photos.keep(b"photo").unwrap();
        assert_eq!(photos.check(&sha), Ok(()));
        fs::remove_file(&path).unwrap();
        assert_eq!(photos.check(&sha), Err(FileProblem::Missing));
    }

    #[test]
    fn only_a_sha256_names_a_file() {
        let photos = PhotoFiles::beside(Path::new("/records/records.db"));
        for bad in [
            "",
            "../../etc/passwd",
            &"A".repeat(64),
            &"a".repeat(63),
            &format!("{}/", "a".repeat(63)),
        ] {
            assert_eq!(photos.path_of(bad), None, "{bad}");
        }
        assert_eq!(
            photos.path_of(&"ab".repeat(32)).unwrap(),
            Path::new("/records/photos/ab").join("ab".repeat(32))
        );
    }
}
