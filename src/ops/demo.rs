//! `sopbook demo`: the sample records. Sets signing passwords for everyone
//! in sopbook.toml, then plays a year of document control on a simulated
//! clock (releases, approvals, a rejection, editorial and scheduled
//! revisions, a periodic review, a retirement), twelve weeks of
//! inspections with their nonconformances, and publishes the manual. Every
//! step goes through the same operations a person's commands use, so the
//! history obeys the same rules. It writes records only into an empty
//! store, so running it again just publishes.

use std::path::PathBuf;

use chrono::{DateTime, Days, Local, NaiveTime, Utc};
use serde::Serialize;

use super::documents::ReleaseInput;
use super::inspections::{Entry, Header, effective_checklist, prepare_with, record_prepared};
use super::nc::{StepInput, StepKind};
use super::publish::{PublishInput, Published};
use super::signing::{Fixed, Kdf};
use super::training::Shown;
use super::{Clock, Context};
use crate::error::{Error, ErrorKind, Result};
use crate::model::Person;
use crate::model::control::local_date;
use crate::workspace::{Workspace, parse_snapshot_sop};

/// Every sample person's signing password.
pub const DEMO_PASSWORD: &str = "nordvann-demo";

/// How many days before today the simulated history starts.
const HISTORY_DAYS: u64 = 400;

const FAX_PATH: &str = "manual/customer-service/fax-orders.md";
const FAX_SOP: &str = "+++
id = \"CS-006\"
title = \"Taking orders by fax\"
section = \"CS\"
owner = \"service-lead\"
roles = [\"cs-rep\"]
review_interval = \"12 months\"
+++

## Purpose

Some farm customers still order by fax. This procedure makes sure a faxed
order is entered the same day.

## Steps

1. Check the fax tray at 09:00 and 14:00.
2. Enter each order in the order system and write the order number on the fax.
3. Call the customer back to confirm the delivery date.
";

/// What a release says: its summary, whether it is editorial, when it takes effect.
struct Step<'s> {
    summary: &'s str,
    minor: bool,
    effective: Option<String>,
}

fn step(summary: &str) -> Step<'_> {
    Step {
        summary,
        minor: false,
        effective: None,
    }
}

struct Demo<'a> {
    ctx: &'a mut Context,
    /// The workspace as it is on disk.
    ws: std::sync::Arc<Workspace>,
    start: DateTime<Utc>,
    /// How many signed steps were recorded.
    steps: usize,
    /// What could not be played, and why.
    skipped: Vec<String>,
}

impl Demo<'_> {
    /// A moment `day` days into the simulated history, at `hour` local time.
    fn at(&self, day: u64, hour: u32) -> DateTime<Utc> {
        let date = self.start.with_timezone(&Local).date_naive() + Days::new(day);
        let time = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default();
        date.and_time(time)
            .and_local_timezone(Local)
            .earliest()
            .map_or(self.start, |t| t.with_timezone(&Utc))
    }

    /// Sets the simulated clock and the workspace the next step sees.
    fn on(&mut self, now: DateTime<Utc>, ws: &Workspace) -> &mut Context {
        self.ctx.clock = Clock::Fixed(now);
        self.ctx.set_workspace(ws.clone());
        self.steps += 1;
        self.ctx
    }

    /// The people who may author and approve a document, per the rules in sopbook.toml.
    fn signers(&self, id: &str) -> Option<(Person, Vec<Person>)> {
        let config = &self.ws.config;
        let rule = config.approval_for_doc(id);
        let owner = self.ws.sop(id).map(|s| s.owner.clone()).unwrap_or_default();
        let approver =
            |p: &Person| rule.roles.is_empty() || p.roles.iter().any(|r| rule.roles.contains(r));
        let author = config
            .people
            .iter()
            .find(|p| p.id == owner || p.roles.contains(&owner))
            .or_else(|| config.people.iter().find(|p| !approver(p)))
            .or(config.people.first())?
            .clone();
        let approvers: Vec<Person> = config
            .people
            .iter()
            .filter(|p| p.id != author.id && approver(p))
            .take(rule.required as usize)
            .cloned()
            .collect();
        (approvers.len() == rule.required as usize).then_some((author, approvers))
    }

    /// Releases `text` as the next revision of `id` on `day` and, unless
    /// `approve_on` is `None`, has it approved on that day.
    fn revise(
        &mut self,
        id: &str,
        text: Option<String>,
        day: u64,
        change: Step<'_>,
        approve_on: Option<u64>,
    ) -> Result<()> {
        let Step {
            summary,
            minor,
            effective,
        } = change;
        let Some((author, approvers)) = self.signers(id) else {
            self.skipped
                .push(format!("{id}: not enough approvers in sopbook.toml"));
            return Ok(());
        };
        let variant = match text {
            Some(t) => with_text(&self.ws, id, t),
            None => (*self.ws).clone(),
        };
        let now = self.at(day, 9);
        super::documents::release(
            self.on(now, &variant),
            ReleaseInput {
                id,
                summary,
                effective: effective.as_deref(),
                minor,
                actor: &author.id,
            },
        )?;
        if let Some(approve_day) = approve_on {
            for (i, a) in approvers.iter().enumerate() {
                let now = self.at(approve_day, 10 + i as u32);
                super::documents::approve(self.on(now, &variant), id, &a.id)?;
            }
        }
        Ok(())
    }
}

