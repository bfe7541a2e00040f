//! Document control, the signed steps: release, approve, reject, retire and
//! periodic review. Each checks everything first, asks for the signature,
//! then writes one batch of records with its audit event. Refused
//! signatures are recorded in the audit log too.

use super::unknown_document;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::error::{Error, Result};
use crate::fail;
use crate::model::Person;
use crate::model::control::{Change, Control, Status, local_date};
use crate::model::records::{ChangeKind, DocKind, Meaning};
use crate::model::translation::split_translation_id;
use crate::store::{Batch, ChangeRow, Insert, RevisionRow, RowRef, SignatureRow, sha256_hex};
use crate::workspace::Workspace;

/// A document as it is in the workspace now.
pub struct WorkingDoc<'a> {
    pub id: &'a str,
    pub kind: DocKind,
    pub title: &'a str,
    pub path: &'a str,
    pub text: &'a str,
}

impl Workspace {
    /// The working file of a document, by id.
    pub fn working(&self, id: &str) -> Option<WorkingDoc<'_>> {
        let (kind, id, title, path) = if let Some(s) = self.sop(id) {
            (
                DocKind::Sop,
                s.id.as_str(),
                s.title.as_str(),
                s.path.as_str(),
            )
        } else if let Some(c) = self.checklist(id) {
            (
                DocKind::Checklist,
                c.id.as_str(),
                c.title.as_str(),
                c.path.as_str(),
            )
        } else if let Some(t) = self.translation(id) {
            let kind = match t.kind {
                crate::model::translation::TranslationKind::Sop => DocKind::Sop,
                crate::model::translation::TranslationKind::Checklist => DocKind::Checklist,
            };
            (kind, t.id.as_str(), t.title.as_str(), t.path.as_str())
        } else {
            return None;
        };
        Some(WorkingDoc {
            id,
            kind,
            title,
            path,
            text: self.sources.get(path)?,
        })
    }
}

/// "QC-001 rev 2"
pub fn rev_name(r: &RevisionRow) -> String {
    format!("{} rev {}", r.doc_id, r.number)
}

/// "QC-001 rev 2" for a release, "QC-001 (retire)" for a retirement.
pub fn change_name(c: &Change<'_>) -> String {
    match c.revision {
        Some(r) if c.is_release() => rev_name(r),
        _ => format!("{} (retire)", c.row.doc_id),
    }
}

/// An effective date given by a person: a date, today or later.
pub fn parse_effective(s: &str, today: NaiveDate) -> Result<NaiveDate> {
    let Some(date) = crate::model::control::parse_date(s) else {
        fail!(
            Invalid,
            "`{s}` is not a date; write it as YYYY-MM-DD, e.g. {}",
            today.format("%Y-%m-%d")
        );
    };
    if date < today {
        return Err(Error::invalid(format!(
            "the effective date {date} is in the past; a revision can take effect today ({today}) at the earliest"
        ))
        .with_hint("leave out --effective to make it effective as soon as it is approved"));
    }
    Ok(date)
}

/// What to release.
#[derive(Debug, Clone)]
pub struct ReleaseInput<'a> {
    pub id: &'a str,
    pub summary: &'a str,
    pub effective: Option<&'a str>,
    /// Editorial: earlier read-and-understood records stay valid.
    pub minor: bool,
    pub actor: &'a str,
}

/// A request waiting for approvals.
#[derive(Debug, Clone, Serialize)]
pub struct InReview {
    /// "QC-001 rev 2" or "QC-001 (retire)".
    pub record: String,
    pub id: String,
    pub revision: Option<i64>,
    pub required: i64,
    pub approver_roles: Vec<String>,
}

/// The outcome of an approval.
#[derive(Debug, Clone, Serialize)]
pub struct Approved {
    pub record: String,
    pub signer: String,
    pub approvals: i64,
    pub required: i64,
    /// Set once the last approval needed is in: the date it takes effect.
    pub effective: Option<NaiveDate>,
    /// A retirement rather than a release.
    pub retirement: bool,
}

