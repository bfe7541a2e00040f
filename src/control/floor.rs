//! Inspections on the floor and what follows a failure: recording
//! inspections (one, or a whole import in one transaction), voiding them,
//! and the nonconformance steps (disposition, corrective action, close).

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::model::control::{Control, local_date, parse_time};
use crate::model::inspection::{
    ItemResult, Outcome, Verdict, check_label, evaluate, judge, verdict,
};
use crate::model::{Checklist, ItemKind, Person};
use crate::store::{
    Batch, Insert, InspectionBatch, InspectionFilter, InspectionRow, ItemResultRow, NcRow,
    NcStepRow, NewInspection, Records, RevisionRow, Store, VoidRow, timestamp,
};
use crate::workspace::parse_snapshot_checklist;

/// The checklist revision in force on `date`, parsed.
pub fn effective_checklist(
    records: &Records,
    id: &str,
    date: NaiveDate,
) -> Result<(RevisionRow, Checklist)> {
    let control = Control::new(records);
    let state = control.state(id, date);
    let Some((rev, _)) = state.effective.filter(|_| state.retired.is_none()) else {
        if control.doc(id).is_none() {
            bail!(
                "no checklist has the id `{id}` in the records\n\nhelp: only released checklists can be used; `sopbook status` lists them"
            );
        }
        if state.retired.is_some() {
            bail!("{id} is obsolete; it cannot be used to inspect");
        }
        bail!(
            "{id} has no effective revision on {date}; only an approved, effective checklist can be used to inspect"
        );
    };
    if rev.kind != "checklist" {
        bail!("{id} is a procedure, not a checklist");
    }
    let Some(checklist) = parse_snapshot_checklist(&rev.path, &rev.content) else {
        bail!(
            "{} no longer parses; release a corrected revision",
            crate::control::rev_name(rev)
        );
    };
    Ok((rev.clone(), checklist))
}

/// What an inspector entered for one item.
#[derive(Debug, Clone)]
pub struct Entry {
    pub item: String,
    pub value: String,
    pub note: String,
}

/// An inspection ready to be recorded.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub new: NewInspection,
    pub verdict: Verdict,
    pub results: Vec<ItemResult>,
}

pub struct Header<'a> {
    pub lot: &'a str,
    pub serial: Option<&'a str>,
    pub inspector: &'a str,
    pub station: &'a str,
    pub reinspects: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Checks every entry against the checklist revision and builds the record.
/// Every item must have a value (or be marked not applicable).
pub fn prepare(
    rev: &RevisionRow,
    checklist: &Checklist,
    header: &Header<'_>,
    entries: &[Entry],
) -> Result<Prepared> {
    check_label("lot", header.lot).map_err(anyhow::Error::msg)?;
    if let Some(s) = header.serial {
        check_label("serial number", s).map_err(anyhow::Error::msg)?;
    }
    check_label("station", header.station).map_err(anyhow::Error::msg)?;
    let mut by_item: BTreeMap<&str, &Entry> = BTreeMap::new();
    for e in entries {
        if checklist.items.iter().all(|i| i.id != e.item) {
            let ids: Vec<_> = checklist.items.iter().map(|i| i.id.as_str()).collect();
            bail!(
                "{} has no item `{}`; its items are {}",
                checklist.id,
                e.item,
                ids.join(", ")
            );
        }
        if by_item.insert(e.item.as_str(), e).is_some() {
            bail!("item `{}` is given twice", e.item);
        }
    }
    let missing: Vec<_> = checklist
        .items
        .iter()
        .filter(|i| !by_item.contains_key(i.id.as_str()))
        .map(|i| i.id.as_str())
        .collect();
    if !missing.is_empty() {
        bail!(
            "no value for {} of {}: {}\n\nhelp: give every item a value; `n` marks a non-critical item not applicable",
            if missing.len() == 1 { "item" } else { "items" },
            checklist.id,
            missing.join(", ")
        );
    }
    let mut results = Vec::new();
    for item in &checklist.items {
        let e = by_item[item.id.as_str()];
        results.push(evaluate(item, &e.value, &e.note).map_err(anyhow::Error::msg)?);
    }
    let verdict = verdict(&results);
    let summary = (verdict == Verdict::Fail).then(|| failure_summary(checklist, &results));
    let row = InspectionRow {
        id: 0,
        checklist_id: checklist.id.clone(),
        revision_id: rev.id,
        revision_number: rev.number,
        lot: header.lot.to_string(),
        serial: header.serial.unwrap_or("").to_string(),
        inspector: header.inspector.to_string(),
        station: header.station.to_string(),
        recorded_at: timestamp(header.at),
        verdict: verdict.as_str().to_string(),
        reinspects: header.reinspects,
        event_seq: 0,
    };
    let rows = results
        .iter()
        .enumerate()
        .map(|(k, r)| ItemResultRow {
            inspection_id: 0,
            position: k as i64 + 1,
            item_id: r.item_id.clone(),
            value: r.value.clone(),
            number: r.number,
            outcome: r.outcome.as_str().to_string(),
            note: r.note.clone(),
        })
        .collect();
    Ok(Prepared {
        new: NewInspection {
            row,
            results: rows,
            nc_summary: summary,
        },
        verdict,
        results,
    })
}

