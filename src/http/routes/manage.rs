//! The manager's page: yield today and this week, open nonconformances by
//! age, the defect Pareto, the dashboard's charts and the reviews due, all
//! from [`ops::manage::overview`](crate::ops::manage::overview); the
//! charts are fetched one by one as images from this server. And the
//! training matrix ([`ops::manage::training`](crate::ops::manage::training)),
//! as a page and as the CSV of `sopbook training --csv`.

use axum::extract::{Path, Query, State as Shared};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::floor::{chrome, words_lang};
use crate::http::browser::SignedIn;
use crate::http::failure::{Failure, query_value};
use crate::http::pages::page;
use crate::http::state::State;
use crate::ops::training::MatrixFilter;
use crate::ops::{dashboard, manage};
use crate::render::number::percent;
use crate::render::time;
use crate::render::training::{MATRIX_HEADERS, matrix_cells};

/// `GET /manage`: for anyone signed in.
pub async fn overview(Shared(state): Shared<State>, who: SignedIn) -> Result<Response, Failure> {
    let station = state.station().to_string();
    let view = state
        .run(who.proof(), move |ctx| manage::overview(ctx, &station))
        .await?;
    let w = crate::words::manage(who.holder.language.as_deref());
    let share = |y: &manage::Yield| json!({ "fpy": percent(y.first_pass_yield), "first_passed": y.first_passed, "first": y.first });
    let open: Vec<Value> = view
        .open
        .iter()
        .map(|p| {
            json!({
                "id": p.nc.id, "checklist": p.nc.checklist, "lot": p.nc.lot,
                "opened": time::local(&p.nc.opened_at), "age_days": p.nc.age_days,
                "next": super::nc::next_word(&w, p.next), "summary": p.nc.summary,
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
            "title": w.title,
            "w": w,
            "lang": words_lang(&who),
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

#[derive(Debug, Deserialize)]
pub struct TrainingQuery {
    person: Option<String>,
    role: Option<String>,
    document: Option<String>,
    /// `csv`: the rows as `sopbook training --csv` writes them, to download.
    format: Option<String>,
}

/// `GET /manage/training`: everyone's training, for a role in
/// `[permissions] training`, filtered by person, role and document;
/// `?format=csv` downloads the rows.
pub async fn training(
    Shared(state): Shared<State>,
    who: SignedIn,
    Query(q): Query<TrainingQuery>,
) -> Result<Response, Failure> {
    let person = who.holder.person.clone();
    let chosen = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let (p, r, d) = (chosen(&q.person), chosen(&q.role), chosen(&q.document));
    let filter = json!({ "person": p, "role": r, "document": d });
    let view = state
        .run(who.proof(), move |ctx| {
            manage::training(
                ctx,
                &person,
                MatrixFilter {
                    person: p.as_deref(),
                    role: r.as_deref(),
                    document: d.as_deref(),
                    ..MatrixFilter::default()
                },
            )
        })
        .await?;
    let cells = matrix_cells(&view.matrix);
    if q.format.as_deref() == Some("csv") {
        let text = crate::render::csv::text(MATRIX_HEADERS, &cells)?;
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"training.csv\"",
                ),
            ],
            text,
        )
            .into_response());
    }
    let compliance: Vec<Value> = view
        .matrix
        .compliance
        .iter()
        .map(|c| {
            let share = (c.required > 0).then(|| c.current as f64 / c.required as f64);
            json!({
                "person": c.person, "name": c.name, "current": c.current,
                "required": c.required, "share": percent(share),
                "behind": c.current < c.required,
            })
        })
        .collect();
    let csv = format!("/manage/training?{}format=csv", query_of(&filter));
    let w = crate::words::manage(who.holder.language.as_deref());
    Ok(page(
        "training",
        &json!({
            "title": w.training,
            "w": w,
            "lang": words_lang(&who),
            "chrome": chrome(&state, &who),
            "view": view,
            "filter": filter,
            "compliance": compliance,
            "row_count": cells.len(),
            "csv": csv,
        }),
    ))
}

/// The filters set, as the start of a query string (`person=ida&`).
fn query_of(filter: &Value) -> String {
    ["person", "role", "document"]
        .iter()
        .filter_map(|k| {
            filter[k]
                .as_str()
                .map(|v| format!("{k}={}&", query_value(v)))
        })
        .collect()
}