/// A signed step on a document.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    pub record: String,
    pub signer: String,
    pub on: NaiveDate,
}

/// A release or retirement request, under the approval rule of the document's section.
#[allow(clippy::too_many_arguments)]
fn request(
    ctx: &Context,
    ws: &Workspace,
    id: &str,
    kind: ChangeKind,
    revision_id: Option<i64>,
    requester: &str,
    reason: &str,
    effective: Option<NaiveDate>,
) -> ChangeRow {
    let rule = ws.config.approval_for_doc(id);
    ChangeRow {
        id: 0,
        doc_id: id.to_string(),
        kind,
        revision_id,
        requested_by: requester.to_string(),
        reason: reason.trim().to_string(),
        effective_date: effective,
        required: i64::from(rule.required),
        approver_roles: rule.roles.join(","),
        created_at: ctx.now(),
        event_seq: 0,
    }
}

/// A signature by `signer`, now, on the revision with `content_hash`;
/// callers set the change, revision and note that apply.
fn signature(
    ctx: &Context,
    id: &str,
    signer: &str,
    meaning: Meaning,
    content_hash: &str,
) -> SignatureRow {
    SignatureRow {
        id: 0,
        change_id: None,
        doc_id: id.to_string(),
        revision_id: None,
        signer: signer.to_string(),
        meaning,
        signed_at: ctx.now(),
        content_hash: content_hash.to_string(),
        note: String::new(),
        event_seq: 0,
    }
}

/// The working file becomes the next revision, in review.
pub fn release(ctx: &mut Context, input: ReleaseInput<'_>) -> Result<InReview> {
    let ReleaseInput {
        id,
        summary,
        effective,
        minor,
        actor,
    } = input;
    let ws = ctx.workspace()?;
    let Some(doc) = ws.working(id) else {
        return Err(unknown_document(Some(&ws), id));
    };
    if summary.trim().is_empty() {
        fail!(
            Invalid,
            "the change summary is empty; say what changed and why, e.g. --summary \"Added the leak test\""
        );
    }
    let mut blocking = blocking_errors(&ws, id);
    if let Some(file) = ws.translation_file(id) {
        let records = ctx.store()?.records()?;
        super::translations::check_file(&ws, Some(&records), file, &mut blocking);
        blocking.retain(crate::diagnostic::Diagnostic::is_error);
    }
    if !blocking.is_empty() {
        return Err(Error::invalid(format!(
            "{id} cannot be released: `sopbook check` finds errors in it or in what it refers to; nothing was recorded"
        ))
        .with_diagnostics(blocking, &ws.sources));
    }
    let today = ctx.today();
    let records = ctx.store()?.records_of(id)?;
    let control = Control::new(&records);
    let state = control.state(id, today);
    if let Some(c) = &state.in_review {
        fail!(
            Conflict,
            "{} is already in review since {}; approve or reject it first",
            change_name(c),
            local_date(c.row.created_at)
        );
    }
    let history = control
        .doc(id)
        .map(|d| d.revisions.clone())
        .unwrap_or_default();
    let content_hash = sha256_hex(doc.text.as_bytes());
    if let Some(last) = history.last()
        && last.content_hash == content_hash
    {
        return Err(Error::conflict(format!(
            "nothing changed in {} since {}; nothing was recorded",
            doc.path,
            rev_name(last)
        ))
        .with_hint(format!(
            "edit {} first; `sopbook review {id}` records a periodic review with no change",
            doc.path
        )));
    }
    let effective = effective.map(|e| parse_effective(e, today)).transpose()?;
    let number = history.last().map_or(1, |r| r.number + 1);
    let record = format!("{id} rev {number}");
    let person = ctx.signer(actor, &record, "release")?;
    let rule = ws.config.approval_for_doc(id);
    let revision = RevisionRow {
        id: 0,
        doc_id: id.to_string(),
        kind: doc.kind,
        number,
        title: doc.title.to_string(),
        path: doc.path.to_string(),
        content: doc.text.to_string(),
        content_hash: content_hash.clone(),
        summary: summary.trim().to_string(),
        minor,
        author: person.id.clone(),
        created_at: ctx.now(),
        event_seq: 0,
    };
    let change = request(
        ctx,
        &ws,
        id,
        ChangeKind::Release,
        None,
        &person.id,
        summary,
        effective,
    );
    let authored = signature(ctx, id, &person.id, Meaning::Authored, &content_hash);
    let facts = crate::workspace::text_facts(revision.kind, &revision.path, &revision.content);
    let appended = ctx.append(
        Batch {
            actor: person.id.clone(),
            action: "released".into(),
            record: record.clone(),
            note: json!({ "summary": summary.trim(), "minor": minor, "effective": effective.map(|d| d.to_string()),
                          "content_hash": content_hash, "title": doc.title }),
            inserts: vec![
                Insert::Revision(revision),
                Insert::Change { row: change, revision: Some(RowRef::Batch(0)) },
                Insert::Signature { row: authored, change: Some(RowRef::Batch(1)), revision: Some(RowRef::Batch(0)) },
            ],
        },
    )?;
    if let Some(&revision_id) = appended.ids.first() {
        super::training::keep_facts(ctx, &[(revision_id, id.to_string(), facts)]);
    }
    Ok(InReview {
        record,
        id: id.to_string(),
        revision: Some(number),
        required: i64::from(rule.required),
        approver_roles: rule.roles.clone(),
    })
}

