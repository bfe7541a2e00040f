//! Document control, derived: which revision of a document is in force on
//! a date, what is in review, what was rejected, retired or reviewed. Pure
//! functions over the append-only records; nothing here writes.

use std::collections::BTreeMap;

use chrono::{DateTime, Local, NaiveDate, Utc};

use crate::model::records::{ChangeKind, ChangeRow, Meaning, Records, RevisionRow, SignatureRow};

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    InReview,
    Approved {
        approved_at: DateTime<Utc>,
        effective: NaiveDate,
    },
    Rejected {
        by: String,
        at: DateTime<Utc>,
        reason: String,
    },
}

/// A release or retirement request with its signatures and outcome.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub row: &'a ChangeRow,
    pub revision: Option<&'a RevisionRow>,
    pub requested: Option<&'a SignatureRow>,
    pub approvals: Vec<&'a SignatureRow>,
    pub status: Status,
}

impl Change<'_> {
    pub fn is_release(&self) -> bool {
        self.row.kind == ChangeKind::Release
    }
}

/// Everything recorded about one document.
#[derive(Debug, Clone, Default)]
pub struct DocRecords<'a> {
    pub revisions: Vec<&'a RevisionRow>,
    pub changes: Vec<Change<'a>>,
    pub reviews: Vec<&'a SignatureRow>,
}

/// The state of a document on a date.
#[derive(Debug, Clone, Default)]
pub struct DocState<'a> {
    /// The revision in force and the date it took effect.
    pub effective: Option<(&'a RevisionRow, NaiveDate)>,
    /// An approved revision that takes effect later.
    pub scheduled: Option<(&'a RevisionRow, NaiveDate)>,
    /// The request waiting for signatures.
    pub in_review: Option<Change<'a>>,
    /// Obsolete from this date.
    pub retired: Option<NaiveDate>,
    /// The approvers of the effective revision.
    pub approvers: Vec<&'a SignatureRow>,
    /// The last periodic review, or the effective date, whichever is later.
    pub last_reviewed: Option<NaiveDate>,
}

/// The local calendar date of a stored UTC timestamp.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Local).date_naive()
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The records, grouped by document.
pub struct Control<'a> {
    docs: BTreeMap<&'a str, DocRecords<'a>>,
}

impl<'a> Control<'a> {
    pub fn new(records: &'a Records) -> Control<'a> {
        let mut docs: BTreeMap<&str, DocRecords<'_>> = BTreeMap::new();
        let revision_by_id: BTreeMap<i64, &RevisionRow> =
            records.revisions.iter().map(|r| (r.id, r)).collect();
        for r in &records.revisions {
            docs.entry(&r.doc_id).or_default().revisions.push(r);
        }
        let mut by_change: BTreeMap<i64, Vec<&SignatureRow>> = BTreeMap::new();
        for s in &records.signatures {
            match s.change_id {
                Some(c) => by_change.entry(c).or_default().push(s),
                None if s.meaning == Meaning::PeriodicReview => {
                    docs.entry(&s.doc_id).or_default().reviews.push(s)
                }
                None => {}
            }
        }
        for c in &records.changes {
            let sigs = by_change.remove(&c.id).unwrap_or_default();
            let requested = sigs
                .iter()
                .copied()
                .find(|s| matches!(s.meaning, Meaning::Authored | Meaning::Retired));
            let mut approvals = Vec::new();
            let mut status = Status::InReview;
            for s in &sigs {
                match s.meaning {
                    Meaning::Rejected => {
                        status = Status::Rejected {
                            by: s.signer.clone(),
                            at: s.signed_at,
                            reason: s.note.clone(),
                        };
                        break;
                    }
                    Meaning::Approved => {
                        approvals.push(*s);
                        if approvals.len() as i64 >= c.required {
                            let approved_at = s.signed_at;
                            let approved_on = local_date(approved_at);
                            let requested_on = c.effective_date;
                            let effective =
                                requested_on.map_or(approved_on, |d| d.max(approved_on));
                            status = Status::Approved {
                                approved_at,
                                effective,
                            };
                            break;
                        }
                    }
                    _ => {}
                }
            }
            docs.entry(&c.doc_id).or_default().changes.push(Change {
                row: c,
                revision: c
                    .revision_id
                    .and_then(|id| revision_by_id.get(&id).copied()),
                requested,
                approvals,
                status,
            });
        }
        Control { docs }
    }

    pub fn doc(&self, id: &str) -> Option<&DocRecords<'a>> {
        self.docs.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.docs.keys().copied()
    }

