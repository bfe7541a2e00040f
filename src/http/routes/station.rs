//! Which station a tablet is: one server may serve the tablets of several
//! stations. The floor's first page offers the stations used lately (and
//! a name typed in); the choice is kept in a cookie of this browser and
//! used for the order of the checklists and with every inspection it
//! records. Without one, the tablet is the server's `--station`.

use axum::response::{IntoResponse, Redirect, Response};

use crate::http::browser::{
    Fields, STATION_COOKIE, STATION_DAYS, SignedIn, cookie, set_cookie, station_cookie_value,
};
use crate::http::failure::Failure;
use crate::ops::stations;

/// `POST /station`: sets this tablet's station (the name typed in, else
/// the one picked) and goes back to the floor.
pub async fn choose(who: SignedIn, fields: Fields) -> Result<Response, Failure> {
    who.check(&fields)?;
    let given = fields
        .optional("typed")
        .or_else(|| fields.get("station"))
        .unwrap_or_default();
    let station = stations::station(given).map_err(Failure::Op)?;
    let mut response = Redirect::to("/").into_response();
    set_cookie(
        &mut response,
        &cookie(
            STATION_COOKIE,
            &station_cookie_value(&station),
            Some(STATION_DAYS * 24 * 3600),
        ),
    );
    Ok(response)
}
