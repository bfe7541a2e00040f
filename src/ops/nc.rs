//! Nonconformances: what a failed inspection opens, and its steps:
//! disposition, corrective action, close. Each step is signed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::Context;
use super::inspections::{ins_name, nc_name, parse_nc};
use crate::error::{Error, Result};
use crate::fail;
use crate::model::control::{Control, Status, local_date};
pub use crate::model::records::StepKind;
use crate::model::records::Verdict;
use crate::store::{Batch, Insert, InspectionFilter, InspectionRow, NcRow, NcStepRow};
use crate::workspace::config::Permissions;

/// What a person is doing with a step, for refusals and prompts.
fn attempted(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Disposition => "disposition",
        StepKind::Action => "corrective action",
        StepKind::Close => "close",
    }
}

/// What to do with the nonconforming product: `sort` is a 100% sort of a
/// lot (every unit inspected, the good ones kept).
pub const DISPOSITIONS: &[&str] = &["rework", "scrap", "use-as-is", "return-to-supplier", "sort"];

/// Where a nonconformance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NcStatus {
    Open,
    Dispositioned,
    Closed,
}

impl NcStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NcStatus::Open => "open",
            NcStatus::Dispositioned => "dispositioned",
            NcStatus::Closed => "closed",
        }
    }
}

/// The state of a nonconformance, derived from its steps.
#[derive(Debug, Clone)]
pub struct NcState<'a> {
    pub nc: &'a NcRow,
    pub steps: Vec<&'a NcStepRow>,
    pub disposition: Option<&'a NcStepRow>,
    pub closed: Option<&'a NcStepRow>,
}

impl NcState<'_> {
    pub fn status(&self) -> NcStatus {
        if self.closed.is_some() {
            NcStatus::Closed
        } else if self.disposition.is_some() {
            NcStatus::Dispositioned
        } else {
            NcStatus::Open
        }
    }
}

/// What a nonconformance waits for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    /// Nobody has decided what to do with the product yet.
    Disposition,
    /// Reworked: a passing re-inspection of the failed inspection comes first.
    Reinspection,
    /// Ready to close (a corrective action may still be added).
    Close,
    /// Closed: nothing more.
    Nothing,
}

impl NextStep {
    /// The words a person reads: "disposition", "re-inspection after rework".
    pub fn as_str(self) -> &'static str {
        match self {
            NextStep::Disposition => "disposition",
            NextStep::Reinspection => "re-inspection after rework",
            NextStep::Close => "close",
            NextStep::Nothing => "nothing (closed)",
        }
    }
}

/// Whether an inspection that is not void re-inspected `failed` and passed.
fn passed_reinspection(inspections: &[InspectionRow], voided: &[i64], failed: i64) -> bool {
    inspections.iter().any(|i| {
        i.reinspects == Some(failed) && i.verdict == Verdict::Pass && !voided.contains(&i.id)
    })
}

/// What comes next for a nonconformance: its disposition, then (after
/// rework) a passing re-inspection, then its close.
fn next_step(state: &NcState<'_>, inspections: &[InspectionRow], voided: &[i64]) -> NextStep {
    match (state.closed, state.disposition) {
        (Some(_), _) => NextStep::Nothing,
        (None, None) => NextStep::Disposition,
        (None, Some(d))
            if d.value == "rework"
                && !passed_reinspection(inspections, voided, state.nc.inspection_id) =>
        {
            NextStep::Reinspection
        }
        (None, Some(_)) => NextStep::Close,
    }
}

/// The roles `[permissions]` lets sign a step (empty: anyone).
fn step_roles(permissions: &Permissions, kind: StepKind) -> &[String] {
    match kind {
        StepKind::Disposition => &permissions.disposition,
        StepKind::Action => &permissions.corrective_action,
        StepKind::Close => &permissions.close,
    }
}

pub fn nc_states<'a>(ncs: &'a [NcRow], steps: &'a [NcStepRow]) -> Vec<NcState<'a>> {
    ncs.iter()
        .map(|nc| {
            let own: Vec<&NcStepRow> = steps.iter().filter(|s| s.nc_id == nc.id).collect();
            NcState {
                nc,
                disposition: own
                    .iter()
                    .rev()
                    .find(|s| s.kind == StepKind::Disposition)
                    .copied(),
                closed: own.iter().find(|s| s.kind == StepKind::Close).copied(),
                steps: own,
            }
        })
        .collect()
}

