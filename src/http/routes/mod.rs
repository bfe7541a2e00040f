//! The routes, one file per area:
//!
//! | route | what |
//! | --- | --- |
//! | `GET /signin`, `POST /signin`, `POST /signout` | [`signin`]: a sign-in for a shift |
//! | `GET /` | [`floor`]: the checklists in force, the station's own first |
//! | `POST /station` | [`station`]: which station this tablet is (a cookie) |
//! | `GET /inspect/{checklist}` | [`floor`]: lot and serial |
//! | `POST /inspect/{checklist}` | [`floor`]: the form for that lot |
//! | `POST /inspect/{checklist}/items` | [`floor`]: back to the form to change answers |
//! | `POST /inspect/{checklist}/review` | [`floor`]: the answers checked, the verdict |
//! | `POST /inspect/{checklist}/record` | [`floor`]: recorded once, then the inspection |
//! | `GET /inspections/{id}` | [`inspections`]: one inspection |
//! | `POST /inspections/{id}/void` | [`inspections`]: void it (reason, password again) |
//! | `GET /photos/{sha256}` | [`photos`]: a photo of an inspection item |
//! | `GET /manage` | [`manage`]: yield, open nonconformances, Pareto, charts, reviews due |
//! | `GET /manage/charts/{file}` | [`manage`]: one of the dashboard's charts, SVG |
//! | `GET /manage/training` | [`manage`]: the training matrix (`?format=csv`: its CSV) |
//! | `GET /documents` | [`documents`]: what is in review |
//! | `GET /documents/{id}` | [`documents`]: one request, its changes, approve and reject |
//! | `POST /documents/{id}/{step}` | [`documents`]: sign `approve` or `reject` (password again) |
//! | `GET /reading` | [`reading`]: the signed-in person's reading list |
//! | `GET /reading/{id}` | [`reading`]: a document to read, what changed, the form |
//! | `POST /reading/{id}` | [`reading`]: sign "read and understood" (password again) |
//! | `GET /nc/{nc}` | [`nc`]: a nonconformance, with the steps the person may sign |
//! | `POST /nc/{nc}/{step}` | [`nc`]: sign `disposition`, `action` or `close` (password again) |
//! | `GET /manual/...` | [`manual`]: the published manual |
//! | `GET /assets/floor.css` | [`assets`]: the stylesheet |
//! | `GET /assets/floor.js` | [`assets`]: the script (the pages work without it) |
//! | `/api/v1/...` | [`api`]: the JSON API, with a bearer token |

pub mod api;
pub mod assets;
pub mod documents;
pub mod floor;
pub mod inspections;
pub mod manage;
pub mod manual;
pub mod nc;
pub mod photos;
pub mod reading;
pub mod signin;
pub mod station;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use super::browser::{FORM_LIMIT, PHOTO_FORM_LIMIT};
use super::failure::Failure;
use super::state::State;

/// Every route of `sopbook serve`.
pub fn router(state: State) -> Router {
    let routes = Router::new()
        .route("/", get(floor::checklists))
        .route("/signin", get(signin::form).post(signin::sign_in))
        .route("/signout", post(signin::sign_out))
        .route("/station", post(station::choose))
        .route("/inspect/{checklist}", get(floor::start).post(floor::open))
        .route("/inspect/{checklist}/items", post(floor::change))
        .route(
            "/inspect/{checklist}/review",
            post(floor::review).layer(DefaultBodyLimit::max(PHOTO_FORM_LIMIT)),
        )
        .route("/inspect/{checklist}/record", post(floor::record))
        .route("/inspections/{id}", get(inspections::show))
        .route("/inspections/{id}/void", post(inspections::void))
        .route("/photos/{sha256}", get(photos::show))
        .route("/manage", get(manage::overview))
        .route("/manage/charts/{file}", get(manage::chart))
        .route("/manage/training", get(manage::training))
        .route("/documents", get(documents::list))
        .route("/documents/{id}", get(documents::show))
        .route("/documents/{id}/{step}", post(documents::sign))
        .route("/reading", get(reading::list))
        .route("/reading/{id}", get(reading::show).post(reading::confirm))
        .route("/nc/{nc}", get(nc::show))
        .route("/nc/{nc}/{step}", post(nc::sign))
        .route("/assets/floor.css", get(assets::stylesheet))
        .route("/assets/floor.js", get(assets::script))
        .nest(api::BASE, api::router());
    manual::mount(routes, &state)
        .fallback(|| async { Failure::NoPage })
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// What the app's own pages allow: nothing from elsewhere, only this
/// server's script file (no inline script, no eval) and its requests to
/// this server (the confirm that retries), no inline style, no framing,
/// forms only to this server.
const APP_POLICY: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The published manual is mdBook's HTML, with its own scripts (search,
/// themes) and inline styles, all served from here.
const MANUAL_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

/// Headers on every answer: the content security policy, no sniffing, no
/// framing; the app's pages are not cached (a signed-out browser's back
/// button shows no one's form).
async fn guard(
    axum::extract::State(state): axum::extract::State<State>,
    request: Request,
    next: Next,
) -> Response {
    let manual = request.uri().path().starts_with("/manual");
    let asset = request.uri().path().starts_with("/assets/");
    // Pages are rendered with this server's templates (the workspace's own, if any).
    let mut response = super::pages::serving(state.pages(), next.run(request)).await;
    let paused = response.status() == axum::http::StatusCode::TOO_MANY_REQUESTS;
    let headers = response.headers_mut();
    let policy = if manual { MANUAL_POLICY } else { APP_POLICY };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // A pause after too many guesses lasts at most the guessing window.
    if paused {
        let wait = (crate::ops::GUESS_WINDOW_MINUTES * 60).to_string();
        if let Ok(v) = HeaderValue::from_str(&wait) {
            headers.insert(header::RETRY_AFTER, v);
        }
    }
    if !manual && !asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Over TLS a cookie is never sent back over plain HTTP.
    if state.secure() {
        let cookies: Vec<HeaderValue> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| HeaderValue::from_str(&format!("{v}; Secure")).ok())
            .collect();
        headers.remove(header::SET_COOKIE);
        for cookie in cookies {
            headers.append(header::SET_COOKIE, cookie);
        }
    }
    response
}