/// The request in review for `id`, or an error that says why there is none.
fn in_review<'r>(
    ws: Option<&Workspace>,
    id: &str,
    control: &Control<'r>,
    today: NaiveDate,
) -> Result<Change<'r>> {
    let state = control.state(id, today);
    if let Some(c) = state.in_review {
        return Ok(c);
    }
    let last = control.doc(id).and_then(|d| d.changes.last());
    match last.map(|c| (&c.status, c)) {
        None if ws.and_then(|w| w.working(id)).is_none() => Err(unknown_document(ws, id)),
        None => Err(Error::conflict(format!(
            "nothing of {id} is in review: it has never been released"
        ))
        .with_hint(format!(
            "`sopbook release {id} --summary \"...\"` puts it in review"
        ))),
        Some((Status::Rejected { by, at, reason }, c)) => Err(Error::conflict(format!(
            "nothing of {id} is in review: {} was rejected by {by} on {}: {reason}",
            change_name(c),
            local_date(*at)
        ))
        .with_hint("edit the file and release it again")),
        Some((_, c)) => fail!(
            Conflict,
            "nothing of {id} is in review; the last request, {}, is decided",
            change_name(c)
        ),
    }
}

/// The content hash a signature on this request binds to.
fn bound_hash(change: &Change<'_>, control: &Control<'_>, today: NaiveDate) -> String {
    match change.revision {
        Some(r) => r.content_hash.clone(),
        None => control
            .state(&change.row.doc_id, today)
            .effective
            .map(|(r, _)| r.content_hash.clone())
            .unwrap_or_default(),
    }
}

fn approver_roles(row: &ChangeRow) -> Vec<&str> {
    row.approver_roles
        .split(',')
        .filter(|r| !r.is_empty())
        .collect()
}

fn holds_any(person: &Person, roles: &[&str]) -> bool {
    person.roles.iter().any(|r| roles.contains(&r.as_str()))
}

/// Why a person may not approve a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotApprover {
    /// They requested it: the author never approves their own revision.
    Author,
    /// They hold none of the approver roles of its section.
    NoRole,
    /// They have approved it already.
    AlreadyApproved,
    /// It is a translation, and they do not read its language.
    Language,
}

/// Whether `person` may approve `change` now, and if not why: the rule
/// [`approve`] enforces (asking records nothing).
fn may_not_approve(person: &Person, change: &Change<'_>) -> Option<NotApprover> {
    let roles = approver_roles(change.row);
    if person.id == change.row.requested_by {
        Some(NotApprover::Author)
    } else if !roles.is_empty() && !holds_any(person, &roles) {
        Some(NotApprover::NoRole)
    } else if change.approvals.iter().any(|s| s.signer == person.id) {
        Some(NotApprover::AlreadyApproved)
    } else if let Some((_, language)) = split_translation_id(&change.row.doc_id)
        && !person.reads(language)
    {
        Some(NotApprover::Language)
    } else {
        None
    }
}

