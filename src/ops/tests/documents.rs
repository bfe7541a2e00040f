//! Document state through time: review, approval, scheduling, rejection,
//! retirement, as `status`, `history` and `Control::state` see it.

use super::{Bench, day, kind};
use crate::error::ErrorKind;
use crate::model::control::Control;
use crate::ops::documents::{self as docs, ReleaseInput};
use crate::ops::records::{self, ChangeStatus, DocStateWord};

#[test]
fn release_puts_revision_one_in_review() {
    let mut b = Bench::new();
    assert_eq!(b.status("WI-001").state, DocStateWord::Draft);
    let r = b.release("WI-001", "ann").unwrap();
    assert_eq!(
        (r.record.as_str(), r.revision, r.required),
        ("WI-001 rev 1", Some(1), 1)
    );
    assert_eq!(r.approver_roles, ["approver"]);

    let s = b.status("WI-001");
    assert_eq!(s.state, DocStateWord::InReview);
    assert_eq!(s.in_review.as_deref(), Some("WI-001 rev 1"));
    assert_eq!(s.approvals.as_deref(), Some("0/1"));
    assert_eq!(s.effective_revision, None);
    assert_eq!(s.working_copy, "unchanged");

    let h = records::history(&mut b.ctx, "WI-001").unwrap();
    assert_eq!(h.changes.len(), 1);
    assert!(matches!(
        h.changes[0].status,
        ChangeStatus::InReview {
            approvals: 0,
            required: 1
        }
    ));
    assert_eq!(h.changes[0].requested_by, "ann");
}

#[test]
fn approvals_below_required_keep_it_in_review() {
    let mut b = Bench::new();
    b.release("QC-001", "ann").unwrap();
    let a = b.approve("QC-001", "bob").unwrap();
    assert_eq!((a.approvals, a.required, a.effective), (1, 2, None));

    let s = b.status("QC-001");
    assert_eq!(s.state, DocStateWord::InReview);
    assert_eq!(s.approvals.as_deref(), Some("1/2"));
    let records = b.ctx.store().unwrap().records().unwrap();
    let state = Control::new(&records).state("QC-001", day(2026, 3, 2));
    assert!(state.effective.is_none() && state.scheduled.is_none());
    assert_eq!(state.in_review.map(|c| c.approvals.len()), Some(1));
}

#[test]
fn last_approval_makes_it_effective_on_that_day() {
    let mut b = Bench::new();
    b.release("QC-001", "ann").unwrap();
    b.approve("QC-001", "bob").unwrap();
    b.on(2026, 3, 5);
    let a = b.approve("QC-001", "cay").unwrap();
    assert_eq!(a.effective, Some(day(2026, 3, 5)));
    assert!(!a.retirement);

    let s = b.status("QC-001");
    assert_eq!(s.state, DocStateWord::Effective);
    assert_eq!(s.effective_revision, Some(1));
    assert_eq!(s.effective_since, Some(day(2026, 3, 5)));
    assert_eq!(s.in_review, None);

    let records = b.ctx.store().unwrap().records().unwrap();
    let control = Control::new(&records);
    assert!(control.state("QC-001", day(2026, 3, 4)).effective.is_none());
    let (rev, from) = control.state("QC-001", day(2026, 3, 5)).effective.unwrap();
    assert_eq!((rev.number, from), (1, day(2026, 3, 5)));
    let approvers: Vec<_> = control
        .state("QC-001", day(2026, 3, 5))
        .approvers
        .iter()
        .map(|s| s.signer.as_str())
        .collect();
    assert_eq!(approvers, ["bob", "cay"]);

    let h = records::history(&mut b.ctx, "QC-001").unwrap();
    assert!(
        matches!(h.changes[0].status, ChangeStatus::Approved { effective } if effective == day(2026, 3, 5))
    );
    assert!(h.changes[0].in_force);
}

#[test]
fn release_with_future_effective_date_is_scheduled_until_that_day() {
    let mut b = Bench::new();
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-001",
            summary: "First issue",
            effective: Some("2026-03-10"),
            minor: false,
            actor: "ann",
        },
    )
    .unwrap();
    let a = b.approve("WI-001", "bob").unwrap();
    assert_eq!(a.effective, Some(day(2026, 3, 10)));

    let s = b.status("WI-001");
    assert_eq!(s.state, DocStateWord::Scheduled);
    assert_eq!(
        (s.scheduled_revision, s.scheduled_from),
        (Some(1), Some(day(2026, 3, 10)))
    );
    assert_eq!(s.effective_revision, None);

    b.on(2026, 3, 9);
    assert_eq!(b.status("WI-001").state, DocStateWord::Scheduled);
    b.on(2026, 3, 10);
    let s = b.status("WI-001");
    assert_eq!(s.state, DocStateWord::Effective);
    assert_eq!(
        (s.effective_revision, s.effective_since),
        (Some(1), Some(day(2026, 3, 10)))
    );
    assert_eq!(s.scheduled_revision, None);
}

