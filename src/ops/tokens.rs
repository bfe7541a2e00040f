//! API tokens: a long-lived sign-in for a gauge or another system that
//! talks to `sopbook serve`'s JSON API. `create` proves once, with the
//! password, who the token acts for and returns the token, shown once; the
//! records keep only its sha256, as for a shift's sign-in (a token is a
//! session of kind `token`). `revoke` ends one early; both are audited.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;

use super::Context;
use super::sessions::{Holder, holder_of_kind};
use crate::error::{Error, Result};
use crate::fail;
use crate::model::records::{SessionRow, TOKEN};
use crate::store::{Batch, Insert, SessionEndRow, sha256_hex};

/// The longest a token may last, in days.
pub const MAX_DAYS: i64 = 366;

/// What every token starts with, so that one pasted in the wrong place is
/// recognised (and a browser's session token is never taken for one).
pub const PREFIX: &str = "sbt_";

/// `90d` or `12h`: how long a token lasts, 1 hour to [`MAX_DAYS`] days.
pub fn parse_lifetime(text: &str) -> Result<Duration> {
    let t = text.trim();
    let (number, unit) = super::sessions::number_and_unit(t);
    let n: Option<i64> = number.parse().ok().filter(|n| *n > 0);
    let lifetime = match (n, unit) {
        (Some(n), "d") => Some(Duration::days(n)),
        (Some(n), "h") => Some(Duration::hours(n)),
        _ => None,
    };
    match lifetime {
        Some(d) if d <= Duration::days(MAX_DAYS) => Ok(d),
        Some(_) => Err(
            Error::invalid(format!("a token lasts at most {MAX_DAYS} days, not {t}"))
                .with_hint("make a new token when this one ends"),
        ),
        None => Err(Error::invalid(format!(
            "`{t}` is not a lifetime: write days or hours, as 90d or 12h"
        ))),
    }
}

/// A new token. The token itself is shown once and never serialised.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub id: i64,
    pub person: String,
    pub name: String,
    #[serde(with = "crate::model::records::stamp")]
    pub expires_at: DateTime<Utc>,
    #[serde(skip)]
    pub token: String,
}

/// Makes a token acting for `actor`, lasting `lifetime`, after their password.
pub fn create(ctx: &mut Context, actor: &str, lifetime: Duration) -> Result<Created> {
    let record = format!("API token of {actor}");
    let person = ctx.signer(actor, &record, "create an API token")?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid(format!("could not make a token: {e}")))?;
    let token = format!("{PREFIX}{}", hex::encode(bytes));
    let now = ctx.now();
    let expires_at = now + lifetime;
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "created an API token".into(),
        record,
        note: json!({ "hours": lifetime.num_hours() }),
        inserts: vec![Insert::Session(SessionRow {
            id: 0,
            person: person.id.clone(),
            token_hash: sha256_hex(token.as_bytes()),
            started_at: now,
            expires_at,
            kind: TOKEN.into(),
            event_seq: 0,
        })],
    })?;
    let id = ctx
        .store()?
        .session(&sha256_hex(token.as_bytes()))?
        .map(|(s, _)| s.id)
        .unwrap_or_default();
    Ok(Created {
        id,
        person: person.id,
        name: person.name,
        expires_at,
        token,
    })
}

/// A token as `token list` shows it (never the token itself).
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub id: i64,
    pub person: String,
    #[serde(with = "crate::model::records::stamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::model::records::stamp")]
    pub expires_at: DateTime<Utc>,
    /// `live`, `expired` or `revoked`.
    pub state: &'static str,
}

/// Every token, or those acting for `person`, oldest first.
pub fn list(ctx: &mut Context, person: Option<&str>) -> Result<Vec<Listed>> {
    let now = ctx.now();
    let (sessions, ends) = ctx.store()?.sessions()?;
    Ok(sessions
        .into_iter()
        .filter(|s| s.kind == TOKEN && person.is_none_or(|p| s.person == p))
        .map(|s| {
            let state = if ends.iter().any(|e| e.session_id == s.id) {
                "revoked"
            } else if s.expires_at <= now {
                "expired"
            } else {
                "live"
            };
            Listed {
                id: s.id,
                person: s.person,
                created_at: s.started_at,
                expires_at: s.expires_at,
                state,
            }
        })
        .collect())
}

