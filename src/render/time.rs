//! Dates and times as the command line shows them: local time, to the minute.

use chrono::{DateTime, Local, Utc};

/// A stored UTC time as local "YYYY-MM-DD HH:MM"; a value that is not a
/// time is shown as it is.
pub fn local(stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => stored.to_string(),
    }
}

/// The local date of a stored UTC time, "YYYY-MM-DD".
pub fn local_day(stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t.with_timezone(&Local).format("%Y-%m-%d").to_string(),
        Err(_) => stored.get(..10).unwrap_or(stored).to_string(),
    }
}

/// A time as local "YYYY-MM-DD HH:MM".
pub fn local_at(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}