/// A nonconformance in a list.
#[derive(Debug, Clone, Serialize)]
pub struct NcView {
    pub id: String,
    #[serde(with = "crate::model::records::stamp")]
    pub opened_at: DateTime<Utc>,
    pub status: NcStatus,
    pub disposition: Option<String>,
    pub inspection: String,
    pub checklist: Option<String>,
    pub lot: Option<String>,
    pub age_days: i64,
    pub summary: String,
}

/// Every nonconformance, or only the open ones.
pub fn list(ctx: &mut Context, open_only: bool) -> Result<Vec<NcView>> {
    Ok(listed(ctx, open_only)?
        .into_iter()
        .map(|(view, _)| view)
        .collect())
}

/// An open nonconformance and what it waits for.
#[derive(Debug, Clone, Serialize)]
pub struct Pending {
    #[serde(flatten)]
    pub nc: NcView,
    pub next: NextStep,
}

/// The open nonconformances, oldest first (the one opened first on top),
/// each with its next step: the manager's list.
pub fn open_by_age(ctx: &mut Context) -> Result<Vec<Pending>> {
    let mut open: Vec<Pending> = listed(ctx, true)?
        .into_iter()
        .map(|(nc, next)| Pending { nc, next })
        .collect();
    open.sort_by_key(|p| (p.nc.opened_at, p.nc.id.clone()));
    Ok(open)
}

fn listed(ctx: &mut Context, open_only: bool) -> Result<Vec<(NcView, NextStep)>> {
    let today = ctx.today();
    let store = ctx.store()?;
    let ncs = store.nonconformances()?;
    let steps = store.nc_steps()?;
    let inspections = store.inspections(&InspectionFilter::default())?;
    let voided: Vec<i64> = store.voids()?.iter().map(|v| v.inspection_id).collect();
    Ok(nc_states(&ncs, &steps)
        .into_iter()
        .filter(|s| !open_only || s.closed.is_none())
        .map(|s| {
            let i = inspections.iter().find(|i| i.id == s.nc.inspection_id);
            let next = next_step(&s, &inspections, &voided);
            let view = NcView {
                id: nc_name(s.nc.id),
                opened_at: s.nc.opened_at,
                status: s.status(),
                disposition: s.disposition.map(|d| d.value.clone()),
                inspection: ins_name(s.nc.inspection_id),
                checklist: i.map(|i| i.checklist_id.clone()),
                lot: i.map(|i| i.lot.clone()),
                age_days: (today - local_date(s.nc.opened_at)).num_days(),
                summary: s.nc.summary.clone(),
            };
            (view, next)
        })
        .collect())
}

/// One step as `nc show` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub kind: StepKind,
    pub value: String,
    pub sop: Option<String>,
    pub signer: String,
    #[serde(with = "crate::model::records::stamp")]
    pub at: DateTime<Utc>,
    pub note: String,
    /// For a corrective action that changes an SOP: that SOP's next
    /// revision approved after the action, "QC-004 rev 2 effective 2026-12-09".
    pub sop_change: Option<String>,
}