/// Whether `person` may reject `change`: its author, or an approver.
fn may_reject(person: &Person, change: &Change<'_>) -> bool {
    let roles = approver_roles(change.row);
    person.id == change.row.requested_by || roles.is_empty() || holds_any(person, &roles)
}

/// The revision in review and the working file, when the file has changed
/// since the revision was released (an approval would not be of what the
/// approver sees, so [`approve`] refuses it).
fn working_differs<'w, 'r>(
    ws: Option<&'w Workspace>,
    change: &Change<'r>,
) -> Option<(&'r RevisionRow, WorkingDoc<'w>)> {
    let rev = change.revision?;
    let doc = ws?.working(&change.row.doc_id)?;
    (doc.text != rev.content).then_some((rev, doc))
}

/// An approval signature on what is in review.
pub fn approve(ctx: &mut Context, id: &str, actor: &str) -> Result<Approved> {
    let (today, ws, records) = ctx.doc_records(id)?;
    let control = Control::new(&records);
    let change = in_review(ws.as_deref(), id, &control, today)?;
    let record = change_name(&change);
    let person = ctx.person(actor, &record, "approve")?;
    match may_not_approve(&person, &change) {
        Some(NotApprover::Author) => {
            ctx.refuse(
                &person.id,
                &record,
                "approve",
                "the author cannot approve their own revision",
            )?;
            return Err(Error::refused(format!(
                "{} requested {record} and cannot also approve it; nothing was signed (the refusal is in the audit log)",
                person.id
            ))
            .with_hint("another approver must sign"));
        }
        Some(NotApprover::NoRole) => {
            ctx.refuse(&person.id, &record, "approve", "no approver role")?;
            fail!(
                Refused,
                "{} may not approve {record}: approvers must hold the role {}; nothing was signed (the refusal is in the audit log)",
                person.id,
                approver_roles(change.row).join(" or ")
            );
        }
        Some(NotApprover::AlreadyApproved) => {
            fail!(Conflict, "{} has already approved {record}", person.id);
        }
        Some(NotApprover::Language) => {
            let language = split_translation_id(id).map_or("", |(_, l)| l);
            ctx.refuse(&person.id, &record, "approve", "does not read the language")?;
            return Err(Error::refused(format!(
                "{} may not approve {record}: an approver of a translation reads its language, `{language}`; nothing was signed (the refusal is in the audit log)",
                person.id
            ))
            .with_hint(format!(
                "ask an approver who reads `{language}`; a person reads their `language` and those in `reads` in sopbook.toml"
            )));
        }
        None => {}
    }
    let hash = bound_hash(&change, &control, today);
    if let Some((rev, doc)) = working_differs(ws.as_deref(), &change) {
        let shown = crate::render::diff::unified(
            &rev.content,
            doc.text,
            &rev_name(rev),
            &format!("{} (working copy)", doc.path),
            false,
        );
        return Err(Error::conflict(format!(
            "{} has changed since {record} was released for review, so you would not be approving what you see; nothing was signed",
            doc.path
        ))
        .with_detail(shown)
        .with_hint(format!(
            "undo the edits to approve {record} as released, or reject it (`sopbook reject {id}`) and release the new text"
        )));
    }
    ctx.check_password(&person, &record, "approve")?;
    let approved = SignatureRow {
        change_id: Some(change.row.id),
        revision_id: change.revision.map(|r| r.id).or(change.row.revision_id),
        ..signature(ctx, id, &person.id, Meaning::Approved, &hash)
    };
    let count = change.approvals.len() as i64 + 1;
    let done = count >= change.row.required;
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "approved".into(),
        record: record.clone(),
        note: json!({ "approvals": count, "required": change.row.required, "decided": done }),
        inserts: vec![Insert::Signature {
            row: approved,
            change: None,
            revision: None,
        }],
    })?;
    let effective = done.then(|| change.row.effective_date.map_or(today, |d| d.max(today)));
    Ok(Approved {
        record,
        signer: person.id,
        approvals: count,
        required: change.row.required,
        effective,
        retirement: !change.is_release(),
    })
}

