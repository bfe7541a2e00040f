//! What every request shares, and how a handler runs an operation: each
//! request gets a [`Context`] of its own, on a thread where blocking
//! (SQLite, argon2) does not hold up the other requests.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::ops::Context;
use crate::ops::signing::{Fixed, NoPasswords};

use super::failure::Failure;
use super::pages::Pages;

/// Makes the context of one request: the workspace (or the records alone)
/// that `sopbook serve` was started on.
pub type Contexts = Arc<dyn Fn() -> Result<Context> + Send + Sync>;

/// The server's shared state; cheap to clone.
#[derive(Clone)]
pub struct State(Arc<Inner>);

struct Inner {
    contexts: Contexts,
    station: String,
    book: Option<PathBuf>,
    /// How long a browser's sign-in may go unused; `None`: for its whole length.
    idle: Option<Duration>,
    /// Served over TLS: cookies are marked `Secure`.
    secure: bool,
    /// The page templates and stylesheet, built in or the workspace's own.
    pages: Arc<Pages>,
    /// When the published manual was last checked against the records.
    manual: Arc<ManualWatch>,
    /// When each browser sign-in (by its token's sha256) was last used. Kept
    /// in memory only: after a restart a sign-in's idle time counts anew.
    used: Mutex<HashMap<String, DateTime<Utc>>>,
}

/// What proves who is at the browser for one operation.
pub enum Proof {
    /// Nobody: an operation that needs a signature is refused.
    Nothing,
    /// The browser's session token.
    Session(String),
    /// A password typed into the sign-in form.
    Password(String),
}

impl State {
    /// The state of a server recording at `station`, serving the manual
    /// published in `book` (`None` at a station without the workspace).
    pub fn new(contexts: Contexts, station: impl Into<String>, book: Option<PathBuf>) -> State {
        State(Arc::new(Inner {
            contexts,
            station: station.into(),
            book,
            idle: None,
            secure: false,
            pages: Pages::built_in(),
            manual: Arc::new(ManualWatch::every(MANUAL_CHECK)),
            used: Mutex::new(HashMap::new()),
        }))
    }

    /// The same state, checking the published manual against the records
    /// at most once per `every` (a minute unless told otherwise).
    pub fn with_manual_check(self, every: std::time::Duration) -> State {
        let inner = self.unshared();
        State(Arc::new(Inner {
            manual: Arc::new(ManualWatch::every(every)),
            ..inner
        }))
    }

    /// The same state, rendering its pages with `pages` (the workspace's
    /// overrides, [`Pages::load`]).
    pub fn with_pages(self, pages: Arc<Pages>) -> State {
        let inner = self.unshared();
        State(Arc::new(Inner { pages, ..inner }))
    }

    /// The same state with sign-ins that end after `idle` unused.
    pub fn with_idle(self, idle: Option<Duration>) -> State {
        let inner = self.unshared();
        State(Arc::new(Inner { idle, ..inner }))
    }

    /// The same state, served over TLS (`Secure` cookies).
    pub fn with_tls(self, secure: bool) -> State {
        let inner = self.unshared();
        State(Arc::new(Inner { secure, ..inner }))
    }

    fn unshared(self) -> Inner {
        Arc::try_unwrap(self.0).unwrap_or_else(|shared| Inner {
            contexts: shared.contexts.clone(),
            station: shared.station.clone(),
            book: shared.book.clone(),
            idle: shared.idle,
            secure: shared.secure,
            pages: shared.pages.clone(),
            manual: shared.manual.clone(),
            used: Mutex::new(HashMap::new()),
        })
    }

    /// Whether the server is reached over TLS.
    pub fn secure(&self) -> bool {
        self.0.secure
    }

    /// How long a browser's sign-in may go unused.
    pub fn idle(&self) -> Option<Duration> {
        self.0.idle
    }

    /// When the sign-in with this token hash was last used here.
    pub fn last_used(&self, token_hash: &str) -> Option<DateTime<Utc>> {
        self.0
            .used
            .lock()
            .ok()
            .and_then(|used| used.get(token_hash).copied())
    }

