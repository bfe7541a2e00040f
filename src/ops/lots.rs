//! Lots inspected by sampling plan: `open` gives the plan in force for a
//! checklist and supplier (the severity from their recorded lot history),
//! sampled units are ordinary inspections of the same checklist and lot,
//! `close` (or the last unit of the sample) decides the lot, and a
//! rejected lot opens one nonconformance. The switching rules run over the
//! records each time (`model::sampling::switch_state`), never a counter.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::Context;
use super::inspections::{Prepared, effective_checklist, inspector_roles, nc_name};
use crate::error::{Error, Result};
use crate::fail;
use crate::model::Checklist;
use crate::model::control::local_date;
use crate::model::inspection::{Outcome, Verdict, check_label};
use crate::model::sampling::{
    AQLS, ClassOutcome, ClassPlan, DefectClass, History, LETTERS, Level, Severity, Standard,
    SwitchState, aql_index, lot_plan, switch_state,
};
use crate::store::{
    Batch, Insert, InspectionFilter, LotApprovalRow, LotCloseRow, LotDecision, LotRow, StepKind,
};

/// What opening a lot takes.
#[derive(Debug, Clone)]
pub struct OpenInput<'a> {
    pub checklist: &'a str,
    pub lot: &'a str,
    pub size: u64,
    pub supplier: Option<&'a str>,
    pub person: &'a str,
}

/// A lot's plan, as the inspector is told it.
#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    pub lot: String,
    pub checklist: String,
    pub revision: i64,
    pub supplier: String,
    pub lot_size: u64,
    pub standard: Standard,
    pub level: Level,
    pub severity: Severity,
    /// Why the severity is what it is.
    pub reason: String,
    pub code_letter: String,
    /// Units to draw and inspect.
    pub sample: u32,
    pub hundred_percent: bool,
    pub classes: Vec<ClassPlan>,
}

/// Where a checklist and supplier stand.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub checklist: String,
    pub supplier: String,
    pub standard: Standard,
    #[serde(flatten)]
    pub state: SwitchState,
    /// Lots closed so far.
    pub lots: usize,
}

fn supplier_name(s: &str) -> &str {
    if s.is_empty() { "(no supplier)" } else { s }
}

/// The lot history of a checklist and supplier, in the order it was
/// recorded: closed lots, approvals of reduced inspection, and corrective
/// actions signed on the nonconformances of their rejected lots.
pub fn history(ctx: &mut Context, checklist: &str, supplier: &str) -> Result<Vec<History>> {
    let store = ctx.store()?;
    let lots: Vec<LotRow> = store
        .lots()?
        .into_iter()
        .filter(|l| l.checklist_id == checklist && l.supplier == supplier)
        .collect();
    let closes = store.lot_closes()?;
    let approvals = store.lot_approvals()?;
    let steps = store.nc_steps()?;
    // In the order of the audit chain: a decision, an approval and a
    // corrective action signed within the same second keep their order.
    let mut timeline: Vec<(i64, History)> = Vec::new();
    for lot in &lots {
        let Some(close) = closes.iter().find(|c| c.lot_id == lot.id) else {
            continue;
        };
        timeline.push((close.event_seq, lot_history(lot, close)?));
        if let Some(nc) = close.nc_id {
            for s in steps
                .iter()
                .filter(|s| s.nc_id == nc && s.kind == StepKind::Action)
            {
                timeline.push((s.event_seq, History::CorrectiveAction));
            }
        }
    }
    for a in approvals
        .iter()
        .filter(|a| a.checklist_id == checklist && a.supplier == supplier)
    {
        timeline.push((a.event_seq, History::ReducedApproved));
    }
    timeline.sort_by_key(|(seq, _)| *seq);
    Ok(timeline.into_iter().map(|(_, h)| h).collect())
}

fn class_plans(lot: &LotRow) -> Result<Vec<ClassPlan>> {
    #[derive(serde::Deserialize)]
    struct Stored {
        class: Option<String>,
        aql: String,
        letter: String,
        sample: u32,
        ac: u32,
        re: u32,
    }
    let stored: Vec<Stored> = serde_json::from_str(&lot.plan).map_err(|e| {
        Error::new(
            crate::error::ErrorKind::Store,
            format!(
                "the plan recorded with lot {} of {} does not read: {e}",
                lot.lot, lot.checklist_id
            ),
        )
    })?;
    Ok(stored
        .into_iter()
        .map(|s| ClassPlan {
            class: s.class.as_deref().and_then(DefectClass::parse),
            aql: s.aql,
            letter: s.letter,
            sample: s.sample,
            ac: s.ac,
            re: s.re,
        })
        .collect())
}

