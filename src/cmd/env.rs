//! What the command line takes from the environment, read once here and
//! handed to the operations: where the records are, how long to wait for a
//! lock, and where a signing password comes from.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::model::Person;
use crate::ops::signing::Purpose;
use crate::ops::{Access, StoreOptions};
use crate::ops::{Context, PasswordSource, Settings};
use crate::workspace::find_root;

/// The environment variables sopbook reads.
pub struct Env {
    /// `SOPBOOK_DATABASE`
    pub database: Option<String>,
    /// `SOPBOOK_BUSY_TIMEOUT_MS`
    pub busy_timeout: Option<String>,
    /// `SOPBOOK_PASSWORD`: the signer's password, for scripts.
    pub password: Option<String>,
    /// `SOPBOOK_NEW_PASSWORD`: a new password for `people passwd`, for scripts.
    pub new_password: Option<String>,
    /// Standard input is a terminal, so a prompt can be shown.
    pub interactive: bool,
    /// Where this user's sopbook files live: `$XDG_CONFIG_HOME/sopbook`, or
    /// `~/.config/sopbook`.
    pub config_dir: Option<std::path::PathBuf>,
    /// How the user runs sopbook, for the commands that hints suggest:
    /// `sopbook` when it is on `PATH`, else `cargo run --release --` under
    /// cargo, else the program's own path.
    pub program: String,
}

impl Env {
    pub fn read() -> Env {
        let var = |k: &str| std::env::var(k).ok();
        Env {
            database: var("SOPBOOK_DATABASE").filter(|s| !s.is_empty()),
            busy_timeout: var("SOPBOOK_BUSY_TIMEOUT_MS"),
            password: var("SOPBOOK_PASSWORD"),
            new_password: var("SOPBOOK_NEW_PASSWORD"),
            interactive: std::io::stdin().is_terminal(),
            config_dir: var("XDG_CONFIG_HOME")
                .filter(|s| !s.is_empty())
                .map(std::path::PathBuf::from)
                .or_else(|| var("HOME").map(|h| std::path::Path::new(&h).join(".config")))
                .map(|d| d.join("sopbook")),
            program: program(var("PATH"), var("CARGO").is_some()),
        }
    }

    fn settings(&self, access: Access) -> Result<Settings> {
        let busy_timeout = match &self.busy_timeout {
            None => StoreOptions::default().busy_timeout,
            Some(v) => Duration::from_millis(v.trim().parse().map_err(|_| {
                Error::invalid(format!(
                    "SOPBOOK_BUSY_TIMEOUT_MS is `{v}`, not a number of milliseconds"
                ))
                .with_hint("set it to e.g. 5000, or unset it for the default of 5 s")
            })?),
        };
        Ok(Settings {
            database: self.database.clone().map(Into::into),
            store: StoreOptions {
                busy_timeout,
                access,
            },
        })
    }

    /// The context of a command: the workspace found from `explicit` or the
    /// current folder; for the floor's commands, a station with only
    /// `SOPBOOK_DATABASE` when there is no workspace.
    pub fn context(&self, explicit: Option<&Path>, floor: bool, access: Access) -> Result<Context> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::invalid(format!("could not read the current folder: {e}")))?;
        let root = match find_root(explicit) {
            Ok(root) => Some(root),
            Err(_) if floor && explicit.is_none() && self.database.is_some() => None,
            Err(e) => return Err(e.into()),
        };
        Ok(
            Context::new(root, cwd, self.settings(access)?).with_passwords(Box::new(Prompt {
                password: self.password.clone(),
                interactive: self.interactive,
            })),
        )
    }
}

/// `SOPBOOK_PASSWORD`, else a prompt on the terminal without echo.
pub struct Prompt {
    pub password: Option<String>,
    pub interactive: bool,
}

impl PasswordSource for Prompt {
    fn password(&self, person: &Person, purpose: &Purpose<'_>) -> Result<String> {
        if let Some(p) = &self.password {
            return Ok(p.clone());
        }
        if !self.interactive {
            return Err(Error::refused(format!(
                "{} ({}) must enter a password to {purpose}",
                person.name, person.id
            ))
            .with_hint("run this in a terminal, or set SOPBOOK_PASSWORD in scripts"));
        }
        let w = crate::words::signing(person.language.as_deref());
        ask(&crate::words::fill(
            w.password_for,
            &[
                ("name", &person.name),
                ("id", &person.id),
                ("step", w.step(purpose.attempted)),
                ("record", purpose.record),
            ],
        ))
    }
}

/// Asks for a password on the terminal without echo.
pub fn ask(prompt: &str) -> Result<String> {
    rpassword::prompt_password(prompt)
        .map_err(|e| Error::invalid(format!("could not read the password: {e}")))
}

/// What to type to run this sopbook again (see [`Env::program`]).
fn program(path: Option<String>, under_cargo: bool) -> String {
    let on_path = path.is_some_and(|p| {
        std::env::split_paths(&p)
            .any(|dir| dir.join("sopbook").is_file() || dir.join("sopbook.exe").is_file())
    });
    if on_path {
        return "sopbook".to_string();
    }
    if under_cargo {
        return "cargo run --release --".to_string();
    }
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "sopbook".to_string())
}
