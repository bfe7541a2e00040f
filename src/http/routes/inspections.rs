//! One recorded inspection, as `sopbook inspections show` shows it, in the
//! words of the checklist revision it used; and, for a role in
//! `[permissions] void`, the form that voids it with a reason and the
//! password again, as `sopbook inspections void`
//! ([`ops::inspections::void`](crate::ops::inspections::void)).

use axum::extract::{Path, Query, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::floor::chrome;
use crate::error::Error;
use crate::http::browser::{Fields, SignedIn};
use crate::http::failure::{Failure, query_value};
use crate::http::pages::page_with;
use crate::http::state::State;
use crate::ops::{floor, inspections};
use crate::render::time;

#[derive(Debug, Deserialize)]
pub struct Shown {
    /// `new` right after recording, `again` when the form had been
    /// recorded before, `void` right after voiding.
    recorded: Option<String>,
}

/// `GET /inspections/{id}`.
pub async fn show(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<Shown>,
) -> Result<Response, Failure> {
    let said = crate::words::station(who.holder.language.as_deref());
    let recorded = match q.recorded.as_deref() {
        Some("new") => Some(said.recorded_new),
        Some("again") => Some(said.recorded_again),
        _ => None,
    };
    let voided = q.recorded.as_deref() == Some("void");
    let view = load(&state, &who, id).await?;
    let done = Done { recorded, voided };
    Ok(inspection_page(
        &state,
        &who,
        StatusCode::OK,
        &view,
        done,
        None,
    ))
}

/// `POST /inspections/{id}/void`: voids it with the reason and password
/// typed into the form, then shows it again (with the refusal, if any).
pub async fn void(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Failure> {
    let reason = fields.get("reason").unwrap_or_default().to_string();
    let ins = id.clone();
    let voided = who
        .sign(&state, &fields, move |ctx, person| {
            inspections::void(ctx, &ins, &reason, person)
        })
        .await;
    match voided {
        Ok(v) => {
            let to = format!("/inspections/{}?recorded=void", query_value(&v.name));
            Ok(Redirect::to(&to).into_response())
        }
        Err(Failure::Op(e)) => {
            let status = Failure::Op(e.clone()).status();
            let view = load(&state, &who, id).await?;
            let done = Done {
                recorded: None,
                voided: false,
            };
            Ok(inspection_page(&state, &who, status, &view, done, Some(&e)))
        }
        Err(other) => Err(other),
    }
}

async fn load(state: &State, who: &SignedIn, id: String) -> Result<(floor::Shown, bool), Failure> {
    let person = who.holder.person.clone();
    let language = who.holder.language.clone();
    state
        .run(who.proof(), move |ctx| {
            Ok((
                floor::shown(ctx, &id, language.as_deref())?,
                inspections::may_void(ctx, &person)?,
            ))
        })
        .await
}

/// What was just done: recorded (and how), or voided.
struct Done {
    recorded: Option<&'static str>,
    voided: bool,
}

fn inspection_page(
    state: &State,
    who: &SignedIn,
    status: StatusCode,
    (view, may_void): &(floor::Shown, bool),
    done: Done,
    refused: Option<&Error>,
) -> Response {
    page_with(
        status,
        "inspection",
        &json!({
            "title": view.detail.name,
            "chrome": chrome(state, who),
            "words": crate::words::form(who.holder.language.as_deref()),
            "recorded": done.recorded,
            "voided": done.voided,
            "recorded_at": time::local(&view.detail.row.recorded_at),
            "view": view,
            "may_void": *may_void && view.detail.void.is_none(),
            "refused": refused.map(|e| json!({ "message": e.message, "hint": e.hint })),
        }),
    )
}