fn counts_of(close: &LotCloseRow) -> Vec<u32> {
    serde_json::from_str(&close.nonconforming).unwrap_or_default()
}

fn lot_history(lot: &LotRow, close: &LotCloseRow) -> Result<History> {
    let plans = class_plans(lot)?;
    let counts = counts_of(close);
    let classes = plans
        .iter()
        .enumerate()
        .map(|(k, p)| ClassOutcome {
            column: p.aql.parse::<f64>().ok().and_then(aql_index).unwrap_or(0),
            row: LETTERS.iter().position(|l| *l == p.letter).unwrap_or(0),
            sample: p.sample,
            ac: p.ac,
            re: p.re,
            nonconforming: counts.get(k).copied().unwrap_or(0),
        })
        .collect();
    Ok(History::Lot {
        severity: lot.severity,
        accepted: close.decision == LotDecision::Accept,
        classes,
    })
}

/// The switching state of a checklist's lots from a supplier.
pub fn standing(ctx: &mut Context, checklist: &str, supplier: &str) -> Result<Standing> {
    let records = ctx.store()?.records_of(checklist)?;
    let (_, cl) = effective_checklist(&records, checklist, ctx.today())?;
    let plan = sampling_of(&cl)?;
    let history = history(ctx, checklist, supplier)?;
    let lots = history
        .iter()
        .filter(|h| matches!(h, History::Lot { .. }))
        .count();
    Ok(Standing {
        checklist: checklist.to_string(),
        supplier: supplier.to_string(),
        standard: plan.standard,
        state: switch_state(plan.standard, &history),
        lots,
    })
}

fn sampling_of(cl: &Checklist) -> Result<crate::model::sampling::SamplingPlan> {
    cl.sampling.clone().ok_or_else(|| {
        Error::invalid(format!(
            "{} has no sampling plan, so its lots are not opened by plan",
            cl.id
        ))
        .with_hint("add a [sampling] table (standard, level, aql) to the checklist and release it")
    })
}

