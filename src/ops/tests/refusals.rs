//! Who may sign what: refused signatures are recorded as one "refused"
//! audit event and nothing else; conflicts and bad input record nothing.

use super::{Bench, Rows, kind};
use crate::error::ErrorKind;
use crate::ops::documents::{self as docs, ReleaseInput};
use crate::ops::signing::Fixed;

/// `after` has exactly one more event than `before` and no other new row,
/// and that event is a refusal of `attempted` by `actor` for `reason`.
fn only_a_refusal(b: &mut Bench, before: Rows, actor: &str, attempted: &str, reason: &str) {
    let after = b.rows();
    assert_eq!(
        after,
        Rows {
            events: before.events + 1,
            ..before
        },
        "a refusal writes its event and nothing else"
    );
    let last = b.events().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("refused", actor)
    );
    assert!(last.detail.contains(attempted), "{}", last.detail);
    assert!(last.detail.contains(reason), "{}", last.detail);
}

/// Nothing at all was written.
fn nothing_written(b: &mut Bench, before: Rows) {
    assert_eq!(b.rows(), before);
}

#[test]
fn author_cannot_approve_own_revision_even_as_an_approver() {
    let mut b = Bench::new();
    // cay holds the approver role, and released it.
    b.release("WI-001", "cay").unwrap();
    let before = b.rows();
    assert_eq!(kind(b.approve("WI-001", "cay")), ErrorKind::Refused);
    only_a_refusal(&mut b, before, "cay", "approve", "own revision");
    assert_eq!(b.status("WI-001").approvals.as_deref(), Some("0/1"));
}

#[test]
fn approver_without_the_role_is_refused() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    let before = b.rows();
    assert_eq!(kind(b.approve("WI-001", "dan")), ErrorKind::Refused);
    only_a_refusal(&mut b, before, "dan", "approve", "no approver role");
}

#[test]
fn unknown_person_is_refused_for_approve_and_release() {
    let mut b = Bench::new();
    let before = b.rows();
    assert_eq!(kind(b.release("WI-001", "zed")), ErrorKind::Refused);
    only_a_refusal(&mut b, before, "zed", "release", "unknown person");

    b.release("WI-001", "ann").unwrap();
    let before = b.rows();
    assert_eq!(kind(b.approve("WI-001", "zed")), ErrorKind::Refused);
    only_a_refusal(&mut b, before, "zed", "approve", "unknown person");
}

#[test]
fn wrong_password_is_refused_and_the_right_one_still_works() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    let before = b.rows();
    b.ctx.passwords = Box::new(Fixed("not-the-password".into()));
    assert_eq!(kind(b.approve("WI-001", "bob")), ErrorKind::Refused);
    only_a_refusal(&mut b, before, "bob", "approve", "wrong password");

    b.ctx.passwords = Box::new(Fixed(super::PW.into()));
    assert_eq!(
        b.approve("WI-001", "bob").unwrap().effective,
        Some(b.ctx.today())
    );
}

#[test]
fn wrong_password_on_release_records_no_revision() {
    let mut b = Bench::new();
    b.ctx.passwords = Box::new(Fixed("not-the-password".into()));
    let before = b.rows();
    assert_eq!(kind(b.release("WI-001", "ann")), ErrorKind::Refused);
    only_a_refusal(&mut b, before, "ann", "release", "wrong password");
    assert_eq!(
        b.status("WI-001").state,
        crate::ops::records::DocStateWord::Draft
    );
}

#[test]
fn approving_twice_is_a_conflict_and_records_nothing() {
    let mut b = Bench::new();
    b.release("QC-001", "ann").unwrap();
    b.approve("QC-001", "bob").unwrap();
    let before = b.rows();
    assert_eq!(kind(b.approve("QC-001", "bob")), ErrorKind::Conflict);
    nothing_written(&mut b, before);
    assert_eq!(b.status("QC-001").approvals.as_deref(), Some("1/2"));
}