/// A revoked token.
#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    pub id: i64,
    pub person: String,
}

/// Revokes token `id` after `actor`'s password: the person it acts for, or
/// someone whose role may reset passwords (`[permissions] reset-password`).
pub fn revoke(ctx: &mut Context, id: i64, actor: &str) -> Result<Revoked> {
    let (sessions, ends) = ctx.store()?.sessions()?;
    let Some(token) = sessions.into_iter().find(|s| s.id == id && s.kind == TOKEN) else {
        return Err(Error::not_found(format!("there is no API token {id}"))
            .with_hint("`sopbook token list` shows the tokens and their ids"));
    };
    let record = format!("API token {id} of {}", token.person);
    let person = ctx.signer(actor, &record, "revoke an API token")?;
    // Someone else's token is revoked by those who may reset someone
    // else's password: the same kind of step on another's credentials.
    let roles = ctx.config()?.permissions.reset_password.clone();
    let may = person.id == token.person
        || roles.is_empty()
        || person.roles.iter().any(|r| roles.contains(r));
    if !may {
        ctx.refuse(
            &person.id,
            &record,
            "revoke an API token",
            "no role for this step",
        )?;
        return Err(Error::refused(format!(
            "{} may not revoke API token {id} of {}: only {} or a role in [permissions] reset-password ({}) may; nothing was changed (the refusal is in the audit log)",
            person.id,
            token.person,
            token.person,
            roles.join(", ")
        )));
    }
    if ends.iter().any(|e| e.session_id == id) {
        fail!(Conflict, "API token {id} was revoked already");
    }
    ctx.append(Batch {
        actor: person.id.clone(),
        action: "revoked an API token".into(),
        record,
        note: json!({}),
        inserts: vec![Insert::SessionEnd(SessionEndRow {
            id: 0,
            session_id: id,
            ended_at: ctx.now(),
            reason: "revoked".into(),
            event_seq: 0,
        })],
    })?;
    Ok(Revoked {
        id,
        person: token.person,
    })
}

/// Who a bearer token acts for, if it is a live API token now.
///
/// Any other token is a guess: it is recorded as a refusal (never the token
/// itself) and counts against the address it came from. Once that address
/// has guessed too often ([`crate::ops::MAX_GUESSES_FROM_ADDRESS`]) it is
/// answered with a pause and nothing more is recorded until the pause ends,
/// so a flood of bad tokens cannot fill the audit log. A live token works
/// from anywhere: 256 random bits are not guessed, and a gauge behind the
/// same address as a careless client keeps working.
pub fn bearer(ctx: &mut Context, token: &str) -> Result<Option<Holder>> {
    let held = if token.starts_with(PREFIX) {
        holder_of_kind(ctx, token, TOKEN)?
    } else {
        None
    };
    if held.is_none() {
        if let Some(paused) = ctx.origin_paused()? {
            return Err(paused);
        }
        ctx.refuse(NOBODY, "an API token", "use the API", "unknown token")?;
    }
    Ok(held)
}

/// The actor of a refusal made before anyone was known.
pub const NOBODY: &str = "unknown";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifetime_is_days_or_hours_up_to_the_longest() {
        assert_eq!(parse_lifetime("90d").unwrap(), Duration::days(90));
        assert_eq!(parse_lifetime("12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_lifetime("366d").unwrap(), Duration::days(366));
        for bad in ["", "ä", "3ä", "d", "0d", "-1d"] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
        let long = parse_lifetime("367d").unwrap_err();
        assert_eq!(long.message, "a token lasts at most 366 days, not 367d");
        for bad in ["", "d", "0d", "-3d", "90", "3w", "1.5d", "90 days"] {
            let e = parse_lifetime(bad).unwrap_err();
            assert!(
                e.message.contains("is not a lifetime"),
                "{bad}: {}",
                e.message
            );
        }
    }
}