/// Opens a lot: the plan in force for its checklist and supplier now.
pub fn open(ctx: &mut Context, input: OpenInput<'_>) -> Result<Opened> {
    let record = format!("{} lot {}", input.checklist, input.lot);
    let person = ctx.person(input.person, &record, "open a lot")?;
    check_label("lot", input.lot).map_err(Error::invalid)?;
    let supplier = input.supplier.unwrap_or("").trim().to_string();
    if input.supplier.is_some() {
        check_label("supplier", &supplier).map_err(Error::invalid)?;
    }
    if input.size == 0 {
        fail!(Invalid, "a lot of 0 units has nothing to inspect");
    }
    let now = ctx.now();
    let records = ctx.store()?.records_of(input.checklist)?;
    let (revision, checklist) = effective_checklist(&records, input.checklist, local_date(now))?;
    let plan = sampling_of(&checklist)?;
    if let Some(l) = ctx
        .store()?
        .lots()?
        .into_iter()
        .find(|l| l.checklist_id == checklist.id && l.lot == input.lot)
    {
        return Err(Error::conflict(format!(
            "lot {} of {} was opened on {} by {}; a lot is opened once",
            l.lot,
            l.checklist_id,
            local_date(l.opened_at),
            l.opened_by
        ))
        .with_hint("`sopbook lots` shows it; a new lot needs a new label"));
    }
    let history = history(ctx, &checklist.id, &supplier)?;
    let state = switch_state(plan.standard, &history);
    if state.severity == Severity::Discontinued {
        let ids: Vec<i64> = ctx
            .store()?
            .lots()?
            .iter()
            .filter(|l| l.checklist_id == checklist.id && l.supplier == supplier)
            .map(|l| l.id)
            .collect();
        let last_nc = ctx
            .store()?
            .lot_closes()?
            .iter()
            .rev()
            .filter(|c| ids.contains(&c.lot_id))
            .find_map(|c| c.nc_id)
            .map_or_else(|| "NC-....".to_string(), nc_name);
        ctx.refuse(&person.id, &record, "open a lot", "inspection discontinued")?;
        return Err(Error::refused(format!(
            "inspection of {} lots from {} is discontinued: {}; nothing was opened (the refusal is in the audit log)",
            checklist.id,
            supplier_name(&supplier),
            state.reason
        ))
        .with_hint(format!("record a corrective action on the nonconformance of the last rejected lot (`sopbook nc action {last_nc} TEXT --as P`); inspection then resumes on tightened")));
    }
    if ctx.roles_known()? {
        let roles = inspector_roles(ctx, &checklist)?;
        ctx.require_role(&person, &roles, &record, "open a lot")?;
    }
    ctx.prove(&person, &record, "open a lot")?;
    let Some(lp) = lot_plan(
        plan.standard,
        plan.level,
        state.severity,
        input.size,
        &plan.aqls,
    ) else {
        fail!(
            Invalid,
            "the tables have no plan for a lot of {} at level {}",
            input.size,
            plan.level.as_str()
        );
    };
    let row = LotRow {
        id: 0,
        checklist_id: checklist.id.clone(),
        revision_id: revision.id,
        revision_number: revision.number,
        lot: input.lot.to_string(),
        supplier: supplier.clone(),
        lot_size: i64::try_from(input.size).unwrap_or(i64::MAX),
        standard: plan.standard.as_str().to_string(),
        level: plan.level.as_str().to_string(),
        severity: state.severity,
        code_letter: lp.code_letter.clone(),
        sample: i64::from(lp.sample),
        plan: serde_json::to_string(&lp.classes).unwrap_or_default(),
        opened_by: person.id.clone(),
        opened_at: now,
        event_seq: 0,
    };
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "lot opened".to_string(),
        record,
        note: json!({ "supplier": supplier, "size": input.size, "severity": state.severity.as_str(), "sample": lp.sample }),
        inserts: vec![Insert::Lot(row)],
    })?;
    Ok(Opened {
        lot: input.lot.to_string(),
        checklist: checklist.id,
        revision: revision.number,
        supplier,
        lot_size: input.size,
        standard: plan.standard,
        level: plan.level,
        severity: state.severity,
        reason: state.reason,
        code_letter: lp.code_letter,
        sample: lp.sample,
        hundred_percent: lp.hundred_percent,
        classes: lp.classes,
    })
}

/// The sampled units of a lot so far and what they found.
#[derive(Debug, Clone, Serialize)]
pub struct Tally {
    /// Original inspections of the lot, not voided, oldest first.
    pub units: Vec<i64>,
    /// Nonconforming units per class (in the plan's order), each class
    /// counted over the first units of its own sample size.
    pub nonconforming: Vec<u32>,
    /// The first unit whose failure reached a class's Re.
    pub rejected_by: Option<i64>,
}

/// The decision the tally gives, if it gives one yet.
pub fn decision(plans: &[ClassPlan], sample: u32, tally: &Tally) -> Option<LotDecision> {
    if plans
        .iter()
        .zip(&tally.nonconforming)
        .any(|(p, d)| *d >= p.re)
    {
        return Some(LotDecision::Reject);
    }
    (tally.units.len() >= sample as usize).then_some(LotDecision::Accept)
}

/// Classes a failed unit is nonconforming in.
fn failed_classes(cl: &Checklist, failed_items: &[String]) -> Vec<DefectClass> {
    let mut classes: Vec<DefectClass> = failed_items
        .iter()
        .filter_map(|id| cl.items.iter().find(|i| &i.id == id))
        .map(|i| i.defect_class())
        .collect();
    classes.sort();
    classes.dedup();
    classes
}

/// Whether a unit with these failed classes counts against a class plan.
fn counts_against(plan: &ClassPlan, verdict: Verdict, classes: &[DefectClass]) -> bool {
    match plan.class {
        None => verdict == Verdict::Fail,
        Some(c) => classes.contains(&c),
    }
}

