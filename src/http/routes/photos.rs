//! A photo attached to an inspection item, for the signed-in: the review
//! and the recorded inspection show it. Only photos kept beside the records
//! are served, by their sha256, with the type found from their bytes.

use axum::extract::{Path, State as Shared};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::http::browser::SignedIn;
use crate::http::failure::Failure;
use crate::http::state::State;
use crate::ops::photos;

/// `GET /photos/{sha256}`.
pub async fn show(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(sha256): Path<String>,
) -> Result<Response, Failure> {
    let photo = state
        .run(who.proof(), move |ctx| photos::shown(ctx, &sha256))
        .await?;
    let mut response = photo.bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(photo.media_type),
    );
    Ok(response)
}