/// "pressure = 4.6 bar (out of spec: 0.4 bar above the upper limit 4.2); label: fail"
pub fn failure_summary(checklist: &Checklist, results: &[ItemResult]) -> String {
    results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .filter_map(|r| {
            let item = checklist.items.iter().find(|i| i.id == r.item_id)?;
            Some(match (&item.kind, r.number) {
                (ItemKind::Measure { unit, .. }, Some(x)) => {
                    format!("{} = {} {unit} ({})", item.id, r.value, judge(item, x))
                }
                (ItemKind::PassFail, _) => format!("{}: fail", item.id),
                _ => format!("{} = {}", item.id, r.value),
            })
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks that `reinspects` names an inspection of the same checklist that failed.
pub fn check_reinspection(
    store: &mut dyn Store,
    id: i64,
    checklist: &str,
) -> Result<InspectionRow> {
    let found = store.inspections(&InspectionFilter {
        id: Some(id),
        ..Default::default()
    })?;
    let Some(first) = found.into_iter().next() else {
        bail!("there is no inspection {}", ins_name(id));
    };
    if first.checklist_id != checklist {
        bail!(
            "{} used {}, not {checklist}; a re-inspection uses the same checklist",
            ins_name(id),
            first.checklist_id
        );
    }
    if first.verdict != "fail" {
        bail!(
            "{} passed; only a failed inspection is re-inspected after rework",
            ins_name(id)
        );
    }
    Ok(first)
}

pub fn ins_name(id: i64) -> String {
    format!("INS-{id:06}")
}

pub fn nc_name(id: i64) -> String {
    format!("NC-{id:04}")
}

/// Parses `INS-000012` or `12`.
pub fn parse_ins(s: &str) -> Result<i64> {
    let digits = s
        .trim()
        .trim_start_matches("INS-")
        .trim_start_matches("ins-");
    digits
        .parse()
        .map_err(|_| anyhow::anyhow!("`{s}` is not an inspection id; they look like INS-000012"))
}

/// Parses `NC-0003` or `3`.
pub fn parse_nc(s: &str) -> Result<i64> {
    let digits = s.trim().trim_start_matches("NC-").trim_start_matches("nc-");
    digits
        .parse()
        .map_err(|_| anyhow::anyhow!("`{s}` is not a nonconformance id; they look like NC-0003"))
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
    pub fn status(&self) -> &'static str {
        if self.closed.is_some() {
            "closed"
        } else if self.disposition.is_some() {
            "dispositioned"
        } else {
            "open"
        }
    }
}

pub fn nc_states<'a>(ncs: &'a [NcRow], steps: &'a [NcStepRow]) -> Vec<NcState<'a>> {
    ncs.iter()
        .map(|nc| {
            let own: Vec<&NcStepRow> = steps.iter().filter(|s| s.nc_id == nc.id).collect();
            NcState {
                nc,
                disposition: own.iter().rev().find(|s| s.kind == "disposition").copied(),
                closed: own.iter().find(|s| s.kind == "close").copied(),
                steps: own,
            }
        })
        .collect()
}

/// One step on a nonconformance: its kind (disposition, action, close),
/// value, the SOP a corrective action changes, and a note.
pub struct NcInput<'a> {
    pub kind: &'a str,
    pub value: &'a str,
    pub sop: Option<&'a str>,
    pub note: &'a str,
}

pub const DISPOSITIONS: &[&str] = &["rework", "scrap", "use-as-is", "return-to-supplier"];

/// Writes a nonconformance step after the checks that apply to it.
pub fn nc_step(
    store: &mut dyn Store,
    now: DateTime<Utc>,
    signer: &Person,
    nc_id: i64,
    step: NcInput<'_>,
) -> Result<String> {
    let NcInput {
        kind,
        value,
        sop,
        note,
    } = step;
    let ncs = store.nonconformances()?;
    let steps = store.nc_steps()?;
    let states = nc_states(&ncs, &steps);
    let Some(state) = states.iter().find(|s| s.nc.id == nc_id) else {
        bail!("there is no nonconformance {}", nc_name(nc_id));
    };
    let name = nc_name(nc_id);
    if let Some(c) = state.closed {
        bail!(
            "{name} was closed by {} on {}; a closed nonconformance takes no more steps",
            c.signer,
            local_date(parse_time(&c.signed_at))
        );
    }
    match kind {
        "disposition" if !DISPOSITIONS.contains(&value) => {
            bail!(
                "`{value}` is not a disposition; use one of {}",
                DISPOSITIONS.join(", ")
            )
        }
        "action" if value.trim().is_empty() => bail!("describe the corrective action"),
        "close" => {
            let Some(d) = state.disposition else {
                bail!(
                    "{name} has no disposition yet; record one first (`sopbook nc disposition {name} rework|scrap|use-as-is|return-to-supplier`)"
                );
            };
            if d.value == "rework" {
                let reinspections = store.inspections(&InspectionFilter::default())?;
                let voided: Vec<i64> = store.voids()?.iter().map(|v| v.inspection_id).collect();
                let passed = reinspections.iter().any(|i| {
                    i.reinspects == Some(state.nc.inspection_id)
                        && i.verdict == "pass"
                        && !voided.contains(&i.id)
                });
                if !passed {
                    bail!(
                        "{name} was reworked, so it closes only after a passing re-inspection\n\nhelp: `sopbook inspect <checklist> --lot ... --reinspect {}`",
                        ins_name(state.nc.inspection_id)
                    );
                }
            }
        }
        _ => {}
    }
    let row = NcStepRow {
        id: 0,
        nc_id,
        kind: kind.to_string(),
        value: value.trim().to_string(),
        sop_id: sop.map(str::to_string),
        signer: signer.id.clone(),
        signed_at: timestamp(now),
        note: note.trim().to_string(),
        event_seq: 0,
    };
    let action = match kind {
        "disposition" => "nc disposition",
        "action" => "nc corrective action",
        _ => "nc closed",
    };
    store.append(
        now,
        Batch {
            actor: signer.id.clone(),
            action: action.to_string(),
            record: name.clone(),
            note: json!({ "value": value.trim(), "sop": sop, "note": note.trim() }),
            inserts: vec![Insert::NcStep(row)],
        },
    )?;
    Ok(match kind {
        "disposition" => format!("{name}: disposition {value}"),
        "action" => format!(
            "{name}: corrective action recorded{}",
            sop.map(|s| format!(" (changes {s})")).unwrap_or_default()
        ),
        _ => format!("{name} is closed"),
    })
}

/// Voids an inspection: a correction record; the inspection stays visible.
pub fn void(
    store: &mut dyn Store,
    now: DateTime<Utc>,
    signer: &Person,
    id: i64,
    reason: &str,
) -> Result<String> {
    if reason.trim().is_empty() {
        bail!("say why the inspection is void: --reason \"...\"");
    }
    let found = store.inspections(&InspectionFilter {
        id: Some(id),
        ..Default::default()
    })?;
    if found.is_empty() {
        bail!("there is no inspection {}", ins_name(id));
    }
    if let Some(v) = store.voids()?.iter().find(|v| v.inspection_id == id) {
        bail!(
            "{} was already voided by {} on {}: {}",
            ins_name(id),
            v.voided_by,
            local_date(parse_time(&v.voided_at)),
            v.reason
        );
    }
    let row = VoidRow {
        id: 0,
        inspection_id: id,
        reason: reason.trim().to_string(),
        voided_by: signer.id.clone(),
        voided_at: timestamp(now),
        event_seq: 0,
    };
    store.append(
        now,
        Batch {
            actor: signer.id.clone(),
            action: "inspection voided".into(),
            record: ins_name(id),
            note: json!({ "reason": reason.trim() }),
            inserts: vec![Insert::Void(row)],
        },
    )?;
    Ok(format!(
        "{} is void; it stays in the records but leaves the scorecard",
        ins_name(id)
    ))
}

/// Records prepared inspections as one batch.
pub fn record(
    store: &mut dyn Store,
    now: DateTime<Utc>,
    actor: &str,
    action: &str,
    prepared: Vec<Prepared>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let record = match prepared.as_slice() {
        [one] => format!("{} lot {}", one.new.row.checklist_id, one.new.row.lot),
        many => format!("{} inspections", many.len()),
    };
    let batch = InspectionBatch {
        actor: actor.to_string(),
        action: action.to_string(),
        record,
        note: json!({}),
        inspections: prepared.into_iter().map(|p| p.new).collect(),
    };
    store.record_inspections(now, batch)
}
