//! The reader: the manual as `sopbook publish` built it (the workspace's
//! `book/`), served as files under `/manual/`, and kept current: a request
//! for it starts, at most once a minute, a check of the published manual
//! against the records ([`publish::refresh`]); a stale manual is published
//! again on a blocking thread while the old one is still served, and the
//! new one takes its place when it is built.

use axum::Router;
use axum::extract::{Request, State as Shared};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::error::Error;
use crate::http::failure::Failure;
use crate::http::state::{Proof, State};
use crate::ops::publish;

/// Adds `/manual/...` to `router`: the published manual's files, or a page
/// saying that this station has none.
pub fn mount(router: Router<State>, state: &State) -> Router<State> {
    match state.book() {
        Some(book) => router.merge(
            Router::new()
                .route("/manual", get(to_index))
                .nest_service(
                    "/manual/",
                    ServeDir::new(book)
                        .append_index_html_on_directories(true)
                        .fallback(get(|| async { Failure::NoPage }).with_state(())),
                )
                .layer(middleware::from_fn_with_state(state.clone(), keep_current)),
        ),
        None => router
            .route("/manual", get(no_manual))
            .route("/manual/", get(no_manual))
            .route("/manual/{*page}", get(no_manual)),
    }
}

/// Before a page of the manual is served: if a check is due, starts one in
/// the background; this request gets the manual as it is now.
async fn keep_current(Shared(state): Shared<State>, request: Request, next: Next) -> Response {
    if let Some(book) = state.book().cloned()
        && state.manual_check_due()
    {
        let checking = state.clone();
        tokio::spawn(async move {
            let done = checking
                .run(Proof::Nothing, move |ctx| publish::refresh(ctx, &book))
                .await;
            match done {
                Ok(Some(published)) => eprintln!(
                    "The manual in {} was published again: a revision took effect.",
                    published.out.display()
                ),
                Ok(None) => {}
                Err(Failure::Op(e)) => eprintln!(
                    "error: the manual could not be published again (it is served as it was): {}",
                    e.text()
                ),
                Err(_) => {}
            }
            checking.manual_checked();
        });
    }
    next.run(request).await
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
