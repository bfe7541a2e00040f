//! The operations: everything sopbook does, below every front end.
//!
//! Each operation is a function that takes a [`Context`] and typed input and
//! returns a typed view that derives `Serialize` and prints nothing, or an
//! [`Error`](crate::error::Error). Every rule (who may sign, what closes a
//! nonconformance, when a document is due) is enforced here, once; the
//! command line (`crate::cmd`) and the web server only parse, call one
//! operation and render its view. The views are the `--json` contract.
//!
//! - [`documents`]: release, approve, reject, retire, periodic review.
//! - [`people`]: the people who sign, and their signing passwords.
//! - [`records`]: status, due reviews, history, a revision's text, diffs.
//! - [`audit`]: the audit log and its verification.
//! - [`inspections`]: record, list, show and void inspections.
//! - [`floor`]: a checklist filled in over several requests (the browser),
//!   recorded once per form.
//! - [`photos`]: photos attached to an inspection's items, kept beside the
//!   records.
//! - [`import`]: many inspections from a CSV file, all or nothing.
//! - [`nc`]: nonconformances and their steps.
//! - [`scorecard`], [`spc`], [`dashboard`]: the numbers managers see;
//!   [`manage`]: the manager's page of `sopbook serve`, from them.
//! - [`publish`], [`check`], [`scaffold`]: the manual and its files.
//! - [`demo`]: the sample records, recorded through the operations above.
//! - [`translations`]: translations checked against the records, stale or
//!   current, and a checklist in a reader's language.

pub mod adopt;
pub mod audit;
pub mod check;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod documents;
pub mod floor;
pub mod import;
pub mod inspections;
pub mod lots;
pub mod manage;
pub mod nc;
pub mod people;
pub mod photos;
pub mod publish;
pub mod reading;
pub mod records;
pub mod scaffold;
pub mod scorecard;
pub mod sessions;
pub mod signing;
pub mod spc;
pub mod stations;
#[cfg(test)]
mod tests;
pub mod tokens;
pub mod training;
pub mod translations;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Local, NaiveDate, SubsecRound as _, Utc};
use serde_json::json;

use crate::error::{Error, ErrorKind, Result};
use crate::model::Person;
pub use crate::store::{Access, StoreOptions};
use crate::store::{Batch, DEFAULT_DATABASE, Store};
use crate::workspace::{CONFIG_FILE, Config, Workspace};
pub use signing::{Kdf, PasswordSource};

/// What the front end read from the environment, once.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `SOPBOOK_DATABASE`: the records, overriding sopbook.toml.
    pub database: Option<crate::store::pg_url::DatabaseSpec>,
    pub store: StoreOptions,
}

/// Where "now" comes from: the system clock, or a fixed moment (the demo's
/// simulated history, tests).
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

/// Everything an operation may need, loaded when first asked for: the
/// workspace's `sopbook.toml`, its documents, the records store, the clock
/// and where signing passwords come from.
pub struct Context {
    /// The workspace folder; `None` at a station that has only the records.
    root: Option<PathBuf>,
    /// The folder relative paths are resolved against when there is no workspace.
    cwd: PathBuf,
    settings: Settings,
    config: Option<Arc<Config>>,
    workspace: Option<Arc<Workspace>>,
    store: Option<Box<dyn Store>>,
    pub clock: Clock,
    pub passwords: Box<dyn PasswordSource>,
    /// The cost of new password hashes.
    pub kdf: Kdf,
    /// The token of the session this front end is signed in with, if any.
    pub session_token: Option<String>,
    /// The network address the request came from, when a front end on the
    /// network (`sopbook serve`) acts: refusals record it, and guessing
    /// from one address is slowed.
    pub origin: Option<String>,
    /// The signing key the last password opened, for the next write.
    sealer: Option<crate::store::Sealer>,
    /// A signing key made for a person who had none, to record with the next write.
    pending_key: Option<crate::store::SigningKeyRow>,
}

