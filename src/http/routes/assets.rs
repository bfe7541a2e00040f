//! The stylesheet (built in, or the workspace's own) and the script.

use axum::extract::State as Shared;
use axum::http::header;
use axum::response::IntoResponse;

use crate::http::pages::SCRIPT;
use crate::http::state::State;

/// The built-in stylesheet, or the workspace's `templates/serve/floor.css`.
pub async fn stylesheet(Shared(state): Shared<State>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        state.pages().stylesheet().to_string(),
    )
}

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        SCRIPT,
    )
}
