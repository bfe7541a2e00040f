//! The one error type of the operations, and the exit codes, in one place.
//!
//! Every operation returns [`Result<T>`]. An [`Error`] has a [`ErrorKind`]
//! that decides the exit code (and, for `sopbook serve`, the HTTP status),
//! a message that says what went wrong in terms any front end can show, and
//! an optional hint that says what to do. Advice that only makes sense on the
//! command line goes into the hint, never into the message.
//!
//! Exit codes: `0` success, `1` the command ran and found a problem or was
//! refused, `2` a usage or input error.

use std::fmt;

use crate::diagnostic::{Diagnostic, Sources};

pub const EXIT_OK: u8 = 0;
pub const EXIT_PROBLEM: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Bad input: a malformed value, a file that cannot be read or parsed.
    Invalid,
    /// Something named does not exist: a document, an inspection, a person.
    NotFound,
    /// The request does not fit the records as they are (already in review,
    /// already approved, nothing changed).
    Conflict,
    /// A signature or a step was refused (wrong password, missing role,
    /// segregation of duties); the refusal is in the audit log.
    Refused,
    /// Signing is paused after too many guesses (wrong passwords, unknown
    /// people or tokens); the refusal is in the audit log. Try again later.
    Paused,
    /// Problems in the workspace files stand in the way (see the diagnostics).
    Blocked,
    /// The command ran and found a problem: a tampered audit trail.
    Problem,
    /// The records database is locked by another writer for too long.
    StoreBusy,
    /// The disk holding the records is full.
    StoreFull,
    /// The records store cannot be opened or read.
    Store,
}

impl ErrorKind {
    /// The process exit code for this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Invalid | ErrorKind::NotFound | ErrorKind::Conflict | ErrorKind::Store => {
                EXIT_USAGE
            }
            ErrorKind::Refused
            | ErrorKind::Paused
            | ErrorKind::Blocked
            | ErrorKind::Problem
            | ErrorKind::StoreBusy
            | ErrorKind::StoreFull => EXIT_PROBLEM,
        }
    }

    /// The HTTP status a web front end answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::Invalid => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::Refused => 403,
            ErrorKind::Paused => 429,
            ErrorKind::Blocked | ErrorKind::Problem => 422,
            ErrorKind::StoreBusy => 503,
            ErrorKind::StoreFull => 507,
            ErrorKind::Store => 500,
        }
    }
}

/// An operation's failure: kind, message, optional detail and hint, and the
/// workspace diagnostics that caused it. Boxed, so that results stay small.
#[derive(Debug, Clone)]
pub struct Error(Box<Details>);

/// What an [`Error`] says.
#[derive(Debug, Clone)]
pub struct Details {
    pub kind: ErrorKind,
    pub message: String,
    /// Shown between the message and the hint, e.g. a diff.
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// Findings in the workspace files behind a `Blocked` (or `Invalid`) error.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of the files the diagnostics point into.
    pub sources: Sources,
    /// Lower-level causes, outermost first.
    pub causes: Vec<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl std::ops::Deref for Error {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.0
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Details {
            kind,
            message: message.into(),
            detail: None,
            hint: None,
            diagnostics: Vec::new(),
            sources: Sources::default(),
            causes: Vec::new(),
        }))
    }

    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid, message)
    }

    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Conflict, message)
    }

    pub fn refused(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Refused, message)
    }

    pub fn problem(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Problem, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.0.hint = Some(hint.into());
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Error {
        self.0.detail = Some(detail.into());
        self
    }

    pub fn with_diagnostics(mut self, diagnostics: Vec<Diagnostic>, sources: &Sources) -> Error {
        self.0.sources = sources.subset(diagnostics.iter().filter_map(|d| d.file.as_deref()));
        self.0.diagnostics = diagnostics;
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }

    /// Message, detail and hint as the command line prints them after `error: `.
    pub fn text(&self) -> String {
        let mut s = self.message.clone();
        if let Some(d) = &self.detail {
            s.push_str("\n\n");
            s.push_str(d.trim_end_matches('\n'));
        }
        if let Some(h) = &self.hint {
            s.push_str("\n\nhelp: ");
            s.push_str(h);
        }
        s
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Failures from the layers below (the store, file reading) arrive as
/// `anyhow` errors. A locked or full database is recognised here, once.
impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        if let Some(own) = e.downcast_ref::<Error>() {
            return own.clone();
        }
        let kind = store_kind(&e).unwrap_or(ErrorKind::Invalid);
        let text = e.to_string();
        let (message, hint) = match text.split_once("\n\nhelp: ") {
            Some((m, h)) => (m.to_string(), Some(h.to_string())),
            None => (text, None),
        };
        Error(Box::new(Details {
            kind,
            message,
            detail: None,
            hint,
            diagnostics: Vec::new(),
            sources: Sources::default(),
            causes: e
                .chain()
                .skip(1)
                .filter(|c| !c.is::<StoreFailure>())
                .map(|c| c.to_string())
                .collect(),
        }))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::from(anyhow::Error::from(e))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::invalid(e.to_string())
    }
}

/// Whether an error from the store means busy, full or unreadable.
fn store_kind(e: &anyhow::Error) -> Option<ErrorKind> {
    use rusqlite::ErrorCode;
    for cause in e.chain() {
        if let Some(marker) = cause.downcast_ref::<StoreFailure>() {
            return Some(marker.0);
        }
        if let Some(rusqlite::Error::SqliteFailure(f, _)) = cause.downcast_ref::<rusqlite::Error>()
        {
            return Some(match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => ErrorKind::StoreBusy,
                ErrorCode::DiskFull => ErrorKind::StoreFull,
                _ => ErrorKind::Store,
            });
        }
    }
    None
}

/// A marker the store attaches to its own messages about a busy, full or
/// unreadable database, so that they keep their wording and get their kind.
#[derive(Debug)]
pub struct StoreFailure(pub ErrorKind);

impl fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for StoreFailure {}

/// `bail!`-like early returns with a kind: `fail!(NotFound, "no {x}")`.
#[macro_export]
macro_rules! fail {
    ($kind:ident, $($arg:tt)*) => {
        return Err($crate::error::Error::new($crate::error::ErrorKind::$kind, format!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_puts_detail_between_message_and_hint() {
        let e = Error::conflict("changed")
            .with_detail("--- a\n+++ b\n")
            .with_hint("undo it");
        assert_eq!(e.text(), "changed\n\n--- a\n+++ b\n\nhelp: undo it");
        let e = Error::invalid("bad").with_hint("fix it");
        assert_eq!(e.text(), "bad\n\nhelp: fix it");
    }

    #[test]
    fn kinds_map_to_exit_codes() {
        assert_eq!(ErrorKind::Invalid.exit_code(), 2);
        assert_eq!(ErrorKind::Refused.exit_code(), 1);
        assert_eq!(ErrorKind::StoreBusy.exit_code(), 1);
        assert_eq!(ErrorKind::StoreFull.exit_code(), 1);
    }

    #[test]
    fn anyhow_messages_keep_their_hint() {
        let e: Error = anyhow::anyhow!("no file\n\nhelp: create it").into();
        assert_eq!(e.message, "no file");
        assert_eq!(e.hint.as_deref(), Some("create it"));
    }
}
