//! Document control, the operations: release, approve, reject, retire,
//! periodic review and passwords. Each checks everything first, asks for
//! the signature, then writes one batch of records with its audit event.
//! Refused signatures are recorded in the audit log too.

pub mod diff;
pub mod floor;
pub mod signing;

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::model::Person;
use crate::model::control::{Change, Control, DocState, Status, local_date};
use crate::store::{
    Batch, ChangeRow, CredentialRow, Insert, RevisionRow, RowRef, SignatureRow, Store, sha256_hex,
    timestamp,
};
use crate::workspace::Workspace;
use signing::PasswordSource;

/// Who is doing what, when, against which workspace and records.
pub struct Session<'a> {
    pub ws: &'a Workspace,
    pub store: &'a mut dyn Store,
    pub passwords: &'a dyn PasswordSource,
    pub now: DateTime<Utc>,
}

/// A document as it is in the workspace now.
pub struct WorkingDoc<'a> {
    pub id: &'a str,
    pub kind: &'static str,
    pub title: &'a str,
    pub path: &'a str,
    pub text: &'a str,
}

impl Workspace {
    /// The working file of a document, by id.
    pub fn working(&self, id: &str) -> Option<WorkingDoc<'_>> {
        let (kind, title, path) = if let Some(s) = self.sop(id) {
            ("sop", s.title.as_str(), s.path.as_str())
        } else if let Some(c) = self.checklist(id) {
            ("checklist", c.title.as_str(), c.path.as_str())
        } else {
            return None;
        };
        Some(WorkingDoc {
            id: self.sop(id).map_or_else(
                || self.checklist(id).map_or("", |c| c.id.as_str()),
                |s| s.id.as_str(),
            ),
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

pub fn parse_effective(s: &str, today: NaiveDate) -> Result<NaiveDate> {
    let Some(date) = crate::model::control::parse_date(s) else {
        bail!(
            "`{s}` is not a date; write it as YYYY-MM-DD, e.g. {}",
            today.format("%Y-%m-%d")
        );
    };
    if date < today {
        bail!(
            "the effective date {date} is in the past; a revision can take effect today ({today}) at the earliest\n\nhelp: leave out --effective to make it effective as soon as it is approved"
        );
    }
    Ok(date)
}

impl Session<'_> {
    /// A release or retirement request, under the approval rule of the document's section.
    fn request(
        &self,
        id: &str,
        kind: &str,
        revision_id: Option<i64>,
        requester: &str,
        reason: &str,
        effective: Option<NaiveDate>,
    ) -> ChangeRow {
        let rule = self.ws.config.approval_for(id.split('-').next());
        ChangeRow {
            id: 0,
            doc_id: id.to_string(),
            kind: kind.to_string(),
            revision_id,
            requested_by: requester.to_string(),
            reason: reason.trim().to_string(),
            effective_date: effective.map(|d| d.to_string()),
            required: i64::from(rule.required),
            approver_roles: rule.roles.join(","),
            created_at: timestamp(self.now),
            event_seq: 0,
        }
    }

    /// A signature by `signer`, now, on the revision with `content_hash`;
    /// callers set the change, revision and note that apply.
    fn signature(&self, id: &str, signer: &str, meaning: &str, content_hash: &str) -> SignatureRow {
        SignatureRow {
            id: 0,
            change_id: None,
            doc_id: id.to_string(),
            revision_id: None,
            signer: signer.to_string(),
            meaning: meaning.to_string(),
            signed_at: timestamp(self.now),
            content_hash: content_hash.to_string(),
            note: String::new(),
            event_seq: 0,
        }
    }

    pub fn today(&self) -> NaiveDate {
        local_date(self.now)
    }

    fn refuse(&mut self, actor: &str, record: &str, attempted: &str, reason: &str) -> Result<()> {
        refuse(self.store, self.now, actor, record, attempted, reason)
    }

    /// The person acting, or a recorded refusal.
    fn person(&mut self, actor: &str, record: &str, attempted: &str) -> Result<Person> {
        find_person(
            self.store,
            self.now,
            &self.ws.config.people,
            actor,
            record,
            attempted,
        )
    }

    /// Checks the person's password; a wrong or missing one is a recorded refusal.
    fn sign(&mut self, person: &Person, record: &str, attempted: &str) -> Result<()> {
        check_password(
            self.store,
            self.now,
            self.passwords,
            person,
            record,
            attempted,
        )
    }

    fn records_state(&mut self) -> Result<(crate::store::Records, NaiveDate)> {
        let today = self.today();
        Ok((self.store.records()?, today))
    }

    /// `sopbook release`: the working file becomes the next revision, in review.
    pub fn release(
        &mut self,
        id: &str,
        summary: &str,
        effective: Option<&str>,
        minor: bool,
        actor: &str,
    ) -> Result<String> {
        let ws = self.ws;
        let Some(doc) = ws.working(id) else {
            bail!(
                "no SOP or checklist has the id `{id}`\n\nhelp: `sopbook status` lists the documents"
            );
        };
        if summary.trim().is_empty() {
            bail!(
                "the change summary is empty; say what changed and why, e.g. --summary \"Added the leak test\""
            );
        }
        let blocking = blocking_errors(ws, id);
        if !blocking.is_empty() {
            crate::diagnostic::emit(&blocking, &ws.sources);
            bail!(
                "{id} cannot be released: `sopbook check` finds errors in it or in what it refers to; nothing was recorded"
            );
        }
        let (records, today) = self.records_state()?;
        let control = Control::new(&records);
        let state = control.state(id, today);
        if let Some(c) = &state.in_review {
            bail!(
                "{} is already in review since {}; approve or reject it first",
                change_name(c),
                c.row.created_at.get(..10).unwrap_or("")
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
            bail!(
                "nothing changed in {} since {}; nothing was recorded\n\nhelp: edit {} first; `sopbook review {id}` records a periodic review with no change",
                doc.path,
                rev_name(last),
                doc.path
            );
        }
        let effective = effective.map(|e| parse_effective(e, today)).transpose()?;
        let number = history.last().map_or(1, |r| r.number + 1);
        let record = format!("{id} rev {number}");
        let person = self.person(actor, &record, "release")?;
        self.sign(&person, &record, "release")?;
        let rule = ws.config.approval_for(id.split('-').next());
        let at = timestamp(self.now);
        let revision = RevisionRow {
            id: 0,
            doc_id: id.to_string(),
            kind: doc.kind.to_string(),
            number,
            title: doc.title.to_string(),
            path: doc.path.to_string(),
            content: doc.text.to_string(),
            content_hash: content_hash.clone(),
            summary: summary.trim().to_string(),
            minor,
            author: person.id.clone(),
            created_at: at.clone(),
            event_seq: 0,
        };
        let change = self.request(id, "release", None, &person.id, summary, effective);
        let signature = self.signature(id, &person.id, "authored", &content_hash);
        self.store.append(
            self.now,
            Batch {
                actor: person.id.clone(),
                action: "released".into(),
                record: record.clone(),
                note: json!({ "summary": summary.trim(), "minor": minor, "effective": effective.map(|d| d.to_string()),
                              "content_hash": content_hash, "title": doc.title }),
                inserts: vec![
                    Insert::Revision(revision),
                    Insert::Change { row: change, revision: Some(RowRef::Batch(0)) },
                    Insert::Signature { row: signature, change: Some(RowRef::Batch(1)), revision: Some(RowRef::Batch(0)) },
                ],
            },
        )?;
        Ok(format!(
            "{record} is in review: it needs {} approval{}{}",
            rule.required,
            if rule.required == 1 { "" } else { "s" },
            if rule.roles.is_empty() {
                String::new()
            } else {
                format!(" from {}", rule.roles.join(" or "))
            }
        ))
    }

    /// The request in review for `id`, or an error that says why there is none.
    fn in_review<'r>(
        &self,
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
            None if self.ws.working(id).is_none() => bail!("no SOP or checklist has the id `{id}`"),
            None => bail!(
                "nothing of {id} is in review: it has never been released\n\nhelp: `sopbook release {id} --summary \"...\"` puts it in review"
            ),
            Some((Status::Rejected { by, at, reason }, c)) => bail!(
                "nothing of {id} is in review: {} was rejected by {by} on {}: {reason}\n\nhelp: edit the file and release it again",
                change_name(c),
                local_date(*at)
            ),
            Some((_, c)) => bail!(
                "nothing of {id} is in review; the last request, {}, is decided",
                change_name(c)
            ),
        }
    }

    /// `sopbook approve`: an approval signature on what is in review.
    pub fn approve(&mut self, id: &str, actor: &str) -> Result<String> {
        let today = self.today();
        let records = self.store.records()?;
        let control = Control::new(&records);
        let change = self.in_review(id, &control, today)?;
        let record = change_name(&change);
        let person = self.person(actor, &record, "approve")?;
        if person.id == change.row.requested_by {
            self.refuse(
                &person.id,
                &record,
                "approve",
                "the author cannot approve their own revision",
            )?;
            bail!(
                "{} requested {record} and cannot also approve it; nothing was signed (the refusal is in the audit log)\n\nhelp: another approver must sign",
                person.id
            );
        }
        let roles: Vec<&str> = change
            .row
            .approver_roles
            .split(',')
            .filter(|r| !r.is_empty())
            .collect();
        if !roles.is_empty() && !person.roles.iter().any(|r| roles.contains(&r.as_str())) {
            self.refuse(&person.id, &record, "approve", "no approver role")?;
            bail!(
                "{} may not approve {record}: approvers must hold the role {}; nothing was signed (the refusal is in the audit log)",
                person.id,
                roles.join(" or ")
            );
        }
        if change.approvals.iter().any(|s| s.signer == person.id) {
            bail!("{} has already approved {record}", person.id);
        }
        let hash = self.bound_hash(&change, &control, today);
        if let (Some(rev), Some(doc)) = (change.revision, self.ws.working(id))
            && doc.text != rev.content
        {
            let shown = diff::unified(
                &rev.content,
                doc.text,
                &rev_name(rev),
                &format!("{} (working copy)", doc.path),
                false,
            );
            bail!(
                "{} has changed since {record} was released for review, so you would not be approving what you see; nothing was signed\n\n{shown}\nhelp: undo the edits to approve {record} as released, or reject it (`sopbook reject {id}`) and release the new text",
                doc.path
            );
        }
        self.sign(&person, &record, "approve")?;
        let approved = SignatureRow {
            change_id: Some(change.row.id),
            revision_id: change.revision.map(|r| r.id).or(change.row.revision_id),
            ..self.signature(id, &person.id, "approved", &hash)
        };
        let count = change.approvals.len() as i64 + 1;
        let done = count >= change.row.required;
        self.store.append(
            self.now,
            Batch {
                actor: person.id.clone(),
                action: "approved".into(),
                record: record.clone(),
                note: json!({ "approvals": count, "required": change.row.required, "decided": done }),
                inserts: vec![Insert::Signature { row: approved, change: None, revision: None }],
            },
        )?;
        if !done {
            return Ok(format!(
                "{} approved {record} ({count} of {} approvals)",
                person.id, change.row.required
            ));
        }
        let requested = change
            .row
            .effective_date
            .as_deref()
            .and_then(crate::model::control::parse_date);
        let effective = requested.map_or(today, |d| d.max(today));
        let what = if change.is_release() {
            "effective"
        } else {
            "obsolete"
        };
        Ok(format!("{record} is approved; {what} from {effective}"))
    }

    /// The content hash a signature on this request binds to.
    fn bound_hash(&self, change: &Change<'_>, control: &Control<'_>, today: NaiveDate) -> String {
        match change.revision {
            Some(r) => r.content_hash.clone(),
            None => control
                .state(&change.row.doc_id, today)
                .effective
                .map(|(r, _)| r.content_hash.clone())
                .unwrap_or_default(),
        }
    }

    /// `sopbook reject`: sends the request back.
    pub fn reject(&mut self, id: &str, reason: &str, actor: &str) -> Result<String> {
        if reason.trim().is_empty() {
            bail!("say why it is rejected: --reason \"...\"");
        }
        let today = self.today();
        let records = self.store.records()?;
        let control = Control::new(&records);
        let change = self.in_review(id, &control, today)?;
        let record = change_name(&change);
        let person = self.person(actor, &record, "reject")?;
        let roles: Vec<&str> = change
            .row
            .approver_roles
            .split(',')
            .filter(|r| !r.is_empty())
            .collect();
        let is_requester = person.id == change.row.requested_by;
        if !is_requester
            && !roles.is_empty()
            && !person.roles.iter().any(|r| roles.contains(&r.as_str()))
        {
            self.refuse(&person.id, &record, "reject", "no approver role")?;
            bail!(
                "{} may not reject {record}: only its author or an approver ({}) may; nothing was signed",
                person.id,
                roles.join(" or ")
            );
        }
        self.sign(&person, &record, "reject")?;
        let hash = self.bound_hash(&change, &control, today);
        let row = SignatureRow {
            change_id: Some(change.row.id),
            revision_id: change.revision.map(|r| r.id).or(change.row.revision_id),
            note: reason.trim().to_string(),
            ..self.signature(id, &person.id, "rejected", &hash)
        };
        self.store.append(
            self.now,
            Batch {
                actor: person.id.clone(),
                action: "rejected".into(),
                record: record.clone(),
                note: json!({ "reason": reason.trim() }),
                inserts: vec![Insert::Signature {
                    row,
                    change: None,
                    revision: None,
                }],
            },
        )?;
        Ok(format!("{record} was rejected and goes back to its author"))
    }

    /// `sopbook retire`: a request to make a document obsolete, approved like a release.
    pub fn retire(
        &mut self,
        id: &str,
        reason: &str,
        effective: Option<&str>,
        actor: &str,
    ) -> Result<String> {
        if reason.trim().is_empty() {
            bail!("say why it is retired: --reason \"...\"");
        }
        let today = self.today();
        let records = self.store.records()?;
        let control = Control::new(&records);
        let state = control.state(id, today);
        if control.doc(id).is_none() {
            if self.ws.working(id).is_some() {
                bail!(
                    "{id} has never been released, so there is nothing to retire\n\nhelp: delete its file if it is not needed"
                );
            }
            bail!("no SOP or checklist has the id `{id}`");
        }
        if let Some(c) = &state.in_review {
            bail!(
                "{} is in review; approve or reject it before retiring {id}",
                change_name(c)
            );
        }
        if let Some(d) = state.retired {
            bail!("{id} is already obsolete since {d}");
        }
        let Some((rev, _)) = state.effective else {
            bail!("{id} has no effective revision to retire");
        };
        let effective = effective.map(|e| parse_effective(e, today)).transpose()?;
        let record = format!("{id} (retire)");
        let person = self.person(actor, &record, "retire")?;
        self.sign(&person, &record, "retire")?;
        let rule = self.ws.config.approval_for(id.split('-').next());
        let change = self.request(id, "retire", Some(rev.id), &person.id, reason, effective);
        let signature = SignatureRow {
            revision_id: Some(rev.id),
            note: reason.trim().to_string(),
            ..self.signature(id, &person.id, "retired", &rev.content_hash)
        };
        self.store.append(
            self.now,
            Batch {
                actor: person.id.clone(),
                action: "retire requested".into(),
                record: record.clone(),
                note: json!({ "reason": reason.trim(), "effective": effective.map(|d| d.to_string()), "revision": rev.number }),
                inserts: vec![
                    Insert::Change { row: change, revision: None },
                    Insert::Signature { row: signature, change: Some(RowRef::Batch(0)), revision: None },
                ],
            },
        )?;
        Ok(format!(
            "retiring {id} is in review: it needs {} approval{}",
            rule.required,
            if rule.required == 1 { "" } else { "s" }
        ))
    }

    /// `sopbook review`: a periodic review with no change; resets the due date.
    pub fn review(&mut self, id: &str, note: &str, actor: &str) -> Result<String> {
        let today = self.today();
        let records = self.store.records()?;
        let control = Control::new(&records);
        let state: DocState<'_> = control.state(id, today);
        let Some((rev, _)) = state.effective else {
            if self.ws.working(id).is_none() && control.doc(id).is_none() {
                bail!("no SOP or checklist has the id `{id}`");
            }
            bail!("{id} has no effective revision to review");
        };
        let record = rev_name(rev);
        let person = self.person(actor, &record, "periodic review")?;
        self.sign(&person, &record, "periodic review")?;
        let row = SignatureRow {
            revision_id: Some(rev.id),
            note: note.trim().to_string(),
            ..self.signature(id, &person.id, "periodic-review", &rev.content_hash)
        };
        self.store.append(
            self.now,
            Batch {
                actor: person.id.clone(),
                action: "reviewed".into(),
                record: record.clone(),
                note: json!({ "note": note.trim(), "outcome": "no change" }),
                inserts: vec![Insert::Signature {
                    row,
                    change: None,
                    revision: Some(RowRef::Existing(rev.id)),
                }],
            },
        )?;
        Ok(format!(
            "{record} reviewed by {} on {today}: no change",
            person.id
        ))
    }

    /// `sopbook people passwd`: sets a signing password. Changing one needs the current one.
    pub fn set_password(
        &mut self,
        person_id: &str,
        current: Option<&str>,
        new: &str,
    ) -> Result<String> {
        let Some(person) = self.ws.config.person(person_id).cloned() else {
            bail!("`{person_id}` is not a person in sopbook.toml");
        };
        if new.chars().count() < 8 {
            bail!("the password is too short: use at least 8 characters");
        }
        if let Some(hash) = signing::current_hash(self.store, person_id)? {
            let ok = current.is_some_and(|c| signing::password_matches(&hash, c));
            if !ok {
                self.refuse(
                    person_id,
                    &format!("password of {person_id}"),
                    "change password",
                    "wrong current password",
                )?;
                bail!("the current password of {person_id} is wrong; the password was not changed");
            }
        }
        let row = CredentialRow {
            id: 0,
            person: person.id.clone(),
            hash: signing::hash_password(new)?,
            set_at: timestamp(self.now),
            event_seq: 0,
        };
        self.store.append(
            self.now,
            Batch {
                actor: person.id.clone(),
                action: "password set".into(),
                record: format!("password of {}", person.id),
                note: json!({}),
                inserts: vec![Insert::Credential(row)],
            },
        )?;
        Ok(format!(
            "signing password set for {} ({})",
            person.name, person.id
        ))
    }
}

/// Records a refused signature in the audit log.
pub fn refuse(
    store: &mut dyn Store,
    now: DateTime<Utc>,
    actor: &str,
    record: &str,
    attempted: &str,
    reason: &str,
) -> Result<()> {
    store.append(
        now,
        Batch {
            actor: actor.to_string(),
            action: "refused".to_string(),
            record: record.to_string(),
            note: json!({ "attempted": attempted, "reason": reason }),
            inserts: Vec::new(),
        },
    )?;
    Ok(())
}

/// The person with this id, or a recorded refusal.
pub fn find_person(
    store: &mut dyn Store,
    now: DateTime<Utc>,
    people: &[Person],
    actor: &str,
    record: &str,
    attempted: &str,
) -> Result<Person> {
    if let Some(p) = people.iter().find(|p| p.id == actor) {
        return Ok(p.clone());
    }
    refuse(store, now, actor, record, attempted, "unknown person")?;
    let known: Vec<_> = people.iter().map(|p| p.id.as_str()).collect();
    bail!(
        "`{actor}` is not a person in sopbook.toml; nothing was signed (the refusal is in the audit log)\n\nhelp: the people are {}",
        if known.is_empty() {
            "none yet: add [[person]] tables".to_string()
        } else {
            known.join(", ")
        }
    )
}

/// Checks a signer's password; a missing or wrong one is a recorded refusal.
pub fn check_password(
    store: &mut dyn Store,
    now: DateTime<Utc>,
    passwords: &dyn PasswordSource,
    person: &Person,
    record: &str,
    attempted: &str,
) -> Result<()> {
    let Some(hash) = signing::current_hash(store, &person.id)? else {
        refuse(
            store,
            now,
            &person.id,
            record,
            attempted,
            "no signing password set",
        )?;
        bail!(
            "{} ({}) has no signing password yet; nothing was signed\n\nhelp: set one with `sopbook people passwd {}`",
            person.name,
            person.id,
            person.id
        );
    };
    let password = passwords.password(person, &format!("sign: {attempted} {record}"))?;
    if !signing::password_matches(&hash, &password) {
        refuse(store, now, &person.id, record, attempted, "wrong password")?;
        bail!(
            "wrong password for {}; nothing was signed (the refusal is in the audit log)",
            person.id
        );
    }
    Ok(())
}

/// "QC-001 rev 2" for a release, "QC-001 (retire)" for a retirement.
pub fn change_name(c: &Change<'_>) -> String {
    match c.revision {
        Some(r) if c.is_release() => rev_name(r),
        _ => format!("{} (retire)", c.row.doc_id),
    }
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
