//! The reader: the manual as `sopbook publish` built it (the workspace's
//! `book/`), served as files under `/manual/`.

use axum::Router;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::error::Error;
use crate::http::failure::Failure;
use crate::http::state::State;

/// Adds `/manual/...` to `router`: the published manual's files, or a page
/// saying that this station has none.
pub fn mount(router: Router<State>, state: &State) -> Router<State> {
    match state.book() {
        Some(book) => router.route("/manual", get(to_index)).nest_service(
            "/manual/",
            ServeDir::new(book)
                .append_index_html_on_directories(true)
                .fallback(get(|| async { Failure::NoPage }).with_state(())),
        ),
        None => router
            .route("/manual", get(no_manual))
            .route("/manual/", get(no_manual))
            .route("/manual/{*page}", get(no_manual)),
    }
}

/// `GET /manual`: to the manual's first page.
async fn to_index() -> impl IntoResponse {
    Redirect::permanent("/manual/")
}

async fn no_manual() -> Failure {
    Failure::Op(Error::not_found(
        "this station serves no manual: sopbook serve was started with only the records",
    ))
}
