//! Inspections on the floor: start one against the checklist revision in
//! force, turn what the inspector entered into results and a verdict,
//! record it (a failed one opens a nonconformance), list, show and void.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use super::Context;
use super::documents::rev_name;
use super::photos;
use crate::error::{Error, Result};
use crate::fail;
use crate::model::control::{Control, local_date};
use crate::model::inspection::{
    AnswerError, ItemResult, Outcome, Verdict, check_label, evaluate, judge, judge_in, verdict,
};
use crate::model::records::DocKind;
use crate::model::{Checklist, Item, ItemKind};
use crate::store::{
    Batch, Insert, InspectionBatch, InspectionFilter, InspectionRow, ItemResultRow, NcRow,
    NewInspection, Records, RevisionRow, Store, VoidRow,
};

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
    digits.parse().map_err(|_| {
        Error::invalid(format!(
            "`{s}` is not an inspection id; they look like INS-000012"
        ))
    })
}

/// Parses `NC-0003` or `3`.
pub fn parse_nc(s: &str) -> Result<i64> {
    let digits = s.trim().trim_start_matches("NC-").trim_start_matches("nc-");
    digits.parse().map_err(|_| {
        Error::invalid(format!(
            "`{s}` is not a nonconformance id; they look like NC-0003"
        ))
    })
}

/// The checklist revision in force on `date`, parsed.
pub fn effective_checklist(
    records: &Records,
    id: &str,
    date: NaiveDate,
) -> Result<(RevisionRow, Checklist)> {
    if let Some((source, language)) = crate::model::translation::split_translation_id(id) {
        return Err(Error::invalid(format!(
            "{id} is a translation of {source}; an inspection uses the checklist itself"
        ))
        .with_hint(format!(
            "`sopbook inspect {source} --lang {language}` shows it in that language"
        )));
    }
    let control = Control::new(records);
    let state = control.state(id, date);
    let Some((rev, _)) = state.effective.filter(|_| state.retired.is_none()) else {
        if control.doc(id).is_none() {
            return Err(
                Error::not_found(format!("no checklist has the id `{id}` in the records"))
                    .with_hint("only released checklists can be used; `sopbook status` lists them"),
            );
        }
        if state.retired.is_some() {
            fail!(Conflict, "{id} is obsolete; it cannot be used to inspect");
        }
        fail!(
            Conflict,
            "{id} has no effective revision on {date}; only an approved, effective checklist can be used to inspect"
        );
    };
    if rev.kind != DocKind::Checklist {
        fail!(Invalid, "{id} is a procedure, not a checklist");
    }
    let Some(checklist) = crate::workspace::parse_snapshot_checklist(&rev.path, &rev.content)
    else {
        fail!(
            Conflict,
            "{} no longer parses; release a corrected revision",
            rev_name(rev)
        );
    };
    Ok((rev.clone(), checklist))
}

/// What an inspector entered for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub item: String,
    pub value: String,
    pub note: String,
}

/// Who inspects what, where and when.
#[derive(Debug, Clone)]
pub struct Header {
    pub lot: String,
    pub serial: Option<String>,
    pub inspector: String,
    pub station: String,
    pub reinspects: Option<i64>,
    pub at: DateTime<Utc>,
}

/// An inspection about to be filled in: the checklist revision in force and its header.
#[derive(Debug, Clone)]
pub struct Form {
    pub revision: RevisionRow,
    /// The checklist as shown: in the language asked for, where translated.
    pub checklist: Checklist,
    pub header: Header,
    /// The language the checklist is shown in, when not the source's.
    pub language: Option<super::translations::Shown>,
}

/// What an inspection starts from.
#[derive(Debug, Clone)]
pub struct StartInput<'a> {
    pub checklist: &'a str,
    pub lot: &'a str,
    pub serial: Option<&'a str>,
    pub inspector: &'a str,
    pub station: &'a str,
    /// `INS-…` of the failed inspection this one re-inspects.
    pub reinspect: Option<&'a str>,
}

