//! What every request shares, and how a handler runs an operation: each
//! request gets a [`Context`] of its own, on a thread where blocking
//! (SQLite, argon2) does not hold up the other requests.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::ops::Context;
use crate::ops::signing::{Fixed, NoPasswords};

use super::failure::Failure;

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
        }))
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
        let contexts = self.0.contexts.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut ctx = contexts()?;
            ctx.passwords = Box::new(NoPasswords);
            ctx.session_token = None;
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
