//! One recorded inspection, as `sopbook inspections show` shows it, in the
//! words of the checklist revision it used.

use axum::extract::{Path, Query, State as Shared};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::floor::chrome;
use crate::http::browser::SignedIn;
use crate::http::failure::Failure;
use crate::http::pages::page;
use crate::http::state::State;
use crate::ops::floor;
use crate::render::time;

#[derive(Debug, Deserialize)]
pub struct Shown {
    /// `new` right after recording, `again` when the form had been recorded before.
    recorded: Option<String>,
}

/// `GET /inspections/{id}`.
pub async fn show(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<Shown>,
) -> Result<Response, Failure> {
    let view = state
        .run(who.proof(), move |ctx| floor::shown(ctx, &id))
        .await?;
    let recorded = match q.recorded.as_deref() {
        Some("new") => Some("Recorded."),
        Some("again") => Some("This form had been recorded already; nothing more was recorded."),
        _ => None,
    };
    Ok(page(
        "inspection",
        &json!({
            "title": view.detail.name,
            "chrome": chrome(&state, &who),
            "recorded": recorded,
            "recorded_at": time::local(&view.detail.row.recorded_at),
            "view": view,
        }),
    ))
}
