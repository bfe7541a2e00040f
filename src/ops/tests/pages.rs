//! What the browser's signing and training pages ask of the core: what is
//! in review and who may decide on it, what a revision changes, a reader's
//! list with the changes since their last reading, who may see everyone's
//! training and who may void an inspection. Asking records nothing.

use super::Bench;
use crate::error::ErrorKind;
use crate::ops::documents::{self as docs, NotApprover, ReleaseInput};
use crate::ops::training::{MatrixFilter, State};
use crate::ops::{inspections, manage, reading, training};

fn release(b: &mut Bench, id: &str, summary: &str) {
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id,
            summary,
            effective: None,
            minor: false,
            actor: "ann",
        },
    )
    .unwrap();
}

#[test]
fn pending_shows_what_is_in_review_and_what_each_person_may_do() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.amend("WI-001", "3. Seal the box.");
    release(&mut b, "WI-001", "Seal the box");
    release(&mut b, "QC-001", "First issue");
    b.approve("QC-001", "bob").unwrap();
    let before = b.rows();

    let seen = |b: &mut Bench, person: &str| {
        docs::pending(&mut b.ctx, person)
            .unwrap()
            .into_iter()
            .map(|p| (p.record, p.may_approve, p.not_approver, p.may_reject))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        seen(&mut b, "cay"),
        [
            ("QC-001 rev 1".to_string(), true, None, true),
            ("WI-001 rev 2".to_string(), true, None, true),
        ]
    );
    assert_eq!(
        seen(&mut b, "bob"),
        [
            (
                "QC-001 rev 1".to_string(),
                false,
                Some(NotApprover::AlreadyApproved),
                true
            ),
            ("WI-001 rev 2".to_string(), true, None, true),
        ]
    );
    let ann = seen(&mut b, "ann");
    assert_eq!(
        ann[1],
        (
            "WI-001 rev 2".to_string(),
            false,
            Some(NotApprover::Author),
            true
        )
    );
    let ida = seen(&mut b, "ida");
    assert_eq!(
        ida[1],
        (
            "WI-001 rev 2".to_string(),
            false,
            Some(NotApprover::NoRole),
            false
        )
    );
    let all = docs::pending(&mut b.ctx, "cay").unwrap();
    let wi = &all[1];
    assert_eq!(
        (wi.in_force, wi.revision, wi.summary.as_str(), wi.required),
        (Some(1), Some(2), "Seal the box", 1)
    );
    assert_eq!(all[0].approvals, ["bob"]);
    assert_eq!(b.rows(), before, "asking records nothing");

    // An edit after the release: nobody may approve until it is undone.
    b.amend("WI-001", "4. Label it.");
    let wi = docs::pending(&mut b.ctx, "cay").unwrap().remove(1);
    assert!(wi.working_changed && !wi.may_approve && wi.may_reject);
}

#[test]
fn the_detail_of_a_request_is_its_diff_against_the_revision_in_force() {
    let mut b = Bench::new();
    release(&mut b, "WI-002", "First issue");
    let first = docs::pending_detail(&mut b.ctx, "WI-002", "bob").unwrap();
    assert_eq!(first.old_label, None);
    assert_eq!(first.new_label.as_deref(), Some("WI-002 rev 1"));
    assert!(first.removed == 0 && first.added > 5, "{first:?}");
    assert!(
        first.hunks[0].lines.iter().all(|l| l.tag == "added"),
        "a first release is all new"
    );
    b.approve("WI-002", "bob").unwrap();
    let decided = docs::pending_detail(&mut b.ctx, "WI-002", "bob");
    assert_eq!(
        decided.unwrap_err().message,
        "nothing of WI-002 is in review; the last request, WI-002 rev 1, is decided"
    );

    b.amend("WI-002", "3. <b>Check</b> the label.");
    release(&mut b, "WI-002", "Check the label");
    let second = docs::pending_detail(&mut b.ctx, "WI-002", "bob").unwrap();
    assert_eq!(second.old_label.as_deref(), Some("WI-002 rev 1"));
    assert_eq!((second.added, second.removed), (1, 0));
    let changed: Vec<_> = second.hunks[0]
        .lines
        .iter()
        .filter(|l| l.tag != "same")
        .map(|l| (l.tag, l.text.as_str()))
        .collect();
    assert_eq!(changed, [("added", "3. <b>Check</b> the label.")]);
    let unknown = docs::pending_detail(&mut b.ctx, "WI-404", "bob");
    assert_eq!(unknown.unwrap_err().kind, ErrorKind::NotFound);
}