/// Tallies a lot's units from the records.
pub fn tally(ctx: &mut Context, lot: &LotRow, cl: &Checklist) -> Result<Tally> {
    let plans = class_plans(lot)?;
    let store = ctx.store()?;
    let voided: Vec<i64> = store.voids()?.iter().map(|v| v.inspection_id).collect();
    let found = store.inspections(&InspectionFilter {
        checklist: Some(lot.checklist_id.clone()),
        lot: Some(lot.lot.clone()),
        ..Default::default()
    })?;
    let mut units: Vec<_> = found
        .into_iter()
        .filter(|i| i.reinspects.is_none() && !voided.contains(&i.id))
        .filter(|i| i.recorded_at >= lot.opened_at)
        .collect();
    units.sort_by_key(|i| i.id);
    units.truncate(lot.sample.max(0) as usize);
    let mut t = Tally {
        units: Vec::new(),
        nonconforming: vec![0; plans.len()],
        rejected_by: None,
    };
    for (k, unit) in units.iter().enumerate() {
        let classes = if unit.verdict == Verdict::Fail {
            let failed: Vec<String> = store
                .item_results(unit.id)?
                .into_iter()
                .filter(|r| r.outcome == Outcome::Fail)
                .map(|r| r.item_id)
                .collect();
            failed_classes(cl, &failed)
        } else {
            Vec::new()
        };
        for (p, d) in plans.iter().zip(t.nonconforming.iter_mut()) {
            if k < p.sample as usize && counts_against(p, unit.verdict, &classes) {
                *d += 1;
                if *d == p.re && t.rejected_by.is_none() {
                    t.rejected_by = Some(unit.id);
                }
            }
        }
        t.units.push(unit.id);
    }
    Ok(t)
}

/// The open lot of a checklist with this label, if there is one.
fn open_lot(ctx: &mut Context, checklist: &str, lot: &str) -> Result<Option<(LotRow, bool)>> {
    let store = ctx.store()?;
    let Some(row) = store
        .lots()?
        .into_iter()
        .find(|l| l.checklist_id == checklist && l.lot == lot)
    else {
        return Ok(None);
    };
    let closed = store.lot_closes()?.iter().any(|c| c.lot_id == row.id);
    Ok(Some((row, closed)))
}

fn closed_lot(lot: &LotRow) -> Error {
    Error::conflict(format!(
        "lot {} of {} is closed; it takes no more units and nothing was recorded",
        lot.lot, lot.checklist_id
    ))
    .with_hint("`sopbook lots` shows its decision; a re-inspection after rework (`--reinspect`) is not a unit of the sample")
}

/// Before an inspection is filled in: a closed lot takes no more units.
pub fn check_takes_units(ctx: &mut Context, checklist: &str, lot: &str) -> Result<()> {
    match open_lot(ctx, checklist, lot)? {
        Some((row, true)) => Err(closed_lot(&row)),
        _ => Ok(()),
    }
}

/// Before recording units of a lot opened by plan: a closed lot takes no
/// more units (a re-inspection after rework is not a unit), and the unit
/// that brings a class to its Re opens the one nonconformance of the lot;
/// the other failed units open none.
pub fn before_record(ctx: &mut Context, prepared: &mut [Prepared]) -> Result<()> {
    for p in prepared.iter_mut() {
        let row = &p.new.row;
        if row.reinspects.is_some() {
            continue;
        }
        let Some((lot, closed)) = open_lot(ctx, &row.checklist_id, &row.lot)? else {
            continue;
        };
        if closed {
            return Err(closed_lot(&lot));
        }
        if p.verdict != Verdict::Fail {
            continue;
        }
        let records = ctx.store()?.records_of(&lot.checklist_id)?;
        let cl = match records.revisions.iter().find(|r| r.id == lot.revision_id) {
            Some(rev) => crate::workspace::parse_snapshot_checklist(&rev.path, &rev.content),
            None => None,
        };
        let Some(cl) = cl else {
            continue;
        };
        let plans = class_plans(&lot)?;
        let t = tally(ctx, &lot, &cl)?;
        let failed: Vec<String> = p
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .map(|r| r.item_id.clone())
            .collect();
        let classes = failed_classes(&cl, &failed);
        let k = t.units.len();
        let reaches = t.rejected_by.is_none()
            && plans.iter().zip(&t.nonconforming).any(|(pl, d)| {
                k < pl.sample as usize
                    && counts_against(pl, Verdict::Fail, &classes)
                    && d + 1 == pl.re
            });
        p.new.nc_summary = reaches.then(|| {
            let found: Vec<String> = plans
                .iter()
                .zip(&t.nonconforming)
                .map(|(pl, d)| {
                    let d = d + u32::from(counts_against(pl, Verdict::Fail, &classes));
                    format!(
                        "{}{d} nonconforming (Re {})",
                        pl.class
                            .map(|c| format!("{} ", c.as_str()))
                            .unwrap_or_default(),
                        pl.re
                    )
                })
                .collect();
            format!(
                "lot {} rejected on its sample: {}; {}",
                lot.lot,
                found.join(", "),
                p.new.nc_summary.clone().unwrap_or_default()
            )
        });
    }
    Ok(())
}

