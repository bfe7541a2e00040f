//! Tests of the rules, against the operations with a store in a temporary
//! folder and cheap password hashes: no process, no real argon2 cost.
//!
//! Each test builds its own small workspace ([`Bench::new`]) with:
//! - people `ann` (author), `bob` (approver), `cay` (approver and quality
//!   manager), `dan` (author and inspector, no approver role) and `ida`
//!   (inspector), all with the password [`PW`];
//! - section `QC` needing 2 approvals and section `WI` needing 1, both by
//!   the role `approver`;
//! - SOPs `QC-001` (12 months), `WI-001` and `WI-002` (6 months each) and
//!   the checklist `CL-001` (no interval of its own; items `label`,
//!   `length` 119.5..120.5 mm, `finish`).
//!
//! The clock starts at noon UTC on 2 March 2026 and only moves when a test
//! moves it ([`Bench::on`]).

mod adopt;
mod documents;
mod due;
mod floor;
mod inspections;
mod lots;
mod manage;
mod nc;
mod pages;
mod passwords;
mod photos;
mod publish;
mod refusals;
mod scorecard;
mod training;
mod translations;

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use tempfile::TempDir;

use super::documents::{self as docs, ReleaseInput};
use super::inspections::{self as ins, Entry, Recorded, StartInput};
use super::records::{self, StatusRow};
use super::signing::Fixed;
use super::{Clock, Context, Kdf, Settings, people};
use crate::error::{ErrorKind, Result};
use crate::model::records::EventRow;
use crate::workspace::Workspace;

/// Everyone's signing password.
pub(super) const PW: &str = "pw-123456";

const CONFIG: &str = r#"[organisation]
name = "Rule Works"

[manual]
title = "Rule Manual"

[[role]]
id = "author"
name = "Author"

[[role]]
id = "approver"
name = "Approver"

[[role]]
id = "inspector"
name = "Inspector"

[[role]]
id = "quality-manager"
name = "Quality manager"

[[person]]
id = "ann"
name = "Ann Author"
roles = ["author"]

[[person]]
id = "bob"
name = "Bob Approver"
roles = ["approver"]

[[person]]
id = "cay"
name = "Cay Manager"
roles = ["approver", "quality-manager"]

[[person]]
id = "dan"
name = "Dan Doer"
roles = ["author", "inspector"]

[[person]]
id = "ida"
name = "Ida Inspector"
roles = ["inspector"]

[approval]
required = 1
roles = ["approver"]

[[section]]
id = "QC"
title = "Quality control"
dir = "quality"
approvals = 2

[[section]]
id = "WI"
title = "Work instructions"
dir = "work"
"#;

const QC_001: &str = r#"+++
id = "QC-001"
title = "Final inspection"
section = "QC"
owner = "quality-manager"
roles = ["inspector"]
review_interval = "12 months"
checklists = ["CL-001"]
+++

## Steps

1. Take the unit off the line.
2. Work through the final inspection form.
"#;

const WI_001: &str = r#"+++
id = "WI-001"
title = "Packing"
section = "WI"
owner = "author"
roles = ["inspector"]
review_interval = "6 months"
+++

## Steps

1. Wrap the unit.
2. Put it in the box.
"#;

const WI_002: &str = r#"+++
id = "WI-002"
title = "Labelling"
section = "WI"
owner = "author"
roles = ["inspector"]
review_interval = "6 months"
+++

## Steps

1. Print the label.
2. Stick it on the box.
"#;

/// CL-001 as first written (the sampling tests add a plan to it).
pub(super) const CL_001_TEXT: &str = CL_001;

const CL_001: &str = r#"id = "CL-001"
title = "Final inspection"
sop = "QC-001"

[[item]]
id = "label"
prompt = "Label present and legible"
kind = "pass_fail"
critical = true

[[item]]
id = "length"
prompt = "Overall length"
kind = "measure"
unit = "mm"
nominal = 120.0
lower = 119.5
upper = 120.5

[[item]]
id = "finish"
prompt = "Finish"
kind = "choice"
options = ["good", "marked", "damaged"]
pass = ["good", "marked"]
"#;

/// Where each document's file is, relative to the workspace.
pub(super) fn path_of(id: &str) -> &'static str {
    match id {
        "QC-001" => "manual/quality/final-inspection.md",
        "WI-001" => "manual/work/packing.md",
        "WI-002" => "manual/work/labelling.md",
        "CL-001" => "checklists/final-inspection.toml",
        other => panic!("no file for {other} in the test workspace"),
    }
}

/// Noon UTC on a day: the same calendar day in any time zone within ±11 h.
pub(super) fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The kind of an error, or a panic that shows what succeeded instead.
pub(super) fn kind<T: std::fmt::Debug>(r: Result<T>) -> ErrorKind {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.kind,
    }
}

/// How many rows of each kind the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rows {
    pub revisions: usize,
    pub changes: usize,
    pub signatures: usize,
    pub events: usize,
}

