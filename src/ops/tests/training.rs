//! Training records: who must read what, read-and-understood signatures,
//! and how editorial and substantive revisions affect them.

use super::{Bench, day, kind};
use crate::error::ErrorKind;
use crate::ops::audit;
use crate::ops::documents::{self as docs, ReleaseInput};
use crate::ops::signing::Fixed;
use crate::ops::training::{self, MatrixFilter, Required, State};

/// A revision of `id` released by ann and approved by bob (WI needs one).
fn revise(b: &mut Bench, id: &str, summary: &str, minor: bool) {
    b.amend(id, &format!("\n{summary}."));
    docs::release(
        &mut b.ctx,
        ReleaseInput {
            id,
            summary,
            effective: None,
            minor,
            actor: "ann",
        },
    )
    .unwrap();
    b.approve(id, "bob").unwrap();
}

/// `person`'s state with one document, from the training matrix.
fn of(b: &mut Bench, person: &str, id: &str) -> Required {
    training::matrix(
        &mut b.ctx,
        MatrixFilter {
            person: Some(person),
            ..MatrixFilter::default()
        },
    )
    .unwrap()
    .rows
    .into_iter()
    .find(|r| r.doc_id == id)
    .unwrap_or_else(|| panic!("{person} need not read {id}"))
}

fn acks(b: &mut Bench) -> usize {
    b.ctx.store().unwrap().acknowledgements().unwrap().len()
}

#[test]
fn a_reading_stays_current_across_a_minor_revision_and_lapses_with_a_substantive_one() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    let r = of(&mut b, "ida", "WI-001");
    assert_eq!(
        (r.state, r.revision, r.due_since),
        (State::Missing, 1, day(2026, 3, 2))
    );

    b.on(2026, 3, 3);
    let a = training::ack(&mut b.ctx, "WI-001", "ida").unwrap();
    assert!(a.recorded);
    let r = of(&mut b, "ida", "WI-001");
    assert_eq!(
        (r.state, r.acknowledged_revision),
        (State::Current, Some(1))
    );

    b.on(2026, 4, 1);
    revise(&mut b, "WI-001", "Typo", true);
    let r = of(&mut b, "ida", "WI-001");
    assert_eq!(
        (r.state, r.revision, r.acknowledged_revision),
        (State::Current, 2, Some(1))
    );

    b.on(2026, 5, 4);
    revise(&mut b, "WI-001", "Tape the box twice", false);
    let r = of(&mut b, "ida", "WI-001");
    assert_eq!(
        (r.state, r.revision, r.due_since),
        (State::Outdated, 3, day(2026, 5, 4))
    );
    let changed = r.changed.unwrap();
    assert_eq!(
        (changed.revision, changed.summary.as_str()),
        (3, "Tape the box twice")
    );

    b.on(2026, 5, 5);
    training::ack(&mut b.ctx, "WI-001", "ida").unwrap();
    let r = of(&mut b, "ida", "WI-001");
    assert_eq!(
        (r.state, r.acknowledged_revision, r.acknowledged_on),
        (State::Current, Some(3), Some(day(2026, 5, 5)))
    );
    // Every read-and-understood record is sealed and covered by its event.
    assert_eq!(
        audit::verify(&mut b.ctx, &[]).unwrap().problems,
        Vec::<String>::new()
    );
}

#[test]
fn a_person_must_read_the_documents_in_force_for_their_roles_only() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.make_effective("QC-001");
    b.checklist_in_force(); // CL-001 takes QC-001's role, inspector
    b.release("WI-002", "ann").unwrap(); // in review: nobody reads it yet
    let list = training::reading_list(&mut b.ctx, "ida").unwrap();
    let mut ids: Vec<_> = list.to_read.iter().map(|r| r.doc_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["CL-001", "QC-001", "WI-001"]);
    assert_eq!((list.required, list.current), (3, 0));
    let ann = training::reading_list(&mut b.ctx, "ann").unwrap();
    assert_eq!((ann.required, ann.to_read.len()), (0, 0));
    let m = training::matrix(&mut b.ctx, MatrixFilter::default()).unwrap();
    let who: Vec<_> = m
        .compliance
        .iter()
        .map(|c| (c.person.as_str(), c.current, c.required))
        .collect();
    assert_eq!(
        who,
        [
            ("ann", 0, 0),
            ("bob", 0, 0),
            ("cay", 0, 0),
            ("dan", 0, 3),
            ("ida", 0, 3)
        ]
    );
}

