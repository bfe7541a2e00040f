//! Signing in for a shift: `login` proves once, with the password, who is
//! at a station and returns a token; within the session the person records
//! inspections without a password per unit. The records keep only the
//! token's sha256; `logout` ends a session early.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::error::{Error, Result};
use crate::fail;
use crate::model::Person;
use crate::store::{Batch, Insert, SessionEndRow, SessionRow, sha256_hex};

/// The longest a session may last.
pub const MAX_HOURS: i64 = 24;

/// A new session. The token is the proof: it is shown once, to the front
/// end that keeps it, and never serialised.
#[derive(Debug, Clone, Serialize)]
pub struct SignedIn {
    pub person: String,
    pub name: String,
    #[serde(with = "crate::model::records::stamp")]
    pub expires_at: DateTime<Utc>,
    #[serde(skip)]
    pub token: String,
}

/// Signs `actor` in for `hours` (1 to 24), after their password.
pub fn login(ctx: &mut Context, actor: &str, hours: i64) -> Result<SignedIn> {
    if !(1..=MAX_HOURS).contains(&hours) {
        fail!(
            Invalid,
            "a session lasts from 1 to {MAX_HOURS} hours, not {hours}"
        );
    }
    let record = format!("sign-in of {actor}");
    let person = ctx.signer(actor, &record, "sign in")?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid(format!("could not make a session token: {e}")))?;
    let token = hex::encode(bytes);
    let now = ctx.now();
    let expires_at = now + Duration::hours(hours);
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "signed in".into(),
        record,
        note: json!({ "hours": hours }),
        inserts: vec![Insert::Session(SessionRow {
            id: 0,
            person: person.id.clone(),
            token_hash: sha256_hex(token.as_bytes()),
            started_at: now,
            expires_at,
            kind: crate::model::records::SIGN_IN.into(),
            event_seq: 0,
        })],
    })?;
    Ok(SignedIn {
        person: person.id,
        name: person.name,
        expires_at,
        token,
    })
}

/// A session that was ended.
#[derive(Debug, Clone, Serialize)]
pub struct SignedOut {
    pub person: String,
}

/// Ends the session of `token` (holding the token is the proof).
pub fn logout(ctx: &mut Context, token: &str) -> Result<SignedOut> {
    let now = ctx.now();
    let Some((session, end)) = ctx.store()?.session(&sha256_hex(token.as_bytes()))? else {
        fail!(NotFound, "this sign-in is not in the records");
    };
    if end.is_some() || session.expires_at <= now {
        return Ok(SignedOut {
            person: session.person,
        });
    }
    ctx.append(Batch {
        actor: session.person.clone(),
        action: "signed out".into(),
        record: format!("sign-in of {}", session.person),
        note: json!({}),
        inserts: vec![Insert::SessionEnd(SessionEndRow {
            id: 0,
            session_id: session.id,
            ended_at: now,
            reason: "signed out".into(),
            event_seq: 0,
        })],
    })?;
    Ok(SignedOut {
        person: session.person,
    })
}

/// Whether `token` is a live session of `person` now.
pub fn holds_session(ctx: &mut Context, person: &Person, token: &str) -> Result<bool> {
    let now = ctx.now();
    Ok(match ctx.store()?.session(&sha256_hex(token.as_bytes()))? {
        Some((s, None)) => s.person == person.id && s.started_at <= now && now < s.expires_at,
        _ => false,
    })
}

/// Who holds a live session: what a front end that keeps the token (a
/// browser's cookie) shows and acts for.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    pub person: String,
    pub name: String,
    pub roles: Vec<String>,
    /// The language the person works in (sopbook.toml's `language`).
    pub language: Option<String>,
    #[serde(with = "crate::model::records::stamp")]
    pub expires_at: DateTime<Utc>,
}

/// The person whose live session `token` is, if it is one now: not ended,
/// not expired, and the person still in sopbook.toml (or the roster). An
/// API token is not a browser's sign-in.
pub fn holder(ctx: &mut Context, token: &str) -> Result<Option<Holder>> {
    holder_of_kind(ctx, token, crate::model::records::SIGN_IN)
}

