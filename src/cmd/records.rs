//! Read-only views of the records: `status`, `due`, `history`, `show`,
//! `diff`, `audit log` and `audit verify`.

use std::io::IsTerminal;

use anyhow::{Result, bail};
use chrono::{Days, Local, Months, NaiveDate};
use serde_json::{Value, json};

use crate::cli::{AuditCommand, DiffArgs, DocArgs, DueArgs, JsonArgs, ShowArgs};
use crate::control::{change_name, diff, rev_name};
use crate::error::{Outcome, ProblemFound};
use crate::model::control::{Control, Status, local_date, parse_date, parse_time};
use crate::model::{Interval, IntervalUnit};
use crate::store::{Records, RevisionRow, audit};
use crate::workspace::{Workspace, parse_snapshot_sop};

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// Every document id known to the workspace or the records, in id order.
fn all_ids(ws: &Workspace, control: &Control<'_>) -> Vec<String> {
    let mut ids: Vec<String> = control.ids().map(str::to_string).collect();
    ids.extend(ws.sops.iter().map(|s| s.id.clone()));
    ids.extend(ws.checklists.iter().map(|c| c.id.clone()));
    ids.sort_by(|a, b| crate::workspace::id_order(a, b));
    ids.dedup();
    ids
}

/// The review interval and owner of a released revision.
fn interval_and_owner(rev: &RevisionRow) -> (Interval, Option<String>) {
    match parse_snapshot_sop(&rev.path, &rev.content) {
        Some(s) => (s.review_interval, Some(s.owner)),
        None => (
            Interval {
                count: 12,
                unit: IntervalUnit::Month,
            },
            None,
        ),
    }
}

fn status_rows(ws: &Workspace, records: &Records, day: NaiveDate) -> Vec<Value> {
    let control = Control::new(records);
    all_ids(ws, &control)
        .into_iter()
        .map(|id| {
            let state = control.state(&id, day);
            let working = ws.working(&id);
            let latest = control.doc(&id).and_then(|d| d.revisions.last().copied());
            let title = working.as_ref().map(|w| w.title.to_string()).or_else(|| latest.map(|r| r.title.clone()));
            let working_copy = match (&working, latest) {
                (None, _) => "no file".to_string(),
                (Some(_), None) => "never released".to_string(),
                (Some(w), Some(r)) if w.text == r.content => "unchanged".to_string(),
                (Some(_), Some(r)) => format!("changed since rev {}", r.number),
            };
            let next_review = state.effective.filter(|_| state.retired.is_none()).and_then(|(rev, _)| {
                let (interval, _) = interval_and_owner(rev);
                state.last_reviewed.and_then(|d| interval.after(d))
            });
            let state_word = if state.retired.is_some() {
                "obsolete"
            } else if state.effective.is_some() {
                "effective"
            } else if state.scheduled.is_some() {
                "scheduled"
            } else if state.in_review.is_some() {
                "in review"
            } else {
                "draft"
            };
            json!({
                "id": id,
                "title": title,
                "state": state_word,
                "effective_revision": state.effective.map(|(r, _)| r.number),
                "effective_since": state.effective.map(|(_, d)| d.to_string()),
                "scheduled_revision": state.scheduled.map(|(r, _)| r.number),
                "scheduled_from": state.scheduled.map(|(_, d)| d.to_string()),
                "in_review": state.in_review.as_ref().map(change_name),
                "approvals": state.in_review.as_ref().map(|c| format!("{}/{}", c.approvals.len(), c.row.required)),
                "obsolete_since": state.retired.map(|d| d.to_string()),
                "working_copy": working_copy,
                "next_review": next_review.map(|d| d.to_string()),
            })
        })
        .collect()
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn status(ws: &Workspace, args: &JsonArgs) -> Result<Outcome> {
    let records = super::open_store(ws)?.records()?;
    let rows = status_rows(ws, &records, today());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(Outcome::Ok);
    }
    println!(
        "{:<9} {:<34} {:<22} {:<16} {:<20} NEXT REVIEW",
        "ID", "TITLE", "IN FORCE", "IN REVIEW", "WORKING COPY"
    );
    for r in &rows {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        let in_force = match (&r["effective_revision"], s("state").as_str()) {
            (_, "obsolete") => format!("obsolete {}", s("obsolete_since")),
            (Value::Number(n), _) => format!("rev {n} since {}", s("effective_since")),
            _ if !r["scheduled_revision"].is_null() => {
                format!(
                    "rev {} from {}",
                    r["scheduled_revision"],
                    s("scheduled_from")
                )
            }
            _ => "–".to_string(),
        };
        let review = match r["in_review"].as_str() {
            Some(c) if c.ends_with("(retire)") => format!("retire ({})", s("approvals")),
            Some(c) => format!(
                "rev {} ({})",
                c.rsplit(' ').next().unwrap_or(""),
                s("approvals")
            ),
            None if !r["scheduled_revision"].is_null() && !r["effective_revision"].is_null() => {
                format!(
                    "rev {} from {}",
                    r["scheduled_revision"],
                    s("scheduled_from")
                )
            }
            None => "–".into(),
        };
        println!(
            "{:<9} {:<34} {:<22} {:<20} {:<20} {}",
            s("id"),
            truncate(&s("title"), 34),
            in_force,
            review,
            s("working_copy"),
            r["next_review"].as_str().unwrap_or("–")
        );
    }
    Ok(Outcome::Ok)
}

