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

/// What a password is asked for: the step (`inspect`, `approve`, ...) of a
/// record (`CL-001 lot L-9`). It reads "sign: inspect CL-001 lot L-9"; a
/// front end may say it in the person's language.
#[derive(Debug, Clone, Copy)]
pub struct Purpose<'a> {
    pub attempted: &'a str,
    pub record: &'a str,
}

impl std::fmt::Display for Purpose<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sign: {} {}", self.attempted, self.record)
    }
}

/// Asks for a person's password.
pub trait PasswordSource: Send + Sync {
    fn password(&self, person: &Person, purpose: &Purpose<'_>) -> Result<String>;
}

/// No way to ask: every signature is refused for want of a password.
pub struct NoPasswords;

impl PasswordSource for NoPasswords {
    fn password(&self, person: &Person, purpose: &Purpose<'_>) -> Result<String> {
        Err(Error::refused(format!(
            "{} ({}) must enter a password to {purpose}",
            person.name, person.id
        )))
    }
}

/// A fixed password, for the demo workspace and tests.
pub struct Fixed(pub String);

impl PasswordSource for Fixed {
    fn password(&self, _: &Person, _: &Purpose<'_>) -> Result<String> {
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

/// The person's newest signing key row, if they have one.
pub fn current_key(
    store: &mut dyn Store,
    person: &str,
) -> Result<Option<crate::store::SigningKeyRow>> {
    Ok(store
        .signing_keys()?
        .into_iter()
        .rev()
        .find(|k| k.person == person))
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

/// A new signing key, and its private half sealed with `password`.
pub fn new_key(kdf: Kdf, password: &str) -> Result<(ed25519_dalek::SigningKey, String)> {
    let mut secret = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(secret.as_mut())
        .map_err(|e| Error::invalid(format!("could not make a signing key: {e}")))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    let sealed = seal_key(kdf, &key, password)?;
    Ok((key, sealed))
}

/// The hex of a key's public half.
pub fn public_hex(key: &ed25519_dalek::SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// Seals a private key with a key derived from `password`:
/// `v1:m:t:p:salt:nonce:ciphertext`, argon2id then XChaCha20-Poly1305.
pub fn seal_key(kdf: Kdf, key: &ed25519_dalek::SigningKey, password: &str) -> Result<String> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let params = kdf.argon2().params().clone();
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut salt)
        .and_then(|()| getrandom::fill(&mut nonce))
        .map_err(|e| Error::invalid(format!("could not seal the signing key: {e}")))?;
    let wrapping = derive(&params, password, &salt)?;
    let cipher = chacha20poly1305::XChaCha20Poly1305::new(&chacha20poly1305::Key::from(*wrapping));
    let sealed = cipher
        .encrypt(
            &chacha20poly1305::XNonce::from(nonce),
            key.to_bytes().as_slice(),
        )
        .map_err(|_| Error::invalid("could not seal the signing key"))?;
    Ok(format!(
        "v1:{}:{}:{}:{}:{}:{}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        hex::encode(salt),
        hex::encode(nonce),
        hex::encode(sealed)
    ))
}

/// The private key sealed in `sealed`, if `password` opens it.
pub fn unseal_key(sealed: &str, password: &str) -> Option<ed25519_dalek::SigningKey> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let parts: Vec<&str> = sealed.split(':').collect();
    let ["v1", m, t, p, salt, nonce, ct] = parts.as_slice() else {
        return None;
    };
    let params = Params::new(m.parse().ok()?, t.parse().ok()?, p.parse().ok()?, None).ok()?;
    let salt = hex::decode(salt).ok()?;
    let nonce: [u8; 24] = hex::decode(nonce).ok()?.try_into().ok()?;
    let wrapping = derive(&params, password, &salt).ok()?;
    let cipher = chacha20poly1305::XChaCha20Poly1305::new(&chacha20poly1305::Key::from(*wrapping));
    let secret = zeroize::Zeroizing::new(
        cipher
            .decrypt(
                &chacha20poly1305::XNonce::from(nonce),
                hex::decode(ct).ok()?.as_slice(),
            )
            .ok()?,
    );
    let secret: [u8; 32] = secret.as_slice().try_into().ok()?;
    Some(ed25519_dalek::SigningKey::from_bytes(&secret))
}

fn derive(params: &Params, password: &str, salt: &[u8]) -> Result<zeroize::Zeroizing<[u8; 32]>> {
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into(password.as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::invalid(format!("could not derive the sealing key: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod keys {
    use super::*;

    #[test]
    fn a_sealed_key_opens_with_its_password_only() {
        let (key, sealed) = new_key(Kdf::Cheap, "correct horse").unwrap();
        let opened = unseal_key(&sealed, "correct horse").unwrap();
        assert_eq!(opened.to_bytes(), key.to_bytes());
        assert!(unseal_key(&sealed, "wrong horse").is_none());
        assert!(unseal_key("v1:garbage", "correct horse").is_none());
        // Sealed again with another password, it is the same key.
        let again = seal_key(Kdf::Cheap, &key, "battery staple").unwrap();
        assert_eq!(
            public_hex(&unseal_key(&again, "battery staple").unwrap()),
            public_hex(&key)
        );
    }
}