/// Like [`holder`], for a session of `kind` only.
pub fn holder_of_kind(ctx: &mut Context, token: &str, kind: &str) -> Result<Option<Holder>> {
    let now = ctx.now();
    let Some((session, None)) = ctx.store()?.session(&sha256_hex(token.as_bytes()))? else {
        return Ok(None);
    };
    if session.kind != kind {
        return Ok(None);
    }
    if !(session.started_at <= now && now < session.expires_at) {
        return Ok(None);
    }
    let people = ctx.people()?;
    let today = ctx.today();
    // Someone who has left holds no session any more, however long it was for.
    Ok(people
        .into_iter()
        .find(|p| p.id == session.person && !p.left_by(today))
        .map(|p| Holder {
            person: p.id,
            name: p.name,
            roles: p.roles,
            language: p.language,
            expires_at: session.expires_at,
        }))
}

/// Whether the person holding a browser's session is still there.
#[derive(Debug, Clone)]
pub enum Presence {
    /// A live session, used within the idle limit; `now` is when this was
    /// decided, the time to count the next idle stretch from.
    Here { holder: Holder, now: DateTime<Utc> },
    /// The session was unused for longer than the idle limit: it has been
    /// ended in the records.
    Idle { person: String, minutes: i64 },
    /// No live session.
    Gone,
}

/// The holder of `token` if they are still there: a live session last used
/// at `last_used` (`None`: not known, such as after the server restarted)
/// and within `idle` of now. A session unused for longer is ended in the
/// records ("idle"), so a tablet left signed in on the floor stops
/// signing in someone's name.
pub fn presence(
    ctx: &mut Context,
    token: &str,
    last_used: Option<DateTime<Utc>>,
    idle: Option<Duration>,
) -> Result<Presence> {
    let Some(holder) = holder(ctx, token)? else {
        return Ok(Presence::Gone);
    };
    let now = ctx.now();
    match (last_used, idle) {
        (Some(last), Some(idle)) if now - last > idle => {
            let Some((session, None)) = ctx.store()?.session(&sha256_hex(token.as_bytes()))? else {
                return Ok(Presence::Gone);
            };
            let minutes = idle.num_minutes();
            ctx.append(Batch {
                actor: session.person.clone(),
                action: "signed out".into(),
                record: format!("sign-in of {}", session.person),
                note: json!({ "idle minutes": minutes }),
                inserts: vec![Insert::SessionEnd(SessionEndRow {
                    id: 0,
                    session_id: session.id,
                    ended_at: now,
                    reason: format!("idle for more than {minutes} minutes"),
                    event_seq: 0,
                })],
            })?;
            Ok(Presence::Idle {
                person: session.person,
                minutes,
            })
        }
        _ => Ok(Presence::Here { holder, now }),
    }
}

/// The longest a browser's sign-in may go unused, typed as `30m` or `2h`
/// (from 1 minute to a whole session, [`MAX_HOURS`]), or `off`.
pub fn parse_idle(text: &str) -> Result<Option<Duration>> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let (number, unit) = number_and_unit(t);
    let n: Option<i64> = number.parse().ok().filter(|n| *n > 0);
    let span = match (n, unit) {
        (Some(n), "m") if n <= MAX_HOURS * 60 => Some(Duration::minutes(n)),
        (Some(n), "h") if n <= MAX_HOURS => Some(Duration::hours(n)),
        _ => None,
    };
    span.map(Some).ok_or_else(|| {
        Error::invalid(format!(
            "`{t}` is not an idle time: write minutes or hours up to {MAX_HOURS}h, as 30m or 2h, or off"
        ))
    })
}

/// `30m` as (`30`, `m`): the text before its last character, and that
/// character (whatever its width in bytes).
pub fn number_and_unit(text: &str) -> (&str, &str) {
    let at = text.char_indices().last().map_or(0, |(i, _)| i);
    text.split_at(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn lifetimes_and_idle_times_never_panic(s in any::<String>()) {
            let _ = parse_idle(&s);
            let _ = crate::ops::tokens::parse_lifetime(&s);
        }
    }

    #[test]
    fn an_idle_time_is_minutes_or_hours_up_to_a_session_or_off() {
        assert_eq!(parse_idle("30m").unwrap(), Some(Duration::minutes(30)));
        assert_eq!(parse_idle("12h").unwrap(), Some(Duration::hours(12)));
        assert_eq!(parse_idle("off").unwrap(), None);
        for bad in ["", "0m", "-5m", "25h", "1441m", "30", "30s", "ä", "3ä"] {
            let e = parse_idle(bad).unwrap_err();
            assert!(e.message.contains("is not an idle time"), "{bad}: {e}");
        }
    }
}
