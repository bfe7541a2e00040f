//! Photos attached to an inspection's items: what a photo may be (its type
//! found from its bytes, its size, how many to an item, an item of the
//! checklist used), keeping its bytes beside the records, and reading them
//! back. The rows are recorded with the inspection (`inspections::record`,
//! `floor::submit`); the bytes are kept first, so that a recorded photo is
//! always there.

use std::path::Path;

use serde::Serialize;

use super::Context;
use crate::error::{Error, Result};
use crate::model::Checklist;
use crate::store::AttachmentRow;
use crate::store::photos::{FileProblem, is_sha256};

/// The largest photo kept: 10 MiB, more than a phone's full-size photo.
pub const PHOTO_LIMIT: u64 = 10 * 1024 * 1024;
/// How many photos one item of one inspection may have.
pub const PHOTOS_PER_ITEM: usize = 3;
/// The longest file name kept, in characters; a longer one is shortened.
pub const FILE_NAME_MAX: usize = 120;

/// The kinds of photo sopbook keeps, as named to the inspector.
const KINDS: &str = "JPEG, PNG, WebP or HEIC";

/// A photo as an inspector sends it for an item, before it is checked.
#[derive(Debug, Clone)]
pub struct Upload {
    pub item: String,
    /// As the device named it.
    pub file_name: String,
    /// At most [`PHOTO_LIMIT`] + 1 bytes: a front end stops reading there.
    pub bytes: Vec<u8>,
}

/// A photo named by a form between its steps: the item, the sha256 of the
/// bytes kept when it was sent, and the name it came with. Its type and
/// size are found again from the kept bytes, never taken from the form.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoRef {
    pub item: String,
    pub sha256: String,
    pub file_name: String,
}

/// A kept photo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Photo {
    pub item: String,
    pub sha256: String,
    pub media_type: String,
    pub byte_size: i64,
    pub file_name: String,
}

/// The media type of a photo, from its first bytes (its magic number):
/// JPEG, PNG, WebP, HEIC or HEIF; anything else is no photo sopbook keeps.
pub fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    // ISO base media: a box `ftyp` at byte 4, then the major brand.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => Some("image/heic"),
            b"mif1" | b"msf1" | b"heif" => Some("image/heif"),
            _ => None,
        };
    }
    None
}

/// A file name as it is kept: the last part of a path (some browsers send
/// the whole), without control characters, at most [`FILE_NAME_MAX`]
/// characters; "photo" when nothing is left.
pub fn file_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_MAX)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "photo".to_string()
    } else {
        clean.to_string()
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Checks a photo's size and type from its bytes; its media type.
pub fn check(upload: &Upload) -> Result<&'static str> {
    let name = file_name(&upload.file_name);
    let item = &upload.item;
    if upload.bytes.len() as u64 > PHOTO_LIMIT {
        return Err(Error::invalid(format!(
            "the photo `{name}` for item `{item}` is larger than {}; nothing was recorded",
            mib(PHOTO_LIMIT)
        ))
        .with_hint("take it again at a lower resolution, or crop it to the finding"));
    }
    if upload.bytes.is_empty() {
        return Err(Error::invalid(format!(
            "the photo `{name}` for item `{item}` is empty; nothing was recorded"
        ))
        .with_hint("take the photo again"));
    }
    media_type(&upload.bytes).ok_or_else(|| {
        Error::invalid(format!(
            "`{name}` for item `{item}` is not a {KINDS} photo; nothing was recorded"
        ))
        .with_hint("attach the photo itself, as the camera took it")
    })
}

/// Checks that every photo is for an item of `checklist` and that no item
/// has more than [`PHOTOS_PER_ITEM`].
pub fn check_items<'a>(
    checklist: &Checklist,
    photos: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<()> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (item, name) in photos {
        if checklist.items.iter().all(|i| i.id != item) {
            let ids: Vec<_> = checklist.items.iter().map(|i| i.id.as_str()).collect();
            return Err(Error::invalid(format!(
                "{} has no item `{item}` to attach `{}` to; its items are {}",
                checklist.id,
                file_name(name),
                ids.join(", ")
            )));
        }
        match counts.iter_mut().find(|(i, _)| *i == item) {
            Some((_, n)) => *n += 1,
            None => counts.push((item, 1)),
        }
    }
    if let Some((item, n)) = counts.iter().find(|(_, n)| *n > PHOTOS_PER_ITEM) {
        return Err(Error::invalid(format!(
            "item `{item}` has {n} photos; at most {PHOTOS_PER_ITEM} can be attached to one item"
        ))
        .with_hint("keep the ones that show the finding best"));
    }
    Ok(())
}

/// A photo from a file, for `ITEM` (the command line's `--photo ITEM=PATH`):
/// read up to just past the limit, so that a huge file is not read whole.
pub fn from_file(item: &str, path: &Path) -> Result<Upload> {
    let shown = path.display().to_string();
    let bytes = crate::workspace::read_regular_bytes(path, PHOTO_LIMIT).map_err(|p| {
        let hint = match p {
            crate::workspace::ReadProblem::TooLarge { .. } => {
                "take it again at a lower resolution, or crop it to the finding".to_string()
            }
            _ => p.help(),
        };
        Error::invalid(format!(
            "the photo for item `{item}`: {}; nothing was recorded",
            p.message(&shown, "photos")
        ))
        .with_hint(hint)
    })?;
    Ok(Upload {
        item: item.to_string(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone()),
        bytes,
    })
}

