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

use super::floor::{chrome, words_lang};
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

#[derive(Debug, Deserialize)]
pub struct Original {
    /// Show the source's text although a current translation is in force.
    #[serde(default)]
    original: Option<String>,
}

/// The reader's words, and the language and direction of them where they
/// are not English.
fn words_of(who: &SignedIn) -> (crate::words::Reading, serde_json::Value) {
    (
        crate::words::reading(who.holder.language.as_deref()),
        words_lang(who),
    )
}

/// `GET /reading`: what the signed-in person must read and understand.
pub async fn list(
    Shared(state): Shared<State>,
    who: SignedIn,
    Query(q): Query<Confirmed>,
) -> Result<Response, Failure> {
    let person = who.holder.person.clone();
    let language = who.holder.language.clone();
    let view = state
        .run(who.proof(), move |ctx| {
            reading::page(ctx, &person, language.as_deref())
        })
        .await?;
    let done = q
        .confirmed
        .as_deref()
        .map(|id| json!({ "id": id, "revision": q.rev }));
    let (w, lang) = words_of(&who);
    Ok(page(
        "reading",
        &json!({
            "title": w.title,
            "chrome": chrome(&state, &who),
            "w": w,
            "lang": lang,
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
    Query(q): Query<Original>,
) -> Result<Response, Failure> {
    let view = load(&state, &who, id).await?;
    let original = q.original.is_some();
    Ok(document_page(
        &state,
        &who,
        StatusCode::OK,
        &view,
        None,
        original,
    ))
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
            Ok(document_page(&state, &who, status, &view, Some(&e), false))
        }
        Err(other) => Err(other),
    }
}

async fn load(state: &State, who: &SignedIn, id: String) -> Result<Document, Failure> {
    let person = who.holder.person.clone();
    let language = who.holder.language.clone();
    state
        .run(who.proof(), move |ctx| {
            reading::document(ctx, &person, &id, language.as_deref())
        })
        .await
}

fn document_page(
    state: &State,
    who: &SignedIn,
    status: StatusCode,
    view: &Document,
    refused: Option<&Error>,
    original: bool,
) -> Response {
    // A current translation is read unless the reader asked for the original.
    let translated = view.translated() && !original;
    let (text, title) = match (&view.in_language, translated) {
        (Some(t), true) => (
            t.text.as_deref().unwrap_or(&view.text),
            t.title.as_deref().unwrap_or(&view.title),
        ),
        _ => (view.text.as_str(), view.title.as_str()),
    };
    let html = match view.kind {
        DocKind::Sop => Some(markdown(text)),
        DocKind::Checklist => None,
    };
    let original_of = view
        .in_language
        .as_ref()
        .filter(|_| original && view.translated())
        .map(|t| json!({ "code": t.language, "name": t.name, "dir": t.direction }));
    let wording_only = view
        .in_language
        .as_ref()
        .and_then(|t| t.translated_revision)
        .is_some_and(|r| r < view.revision);
    let (w, lang) = words_of(who);
    page_with(
        status,
        "read",
        &json!({
            "title": format!("{} {title}", view.doc_id),
            "chrome": chrome(state, who),
            "w": w,
            "lang": lang,
            "view": view,
            "html": html,
            "translated": translated,
            "wording_only": wording_only,
            "original_of": original_of,
            "refused": refused.map(|e| json!({ "message": e.message, "hint": e.hint })),
        }),
    )
}
