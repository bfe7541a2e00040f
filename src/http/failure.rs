//! Failures as pages: an operation's error with the status its kind maps
//! to, a browser that must sign in, a form that did not come from sopbook.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::pages;
use crate::error::Error;

#[derive(Debug)]
pub enum Failure {
    /// An operation refused or failed; its kind decides the status.
    Op(Error),
    /// Nobody is signed in in this browser (or the sign-in ended; `idle`:
    /// after so many minutes unused). A page asked for with GET goes to the
    /// sign-in form and back.
    SignIn {
        next: Option<String>,
        idle: Option<i64>,
    },
    /// A POST without this browser's CSRF token.
    Forged,
    /// No page here.
    NoPage,
    /// A form larger than its route takes (photos, most likely).
    TooLarge { limit: usize },
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Op(e)
    }
}

impl Failure {
    pub fn status(&self) -> StatusCode {
        match self {
            Failure::Op(e) => StatusCode::from_u16(e.kind.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Failure::SignIn { .. } => StatusCode::UNAUTHORIZED,
            Failure::Forged => StatusCode::FORBIDDEN,
            Failure::NoPage => StatusCode::NOT_FOUND,
            Failure::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = self.status();
        // What the browser cannot fix (a locked, full or broken store) is
        // also for whoever runs the server.
        if let Failure::Op(e) = &self
            && status.is_server_error()
        {
            eprintln!("error: {}", e.text());
        }
        let (title, message, hint) = match &self {
            Failure::SignIn {
                next: Some(next),
                idle,
            } => {
                let mut to = format!("/signin?next={}", query_value(next));
                if let Some(minutes) = idle {
                    to.push_str(&format!("&idle={minutes}"));
                }
                return Redirect::to(&to).into_response();
            }
            Failure::SignIn { next: None, idle } => (
                "Signed out",
                match idle {
                    Some(minutes) => format!("You were signed out after {minutes} minutes without use, so nothing was recorded. Sign in again and send the form again."),
                    None => "You are not signed in here any more (the sign-in ended or was never made), so nothing was recorded.".to_string(),
                },
                None,
            ),
            Failure::Forged => (
                "Form refused",
                "This form did not come from this browser's sopbook page (or it is from before the last sign-in), so nothing was done. Go back, reload the page and send it again.".to_string(),
                None,
            ),
            Failure::NoPage => ("Not found", "There is no page here.".to_string(), None),
            Failure::TooLarge { limit } => (
                "Too large",
                format!(
                    "This form and its photos are larger than {} MiB, more than sopbook takes at once, so nothing was kept or recorded.",
                    limit / (1024 * 1024)
                ),
                Some(format!(
                    "Go back and attach fewer photos at a time: each may be up to {} MiB.",
                    crate::ops::photos::PHOTO_LIMIT / (1024 * 1024)
                )),
            ),
            Failure::Op(e) => (
                title_of(status),
                e.message.clone(),
                e.hint.clone(),
            ),
        };
        let mut response = pages::page_with(
            status,
            "error",
            &json!({
                "title": title,
                "message": message,
                "hint": hint,
                "signin": matches!(self, Failure::SignIn { .. }),
            }),
        );
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Cookie realm=\"sopbook\""),
            );
        }
        response
    }
}

fn title_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Not accepted",
        403 => "Refused",
        404 => "Not found",
        409 => "Not possible now",
        429 => "Paused",
        422 => "Problem found",
        503 => "Busy",
        507 => "Disk full",
        _ => "Something went wrong",
    }
}

/// A value for a query string: everything but unreserved characters and
/// `/` percent-encoded.
pub fn query_value(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
