//! The floor: the checklists in force, lot and serial, the form, the
//! review and the record. Each step is one operation of
//! [`ops::floor`](crate::ops::floor); what is recorded is what
//! `sopbook inspect` records.

use axum::extract::{Path, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use crate::error::Error;
use crate::http::browser::{Fields, SignedIn, WithFiles};
use crate::http::failure::{Failure, query_value};
use crate::http::pages::{page, page_with};
use crate::http::state::State;
use crate::ops::floor::{self, Filled, Sheet};
use crate::ops::inspections::{Entry, StartInput};
use crate::ops::photos::{PhotoRef, Upload};
use crate::ops::stations;

/// The bar at the top of a signed-in page.
pub fn chrome(state: &State, who: &SignedIn) -> Value {
    json!({
        "station": who.station(state),
        "person": who.holder,
        "csrf": who.csrf(),
        "words": crate::words::station(who.holder.language.as_deref()),
        // The language of those words, where it is not English.
        "lang": who.holder.language.as_deref().filter(|code| {
            crate::words::Lang::of(Some(code)) != crate::words::Lang::English
        }),
    })
}

/// The language and direction of the signed-in person's words where they
/// are not English (`{"code": "he", "dir": "rtl"}`), for a page's `lang`
/// and `dir`; null in English.
pub fn words_lang(who: &SignedIn) -> Value {
    let code = who
        .holder
        .language
        .as_deref()
        .filter(|c| crate::words::Lang::of(Some(c)) != crate::words::Lang::English);
    json!(code.map(|c| json!({
        "code": c,
        "dir": crate::model::translation::Direction::of(c),
    })))
}

/// `GET /`: the checklists in force, this tablet's station's own first,
/// and the stations the tablet may be set to.
pub async fn checklists(Shared(state): Shared<State>, who: SignedIn) -> Result<Response, Failure> {
    let station = who.station(&state).to_string();
    let default = state.station().to_string();
    let (view, stations) = state
        .run(who.proof(), move |ctx| {
            Ok((
                floor::checklists(ctx, &station)?,
                stations::stations(ctx, &default)?,
            ))
        })
        .await?;
    let tablet = json!({ "set": who.visitor.station.is_some(), "stations": stations });
    Ok(page(
        "checklists",
        &json!({ "title": "Checklists", "chrome": chrome(&state, &who), "view": view, "tablet": tablet }),
    ))
}

/// `GET /inspect/{checklist}`: lot and serial for a checklist in force.
pub async fn start(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(checklist): Path<String>,
) -> Result<Response, Failure> {
    let person = who.holder.person.clone();
    let view = state
        .run(who.proof(), move |ctx| {
            floor::checklist(ctx, &checklist, &person)
        })
        .await?;
    // The step before the form speaks the language the form opens in.
    let words = crate::words::form(
        view.languages
            .iter()
            .find(|l| l.chosen)
            .map(|l| l.code.as_str()),
    );
    Ok(page(
        "start",
        &json!({
            "title": format!("{} {}", view.id, view.title),
            "chrome": chrome(&state, &who),
            "view": view,
            "words": words,
        }),
    ))
}

/// A form as posted, owned, to hand to an operation on another thread.
struct Posted {
    checklist: String,
    lot: String,
    serial: Option<String>,
    inspector: String,
    station: String,
    revision: Option<i64>,
    key: Option<String>,
    entries: Vec<Entry>,
    photos: Vec<PhotoRef>,
    uploads: Vec<Upload>,
    /// `INS-…` of the failed inspection this form re-inspects (from a
    /// nonconformance's page), carried through every step.
    reinspects: Option<String>,
    /// The language the form is shown in, as chosen on the first step.
    language: Option<String>,
}

impl Posted {
    fn of(
        state: &State,
        who: &SignedIn,
        checklist: String,
        fields: &Fields,
    ) -> Result<Posted, Failure> {
        let revision = match fields.optional("revision") {
            None => None,
            Some(r) => Some(r.parse().map_err(|_| {
                Error::invalid(format!("the form's revision `{r}` is not a number"))
            })?),
        };
        Ok(Posted {
            checklist,
            lot: fields.get("lot").unwrap_or_default().trim().to_string(),
            serial: fields.optional("serial").map(str::to_string),
            inspector: who.holder.person.clone(),
            station: who.station(state).to_string(),
            revision,
            key: fields.optional("key").map(str::to_string),
            entries: fields.entries(),
            photos: fields.photos(),
            uploads: Vec::new(),
            reinspects: fields.optional("reinspects").map(str::to_string),
            language: fields.optional("lang").map(str::to_string),
        })
    }

    fn filled(&mut self) -> Filled<'_> {
        Filled {
            start: StartInput {
                checklist: &self.checklist,
                lot: &self.lot,
                serial: self.serial.as_deref(),
                inspector: &self.inspector,
                station: &self.station,
                reinspect: self.reinspects.as_deref(),
            },
            revision: self.revision,
            key: self.key.as_deref(),
            entries: self.entries.clone(),
            photos: self.photos.clone(),
            uploads: std::mem::take(&mut self.uploads),
            language: self.language.as_deref(),
        }
    }
}