impl Context {
    /// A context for the workspace at `root`.
    pub fn new(root: Option<PathBuf>, cwd: PathBuf, settings: Settings) -> Context {
        Context {
            root,
            cwd,
            settings,
            config: None,
            workspace: None,
            store: None,
            clock: Clock::System,
            passwords: Box::new(signing::NoPasswords),
            kdf: Kdf::Standard,
            session_token: None,
            origin: None,
            sealer: None,
            pending_key: None,
        }
    }

    /// A context over a workspace already loaded (the demo, tests).
    pub fn with_workspace(ws: Workspace, settings: Settings) -> Context {
        let mut ctx = Context::new(Some(ws.root.clone()), ws.root.clone(), settings);
        ctx.set_workspace(ws);
        ctx
    }

    /// A context over a store already open (tests of the rules).
    pub fn with_store(ws: Workspace, store: Box<dyn Store>) -> Context {
        let mut ctx = Context::with_workspace(ws, Settings::default());
        ctx.store = Some(store);
        ctx
    }

    pub fn with_passwords(mut self, passwords: Box<dyn PasswordSource>) -> Context {
        self.passwords = passwords;
        self
    }

    /// Replaces the workspace (the demo plays earlier texts of documents).
    pub fn set_workspace(&mut self, ws: Workspace) {
        let ws = Arc::new(ws);
        self.config = Some(Arc::new(ws.config.clone()));
        self.workspace = Some(ws);
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Now, to the microsecond: what the records keep.
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self.clock {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        };
        t.trunc_subsecs(6)
    }

