//! `inspect`, `inspections` and `nc`: the floor's commands. They work in a
//! workspace, or at a station that has only the records (`SOPBOOK_DATABASE`).

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{Local, Utc};
use serde_json::{Value, json};

use crate::cli::{InspectArgs, InspectionsCommand, ListFormat, NcCommand};
use crate::control::floor::{
    self, Entry, Header, Prepared, effective_checklist, ins_name, nc_name, nc_states, parse_ins,
    parse_nc,
};
use crate::control::signing::Prompt;
use crate::control::{check_password, find_person};
use crate::error::{Outcome, ProblemFound};
use crate::model::control::{local_date, parse_date, parse_time};
use crate::model::inspection::{Outcome as ItemOutcome, Verdict, judge};
use crate::model::{Checklist, Item, ItemKind, Person};
use crate::store::{InspectionFilter, Store};
use crate::workspace::{Workspace, find_root};

/// A workspace with its records, or a station with only the records.
pub struct Site {
    pub ws: Option<Workspace>,
    pub store: Box<dyn Store>,
}

impl Site {
    pub fn open(explicit: Option<&Path>) -> Result<Site> {
        match find_root(explicit) {
            Ok(root) => {
                let ws = Workspace::load(&root)?;
                let store = crate::store::open(&ws.root, ws.config.database.as_deref())?;
                Ok(Site {
                    ws: Some(ws),
                    store,
                })
            }
            Err(e) if std::env::var_os("SOPBOOK_DATABASE").is_some() && explicit.is_none() => {
                let _ = e;
                let cwd = std::env::current_dir()?;
                Ok(Site {
                    ws: None,
                    store: crate::store::open(&cwd, None)?,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The people who may sign: from sopbook.toml, or at a station, anyone with a signing password.
    fn people(&mut self) -> Result<Vec<Person>> {
        if let Some(ws) = &self.ws {
            return Ok(ws.config.people.clone());
        }
        let mut ids: Vec<String> = self
            .store
            .credentials()?
            .into_iter()
            .map(|c| c.person)
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids
            .into_iter()
            .map(|id| Person {
                name: id.clone(),
                id,
                roles: Vec::new(),
            })
            .collect())
    }

    /// The person signing, after their password.
    fn signer(&mut self, id: &str, record: &str, attempted: &str) -> Result<Person> {
        let people = self.people()?;
        let now = Utc::now();
        let person = find_person(self.store.as_mut(), now, &people, id, record, attempted)?;
        check_password(
            self.store.as_mut(),
            now,
            &Prompt,
            &person,
            record,
            attempted,
        )?;
        Ok(person)
    }
}

fn split_pair(s: &str, what: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => bail!("`{s}` is not {what}; write ITEM=VALUE, e.g. --set pressure=4.1"),
    }
}

/// Entries from `--set`, `--note` and `--input`.
fn given_entries(args: &InspectArgs) -> Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    if let Some(file) = &args.input {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("could not read `{}`", file.display()))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "`{}` is not valid JSON: {e} (line {}, column {})",
                file.display(),
                e.line(),
                e.column()
            )
        })?;
        let Some(map) = v.as_object() else {
            bail!(
                "`{}` must hold one JSON object: {{\"item\": \"value\", ...}}",
                file.display()
            );
        };
        for (item, value) in map {
            let (value, note) = match value {
                Value::String(s) => (s.clone(), String::new()),
                Value::Number(n) => (n.to_string(), String::new()),
                Value::Object(o) => (
                    match o.get("value") {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Number(n)) => n.to_string(),
                        _ => bail!("`{}`: item `{item}` needs a \"value\"", file.display()),
                    },
                    o.get("note")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                ),
                _ => bail!(
                    "`{}`: the value of item `{item}` must be a string, a number or {{\"value\": ..., \"note\": ...}}",
                    file.display()
                ),
            };
            entries.push(Entry {
                item: item.clone(),
                value,
                note,
            });
        }
    }
    for s in &args.set {
        let (item, value) = split_pair(s, "a result")?;
        entries.push(Entry {
            item,
            value,
            note: String::new(),
        });
    }
    for s in &args.notes {
        let (item, note) = split_pair(s, "a note")?;
        match entries.iter_mut().find(|e| e.item == item) {
            Some(e) => e.note = note,
            None => bail!("--note {item}=...: there is no result for item `{item}`"),
        }
    }
    Ok(entries)
}