#[test]
fn the_reading_list_puts_the_reading_path_first_then_the_oldest_due() {
    let mut b = Bench::new();
    b.make_effective("QC-001");
    b.on(2026, 3, 5);
    b.make_effective("WI-001");
    b.on(2026, 3, 9);
    let text = std::fs::read_to_string(b.dir.path().join(super::path_of("WI-002"))).unwrap();
    b.edit(
        "WI-002",
        &text.replace(
            "review_interval = \"6 months\"\n",
            "review_interval = \"6 months\"\nreading_path = { role = \"inspector\", order = 1 }\n",
        ),
    );
    b.make_effective("WI-002");
    let list = training::reading_list(&mut b.ctx, "ida").unwrap();
    let order: Vec<_> = list
        .to_read
        .iter()
        .map(|r| (r.doc_id.as_str(), r.due_since))
        .collect();
    assert_eq!(
        order,
        [
            ("WI-002", day(2026, 3, 9)),
            ("QC-001", day(2026, 3, 2)),
            ("WI-001", day(2026, 3, 5)),
        ]
    );
}

#[test]
fn ack_refuses_an_unknown_person_in_the_audit_log_and_writes_no_record() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    let before = b.events().len();
    assert_eq!(
        kind(training::ack(&mut b.ctx, "WI-001", "zed")),
        ErrorKind::Refused
    );
    let events = b.events();
    assert_eq!(events.len(), before + 1);
    let last = events.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("zed", "refused")
    );
    assert_eq!(acks(&mut b), 0);
}

#[test]
fn ack_refuses_a_wrong_password_in_the_audit_log_and_writes_no_record() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.ctx.passwords = Box::new(Fixed("not-ida".into()));
    let e = training::ack(&mut b.ctx, "WI-001", "ida").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert_eq!(
        e.message,
        "wrong password for ida; nothing was signed (the refusal is in the audit log)"
    );
    let last = b.events().pop().unwrap();
    assert_eq!(
        (
            last.actor.as_str(),
            last.action.as_str(),
            last.record.as_str()
        ),
        ("ida", "refused", "WI-001 rev 1 read and understood")
    );
    assert_eq!(acks(&mut b), 0);
}

#[test]
fn ack_of_a_document_not_in_force_or_not_for_the_persons_roles_is_invalid_and_writes_nothing() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.release("WI-002", "ann").unwrap();
    let before = b.events().len();

    let e = training::ack(&mut b.ctx, "WI-002", "ida").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(
        e.message,
        "WI-002 is not in force today, so nobody signs that they read it; nothing was signed"
    );
    let e = training::ack(&mut b.ctx, "WI-001", "ann").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(
        e.message,
        "WI-001 is not for ann's roles (author): it is for inspector; nothing was signed"
    );
    assert_eq!(
        kind(training::ack(&mut b.ctx, "WI-009", "ida")),
        ErrorKind::NotFound
    );
    assert_eq!(b.events().len(), before);
    assert_eq!(acks(&mut b), 0);
}

#[test]
fn a_second_ack_of_the_same_revision_says_so_and_writes_nothing() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    assert!(training::ack(&mut b.ctx, "WI-001", "ida").unwrap().recorded);
    let before = b.events().len();
    // No password is asked for: nothing would be signed.
    b.ctx.passwords = Box::new(Fixed("not-ida".into()));
    let again = training::ack(&mut b.ctx, "WI-001", "ida").unwrap();
    assert!(!again.recorded);
    assert_eq!(again.revision, 1);
    assert_eq!(b.events().len(), before);
    assert_eq!(acks(&mut b), 1);
}

/// Adds a person to sopbook.toml (with `extra` lines such as dates), with
/// the usual password.
fn hire(b: &mut Bench, id: &str, roles: &str, extra: &str) {
    let path = b.dir.path().join("sopbook.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[[person]]\nid = \"{id}\"\nname = \"{id}\"\nroles = [{roles}]\n{extra}\n"
    ));
    std::fs::write(&path, text).unwrap();
    let ws = crate::workspace::Workspace::load(b.dir.path()).unwrap();
    b.ctx.set_workspace(ws);
    crate::ops::people::set_password(&mut b.ctx, id, None, super::PW).unwrap();
}

#[test]
fn someone_who_starts_after_a_revision_is_due_from_their_first_day() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.on(2026, 4, 1);
    revise(&mut b, "WI-001", "Tape the box twice", false);
    hire(&mut b, "eve", "\"inspector\"", "start = 2026-05-11");
    b.on(2026, 5, 11);
    let r = of(&mut b, "eve", "WI-001");
    assert_eq!(
        (r.state, r.revision, r.due_since, r.changed.is_none()),
        (State::Missing, 2, day(2026, 5, 11), true)
    );
    // Someone here all along has been due since it first took effect.
    assert_eq!(of(&mut b, "ida", "WI-001").due_since, day(2026, 3, 2));
    training::ack(&mut b.ctx, "WI-001", "eve").unwrap();
    assert_eq!(of(&mut b, "eve", "WI-001").state, State::Current);
}

