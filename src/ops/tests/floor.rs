//! The floor one step at a time (the browser): the checklists a station is
//! offered, a form checked item by item, and a submit that records once.

use super::{Bench, LONG, PASS, entries_of, kind};
use crate::error::ErrorKind;
use crate::model::inspection::{Outcome, Verdict};
use crate::ops::floor::{self, Filled};
use crate::ops::inspections::StartInput;
use crate::ops::sessions;

fn filled<'a>(lot: &'a str, key: Option<&'a str>, entries: [&str; 3]) -> Filled<'a> {
    Filled {
        start: StartInput {
            checklist: "CL-001",
            lot,
            serial: None,
            inspector: "ida",
            station: "bench-1",
            reinspect: None,
        },
        revision: Some(1),
        key,
        entries: entries_of(entries),
        photos: Vec::new(),
        uploads: Vec::new(),
        language: None,
    }
}

#[test]
fn a_station_is_offered_the_checklists_in_force_its_own_first() {
    let mut b = Bench::new();
    let none = floor::checklists(&mut b.ctx, "bench-1").unwrap();
    assert!(none.here.is_empty() && none.others.is_empty());
    b.checklist_in_force();
    let fresh = floor::checklists(&mut b.ctx, "bench-1").unwrap();
    assert!(fresh.here.is_empty());
    let ids: Vec<_> = fresh.others.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["CL-001"], "only checklists, only those in force");
    assert_eq!((fresh.others[0].items, fresh.others[0].critical), (3, 1));
    b.inspect("L-1", PASS, None);
    let here = floor::checklists(&mut b.ctx, "bench-1").unwrap();
    assert_eq!((here.here.len(), here.here[0].used_here), (1, 1));
    let elsewhere = floor::checklists(&mut b.ctx, "bench-2").unwrap();
    assert_eq!((elsewhere.here.len(), elsewhere.others.len()), (0, 1));
}

#[test]
fn a_checklist_not_in_force_says_why() {
    let mut b = Bench::new();
    let draft = floor::checklist(&mut b.ctx, "CL-001", "ida").unwrap_err();
    assert_eq!(draft.kind, ErrorKind::Conflict);
    assert!(draft.message.contains("working draft"), "{}", draft.message);
    assert_eq!(
        kind(floor::checklist(&mut b.ctx, "CL-404", "ida")),
        ErrorKind::NotFound
    );
    b.checklist_in_force();
    let c = floor::checklist(&mut b.ctx, "CL-001", "ida").unwrap();
    assert_eq!((c.title.as_str(), c.revision), ("Final inspection", 1));
}

#[test]
fn a_new_form_gets_a_key_and_keeps_it_through_its_steps() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let sheet = floor::open(&mut b.ctx, filled("L-1", None, PASS)).unwrap();
    assert_eq!(sheet.key.len(), 32);
    assert!(!sheet.complete && sheet.verdict.is_none());
    let other = floor::open(&mut b.ctx, filled("L-1", None, PASS)).unwrap();
    assert_ne!(sheet.key, other.key, "every form has its own key");
    let again = floor::open(&mut b.ctx, filled("L-1", Some(&sheet.key), PASS)).unwrap();
    assert_eq!(again.key, sheet.key);
    assert_eq!(again.items[1].value, "120.0", "what was entered is kept");
}

#[test]
fn checking_says_what_is_wrong_with_each_item_and_the_verdict_when_all_fit() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let key = "0123456789abcdef0123456789abcdef";
    let events = b.events().len();
    let bad = floor::check(&mut b.ctx, filled("L-1", Some(key), ["p", "abc", ""])).unwrap();
    assert_eq!((bad.complete, bad.problems, bad.verdict), (false, 2, None));
    assert_eq!(
        bad.items[1].problem.as_deref(),
        Some("`length` is a measurement in mm: `abc` is not a number")
    );
    assert_eq!(
        bad.items[2].problem.as_deref(),
        Some("`finish` needs a value")
    );
    let long = floor::check(&mut b.ctx, filled("L-1", Some(key), LONG)).unwrap();
    assert_eq!(
        (long.complete, long.verdict, long.failed),
        (true, Some(Verdict::Fail), 1)
    );
    assert_eq!(long.items[1].outcome, Some(Outcome::Fail));
    assert!(
        long.items[1].judged.as_deref().unwrap().contains("above"),
        "{:?}",
        long.items[1].judged
    );
    assert_eq!(b.events().len(), events, "checking records nothing");
}

#[test]
fn a_form_submitted_twice_records_one_inspection() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let key = "00000000000000000000000000000001";
    let first = floor::submit(&mut b.ctx, filled("L-1", Some(key), LONG)).unwrap();
    assert!(!first.replayed);
    assert_eq!(first.recorded.nonconformance.as_deref(), Some("NC-0001"));
    let events = b.events().len();
    let second = floor::submit(&mut b.ctx, filled("L-1", Some(key), LONG)).unwrap();
    assert!(second.replayed);
    assert_eq!(second.recorded.name, first.recorded.name);
    assert_eq!(second.recorded.nonconformance.as_deref(), Some("NC-0001"));
    assert_eq!(b.events().len(), events, "the second submit wrote nothing");
    let inspections = b.ctx.store().unwrap().counts().unwrap().0;
    assert_eq!(inspections, 1);
}