/// "30d", "6w", "2m", "1y" -> the date that far after `from`.
fn within(spec: &str, from: NaiveDate) -> Result<NaiveDate> {
    let (n, unit) = spec.split_at(spec.len().saturating_sub(1));
    let n: u32 = n.parse().map_err(|_| {
        anyhow::anyhow!("`{spec}` is not a time span; write e.g. 30d, 6w, 2m or 1y")
    })?;
    let date = match unit {
        "d" => from.checked_add_days(Days::new(n.into())),
        "w" => from.checked_add_days(Days::new(u64::from(n) * 7)),
        "m" => from.checked_add_months(Months::new(n)),
        "y" => from.checked_add_months(Months::new(n * 12)),
        _ => None,
    };
    date.ok_or_else(|| anyhow::anyhow!("`{spec}` is not a time span; write e.g. 30d, 6w, 2m or 1y"))
}

pub fn due(ws: &Workspace, args: &DueArgs) -> Result<Outcome> {
    let day = today();
    let horizon = within(&args.within, day)?;
    let records = super::open_store(ws)?.records()?;
    let control = Control::new(&records);
    let mut rows = Vec::new();
    for id in all_ids(ws, &control) {
        let state = control.state(&id, day);
        if state.retired.is_some() {
            continue;
        }
        let Some((rev, _)) = state.effective else {
            continue;
        };
        let (interval, owner) = interval_and_owner(rev);
        // A checklist is looked after by the owner of the procedure it implements.
        let owner = owner.or_else(|| {
            let sop = ws.checklist(&id)?.sop.as_deref()?;
            ws.sop(sop).map(|s| s.owner.clone())
        });
        let Some(next) = state.last_reviewed.and_then(|d| interval.after(d)) else {
            continue;
        };
        if next <= horizon {
            let owner = owner.unwrap_or_else(|| "(no owner)".into());
            let days = (next - day).num_days();
            rows.push(
                json!({ "id": id, "title": rev.title, "owner": owner, "due": next.to_string(),
                              "days": days, "overdue": days < 0 }),
            );
        }
    }
    rows.sort_by(|a, b| {
        (a["owner"].as_str(), a["due"].as_str()).cmp(&(b["owner"].as_str(), b["due"].as_str()))
    });
    let overdue = rows.iter().filter(|r| r["overdue"] == true).count();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        eprintln!("No document is due for review before {horizon}.");
    } else {
        let mut owner = "";
        for r in &rows {
            let o = r["owner"].as_str().unwrap_or("");
            if o != owner {
                let name = ws
                    .config
                    .role(o)
                    .map(|x| x.name.clone())
                    .or_else(|| ws.config.person(o).map(|p| p.name.clone()));
                println!("{o}{}", name.map(|n| format!(" ({n})")).unwrap_or_default());
                owner = o;
            }
            let days = r["days"].as_i64().unwrap_or(0);
            let when = if days < 0 {
                format!(
                    "overdue since {} ({} days)",
                    r["due"].as_str().unwrap_or(""),
                    -days
                )
            } else {
                format!("due {} (in {days} days)", r["due"].as_str().unwrap_or(""))
            };
            println!(
                "  {:<9} {:<40} {when}",
                r["id"].as_str().unwrap_or(""),
                truncate(r["title"].as_str().unwrap_or(""), 40)
            );
        }
    }
    Ok(if overdue > 0 {
        Outcome::Problem
    } else {
        Outcome::Ok
    })
}

