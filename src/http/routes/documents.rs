//! Document control in the browser, for whoever may decide: what is in
//! review ([`ops::documents::pending`](crate::ops::documents::pending)),
//! one request with what it changes against the revision in force, and the
//! forms that approve it or send it back, as `sopbook approve|reject`. Which
//! forms show is asked of the operation; a signature asks for the password
//! again and [`ops::documents::approve`](crate::ops::documents::approve) /
//! [`reject`](crate::ops::documents::reject) check it, refusals and all.

use axum::extract::{Path, Query, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::floor::{chrome, words_lang};
use crate::error::Error;
use crate::http::browser::{Fields, SignedIn};
use crate::http::failure::{Failure, query_value};
use crate::http::pages::{page, page_with};
use crate::http::state::State;
use crate::ops::documents::{self, NotApprover, Pending, PendingDetail};
use crate::render::time;
use crate::words::{self, Manage};

#[derive(Debug, Deserialize)]
pub struct Decided {
    /// The document whose request was just approved or rejected.
    approved: Option<String>,
    rejected: Option<String>,
}

/// `GET /documents`: what is in review, and what the person may do with each.
pub async fn list(
    Shared(state): Shared<State>,
    who: SignedIn,
    Query(q): Query<Decided>,
) -> Result<Response, Failure> {
    let person = who.holder.person.clone();
    let view = state
        .run(who.proof(), move |ctx| documents::pending(ctx, &person))
        .await?;
    let w = words::manage(who.holder.language.as_deref());
    let done = match (&q.approved, &q.rejected) {
        (Some(id), _) => Some(words::fill(w.approved_done, &[("id", id)])),
        (_, Some(id)) => Some(words::fill(w.rejected_done, &[("id", id)])),
        _ => None,
    };
    let rows: Vec<Value> = view.iter().map(|p| row(&w, p)).collect();
    Ok(page(
        "documents",
        &json!({
            "title": w.documents_in_review,
            "w": w,
            "lang": words_lang(&who),
            "chrome": chrome(&state, &who),
            "count": rows.len(),
            "rows": rows,
            "done": done,
        }),
    ))
}

/// `GET /documents/{id}`: the request in review, its changes, the forms.
pub async fn show(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let view = load(&state, &who, id).await?;
    Ok(detail_page(&state, &who, StatusCode::OK, &view, None))
}

/// `POST /documents/{id}/approve` and `/reject`: signs with the password
/// typed into the form, then lists what is still in review (or shows the
/// request again with the refusal).
pub async fn sign(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path((id, step)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Failure> {
    let approving = match step.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(Failure::NoPage),
    };
    let reason = fields.get("reason").unwrap_or_default().to_string();
    let doc = id.clone();
    let signed = who
        .sign(&state, &fields, move |ctx, person| {
            if approving {
                documents::approve(ctx, &doc, person).map(|_| ())
            } else {
                documents::reject(ctx, &doc, &reason, person).map(|_| ())
            }
        })
        .await;
    match signed {
        Ok(()) => {
            let word = if approving { "approved" } else { "rejected" };
            let to = format!("/documents?{word}={}", query_value(&id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(Failure::Op(e)) => {
            let status = Failure::Op(e.clone()).status();
            let view = load(&state, &who, id).await?;
            Ok(detail_page(&state, &who, status, &view, Some(&e)))
        }
        Err(other) => Err(other),
    }
}

async fn load(state: &State, who: &SignedIn, id: String) -> Result<PendingDetail, Failure> {
    let person = who.holder.person.clone();
    state
        .run(who.proof(), move |ctx| {
            documents::pending_detail(ctx, &id, &person)
        })
        .await
}

/// A request as a row of the list and the head of its page, in `w`'s words.
fn row(w: &Manage, p: &Pending) -> Value {
    let or = format!(" {} ", w.or);
    json!({
        "record": p.record, "id": p.id, "title": p.title,
        "retire": p.revision.is_none(),
        "summary": p.summary, "minor": p.minor,
        "requested_by": p.requested_by, "requested_at": time::local(&p.requested_at),
        "in_force": p.in_force, "effective": p.effective.map(|d| d.to_string()),
        "approvals": p.approvals.join(", "), "approval_count": p.approvals.len(),
        "required": p.required, "approver_roles": p.approver_roles.join(&or),
        "may_approve": p.may_approve, "may_reject": p.may_reject,
        "why_not": why_not(w, p),
        "working_changed": p.working_changed,
    })
}

/// Why the person sees no Approve button, in their words.
fn why_not(w: &Manage, p: &Pending) -> Option<String> {
    let or = format!(" {} ", w.or);
    match p.not_approver {
        Some(NotApprover::Author) => Some(w.you_requested.into()),
        Some(NotApprover::NoRole) => Some(words::fill(
            w.approvers_hold,
            &[("id", &p.id), ("roles", &p.approver_roles.join(&or))],
        )),
        Some(NotApprover::AlreadyApproved) => Some(w.you_approved.into()),
        Some(NotApprover::Language) => Some(words::fill(w.translation_approver, &[("id", &p.id)])),
        None if p.working_changed => Some(w.file_changed.into()),
        None => None,
    }
}

fn detail_page(
    state: &State,
    who: &SignedIn,
    status: StatusCode,
    view: &PendingDetail,
    refused: Option<&Error>,
) -> Response {
    let w = words::manage(who.holder.language.as_deref());
    page_with(
        status,
        "document",
        &json!({
            "title": view.pending.record,
            "w": w,
            "lang": words_lang(who),
            "chrome": chrome(state, who),
            "request": row(&w, &view.pending),
            "view": view,
            "refused": refused.map(|e| json!({ "message": e.message, "hint": e.hint })),
        }),
    )
}
