//! `sopbook demo`: the sample records. Sets signing passwords for everyone
//! in sopbook.toml, then plays a year of document control on a simulated
//! clock (releases, approvals, a rejection, editorial and scheduled
//! revisions, a periodic review, a retirement) and publishes the manual.
//! It writes records only into an empty store, so running it again just
//! publishes.

use anyhow::{Result, bail};
use chrono::{DateTime, Days, Local, NaiveTime, Utc};

use crate::cli::DemoArgs;
use crate::control::Session;
use crate::control::signing::Fixed;
use crate::error::Outcome;
use crate::manual::Manual;
use crate::model::Person;
use crate::model::control::local_date;
use crate::store::Store;
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
    ws: &'a Workspace,
    store: &'a mut dyn Store,
    start: DateTime<Utc>,
    passwords: Fixed,
    log: Vec<String>,
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

    fn session<'s>(&'s mut self, ws: &'s Workspace, now: DateTime<Utc>) -> Session<'s> {
        Session {
            ws,
            store: &mut *self.store,
            passwords: &self.passwords,
            now,
        }
    }

    /// The people who may author and approve a document, per the rules in sopbook.toml.
    fn signers(&self, id: &str) -> Option<(Person, Vec<Person>)> {
        let config = &self.ws.config;
        let rule = config.approval_for(id.split('-').next());
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
            self.log.push(format!(
                "skipped {id}: not enough approvers in sopbook.toml"
            ));
            return Ok(());
        };
        let variant = match text {
            Some(t) => with_text(self.ws, id, t),
            None => self.ws.clone(),
        };
        let now = self.at(day, 9);
        let msg = self.session(&variant, now).release(
            id,
            summary,
            effective.as_deref(),
            minor,
            &author.id,
        )?;
        self.log.push(msg);
        if let Some(approve_day) = approve_on {
            for (i, a) in approvers.iter().enumerate() {
                let now = self.at(approve_day, 10 + i as u32);
                let msg = self.session(&variant, now).approve(id, &a.id)?;
                self.log.push(msg);
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

pub fn run(ws: &Workspace, args: &DemoArgs) -> Result<Outcome> {
    if ws.has_errors() {
        crate::diagnostic::emit(&ws.diagnostics, &ws.sources);
        bail!("the workspace has problems; fix them before running the demo");
    }
    if ws.config.people.is_empty() {
        bail!("sopbook.toml lists no people to sign; the demo needs [[person]] tables");
    }
    let mut store = super::open_store(ws)?;
    let fresh = store.events()?.is_empty();
    if fresh {
        let start = Utc::now() - Days::new(HISTORY_DAYS);
        let mut demo = Demo {
            ws,
            store: store.as_mut(),
            start,
            passwords: Fixed(DEMO_PASSWORD.into()),
            log: Vec::new(),
        };
        play(&mut demo)?;
        let inspected = inspections(&mut demo)?;
        eprintln!(
            "Recorded {inspected} sample inspections over twelve weeks, with their nonconformances."
        );
        eprintln!(
            "Recorded a year of sample history: {} steps, signed by {} people (password \"{DEMO_PASSWORD}\").",
            demo.log.len(),
            ws.config.people.len()
        );
    } else {
        eprintln!("The records already hold history; publishing them as they are.");
    }
    let records = store.records()?;
    let today = Local::now().date_naive();
    let mut content = Manual::build(ws, &records, today, false);
    content.dashboard = super::report::dashboard(store.as_mut(), today)?;
    super::publish::publish(ws, &content, args.out.clone(), None, false)?;
    eprintln!(
        "Try: `sopbook status`, `sopbook history QC-001`, `sopbook diff QC-001`, `sopbook due`, `sopbook audit verify`."
    );
    Ok(Outcome::Ok)
}

fn play(d: &mut Demo<'_>) -> Result<()> {
    let ws = d.ws;
    let today = HISTORY_DAYS;
    for p in &ws.config.people {
        let now = d.at(0, 8);
        let msg = d
            .session(ws, now)
            .set_password(&p.id, None, DEMO_PASSWORD)?;
        d.log.push(msg);
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
        let msg = d.session(&fax, now).retire(
            "CS-006",
            "We stopped taking orders by fax on 1 October",
            None,
            &author.id,
        )?;
        d.log.push(msg);
        for (i, a) in approvers.iter().enumerate() {
            let now = d.at(301, 10 + i as u32);
            let msg = d.session(&fax, now).approve("CS-006", &a.id)?;
            d.log.push(msg);
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
            let msg = d.session(&variant, now).reject(
                "CS-004",
                "Also say how we use the answers; see the scorecard",
                &approvers[0].id,
            )?;
            d.log.push(msg);
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
            let msg = d.session(ws, now).review(
                id,
                "Read through with the team; still how we work",
                &approvers[0].id,
            )?;
            d.log.push(msg);
        }
    }
    // An approved revision that takes effect in two weeks.
    if has("QC-004") {
        let effective = (Local::now().date_naive() + Days::new(14)).to_string();
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
fn inspections(d: &mut Demo<'_>) -> Result<usize> {
    use crate::control::floor::{self, Entry, Header, effective_checklist};
    use crate::control::{check_password, find_person};
    use crate::model::ItemKind;
    let ws = d.ws;
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
    let mut failed: Vec<(i64, i64, DateTime<Utc>, String)> = Vec::new();
    let first_day = HISTORY_DAYS - 84;
    for day in first_day..HISTORY_DAYS {
        let when = d.at(day, 8);
        let weekday = chrono::Datelike::weekday(&when.with_timezone(&Local).date_naive())
            .num_days_from_monday();
        if weekday >= 5 {
            continue;
        }
        let records = d.store.records()?;
        let mut batch = Vec::new();
        for (checklist_id, per_day) in daily {
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
                let lot = format!("L{}", local_date(at).format("%y%m%d"));
                let header = Header {
                    lot: &lot,
                    serial: Some(&serial),
                    inspector: &inspector.id,
                    station: "line-1",
                    reinspects: None,
                    at,
                };
                batch.push(floor::prepare(&rev, &checklist, &header, &entries)?);
            }
        }
        let verdicts: Vec<bool> = batch
            .iter()
            .map(|p| p.verdict == crate::model::inspection::Verdict::Fail)
            .collect();
        let checklists: Vec<String> = batch
            .iter()
            .map(|p| p.new.row.checklist_id.clone())
            .collect();
        total += batch.len();
        let ids = floor::record(d.store, when, &inspectors[0].id, "inspected", batch)?;
        for ((id, nc), (fail, cl)) in ids.into_iter().zip(verdicts.into_iter().zip(checklists)) {
            if let (true, Some(nc)) = (fail, nc) {
                failed.push((id, nc, when, cl));
            }
        }
    }
    // Work the nonconformances: older ones reworked and closed or scrapped, recent ones still open.
    let now_day = HISTORY_DAYS;
    for (k, (inspection, nc, when, checklist_id)) in failed.iter().enumerate() {
        let age = (Utc::now() - *when).num_days();
        if age < 5 {
            continue;
        }
        let at = *when + chrono::Duration::hours(3);
        let record = crate::control::floor::nc_name(*nc);
        let signer = find_person(
            d.store,
            at,
            &ws.config.people,
            &manager.id,
            &record,
            "disposition",
        )?;
        check_password(d.store, at, &d.passwords, &signer, &record, "disposition")?;
        let disposition = match k % 5 {
            0..=2 => "rework",
            3 => "scrap",
            _ => "use-as-is",
        };
        floor::nc_step(
            d.store,
            at,
            &signer,
            *nc,
            floor::NcInput {
                kind: "disposition",
                value: disposition,
                sop: None,
                note: "",
            },
        )?;
        if k % 7 == 0 && ws.sop("QC-004").is_some() {
            floor::nc_step(
                d.store,
                at,
                &signer,
                *nc,
                floor::NcInput {
                    kind: "action",
                    value: "Add a torque check of the pump head bolts to the in-process checks",
                    sop: Some("QC-004"),
                    note: "",
                },
            )?;
        }
        if age < 12 && k % 2 == 0 {
            continue;
        }
        if disposition == "rework" {
            let records = d.store.records()?;
            let reinspect_at = *when + chrono::Duration::hours(26);
            let Ok((rev, checklist)) =
                effective_checklist(&records, checklist_id, local_date(reinspect_at))
            else {
                continue;
            };
            let original = d.store.inspections(&crate::store::InspectionFilter {
                id: Some(*inspection),
                ..Default::default()
            })?;
            let Some(original) = original.first() else {
                continue;
            };
            let entries: Vec<Entry> = checklist
                .items
                .iter()
                .map(|item| {
                    let mut value = sample_value(item, &mut rng, 0.0, &original.serial);
                    if let crate::model::ItemKind::Measure {
                        nominal: Some(n), ..
                    } = &item.kind
                    {
                        value = format!("{n}");
                    }
                    if matches!(item.kind, crate::model::ItemKind::PassFail) {
                        value = "p".into();
                    }
                    if let crate::model::ItemKind::Choice { pass, .. } = &item.kind {
                        value = pass[0].clone();
                    }
                    if matches!(item.kind, crate::model::ItemKind::Count { .. }) {
                        value = "0".into();
                    }
                    Entry {
                        item: item.id.clone(),
                        value,
                        note: "after rework".into(),
                    }
                })
                .collect();
            let header = Header {
                lot: &original.lot,
                serial: Some(&original.serial),
                inspector: &original.inspector,
                station: "rework-bench",
                reinspects: Some(*inspection),
                at: reinspect_at,
            };
            let p = floor::prepare(&rev, &checklist, &header, &entries)?;
            floor::record(
                d.store,
                reinspect_at,
                &original.inspector,
                "inspected",
                vec![p],
            )?;
            total += 1;
        }
        let close_at = *when + chrono::Duration::hours(30);
        // Some accepted as they are wait for the customer's agreement: dispositioned, not closed.
        if close_at < d.at(now_day, 0) && !(disposition == "use-as-is" && k % 2 == 0) {
            floor::nc_step(
                d.store,
                close_at,
                &signer,
                *nc,
                floor::NcInput {
                    kind: "close",
                    value: "closed",
                    sop: None,
                    note: "",
                },
            )?;
        }
    }
    Ok(total)
}
