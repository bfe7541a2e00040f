//! Forgotten passwords: a person who may gives a new password and a new
//! signing key; older signatures stay valid and the audit trail says who.

use super::{Bench, PW, kind};
use crate::error::ErrorKind;
use crate::ops::signing::Fixed;
use crate::ops::{audit, people};

const NEW: &str = "fresh-pw-2468";

fn problems(b: &mut Bench) -> Vec<String> {
    audit::verify(&mut b.ctx, &[]).unwrap().problems
}

#[test]
fn a_forgotten_password_is_reset_by_the_quality_manager_and_old_signatures_stay_valid() {
    let mut b = Bench::new();
    b.make_effective("WI-001"); // ann released, bob approved with his first key
    let reset = people::reset_password(&mut b.ctx, "bob", "cay", NEW, "forgot it").unwrap();
    assert_eq!((reset.id.as_str(), reset.by.as_str()), ("bob", "cay"));
    assert_eq!(problems(&mut b), Vec::<String>::new());
    let last = b.events().pop().unwrap();
    assert_eq!(
        (
            last.action.as_str(),
            last.actor.as_str(),
            last.record.as_str()
        ),
        ("password reset", "cay", "password of bob")
    );

    // The old password opens nothing any more; the new one signs.
    b.release("WI-002", "ann").unwrap();
    assert_eq!(kind(b.approve("WI-002", "bob")), ErrorKind::Refused);
    b.ctx.passwords = Box::new(Fixed(NEW.into()));
    b.approve("WI-002", "bob").unwrap();
    assert_eq!(problems(&mut b), Vec::<String>::new());

    // Changing the handed-over password keeps the new key.
    people::set_password(&mut b.ctx, "bob", Some(NEW), PW).unwrap();
    let keys = b.ctx.store().unwrap().signing_keys().unwrap();
    let bobs: Vec<_> = keys.iter().filter(|k| k.person == "bob").collect();
    assert_eq!(bobs.len(), 3, "first key, reset, re-sealed");
    assert_ne!(bobs[0].public_key, bobs[1].public_key);
    assert_eq!(bobs[1].public_key, bobs[2].public_key);
    assert_eq!(problems(&mut b), Vec::<String>::new());
}

#[test]
fn only_another_person_with_the_role_may_reset_a_password() {
    let mut b = Bench::new();
    let before = b.rows();
    // ida is an inspector: the refusal is recorded, nothing else.
    assert_eq!(
        kind(people::reset_password(
            &mut b.ctx,
            "bob",
            "ida",
            NEW,
            "forgot it"
        )),
        ErrorKind::Refused
    );
    let last = b.events().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("refused", "ida")
    );
    assert_eq!(b.rows().events, before.events + 1);
    // Nobody resets their own: that is `people passwd`.
    assert_eq!(
        kind(people::reset_password(
            &mut b.ctx,
            "cay",
            "cay",
            NEW,
            "forgot it"
        )),
        ErrorKind::Invalid
    );
    // The giver proves who they are.
    b.ctx.passwords = Box::new(Fixed("not-cays-password".into()));
    assert_eq!(
        kind(people::reset_password(
            &mut b.ctx,
            "bob",
            "cay",
            NEW,
            "forgot it"
        )),
        ErrorKind::Refused
    );
    b.ctx.passwords = Box::new(Fixed(PW.into()));
    assert_eq!(
        kind(people::reset_password(&mut b.ctx, "bob", "cay", NEW, "  ")),
        ErrorKind::Invalid
    );
    assert_eq!(
        kind(people::reset_password(
            &mut b.ctx,
            "bob",
            "cay",
            "short",
            "forgot it"
        )),
        ErrorKind::Invalid
    );
    let keys = b.ctx.store().unwrap().signing_keys().unwrap();
    assert_eq!(keys.iter().filter(|k| k.person == "bob").count(), 1);
    assert_eq!(problems(&mut b), Vec::<String>::new());
}