/// A copy of the workspace in which document `id` has the text `text`.
fn with_text(ws: &Workspace, id: &str, text: String) -> Workspace {
    let mut variant = ws.clone();
    let path = ws
        .working(id)
        .map_or_else(|| FAX_PATH.to_string(), |w| w.path.to_string());
    if ws.working(id).is_none()
        && let Some(sop) = parse_snapshot_sop(&path, &text)
    {
        variant.sops.push(sop);
    }
    variant.sources.insert(path, text);
    variant
}

/// The document's text without its last `n` `## ` sections: an earlier draft of it.
fn without_sections(text: &str, n: usize) -> String {
    let starts: Vec<usize> = text.match_indices("\n## ").map(|(i, _)| i + 1).collect();
    if starts.len() <= n {
        return text.to_string();
    }
    text[..starts[starts.len() - n]].trim_end().to_string() + "\n"
}

/// What the demo recorded and published.
#[derive(Debug, Clone, Serialize)]
pub struct DemoRun {
    /// False when the records already held history and were only published.
    pub recorded: bool,
    pub steps: usize,
    pub people: usize,
    pub inspections: usize,
    pub skipped: Vec<String>,
    pub published: Published,
    pub password: &'static str,
    /// The demo person who inspects (the first with the role `inspector`),
    /// to sign in as on the floor.
    pub inspector: Option<String>,
}

/// Records the sample history into an empty store, then publishes.
pub fn demo(ctx: &mut Context, out: Option<PathBuf>, progress: bool) -> Result<DemoRun> {
    let ws = ctx.workspace()?;
    if ws.has_errors() {
        let errors: Vec<_> = ws
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        return Err(Error::new(
            ErrorKind::Blocked,
            "the workspace has problems; fix them before running the demo",
        )
        .with_diagnostics(errors, &ws.sources));
    }
    if ws.config.people.is_empty() {
        return Err(Error::invalid(
            "sopbook.toml lists no people to sign; the demo needs [[person]] tables",
        ));
    }
    let fresh = ctx.store()?.events()?.is_empty();
    let mut run = DemoRun {
        recorded: fresh,
        steps: 0,
        people: ws.config.people.len(),
        inspections: 0,
        skipped: Vec::new(),
        published: placeholder(),
        password: DEMO_PASSWORD,
        inspector: ws
            .config
            .people
            .iter()
            .find(|p| p.roles.iter().any(|r| r == "inspector"))
            .map(|p| p.id.clone()),
    };
    if fresh {
        let real_now = ctx.now();
        let (clock, kdf) = (ctx.clock, ctx.kdf);
        let passwords =
            std::mem::replace(&mut ctx.passwords, Box::new(Fixed(DEMO_PASSWORD.into())));
        // The sample people's password is printed in the README: cheap hashes lose nothing.
        ctx.kdf = Kdf::Cheap;
        let mut demo = Demo {
            ctx: &mut *ctx,
            ws: ws.clone(),
            start: real_now - Days::new(HISTORY_DAYS),
            steps: 0,
            skipped: Vec::new(),
        };
        let played = play(&mut demo).and_then(|()| inspections(&mut demo, real_now));
        run.steps = demo.steps;
        run.skipped = std::mem::take(&mut demo.skipped);
        ctx.clock = clock;
        ctx.kdf = kdf;
        ctx.passwords = passwords;
        ctx.set_workspace((*ws).clone());
        run.inspections = played?;
    }
    // The sample people are made up: their training status is shown.
    run.published = super::publish::publish(
        ctx,
        PublishInput {
            out,
            progress,
            training: true,
            ..PublishInput::default()
        },
    )?;
    Ok(run)
}

