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
    let content = Manual::build(ws, &records, today, false);
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