/// A workspace in a temporary folder and a context over it.
pub(super) struct Bench {
    pub dir: TempDir,
    pub ctx: Context,
}

impl Bench {
    /// The workspace, everyone's password set, the clock on 2 March 2026.
    pub fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "sopbook.toml", CONFIG);
        for id in ["QC-001", "WI-001", "WI-002", "CL-001"] {
            let text = match id {
                "QC-001" => QC_001,
                "WI-001" => WI_001,
                "WI-002" => WI_002,
                _ => CL_001,
            };
            write(root, path_of(id), text);
        }
        let ws = Workspace::load(root).unwrap();
        let errors: Vec<_> = ws.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(
            errors.is_empty(),
            "the test workspace has errors: {errors:?}"
        );
        let mut ctx = Context::with_workspace(ws, Settings::default())
            .with_passwords(Box::new(Fixed(PW.into())));
        ctx.kdf = Kdf::Cheap;
        ctx.clock = Clock::Fixed(at(2026, 3, 2));
        for id in ["ann", "bob", "cay", "dan", "ida"] {
            people::set_password(&mut ctx, id, None, PW).unwrap();
        }
        Bench { dir, ctx }
    }

    /// Moves the clock to noon UTC on a day.
    pub fn on(&mut self, y: i32, m: u32, d: u32) -> &mut Self {
        self.ctx.clock = Clock::Fixed(at(y, m, d));
        self
    }

    /// Rewrites a document's file and reloads the workspace.
    pub fn edit(&mut self, id: &str, text: &str) {
        write(self.dir.path(), path_of(id), text);
        self.ctx
            .set_workspace(Workspace::load(self.dir.path()).unwrap());
    }

    /// Adds a line to a document's text (an SOP's body).
    pub fn amend(&mut self, id: &str, line: &str) {
        let path = self.dir.path().join(path_of(id));
        let mut text = std::fs::read_to_string(path).unwrap();
        text.push_str(line);
        text.push('\n');
        self.edit(id, &text);
    }

    /// A release with a summary, no effective date, not minor.
    pub fn release(&mut self, id: &str, actor: &str) -> Result<docs::InReview> {
        docs::release(
            &mut self.ctx,
            ReleaseInput {
                id,
                summary: "First issue",
                effective: None,
                minor: false,
                actor,
            },
        )
    }

    pub fn approve(&mut self, id: &str, actor: &str) -> Result<docs::Approved> {
        docs::approve(&mut self.ctx, id, actor)
    }

    /// Released by ann and approved by as many approvers as the section
    /// needs, today: effective today.
    pub fn make_effective(&mut self, id: &str) {
        self.release(id, "ann").unwrap();
        let mut last = self.approve(id, "bob").unwrap();
        if last.effective.is_none() {
            last = self.approve(id, "cay").unwrap();
        }
        assert_eq!(last.effective, Some(self.ctx.today()));
    }

    /// One document's line of `sopbook status`.
    pub fn status(&mut self, id: &str) -> StatusRow {
        records::status(&mut self.ctx)
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id} is not in the status"))
    }

    pub fn events(&mut self) -> Vec<EventRow> {
        self.ctx.store().unwrap().events().unwrap()
    }

    pub fn rows(&mut self) -> Rows {
        let events = self.events().len();
        let r = self.ctx.store().unwrap().records().unwrap();
        Rows {
            revisions: r.revisions.len(),
            changes: r.changes.len(),
            signatures: r.signatures.len(),
            events,
        }
    }

    /// CL-001 made effective today, so that inspections can use it.
    pub fn checklist_in_force(&mut self) {
        self.release("CL-001", "ann").unwrap();
        let a = self.approve("CL-001", "bob").unwrap();
        assert!(a.effective.is_some(), "CL-001 needs one approval");
    }

    /// Records an inspection of CL-001 by ida, re-inspecting `reinspect` if given.
    pub fn inspect(&mut self, lot: &str, entries: [&str; 3], reinspect: Option<&str>) -> Recorded {
        let form = ins::start(
            &mut self.ctx,
            StartInput {
                checklist: "CL-001",
                lot,
                serial: None,
                inspector: "ida",
                station: "bench-1",
                reinspect,
            },
        )
        .unwrap();
        ins::record(&mut self.ctx, &form, &entries_of(entries), &[]).unwrap()
    }
}

/// Entries for CL-001's items label, length and finish.
pub(super) fn entries_of([label, length, finish]: [&str; 3]) -> Vec<Entry> {
    [("label", label), ("length", length), ("finish", finish)]
        .into_iter()
        .map(|(item, value)| Entry {
            item: item.into(),
            value: value.into(),
            note: String::new(),
        })
        .collect()
}

/// All three items pass.
pub(super) const PASS: [&str; 3] = ["p", "120.0", "good"];
/// The length is 0.6 mm over.
pub(super) const LONG: [&str; 3] = ["p", "121.1", "good"];
/// No label and too long.
pub(super) const BAD: [&str; 3] = ["f", "121.1", "good"];

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