/// Checks who, what and which lot before anything is asked: the inspector
/// is a person, the checklist is in force, a re-inspection follows a failed
/// inspection of the same checklist, the labels are printable.
pub fn start(ctx: &mut Context, input: StartInput<'_>) -> Result<Form> {
    let record = format!("{} lot {}", input.checklist, input.lot);
    let person = ctx.person(input.inspector, &record, "inspect")?;
    let now = ctx.now();
    let records = ctx.store()?.records_of(input.checklist)?;
    let (revision, checklist) = match effective_checklist(
        &records,
        input.checklist,
        local_date(now),
    ) {
        Ok(found) => found,
        Err(e) if records.revisions.is_empty() => {
            let draft = ctx
                .workspace_opt()?
                .is_some_and(|ws| ws.checklist(input.checklist).is_some());
            if draft {
                return Err(Error::conflict(format!(
                        "{} is a working draft: it has never been released and approved, so it cannot be used to inspect yet",
                        input.checklist
                    ))
                    .with_hint(format!(
                        "`sopbook release {}` puts it in review",
                        input.checklist
                    )));
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let reinspects = match input.reinspect {
        Some(s) => Some(check_reinspection(ctx.store()?, parse_ins(s)?, &checklist.id)?.id),
        None => None,
    };
    check_label("lot", input.lot).map_err(Error::invalid)?;
    if reinspects.is_none() {
        super::lots::check_takes_units(ctx, &checklist.id, input.lot)?;
    }
    if let Some(s) = input.serial {
        check_label("serial number", s).map_err(Error::invalid)?;
    }
    check_label("station", input.station).map_err(Error::invalid)?;
    // At a station without the workspace the roles come from the last roster
    // in the records; records older than rosters know no roles, and there the
    // password (or a session) is the only check.
    if ctx.roles_known()? {
        let roles = inspector_roles(ctx, &checklist)?;
        ctx.require_role(&person, &roles, &record, "inspect")?;
    }
    ctx.prove(&person, &record, "inspect")?;
    ctx.store()?.can_write()?;
    Ok(Form {
        language: None,
        revision,
        checklist,
        header: Header {
            lot: input.lot.to_string(),
            serial: input.serial.map(str::to_string),
            inspector: input.inspector.to_string(),
            station: input.station.to_string(),
            reinspects,
            at: now,
        },
    })
}

/// [`start`], with the checklist's title, prompts and help in `language`,
/// else in the inspector's own `language` from sopbook.toml. Only the words
/// change: items, limits and the revision recorded are the source's.
pub fn start_in(ctx: &mut Context, input: StartInput<'_>, language: Option<&str>) -> Result<Form> {
    if let Some(code) = language {
        super::translations::known_language(ctx, code)?;
    }
    let mut form = start(ctx, input)?;
    let own = match language {
        Some(code) => Some(code.to_string()),
        None => ctx
            .people()?
            .into_iter()
            .find(|p| p.id == form.header.inspector)
            .and_then(|p| p.language),
    };
    if let Some(code) = own {
        form.language =
            super::translations::localise(ctx, &mut form.checklist, &form.revision, &code)?;
    }
    Ok(form)
}

/// The roles that may inspect with a checklist: its own `inspectors`, else
/// the roles its procedure (as in force) applies to; empty lets anyone.
pub fn inspector_roles(ctx: &mut Context, checklist: &Checklist) -> Result<Vec<String>> {
    let Some(sop) = checklist
        .sop
        .as_ref()
        .filter(|_| checklist.inspectors.is_empty())
    else {
        return Ok(checklist.inspector_roles(None).to_vec());
    };
    let today = ctx.today();
    let records = ctx.store()?.records_of(sop)?;
    let state = Control::new(&records).state(sop, today);
    let sop = state
        .effective
        .and_then(|(rev, _)| crate::workspace::parse_snapshot_sop(&rev.path, &rev.content));
    Ok(checklist.inspector_roles(sop.as_ref()).to_vec())
}

/// Checks that `id` names an inspection of the same checklist that failed.
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
        fail!(NotFound, "there is no inspection {}", ins_name(id));
    };
    if first.checklist_id != checklist {
        fail!(
            Invalid,
            "{} used {}, not {checklist}; a re-inspection uses the same checklist",
            ins_name(id),
            first.checklist_id
        );
    }
    if first.verdict != Verdict::Fail {
        fail!(
            Invalid,
            "{} passed; only a failed inspection is re-inspected after rework",
            ins_name(id)
        );
    }
    Ok(first)
}

/// One answer checked against its item, as the inspector types it; what
/// is wrong with it is said in the form's language by the front end
/// ([`AnswerError::said`]).
pub fn answer(
    item: &Item,
    input: &str,
    note: &str,
) -> std::result::Result<ItemResult, AnswerError> {
    evaluate(item, input, note)
}

/// How a measured value compares with its limits, in the words `w` of the
/// form's language.
pub fn judged(w: &crate::words::Form, item: &Item, result: &ItemResult) -> Option<String> {
    match (&item.kind, result.number, result.outcome) {
        (ItemKind::Measure { .. }, Some(x), Outcome::Fail) => Some(judge_in(w, item, x)),
        (ItemKind::Measure { .. }, Some(_), Outcome::Pass) => Some(w.in_spec.to_string()),
        (_, _, Outcome::Fail) => Some(w.fails.to_string()),
        _ => None,
    }
}

/// An inspection ready to be recorded.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub new: NewInspection,
    pub verdict: Verdict,
    pub results: Vec<ItemResult>,
}