/// After units were recorded: each lot they belong to that its sample now
/// decides is closed, by the person who recorded the last unit.
pub fn after_record(ctx: &mut Context, actor: &str, touched: &[(String, String)]) -> Result<()> {
    for (checklist, lot) in touched {
        let Some((row, closed)) = open_lot(ctx, checklist, lot)? else {
            continue;
        };
        if closed {
            continue;
        }
        let _ = close_row(ctx, &row, actor, false)?;
    }
    Ok(())
}

/// A lot's decision, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    pub lot: String,
    pub checklist: String,
    pub supplier: String,
    pub decision: LotDecision,
    pub severity: Severity,
    pub sample: u32,
    pub sampled: usize,
    pub classes: Vec<ClassDecision>,
    /// The nonconformance a rejected lot opened.
    pub nonconformance: Option<String>,
    /// The severity the next lot from this supplier is inspected at.
    pub next: SwitchState,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassDecision {
    pub class: Option<DefectClass>,
    pub aql: String,
    pub ac: u32,
    pub re: u32,
    pub nonconforming: u32,
}

/// Closes a lot now if its sample decides it; `asked` says a person asked
/// for the close (then an undecided lot is an error).
fn close_row(ctx: &mut Context, lot: &LotRow, actor: &str, asked: bool) -> Result<Option<Closed>> {
    let records = ctx.store()?.records_of(&lot.checklist_id)?;
    let Some(cl) = records
        .revisions
        .iter()
        .find(|r| r.id == lot.revision_id)
        .and_then(|rev| crate::workspace::parse_snapshot_checklist(&rev.path, &rev.content))
    else {
        fail!(
            Conflict,
            "the checklist revision of lot {} no longer parses",
            lot.lot
        );
    };
    let plans = class_plans(lot)?;
    let t = tally(ctx, lot, &cl)?;
    let sample = u32::try_from(lot.sample).unwrap_or(0);
    let Some(decision) = decision(&plans, sample, &t) else {
        if asked {
            return Err(Error::conflict(format!(
                "lot {} of {} has {} of its {} sampled units and is not decided yet; nothing was recorded",
                lot.lot,
                lot.checklist_id,
                t.units.len(),
                sample
            ))
            .with_hint(format!(
                "inspect the other units (`sopbook inspect {} --lot {} ...`); the lot closes by itself with the last one",
                lot.checklist_id, lot.lot
            )));
        }
        return Ok(None);
    };
    let nc_id = match t.rejected_by {
        Some(unit) if decision == LotDecision::Reject => ctx
            .store()?
            .nonconformances()?
            .into_iter()
            .find(|n| n.inspection_id == unit)
            .map(|n| n.id),
        _ => None,
    };
    let now = ctx.now();
    let row = LotCloseRow {
        id: 0,
        lot_id: lot.id,
        decision,
        sampled: t.units.len() as i64,
        nonconforming: serde_json::to_string(&t.nonconforming).unwrap_or_default(),
        nc_id,
        closed_by: actor.to_string(),
        closed_at: now,
        event_seq: 0,
    };
    ctx.append(Batch {
        actor: actor.to_string(),
        action: "lot closed".to_string(),
        record: format!("{} lot {}", lot.checklist_id, lot.lot),
        note: json!({ "decision": decision.as_str(), "nonconforming": t.nonconforming, "sampled": t.units.len() }),
        inserts: vec![Insert::LotClose(row)],
    })?;
    let standard = Standard::parse(&lot.standard).unwrap_or(Standard::Iso2859_1);
    let history = history(ctx, &lot.checklist_id, &lot.supplier)?;
    Ok(Some(Closed {
        lot: lot.lot.clone(),
        checklist: lot.checklist_id.clone(),
        supplier: lot.supplier.clone(),
        decision,
        severity: lot.severity,
        sample,
        sampled: t.units.len(),
        classes: plans
            .iter()
            .zip(&t.nonconforming)
            .map(|(p, d)| ClassDecision {
                class: p.class,
                aql: p.aql.clone(),
                ac: p.ac,
                re: p.re,
                nonconforming: *d,
            })
            .collect(),
        nonconformance: nc_id.map(nc_name),
        next: switch_state(standard, &history),
    }))
}