    /// The ids of source documents: every id but translations (`QC-001.nb`).
    pub fn source_ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.ids()
            .filter(|id| !crate::model::translation::is_translation_id(id))
    }

    /// The state of a document on `date`.
    pub fn state(&self, id: &str, date: NaiveDate) -> DocState<'a> {
        let Some(doc) = self.docs.get(id) else {
            return DocState::default();
        };
        let mut state = DocState::default();
        let mut effective_approval: Option<DateTime<Utc>> = None;
        for c in &doc.changes {
            match (&c.status, c.is_release()) {
                (Status::InReview, _) => state.in_review = Some(c.clone()),
                (
                    Status::Approved {
                        approved_at,
                        effective,
                    },
                    true,
                ) => {
                    let Some(rev) = c.revision else { continue };
                    // The newest approved revision that has taken effect is in
                    // force: a newer revision supersedes an older one that was
                    // scheduled for a later date.
                    if *effective <= date {
                        let newer = state.effective.is_none_or(|(r, _)| rev.number > r.number);
                        if newer {
                            state.effective = Some((rev, *effective));
                            state.approvers = c.approvals.clone();
                            effective_approval = Some(*approved_at);
                        }
                    } else if state.scheduled.is_none_or(|(r, _)| rev.number > r.number) {
                        state.scheduled = Some((rev, *effective));
                    }
                }
                _ => {}
            }
        }
        // A scheduled revision older than the one in force never takes effect.
        if let (Some((s, _)), Some((e, _))) = (state.scheduled, state.effective)
            && s.number < e.number
        {
            state.scheduled = None;
        }
        for c in &doc.changes {
            if let (
                Status::Approved {
                    approved_at,
                    effective,
                },
                false,
            ) = (&c.status, c.is_release())
                && *effective <= date
                && effective_approval.is_none_or(|a| *approved_at > a)
            {
                state.retired = Some(*effective);
            }
        }
        if let Some((_, from)) = state.effective {
            let reviewed = doc
                .reviews
                .iter()
                .map(|s| local_date(s.signed_at))
                .filter(|d| *d <= date)
                .max();
            state.last_reviewed = Some(reviewed.map_or(from, |r| r.max(from)));
        }
        state
    }

    /// The releases of `id` numbered after `after` that took effect by
    /// `date`, oldest first: (revision, effective date). What a
    /// translation of revision `after` has not caught up with.
    pub fn releases_after(
        &self,
        id: &str,
        after: i64,
        date: NaiveDate,
    ) -> Vec<(&'a RevisionRow, NaiveDate)> {
        let Some(doc) = self.docs.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<_> = doc
            .changes
            .iter()
            .filter_map(|c| match (&c.status, c.revision) {
                (Status::Approved { effective, .. }, Some(rev))
                    if c.is_release() && rev.number > after && *effective <= date =>
                {
                    Some((rev, *effective))
                }
                _ => None,
            })
            .collect();
        out.sort_by_key(|(r, _)| r.number);
        out
    }

    /// Releases that took effect in `[from, to]`, newest first: (revision, effective date).
    pub fn effective_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<(&'a RevisionRow, NaiveDate)> {
        let mut out: Vec<_> = self
            .docs
            .values()
            .flat_map(|d| d.changes.iter())
            .filter_map(|c| match (&c.status, c.revision) {
                (Status::Approved { effective, .. }, Some(rev))
                    if c.is_release() && *effective >= from && *effective <= to =>
                {
                    Some((rev, *effective))
                }
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.doc_id.cmp(&b.0.doc_id)));
        out
    }
}