impl Prepared {
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .count()
    }
}

/// Checks every entry against the checklist revision and builds the record.
/// Every item must have a value (or be marked not applicable).
pub fn prepare(form: &Form, entries: &[Entry]) -> Result<Prepared> {
    prepare_with(&form.revision, &form.checklist, &form.header, entries)
}

/// [`prepare`] from the parts of a form (an import shares them between rows).
pub fn prepare_with(
    rev: &RevisionRow,
    checklist: &Checklist,
    header: &Header,
    entries: &[Entry],
) -> Result<Prepared> {
    check_label("lot", &header.lot).map_err(Error::invalid)?;
    if let Some(s) = &header.serial {
        check_label("serial number", s).map_err(Error::invalid)?;
    }
    check_label("station", &header.station).map_err(Error::invalid)?;
    let mut by_item: BTreeMap<&str, &Entry> = BTreeMap::new();
    for e in entries {
        if checklist.items.iter().all(|i| i.id != e.item) {
            let ids: Vec<_> = checklist.items.iter().map(|i| i.id.as_str()).collect();
            fail!(
                Invalid,
                "{} has no item `{}`; its items are {}",
                checklist.id,
                e.item,
                ids.join(", ")
            );
        }
        if by_item.insert(e.item.as_str(), e).is_some() {
            fail!(Invalid, "item `{}` is given twice", e.item);
        }
    }
    let missing: Vec<_> = checklist
        .items
        .iter()
        .filter(|i| !by_item.contains_key(i.id.as_str()))
        .map(|i| i.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(format!(
            "no value for {} of {}: {}",
            if missing.len() == 1 { "item" } else { "items" },
            checklist.id,
            missing.join(", ")
        ))
        .with_hint(
            "give every item a value; `n` marks a non-critical item not applicable, an empty value leaves a non-critical text item empty",
        ));
    }
    let mut results = Vec::new();
    for item in &checklist.items {
        let e = by_item[item.id.as_str()];
        results.push(evaluate(item, &e.value, &e.note).map_err(|e| Error::invalid(e.to_string()))?);
    }
    let verdict = verdict(&results);
    let summary = (verdict == Verdict::Fail).then(|| failure_summary(checklist, &results));
    let row = InspectionRow {
        id: 0,
        checklist_id: checklist.id.clone(),
        revision_id: rev.id,
        revision_number: rev.number,
        lot: header.lot.clone(),
        serial: header.serial.clone().unwrap_or_default(),
        inspector: header.inspector.clone(),
        station: header.station.clone(),
        recorded_at: header.at,
        verdict,
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
            outcome: r.outcome,
            note: r.note.clone(),
        })
        .collect();
    Ok(Prepared {
        new: NewInspection {
            row,
            results: rows,
            attachments: Vec::new(),
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

/// A recorded inspection.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub id: i64,
    /// "INS-000012"
    pub name: String,
    pub checklist: String,
    pub revision: i64,
    pub verdict: Verdict,
    /// The nonconformance a failed inspection opened.
    pub nonconformance: Option<String>,
    #[serde(skip)]
    pub nc_id: Option<i64>,
}

/// Records one inspection from the inspector's entries, with photos of its
/// items: each checked, then kept beside the records before the inspection
/// that names it is recorded.
pub fn record(
    ctx: &mut Context,
    form: &Form,
    entries: &[Entry],
    uploads: &[photos::Upload],
) -> Result<Recorded> {
    let mut prepared = prepare(form, entries)?;
    check_uploads(form, uploads)?;
    let mut kept = Vec::new();
    for u in uploads {
        kept.push(photos::keep(ctx, u)?);
    }
    prepared.new.attachments = photos::rows(&form.checklist, &kept)?;
    let verdict = prepared.verdict;
    let actor = form.header.inspector.clone();
    let ids = record_prepared(ctx, &actor, vec![prepared])?;
    let (id, nc) = ids[0];
    Ok(Recorded {
        id,
        name: ins_name(id),
        checklist: form.checklist.id.clone(),
        revision: form.revision.number,
        verdict,
        nonconformance: nc.map(nc_name),
        nc_id: nc,
    })
}

/// Checks photos for a form before anything is asked or kept: each is a
/// photo within the size limit, for an item of the checklist, and no item
/// has too many.
pub fn check_uploads(form: &Form, uploads: &[photos::Upload]) -> Result<()> {
    photos::check_items(
        &form.checklist,
        uploads
            .iter()
            .map(|u| (u.item.as_str(), u.file_name.as_str())),
    )?;
    for u in uploads {
        photos::check(u)?;
    }
    Ok(())
}

/// Records prepared inspections as one batch, at the context's time.
pub fn record_prepared(
    ctx: &mut Context,
    actor: &str,
    prepared: Vec<Prepared>,
) -> Result<Vec<(i64, Option<i64>)>> {
    record_prepared_noted(ctx, actor, prepared, json!({}))
}

/// The same, with `note` in the audit event (a browser's submission key).
pub fn record_prepared_noted(
    ctx: &mut Context,
    actor: &str,
    mut prepared: Vec<Prepared>,
    note: Value,
) -> Result<Vec<(i64, Option<i64>)>> {
    // Units of a lot opened by sampling plan: the lot's rules first.
    super::lots::before_record(ctx, &mut prepared)?;
    let mut touched: Vec<(String, String)> = prepared
        .iter()
        .filter(|p| p.new.row.reinspects.is_none())
        .map(|p| (p.new.row.checklist_id.clone(), p.new.row.lot.clone()))
        .collect();
    touched.sort();
    touched.dedup();
    let record = match prepared.as_slice() {
        [one] => format!("{} lot {}", one.new.row.checklist_id, one.new.row.lot),
        many => format!("{} inspections", many.len()),
    };
    let batch = InspectionBatch {
        actor: actor.to_string(),
        action: "inspected".to_string(),
        record,
        note,
        inspections: prepared.into_iter().map(|p| p.new).collect(),
    };
    ctx.sync_roster()?;
    let now = ctx.now();
    let ids = ctx.store()?.record_inspections(now, batch)?;
    // The units are recorded whatever happens next: a lot left open here
    // (the records busy) is closed by `sopbook lot close`.
    let _ = super::lots::after_record(ctx, actor, &touched);
    Ok(ids)
}

/// Entries from a JSON object `{"item": "value" | number | {"value": .., "note": ..}}`.
pub fn entries_from_json(text: &str, file: &str) -> Result<Vec<Entry>> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        Error::invalid(format!(
            "`{file}` is not valid JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let Some(map) = v.as_object() else {
        fail!(
            Invalid,
            "`{file}` must hold one JSON object: {{\"item\": \"value\", ...}}"
        );
    };
    let mut entries = Vec::new();
    for (item, value) in map {
        let (value, note) = match value {
            Value::String(s) => (s.clone(), String::new()),
            Value::Number(n) => (n.to_string(), String::new()),
            Value::Object(o) => (
                match o.get("value") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => fail!(Invalid, "`{file}`: item `{item}` needs a \"value\""),
                },
                o.get("note")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ),
            _ => fail!(
                Invalid,
                "`{file}`: the value of item `{item}` must be a string, a number or {{\"value\": ..., \"note\": ...}}"
            ),
        };
        entries.push(Entry {
            item: item.clone(),
            value,
            note,
        });
    }
    Ok(entries)
}

fn split_pair(s: &str, what: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => fail!(
            Invalid,
            "`{s}` is not {what}; write ITEM=VALUE, e.g. --set pressure=4.1"
        ),
    }
}