/// Sends the request in review back to its author.
pub fn reject(ctx: &mut Context, id: &str, reason: &str, actor: &str) -> Result<Signed> {
    if reason.trim().is_empty() {
        fail!(Invalid, "say why it is rejected: --reason \"...\"");
    }
    let (today, ws, records) = ctx.doc_records(id)?;
    let control = Control::new(&records);
    let change = in_review(ws.as_deref(), id, &control, today)?;
    let record = change_name(&change);
    let person = ctx.person(actor, &record, "reject")?;
    if !may_reject(&person, &change) {
        ctx.refuse(&person.id, &record, "reject", "no approver role")?;
        fail!(
            Refused,
            "{} may not reject {record}: only its author or an approver ({}) may; nothing was signed",
            person.id,
            approver_roles(change.row).join(" or ")
        );
    }
    ctx.check_password(&person, &record, "reject")?;
    let hash = bound_hash(&change, &control, today);
    let row = SignatureRow {
        change_id: Some(change.row.id),
        revision_id: change.revision.map(|r| r.id).or(change.row.revision_id),
        note: reason.trim().to_string(),
        ..signature(ctx, id, &person.id, Meaning::Rejected, &hash)
    };
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "rejected".into(),
        record: record.clone(),
        note: json!({ "reason": reason.trim() }),
        inserts: vec![Insert::Signature {
            row,
            change: None,
            revision: None,
        }],
    })?;
    Ok(Signed {
        record,
        signer: person.id,
        on: today,
    })
}

/// A request to make a document obsolete, approved like a release.
pub fn retire(
    ctx: &mut Context,
    id: &str,
    reason: &str,
    effective: Option<&str>,
    actor: &str,
) -> Result<InReview> {
    if reason.trim().is_empty() {
        fail!(Invalid, "say why it is retired: --reason \"...\"");
    }
    let today = ctx.today();
    let ws = ctx.workspace()?;
    let records = ctx.store()?.records_of(id)?;
    let control = Control::new(&records);
    let state = control.state(id, today);
    if control.doc(id).is_none() {
        if ws.working(id).is_some() {
            return Err(Error::conflict(format!(
                "{id} has never been released, so there is nothing to retire"
            ))
            .with_hint("delete its file if it is not needed"));
        }
        return Err(unknown_document(Some(&ws), id));
    }
    if let Some(c) = &state.in_review {
        fail!(
            Conflict,
            "{} is in review; approve or reject it before retiring {id}",
            change_name(c)
        );
    }
    if let Some(d) = state.retired {
        fail!(Conflict, "{id} is already obsolete since {d}");
    }
    let Some((rev, _)) = state.effective else {
        fail!(Conflict, "{id} has no effective revision to retire");
    };
    let effective = effective.map(|e| parse_effective(e, today)).transpose()?;
    let record = format!("{id} (retire)");
    let person = ctx.signer(actor, &record, "retire")?;
    let rule = ws.config.approval_for_doc(id);
    let change = request(
        ctx,
        &ws,
        id,
        ChangeKind::Retire,
        Some(rev.id),
        &person.id,
        reason,
        effective,
    );
    let retired = SignatureRow {
        revision_id: Some(rev.id),
        note: reason.trim().to_string(),
        ..signature(ctx, id, &person.id, Meaning::Retired, &rev.content_hash)
    };
    ctx.append(
        Batch {
            actor: person.id.clone(),
            action: "retire requested".into(),
            record: record.clone(),
            note: json!({ "reason": reason.trim(), "effective": effective.map(|d| d.to_string()), "revision": rev.number }),
            inserts: vec![
                Insert::Change { row: change, revision: None },
                Insert::Signature { row: retired, change: Some(RowRef::Batch(0)), revision: None },
            ],
        },
    )?;
    Ok(InReview {
        record,
        id: id.to_string(),
        revision: None,
        required: i64::from(rule.required),
        approver_roles: rule.roles.clone(),
    })
}