/// A nonconformance with its steps and the re-inspections after rework.
#[derive(Debug, Clone, Serialize)]
pub struct NcDetail {
    pub id: String,
    pub status: NcStatus,
    pub inspection: String,
    #[serde(with = "crate::model::records::stamp")]
    pub opened_at: DateTime<Utc>,
    pub summary: String,
    pub steps: Vec<StepView>,
    /// Re-inspections of the failed inspection: (id, verdict, recorded at).
    pub reinspections: Vec<Reinspection>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reinspection {
    pub inspection: String,
    pub verdict: Verdict,
    #[serde(with = "crate::model::records::stamp")]
    pub recorded_at: DateTime<Utc>,
    pub void: bool,
}

pub fn show(ctx: &mut Context, nc: &str) -> Result<NcDetail> {
    let id = parse_nc(nc)?;
    let store = ctx.store()?;
    let ncs = store.nonconformances()?;
    let steps = store.nc_steps()?;
    let states = nc_states(&ncs, &steps);
    let Some(s) = states.iter().find(|s| s.nc.id == id) else {
        fail!(NotFound, "there is no nonconformance {}", nc_name(id));
    };
    let voided: Vec<i64> = store.voids()?.iter().map(|v| v.inspection_id).collect();
    let reinspections = store
        .inspections(&InspectionFilter::default())?
        .into_iter()
        .filter(|i| i.reinspects == Some(s.nc.inspection_id))
        .map(|i| Reinspection {
            inspection: ins_name(i.id),
            void: voided.contains(&i.id),
            verdict: i.verdict,
            recorded_at: i.recorded_at,
        })
        .collect();
    // A corrective action that changes an SOP shows that SOP's next approved revision.
    let records = store.records()?;
    let control = Control::new(&records);
    let follow_up = |sop: &str, after: DateTime<Utc>| -> Option<String> {
        control
            .doc(sop)?
            .changes
            .iter()
            .find_map(|c| match (&c.status, c.revision) {
                (
                    Status::Approved {
                        approved_at,
                        effective,
                    },
                    Some(rev),
                ) if c.is_release() && *approved_at > after => {
                    Some(format!("{} rev {} effective {effective}", sop, rev.number))
                }
                _ => None,
            })
    };
    let step_views = s
        .steps
        .iter()
        .map(|st| StepView {
            kind: st.kind,
            value: st.value.clone(),
            sop: st.sop_id.clone(),
            signer: st.signer.clone(),
            at: st.signed_at,
            note: st.note.clone(),
            sop_change: st
                .sop_id
                .as_deref()
                .and_then(|sop| follow_up(sop, st.signed_at)),
        })
        .collect();
    Ok(NcDetail {
        id: nc_name(id),
        status: s.status(),
        inspection: ins_name(s.nc.inspection_id),
        opened_at: s.nc.opened_at,
        summary: s.nc.summary.clone(),
        steps: step_views,
        reinspections,
    })
}

/// A nonconformance as a person sees it who may act on it: what failed
/// and where, every step, what comes next, and which steps this person may
/// sign now (by `[permissions]` and by where it stands), so a front end
/// offers only those.
#[derive(Debug, Clone, Serialize)]
pub struct NcPage {
    pub detail: NcDetail,
    pub checklist: Option<String>,
    pub lot: Option<String>,
    pub serial: Option<String>,
    pub age_days: i64,
    pub disposition: Option<String>,
    pub next: NextStep,
    /// The steps `person` may sign now, in the order they come.
    pub may: Vec<StepKind>,
    /// The steps `[permissions]` keeps from `person` whatever the state.
    pub not_allowed: Vec<StepKind>,
    /// The dispositions to choose from.
    pub dispositions: &'static [&'static str],
    /// After rework, until a re-inspection passes: what to re-inspect.
    pub reinspect: Option<Reinspect>,
}

/// The failed inspection to re-inspect: the same checklist, lot and serial.
#[derive(Debug, Clone, Serialize)]
pub struct Reinspect {
    pub inspection: String,
    pub checklist: String,
    pub lot: String,
    pub serial: Option<String>,
}

/// Whether `person` holds a role that `[permissions]` lets sign `kind`
/// (the rule [`step`] enforces; asking records nothing).
pub fn may_sign(ctx: &mut Context, person: &str, kind: StepKind) -> Result<bool> {
    let permissions = ctx.config()?.permissions.clone();
    let roles = step_roles(&permissions, kind);
    let people = ctx.people()?;
    let Some(p) = people.iter().find(|p| p.id == person) else {
        return Ok(false);
    };
    Ok(super::allowed(p, roles))
}