fn placeholder() -> Published {
    Published {
        as_of: chrono::NaiveDate::default(),
        drafts: false,
        sops: 0,
        checklists: 0,
        pages: 0,
        books: 0,
        books_built: 0,
        out: PathBuf::new(),
        index: PathBuf::new(),
        languages: Vec::new(),
    }
}

fn play(d: &mut Demo<'_>) -> Result<()> {
    let ws = d.ws.clone();
    let ws = &*ws;
    let today = HISTORY_DAYS;
    for p in &ws.config.people {
        let now = d.at(0, 8);
        super::people::set_password(d.on(now, ws), &p.id, None, DEMO_PASSWORD)?;
    }
    let text = |id: &str| ws.working(id).map(|w| w.text.to_string());

    // The first issue of every document, a few a day.
    let mut ids: Vec<String> = ws
        .sops
        .iter()
        .map(|s| s.id.clone())
        .chain(ws.checklists.iter().map(|c| c.id.clone()))
        .collect();
    ids.sort_by(|a, b| crate::workspace::id_order(a, b));
    let mut first_issue = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let day = 1 + 3 * k as u64;
        first_issue.push((id.clone(), day));
        let first = match (id.as_str(), text(id)) {
            ("QC-001", Some(t)) | ("CS-004", Some(t)) => Some(without_sections(&t, 2)),
            ("CS-001", Some(t)) if t.contains("customer") => {
                Some(t.replacen("customer", "client", 1))
            }
            ("QC-004", Some(t)) | ("QMS-001", Some(t)) => Some(without_sections(&t, 1)),
            ("CL-001", Some(t)) if t.contains("upper = 66.0") => {
                Some(t.replace("upper = 66.0", "upper = 68.0"))
            }
            _ => None,
        };
        d.revise(id, first, day, step("First issue"), Some(day + 1))?;
    }
    let has = |id: &str| ws.working(id).is_some();
    // A procedure that was later retired, and its file removed.
    d.revise(
        "CS-006",
        Some(FAX_SOP.to_string()),
        3,
        step("First issue"),
        Some(4),
    )?;
    if let Some((author, approvers)) = d.signers("CS-006") {
        let fax = with_text(ws, "CS-006", FAX_SOP.to_string());
        let now = d.at(300, 9);
        super::documents::retire(
            d.on(now, &fax),
            "CS-006",
            "We stopped taking orders by fax on 1 October",
            None,
            &author.id,
        )?;
        for (i, a) in approvers.iter().enumerate() {
            let now = d.at(301, 10 + i as u32);
            super::documents::approve(d.on(now, &fax), "CS-006", &a.id)?;
        }
    }
    if has("QC-001") {
        let t = text("QC-001").unwrap_or_default();
        d.revise(
            "QC-001",
            Some(without_sections(&t, 1)),
            150,
            step("Added what to do when no second person is on shift"),
            Some(152),
        )?;
        d.revise(
            "QC-001",
            None,
            360,
            step("Added the records section: what is kept and for how long"),
            Some(361),
        )?;
    }
    if has("CS-001") {
        d.revise(
            "CS-001",
            None,
            340,
            Step {
                summary: "Editorial: clearer wording of step 5",
                minor: true,
                effective: None,
            },
            Some(340),
        )?;
    }
    if has("CL-001") && text("CL-001").is_some_and(|t| t.contains("upper = 66.0")) {
        d.revise(
            "CL-001",
            None,
            370,
            step("Noise limit tightened from 68 to 66 dB(A) after complaints about noisy pumps"),
            Some(371),
        )?;
    }
    if has("CS-004") {
        let t = text("CS-004").unwrap_or_default();
        d.revise(
            "CS-004",
            Some(without_sections(&t, 1)),
            350,
            step("Added how we ask for feedback"),
            None,
        )?;
        if let Some((_, approvers)) = d.signers("CS-004") {
            let variant = with_text(ws, "CS-004", without_sections(&t, 1));
            let now = d.at(351, 11);
            super::documents::reject(
                d.on(now, &variant),
                "CS-004",
                "Also say how we use the answers; see the scorecard",
                &approvers[0].id,
            )?;
        }
        d.revise(
            "CS-004",
            None,
            355,
            step("Added how we ask for feedback and how the answers are used"),
            Some(356),
        )?;
    }
    // Periodic reviews with no change: a sweep of what fell due, leaving two
    // overdue; CS-003 and QC-004 (reviewed every 6 months) were seen once.
    let mut reviews: Vec<(String, u64)> = first_issue
        .iter()
        .filter(|(id, day)| day + 365 < today && id != "CS-003" && id != "CL-004" && id != "QC-004")
        .enumerate()
        .map(|(k, (id, _))| (id.clone(), 330 + k as u64 % 25))
        .collect();
    reviews.push(("CS-003".into(), 180));
    reviews.push(("QC-004".into(), 200));
    for (id, day) in reviews {
        let id = id.as_str();
        if has(id)
            && let Some((_, approvers)) = d.signers(id)
        {
            let now = d.at(day, 14);
            super::documents::review(
                d.on(now, ws),
                id,
                "Read through with the team; still how we work",
                &approvers[0].id,
            )?;
        }
    }
    // An approved revision that takes effect in two weeks.
    if has("QC-004") {
        let effective = (local_date(d.at(today, 12)) + Days::new(14)).to_string();
        d.revise(
            "QC-004",
            None,
            today - 5,
            Step {
                summary: "New torque check after the bearing change",
                minor: false,
                effective: Some(effective),
            },
            Some(today - 4),
        )?;
    }
    // A revision waiting for approval.
    if has("QMS-001") {
        d.revise(
            "QMS-001",
            None,
            today - 2,
            step("Added the periodic review step"),
            None,
        )?;
    }
    translations(d, ws, today)?;
    readings(d, ws, today)
}

