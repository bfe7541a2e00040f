//! The audit trail: the log of every event, and its verification.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use super::Context;
use crate::error::Result;
use crate::model::control::local_date;

/// One event of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "crate::model::records::stamp")]
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub detail: Value,
    pub hash: String,
}

/// The events from `since` (a local date) on, oldest first.
pub fn log(ctx: &mut Context, since: Option<NaiveDate>) -> Result<Vec<AuditEntry>> {
    let events = ctx.store()?.events()?;
    Ok(events
        .into_iter()
        .filter(|e| since.is_none_or(|d| local_date(e.at) >= d))
        .map(|e| AuditEntry {
            detail: serde_json::from_str(&e.detail).unwrap_or(Value::Null),
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            record: e.record,
            hash: e.hash,
        })
        .collect())
}

/// What `audit verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub events: usize,
    pub rows: usize,
    /// What is wrong, in the order found: the chain first, then the rows.
    pub problems: Vec<String>,
    /// Where the records are.
    #[serde(skip)]
    pub location: String,
}

impl Verified {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walks the hash chain and checks every record against its event.
pub fn verify(ctx: &mut Context) -> Result<Verified> {
    let store = ctx.store()?;
    let v = crate::store::audit::verify(store)?;
    Ok(Verified {
        events: v.events,
        rows: v.rows,
        problems: v.problems,
        location: store.location(),
    })
}