    /// Notes a use of a sign-in (`None`: it ended), and forgets uses of
    /// sign-ins unused for longer than any sign-in lasts.
    pub fn note_use(&self, token_hash: &str, at: Option<DateTime<Utc>>) {
        let Ok(mut used) = self.0.used.lock() else {
            return;
        };
        match at {
            Some(at) => {
                used.insert(token_hash.to_string(), at);
                let oldest = at - Duration::hours(crate::ops::sessions::MAX_HOURS);
                if used.len() > 1000 {
                    used.retain(|_, last| *last > oldest);
                }
            }
            None => {
                used.remove(token_hash);
            }
        }
    }

    /// The page templates and stylesheet of this server.
    pub fn pages(&self) -> Arc<Pages> {
        self.0.pages.clone()
    }

    /// Whether the published manual is due a check against the records:
    /// none under way and none for a while. A `true` answer starts one,
    /// which ends with [`State::manual_checked`].
    pub fn manual_check_due(&self) -> bool {
        self.0.manual.due()
    }

    /// Ends the check of the published manual started by
    /// [`State::manual_check_due`].
    pub fn manual_checked(&self) {
        self.0.manual.busy.store(false, Ordering::Release);
    }

    /// The station inspections are recorded at.
    pub fn station(&self) -> &str {
        &self.0.station
    }

    /// The folder of the published manual.
    pub fn book(&self) -> Option<&PathBuf> {
        self.0.book.as_ref()
    }

    /// Runs `op` with a new context holding `proof`, on a blocking thread.
    pub async fn run<T, F>(&self, proof: Proof, op: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(&mut Context) -> Result<T> + Send + 'static,
    {
        self.run_from(None, proof, op).await
    }

    /// Like [`State::run`], for a request from the network address
    /// `origin`: refusals record it, and guessing from there is slowed.
    pub async fn run_from<T, F>(
        &self,
        origin: Option<String>,
        proof: Proof,
        op: F,
    ) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(&mut Context) -> Result<T> + Send + 'static,
    {
        let contexts = self.0.contexts.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut ctx = contexts()?;
            ctx.passwords = Box::new(NoPasswords);
            ctx.session_token = None;
            ctx.origin = origin;
            match proof {
                Proof::Nothing => {}
                Proof::Session(token) => ctx.session_token = Some(token),
                Proof::Password(p) => ctx.passwords = Box::new(Fixed(p)),
            }
            op(&mut ctx)
        });
        match task.await {
            Ok(result) => result.map_err(Failure::Op),
            Err(e) => Err(Failure::Op(Error::new(
                ErrorKind::Store,
                format!("the server failed while answering this request: {e}"),
            ))),
        }
    }
}

/// How often the published manual is checked against the records.
pub const MANUAL_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// When the published manual was last checked, and whether a check (and
/// perhaps a new publish) is under way.
struct ManualWatch {
    every: std::time::Duration,
    last: Mutex<Option<Instant>>,
    busy: AtomicBool,
}

impl ManualWatch {
    fn every(every: std::time::Duration) -> ManualWatch {
        ManualWatch {
            every,
            last: Mutex::new(None),
            busy: AtomicBool::new(false),
        }
    }

    fn due(&self) -> bool {
        let Ok(mut last) = self.last.lock() else {
            return false;
        };
        if last.is_some_and(|at| at.elapsed() < self.every) {
            return false;
        }
        if self.busy.swap(true, Ordering::AcqRel) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_is_checked_at_most_once_a_minute_and_never_twice_at_once() {
        let watch = ManualWatch::every(MANUAL_CHECK);
        assert!(watch.due(), "the first request checks");
        assert!(!watch.due(), "not while a check is under way");
        watch.busy.store(false, Ordering::Release);
        assert!(!watch.due(), "not again within the minute");
        let always = ManualWatch::every(std::time::Duration::ZERO);
        assert!(always.due());
        assert!(!always.due(), "one check at a time");
        always.busy.store(false, Ordering::Release);
        assert!(always.due());
    }
}
