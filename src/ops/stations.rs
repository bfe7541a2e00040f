//! The stations a browser may say it is: the server's default and the
//! stations inspections were recorded at lately, and the rule a station's
//! name follows (the one `serve --station` follows).

use chrono::Duration;
use serde::Serialize;

use super::Context;
use super::floor::STATION_DAYS;
use crate::error::{Error, Result};
use crate::model::control::local_date;
use crate::model::inspection::check_label;
use crate::store::InspectionFilter;

/// The stations to offer, the default first, then those with the most
/// inspections in the last [`STATION_DAYS`] days.
#[derive(Debug, Clone, Serialize)]
pub struct Stations {
    pub default: String,
    /// The default, then the stations used lately.
    pub offered: Vec<String>,
}

/// The default station and the stations used lately.
pub fn stations(ctx: &mut Context, default: &str) -> Result<Stations> {
    let since = (local_date(ctx.now()) - Duration::days(STATION_DAYS)).to_string();
    let recent = ctx.store()?.inspections(&InspectionFilter {
        since: Some(since),
        ..Default::default()
    })?;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for row in recent {
        if row.station == default {
            continue;
        }
        match counts.iter_mut().find(|(s, _)| *s == row.station) {
            Some((_, n)) => *n += 1,
            None => counts.push((row.station, 1)),
        }
    }
    counts.sort_by(|(a, n), (b, m)| m.cmp(n).then_with(|| a.cmp(b)));
    let mut all = vec![default.to_string()];
    all.extend(counts.into_iter().map(|(s, _)| s));
    Ok(Stations {
        default: default.to_string(),
        offered: all,
    })
}

/// A station's name as given (trimmed), if it follows the rule of
/// `serve --station`.
pub fn station(name: &str) -> Result<String> {
    let name = name.trim();
    check_label("station", name).map_err(Error::invalid)?;
    Ok(name.to_string())
}
