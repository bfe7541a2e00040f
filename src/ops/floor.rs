//! The floor, one step at a time: what a front end that fills in a
//! checklist over several requests (the browser) needs around
//! [`inspections`](super::inspections): the checklists in force with a
//! station's own first, a checklist's form, the form filled in and checked
//! item by item, and a submit that records once however often it arrives.
//!
//! Every step starts the inspection again ([`inspections::start`]): the
//! person, their role and the checklist in force are checked each time, and
//! what is recorded is exactly what `sopbook inspect` records, with the
//! form's submission key in the audit event's note.

use chrono::Duration;
use serde::Serialize;
use serde_json::json;

use super::Context;
use super::inspections::{self, Entry, Form, Recorded, StartInput, ins_name, nc_name};
use super::photos::{self, PHOTOS_PER_ITEM, Photo, PhotoRef, Upload};
use crate::error::{Error, Result};
use crate::fail;
use crate::model::control::{Control, local_date};
use crate::model::inspection::{Outcome, Verdict};
use crate::model::records::DocKind;
use crate::model::{Checklist, ItemKind};
use crate::store::{InspectionFilter, RevisionRow};

/// How far back the inspections that make a checklist a station's own go.
pub const STATION_DAYS: i64 = 30;

/// A checklist in force, as a station offers it.
#[derive(Debug, Clone, Serialize)]
pub struct InForce {
    pub id: String,
    pub title: String,
    pub revision: i64,
    pub description: Option<String>,
    pub applies_to: Vec<String>,
    pub items: usize,
    pub critical: usize,
    /// Inspections with it at this station in the last [`STATION_DAYS`] days.
    pub used_here: usize,
    /// The languages the form may be shown in (sopbook.toml's), with the
    /// one it opens in for the person asking marked; empty without
    /// `[[language]]`.
    pub languages: Vec<LanguageChoice>,
}

/// A language a form may be shown in.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageChoice {
    pub code: String,
    pub name: String,
    pub chosen: bool,
}

/// The checklists in force today: the station's own (used there lately,
/// most used first), then the others in id order.
#[derive(Debug, Clone, Serialize)]
pub struct Checklists {
    pub station: String,
    pub here: Vec<InForce>,
    pub others: Vec<InForce>,
}

fn in_force(rev: &RevisionRow, checklist: &Checklist, used_here: usize) -> InForce {
    InForce {
        id: checklist.id.clone(),
        title: checklist.title.clone(),
        revision: rev.number,
        description: checklist.description.clone(),
        applies_to: checklist.applies_to.clone(),
        items: checklist.items.len(),
        critical: checklist.items.iter().filter(|i| i.critical).count(),
        used_here,
        languages: Vec::new(),
    }
}

/// The checklists in force on `today` (not retired), with the revision in
/// force of each, in id order.
fn in_force_today(
    records: &crate::store::Records,
    today: chrono::NaiveDate,
) -> Vec<(RevisionRow, Checklist)> {
    let control = Control::new(records);
    let mut ids: Vec<&str> = control.source_ids().collect();
    ids.sort_by(|a, b| crate::workspace::id_order(a, b));
    ids.dedup();
    let mut all = Vec::new();
    for id in ids {
        let state = control.state(id, today);
        let Some((rev, _)) = state.effective.filter(|_| state.retired.is_none()) else {
            continue;
        };
        if rev.kind != DocKind::Checklist {
            continue;
        }
        if let Some(checklist) = crate::workspace::parse_snapshot_checklist(&rev.path, &rev.content)
        {
            all.push((rev.clone(), checklist));
        }
    }
    all
}

/// The checklists that can be used to inspect now, the station's first.
pub fn checklists(ctx: &mut Context, station: &str) -> Result<Checklists> {
    let today = local_date(ctx.now());
    let since = (today - Duration::days(STATION_DAYS)).to_string();
    let store = ctx.store()?;
    let records = store.records()?;
    let recent = store.inspections(&InspectionFilter {
        since: Some(since),
        ..Default::default()
    })?;
    let mut all = Vec::new();
    for (rev, checklist) in in_force_today(&records, today) {
        let used = recent
            .iter()
            .filter(|i| i.station == station && i.checklist_id == checklist.id)
            .count();
        all.push(in_force(&rev, &checklist, used));
    }
    let (mut here, others): (Vec<_>, Vec<_>) = all.into_iter().partition(|c| c.used_here > 0);
    here.sort_by_key(|c| std::cmp::Reverse(c.used_here));
    Ok(Checklists {
        station: station.to_string(),
        here,
        others,
    })
}