pub fn inspect(explicit: Option<&Path>, args: &InspectArgs) -> Result<Outcome> {
    let mut site = Site::open(explicit)?;
    if let Some(ws) = &site.ws
        && ws.config.person(&args.inspector).is_none()
    {
        let known: Vec<_> = ws.config.people.iter().map(|p| p.id.as_str()).collect();
        bail!(
            "`{}` is not a person in sopbook.toml\n\nhelp: the people are {}",
            args.inspector,
            known.join(", ")
        );
    }
    let now = Utc::now();
    let records = site.store.records()?;
    let (rev, checklist) = match effective_checklist(&records, &args.checklist, local_date(now)) {
        Ok(found) => found,
        Err(_)
            if site
                .ws
                .as_ref()
                .is_some_and(|ws| ws.checklist(&args.checklist).is_some())
                && !records.revisions.iter().any(|r| r.doc_id == args.checklist) =>
        {
            bail!(
                "{} is a working draft: it has never been released and approved, so it cannot be used to inspect yet\n\nhelp: `sopbook release {}` puts it in review",
                args.checklist,
                args.checklist
            )
        }
        Err(e) => return Err(e),
    };
    let reinspects = match &args.reinspect {
        Some(s) => {
            Some(floor::check_reinspection(site.store.as_mut(), parse_ins(s)?, &checklist.id)?.id)
        }
        None => None,
    };
    let header = Header {
        lot: &args.lot,
        serial: args.serial.as_deref(),
        inspector: &args.inspector,
        station: &args.station,
        reinspects,
        at: now,
    };
    let given = given_entries(args)?;
    let prepared = if given.is_empty() {
        // Check the lot and serial before asking anything.
        crate::model::inspection::check_label("lot", &args.lot).map_err(anyhow::Error::msg)?;
        if let Some(s) = &args.serial {
            crate::model::inspection::check_label("serial number", s)
                .map_err(anyhow::Error::msg)?;
        }
        match interactive(&checklist, rev.number, &header)? {
            Some(p) => floor::prepare(&rev, &checklist, &header, &p)?,
            None => {
                eprintln!("Nothing was recorded.");
                return Err(ProblemFound(
                    "the inspection was abandoned before it was confirmed".into(),
                )
                .into());
            }
        }
    } else {
        let p = floor::prepare(&rev, &checklist, &header, &given)?;
        print_summary(&checklist, &p);
        p
    };
    let verdict = prepared.verdict;
    let ids = floor::record(
        site.store.as_mut(),
        now,
        &args.inspector,
        "inspected",
        vec![prepared],
    )?;
    let (id, nc) = ids[0];
    println!("{} {verdict}", ins_name(id));
    eprintln!(
        "Recorded {} against {} rev {}: {verdict}{}",
        ins_name(id),
        checklist.id,
        rev.number,
        nc.map(|n| format!("; opened {}", nc_name(n)))
            .unwrap_or_default()
    );
    Ok(if verdict == Verdict::Fail && args.exit_code {
        Outcome::Problem
    } else {
        Outcome::Ok
    })
}