#[test]
fn scheduled_revision_two_replaces_effective_revision_one_on_its_date() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.amend("WI-001", "3. Seal the box.");
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-001",
            summary: "Seal the box",
            effective: Some("2026-04-01"),
            minor: false,
            actor: "ann",
        },
    )
    .unwrap();
    b.approve("WI-001", "bob").unwrap();

    let s = b.status("WI-001");
    assert_eq!(s.state, DocStateWord::Effective);
    assert_eq!(s.effective_revision, Some(1));
    assert_eq!(
        (s.scheduled_revision, s.scheduled_from),
        (Some(2), Some(day(2026, 4, 1)))
    );

    b.on(2026, 4, 1);
    let s = b.status("WI-001");
    assert_eq!(
        (s.effective_revision, s.effective_since),
        (Some(2), Some(day(2026, 4, 1)))
    );
    assert_eq!(s.scheduled_revision, None);
}

#[test]
fn late_approval_of_a_scheduled_release_takes_effect_on_the_approval_day() {
    let mut b = Bench::new();
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-001",
            summary: "First issue",
            effective: Some("2026-03-04"),
            minor: false,
            actor: "ann",
        },
    )
    .unwrap();
    b.on(2026, 3, 9);
    let a = b.approve("WI-001", "bob").unwrap();
    assert_eq!(a.effective, Some(day(2026, 3, 9)));
    let s = b.status("WI-001");
    assert_eq!(
        (s.state, s.effective_since),
        (DocStateWord::Effective, Some(day(2026, 3, 9)))
    );
}

/// Rev 2 is approved to take effect on 1 April; rev 3, released and
/// approved after it, takes effect at once on 5 March. On 1 April the
/// older text of rev 2 must not come back into force over rev 3.
#[test]
fn older_scheduled_revision_never_replaces_a_newer_one() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.amend("WI-001", "3. Seal the box.");
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-001",
            summary: "Seal the box",
            effective: Some("2026-04-01"),
            minor: false,
            actor: "ann",
        },
    )
    .unwrap();
    b.approve("WI-001", "bob").unwrap();
    b.on(2026, 3, 5);
    b.amend("WI-001", "4. Tape the box.");
    let rev3 = b.release("WI-001", "ann");
    if rev3.is_err() {
        // Refusing a release while another is scheduled is also sound.
        return;
    }
    b.approve("WI-001", "bob").unwrap();
    assert_eq!(b.status("WI-001").effective_revision, Some(3));
    b.on(2026, 4, 1);
    assert_eq!(b.status("WI-001").effective_revision, Some(3));
}

#[test]
fn rejection_sends_it_back_and_a_new_release_after_it_works() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    let r = docs::reject(&mut b.ctx, "WI-001", "Say which box", "bob").unwrap();
    assert_eq!(r.record, "WI-001 rev 1");

    let s = b.status("WI-001");
    assert_eq!(s.state, DocStateWord::Draft);
    assert_eq!((s.effective_revision, s.in_review.as_deref()), (None, None));
    let records = b.ctx.store().unwrap().records().unwrap();
    let state = Control::new(&records).state("WI-001", day(2026, 3, 2));
    assert!(state.effective.is_none() && state.scheduled.is_none() && state.in_review.is_none());
    let h = records::history(&mut b.ctx, "WI-001").unwrap();
    assert!(
        matches!(&h.changes[0].status, ChangeStatus::Rejected { by, reason } if by == "bob" && reason == "Say which box")
    );

    // Nothing is left to approve.
    assert_eq!(kind(b.approve("WI-001", "bob")), ErrorKind::Conflict);

    b.amend("WI-001", "3. Use the brown box.");
    let r = b.release("WI-001", "ann").unwrap();
    assert_eq!(r.revision, Some(2));
    assert_eq!(b.status("WI-001").state, DocStateWord::InReview);
    b.approve("WI-001", "bob").unwrap();
    let s = b.status("WI-001");
    assert_eq!(
        (s.state, s.effective_revision),
        (DocStateWord::Effective, Some(2))
    );
}