fn sheet_page(
    state: &State,
    who: &SignedIn,
    status: StatusCode,
    name: &str,
    sheet: &Sheet,
) -> Response {
    let words = crate::words::form(sheet.language.as_ref().map(|l| l.language.as_str()));
    page_with(
        status,
        name,
        &json!({
            "title": format!("{} lot {}", sheet.checklist, sheet.lot),
            "chrome": chrome(state, who),
            "sheet": sheet,
            "words": words,
            // For the page's script, in its `data-words` attribute.
            "script_words": serde_json::to_string(&crate::words::Script::from(words)).unwrap_or_default(),
        }),
    )
}

/// `POST /inspect/{checklist}`: the form for the lot and serial given,
/// after the checks `sopbook inspect` makes before it asks anything.
pub async fn open(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(checklist): Path<String>,
    fields: Fields,
) -> Result<Response, Failure> {
    items_page(state, who, checklist, fields, true).await
}

/// `POST /inspect/{checklist}/items`: back from the review to change answers.
pub async fn change(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(checklist): Path<String>,
    fields: Fields,
) -> Result<Response, Failure> {
    items_page(state, who, checklist, fields, false).await
}

/// The form's items, as posted or (`fresh`) new: no key, no answers yet.
async fn items_page(
    state: State,
    who: SignedIn,
    checklist: String,
    fields: Fields,
    fresh: bool,
) -> Result<Response, Failure> {
    who.check(&fields)?;
    let mut posted = Posted::of(&state, &who, checklist, &fields)?;
    if fresh {
        posted.key = None;
        posted.entries.clear();
        posted.photos.clear();
    }
    let sheet = state
        .run(who.proof(), move |ctx| floor::open(ctx, posted.filled()))
        .await?;
    Ok(sheet_page(&state, &who, StatusCode::OK, "items", &sheet))
}

/// `POST /inspect/{checklist}/review`: the verdict to confirm, or the form
/// again with what is wrong marked on each item. The form may carry photos
/// (`multipart/form-data`): they are kept here, and the review and the
/// record name them by their sha256.
pub async fn review(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(checklist): Path<String>,
    form: WithFiles,
) -> Result<Response, Failure> {
    who.check(&form.fields)?;
    let mut posted = Posted::of(&state, &who, checklist, &form.fields)?;
    posted.uploads = form.uploads();
    let sheet = state
        .run(who.proof(), move |ctx| floor::check(ctx, posted.filled()))
        .await?;
    Ok(if sheet.complete {
        sheet_page(&state, &who, StatusCode::OK, "review", &sheet)
    } else {
        sheet_page(&state, &who, StatusCode::BAD_REQUEST, "items", &sheet)
    })
}

/// `POST /inspect/{checklist}/record`: records the form once, then shows
/// the inspection (a repeated submit shows the one recorded first).
pub async fn record(
    Shared(state): Shared<State>,
    who: SignedIn,
    Path(checklist): Path<String>,
    fields: Fields,
) -> Result<Response, Failure> {
    who.check(&fields)?;
    let mut posted = Posted::of(&state, &who, checklist, &fields)?;
    let done = state
        .run(who.proof(), move |ctx| floor::submit(ctx, posted.filled()))
        .await?;
    let how = if done.replayed { "again" } else { "new" };
    let to = format!(
        "/inspections/{}?recorded={how}",
        query_value(&done.recorded.name)
    );
    Ok(Redirect::to(&to).into_response())
}
