//! Dates and times as the command line shows them: local time, to the minute.

use chrono::{DateTime, Local, Utc};

/// A recorded time as local "YYYY-MM-DD HH:MM".
pub fn local(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// The local date of a recorded time, "YYYY-MM-DD".
pub fn local_day(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d").to_string()
}