/// `ITEM=PATH` pairs, as `--photo` takes them.
pub fn parse_pairs(pairs: &[String]) -> Result<Vec<(String, std::path::PathBuf)>> {
    pairs
        .iter()
        .map(|s| match s.split_once('=') {
            Some((item, path)) if !item.trim().is_empty() && !path.is_empty() => {
                Ok((item.trim().to_string(), path.into()))
            }
            _ => Err(Error::invalid(format!(
                "`{s}` is not a photo; write ITEM=PATH, e.g. --photo label=scratch.jpg"
            ))),
        })
        .collect()
}

/// Checks a photo and keeps its bytes beside the records (durably, once
/// for the same bytes).
pub fn keep(ctx: &mut Context, upload: &Upload) -> Result<Photo> {
    let media_type = check(upload)?;
    let sha256 = ctx.store()?.photo_files().keep(&upload.bytes)?;
    Ok(Photo {
        item: upload.item.clone(),
        sha256,
        media_type: media_type.to_string(),
        byte_size: upload.bytes.len() as i64,
        file_name: file_name(&upload.file_name),
    })
}

/// A photo a form names, found among the kept ones: its bytes are there,
/// they are a photo, and their type and size are read from them.
pub fn kept(ctx: &mut Context, r: &PhotoRef) -> Result<Photo> {
    let name = file_name(&r.file_name);
    let gone = || {
        Error::invalid(format!(
            "the photo `{name}` for item `{}` is not among the photos kept here; nothing was recorded",
            r.item
        ))
        .with_hint("attach the photo again")
    };
    if !is_sha256(&r.sha256) {
        return Err(gone());
    }
    let bytes = ctx
        .store()?
        .photo_files()
        .read(&r.sha256, PHOTO_LIMIT)
        .map_err(|_| gone())?;
    if crate::store::sha256_hex(&bytes) != r.sha256 {
        return Err(gone());
    }
    let media_type = media_type(&bytes).ok_or_else(gone)?;
    Ok(Photo {
        item: r.item.clone(),
        sha256: r.sha256.clone(),
        media_type: media_type.to_string(),
        byte_size: bytes.len() as i64,
        file_name: name,
    })
}

/// The rows of kept photos, numbered in order, after the checks against
/// the checklist.
pub fn rows(checklist: &Checklist, photos: &[Photo]) -> Result<Vec<AttachmentRow>> {
    check_items(
        checklist,
        photos
            .iter()
            .map(|p| (p.item.as_str(), p.file_name.as_str())),
    )?;
    Ok(photos
        .iter()
        .enumerate()
        .map(|(k, p)| AttachmentRow {
            inspection_id: 0,
            position: k as i64 + 1,
            item_id: p.item.clone(),
            sha256: p.sha256.clone(),
            media_type: p.media_type.clone(),
            byte_size: p.byte_size,
            file_name: p.file_name.clone(),
        })
        .collect())
}

/// A photo's bytes and media type, to show it: only a photo kept here, and
/// only bytes that still have their sha256.
#[derive(Debug, Clone)]
pub struct Shown {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

pub fn shown(ctx: &mut Context, sha256: &str) -> Result<Shown> {
    let missing = || Error::not_found("there is no such photo here");
    if !is_sha256(sha256) {
        return Err(missing());
    }
    let bytes = match ctx.store()?.photo_files().read(sha256, PHOTO_LIMIT) {
        Ok(b) => b,
        Err(FileProblem::Missing) => return Err(missing()),
        Err(FileProblem::Changed) => {
            return Err(Error::conflict(
                "this photo's file was changed since it was kept; it is not shown",
            )
            .with_hint(
                "`sopbook audit verify` names the inspection; restore the file from a backup",
            ));
        }
        Err(FileProblem::Unreadable(e)) => {
            return Err(Error::new(
                crate::error::ErrorKind::Store,
                format!("this photo could not be read: {e}"),
            ));
        }
    };
    if crate::store::sha256_hex(&bytes) != sha256 {
        return Err(Error::conflict(
            "this photo's file was changed since it was kept; it is not shown",
        )
        .with_hint("`sopbook audit verify` names the inspection; restore the file from a backup"));
    }
    let media_type = media_type(&bytes).ok_or_else(missing)?;
    Ok(Shown { media_type, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_found_from_the_bytes() {
        assert_eq!(
            media_type(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Some("image/jpeg")
        );
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some("image/png")
        );
        assert_eq!(media_type(b"RIFF\x24\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            media_type(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Some("image/heic")
        );
        assert_eq!(
            media_type(b"\0\0\0\x18ftypmif1\0\0\0\0"),
            Some("image/heif")
        );
        for not in [
            &b""[..],
            b"GIF89a",
            b"%PDF-1.7",
            b"<svg xmlns=",
            b"\0\0\0\x18ftypisom",
            b"RIFF\x24\0\0\0WAVE",
            b"\xFF\xD8",
        ] {
            assert_eq!(media_type(not), None, "{not:?}");
        }
    }

    #[test]
    fn a_file_name_keeps_its_last_part_without_control_characters() {
        assert_eq!(file_name("IMG_0042.jpg"), "IMG_0042.jpg");
        assert_eq!(file_name("C:\\Users\\ann\\scratch.jpg"), "scratch.jpg");
        assert_eq!(file_name("a/b/<leak>.png"), "<leak>.png");
        assert_eq!(file_name("bad\u{1b}[31mname.jpg"), "bad[31mname.jpg");
        assert_eq!(file_name(""), "photo");
        assert_eq!(file_name(&"x".repeat(500)).chars().count(), FILE_NAME_MAX);
    }
}