/// A periodic review with no change; resets the due date.
pub fn review(ctx: &mut Context, id: &str, note: &str, actor: &str) -> Result<Signed> {
    let (today, ws, records) = ctx.doc_records(id)?;
    let control = Control::new(&records);
    let state = control.state(id, today);
    if let Some(d) = state.retired {
        fail!(
            Conflict,
            "{id} is obsolete since {d}; an obsolete document is not reviewed"
        );
    }
    let Some((rev, _)) = state.effective else {
        if ws.as_deref().and_then(|w| w.working(id)).is_none() && control.doc(id).is_none() {
            return Err(unknown_document(ws.as_deref(), id));
        }
        fail!(Conflict, "{id} has no effective revision to review");
    };
    let record = rev_name(rev);
    let person = ctx.signer(actor, &record, "periodic review")?;
    let row = SignatureRow {
        revision_id: Some(rev.id),
        note: note.trim().to_string(),
        ..signature(
            ctx,
            id,
            &person.id,
            Meaning::PeriodicReview,
            &rev.content_hash,
        )
    };
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "reviewed".into(),
        record: record.clone(),
        note: json!({ "note": note.trim(), "outcome": "no change" }),
        inserts: vec![Insert::Signature {
            row,
            change: None,
            revision: Some(RowRef::Existing(rev.id)),
        }],
    })?;
    Ok(Signed {
        record,
        signer: person.id,
        on: today,
    })
}

/// Errors in the document's own file or in the files of what it refers to.
fn blocking_errors(ws: &Workspace, id: &str) -> Vec<crate::diagnostic::Diagnostic> {
    let mut files: Vec<&str> = Vec::new();
    let mut ids: Vec<&str> = vec![id];
    if let Some(s) = ws.sop(id) {
        ids.extend(s.related.iter().map(String::as_str));
        ids.extend(s.checklists.iter().map(String::as_str));
    }
    if let Some(c) = ws.checklist(id)
        && let Some(sop) = &c.sop
    {
        ids.push(sop);
    }
    if let Some(t) = ws.translation(id) {
        ids.push(&t.source);
    }
    for i in ids {
        if let Some(d) = ws.working(i) {
            files.push(d.path);
        }
    }
    files.push(crate::workspace::CONFIG_FILE);
    ws.diagnostics
        .iter()
        .filter(|d| d.is_error() && (d.file.as_deref().is_none_or(|f| files.contains(&f))))
        .cloned()
        .collect()
}

/// A release or retirement waiting for approvals, as a person who may
/// decide on it sees it: what it is, who asked, the signatures so far, and
/// what this person may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct Pending {
    /// "QC-001 rev 2" or "QC-001 (retire)".
    pub record: String,
    pub id: String,
    pub title: String,
    pub kind: ChangeKind,
    /// The revision in review (none for a retirement).
    pub revision: Option<i64>,
    /// The revision in force today, if any.
    pub in_force: Option<i64>,
    /// The revision's change summary, or why the document is retired.
    pub summary: String,
    /// Editorial: earlier read-and-understood records stay valid.
    pub minor: bool,
    pub requested_by: String,
    #[serde(with = "crate::model::records::stamp")]
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// The effective date the request asks for, if any.
    pub effective: Option<NaiveDate>,
    /// Who approved so far.
    pub approvals: Vec<String>,
    pub required: i64,
    pub approver_roles: Vec<String>,
    /// Whether the person may approve it now, and if not why.
    pub may_approve: bool,
    pub not_approver: Option<NotApprover>,
    /// Whether the person may reject it (its author or an approver).
    pub may_reject: bool,
    /// The working file has changed since the release, so an approval is
    /// refused until it is undone or the request is rejected.
    pub working_changed: bool,
}

