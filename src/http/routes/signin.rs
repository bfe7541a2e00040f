//! Signing in and out: a person from sopbook.toml with their signing
//! password, through the same operations as `sopbook login` and `logout`
//! (a wrong password is a refusal in the audit log). The session token
//! goes into an HttpOnly, SameSite=Strict cookie.

use axum::extract::{Query, State as Shared};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::ErrorKind;
use crate::http::browser::{
    FORM_COOKIE, Fields, SESSION_COOKIE, SHIFT_HOURS, Visitor, check_csrf, cookie, local_path,
    new_seed, removed, set_cookie,
};
use crate::http::failure::Failure;
use crate::http::pages::page_with;
use crate::http::state::{Proof, State};
use crate::model::translation::Direction;
use crate::ops::sessions;
use crate::words;

/// The longest person id the sign-in form takes.
const ID_LIMIT: usize = 64;

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
    /// Minutes of disuse after which the last sign-in here ended (text:
    /// anything else in the address is ignored, not an error page).
    idle: Option<String>,
}

/// The language of the sign-in page: the one the browser prefers of those
/// sopbook has words of.
fn language(headers: &HeaderMap) -> Option<&'static str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(words::from_browser)
}

/// The sign-in page in `lang`, with what went wrong the last time.
fn signin_page(
    state: &State,
    status: StatusCode,
    lang: Option<&str>,
    csrf: String,
    next: &str,
    person: &str,
    error: Option<String>,
) -> Response {
    let w = words::sign_in(lang);
    page_with(
        status,
        "signin",
        &json!({
            "title": w.title,
            "w": w,
            "lang": lang.map(|code| json!({ "code": code, "dir": Direction::of(code) })),
            "chrome": { "station": state.station(), "person": null, "csrf": null, "words": words::station(lang), "lang": lang },
            "csrf": csrf,
            "next": next,
            "person": person,
            "error": error,
            "hours": SHIFT_HOURS,
            "idle": state.idle().map(|d| d.num_minutes()),
        }),
    )
}

/// `GET /signin`: the form, and a form cookie if the browser has none.
pub async fn form(
    Shared(state): Shared<State>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Result<Response, Failure> {
    let lang = language(&headers);
    let next = local_path(q.next.as_deref());
    let (seed, fresh) = match &visitor.form {
        Some(seed) => (seed.clone(), false),
        None => (new_seed()?, true),
    };
    let csrf = Visitor {
        session: None,
        form: Some(seed.clone()),
        ..Visitor::default()
    }
    .form_csrf()
    .unwrap_or_default();
    let idle = q.idle.as_deref().and_then(|m| m.parse::<i64>().ok());
    let why = idle.filter(|m| (1..=24 * 60).contains(m)).map(|minutes| {
        words::fill(
            words::sign_in(lang).signed_out_idle,
            &[("minutes", &minutes.to_string())],
        )
    });
    let mut response = signin_page(&state, StatusCode::OK, lang, csrf, &next, "", why);
    if fresh {
        set_cookie(&mut response, &cookie(FORM_COOKIE, &seed, None));
    }
    Ok(response)
}

/// `POST /signin`: signs the person in for a shift and goes on to where
/// they were headed; a refusal shows the form again.
pub async fn sign_in(
    Shared(state): Shared<State>,
    visitor: Visitor,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Response, Failure> {
    let lang = language(&headers);
    check_csrf(visitor.form_csrf(), fields.get("csrf"))?;
    let csrf = visitor.form_csrf().unwrap_or_default();
    let next = local_path(fields.get("next"));
    let person = fields.optional("person").unwrap_or_default().to_string();
    let password = fields.get("password").unwrap_or_default().to_string();
    if person.is_empty() || person.chars().count() > ID_LIMIT {
        let w = words::sign_in(lang);
        let error = if person.is_empty() {
            w.enter_id.to_string()
        } else {
            words::fill(w.id_too_long, &[("limit", &ID_LIMIT.to_string())])
        };
        return Ok(signin_page(
            &state,
            StatusCode::BAD_REQUEST,
            lang,
            csrf,
            &next,
            "",
            Some(error),
        ));
    }
    let who = person.clone();
    let signed = state
        .run_from(
            visitor.origin.clone(),
            Proof::Password(password),
            move |ctx| sessions::login(ctx, &who, SHIFT_HOURS),
        )
        .await;
    match signed {
        Ok(signed) => {
            let mut response = Redirect::to(&next).into_response();
            set_cookie(
                &mut response,
                &cookie(SESSION_COOKIE, &signed.token, Some(SHIFT_HOURS * 3600)),
            );
            Ok(response)
        }
        Err(Failure::Op(e))
            if matches!(
                e.kind,
                ErrorKind::Refused | ErrorKind::Paused | ErrorKind::Invalid
            ) =>
        {
            let status = Failure::Op(e.clone()).status();
            Ok(signin_page(
                &state,
                status,
                lang,
                csrf,
                &next,
                &person,
                Some(e.message.clone()),
            ))
        }
        Err(other) => Err(other),
    }
}

/// `POST /signout`: ends the session in the records and forgets the cookie.
pub async fn sign_out(
    Shared(state): Shared<State>,
    visitor: Visitor,
    fields: Fields,
) -> Result<Response, Failure> {
    let mut response = Redirect::to("/signin").into_response();
    if let Some(token) = visitor.session.clone() {
        check_csrf(visitor.session_csrf(), fields.get("csrf"))?;
        match state
            .run(Proof::Nothing, move |ctx| sessions::logout(ctx, &token))
            .await
        {
            Ok(_) => {}
            // Not in these records: there is nothing to end.
            Err(Failure::Op(e)) if e.kind == ErrorKind::NotFound => {}
            Err(other) => return Err(other),
        }
    }
    set_cookie(&mut response, &removed(SESSION_COOKIE));
    Ok(response)
}