/// One nonconformance for `person`: [`show`], and what they may do with it.
pub fn page(ctx: &mut Context, nc: &str, person: &str) -> Result<NcPage> {
    let detail = show(ctx, nc)?;
    let id = parse_nc(nc)?;
    let today = ctx.today();
    let mut allowed = Vec::new();
    let mut not_allowed = Vec::new();
    for kind in [StepKind::Disposition, StepKind::Action, StepKind::Close] {
        if may_sign(ctx, person, kind)? {
            allowed.push(kind);
        } else {
            not_allowed.push(kind);
        }
    }
    let store = ctx.store()?;
    let ncs = store.nonconformances()?;
    let steps = store.nc_steps()?;
    let states = nc_states(&ncs, &steps);
    let Some(state) = states.iter().find(|s| s.nc.id == id) else {
        fail!(NotFound, "there is no nonconformance {}", nc_name(id));
    };
    let inspections = store.inspections(&InspectionFilter::default())?;
    let voided: Vec<i64> = store.voids()?.iter().map(|v| v.inspection_id).collect();
    let failed = inspections.iter().find(|i| i.id == state.nc.inspection_id);
    let next = next_step(state, &inspections, &voided);
    let open_now = |kind: StepKind| match kind {
        StepKind::Disposition => next == NextStep::Disposition,
        StepKind::Action => next != NextStep::Nothing,
        StepKind::Close => next == NextStep::Close,
    };
    let reinspect = match (next, failed) {
        (NextStep::Reinspection, Some(i)) => Some(Reinspect {
            inspection: ins_name(i.id),
            checklist: i.checklist_id.clone(),
            lot: i.lot.clone(),
            serial: Some(i.serial.clone()).filter(|s| !s.is_empty()),
        }),
        _ => None,
    };
    Ok(NcPage {
        checklist: failed.map(|i| i.checklist_id.clone()),
        lot: failed.map(|i| i.lot.clone()),
        serial: failed.map(|i| i.serial.clone()).filter(|s| !s.is_empty()),
        age_days: (today - local_date(state.nc.opened_at)).num_days(),
        disposition: state.disposition.map(|d| d.value.clone()),
        next,
        may: allowed.into_iter().filter(|k| open_now(*k)).collect(),
        not_allowed,
        dispositions: DISPOSITIONS,
        reinspect,
        detail,
    })
}

/// One step to record.
#[derive(Debug, Clone)]
pub struct StepInput<'a> {
    pub kind: StepKind,
    /// The disposition, or the corrective action's description; ignored for close.
    pub value: &'a str,
    /// The SOP a corrective action changes.
    pub sop: Option<&'a str>,
    pub note: &'a str,
}

/// A recorded step.
#[derive(Debug, Clone, Serialize)]
pub struct StepRecorded {
    pub nc: String,
    pub kind: StepKind,
    pub value: String,
    pub sop: Option<String>,
    pub signer: String,
}