fn pending_of(
    ws: Option<&Workspace>,
    control: &Control<'_>,
    change: &Change<'_>,
    person: Option<&Person>,
    today: NaiveDate,
) -> Pending {
    let id = &change.row.doc_id;
    let state = control.state(id, today);
    let not_approver = person.and_then(|p| may_not_approve(p, change));
    let working_changed = working_differs(ws, change).is_some();
    let title = change
        .revision
        .map(|r| r.title.clone())
        .or_else(|| state.effective.map(|(r, _)| r.title.clone()))
        .unwrap_or_default();
    Pending {
        record: change_name(change),
        id: id.clone(),
        title,
        kind: change.row.kind,
        revision: change.revision.map(|r| r.number),
        in_force: state.effective.map(|(r, _)| r.number),
        summary: change
            .revision
            .map_or(change.row.reason.clone(), |r| r.summary.clone()),
        minor: change.revision.is_some_and(|r| r.minor),
        requested_by: change.row.requested_by.clone(),
        requested_at: change.row.created_at,
        effective: change.row.effective_date,
        approvals: change.approvals.iter().map(|s| s.signer.clone()).collect(),
        required: change.row.required,
        approver_roles: approver_roles(change.row)
            .into_iter()
            .map(str::to_string)
            .collect(),
        may_approve: person.is_some() && not_approver.is_none() && !working_changed,
        not_approver,
        may_reject: person.is_some_and(|p| may_reject(p, change)),
        working_changed,
    }
}

/// Everything in review today, in id order, with what `person` may do
/// with each (the rules of [`approve`] and [`reject`]; asking records nothing).
pub fn pending(ctx: &mut Context, person: &str) -> Result<Vec<Pending>> {
    let today = ctx.today();
    let ws = ctx.workspace_opt()?;
    let viewer = ctx.people()?.into_iter().find(|p| p.id == person);
    let records = ctx.store()?.records()?;
    let control = Control::new(&records);
    let mut ids: Vec<&str> = control.ids().collect();
    ids.sort_by(|a, b| crate::workspace::id_order(a, b));
    Ok(ids
        .into_iter()
        .filter_map(|id| {
            let change = control.state(id, today).in_review?;
            Some(pending_of(
                ws.as_deref(),
                &control,
                &change,
                viewer.as_ref(),
                today,
            ))
        })
        .collect())
}

/// One request in review and what it changes: the diff of the revision in
/// review against the revision in force (against nothing for a first
/// release; none for a retirement).
#[derive(Debug, Clone, Serialize)]
pub struct PendingDetail {
    #[serde(flatten)]
    pub pending: Pending,
    /// "QC-001 rev 1", or none when nothing is in force.
    pub old_label: Option<String>,
    pub new_label: Option<String>,
    pub hunks: Vec<crate::render::diff::Hunk>,
    /// Lines added and removed.
    pub added: usize,
    pub removed: usize,
}

/// What is in review for `id`, as `person` sees it; refused as [`approve`]
/// refuses when nothing is in review.
pub fn pending_detail(ctx: &mut Context, id: &str, person: &str) -> Result<PendingDetail> {
    let (today, ws, records) = ctx.doc_records(id)?;
    let viewer = ctx.people()?.into_iter().find(|p| p.id == person);
    let control = Control::new(&records);
    let change = in_review(ws.as_deref(), id, &control, today)?;
    let pending = pending_of(ws.as_deref(), &control, &change, viewer.as_ref(), today);
    let in_force = control.state(id, today).effective.map(|(r, _)| r);
    let (old_label, new_label, old, new) = match change.revision {
        Some(rev) => (
            in_force.map(rev_name),
            Some(rev_name(rev)),
            in_force.map_or("", |r| r.content.as_str()),
            rev.content.as_str(),
        ),
        None => (None, None, "", ""),
    };
    let (added, removed) = crate::render::diff::stat(old, new);
    Ok(PendingDetail {
        pending,
        old_label,
        new_label,
        hunks: crate::render::diff::hunks(old, new),
        added,
        removed,
    })
}