fn local_time(stored: &str) -> String {
    parse_time(stored)
        .with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn history(ws: &Workspace, args: &DocArgs) -> Result<Outcome> {
    let records = super::open_store(ws)?.records()?;
    let control = Control::new(&records);
    let Some(doc) = control.doc(&args.id) else {
        if ws.working(&args.id).is_some() {
            bail!("{} has no history yet: it has never been released", args.id);
        }
        bail!("no SOP or checklist has the id `{}`", args.id);
    };
    let day = today();
    let state = control.state(&args.id, day);
    let mut entries = Vec::new();
    for c in &doc.changes {
        let sigs: Vec<_> = records
            .signatures
            .iter()
            .filter(|s| s.change_id == Some(c.row.id))
            .map(|s| json!({ "signer": s.signer, "meaning": s.meaning, "at": s.signed_at, "note": s.note, "content_hash": s.content_hash }))
            .collect();
        let status = match &c.status {
            Status::InReview => {
                json!({ "state": "in review", "approvals": c.approvals.len(), "required": c.row.required })
            }
            Status::Approved { effective, .. } => {
                json!({ "state": "approved", "effective": effective.to_string() })
            }
            Status::Rejected { by, reason, .. } => {
                json!({ "state": "rejected", "by": by, "reason": reason })
            }
        };
        entries.push(json!({
            "kind": c.row.kind, "revision": c.revision.map(|r| r.number), "summary": c.revision.map_or(c.row.reason.as_str(), |r| r.summary.as_str()),
            "minor": c.revision.is_some_and(|r| r.minor), "requested_by": c.row.requested_by, "at": c.row.created_at,
            "content_hash": c.revision.map(|r| r.content_hash.clone()), "status": status, "signatures": sigs,
        }));
    }
    let reviews: Vec<_> = doc
        .reviews
        .iter()
        .map(|s| json!({ "by": s.signer, "at": s.signed_at, "note": s.note, "revision_id": s.revision_id }))
        .collect();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({ "id": args.id, "changes": entries, "periodic_reviews": reviews })
            )?
        );
        return Ok(Outcome::Ok);
    }
    let title = doc.revisions.last().map_or("", |r| r.title.as_str());
    println!("{} {title}", args.id);
    let current = state.effective.map(|(r, _)| r.number);
    for (c, e) in doc.changes.iter().zip(&entries) {
        let head = match c.revision {
            Some(r) if c.is_release() => format!(
                "rev {}{}",
                r.number,
                if r.minor { " (editorial)" } else { "" }
            ),
            _ => "retire".to_string(),
        };
        let outcome = match &c.status {
            Status::InReview => format!(
                "in review, {} of {} approvals",
                c.approvals.len(),
                c.row.required
            ),
            Status::Approved { effective, .. } if c.is_release() => {
                let now = if c.revision.map(|r| r.number) == current {
                    ", in force"
                } else {
                    ""
                };
                if *effective > day {
                    format!("approved, effective from {effective}")
                } else {
                    format!("effective {effective}{now}")
                }
            }
            Status::Approved { effective, .. } => format!("approved, obsolete from {effective}"),
            Status::Rejected { by, reason, .. } => format!("rejected by {by}: {reason}"),
        };
        println!("\n  {head}  {outcome}");
        println!("    \"{}\"", e["summary"].as_str().unwrap_or(""));
        for s in records
            .signatures
            .iter()
            .filter(|s| s.change_id == Some(c.row.id))
        {
            let note = if s.note.is_empty() || s.meaning == "retired" && s.note == c.row.reason {
                String::new()
            } else {
                format!(": {}", s.note)
            };
            println!(
                "    {:<16} {:<10} {}{note}",
                local_time(&s.signed_at),
                s.meaning,
                s.signer
            );
        }
    }
    for s in &doc.reviews {
        println!(
            "\n  periodic review  {} by {}{}",
            local_time(&s.signed_at),
            s.signer,
            if s.note.is_empty() {
                String::new()
            } else {
                format!(": {}", s.note)
            }
        );
    }
    Ok(Outcome::Ok)
}

fn revision<'r>(records: &'r Records, id: &str, n: i64) -> Result<&'r RevisionRow> {
    records
        .revisions
        .iter()
        .find(|r| r.doc_id == id && r.number == n)
        .ok_or_else(|| {
            let last = records
                .revisions
                .iter()
                .filter(|r| r.doc_id == id)
                .map(|r| r.number)
                .max();
            match last {
                Some(l) => anyhow::anyhow!("{id} has no revision {n}; its revisions are 1 to {l}"),
                None => anyhow::anyhow!("{id} has no revisions"),
            }
        })
}

pub fn show(ws: &Workspace, args: &ShowArgs) -> Result<Outcome> {
    let records = super::open_store(ws)?.records()?;
    let control = Control::new(&records);
    if control.doc(&args.id).is_none() {
        if ws.working(&args.id).is_some() {
            bail!(
                "{} has never been released; its working file is {}",
                args.id,
                ws.working(&args.id).map_or("", |w| w.path)
            );
        }
        bail!("no SOP or checklist has the id `{}`", args.id);
    }
    let rev = match args.rev {
        Some(n) => revision(&records, &args.id, n)?,
        None => match control.state(&args.id, today()).effective {
            Some((r, _)) => r,
            None => bail!("{} has no revision in force today; pass --rev N", args.id),
        },
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "id": rev.doc_id, "revision": rev.number, "title": rev.title, "path": rev.path, "summary": rev.summary,
                "author": rev.author, "released_at": rev.created_at, "content_hash": rev.content_hash, "content": rev.content,
            }))?
        );
    } else {
        eprintln!(
            "{} \"{}\" released {} by {}: {}",
            rev_name(rev),
            rev.title,
            local_time(&rev.created_at),
            rev.author,
            rev.summary
        );
        print!("{}", rev.content);
    }
    Ok(Outcome::Ok)
}