/// Closes a lot by hand: its sample must decide it.
pub fn close(
    ctx: &mut Context,
    checklist: Option<&str>,
    lot: &str,
    person: &str,
) -> Result<Closed> {
    let record = format!("lot {lot}");
    let p = ctx.person(person, &record, "close a lot")?;
    let store = ctx.store()?;
    let matching: Vec<LotRow> = store
        .lots()?
        .into_iter()
        .filter(|l| l.lot == lot && checklist.is_none_or(|c| c == l.checklist_id))
        .collect();
    let row = match matching.as_slice() {
        [] => fail!(
            NotFound,
            "no lot `{lot}` was opened; `sopbook lots` lists them"
        ),
        [one] => one.clone(),
        many => {
            let ids: Vec<_> = many.iter().map(|l| l.checklist_id.as_str()).collect();
            return Err(Error::invalid(format!(
                "lot `{lot}` was opened for {}",
                ids.join(" and ")
            ))
            .with_hint("say which with --checklist"));
        }
    };
    if let Some(c) = store.lot_closes()?.into_iter().find(|c| c.lot_id == row.id) {
        fail!(
            Conflict,
            "lot {} of {} was already closed ({}) on {}",
            row.lot,
            row.checklist_id,
            c.decision,
            local_date(c.closed_at)
        );
    }
    ctx.prove(&p, &record, "close a lot")?;
    match close_row(ctx, &row, &p.id, true)? {
        Some(c) => Ok(c),
        None => fail!(Conflict, "lot {lot} is not decided yet"),
    }
}

/// Approves reduced inspection for a checklist and supplier, as the
/// responsible authority (a role of `[approval]`), once the history allows it.
pub fn approve_reduced(
    ctx: &mut Context,
    checklist: &str,
    supplier: Option<&str>,
    person: &str,
    note: &str,
) -> Result<Standing> {
    let supplier = supplier.unwrap_or("").to_string();
    let record = format!("{checklist} lots from {}", supplier_name(&supplier));
    let p = ctx.person(person, &record, "approve reduced inspection")?;
    let roles = ctx.config()?.approval.roles.clone();
    ctx.require_role(&p, &roles, &record, "approve reduced inspection")?;
    let now_standing = standing(ctx, checklist, &supplier)?;
    if !now_standing.state.reduced_allowed {
        return Err(Error::conflict(format!(
            "{record} are on {} inspection and the history does not allow reduced inspection yet; nothing was signed",
            now_standing.state.severity
        ))
        .with_hint(match now_standing.standard {
            Standard::Z14 => "Z1.4 8.3.3: 10 lots in a row accepted on normal inspection, their nonconforming units within the limit number",
            Standard::Iso2859_1 => "ISO 2859-1 9.3.3: a switching score of 30 or more on normal inspection",
        }));
    }
    ctx.check_password(&p, &record, "approve reduced inspection")?;
    let row = LotApprovalRow {
        id: 0,
        checklist_id: checklist.to_string(),
        supplier: supplier.clone(),
        signer: p.id.clone(),
        signed_at: ctx.now(),
        note: note.trim().to_string(),
        event_seq: 0,
    };
    ctx.append(Batch {
        actor: p.id.clone(),
        action: "reduced inspection approved".to_string(),
        record,
        note: json!({ "note": note.trim() }),
        inserts: vec![Insert::LotApproval(row)],
    })?;
    standing(ctx, checklist, &supplier)
}