/// Adds `ITEM=VALUE` results and then `ITEM=NOTE` notes to `entries`.
pub fn add_pairs(entries: &mut Vec<Entry>, set: &[String], notes: &[String]) -> Result<()> {
    for s in set {
        let (item, value) = split_pair(s, "a result")?;
        entries.push(Entry {
            item,
            value,
            note: String::new(),
        });
    }
    for s in notes {
        let (item, note) = split_pair(s, "a note")?;
        match entries.iter_mut().find(|e| e.item == item) {
            Some(e) => e.note = note,
            None => fail!(
                Invalid,
                "--note {item}=...: there is no result for item `{item}`"
            ),
        }
    }
    Ok(())
}

/// An inspection in a list.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionView {
    #[serde(flatten)]
    pub row: InspectionRow,
    pub name: String,
    pub void: bool,
}

/// Which inspections to list.
#[derive(Debug, Clone, Default)]
pub struct ListInput<'a> {
    pub checklist: Option<&'a str>,
    pub lot: Option<&'a str>,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    /// "pass" or "fail".
    pub result: Option<&'a str>,
}

pub fn list(ctx: &mut Context, input: ListInput<'_>) -> Result<Vec<InspectionView>> {
    if let Some(r) = input.result
        && r != "pass"
        && r != "fail"
    {
        fail!(Invalid, "--result takes pass or fail, not `{r}`");
    }
    let filter = InspectionFilter {
        checklist: input.checklist.map(str::to_string),
        lot: input.lot.map(str::to_string),
        since: super::day_bound(input.since)?,
        until: super::day_bound(input.until)?,
        verdict: input.result.map(str::to_string),
        ..Default::default()
    };
    let store = ctx.store()?;
    let list = store.inspections(&filter)?;
    let voided: HashSet<i64> = store.voids()?.iter().map(|v| v.inspection_id).collect();
    Ok(list
        .into_iter()
        .map(|row| InspectionView {
            name: ins_name(row.id),
            void: voided.contains(&row.id),
            row,
        })
        .collect())
}