/// Each translation file of the workspace released a few days after the
/// source revision it names took effect, by someone who reads its
/// language, and approved by another who does and may approve it. A
/// translation of a revision that a substantive one replaced later stays
/// stale: the manual and `sopbook translations` show it so.
fn translations(d: &mut Demo<'_>, ws: &Workspace, today: u64) -> Result<()> {
    let start = local_date(d.at(0, 12));
    for file in &ws.translations {
        let t = &file.translation;
        let records = d.ctx.store()?.records_of(&t.source)?;
        let control = crate::model::control::Control::new(&records);
        let took_effect = control.doc(&t.source).and_then(|doc| {
            doc.changes
                .iter()
                .find_map(|c| match (&c.status, c.revision) {
                    (crate::model::control::Status::Approved { effective, .. }, Some(r))
                        if r.number == t.source_revision =>
                    {
                        Some(*effective)
                    }
                    _ => None,
                })
        });
        let Some(took_effect) = took_effect else {
            d.skipped.push(format!(
                "{}: {} revision {} never took effect",
                t.id, t.source, t.source_revision
            ));
            continue;
        };
        let day = u64::try_from((took_effect - start).num_days()).unwrap_or(0) + 3;
        if day + 1 >= today {
            continue;
        }
        let rule = ws.config.approval_for_doc(&t.id);
        let may_approve = |p: &Person| {
            p.reads(&t.language)
                && (rule.roles.is_empty() || p.roles.iter().any(|r| rule.roles.contains(r)))
        };
        let readers: Vec<&Person> = ws
            .config
            .people
            .iter()
            .filter(|p| p.reads(&t.language))
            .collect();
        let author = readers
            .iter()
            .find(|p| !may_approve(p))
            .or_else(|| readers.first())
            .copied();
        let approver = readers
            .iter()
            .find(|p| author.is_none_or(|a| a.id != p.id) && may_approve(p))
            .copied();
        let (Some(author), Some(approver)) = (author, approver) else {
            d.skipped
                .push(format!("{}: nobody to translate and approve it", t.id));
            continue;
        };
        let now = d.at(day, 9);
        super::documents::release(
            d.on(now, ws),
            ReleaseInput {
                id: &t.id,
                summary: "First translation",
                effective: None,
                minor: false,
                actor: &author.id,
            },
        )?;
        let now = d.at(day + 1, 10);
        super::documents::approve(d.on(now, ws), &t.id, &approver.id)?;
    }
    Ok(())
}