#[test]
fn releasing_while_in_review_is_a_conflict() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    b.amend("WI-001", "3. Seal the box.");
    let before = b.rows();
    assert_eq!(kind(b.release("WI-001", "ann")), ErrorKind::Conflict);
    nothing_written(&mut b, before);
}

#[test]
fn releasing_unchanged_text_is_a_conflict() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    let before = b.rows();
    assert_eq!(kind(b.release("WI-001", "ann")), ErrorKind::Conflict);
    nothing_written(&mut b, before);
}

#[test]
fn effective_date_in_the_past_is_invalid() {
    let mut b = Bench::new();
    let before = b.rows();
    let r = docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-001",
            summary: "First issue",
            effective: Some("2026-03-01"),
            minor: false,
            actor: "ann",
        },
    );
    assert_eq!(kind(r), ErrorKind::Invalid);
    nothing_written(&mut b, before);
    // Today is the earliest allowed.
    let r = docs::release(
        &mut b.ctx,
        ReleaseInput {
            id: "WI-001",
            summary: "First issue",
            effective: Some("2026-03-02"),
            minor: false,
            actor: "ann",
        },
    );
    assert!(r.is_ok(), "{r:?}");
}

#[test]
fn approving_after_the_working_file_changed_is_a_conflict() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    b.amend("WI-001", "3. Seal the box.");
    let before = b.rows();
    assert_eq!(kind(b.approve("WI-001", "bob")), ErrorKind::Conflict);
    nothing_written(&mut b, before);
}

#[test]
fn no_way_to_ask_for_a_password_is_a_recorded_refusal() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    b.ctx.passwords = Box::new(crate::ops::signing::NoPasswords);
    let before = b.rows();
    assert_eq!(kind(b.approve("WI-001", "bob")), ErrorKind::Refused);
    let last = b.events().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("refused", "bob")
    );
    assert_eq!(last_reason(&last), "no password given");
    assert_eq!(b.rows().events, before.events + 1);
    assert_eq!(b.rows().signatures, before.signatures);
}

fn last_reason(e: &crate::store::EventRow) -> String {
    let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
    detail["note"]["reason"].as_str().unwrap_or("").to_string()
}

#[test]
fn five_wrong_passwords_pause_a_persons_signature_for_a_quarter_of_an_hour() {
    let mut b = Bench::new();
    b.release("WI-001", "ann").unwrap();
    b.ctx.passwords = Box::new(Fixed("a-guess".into()));
    for _ in 0..crate::ops::MAX_WRONG_PASSWORDS {
        assert_eq!(kind(b.approve("WI-001", "bob")), ErrorKind::Refused);
    }
    // Now even the right password is refused, and the pause is recorded.
    b.ctx.passwords = Box::new(Fixed(super::PW.into()));
    let before = b.rows();
    let e = b.approve("WI-001", "bob").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Paused);
    assert!(e.to_string().contains("is paused"), "{e}");
    only_a_refusal(&mut b, before, "bob", "approve", "too many wrong passwords");
    // Others sign as before.
    b.release("WI-002", "ann").unwrap();
    // A quarter of an hour after the last guess, bob signs again.
    b.ctx.clock = crate::ops::Clock::Fixed(b.ctx.now() + chrono::Duration::minutes(16));
    assert!(b.approve("WI-001", "bob").is_ok());
}