#[test]
fn rejecting_revision_two_leaves_revision_one_in_force() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.amend("WI-001", "3. Seal the box.");
    b.release("WI-001", "ann").unwrap();
    // The author may withdraw their own request.
    docs::reject(&mut b.ctx, "WI-001", "Withdrawn", "ann").unwrap();
    let s = b.status("WI-001");
    assert_eq!(
        (s.state, s.effective_revision),
        (DocStateWord::Effective, Some(1))
    );
    // The working file is the rejected rev 2, not the text in force.
    assert_eq!(s.working_copy, "unchanged");
    let shown = records::show(&mut b.ctx, "WI-001", None).unwrap();
    assert_eq!(shown.revision, 1);
    assert!(!shown.content.contains("Seal the box"));
}

#[test]
fn retirement_needs_approval_and_makes_it_obsolete_from_its_date() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.on(2026, 3, 3);
    let r = docs::retire(
        &mut b.ctx,
        "WI-001",
        "Replaced by WI-002",
        Some("2026-04-01"),
        "ann",
    )
    .unwrap();
    assert_eq!((r.record.as_str(), r.revision), ("WI-001 (retire)", None));
    // Requested, not approved: still in force.
    let s = b.status("WI-001");
    assert_eq!(s.state, DocStateWord::Effective);
    assert_eq!(s.in_review.as_deref(), Some("WI-001 (retire)"));

    let a = b.approve("WI-001", "bob").unwrap();
    assert!(a.retirement);
    assert_eq!(a.effective, Some(day(2026, 4, 1)));
    assert_eq!(b.status("WI-001").state, DocStateWord::Effective);

    b.on(2026, 4, 1);
    let s = b.status("WI-001");
    assert_eq!(s.state, DocStateWord::Obsolete);
    assert_eq!(s.obsolete_since, Some(day(2026, 4, 1)));
    assert_eq!(
        s.next_review, None,
        "an obsolete document is not due for review"
    );

    let records = b.ctx.store().unwrap().records().unwrap();
    let control = Control::new(&records);
    assert_eq!(control.state("WI-001", day(2026, 3, 31)).retired, None);
    assert_eq!(
        control.state("WI-001", day(2026, 4, 1)).retired,
        Some(day(2026, 4, 1))
    );
    // Retiring twice is a conflict.
    assert_eq!(
        kind(docs::retire(&mut b.ctx, "WI-001", "again", None, "ann")),
        ErrorKind::Conflict
    );
}

#[test]
fn minor_flag_is_recorded_on_the_revision_and_in_history() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.amend("WI-001", "<!-- typo fixed -->");
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-001",
            summary: "Typo",
            effective: None,
            minor: true,
            actor: "ann",
        },
    )
    .unwrap();
    let h = records::history(&mut b.ctx, "WI-001").unwrap();
    let minors: Vec<_> = h.changes.iter().map(|c| (c.revision, c.minor)).collect();
    assert_eq!(minors, [(Some(1), false), (Some(2), true)]);
    let records = b.ctx.store().unwrap().records().unwrap();
    assert!(
        records
            .revisions
            .iter()
            .any(|r| r.number == 2 && r.minor && r.summary == "Typo")
    );
}

#[test]
fn history_kept_by_hand_before_sopbook_comes_from_the_first_revision() {
    let mut b = Bench::new();
    b.amend(
        "WI-001",
        "\n## History before sopbook\n\nKept by hand.\n\n| Version | Date | Author | Change |\n| --- | --- | --- | --- |\n| 1.0 | 2023-02-01 | Kari | First issue |\n| 1.1 | 2024-05-10 | Ola | New scale |",
    );
    // Before any release: from the working file, with no changes.
    let h = records::history(&mut b.ctx, "WI-001").unwrap();
    assert!(h.changes.is_empty());
    assert_eq!(h.before_sopbook.len(), 2);
    assert_eq!(h.before_sopbook[1].change, "New scale");
    b.release("WI-001", "ann").unwrap();
    b.approve("WI-001", "bob").unwrap();
    // A later working file without the section does not take it away: it
    // is read from revision 1's text.
    b.edit(
        "WI-001",
        &std::fs::read_to_string(b.dir.path().join(super::path_of("WI-001")))
            .unwrap()
            .replace("| 1.1 | 2024-05-10 | Ola | New scale |\n", ""),
    );
    let h = records::history(&mut b.ctx, "WI-001").unwrap();
    assert_eq!(h.changes.len(), 1);
    assert_eq!(h.before_sopbook.len(), 2);
    // A document with no such section has none, and no history before release.
    assert_eq!(
        kind(records::history(&mut b.ctx, "WI-002")),
        ErrorKind::Conflict
    );
}