#[test]
fn a_readers_list_shows_what_changed_since_they_last_read_it() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.make_effective("WI-002");
    training::ack(&mut b.ctx, "WI-001", "ida").unwrap();
    b.on(2026, 3, 3);
    b.amend("WI-001", "3. Seal the box.");
    release(&mut b, "WI-001", "Seal the box");
    b.approve("WI-001", "bob").unwrap();

    let page = reading::page(&mut b.ctx, "ida", None).unwrap();
    let listed: Vec<_> = page
        .to_read
        .iter()
        .map(|t| (t.required.doc_id.as_str(), t.required.state))
        .collect();
    assert_eq!(
        listed,
        [("WI-002", State::Missing), ("WI-001", State::Outdated)]
    );
    assert!(
        page.to_read[0].changes.is_none(),
        "nothing read, no changes"
    );
    let changes = page.to_read[1].changes.as_ref().unwrap();
    assert_eq!(
        (changes.old_label.as_str(), changes.new_label.as_str()),
        ("WI-001 rev 1", "WI-001 rev 2")
    );
    assert!(
        changes.hunks[0]
            .lines
            .iter()
            .any(|l| l.tag == "added" && l.text == "3. Seal the box.")
    );

    let doc = reading::document(&mut b.ctx, "ida", "WI-001", None).unwrap();
    assert_eq!((doc.revision, doc.to_confirm), (2, true));
    assert!(doc.text.starts_with("\n## Steps") || doc.text.starts_with("## Steps"));
    assert!(!doc.text.contains("+++"), "no front matter: {}", doc.text);
    assert!(doc.changes.is_some());
    training::ack(&mut b.ctx, "WI-001", "ida").unwrap();
    let doc = reading::document(&mut b.ctx, "ida", "WI-001", None).unwrap();
    assert!(!doc.to_confirm && doc.changes.is_none());
    assert_eq!(
        doc.required.map(|r| r.state),
        Some(State::Current),
        "the list shrinks"
    );
    assert_eq!(
        reading::page(&mut b.ctx, "ida", None)
            .unwrap()
            .to_read
            .len(),
        1
    );

    // Without languages in sopbook.toml, a reader's language that has no
    // translation recorded says nothing of one.
    let doc = reading::document(&mut b.ctx, "ida", "WI-001", Some("en")).unwrap();
    assert!(doc.in_language.is_none(), "{:?}", doc.in_language);
    // Not for ann's roles: she may read it, there is nothing to sign.
    let theirs = reading::document(&mut b.ctx, "ann", "WI-001", None).unwrap();
    assert!(theirs.required.is_none() && !theirs.to_confirm);
    let draft = reading::document(&mut b.ctx, "ida", "QC-001", None);
    assert_eq!(draft.unwrap_err().kind, ErrorKind::Invalid);
}

#[test]
fn everyones_training_is_for_the_roles_in_permissions_training() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    // Without [permissions] training: the quality manager.
    let seen = manage::training(&mut b.ctx, "cay", MatrixFilter::default()).unwrap();
    assert_eq!(seen.matrix.rows.len(), 2, "dan and ida read WI-001");
    assert_eq!(
        seen.documents
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        ["WI-001"]
    );
    assert_eq!(seen.people.len(), 5);
    let refused = manage::training(&mut b.ctx, "bob", MatrixFilter::default()).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Refused);
    assert_eq!(
        refused.message,
        "bob may not see everyone's training records: it needs the role quality-manager"
    );
    assert!(manage::may_see_training(&mut b.ctx, "cay").unwrap());
    assert!(!manage::may_see_training(&mut b.ctx, "nobody").unwrap());
}

#[test]
fn who_may_void_is_asked_of_permissions_void() {
    let mut b = Bench::new();
    assert!(inspections::may_void(&mut b.ctx, "cay").unwrap());
    assert!(!inspections::may_void(&mut b.ctx, "ida").unwrap());
    assert!(!inspections::may_void(&mut b.ctx, "nobody").unwrap());
}
