//! The JSON API under `/api/v1/`, for gauges and other systems: JSON in
//! and out, a bearer token (`sopbook token create`) in `Authorization`,
//! never a cookie (so no CSRF token either). Every handler calls one
//! operation and answers with its `Serialize` view, the same fields as the
//! command line's `--json`; an error is `{"error", "hint"}` with the status
//! of its kind.
//!
//! The routes are one list, [`endpoints`], that both the router and the
//! test holding the OpenAPI document ([`OPENAPI`]) to it read.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State as Shared};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::Error;
use crate::http::failure::Failure;
use crate::http::state::{Proof, State};
use crate::ops::floor::{self, Filled};
use crate::ops::inspections::{self, Entry, ListInput, StartInput};
use crate::ops::nc;
use crate::ops::scorecard::{self, GroupBy, ScorecardInput};
use crate::ops::sessions::Holder;
use crate::ops::tokens;

/// The OpenAPI 3.1 document, kept by hand beside this file.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Where the API lives.
pub const BASE: &str = "/api/v1";

/// Every route of the API: method, path under [`BASE`] (as OpenAPI writes
/// it), handler.
pub fn endpoints() -> Vec<(&'static str, &'static str, MethodRouter<State>)> {
    vec![
        ("get", "/checklists", get(checklists)),
        ("get", "/inspections", get(list)),
        ("post", "/inspections", post(record)),
        ("get", "/inspections/{id}", get(show)),
        ("get", "/nonconformances", get(nc_list)),
        ("get", "/nonconformances/{nc}", get(nc_show)),
        ("get", "/report", get(report)),
        ("get", "/openapi.json", get(openapi)),
    ]
}

/// The API's routes, to nest under [`BASE`].
pub fn router() -> Router<State> {
    let mut paths: Vec<(&str, MethodRouter<State>)> = Vec::new();
    for (_, path, handler) in endpoints() {
        match paths.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(handler),
            None => paths.push((path, handler)),
        }
    }
    paths
        .into_iter()
        .fold(Router::new(), |r, (path, handler)| r.route(path, handler))
        .fallback(|| async { Refusal::NoRoute })
}

/// A JSON answer with `status`.
fn answer(status: StatusCode, view: &impl Serialize) -> Response {
    match serde_json::to_vec_pretty(view) {
        Ok(body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => Refusal::Op(Failure::Op(Error::invalid(format!(
            "the answer could not be written as JSON: {e}"
        ))))
        .into_response(),
    }
}

/// Why a request was not answered with its view.
#[derive(Debug)]
pub enum Refusal {
    /// No `Authorization: Bearer` header.
    NoToken,
    /// A token that is not a live API token (unknown, revoked, expired).
    BadToken,
    /// No such route.
    NoRoute,
    /// The operation refused or failed.
    Op(Failure),
}

impl From<Failure> for Refusal {
    fn from(f: Failure) -> Refusal {
        Refusal::Op(f)
    }
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Refusal {
        Refusal::Op(Failure::Op(e))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, error, hint) = match self {
            Refusal::NoToken => (
                StatusCode::UNAUTHORIZED,
                "this request has no API token; nothing was done".to_string(),
                Some("send `Authorization: Bearer <token>`; `sopbook token create --as PERSON` makes a token".to_string()),
            ),
            Refusal::BadToken => (
                StatusCode::UNAUTHORIZED,
                "this API token is not valid (unknown, revoked or expired); nothing was done".to_string(),
                Some("`sopbook token list` shows the tokens and whether they are live; `sopbook token create` makes a new one".to_string()),
            ),
            Refusal::NoRoute => (
                StatusCode::NOT_FOUND,
                "there is no such API route".to_string(),
                Some(format!("{BASE}/openapi.json lists the routes")),
            ),
            Refusal::Op(failure) => {
                let status = failure.status();
                match failure {
                    Failure::Op(e) => {
                        if status.is_server_error() {
                            eprintln!("error: {}", e.text());
                        }
                        (status, e.message.clone(), e.hint.clone())
                    }
                    // The API's handlers fail only with an operation's error.
                    _ => (status, "the request was refused".to_string(), None),
                }
            }
        };
        let mut response = answer(status, &json!({ "error": error, "hint": hint }));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sopbook\""),
            );
        }
        response
    }
}

/// The person an API request acts for, proved by a live API token.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub holder: Holder,
    pub token: String,
}

impl Bearer {
    fn proof(&self) -> Proof {
        Proof::Session(self.token.clone())
    }
}