/// Signs and records one step on a nonconformance, after the checks that apply to it.
pub fn step(
    ctx: &mut Context,
    nc: &str,
    input: StepInput<'_>,
    actor: &str,
) -> Result<StepRecorded> {
    let nc_id = parse_nc(nc)?;
    if let (Some(sop), Some(ws)) = (input.sop, ctx.workspace_opt()?)
        && ws.sop(sop).is_none()
    {
        fail!(NotFound, "no SOP has the id `{sop}`");
    }
    let name = nc_name(nc_id);
    let person = ctx.person(actor, &name, attempted(input.kind))?;
    let permissions = ctx.config()?.permissions.clone();
    let roles = step_roles(&permissions, input.kind);
    ctx.require_role(&person, roles, &name, attempted(input.kind))?;
    let value = match input.kind {
        StepKind::Close => "closed",
        _ => input.value.trim(),
    };
    let now = ctx.now();
    // Everything is checked before the password is asked for.
    {
        let store = ctx.store()?;
        let ncs = store.nonconformances()?;
        let steps = store.nc_steps()?;
        let states = nc_states(&ncs, &steps);
        let Some(state) = states.iter().find(|s| s.nc.id == nc_id) else {
            fail!(NotFound, "there is no nonconformance {name}");
        };
        if let Some(c) = state.closed {
            fail!(
                Conflict,
                "{name} was closed by {} on {}; a closed nonconformance takes no more steps",
                c.signer,
                local_date(c.signed_at)
            );
        }
        // Steps follow the opening: a step dated before it means a wrong clock.
        if now < state.nc.opened_at {
            return Err(Error::conflict(format!(
                "{name} was opened at {}, after the time of this step ({}); nothing was recorded",
                crate::render::time::local(&state.nc.opened_at),
                crate::render::time::local(&now)
            ))
            .with_hint("check this computer's date and time"));
        }
        match input.kind {
            StepKind::Disposition if !DISPOSITIONS.contains(&value) => fail!(
                Invalid,
                "`{value}` is not a disposition; use one of {}",
                DISPOSITIONS.join(", ")
            ),
            StepKind::Disposition if state.disposition.is_some() => {
                let d = state
                    .disposition
                    .map(|d| (d.value.clone(), d.signer.clone(), d.signed_at));
                if let Some((value, signer, at)) = d {
                    return Err(Error::conflict(format!(
                    "{name} already has its disposition: {value}, signed by {signer} on {}; nothing was recorded",
                    local_date(at)
                ))
                .with_hint("a disposition is decided once; record a corrective action or close it"));
                }
            }
            StepKind::Action
                if state.steps.iter().any(|s| {
                    s.kind == StepKind::Action
                        && s.value == value
                        && s.sop_id.as_deref() == input.sop
                }) =>
            {
                fail!(
                    Conflict,
                    "{name} already has this corrective action; nothing was recorded"
                )
            }
            StepKind::Action if value.is_empty() => {
                fail!(Invalid, "describe the corrective action")
            }
            StepKind::Close => {
                let Some(d) = state.disposition else {
                    fail!(
                        Conflict,
                        "{name} has no disposition yet; record one first (`sopbook nc disposition {name} rework|scrap|use-as-is|return-to-supplier|sort`)"
                    );
                };
                // A corrective action that changes an SOP is done when that change is in force.
                let records = store.records()?;
                let control = Control::new(&records);
                let today = local_date(now);
                for sop in state.steps.iter().filter_map(|s| s.sop_id.as_deref()) {
                    let doc = control.state(sop, today);
                    // Only changes made since the nonconformance was opened are its own.
                    let opened = state.nc.opened_at;
                    let scheduled = doc.scheduled.filter(|(rev, _)| rev.created_at >= opened);
                    let in_review = doc.in_review.filter(|c| c.row.created_at >= opened);
                    let pending = match (scheduled, in_review) {
                        (Some((rev, day)), _) => {
                            Some(format!("{sop} rev {} takes effect on {day}", rev.number))
                        }
                        (None, Some(c)) => Some(match c.revision {
                            Some(rev) => format!("{sop} rev {} is still in review", rev.number),
                            None => format!("the retirement of {sop} is still in review"),
                        }),
                        (None, None) => None,
                    };
                    if let Some(pending) = pending {
                        return Err(Error::conflict(format!(
                            "{name} cannot be closed yet: its corrective action changes {sop}, and {pending}"
                        ))
                        .with_hint(format!(
                            "close it once the change of {sop} is in force (`sopbook status`)"
                        )));
                    }
                }
                if d.value == "rework" {
                    let inspections = store.inspections(&InspectionFilter::default())?;
                    let voided: Vec<i64> = store.voids()?.iter().map(|v| v.inspection_id).collect();
                    if !passed_reinspection(&inspections, &voided, state.nc.inspection_id) {
                        return Err(Error::conflict(format!(
                            "{name} was reworked, so it closes only after a passing re-inspection"
                        ))
                        .with_hint(format!(
                            "`sopbook inspect <checklist> --lot ... --reinspect {}`",
                            ins_name(state.nc.inspection_id)
                        )));
                    }
                }
            }
            _ => {}
        }
    }
    ctx.check_password(&person, &name, attempted(input.kind))?;
    let signer = person;
    let row = NcStepRow {
        id: 0,
        nc_id,
        kind: input.kind,
        value: value.to_string(),
        sop_id: input.sop.map(str::to_string),
        signer: signer.id.clone(),
        signed_at: now,
        note: input.note.trim().to_string(),
        event_seq: 0,
    };
    let action = match input.kind {
        StepKind::Disposition => "nc disposition",
        StepKind::Action => "nc corrective action",
        StepKind::Close => "nc closed",
    };
    ctx.append(Batch {
        actor: signer.id.clone(),
        action: action.to_string(),
        record: name.clone(),
        note: json!({ "value": value, "sop": input.sop, "note": input.note.trim() }),
        inserts: vec![Insert::NcStep(row)],
    })?;
    Ok(StepRecorded {
        nc: name,
        kind: input.kind,
        value: value.to_string(),
        sop: input.sop.map(str::to_string),
        signer: signer.id,
    })
}
