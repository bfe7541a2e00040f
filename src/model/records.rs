//! The records as they are kept: append-only rows, typed. The store turns
//! them into its tables and back; every kind, verdict and time here is a
//! type, not a string, and a stored value that does not fit is reported by
//! the store as damage rather than guessed at.
//!
//! A row's hash is the sha256 of its JSON: the serde attributes here fix that
//! encoding (times as RFC 3339 UTC with microseconds, kinds as lowercase words).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

pub use super::inspection::{Outcome, Verdict};

/// A time as stored: UTC, RFC 3339, microseconds.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A stored time, or `None` when the text is not one.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Serialises times the way they are stored, so a row's JSON (and hash) is
/// the same whether the time was read back or just made. Views use it too
/// (`#[serde(with = "crate::model::records::stamp")]`), so JSON shows times
/// exactly as recorded.
pub mod stamp {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::timestamp(*t))
    }
}

/// Text enums: how each is written in the records, and read back.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// As stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// From the stored word.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(
    /// What a document is.
    DocKind { Sop = "sop", Checklist = "checklist" }
);

words!(
    /// What a change request asks for.
    ChangeKind { Release = "release", Retire = "retire" }
);

words!(
    /// What a signature on a document means.
    Meaning {
        /// The author released the revision.
        Authored = "authored",
        Approved = "approved",
        Rejected = "rejected",
        /// The requester asked for the document to be retired.
        Retired = "retired",
        PeriodicReview = "periodic-review",
    }
);

words!(
    /// The kinds of step on a nonconformance.
    StepKind { Disposition = "disposition", Action = "action", Close = "close" }
);

words!(
    /// A lot's decision on its sample.
    LotDecision { Accept = "accept", Reject = "reject" }
);

pub use super::sampling::Severity;