/// One inspection with its results, its void and the nonconformance it opened.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionDetail {
    #[serde(flatten)]
    pub row: InspectionRow,
    pub name: String,
    pub results: Vec<ItemResultRow>,
    /// Photos attached to its items, with where each file is kept.
    pub photos: Vec<PhotoView>,
    pub void: Option<VoidRow>,
    pub nonconformance: Option<String>,
    /// The re-inspections of this inspection.
    pub reinspected_by: Vec<String>,
}

/// A photo of a recorded inspection.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoView {
    pub item: String,
    pub file_name: String,
    pub media_type: String,
    pub byte_size: i64,
    pub sha256: String,
    /// Where the file is kept.
    pub file: String,
}

pub fn show(ctx: &mut Context, id: &str) -> Result<InspectionDetail> {
    let id = parse_ins(id)?;
    let store = ctx.store()?;
    let Some(row) = store
        .inspections(&InspectionFilter {
            id: Some(id),
            ..Default::default()
        })?
        .into_iter()
        .next()
    else {
        fail!(NotFound, "there is no inspection {}", ins_name(id));
    };
    let results = store.item_results(id)?;
    let files = store.photo_files();
    let photos = store
        .attachments(Some(id))?
        .into_iter()
        .map(|a| PhotoView {
            file: files
                .path_of(&a.sha256)
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            item: a.item_id,
            file_name: a.file_name,
            media_type: a.media_type,
            byte_size: a.byte_size,
            sha256: a.sha256,
        })
        .collect();
    let void = store.voids()?.into_iter().find(|v| v.inspection_id == id);
    let nc: Option<NcRow> = store
        .nonconformances()?
        .into_iter()
        .find(|n| n.inspection_id == id);
    let reinspected_by = store
        .inspections(&InspectionFilter::default())?
        .iter()
        .filter(|i| i.reinspects == Some(id))
        .map(|i| ins_name(i.id))
        .collect();
    Ok(InspectionDetail {
        name: ins_name(row.id),
        row,
        results,
        photos,
        void,
        nonconformance: nc.map(|n| nc_name(n.id)),
        reinspected_by,
    })
}