#[test]
fn a_leaver_drops_out_of_the_matrix_signs_nothing_more_and_their_records_stay() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    hire(&mut b, "lou", "\"inspector\"", "until = 2026-03-31");
    training::ack(&mut b.ctx, "WI-001", "lou").unwrap();
    // On their last day they are still here.
    b.on(2026, 3, 31);
    assert_eq!(of(&mut b, "lou", "WI-001").state, State::Current);

    b.on(2026, 4, 1);
    let m = training::matrix(&mut b.ctx, MatrixFilter::default()).unwrap();
    assert!(m.rows.iter().all(|r| r.person != "lou"));
    assert!(m.compliance.iter().all(|c| c.person != "lou"));
    let only_lou = MatrixFilter {
        person: Some("lou"),
        ..MatrixFilter::default()
    };
    let e = training::matrix(&mut b.ctx, only_lou).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::Invalid,
            "lou (lou) left on 2026-03-31: they are not in the training matrix"
        )
    );
    let e = training::reading_list(&mut b.ctx, "lou").unwrap_err();
    assert_eq!(
        e.message,
        "lou (lou) left on 2026-03-31: they have nothing more to read"
    );

    let before = b.events().len();
    let e = training::ack(&mut b.ctx, "WI-001", "lou").unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::Refused,
            "lou (lou) left on 2026-03-31 and signs nothing since; nothing was signed (the refusal is in the audit log)"
        )
    );
    let events = b.events();
    assert_eq!(events.len(), before + 1);
    let last = events.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("lou", "refused")
    );
    // What they read while here stays on record.
    let kept = b.ctx.store().unwrap().acknowledgements().unwrap();
    assert_eq!(kept.iter().filter(|a| a.person == "lou").count(), 1);
}

#[test]
fn someone_who_has_left_signs_nothing_anywhere_and_their_sign_in_ends() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    hire(&mut b, "lou", "\"inspector\"", "until = 2026-03-31");
    b.on(2026, 3, 31);
    let signed_in = crate::ops::sessions::login(&mut b.ctx, "lou", 24).unwrap();
    assert!(
        crate::ops::sessions::holder(&mut b.ctx, &signed_in.token)
            .unwrap()
            .is_some()
    );

    // The day after their last, an hour before the sign-in would expire.
    b.ctx.clock = crate::ops::Clock::Fixed(
        "2026-04-01T11:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
    );
    assert!(signed_in.expires_at > b.ctx.now());
    assert!(
        crate::ops::sessions::holder(&mut b.ctx, &signed_in.token)
            .unwrap()
            .is_none(),
        "a sign-in of someone who has left holds nothing"
    );
    // Every signature and record starts from the same check.
    for attempted in ["approve", "inspect", "void", "sign in"] {
        let before = b.events().len();
        let e = b.ctx.person("lou", "WI-001", attempted).unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (
                ErrorKind::Refused,
                "lou (lou) left on 2026-03-31 and signs nothing since; nothing was signed (the refusal is in the audit log)"
            ),
            "{attempted}"
        );
        let events = b.events();
        assert_eq!(
            events.len(),
            before + 1,
            "{attempted}: the refusal is recorded"
        );
        assert_eq!(events.last().unwrap().action, "refused");
    }
    let e = crate::ops::sessions::login(&mut b.ctx, "lou", 8).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
}

#[test]
fn the_matrix_filters_by_section_and_counts_compliance_per_role_and_section() {
    let mut b = Bench::new();
    b.make_effective("QC-001");
    b.make_effective("WI-001");
    training::ack(&mut b.ctx, "WI-001", "ida").unwrap();
    let m = training::matrix(&mut b.ctx, MatrixFilter::default()).unwrap();
    let groups = |g: &[training::GroupCompliance]| -> Vec<(String, usize, usize, Option<u32>)> {
        g.iter()
            .map(|g| (g.id.clone(), g.current, g.required, g.percent))
            .collect()
    };
    // dan and ida are inspectors; each must read QC-001 and WI-001.
    assert_eq!(
        groups(&m.by_role),
        [("inspector".to_string(), 1, 4, Some(25))]
    );
    assert_eq!(
        groups(&m.by_section),
        [
            ("QC".to_string(), 0, 2, Some(0)),
            ("WI".to_string(), 1, 2, Some(50))
        ]
    );
    let wi = training::matrix(
        &mut b.ctx,
        MatrixFilter {
            section: Some("WI"),
            ..MatrixFilter::default()
        },
    )
    .unwrap();
    assert!(wi.rows.iter().all(|r| r.doc_id == "WI-001"));
    assert_eq!(wi.rows.len(), 2);
    let e = training::matrix(
        &mut b.ctx,
        MatrixFilter {
            section: Some("XX"),
            ..MatrixFilter::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str(), e.hint.as_deref()),
        (
            ErrorKind::NotFound,
            "the manual has no section `XX`",
            Some("the sections are QC, WI")
        )
    );
}