impl Bearer {
    /// Checks the token `presented`, in an operation of its own.
    async fn checked(state: &State, presented: Presented) -> Result<Bearer, Refusal> {
        let Presented { token, origin } = presented;
        let held = token.clone();
        match state
            .run_from(origin, Proof::Nothing, move |ctx| {
                tokens::bearer(ctx, &held)
            })
            .await?
        {
            Some(holder) => Ok(Bearer { holder, token }),
            None => Err(Refusal::BadToken),
        }
    }
}

impl FromRequestParts<State> for Bearer {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &State) -> Result<Self, Refusal> {
        let presented = Presented::from_request_parts(parts, state).await?;
        Bearer::checked(state, presented).await
    }
}

/// The token a request presents, not checked yet: a handler that runs one
/// operation checks it in that operation's run, with one visit to the
/// records fewer (`tokens::bearer` first, as [`Bearer`] does).
#[derive(Debug, Clone)]
pub struct Presented {
    token: String,
    /// The address the request came from.
    origin: Option<String>,
}

impl FromRequestParts<State> for Presented {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &State) -> Result<Self, Refusal> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Refusal::NoToken);
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.trim().split_once(' '))
            // The scheme's case does not matter (RFC 9110).
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string())
            .ok_or(Refusal::NoToken)?;
        Ok(Presented {
            token,
            origin: crate::http::browser::origin_of(parts),
        })
    }
}

/// `GET /api/v1/checklists`: the checklists in force with their items.
pub async fn checklists(Shared(state): Shared<State>, who: Bearer) -> Result<Response, Refusal> {
    let view = state.run(who.proof(), floor::described).await?;
    Ok(answer(StatusCode::OK, &view))
}

/// The filters of `GET /api/v1/inspections`, as `inspections list` takes them.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    checklist: Option<String>,
    lot: Option<String>,
    since: Option<String>,
    until: Option<String>,
    result: Option<String>,
}

/// `GET /api/v1/inspections`: as `sopbook inspections list --json`.
pub async fn list(
    Shared(state): Shared<State>,
    who: Bearer,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, Refusal> {
    let Query(q) =
        query.map_err(|e| Error::invalid(format!("the query is not understood: {e}")))?;
    let view = state
        .run(who.proof(), move |ctx| {
            inspections::list(
                ctx,
                ListInput {
                    checklist: q.checklist.as_deref(),
                    lot: q.lot.as_deref(),
                    since: q.since.as_deref(),
                    until: q.until.as_deref(),
                    result: q.result.as_deref(),
                },
            )
        })
        .await?;
    Ok(answer(StatusCode::OK, &view))
}

/// `GET /api/v1/inspections/{id}`: as `sopbook inspections show --json`.
pub async fn show(
    Shared(state): Shared<State>,
    who: Bearer,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let view = state
        .run(who.proof(), move |ctx| inspections::show(ctx, &id))
        .await?;
    Ok(answer(StatusCode::OK, &view))
}

/// The filter of `GET /api/v1/nonconformances`.
#[derive(Debug, Deserialize)]
pub struct NcQuery {
    /// Only the open ones.
    #[serde(default)]
    open: bool,
}

/// `GET /api/v1/nonconformances[?open=true]`: as `sopbook nc list --json`.
pub async fn nc_list(
    Shared(state): Shared<State>,
    who: Bearer,
    query: Result<Query<NcQuery>, QueryRejection>,
) -> Result<Response, Refusal> {
    let Query(q) =
        query.map_err(|e| Error::invalid(format!("the query is not understood: {e}")))?;
    let view = state
        .run(who.proof(), move |ctx| nc::list(ctx, q.open))
        .await?;
    Ok(answer(StatusCode::OK, &view))
}

/// `GET /api/v1/nonconformances/{nc}`: as `sopbook nc show NC --json`.
pub async fn nc_show(
    Shared(state): Shared<State>,
    who: Bearer,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let view = state
        .run(who.proof(), move |ctx| nc::show(ctx, &id))
        .await?;
    Ok(answer(StatusCode::OK, &view))
}

/// The grouping and dates of `GET /api/v1/report`, as `sopbook report` takes them.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    by: Option<String>,
    since: Option<String>,
    until: Option<String>,
}