/// Read-and-understood records at different stages: everyone there reads
/// what is in force on day 120 (a leaver too, while still here); then all
/// but the first inspector read again after the later revisions, so that
/// one is behind after a substantive revision; someone who started lately
/// has read the first half of their reading list, in order.
fn readings(d: &mut Demo<'_>, ws: &Workspace, today: u64) -> Result<()> {
    let behind = ws
        .config
        .people
        .iter()
        .find(|p| p.roles.iter().any(|r| r == "inspector"))
        .map(|p| p.id.clone());
    let first_day = local_date(d.at(0, 12));
    let new_hire = |p: &Person| p.start.is_some_and(|s| s > first_day);
    let read_all = |d: &mut Demo<'_>, p: &Person, day: u64| -> Result<()> {
        let now = d.at(day, 15);
        let date = local_date(now);
        if p.left_by(date) || p.start.is_some_and(|s| s > date) {
            return Ok(());
        }
        let ctx = d.on(now, ws);
        let list = super::training::reading_list(ctx, &p.id)?;
        let shown: Vec<Shown> = list.to_read.iter().map(Shown::from).collect();
        if !shown.is_empty() {
            super::training::ack_all_due(ctx, &p.id, &shown)?;
        }
        Ok(())
    };
    for p in ws.config.people.iter().filter(|p| !new_hire(p)) {
        read_all(d, p, 120)?;
    }
    for p in ws.config.people.iter().filter(|p| !new_hire(p)) {
        if Some(&p.id) != behind.as_ref() {
            read_all(d, p, today - 3)?;
        }
    }
    for p in ws.config.people.iter().filter(|p| new_hire(p)) {
        let now = d.at(today - 1, 15);
        if p.start.is_some_and(|s| s > local_date(now)) {
            continue;
        }
        let ctx = d.on(now, ws);
        let list = super::training::reading_list(ctx, &p.id)?;
        for r in list.to_read.iter().take(list.to_read.len().div_ceil(2)) {
            super::training::ack(ctx, &r.doc_id, &p.id)?;
        }
    }
    Ok(())
}

/// A small deterministic random source, so that every demo tells the same story.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal, mean 0, standard deviation 1 (sum of twelve uniforms).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