#[test]
fn overdue_finds_the_readings_due_for_more_than_so_many_days() {
    let mut b = Bench::new();
    b.make_effective("WI-001"); // due from 2 March
    b.on(2026, 3, 12);
    b.make_effective("WI-002"); // due from 12 March
    training::ack(&mut b.ctx, "WI-001", "dan").unwrap();
    b.on(2026, 3, 20);
    let overdue = |b: &mut Bench, days| {
        let m = training::matrix(
            &mut b.ctx,
            MatrixFilter {
                overdue: Some(days),
                ..MatrixFilter::default()
            },
        )
        .unwrap();
        let found: Vec<(String, String, Option<i64>)> = m
            .rows
            .iter()
            .map(|r| (r.person.clone(), r.doc_id.clone(), r.days_due))
            .collect();
        // Compliance still counts the whole selection.
        assert_eq!(m.compliance.iter().map(|c| c.required).sum::<usize>(), 4);
        found
    };
    assert_eq!(
        overdue(&mut b, 10),
        [("ida".to_string(), "WI-001".to_string(), Some(18))]
    );
    assert_eq!(overdue(&mut b, 7).len(), 3);
    assert_eq!(overdue(&mut b, 18), []);
}

#[test]
fn the_reading_list_says_why_what_changed_and_how_long_it_takes() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.make_effective("WI-002");
    training::ack(&mut b.ctx, "WI-001", "ida").unwrap();
    b.on(2026, 4, 1);
    // 450 more words: three minutes at 200 words a minute, rounded up.
    revise(
        &mut b,
        "WI-001",
        &format!("Seal the box {}", "and check it ".repeat(150)),
        false,
    );
    let list = training::reading_list(&mut b.ctx, "ida").unwrap();
    let why: Vec<_> = list
        .to_read
        .iter()
        .map(|r| (r.doc_id.as_str(), r.reason, r.diff, r.reading_minutes))
        .collect();
    assert_eq!(
        why,
        [
            ("WI-002", training::Reason::New, None, 1),
            (
                "WI-001",
                training::Reason::Changed,
                Some(training::DiffRange { from: 1, to: 2 }),
                3
            ),
        ]
    );
    assert!(list.to_read[1].words > 400);
    assert_eq!(list.reading_minutes, 4);
}

#[test]
fn ack_all_due_signs_exactly_the_list_shown_once_and_nothing_when_it_changed() {
    let mut b = Bench::new();
    b.make_effective("WI-001");
    b.make_effective("QC-001");
    let shown: Vec<training::Shown> = training::reading_list(&mut b.ctx, "ida")
        .unwrap()
        .to_read
        .iter()
        .map(training::Shown::from)
        .collect();
    // Something takes effect between showing and signing: nothing is signed.
    b.make_effective("WI-002");
    let before = b.events().len();
    let e = training::ack_all_due(&mut b.ctx, "ida", &shown).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::Conflict,
            "ida's reading list changed since it was shown; nothing was signed"
        )
    );
    assert_eq!((b.events().len(), acks(&mut b)), (before, 0));

    let shown: Vec<training::Shown> = training::reading_list(&mut b.ctx, "ida")
        .unwrap()
        .to_read
        .iter()
        .map(training::Shown::from)
        .collect();
    let done = training::ack_all_due(&mut b.ctx, "ida", &shown).unwrap();
    assert_eq!(done.acknowledged.len(), 3);
    // One event, one record per document.
    let events = b.events();
    assert_eq!(events.len(), before + 1);
    assert_eq!(
        events.last().unwrap().record,
        "read and understood: QC-001 rev 1, WI-001 rev 1, WI-002 rev 1"
    );
    assert_eq!(acks(&mut b), 3);
    let list = training::reading_list(&mut b.ctx, "ida").unwrap();
    assert_eq!((list.to_read.len(), list.current), (0, 3));
    assert_eq!(
        audit::verify(&mut b.ctx, &[]).unwrap().problems,
        Vec::<String>::new()
    );
}