#[test]
fn guessing_from_one_address_pauses_every_sign_in_from_it_and_no_other() {
    use crate::ops::sessions;
    let mut b = Bench::new();
    b.ctx.origin = Some("192.0.2.7".into());
    b.ctx.passwords = Box::new(Fixed("a-guess".into()));
    // Three guesses at each of five people (under each person's own limit)
    // and five names nobody has: twenty guesses from one address.
    for person in ["ann", "bob", "cay", "dan", "ida"] {
        for _ in 0..3 {
            assert_eq!(
                kind(sessions::login(&mut b.ctx, person, 1)),
                ErrorKind::Refused
            );
        }
    }
    for n in 0..5 {
        let nobody = format!("zed{n}");
        assert_eq!(
            kind(sessions::login(&mut b.ctx, &nobody, 1)),
            ErrorKind::Refused
        );
    }
    assert_eq!(crate::ops::MAX_GUESSES_FROM_ADDRESS, 20);
    let guess = b.events().pop().unwrap();
    assert!(
        guess.detail.contains("\"from\":\"192.0.2.7\""),
        "{}",
        guess.detail
    );
    // Now even ida's right password is refused from there, and that is recorded.
    b.ctx.passwords = Box::new(Fixed(super::PW.into()));
    let before = b.rows();
    let e = sessions::login(&mut b.ctx, "ida", 1).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Paused);
    assert!(
        e.message.contains("from 192.0.2.7 in the last 15 minutes"),
        "{}",
        e.message
    );
    only_a_refusal(
        &mut b,
        before,
        "ida",
        "sign in",
        "too many guesses from this address",
    );
    // The station next to it, and the command line, sign in as before.
    b.ctx.origin = Some("192.0.2.8".into());
    assert!(sessions::login(&mut b.ctx, "ida", 1).is_ok());
    b.ctx.origin = None;
    assert!(sessions::login(&mut b.ctx, "ida", 1).is_ok());
    // A quarter of an hour later the address signs in again.
    b.ctx.origin = Some("192.0.2.7".into());
    b.ctx.clock = crate::ops::Clock::Fixed(b.ctx.now() + chrono::Duration::minutes(16));
    assert!(sessions::login(&mut b.ctx, "ida", 1).is_ok());
}

#[test]
fn a_sign_in_left_unused_past_the_idle_limit_is_ended_in_the_records() {
    use crate::ops::sessions::{self, Presence};
    let mut b = Bench::new();
    let token = sessions::login(&mut b.ctx, "ida", 8).unwrap().token;
    let idle = Some(chrono::Duration::minutes(30));
    let start = b.ctx.now();
    // Used 29 minutes after the last use: still there.
    b.ctx.clock = crate::ops::Clock::Fixed(start + chrono::Duration::minutes(29));
    let Presence::Here { holder, now } =
        sessions::presence(&mut b.ctx, &token, Some(start), idle).unwrap()
    else {
        panic!("ida is still at the station");
    };
    assert_eq!(holder.person, "ida");
    // Then 31 minutes without use: the session ends, recorded as idle.
    b.ctx.clock = crate::ops::Clock::Fixed(now + chrono::Duration::minutes(31));
    let before = b.rows();
    match sessions::presence(&mut b.ctx, &token, Some(now), idle).unwrap() {
        Presence::Idle { person, minutes } => assert_eq!((person.as_str(), minutes), ("ida", 30)),
        other => panic!("expected the session to end as idle, got {other:?}"),
    }
    assert_eq!(b.rows().events, before.events + 1);
    let last = b.events().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("signed out", "ida")
    );
    // The token is no sign-in any more, whatever comes next.
    assert!(matches!(
        sessions::presence(&mut b.ctx, &token, None, idle).unwrap(),
        Presence::Gone
    ));
    assert!(sessions::holder(&mut b.ctx, &token).unwrap().is_none());
    // Without a limit, or after a restart (last use unknown), a live
    // session is simply there.
    let token = sessions::login(&mut b.ctx, "ida", 8).unwrap().token;
    let long_ago = b.ctx.now() - chrono::Duration::hours(5);
    assert!(matches!(
        sessions::presence(&mut b.ctx, &token, Some(long_ago), None).unwrap(),
        Presence::Here { .. }
    ));
    assert!(matches!(
        sessions::presence(&mut b.ctx, &token, None, idle).unwrap(),
        Presence::Here { .. }
    ));
}