/// A value for an item: mostly good, sometimes not; `drift` moves measurements up.
fn sample_value(item: &crate::model::Item, rng: &mut Rng, drift: f64, serial: &str) -> String {
    use crate::model::ItemKind;
    match &item.kind {
        ItemKind::PassFail => {
            let p_fail = if item.critical { 0.004 } else { 0.02 };
            if rng.next() < p_fail {
                "f".into()
            } else {
                "p".into()
            }
        }
        ItemKind::Measure {
            nominal,
            lower,
            upper,
            ..
        } => {
            let (centre, spread) = match (lower, upper, nominal) {
                (Some(l), Some(u), _) => ((l + u) / 2.0, (u - l) / 8.0),
                (Some(l), None, Some(n)) => (*n, (n - l).abs() / 6.0),
                (None, Some(u), Some(n)) => (*n, (u - n).abs() / 4.0),
                (Some(l), None, None) => (l * 2.0, l.abs() / 4.0),
                (None, Some(u), None) => (u / 2.0, u.abs() / 6.0),
                (None, None, n) => (n.unwrap_or(0.0), 1.0),
            };
            let spread = if spread > 0.0 { spread } else { 0.1 };
            let mut x = centre + spread * (rng.normal() + drift);
            if let (Some(l), None) = (lower, upper) {
                x = x.max(*l * 0.5);
            }
            if upper.is_some() && lower.is_none() {
                x = x.max(0.0);
            }
            format!("{:.3}", x)
        }
        ItemKind::Choice { options, pass } => {
            if rng.next() < 0.03 {
                options
                    .iter()
                    .find(|o| !pass.contains(o))
                    .unwrap_or(&options[0])
                    .clone()
            } else {
                pass[0].clone()
            }
        }
        ItemKind::Count { max } => {
            let r = rng.next();
            (if r < 0.02 {
                max + 1
            } else if r < 0.3 {
                1.min(*max)
            } else {
                0
            })
            .to_string()
        }
        ItemKind::Text => serial.to_string(),
    }
}