/// A line of `sopbook lots`.
#[derive(Debug, Clone, Serialize)]
pub struct LotLine {
    pub lot: String,
    pub checklist: String,
    pub supplier: String,
    pub lot_size: i64,
    pub standard: String,
    pub level: String,
    pub severity: Severity,
    pub code_letter: String,
    pub sample: i64,
    pub classes: Vec<ClassPlan>,
    pub sampled: usize,
    /// Nonconforming units per class, in the order of `classes`.
    pub nonconforming: Vec<u32>,
    /// "accept", "reject", or null while open.
    pub decision: Option<LotDecision>,
    pub nonconformance: Option<String>,
    #[serde(with = "crate::model::records::stamp")]
    pub opened_at: DateTime<Utc>,
}

/// The lots, oldest first, of one supplier or all.
pub fn list(ctx: &mut Context, supplier: Option<&str>) -> Result<Vec<LotLine>> {
    let store = ctx.store()?;
    let lots = store.lots()?;
    let closes = store.lot_closes()?;
    let mut out = Vec::new();
    let mut checklists: BTreeMap<i64, Option<Checklist>> = BTreeMap::new();
    for lot in lots
        .into_iter()
        .filter(|l| supplier.is_none_or(|s| s == l.supplier))
    {
        let close = closes.iter().find(|c| c.lot_id == lot.id);
        let (sampled, nonconforming) = match close {
            Some(c) => (c.sampled as usize, counts_of(c)),
            None => {
                if let std::collections::btree_map::Entry::Vacant(slot) =
                    checklists.entry(lot.revision_id)
                {
                    let records = ctx.store()?.records_of(&lot.checklist_id)?;
                    let cl = records
                        .revisions
                        .iter()
                        .find(|r| r.id == lot.revision_id)
                        .and_then(|rev| {
                            crate::workspace::parse_snapshot_checklist(&rev.path, &rev.content)
                        });
                    slot.insert(cl);
                }
                match checklists.get(&lot.revision_id).cloned().flatten() {
                    Some(cl) => {
                        let t = tally(ctx, &lot, &cl)?;
                        (t.units.len(), t.nonconforming)
                    }
                    None => (0, Vec::new()),
                }
            }
        };
        out.push(LotLine {
            classes: class_plans(&lot)?,
            lot: lot.lot,
            checklist: lot.checklist_id,
            supplier: lot.supplier,
            lot_size: lot.lot_size,
            standard: lot.standard,
            level: lot.level,
            severity: lot.severity,
            code_letter: lot.code_letter,
            sample: lot.sample,
            sampled,
            nonconforming,
            decision: close.map(|c| c.decision),
            nonconformance: close.and_then(|c| c.nc_id).map(nc_name),
            opened_at: lot.opened_at,
        });
    }
    Ok(out)
}

/// Lot acceptance per supplier, and where each stands now.
#[derive(Debug, Clone, Serialize)]
pub struct SupplierLots {
    pub supplier: String,
    pub checklist: String,
    pub lots: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Accepted of decided lots; null before any.
    pub acceptance_rate: Option<f64>,
    pub severity: Severity,
}

