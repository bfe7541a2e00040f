//! The reader's pages: the signed-in person's reading list
//! ([`ops::reading::page`](crate::ops::reading::page)), each document's
//! text at the revision in force with what changed since they last read
//! it, and the form that signs "read and understood" with the password
//! again ([`ops::training::ack`](crate::ops::training::ack)).

use axum::extract::{Path, Query, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::floor::chrome;
use crate::error::Error;
use crate::http::browser::{Fields, SignedIn};
use crate::http::failure::{Failure, query_value};
use crate::http::pages::{markdown, page, page_with};
use crate::http::state::State;
use crate::model::records::DocKind;
use crate::ops::reading::{self, Document};
use crate::ops::training;

#[derive(Debug, Deserialize)]
pub struct Confirmed {
    /// The document just confirmed, and its revision.
    confirmed: Option<String>,
    rev: Option<i64>,
}

/// `GET /reading`: what the signed-in person must read and understand.
pub async fn list(
    Shared(state): Shared<State>,
    who: SignedIn,
    Query(q): Query<Confirmed>,
) -> Result<Response, Failure> {
    let person = who.holder.person.clone();
    let view = state
        .run(who.proof(), move |ctx| reading::page(ctx, &person))
        .await?;
    let done = q.confirmed.as_deref().map(|id| match q.rev {
        Some(n) => format!("You confirmed that you read and understood {id} rev {n}."),
        None => format!("You had already confirmed {id}."),
    });
    Ok(page(
        "reading",
        &json!({
            "title": "Reading list",
            "chrome": chrome(&state, &who),
            "view": view,
            "count": view.to_read.len(),
            "done": done,
        }),
    ))
}

/// `GET /reading/{id}`: the document in force, to read, and the form.
pub async fn show(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let view = load(&state, &who, id).await?;
    Ok(document_page(&state, &who, StatusCode::OK, &view, None))
}

/// `POST /reading/{id}`: "read and understood", signed with the password
/// typed into the form; back to the list, or the document with the refusal.
pub async fn confirm(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Failure> {
    let doc = id.clone();
    let signed = who
        .sign(&state, &fields, move |ctx, person| {
            training::ack(ctx, &doc, person)
        })
        .await;
    match signed {
        Ok(a) => {
            let mut to = format!("/reading?confirmed={}", query_value(&a.doc_id));
            if a.recorded {
                to.push_str(&format!("&rev={}", a.revision));
            }
            Ok(Redirect::to(&to).into_response())
        }
        Err(Failure::Op(e)) => {
            let status = Failure::Op(e.clone()).status();
            let view = load(&state, &who, id).await?;
            Ok(document_page(&state, &who, status, &view, Some(&e)))
        }
        Err(other) => Err(other),
    }
}

async fn load(state: &State, who: &SignedIn, id: String) -> Result<Document, Failure> {
    let person = who.holder.person.clone();
    state
        .run(who.proof(), move |ctx| reading::document(ctx, &person, &id))
        .await
}

fn document_page(
    state: &State,
    who: &SignedIn,
    status: StatusCode,
    view: &Document,
    refused: Option<&Error>,
) -> Response {
    let html = match view.kind {
        DocKind::Sop => Some(markdown(&view.text)),
        DocKind::Checklist => None,
    };
    page_with(
        status,
        "read",
        &json!({
            "title": format!("{} {}", view.doc_id, view.title),
            "chrome": chrome(state, who),
            "view": view,
            "html": html,
            "refused": refused.map(|e| json!({ "message": e.message, "hint": e.hint })),
        }),
    )
}