/// Twelve weeks of inspections on the line, with their nonconformances.
fn inspections(d: &mut Demo<'_>, real_now: DateTime<Utc>) -> Result<usize> {
    use crate::model::ItemKind;
    let ws = d.ws.clone();
    let inspectors: Vec<Person> = ws
        .config
        .people
        .iter()
        .filter(|p| p.roles.iter().any(|r| r == "inspector"))
        .cloned()
        .collect();
    let Some(manager) = ws
        .config
        .people
        .iter()
        .find(|p| p.roles.iter().any(|r| r == "quality-manager"))
        .cloned()
    else {
        return Ok(0);
    };
    if inspectors.is_empty() {
        return Ok(0);
    }
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let daily: [(&str, usize); 4] = [("CL-001", 4), ("CL-006", 2), ("CL-003", 1), ("CL-002", 1)];
    let mut total = 0;
    // (inspection, nonconformance, when it was inspected, checklist)
    let mut failed: Vec<(i64, i64, DateTime<Utc>, String)> = Vec::new();
    let first_day = HISTORY_DAYS - 84;
    for day in first_day..HISTORY_DAYS {
        let when = d.at(day, 8);
        let weekday = chrono::Datelike::weekday(&when.with_timezone(&Local).date_naive())
            .num_days_from_monday();
        if weekday >= 5 {
            continue;
        }
        let mut batch = Vec::new();
        let mut times = Vec::new();
        for (checklist_id, per_day) in daily {
            let records = d.ctx.store()?.records_of(checklist_id)?;
            let Ok((rev, checklist)) =
                effective_checklist(&records, checklist_id, local_date(when))
            else {
                continue;
            };
            for k in 0..per_day {
                let serial = format!("{}-{}-{:05}", checklist_id.replace("CL-00", "PX"), day, k);
                // The outlet pressure of the PX-40 creeps up over the last three weeks.
                let drift = if checklist_id == "CL-001" && day + 21 >= HISTORY_DAYS {
                    1.6
                } else {
                    0.0
                };
                let entries: Vec<Entry> = checklist
                    .items
                    .iter()
                    .map(|item| {
                        let drift = if item.id.contains("pressure")
                            && matches!(item.kind, ItemKind::Measure { .. })
                        {
                            drift
                        } else {
                            0.0
                        };
                        Entry {
                            item: item.id.clone(),
                            value: sample_value(item, &mut rng, drift, &serial),
                            note: String::new(),
                        }
                    })
                    .collect();
                let inspector = &inspectors[(day as usize + k) % inspectors.len()];
                let at = d.at(day, 9 + k as u32);
                let header = Header {
                    lot: format!("L{}", local_date(at).format("%y%m%d")),
                    serial: Some(serial),
                    inspector: inspector.id.clone(),
                    station: "line-1".to_string(),
                    reinspects: None,
                    at,
                };
                batch.push(prepare_with(&rev, &checklist, &header, &entries)?);
                times.push((at, checklist_id));
            }
        }
        total += batch.len();
        // The day's inspections reach the records together at the end of the shift.
        let end_of_shift = d.at(day, 14);
        let ids = record_prepared(d.on(end_of_shift, &ws), &inspectors[0].id, batch)?;
        for ((id, nc), (at, cl)) in ids.into_iter().zip(times) {
            if let Some(nc) = nc {
                failed.push((id, nc, at, cl.to_string()));
            }
        }
    }
    // Work the nonconformances: older ones reworked and closed or scrapped, recent ones still open.
    let now_day = HISTORY_DAYS;
    for (k, (inspection, nc, when, checklist_id)) in failed.iter().enumerate() {
        let age = (real_now - *when).num_days();
        if age < 5 {
            continue;
        }
        let nc = super::inspections::nc_name(*nc);
        let disposition = match k % 5 {
            0..=2 => "rework",
            3 => "scrap",
            _ => "use-as-is",
        };
        let at = *when + chrono::Duration::hours(3);
        let step = |kind, value, sop| StepInput {
            kind,
            value,
            sop,
            note: "",
        };
        super::nc::step(
            d.on(at, &ws),
            &nc,
            step(StepKind::Disposition, disposition, None),
            &manager.id,
        )?;
        let changes_sop = k % 7 == 0 && ws.sop("QC-004").is_some();
        if changes_sop {
            super::nc::step(
                d.on(at, &ws),
                &nc,
                step(
                    StepKind::Action,
                    "Add a torque check of the pump head bolts to the in-process checks",
                    Some("QC-004"),
                ),
                &manager.id,
            )?;
        }
        if age < 12 && k % 2 == 0 {
            continue;
        }
        if disposition == "rework" {
            let reinspect_at = *when + chrono::Duration::hours(26);
            let records = d.ctx.store()?.records_of(checklist_id)?;
            let Ok((rev, checklist)) =
                effective_checklist(&records, checklist_id, local_date(reinspect_at))
            else {
                continue;
            };
            let original = d
                .ctx
                .store()?
                .inspections(&crate::store::InspectionFilter {
                    id: Some(*inspection),
                    ..Default::default()
                })?;
            let Some(original) = original.into_iter().next() else {
                continue;
            };
            let entries: Vec<Entry> = checklist
                .items
                .iter()
                .map(|item| Entry {
                    item: item.id.clone(),
                    value: good_value(item, &mut rng, &original.serial),
                    note: "after rework".into(),
                })
                .collect();
            let header = Header {
                lot: original.lot.clone(),
                serial: Some(original.serial.clone()),
                inspector: original.inspector.clone(),
                station: "rework-bench".to_string(),
                reinspects: Some(*inspection),
                at: reinspect_at,
            };
            let p = prepare_with(&rev, &checklist, &header, &entries)?;
            record_prepared(d.on(reinspect_at, &ws), &original.inspector, vec![p])?;
            total += 1;
        }
        let close_at = *when + chrono::Duration::hours(30);
        // Some accepted as they are wait for the customer's agreement, and those
        // whose corrective action changes QC-004 wait for that change to take
        // effect: dispositioned, not closed.
        if close_at < d.at(now_day, 0)
            && !(disposition == "use-as-is" && k % 2 == 0)
            && !changes_sop
        {
            super::nc::step(
                d.on(close_at, &ws),
                &nc,
                step(StepKind::Close, "", None),
                &manager.id,
            )?;
        }
    }
    Ok(total)
}

/// A value that passes: what a unit measures after rework.
fn good_value(item: &crate::model::Item, rng: &mut Rng, serial: &str) -> String {
    use crate::model::ItemKind;
    // Drawn even when replaced, so that the sample stays the same from run to run.
    let drawn = sample_value(item, rng, 0.0, serial);
    match &item.kind {
        ItemKind::Measure {
            nominal: Some(n), ..
        } => format!("{n}"),
        ItemKind::PassFail => "p".into(),
        ItemKind::Choice { pass, .. } => pass[0].clone(),
        ItemKind::Count { .. } => "0".into(),
        _ => drawn,
    }
}