    /// Today's date in the local time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Local).date_naive()
    }

    /// `sopbook.toml` alone, without reading the documents.
    pub fn config(&mut self) -> Result<Arc<Config>> {
        if let Some(c) = &self.config {
            return Ok(c.clone());
        }
        let Some(root) = &self.root else {
            return Ok(Arc::new(Config::default()));
        };
        let (config, diagnostics, sources) = crate::workspace::load_config_kept(root)?;
        let Some(config) = config else {
            let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
            return Err(Error::new(
                ErrorKind::Blocked,
                format!("{CONFIG_FILE} has errors; nothing was done"),
            )
            .with_hint(format!(
                "fix {CONFIG_FILE} (`sopbook check` lists its problems)"
            ))
            .with_diagnostics(errors, &sources));
        };
        self.config = Some(config.clone());
        Ok(config)
    }

    /// The whole workspace: every document, read and checked.
    pub fn workspace(&mut self) -> Result<Arc<Workspace>> {
        match self.workspace_opt()? {
            Some(ws) => Ok(ws),
            None => Err(Error::invalid(
                "this needs the workspace files, and there is none here (only the records)",
            )
            .with_hint("run it in the workspace folder, or pass -C <folder>")),
        }
    }

    /// The workspace, or `None` at a station that has only the records.
    pub fn workspace_opt(&mut self) -> Result<Option<Arc<Workspace>>> {
        if let Some(ws) = &self.workspace {
            return Ok(Some(ws.clone()));
        }
        let Some(root) = &self.root else {
            return Ok(None);
        };
        let ws = Workspace::load(root)?;
        self.set_workspace(ws);
        Ok(self.workspace.clone())
    }

    /// The records store, opened on first use: `SOPBOOK_DATABASE`, else
    /// `database` in sopbook.toml, else `.sopbook/records.db` in the workspace.
    pub fn store(&mut self) -> Result<&mut dyn Store> {
        if self.store.is_none() {
            let (spec, origin) = match self.settings.database.clone() {
                Some(d) => (d.as_str().to_string(), "from SOPBOOK_DATABASE"),
                None => match self.config()?.database.clone() {
                    Some(d) => (d.as_str().to_string(), "from `database` in sopbook.toml"),
                    None => (DEFAULT_DATABASE.to_string(), crate::store::DEFAULT_ORIGIN),
                },
            };
            let base = self.root.clone().unwrap_or_else(|| self.cwd.clone());
            self.store = Some(crate::store::open(
                &base,
                &spec,
                origin,
                &self.settings.store,
            )?);
        }
        match self.store.as_deref_mut() {
            Some(s) => Ok(s),
            None => Err(Error::new(
                ErrorKind::Store,
                "the records store is not open",
            )),
        }
    }

    /// The people who may sign: from sopbook.toml, or at a station without
    /// the workspace, everyone with a signing password.
    pub fn people(&mut self) -> Result<Vec<Person>> {
        if self.root.is_some() || self.workspace.is_some() {
            return Ok(self.config()?.people.clone());
        }
        if let Some(people) = self.recorded_people()? {
            return Ok(people);
        }
        let mut ids: Vec<String> = self
            .store()?
            .credentials()?
            .into_iter()
            .map(|c| c.person)
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids
            .into_iter()
            .map(|id| Person {
                name: id.clone(),
                id,
                roles: Vec::new(),
                start: None,
                until: None,
                language: None,
                reads: Vec::new(),
            })
            .collect())
    }

    /// The people and roles of sopbook.toml as a roster row, when they differ
    /// from the last roster recorded; nothing without a workspace.
    fn roster_change(&mut self) -> Result<Option<crate::store::Insert>> {
        if self.root.is_none() && self.workspace.is_none() {
            return Ok(None);
        }
        let people: Vec<serde_json::Value> = self
            .config()?
            .people
            .iter()
            .map(|p| {
                let mut v = serde_json::json!({ "id": p.id, "name": p.name, "roles": p.roles });
                // Dates only where given, so a roster without them reads as before.
                if let Some(d) = p.start {
                    v["start"] = serde_json::json!(d.to_string());
                }
                if let Some(d) = p.until {
                    v["until"] = serde_json::json!(d.to_string());
                }
                // Languages too, so a roster of a workspace without them reads as before.
                if let Some(l) = &p.language {
                    v["language"] = serde_json::json!(l);
                }
                if !p.reads.is_empty() {
                    v["reads"] = serde_json::json!(p.reads);
                }
                v
            })
            .collect();
        let people = serde_json::Value::Array(people).to_string();
        let last = self.store()?.last_roster()?;
        if last.is_some_and(|r| r.people == people) {
            return Ok(None);
        }
        Ok(Some(crate::store::Insert::Roster(
            crate::store::RosterRow {
                id: 0,
                people,
                recorded_at: self.now(),
                event_seq: 0,
            },
        )))
    }

    /// Records the roster on its own when sopbook.toml's people or roles
    /// changed since the last one (writes that go through [`Context::append`]
    /// take it along instead).
    pub fn sync_roster(&mut self) -> Result<()> {
        if let Some(roster) = self.roster_change()? {
            let now = self.now();
            self.store()?.append(
                now,
                Batch {
                    actor: "sopbook".to_string(),
                    action: "roster".to_string(),
                    record: "people and roles".to_string(),
                    note: serde_json::json!({ "from": CONFIG_FILE }),
                    inserts: vec![roster],
                },
            )?;
        }
        Ok(())
    }

    /// The people of the last recorded roster, with their roles: who may do
    /// what where only the records are at hand (a station).
    fn recorded_people(&mut self) -> Result<Option<Vec<Person>>> {
        let Some(roster) = self.store()?.last_roster()? else {
            return Ok(None);
        };
        let list: Vec<serde_json::Value> = serde_json::from_str(&roster.people).unwrap_or_default();
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        Ok(Some(
            list.iter()
                .map(|p| Person {
                    id: text(&p["id"]),
                    name: text(&p["name"]),
                    roles: p["roles"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(text)
                        .collect(),
                    start: p["start"]
                        .as_str()
                        .and_then(crate::model::control::parse_date),
                    until: p["until"]
                        .as_str()
                        .and_then(crate::model::control::parse_date),
                    language: p["language"].as_str().map(str::to_string),
                    reads: p["reads"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(text)
                        .collect(),
                })
                .collect(),
        ))
    }

    /// Whether the roles of people are known: from sopbook.toml, or from a
    /// roster in the records.
    pub fn roles_known(&mut self) -> Result<bool> {
        if self.root.is_some() || self.workspace.is_some() {
            return Ok(true);
        }
        Ok(self.store()?.last_roster()?.is_some())
    }

    /// Writes a batch of rows with its audit event, now.
    /// A person's signing key goes with the batch that their signature
    /// opened (see [`Context::check_password`]): their signed rows are sealed.
    pub fn append(&mut self, batch: Batch) -> Result<crate::store::Appended> {
        self.append_with_keys(batch, Vec::new())
    }

    /// The same, also sealing the rows that the holders of `keys` sign (a
    /// person given a new key in this batch signs its rows with it).
    pub fn append_with_keys(
        &mut self,
        mut batch: Batch,
        mut keys: Vec<crate::store::Sealer>,
    ) -> Result<crate::store::Appended> {
        let now = self.now();
        if let Some(roster) = self.roster_change()? {
            batch.inserts.push(roster);
        }
        keys.extend(self.sealer.take());
        if let Some(row) = self.pending_key.take() {
            batch.inserts.push(crate::store::Insert::SigningKey(row));
        }
        Ok(self.store()?.append_sealed(now, batch, &keys)?)
    }

    /// Today, the workspace if there is one, and the records of one document.
    pub fn doc_records(
        &mut self,
        id: &str,
    ) -> Result<(NaiveDate, Option<Arc<Workspace>>, crate::store::Records)> {
        let today = self.today();
        let ws = self.workspace_opt()?;
        let records = self.store()?.records_of(id)?;
        Ok((today, ws, records))
    }

    /// Records a refused signature in the audit log.
    pub fn refuse(
        &mut self,
        actor: &str,
        record: &str,
        attempted: &str,
        reason: &str,
    ) -> Result<()> {
        let mut note = json!({ "attempted": attempted, "reason": reason });
        if let Some(origin) = &self.origin {
            note["from"] = json!(origin);
        }
        self.append(Batch {
            actor: actor.to_string(),
            action: "refused".to_string(),
            record: record.to_string(),
            note,
            inserts: Vec::new(),
        })?;
        Ok(())
    }

    /// Refuses (and records the refusal) when the address this request came
    /// from has guessed too often lately: wrong passwords, unknown people and
    /// unknown API tokens all count, whoever they were for. Nothing is
    /// counted for a front end that is not on the network.
    pub fn check_origin(&mut self, actor: &str, record: &str, attempted: &str) -> Result<()> {
        match self.origin_paused()? {
            None => Ok(()),
            Some(e) => {
                self.refuse(
                    actor,
                    record,
                    attempted,
                    "too many guesses from this address",
                )?;
                Err(e.with_hint(format!(
                    "try again in {GUESS_WINDOW_MINUTES} minutes; the refusal is in the audit log"
                )))
            }
        }
    }

    /// The error to answer with, without recording it, when the address
    /// this request came from has guessed too often lately.
    pub fn origin_paused(&mut self) -> Result<Option<Error>> {
        let Some(origin) = self.origin.clone() else {
            return Ok(None);
        };
        let since = self.now() - chrono::Duration::minutes(GUESS_WINDOW_MINUTES);
        let guesses = self
            .store()?
            .recent_refusals_from(&origin, GUESSES, since)?;
        Ok((guesses >= MAX_GUESSES_FROM_ADDRESS).then(|| {
            Error::new(
                ErrorKind::Paused,
                format!(
                    "{guesses} wrong passwords, people or tokens from {origin} in the last {GUESS_WINDOW_MINUTES} minutes: signing in from there is paused; nothing was signed"
                ),
            )
            .with_hint(format!("try again in {GUESS_WINDOW_MINUTES} minutes"))
        }))
    }

    /// The person with this id, or a recorded refusal: for someone unknown,
    /// and for someone who has left (past their `until`), whose records stay
    /// but who signs and records nothing more, whichever front end asks.
    pub fn person(&mut self, actor: &str, record: &str, attempted: &str) -> Result<Person> {
        let people = self.people()?;
        if let Some(p) = people.iter().find(|p| p.id == actor) {
            if p.left_by(self.today()) {
                self.refuse(&p.id, record, attempted, "left")?;
                return Err(Error::refused(format!(
                    "{} ({}) left on {} and signs nothing since; nothing was signed (the refusal is in the audit log)",
                    p.name,
                    p.id,
                    p.until.map(|d| d.to_string()).unwrap_or_default()
                ))
                .with_hint("`until` in sopbook.toml is the last day someone works here"));
            }
            return Ok(p.clone());
        }
        self.check_origin(actor, record, attempted)?;
        self.refuse(actor, record, attempted, "unknown person")?;
        Err(Error::refused(format!(
            "`{actor}` is not a person in sopbook.toml; nothing was signed (the refusal is in the audit log)"
        ))
        .with_hint(people_hint(&people)))
    }

    /// Checks a signer's password; a missing or wrong one is a recorded refusal.
    pub fn check_password(&mut self, person: &Person, record: &str, attempted: &str) -> Result<()> {
        let Some(hash) = signing::current_hash(self.store()?, &person.id)? else {
            self.refuse(&person.id, record, attempted, "no signing password set")?;
            return Err(Error::refused(format!(
                "{} ({}) has no signing password yet; nothing was signed",
                person.name, person.id
            ))
            .with_hint(format!(
                "set one with `sopbook people passwd {}`",
                person.id
            )));
        };
        // Guessing is slowed: after a few wrong passwords the person's
        // signature pauses for a while, whichever front end asks; so does
        // every sign-in from an address that guessed too often.
        self.check_origin(&person.id, record, attempted)?;
        let since = self.now() - chrono::Duration::minutes(GUESS_WINDOW_MINUTES);
        let wrong = self
            .store()?
            .recent_refusals(&person.id, "wrong password", since)?;
        if wrong >= MAX_WRONG_PASSWORDS {
            self.refuse(&person.id, record, attempted, "too many wrong passwords")?;
            return Err(Error::new(ErrorKind::Paused, format!(
                "{wrong} wrong passwords for {} in the last {GUESS_WINDOW_MINUTES} minutes: signing as {} is paused; nothing was signed (the refusal is in the audit log)",
                person.id, person.id
            ))
            .with_hint(format!(
                "try again in {GUESS_WINDOW_MINUTES} minutes; if the password is forgotten, someone allowed to runs `sopbook people reset {}`",
                person.id
            )));
        }
        let password = match self
            .passwords
            .password(person, &signing::Purpose { attempted, record })
        {
            Ok(p) => p,
            Err(e) => {
                // No password could be asked for: a refusal like a wrong one.
                self.refuse(&person.id, record, attempted, "no password given")?;
                return Err(e);
            }
        };
        // The password opens the person's signing key; one made before
        // keys existed gets a key now, sealed with the password just given.
        let key = match signing::current_key(self.store()?, &person.id)? {
            Some(row) => signing::unseal_key(&row.sealed, &password),
            None if signing::password_matches(&hash, &password) => {
                let (key, sealed) = signing::new_key(self.kdf, &password)?;
                self.pending_key = Some(crate::store::SigningKeyRow {
                    id: 0,
                    person: person.id.clone(),
                    public_key: signing::public_hex(&key),
                    sealed,
                    set_at: self.now(),
                    event_seq: 0,
                });
                Some(key)
            }
            None => None,
        };
        let Some(key) = key else {
            self.refuse(&person.id, record, attempted, "wrong password")?;
            return Err(Error::refused(format!(
                "wrong password for {}; nothing was signed (the refusal is in the audit log)",
                person.id
            )));
        };
        self.sealer = Some(crate::store::Sealer {
            person: person.id.clone(),
            key,
        });
        Ok(())
    }

    /// Refuses (and records the refusal) unless `person` holds one of
    /// `roles`; an empty list lets anyone sign.
    pub fn require_role(
        &mut self,
        person: &Person,
        roles: &[String],
        record: &str,
        attempted: &str,
    ) -> Result<()> {
        if allowed(person, roles) {
            return Ok(());
        }
        self.refuse(&person.id, record, attempted, "no role for this step")?;
        Err(Error::refused(format!(
            "{} may not sign the {attempted} of {record}: it needs the role {}; nothing was signed (the refusal is in the audit log)",
            person.id,
            roles.join(" or ")
        ))
        .with_hint("set who may in [permissions] in sopbook.toml"))
    }

    /// Proves that `person` is at the front end: a live session of theirs,
    /// else their password.
    pub fn prove(&mut self, person: &Person, record: &str, attempted: &str) -> Result<()> {
        if let Some(token) = self.session_token.clone()
            && sessions::holds_session(self, person, &token)?
        {
            return Ok(());
        }
        self.check_password(person, record, attempted)
    }

    /// Where the records are, for messages and for keeping a session per records.
    pub fn records_location(&mut self) -> Result<String> {
        Ok(self.store()?.location())
    }

    /// The person signing, after their password.
    pub fn signer(&mut self, actor: &str, record: &str, attempted: &str) -> Result<Person> {
        let person = self.person(actor, record, attempted)?;
        self.check_password(&person, record, attempted)?;
        Ok(person)
    }
}

/// Whether `person` holds one of `roles`, the roles `[permissions]` gives
/// a step; an empty list lets anyone.
pub fn allowed(person: &Person, roles: &[String]) -> bool {
    roles.is_empty() || person.roles.iter().any(|r| roles.contains(r))
}

/// Wrong passwords for one person within [`GUESS_WINDOW_MINUTES`] that
/// pause their signature.
pub const MAX_WRONG_PASSWORDS: i64 = 5;
/// The window, in minutes, over which wrong passwords are counted.
pub const GUESS_WINDOW_MINUTES: i64 = 15;
/// Guesses from one network address within [`GUESS_WINDOW_MINUTES`] that
/// pause every signature and token from there: more than one person's
/// allowance, since a station's tablet is shared by a shift.
pub const MAX_GUESSES_FROM_ADDRESS: i64 = 20;
/// The refusals that count as guesses.
pub const GUESSES: &[&str] = &["wrong password", "unknown person", "unknown token"];

/// "the people are ann, bob" or how to add the first.
pub fn people_hint(people: &[Person]) -> String {
    if people.is_empty() {
        "no people yet: add [[person]] tables with id, name and roles to sopbook.toml".to_string()
    } else {
        let known: Vec<_> = people.iter().map(|p| p.id.as_str()).collect();
        format!(
            "the people are {}; to add someone, add a [[person]] table with id, name and roles to sopbook.toml",
            known.join(", ")
        )
    }
}

/// `YYYY-MM-DD`, or an input error naming the option.
pub fn parse_day(s: &str) -> Result<NaiveDate> {
    crate::model::control::parse_date(s)
        .ok_or_else(|| Error::invalid(format!("`{s}` is not a date; write it as YYYY-MM-DD")))
}

/// An optional date bound, as the store compares it.
pub fn day_bound(s: Option<&str>) -> Result<Option<String>> {
    s.map(|d| parse_day(d).map(|d| d.to_string())).transpose()
}

/// An id in capitals with its number's leading zeros dropped: QC-001, qc-1
/// and Qc-01 are alike.
fn loose_id(id: &str) -> String {
    let upper = id.trim().to_uppercase();
    match upper.rsplit_once('-') {
        Some((prefix, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{prefix}-{}", n.trim_start_matches('0'))
        }
        _ => upper,
    }
}

/// The error for a document id that names nothing, with the id meant where
/// one in the workspace differs only in case or leading zeros (`qc-1` is
/// QC-001).
pub fn unknown_document(ws: Option<&Workspace>, id: &str) -> Error {
    let wanted = loose_id(id);
    let meant = ws.and_then(|ws| {
        ws.sops
            .iter()
            .map(|s| s.id.as_str())
            .chain(ws.checklists.iter().map(|c| c.id.as_str()))
            .find(|k| loose_id(k) == wanted)
    });
    let hint = match meant {
        Some(k) => format!("did you mean `{k}`?"),
        None => "`sopbook status` lists the documents".to_string(),
    };
    Error::not_found(format!("no SOP or checklist has the id `{id}`")).with_hint(hint)
}