/// One checklist in force, before a lot is named; an error says why a
/// checklist cannot be used (unknown, a draft, not yet effective, obsolete).
pub fn checklist(ctx: &mut Context, id: &str, person: &str) -> Result<InForce> {
    let today = local_date(ctx.now());
    let records = ctx.store()?.records_of(id)?;
    match inspections::effective_checklist(&records, id, today) {
        Ok((rev, checklist)) => {
            let mut view = in_force(&rev, &checklist, 0);
            view.languages = languages_for(ctx, person)?;
            Ok(view)
        }
        Err(e) if records.revisions.is_empty() => {
            let draft = ctx
                .workspace_opt()?
                .is_some_and(|ws| ws.checklist(id).is_some());
            if draft {
                fail!(
                    Conflict,
                    "{id} is a working draft: it has never been released and approved, so it cannot be used to inspect yet"
                );
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// A checklist's form, filled in as far as the inspector has got.
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    pub checklist: String,
    pub title: String,
    pub revision: i64,
    pub description: Option<String>,
    pub sop: Option<String>,
    pub lot: String,
    pub serial: Option<String>,
    pub station: String,
    pub inspector: String,
    /// `INS-…` of the failed inspection this one re-inspects.
    pub reinspects: Option<String>,
    /// The form's submission key: the same in every step of one form, so
    /// that however often it is submitted, it records one inspection.
    pub key: String,
    pub items: Vec<SheetItem>,
    /// Whether every item was checked and has a value that fits it.
    pub complete: bool,
    /// The verdict, once the form is complete.
    pub verdict: Option<Verdict>,
    /// Items that fail.
    pub failed: usize,
    /// Items whose value does not fit (or is missing).
    pub problems: usize,
    /// The language the form is shown in, when not the source's: its
    /// direction, and what the reader is told (a stale or missing translation).
    pub language: Option<super::translations::Shown>,
    /// The language asked for, carried through the form's steps.
    pub lang: Option<String>,
}

/// One item of a [`Sheet`]: what to check, what was entered, how it stands.
#[derive(Debug, Clone, Serialize)]
pub struct SheetItem {
    #[serde(flatten)]
    pub item: ItemSpec,
    pub value: String,
    pub note: String,
    /// Once checked: pass, fail, na or recorded.
    pub outcome: Option<Outcome>,
    /// How a value compares with the specification: "in spec", "0.4 bar
    /// above the upper limit 3.8", "fails".
    pub judged: Option<String>,
    /// What is wrong with the value entered, in words.
    pub problem: Option<String>,
    /// Photos attached to it so far, kept beside the records.
    pub photos: Vec<Photo>,
    /// What is wrong with a photo sent for it (too large, not a photo,
    /// too many), in words; the photo was not kept.
    pub photo_problem: Option<String>,
}

/// A form as a front end sends it back: who and which lot, the revision
/// and submission key the form was opened with, and the entries so far.
#[derive(Debug, Clone)]
pub struct Filled<'a> {
    pub start: StartInput<'a>,
    /// The checklist revision the form shows; a newer one in force since
    /// is a conflict, not a silent switch.
    pub revision: Option<i64>,
    pub key: Option<&'a str>,
    pub entries: Vec<Entry>,
    /// Photos kept in an earlier step, named by the form.
    pub photos: Vec<PhotoRef>,
    /// Photos sent with this step, not kept yet.
    pub uploads: Vec<Upload>,
    /// The language to show the form in (a code of sopbook.toml's); none:
    /// the inspector's own. What is recorded is the same in any.
    pub language: Option<&'a str>,
}

/// A new submission key: 32 hex digits from the system's random source.
fn new_key() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid(format!("could not make a submission key: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Refuses a submission key that sopbook did not make.
fn check_key(key: &str) -> Result<()> {
    if key.len() == 32 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Ok(());
    }
    Err(
        Error::invalid("this form's submission key is not one sopbook made; nothing was recorded")
            .with_hint("open the checklist again and fill in a new form"),
    )
}

/// Starts the inspection again and checks that the form still shows the
/// revision in force.
fn restart(ctx: &mut Context, input: &Filled<'_>) -> Result<Form> {
    let form = inspections::start_in(ctx, input.start.clone(), input.language)?;
    if let Some(shown) = input.revision
        && shown != form.revision.number
    {
        fail!(
            Conflict,
            "{} rev {} is in force now, and this form was rev {shown}; nothing was recorded: start the inspection again",
            form.checklist.id,
            form.revision.number
        );
    }
    for e in &input.entries {
        if form.checklist.items.iter().all(|i| i.id != e.item) {
            fail!(
                Invalid,
                "{} has no item `{}`; nothing was recorded",
                form.checklist.id,
                e.item
            );
        }
    }
    Ok(form)
}

/// An error's message with what to do about it, for a form.
fn said(e: &Error) -> String {
    match &e.hint {
        Some(hint) => format!("{}: {hint}", e.message),
        None => e.message.clone(),
    }
}

/// A form's photos: kept ones, and what is wrong with those that are not,
/// by item.
#[derive(Debug, Default)]
struct Gathered {
    photos: Vec<Photo>,
    problems: Vec<(String, String)>,
}

/// The photos of a form: those it names, found among the kept ones, and
/// those sent with it, checked and kept. A photo that is not is left out,
/// and what is wrong with it is said on its item.
fn gather(ctx: &mut Context, form: &Form, input: &Filled<'_>) -> Result<Gathered> {
    let mut g = Gathered::default();
    for r in &input.photos {
        match photos::kept(ctx, r) {
            Ok(p) => g.photos.push(p),
            Err(e) => g.problems.push((r.item.clone(), said(&e))),
        }
    }
    for u in &input.uploads {
        match photos::check(u) {
            Ok(_) => g.photos.push(photos::keep(ctx, u)?),
            Err(e) => g.problems.push((u.item.clone(), said(&e))),
        }
    }
    // The same photo twice on one item is one photo.
    let mut seen = std::collections::HashSet::new();
    g.photos
        .retain(|p| seen.insert((p.item.clone(), p.sha256.clone())));
    for item in &form.checklist.items {
        let n = g.photos.iter().filter(|p| p.item == item.id).count();
        if n > PHOTOS_PER_ITEM {
            g.problems.push((
                item.id.clone(),
                format!(
                    "{n} photos were attached to item `{}`; at most {PHOTOS_PER_ITEM} can be, so the last were not kept",
                    item.id
                ),
            ));
            let mut k = 0;
            g.photos.retain(|p| {
                k += usize::from(p.item == item.id);
                p.item != item.id || k <= PHOTOS_PER_ITEM
            });
        }
    }
    Ok(g)
}

fn sheet(form: &Form, input: &Filled<'_>, photos: Gathered, key: String, judge: bool) -> Sheet {
    let mut items = Vec::new();
    let language = form.language.as_ref().map(|l| l.language.as_str());
    let words = crate::words::form(language);
    for item in &form.checklist.items {
        let entry = input.entries.iter().find(|e| e.item == item.id);
        let value = entry.map(|e| e.value.clone()).unwrap_or_default();
        let note = entry.map(|e| e.note.clone()).unwrap_or_default();
        let (outcome, judged, problem) = if judge {
            match inspections::answer(item, &value, &note) {
                Ok(r) => (Some(r.outcome), inspections::judged(&words, item, &r), None),
                Err(e) => (None, None, Some(e.said(&words))),
            }
        } else {
            (None, None, None)
        };
        let photo_problem = photos
            .problems
            .iter()
            .filter(|(i, _)| *i == item.id)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>();
        items.push(SheetItem {
            item: item_spec(item, language),
            value,
            note,
            outcome,
            judged,
            problem,
            photos: photos
                .photos
                .iter()
                .filter(|p| p.item == item.id)
                .cloned()
                .collect(),
            photo_problem: (!photo_problem.is_empty()).then(|| photo_problem.join(" ")),
        });
    }
    let problems = items
        .iter()
        .filter(|i| i.problem.is_some() || i.photo_problem.is_some())
        .count();
    let failed = items
        .iter()
        .filter(|i| i.outcome == Some(Outcome::Fail))
        .count();
    let complete = judge && problems == 0;
    let header = &form.header;
    Sheet {
        checklist: form.checklist.id.clone(),
        title: form.checklist.title.clone(),
        revision: form.revision.number,
        description: form.checklist.description.clone(),
        sop: form.checklist.sop.clone(),
        lot: header.lot.clone(),
        serial: header.serial.clone(),
        station: header.station.clone(),
        inspector: header.inspector.clone(),
        reinspects: header.reinspects.map(ins_name),
        key,
        items,
        complete,
        verdict: complete.then_some(if failed > 0 {
            Verdict::Fail
        } else {
            Verdict::Pass
        }),
        failed,
        problems,
        language: form.language.clone(),
        lang: input.language.map(str::to_string),
    }
}

/// sopbook.toml's languages, the person's own (else the source) chosen.
fn languages_for(ctx: &mut Context, person: &str) -> Result<Vec<LanguageChoice>> {
    let config = ctx.config()?;
    if config.languages.is_empty() {
        return Ok(Vec::new());
    }
    let own = ctx
        .people()?
        .into_iter()
        .find(|p| p.id == person)
        .and_then(|p| p.language);
    let chosen = |l: &crate::model::translation::Language| match &own {
        Some(code) => *code == l.code,
        None => l.source,
    };
    Ok(config
        .languages
        .iter()
        .map(|l| LanguageChoice {
            code: l.code.clone(),
            name: l.name.clone(),
            chosen: chosen(l),
        })
        .collect())
}

/// Opens the form for a lot (with what was entered so far, when the
/// inspector goes back to change an answer), after the same checks as
/// `sopbook inspect`. A new form gets a new submission key.
pub fn open(ctx: &mut Context, input: Filled<'_>) -> Result<Sheet> {
    let key = match input.key {
        Some(k) => {
            check_key(k)?;
            k.to_string()
        }
        None => new_key()?,
    };
    let form = restart(ctx, &input)?;
    let photos = gather(ctx, &form, &input)?;
    Ok(sheet(&form, &input, photos, key, false))
}

/// Checks every entry against its item: the verdict when all fit, else
/// what is wrong with each one that does not. Records nothing.
pub fn check(ctx: &mut Context, input: Filled<'_>) -> Result<Sheet> {
    let Some(key) = input.key else {
        fail!(
            Invalid,
            "this form has no submission key; open the checklist again"
        );
    };
    check_key(key)?;
    let form = restart(ctx, &input)?;
    let photos = gather(ctx, &form, &input)?;
    Ok(sheet(&form, &input, photos, key.to_string(), true))
}

/// A recorded form.
#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    #[serde(flatten)]
    pub recorded: Recorded,
    /// The key had been submitted before: this is the inspection it
    /// recorded then, and nothing new was recorded.
    pub replayed: bool,
}

/// The inspection an earlier submit of `key` recorded, if any; a key used
/// for another checklist, lot or person is a conflict.
fn recorded_by(ctx: &mut Context, key: &str, input: &Filled<'_>) -> Result<Option<Submitted>> {
    let store = ctx.store()?;
    let Some(id) = store.submitted(key)? else {
        return Ok(None);
    };
    let Some(row) = store
        .inspections(&InspectionFilter {
            id: Some(id),
            ..Default::default()
        })?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let start = &input.start;
    let same = row.checklist_id == start.checklist
        && row.lot == start.lot
        && row.serial == start.serial.unwrap_or_default()
        && row.inspector == start.inspector;
    if !same {
        fail!(
            Conflict,
            "this form was recorded before as {} ({} lot {} by {}); nothing more was recorded",
            ins_name(id),
            row.checklist_id,
            row.lot,
            row.inspector
        );
    }
    let nc = store
        .nonconformances()?
        .into_iter()
        .find(|n| n.inspection_id == id)
        .map(|n| n.id);
    Ok(Some(Submitted {
        recorded: Recorded {
            id,
            name: ins_name(id),
            checklist: row.checklist_id,
            revision: row.revision_number,
            verdict: row.verdict,
            nonconformance: nc.map(nc_name),
            nc_id: nc,
        },
        replayed: true,
    }))
}

/// Records the form as `sopbook inspect` records an inspection (the same
/// checks, rows and audit event; a failed one opens its nonconformance),
/// once per submission key: a key already recorded answers with that
/// inspection and records nothing.
pub fn submit(ctx: &mut Context, input: Filled<'_>) -> Result<Submitted> {
    let Some(key) = input.key else {
        fail!(
            Invalid,
            "this form has no submission key; nothing was recorded: open the checklist again"
        );
    };
    check_key(key)?;
    // A key recorded already is refused by the write itself (the records
    // keep it unique), and the inspection it recorded is answered then: a
    // submit asks the records nothing first. A form with photos to keep
    // asks first, so that a repeat keeps no file again.
    if !input.uploads.is_empty()
        && let Some(done) = recorded_by(ctx, key, &input)?
    {
        return Ok(done);
    }
    match submit_new(ctx, &input, key) {
        Ok(done) => Ok(done),
        Err(e) => match recorded_by(ctx, key, &input)? {
            Some(done) => Ok(done),
            None => Err(e),
        },
    }
}

/// Records the form under `key`, with every check of `sopbook inspect`.
fn submit_new(ctx: &mut Context, input: &Filled<'_>, key: &str) -> Result<Submitted> {
    let form = restart(ctx, input)?;
    let mut prepared = inspections::prepare(&form, &input.entries)?;
    // The photos were kept at the review; their bytes are found again here,
    // and one that is not there any more stops the record.
    let mut kept = Vec::new();
    for r in &input.photos {
        kept.push(photos::kept(ctx, r)?);
    }
    inspections::check_uploads(&form, &input.uploads)?;
    for u in &input.uploads {
        kept.push(photos::keep(ctx, u)?);
    }
    prepared.new.attachments = photos::rows(&form.checklist, &kept)?;
    let verdict = prepared.verdict;
    let actor = form.header.inspector.clone();
    let ids = inspections::record_prepared_noted(
        ctx,
        &actor,
        vec![prepared],
        json!({ "submission": key }),
    )?;
    let Some(&(id, nc)) = ids.first() else {
        fail!(
            Store,
            "the records store recorded no inspection for this form"
        );
    };
    Ok(Submitted {
        recorded: Recorded {
            id,
            name: ins_name(id),
            checklist: form.checklist.id.clone(),
            revision: form.revision.number,
            verdict,
            nonconformance: nc.map(nc_name),
            nc_id: nc,
        },
        replayed: false,
    })
}

/// A recorded inspection as the floor shows it: the record, and each
/// result with its item's prompt, unit and how it stands.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub detail: inspections::InspectionDetail,
    /// The checklist's title in the revision used.
    pub title: String,
    pub items: Vec<ShownItem>,
}

/// One result of a [`Shown`] inspection.
#[derive(Debug, Clone, Serialize)]
pub struct ShownItem {
    pub id: String,
    /// The item's prompt in the revision used (its id if that revision no
    /// longer parses).
    pub prompt: String,
    pub critical: bool,
    pub kind: &'static str,
    pub unit: Option<String>,
    pub value: String,
    pub outcome: Outcome,
    pub judged: Option<String>,
    pub note: String,
    /// The photos attached to it.
    pub photos: Vec<inspections::PhotoView>,
}

/// One inspection with the words of the checklist revision it used; how a
/// measurement compared with its limits is said in `language`.
pub fn shown(ctx: &mut Context, id: &str, language: Option<&str>) -> Result<Shown> {
    let words = crate::words::form(language);
    let detail = inspections::show(ctx, id)?;
    let records = ctx.store()?.records_of(&detail.row.checklist_id)?;
    let checklist = records
        .revisions
        .iter()
        .find(|r| r.id == detail.row.revision_id)
        .and_then(|r| crate::workspace::parse_snapshot_checklist(&r.path, &r.content));
    let items = detail
        .results
        .iter()
        .map(|r| {
            let item = checklist
                .as_ref()
                .and_then(|c| c.items.iter().find(|i| i.id == r.item_id));
            let result = crate::model::inspection::ItemResult {
                item_id: r.item_id.clone(),
                value: r.value.clone(),
                number: r.number,
                outcome: r.outcome,
                note: r.note.clone(),
            };
            ShownItem {
                id: r.item_id.clone(),
                prompt: item.map_or_else(|| r.item_id.clone(), |i| i.prompt.clone()),
                critical: item.is_some_and(|i| i.critical),
                kind: item.map_or("text", |i| i.kind.name()),
                unit: item.and_then(|i| match &i.kind {
                    ItemKind::Measure { unit, .. } => Some(unit.clone()),
                    _ => None,
                }),
                value: r.value.clone(),
                outcome: r.outcome,
                judged: item.and_then(|i| inspections::judged(&words, i, &result)),
                note: r.note.clone(),
                photos: detail
                    .photos
                    .iter()
                    .filter(|p| p.item == r.item_id)
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    Ok(Shown {
        title: checklist.map(|c| c.title).unwrap_or_default(),
        detail,
        items,
    })
}

/// One item of a checklist as a system that fills it in needs it: what to
/// check and what fits, without any answer.
#[derive(Debug, Clone, Serialize)]
pub struct ItemSpec {
    pub id: String,
    pub prompt: String,
    pub help: Option<String>,
    pub critical: bool,
    /// "pass_fail", "measure", "choice", "count" or "text".
    pub kind: &'static str,
    /// The specification in words: "3.3 – 3.8 bar (nominal 3.5)".
    pub spec: String,
    pub unit: Option<String>,
    pub nominal: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub options: Vec<String>,
    /// The largest count that passes.
    pub max: Option<u32>,
    /// Whether "na" (not applicable) may be entered.
    pub may_skip: bool,
}

/// A checklist in force with its items.
#[derive(Debug, Clone, Serialize)]
pub struct Described {
    #[serde(flatten)]
    pub checklist: InForce,
    pub items: Vec<ItemSpec>,
}

/// An item as the form shows it, its specification in `language` (the
/// source's without one).
fn item_spec(item: &crate::model::Item, language: Option<&str>) -> ItemSpec {
    let mut spec = ItemSpec {
        id: item.id.clone(),
        prompt: item.prompt.clone(),
        help: item.help.clone(),
        critical: item.critical,
        kind: item.kind.name(),
        spec: crate::manual::words::spec(language, &item.kind),
        unit: None,
        nominal: None,
        lower: None,
        upper: None,
        options: Vec::new(),
        max: None,
        may_skip: !item.critical && !matches!(item.kind, ItemKind::Text),
    };
    match &item.kind {
        ItemKind::Measure {
            unit,
            nominal,
            lower,
            upper,
            ..
        } => {
            spec.unit = Some(unit.clone());
            (spec.nominal, spec.lower, spec.upper) = (*nominal, *lower, *upper);
        }
        ItemKind::Choice { options, .. } => spec.options = options.clone(),
        ItemKind::Count { max } => spec.max = Some(*max),
        ItemKind::PassFail | ItemKind::Text => {}
    }
    spec
}

/// The checklists in force today with their items, in id order: what a
/// gauge or another system needs to fill one in.
pub fn described(ctx: &mut Context) -> Result<Vec<Described>> {
    let today = local_date(ctx.now());
    let records = ctx.store()?.records()?;
    let mut all = Vec::new();
    for (rev, checklist) in in_force_today(&records, today) {
        all.push(Described {
            checklist: in_force(&rev, &checklist, 0),
            items: checklist.items.iter().map(|i| item_spec(i, None)).collect(),
        });
    }
    Ok(all)
}

/// The longest idempotency key a client may send.
pub const CLIENT_KEY_MAX: usize = 200;

/// The submission key for a client's own idempotency key (any printable
/// ASCII, up to [`CLIENT_KEY_MAX`] characters), kept apart per person: the
/// same key from the same person is the same submission. Without one, a
/// new key: the submission records once, and a retry records again.
pub fn client_key(person: &str, key: Option<&str>) -> Result<String> {
    let Some(key) = key else {
        return new_key();
    };
    if key.is_empty() || key.len() > CLIENT_KEY_MAX || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(format!(
            "the idempotency key must be 1 to {CLIENT_KEY_MAX} printable characters without spaces; nothing was recorded"
        ))
        .with_hint("send a new random key (such as a UUID) with each new inspection, and the same key when you retry it"));
    }
    let hashed = crate::store::sha256_hex(format!("api\n{person}\n{key}").as_bytes());
    Ok(hashed[..32].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_items_specification_is_shown_in_the_forms_language() {
        let item = crate::model::Item {
            id: "bore".into(),
            prompt: "Bore".into(),
            help: None,
            critical: false,
            kind: ItemKind::Measure {
                unit: "mm".into(),
                nominal: Some(120.0),
                lower: Some(119.5),
                upper: Some(120.5),
                lower_bound: None,
                upper_bound: None,
            },
            class: None,
        };
        assert_eq!(
            item_spec(&item, None).spec,
            "119.5 – 120.5 mm (nominal 120)"
        );
        assert_eq!(
            item_spec(&item, Some("nb")).spec,
            "119.5 – 120.5 mm (nominelt 120)"
        );
        assert_eq!(
            item_spec(&item, Some("he")).spec,
            "119.5 – 120.5 mm (נומינלי 120)"
        );
    }
}