/// `GET /api/v1/report[?by&since&until]`: the scorecard, as `sopbook report --json`.
pub async fn report(
    Shared(state): Shared<State>,
    who: Bearer,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Refusal> {
    let Query(q) =
        query.map_err(|e| Error::invalid(format!("the query is not understood: {e}")))?;
    let name = q.by.as_deref().unwrap_or("checklist");
    let Some(by) = GroupBy::named(name) else {
        let names: Vec<&str> = GroupBy::NAMES.iter().map(|(n, _)| *n).collect();
        return Err(Error::invalid(format!("`by={name}` is not a grouping"))
            .with_hint(format!("group by one of: {}", names.join(", ")))
            .into());
    };
    let view = state
        .run(who.proof(), move |ctx| {
            scorecard::scorecard(
                ctx,
                ScorecardInput {
                    by,
                    since: q.since.as_deref(),
                    until: q.until.as_deref(),
                },
            )
        })
        .await?;
    Ok(answer(StatusCode::OK, &view))
}

/// The body of `POST /api/v1/inspections`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posted {
    checklist: String,
    lot: String,
    #[serde(default)]
    serial: Option<String>,
    /// The station; the server's own when left out.
    #[serde(default)]
    station: Option<String>,
    /// The checklist revision the client filled in; a newer one in force
    /// is a conflict.
    #[serde(default)]
    revision: Option<i64>,
    entries: Vec<PostedEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostedEntry {
    item: String,
    /// Text or a number.
    value: Value,
    #[serde(default)]
    note: String,
}

impl PostedEntry {
    fn entry(self) -> Result<Entry, Error> {
        let value = match self.value {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            other => {
                return Err(Error::invalid(format!(
                    "item `{}`: the value must be text or a number, not {other}; nothing was recorded",
                    self.item
                )));
            }
        };
        Ok(Entry {
            item: self.item,
            value,
            note: self.note,
        })
    }
}

/// `POST /api/v1/inspections`: records an inspection as `sopbook inspect`
/// does, once per `Idempotency-Key`: a retry with the same key answers
/// with the inspection recorded first (200, `"replayed": true`) and
/// records nothing; a new one answers 201.
pub async fn record(
    Shared(state): Shared<State>,
    presented: Presented,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    // The token is checked in the run that records; a request refused
    // before that has its token checked first, as every route does.
    let refused = |state: State, presented: Presented, refusal: Refusal| async move {
        Bearer::checked(&state, presented).await?;
        Err::<Response, Refusal>(refusal)
    };
    let body = match body {
        Ok(body) => body,
        Err(e) => {
            Bearer::checked(&state, presented).await?;
            let status = e.status();
            let error = json!({
                "error": format!("the body could not be read ({}); nothing was recorded", e.body_text()),
                "hint": "an inspection's JSON is a few kilobytes; send one inspection per request",
            });
            return Ok(answer(status, &error));
        }
    };
    let posted: Posted = match serde_json::from_slice(&body) {
        Ok(posted) => posted,
        Err(e) => {
            let e = Error::invalid(format!("the body is not an inspection: {e}; nothing was recorded"))
                .with_hint(format!(
                    "send JSON with checklist, lot, entries ([{{\"item\", \"value\", \"note\"}}]) and optionally serial, station, revision; see {BASE}/openapi.json"
                ));
            return refused(state, presented, e.into()).await;
        }
    };
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => match v.to_str() {
            Ok(v) => Some(v.to_string()),
            Err(_) => {
                let e =
                    Error::invalid("the Idempotency-Key header is not text; nothing was recorded");
                return refused(state, presented, e.into()).await;
            }
        },
    };
    let entries = match posted
        .entries
        .into_iter()
        .map(PostedEntry::entry)
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(entries) => entries,
        Err(e) => return refused(state, presented, e.into()).await,
    };
    let station = posted
        .station
        .unwrap_or_else(|| state.station().to_string());
    let Presented { token, origin } = presented;
    let proof = Proof::Session(token.clone());
    let done = state
        .run_from(origin, proof, move |ctx| {
            let Some(holder) = tokens::bearer(ctx, &token)? else {
                return Ok(None);
            };
            // The rest is the operation's own, as after a checked token.
            ctx.origin = None;
            let person = holder.person;
            let key = floor::client_key(&person, key.as_deref())?;
            floor::submit(
                ctx,
                Filled {
                    start: StartInput {
                        checklist: &posted.checklist,
                        lot: posted.lot.trim(),
                        serial: posted.serial.as_deref(),
                        inspector: &person,
                        station: &station,
                        reinspect: None,
                    },
                    revision: posted.revision,
                    key: Some(&key),
                    entries,
                    photos: Vec::new(),
                    uploads: Vec::new(),
                    language: None,
                },
            )
            .map(Some)
        })
        .await?;
    let Some(done) = done else {
        return Err(Refusal::BadToken);
    };
    let status = if done.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = answer(status, &done);
    if let Ok(at) = HeaderValue::from_str(&format!("{BASE}/inspections/{}", done.recorded.name)) {
        response.headers_mut().insert(header::LOCATION, at);
    }
    Ok(response)
}

/// `GET /api/v1/openapi.json`: the OpenAPI document (no token needed).
pub async fn openapi() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
        .into_response()
}