/// A lot opened for inspection by sampling plan: the plan in force for its
/// checklist and supplier when it was opened (the severity the switching
/// rules gave, the code letter, the sample and each class's Ac and Re).
#[derive(Debug, Clone, Serialize)]
pub struct LotRow {
    pub id: i64,
    pub checklist_id: String,
    pub revision_id: i64,
    pub revision_number: i64,
    pub lot: String,
    /// '' when none was named.
    pub supplier: String,
    pub lot_size: i64,
    pub standard: String,
    pub level: String,
    pub severity: Severity,
    pub code_letter: String,
    pub sample: i64,
    /// JSON: the plan of each class ([`crate::model::sampling::ClassPlan`]).
    pub plan: String,
    pub opened_by: String,
    #[serde(with = "stamp")]
    pub opened_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A lot's decision from the nonconforming units of its sample.
#[derive(Debug, Clone, Serialize)]
pub struct LotCloseRow {
    pub id: i64,
    pub lot_id: i64,
    pub decision: LotDecision,
    /// Sampled units counted (original inspections, not voided).
    pub sampled: i64,
    /// JSON: nonconforming units per class, in the order of the plan.
    pub nonconforming: String,
    /// The nonconformance a rejected lot opened.
    pub nc_id: Option<i64>,
    pub closed_by: String,
    #[serde(with = "stamp")]
    pub closed_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

/// The responsible authority's signed approval of reduced inspection for a
/// checklist and supplier (production steady, the history allows it).
#[derive(Debug, Clone, Serialize)]
pub struct LotApprovalRow {
    pub id: i64,
    pub checklist_id: String,
    pub supplier: String,
    pub signer: String,
    #[serde(with = "stamp")]
    pub signed_at: DateTime<Utc>,
    pub note: String,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A released snapshot of a document, exactly as its file was.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionRow {
    pub id: i64,
    pub doc_id: String,
    pub kind: DocKind,
    pub number: i64,
    pub title: String,
    pub path: String,
    pub content: String,
    pub content_hash: String,
    pub summary: String,
    pub minor: bool,
    pub author: String,
    #[serde(with = "stamp")]
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A request to release a revision or retire a document.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub id: i64,
    pub doc_id: String,
    pub kind: ChangeKind,
    pub revision_id: Option<i64>,
    pub requested_by: String,
    pub reason: String,
    pub effective_date: Option<NaiveDate>,
    pub required: i64,
    pub approver_roles: String,
    #[serde(with = "stamp")]
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

/// An electronic signature: who, what it means, when, bound to a revision's hash.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureRow {
    pub id: i64,
    pub change_id: Option<i64>,
    pub doc_id: String,
    pub revision_id: Option<i64>,
    pub signer: String,
    pub meaning: Meaning,
    #[serde(with = "stamp")]
    pub signed_at: DateTime<Utc>,
    pub content_hash: String,
    pub note: String,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A signing password, as an argon2id hash. The newest row for a person counts.
#[derive(Clone, Serialize)]
pub struct CredentialRow {
    pub id: i64,
    pub person: String,
    pub hash: String,
    #[serde(with = "stamp")]
    pub set_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

impl std::fmt::Debug for CredentialRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialRow")
            .field("id", &self.id)
            .field("person", &self.person)
            .field("hash", &"<redacted>")
            .field("set_at", &self.set_at)
            .finish()
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub seq: i64,
    #[serde(with = "stamp")]
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub detail: String,
    #[serde(skip)]
    pub prev_hash: String,
    #[serde(skip)]
    pub hash: String,
}

/// One inspection as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionRow {
    pub id: i64,
    pub checklist_id: String,
    pub revision_id: i64,
    pub revision_number: i64,
    pub lot: String,
    pub serial: String,
    pub inspector: String,
    pub station: String,
    #[serde(with = "stamp")]
    pub recorded_at: DateTime<Utc>,
    pub verdict: Verdict,
    pub reinspects: Option<i64>,
    #[serde(skip)]
    pub event_seq: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemResultRow {
    pub inspection_id: i64,
    pub position: i64,
    pub item_id: String,
    pub value: String,
    pub number: Option<f64>,
    pub outcome: Outcome,
    pub note: String,
}

/// A photo attached to one item of an inspection: the row is hashed with
/// its inspection, and its sha256 covers the bytes kept beside the records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttachmentRow {
    pub inspection_id: i64,
    /// 1, 2, ... within the inspection, in the order they were attached.
    pub position: i64,
    pub item_id: String,
    /// Of the photo's bytes, lowercase hex.
    pub sha256: String,
    /// Found from the bytes, never taken from the device that sent them.
    pub media_type: String,
    pub byte_size: i64,
    /// As the inspector's device named it.
    pub file_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoidRow {
    pub id: i64,
    pub inspection_id: i64,
    pub reason: String,
    pub voided_by: String,
    #[serde(with = "stamp")]
    pub voided_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct NcRow {
    pub id: i64,
    pub inspection_id: i64,
    #[serde(with = "stamp")]
    pub opened_at: DateTime<Utc>,
    pub summary: String,
    #[serde(skip)]
    pub event_seq: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct NcStepRow {
    pub id: i64,
    pub nc_id: i64,
    pub kind: StepKind,
    pub value: String,
    pub sop_id: Option<String>,
    pub signer: String,
    #[serde(with = "stamp")]
    pub signed_at: DateTime<Utc>,
    pub note: String,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A sign-in for a shift: who, until when, and the sha256 of its token.
#[derive(Clone, Serialize)]
pub struct SessionRow {
    pub id: i64,
    pub person: String,
    pub token_hash: String,
    #[serde(with = "stamp")]
    pub started_at: DateTime<Utc>,
    #[serde(with = "stamp")]
    pub expires_at: DateTime<Utc>,
    /// `sign-in` (a shift's, the CLI's or a browser's) or `token` (an API
    /// token). Left out of the row's hash for sign-ins, so rows written
    /// before tokens existed keep their hash.
    #[serde(skip_serializing_if = "is_sign_in")]
    pub kind: String,
    #[serde(skip)]
    pub event_seq: i64,
}

/// The kind of a shift's sign-in.
pub const SIGN_IN: &str = "sign-in";
/// The kind of an API token.
pub const TOKEN: &str = "token";

fn is_sign_in(kind: &String) -> bool {
    kind == SIGN_IN
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("id", &self.id)
            .field("person", &self.person)
            .field("token_hash", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A session ended before it expired (sign-out, revoked by a manager).
#[derive(Debug, Clone, Serialize)]
pub struct SessionEndRow {
    pub id: i64,
    pub session_id: i64,
    #[serde(with = "stamp")]
    pub ended_at: DateTime<Utc>,
    pub reason: String,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A person's signing key: the public half, and the private half sealed
/// with their password. A password change seals the same key again.
#[derive(Clone, Serialize)]
pub struct SigningKeyRow {
    pub id: i64,
    pub person: String,
    pub public_key: String,
    pub sealed: String,
    #[serde(with = "stamp")]
    pub set_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

impl std::fmt::Debug for SigningKeyRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyRow")
            .field("id", &self.id)
            .field("person", &self.person)
            .field("public_key", &self.public_key)
            .field("sealed", &"<sealed>")
            .finish()
    }
}

/// The people and their roles as sopbook.toml said at a write: `people` is
/// a JSON array of `{id, name, roles}` in sopbook.toml's order.
#[derive(Debug, Clone, Serialize)]
pub struct RosterRow {
    pub id: i64,
    pub people: String,
    #[serde(with = "stamp")]
    pub recorded_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A training record: `person` read and understood revision
/// `revision_number` of `doc_id`, signed with their password and bound to
/// the revision's content hash.
#[derive(Debug, Clone, Serialize)]
pub struct AcknowledgementRow {
    pub id: i64,
    pub person: String,
    pub doc_id: String,
    pub revision_id: i64,
    pub revision_number: i64,
    pub content_hash: String,
    #[serde(with = "stamp")]
    pub acknowledged_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

/// A forgotten password: another person, allowed to, gave the person a new
/// signing key. Their older signatures stay valid under their older key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyResetRow {
    pub id: i64,
    pub person: String,
    /// The new key's public half, as its signing key row records it.
    pub public_key: String,
    pub reason: String,
    pub reset_by: String,
    #[serde(with = "stamp")]
    pub reset_at: DateTime<Utc>,
    #[serde(skip)]
    pub event_seq: i64,
}

/// The signature of one signed row by its signer's key.
#[derive(Debug, Clone, Serialize)]
pub struct SealRow {
    pub id: i64,
    pub row_table: String,
    pub row_id: i64,
    pub signer: String,
    pub public_key: String,
    pub signature: String,
    #[serde(skip)]
    pub event_seq: i64,
}

/// What a seal signs: the row's table, id and hash.
pub fn seal_message(table: &str, id: i64, row_hash: &str) -> String {
    format!("sopbook seal v1\n{table}\n{id}\n{row_hash}")
}

/// Everything document control derives its state from.
#[derive(Debug, Default, Clone)]
pub struct Records {
    pub revisions: Vec<RevisionRow>,
    pub changes: Vec<ChangeRow>,
    pub signatures: Vec<SignatureRow>,
}
