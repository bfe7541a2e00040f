//! The stylesheet, built into the binary.

use axum::http::header;
use axum::response::IntoResponse;

use crate::http::pages::STYLESHEET;

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
}
