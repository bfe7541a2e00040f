//! Photos of inspection items: what may be attached (a photo by its bytes,
//! within the size limit, a few to an item of the checklist used), that
//! a refusal records and keeps nothing, and that a recorded photo is shown
//! with its inspection and covered by `audit verify`.

use super::{Bench, PASS, entries_of, kind};
use crate::error::ErrorKind;
use crate::ops::inspections::{self as ins, StartInput};
use crate::ops::photos::{self, PHOTO_LIMIT, PHOTOS_PER_ITEM, PhotoRef, Upload};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a small photo";

fn upload(item: &str, name: &str, bytes: &[u8]) -> Upload {
    Upload {
        item: item.into(),
        file_name: name.into(),
        bytes: bytes.to_vec(),
    }
}

fn form(b: &mut Bench) -> ins::Form {
    b.checklist_in_force();
    ins::start(
        &mut b.ctx,
        StartInput {
            checklist: "CL-001",
            lot: "L-1",
            serial: None,
            inspector: "ida",
            station: "bench-1",
            reinspect: None,
        },
    )
    .unwrap()
}

fn kept_files(b: &mut Bench) -> usize {
    let dir = b.ctx.store().unwrap().photo_files().dir().to_path_buf();
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|s| std::fs::read_dir(s.path()).unwrap().count())
                .sum()
        })
        .unwrap_or(0)
}

fn message<T: std::fmt::Debug>(r: crate::error::Result<T>) -> String {
    r.unwrap_err().message.clone()
}

#[test]
fn a_photo_is_recorded_with_its_inspection_shown_with_it_and_verified() {
    let mut b = Bench::new();
    let form = form(&mut b);
    let photos = [
        upload("finish", "IMG_1.png", PNG),
        upload("label", "IMG_1.png", PNG),
    ];
    let r = ins::record(&mut b.ctx, &form, &entries_of(PASS), &photos).unwrap();
    let shown = ins::show(&mut b.ctx, &r.name).unwrap();
    let got: Vec<_> = shown
        .photos
        .iter()
        .map(|p| {
            (
                p.item.as_str(),
                p.file_name.as_str(),
                p.media_type.as_str(),
                p.byte_size,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("finish", "IMG_1.png", "image/png", PNG.len() as i64),
            ("label", "IMG_1.png", "image/png", PNG.len() as i64)
        ]
    );
    assert_eq!(kept_files(&mut b), 1, "the same photo is kept once");
    let v = crate::store::audit::verify(b.ctx.store().unwrap()).unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

#[test]
fn the_type_comes_from_the_bytes_not_the_name() {
    let mut b = Bench::new();
    let form = form(&mut b);
    let fake = [upload("finish", "scratch.jpg", b"%PDF-1.7 a document")];
    assert_eq!(
        message(ins::record(&mut b.ctx, &form, &entries_of(PASS), &fake)),
        "`scratch.jpg` for item `finish` is not a JPEG, PNG, WebP or HEIC photo; nothing was recorded"
    );
    assert!(
        ins::list(&mut b.ctx, Default::default())
            .unwrap()
            .is_empty()
    );
    assert_eq!(kept_files(&mut b), 0);
}

#[test]
fn a_photo_over_the_limit_is_refused_and_nothing_is_kept() {
    let mut b = Bench::new();
    let form = form(&mut b);
    let mut big = PNG.to_vec();
    big.resize(PHOTO_LIMIT as usize + 1, 0);
    let r = ins::record(
        &mut b.ctx,
        &form,
        &entries_of(PASS),
        &[upload("finish", "big.png", &big)],
    );
    let e = r.unwrap_err();
    assert_eq!(
        e.message,
        "the photo `big.png` for item `finish` is larger than 10.0 MiB; nothing was recorded"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("take it again at a lower resolution, or crop it to the finding")
    );
    assert!(
        ins::list(&mut b.ctx, Default::default())
            .unwrap()
            .is_empty()
    );
    assert_eq!(kept_files(&mut b), 0);
    // Exactly at the limit is kept.
    big.truncate(PHOTO_LIMIT as usize);
    ins::record(
        &mut b.ctx,
        &form,
        &entries_of(PASS),
        &[upload("finish", "big.png", &big)],
    )
    .unwrap();
}

#[test]
fn a_photo_goes_only_to_an_item_of_the_checklist_and_a_few_to_each() {
    let mut b = Bench::new();
    let form = form(&mut b);
    assert_eq!(
        message(ins::record(
            &mut b.ctx,
            &form,
            &entries_of(PASS),
            &[upload("colour", "a.png", PNG)]
        )),
        "CL-001 has no item `colour` to attach `a.png` to; its items are label, length, finish"
    );
    let many: Vec<_> = (0..=PHOTOS_PER_ITEM)
        .map(|k| upload("finish", &format!("{k}.png"), PNG))
        .collect();
    let e = ins::record(&mut b.ctx, &form, &entries_of(PASS), &many).unwrap_err();
    assert_eq!(kind::<()>(Err(e.clone())), ErrorKind::Invalid);
    assert_eq!(
        e.message,
        "item `finish` has 4 photos; at most 3 can be attached to one item"
    );
    assert!(
        ins::list(&mut b.ctx, Default::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_photo_named_by_a_form_must_be_one_kept_here() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let kept = photos::keep(&mut b.ctx, &upload("finish", "ok.png", PNG)).unwrap();
    let r = |sha256: &str| PhotoRef {
        item: "finish".into(),
        sha256: sha256.into(),
        file_name: "ok.png".into(),
    };
    assert_eq!(photos::kept(&mut b.ctx, &r(&kept.sha256)).unwrap(), kept);
    for forged in [
        "0".repeat(64),
        "../../sopbook.toml".into(),
        kept.sha256.to_uppercase(),
    ] {
        assert_eq!(
            message(photos::kept(&mut b.ctx, &r(&forged))),
            "the photo `ok.png` for item `finish` is not among the photos kept here; nothing was recorded",
            "{forged}"
        );
    }
}
