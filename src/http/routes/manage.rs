//! The manager's page: yield today and this week, open nonconformances by
//! age, the defect Pareto, the dashboard's charts and the reviews due, all
//! from [`ops::manage::overview`](crate::ops::manage::overview); the
//! charts are fetched one by one as images from this server.

use axum::extract::{Path, State as Shared};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::floor::chrome;
use crate::http::browser::SignedIn;
use crate::http::failure::Failure;
use crate::http::pages::page;
use crate::http::state::State;
use crate::ops::{dashboard, manage};
use crate::render::number::percent;
use crate::render::time;

/// `GET /manage`: for anyone signed in.
pub async fn overview(Shared(state): Shared<State>, who: SignedIn) -> Result<Response, Failure> {
    let station = state.station().to_string();
    let view = state
        .run(who.proof(), move |ctx| manage::overview(ctx, &station))
        .await?;
    let share = |y: &manage::Yield| json!({ "fpy": percent(y.first_pass_yield), "first_passed": y.first_passed, "first": y.first });
    let open: Vec<Value> = view
        .open
        .iter()
        .map(|p| {
            json!({
                "id": p.nc.id, "checklist": p.nc.checklist, "lot": p.nc.lot,
                "opened": time::local(&p.nc.opened_at), "age_days": p.nc.age_days,
                "next": p.next.as_str(), "summary": p.nc.summary,
            })
        })
        .collect();
    let pareto: Vec<Value> = view
        .pareto
        .iter()
        .map(|l| {
            json!({
                "item": l.label, "fails": l.fails,
                "share": percent(l.share), "cumulative": percent(l.cumulative),
            })
        })
        .collect();
    Ok(page(
        "manage",
        &json!({
            "title": "Manager",
            "chrome": chrome(&state, &who),
            "view": view,
            "today": {
                "day": view.today.since.to_string(),
                "station": share(&view.today.station),
                "plant": share(&view.today.plant),
            },
            "week": {
                "since": view.week.since.to_string(),
                "station": share(&view.week.station),
                "plant": share(&view.week.plant),
            },
            "open_count": open.len(),
            "open": open,
            "pareto": pareto,
        }),
    ))
}

/// `GET /manage/charts/{file}`: one of the dashboard's charts as of today,
/// as SVG (`fpy.svg`, `pareto.svg`, `spc-cl-001-length.svg`).
pub async fn chart(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(file): Path<String>,
) -> Result<Response, Failure> {
    let svg = state
        .run(who.proof(), move |ctx| {
            let today = ctx.today();
            dashboard::chart(ctx, today, &file)
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}
