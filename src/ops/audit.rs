//! The audit trail: the log of every event, and its verification.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use super::Context;
use crate::error::{Error, Result};
use crate::fail;
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

/// The file in the workspace that keeps the chain's heads, to commit to git.
pub const ANCHORS_FILE: &str = "records.anchors";

/// A point of the audit chain: the event's number and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    /// Where it came from: the anchors file (with its line) or the command line.
    pub source: String,
}

/// Parses `SEQ:HASH`.
pub fn parse_anchor(s: &str, source: &str) -> Result<Anchor> {
    let bad = || {
        Error::invalid(format!(
            "`{s}` is not an anchor; write it as SEQ:HASH, e.g. 218:3f9a… (as `sopbook audit anchor` prints)"
        ))
    };
    let (seq, hash) = s.trim().split_once([':', ' ']).ok_or_else(bad)?;
    let seq: i64 = seq.trim().parse().map_err(|_| bad())?;
    let hash = hash
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if seq < 1 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    Ok(Anchor {
        seq,
        hash,
        source: source.to_string(),
    })
}

/// The anchors kept in the workspace's anchors file.
pub fn anchors_in_file(ctx: &mut Context) -> Result<Vec<Anchor>> {
    let Some(root) = ctx.root() else {
        return Ok(Vec::new());
    };
    let path = root.join(ANCHORS_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(k, l)| parse_anchor(l, &format!("{ANCHORS_FILE}:{}", k + 1)))
        .collect()
}

/// The head of the chain, written to the anchors file.
#[derive(Debug, Clone, Serialize)]
pub struct Anchored {
    pub seq: i64,
    pub hash: String,
    #[serde(with = "crate::model::records::stamp")]
    pub at: DateTime<Utc>,
    pub file: String,
}

/// Appends the chain's head to the anchors file (kept in git, it proves
/// later that no event up to it was cut off).
pub fn anchor(ctx: &mut Context) -> Result<Anchored> {
    let Some(root) = ctx.root().map(std::path::Path::to_path_buf) else {
        fail!(
            Invalid,
            "anchors are kept in the workspace, and there is none here"
        );
    };
    let events = ctx.store()?.events()?;
    let Some(head) = events.last() else {
        fail!(
            Conflict,
            "the records hold no events yet; nothing to anchor"
        );
    };
    let path = root.join(ANCHORS_FILE);
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# The head of sopbook's audit chain at moments worth proving: event number, hash, time.\n# Commit this file; `sopbook audit verify` checks that every line is still part of the records.\n".to_string()
    });
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "{} {} {}\n",
        head.seq,
        head.hash,
        crate::store::timestamp(head.at)
    ));
    std::fs::write(&path, text)
        .map_err(|e| Error::invalid(format!("could not write `{}`: {e}", path.display())))?;
    Ok(Anchored {
        seq: head.seq,
        hash: head.hash.clone(),
        at: head.at,
        file: ANCHORS_FILE.to_string(),
    })
}

/// What `audit verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub events: usize,
    pub rows: usize,
    /// What is wrong, in the order found: the chain first, then the rows.
    pub problems: Vec<String>,
    /// How many anchors were checked.
    pub anchors: usize,
    /// Signed rows made before their signer had a signing key: their
    /// hashes are checked, but no key proves who signed them.
    pub unsealed: usize,
    /// Where the records are.
    #[serde(skip)]
    pub location: String,
}

impl Verified {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walks the hash chain, checks every record against its event, and checks
/// that every anchor (the anchors file's and `extra`) is still in the chain.
/// What the facts kept beside the texts (`Store::keep_text_facts`) say
/// that their texts do not: each is derived again and compared.
fn facts_problems(store: &mut dyn crate::store::Store) -> Result<Vec<String>> {
    // Revisions that do not read back are already a finding of the store's
    // own verify.
    let Ok(records) = store.records() else {
        return Ok(Vec::new());
    };
    let revisions = records.revisions;
    let ids: Vec<i64> = revisions.iter().map(|r| r.id).collect();
    let kept: std::collections::HashMap<i64, crate::store::KeptFacts> = store
        .text_facts(&ids)?
        .into_iter()
        .map(|k| (k.revision_id, k))
        .collect();
    let mut problems = Vec::new();
    for r in &revisions {
        let Some(k) = kept.get(&r.id) else {
            continue;
        };
        let derived = crate::workspace::text_facts(r.kind, &r.path, &r.content);
        if super::training::kept(r.id, &r.doc_id, &derived).as_ref() != Some(k) {
            problems.push(format!(
                "what is kept of {} rev {}'s text (who must read it, its section, its length) is not what the text says: the text_facts row of revision {} was altered",
                r.doc_id, r.number, r.id
            ));
        }
    }
    Ok(problems)
}

pub fn verify(ctx: &mut Context, extra: &[Anchor]) -> Result<Verified> {
    let mut anchors = anchors_in_file(ctx)?;
    anchors.extend(extra.iter().cloned());
    let store = ctx.store()?;
    let mut v = crate::store::audit::verify(store)?;
    v.problems.extend(facts_problems(store)?);
    // The chain as verify read it (empty when the log could not be read,
    // which is already a finding).
    for a in &anchors {
        match v.chain.iter().find(|(seq, _)| *seq == a.seq) {
            None => v.problems.push(format!(
                "the records end at event {}, but the anchor in {} names event {}: events were cut off",
                v.chain.last().map_or(0, |e| e.0),
                a.source,
                a.seq
            )),
            Some((_, hash)) if *hash != a.hash => v.problems.push(format!(
                "event {} no longer has the hash the anchor in {} recorded: the history up to it was rewritten",
                a.seq, a.source
            )),
            Some(_) => {}
        }
    }
    Ok(Verified {
        events: v.events,
        rows: v.rows,
        problems: v.problems,
        anchors: anchors.len(),
        unsealed: v.unsealed,
        location: store.location(),
    })
}