/// A voided inspection.
#[derive(Debug, Clone, Serialize)]
pub struct Voided {
    pub name: String,
    pub by: String,
}

/// Whether `person` holds a role that `[permissions] void` lets void an
/// inspection (the rule [`void`] enforces; asking records nothing).
pub fn may_void(ctx: &mut Context, person: &str) -> Result<bool> {
    let roles = ctx.config()?.permissions.void.clone();
    let people = ctx.people()?;
    Ok(people
        .iter()
        .find(|p| p.id == person)
        .is_some_and(|p| super::allowed(p, &roles)))
}

/// Voids an inspection: a correction record; the inspection stays visible.
pub fn void(ctx: &mut Context, id: &str, reason: &str, actor: &str) -> Result<Voided> {
    let id = parse_ins(id)?;
    if reason.trim().is_empty() {
        fail!(Invalid, "say why the inspection is void: --reason \"...\"");
    }
    let person = ctx.person(actor, &ins_name(id), "void")?;
    let roles = ctx.config()?.permissions.void.clone();
    ctx.require_role(&person, &roles, &ins_name(id), "void")?;
    let store = ctx.store()?;
    let found = store.inspections(&InspectionFilter {
        id: Some(id),
        ..Default::default()
    })?;
    if found.is_empty() {
        fail!(NotFound, "there is no inspection {}", ins_name(id));
    }
    if let Some(v) = store.voids()?.iter().find(|v| v.inspection_id == id) {
        fail!(
            Conflict,
            "{} was already voided by {} on {}: {}",
            ins_name(id),
            v.voided_by,
            local_date(v.voided_at),
            v.reason
        );
    }
    // Everything is checked before the password is asked for.
    ctx.check_password(&person, &ins_name(id), "void")?;
    let signer = person;
    let row = VoidRow {
        id: 0,
        inspection_id: id,
        reason: reason.trim().to_string(),
        voided_by: signer.id.clone(),
        voided_at: ctx.now(),
        event_seq: 0,
    };
    ctx.append(Batch {
        actor: signer.id.clone(),
        action: "inspection voided".into(),
        record: ins_name(id),
        note: json!({ "reason": reason.trim() }),
        inserts: vec![Insert::Void(row)],
    })?;
    Ok(Voided {
        name: ins_name(id),
        by: signer.id,
    })
}