pub fn diff_cmd(ws: &Workspace, args: &DiffArgs) -> Result<Outcome> {
    let records = super::open_store(ws)?.records()?;
    let numbers: Vec<i64> = records
        .revisions
        .iter()
        .filter(|r| r.doc_id == args.id)
        .map(|r| r.number)
        .collect();
    let Some(&latest) = numbers.iter().max() else {
        if ws.working(&args.id).is_some() {
            bail!(
                "{} has never been released, so there is nothing to compare",
                args.id
            );
        }
        bail!("no SOP or checklist has the id `{}`", args.id);
    };
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let out = if args.working {
        let Some(doc) = ws.working(&args.id) else {
            bail!("{} has no working file any more", args.id);
        };
        let from = match args.from {
            Some(n) => n,
            None => Control::new(&records)
                .state(&args.id, today())
                .effective
                .map_or(latest, |(r, _)| r.number),
        };
        let old = revision(&records, &args.id, from)?;
        diff::unified(
            &old.content,
            doc.text,
            &rev_name(old),
            &format!("{} (working copy)", doc.path),
            color,
        )
    } else {
        let to = args.to.unwrap_or(latest);
        let from = args.from.unwrap_or(to - 1);
        if from < 1 {
            bail!(
                "{} rev {to} is the first revision; compare it with --working, or pass --from and --to",
                args.id
            );
        }
        let (old, new) = (
            revision(&records, &args.id, from)?,
            revision(&records, &args.id, to)?,
        );
        diff::unified(
            &old.content,
            &new.content,
            &rev_name(old),
            &rev_name(new),
            color,
        )
    };
    if out.is_empty() {
        eprintln!("No differences.");
    } else {
        print!("{out}");
    }
    Ok(Outcome::Ok)
}

pub fn audit(ws: &Workspace, command: &AuditCommand) -> Result<Outcome> {
    let mut store = super::open_store(ws)?;
    match command {
        AuditCommand::Log { since, json } => {
            let since = match since {
                Some(s) => Some(parse_date(s).ok_or_else(|| {
                    anyhow::anyhow!("`{s}` is not a date; write it as YYYY-MM-DD")
                })?),
                None => None,
            };
            let events: Vec<_> = store
                .events()?
                .into_iter()
                .filter(|e| since.is_none_or(|d| local_date(parse_time(&e.at)) >= d))
                .collect();
            if *json {
                let rows: Vec<_> = events
                    .iter()
                    .map(|e| json!({ "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "record": e.record,
                                     "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::Null), "hash": e.hash }))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for e in &events {
                    let detail: Value = serde_json::from_str(&e.detail).unwrap_or(Value::Null);
                    let note = describe_note(&detail["note"]);
                    println!(
                        "{:>6}  {}  {:<12} {:<17} {}{note}",
                        e.seq,
                        local_time(&e.at),
                        e.actor,
                        e.action,
                        e.record
                    );
                }
            }
            Ok(Outcome::Ok)
        }
        AuditCommand::Verify { json } => {
            let v = audit::verify(store.as_mut())?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            }
            if v.problems.is_empty() {
                eprintln!(
                    "Verified {} events and {} records in {}: the audit trail is intact.",
                    v.events,
                    v.rows,
                    store.location()
                );
                Ok(Outcome::Ok)
            } else {
                if !*json {
                    for p in &v.problems {
                        eprintln!("error: {p}");
                    }
                }
                Err(ProblemFound(format!(
                    "the audit trail of {} has been tampered with: {}",
                    store.location(),
                    v.problems[0]
                ))
                .into())
            }
        }
    }
}

/// The interesting part of an event's note, for one line of the log.
fn describe_note(note: &Value) -> String {
    let pick = |k: &str| {
        note.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(reason) = note
        .get("reason")
        .and_then(Value::as_str)
        .filter(|_| note.get("attempted").is_some())
    {
        return format!(": {} refused ({reason})", pick("attempted").unwrap_or(""));
    }
    if let Some(s) = pick("summary").or(pick("reason")).or(pick("note")) {
        return format!(": {s}");
    }
    if let (Some(a), Some(r)) = (note.get("approvals"), note.get("required")) {
        return format!(" ({a} of {r})");
    }
    String::new()
}
