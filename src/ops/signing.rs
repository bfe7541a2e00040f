//! Signing passwords: argon2id hashes in the store (each hash carries its
//! own parameters, so a stronger default later still verifies old ones), and
//! where a password comes from when someone signs: the front end provides a
//! [`PasswordSource`] (a prompt, a web form, the demo's fixed password).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{Error, Result};
use crate::model::Person;
use crate::store::Store;

/// Asks for a person's password.
pub trait PasswordSource: Send + Sync {
    fn password(&self, person: &Person, purpose: &str) -> Result<String>;
}

/// No way to ask: every signature is refused for want of a password.
pub struct NoPasswords;

impl PasswordSource for NoPasswords {
    fn password(&self, person: &Person, purpose: &str) -> Result<String> {
        Err(Error::refused(format!(
            "{} ({}) must enter a password to {purpose}",
            person.name, person.id
        )))
    }
}

/// A fixed password, for the demo workspace and tests.
pub struct Fixed(pub String);

impl PasswordSource for Fixed {
    fn password(&self, _: &Person, _: &str) -> Result<String> {
        Ok(self.0.clone())
    }
}

/// How expensive new password hashes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    /// argon2id with its recommended parameters (19 MiB, 2 passes).
    Standard,
    /// argon2id at its cheapest, for tests of the rules: never for real people.
    Cheap,
}

impl Kdf {
    fn argon2(self) -> Argon2<'static> {
        match self {
            Kdf::Standard => Argon2::default(),
            Kdf::Cheap => Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(8, 1, 1, None).unwrap_or_default(),
            ),
        }
    }
}

pub fn hash_password(kdf: Kdf, password: &str) -> Result<String> {
    kdf.argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::invalid(format!("could not hash the password: {e}")))
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

/// Whether `password` matches `hash`, with the parameters stored in the hash.
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
        let a = hash_password(Kdf::Standard, "correct horse").unwrap();
        let b = hash_password(Kdf::Standard, "correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(password_matches(&a, "correct horse"));
        assert!(!password_matches(&a, "wrong horse"));
        assert!(!password_matches("not a hash", "x"));
    }

    #[test]
    fn cheap_hashes_carry_their_parameters() {
        let a = hash_password(Kdf::Cheap, "correct horse").unwrap();
        assert!(a.contains("m=8,t=1,p=1"), "{a}");
        assert!(password_matches(&a, "correct horse"));
        assert!(!password_matches(&a, "wrong horse"));
    }
}