fn print_summary(checklist: &Checklist, p: &Prepared) {
    eprintln!("\n{} {}", checklist.id, checklist.title);
    for (item, r) in checklist.items.iter().zip(&p.results) {
        let mark = match r.outcome {
            ItemOutcome::Pass => "pass",
            ItemOutcome::Fail => "FAIL",
            ItemOutcome::NotApplicable => "n/a",
            ItemOutcome::Recorded => "    ",
        };
        let unit = match &item.kind {
            ItemKind::Measure { unit, .. } => format!(" {unit}"),
            _ => String::new(),
        };
        let note = if r.note.is_empty() {
            String::new()
        } else {
            format!("  ({})", r.note)
        };
        eprintln!("  {mark}  {:<28} {}{unit}{note}", item.id, r.value);
    }
    let failed = p
        .results
        .iter()
        .filter(|r| r.outcome == ItemOutcome::Fail)
        .count();
    eprintln!(
        "Verdict: {}{}",
        p.verdict,
        if failed > 0 {
            format!(
                " ({failed} item{} failed)",
                if failed == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
}

fn show_item(item: &Item, k: usize, n: usize) {
    eprintln!(
        "\n[{k}/{n}] {}{}",
        item.prompt,
        if item.critical { "  CRITICAL" } else { "" }
    );
    if let Some(h) = &item.help {
        eprintln!("      How: {h}");
    }
    eprintln!("      Spec: {}", item.kind.spec());
    if let ItemKind::Choice { options, .. } = &item.kind {
        let list: Vec<_> = options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{} {o}", i + 1))
            .collect();
        eprintln!("      Options: {}", list.join(", "));
    }
}

/// Asks item by item. Returns `None` when the inspector quits (q, end of
/// input) or does not confirm.
fn interactive(
    checklist: &Checklist,
    revision: i64,
    header: &Header<'_>,
) -> Result<Option<Vec<Entry>>> {
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nInterrupted: nothing was recorded.");
        std::process::exit(130);
    });
    eprintln!(
        "{} {} (rev {revision}), lot {}{}, inspector {}",
        checklist.id,
        checklist.title,
        header.lot,
        header
            .serial
            .map(|s| format!(", serial {s}"))
            .unwrap_or_default(),
        header.inspector
    );
    eprintln!(
        "Answer p (pass), f (fail) or n (not applicable); a number for measurements; the option number for choices."
    );
    eprintln!(
        "Add a note with `! text`, go back with `b`, quit without recording with `q` or Ctrl-C."
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut entries: Vec<Entry> = Vec::new();
    let n = checklist.items.len();
    let mut k = 0;
    let mut note = String::new();
    while k < n {
        let item = &checklist.items[k];
        show_item(item, k + 1, n);
        eprint!("  > ");
        let _ = std::io::stderr().flush();
        let Some(line) = lines.next() else {
            return Ok(None);
        };
        let line = line?;
        let answer = line.trim();
        match answer {
            "q" | "quit" => return Ok(None),
            "b" | "back" => {
                if k > 0 {
                    k -= 1;
                    entries.pop();
                }
                continue;
            }
            "?" => continue,
            _ => {}
        }
        if let Some(text) = answer.strip_prefix('!') {
            note = text.trim().to_string();
            eprintln!("      noted; now the result");
            continue;
        }
        match crate::model::inspection::evaluate(item, answer, &note) {
            Ok(r) => {
                match (r.outcome, r.number) {
                    (ItemOutcome::Fail, Some(x))
                        if matches!(item.kind, ItemKind::Measure { .. }) =>
                    {
                        eprintln!("      {}", judge(item, x))
                    }
                    (ItemOutcome::Pass, Some(_))
                        if matches!(item.kind, ItemKind::Measure { .. }) =>
                    {
                        eprintln!("      in spec")
                    }
                    (ItemOutcome::Fail, _) => eprintln!("      fails"),
                    _ => {}
                }
                entries.push(Entry {
                    item: item.id.clone(),
                    value: answer.to_string(),
                    note: std::mem::take(&mut note),
                });
                k += 1;
            }
            Err(e) => eprintln!("      {e}; try again"),
        }
    }
    let preview: Vec<_> = checklist
        .items
        .iter()
        .zip(&entries)
        .filter_map(|(item, e)| crate::model::inspection::evaluate(item, &e.value, &e.note).ok())
        .collect();
    let verdict = crate::model::inspection::verdict(&preview);
    let failed = preview
        .iter()
        .filter(|r| r.outcome == ItemOutcome::Fail)
        .count();
    eprintln!(
        "\nVerdict: {verdict}{}",
        if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        }
    );
    eprint!("Record this inspection? [y/N] ");
    let _ = std::io::stderr().flush();
    let confirmed = matches!(
        lines.next().transpose()?.as_deref().map(str::trim),
        Some("y" | "Y" | "yes")
    );
    Ok(confirmed.then_some(entries))
}

fn date_bound(s: &Option<String>) -> Result<Option<String>> {
    match s {
        None => Ok(None),
        Some(d) => match parse_date(d) {
            Some(d) => Ok(Some(d.to_string())),
            None => bail!("`{d}` is not a date; write it as YYYY-MM-DD"),
        },
    }
}

fn print_table(
    format: &ListFormat,
    headers: &[&str],
    rows: &[Vec<String>],
    json_rows: Vec<Value>,
) -> Result<()> {
    if format.json {
        println!("{}", serde_json::to_string_pretty(&json_rows)?);
    } else if format.csv {
        let mut w = csv::Writer::from_writer(std::io::stdout());
        w.write_record(headers)?;
        for r in rows {
            w.write_record(r)?;
        }
        w.flush()?;
    } else {
        let widths: Vec<usize> = (0..headers.len())
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([headers[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            println!("{}", parts.join("  ").trim_end());
        };
        line(headers.to_vec());
        for r in rows {
            line(r.iter().map(String::as_str).collect());
        }
    }
    Ok(())
}

fn local_time(stored: &str) -> String {
    parse_time(stored)
        .with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn inspections(explicit: Option<&Path>, command: &InspectionsCommand) -> Result<Outcome> {
    let mut site = Site::open(explicit)?;
    match command {
        InspectionsCommand::List {
            checklist,
            lot,
            since,
            until,
            result,
            format,
        } => {
            if let Some(r) = result
                && r != "pass"
                && r != "fail"
            {
                bail!("--result takes pass or fail, not `{r}`");
            }
            let filter = InspectionFilter {
                checklist: checklist.clone(),
                lot: lot.clone(),
                since: date_bound(since)?,
                until: date_bound(until)?,
                verdict: result.clone(),
                ..Default::default()
            };
            let list = site.store.inspections(&filter)?;
            let voided: std::collections::HashSet<i64> = site
                .store
                .voids()?
                .iter()
                .map(|v| v.inspection_id)
                .collect();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|i| {
                    vec![
                        ins_name(i.id),
                        local_time(&i.recorded_at),
                        format!("{} rev {}", i.checklist_id, i.revision_number),
                        i.lot.clone(),
                        i.serial.clone(),
                        i.inspector.clone(),
                        i.station.clone(),
                        i.verdict.to_uppercase(),
                        i.reinspects.map(ins_name).unwrap_or_default(),
                        if voided.contains(&i.id) {
                            "void".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            let json_rows = list
                .iter()
                .map(|i| {
                    let mut v = serde_json::to_value(i).unwrap_or(Value::Null);
                    v["name"] = json!(ins_name(i.id));
                    v["void"] = json!(voided.contains(&i.id));
                    v
                })
                .collect();
            print_table(
                format,
                &[
                    "ID",
                    "RECORDED",
                    "CHECKLIST",
                    "LOT",
                    "SERIAL",
                    "INSPECTOR",
                    "STATION",
                    "RESULT",
                    "REINSPECTS",
                    "VOID",
                ],
                &rows,
                json_rows,
            )?;
            Ok(Outcome::Ok)
        }
        InspectionsCommand::Show { id, json } => {
            let id = parse_ins(id)?;
            let Some(i) = site
                .store
                .inspections(&InspectionFilter {
                    id: Some(id),
                    ..Default::default()
                })?
                .into_iter()
                .next()
            else {
                bail!("there is no inspection {}", ins_name(id));
            };
            let results = site.store.item_results(id)?;
            let void = site
                .store
                .voids()?
                .into_iter()
                .find(|v| v.inspection_id == id);
            let nc = site
                .store
                .nonconformances()?
                .into_iter()
                .find(|n| n.inspection_id == id);
            if *json {
                let mut v = serde_json::to_value(&i)?;
                v["name"] = json!(ins_name(i.id));
                v["results"] = serde_json::to_value(&results)?;
                v["void"] = serde_json::to_value(&void)?;
                v["nonconformance"] = json!(nc.as_ref().map(|n| nc_name(n.id)));
                println!("{}", serde_json::to_string_pretty(&v)?);
                return Ok(Outcome::Ok);
            }
            println!(
                "{}  {}  {} rev {}",
                ins_name(i.id),
                i.verdict.to_uppercase(),
                i.checklist_id,
                i.revision_number
            );
            println!(
                "lot {}{}  by {} at {}  {}",
                i.lot,
                if i.serial.is_empty() {
                    String::new()
                } else {
                    format!(", serial {}", i.serial)
                },
                i.inspector,
                i.station,
                local_time(&i.recorded_at)
            );
            if let Some(r) = i.reinspects {
                println!("re-inspection of {}", ins_name(r));
            }
            for r in &results {
                let note = if r.note.is_empty() {
                    String::new()
                } else {
                    format!("  ({})", r.note)
                };
                println!("  {:<8} {:<28} {}{note}", r.outcome, r.item_id, r.value);
            }
            if let Some(n) = nc {
                println!("opened {}", nc_name(n.id));
            }
            if let Some(v) = void {
                println!(
                    "VOID: voided by {} on {}: {}",
                    v.voided_by,
                    local_time(&v.voided_at),
                    v.reason
                );
            }
            Ok(Outcome::Ok)
        }
        InspectionsCommand::Void { id, reason, signer } => {
            let id = parse_ins(id)?;
            let person = site.signer(&signer.person, &ins_name(id), "void")?;
            eprintln!(
                "{}",
                floor::void(site.store.as_mut(), Utc::now(), &person, id, reason)?
            );
            Ok(Outcome::Ok)
        }
        InspectionsCommand::Import { file, person } => {
            if let Some(ws) = &site.ws
                && ws.config.person(person).is_none()
            {
                bail!("`{person}` is not a person in sopbook.toml");
            }
            let (count, failed) = crate::cmd::import::import(site.store.as_mut(), file, person)?;
            eprintln!(
                "Imported {count} inspections from {} ({failed} failed, each opened a nonconformance).",
                file.display()
            );
            Ok(Outcome::Ok)
        }
    }
}

pub fn nc(explicit: Option<&Path>, command: &NcCommand) -> Result<Outcome> {
    let mut site = Site::open(explicit)?;
    match command {
        NcCommand::List { open, format } => {
            let ncs = site.store.nonconformances()?;
            let steps = site.store.nc_steps()?;
            let inspections = site.store.inspections(&InspectionFilter::default())?;
            let today = Local::now().date_naive();
            let states: Vec<_> = nc_states(&ncs, &steps)
                .into_iter()
                .filter(|s| !open || s.closed.is_none())
                .collect();
            let mut rows = Vec::new();
            let mut json_rows = Vec::new();
            for s in &states {
                let i = inspections.iter().find(|i| i.id == s.nc.inspection_id);
                let age = (today - local_date(parse_time(&s.nc.opened_at))).num_days();
                rows.push(vec![
                    nc_name(s.nc.id),
                    local_time(&s.nc.opened_at),
                    s.status().to_string(),
                    s.disposition.map(|d| d.value.clone()).unwrap_or_default(),
                    i.map(|i| i.checklist_id.clone()).unwrap_or_default(),
                    i.map(|i| i.lot.clone()).unwrap_or_default(),
                    age.to_string(),
                    s.nc.summary.clone(),
                ]);
                json_rows.push(json!({
                    "id": nc_name(s.nc.id), "opened_at": s.nc.opened_at, "status": s.status(),
                    "disposition": s.disposition.map(|d| d.value.clone()), "inspection": ins_name(s.nc.inspection_id),
                    "checklist": i.map(|i| i.checklist_id.clone()), "lot": i.map(|i| i.lot.clone()),
                    "age_days": age, "summary": s.nc.summary,
                }));
            }
            print_table(
                format,
                &[
                    "NC",
                    "OPENED",
                    "STATUS",
                    "DISPOSITION",
                    "CHECKLIST",
                    "LOT",
                    "AGE",
                    "FAILED ITEMS",
                ],
                &rows,
                json_rows,
            )?;
            Ok(Outcome::Ok)
        }
        NcCommand::Show { nc, json } => {
            let id = parse_nc(nc)?;
            let ncs = site.store.nonconformances()?;
            let steps = site.store.nc_steps()?;
            let states = nc_states(&ncs, &steps);
            let Some(s) = states.iter().find(|s| s.nc.id == id) else {
                bail!("there is no nonconformance {}", nc_name(id));
            };
            // A corrective action that changes an SOP shows that SOP's next effective revision.
            let records = site.store.records()?;
            let control = crate::model::control::Control::new(&records);
            let follow_up = |sop: &str, after: &str| -> Option<String> {
                let doc = control.doc(sop)?;
                doc.changes
                    .iter()
                    .find_map(|c| match (&c.status, c.revision) {
                        (
                            crate::model::control::Status::Approved {
                                approved_at,
                                effective,
                            },
                            Some(rev),
                        ) if c.is_release()
                            && crate::store::timestamp(*approved_at).as_str() > after =>
                        {
                            Some(format!("{} rev {} effective {effective}", sop, rev.number))
                        }
                        _ => None,
                    })
            };
            let step_rows: Vec<Value> = s
                .steps
                .iter()
                .map(|st| {
                    let change = st.sop_id.as_deref().and_then(|sop| follow_up(sop, &st.signed_at));
                    json!({ "kind": st.kind, "value": st.value, "sop": st.sop_id, "signer": st.signer,
                            "at": st.signed_at, "note": st.note, "sop_change": change })
                })
                .collect();
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "id": nc_name(id), "status": s.status(), "inspection": ins_name(s.nc.inspection_id),
                        "opened_at": s.nc.opened_at, "summary": s.nc.summary, "steps": step_rows,
                    }))?
                );
                return Ok(Outcome::Ok);
            }
            println!(
                "{}  {}  opened {} by {}",
                nc_name(id),
                s.status(),
                local_time(&s.nc.opened_at),
                ins_name(s.nc.inspection_id)
            );
            println!("failed: {}", s.nc.summary);
            for (st, row) in s.steps.iter().zip(&step_rows) {
                let extra = match (st.sop_id.as_deref(), row["sop_change"].as_str()) {
                    (Some(sop), Some(change)) => format!(" [changes {sop}: {change}]"),
                    (Some(sop), None) => format!(" [changes {sop}: no new revision effective yet]"),
                    _ => String::new(),
                };
                let note = if st.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", st.note)
                };
                println!(
                    "  {}  {:<12} {} by {}{note}{extra}",
                    local_time(&st.signed_at),
                    st.kind,
                    st.value,
                    st.signer
                );
            }
            Ok(Outcome::Ok)
        }
        NcCommand::Disposition {
            nc,
            disposition,
            note,
            signer,
        } => {
            let input = floor::NcInput {
                kind: "disposition",
                value: disposition,
                sop: None,
                note,
            };
            nc_step(&mut site, nc, &signer.person, "disposition", input)
        }
        NcCommand::Action {
            nc,
            action,
            sop,
            signer,
        } => {
            if let (Some(sop), Some(ws)) = (sop, &site.ws)
                && ws.sop(sop).is_none()
            {
                bail!("no SOP has the id `{sop}`");
            }
            let input = floor::NcInput {
                kind: "action",
                value: action,
                sop: sop.as_deref(),
                note: "",
            };
            nc_step(&mut site, nc, &signer.person, "corrective action", input)
        }
        NcCommand::Close { nc, note, signer } => {
            let input = floor::NcInput {
                kind: "close",
                value: "closed",
                sop: None,
                note,
            };
            nc_step(&mut site, nc, &signer.person, "close", input)
        }
    }
}

/// Signs and records one step on a nonconformance.
fn nc_step(
    site: &mut Site,
    nc: &str,
    signer: &str,
    attempted: &str,
    input: floor::NcInput<'_>,
) -> Result<Outcome> {
    let id = parse_nc(nc)?;
    let person = site.signer(signer, &nc_name(id), attempted)?;
    eprintln!(
        "{}",
        floor::nc_step(site.store.as_mut(), Utc::now(), &person, id, input)?
    );
    Ok(Outcome::Ok)
}
