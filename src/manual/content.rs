//! What goes into a published manual: the revisions in force on a date
//! (or, for a preview, the working copies marked as drafts), each with its
//! control block and history, the obsolete documents and what changed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{Days, NaiveDate};

use crate::model::control::{Control, Status};
use crate::model::records::Records;
use crate::model::translation::{Language, Translation, translation_id};
use crate::model::{Checklist, Interval, IntervalUnit, Sop};
use crate::workspace::{Config, Workspace, parse_snapshot_checklist, parse_snapshot_sop};

/// How far back the "What changed" page looks.
pub const WHAT_CHANGED_DAYS: u64 = 90;

/// What makes a preview page a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draft {
    /// The document was never released.
    Unreleased,
    /// The working copy differs from the revision in force `since`.
    Differs { revision: i64, since: NaiveDate },
}

impl Draft {
    /// The draft banner in the language `code`.
    pub fn said(self, code: Option<&str>) -> String {
        let (unreleased, differs) = super::words::draft_notes(code);
        match self {
            Draft::Unreleased => unreleased.to_string(),
            Draft::Differs { revision, since } => crate::words::fill(
                differs,
                &[
                    ("revision", &revision.to_string()),
                    ("since", &since.to_string()),
                ],
            ),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PageControl {
    pub revision: Option<i64>,
    pub effective: Option<NaiveDate>,
    pub approvers: Vec<String>,
    pub next_review: Option<NaiveDate>,
    pub history: Vec<HistoryRow>,
    /// Set on a preview page that shows a working copy: what makes it a draft.
    pub draft: Option<Draft>,
    /// On a page of a translated edition: the note that its translation is
    /// stale or missing (HTML, in the reader's language; `{source_url}`
    /// stands for the address of the source page).
    pub translation: Option<String>,
    /// On a page of a translated edition: the source revision its
    /// translation follows.
    pub follows: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub revision: i64,
    pub effective: NaiveDate,
    pub summary: String,
    pub author: String,
    pub approvers: Vec<String>,
    pub minor: bool,
}

#[derive(Debug, Clone)]
pub struct Obsolete {
    pub id: String,
    pub title: String,
    pub revision: i64,
    pub since: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Changed {
    pub id: String,
    pub title: String,
    pub revision: i64,
    pub effective: NaiveDate,
    pub summary: String,
}

/// Everything one publish renders.
#[derive(Debug, Clone)]
pub struct Manual {
    pub root: PathBuf,
    pub config: Config,
    pub sops: Vec<Sop>,
    pub checklists: Vec<Checklist>,
    pub control: BTreeMap<String, PageControl>,
    pub obsolete: Vec<Obsolete>,
    pub changed: Vec<Changed>,
    pub as_of: NaiveDate,
    pub drafts: bool,
    /// The quality dashboard, when there are inspection records.
    pub dashboard: Option<Dashboard>,
    /// The head of the audit chain the manual was published from: (event, hash, date).
    pub records_head: Option<(i64, String, String)>,
    /// The "Training status" chapter, when asked for (it names people).
    pub training: Option<TrainingStatus>,
    /// The manual in each language it is translated into, published under
    /// `<code>/` beside the source language's at the root.
    pub editions: Vec<Edition>,
    /// The language of an edition's pages (its code); none for the source's.
    pub language: Option<String>,
}

/// The manual in one language it is translated into: the same pages, with
/// each document's translation in force, else its source with a note.
#[derive(Debug, Clone)]
pub struct Edition {
    pub language: Language,
    pub manual: Manual,
}

/// The training status chapter: its data (template data) and its charts
/// (SVG files under `training/`).
#[derive(Debug, Clone)]
pub struct TrainingStatus {
    pub data: serde_json::Value,
    /// (file name, SVG).
    pub files: Vec<(String, String)>,
}

/// The numbers of the quality dashboard (template data), its pages of
/// control charts and its charts (SVG files), all under `dashboard/`.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub data: serde_json::Value,
    /// One page per checklist with measured items.
    pub pages: Vec<DashboardPage>,
    /// (file name, SVG).
    pub files: Vec<(String, String)>,
}

/// A dashboard page with the control charts of one checklist.
#[derive(Debug, Clone)]
pub struct DashboardPage {
    /// `cl-001`: the page is `dashboard/cl-001.html`.
    pub slug: String,
    /// The checklist's id, for a link to its page in the manual.
    pub checklist: String,
    /// "CL-001 Final inspection, PX-40 pump"
    pub title: String,
    pub data: serde_json::Value,
}

impl Manual {
    /// The manual exactly from the working files, every page a draft (no records needed).
    pub fn working_copies(ws: &Workspace, as_of: NaiveDate) -> Manual {
        Manual::build(ws, &Records::default(), as_of, true)
    }

    /// The manual in force on `as_of`; with `drafts`, working copies that
    /// differ from it (or were never released) are shown instead, marked.
    pub fn build(ws: &Workspace, records: &Records, as_of: NaiveDate, drafts: bool) -> Manual {
        let control = Control::new(records);
        let mut manual = Manual {
            root: ws.root.clone(),
            config: ws.config.clone(),
            sops: Vec::new(),
            checklists: Vec::new(),
            control: BTreeMap::new(),
            obsolete: Vec::new(),
            changed: Vec::new(),
            as_of,
            drafts,
            dashboard: None,
            records_head: None,
            training: None,
            editions: Vec::new(),
            language: None,
        };
        let name = |id: &str| {
            ws.config
                .person(id)
                .map_or_else(|| id.to_string(), |p| p.name.clone())
        };
        let mut ids: Vec<String> = control.source_ids().map(str::to_string).collect();
        ids.extend(ws.sops.iter().map(|s| s.id.clone()));
        ids.extend(ws.checklists.iter().map(|c| c.id.clone()));
        ids.sort();
        ids.dedup();
        for id in ids {
            let state = control.state(&id, as_of);
            if let Some(since) = state.retired {
                let last = state.effective.map(|(r, _)| r);
                let reason = control
                    .doc(&id)
                    .and_then(|d| d.changes.iter().rev().find(|c| !c.is_release()))
                    .map(|c| c.row.reason.clone())
                    .unwrap_or_default();
                manual.obsolete.push(Obsolete {
                    id: id.clone(),
                    title: last.map(|r| r.title.clone()).unwrap_or_default(),
                    revision: last.map_or(0, |r| r.number),
                    since,
                    reason,
                });
                continue;
            }
            let mut page = PageControl::default();
            if let Some(doc) = control.doc(&id) {
                for c in &doc.changes {
                    if let (Status::Approved { effective, .. }, Some(rev)) = (&c.status, c.revision)
                        && c.is_release()
                        && *effective <= as_of
                    {
                        page.history.push(HistoryRow {
                            revision: rev.number,
                            effective: *effective,
                            summary: rev.summary.clone(),
                            author: name(&rev.author),
                            approvers: c.approvals.iter().map(|s| name(&s.signer)).collect(),
                            minor: rev.minor,
                        });
                    }
                }
            }
            let working = ws.working(&id);
            let effective = state.effective;
            let use_working = drafts
                && working
                    .as_ref()
                    .is_some_and(|w| effective.is_none_or(|(rev, _)| rev.content != w.text));
            if use_working {
                page.draft = Some(match effective {
                    None => Draft::Unreleased,
                    Some((rev, since)) => Draft::Differs {
                        revision: rev.number,
                        since,
                    },
                });
                if let Some((rev, from)) = effective {
                    page.revision = Some(rev.number);
                    page.effective = Some(from);
                }
                if let Some(s) = ws.sop(&id) {
                    manual.sops.push(s.clone());
                } else if let Some(c) = ws.checklist(&id) {
                    manual.checklists.push(c.clone());
                }
                manual.control.insert(id, page);
                continue;
            }
            let Some((rev, from)) = effective else {
                continue;
            };
            page.revision = Some(rev.number);
            page.effective = Some(from);
            page.approvers = state.approvers.iter().map(|s| name(&s.signer)).collect();
            let interval = if rev.kind == crate::model::records::DocKind::Sop {
                match parse_snapshot_sop(&rev.path, &rev.content) {
                    Some(s) => {
                        let i = s.review_interval;
                        manual.sops.push(s);
                        i
                    }
                    None => continue,
                }
            } else {
                match parse_snapshot_checklist(&rev.path, &rev.content) {
                    Some(c) => {
                        manual.checklists.push(c);
                        Interval {
                            count: 12,
                            unit: IntervalUnit::Month,
                        }
                    }
                    None => continue,
                }
            };
            page.next_review = state.last_reviewed.and_then(|d| interval.after(d));
            manual.control.insert(id, page);
        }
        let since = as_of
            .checked_sub_days(Days::new(WHAT_CHANGED_DAYS))
            .unwrap_or(as_of);
        for (rev, effective) in control.effective_between(since, as_of) {
            if manual.obsolete.iter().any(|o| o.id == rev.doc_id) {
                continue;
            }
            manual.changed.push(Changed {
                id: rev.doc_id.clone(),
                title: rev.title.clone(),
                revision: rev.number,
                effective,
                summary: rev.summary.clone(),
            });
        }
        let order = |a: &str, b: &str| crate::workspace::id_order(a, b);
        manual.sops.sort_by(|a, b| order(&a.id, &b.id));
        manual.checklists.sort_by(|a, b| order(&a.id, &b.id));
        manual
    }
}

impl Manual {
    /// The manual in `language`: each SOP's title and text and each
    /// checklist's words from the translation in force on the manual's
    /// date (with drafts, the working translation file); a translation
    /// that follows an older revision than a substantive one in force gets
    /// a banner, a document with none is shown as written with a note.
    pub fn edition(&self, ws: &Workspace, records: &Records, language: &Language) -> Edition {
        let control = Control::new(records);
        let mut manual = self.clone();
        manual.editions = Vec::new();
        manual.language = Some(language.code.clone());
        let source_name = ws
            .config
            .source_language()
            .map_or_else(String::new, |l| l.name.clone());
        let code = language.code.as_str();
        let found = |id: &str| -> Option<Translation> {
            let tid = translation_id(id, code);
            if self.drafts
                && let Some(t) = ws.translation(&tid)
            {
                return Some(t.clone());
            }
            let state = control.state(&tid, self.as_of);
            let (rev, _) = state.effective.filter(|_| state.retired.is_none())?;
            crate::workspace::translation_file::parse_snapshot(&rev.path, &rev.content)
        };
        let note = |id: &str, t: Option<&Translation>| -> Option<String> {
            let Some(t) = t else {
                return Some(super::words::missing(code, &source_name));
            };
            let changed = control
                .releases_after(id, t.source_revision, self.as_of)
                .into_iter()
                .find(|(r, _)| !r.minor)?;
            Some(super::words::stale(
                code,
                id,
                t.source_revision,
                changed.0.number,
                &changed.0.summary,
            ))
        };
        for sop in &mut manual.sops {
            let t = found(&sop.id);
            if let Some(t) = &t {
                sop.title = t.title.clone();
                sop.body = t.body.clone();
            }
            if let Some(page) = manual.control.get_mut(&sop.id) {
                page.translation = note(&sop.id, t.as_ref());
                page.follows = t.as_ref().map(|t| t.source_revision);
            }
        }
        for c in &mut manual.checklists {
            let t = found(&c.id);
            if let Some(t) = &t {
                crate::ops::translations::apply(c, t);
            }
            if let Some(page) = manual.control.get_mut(&c.id) {
                page.translation = note(&c.id, t.as_ref());
                page.follows = t.as_ref().map(|t| t.source_revision);
            }
        }
        Edition {
            language: language.clone(),
            manual,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Draft;

    #[test]
    fn a_draft_banner_is_in_the_editions_language() {
        let since = chrono::NaiveDate::from_ymd_opt(2026, 10, 28).unwrap();
        let differs = Draft::Differs { revision: 2, since };
        assert_eq!(
            differs.said(None),
            "Draft: this working copy differs from revision 2 (in force since 2026-10-28); it has not been approved."
        );
        assert_eq!(
            differs.said(Some("nb")),
            "Utkast: denne arbeidskopien er ulik revisjon 2 (gjeldende fra 2026-10-28); den er ikke godkjent."
        );
        assert_eq!(
            Draft::Unreleased.said(Some("he")),
            "טיוטה: מסמך זה עדיין לא פורסם."
        );
    }
}
