//! A nonconformance in the browser: what failed, every step with who and
//! when, what comes next, and a form for each step the signed-in person may
//! sign now (as `sopbook nc disposition|action|close`). Which forms show is
//! asked of [`ops::nc::page`](crate::ops::nc::page); a signature asks for
//! the password again and [`ops::nc::step`](crate::ops::nc::step) checks it,
//! refusals and all, as on the command line.

use axum::extract::{Path, Query, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::floor::{chrome, words_lang};
use crate::error::Error;
use crate::http::browser::{Fields, SignedIn};
use crate::http::failure::{Failure, query_value};
use crate::http::pages::page_with;
use crate::http::state::State;
use crate::model::inspection::Verdict;
use crate::ops::nc::{self, NcPage, NcStatus, NextStep, StepInput, StepKind};
use crate::render::time;
use crate::words::{self, Manage};

#[derive(Debug, Deserialize)]
pub struct Signed {
    /// The step just signed: `disposition`, `action` or `close`.
    signed: Option<String>,
}

/// `GET /nc/{nc}`.
pub async fn show(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<Signed>,
) -> Result<Response, Failure> {
    let w = words::manage(who.holder.language.as_deref());
    let done = match q.signed.as_deref() {
        Some("disposition") => Some(w.disposition_signed),
        Some("action") => Some(w.action_signed),
        Some("close") => Some(w.closed),
        _ => None,
    };
    let view = load(&state, &who, id).await?;
    Ok(nc_page(&state, &who, StatusCode::OK, &view, done, None))
}

/// `POST /nc/{nc}/{step}`: signs one step with the password typed into its
/// form, then shows the nonconformance again (with the refusal, if any).
pub async fn sign(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path((id, step)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Failure> {
    let kind = match step.as_str() {
        "disposition" => StepKind::Disposition,
        "action" => StepKind::Action,
        "close" => StepKind::Close,
        _ => return Err(Failure::NoPage),
    };
    let value = match kind {
        StepKind::Disposition => fields.get("disposition").unwrap_or_default(),
        StepKind::Action => fields.get("action").unwrap_or_default(),
        StepKind::Close => "",
    }
    .to_string();
    let sop = fields.optional("sop").map(str::to_string);
    let note = fields.get("note").unwrap_or_default().to_string();
    let nc_id = id.clone();
    let signed = who
        .sign(&state, &fields, move |ctx, person| {
            let input = StepInput {
                kind,
                value: &value,
                sop: sop.as_deref(),
                note: &note,
            };
            nc::step(ctx, &nc_id, input, person)
        })
        .await;
    match signed {
        Ok(s) => {
            let to = format!("/nc/{}?signed={step}", query_value(&s.nc));
            Ok(Redirect::to(&to).into_response())
        }
        Err(Failure::Op(e)) => {
            let status = Failure::Op(e.clone()).status();
            let view = load(&state, &who, id).await?;
            Ok(nc_page(&state, &who, status, &view, None, Some(&e)))
        }
        Err(other) => Err(other),
    }
}

async fn load(state: &State, who: &SignedIn, id: String) -> Result<NcPage, Failure> {
    let person = who.holder.person.clone();
    state
        .run(who.proof(), move |ctx| nc::page(ctx, &id, &person))
        .await
}

/// The page, with a step just signed (`done`) or refused.
fn nc_page(
    state: &State,
    who: &SignedIn,
    status: StatusCode,
    view: &NcPage,
    done: Option<&str>,
    refused: Option<&Error>,
) -> Response {
    let w = words::manage(who.holder.language.as_deref());
    let d = &view.detail;
    // Steps and re-inspections in the order they happened, as `nc show` lists them.
    let mut history: Vec<(chrono::DateTime<chrono::Utc>, Value)> = d
        .steps
        .iter()
        .map(|s| {
            (
                s.at,
                json!({
                    "at": time::local(&s.at), "what": step_name(&w, s.kind),
                    "value": match s.kind {
                        StepKind::Disposition => disposition_word(&w, &s.value).to_string(),
                        _ => s.value.clone(),
                    },
                    "signer": s.signer, "note": s.note, "sop": s.sop, "sop_change": s.sop_change,
                    "inspection": null, "verdict": null, "void": false,
                }),
            )
        })
        .collect();
    history.extend(d.reinspections.iter().map(|r| {
        (
            r.recorded_at,
            json!({
                "at": time::local(&r.recorded_at), "what": w.reinspection, "value": null,
                "signer": null, "note": "", "sop": null, "sop_change": null,
                "inspection": r.inspection, "verdict": r.verdict, "void": r.void,
                "verdict_word": match r.verdict {
                    Verdict::Pass => w.pass,
                    Verdict::Fail => w.fail,
                },
            }),
        )
    }));
    history.sort_by_key(|h| h.0);
    let may = |k: StepKind| view.may.contains(&k);
    let not_allowed: Vec<&str> = view.not_allowed.iter().map(|k| step_name(&w, *k)).collect();
    let dispositions: Vec<Value> = view
        .dispositions
        .iter()
        .map(|d| json!({ "value": d, "label": disposition_word(&w, d) }))
        .collect();
    page_with(
        status,
        "nc",
        &json!({
            "title": d.id,
            "chrome": chrome(state, who),
            "view": view,
            "opened_at": time::local(&d.opened_at),
            "w": w,
            "lang": words_lang(who),
            "status": d.status.as_str(),
            "status_word": match d.status {
                NcStatus::Open => w.status_open,
                NcStatus::Dispositioned => w.status_dispositioned,
                NcStatus::Closed => w.status_closed,
            },
            "next": next_word(&w, view.next),
            "disposition_word": view.disposition.as_deref().map(|d| disposition_word(&w, d)),
            "dispositions": dispositions,
            "history": history.into_iter().map(|h| h.1).collect::<Vec<_>>(),
            "may_disposition": may(StepKind::Disposition),
            "may_action": may(StepKind::Action),
            "may_close": may(StepKind::Close),
            "may_any": !view.may.is_empty(),
            "not_allowed": not_allowed.join(", "),
            "done": done,
            "refused": refused.map(|e| json!({ "message": e.message, "hint": e.hint })),
        }),
    )
}

fn step_name(w: &Manage, kind: StepKind) -> &'static str {
    match kind {
        StepKind::Disposition => w.disposition,
        StepKind::Action => w.corrective_action,
        StepKind::Close => w.close,
    }
}

/// What comes next for a nonconformance, in `w`'s words.
pub fn next_word(w: &Manage, next: NextStep) -> &'static str {
    match next {
        NextStep::Disposition => w.next_disposition,
        NextStep::Reinspection => w.next_reinspection,
        NextStep::Close => w.next_close,
        NextStep::Nothing => w.next_nothing,
    }
}

/// A disposition (`rework`, as recorded) in `w`'s words; one sopbook
/// does not know stays as recorded.
fn disposition_word<'a>(w: &Manage, value: &'a str) -> &'a str {
    match value {
        "rework" => w.disp_rework,
        "scrap" => w.disp_scrap,
        "use-as-is" => w.disp_use_as_is,
        "return-to-supplier" => w.disp_return,
        "sort" => w.disp_sort,
        other => other,
    }
}
