//! Signing passwords: argon2id hashes in the store, and where a password
//! comes from when someone signs (a prompt without echo, or
//! `SOPBOOK_PASSWORD` for scripts and tests).

use std::io::IsTerminal;

use anyhow::{Result, anyhow, bail};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::model::Person;
use crate::store::Store;

/// Asks for a person's password.
pub trait PasswordSource {
    fn password(&self, person: &Person, purpose: &str) -> Result<String>;
}

/// `SOPBOOK_PASSWORD`, else a prompt on the terminal.
pub struct Prompt;

impl PasswordSource for Prompt {
    fn password(&self, person: &Person, purpose: &str) -> Result<String> {
        if let Ok(p) = std::env::var("SOPBOOK_PASSWORD") {
            return Ok(p);
        }
        if !std::io::stdin().is_terminal() {
            bail!(
                "{} ({}) must enter a password to {purpose}\n\nhelp: run this in a terminal, or set SOPBOOK_PASSWORD in scripts",
                person.name,
                person.id
            );
        }
        rpassword::prompt_password(format!(
            "Password for {} ({}) to {purpose}: ",
            person.name, person.id
        ))
        .map_err(|e| anyhow!("could not read the password: {e}"))
    }
}

/// A fixed password, for the demo workspace.
pub struct Fixed(pub String);

impl PasswordSource for Fixed {
    fn password(&self, _: &Person, _: &str) -> Result<String> {
        Ok(self.0.clone())
    }
}

pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("could not hash the password: {e}"))
}

/// The person's newest password hash, if one was ever set.
pub fn current_hash(store: &mut dyn Store, person: &str) -> Result<Option<String>> {
    Ok(store
        .credentials()?
        .into_iter()
        .rev()
        .find(|c| c.person == person)
        .map(|c| c.hash))
}

pub fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(password_matches(&a, "correct horse"));
        assert!(!password_matches(&a, "wrong horse"));
        assert!(!password_matches("not a hash", "x"));
    }
}