/// The lot acceptance rate of each checklist and supplier, with their
/// current severity.
pub fn by_supplier(ctx: &mut Context) -> Result<Vec<SupplierLots>> {
    let lines = list(ctx, None)?;
    let mut keys: Vec<(String, String)> = lines
        .iter()
        .map(|l| (l.checklist.clone(), l.supplier.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for (checklist, supplier) in keys {
        let mine: Vec<&LotLine> = lines
            .iter()
            .filter(|l| l.checklist == checklist && l.supplier == supplier)
            .collect();
        let accepted = mine
            .iter()
            .filter(|l| l.decision == Some(LotDecision::Accept))
            .count();
        let rejected = mine
            .iter()
            .filter(|l| l.decision == Some(LotDecision::Reject))
            .count();
        let standard = mine
            .first()
            .and_then(|l| Standard::parse(&l.standard))
            .unwrap_or(Standard::Iso2859_1);
        let history = history(ctx, &checklist, &supplier)?;
        out.push(SupplierLots {
            lots: mine.len(),
            accepted,
            rejected,
            acceptance_rate: (accepted + rejected > 0)
                .then(|| accepted as f64 / (accepted + rejected) as f64),
            severity: switch_state(standard, &history).severity,
            supplier,
            checklist,
        });
    }
    Ok(out)
}

/// The AQL column names, for messages.
pub fn aql_names() -> String {
    AQLS.join(", ")
}

/// The lots opened by plan, for a batch of units recorded at once (an
/// import): each unit of an open lot is counted as it comes, so that the
/// unit reaching Re opens the lot's one nonconformance, as one by one.
pub struct Trackers {
    lots: Vec<Tracker>,
}

struct Tracker {
    row: LotRow,
    checklist: Option<Checklist>,
    plans: Vec<ClassPlan>,
    counts: Vec<u32>,
    units: usize,
    rejected: bool,
    closed: bool,
    touched: bool,
}

/// Every lot opened by plan, with its units so far.
pub fn trackers(ctx: &mut Context) -> Result<Trackers> {
    let rows = ctx.store()?.lots()?;
    let closes = ctx.store()?.lot_closes()?;
    let mut lots = Vec::new();
    for row in rows {
        let closed = closes.iter().any(|c| c.lot_id == row.id);
        let records = ctx.store()?.records_of(&row.checklist_id)?;
        let checklist = records
            .revisions
            .iter()
            .find(|r| r.id == row.revision_id)
            .and_then(|rev| crate::workspace::parse_snapshot_checklist(&rev.path, &rev.content));
        let plans = class_plans(&row)?;
        let (counts, units, rejected) = match (&checklist, closed) {
            (Some(cl), false) => {
                let t = tally(ctx, &row, cl)?;
                (t.nonconforming, t.units.len(), t.rejected_by.is_some())
            }
            _ => (vec![0; plans.len()], 0, false),
        };
        lots.push(Tracker {
            row,
            checklist,
            plans,
            counts,
            units,
            rejected,
            closed,
            touched: false,
        });
    }
    Ok(Trackers { lots })
}

impl Trackers {
    /// Counts one unit of a batch: a closed lot refuses it; the unit that
    /// reaches a class's Re carries the lot's nonconformance, the other
    /// units of the lot none.
    pub fn apply(&mut self, new: &mut crate::store::NewInspection) -> Result<()> {
        if new.row.reinspects.is_some() {
            return Ok(());
        }
        let Some(t) = self
            .lots
            .iter_mut()
            .find(|t| t.row.checklist_id == new.row.checklist_id && t.row.lot == new.row.lot)
        else {
            return Ok(());
        };
        // Recorded before the lot was opened: not a unit of its sample.
        if new.row.recorded_at < t.row.opened_at {
            return Ok(());
        }
        if t.closed {
            return Err(closed_lot(&t.row));
        }
        t.touched = true;
        let failed: Vec<String> = new
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .map(|r| r.item_id.clone())
            .collect();
        let classes = t
            .checklist
            .as_ref()
            .map(|cl| failed_classes(cl, &failed))
            .unwrap_or_default();
        let k = t.units;
        let mut reaches = false;
        for (p, d) in t.plans.iter().zip(t.counts.iter_mut()) {
            if k < p.sample as usize && counts_against(p, new.row.verdict, &classes) {
                *d += 1;
                if *d == p.re && !t.rejected {
                    t.rejected = true;
                    reaches = true;
                }
            }
        }
        t.units += 1;
        new.nc_summary = if reaches {
            let found: Vec<String> = t
                .plans
                .iter()
                .zip(&t.counts)
                .map(|(pl, d)| {
                    format!(
                        "{}{d} nonconforming (Re {})",
                        pl.class
                            .map(|c| format!("{} ", c.as_str()))
                            .unwrap_or_default(),
                        pl.re
                    )
                })
                .collect();
            Some(format!(
                "lot {} rejected on its sample: {}; {}",
                t.row.lot,
                found.join(", "),
                new.nc_summary.clone().unwrap_or_default()
            ))
        } else {
            None
        };
        Ok(())
    }

    /// The lots the batch recorded units of: (checklist, lot).
    pub fn touched(&self) -> Vec<(String, String)> {
        self.lots
            .iter()
            .filter(|t| t.touched)
            .map(|t| (t.row.checklist_id.clone(), t.row.lot.clone()))
            .collect()
    }
}