#[test]
fn a_submit_is_recorded_as_inspect_records_it_with_its_key_in_the_event() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let key = "00000000000000000000000000000002";
    floor::submit(&mut b.ctx, filled("L-7", Some(key), PASS)).unwrap();
    let event = b.events().pop().unwrap();
    assert_eq!(
        (
            event.actor.as_str(),
            event.action.as_str(),
            event.record.as_str()
        ),
        ("ida", "inspected", "CL-001 lot L-7")
    );
    let detail: serde_json::Value = serde_json::from_str(&event.detail).unwrap();
    assert_eq!(
        detail["note"],
        serde_json::json!({ "submission": key, "count": 1, "failed": 0 })
    );
}

#[test]
fn a_key_recorded_for_another_lot_is_a_conflict() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let key = "00000000000000000000000000000003";
    floor::submit(&mut b.ctx, filled("L-1", Some(key), PASS)).unwrap();
    let e = floor::submit(&mut b.ctx, filled("L-2", Some(key), PASS)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert_eq!(
        e.message,
        "this form was recorded before as INS-000001 (CL-001 lot L-1 by ida); nothing more was recorded"
    );
}

#[test]
fn a_key_sopbook_did_not_make_is_refused() {
    let mut b = Bench::new();
    b.checklist_in_force();
    for key in [None, Some("1"), Some("' OR 1=1 --0123456789abcdefabcd")] {
        assert_eq!(
            kind(floor::submit(&mut b.ctx, filled("L-1", key, PASS))),
            ErrorKind::Invalid,
            "{key:?}"
        );
    }
    assert_eq!(b.ctx.store().unwrap().counts().unwrap().0, 0);
}

#[test]
fn a_form_for_a_revision_no_longer_in_force_is_a_conflict() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let key = "00000000000000000000000000000004";
    b.amend("CL-001", "# a second revision");
    b.release("CL-001", "ann").unwrap();
    b.approve("CL-001", "bob").unwrap();
    let e = floor::submit(&mut b.ctx, filled("L-1", Some(key), PASS)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert_eq!(
        e.message,
        "CL-001 rev 2 is in force now, and this form was rev 1; nothing was recorded: start the inspection again"
    );
}

#[test]
fn a_session_token_names_its_holder_until_it_ends() {
    let mut b = Bench::new();
    let s = sessions::login(&mut b.ctx, "ida", 12).unwrap();
    let holder = sessions::holder(&mut b.ctx, &s.token).unwrap().unwrap();
    assert_eq!(
        (holder.person.as_str(), holder.name.as_str()),
        ("ida", "Ida Inspector")
    );
    assert!(
        sessions::holder(&mut b.ctx, "not-a-token")
            .unwrap()
            .is_none()
    );
    b.on(2026, 3, 3);
    assert!(
        sessions::holder(&mut b.ctx, &s.token).unwrap().is_none(),
        "expired after 12 hours"
    );
    b.on(2026, 3, 2);
    sessions::logout(&mut b.ctx, &s.token).unwrap();
    assert!(sessions::holder(&mut b.ctx, &s.token).unwrap().is_none());
}

#[test]
fn the_store_keeps_a_submission_key_unique() {
    // Two submits of one form at once both find the key unused; the store
    // lets only one of them write it.
    let mut b = Bench::new();
    let batch = || crate::store::Batch {
        actor: "ida".into(),
        action: "inspected".into(),
        record: "CL-001 lot L-1".into(),
        note: serde_json::json!({ "submission": "00000000000000000000000000000005" }),
        inserts: Vec::new(),
    };
    b.ctx.append(batch()).unwrap();
    let events = b.events().len();
    assert!(b.ctx.append(batch()).is_err());
    assert_eq!(b.events().len(), events);
}

#[test]
fn a_recorded_inspection_shows_the_words_of_the_revision_it_used() {
    let mut b = Bench::new();
    b.checklist_in_force();
    let key = "00000000000000000000000000000006";
    floor::submit(&mut b.ctx, filled("L-1", Some(key), LONG)).unwrap();
    let shown = floor::shown(&mut b.ctx, "INS-000001", None).unwrap();
    assert_eq!(shown.title, "Final inspection");
    let length = &shown.items[1];
    assert_eq!(
        (
            length.prompt.as_str(),
            length.unit.as_deref(),
            length.outcome
        ),
        ("Overall length", Some("mm"), Outcome::Fail)
    );
    assert!(length.judged.as_deref().unwrap().contains("above"));
    assert!(shown.items[0].critical);
    assert_eq!(
        kind(floor::shown(&mut b.ctx, "INS-000002", None)),
        ErrorKind::NotFound
    );
}
